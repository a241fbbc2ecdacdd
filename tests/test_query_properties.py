"""Invariants of the query compiler over arbitrary aliases, titles, places and exclusions.

On every board every part has balanced parentheses and quotes, no curly quotes or dashes,
keeps within the hard limits, has a link that decodes to the exact query, and the parts
together contain every alternative (or list it as dropped).
"""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcer.errors import QueryError
from sourcer.library.schema import Term, Titles
from sourcer.query.boards import BOARDS, SITES
from sourcer.query.model import clean_text, words
from sourcer.query.parse import parse
from sourcer.query.recipe import Options, build_recipe
from sourcer.query.render import measure
from sourcer.query.search import compile_board, resolve_site
from sourcer.typography import find_typography
from tests.conftest import parse_url

SPECIAL = [
    "AND",
    "OR",
    "NOT",
    "and",
    "or",
    "not",
    "C++",
    "C#",
    ".NET",
    "Node.js",
    "CI/CD",
    "-recruiter",
    "(beta)",
    "a(b",
    'say "hi"',
    "it's",
    "\u201ccurly\u201d",
    "front\u2013end",
    "R&D",
    "100%",
    "site:x",
    "a|b",
    "*",
    "\u00e9t\u00e9",
    "\u4e2d\u6587",
]
WORD_CHARS = st.characters(
    codec="utf-8",
    categories=["Lu", "Ll", "Nd", "Po", "Ps", "Pe", "Pd", "Sm", "Lo"],
    include_characters="\"'()-+#./&|:*\u201c\u201d\u2013",
)
word_text = st.text(WORD_CHARS, min_size=1, max_size=10)
# at most two words, so that even Bing's 10 terms can hold the smallest search
phrase = st.one_of(
    st.sampled_from(SPECIAL),
    word_text,
    st.builds(lambda a, b: f"{a} {b}", word_text, word_text),
)
name = st.text(st.characters(categories=["Lu", "Ll"]), min_size=2, max_size=10)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Term, Options, str]:
    term = Term(
        slug="generated",
        name=draw(name),
        summary="Generated.",
        titles=Titles(draw(phrase), tuple(draw(st.lists(phrase, max_size=6)))),
        aliases=tuple(draw(st.lists(phrase, max_size=6))),
        exclude=tuple(draw(st.lists(phrase, max_size=4))),
    )
    options = Options(
        level=draw(st.sampled_from([None, "junior", "mid", "senior"])),
        mode="balanced",
        locations=tuple(draw(st.lists(phrase, max_size=3))),
        excludes=tuple(draw(st.lists(phrase, max_size=2))),
    )
    site = draw(st.sampled_from([*SITES, "uk.linkedin.com/in"]))
    return term, options, site


def balanced(query: str) -> bool:
    depth = 0
    in_quote = False
    for char in query:
        if char == '"':
            in_quote = not in_quote
        elif not in_quote and char == "(":
            depth += 1
        elif not in_quote and char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not in_quote


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_board_every_part(case: tuple[Term, Options, str]) -> None:
    term, options, site = case
    recipe = build_recipe([term], options)
    for board in BOARDS.values():
        for fit in ("split", "drop"):
            parts = compile_board(recipe, board, site=site, fit=fit)
            assert parts
            seen: set[str] = set()
            for part in parts:
                query = part.query
                assert balanced(query), query
                assert query.count('"') % 2 == 0, query
                assert not find_typography(query), query
                measured = measure(query)
                for limit in board.hard_limits:
                    assert measured.get(limit.metric) <= limit.value, (board.slug, query)
                if board.url is not None:
                    decoded, location = parse_url(board.url, part.url or "")
                    assert decoded == query
                    assert location == part.location
                parsed = parse(query)
                assert parsed.node is not None
                assert not [d for d in parsed.diagnostics if d.severity == "error"], (
                    query,
                    parsed.diagnostics,
                )
                seen.update(words(parsed.node))
                if part.location:
                    seen.add(part.location)
            # the boards ignore case, so "or" and "OR" are one word, written (or left out and
            # listed) once
            dropped = {text.casefold() for text in parts[0].dropped}
            folded = {word.casefold() for word in seen}
            for group in recipe.groups:
                if not _used(group.role, group.kind, board, site):
                    continue
                for alternative in group.alternatives:
                    text = clean_text(alternative.text)
                    # exclusions of every kind share one slot on the board, labelled "exclude"
                    label = "exclude" if group.role == "exclude" else group.label
                    listed = f"{label}: {alternative.text}".casefold() in dropped
                    assert text.casefold() in folded or listed, (
                        board.slug,
                        fit,
                        text,
                        [p.query for p in parts],
                    )
                    if fit == "split" and group.role != "exclude":
                        # splitting only drops what cannot fit even alone
                        assert text in seen or len(text) > 0


def _used(role: str, kind: str, board, site: str) -> bool:
    if (
        (role == "level" and board.level_fields)
        or (role == "title" and board.title_filter)
        or (role == "location" and board.location in ("filter", "param", "qualifier"))
        or (kind == "level" and board.level_fields)
    ):
        return False  # set in the site's own fields, listed in Search.fields
    target = resolve_site(site) if board.xray else None
    titles_ok = target is None or target.titles
    if role in ("title", "level") or kind == "level":
        if board.titles == "none" or (role != "title" and not board.levels):
            return False
        if not titles_ok:
            return False
    if kind == "people":
        return target.people if target else board.people
    if kind == "sense":
        return target.senses if target else board.senses
    return not (role == "location" and board.location == "none")


def _check_the_fitters_measures(monkeypatch) -> list[int]:
    """From now on, every measure the fitter takes (sourcer.query.search._PlanMeasure: the
    sizes of the parts it tries, and of whole plans) is checked against the measures of the
    search rendered whole, and so is every part's string put together from its pieces
    (_PlanText); the list returned grows by one for each."""
    from sourcer.query import search
    from sourcer.query.render import render

    checked: list[int] = []
    real_fits, real_call = search._PlanMeasure.fits, search._PlanMeasure.__call__
    real_text = search._PlanText.__call__

    def checking_text(self, plan, spans=()):
        made = text, location, used = real_text(self, plan, spans)
        tree, where = search._part_tree(
            self.board, self.slots, self.node_of, self.before, self.after, plan
        )
        assert text is None or text == render(tree, self.board), plan
        assert location == where, plan
        assert used == search._features(tree) & set(self.board.caveats), plan
        checked.append(1)
        return made

    def rendered(self, plan):
        return measure(render(self.tree(plan)[0], self.board))

    def checking_fits(self, total, part):
        fits = real_fits(self, total, part)
        plan = self._plan(part())
        whole = rendered(self, plan)
        decoded = self._decode(total)
        assert decoded is None or decoded == (whole.chars, whole.words, whole.operators), plan
        assert fits == all(whole.get(lim.metric) <= lim.value for lim in self.limits), plan
        checked.append(1)
        return fits

    def checking_call(self, plan, query=None, size=None):
        fast = real_call(self, plan, query, size)
        assert fast == rendered(self, plan), plan
        checked.append(1)
        return fast

    real_reach = search._PlanMeasure.reach

    def checking_reach(self, index, start, stop, rest, part):
        end = real_reach(self, index, start, stop, rest, part)
        expected = start
        while expected < stop:
            whole = rendered(self, self._plan(part((start, expected + 1))))
            if not all(whole.get(lim.metric) <= lim.value for lim in self.limits):
                break
            expected += 1
        assert end == expected, (index, start, stop)
        checked.append(1)
        return end

    monkeypatch.setattr(search._PlanMeasure, "fits", checking_fits)
    monkeypatch.setattr(search._PlanMeasure, "reach", checking_reach)
    monkeypatch.setattr(search._PlanMeasure, "__call__", checking_call)
    monkeypatch.setattr(search._PlanText, "__call__", checking_text)
    return checked


def test_the_fitters_measures_are_those_of_the_rendered_search(monkeypatch):
    """The fitter measures a part from its groups' sizes; for every shipped term on every
    board (each level and mode in rotation, both fits, some in pairs, with places and
    exclusions), those measures equal the measures of the search rendered whole."""
    from sourcer.home import shipped_dir
    from sourcer.library.store import Layer, Library
    from sourcer.query.search import compile_searches

    checked = _check_the_fitters_measures(monkeypatch)
    library = Library([Layer("builtin", shipped_dir("terms"))])
    slugs = list(library.entries())
    for index, slug in enumerate(slugs):
        terms = [library.get(slug)]
        if index % 7 == 0:
            terms.append(library.get(slugs[(index + 1) % len(slugs)]))
        levels = (None, "junior", "mid", "senior")
        modes = ("broad", "balanced", "strict")
        for turn in range(2):  # two of the twelve level-mode pairs per term, in rotation
            level = levels[(index + turn) % 4]
            for mode in (modes[(index + turn) % 3],):
                options = Options(
                    level=level,
                    mode=mode,
                    locations=("Berlin", "Remote") if index % 5 == 0 else (),
                    excludes=("intern",) if index % 3 == 0 else (),
                    fit="drop" if index % 4 == 0 else "split",
                )
                compile_searches(terms, options, list(BOARDS), lookup=library.find)
    assert len(checked) > 2_000


WRITTEN = [
    # a NOT among the alternatives, phrases, a field, a wildcard, punctuation
    '(python OR -java OR "machine learning" OR dev* OR C++ OR Node.js OR CI/CD OR '
    '"back-end" OR intitle:engineer OR golang OR rust OR kotlin OR scala OR swift) '
    "(senior OR lead OR principal OR staff OR head OR architect OR manager) "
    "-recruiter -hr -intern -student -jobs -hiring -vacancy -sales",
    # a fixed field first, and an AND group inside an OR
    "site:linkedin.com/in (kubernetes OR (docker AND compose) OR helm OR terraform OR "
    'ansible OR puppet OR chef OR "site reliability" OR SRE OR devops OR platform) '
    "NOT (recruiter OR talent OR sourcer OR agency OR staffing OR consultant)",
    # nothing but exclusions beside one word
    "-recruiter -talent -sourcer -agency -staffing -hr -jobs -intern "
    + " ".join(f"-w{n}x" for n in range(40))
    + " python",
]


def test_the_fitters_measures_of_strings_someone_wrote(monkeypatch):
    """The same for strings someone wrote (sourcer lint and convert), which carry what terms
    never do: a NOT among a group's alternatives, groups inside groups, only exclusions."""
    from sourcer.query.lint import convert, lint

    checked = _check_the_fitters_measures(monkeypatch)
    for text in WRITTEN:
        for board in BOARDS.values():
            for fit in ("split", "drop"):
                lint(text, board, fit)
                with contextlib.suppress(QueryError):  # too long whatever is dropped
                    convert(text, BOARDS["google"], board, fit)
    assert len(checked) > 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_fitters_measures_of_generated_terms(case: tuple[Term, Options, str]) -> None:
    """The same for arbitrary aliases, titles, places and exclusions, on every board."""
    import pytest

    term, options, site = case
    recipe = build_recipe([term], options)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _check_the_fitters_measures(monkeypatch)
        for board in BOARDS.values():
            for fit in ("split", "drop"):
                with contextlib.suppress(QueryError):  # too long whatever is dropped
                    compile_board(recipe, board, site=site, fit=fit)


any_text = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=12), phrase)


@settings(max_examples=400, deadline=None)
@given(any_text, st.booleans(), st.sampled_from(["intitle", "location", "in-title", ""]))
def test_measured_without_rendering(text: str, quoted: bool, field: str) -> None:
    """What the compiler works out without rendering (sourcer.query.render: a word made by
    word(), member and word_member of a word or a field of one, text already clean) is what
    rendering gives, on every board."""
    from sourcer.query.model import Field, Word
    from sourcer.query.render import (
        _clean,
        lower,
        member,
        needs_quotes,
        render_member,
        word,
        word_member,
    )

    assert _clean(text) == clean_text(text)
    made = word(text)
    cleaned = clean_text(text)
    assert made == (Word(cleaned, quoted=needs_quotes(cleaned)) if cleaned else None)
    nodes = [Word(text, quoted=quoted)]
    if field:
        nodes.append(Field(field, Word(text, quoted=quoted)))
    for board in BOARDS.values():
        if made is not None:
            written = render_member(made, board)
            whole = measure(written)
            assert word_member(made) == (written, whole.chars, whole.words, whole.operators)
        for node in nodes:
            written = render_member(lower(node, board), board)
            whole = measure(written)
            assert member(node, board) == (written, whole.chars, whole.words, whole.operators)
