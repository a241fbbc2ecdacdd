"""``sourcer outreach check``: what a template reads, what is optional, who lacks what."""

from __future__ import annotations

import json

import pytest

from sourcer.outreach.check import Variable, template_variables
from sourcer.outreach.templates import Templates
from tests.conftest import check_golden

PEOPLE = "Vorname,Firma,E-Mail\nAda,Acme,ada@example.com\nBob,,\n"


def _variables(tmp_path, body: str) -> dict[str, Variable]:
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / "t.j2").write_text("---\nchannel: email\n---\n" + body, encoding="utf-8")
    found = template_variables(Templates([("test", str(folder))]), "t")
    return {v.path: v for v in found}


def test_what_a_template_reads_and_what_it_may_lack(tmp_path):
    found = _variables(
        tmp_path,
        "{{ candidate.first_name | default('there') }}\n"  # line 4: a default
        "{% if candidate.company is defined %}at {{ candidate.company }}{% endif %}\n"
        "{{ sender.name }} {{ sender['title'] }}\n"  # needed, both
        "{{ term.name if term is defined else 'a role' }}\n"  # guarded by the condition
        "{% for skill in term.related_names[:3] %}{{ skill }}{{ loop.index }}{% endfor %}\n"
        "{% set greeting = 'Hi' %}{{ greeting }}\n"
        "{% macro sign(who) %}{{ who }}{% endmacro %}{{ sign(sender.name) }}\n",
    )
    assert sorted(found) == [
        "candidate.company",
        "candidate.first_name",
        "sender.name",
        "sender.title",
        "term",
        "term.name",
        "term.related_names",
    ]
    assert found["candidate.first_name"] == Variable("candidate.first_name", (4,), True)
    assert found["candidate.company"].optional
    assert found["sender.name"] == Variable("sender.name", (6, 10), False)
    assert not found["sender.title"].optional
    assert found["term.name"].optional
    assert not found["term.related_names"].optional  # read with no guard


def test_check_shows_every_variable_and_who_lacks_it(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    result = run(
        "outreach",
        "check",
        "inmail",
        "--csv",
        str(people),
        "--term",
        "flask",
        "--set",
        "sender.name=Sam",
    )
    assert result.exit_code == 0, result.stderr
    check_golden("outreach/check-inmail.txt", result.stdout.replace(str(people), "people.csv"))


def test_check_fails_naming_what_is_missing(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    result = run("outreach", "check", "inmail", "--csv", str(people), "--term", "flask")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the template needs sender.name (not set: config.yaml or --set)\n"
    )


def test_check_counts_rows_that_lack_a_needed_value(run, tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "need.j2").write_text(
        "---\nchannel: email\n---\n{% block subject %}Hi{% endblock %}"
        "{% block body %}{{ candidate.email }}{% endblock %}\n",
        encoding="utf-8",
    )
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    result = run(
        "outreach",
        "--templates-dir",
        str(folder),
        "check",
        "need",
        "--csv",
        str(people),
        "--json",
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["rows"] == 2
    assert data["variables"] == [
        {
            "variable": "candidate.email",
            "lines": [4],
            "optional": False,
            "source": "each row",
            "rows_lacking": 1,
        }
    ]
    assert result.stderr == "Error: the template needs candidate.email (1 of 2 rows lack it)\n"


@pytest.mark.parametrize("name", ["connection-note", "inmail", "email", "follow-up"])
def test_every_shipped_template_can_be_checked(run, tmp_path, name):
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    result = run(
        "outreach",
        "check",
        name,
        "--csv",
        str(people),
        "--term",
        "flask",
        "--set",
        "sender.name=Sam",
    )
    assert result.exit_code == 0, result.stderr
    assert "candidate.first_name" in result.stdout


def test_a_template_with_a_syntax_error_is_named_with_its_line(run, tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "broken.j2").write_text(
        "---\nchannel: email\n---\nHi {{ candidate.first_name\n", encoding="utf-8"
    )
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    result = run(
        "outreach", "--templates-dir", str(folder), "check", "broken", "--csv", str(people)
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / 'broken.j2'}:4: ")
