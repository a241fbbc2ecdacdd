"""Compile a recipe for boards: place each group as the board allows, fit the limits, render.

This is where the board table's fields are read; nothing here names a particular board.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

from sourcer.errors import QueryError
from sourcer.query.boards import BOARDS, DEFAULT_SITE, METRIC_NAMES, SITES, Board, Limit, Site
from sourcer.query.model import AllOf, AnyOf, Field, Node, Not, Word
from sourcer.query.recipe import Alternative, Group, Options, Plan, Recipe, build_recipe
from sourcer.query.render import Metrics, measure, render, word
from sourcer.terms import Term

#: the category whose terms are programming languages (GitHub's language: qualifier)
LANGUAGE_CATEGORY = "programming language"

Placement = Literal["any", "field", "param", "qualifier", "exclude"]

#: when dropping for room, alternatives of lower-ranked roles go first
ROLE_RANK = {"exclude": 0, "keywords": 1, "level": 2, "title": 3, "location": 4, "skill": 5}

_DOMAIN = r"(?i)^[a-z0-9-]+(\.[a-z0-9-]+)+(/[^\s\"()]*)?$"  # compiled when first used


class Search(NamedTuple):
    """One ready-to-paste search: a board, a part of it, the string and its link."""

    board: str
    site: str | None
    part: int
    parts: int
    query: str
    length: int
    words: int
    operators: int
    warnings: tuple[str, ...]
    dropped: tuple[str, ...]
    location: str | None = None

    @property
    def url(self) -> str | None:
        """The clickable link, where the board has one (built on demand: plain-text output
        does not need it, and urllib.parse costs start-up time)."""
        board = BOARDS[self.board]
        if board.url is None:
            return None
        from sourcer.query.urls import build_url

        return build_url(board.url, self.query, self.location)

    @property
    def label(self) -> str:
        label = self.board
        if self.site:
            label += f" ({self.site})"
        if self.parts > 1:
            label += f", part {self.part}/{self.parts}"
        return label

    def to_dict(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "site": self.site,
            "part": self.part,
            "parts": self.parts,
            "query": self.query,
            "url": self.url,
            "length": self.length,
            "words": self.words,
            "operators": self.operators,
            "warnings": list(self.warnings),
            "dropped": list(self.dropped),
        }


class Slot(NamedTuple):
    """A group as one board places it: where it goes and how many alternatives per part."""

    group: Group
    placement: Placement
    cap: int
    #: for searches parsed from a string: the node each alternative stands for
    nodes: Mapping[str, Node] | None = None

    def node(self, alternative: Alternative) -> Node | None:
        if self.nodes is not None:
            return self.nodes[alternative.text]
        return word(alternative.text)


def resolve_site(site: str) -> Site:
    """The X-ray target for --site: a preset by name, or any domain (and path)."""
    if site in SITES:
        return SITES[site]
    domain = re.sub(r"^https?://", "", site.strip(), flags=re.IGNORECASE).rstrip("/")
    if not re.match(_DOMAIN, domain):
        raise QueryError(
            f"--site {site!r} is neither {', '.join(SITES)} nor a domain such as uk.linkedin.com/in"
        )
    return Site(domain, f"site:{domain}", titles=True)


def language_of(terms: Sequence[Term], lookup: Callable[[str], Term | None]) -> str | None:
    """The programming language of a search, for GitHub: a term that is a language, else the
    first language among the primary term's related terms."""
    for term in terms:
        if term.category.casefold() == LANGUAGE_CATEGORY:
            return term.name
    for slug in (*terms[0].related, *terms[0].similar):
        related = lookup(slug)
        if related is not None and related.category.casefold() == LANGUAGE_CATEGORY:
            return related.name
    return None


def github_language_value(language: str) -> str:
    """GitHub's spelling of a language in language: (C# -> csharp, C++ -> cpp)."""
    return language.casefold().replace("#", "sharp").replace("+", "p")


def _fixed(text: str) -> Node:
    from sourcer.query.parse import parse  # the parser is only needed for fixed restrictions

    node = parse(text).node
    assert node is not None, text
    return node


def compile_board(
    recipe: Recipe,
    board: Board,
    *,
    site: str = DEFAULT_SITE,
    language: str | None = None,
    fit: Literal["split", "drop"] = "split",
) -> list[Search]:
    """Every part of the search for one board."""
    notes = list(recipe.notes)
    before: list[Node] = []
    after: list[Node] = []
    site_label: str | None = None
    titles_ok = True
    groups = list(recipe.groups)
    if board.xray:
        target = resolve_site(site)
        site_label, titles_ok = target.slug, target.titles
        before.append(_fixed(target.restriction))
        if not titles_ok and any(g.role in ("title", "level") for g in groups):
            notes.append(f"job titles left out: {site_label} profiles rarely carry them")
        if target.exclude:
            groups = _with_site_exclusions(groups, target)
    for qualifier in board.fixed:
        after.append(_fixed(qualifier))
    if board.language_qualifier and language:
        after.append(Field(board.language_qualifier, Word(github_language_value(language))))

    slots: list[Slot] = []
    left_out: dict[str, list[str]] = {}
    for group in groups:
        placement, reason = _placement(group, board, titles_ok)
        if placement is None:
            if reason:
                left_out.setdefault(reason, []).append(group.label)
            continue
        one_each = placement in ("param", "qualifier") or (
            not board.or_op and placement in ("any", "field")
        )
        slots.append(Slot(group, placement, 1 if one_each else 0))
    notes.extend(f"{' and '.join(labels)} left out: {why}" for why, labels in left_out.items())
    if not any(slot.group.role == "skill" for slot in slots):
        raise QueryError("nothing to search for")
    return assemble(board, slots, before=before, after=after, notes=notes, site=site_label, fit=fit)


def assemble(
    board: Board,
    slots: Sequence[Slot],
    *,
    before: Sequence[Node] = (),
    after: Sequence[Node] = (),
    notes: Sequence[str] = (),
    site: str | None = None,
    fit: Literal["split", "drop"] = "split",
) -> list[Search]:
    """Fit the slots into the board's hard limits, then render every part."""
    notes = list(notes)
    # The fitter tries many plans; each alternative's node and cost is worked out once.
    node_of = [
        {a: n for a in slot.group.alternatives if (n := slot.node(a)) is not None} for slot in slots
    ]
    costs: dict[tuple[int, Alternative], float] = {}

    def tree(plan: Plan) -> tuple[Node, str | None]:
        items = list(before)
        exclusions: list[Node] = []
        location = None
        for index, (slot, chosen) in enumerate(zip(slots, plan, strict=True)):
            if not chosen:
                continue
            nodes: list[Node] = [node_of[index][a] for a in chosen if a in node_of[index]]
            node: Node = nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))
            if slot.placement == "any":
                items.append(node)
            elif slot.placement == "field":
                items.append(Field(board.title_field, node))
            elif slot.placement == "param":
                location = chosen[0].text
            elif slot.placement == "qualifier":
                items.append(Field(board.location_key, Word(chosen[0].text)))
            else:
                exclusions.append(Not(node))
        return AllOf((*items, *after, *exclusions)), location

    def metrics(plan: Plan) -> Metrics:
        return measure(render(tree(plan)[0], board))

    hard = board.hard_limits

    def fits(plan: Plan) -> bool:
        if not hard:
            return True
        measured = metrics(plan)
        return all(measured.get(limit.metric) <= limit.value for limit in hard)

    def cost(index: int, alternative: Alternative) -> float:
        if not hard:
            return 1.0
        key = (index, alternative)
        if key not in costs:
            node = node_of[index].get(alternative) or Word(alternative.text)
            measured = measure(render(node, board))
            # +1 word and +4 characters for the OR that joins it to its neighbours
            extra = {"chars": 4, "words": 1, "terms": 0, "operators": 1}
            costs[key] = sum(
                (measured.get(lim.metric) + extra[lim.metric]) / lim.value for lim in hard
            )
        return costs[key]

    if not hard and not any(slot.cap for slot in slots):
        # Nothing to fit: one part with everything (the common case, kept cheap).
        fitted_plans: list[Plan] = [tuple(slot.group.alternatives for slot in slots)]
        fitted_dropped: list[tuple[int, Alternative]] = []
    else:
        fitted_plans, fitted_dropped = _fit(slots, fit, fits, cost, hard, board)
    dropped = tuple(f"{slots[i].group.label}: {a.text}" for i, a in fitted_dropped)
    if dropped:
        why = f"to keep within {_limits_text(hard)}" if hard else "one of each per search"
        hint = " (--fit split keeps them, in more parts)" if fit == "drop" else ""
        notes.append(f"left out {why}{hint}: " + "; ".join(dropped))

    plans = sorted(
        fitted_plans,
        key=lambda plan: [
            min((slot.group.alternatives.index(a) for a in chosen), default=0)
            for slot, chosen in zip(slots, plan, strict=True)
        ],
    )
    searches: list[Search] = []
    for number, plan in enumerate(plans, start=1):
        node, location = tree(plan)
        query = render(node, board)
        measured = measure(query)
        warnings = [*notes, *_soft_warnings(board, measured), *_caveats(board, node)]
        searches.append(
            Search(
                board=board.slug,
                site=site,
                part=number,
                parts=len(plans),
                query=query,
                length=measured.chars,
                words=measured.words,
                operators=measured.operators,
                warnings=tuple(warnings),
                dropped=dropped,
                location=location,
            )
        )
    return searches


def _with_site_exclusions(groups: list[Group], target: Site) -> list[Group]:
    """Add a site's own exclusions after the terms' ones (so they are dropped first)."""
    source = f"--site {target.slug} (sites table, sourcer/query/boards.py)"
    extra = tuple(Alternative(text, source) for text in target.exclude)
    for index, group in enumerate(groups):
        if group.role == "exclude":
            known = {a.text.casefold() for a in group.alternatives}
            fresh = tuple(a for a in extra if a.text.casefold() not in known)
            groups[index] = group._replace(alternatives=group.alternatives + fresh)
            return groups
    return [*groups, Group("exclude", "exclude", extra)]


def _fit(
    slots: Sequence[Slot],
    fit: Literal["split", "drop"],
    fits: Callable[[Plan], bool],
    cost: Callable[[int, Alternative], float],
    hard: Sequence[Limit],
    board: Board,
) -> tuple[list[Plan], list[tuple[int, Alternative]]]:
    from sourcer.query import fit as fitting

    specs = [
        fitting.SlotSpec(
            slot.group.alternatives,
            cap=slot.cap,
            droppable=slot.placement == "exclude",
            rank=ROLE_RANK[slot.group.role],
        )
        for slot in slots
    ]
    try:
        fitted = (
            fitting.split(specs, fits, cost) if fit == "split" else fitting.drop(specs, fits, cost)
        )
    except fitting.Unfittable:
        raise QueryError(
            f"{board.slug}: even the shortest search breaks its limits "
            f"({_limits_text(hard)}); shorten the terms, or search fewer at once"
        ) from None
    return fitted.plans, fitted.dropped


def _placement(group: Group, board: Board, titles_ok: bool) -> tuple[Placement | None, str]:
    """Where a group goes on this board, or (None, why it is left out)."""
    role = group.role
    if role in ("title", "level"):
        if board.titles == "none":
            return None, f"{board.name} has no job titles"
        if not titles_ok:
            return None, ""  # explained once, with the site
        if role == "level" and not board.levels:
            return None, f"{board.name} has no seniority"
        return ("field" if board.titles == "field" else "any"), ""
    if role == "location":
        if board.location == "none":
            return None, f"{board.name} cannot search by place"
        placements: dict[str, Placement] = {
            "keywords": "any",
            "param": "param",
            "qualifier": "qualifier",
        }
        return placements[board.location], ""
    if role == "exclude":
        return "exclude", ""
    return "any", ""


def _limits_text(limits: Sequence[Limit]) -> str:
    return " and ".join(f"{lim.value} {METRIC_NAMES[lim.metric]}" for lim in limits)


def _soft_warnings(board: Board, measured: Metrics) -> list[str]:
    warnings = []
    for limit in board.soft_limits:
        value = measured.get(limit.metric)
        if value > limit.value:
            warnings.append(
                f"{value} {METRIC_NAMES[limit.metric]} is over the {limit.value} reported for "
                f"{board.name} ({limit.confidence}: {limit.source}); {limit.effect}"
            )
    return warnings


def _caveats(board: Board, node: Node) -> list[str]:
    if not board.caveats:
        return []
    used: set[str] = set()

    def walk(n: Node) -> None:
        if isinstance(n, AnyOf):
            used.add("or")
            for child in n.items:
                walk(child)
        elif isinstance(n, AllOf):
            for child in n.items:
                walk(child)
        elif isinstance(n, Not):
            used.add("not")
            walk(n.item)
        elif isinstance(n, Field):
            used.add(n.name)
            walk(n.value)

    walk(node)
    return [text for feature, text in board.caveats.items() if feature in used]


def compile_searches(
    terms: Sequence[Term],
    options: Options,
    boards: Sequence[str],
    *,
    site: str = DEFAULT_SITE,
    fit: Literal["split", "drop"] = "split",
    lookup: Callable[[str], Term | None] = lambda slug: None,
) -> list[Search]:
    """Every search for ``terms`` on each of ``boards``, in order."""
    recipe = build_recipe(terms, options)
    language = None
    if any(BOARDS[b].language_qualifier for b in boards):
        language = language_of(terms, lookup)
    searches: list[Search] = []
    for slug in boards:
        searches.extend(compile_board(recipe, BOARDS[slug], site=site, language=language, fit=fit))
    return searches
