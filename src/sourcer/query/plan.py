"""What every front end (the CLI, the local web page) does before and after compiling a
search: names to terms, with every unknown name reported at once; placeholder refusal;
where each part of a search comes from, as lines to show; and the whole of what ``sourcer
query`` prints, which both of its entry points (Click's and :mod:`sourcer.launch`) share.

On the start-up path of ``sourcer query``: nothing heavy is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from sourcer.errors import QueryError, UnknownTermError, shorten
from sourcer.library.schema import Term, placeholder
from sourcer.library.store import Library
from sourcer.query.boards import BOARDS, DEFAULT_SITE, board_list
from sourcer.query.recipe import Options, Recipe, build_recipe
from sourcer.query.search import Search, compile_searches, resolve_site


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


#: what ``sourcer query`` can print on stdout
Format = Literal["text", "json", "urls"]


class QueryRequest(NamedTuple):
    """What a ``sourcer query`` command line asks for (the defaults are the command's)."""

    terms: tuple[str, ...]
    #: groups of terms of which one is needed (--any; a role file may hold several)
    any_groups: tuple[tuple[str, ...], ...] = ()
    nice_terms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    #: as given: empty for the default board, "all" for every board
    boards: tuple[str, ...] = ()
    level: str | None = None
    mode: str | None = None
    exhaustive: bool = False
    titles: bool = True
    extra_titles: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    remote: bool = False
    location_as_keyword: bool = False
    excludes: tuple[str, ...] = ()
    term_exclusions: bool = True
    keep_recruiters: bool = False
    keep_managers: bool = False
    site: str = DEFAULT_SITE
    fit: str = "split"
    output: Format = "text"
    explain: bool = False
    allow_todo: bool = False

    def options(self) -> Options:
        return Options(
            level=self.level,
            mode=self.mode,  # type: ignore[arg-type]
            titles=self.titles,
            extra_titles=self.extra_titles,
            locations=self.locations,
            excludes=self.excludes,
            keywords=self.keywords,
            exhaustive=self.exhaustive,
            term_exclusions=self.term_exclusions,
            keep_recruiters=self.keep_recruiters,
            keep_managers=self.keep_managers,
            site=self.site,
            fit="drop" if self.fit == "drop" else "split",
            remote=self.remote,
            location_as_keyword=self.location_as_keyword,
        )


class Reply(NamedTuple):
    """Everything ``sourcer query`` prints: ``messages`` on stderr, then ``output`` (if not
    empty) on stdout."""

    searches: list[Search]
    output: str
    #: ("warning" or "note", text), in the order they are printed
    messages: list[tuple[str, str]]


def query_reply(library: Library, request: QueryRequest) -> Reply:
    """The searches ``request`` asks for, what to print and what to say about them; an
    unknown name or a term holding placeholders raises QueryError."""
    options = request.options()
    boards = board_list(request.boards, default=["linkedin"])
    loaded, *groups, nice = load_terms(
        library, request.terms, *request.any_groups, request.nice_terms
    )
    if not request.allow_todo:
        refuse_placeholders([*loaded, *(t for group in groups for t in group), *nice])
    messages: list[tuple[str, str]] = []
    if options.site != DEFAULT_SITE and not any(BOARDS[b].xray for b in boards):
        messages.append(
            (
                "warning",
                "--site applies to google, bing, duckduckgo and brave only; ignored for "
                + ", ".join(boards),
            )
        )
    if options.keep_recruiters or options.keep_managers:
        target = resolve_site(options.site)
        if not any(BOARDS[b].people or (BOARDS[b].xray and target.people) for b in boards):
            flags = " and ".join(
                flag
                for flag, on in (
                    ("--keep-recruiters", options.keep_recruiters),
                    ("--keep-managers", options.keep_managers),
                )
                if on
            )
            messages.append(
                ("warning", f"{flags} changes nothing here: only people searches keep them out")
            )
    planned = plan_searches(library, loaded, groups, nice, options, boards, explain=request.explain)
    searches = planned.searches
    messages.extend(("warning", reason) for reason in planned.skipped)
    messages.extend(("note", line) for line in planned.explain)
    messages.extend(("warning", text) for text in search_warnings(searches))
    if nice:
        names = ", ".join(term.name for term in nice)
        messages.append(
            (
                "note",
                f"Nice to have, not required: {names} (the narrower variant asks for one of them).",
            )
        )
    if request.output == "json":
        import json

        text = json.dumps([s.to_dict() for s in searches], indent=2, ensure_ascii=False)
    elif request.output == "urls":
        for board in sorted({s.board for s in searches if not s.url}):
            messages.append(
                (
                    "warning",
                    f"{board}: no link ({BOARDS[board].name} needs your session); paste the string",
                )
            )
        text = "\n".join(s.url for s in searches if s.url)
    else:
        text = searches_text(searches)
    return Reply(searches, text, messages)


def search_warnings(searches: Sequence[Search]) -> list[str]:
    """Each search's warnings once per board, as "board: warning"."""
    seen: set[tuple[str, str]] = set()
    found = []
    for search in searches:
        for text in search.warnings:
            key = (search.board, text)
            if key not in seen:
                seen.add(key)
                found.append(f"{search.board}: {text}")
    return found


def searches_text(searches: Sequence[Search]) -> str:
    """One search alone; several as labelled blocks. A search with fields of its own to
    set (a location filter, a job-title field) shows each as a labelled line."""
    if len(searches) == 1 and not searches[0].fields:
        return searches[0].query
    blocks = []
    for search in searches:
        lines = [] if len(searches) == 1 else [f"# {search.label}"]
        if search.location and len(searches) > 1:
            lines[0] += f" (location: {search.location})"
        if search.fields:
            lines.append(f"Keywords: {search.query}")
            lines.extend(f"{label}: {value}" for label, value in search.fields)
        else:
            lines.append(search.query)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
