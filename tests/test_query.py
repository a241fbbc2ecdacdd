"""The query compiler: rendering, limits, splitting, URLs, golden output and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sourcer.errors import QueryError
from sourcer.library import Layer, Library
from sourcer.paths import shipped_dir
from sourcer.query.boards import BOARDS
from sourcer.query.model import AllOf, AnyOf, Field, Not, Word
from sourcer.query.recipe import Options, build_recipe
from sourcer.query.render import measure, render, word
from sourcer.query.search import compile_board, compile_searches
from sourcer.query.urls import build_url, parse_url
from sourcer.terms import Term, Titles
from tests.conftest import check_golden, minimal_term


def library() -> Library:
    return Library([Layer("builtin", shipped_dir("terms"))])


def term(name: str = "Thing", aliases: tuple[str, ...] = (), **kw: object) -> Term:
    return Term(
        slug=kw.pop("slug", "thing"),  # type: ignore[arg-type]
        name=name,
        summary="A thing.",
        titles=kw.pop("titles", Titles("Thing Developer")),  # type: ignore[arg-type]
        aliases=aliases,
        **kw,  # type: ignore[arg-type]
    )


# -- golden output -------------------------------------------------------------------------

GOLDEN_CASES = [
    ("flask-broad", ["flask"], ["--mode", "broad"]),
    ("flask-balanced", ["flask"], []),
    ("flask-balanced-junior", ["flask"], ["--level", "junior"]),
    ("flask-strict-senior", ["flask"], ["--mode", "strict", "--level", "senior"]),
    ("flask-postgresql-broad", ["flask", "postgresql"], ["--mode", "broad"]),
    ("flask-postgresql-balanced", ["flask", "postgresql"], []),
    (
        "flask-postgresql-strict-senior",
        ["flask", "postgres"],
        ["--mode", "strict", "--level", "senior"],
    ),
    (
        "flask-locations-github-site",
        ["flask"],
        ["-l", "Berlin", "-l", "San Francisco", "--site", "github"],
    ),
]


@pytest.mark.parametrize(("name", "terms", "args"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_golden_json_every_board(run, name, terms, args):
    result = run("query", *terms, "--board", "all", "--json", *args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {entry["board"] for entry in data} == set(BOARDS)
    check_golden(f"query/{name}.json", result.stdout)


def test_golden_text_every_board(run):
    result = run("query", "flask", "--board", "all", "--level", "senior")
    assert result.exit_code == 0
    check_golden("query/flask-senior-all.txt", result.stdout)
    check_golden("query/flask-senior-all.stderr.txt", result.stderr)


# -- the CLI -------------------------------------------------------------------------------


def test_single_board_prints_only_the_string(run):
    result = run("query", "flask", "--level", "senior", "--board", "linkedin")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith('(Flask OR "Python Flask"')
    assert "AND (Senior OR Sr OR Lead OR Principal OR Staff)" in result.stdout
    assert result.stdout.rstrip().endswith(
        'NOT (laboratory OR glassware OR Erlenmeyer OR "hip flask" OR "vacuum flask")'
    )


def test_default_board_is_linkedin(run):
    assert run("query", "flask").stdout == run("query", "flask", "-b", "linkedin").stdout


def test_several_boards_print_labelled_blocks(run):
    result = run("query", "flask", "-b", "linkedin", "-b", "dice")
    blocks = result.stdout.strip().split("\n\n")
    assert [b.split("\n")[0] for b in blocks] == ["# linkedin", "# dice"]


def test_json_keys(run):
    data = json.loads(run("query", "flask", "-b", "github", "--json").stdout)
    assert all(
        list(entry)
        == [
            "board",
            "site",
            "part",
            "parts",
            "query",
            "url",
            "length",
            "words",
            "operators",
            "warnings",
            "dropped",
        ]
        for entry in data
    )
    assert [entry["part"] for entry in data] == list(range(1, len(data) + 1))
    assert all(entry["parts"] == len(data) for entry in data)
    assert all("language:python" in entry["query"] for entry in data), "flask relates to python"


def test_url_only(run):
    result = run("query", "flask", "-b", "google", "-b", "linkedin-recruiter", "--url")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("https://www.google.com/search?q=") for line in lines)
    assert "linkedin-recruiter: no link" in result.stderr


def test_json_and_url_conflict(run):
    result = run("query", "flask", "--json", "--url")
    assert result.exit_code == 2
    assert "choose one of --json and --url" in result.stderr


def test_explain_goes_to_stderr_and_names_sources(run):
    result = run("query", "flask", "--explain", "--level", "senior")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    flask_file = str(Path(shipped_dir("terms")) / "flask.yaml")
    assert f"<- {flask_file}:1 (name)" in result.stderr
    assert f"{flask_file}:" in result.stderr and "(titles.also_try)" in result.stderr
    assert "Senior, Sr, Lead, Principal, Staff  <- level modifiers table" in result.stderr


def test_unknown_term(run):
    result = run("query", "nosuchterm")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr
        == "Error: unknown term 'nosuchterm'. Run 'sourcer terms list' to see every term.\n"
    )


def test_unknown_term_suggestion(run):
    result = run("query", "flsk")
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown term 'flsk'. Did you mean: flask?\n"


def test_strict_needs_level(run):
    result = run("query", "flask", "--mode", "strict")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: --mode strict adds the level's keywords: give --level too\n"
    )


def test_bad_site_is_a_usage_error(run):
    result = run("query", "flask", "-b", "google", "--site", "not a domain")
    assert result.exit_code == 2
    assert "Invalid value for '--site'" in result.stderr


def test_site_ignored_without_engines(run):
    result = run("query", "flask", "--site", "github")
    assert result.exit_code == 0
    assert "warning: --site applies to google, bing, duckduckgo and brave only" in result.stderr


@pytest.mark.parametrize(
    ("site", "restriction"),
    [
        ("linkedin", "site:linkedin.com/in "),
        ("github", "site:github.com "),
        ("stackoverflow", "site:stackoverflow.com/users "),
        ("resumes", "(intitle:resume OR inurl:resume) "),
        ("uk.linkedin.com/in", "site:uk.linkedin.com/in "),
        ("https://example.org/people/", "site:example.org/people "),
    ],
)
def test_sites(run, site, restriction):
    result = run("query", "flask", "-b", "google", "--site", site, "--fit", "drop")
    assert result.stdout.startswith(restriction)
    if site == "resumes":  # the site's exclusions come last; with room to split, all stay
        split = run("query", "flask", "-b", "google", "--site", site).stdout
        blocks = [b for b in split.split("\n\n") if b.strip()]
        assert all(b.rstrip().endswith("-job -jobs -sample -template") for b in blocks)


def test_titles_options(run):
    out = run("query", "flask", "--no-titles", "--title", "Platform Engineer").stdout
    assert '"Platform Engineer"' in out and "Flask Developer" not in out
    out = run("query", "flask", "--title", "Platform Engineer").stdout
    assert out.index("Platform Engineer") < out.index("Flask Developer"), "your titles come first"


def test_locations_and_excludes(run):
    out = run("query", "flask", "-l", "Berlin", "-l", "San Francisco", "-x", "recruiter").stdout
    assert 'AND (Berlin OR "San Francisco")' in out
    assert (
        'NOT (laboratory OR glassware OR Erlenmeyer OR "hip flask" OR "vacuum flask" OR recruiter)'
        in out
    )


def test_location_param_boards_get_one_part_per_place(run):
    data = json.loads(
        run("query", "flask", "-b", "indeed", "-l", "Berlin", "-l", "Munich", "--json").stdout
    )
    assert [entry["parts"] for entry in data] == [2, 2]
    assert [parse_url(BOARDS["indeed"].url, e["url"])[1] for e in data] == ["Berlin", "Munich"]
    assert all("Berlin" not in e["query"] for e in data)


def test_fit_drop_lists_every_dropped_alternative(run):
    result = run("query", "flask", "-b", "bing", "--fit", "drop", "--json")
    (entry,) = json.loads(result.stdout)
    assert entry["parts"] == 1
    assert entry["dropped"], "bing's 10 terms cannot hold all of flask"
    assert measure(entry["query"]).terms <= 10
    for item in entry["dropped"]:
        assert item in result.stderr


def test_board_all_and_repeats(run):
    data = json.loads(run("query", "flask", "-b", "all", "-b", "google", "--json").stdout)
    assert list(dict.fromkeys(e["board"] for e in data)) == list(BOARDS)


def test_soft_limit_warns_with_source(run):
    result = run(
        "query",
        "flask",
        "--level",
        "senior",
        "--mode",
        "strict",
        "-l",
        "Berlin",
        "-l",
        "San Francisco",
    )
    assert result.exit_code == 0
    assert "warning: linkedin: " in result.stderr
    assert "(U: practitioners" in result.stderr


def test_copy_without_pyperclip(run, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyperclip", None)  # makes `import pyperclip` fail
    result = run("query", "flask", "--copy")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: --copy needs the clipboard extra: pip install 'sourcer[clipboard]'\n"
    )


def test_copy_with_pyperclip(run, monkeypatch):
    copied: list[str] = []

    class FakeClipboard:
        class PyperclipException(Exception):
            pass

        @staticmethod
        def copy(text: str) -> None:
            copied.append(text)

    monkeypatch.setitem(sys.modules, "pyperclip", FakeClipboard)
    result = run("query", "flask", "--copy")
    assert result.exit_code == 0
    assert copied == [result.stdout.rstrip("\n")]
    assert "Copied to the clipboard." in result.stderr


def test_copy_without_a_clipboard(run, monkeypatch):
    class NoClipboard:
        class PyperclipException(Exception):
            pass

        @staticmethod
        def copy(text: str) -> None:
            raise NoClipboard.PyperclipException("could not find a copy/paste mechanism")

    monkeypatch.setitem(sys.modules, "pyperclip", NoClipboard)
    result = run("query", "flask", "--copy")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(
        "Error: no clipboard available (could not find a copy/paste mechanism)"
    )


def test_open_launches_each_url(run, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(click, "launch", lambda url, **kw: opened.append(url) or 0)
    result = run("query", "flask", "-b", "google", "-b", "linkedin-recruiter", "--open")
    assert result.exit_code == 0
    data = json.loads(run("query", "flask", "-b", "google", "--json").stdout)
    assert opened == [entry["url"] for entry in data]


def test_boards_command(run):
    data = json.loads(run("boards", "--json").stdout)
    assert [b["slug"] for b in data] == list(BOARDS)
    assert len(data) >= 11
    github = next(b for b in data if b["slug"] == "github")
    assert {"metric": "chars", "value": 256, "hard": True, "confidence": "S"}.items() <= github[
        "limits"
    ][0].items()
    assert all(limit["source"] for b in data for limit in b["limits"])
    text = run("boards", "google").stdout
    assert "limit:   32 words (hard, C:" in text


def test_query_start_up_imports_neither_jinja2_nor_requests(tmp_path):
    code = (
        "import sys, runpy\n"
        "sys.argv = ['sourcer', 'query', 'flask', '--board', 'linkedin']\n"
        "try:\n    runpy.run_module('sourcer', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('jinja2', 'requests', 'pathlib', 'json') if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout.startswith("(Flask OR")
    assert done.stderr.strip().splitlines()[-1] == "[]"


# -- rendering -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("Flask", "Flask"),
        ("C++", '"C++"'),
        ("C#", '"C#"'),
        (".NET", '".NET"'),
        ("Node.js", '"Node.js"'),
        ("CI/CD", '"CI/CD"'),
        ("front-end", '"front-end"'),
        ("Python Developer", '"Python Developer"'),
        ("OR", '"OR"'),
        ("not", '"not"'),
        ("-recruiter", '"-recruiter"'),
        ('the "best" dev', '"the best dev"'),
        ("\u201cFlask\u201d", "Flask"),
        ("Z\u00fcrich", "Z\u00fcrich"),
        ("(beta)", '"(beta)"'),
    ],
)
def test_words_render_safely(text, rendered):
    node = word(text)
    assert node is not None
    assert render(node, BOARDS["linkedin"]) == rendered


def test_word_with_nothing_searchable():
    assert word('"  "') is None


def test_precedence_is_explicit():
    tree = AllOf(
        (
            AnyOf((Word("a"), Word("b"))),
            AnyOf((Word("c"), Word("d"))),
            Not(AnyOf((Word("x"), Word("y")))),
        )
    )
    assert render(tree, BOARDS["linkedin"]) == "(a OR b) AND (c OR d) NOT (x OR y)"
    assert render(tree, BOARDS["google"]) == "(a OR b) (c OR d) -x -y"
    assert (
        render(AnyOf((Word("a"), AllOf((Word("b"), Word("c"))))), BOARDS["dice"])
        == "a OR (b AND c)"
    )
    assert (
        render(Field("title", AnyOf((Word("a b"), Word("c")))), BOARDS["indeed"])
        == 'title:("a b" OR c)'
    )
    assert (
        render(Field("location", Word("San Francisco")), BOARDS["github"])
        == 'location:"San Francisco"'
    )


def test_board_without_or_refuses_an_or_group():
    with pytest.raises(ValueError, match="github has no OR"):
        render(AnyOf((Word("a"), Word("b"))), BOARDS["github"])


def test_measure():
    m = measure('site:linkedin.com/in ("a b" OR c) -"hip flask" NOT d location:"San Jose"')
    assert m.chars == len(
        'site:linkedin.com/in ("a b" OR c) -"hip flask" NOT d location:"San Jose"'
    )
    # site: 1, "a b" 2, OR 1, c 1, -"hip flask" 2, NOT 1, d 1, location:"San Jose" 2
    assert m.words == 11
    assert m.operators == 2
    assert m.terms == m.words - 2


# -- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "board", [b for b in BOARDS.values() if b.url is not None], ids=lambda b: b.slug
)
@pytest.mark.parametrize("query", ['"C++" OR "C#"', "R&D AND a+b", 'x "y z" -w', "caf\u00e9 100%"])
def test_urls_round_trip(board, query):
    url = build_url(board.url, query, "S\u00e3o Paulo")
    assert " " not in url
    assert parse_url(board.url, url)[0] == query
    if board.url.location_param:
        assert parse_url(board.url, url)[1] == "S\u00e3o Paulo"


def test_url_encodes_plus_hash_and_ampersand():
    url = build_url(BOARDS["google"].url, "C++ C# R&D")
    assert url == "https://www.google.com/search?q=C%2B%2B+C%23+R%26D"


# -- recipe and fitting --------------------------------------------------------------------


def test_one_letter_words_are_never_searched():
    recipe = build_recipe([term("R", aliases=("R programming", "RStudio"))], Options())
    skill = recipe.groups[0]
    assert [a.text for a in skill.alternatives] == ["R programming", "RStudio"]
    assert any("one letter matches everything" in note for note in recipe.notes)


@pytest.mark.parametrize("name", ["C#", "C++", "Go"])
def test_two_character_names_are_searched(name):
    recipe = build_recipe([term(name)], Options())
    assert [a.text for a in recipe.groups[0].alternatives] == [name]
    assert recipe.notes == ()


def test_term_with_nothing_searchable_is_an_error():
    with pytest.raises(QueryError, match="no searchable name or alias"):
        build_recipe([term("R")], Options())


def test_exclusion_that_is_also_searched_is_flagged():
    recipe = build_recipe([term("Java", aliases=("Java SE",))], Options(excludes=("Java SE",)))
    assert any("both searched for and excluded" in n for n in recipe.notes)


def test_split_keeps_every_alternative_within_hard_limits():
    aliases = tuple(f"Alias number {i}" for i in range(12))
    recipe = build_recipe([term("Thing", aliases=aliases)], Options(titles=False))
    parts = compile_board(recipe, BOARDS["google"])
    assert len(parts) > 1
    assert all(measure(p.query).words <= 32 for p in parts)
    joined = " ".join(p.query for p in parts)
    assert all(f'"{alias}"' in joined for alias in aliases)
    assert all(p.dropped == () for p in parts)


def test_an_alternative_too_long_for_the_board_is_dropped_and_reported():
    recipe = build_recipe([term("Thing", aliases=("x" * 300,))], Options())
    parts = compile_board(recipe, BOARDS["github"])
    assert all(p.length <= 256 for p in parts)
    assert parts[0].dropped == ("skill: Thing: " + "x" * 300,)
    assert any("left out to keep within 256 characters" in w for w in parts[0].warnings)


def test_unfittable_search_is_an_error():
    recipe = build_recipe([term("y" * 300)], Options())
    with pytest.raises(QueryError, match="github: even the shortest search breaks its limits"):
        compile_board(recipe, BOARDS["github"])


def test_github_language_comes_from_a_related_language(write_terms):
    lib = library()
    flask = lib.get("flask")
    searches = compile_searches([flask], Options(), ["github"], lookup=lib.get)
    assert all(" language:python" in s.query for s in searches)
    python = compile_searches([lib.get("python")], Options(), ["github"], lookup=lib.get)
    assert all(" language:python" in s.query for s in python)


def test_terms_dir_term_queries(run, write_terms):
    folder = write_terms({"widget.yaml": minimal_term("Widget", aliases="[Widgets]")})
    result = run("--terms-dir", str(folder), "query", "widget")
    assert result.stdout == '(Widget OR Widgets) AND "Widget Developer"\n'
