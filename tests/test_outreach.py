"""Outreach messages: templates, context, sandbox, channel limits and mail-merge."""

from __future__ import annotations

import csv
import io
import json

import pytest

from sourcer.outreach.merge import column_key, parse_assignments
from tests.conftest import REPO, check_golden

TEMPLATES = ["connection-note", "inmail", "email", "follow-up"]

SENDER = ["--set", "sender.name=Sam Lee", "--set", "sender.title=Technical Recruiter"]
FULL = [
    "--term",
    "flask",
    "--level",
    "senior",
    "--set",
    "first_name=Ada",
    "--set",
    "current_company=Initech",
    "--set",
    "role=Backend Engineer",
    "--set",
    "company=Acme",
    "--set",
    "sender.email=sam@acme.example",
    *SENDER,
]


def write_csv(path, rows, *, bom=False):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


# -- golden messages -----------------------------------------------------------------------


@pytest.mark.parametrize("name", TEMPLATES)
def test_golden_with_everything_set(run, name):
    result = run("outreach", "render", name, *FULL, "--tier", "premium")
    assert result.exit_code == 0, result.stderr
    check_golden(f"outreach/{name}-full.txt", result.stdout)


@pytest.mark.parametrize("name", TEMPLATES)
def test_golden_with_only_the_sender(run, name):
    """The fallbacks read well when nothing but the sender is known."""
    result = run("outreach", "render", name, "--set", "sender.name=Sam Lee")
    assert result.exit_code == 0, result.stderr
    check_golden(f"outreach/{name}-minimal.txt", result.stdout)


def test_every_shipped_template_is_listed(run):
    data = json.loads(run("outreach", "list", "--json").stdout)
    assert [t["name"] for t in data] == sorted(TEMPLATES)
    assert {t["channel"] for t in data} == {
        "linkedin-connection",
        "linkedin-inmail",
        "linkedin-inmail-follow-up",
        "email",
    }
    assert all(t["origin"] == "builtin" and t["description"] for t in data)


def test_show(run):
    result = run("outreach", "show", "connection-note")
    assert result.exit_code == 0
    assert "channel: LinkedIn connection note (linkedin-connection)" in result.stdout
    assert "limit:   body 300 characters (premium accounts), hard" in result.stdout
    assert "limit:   body 200 characters (free accounts), hard" in result.stdout
    assert "channel: linkedin-connection" in result.stdout  # the source itself


def test_unknown_template(run):
    result = run("outreach", "render", "inmial")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no template 'inmial'. Did you mean: inmail? Run 'sourcer outreach list' to see them.\n"
    )


# -- context -------------------------------------------------------------------------------


def test_missing_value_names_variable_template_and_line(run):
    result = run("outreach", "render", "inmail", "--term", "flask")
    assert result.exit_code == 1
    path = REPO / "templates" / "outreach" / "inmail.j2"
    assert result.stderr == f"Error: {path}:10: sender.name is not set\n"


def test_missing_candidate_field_in_user_template(run, tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "hello.j2").write_text(
        "---\nchannel: email\n---\n{% block subject %}Hi{% endblock %}\n{% block body %}\n"
        "Dear {{ candidate.last_name }},\n{% endblock %}\n"
    )
    result = run("outreach", "--templates-dir", str(folder), "render", "hello")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {folder / 'hello.j2'}:6: candidate.last_name is not set\n"


@pytest.mark.parametrize(
    ("assignments", "expected"),
    [
        (["role=Dev"], {"role": "Dev"}),
        (["company=Acme", "level=senior"], {"company": "Acme", "level": "senior"}),
        (["first_name=Ada"], {"candidate": {"first_name": "Ada"}}),
        (["sender.name=Sam", "sender.email=s@x"], {"sender": {"name": "Sam", "email": "s@x"}}),
        (["note=a=b"], {"candidate": {"note": "a=b"}}),
        (["candidate.first_name=Ada"], {"candidate": {"first_name": "Ada"}}),
    ],
)
def test_set_rules(assignments, expected):
    assert parse_assignments(assignments) == expected


@pytest.mark.parametrize("bad", ["novalue", "=x", "a..b=1", "term.name=x"])
def test_set_errors(bad):
    with pytest.raises(ValueError):
        parse_assignments([bad])


def test_set_error_is_a_usage_error(run):
    result = run("outreach", "render", "inmail", "--set", "oops")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: Invalid value for '--set': 'oops' is not KEY=VALUE\n")


def test_config_supplies_sender_tier_and_company(run, isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text(
        "sender:\n  name: Kim Park\n  signature: Kim Park, Talent at Acme\ntier: premium\ncompany: Acme\n"
    )
    result = run("outreach", "render", "inmail", "--set", "first_name=Ada")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Subject: A role at Acme\n")
    assert result.stdout.rstrip().endswith("Kim Park, Talent at Acme")


def test_set_overrides_config(run, isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("sender:\n  name: Kim Park\n")
    result = run("outreach", "render", "follow-up", "--set", "sender.name=Lee")
    assert result.stdout.rstrip().endswith("Best,\nLee")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "sendr:\n  name: x\n",
            "config.yaml:1: unknown key 'sendr'; expected sender, tier, company, role",
        ),
        ("tier: gold\n", "config.yaml:1: tier must be free or premium"),
        (
            "sender:\n  name: x\n  signature: " + "x" * 151 + "\n",
            "config.yaml:3: sender.signature is 151 characters; LinkedIn Recruiter allows 150 (LinkedIn help a412220)",
        ),
        ("sender: [1, 2]\n", "config.yaml:1: sender: expected name: value pairs"),
    ],
)
def test_bad_config(run, isolated_home, content, message):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text(content)
    result = run("outreach", "render", "follow-up", "--set", "sender.name=x")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {isolated_home / 'config.yaml'}:{message.split(':', 1)[1]}\n"


# -- safety --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ candidate.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ ''.format.__globals__ }}",
    ],
)
def test_sandbox_stops_escapes(run, tmp_path, expression):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "evil.j2").write_text(f"---\nchannel: linkedin-connection\n---\n{expression}\n")
    result = run("outreach", "--templates-dir", str(folder), "render", "evil")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / 'evil.j2'}:4: ")
    assert "Traceback" not in result.output
    assert "__mro__" not in result.stdout and "object" not in result.stdout


def test_text_is_not_html_escaped(run):
    result = run(
        "outreach",
        "render",
        "connection-note",
        "--set",
        "first_name=O'Brien & <Co>",
        "--set",
        "sender.name=Sam",
    )
    assert "Hi O'Brien & <Co>," in result.stdout


def test_template_syntax_error(run, tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "broken.j2").write_text("---\nchannel: email\n---\n{% block subject %}x{% endblock\n")
    result = run("outreach", "--templates-dir", str(folder), "render", "broken")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / 'broken.j2'}:4: ")


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("", ":1: no front matter; start the file with ---, channel: NAME, ---"),
        (
            "---\nchannel: fax\n---\n",
            ":2: channel must be one of linkedin-connection, linkedin-inmail, linkedin-inmail-follow-up, email (got 'fax')",
        ),
        (
            "---\nchannel: email\ncolour: red\n---\n",
            ":3: unknown front matter key 'colour'; expected channel, description",
        ),
    ],
)
def test_bad_front_matter(run, tmp_path, front, message):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "odd.j2").write_text(front + "Hello\n")
    result = run("outreach", "--templates-dir", str(folder), "render", "odd")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / 'odd.j2'}{message}")


def test_email_needs_a_subject_block(run, tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "nosubject.j2").write_text("---\nchannel: email\n---\nHello\n")
    result = run("outreach", "--templates-dir", str(folder), "render", "nosubject")
    assert result.exit_code == 1
    assert "needs a subject" in result.stderr


def test_user_templates_override_builtin(run, isolated_home):
    folder = isolated_home / "templates"
    folder.mkdir(parents=True)
    (folder / "connection-note.j2").write_text(
        "---\nchannel: linkedin-connection\n---\nMine, {{ candidate.first_name }}.\n"
    )
    result = run("outreach", "render", "connection-note", "--set", "first_name=Ada")
    assert result.stdout == "Mine, Ada.\n"
    listed = {t["name"]: t["origin"] for t in json.loads(run("outreach", "list", "--json").stdout)}
    assert listed["connection-note"] == "user"


# -- channel limits ------------------------------------------------------------------------


def long_note(tmp_path, length):
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / "long.j2").write_text(
        "---\nchannel: linkedin-connection\n---\n" + "x" * length + "\n"
    )
    return folder


def test_over_the_limit_is_an_error_with_the_overage(run, tmp_path):
    folder = long_note(tmp_path, 250)
    result = run("outreach", "--templates-dir", str(folder), "render", "long")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: LinkedIn connection note body is 250 characters; the limit is 200 (free accounts), "
        "50 over (C: consistent third-party reports); shorten it, or pass --allow-long\n"
    )
    assert (
        run(
            "outreach", "--templates-dir", str(folder), "render", "long", "--tier", "premium"
        ).exit_code
        == 0
    )


def test_allow_long_warns(run, tmp_path):
    folder = long_note(tmp_path, 250)
    result = run("outreach", "--templates-dir", str(folder), "render", "long", "--allow-long")
    assert result.exit_code == 0
    assert result.stdout == "x" * 250 + "\n"
    assert result.stderr.startswith("warning: LinkedIn connection note body is 250 characters")


def test_soft_limit_only_warns(run):
    result = run(
        "outreach", "render", "email", "--set", "sender.name=Sam", "--set", "role=" + "R" * 70
    )
    assert result.exit_code == 0
    assert "warning: Email subject is 70 characters; the limit is 60, 10 over" in result.stderr


# -- mail-merge ----------------------------------------------------------------------------


def test_merge_bom_unicode_and_blank_rows(run, tmp_path):
    people = write_csv(
        tmp_path / "people.csv",
        [["First Name", "Last Name"], ["Zoë", "Ødegård"], ["", ""], ["José", "Núñez"], []],
        bom=True,
    )
    result = run(
        "outreach", "render", "connection-note", "--csv", str(people), *SENDER, "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [m["row"] for m in data] == [2, 4]
    assert data[0]["body"].startswith("Hi Zoë, I'm Sam Lee.")
    assert data[0]["candidate"] == {"first_name": "Zoë", "last_name": "Ødegård"}
    assert "skipped 2 blank rows" in result.stderr


def test_merge_fails_whole_when_a_row_fails(run, tmp_path):
    people = write_csv(
        tmp_path / "people.csv",
        [
            ["first_name", "current_company"],
            ["Ada", "Initech"],
            ["Bob", "X" * 1700],
            ["Cy", "Y" * 1800],
        ],
    )
    out = tmp_path / "out"
    result = run("outreach", "render", "inmail", "--csv", str(people), *SENDER, "--out", str(out))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("row 3: LinkedIn InMail body is ")
    assert lines[1].startswith("row 4: LinkedIn InMail body is ")
    assert lines[-1] == (
        f"Error: 2 rows of {people} failed; nothing was written (fix them, or pass --skip-bad to write the rest)"
    )
    assert not out.exists()


def test_missing_column_fails_every_row_that_needs_it(run, tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "need.j2").write_text(
        "---\nchannel: linkedin-connection\n---\nHi {{ candidate.first_name }}\n"
    )
    people = write_csv(tmp_path / "p.csv", [["name"], ["Ada"], ["Bob"]])
    result = run("outreach", "--templates-dir", str(folder), "render", "need", "--csv", str(people))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"row 2: {folder / 'need.j2'}:4: candidate.first_name is not set",
        f"row 3: {folder / 'need.j2'}:4: candidate.first_name is not set",
    ]


def test_skip_bad_writes_the_rest(run, tmp_path):
    people = write_csv(
        tmp_path / "people.csv",
        [["first_name", "current_company"], ["Ada", "Initech"], ["Bob", "X" * 2000]],
    )
    out = tmp_path / "out"
    result = run(
        "outreach",
        "render",
        "inmail",
        "--csv",
        str(people),
        *SENDER,
        "--out",
        str(out),
        "--skip-bad",
    )
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["002-ada.txt"]
    assert "warning: skipped 1 row that failed (listed above)" in result.stderr
    assert (out / "002-ada.txt").read_text().startswith("Subject: A role\n\nHi Ada,")


def test_out_never_overwrites_without_force(run, tmp_path):
    people = write_csv(tmp_path / "people.csv", [["first_name"], ["Ada"], ["Bob"]])
    out = tmp_path / "out"
    args = (
        "outreach",
        "render",
        "connection-note",
        "--csv",
        str(people),
        *SENDER,
        "--out",
        str(out),
    )
    assert run(*args).exit_code == 0
    (out / "002-ada.txt").write_text("edited by hand")
    again = run(*args)
    assert again.exit_code == 1
    assert (
        again.stderr
        == f"Error: {out / '002-ada.txt'} and 1 more already exists; use --force to overwrite it\n"
    )
    assert (out / "002-ada.txt").read_text() == "edited by hand"
    assert run(*args, "--force").exit_code == 0
    assert (out / "002-ada.txt").read_text().startswith("Hi Ada,")


def test_unsafe_names_make_safe_files(run, tmp_path):
    people = write_csv(
        tmp_path / "p.csv",
        [["first_name", "last_name"], ["../../etc", "pass wd"], ["Zoë", "Ødegård"]],
    )
    out = tmp_path / "out"
    assert (
        run(
            "outreach",
            "render",
            "connection-note",
            "--csv",
            str(people),
            *SENDER,
            "--out",
            str(out),
        ).exit_code
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == ["002-etc-pass-wd.txt", "003-zoe-degard.txt"]


def test_merge_csv_format(run, tmp_path):
    people = write_csv(tmp_path / "p.csv", [["First Name", "Email"], ["Ada", "ada@example.org"]])
    result = run("outreach", "render", "email", "--csv", str(people), *SENDER, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [
        "row",
        "first_name",
        "email",
        "template",
        "channel",
        "subject",
        "body",
        "length",
    ]
    assert rows[1][:6] == ["2", "Ada", "ada@example.org", "email", "email", "A role"]
    assert rows[1][6].startswith("Hi Ada,")


def test_merge_text_format(run, tmp_path):
    people = write_csv(tmp_path / "p.csv", [["first_name"], ["Ada"], ["Bob"]])
    result = run("outreach", "render", "connection-note", "--csv", str(people), *SENDER)
    blocks = result.stdout.split("\n\n")
    assert blocks[0].startswith("=== row 2 ===\nHi Ada,")
    assert blocks[1].startswith("=== row 3 ===\nHi Bob,")


def test_bad_csv_files(run, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("first_name\nJos\xe9\n".encode("latin-1"))
    result = run("outreach", "render", "connection-note", "--csv", str(latin), *SENDER)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {latin}:2: not UTF-8 text; save it as UTF-8 (CSV UTF-8)\n"
    dupes = write_csv(tmp_path / "d.csv", [["Name", "name"], ["a", "b"]])
    result = run("outreach", "render", "connection-note", "--csv", str(dupes), *SENDER)
    assert result.stderr == f"Error: {dupes}:1: columns 1 and 2 are both 'name'; rename one\n"
    empty = tmp_path / "e.csv"
    empty.write_text("")
    result = run("outreach", "render", "connection-note", "--csv", str(empty), *SENDER)
    assert result.stderr == f"Error: {empty}:1: no header row; the first row names the columns\n"


def test_ten_thousand_rows(run, tmp_path):
    rows = [["first_name", "last_name", "current_company"]]
    rows += [[f"Name{i}", f"Surname{i}", f"Company {i % 97}"] for i in range(10_000)]
    people = write_csv(tmp_path / "big.csv", rows)
    result = run(
        "outreach",
        "render",
        "inmail",
        "--term",
        "flask",
        "--csv",
        str(people),
        *SENDER,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr[-500:]
    data = json.loads(result.stdout)
    assert len(data) == 10_000
    assert data[-1]["row"] == 10_001
    assert data[-1]["candidate"]["first_name"] == "Name9999"


def test_column_keys():
    assert column_key(" First Name ") == "first_name"
    assert column_key("E-mail") == "e_mail"
    assert column_key("Zoë's Company") == "zoë_s_company"
