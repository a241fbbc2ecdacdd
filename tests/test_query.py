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
from sourcer.home import shipped_dir
from sourcer.library.schema import Term, Titles
from sourcer.library.store import Layer, Library
from sourcer.query.boards import BOARDS
from sourcer.query.model import AllOf, AnyOf, Field, Not, Word
from sourcer.query.recipe import Options, build_recipe
from sourcer.query.render import measure, render, word
from sourcer.query.search import compile_board, compile_searches
from sourcer.query.urls import build_url
from tests.conftest import check_golden, minimal_term, parse_url


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
    # Flask's aliases all contain "Flask", so they find nobody new: the name is the search
    assert result.stdout.startswith("Flask AND (Senior OR Sr OR Lead OR Principal OR Staff")
    assert "NOT (recruiter OR glassware OR manager OR Erlenmeyer" in result.stdout
    assert result.stderr == "", "the README's first command fits LinkedIn's soft limits"


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
            "variant",
            "searches",
            "fields",
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
    assert f"{flask_file}:" in result.stderr and "(exclude)" in result.stderr
    assert "Senior, Sr, Lead, Principal, Staff, Starszy, Starsza  <- shared tables" in result.stderr
    # what was trimmed to keep within LinkedIn's soft limits is listed here, not warned
    assert "left out: exclude: vacuum flask; exclude: hip flask" in result.stderr


def test_unknown_term(run):
    result = run("query", "nosuchterm")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: unknown term: 'nosuchterm' (not in the library; to search it as written: "
        "--keyword nosuchterm)\n"
    )


def test_unknown_term_suggestion(run):
    result = run("query", "flsk")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: unknown term: 'flsk' (did you mean flask? to search it as written: "
        "--keyword flsk)\n"
    )


def test_every_unknown_term_is_reported_at_once(run):
    result = run("query", "go", "natsio", "--any", "postgress", "--nice", "Event Storming")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: unknown terms: 'natsio' (not in the library; to search it as written: "
        "--keyword natsio); 'postgress' (did you mean postgresql? to search it as written: "
        "--keyword postgress); 'Event Storming' (not in the library; to search it as "
        "written: --keyword 'Event Storming')\n"
    )


NINE = ["go", "kubernetes", "postgresql", "grpc", "helm", "kafka", "terraform", "redis", "docker"]


def test_a_board_too_small_for_the_search_is_left_out_of_several(run):
    alone = run("query", *NINE, "--level", "senior", "-b", "bing")
    assert alone.exit_code == 1
    assert alone.stderr == (
        "Error: bing: even the shortest search breaks its limits (10 terms); shorten the "
        "terms, or search fewer at once\n"
    )
    several = run("query", *NINE, "--level", "senior", "-b", "bing", "-b", "linkedin")
    assert several.exit_code == 0
    assert several.stdout.startswith("(Go OR Golang) AND (Kubernetes OR")  # LinkedIn's only
    assert "site:" not in several.stdout
    assert (
        "warning: bing: even the shortest search breaks its limits (10 terms); shorten the "
        "terms, or search fewer at once; left out\n"
    ) in several.stderr


def test_keyword_searches_a_skill_the_library_lacks(run):
    result = run("query", "go", "--keyword", "gRPC", "--keyword", "Open Telemetry")
    assert result.exit_code == 0
    assert result.stdout.startswith('(Go OR Golang) AND gRPC AND "Open Telemetry" NOT (')


def test_any_needs_one_of_several_terms(run):
    result = run("query", "python", "--any", "django", "--any", "flask")
    assert result.exit_code == 0
    assert "AND (Django OR DRF OR Flask) NOT" in result.stdout
    only_any = run("query", "--any", "react", "--any", "vue")
    assert only_any.stdout.startswith("(React OR ReactJS OR Vue OR VueJS) NOT")


def test_nice_terms_are_listed_and_used_by_a_narrower_variant(run):
    result = run("query", "python", "--nice", "aws", "--nice", "docker", "--json")
    searches = json.loads(result.stdout)
    assert [s["variant"] for s in searches] == [None, "narrower"]
    assert "AWS" not in searches[0]["query"]
    assert 'AND (AWS OR "Amazon Web Services" OR Docker OR Dockerfile)' in searches[1]["query"]
    assert "Nice to have, not required: AWS, Docker" in result.stderr
    text = run("query", "python", "--nice", "aws").stdout
    assert text.startswith("# linkedin\n") and "\n\n# linkedin, narrower\n" in text


def test_a_query_needs_something_to_search(run):
    result = run("query", "--board", "google")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: name at least one TERM (or --any TERM, --keyword TEXT, or --role FILE)\n"
    )


def test_no_option_is_dropped_silently(run):
    broad = run("query", "flask", "--mode", "broad", "--level", "senior")
    assert "(Senior OR Sr" in broad.stdout, "a level applies in every mode"
    no_titles = run("query", "flask", "--no-titles")
    assert "--no-titles changes nothing here: only --mode strict adds titles" in no_titles.stderr
    github = run("query", "go", "-b", "github", "--keep-recruiters")
    assert (
        "warning: --keep-recruiters changes nothing here: only people searches keep them out"
        in (github.stderr)
    )


def test_recruiters_and_managers_are_kept_out_unless_asked(run):
    default = run("query", "go").stdout
    assert all(w in default for w in ("recruiter", "manager", "sales"))
    kept = run("query", "go", "--keep-recruiters", "--keep-managers").stdout
    assert not any(w in kept for w in ("recruiter", "manager", "sales", "sourcer"))
    assert '"board game"' in kept
    plain = run("query", "go", "--keep-recruiters", "--keep-managers", "--no-exclude").stdout
    assert plain == "Go OR Golang\n"


@pytest.mark.parametrize(
    "args",
    [
        ("-b", "github"),
        ("-b", "google", "--site", "github"),
        ("-b", "google", "--site", "stackoverflow"),
    ],
)
def test_no_term_or_people_exclusions_on_github_and_stack_overflow(run, args):
    result = run("query", "go", *args)
    assert result.exit_code == 0
    assert not any(w in result.stdout for w in ("board", "baduk", "recruiter", "manager"))


def test_exhaustive_adds_rare_variants(run):
    default = run("query", "postgresql").stdout
    wide = run("query", "postgresql", "--exhaustive").stdout
    assert "PostgresSQL" not in default and "PostgresSQL" in wide


def test_strict_adds_role_words_in_six_languages(run):
    result = run("query", "flask", "--mode", "strict")
    assert result.exit_code == 0
    assert "AND (engineer OR developer OR programmer OR Entwickler OR" in result.stdout
    assert all(w in result.stdout for w in ("développeur", "desarrollador", "programista"))


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
    if site == "resumes":  # the site's exclusions come first, with the user's
        split = run("query", "flask", "-b", "google", "--site", site).stdout
        blocks = [b for b in split.split("\n\n") if b.strip()]
        assert all("Flask -job -jobs -sample -template" in b for b in blocks)


def test_titles_options(run):
    out = run("query", "flask", "--title", "Platform Engineer").stdout
    assert out.startswith('Flask AND "Platform Engineer" NOT (')
    out = run("query", "flask", "--mode", "strict", "--no-titles", "--title", "Platform Engineer")
    assert out.stdout.startswith('Flask AND "Platform Engineer" NOT (')
    out = run("query", "flask", "--mode", "strict", "--title", "Platform Engineer").stdout
    assert out.startswith('Flask AND ("Platform Engineer" OR engineer OR'), "yours come first"


def test_locations_and_excludes(run):
    out = run("query", "flask", "-l", "Berlin", "-l", "San Francisco", "-x", "recruiter").stdout
    # LinkedIn's location filter, not keywords (which match "TU Berlin" alumni anywhere)
    assert "Berlin" not in out.splitlines()[0]
    assert out.splitlines()[1] == "Location filter: Berlin, Germany; San Francisco, United States"
    keyword = run("query", "flask", "-l", "Berlin", "-l", "San Francisco", "--location-as-keyword")
    assert 'AND (Berlin OR "San Francisco")' in keyword.stdout
    out = run("query", "flask", "-x", "cocktail", "-x", "recruiter").stdout
    assert "NOT (cocktail OR recruiter OR manager OR glassware" in out, "yours come first"


def test_location_param_boards_get_one_part_per_place(run):
    data = json.loads(
        run("query", "flask", "-b", "indeed", "-l", "Berlin", "-l", "Munich", "--json").stdout
    )
    assert [entry["parts"] for entry in data] == [2, 2]
    # the local name, on the country site (de.indeed.com)
    assert [parse_url(BOARDS["indeed"].url, e["url"])[1] for e in data] == ["Berlin", "München"]
    assert all(e["url"].startswith("https://de.indeed.com/jobs?") for e in data)
    assert all("Berlin" not in e["query"] for e in data)
    assert all(e["searches"] == "job postings" for e in data)


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
    people = [b for b in BOARDS if BOARDS[b].searches == "people"]
    jobs = [b for b in BOARDS if BOARDS[b].searches == "job postings"]
    assert list(dict.fromkeys(e["board"] for e in data)) == people + jobs


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
    assert "U: practitioners" in result.stderr
    assert result.stderr.count("warning: linkedin:") == 1, "one warning, saying how to shorten it"
    assert "to shorten it, use --fit drop" in result.stderr


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


QUIET_START = (
    "import sys, runpy\n"
    "sys.argv = ['sourcer', 'query', {term!r}, '--board', 'linkedin']\n"
    "try:\n    runpy.run_module('sourcer', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "heavy = ('jinja2', 'requests', 'pathlib', 'yaml', 'hashlib', 'difflib')\n"
    "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
)


def _start_up_imports(tmp_path, term):
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", QUIET_START.format(term=term)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.stdout, done.stderr.strip().splitlines()[-1]


def test_query_start_up_reads_no_yaml_and_imports_nothing_heavy(tmp_path):
    """The first run may read the YAML (in a source checkout; an installed wheel has the
    shipped terms compiled); every later run answers from the validated-term record."""
    first, _ = _start_up_imports(tmp_path, "flask")
    assert first.startswith("Flask NOT (")
    again, imported = _start_up_imports(tmp_path, "flask")
    assert again == first
    assert imported == "[]"


COLD_START = (
    "import sys, runpy\n"
    "sys.argv = ['sourcer', 'query', 'postgres', '--board', 'linkedin']\n"
    "try:\n    runpy.run_module('sourcer', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "files = ('pathlib', 'tempfile', 'shutil', 'threading', 'hashlib')\n"
    "print(sorted(m for m in files if m in sys.modules), file=sys.stderr)\n"
)


def test_a_cold_lookup_writes_its_caches_without_the_file_modules(tmp_path):
    """The first lookup by alias writes the index, the word index and the term's record:
    caches, written with os alone (pathlib, tempfile and shutil cost 9-18 ms to import),
    named by zlib's checksum, not hashlib's (3 ms), and without threading (1 ms)."""
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", COLD_START], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout.startswith("(PostgreSQL OR Postgres ")
    assert done.stderr.strip().splitlines()[-1] == "[]"
    cache = tmp_path / "cache"
    assert list(cache.glob("index-*.json")) and list(cache.glob("words-*/stamp.json"))
    assert not list(cache.rglob("*.tmp")), "no file of the writing is left behind"


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
    assert recipe.notes == (), "a term's one-letter name is left out by design, quietly"
    recipe = build_recipe([term("Thing")], Options(keywords=("X",), excludes=("Y",)))
    assert [n for n in recipe.notes if "one letter matches everything" in n] == [
        "left out 'X' (--keyword): one letter matches everything",
        "left out 'Y' (--exclude): one letter matches everything",
    ]


@pytest.mark.parametrize("name", ["C#", "C++", "Go"])
def test_two_character_names_are_searched(name):
    recipe = build_recipe([term(name)], Options())
    assert [a.text for a in recipe.groups[0].alternatives] == [name]
    assert recipe.notes == ()


def test_term_with_nothing_searchable_is_an_error():
    with pytest.raises(QueryError, match="no searchable name or alias"):
        build_recipe([term("R")], Options())


def test_exclusion_that_is_also_searched_is_flagged():
    recipe = build_recipe([term("Java", aliases=("JSE",))], Options(excludes=("JSE",)))
    assert any("both searched for and excluded" in n for n in recipe.notes)


def test_a_shared_exclusion_never_removes_what_is_searched():
    recipe = build_recipe(
        [term("Thing")], Options(level="mid", extra_titles=("Member of Technical Staff",))
    )
    ladder = next(g for g in recipe.groups if g.kind == "level")
    assert "Staff" not in {a.text for a in ladder.alternatives}
    assert "Senior" in {a.text for a in ladder.alternatives}


def test_a_term_whose_people_are_managers_keeps_them():
    product = term("Product management", titles=Titles("Product Manager", ("Product Owner",)))
    people = next(g for g in build_recipe([product], Options()).groups if g.kind == "people")
    assert "manager" not in {a.text for a in people.alternatives}
    assert {"recruiter", "sales", "director"} <= {a.text for a in people.alternatives}
    people = next(g for g in build_recipe([term()], Options()).groups if g.kind == "people")
    assert "manager" in {a.text for a in people.alternatives}


def test_a_term_also_finds_the_people_of_the_terms_that_imply_it():
    practice = term("CI/CD", aliases=("Continuous Integration",), implied_by=("jenkins", "gha"))
    tools = {
        "jenkins": term("Jenkins", slug="jenkins"),
        "gha": term("GitHub Actions", ("GHA",), slug="gha"),
    }
    recipe = build_recipe([practice], Options(), lookup=tools.get)
    skill = recipe.groups[0].alternatives
    assert [a.text for a in skill] == [
        "CI/CD",
        "Continuous Integration",
        "Jenkins",
        "GitHub Actions",
    ]
    assert skill[2].source.endswith("(implied_by): jenkins")
    strict = build_recipe([practice], Options(mode="strict"), lookup=tools.get)
    assert [a.text for a in strict.groups[0].alternatives] == ["CI/CD", "Continuous Integration"]
    alone = build_recipe([practice], Options())  # no lookup: the term's own names only
    assert [a.text for a in alone.groups[0].alternatives] == ["CI/CD", "Continuous Integration"]


def test_a_name_its_users_write_too_is_left_to_the_aliases():
    platform = term("SAP", aliases=("ABAP", "S/4HANA"), search_name=False)
    skill = build_recipe([platform], Options()).groups[0]
    assert [a.text for a in skill.alternatives] == ["ABAP", "S/4HANA"]
    assert skill.label == "skill: SAP"


def test_a_term_names_the_mode_its_searches_take_unless_asked():
    scientists_too = term("MATLAB", mode="strict")
    own = build_recipe([scientists_too], Options())
    assert any(g.role == "title" for g in own.groups), "strict: role words and titles"
    asked = build_recipe([scientists_too], Options(mode="balanced"))
    assert not any(g.role == "title" for g in asked.groups)
    plain = build_recipe([term()], Options())
    assert not any(g.role == "title" for g in plain.groups), "balanced when the file says none"


def test_aliases_that_find_nobody_new_are_left_out():
    recipe = build_recipe(
        [term("Kafka", aliases=("Apache Kafka", "Kafka Streams", "Confluent"))], Options()
    )
    assert [a.text for a in recipe.groups[0].alternatives] == ["Kafka", "Confluent"]
    recipe = build_recipe([term("Vue.js", aliases=("Vue", "Vue JS", "Nuxt"))], Options())
    assert [a.text for a in recipe.groups[0].alternatives] == ["Vue", "Nuxt"]


def test_balanced_takes_the_top_of_the_ranking_broad_takes_all():
    aliases = ("A1", "A2", "A3", "A4", "A5")
    balanced = build_recipe([term("Thing", aliases=aliases)], Options())
    assert [a.text for a in balanced.groups[0].alternatives] == ["Thing", "A1", "A2", "A3"]
    broad = build_recipe([term("Thing", aliases=aliases)], Options(mode="broad"))
    assert len(broad.groups[0].alternatives) == 6


def test_split_keeps_the_top_of_every_group_and_drops_the_tail_past_the_parts_limit():
    aliases = tuple(f"Alias number {i}" for i in range(12))
    recipe = build_recipe([term("Thing", aliases=aliases)], Options(mode="broad"))
    parts = compile_board(recipe, BOARDS["google"])
    assert len(parts) == BOARDS["google"].max_parts == 2
    assert all(measure(p.query).words <= 32 for p in parts)
    assert parts[0].query.startswith('site:linkedin.com/in (Thing OR "Alias number 0" OR')
    joined = " ".join(p.query for p in parts)
    kept = [a for a in aliases if f'"{a}"' in joined]
    assert kept == list(aliases[: len(kept)]), "the tail of the ranking goes first"
    assert parts[0].dropped and all(
        d.startswith(("skill: Thing: Alias number 1", "exclude: ")) for d in parts[0].dropped
    )


def test_split_varies_one_group_and_keeps_the_others_whole():
    recipe = build_recipe(
        [term("Gopher", aliases=("Golang", "Go lang")), term("Kube", aliases=("k8s", "K3s"))],
        Options(level="senior"),
    )
    parts = compile_board(recipe, BOARDS["bing"])
    assert 1 < len(parts) <= 3
    # one group varies from part to part; every other group is the same in every part
    whole = ["(Kube OR k8s OR K3s)", "(Gopher OR Golang)"]
    assert any(all(group in p.query for p in parts) for group in whole)


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
    assert result.stdout.startswith("(Widget OR Widgets) NOT (recruiter OR")


def test_fit_drop_keeps_within_linkedins_soft_limits(run):
    args = ("query", "go", "kubernetes", "python", "--level", "senior")
    over = run(*args, "--json")
    (entry,) = json.loads(over.stdout)
    assert entry["operators"] > 15
    assert over.stderr.count("to shorten it, use --fit drop") == 1
    dropped = run(*args, "--fit", "drop", "--json")
    (entry,) = json.loads(dropped.stdout)
    assert entry["operators"] <= 15 and entry["length"] <= 500
    assert entry["dropped"], "what --fit drop leaves out is listed"
    assert "Golang" in entry["query"] and "(Senior" in entry["query"], "the top of each group stays"


def test_versions_glued_to_a_symbol_name_are_merged_into_it():
    recipe = build_recipe(
        [term("C++", aliases=("CPP", "C++11", "C++17", "Modern C++"))], Options(mode="broad")
    )
    assert [a.text for a in recipe.groups[0].alternatives] == ["C++", "CPP"]
