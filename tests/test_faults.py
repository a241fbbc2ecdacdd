"""Hostile and broken input: every case ends in a clear error or a correct answer, quickly,
never a traceback, a crash or a hang."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sourcer.query.boards import BOARDS
from sourcer.query.lint import lint
from sourcer.yamlload import YAMLSyntaxError, load
from tests.conftest import minimal_term

# -- YAML we read ---------------------------------------------------------------------------


def test_deeply_nested_yaml_is_refused_before_the_parser_sees_it():
    with pytest.raises(YAMLSyntaxError) as error:
        load("aliases: " + "[" * 100_000, "bomb.yaml")
    assert str(error.value) == "bomb.yaml:1: nested more than 64 levels deep; flatten it"


def test_anchors_and_aliases_are_refused():
    text = "a: &x [1, 2]\nb: [*x, *x, *x]\n"
    with pytest.raises(YAMLSyntaxError) as error:
        load(text, "alias.yaml")
    assert str(error.value) == (
        "alias.yaml:1: anchors and aliases (& and *) are not allowed; write the value out"
    )


def test_a_star_inside_text_is_no_alias():
    assert load('summary: "a *b* c"\nname: C*\n', "ok.yaml") == {
        "summary": "a *b* c",
        "name": "C*",
    }


def test_huge_files_are_refused():
    with pytest.raises(YAMLSyntaxError) as error:
        load("x: " + "a" * 1_000_001, "big.yaml")
    assert "files over 1,000,000 are refused" in str(error.value)


def test_a_term_file_bomb_is_a_lint_error_not_a_crash(run, write_terms):
    folder = write_terms({"bomb.yaml": "name: " + "[" * 200_000})
    result = run("terms", "lint", str(folder))
    assert result.exit_code == 1
    assert (
        result.stdout == f"{folder / 'bomb.yaml'}:1: nested more than 64 levels deep; flatten it\n"
    )


def test_a_duplicate_key_in_config_names_both_lines(run, isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("tier: free\ntier: premium\n", encoding="utf-8")
    result = run("outreach", "render", "connection-note", "--set", "first_name=Ada")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {isolated_home / 'config.yaml'}:2: tier appears twice (also line 1); keep one\n"
    )


def test_a_duplicate_key_in_a_term_file_is_reported(run, write_terms):
    folder = write_terms({"dup.yaml": minimal_term("Dup") + "name: Again\n"})
    result = run("terms", "lint", str(folder))
    assert result.exit_code == 1
    assert "name: key appears twice; keep one" in result.stdout


# -- search strings -------------------------------------------------------------------------


def test_300_nested_parentheses_are_an_error_not_a_crash(run):
    text = "(" * 300 + "flask" + ")" * 300
    result = run("lint", text, "--board", "linkedin")
    assert result.exit_code == 1
    assert result.stdout.endswith(
        "\ncol 51: error [too-deep] parentheses nested more than 50 deep; "
        "fix: flatten the search; no site needs this nesting\n"
    )
    assert "unclosed" not in result.stdout and "empty" not in result.stdout
    converted = run("convert", text, "--from", "linkedin", "--to", "google")
    assert converted.exit_code == 1
    assert "Traceback" not in converted.stderr


def test_a_very_long_string_is_cut_and_said():
    result = lint("flask " * 30_000, BOARDS["linkedin"])
    assert "too-long" in {d.code for d in result.diagnostics}


@pytest.mark.parametrize("board", ["linkedin", "google", "bing"])
def test_ten_thousand_alternatives_lint_in_seconds(board):
    # linear work: run in a child process with a bound, so a regression fails, never hangs
    code = (
        "from sourcer.query.lint import lint\n"
        "from sourcer.query.boards import BOARDS\n"
        f"r = lint(' OR '.join(f'w{{i}}' for i in range(10000)), BOARDS[{board!r}])\n"
        "print(len(r.fixed))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=20, check=True
    )
    assert int(done.stdout) >= 1


# -- spreadsheets ---------------------------------------------------------------------------


def test_csv_output_neutralises_formulas(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(
        'first_name,current_company\nAda,"=HYPERLINK(""http://evil.example"",""x"")"\n'
        "Bob,@SUM(A1)\n",
        encoding="utf-8",
    )
    args = (
        "outreach",
        "render",
        "connection-note",
        "--csv",
        str(people),
        "--set",
        "sender.name=Sam",
        "--format",
        "csv",
        "--allow-long",
    )
    safe = run(*args)
    assert safe.exit_code == 0, safe.stderr
    assert "'=HYPERLINK" in safe.stdout and "'@SUM(A1)" in safe.stdout
    assert ",=HYPERLINK" not in safe.stdout
    raw = run(*args, "--raw-cells")
    assert ',"=HYPERLINK(' in raw.stdout


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("Ada", "Ada"),
        ("", ""),
        (3, 3),
    ],
)
def test_spreadsheet_safe_follows_the_owasp_rule(cell, shown):
    from sourcer.outreach.merge import spreadsheet_safe

    assert spreadsheet_safe(cell) == shown


# -- HTTP -----------------------------------------------------------------------------------


def test_retry_after_is_capped():
    from urllib3.response import HTTPResponse

    from sourcer.glossary.http import MAX_RETRY_AFTER, CappedRetry

    response = HTTPResponse(status=429, headers={"Retry-After": "100000"})
    assert CappedRetry().get_retry_after(response) == MAX_RETRY_AFTER
    response = HTTPResponse(status=429, headers={"Retry-After": "2"})
    assert CappedRetry().get_retry_after(response) == 2
    assert type(CappedRetry(total=3).increment(method="GET", url="/")) is CappedRetry


def test_a_fetch_has_a_total_deadline():
    import responses as mock_http

    from sourcer.errors import FetchError
    from sourcer.glossary.http import fetch

    ticks = iter(range(0, 1000, 10))  # every look at the clock is ten seconds later
    with mock_http.RequestsMock() as http:
        http.get("https://slow.example/page", body="x" * 200_000, content_type="text/html")
        with pytest.raises(FetchError) as error:
            fetch("https://slow.example/page", deadline=25, clock=lambda: next(ticks))
    assert str(error.value) == (
        "https://slow.example/page: no complete answer within 25 s; try later"
    )


# -- files that are not plain UTF-8 text files ----------------------------------------------

MERGE = (
    "outreach",
    "render",
    "connection-note",
    "--set",
    "sender.name=Sam",
    "--allow-long",
    "--tier",
    "premium",  # no monthly-notes warning in the way of the stderr checked here
)


@pytest.fixture
def fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def test_a_fifo_named_like_a_term_file_is_refused_not_waited_on(run, fifo):
    result = run("terms", "lint", str(fifo))
    assert result.exit_code == 1
    assert result.stdout == f"{fifo}:1: is a named pipe (FIFO), not a regular file; give a file\n"


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "-b", "linkedin", "--file", "{}"),
        ("role", "from-jd", "{}"),
        ("outreach", *MERGE[1:], "--csv", "{}"),
    ],
)
def test_a_fifo_given_as_input_is_refused(run, fifo, args):
    result = run(*(arg.format(fifo) for arg in args))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {fifo}: is a named pipe (FIFO), not a regular file; give a file\n"
    )


def test_latin1_lint_file_names_line_and_byte(run, tmp_path):
    strings = tmp_path / "strings.txt"
    strings.write_bytes('python AND flask\n"caf\u00e9" AND go\n'.encode("latin-1"))
    result = run("lint", "-b", "linkedin", "--file", str(strings))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {strings}:2: not UTF-8 text (byte 0xe9); save it as UTF-8\n"


def test_a_bad_byte_after_a_utf8_mark_is_named_by_its_own_line_and_value(run, tmp_path):
    # the mark's three bytes count: the bad byte is 0xe9 on line 2, not whatever sits
    # three bytes earlier
    strings = tmp_path / "strings.txt"
    strings.write_bytes(b"\xef\xbb\xbfpython\nflask AND caf\xe9\n")
    result = run("lint", "-b", "linkedin", "--file", str(strings))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {strings}:2: not UTF-8 text (byte 0xe9); save it as UTF-8\n"


def test_a_utf8_mark_is_dropped_once(tmp_path):
    from sourcer.textfile import read_text

    marked = tmp_path / "marked.txt"
    marked.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfflask")
    assert read_text(str(marked)) == "\ufeffflask"  # as utf-8-sig reads it: one mark


def test_utf16_with_bom_is_read_and_without_bom_is_named(tmp_path):
    from sourcer.textfile import ReadError, read_text

    with_bom = tmp_path / "bom.txt"
    with_bom.write_text("python AND flask\n", encoding="utf-16")
    assert read_text(str(with_bom)) == "python AND flask\n"
    bare = tmp_path / "bare.txt"
    bare.write_bytes("python AND flask\n".encode("utf-16-le"))
    with pytest.raises(ReadError) as error:
        read_text(str(bare))
    assert str(error.value) == (
        f"{bare}: looks like UTF-16 without a byte-order mark; save it as UTF-8"
    )


def test_oversized_files_are_refused_before_reading_them_whole(tmp_path):
    from sourcer.textfile import ReadError, read_text

    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2_000_001)
    with pytest.raises(ReadError, match="larger than 1 MB"):
        read_text(str(big))


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 65_537, 1_000_000])
def test_a_file_is_read_whole_up_to_the_limit(tmp_path, size):
    from sourcer.textfile import read_stat

    path = tmp_path / "file.txt"
    data = bytes(range(256)) * (size // 256 + 1)
    path.write_bytes(data[:size])
    read, info = read_stat(str(path))
    assert read == data[:size]
    assert info.st_size == size


# -- mail-merge CSV -------------------------------------------------------------------------


def test_an_unclosed_quote_is_an_error_naming_its_row_not_a_truncation(run, tmp_path):
    people = tmp_path / "people.csv"
    rows = ["first_name,current_company", 'Ada,"Acme'] + [f"N{i},Co" for i in range(1000)]
    people.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(*MERGE, "--csv", str(people), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr == (
        f'Error: {people}:2: a quote (") opened in this row is never closed, so the rest of '
        "the file would be one cell; close or remove it\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_hundred_thousand_columns_are_refused_at_once(run, tmp_path):
    people = tmp_path / "wide.csv"
    people.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n", encoding="utf-8")
    result = run(*MERGE, "--csv", str(people))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {people}:1: 100,000 columns; a mail-merge file has at most 1,000 "
        "(is this the right file?)\n"
    )


def test_a_cell_past_the_size_limit_is_an_error_naming_its_row(run, tmp_path):
    people = tmp_path / "people.csv"
    big = "x" * 200_000
    people.write_text(f"first_name,note\nAda,short\nBob,{big}\n", encoding="utf-8")
    result = run(*MERGE, "--csv", str(people))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {people}:3: a cell in this row is longer than 131,072 characters; "
        "is a quote left open?\n"
    )


def test_standard_input_past_its_cap_is_refused(run, monkeypatch):
    from sourcer.outreach import merge

    monkeypatch.setattr(merge, "MAX_STDIN", 1024**2)
    result = run(*MERGE, "--csv", "-", input="first_name\n" + "Ada\n" * 300_000)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: standard input: more than 1 MiB; is it the right stream? "
        "Save the CSV to a file and pass its path\n"
    )


def test_a_nul_byte_in_a_cell_is_a_row_error(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_bytes(b"first_name\nAda\nB\x00ob\n")
    result = run(*MERGE, "--csv", str(people))
    assert result.exit_code == 1
    assert "row 3: a cell holds a NUL byte; remove it" in result.stderr


def test_utf16_csv_with_bom_merges_and_without_is_named(run, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("first_name\nAda\n", encoding="utf-16")
    good = run(*MERGE, "--csv", str(people))
    assert good.exit_code == 0, good.stderr
    assert "Hi Ada" in good.stdout
    people.write_bytes("first_name\nAda\n".encode("utf-16-le"))
    bad = run(*MERGE, "--csv", str(people))
    assert bad.exit_code == 1
    assert bad.stderr == (
        f"Error: {people}: looks like UTF-16 without a byte-order mark; save it as UTF-8 "
        "(CSV UTF-8)\n"
    )


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_csv_from_stdin_keeps_every_column(run, name):
    result = run(
        *MERGE, "--csv", name, "--format", "csv", input="first_name,current_company\nAda,Acme\n"
    )
    assert result.exit_code == 0, result.stderr
    assert "Ada" in result.stdout and "Acme" in result.stdout


# -- invisible characters and the terminal ---------------------------------------------------


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\u200b", "zero-width space"),
        ("\u202e", "bidirectional control"),
        ("\ufeff", "byte-order mark"),
        ("\u00ad", "soft hyphen"),
        ("\x1b", "control character"),
    ],
)
def test_lint_names_invisible_characters_and_fix_removes_them(run, char, kind):
    string = f"python A{char}ND flask"
    report = run("lint", "-b", "linkedin", string)
    assert report.exit_code == 1
    assert report.stdout == (
        f"col 9: error [invisible] {kind} {char!r} (U+{ord(char):04X}) is not understood; "
        "fix: remove it\n"
    )
    fixed = run("lint", "-b", "linkedin", "--fix", string)
    assert fixed.stdout == "python AND flask\n"


def test_exotic_spaces_become_plain_spaces():
    linted = lint("python\u2003AND\u3000flask", BOARDS["linkedin"])
    assert [search.query for search in linted.fixed] == ["python AND flask"]
    assert {d.code for d in linted.diagnostics} == {"odd-space"}


@pytest.mark.parametrize(
    ("char", "escape"),
    [("\x1b", "\\e"), ("\u202e", "\\u202e"), ("\u200b", "\\u200b"), ("\x07", "\\a")],
)
def test_terms_lint_rejects_control_and_invisible_characters(run, write_terms, char, escape):
    body = minimal_term("Evil").replace("name: Evil", f'name: "Ev{escape}il"')
    folder = write_terms({"evil.yaml": body})
    result = run("terms", "lint", str(folder))
    assert result.exit_code == 1
    assert f"(U+{ord(char):04X}); remove it" in result.stdout
    assert char not in result.stdout


def test_escape_sequences_never_reach_the_terminal_in_errors(run):
    result = run("terms", "show", "\x1b]0;owned\x07\x1b[31mred")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b]0;owned\\x07\\x1b[31mred" in result.stderr


def test_terminal_safe_keeps_text_and_escapes_controls():
    from sourcer.typography import terminal_safe

    assert terminal_safe("PostgreSQL · Database\n\tok") == "PostgreSQL · Database\n\tok"
    assert terminal_safe("a\x1b[2Jb\u202ec\x9bd") == "a\\x1b[2Jb\\u202ec\\x9bd"


# -- the index cache ------------------------------------------------------------------------


@pytest.fixture
def cached_library(tmp_path, write_terms):
    from sourcer.library.store import Layer, Library

    folder = write_terms(
        {
            "flask.yaml": minimal_term("Flask"),
            "postgresql.yaml": minimal_term("PostgreSQL", aliases="[postgres]"),
        }
    )
    cache = tmp_path / "cache"

    def make() -> Library:
        return Library([Layer("user", folder)], cache_dir=cache)

    make().entries()  # writes the cache
    (cache_file,) = cache.glob("index-*.json")
    return make, cache_file


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        '{"version": 999}',
        '{"version": VERSION, "folder": FOLDER, "files": []}',
        '{"version": VERSION, "folder": FOLDER, "files": {"flask.yaml": [1, 2, 3]}}',
        '{"version": VERSION, "folder": FOLDER, "files": {"flask.yaml": "x"}}',
        # another folder's index (their names share a checksum): its records are not used
        '{"version": VERSION, "folder": "/elsewhere", "files": {"flask.yaml": STAMPED}}',
        "[" * 100_000,
        "not json",
        "",
    ],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(cached_library, content):
    import json

    from sourcer.library import store

    make, cache_file = cached_library
    good = json.loads(cache_file.read_text("utf-8"))
    stamped = [*good["files"]["flask.yaml"][:2], "Flask", "Web framework", ["postgres"]]
    content = (
        content.replace("VERSION", str(store.INDEX_VERSION))
        .replace("FOLDER", json.dumps(good["folder"]))
        .replace("STAMPED", json.dumps(stamped))
    )
    cache_file.write_text(content, "utf-8")
    library = make()
    assert library.get("postgres").name == "PostgreSQL"
    assert sorted(library.entries()) == ["flask", "postgresql"]
    rebuilt = json.loads(cache_file.read_text("utf-8"))
    assert sorted(rebuilt["files"]) == ["flask.yaml", "postgresql.yaml"]
    assert rebuilt == good


def test_a_forged_record_cannot_make_one_term_answer_for_another(cached_library):
    import json

    make, cache_file = cached_library
    data = json.loads(cache_file.read_text("utf-8"))
    # flask.yaml's record, stamp intact, now claims the alias postgres
    data["files"]["flask.yaml"][4] = ["postgres"]
    data["files"]["postgresql.yaml"][4] = []
    cache_file.write_text(json.dumps(data), "utf-8")
    for words in cache_file.parent.glob("words-*"):
        shutil.rmtree(words)  # the full index is asked only without a word index
    assert make().get("postgres").name == "PostgreSQL"
    healed = json.loads(cache_file.read_text("utf-8"))
    assert healed["files"]["flask.yaml"][4] == []


def test_a_forged_word_index_cannot_make_one_term_answer_for_another(cached_library):
    make, cache_file = cached_library
    (words,) = cache_file.parent.glob("words-*")
    forged = 0
    for bucket in words.glob("[0-9][0-9].txt"):
        text = bucket.read_text("utf-8")
        if "\npostgres\tpostgresql\tpostgres\n" in text:
            text = text.replace("\npostgres\tpostgresql\t", "\npostgres\tflask\t")
            forged += 1
        bucket.write_text(text, "utf-8")
    assert forged == 1
    assert make().get("postgres").name == "PostgreSQL"
    healed = [
        line
        for bucket in words.glob("[0-9][0-9].txt")
        for line in bucket.read_text("utf-8").splitlines()
        if line.startswith("postgres\t")
    ]
    assert healed == ["postgres\tpostgresql\tpostgres"]


def test_a_word_index_is_not_used_once_its_folder_changed(cached_library, tmp_path):
    make, _ = cached_library
    folder = tmp_path / "extra-terms"
    library = make()
    assert library.get("postgres").name == "PostgreSQL"
    (folder / "mysql.yaml").write_text(minimal_term("MySQL", aliases="[mariadb-ish]"), "utf-8")
    assert make().get("mariadb-ish").name == "MySQL"


# -- the Markdown brief through a Markdown renderer -----------------------------------------

HOSTILE_TERM = """\
name: '<script>alert(1)</script>'
summary: 'See [docs](javascript:alert(1)) and <img src=x onerror=alert(1)> or \\<b>.'
aliases: ['<i>x</i>']
titles:
  typical: '[Developer](javascript:alert(2))'
red_flags: ['<a href="javascript:alert(3)">click</a>']
"""


def test_markdown_brief_renders_no_tag_and_no_script_link(run, write_terms):
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt

    folder = write_terms({"hostile.yaml": HOSTILE_TERM})
    result = run("--terms-dir", str(folder), "brief", "hostile", "--format", "md")
    assert result.exit_code == 0, result.stderr
    html = MarkdownIt("commonmark").render(result.stdout)
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "img", "i", "b"])
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert hrefs and all(href.startswith("https://") for href in hrefs)
    assert "<script>alert(1)</script>" in soup.get_text()


def test_a_link_that_is_not_http_is_refused():
    from sourcer.brief import http_url
    from sourcer.errors import TemplateError

    with pytest.raises(TemplateError, match="only http"):
        http_url("javascript:alert(1)")


# -- writes: all or nothing -----------------------------------------------------------------


def _people(tmp_path, count=20):
    people = tmp_path / "people.csv"
    people.write_text("first_name\n" + "".join(f"N{i}\n" for i in range(count)), encoding="utf-8")
    return people


def _fail_on(monkeypatch, module, name, call, error):
    """Make ``module.name`` raise ``error`` on its ``call``-th use."""
    real = getattr(module, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)


def _fail_writes_in(monkeypatch, folder, call, error):
    """Make the ``call``-th file written inside ``folder`` raise ``error`` (a full disk,
    Ctrl-C); files written elsewhere (the caches) are left alone."""
    from sourcer import fsutil

    real = fsutil._write_bytes
    calls = []

    staged_beside = str(Path(folder).parent / ".sourcer-")  # a new folder staged whole

    def write(path, data):
        if str(path).startswith((str(folder), staged_beside)):
            calls.append(path)
            if len(calls) == call:
                if callable(error):
                    error()
                else:
                    raise error
        return real(path, data)

    monkeypatch.setattr(fsutil, "_write_bytes", write)


def _left_in(folder):
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else None


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt])
def test_caches_are_replaced_after_all_are_written_and_leave_nothing_else(
    tmp_path, monkeypatch, error
):
    """replace_files (the caches') renames nothing until every file is written, and a
    failure or Ctrl-C on the way leaves no file of its own behind."""
    from sourcer import fsutil

    first, second = tmp_path / "a" / "one.json", tmp_path / "b" / "two.json"
    fsutil.replace_files([(str(first), "1"), (str(second), "2")])  # the folders are made
    assert (first.read_text(), second.read_text()) == ("1", "2")
    real = fsutil._write_new

    def write(path, text):
        if path.startswith(str(second)):
            raise error
        return real(path, text)

    monkeypatch.setattr(fsutil, "_write_new", write)
    with pytest.raises(type(error) if isinstance(error, OSError) else error):
        fsutil.replace_files([(str(first), "new 1"), (str(second), "new 2")])
    assert (first.read_text(), second.read_text()) == ("1", "2")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["one.json", "two.json"]


@pytest.fixture(params=["helper", "here"])
def writes(request, monkeypatch):
    """A merge's --out files written by a forked child (where forking is safe), or here."""
    from sourcer.outreach import merge

    monkeypatch.setattr(merge, "HELPER_FROM", 1 if request.param == "helper" else 10**9)
    return request.param


def test_a_full_disk_mid_merge_leaves_nothing(run, tmp_path, monkeypatch, writes):
    out = tmp_path / "out"
    _fail_writes_in(monkeypatch, out, 7, OSError(28, "No space left on device"))
    result = run(*MERGE, "--csv", str(_people(tmp_path)), "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out / '008-n6.txt'}: cannot write it (No space left on device)\n"
    )
    assert _left_in(out) is None


def test_a_signal_mid_merge_leaves_nothing(run, tmp_path, monkeypatch):
    import signal

    out = tmp_path / "out"

    def sigterm():
        os.kill(os.getpid(), signal.SIGTERM)  # the handler sourcer installs raises here

    _fail_writes_in(monkeypatch, out, 5, sigterm)
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = run(*MERGE, "--csv", str(_people(tmp_path)), "--out", str(out))
    assert result.exit_code == 128 + signal.SIGTERM
    assert _left_in(out) == ["keep.txt"]
    assert signal.getsignal(signal.SIGTERM) is not None  # put back afterwards


def test_files_written_from_another_thread_leave_the_signal_handler_alone(tmp_path):
    """Only the main thread may set a handler: elsewhere (the local web page's request
    threads) the files are written without one, and without an error."""
    import signal
    import threading

    from sourcer import fsutil

    before = signal.getsignal(signal.SIGTERM)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            fsutil.write_atomic(tmp_path / "out.txt", "text\n")
            fsutil.replace_files([(str(tmp_path / "cache.json"), "{}")])
        except BaseException as err:  # reported by the assertion below
            failures.append(err)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert failures == []
    assert (tmp_path / "out.txt").read_text() == "text\n"
    assert signal.getsignal(signal.SIGTERM) is before


def test_ctrl_c_mid_merge_leaves_nothing(run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _fail_writes_in(monkeypatch, out, 3, KeyboardInterrupt())
    result = run(*MERGE, "--csv", str(_people(tmp_path)), "--out", str(out))
    assert (result.exit_code, result.stderr) == (1, "\nAborted!\n")
    assert _left_in(out) is None


def test_a_failure_while_moving_into_place_puts_everything_back(run, tmp_path, monkeypatch):
    from sourcer import fsutil

    out = tmp_path / "out"
    out.mkdir()
    (out / "002-n0.txt").write_text("old message\n")
    # links: a backup of 002, then 003 into place, then 004 fails
    _fail_on(monkeypatch, fsutil.os, "link", 3, OSError(5, "Input/output error"))
    result = run(*MERGE, "--csv", str(_people(tmp_path, 5)), "--out", str(out), "--force")
    assert result.exit_code == 1
    assert "cannot write it (Input/output error)" in result.stderr
    assert _left_in(out) == ["002-n0.txt"]
    assert (out / "002-n0.txt").read_text() == "old message\n"


def test_a_dangling_symlink_among_the_targets_stops_before_writing(run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "003-n1.txt").symlink_to(tmp_path / "nowhere")
    result = run(*MERGE, "--csv", str(_people(tmp_path, 5)), "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {out / '003-n1.txt'} already exists")
    assert _left_in(out) == ["003-n1.txt"]


def test_an_import_that_cannot_write_writes_nothing(run, isolated_home, tmp_path, monkeypatch):
    from tests.test_import import DENO_TEXT

    pages = []
    for name in ("Deno", "Bun"):
        page = tmp_path / f"{name}.txt"
        page.write_text(DENO_TEXT.replace("Deno", name), encoding="utf-8")
        pages.append(str(page))
    _fail_writes_in(monkeypatch, isolated_home / "terms", 2, OSError(28, "No space left on device"))
    result = run("terms", "import", *pages)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert _left_in(isolated_home / "terms") in (None, [])


# -- templates that run away ------------------------------------------------------------------


def _template(tmp_path, body):
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / "loop.j2").write_text(f"---\nchannel: email\n---\n{body}\n", encoding="utf-8")
    return folder


def test_a_template_that_loops_for_ever_is_stopped(run, tmp_path, monkeypatch):
    from sourcer import templating

    monkeypatch.setattr(templating, "TIME_BUDGET", 0.2)
    folder = _template(
        tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    result = run("outreach", "--templates-dir", str(folder), "render", "loop", *MERGE[3:])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {folder / 'loop.j2'}: took more than 0.2 s to render; "
        "look for a loop that runs away\n"
    )


def test_a_template_that_writes_too_much_is_stopped(run, tmp_path):
    folder = _template(tmp_path, "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}")
    result = run("outreach", "--templates-dir", str(folder), "render", "loop", *MERGE[3:])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {folder / 'loop.j2'}: renders more than 2,000,000 characters; "
        "look for a loop that runs away\n"
    )


def test_a_runaway_loop_is_stopped_off_the_main_thread_too(tmp_path, monkeypatch):
    """A web server renders on worker threads, where no timer signal reaches: the sandbox's
    own checks must stop the loop there."""
    import threading

    from sourcer import templating
    from sourcer.errors import TemplateError

    monkeypatch.setattr(templating, "TIME_BUDGET", 0.2)
    folder = _template(
        tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    environment = templating.make_environment([str(folder)])
    caught: list[BaseException] = []

    def render() -> None:
        try:
            templating.render_parts(environment, "loop.j2", {}, ["body"])
        except BaseException as err:
            caught.append(err)

    worker = threading.Thread(target=render, daemon=True)
    worker.start()
    worker.join(timeout=8)
    assert not worker.is_alive()
    assert len(caught) == 1
    assert isinstance(caught[0], TemplateError)
    assert str(caught[0]) == (
        f"{folder / 'loop.j2'}: took more than 0.2 s to render; look for a loop that runs away"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ 'x' * 10 ** 9 }}", "makes a value of more than 2,000,000 items with *"),
        ("{{ [1] * 3000000 }}", "makes a value of more than 2,000,000 items with *"),
        ("{{ 3000000 * 'ab' }}", "makes a value of more than 2,000,000 items with *"),
        ("{{ 2 ** 100000000 }}", "raises a number to the power 100,000,000"),
    ],
)
def test_a_template_cannot_build_a_huge_value(run, tmp_path, body, message):
    folder = _template(tmp_path, body)
    result = run("outreach", "--templates-dir", str(folder), "render", "loop", *MERGE[3:])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / 'loop.j2'}: {message}")


def test_a_macro_that_calls_itself_for_ever_is_an_error(run, tmp_path):
    folder = _template(tmp_path, "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}")
    result = run("outreach", "--templates-dir", str(folder), "render", "loop", *MERGE[3:])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / 'loop.j2'}:")
    assert result.stderr.endswith(
        ": a macro or include calls itself without end; give it a way to stop\n"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("channel: [email, inmail]", "channel must be one of"),
        ("channel: {a: 1}", "channel must be one of"),
        ("channel: email\ndescription: [1, 2]", "description must be text"),
    ],
)
def test_front_matter_of_the_wrong_type_is_an_error(run, tmp_path, front, message):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "odd.j2").write_text(f"---\n{front}\n---\nHi\n", encoding="utf-8")
    result = run("outreach", "--templates-dir", str(folder), "render", "odd", *MERGE[3:])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / 'odd.j2'}:")
    assert message in result.stderr


# -- fuzzing the parser and the CSV reader ---------------------------------------------------

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SEARCH_PIECES = st.one_of(
    st.sampled_from(
        ["(", ")", '"', "\u201c", "AND", "OR", "NOT", "-", "*", "site:", "\u200b", " ", "\t"]
    ),
    st.text(max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(SEARCH_PIECES, max_size=40),
    board=st.sampled_from(sorted(BOARDS)),
    target=st.sampled_from(sorted(BOARDS)),
)
@example(pieces=["NOT", "(", "0", "(", "1", "OR", "0"], board="bing", target="github")
def test_lint_and_convert_never_fail_on_any_string(pieces, board, target):
    from sourcer.errors import SourcerError
    from sourcer.query.lint import convert
    from sourcer.typography import find_typography

    text = " ".join(pieces)
    linted = lint(text, BOARDS[board])
    for finding in linted.diagnostics:
        assert 1 <= finding.column <= len(text) + 1
    for search in linted.fixed:
        assert not find_typography(search.query)
    # a SourcerError is a one-line error for the user; "NOT OR" on Google was an IndexError
    with contextlib.suppress(SourcerError):
        convert(text, BOARDS[board], BOARDS[target], "split")


CELL = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELL, min_size=2, max_size=2), max_size=8))
def test_the_csv_reader_gives_back_what_was_written(tmp_path, rows):
    import csv
    import io

    from sourcer.outreach.merge import CsvRows, SourceRow

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["first_name", "note"])
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    with CsvRows(str(path)) as table:
        got = list(table)
    assert table.columns == ["first_name", "note"]
    expected = [
        {
            key: cell.strip()
            for key, cell in zip(("first_name", "note"), row, strict=True)
            if cell.strip()
        }
        for row in rows
    ]
    assert all(isinstance(row, SourceRow) for row in got)
    assert [row.fields for row in got] == expected


# -- imported pages are written so that they load back exactly -------------------------------


def test_long_words_and_odd_characters_survive_the_term_file():
    from datetime import date

    from sourcer.glossary.termfile import term_yaml
    from tests.test_glossary import GLEAM

    url = "https://example.com/" + "a" * 120
    page = GLEAM._replace(summary=f"Read {url} first.", red_flags=("x\u2028keywords: [evil]",))
    text = term_yaml(page, "https://example.com/x", lambda name: None, date(2026, 1, 1))
    data = load(text, "gleam.yaml")
    assert data["summary"] == f"Read {url} first."
    assert data["red_flags"] == ["x\u2028keywords: [evil]"]


def test_a_line_break_in_the_cited_source_cannot_inject_yaml():
    from datetime import date

    from sourcer.glossary.termfile import term_yaml
    from tests.test_glossary import GLEAM

    source = "https://example.com/a\x85exclude: [python]\u2028keywords: [evil]"
    text = term_yaml(GLEAM, source, lambda name: None, date(2026, 1, 1))
    data = load(text, "gleam.yaml")
    assert data.get("keywords", []) == [] and data.get("exclude", []) == []
    assert data["sources"] == [source]
    assert "\\u0085exclude" in text.splitlines()[0]


def test_deeply_nested_html_is_read_in_one_pass():
    from sourcer.glossary.page import html_lines

    depth = 30_000
    html = "<main>" + "<div>word " * depth + "</div>" * depth + "<p>end<br>line</p></main>"
    lines = html_lines(html)
    assert len(lines) == depth + 2
    assert lines[0] == "word" and lines[-2:] == ["end", "line"]


def _single_writes(tmp_path, home):
    """Each command that writes one file: (arguments, the file it writes)."""
    from tests.conftest import REPO

    posting = REPO / "examples" / "posting-go.txt"
    return {
        "brief -o": (
            ["brief", "flask", "-o", str(tmp_path / "out" / "brief.md")],
            tmp_path / "out" / "brief.md",
        ),
        "role from-jd -o": (
            ["role", "from-jd", str(posting), "-o", str(tmp_path / "out" / "go.yaml")],
            tmp_path / "out" / "go.yaml",
        ),
        "terms new": (["terms", "new", "widget-maker"], home / "terms" / "widget-maker.yaml"),
    }


SINGLE_WRITES = ["brief -o", "role from-jd -o", "terms new"]


@pytest.mark.parametrize("command", SINGLE_WRITES)
@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_single_file_write_that_fails_leaves_no_file_and_no_temp(
    run, tmp_path, isolated_home, monkeypatch, error, command
):

    args, out = _single_writes(tmp_path, isolated_home)[command]
    _fail_writes_in(monkeypatch, out.parent, 1, error)
    result = run(*args)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert _left_in(out.parent) in (None, [])  # no file, no temporary file, no new folder
    if isinstance(error, OSError):
        assert result.stderr == f"Error: {out}: cannot write it (No space left on device)\n"


@pytest.mark.parametrize("command", SINGLE_WRITES)
def test_a_forced_write_that_fails_in_the_move_keeps_the_old_file(
    run, tmp_path, isolated_home, monkeypatch, command
):
    from sourcer import fsutil

    args, out = _single_writes(tmp_path, isolated_home)[command]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("mine\n", encoding="utf-8")
    real_replace = fsutil.os.replace

    def replace(source, target, *rest, **kwargs):
        if os.fspath(target) == str(out):
            raise OSError(5, "Input/output error")
        return real_replace(source, target, *rest, **kwargs)

    monkeypatch.setattr(fsutil.os, "replace", replace)
    result = run(*args, "--force")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out}: cannot write it (Input/output error)\n"
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert _left_in(out.parent) == [out.name]


def test_a_forced_write_keeps_the_permissions_of_the_file_it_replaces(run, tmp_path):
    out = tmp_path / "brief.md"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    assert run("brief", "flask", "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8") != "old\n"
    assert out.stat().st_mode & 0o777 == 0o640


def test_a_very_long_unknown_name_is_cut_short_in_the_error(run):
    result = run("query", "a" * 100_000)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: unknown term: " + repr("a" * 60) + "… (100,000 characters) "
        "(no term has a name that long)\n"
    )
    shown = run("terms", "show", "b" * 1000)
    assert shown.exit_code == 1
    assert shown.stderr.startswith(
        "Error: unknown term " + repr("b" * 60) + "… (1,000 characters)."
    )


def test_a_python_tag_in_a_term_file_is_refused_by_name(run, isolated_home):
    from tests.conftest import REPO

    folder = isolated_home / "terms"
    folder.mkdir(parents=True, exist_ok=True)
    text = (REPO / "terms" / "flask.yaml").read_text(encoding="utf-8")
    evil = text.replace("name: Flask", 'name: !!python/object/apply:os.system ["echo pwned"]', 1)
    (folder / "evil.yaml").write_text(evil, encoding="utf-8")
    result = run("query", "evil")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {folder / 'evil.yaml'}:1: the tag !!python/object/apply:os.system is not "
        "allowed; write a plain value\n"
    )
    assert "pwned" not in result.stdout


def test_an_edit_inside_a_file_is_seen_although_its_folder_did_not_change(cached_library, tmp_path):
    make, _ = cached_library
    folder = tmp_path / "extra-terms"
    assert make().get("postgres").name == "PostgreSQL"
    before = os.stat(folder).st_mtime_ns
    # an editor that writes in place: the folder's stamp stays, the word index is stale
    (folder / "postgresql.yaml").write_text(
        minimal_term("PostgreSQL", aliases="[pg-database]"), "utf-8"
    )
    (folder / "flask.yaml").write_text(minimal_term("Flask", aliases="[postgres]"), "utf-8")
    assert os.stat(folder).st_mtime_ns == before
    assert make().get("pg-database").name == "PostgreSQL"  # a new alias: the miss is confirmed
    assert make().get("postgres").name == "Flask"  # a moved alias: the load is checked


def _merge_two(run, tmp_path, folder, *extra):
    """Template 'loop' of ``folder`` merged for Ada (row 2) and Bob (row 3)."""
    people = tmp_path / "people.csv"
    people.write_text(
        "first_name,email\nAda,ada@example.com\nBob,bob@example.com\n", encoding="utf-8"
    )
    return run(
        "outreach", "--templates-dir", str(folder), "render", "loop", *extra,
        "--csv", str(people), *MERGE[3:],
    )  # fmt: skip


def test_a_template_cannot_change_what_every_message_shares(run, tmp_path):
    """The term's part of the context is built once per merge and shared by every row."""
    folder = _template(
        tmp_path,
        "{{ term.related_names.append('Injected') }}{{ term.related_names | join(',') }}",
    )
    result = _merge_two(run, tmp_path, folder, "--term", "flask")
    assert result.exit_code == 1
    assert "not allowed in a shared template" in result.stderr
    assert "Injected" not in result.stdout


def test_a_runaway_loop_in_a_merge_is_stopped_and_the_alarm_handler_put_back(
    run, tmp_path, monkeypatch
):
    import signal

    from sourcer import templating

    monkeypatch.setattr(templating, "TIME_BUDGET", 0.2)
    before = signal.getsignal(signal.SIGALRM)
    folder = _template(
        tmp_path,
        "{% if candidate.first_name == 'Bob' %}{% for i in range(100000) %}"
        "{% for j in range(100000) %}{% endfor %}{% endfor %}{% endif %}Hi",
    )
    result = _merge_two(run, tmp_path, folder)
    assert result.exit_code == 1
    assert "row 3" in result.stderr
    assert "took more than 0.2 s to render" in result.stderr
    assert signal.getsignal(signal.SIGALRM) == before


def test_the_sessions_timer_stops_only_a_render_past_its_deadline_and_margin():
    """A merge's messages arm no timer of their own: the session's timer ticks, and stops
    the render on the main thread once it is past its deadline by the margin."""
    import signal
    import time

    import pytest

    from sourcer import templating

    # between renders (no deadline), and within the margin after a deadline: nothing
    templating._expire(signal.SIGALRM, None)
    token = templating._deadline.set((time.monotonic() - 0.1, 5.0))  # margin 1 s
    try:
        templating._expire(signal.SIGALRM, None)
    finally:
        templating._deadline.reset(token)
    # a loop that calls nothing, long past its deadline: the next tick stops it
    before = signal.getsignal(signal.SIGALRM)
    with templating.budget_session():
        token = templating._deadline.set((time.monotonic() - 10, 0.05))
        try:
            with pytest.raises(templating._OverBudget, match=r"took more than 0\.05 s"):
                give_up = time.monotonic() + 5 * templating.TICK + 1
                while time.monotonic() < give_up:
                    pass
        finally:
            templating._deadline.reset(token)
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_new_folder_of_files_arrives_whole_with_a_new_folders_permissions(tmp_path):
    from sourcer.fsutil import Transaction

    out = tmp_path / "messages"
    with Transaction() as batch:
        for i in range(3):
            batch.add(out / f"{i}.txt", f"message {i}\n")
        assert not out.exists()  # staged beside it until the commit
        batch.commit()
    assert sorted(p.name for p in out.iterdir()) == ["0.txt", "1.txt", "2.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (out / "1.txt").stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["messages"]  # no staging folder left


def test_a_template_nested_too_deeply_is_one_line_for_render_and_check(run, tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    body = "{% if a %}" * 3000 + "x" + "{% endif %}" * 3000
    (folder / "deep.j2").write_text(f"---\nchannel: email\n---\n{body}\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("first_name,email\nAda,ada@example.com\n", encoding="utf-8")
    expected = f"{folder / 'deep.j2'}: blocks and expressions nested too deeply to read"
    check = run("outreach", "--templates-dir", str(folder), "check", "deep", "--csv", str(people))
    assert check.exit_code == 1
    assert check.stderr.startswith(f"Error: {expected}")
    render = run(
        "outreach", "--templates-dir", str(folder), "render", "deep", "--csv", str(people),
        *MERGE[3:],
    )  # fmt: skip
    assert render.exit_code == 1
    assert f"row 2: {expected}" in render.stderr
    assert "Traceback" not in render.stderr + check.stderr


def test_sniffing_a_hostile_csv_takes_no_time(run, tmp_path):
    """csv.Sniffer's time grows with the square of its sample: only a small one is read."""
    import time

    nasty = tmp_path / "nasty.csv"
    nasty.write_text('"\n' * 200_000, encoding="utf-8")
    start = time.perf_counter()
    result = run(*MERGE, "--csv", str(nasty))
    assert time.perf_counter() - start < 5  # 16 KB of this took 5 s to sniff alone
    assert result.exit_code == 1
    assert result.stderr == f"Error: {nasty}:1: no header row; the first row names the columns\n"
