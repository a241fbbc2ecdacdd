"""The outreach library without the CLI: templates, the context they see, channel limits and
the mail-merge (``render_all`` and ``write_files``), called directly."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from sourcer import textfile
from sourcer.cli.outreach_cmd import PROGRESS_FROM
from sourcer.errors import ConfigError, FileExists, MergeError, MessageTooLong, TemplateError
from sourcer.home import builtin_templates, shipped_dir
from sourcer.library.store import Layer, Library
from sourcer.outreach.config import load_config
from sourcer.outreach.context import column_key, parse_assignments
from sourcer.outreach.merge import (
    MergeRequest,
    MergeResult,
    RowError,
    RowWarning,
    render_all,
    write_files,
)
from sourcer.outreach.templates import Templates
from tests.conftest import REPO, check_golden

TEMPLATES = ["connection-note", "inmail", "email", "follow-up"]
BUILTIN = builtin_templates("outreach")
LIBRARY = Library([Layer("builtin", shipped_dir("terms"))])

SENDER = ["sender.name=Sam Lee", "sender.title=Technical Recruiter"]
FULL = [
    "first_name=Ada",
    "current_company=Initech",
    "role=Backend Engineer",
    "company=Acme",
    "sender.email=sam@acme.example",
    *SENDER,
]


def templates(*folders: Path) -> Templates:
    """The built-in templates, under any folders given (later ones win)."""
    return Templates([("builtin", BUILTIN), *((str(f), str(f)) for f in folders)])


def request(template: str, *sets: str, folder: Path | None = None, **fields) -> MergeRequest:
    """A merge of ``template`` with ``--set``-style assignments; other fields as given."""
    if "term" in fields and isinstance(fields["term"], str):
        term = LIBRARY.get(fields["term"])
        fields["term"] = term
        fields["term_names"] = {s: LIBRARY.name_of(s) for s in (*term.similar, *term.related)}
    return MergeRequest(
        templates=templates(*([folder] if folder else [])),
        template=template,
        assignments=parse_assignments(sets),
        **fields,
    )


def printed(result: MergeResult) -> str:
    return "".join(result.output())


def render_text(req: MergeRequest) -> str:
    with render_all(req) as result:
        return printed(result)


def write_csv(path: Path, rows: list[list[str]], *, bom: bool = False) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def template_folder(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.j2").write_text(text)
    return folder


# -- golden messages -----------------------------------------------------------------------


@pytest.mark.parametrize("name", TEMPLATES)
def test_golden_with_everything_set(name):
    text = render_text(request(name, *FULL, term="flask", level="senior", tier="premium"))
    check_golden(f"outreach/{name}-full.txt", text)


@pytest.mark.parametrize("name", TEMPLATES)
def test_golden_with_only_the_sender(name):
    """The fallbacks read well when nothing but the sender is known."""
    check_golden(f"outreach/{name}-minimal.txt", render_text(request(name, "sender.name=Sam Lee")))


def test_every_shipped_template_has_a_channel_and_description():
    found = templates().all()
    assert [t.name for t in found] == sorted(TEMPLATES)
    assert {t.channel.slug for t in found} == {
        "linkedin-connection",
        "linkedin-inmail",
        "linkedin-inmail-follow-up",
        "email",
    }
    assert all(t.origin == "builtin" and t.description for t in found)


def test_unknown_template():
    with pytest.raises(TemplateError) as err:
        render_all(request("inmial"))
    assert str(err.value) == (
        "no template 'inmial'. Did you mean: inmail? Run 'sourcer outreach list' to see them."
    )


# -- context -------------------------------------------------------------------------------


def test_missing_value_names_variable_template_and_line():
    with pytest.raises(TemplateError) as err:
        render_all(request("inmail", term="flask"))
    path = REPO / "templates" / "outreach" / "inmail.j2"
    assert str(err.value) == f"{path}:10: sender.name is not set"


def test_missing_candidate_field_in_user_template(tmp_path):
    folder = template_folder(
        tmp_path,
        "hello",
        "---\nchannel: email\n---\n{% block subject %}Hi{% endblock %}\n{% block body %}\n"
        "Dear {{ candidate.last_name }},\n{% endblock %}\n",
    )
    with pytest.raises(TemplateError) as err:
        render_all(request("hello", folder=folder))
    assert str(err.value) == f"{folder / 'hello.j2'}:6: candidate.last_name is not set"


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


def test_level_option_wins_over_set_level():
    text = render_text(request("inmail", "level=junior", "role=Dev", *SENDER, level="senior"))
    assert "opening we have: Senior Dev." in text
    assert "opening we have: Junior Dev." in render_text(
        request("inmail", "level=junior", "role=Dev", *SENDER)
    )


@pytest.mark.parametrize(
    ("role", "level", "expected"),
    [
        ("Backend Engineer", "senior", "Senior Backend Engineer"),
        ("Senior Go Engineer", "senior", "Senior Go Engineer"),
        ("Sr. Data Engineer", "senior", "Sr. Data Engineer"),
        ("Lead Engineer", "senior", "Lead Engineer"),
        ("Backend Engineer", "mid", "Mid-level Backend Engineer"),
        ("Graduate Developer", "junior", "Graduate Developer"),
        ("Backend Engineer", None, "Backend Engineer"),
    ],
)
def test_a_role_reads_with_its_level_as_a_person_writes_it(role, level, expected):
    from sourcer.outreach.context import position

    assert position(role, level) == expected


def test_config_supplies_sender_tier_and_company(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "sender:\n  name: Kim Park\n  signature: Kim Park, Talent at Acme\ntier: premium\ncompany: Acme\n"
    )
    text = render_text(request("inmail", "first_name=Ada", config=load_config(str(path))))
    assert text.startswith("Subject: A role at Acme\n")
    assert text.rstrip().endswith("Kim Park, Talent at Acme")


def test_set_overrides_config(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("sender:\n  name: Kim Park\n")
    text = render_text(request("follow-up", "sender.name=Lee", config=load_config(str(path))))
    assert text.rstrip().endswith("Best,\nLee")


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
def test_bad_config(tmp_path, content, message):
    path = tmp_path / "config.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError) as err:
        load_config(str(path))
    assert str(err.value) == f"{path}:{message.split(':', 1)[1]}"


def test_column_keys():
    assert column_key(" First Name ") == "first_name"
    assert column_key("E-mail") == "e_mail"
    assert column_key("Zoë's Company") == "zoë_s_company"


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
def test_sandbox_stops_escapes(tmp_path, expression):
    folder = template_folder(
        tmp_path, "evil", f"---\nchannel: linkedin-connection\n---\n{expression}\n"
    )
    with pytest.raises(TemplateError) as err:
        render_all(request("evil", folder=folder))
    assert str(err.value).startswith(f"{folder / 'evil.j2'}:4: ")


def test_text_is_not_html_escaped():
    text = render_text(request("connection-note", "first_name=O'Brien & <Co>", "sender.name=Sam"))
    assert "Hi O'Brien & <Co>," in text


def test_template_syntax_error(tmp_path):
    folder = template_folder(
        tmp_path, "broken", "---\nchannel: email\n---\n{% block subject %}x{% endblock\n"
    )
    with pytest.raises(TemplateError) as err:
        render_all(request("broken", folder=folder))
    assert str(err.value).startswith(f"{folder / 'broken.j2'}:4: ")


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
def test_bad_front_matter(tmp_path, front, message):
    folder = template_folder(tmp_path, "odd", front + "Hello\n")
    with pytest.raises(TemplateError) as err:
        render_all(request("odd", folder=folder))
    assert str(err.value).startswith(f"{folder / 'odd.j2'}{message}")


def test_email_needs_a_subject_block(tmp_path):
    folder = template_folder(tmp_path, "nosubject", "---\nchannel: email\n---\nHello\n")
    with pytest.raises(TemplateError, match="needs a subject"):
        render_all(request("nosubject", folder=folder))


def test_user_templates_override_builtin(tmp_path):
    folder = template_folder(
        tmp_path,
        "connection-note",
        "---\nchannel: linkedin-connection\n---\nMine, {{ candidate.first_name }}.\n",
    )
    assert render_text(request("connection-note", "first_name=Ada", folder=folder)) == (
        "Mine, Ada.\n"
    )
    assert templates(folder).get("connection-note").origin == str(folder)


# -- channel limits ------------------------------------------------------------------------


def long_note(tmp_path: Path, length: int) -> Path:
    return template_folder(
        tmp_path, "long", "---\nchannel: linkedin-connection\n---\n" + "x" * length + "\n"
    )


def test_over_the_limit_is_an_error_with_the_overage(tmp_path):
    folder = long_note(tmp_path, 250)
    with pytest.raises(MessageTooLong) as err:
        render_all(request("long", folder=folder))
    assert str(err.value) == (
        "LinkedIn connection note body is 250 characters; the limit is 200 (free accounts), "
        "50 over (C: consistent third-party reports); shorten it, or pass --allow-long"
    )
    assert render_text(request("long", folder=folder, tier="premium")) == "x" * 250 + "\n"


def test_allow_long_warns(tmp_path):
    folder = long_note(tmp_path, 250)
    with render_all(request("long", folder=folder, allow_long=True)) as result:
        assert printed(result) == "x" * 250 + "\n"
        [warning] = result.warnings
    assert warning.row is None
    assert str(warning).startswith("LinkedIn connection note body is 250 characters")


def test_soft_limit_only_warns():
    with render_all(request("email", "sender.name=Sam", "role=" + "R" * 70)) as result:
        assert printed(result).startswith("Subject: " + "R" * 70)
        messages = [str(w) for w in result.warnings]
    assert any(
        m.startswith("Email subject is 70 characters; the limit is 60, 10 over") for m in messages
    )


# -- mail-merge ----------------------------------------------------------------------------


def test_merge_bom_unicode_and_blank_rows(tmp_path):
    people = write_csv(
        tmp_path / "people.csv",
        [["First Name", "Last Name"], ["Zoë", "Ødegård"], ["", ""], ["José", "Núñez"], []],
        bom=True,
    )
    req = request("connection-note", *SENDER, csv_path=str(people), format="json")
    with render_all(req) as result:
        data = json.loads(printed(result))
        assert result.blank_rows == 2
        assert result.columns == ["first_name", "last_name"]
    assert [m["row"] for m in data] == [2, 4]
    assert data[0]["body"].startswith("Hi Zoë, I'm Sam Lee.")
    assert data[0]["candidate"] == {"first_name": "Zoë", "last_name": "Ødegård"}


def test_merge_fails_whole_when_a_row_fails(tmp_path):
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
    with render_all(request("inmail", *SENDER, csv_path=str(people))) as result:
        assert [f.row for f in result.failures] == [3, 4]
        assert all(f.message.startswith("LinkedIn InMail body is ") for f in result.failures)
        assert str(result.failures[0]).startswith("row 3: LinkedIn InMail body is ")
        assert not result.ok
        with pytest.raises(MergeError) as err:
            write_files(result, str(out))
        with pytest.raises(MergeError):
            printed(result)
    assert str(err.value) == (
        f"2 rows of {people} failed; nothing was written (fix them, or pass --skip-bad to write the rest)"
    )
    assert not out.exists()


def test_missing_column_fails_every_row_that_needs_it(tmp_path):
    folder = template_folder(
        tmp_path,
        "need",
        "---\nchannel: linkedin-connection\n---\nHi {{ candidate.first_name }}\n",
    )
    people = write_csv(tmp_path / "p.csv", [["nickname"], ["Ada"], ["Bob"]])
    with render_all(request("need", folder=folder, csv_path=str(people))) as result:
        failures = result.failures
    assert [str(f) for f in failures] == [
        f"row 2: {folder / 'need.j2'}:4: candidate.first_name is not set",
        f"row 3: {folder / 'need.j2'}:4: candidate.first_name is not set",
    ]
    assert [f.variable for f in failures] == ["candidate.first_name"] * 2


def test_a_row_with_more_cells_than_columns_is_a_row_error(tmp_path):
    people = write_csv(tmp_path / "p.csv", [["first_name"], ["Ada"], ["Bob", "extra"]])
    req = request("connection-note", *SENDER, csv_path=str(people), skip_bad=True)
    with render_all(req) as result:
        assert result.failures == [RowError(3, "2 cells but 1 columns")]
        assert result.messages == 1
        assert printed(result).startswith("=== row 2 ===\nHi Ada,")


def test_skip_bad_writes_the_rest(tmp_path):
    people = write_csv(
        tmp_path / "people.csv",
        [["first_name", "current_company"], ["Ada", "Initech"], ["Bob", "X" * 2000]],
    )
    out = tmp_path / "out"
    with render_all(request("inmail", *SENDER, csv_path=str(people), skip_bad=True)) as result:
        assert [f.row for f in result.failures] == [3]
        assert result.ok
        paths = write_files(result, str(out))
    assert paths == [str(out / "002-ada.txt")]
    assert sorted(p.name for p in out.iterdir()) == ["002-ada.txt"]
    assert (out / "002-ada.txt").read_text().startswith("Subject: A role\n\nHi Ada,")


def test_out_never_overwrites_without_force(tmp_path):
    people = write_csv(tmp_path / "people.csv", [["first_name"], ["Ada"], ["Bob"]])
    out = tmp_path / "out"
    req = request("connection-note", *SENDER, csv_path=str(people))

    def write(force: bool = False) -> list[str]:
        with render_all(req) as result:
            return write_files(result, str(out), force)

    assert len(write()) == 2
    (out / "002-ada.txt").write_text("edited by hand")
    with pytest.raises(FileExists) as err:
        write()
    assert str(err.value) == (
        f"{out / '002-ada.txt'} and 1 more already exists; use --force to overwrite it"
    )
    assert (out / "002-ada.txt").read_text() == "edited by hand"
    write(force=True)
    assert (out / "002-ada.txt").read_text().startswith("Hi Ada,")


def test_files_are_checked_before_any_is_written(tmp_path):
    """All or nothing: one existing file stops the whole write, even a later one's."""
    people = write_csv(tmp_path / "people.csv", [["first_name"], ["Ada"], ["Bob"]])
    out = tmp_path / "out"
    out.mkdir()
    (out / "003-bob.txt").write_text("mine")
    req = request("connection-note", *SENDER, csv_path=str(people))
    with render_all(req) as result, pytest.raises(FileExists):
        write_files(result, str(out))
    assert sorted(p.name for p in out.iterdir()) == ["003-bob.txt"]


def test_a_single_message_is_written_as_row_one(tmp_path):
    req = request("connection-note", *SENDER, "first_name=Ada", "last_name=Lovelace")
    with render_all(req) as result:
        paths = write_files(result, str(tmp_path / "out"))
    assert paths == [str(tmp_path / "out" / "001-ada-lovelace.txt")]


def test_files_need_the_text_format(tmp_path):
    req = request("connection-note", *SENDER, format="json")
    with render_all(req) as result, pytest.raises(ValueError, match="rendered as json"):
        write_files(result, str(tmp_path / "out"))


def test_unsafe_names_make_safe_files(tmp_path):
    people = write_csv(
        tmp_path / "p.csv",
        [["first_name", "last_name"], ["../../etc", "pass wd"], ["Zoë", "Ødegård"]],
    )
    out = tmp_path / "out"
    with render_all(request("connection-note", *SENDER, csv_path=str(people))) as result:
        write_files(result, str(out))
    assert sorted(p.name for p in out.iterdir()) == ["002-etc-pass-wd.txt", "003-zoe-degard.txt"]


def test_merge_csv_format(tmp_path):
    people = write_csv(tmp_path / "p.csv", [["First Name", "Email"], ["Ada", "ada@example.org"]])
    with render_all(request("email", *SENDER, csv_path=str(people), format="csv")) as result:
        rows = list(csv.reader(io.StringIO(printed(result))))
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
    assert rows[1][7] == str(len(rows[1][6]))


def test_merge_text_format(tmp_path):
    people = write_csv(tmp_path / "p.csv", [["first_name"], ["Ada"], ["Bob"]])
    text = render_text(request("connection-note", *SENDER, csv_path=str(people)))
    blocks = text.split("\n\n")
    assert blocks[0].startswith("=== row 2 ===\nHi Ada,")
    assert blocks[1].startswith("=== row 3 ===\nHi Bob,")


def test_rows_given_as_mappings():
    rows = [{"First Name": "Ada"}, {"First Name": " "}, {"First Name": "Bob", "Extra": "x"}]
    req = request("connection-note", *SENDER, rows=rows, format="csv")
    with render_all(req) as result:
        assert result.blank_rows == 1
        assert result.columns == ["first_name"]
        lines = list(csv.reader(io.StringIO(printed(result))))
    assert [line[:2] for line in lines[1:]] == [["1", "Ada"], ["3", "Bob"]]


def test_row_values_win_over_set(tmp_path):
    people = write_csv(tmp_path / "p.csv", [["first_name", "company"], ["Ada", ""], ["Bob", "Z"]])
    req = request("connection-note", *SENDER, "first_name=Nobody", csv_path=str(people))
    text = render_text(req)
    assert "Hi Ada," in text and "Hi Bob," in text and "Nobody" not in text


def test_warnings_name_their_row(tmp_path):
    people = write_csv(tmp_path / "p.csv", [["first_name", "email"], ["Ada", "ada@example.com"]])
    req = request("email", *SENDER, "role=" + "R" * 70, csv_path=str(people))
    with render_all(req) as result:
        assert result.warnings[0].row == 2
        assert str(result.warnings[0]).startswith("row 2: Email subject is 70 characters")
    assert str(RowWarning(None, "text")) == "text"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "binary.csv",
            b"first_name\nJos\x81\n",  # 0x81: neither UTF-8 nor Windows-1252
            "2: neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8",
        ),
        ("dupes.csv", b"Name,name\na,b\n", "1: columns 1 and 2 are both 'name'; rename one"),
        ("empty.csv", b"", "1: no header row; the first row names the columns"),
        ("noname.csv", b"a,,b\n1,2,3\n", "1: column 2 has no name"),
    ],
)
def test_bad_csv_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MergeError) as err:
        render_all(request("connection-note", *SENDER, csv_path=str(path)))
    expected = f"{path}:{message}"
    if name == "latin.csv":
        expected += "; save it as UTF-8 (CSV UTF-8)"
    assert str(err.value) == expected


def test_the_csv_is_opened_once(tmp_path, monkeypatch):
    people = write_csv(tmp_path / "p.csv", [["first_name"], ["Ada"], ["Bob"]])
    opened: list[str] = []

    real_open = textfile.open_regular

    def counting_open(path):
        opened.append(str(path))
        return real_open(path)

    monkeypatch.setattr(textfile, "open_regular", counting_open)
    with render_all(request("connection-note", *SENDER, csv_path=str(people))) as result:
        assert result.messages == 2
        write_files(result, str(tmp_path / "out"))
    assert [path for path in opened if path.endswith(".csv")] == [str(people)]


def test_progress_reaches_the_end_of_the_file(tmp_path):
    people = write_csv(tmp_path / "p.csv", [["first_name"], *([f"N{i}"] for i in range(50))])
    calls: list[tuple[int, int, int]] = []
    req = request("connection-note", *SENDER, csv_path=str(people))
    with render_all(req, progress=lambda *args: calls.append(args)):
        pass
    assert [rows for rows, _, _ in calls] == list(range(1, 51))
    assert calls[-1][1:] == (people.stat().st_size, people.stat().st_size)
    positions = [done for _, done, _ in calls]
    assert positions == sorted(positions)


def test_file_names_sort_in_row_order_past_blank_rows(tmp_path):
    """992 messages from rows numbered up to 1008 (15 blank rows among them): the names are
    padded to four digits, not to three as 992 messages alone would give, so that 1008
    does not sort before 101."""
    rows = [["first_name"], *([f"N{i}"] for i in range(990)), *([""] for _ in range(15))]
    rows += [["Last"], ["Final"]]
    people = write_csv(tmp_path / "p.csv", rows)
    with render_all(request("connection-note", *SENDER, csv_path=str(people))) as result:
        names = [name for name, _ in result.files()]
    assert result.messages == 992
    assert names[0].startswith("0002-") and names[-1] == "1008-final.txt"
    assert names == sorted(names)


def test_writing_files_tells_progress_after_each_file(tmp_path):
    people = write_csv(tmp_path / "p.csv", [["first_name"], *([f"N{i}"] for i in range(5))])
    calls: list[tuple[int, int]] = []
    with render_all(request("connection-note", *SENDER, csv_path=str(people))) as result:
        paths = write_files(result, str(tmp_path / "out"), progress=lambda *a: calls.append(a))
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert len(paths) == 5


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_long_merge_into_files_shows_rendering_then_writing_on_a_terminal(tmp_path):
    """On a terminal, a merge of many rows shows a bar while it renders and another while
    it writes the files (which can take seconds on some disks); stdout stays clean."""
    import subprocess
    import sys

    rows = [["first_name"], *([f"N{i}"] for i in range(PROGRESS_FROM + 10))]
    people = write_csv(tmp_path / "p.csv", rows)
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path), "NO_COLOR": "1"}
    terminal, stderr = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sourcer", "outreach", "render", "connection-note"]
        + [arg for pair in SENDER for arg in ("--set", pair)]
        + ["--csv", str(people), "--out", str(tmp_path / "out")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=env,
    )
    os.close(stderr)
    shown = b""
    while True:  # read as it comes (a full terminal would stop the writer): to its end
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the other end is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    out = process.stdout.read() if process.stdout else b""
    assert process.wait() == 0
    text = shown.decode()
    assert "Rendering" in text and "Writing" in text
    assert text.index("Rendering") < text.index("Writing")
    assert f"wrote {PROGRESS_FROM + 10} files to" in text
    assert out == b""
    assert len(os.listdir(tmp_path / "out")) == PROGRESS_FROM + 10


def test_ten_thousand_rows(tmp_path):
    rows = [["first_name", "last_name", "current_company"]]
    rows += [[f"Name{i}", f"Surname{i}", f"Company {i % 97}"] for i in range(10_000)]
    people = write_csv(tmp_path / "big.csv", rows)
    req = request("inmail", *SENDER, term="flask", csv_path=str(people), format="json")
    with render_all(req) as result:
        assert not result.failures
        assert result.messages == 10_000
        data = json.loads(printed(result))
    assert len(data) == 10_000
    assert data[-1]["row"] == 10_001
    assert data[-1]["candidate"]["first_name"] == "Name9999"


# -- spreadsheets as they are ----------------------------------------------------------------


def _merged(tmp_path, content: bytes, *extra_sets: str):
    people = tmp_path / "people.csv"
    people.write_bytes(content)
    req = request("connection-note", *SENDER, *extra_sets, csv_path=str(people), format="json")
    with render_all(req) as result:
        messages = json.loads("".join(result.output()))
        return result.notes, messages


@pytest.mark.parametrize(
    ("content", "note"),
    [
        (b"first_name;current_company\nAda;Acme, Inc.\n", "columns separated by semicolons (;)"),
        (b"first_name\tcurrent_company\nAda\tAcme, Inc.\n", "columns separated by tabs"),
        (b'first_name,current_company\nAda,"Acme, Inc."\n', None),
    ],
    ids=["semicolon", "tab", "comma"],
)
def test_the_delimiter_is_found_and_said(tmp_path, content, note):
    notes, messages = _merged(tmp_path, content)
    assert messages[0]["candidate"] == {"first_name": "Ada", "current_company": "Acme, Inc."}
    assert notes == ([f"{tmp_path / 'people.csv'}: {note}"] if note else [])


def test_excel_windows_1252_is_read_and_said(tmp_path):
    notes, messages = _merged(
        tmp_path, "first_name;current_company\nJosé;Café Ñu\n".encode("cp1252")
    )
    assert messages[0]["candidate"]["first_name"] == "José"
    assert messages[0]["candidate"]["current_company"] == "Café Ñu"
    assert notes[0] == (
        f"{tmp_path / 'people.csv'}: read as Windows-1252 (Excel's 'CSV' format); save it as "
        "'CSV UTF-8' to be sure of every letter"
    )


def test_utf16_with_a_byte_order_mark_and_tabs(tmp_path):
    _, messages = _merged(tmp_path, "first_name\tlast_name\nZoë\tÅberg\n".encode("utf-16"))
    assert messages[0]["candidate"] == {"first_name": "Zoë", "last_name": "Åberg"}


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            "Vorname;Nachname;E-Mail;Firma",
            "Ada;Lovelace;ada@example.com;Acme",
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.com",
                "current_company": "Acme",
            },
        ),
        (
            "Prénom,Nom,Courriel,Entreprise",
            "Zoé,Martin,z@example.fr,Acme",
            {
                "first_name": "Zoé",
                "last_name": "Martin",
                "email": "z@example.fr",
                "current_company": "Acme",
            },
        ),
        (
            "Nombre,Apellidos,Correo,Empresa",
            "Ana,García López,a@example.es,Acme",
            {
                "first_name": "Ana",
                "last_name": "García López",
                "email": "a@example.es",
                "current_company": "Acme",
            },
        ),
        (
            "Given name,Surname,Email address,Company",
            "Ada,Lovelace,a@example.com,Acme",
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "a@example.com",
                "current_company": "Acme",
            },
        ),
        (
            "Name,Company",
            "Ada Lovelace,Acme",
            {"first_name": "Ada", "last_name": "Lovelace", "current_company": "Acme"},
        ),
        ("Full name", '"Lovelace, Ada"', {"first_name": "Ada", "last_name": "Lovelace"}),
        ("First Name,Vorname", "Ada,Adelheid", {"first_name": "Ada"}),
    ],
    ids=["german", "french", "spanish", "english", "name", "last-comma-first", "own-wins"],
)
def test_columns_named_another_way_fill_the_usual_fields(tmp_path, header, row, expected):
    _, messages = _merged(tmp_path, f"{header}\n{row}\n".encode())
    candidate = messages[0]["candidate"]
    assert {key: candidate[key] for key in expected} == expected
    assert messages[0]["body"].startswith(f"Hi {expected['first_name']},")


# -- errors that lead to the fix -------------------------------------------------------------


def test_every_missing_value_of_a_row_is_named_at_once(tmp_path):
    folder = template_folder(
        tmp_path,
        "need",
        "---\nchannel: linkedin-connection\n---\n"
        "Hi {{ candidate.first_name }} at {{ candidate.current_company }}, {{ salary }}\n",
    )
    people = write_csv(tmp_path / "p.csv", [["nickname"], ["Ada"]])
    req = request("need", "salary=70k", folder=folder, csv_path=str(people))
    with render_all(req) as result:
        (failure,) = result.failures
    assert str(failure) == (
        f"row 2: {folder / 'need.j2'}:4: candidate.first_name, candidate.current_company, "
        "salary (you set candidate.salary: write {{ candidate.salary }}) are not set"
    )
    assert failure.variable == "candidate.first_name"


def test_an_email_for_a_row_without_an_address_fails_and_can_be_skipped(tmp_path):
    people = write_csv(
        tmp_path / "p.csv",
        [["first_name", "E-mail"], ["Ada", "ada@example.com"], ["Bob", ""]],
    )
    req = request("email", *SENDER, csv_path=str(people))
    with render_all(req) as result:
        assert [str(f) for f in result.failures] == [
            "row 3: no email address: an email needs an 'email' column (or E-mail, Mail, "
            "Courriel, Correo ...) with this row's address"
        ]
        assert result.messages == 1
    with render_all(request("email", *SENDER, csv_path=str(people), skip_bad=True)) as result:
        assert "Hi Ada," in "".join(result.output())


# -- truthful messages -----------------------------------------------------------------------


def _shipped_terms():
    return [LIBRARY.get(slug) for slug in LIBRARY.entries()]


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_related_term_is_named_unless_given_as_the_stack(name):
    import re

    people = [{"first_name": "Ada", "current_company": "Initech", "email": "ada@example.com"}]
    for term in _shipped_terms():
        related = {LIBRARY.name_of(slug) for slug in (*term.related, *term.similar)}
        related.discard(term.name)
        req = request(name, *SENDER, "role=Backend Engineer", term=term.slug, rows=people)
        text = render_text(req).replace(term.name, "")  # the stack itself may hold a name
        for other in related:
            pattern = rf"(?<![\w+#.]){re.escape(other)}(?![\w+#])"
            assert not re.search(pattern, text), (name, term.slug, other, text)


LONG = {
    "first_name": "Maximiliana-Alexandrina",
    "last_name": "Vandenberghe-Oyelaran",
    "current_company": "International Business Machines Research Laboratories",
    "email": "maximiliana.vandenberghe@example.com",
}


@pytest.mark.parametrize("name", TEMPLATES)
def test_long_names_still_fit_every_channel(name):
    """A long name, company, title and a three-skill stack: no hard limit is broken (the
    free tier's 200-character connection note included)."""
    req = request(
        name,
        "sender.name=Bartholomew Featherstonehaugh",
        "sender.title=Senior Technical Recruiter",
        "company=Consolidated Widgets International",
        "role=Staff Platform Reliability Engineer",
        term="kubernetes",
        stack=("Kubernetes", "Terraform", "Google Cloud Platform"),
        level="senior",
        rows=[LONG],
        tier="free",
    )
    with render_all(req) as result:
        assert not result.failures, [str(f) for f in result.failures]
        assert result.messages == 1
