"""What every front end (the CLI, the local web page) does before and after compiling a
search: names to terms, with every unknown name reported at once; placeholder refusal; and
where each part of a search comes from, as lines to show.

On the start-up path of ``sourcer query``: nothing heavy is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sourcer.errors import QueryError, UnknownTermError, shorten
from sourcer.library.schema import Term, placeholder
from sourcer.library.store import Library
from sourcer.query.boards import BOARDS
from sourcer.query.recipe import Options, Recipe, build_recipe
from sourcer.query.search import Search, compile_searches


def load_terms(library: Library, *lists: Sequence[str]) -> tuple[list[Term], ...]:
    """Each list of names as terms; every unknown name is reported at once (QueryError),
    with suggestions and the --keyword hint."""
    loaded: list[list[Term]] = []
    unknown: list[str] = []
    for names in lists:
        terms = []
        for name in names:
            try:
                terms.append(library.get(name))
            except UnknownTermError as err:
                hint = (
                    f"did you mean {' or '.join(err.suggestions)}?"
                    if err.suggestions
                    else "not in the library;"
                )
                if len(name) > 80:
                    unknown.append(f"{shorten(name)} (no term has a name that long)")
                else:
                    unknown.append(
                        f"{name!r} ({hint} to search it as written: --keyword {_shell_word(name)})"
                    )
        loaded.append(terms)
    if unknown:
        noun = "term" if len(unknown) == 1 else "terms"
        raise QueryError(f"unknown {noun}: " + "; ".join(unknown))
    return tuple(loaded)


def _shell_word(text: str) -> str:
    import shlex

    return shlex.quote(text)


def refuse_placeholders(terms: Sequence[Term]) -> None:
    """A term still holding 'TODO' text from the skeleton would search for 'TODO Go
    Developer': QueryError naming the file and line."""
    for term in terms:
        found = placeholder(term)
        if found is not None:
            line = term.lines.get(found) or term.lines.get(found.split(".")[0]) or 1
            raise QueryError(
                f"{term.path}:{line}: {found} still holds a TODO placeholder; fill it in "
                "('sourcer terms lint' lists them all), or pass --allow-todo"
            )


def explain_lines(recipe: Recipe, searches: Sequence[Search]) -> list[str]:
    """Where each group of the search comes from, and how each board takes it."""
    lines = ["Where this search comes from:"]
    for group in recipe.groups:
        lines.append(f"  {group.label}")
        by_source: dict[str, list[str]] = {}
        for alternative in group.alternatives:
            by_source.setdefault(alternative.source, []).append(alternative.text)
        for source, texts in by_source.items():
            lines.append(f"    {', '.join(texts)}  <- {source}")
    boards: dict[str, list[Search]] = {}
    for search in searches:
        boards.setdefault(search.board, []).append(search)
    lines.append("How each board takes it:")
    for slug, parts in boards.items():
        board = BOARDS[slug]
        limits = ", ".join(limit.describe() for limit in board.limits) or "none documented"
        where = f" on {parts[0].site}" if parts[0].site else ""
        lines.append(f"  {slug}{where}: {len(parts)} part(s); limits: {limits}")
        if parts[0].dropped:
            lines.append(f"    left out: {'; '.join(parts[0].dropped)}")
    return lines


class Planned(NamedTuple):
    """A search on every board asked for, and what a front end shows beside it."""

    searches: list[Search]
    #: boards left out because even their shortest search breaks their limits
    skipped: list[str]
    #: where each part comes from, and what the recipe noted (words left out, searched and
    #: excluded at once ...): empty unless asked for
    explain: list[str]
    notes: tuple[str, ...]


def plan_searches(
    library: Library,
    must: Sequence[Term],
    either: Sequence[Sequence[Term]],
    nice: Sequence[Term],
    options: Options,
    boards: Sequence[str],
    *,
    explain: bool = False,
) -> Planned:
    """The searches for ``must`` terms, one of each ``either`` group and ``nice`` ones, on
    ``boards``, leaving out a board too small for them when there are others."""
    skipped: list[str] = []
    searches = compile_searches(
        must,
        options,
        boards,
        lookup=library.find,
        any_groups=either,
        nice=nice,
        skipped=skipped,
    )
    if not explain:
        return Planned(searches, skipped, [], ())
    recipe = build_recipe(must, options, any_groups=either, nice=nice, lookup=library.find)
    return Planned(searches, skipped, explain_lines(recipe, searches), recipe.notes)
