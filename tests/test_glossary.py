"""The glossary modules without the CLI: page parsing, term-file writing, and the in-memory
checks an import makes against the library's index (which must agree with `terms lint`)."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sourcer import __version__
from sourcer.errors import GlossaryError, UnknownTermError
from sourcer.glossary.importer import import_many, read_page
from sourcer.glossary.index import LibraryIndex
from sourcer.glossary.page import GlossaryPage, parse, parse_page, text_lines
from sourcer.glossary.termfile import render, slugify, term_record, term_yaml
from sourcer.home import shipped_dir
from sourcer.library.check import check_term_text
from sourcer.library.schema import SCHEMA_KEYS, Level, Question
from sourcer.library.store import Layer, Library
from sourcer.yamlload import load
from tests.conftest import REPO, minimal_term

FIXTURES = REPO / "tests" / "fixtures" / "glossary"
IDRIS_HTML = (FIXTURES / "idris.html").read_text(encoding="utf-8")
DENO_TEXT = (FIXTURES / "deno.txt").read_text(encoding="utf-8")


@pytest.fixture
def library(isolated_home: Path, write_terms: Callable[..., Path]) -> Library:
    """The shipped terms, the user's (empty) folder, and a folder tests fill in."""
    extra = write_terms({})
    layers = [
        Layer("builtin", shipped_dir("terms")),
        Layer("user", str(isolated_home / "terms")),
        Layer(str(extra), str(extra)),
    ]
    return Library(layers, cache_dir=isolated_home / "cache")


# -- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Flask", "flask"),
        ("C#", "csharp"),
        ("C++", "cpp"),
        ("Node.js", "nodejs"),
        (".NET", "dotnet"),
        ("Ruby on Rails", "ruby-on-rails"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_titles_run_together_on_one_line_are_split():
    page = parse_page(text_lines(DENO_TEXT), "deno.txt")
    assert page.typical_title == "Deno Developer"
    assert page.levels["senior"].years == "4+"


def test_html_page_record():
    page = parse(IDRIS_HTML, "idris.html", html=True)
    assert page.name == "Idris"
    assert page.industry == "Software Development"
    assert page.similar == ("Scala", "Agda", "Elixir")
    assert page.levels["junior"] == Level(
        "0-2", ("Writes small programs and exercises", "Reads type signatures confidently")
    )
    assert [q.level for q in page.interview] == ["senior", "mid", "junior"]
    assert page.interview[1].question == "What is a monad, in plain words?"


def test_text_page_record():
    page = parse(DENO_TEXT, "deno.txt", html=False)
    assert page.related == ("TypeScript", "JavaScript", "Node.js")
    assert page.also_try[-1] == "Platform Engineer"
    assert list(page.levels) == ["junior", "mid", "senior"]


def test_not_a_glossary_page():
    with pytest.raises(GlossaryError, match=r"^page\.txt: not a recruiter glossary page: no "):
        parse("Welcome\nOur pricing.", "page.txt", html=False)


# -- term files -------------------------------------------------------------------------------

GLEAM = GlossaryPage(
    name="Gleam",
    industry="Software Development",
    summary="Gleam is a friendly language for systems that must not fall over. " * 3,
    similar=("Elixir", "Nim"),
    resume_examples=('Wrote "typed" services in Gleam',),
    typical_title="Gleam Developer",
    also_try=(),
    interview=(Question("junior", "What is a type?", "A promise the compiler checks."),),
    levels={"junior": Level("0-2", ("Writes small programs",)), "senior": Level()},
    red_flags=(),
    related=(),
)

GLEAM_YAML = f"""\
# Imported by sourcer {__version__} from https://glossary.example.com/gleam on 2024-05-06.
# Curate before relying on it: the page gives no aliases, level keywords or exclusions.
name: "Gleam"
category: "Software Development"
summary: >-
  Gleam is a friendly language for systems that must not fall over. Gleam is a friendly
  language for systems that must not fall over. Gleam is a friendly language for systems
  that must not fall over.
# TODO curate: how candidates write this skill (spellings, abbreviations, old names)
aliases: []
# TODO curate: not in the library yet: Nim
similar: [elixir]
related: []
titles:
  typical: "Gleam Developer"
  also_try: []
resume_examples:
  - "Wrote \\"typed\\" services in Gleam"
levels:
  junior:
    years: "0-2"
    indicators:
      - "Writes small programs"
    # TODO curate: searchable words that signal this level
    keywords: []
  senior:
    indicators: []
    # TODO curate: searchable words that signal this level
    keywords: []
interview:
  - level: junior
    question: "What is a type?"
    expected: >-
      A promise the compiler checks.
red_flags: []
# TODO curate: words that mark another meaning of the name, to keep out of searches
exclude: []
sources:
  - "https://glossary.example.com/gleam"
"""


def resolve_elixir(name: str) -> str | None:
    return {"Elixir": "elixir"}.get(name)


def test_term_yaml_exact_text():
    text = term_yaml(GLEAM, "https://glossary.example.com/gleam", resolve_elixir, date(2024, 5, 6))
    assert text == GLEAM_YAML


def test_term_file_keys_follow_the_schema_and_load_back():
    text = term_yaml(GLEAM, "g.html", resolve_elixir)
    data = load(text, "gleam.yaml")
    assert list(data) == [key for key in SCHEMA_KEYS if key in data]
    term, problems = check_term_text(text, "gleam.yaml", "gleam")
    assert term is not None, problems
    assert (term.name, term.similar, term.titles.typical) == (
        "Gleam",
        ("elixir",),
        "Gleam Developer",
    )
    assert term.interview == GLEAM.interview
    assert term.levels["junior"] == GLEAM.levels["junior"]


def test_a_key_outside_the_schema_is_refused():
    record = term_record(GLEAM, "g.html", resolve_elixir)
    assert render(record).startswith('name: "Gleam"\n')
    with pytest.raises(ValueError, match=r"^the term: keys not in the term schema: \['alias'\]"):
        render({**record, "alias": ("Gleam lang",)})
    record["titles"] = {"typical": "Gleam Developer", "also": ()}
    with pytest.raises(ValueError, match=r"^titles: keys not in the term schema: \['also'\]"):
        render(record)


# -- checks against the library's index, which must agree with lint ----------------------------


def lint_errors(library: Library, text: str, folder: Path, slug: str) -> list[tuple[int, str]]:
    path = folder / f"{slug}.yaml"
    path.write_text(text, encoding="utf-8")
    return [(p.line, p.message) for p in library.lint([path]) if p.severity == "error"]


def index_errors(library: Library, text: str, folder: Path, slug: str) -> list[tuple[int, str]]:
    _, problems = LibraryIndex(library).check(text, str(folder / f"{slug}.yaml"), slug)
    return [(p.line, p.message) for p in problems if p.severity == "error"]


@pytest.mark.parametrize(
    ("slug", "text", "fails"),
    [
        ("gleam", minimal_term("Gleam", extra="similar: [elixir]\nrelated: [nope, scala]\n"), True),
        ("django-web", minimal_term("Django"), True),
        ("gleam", minimal_term("Gleam", aliases="[DRF, Postgres, gleam-lang]"), True),
        ("django", minimal_term("Django"), False),  # overrides the shipped django: no claim
        ("gleam", minimal_term("Gleam", extra="similar: [gleam]\n"), True),
        ("gleam", "name: Gleam\nsummary: \u201ccurly\u201d\n", True),
        ("gleam", minimal_term("Gleam", extra="related: [scala, elixir]\n"), False),
    ],
    ids=[
        "missing-link",
        "claimed-name",
        "claimed-aliases",
        "override",
        "self-link",
        "invalid",
        "ok",
    ],
)
def test_index_check_agrees_with_lint(library, tmp_path, slug, text, fails):
    expected = lint_errors(library, text, tmp_path, slug)
    assert bool(expected) == fails
    assert index_errors(library, text, tmp_path / "elsewhere", slug) == expected


def test_only_valid_terms_claim_a_name(library, write_terms, tmp_path):
    write_terms({"gleam-old.yaml": "name: Gleam\n"})  # invalid: no summary or titles
    text = minimal_term("Gleam")
    assert lint_errors(library, text, tmp_path, "gleam") == []
    assert index_errors(library, text, tmp_path, "gleam") == []
    write_terms({"gleam-new.yaml": minimal_term("gleam")})
    library = Library(library.layers, cache_dir=library.cache_dir)
    errors = index_errors(library, text, tmp_path, "gleam")
    assert errors == lint_errors(library, text, tmp_path, "gleam")
    assert "is also claimed by" in errors[0][1] and "(gleam-new)" in errors[0][1]


def test_links_resolve_as_the_library_resolves(library):
    index = LibraryIndex(library)
    for name in ("Scala", "postgres", "Node JS", "node.js", "C#", "csharp", "Nope", "DRF", ""):
        try:
            expected: str | None = library.resolve(name).slug
        except UnknownTermError:
            expected = None
        assert index.resolve(name) == expected, name


# -- how much work one import does ---------------------------------------------------------------


def profiled(call: Callable[[], Any]) -> tuple[Any, dict[str, int], int]:
    """Run ``call`` under cProfile: its result, calls per function name, and all calls."""
    profile = cProfile.Profile()
    result = profile.runcall(call)
    stats = pstats.Stats(profile)
    by_name: dict[str, int] = {}
    for (_, _, name), (_, calls, *_) in stats.stats.items():
        by_name[name] = by_name.get(name, 0) + calls
    return result, by_name, stats.total_calls


def test_one_page_is_checked_once_not_the_whole_library(library, tmp_path):
    library.entries()  # the index is loaded once per run, whatever is imported
    result, calls, _ = profiled(
        lambda: import_many(
            [str(FIXTURES / "deno.txt"), str(FIXTURES / "idris.html")],
            library=library,
            target_dir=tmp_path,
            dry_run=True,
        )
    )
    assert [i.slug for i in result.imported] == ["deno", "idris"]
    assert calls.get("check_term_text") == 2, "one check per page"
    assert "check_term_file" not in calls, "no other term is loaded: none claims these names"
    assert "lint" not in calls and "_cross_check" not in calls


def test_the_checking_step_is_a_few_hundred_calls(library):
    index = LibraryIndex(library)
    page, cited = read_page(str(FIXTURES / "idris.html"))
    text = term_yaml(page, cited, index.resolve)
    term, problems = check_term_text(text, "idris.yaml", "idris")
    assert term is not None, problems
    _, _, total = profiled(lambda: index.cross_check(term))
    assert total <= 100  # was the whole library re-checked: about 256,000 calls
    _, calls, _ = profiled(lambda: index.check(text, "idris.yaml", "idris"))
    assert calls["check_term_text"] == 1
    assert "check_term_file" not in calls
