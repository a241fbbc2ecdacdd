"""Roles: role files and their checks, reading a job posting, and --role on the commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcer.home import shipped_dir
from sourcer.library.store import Layer, Library
from sourcer.roles.jd import PostingError, read_posting
from tests.conftest import REPO

LIBRARY = Library([Layer("builtin", shipped_dir("terms"))])
TERMS = [LIBRARY.get(slug) for slug in LIBRARY.entries()]
POSTING = REPO / "examples" / "posting-go.txt"

GOOD = """\
version: 1
title: Senior Backend Engineer (Go)
level: senior
locations: [Berlin]
remote: hybrid
must: [go, kubernetes]
any: [[aws, gcp]]
nice: [kafka]
keywords: [gRPC]
boards: [linkedin, google]
mode: balanced
outreach:
  template: inmail
  sender: {name: Sam Lee, title: Technical Recruiter}
"""


def read(text: str):
    return read_posting(text, TERMS).role


# -- reading a posting ------------------------------------------------------------------------


def test_a_posting_becomes_a_role():
    role = read(POSTING.read_text(encoding="utf-8"))
    assert role.title == "Senior Backend Engineer (Go)"
    assert role.must == ("go", "kubernetes", "postgresql", "grpc", "helm")
    assert role.any == (("aws", "gcp"),)
    assert role.nice == ("kafka", "terraform")
    assert role.keywords == ("OpenAPI",)
    assert (role.level, role.locations, role.remote) == ("senior", ("Berlin",), "hybrid")


def test_skills_in_the_company_blurb_are_not_required():
    role = read(
        "Data Engineer\n\nAbout us\nWe build everything in Rust and Scala.\n\n"
        "Requirements\n- 3 years with Python and Airflow\n"
    )
    assert role.must == ("python", "airflow")
    assert role.level == "mid"


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Requirements\n- Strong go-to-market instinct and SQL for reporting", "go"),
        ("Requirements\n- Spring 2027 start, with experience in SQL and dashboards", "spring"),
        ("Requirements\n- A swift learner who knows SQL and Excel well", "swift"),
        ("Requirements\n- Express your ideas clearly; SQL and reporting experience", "express"),
    ],
)
def test_an_ambiguous_name_needs_its_technical_sense(text, absent):
    role = read("Analyst\n" + text)
    assert absent not in role.must and "sql" in role.must


def test_ambiguous_names_count_when_they_are_the_technology():
    role = read("Engineer\nRequirements\n- 4 years building services in Go\n- Spring Boot\n")
    assert role.must == ("go", "spring")


def test_or_makes_a_group_and_nice_cues_move_a_line():
    role = read(
        "Engineer\nWhat you bring\n- Java or Kotlin\n- AWS, GCP or a similar cloud\n"
        "- Docker\n- Terraform would be a plus\n"
    )
    assert role.any == (("java", "kotlin"), ("aws", "gcp"))
    assert role.must == ("docker",)
    assert role.nice == ("terraform",)


def test_headings_in_other_languages():
    role = read(
        "Senior Java-Entwickler (m/w/d)\nStandort: München\n\nIhr Profil\n"
        "- Mindestens 5 Jahre Erfahrung mit Java und Spring Boot\n\nWünschenswert\n- Kafka\n"
    )
    assert role.must == ("java", "spring")
    assert role.nice == ("kafka",)
    assert (role.level, role.locations) == ("senior", ("München",))


def test_html_postings_are_read_as_their_text():
    html = (
        "<h1>Python Developer</h1><p>Lisboa · Híbrido</p><h2>Requisitos</h2>"
        "<ul><li>Django e PostgreSQL</li></ul>"
    )
    role = read_posting(html, TERMS).role
    assert role.must == ("django", "postgresql")
    assert (role.locations, role.remote) == (("Lisboa",), "hybrid")


def test_a_posting_without_skills_is_an_error_naming_what_was_read():
    found = read_posting("Office Manager\nVienna\nWe need someone organised.", TERMS)
    with pytest.raises(PostingError) as error:
        found.check()
    assert str(error.value).startswith(
        "no skill found in the posting (3 lines, titled 'Office Manager')"
    )


def test_the_labelled_postings_meet_the_targets():
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from quality import evaluate_jobs

    result = evaluate_jobs()
    assert result["postings"] >= 30
    must = result["buckets"]["must"]
    assert must["recall"] >= 0.90 and must["precision"] >= 0.90
    assert result["buckets"]["nice"]["recall"] >= 0.80
    assert result["accuracy"]["level"] >= 0.80
    assert result["accuracy"]["locations"] >= 0.90


# -- the commands ---------------------------------------------------------------------------


def test_from_jd_then_query_with_the_role(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    made = run("role", "from-jd", str(POSTING), "-o", "go.yaml")
    assert made.exit_code == 0
    assert made.stderr.startswith(
        "wrote go.yaml\nRead 14 lines: 'Senior Backend Engineer (Go)'; must: go, kubernetes, "
        "postgresql, grpc, helm; one of: aws or gcp; nice: kafka, terraform; level: senior; "
        "Berlin, hybrid\n"
    )
    assert "Not in the library (kept as keywords): OpenAPI" in made.stderr
    assert run("role", "lint", "go.yaml").exit_code == 0
    result = run("query", "--role", "go.yaml", "--board", "all")
    assert result.exit_code == 0
    assert "# linkedin\nKeywords: (Go OR Golang) AND (Kubernetes OR" in result.stdout
    assert "Location filter: Berlin, Germany" in result.stdout
    assert "# google (de.linkedin.com/in)" in result.stdout and "narrower" in result.stdout
    again = run("role", "from-jd", str(POSTING), "-o", "go.yaml")
    assert again.exit_code == 1
    assert again.stderr == "Error: go.yaml already exists; use --force to overwrite it\n"


def test_from_jd_json_has_the_evidence(run):
    data = json.loads(run("role", "from-jd", str(POSTING), "--json").stdout)
    assert list(data) == [
        "title",
        "level",
        "locations",
        "remote",
        "must",
        "any",
        "nice",
        "keywords",
        "evidence",
    ]
    assert data["evidence"]["postgresql"] == (
        "Strong experience with Golang and PostgreSQL (Postgres)"
    )


def test_from_jd_without_skills_exits_1(run, tmp_path):
    posting = tmp_path / "office.txt"
    posting.write_text("Office Manager\nVienna\nWe need someone organised.\n", encoding="utf-8")
    result = run("role", "from-jd", str(posting))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: no skill found in the posting (3 lines, titled")


def test_options_on_the_command_line_override_the_role(run, tmp_path):
    role = tmp_path / "go.yaml"
    role.write_text(GOOD, encoding="utf-8")
    senior = run("query", "--role", str(role), "-b", "linkedin").stdout
    assert "(Senior OR" in senior
    junior = run("query", "--role", str(role), "-b", "linkedin", "--level", "junior").stdout
    assert "(Junior OR" in junior and "(Senior OR" not in junior
    other = run("query", "rust", "--role", str(role), "-b", "linkedin").stdout
    assert "Keywords: (Rust OR" in other and "Golang" not in other


def test_roles_are_found_by_name_and_listed(run, isolated_home):
    folder = isolated_home / "roles"
    folder.mkdir(parents=True)
    (folder / "go.yaml").write_text(GOOD, encoding="utf-8")
    assert run("role", "list").stdout == "go  Senior Backend Engineer (Go)\n"
    shown = run("role", "show", "go").stdout
    assert shown.startswith(f"# {folder / 'go.yaml'}\nversion: 1\n")
    assert "# google (de.linkedin.com/in)" in shown
    missing = run("query", "--role", "nosuch")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("Error: no role file 'nosuch'")
    assert missing.stderr.rstrip().endswith("saved roles: go")


BROKEN = [
    ("[go, rust]\n", "1: a role file must be a mapping of keys"),
    ("version: 1\nmust: [go\n", "YAML syntax error"),
    ("title: Go\nmust: [go]\n", "1: missing 'version: 1'"),
    ("version: 2\nmust: [go]\n", "1: version 2 is not known"),
    ("version: 1\nmust: [go]\nmsut: [rust]\n", "3: unknown key msut; did you mean 'must'?"),
    ("version: 1\nmust: [go]\nlevel: expert\n", "3: level: 'expert' is not one of"),
    ("version: 1\nmust: [go]\nremote: sometimes\n", "3: remote: 'sometimes' is not one of"),
    ("version: 1\nmust: [golng]\n", "2: must[0]: unknown term 'golng' (did you mean go?"),
    ("version: 1\nany: [[aws]]\n", "2: any[0]: a group is a list of two or more terms"),
    ("version: 1\nany: aws\n", "2: any: expected a list of groups"),
    ("version: 1\nmust: [go]\nnice: [go]\n", "3: nice: 'go' is also under must"),
    ("version: 1\nmust: [go]\nboards: [linkdin]\n", "3: boards: unknown board 'linkdin'"),
    ("version: 1\nmust: [go]\nsite: not a domain\n", "3: site: --site 'not a domain' is neither"),
    ("version: 1\nmust: [go]\nmode: wide\n", "3: mode: 'wide' is not one of"),
    ("version: 1\nmust: [go]\noutreach: {templat: inmail}\n", "3: unknown key outreach.templat"),
    ("version: 1\nmust: [go]\noutreach: {template: letter}\n", "3: outreach.template: no template"),
    ("version: 1\ntitle: Go\n", "1: nothing to search for"),
    ("version: 1\nmust: [go]\ntitle: \u201cGo\u201d\n", "3: title: curly quote"),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN, ids=[b[1][:30] for b in BROKEN])
def test_role_lint_reports_every_kind_of_broken_file(run, tmp_path, text, expected):
    path = tmp_path / "role.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("role", "lint", str(path))
    assert result.exit_code == 1
    assert any(line.startswith(f"{path}:") for line in result.stdout.splitlines())
    assert expected in result.stdout, result.stdout
    assert result.stderr.startswith("Error: ")


def test_a_broken_role_stops_query_with_its_first_problem(run, tmp_path):
    path = tmp_path / "role.yaml"
    path.write_text("version: 1\nmust: [golng]\nlevel: expert\n", encoding="utf-8")
    result = run("query", "--role", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}:2: must[0]: unknown term 'golng' (did you mean go? put skills the "
        f"library does not know under keywords:) (and 2 more; run 'sourcer role lint {path}')\n"
    )


def test_readme_role_example_runs_as_written(run, tmp_path, monkeypatch):
    # the README shows: sourcer role from-jd posting.txt -o go.yaml && sourcer query --role go.yaml --board all
    monkeypatch.chdir(tmp_path)
    Path("posting.txt").write_text(POSTING.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("role", "from-jd", "posting.txt", "-o", "go.yaml").exit_code == 0
    assert run("query", "--role", "go.yaml", "--board", "all").exit_code == 0


def test_brief_and_outreach_take_the_role(run, tmp_path):
    role = tmp_path / "go.yaml"
    role.write_text(
        "version: 1\ntitle: Senior Go Engineer\nlevel: senior\nmust: [go]\n"
        "outreach:\n  template: connection-note\n  sender: {name: Sam Lee}\n",
        encoding="utf-8",
    )
    brief = run("brief", "--role", str(role))
    assert brief.exit_code == 0
    assert brief.stdout.startswith("# Recruiter brief: Go (senior)\n")
    note = run("outreach", "render", "--role", str(role), "--set", "first_name=Ada")
    assert note.exit_code == 0
    assert note.stdout.startswith("Hi Ada, I'm Sam Lee.")
    assert "Senior Go Engineer" in note.stdout
    mine = run(
        "outreach",
        "render",
        "--role",
        str(role),
        "--set",
        "first_name=Ada",
        "--set",
        "sender.name=Kim Park",
    )
    assert mine.stdout.startswith("Hi Ada, I'm Kim Park."), "the command line wins"
    assert run("outreach", "render").exit_code == 2


def test_terms_find_lists_terms_by_title(run):
    result = run("terms", "find", "data engineer")
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0].split()
    assert first[1:] == ["Data", "Engineer"]
    shown = run("terms", "show", "data engineer")
    assert shown.exit_code == 1
    assert shown.stderr.endswith(
        '"data engineer" is a job title: sourcer terms find "data engineer" lists its terms\n'
    )
    assert run("terms", "find", "astronaut").exit_code == 1


def test_the_labelled_postings_are_well_formed():
    slugs = set(LIBRARY.entries())
    records = [json.loads(line) for line in (REPO / "benchmarks/quality/jobs.jsonl").open()]
    assert len(records) >= 30
    assert len({r["id"] for r in records}) == len(records)
    assert sum(r["format"] in ("text", "markdown", "html") for r in records) == len(records)
    for record in records:
        labels = record["labels"]
        buckets = [*labels["must"], *labels["nice"], *(s for g in labels["any"] for s in g)]
        assert set(buckets) <= slugs, record["id"]
        assert len(buckets) == len(set(buckets)), f"{record['id']}: a slug in two buckets"
        assert all(len(group) >= 2 for group in labels["any"]), record["id"]
        assert labels["level"] in ("junior", "mid", "senior", "none")
        assert labels["remote"] in ("remote", "hybrid", "onsite", "unknown")
