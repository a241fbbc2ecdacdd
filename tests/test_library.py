"""The shipped term library: complete, unambiguous, and compiling on every board and mode."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sourcer.home import shipped_dir
from sourcer.library.schema import LEVELS, Term
from sourcer.library.store import Layer, Library
from sourcer.query.boards import BOARDS
from sourcer.query.model import AllOf, Field, Node, words
from sourcer.query.parse import parse
from sourcer.query.recipe import Options
from sourcer.query.render import measure
from sourcer.query.search import compile_searches

LIBRARY = Library([Layer("builtin", shipped_dir("terms"))])
TERMS: list[Term] = [LIBRARY.get(slug) for slug in LIBRARY.entries()]
SLUGS = [t.slug for t in TERMS]


def lookup(slug: str) -> Term | None:
    return LIBRARY.get(slug)


def test_size_and_categories(run):
    data = json.loads(run("terms", "list", "--json").stdout)
    assert len(data) >= 250
    categories = Counter(entry["category"] for entry in data)
    assert len(categories) >= 16
    assert all(count >= 2 for count in categories.values()), categories


@pytest.mark.parametrize("term", TERMS, ids=SLUGS)
def test_each_term_is_complete(term: Term):
    assert term.category
    assert len(term.summary.split()) >= 30, "a summary a recruiter can learn from"
    assert term.aliases or term.rare, "how candidates write it"
    assert term.titles.typical
    assert len(set(term.titles.also_try) - {term.titles.typical}) >= 5
    assert list(term.levels) == list(LEVELS)
    for name, level in term.levels.items():
        assert level.years, name
        assert level.indicators, name
        assert level.keywords, name
    assert len(term.interview) >= 3
    assert len({q.level for q in term.interview}) >= 2, "questions across levels"
    assert len(term.red_flags) >= 3
    assert term.similar or term.related
    assert term.sources


# names with another common meaning must carry exclusions
AMBIGUOUS = [
    "go",
    "rust",
    "swift",
    "spring",
    "flask",
    "java",
    "spark",
    "kafka",
    "ruby",
    "dart",
    "julia",
    "elixir",
    "rails",
    "express",
    "python",
    "django",
]


@pytest.mark.parametrize("slug", AMBIGUOUS)
def test_ambiguous_names_carry_exclusions(slug):
    assert LIBRARY.get(slug).exclude


@pytest.mark.parametrize(
    ("alias", "slug"),
    [
        ("Postgres", "postgresql"),
        ("k8s", "kubernetes"),
        ("golang", "go"),
        ("ReactJS", "react"),
        ("JS", "javascript"),
    ],
)
def test_aliases_candidates_write(alias, slug):
    assert LIBRARY.get(alias).slug == slug


def test_no_bare_one_letter_search_word():
    for term in TERMS:
        for search in compile_searches([term], Options(), list(BOARDS), lookup=lookup):
            parsed = parse(search.query).node
            assert parsed is not None
            # qualifier values such as GitHub's language:c are not search words
            singles = [text for text in words(_without_fields(parsed)) if len(text) == 1]
            assert not singles, (term.slug, search.board, search.query)


def _without_fields(node: Node) -> Node:
    if isinstance(node, AllOf):
        return AllOf(tuple(_without_fields(n) for n in node.items if not isinstance(n, Field)))
    return node


MODES = [
    Options(mode="broad"),
    Options(),
    Options(level="junior"),
    Options(mode="strict", level="mid"),
    Options(mode="strict", level="senior", locations=("Berlin", "San Francisco")),
]


@pytest.mark.parametrize("term", TERMS, ids=SLUGS)
def test_every_board_and_mode_within_hard_limits(term: Term):
    for options in MODES:
        for fit in ("split", "drop"):
            searches = compile_searches(
                [term], options._replace(fit=fit), list(BOARDS), lookup=lookup
            )
            assert {s.board for s in searches} == set(BOARDS)
            for search in searches:
                measured = measure(search.query)
                for limit in BOARDS[search.board].hard_limits:
                    assert measured.get(limit.metric) <= limit.value, (search.board, search.query)


def test_go_keeps_to_the_language(run):
    result = run("query", "go", "--board", "google")
    assert result.exit_code == 0
    blocks = [b for b in result.stdout.split("\n\n") if b.strip()]
    assert blocks
    for block in blocks:
        query = block.splitlines()[-1]
        assert "Golang" in query or '"Go language"' in query or '"Go programming"' in query
        assert '-"board game"' in query and "-baduk" in query and "-weiqi" in query


# Exclusions only mark another meaning of a name: never employers, co-skills or words
# engineers use (each of these removed real candidates before).
@pytest.mark.parametrize(
    ("slug", "word"),
    [
        ("java", "JavaScript"),
        ("flask", "laboratory"),
        ("express", "American Express"),
        ("gcp", "clinical trials"),
        ("go", "go-to-market"),
        ("spark", "Spark Driver"),
        ("cypress", "Cypress Semiconductor"),
    ],
)
def test_exclusions_only_disambiguate(run, slug, word):
    assert word not in LIBRARY.get(slug).exclude
    result = run("query", slug, "--board", "linkedin")
    assert result.exit_code == 0
    assert word not in result.stdout


def test_java_keeps_javascript_and_excludes_the_island(run):
    result = run("query", "java", "--board", "linkedin")
    assert '"Java island"' in result.stdout
    assert "JavaScript" not in result.stdout


def test_list_filters_by_category(run):
    data = json.loads(run("terms", "list", "--category", "Programming language", "--json").stdout)
    assert {"python", "java", "go", "rust", "csharp", "cpp"} <= {e["slug"] for e in data}
    assert all(e["category"] == "Programming language" for e in data)


def test_every_term_keeps_the_parts_limits_and_linkedin_soft_limits():
    from sourcer.query.boards import BOARDS
    from sourcer.query.recipe import build_recipe
    from sourcer.query.search import compile_board

    for slug in LIBRARY.entries():
        term = LIBRARY.get(slug)
        (linkedin,) = compile_board(build_recipe([term], Options()), BOARDS["linkedin"])
        if term.mode == "strict":
            # role words in six languages and the titles outrun LinkedIn's disputed soft
            # limits: the search says so (and --fit drop keeps within them)
            assert all("over the 500 reported" in w for w in linkedin.warnings), slug
            (held,) = compile_board(
                build_recipe([term], Options(fit="drop")), BOARDS["linkedin"], fit="drop"
            )
            assert held.operators <= 15 and held.length <= 500, slug
        else:
            assert linkedin.warnings == (), (slug, linkedin.query, linkedin.warnings)
            assert linkedin.operators <= 15 and linkedin.length <= 500, slug
        for level in (None, "junior", "mid", "senior"):
            for mode in ("broad", "balanced", "strict"):
                recipe = build_recipe([term], Options(level=level, mode=mode))  # type: ignore[arg-type]
                for board in ("google", "bing", "brave", "duckduckgo"):
                    parts = compile_board(recipe, BOARDS[board])
                    assert len(parts) <= BOARDS[board].max_parts, (slug, board, level, mode)


def test_a_typo_is_found_in_a_large_library_with_bounded_work(tmp_path):
    from sourcer.library import store
    from tests.test_terms import minimal_term

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3_000):
        (folder / f"tech{i:04d}.yaml").write_text(minimal_term(f"Tech{i:04d}"), "utf-8")
    library = Library([Layer("user", str(folder))], cache_dir=tmp_path / "cache")
    assert len(library.entries()) == 3_000 > store._MOST_COMPARED
    assert library.suggest("tehc2999")[0] == "tech2999"
    assert library.suggest("tech29999")[0] == "tech2999"
    assert library.suggest("x" * 100_000) == []


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text())
def test_the_loose_key_keeps_letters_digits_plus_and_hash(text):
    from sourcer.library.store import _loose

    expected = "".join(ch for ch in text.casefold() if ch.isalnum() or ch in "+#")
    assert _loose(text) == expected


def test_a_terms_name_is_read_from_its_own_file_without_indexing(tmp_path):
    """name_of answers from the term's own file (no index of the whole library) and agrees
    with the index for every shipped term; a missing term is its slug."""
    library = Library([Layer("builtin", shipped_dir("terms"))], cache_dir=tmp_path / "cache")
    assert library.name_of("postgresql") == "PostgreSQL"
    assert library._entries is None
    assert library.name_of("postgres") == "postgres"  # an alias is not a slug
    assert library.name_of("no-such-term") == "no-such-term"
    indexed = {slug: entry.name for slug, entry in LIBRARY.entries().items()}
    assert {slug: library.name_of(slug) for slug in indexed} == indexed


def test_the_name_of_a_term_whose_file_is_broken_comes_from_the_index(tmp_path):
    folder = tmp_path / "terms"
    folder.mkdir()
    (folder / "broken.yaml").write_text("name: Broken Tech\ncategory: x\n", encoding="utf-8")
    (folder / "Odd.yaml").write_text("name: Odd Name\n", encoding="utf-8")
    library = Library([Layer("mine", str(folder))])
    assert library.name_of("broken") == "Broken Tech"  # invalid (no titles), still named
    assert library.name_of("Odd") == "Odd Name"  # not a slug a lookup reads directly


def test_a_word_in_a_titles_quotes_is_not_an_alias(tmp_path):
    """A quoted title going on over lines can hold a line at the margin that looks like a
    key; the index reads the file as the parser does, so the term does not answer to it."""
    folder = tmp_path / "terms"
    folder.mkdir()
    text = (Path(shipped_dir("terms")) / "flask.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Flask", "name: Quoted").replace(
        "  typical: Flask Developer", '  typical: "Flask Developer\nrare: [Zorblax]\nnotes: x"'
    )
    (folder / "quoted.yaml").write_text(text, encoding="utf-8")
    library = Library([Layer("mine", str(folder))], cache_dir=tmp_path / "cache")
    assert library.get("quoted").titles.typical == "Flask Developer rare: [Zorblax] notes: x"
    assert library.entries()["quoted"].aliases == tuple(library.get("quoted").aliases)
    assert library.lookup("zorblax") is None


@given(st.lists(st.text() | st.text(alphabet="aB -.+#_ \t\n1", max_size=12), max_size=8))
def test_the_keys_of_many_words_are_each_words_keys(words):
    """word_keys, which takes one pass over plain ASCII words, equals fold and _loose."""
    from sourcer.library.store import _loose, fold, word_keys

    assert word_keys(words) == ([fold(word) for word in words], [_loose(word) for word in words])


@given(
    st.lists(
        st.tuples(st.text(alphabet="aB -é", max_size=4), st.lists(st.text("aB -é", max_size=4))),
        max_size=8,
    )
)
def test_the_word_maps_list_every_claimant_in_order_and_the_first_wins(terms):
    """The maps made backwards, at C speed, are the ones a loop makes word by word: each
    word (folded) to every term claiming it, in slug order and once each; each loose key to
    the first term claiming it."""
    from sourcer.library.store import Entry, _loose, fold

    entries = {
        f"t{number:02d}": Entry(f"t{number:02d}", name, "c", tuple(aliases), "mine", "x")
        for number, (name, aliases) in enumerate(terms)
    }
    exact: dict[str, list[Entry]] = {}
    loose: dict[str, Entry] = {}
    for entry in entries.values():
        for word in (entry.name, *entry.aliases):
            users = exact.setdefault(fold(word), [])
            if entry not in users:
                users.append(entry)
            loose.setdefault(_loose(word), entry)
    library = Library([])
    library._entries = entries
    assert library._word_maps() == (exact, loose)


def _answer(library: Library, query: str) -> str:
    from sourcer.errors import UnknownTermError

    try:
        return library.get(query).slug
    except UnknownTermError:
        return "-"


def test_the_word_index_answers_as_the_whole_index_does(tmp_path):
    """A lookup from the word index (a fresh library with a cache each time) finds the
    same term as one from the whole index, for every word of the shipped terms and of
    terms that claim the same letters exactly or only ignoring punctuation."""
    from tests.conftest import minimal_term

    folder = tmp_path / "mine"
    folder.mkdir()
    for slug, name, aliases in [
        ("foo-a", "Foo A", "[Foo Bar, Ünïcode Word]"),
        ("foo-b", "Foo B", "[foobar, '...', C++]"),
        ("foo-c", "Foo C", "[FOO-BAR, 'c ++']"),
    ]:
        (folder / f"{slug}.yaml").write_text(minimal_term(name, aliases=aliases), "utf-8")
    layers = [Layer("builtin", shipped_dir("terms")), Layer("user", str(folder))]
    whole = Library(layers)
    queries = ["foo bar", "FooBar", "foo-bar", "foo_bar", "...", "c++", "C ++", "ünïcode-word"]
    for entry in whole.entries().values():
        for word in (entry.name, *entry.aliases):
            queries += [word, word.upper().replace(" ", "-")]
    cache = tmp_path / "cache"
    Library(layers, cache_dir=cache).entries()  # writes the word index
    answers = {query: _answer(Library(layers, cache_dir=cache), query) for query in queries}
    assert answers == {query: _answer(whole, query) for query in queries}
    assert [answers[q] for q in ("foo bar", "FooBar", "foo-bar", "foo_bar", "...", "C ++")] == [
        "foo-a",  # exactly
        "foo-b",  # exactly, although foo-a claims it ignoring punctuation
        "foo-c",  # exactly
        "foo-a",  # only ignoring punctuation: the first by slug
        "foo-b",
        "foo-c",
    ]


def test_after_a_cold_lookup_by_alias_the_records_come_from_the_index_just_written(
    tmp_path, monkeypatch
):
    """A cold lookup keeps each layer's index as the text it wrote; asked for entries
    later, the library parses that text and reads no file again."""
    from tests.conftest import minimal_term

    folder = tmp_path / "mine"
    folder.mkdir()
    for i in range(30):
        (folder / f"tech{i:02d}.yaml").write_text(minimal_term(f"Tech{i:02d}", aliases="[T x]"))
    (folder / "widget.yaml").write_text(minimal_term("Widget", aliases="[Gizmo Pro]"))
    layers = [Layer("builtin", shipped_dir("terms")), Layer("mine", str(folder))]
    library = Library(layers, cache_dir=tmp_path / "cache")
    assert library.get("gizmo pro").slug == "widget"
    assert library._records == {} and len(library._unparsed) == 2
    expected = Library(layers).entries()

    def no_reading(*args, **kwargs):
        raise AssertionError("read the files again")

    monkeypatch.setattr(Library, "_read_layer", no_reading)
    assert library.entries() == expected
    assert library._unparsed == {}


def test_a_cold_index_on_two_cores_writes_what_one_process_writes(tmp_path, monkeypatch):
    """1,200 new files (read in chunks by two processes where forking is allowed): the
    index and the word index are the same as those written by one process, and as those
    written again from the index."""
    from sourcer.library import shares, store
    from tests.conftest import minimal_term

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(1_200):
        aliases = f"[Tech {i} API, T{i}-x]" if i % 3 else "[]"
        (folder / f"tech{i:04d}.yaml").write_text(minimal_term(f"Tech{i:04d}", aliases=aliases))
    (folder / "Not A Slug.yaml").write_text(minimal_term("Odd", aliases="[odd one]"))

    def written(cache: Path) -> tuple[object, dict[str, list[str]]]:
        (index,) = cache.glob("index-*.json")
        (words,) = cache.glob("words-*")
        buckets = {p.name: sorted(p.read_text().splitlines()) for p in words.glob("*.txt")}
        return json.loads(index.read_text())["files"], buckets

    layer = [Layer("user", str(folder))]
    Library(layer, cache_dir=tmp_path / "two").entries()
    monkeypatch.setattr(shares, "may_fork", lambda: False)
    Library(layer, cache_dir=tmp_path / "one").entries()
    two, one = written(tmp_path / "two"), written(tmp_path / "one")
    assert two == one

    def files(cache: Path) -> dict[str, bytes]:
        return {str(p.relative_to(cache)): p.read_bytes() for p in cache.rglob("*") if p.is_file()}

    assert files(tmp_path / "two") == files(tmp_path / "one")  # byte for byte, in order
    # put together from the chunks' parts, the index is the text written of it whole
    (index,) = (tmp_path / "two").glob("index-*.json")
    assert index.read_text() == store._json_text(json.loads(index.read_text()))
    assert len(one[1]) == store._bucket_count(1_201) == 2
    entries = Library(layer).entries().values()
    again = store._bucket_texts(((e.slug, e.name, e.aliases) for e in entries), 2)
    assert {f"{n:02d}.txt": sorted(("\n" + t).splitlines()) for n, t in enumerate(again)} == one[1]
    assert Library(layer, cache_dir=tmp_path / "two").get("t1199 x").slug == "tech1199"


@given(
    st.text(alphabet="abcdeé -1", max_size=12) | st.text(max_size=8),
    st.lists(st.text(alphabet="abcdeé -1", max_size=12) | st.text(max_size=8), max_size=6),
)
def test_letters_in_place_counted_by_bytes_as_letter_by_letter(wanted, words):
    """The sort key of a typo's suggestions in a large library, which counts ASCII words'
    letters in place with the XOR of two numbers, agrees with counting them one by one."""
    from sourcer.library.store import _in_place, _in_place_slowly

    count = _in_place(wanted)
    assert [count(word) for word in words] == [_in_place_slowly(wanted, w) for w in words]
