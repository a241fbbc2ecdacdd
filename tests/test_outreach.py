"""``sourcer outreach`` on the command line: option parsing, what goes to stdout and stderr,
and exit codes. The templates, limits and the mail-merge themselves are tested as a library
in test_merge.py."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from tests.conftest import REPO, check_golden

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


def write_csv(path, rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# -- printing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("golden", "args"),
    [
        ("inmail-full", ["inmail", *FULL, "--tier", "premium"]),
        ("connection-note-minimal", ["connection-note", "--set", "sender.name=Sam Lee"]),
    ],
)
def test_golden_on_stdout(run, golden, args):
    result = run("outreach", "render", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    check_golden(f"outreach/{golden}.txt", result.stdout)


def test_every_shipped_template_is_listed(run):
    data = json.loads(run("outreach", "list", "--json").stdout)
    assert [t["name"] for t in data] == ["connection-note", "email", "follow-up", "inmail"]
    assert {t["channel"] for t in data} == {
        "linkedin-connection",
        "linkedin-inmail",
        "linkedin-inmail-follow-up",
        "email",
    }
    assert all(t["origin"] == "builtin" and t["description"] for t in data)


def test_user_templates_are_listed_as_the_users(run, isolated_home):
    folder = isolated_home / "templates"
    folder.mkdir(parents=True)
    (folder / "connection-note.j2").write_text(
        "---\nchannel: linkedin-connection\n---\nMine, {{ candidate.first_name }}.\n"
    )
    assert run("outreach", "render", "connection-note", "--set", "first_name=Ada").stdout == (
        "Mine, Ada.\n"
    )
    listed = {t["name"]: t["origin"] for t in json.loads(run("outreach", "list", "--json").stdout)}
    assert listed["connection-note"] == "user"


def test_show(run):
    result = run("outreach", "show", "connection-note")
    assert result.exit_code == 0
    assert "channel: LinkedIn connection note (linkedin-connection)" in result.stdout
    assert "limit:   body 300 characters (premium accounts), hard" in result.stdout
    assert "limit:   body 200 characters (free accounts), hard" in result.stdout
    assert "channel: linkedin-connection" in result.stdout  # the source itself


# -- errors: one line on stderr, exit 1; usage errors exit 2 --------------------------------


def test_unknown_template(run):
    result = run("outreach", "render", "inmial")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no template 'inmial'. Did you mean: inmail? Run 'sourcer outreach list' to see them.\n"
    )


def test_missing_value_names_variable_template_and_line(run):
    result = run("outreach", "render", "inmail", "--term", "flask")
    assert result.exit_code == 1
    path = REPO / "templates" / "outreach" / "inmail.j2"
    assert result.stderr == f"Error: {path}:10: sender.name is not set\n"


def test_set_error_is_a_usage_error(run):
    result = run("outreach", "render", "inmail", "--set", "oops")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: Invalid value for '--set': 'oops' is not KEY=VALUE\n")


def test_config_from_sourcer_home(run, isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("sender:\n  name: Kim Park\ntier: premium\n")
    result = run("outreach", "render", "follow-up")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip().endswith("Best,\nKim Park")


def test_bad_config(run, isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("tier: gold\n")
    result = run("outreach", "render", "follow-up", "--set", "sender.name=x")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {isolated_home / 'config.yaml'}:1: tier must be free or premium\n"
    )


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ candidate.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ ''.format.__globals__ }}",
    ],
)
def test_sandbox_escape_is_one_line_never_a_traceback(run, tmp_path, expression):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "evil.j2").write_text(f"---\nchannel: linkedin-connection\n---\n{expression}\n")
    result = run("outreach", "--templates-dir", str(folder), "render", "evil")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / 'evil.j2'}:4: ")
    assert "Traceback" not in result.output
    assert "__mro__" not in result.stdout and "object" not in result.stdout


def long_note(tmp_path, length):
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / "long.j2").write_text(
        "---\nchannel: linkedin-connection\n---\n" + "x" * length + "\n"
    )
    return folder


def test_over_the_limit_is_an_error_and_tier_is_an_option(run, tmp_path):
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


def test_warnings_go_to_stderr(run, tmp_path):
    folder = long_note(tmp_path, 250)
    result = run("outreach", "--templates-dir", str(folder), "render", "long", "--allow-long")
    assert result.exit_code == 0
    assert result.stdout == "x" * 250 + "\n"
    assert result.stderr.startswith("warning: LinkedIn connection note body is 250 characters")
    result = run(
        "outreach", "render", "email", "--set", "sender.name=Sam", "--set", "role=" + "R" * 70
    )
    assert result.exit_code == 0
    assert "warning: Email subject is 70 characters; the limit is 60, 10 over" in result.stderr


# -- mail-merge ----------------------------------------------------------------------------


def test_merge_failure_lists_the_rows_and_writes_nothing(run, tmp_path):
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
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("row 3: LinkedIn InMail body is ")
    assert lines[1].startswith("row 4: LinkedIn InMail body is ")
    assert lines[-1] == (
        f"Error: 2 rows of {people} failed; nothing was written (fix them, or pass --skip-bad to write the rest)"
    )
    assert not out.exists()


def test_merge_notes_on_stderr_and_json_on_stdout(run, tmp_path):
    people = write_csv(
        tmp_path / "people.csv",
        [["first_name", "current_company"], ["Ada", "Initech"], [], ["Bob", "X" * 2000], [""]],
    )
    args = ("outreach", "render", "inmail", "--csv", str(people), *SENDER, "--skip-bad")
    result = run(*args, "--format", "json")
    assert result.exit_code == 0
    assert [m["row"] for m in json.loads(result.stdout)] == [2]
    lines = result.stderr.splitlines()
    assert lines[0] == "skipped 2 blank rows"
    assert lines[1].startswith("row 4: LinkedIn InMail body is 2")
    assert lines[2] == "warning: skipped 1 row that failed (listed above)"
    out = tmp_path / "out"
    result = run(*args, "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"wrote 1 file to {out}"
    assert sorted(p.name for p in out.iterdir()) == ["002-ada.txt"]


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


def test_bad_csv_is_one_line(run, tmp_path):
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"first_name\nJos\x81\x8d\n")  # neither UTF-8 nor Windows-1252
    result = run("outreach", "render", "connection-note", "--csv", str(binary), *SENDER)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {binary}:2: neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8\n"
    )


def test_rendering_a_shipped_template_reads_no_yaml(tmp_path):
    """Front matter in its usual plain form is read without PyYAML, and there is no config
    file: once the term's record exists, a message is rendered with no YAML at all."""
    import subprocess
    import sys

    code = (
        "import sys, runpy\n"
        "sys.argv = ['sourcer', 'outreach', 'render', 'inmail', '--term', 'flask',\n"
        "            '--set', 'sender.name=Sam', '--set', 'first_name=Ada']\n"
        "try:\n    runpy.run_module('sourcer', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('yaml' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    for _ in range(2):  # the first run may write the term's record (a source checkout)
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
        )
    assert done.stdout.startswith("Subject: ")
    assert "Hi Ada," in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False"


def test_a_semicolon_spreadsheet_is_read_and_the_choice_said(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_bytes("Vorname;Nachname;Firma\nJürgen;Groß;Acme\n".encode("cp1252"))
    result = run(
        "outreach",
        "render",
        "inmail",
        "--term",
        "flask",
        "--csv",
        str(people),
        "--set",
        "sender.name=Sam",
    )
    assert result.exit_code == 0, result.stderr
    assert "Hi Jürgen," in result.stdout
    assert "your work at Acme" in result.stdout
    assert result.stderr.splitlines()[:2] == [
        f"{people}: read as Windows-1252 (Excel's 'CSV' format); save it as 'CSV UTF-8' to "
        "be sure of every letter",
        f"{people}: columns separated by semicolons (;)",
    ]


# -- output people use -----------------------------------------------------------------------

EMAIL_PEOPLE = (
    "First Name,Last Name,E-mail\nZoë,Ødegård,zoe@example.com\nAda,Lovelace,ada@example.org\n"
)


def _email_merge(run, people, *extra):
    return run(
        "outreach", "render", "email", "--term", "flask", "--csv", str(people),
        "--set", "sender.name=Sam Lee", "--set", "sender.email=sam@example.net", *extra,
    )  # fmt: skip


def test_eml_files_round_trip_through_the_email_package(run, tmp_path):
    from email import policy
    from email.parser import BytesParser

    people = tmp_path / "people.csv"
    people.write_text(EMAIL_PEOPLE, encoding="utf-8")
    out = tmp_path / "drafts"
    result = _email_merge(run, people, "--format", "eml", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["002-zoe-degard.eml", "003-ada-lovelace.eml"]
    raw = files[0].read_bytes()
    assert b"\r\n" in raw and b"\n\n" not in raw.replace(b"\r\n", b"")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["To"].addresses[0].addr_spec == "zoe@example.com"
    assert message["To"].addresses[0].display_name == "Zoë Ødegård"
    assert message["From"].addresses[0].addr_spec == "sam@example.net"
    assert message["X-Unsent"] == "1"
    first = json.loads(_email_merge(run, people, "--format", "json").stdout)[0]
    assert message["Subject"] == first["subject"]
    # the file's lines end in CRLF, as RFC 5322 has them
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == first["body"]


def test_eml_needs_a_folder_and_an_email_template(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(EMAIL_PEOPLE, encoding="utf-8")
    no_out = run("outreach", "render", "email", "--csv", str(people), *SENDER, "--format", "eml")
    assert no_out.exit_code == 2
    assert "--format eml writes one file per message: give --out DIR" in no_out.stderr
    note = run(
        "outreach",
        "render",
        "connection-note",
        "--csv",
        str(people),
        *SENDER,
        "--format",
        "mailto",
    )
    assert note.exit_code == 1
    assert note.stderr == (
        "Error: --format mailto is for email templates; connection-note is a "
        "LinkedIn connection note\n"
    )


def test_mailto_links_carry_address_subject_and_body(run, tmp_path):
    from urllib.parse import parse_qs, unquote, urlsplit

    people = tmp_path / "people.csv"
    people.write_text(EMAIL_PEOPLE, encoding="utf-8")
    result = run(
        "outreach",
        "render",
        "email",
        "--term",
        "flask",
        "--csv",
        str(people),
        *SENDER,
        "--format",
        "mailto",
    )
    assert result.exit_code == 0, result.stderr
    links = result.stdout.splitlines()
    assert len(links) == 2
    parts = urlsplit(links[1])
    assert (parts.scheme, unquote(parts.path)) == ("mailto", "ada@example.org")
    query = parse_qs(parts.query)
    assert query["subject"][0]
    assert query["body"][0].startswith("Hi Ada,\r\n")


def test_a_free_account_is_warned_past_its_monthly_notes(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("first_name\n" + "".join(f"P{i}\n" for i in range(6)), encoding="utf-8")
    free = run("outreach", "render", "connection-note", "--csv", str(people), *SENDER)
    assert free.exit_code == 0
    assert (
        "warning: 6 connection notes, but a free LinkedIn account can add a note to 5 "
        "connection requests a month (S: LinkedIn Help" in free.stderr
    )
    premium = run(
        "outreach",
        "render",
        "connection-note",
        "--csv",
        str(people),
        *SENDER,
        "--tier",
        "premium",
    )
    assert "connection requests a month" not in premium.stderr


def test_the_stack_is_what_the_user_gave(run):
    base = ("outreach", "render", "inmail", *SENDER, "--set", "first_name=Ada")
    given = run(*base, "--term", "go", "--stack", "Go, Kubernetes, PostgreSQL")
    assert given.exit_code == 0, given.stderr
    assert "The team works with Go, Kubernetes and PostgreSQL," in given.stdout
    terms = run(*base, "--term", "go", "--term", "kubernetes")
    assert "The team works with Go and Kubernetes," in terms.stdout
    level = run(*base, "--term", "go", "--set", "role=Backend Engineer", "--level", "senior")
    assert "Subject: Senior Backend Engineer\n" in level.stdout
    assert "(senior level)" not in level.stdout


# -- languages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "greeting"),
    [("de", "Hallo Ada, ich bin Sam Lee"), ("fr", "Bonjour Ada, je suis Sam Lee"),
     ("es", "Hola, Ada: soy Sam Lee"), ("en", "Hi Ada, I'm Sam Lee")],
)  # fmt: skip
def test_lang_picks_the_variant(run, lang, greeting):
    result = run(
        "outreach", "render", "connection-note", "--lang", lang, "--term", "go",
        "--set", "first_name=Ada", *SENDER,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(greeting)


def test_a_lang_column_wins_and_a_missing_variant_falls_back_with_a_note(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(
        "first_name,Language,email\nAda,Deutsch,a@example.com\nBob,fr,b@example.com\n"
        "Cleo,pt-BR,c@example.com\nDan,,d@example.com\n",
        encoding="utf-8",
    )
    inmail = run(
        "outreach", "render", "inmail", "--csv", str(people), "--term", "go", *SENDER,
        "--lang", "es", "--format", "json",
    )  # fmt: skip
    assert inmail.exit_code == 0, inmail.stderr
    bodies = [m["body"] for m in json.loads(inmail.stdout)]
    assert bodies[0].startswith("Hallo Ada,")
    assert bodies[1].startswith("Bonjour Bob,")
    assert bodies[2].startswith("Hi Cleo,")  # no Portuguese version: the default
    assert bodies[3].startswith("Hola, Dan:")  # no column value: --lang
    assert "no 'pt' version of inmail; row 4 got the default (add inmail.pt.j2)" in inmail.stderr


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
@pytest.mark.parametrize("name", ["connection-note", "inmail"])
def test_every_variant_fits_with_long_names(run, tmp_path, lang, name):
    people = tmp_path / "people.csv"
    people.write_text(
        "first_name,current_company\nMaximiliana-Alexandrina,International Business Machines\n",
        encoding="utf-8",
    )
    result = run(
        "outreach", "render", name, "--lang", lang, "--csv", str(people),
        "--set", "sender.name=Bartholomew Featherstonehaugh",
        "--set", "company=Consolidated Widgets International",
        "--set", "role=Staff Platform Reliability Engineer", "--level", "senior",
        "--stack", "Kubernetes, Terraform, Google Cloud Platform", "--tier", "free",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    check_golden(f"outreach/{name}.{lang}-long.txt", result.stdout)


def test_an_email_merge_refuses_what_is_not_one_address(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(
        'first_name,email\n"Ada\nEvil",ada@example.com\nBob,not an email\n'
        'Carl,"c@x.com\nBcc: victim@x.com"\nDan,d@@x\n',
        encoding="utf-8",
    )
    out = tmp_path / "drafts"
    result = run(
        "outreach", "render", "email", "--csv", str(people), *SENDER,
        "--format", "eml", "--out", str(out), "--skip-bad",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "row 3: 'not an email' is not an email address; fix the email column" in result.stderr
    assert "row 4: 'c@x.com\\nBcc: victim@x.com' is not an email address" in result.stderr
    assert "row 5: 'd@@x' is not an email address" in result.stderr
    (draft,) = out.iterdir()
    headers = draft.read_bytes().split(b"\r\n\r\n", 1)[0].decode()
    assert "To: Ada Evil <ada@example.com>" in headers.splitlines()  # one line, no injection
    assert "Bcc" not in headers
    bad_sender = run(
        "outreach", "render", "email", "--csv", str(people), *SENDER,
        "--set", "sender.email=me@x.com\nCc: all@x.com", "--format", "eml",
        "--out", str(tmp_path / "other"), "--skip-bad",
    )  # fmt: skip
    assert "sender.email 'me@x.com\\nCc: all@x.com' is not an email address" in bad_sender.stderr
    assert not (tmp_path / "other").exists() or not any((tmp_path / "other").iterdir())
