"""The term library: loading, validation, layers, lookup and the `terms` commands."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sourcer.errors import TermFileError, UnknownTermError
from sourcer.home import shipped_dir
from sourcer.library.check import read_term
from sourcer.library.schema import SCHEMA_KEYS
from sourcer.library.store import Layer, Library
from tests.conftest import minimal_term

FLASK_ALSO_TRY = [  # ranked: the most common first
    "Python Developer",
    "Software Engineer",
    "Backend Developer",
    "Full Stack Developer",
    "Web Developer",
    "API Developer",
    "Flask Developer",
]

# -- broken files: (file name, content, expected "line: message" fragments) -------------------
BROKEN: list[tuple[str, str | bytes, list[str]]] = [
    (
        "unknown-key.yaml",
        minimal_term("Unknown Key") + "alias: [x]\n",
        ["6: unknown key alias; did you mean 'aliases'?"],
    ),
    (
        "wrong-type.yaml",
        minimal_term("Wrong Type", aliases="just text"),
        ["3: aliases: expected a list, got text (write [] for none)"],
    ),
    (
        "empty-string.yaml",
        'name: Empty\nsummary: ""\ntitles:\n  typical: Empty Developer\n',
        ["2: summary: empty text; remove the key or write something"],
    ),
    (
        "curly-quotes.yaml",
        minimal_term("Curly", aliases="['\u201cCurly JS\u201d']"),
        ["3: aliases[0]: curly quote '\u201c' (U+201C); use a straight '\"'"],
    ),
    (
        "dash.yaml",
        "name: Dash\nsummary: A dash test.\ntitles:\n  typical: Front\u2013end Developer\n",
        ["4: titles.typical: dash '\u2013' (U+2013); use a straight '-'"],
    ),
    (
        "unknown-level.yaml",
        minimal_term("Unknown Level") + "levels:\n  lead:\n    years: 5+\n",
        ["7: unknown level levels.lead; expected one of: junior, mid, senior"],
    ),
    (
        "interview-level.yaml",
        minimal_term("Interview Level")
        + "interview:\n  - level: expert\n    question: Why?\n    expected: Because.\n",
        ["7: interview[0].level: unknown level 'expert'; use junior, mid or senior"],
    ),
    (
        "missing-link.yaml",
        minimal_term("Missing Link") + "similar: [no-such-term]\n",
        ["6: similar: no term 'no-such-term' in the library; add no-such-term.yaml or remove it"],
    ),
    (
        "alias-clash.yaml",
        minimal_term("Alias Clash", aliases="[Postgres]"),
        ["3: aliases: 'Postgres' is also claimed by"],
    ),
    (
        "Bad_Slug.yaml",
        minimal_term("Bad Slug"),
        [
            "1: file name 'Bad_Slug' is not a valid slug: use lowercase letters, digits and "
            "single hyphens, e.g. bad-slug.yaml"
        ],
    ),
    (
        "no-name.yaml",
        "summary: Nameless.\ntitles:\n  typical: Someone\n",
        ["1: missing required key 'name'"],
    ),
    (
        "no-typical.yaml",
        "name: No Typical\nsummary: No typical title.\ntitles:\n  also_try: [A, B]\n",
        ["3: missing required key 'titles.typical'"],
    ),
    (
        "syntax.yaml",
        "name: Syntax\nsummary: [unclosed\ntitles:\n  typical: X\n",
        ["YAML syntax error"],
    ),
    ("not-mapping.yaml", "- just\n- a list\n", ["1: a term file must be a mapping of keys"]),
    (
        "duplicate-key.yaml",
        minimal_term("Duplicate Key") + "name: Again\n",
        ["6: name: key appears twice; keep one"],
    ),
    (
        "unsafe-tag.yaml",
        "name: !!python/object/apply:os.system ['echo hacked']\n",
        ["1: the tag !!python/object/apply:os.system is not allowed; write a plain value"],
    ),
    (
        "bad-years.yaml",
        minimal_term("Bad Years") + "levels:\n  junior:\n    years: a few\n",
        ["8: levels.junior.years: 'a few' is not a span of years; write e.g. '0-2' or '4+'"],
    ),
    (
        "not-utf8.yaml",
        "name: Caf\u00e9\nsummary: Latin-1.\ntitles:\n  typical: X\n".encode("latin-1"),
        ["1: not UTF-8 text"],
    ),
    (
        "duplicate-alias.yaml",
        minimal_term("Duplicate Alias", aliases="[dupe, DUPE]"),
        ["3: aliases[1]: 'DUPE' is listed twice (also line 3)"],
    ),
    (
        "self-link.yaml",
        minimal_term("Self Link") + "related: [self-link]\n",
        ["6: related: a term cannot point to itself ('self-link')"],
    ),
    (
        "boolean-name.yaml",
        "name: yes\nsummary: Booleans.\ntitles:\n  typical: X\n",
        ["1: name: expected text, got a boolean (quote it if you meant text)"],
    ),
    (
        "not-slug-link.yaml",
        minimal_term("Not Slug Link") + "related: [Python]\n",
        ["6: related[0]: 'Python' is not a slug; refer to terms by file name, e.g. 'python'"],
    ),
]


def test_broken_folder_reports_every_file_and_writes_nothing(run, write_terms, isolated_home):
    folder = write_terms({name: content for name, content, _ in BROKEN}, "broken")
    before = sorted(p.name for p in folder.iterdir())

    result = run("terms", "lint", str(folder))

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    for name, _, fragments in BROKEN:
        path = str(folder / name)
        for fragment in fragments:
            assert any(line.startswith(f"{path}:") and fragment in line for line in lines), (
                f"{name}: no line with {fragment!r} in:\n{result.stdout}"
            )
    assert len(BROKEN) >= 15
    assert result.stderr.startswith("Error: ")
    assert result.stderr.endswith(f"in {len(BROKEN)} files\n")
    assert sorted(p.name for p in folder.iterdir()) == before
    assert not isolated_home.exists(), "lint must write nothing, not even a cache"


@pytest.mark.parametrize(("name", "content", "fragments"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_broken_kind_alone(run, write_terms, name, content, fragments):
    folder = write_terms({name: content}, "one")
    result = run("terms", "lint", str(folder / name))
    assert result.exit_code == 1, result.stdout
    for fragment in fragments:
        assert fragment in result.stdout
    assert "Traceback" not in result.output


def test_alias_clash_names_both_terms(tmp_path, write_terms):
    folder = write_terms(
        {
            "one.yaml": minimal_term("One", aliases="[shared]"),
            "two.yaml": minimal_term("Two", aliases="[Shared]"),
        }
    )
    problems = Library([Layer("builtin", shipped_dir("terms"))]).lint([folder])
    messages = [str(p) for p in problems]
    assert (
        f"{folder / 'one.yaml'}:3: aliases: 'shared' is also claimed by {folder / 'two.yaml'} (two); a name or alias may belong to one term only"
        in messages
    )
    assert (
        f"{folder / 'two.yaml'}:3: aliases: 'Shared' is also claimed by {folder / 'one.yaml'} (one); a name or alias may belong to one term only"
        in messages
    )


def test_shipped_library_lints_clean(run):
    result = run("terms", "lint")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert result.stderr == "OK: no errors.\n"


def test_lint_json(run, write_terms):
    folder = write_terms({"dash.yaml": BROKEN[4][1]})
    result = run("terms", "lint", "--json", str(folder))
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": str(folder / "dash.yaml"),
            "line": 4,
            "severity": "error",
            "message": "titles.typical: dash '\u2013' (U+2013); use a straight '-'",
        }
    ]


def test_read_term_raises_with_every_problem(tmp_path):
    path = tmp_path / "two-problems.yaml"
    path.write_text("name: ''\nsummary: ''\ntitles:\n  typical: X\n", encoding="utf-8")
    with pytest.raises(TermFileError) as info:
        read_term(path)
    assert len(info.value.problems) == 2
    assert str(info.value) == (
        f"{path}:1: name: empty text; remove the key or write something "
        f"(and 1 more; run 'sourcer terms lint {path}')"
    )


# -- show ----------------------------------------------------------------------------------


def test_show_flask_json_has_exactly_the_schema(run):
    result = run("terms", "show", "flask", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["slug", *SCHEMA_KEYS, "origin"]
    assert data["titles"]["also_try"] == FLASK_ALSO_TRY
    assert list(data["levels"]) == ["junior", "mid", "senior"]
    assert data["levels"]["junior"]["years"] == "0-2"
    assert data["origin"] == "builtin"
    assert {q["level"] for q in data["interview"]} == {"junior", "mid", "senior"}
    assert "hip flask" in data["exclude"]


def test_show_json_fills_missing_keys_with_empty_values(run, write_terms):
    folder = write_terms({"tiny.yaml": minimal_term("Tiny")})
    data = json.loads(run("--terms-dir", str(folder), "terms", "show", "tiny", "--json").stdout)
    assert data["levels"] == {}
    assert data["interview"] == []
    assert data["titles"] == {"typical": "Tiny Developer", "also_try": []}
    assert data["origin"] == str(folder)


def test_show_human_view_has_every_section(run):
    result = run("terms", "show", "flask")
    assert result.exit_code == 0
    for heading in ("Experience levels", "Interview questions", "Red flags", "Resume examples"):
        assert heading in result.stdout
    assert "Typical title: Flask Developer" in result.stdout
    assert "junior (0-2 years)" in result.stdout


@pytest.mark.parametrize("query", ["postgresql", "Postgres", "POSTGRES", "PostgreSQL", " psql "])
def test_lookup_by_slug_name_or_alias(run, query):
    result = run("terms", "show", query, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["slug"] == "postgresql"


def test_lookup_ignores_punctuation_when_nothing_matches_exactly(write_terms):
    folder = write_terms({"nodejs.yaml": minimal_term("Node.js", aliases="[NodeJS]")})
    library = Library([Layer("extra", folder)])
    assert library.get("node js").slug == "nodejs"
    assert library.get("Node.JS").slug == "nodejs"


def test_unknown_term_suggests(run):
    result = run("terms", "show", "postgress")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: unknown term 'postgress'. Did you mean: postgresql?\n"


def test_unknown_term_without_suggestion(run):
    result = run("terms", "show", "zzzzqqq")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: unknown term 'zzzzqqq'. Run 'sourcer terms list' to see every term.\n"
    )


def test_invalid_term_file_is_one_line_error(run, write_terms):
    folder = write_terms({"broken.yaml": "name: Broken\nsummary: ''\ntitles:\n  typical: X\n"})
    result = run("--terms-dir", str(folder), "terms", "show", "broken")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {folder / 'broken.yaml'}:2: summary: empty text; remove the key or write something\n"
    )


# -- layers --------------------------------------------------------------------------------


def test_layers_override_by_slug(run, write_terms, isolated_home):
    user = isolated_home / "terms"
    user.mkdir(parents=True)
    (user / "flask.yaml").write_text(minimal_term("Flask", aliases="[UserFlask]"))
    extra = write_terms({"flask.yaml": minimal_term("Flask", aliases="[TeamFlask]")})

    assert json.loads(run("terms", "show", "flask", "--json").stdout)["aliases"] == ["UserFlask"]
    data = json.loads(run("--terms-dir", str(extra), "terms", "show", "flask", "--json").stdout)
    assert data["aliases"] == ["TeamFlask"]
    assert data["origin"] == str(extra)
    listed = json.loads(run("--terms-dir", str(extra), "terms", "list", "--json").stdout)
    assert {e["slug"]: e["origin"] for e in listed}["flask"] == str(extra)
    assert {e["slug"]: e["origin"] for e in listed}["django"] == "builtin"


def test_later_terms_dir_wins(run, write_terms):
    first = write_terms({"flask.yaml": minimal_term("Flask", aliases="[First]")}, "first")
    second = write_terms({"flask.yaml": minimal_term("Flask", aliases="[Second]")}, "second")
    args = (
        "--terms-dir",
        str(first),
        "--terms-dir",
        str(second),
        "terms",
        "show",
        "flask",
        "--json",
    )
    assert json.loads(run(*args).stdout)["aliases"] == ["Second"]


def test_missing_terms_dir_is_a_usage_error(run, tmp_path):
    result = run("--terms-dir", str(tmp_path / "nope"), "terms", "list")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_terms_path(run, isolated_home):
    result = run("terms", "path")
    assert result.stdout == f"{isolated_home / 'terms'}\n"


def test_list_text_and_json(run):
    text = run("terms", "list").stdout
    assert any(line.split()[:2] == ["flask", "Flask"] for line in text.splitlines())
    data = json.loads(run("terms", "list", "--json").stdout)
    assert {
        "slug": "flask",
        "name": "Flask",
        "category": "Web framework",
        "origin": "builtin",
    } in data
    assert [e["slug"] for e in data] == sorted(e["slug"] for e in data)
    # one line a term, in the same order, its columns aligned, and a newline at the end
    lines = text.splitlines()
    assert text.endswith("\n") and [line.split()[0] for line in lines] == [e["slug"] for e in data]
    width = max(len(e["slug"]) for e in data) + 2
    assert all(line[width:].startswith(e["name"]) for line, e in zip(lines, data, strict=True))


def test_list_category_filter(run):
    data = json.loads(run("terms", "list", "--category", "web FRAMEWORK", "--json").stdout)
    assert data and all(e["category"] == "Web framework" for e in data)
    result = run("terms", "list", "--category", "nonsense")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no terms in category 'nonsense'; categories: ")


# -- the index cache -----------------------------------------------------------------------


def test_index_cache_follows_file_changes(write_terms, tmp_path):
    folder = write_terms({"thing.yaml": minimal_term("Thing", aliases="[oldname]")})
    cache = tmp_path / "cache"
    assert Library([Layer("x", folder)], cache).get("oldname").slug == "thing"
    assert list(cache.glob("index-*.json")), "the index is cached"

    path = folder / "thing.yaml"
    path.write_text(minimal_term("Thing", aliases="[newname, extra]"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    library = Library([Layer("x", folder)], cache)
    assert library.get("newname").slug == "thing"
    with pytest.raises(UnknownTermError):
        library.get("oldname")


def test_corrupt_cache_is_rebuilt(write_terms, tmp_path):
    folder = write_terms({"thing.yaml": minimal_term("Thing", aliases="[alias1]")})
    cache = tmp_path / "cache"
    Library([Layer("x", folder)], cache).entries()
    for file in cache.glob("index-*.json"):
        file.write_text("{not json")
    assert Library([Layer("x", folder)], cache).get("alias1").slug == "thing"


# -- new -----------------------------------------------------------------------------------


def test_new_writes_a_skeleton_that_lints_without_errors(run, isolated_home):
    result = run("terms", "new", "widget-maker")
    target = isolated_home / "terms" / "widget-maker.yaml"
    assert result.exit_code == 0
    assert result.stdout == f"{target}\n"
    assert target.read_text().startswith("# A sourcer term file (schema v2).")
    lint = run("terms", "lint", str(target))
    assert lint.exit_code == 0, lint.stdout
    assert "placeholder text left to fill in" in lint.stdout


def test_new_refuses_to_overwrite(run, isolated_home):
    run("terms", "new", "thing")
    target = isolated_home / "terms" / "thing.yaml"
    target.write_text("mine")
    result = run("terms", "new", "thing")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target} already exists; use --force to overwrite it\n"
    assert target.read_text() == "mine"
    assert run("terms", "new", "thing", "--force").exit_code == 0
    assert target.read_text() != "mine"
    assert [p.name for p in target.parent.iterdir()] == ["thing.yaml"], "no temp files left"


def test_new_rejects_bad_slug(run):
    result = run("terms", "new", "Spring Boot")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for SLUG: use lowercase letters, digits and single hyphens, "
        "e.g. 'spring-boot'\n"
    )


def test_a_skeleton_over_a_shipped_term_needs_force_and_warns(run, isolated_home):
    target = isolated_home / "terms" / "flask.yaml"
    refused = run("terms", "new", "flask")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: 'flask' is a builtin term (")
    assert "sourcer terms new flask --from builtin" in refused.stderr
    assert not target.exists()
    forced = run("terms", "new", "flask", "--force")
    assert forced.exit_code == 0
    assert f"warning: {target} now overrides the builtin term 'flask'" in forced.stderr


def test_new_from_builtin_copies_the_shipped_term_to_edit(run, isolated_home):
    from tests.conftest import REPO

    result = run("terms", "new", "go", "--from", "builtin")
    target = isolated_home / "terms" / "go.yaml"
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{target}\n"
    assert target.read_bytes() == (REPO / "terms" / "go.yaml").read_bytes()
    # the copy wins over the shipped term
    shown = json.loads(run("terms", "show", "go", "--json").stdout)
    assert (shown["origin"], shown["name"]) == ("user", "Go")
    again = run("terms", "new", "go", "--from", "builtin")
    assert again.exit_code == 1 and "already exists" in again.stderr
    missing = run("terms", "new", "no-such-term", "--from", "builtin")
    assert missing.exit_code == 2
    assert "no shipped term 'no-such-term'" in missing.stderr


def test_edit_copies_then_opens_the_editor(run, isolated_home, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")  # an editor that changes nothing
    monkeypatch.delenv("VISUAL", raising=False)
    result = run("terms", "edit", "flask")
    target = isolated_home / "terms" / "flask.yaml"
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{target}\n"
    assert target.exists()
    assert f"copied the shipped 'flask' to {target}" in result.stderr
    assert "copied" not in run("terms", "edit", "flask").stderr  # the copy is kept


# -- completion ----------------------------------------------------------------------------


def test_term_names_complete(monkeypatch, capsys):
    from sourcer.cli import cli

    monkeypatch.setenv("_SOURCER_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "sourcer terms show fl")
    monkeypatch.setenv("COMP_CWORD", "3")
    with pytest.raises(SystemExit):
        cli.main(prog_name="sourcer")
    out = capsys.readouterr().out
    assert "plain,flask" in out.splitlines()


def test_shipped_dir_holds_terms_and_templates():
    assert (Path(shipped_dir("terms")) / "flask.yaml").is_file()
    assert Path(shipped_dir("templates")).name == "templates"


# -- schema v2: ranked aliases and rare variants ----------------------------------------------

V1_FILE = """\
name: Widget
category: Framework
summary: Widget is a framework used in tests.
aliases: [WidgetJS, Wdgt, Widget Framework, WGT, W-dget, Widgetry]
titles:
  typical: Widget Developer
  also_try: [Frontend Developer]
exclude: [widget factory]
"""


def test_a_v1_file_loads_unchanged_and_searches_the_top_of_its_ranking(run, write_terms):
    folder = write_terms({"widget.yaml": V1_FILE})
    lint = run("terms", "lint", str(folder))
    assert lint.exit_code == 0
    assert lint.stderr.endswith("OK: no errors.\n")
    shown = json.loads(run("--terms-dir", str(folder), "terms", "show", "widget", "--json").stdout)
    assert shown["rare"] == []
    out = run("--terms-dir", str(folder), "query", "widget").stdout
    # "Widget Framework" adds a word to the name, so it finds nobody new; the top 4 remain
    assert out.startswith("(Widget OR WidgetJS OR Wdgt OR WGT) NOT (")
    broad = run("--terms-dir", str(folder), "query", "widget", "--mode", "broad").stdout
    assert broad.startswith('(Widget OR WidgetJS OR Wdgt OR WGT OR "W-dget" OR Widgetry) NOT (')


def test_rare_variants_are_searched_only_when_asked(run, write_terms):
    folder = write_terms(
        {"widget.yaml": V1_FILE.replace("exclude:", "rare: [Wigdet, Widjet]\nexclude:")}
    )
    assert run("terms", "lint", str(folder)).exit_code == 0
    plain = run("--terms-dir", str(folder), "query", "widget").stdout
    assert "Wigdet" not in plain
    wide = run("--terms-dir", str(folder), "query", "widget", "--exhaustive").stdout
    assert "Wigdet OR Widjet" in wide and "Widgetry" in wide


def test_lint_explains_rare_and_same_word_aliases(run, write_terms):
    folder = write_terms(
        {
            "widget.yaml": minimal_term(
                "Widget.js", aliases="[Widget JS, Wdgt]", extra="rare: [Wdgt, Wigdet]\n"
            )
        }
    )
    result = run("terms", "lint", str(folder))
    assert result.exit_code == 1
    path = folder / "widget.yaml"
    assert result.stdout.splitlines()[:2] == [
        f"{path}:3: warning: aliases[0]: 'Widget JS' is the same words as 'Widget.js' to a "
        "search engine (and to look-ups); drop it",
        f"{path}:6: rare[0]: 'Wdgt' is already an alias; rare lists only variants searched "
        "when asked (--exhaustive)",
    ]


def test_lint_reports_every_problem_of_a_file_in_one_run(run, tmp_path):
    from tests.conftest import minimal_term

    folder = tmp_path / "mine"
    folder.mkdir()
    path = folder / "widget.yaml"
    path.write_text(
        minimal_term(
            "Widget",
            extra=(
                "category: \u201cFrameworks\u201d and \u201cTools\u201d\n"  # two curly pairs
                "aliasses: [Widgets]\n"  # a misspelt key
                "related: [postgres, djangoo]\n"  # a misspelt link
                "implied_by: [jenkinz]\n"  # and another
            ),
        ),
        encoding="utf-8",
    )
    result = run("terms", "lint", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    curly = [line for line in lines if "category: curly quote" in line]
    assert len(curly) == 4  # every occurrence, not one per field
    assert any("unknown key aliasses; did you mean 'aliases'?" in line for line in lines)
    assert any(
        "related: no term 'djangoo' in the library; did you mean 'django'?" in line
        for line in lines
    )
    assert any(
        "implied_by: no term 'jenkinz' in the library; did you mean 'jenkins'?" in line
        for line in lines
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("search_name: false\n", "search_name: false needs aliases to search instead of the name"),
        ("search_name: maybe\n", "search_name: expected true or false, got text"),
        ("mode: narrow\n", "mode: 'narrow' is not one of broad, balanced, strict"),
    ],
)
def test_search_name_is_checked(run, tmp_path, extra, message):
    path = tmp_path / "widget.yaml"
    text = minimal_term("Widget", extra=extra)
    path.write_text(text, encoding="utf-8")
    result = run("terms", "lint", str(path))
    assert result.exit_code == 1
    assert any(line.endswith(message) for line in result.stdout.splitlines()), result.stdout


def test_a_term_holding_placeholders_is_refused_by_query(run, isolated_home):
    made = run("terms", "new", "widget-maker")
    assert made.exit_code == 0
    target = isolated_home / "terms" / "widget-maker.yaml"
    result = run("query", "widget-maker", "--board", "linkedin")
    assert result.exit_code == 1
    line = next(
        number
        for number, text in enumerate(target.read_text("utf-8").splitlines(), start=1)
        if text.startswith("category:")
    )
    assert result.stderr == (
        f"Error: {target}:{line}: category still holds a TODO placeholder; fill it in "
        "('sourcer terms lint' lists them all), or pass --allow-todo\n"
    )
    allowed = run("query", "widget-maker", "--board", "linkedin", "--allow-todo")
    assert allowed.exit_code == 0
    assert allowed.stdout.startswith('"Widget Maker"')


def test_edit_takes_a_slug_only(run):
    result = run("terms", "edit", "../config")
    assert result.exit_code == 2
    assert "a term's slug" in result.stderr
