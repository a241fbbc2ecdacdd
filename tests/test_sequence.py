"""``sourcer outreach sequence``: every step for every row, all of it or nothing."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import check_golden

PEOPLE = (
    "First Name,Last Name,E-mail,Current Company\n"
    "Ada,Lovelace,ada@example.com,Analytical Engines\n"
    "Maximiliana-Alexandrina,Vandenberghe-Oyelaran,,International Business Machines Research\n"
)
ARGS = ("--term", "go", "--set", "sender.name=Sam Lee", "--set", "role=Backend Engineer")


def _people(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    return path


def test_the_default_sequence_as_a_table_to_import(run, tmp_path):
    result = run(
        "outreach", "sequence", "default", "--csv", str(_people(tmp_path)), *ARGS,
        "--level", "senior", "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["row"], r["step"], r["day"], r["channel"]) for r in rows] == [
        ("2", "1", "0", "linkedin-connection"),
        ("2", "2", "3", "linkedin-inmail"),
        ("2", "3", "5", "email"),  # only where there is an address
        ("2", "4", "10", "linkedin-inmail-follow-up"),
        ("3", "1", "0", "linkedin-connection"),
        ("3", "2", "3", "linkedin-inmail"),
        ("3", "4", "10", "linkedin-inmail-follow-up"),
    ]
    check_golden("outreach/sequence-default.csv", result.stdout)


def test_json_has_the_same_columns(run, tmp_path):
    result = run(
        "outreach", "sequence", "default", "--csv", str(_people(tmp_path)), *ARGS,
        "--format", "json",
    )  # fmt: skip
    records = json.loads(result.stdout)
    assert set(records[0]) == {"row", "step", "day", "channel", "template", "subject", "body"}
    assert records[2]["subject"] == "Backend Engineer"


def test_a_folder_per_step(run, tmp_path):
    out = tmp_path / "out"
    result = run(
        "outreach", "sequence", "default", "--csv", str(_people(tmp_path)), *ARGS,
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.txt")) == [
        "1-day00-connection-note/002-ada-lovelace.txt",
        "1-day00-connection-note/003-maximiliana-alexandrina-vandenberghe-oye.txt",
        "2-day03-inmail/002-ada-lovelace.txt",
        "2-day03-inmail/003-maximiliana-alexandrina-vandenberghe-oye.txt",
        "3-day05-email/002-ada-lovelace.txt",
        "4-day10-follow-up/002-ada-lovelace.txt",
        "4-day10-follow-up/003-maximiliana-alexandrina-vandenberghe-oye.txt",
    ]
    assert result.stderr.endswith("wrote 7 files to " + str(out) + ", one folder per step\n")


def test_one_failing_step_writes_nothing(run, tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "needy.j2").write_text(
        "---\nchannel: linkedin-connection\n---\nHi {{ candidate.nickname }}\n", encoding="utf-8"
    )
    steps = tmp_path / "steps.yaml"
    steps.write_text(
        "steps:\n  - template: connection-note\n    day: 0\n  - template: needy\n    day: 2\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run(
        "outreach", "--templates-dir", str(folder), "sequence", str(steps), "--csv",
        str(_people(tmp_path)), *ARGS, "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "step 2 (needy), row 2: " in result.stderr
    assert result.stderr.endswith(
        "Error: 2 messages of the sequence failed; nothing was written (fix them, or pass "
        "--skip-bad to write the rest)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("steps:\n  - template: nope\n    day: 0\n", "2: step 1: template 'nope' not found"),
        ("steps:\n  - template: inmail\n    day: -1\n", "2: step 1: day must be a whole number"),
        (
            "steps:\n  - template: inmail\n    day: 3\n  - template: email\n    day: 1\n",
            "4: step 2: day 1 comes before step 1's day 3",
        ),
        (
            "steps:\n  - template: inmail\n    day: 0\n    channel: email\n",
            "2: step 1: inmail is a linkedin-inmail template, not email",
        ),
        (
            "steps:\n  - template: inmail\n    day: 0\n    when: sometimes\n",
            "2: step 1: when must be one of: email, no email",
        ),
        ("steps:\n  - template: inmail\n    dya: 0\n", "3: step 1: unknown key 'dya'"),
        ("name: x\n", "1: steps: a list of steps"),
    ],
)
def test_a_bad_sequence_file_is_one_line_naming_the_line(run, tmp_path, text, message):
    steps = tmp_path / "steps.yaml"
    steps.write_text(text, encoding="utf-8")
    result = run("outreach", "sequence", str(steps), "--csv", str(_people(tmp_path)), *ARGS)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {steps}:{message}")
    assert result.stderr.count("\n") == 1


def test_the_readme_sequence_is_a_valid_one(run, tmp_path):
    import re

    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Sequences", 1)[1]
    (block,) = re.findall(r"```yaml\n(.*?)```", section.split("\n## ", 1)[0], re.DOTALL)
    steps = tmp_path / "backend.yaml"
    steps.write_text(block, encoding="utf-8")
    result = run(
        "outreach", "sequence", str(steps), "--csv", str(_people(tmp_path)), *ARGS,
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    by_row = {}
    for record in json.loads(result.stdout):
        by_row.setdefault(record["row"], []).append(record["template"])
    assert by_row == {
        2: ["connection-note", "email", "follow-up"],
        3: ["connection-note", "inmail", "follow-up"],
    }


def test_a_sequence_file_past_its_step_limit_is_refused(run, tmp_path):
    steps = tmp_path / "steps.yaml"
    steps.write_text(
        "steps:\n" + "".join("  - template: inmail\n    day: 0\n" for _ in range(51)),
        encoding="utf-8",
    )
    result = run("outreach", "sequence", str(steps), "--csv", str(_people(tmp_path)), *ARGS)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {steps}:1: 51 steps; a sequence has at most 50\n"
