"""Compile a recipe for boards: place each group as the board allows, fit the limits, render.

This is where the board table's fields are read; nothing here names a particular board.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Literal, NamedTuple

from sourcer.errors import BoardTooSmall, QueryError
from sourcer.library.schema import Term
from sourcer.query.boards import BOARDS, DEFAULT_SITE, METRIC_NAMES, SITES, Board, Limit, Site
from sourcer.query.model import AllOf, AnyOf, Field, Node, Not, Word, clean_text

if TYPE_CHECKING:  # the place table loads only when a search names a place
    from sourcer.places.table import Country
    from sourcer.query.fit import Fitted, Room, Span
from sourcer.query.recipe import (
    Alternative,
    Fit,
    Group,
    Options,
    Plan,
    Recipe,
    any_group,
    build_recipe,
)
from sourcer.query.render import (
    OPERATOR_WORDS,
    Metrics,
    lower,
    measure,
    member,
    render,
    render_child,
    word,
    word_member,
)

#: the candidate products of the job boards, which need a paid seat and have no links
JOB_BOARD_PRODUCTS = {
    "indeed": "Indeed Smart Sourcing",
    "dice": "Dice Talent Search",
    "monster": "Monster's SearchMonster",
}

#: the category whose terms are programming languages (GitHub's language: qualifier)
LANGUAGE_CATEGORY = "programming language"

Placement = Literal["any", "field", "param", "qualifier", "exclude", "filter"]

#: when dropping for room, alternatives of lower-ranked roles go first
ROLE_RANK = {"exclude": 0, "level": 2, "title": 3, "remote": 3, "location": 4, "skill": 5}

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
    #: "" for the search itself; "narrower" for the variant that also requires a nice term
    variant: str = ""
    #: what to set in the site's own fields besides the keywords: (label, value)
    fields: tuple[tuple[str, str], ...] = ()
    #: the country site of a job board, when the place has one (de.indeed.com)
    host: str | None = None

    @property
    def url(self) -> str | None:
        """The clickable link, where the board has one (built on demand: plain-text output
        does not need it, and urllib.parse costs start-up time)."""
        board = BOARDS[self.board]
        if board.url is None:
            return None
        from sourcer.query.urls import build_url

        return build_url(board.url, self.query, self.location, self.host)

    @property
    def label(self) -> str:
        label = self.board
        if self.site:
            label += f" ({self.site})"
        if self.variant:
            label += f", {self.variant}"
        if self.parts > 1:
            label += f", part {self.part}/{self.parts}"
        return label

    def to_dict(self) -> dict[str, object]:
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
            "variant": self.variant or None,
            "searches": BOARDS[self.board].searches,
            "fields": dict(self.fields),
        }


class Slot(NamedTuple):
    """A group as one board places it: where it goes and how many alternatives per part."""

    group: Group
    placement: Placement
    cap: int
    #: for searches parsed from a string: the node each alternative stands for
    nodes: Mapping[str, Node] | None = None

    def node_of(self) -> dict[Alternative, Node]:
        """Each alternative's node; one with nothing searchable left (word() is None) has
        none."""
        alternatives = self.group.alternatives
        if self.nodes is not None:
            return {a: self.nodes[a.text] for a in alternatives}
        return {a: node for a in alternatives if (node := word(a.text)) is not None}


def resolve_site(site: str) -> Site:
    """The X-ray target for --site: a preset by name, or any domain (and path)."""
    if site in SITES:
        return SITES[site]
    domain = re.sub(r"^https?://", "", site.strip(), flags=re.IGNORECASE).rstrip("/")
    if not re.match(_DOMAIN, domain):
        raise QueryError(
            f"--site {site!r} is neither {', '.join(SITES)} nor a domain such as uk.linkedin.com/in"
        )
    # A LinkedIn profile domain (uk.linkedin.com/in) holds people like the preset does.
    return Site(domain, f"site:{domain}", titles=True, people="linkedin.com/in" in domain.lower())


def language_of(
    terms: Sequence[Term], lookup: Callable[[str], Term | None]
) -> tuple[str | None, str]:
    """The programming language of a search, for GitHub's language: (a term that is a
    language), else a related one, which comes with a note saying so."""
    for term in terms:
        if term.category.casefold() == LANGUAGE_CATEGORY:
            return term.name, ""
    for slug in (*terms[0].related, *terms[0].similar):
        related = lookup(slug)
        if related is not None and related.category.casefold() == LANGUAGE_CATEGORY:
            return related.name, (
                f"language:{github_language_value(related.name)} added: {terms[0].name} is "
                f"not a language, and {related.name} is the language it relates to"
            )
    return None, ""


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
    fit: Fit = "split",
) -> list[Search]:
    """Every part of the search for one board."""
    notes = list(recipe.notes)
    before: list[Node] = []
    after: list[Node] = []
    site_label: str | None = None
    titles_ok = True
    people, senses = board.people, board.senses
    groups = list(recipe.groups)
    fields: list[tuple[str, str]] = []
    if board.xray:
        target = resolve_site(site)
        site_label, titles_ok = target.slug, target.titles
        people, senses = target.people, target.senses
        restriction = target.restriction
        subdomain = _country_subdomain(recipe) if site == DEFAULT_SITE else None
        if subdomain:  # profiles of one country live on its LinkedIn subdomain
            restriction = f"site:{subdomain}.linkedin.com/in"
            site_label = f"{subdomain}.linkedin.com/in"
        before.append(_fixed(restriction))
        if not titles_ok and any(g.role in ("title", "level") for g in groups):
            notes.append(f"job titles left out: {site_label} profiles rarely carry them")
        if target.exclude:
            groups.append(
                Group(
                    "exclude",
                    "exclude: not profiles",
                    tuple(Alternative(text, _site_source(target)) for text in target.exclude),
                    "user",
                )
            )
    for qualifier in board.fixed:
        after.append(_fixed(qualifier))
    if board.language_qualifier and language:
        after.append(Field(board.language_qualifier, Word(github_language_value(language))))

    if board.language_qualifier:
        groups = _one_bio_group(groups, language, notes, board)
    slots: list[Slot] = []
    left_out: dict[str, list[str]] = {}
    exclusions: list[Group] = []
    for group in groups:
        if group.role == "exclude":
            levels_ok = (
                titles_ok and board.levels and board.titles != "none" and not board.level_fields
            )
            applies = {"user": True, "level": levels_ok, "people": people}
            if applies.get(group.kind, senses):
                exclusions.append(group)
            continue
        placement, reason = _placement(group, board, titles_ok)
        if placement is None:
            if reason:
                left_out.setdefault(reason, []).append(group.label)
            continue
        if placement == "filter":
            fields.extend(_filter_fields(group, board, recipe))
            continue
        if group.role == "location" and placement in ("param", "qualifier"):
            group = group._replace(alternatives=_one_name_per_place(group, recipe, placement))
        one_each = placement in ("param", "qualifier") or (
            not board.or_op and placement in ("any", "field")
        )
        nodes = None
        if group.role == "level" and board.level_field and placement == "any":
            nodes = {a.text: _title_scoped(board, a.text) for a in group.alternatives}
        slots.append(Slot(group, placement, 1 if one_each else 0, nodes))
    if exclusions:
        slots.append(_exclusion_slot(exclusions, board))
    notes.extend(f"{' and '.join(labels)} left out: {why}" for why, labels in left_out.items())
    if not any(slot.group.role == "skill" for slot in slots) and not (
        board.language_qualifier and language
    ):
        raise QueryError("nothing to search for")
    if board.searches == "job postings":
        notes.append(
            f"{board.name} links search job postings, not people: useful to map who is hiring "
            f"this skill; candidates are in {JOB_BOARD_PRODUCTS.get(board.slug, 'its paid candidate search')}"
        )
        outside = [
            p.label
            for p in recipe.places
            if board.slug == "dice" and p.country and p.country.code != "us"
        ]
        if outside:
            notes.append(f"Dice lists US jobs only: {'; '.join(outside)} searched on its US site")
    searches = assemble(
        board, slots, before=before, after=after, notes=notes, site=site_label, fit=fit
    )
    return _on_country_sites(searches, board, recipe, tuple(fields))


def _one_bio_group(
    groups: list[Group], language: str | None, notes: list[str], board: Board
) -> list[Group]:
    """GitHub: the language goes in language:, and one skill at most is sought in bios
    (every bio would have to mention every skill otherwise)."""
    skills = [g for g in groups if g.role == "skill"]
    bio = [g for g in skills if language is None or g.label != f"skill: {language}"]
    keep = bio[:1]
    for group in bio[1:]:
        notes.append(f"{group.label} left out: GitHub looks for one skill in bios")
    return [g for g in groups if g.role != "skill" or g in keep]


def _one_name_per_place(
    group: Group, recipe: Recipe, placement: Placement
) -> tuple[Alternative, ...]:
    """One name per place in a URL parameter or qualifier: the local one on a country site
    (München on de.indeed.com), the English one on GitHub."""
    by_name = {clean_text(name): place for place in recipe.places for name in place.names}
    chosen: dict[str, Alternative] = {}
    for alternative in group.alternatives:
        place = by_name.get(alternative.text)
        if place is None:
            chosen.setdefault(alternative.text, alternative)
            continue
        names = place.names[:2]
        name = clean_text(names[-1] if placement == "param" else names[0])
        chosen.setdefault(place.given, Alternative(name, alternative.source))
    return tuple(chosen.values())


def _country_subdomain(recipe: Recipe) -> str | None:
    """The LinkedIn subdomain all the places asked for share (de for Munich and Berlin)."""
    subdomains = {p.country.linkedin if p.country else "" for p in recipe.places}
    if len(subdomains) == 1 and (only := subdomains.pop()) not in ("", "www"):
        return only
    return None


def _filter_fields(group: Group, board: Board, recipe: Recipe) -> list[tuple[str, str]]:
    """What goes into a people board's own fields instead of its keywords."""
    if group.role == "location":
        return [("Location filter", "; ".join(p.label for p in recipe.places) or "")]
    if group.role == "level" and recipe.level is not None:
        from sourcer.query.boards import FIELD_LABELS, LEVEL_FILTERS

        return [(FIELD_LABELS[f], LEVEL_FILTERS[f][recipe.level]) for f in board.level_fields]
    node = AnyOf(tuple(w for a in group.alternatives if (w := word(a.text)) is not None))
    return [("Job title", render(node, board))]


def _on_country_sites(
    searches: list[Search], board: Board, recipe: Recipe, fields: tuple[tuple[str, str], ...]
) -> list[Search]:
    """Each part with the fields to set and, on job boards, the country site of its place."""
    if not fields and board.location != "param":
        return searches
    by_name = {name: p for p in recipe.places for name in p.names}
    out = []
    for search in searches:
        place = by_name.get(search.location or "")
        host = None
        if place is not None and place.country is not None and board.url is not None:
            host = _country_host(board, place.country) or None
        out.append(search._replace(fields=fields, host=host))
    return out


def _country_host(board: Board, country: "Country") -> str:
    """The board's site in a country of the place table ('' where it has none)."""
    hosts = {"indeed": country.indeed, "monster": country.monster, "dice": country.dice}
    return hosts.get(board.slug, "")


def _trim_shared(
    slots: Sequence[Slot],
    plans: list[Plan],
    board: Board,
    measure_plan: Callable[[Plan], Metrics],
) -> tuple[list[Plan], list[Alternative]]:
    """Keep a one-part search within the board's soft limits by leaving out shared
    exclusions from the end (never the user's, never the first two, never anything searched
    for); a search still too long keeps them all and warns."""
    if len(plans) != 1:
        return plans, []
    plan = [list(chosen) for chosen in plans[0]]
    trimmed: list[Alternative] = []

    def within() -> bool:
        measured = measure_plan(tuple(tuple(c) for c in plan))
        return all(measured.get(lim.metric) <= lim.value for lim in board.soft_limits)

    for index, slot in enumerate(slots):
        if slot.placement != "exclude":
            continue
        while not within():
            shared = [a for a in plan[index] if not _is_user_source(a.source)]
            if len(shared) <= _SHARED_FLOOR:
                break
            plan[index].remove(shared[-1])
            trimmed.append(shared[-1])
    if not within():
        return plans, []  # shortening the exclusions is not enough: keep them, and warn
    return [tuple(tuple(c) for c in plan)], trimmed


#: shared exclusions a search keeps whatever its length (recruiters and managers come first)
_SHARED_FLOOR = 2
#: sources of exclusions the user asked for (never trimmed for a soft limit)
_USER_SOURCES = frozenset({"--exclude"})


def _site_source(target: Site) -> str:
    return f"--site {target.slug} (sites table, sourcer/query/boards.py)"


def _is_user_source(source: str) -> bool:
    return source in _USER_SOURCES or source.startswith("--site ")


def _title_scoped(board: Board, text: str) -> Node:
    """A seniority word where the board reads titles: intitle:Senior on X-ray."""
    node = word(text) or Word(text)
    return Field(board.level_field, node) if board.level_field else node


def _exclusion_slot(groups: Sequence[Group], board: Board) -> Slot:
    """One exclusion slot from every applicable group, the most useful first: yours, the
    level ladder, then people and other meanings in turn (the last go first for room)."""
    by_kind: dict[str, list[Alternative]] = {}
    kind_of: dict[str, str] = {}
    for group in groups:
        for alternative in group.alternatives:
            if alternative.text.casefold() not in kind_of:
                kind_of[alternative.text.casefold()] = group.kind
                by_kind.setdefault(group.kind, []).append(alternative)
    ordered = [
        *by_kind.get("user", ()),
        *by_kind.get("level", ()),
        *_alternate(by_kind.get("people", []), by_kind.get("sense", [])),
    ]
    nodes: dict[str, Node] = {}
    for alternative in ordered:
        if kind_of[alternative.text.casefold()] == "level":
            nodes[alternative.text] = _title_scoped(board, alternative.text)
        else:
            nodes[alternative.text] = word(alternative.text) or Word(alternative.text)
    return Slot(Group("exclude", "exclude", tuple(ordered)), "exclude", 0, nodes)


def _alternate(first: Sequence[Alternative], second: Sequence[Alternative]) -> list[Alternative]:
    """first[0], second[0], first[1], second[1], then the rest of both."""
    head = [a for pair in zip(first[:2], second[:2], strict=False) for a in pair]
    taken = set(head)
    return head + [a for a in (*first, *second) if a not in taken]


def assemble(
    board: Board,
    slots: Sequence[Slot],
    *,
    before: Sequence[Node] = (),
    after: Sequence[Node] = (),
    notes: Sequence[str] = (),
    site: str | None = None,
    fit: Fit = "split",
    ranked: bool = True,
) -> list[Search]:
    """Fit the slots into the board's limits, then render every part. ``ranked`` slots list
    alternatives best first, and a split may drop the tail of a ranking to stay within the
    board's parts; unranked ones (a string someone wrote) are all kept where they fit."""
    notes = list(notes)
    # The fitter tries many plans; each alternative's node is worked out once.
    node_of = [slot.node_of() for slot in slots]

    def tree(plan: Plan) -> tuple[Node, str | None]:
        return _part_tree(board, slots, node_of, before, after, plan)

    # --fit drop keeps within the soft limits as well (LinkedIn's disputed ones).
    limits = board.limits if fit == "drop" else board.hard_limits
    measure_plan = _PlanMeasure(board, slots, tree, before, after, node_of, limits)

    #: each part's size, where the fitter measured it (see _PlanMeasure), and its spans
    sizes: Sequence[int] = ()
    spans: Sequence[Sequence[Span]] = ()
    if not limits and not any(slot.cap for slot in slots):
        # Nothing to fit: one part with everything (the common case, kept cheap).
        fitted_plans: list[Plan] = [tuple(slot.group.alternatives for slot in slots)]
        fitted_dropped: list[tuple[int, Alternative]] = []
    else:
        room = measure_plan if limits else _Unlimited(slots)
        fitted = _fit(slots, fit, room, limits, board, ranked)
        fitted_plans, fitted_dropped, spans = fitted.plans, fitted.dropped, fitted.spans
        if limits:
            sizes = fitted.sizes
    soft = board.soft_limits
    if fit == "split" and soft and ranked:
        fitted_plans, trimmed = _trim_shared(slots, fitted_plans, board, measure_plan)
        sizes = spans = ()
    else:
        trimmed = []
    dropped = tuple(f"{slots[i].group.label}: {a.text}" for i, a in fitted_dropped)
    if trimmed:
        # Shared exclusions (people, other meanings, the level ladder) give way to the
        # board's soft limits quietly: they are listed in --json and --explain.
        dropped += tuple(f"exclude: {a.text}" for a in trimmed)
    if fitted_dropped:
        why = f"to keep within {_limits_text(limits)}" if limits else "one of each per search"
        if board.max_parts and len(fitted_plans) >= board.max_parts and fit == "split":
            why += f" in at most {board.max_parts} parts"
        notes.append(f"left out {why}: " + "; ".join(dropped))

    text_of = _PlanText(board, slots, node_of, before, after, measure_plan.written)
    searches: list[Search] = []
    for number, plan in enumerate(fitted_plans, start=1):
        query, location, used = text_of(plan, spans[number - 1] if spans else ())
        if query is None:
            node, location = tree(plan)
            query, used = render(node, board), _features(node)
        measured = measure_plan(plan, query, sizes[number - 1] if sizes else None)
        caveats = [text for feature, text in board.caveats.items() if feature in used]
        warnings = [*notes, *_soft_warnings(soft, measured, fit), *caveats]
        searches.append(
            Search(
                board=board.slug,
                site=site,
                part=number,
                parts=len(fitted_plans),
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


def _part_tree(
    board: Board,
    slots: Sequence[Slot],
    node_of: Sequence[dict[Alternative, Node]],
    before: Sequence[Node],
    after: Sequence[Node],
    plan: Plan,
) -> tuple[Node, str | None]:
    """A plan's search as a tree, and its location (a URL parameter) if it has one."""
    items = list(before)
    exclusions: list[Node] = []
    location = None
    for index, (slot, chosen) in enumerate(zip(slots, plan, strict=True)):
        if not chosen:
            continue
        nodes: list[Node] = [node_of[index][a] for a in chosen if a in node_of[index]]
        if not nodes:
            continue
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


#: A *size* packs a part's measures into one int, a field of bits each, so that the fitter
#: adds groups' sizes with one + (see sourcer.query.fit.Room): characters, words and
#: operators (each piece's with the glue written before it: a space, or " AND "), then the
#: number of pieces and of pieces that are not a NOT. No field reaches 2**32.
_FIELD = 32
_MASK = (1 << _FIELD) - 1
_NO_LIMIT = 1 << 62


def _size(chars: int, words: int, operators: int, pieces: int = 0, plain: int = 0) -> int:
    return (
        chars
        | words << _FIELD
        | operators << 2 * _FIELD
        | pieces << 3 * _FIELD
        | plain << 4 * _FIELD
    )


def _pieces(size: int) -> int:
    return size >> 3 * _FIELD & _MASK


_SPACE = _size(1, 0, 0)  # the glue before a NOT; a minus
_NOT = _size(4, 1, 1)  # "NOT "
_PLAIN_PIECE = _size(0, 0, 0, 1, 1)  # one more piece, not a NOT
_NOT_PIECE = _size(0, 0, 0, 1, 0)  # one more piece, a NOT


class _Slot(NamedTuple):
    """What the measure knows of one slot: its alternatives' sizes by position."""

    #: how the slot is written: "members" (one piece: a OR b), "each" (a piece per
    #: alternative: -a -b), "qualifier" (location:first), "none" (a URL parameter)
    kind: str
    alternatives: tuple[Alternative, ...]
    #: how many of the first k alternatives have a node (index k)
    valid: list[int]
    #: "members": the sum of the first k alternatives' measures as OR members; "each": of
    #: their pieces
    sums: list[int]
    #: the size of a members piece of two alternatives, and what each more one adds
    pair: int
    join: int
    #: each alternative as it is written as an OR member, where it was measured so
    written: dict[Alternative, str]


def _simple(node: Node) -> bool:
    """A word, or a field holding one: the board has nothing to rewrite in it, and it reads
    the same wherever it stands (an OR member, a piece of the search, after a NOT), as one
    token (see sourcer.query.render.measure)."""
    return isinstance(node, Word) or (
        isinstance(node, Field) and isinstance(node.value, Word) and node.name.isalpha()
    )


class _PlanMeasure:
    """The measures of a plan's search without rendering it whole: the fitter's Room.

    The fitter tries many plans that differ in one group. A search is the top-level AND of
    its groups' nodes, and its measures are the sums of theirs plus the operators that join
    them (rendered pieces hold balanced quotes, so no word spans two of them). So each
    alternative is measured once, as a member of an OR group (a word, or a field of one,
    without rendering it: render.member), and that measure gives its piece alone
    too (the same token, after a minus or a NOT); a group's size for a span of alternatives
    is then a difference of running sums, and a plan's measures the sum of its groups'
    sizes (see _size). A search of one piece, which renders without the parentheses a piece
    has inside AND, is rendered whole, and so is one whose first piece might be a NOT
    written before plain ones (only a string someone wrote) on a board with an AND operator:
    the glue a search does not write before its first piece then depends on the order.
    """

    def __init__(
        self,
        board: Board,
        slots: Sequence[Slot],
        tree: Callable[[Plan], tuple[Node, str | None]],
        before: Sequence[Node],
        after: Sequence[Node],
        node_of: Sequence[dict[Alternative, Node]],
        limits: Sequence[Limit] = (),
    ) -> None:
        self.board = board
        self.slots = slots
        self.tree = tree
        self.node_of = node_of
        self.limits = limits
        glue_and = f" {board.and_op} " if board.and_op else " "
        and_word = 1 if glue_and != " " and board.and_op.upper() in OPERATOR_WORDS else 0
        self._glue_and = _size(len(glue_and), 1 if glue_and != " " else 0, and_word)
        self._glue_not = _SPACE
        self._or_word = 1 if board.or_op.upper() in OPERATOR_WORDS else 0
        before_pieces = [size for node in before for size in self._node_pieces(node)]
        after_pieces = [size for node in after for size in self._node_pieces(node)]
        self._fixed = sum(before_pieces) + sum(after_pieces)
        # The glue the search does not write before its first piece: the same whatever it
        # is where AND is a space, and that of the first fixed piece where there is one;
        # else (None) " AND " if any piece is plain, when every plain piece comes before
        # every NOT (exclusions come last; a NOT among a group's alternatives, or fixed
        # after them, only in a string someone wrote: then the search is rendered whole).
        self._lead: int | None = None
        if glue_and == " ":
            self._lead = self._glue_and
        elif before_pieces:
            self._lead = self._glue_and if before_pieces[0] >> 4 * _FIELD else self._glue_not
        self._lead_known = self._lead is not None or not (
            any(not size >> 4 * _FIELD for size in after_pieces)
            or any(
                isinstance(node, Not)
                for index, slot in enumerate(slots)
                if slot.placement == "any"
                for node in node_of[index].values()
            )
        )
        self._slots: list[_Slot | None] = [None] * len(slots)
        self._prefix: list[list[int] | None] = [None] * len(slots)
        #: by slot: the size of each alternative alone, where worked out (see _alone_size)
        self._alone: list[list[int | None] | None] = [None] * len(slots)
        most = {metric: _NO_LIMIT for metric in METRIC_NAMES}
        for limit in limits:
            most[limit.metric] = min(most[limit.metric], limit.value)
        self._most = (most["chars"], most["words"], most["terms"], most["operators"])

    # -- the fitter's Room -------------------------------------------------------------

    def size(self, index: int, start: int, stop: int) -> int:
        """The size of slot ``index`` holding its alternatives ``start:stop``."""
        info = self._slots[index] or self._slot(index)
        valid = info.valid
        count = valid[stop] - valid[start]
        if count > 1 and info.kind == "members":  # the common case, first
            return info.sums[stop] - info.sums[start] + info.pair + (count - 2) * info.join
        if not count or info.kind == "none":
            return 0
        if info.kind == "each":
            return info.sums[stop] - info.sums[start]
        if info.kind == "qualifier":
            return self._alone_size(index, start)
        while valid[start + 1] == valid[start]:
            start += 1  # the one alternative with a node
        return self._alone_size(index, start)

    def written(self, index: int) -> dict[Alternative, str]:
        """Slot ``index``'s alternatives as they are written as OR members, where measured
        so (every alternative of a group written as one; the words of -a -b)."""
        return (self._slots[index] or self._slot(index)).written

    def sizes(self, index: int) -> list[int]:
        """``size(index, 0, k)`` for every k."""
        found = self._prefix[index]
        if found is None:
            info = self._slots[index] or self._slot(index)
            if info.kind == "each":
                found = info.sums
            elif info.kind == "members":  # a members piece, once two alternatives are in
                counts, sums, pair, join = info.valid, info.sums, info.pair, info.join
                found = [
                    sums[k] + pair + (count - 2) * join if count > 1 else self.size(index, 0, k)
                    for k, count in enumerate(counts)
                ]
            else:
                found = [self.size(index, 0, k) for k in range(len(info.valid))]
            self._prefix[index] = found
        return found

    def fits(self, total: int, part: Callable[[], Sequence["Span"]]) -> bool:
        """Whether a part of ``total`` size is within the limits (``part``: its spans)."""
        within = self._within(total)
        if within is None:
            measured = self._rendered(self._plan(part()))
            return all(measured.get(limit.metric) <= limit.value for limit in self.limits)
        return within

    def reach(
        self,
        index: int,
        start: int,
        stop: int,
        rest: int,
        part: Callable[["Span"], Sequence["Span"]],
    ) -> int:
        """How far a part holding ``rest`` of the other groups can take slot ``index``'s
        alternatives from ``start`` (see sourcer.query.fit.Room)."""
        info = self._slots[index] or self._slot(index)
        valid, sums, pair, join = info.valid, info.sums, info.pair, info.join
        end = start
        while end < stop:
            count = valid[end + 1] - valid[start]
            if count > 1 and info.kind == "members":  # as size() does, written out
                total = rest + sums[end + 1] - sums[start] + pair + (count - 2) * join
                within = self._within(total)
            elif count == 1 and end == start and info.kind == "members":
                # the first of a run, when it has a node: alone in its group (as size())
                within = self._within(rest + self._alone_size(index, start))
            else:
                within = self._within(rest + self.size(index, start, end + 1))
            if within is None:
                measured = self._rendered(self._plan(part((start, end + 1))))
                within = all(measured.get(lim.metric) <= lim.value for lim in self.limits)
            if not within:
                break
            end += 1
        return end

    def _within(self, total: int) -> bool | None:
        """Whether the search of ``total`` size is within the limits; None where the sum
        cannot tell (see _decode, written out here: the fitter asks this dozens of times)."""
        total += self._fixed
        if total >> 3 * _FIELD & _MASK < 2 or not self._lead_known:
            return None
        lead = self._lead
        if lead is None:
            lead = self._glue_and if total >> 4 * _FIELD else self._glue_not
        total -= lead
        chars = total & _MASK
        words = total >> _FIELD & _MASK
        operators = total >> 2 * _FIELD & _MASK
        most_chars, most_words, most_terms, most_operators = self._most
        return (
            chars <= most_chars
            and words <= most_words
            and words - operators <= most_terms
            and operators <= most_operators
        )

    # -- whole plans ---------------------------------------------------------------------

    def __call__(self, plan: Plan, query: str | None = None, size: int | None = None) -> Metrics:
        """The measures of ``plan``'s search (of ``size``, if the fitter gave it); ``query``,
        its string if at hand, is measured where the fitter measured nothing (a board
        without limits) and where the sizes cannot tell."""
        if query is not None and not self.limits:
            return measure(query)
        total = 0
        for index, chosen in enumerate(plan if size is None else ()):
            if chosen:
                info = self._slots[index] or self._slot(index)
                where = {alternative: p for p, alternative in enumerate(info.alternatives)}
                start = where[chosen[0]]
                stop = start + len(chosen)
                if info.alternatives[start:stop] == chosen:  # a run: as the fitter makes
                    total += self.size(index, start, stop)
                else:
                    total += self._chosen_size(index, [where[a] for a in chosen])
        decoded = self._decode(total if size is None else size)
        if decoded is None:
            return measure(query) if query is not None else self._rendered(plan)
        chars, words, operators = decoded
        return Metrics(chars, words, words - operators, operators)

    def _decode(self, total: int) -> tuple[int, int, int] | None:
        """Characters, words and operators of the search of ``total`` size; None where the
        sum cannot tell (a search of one piece, or a NOT that might come first)."""
        total += self._fixed
        if _pieces(total) < 2 or not self._lead_known:
            return None
        # Every piece's size holds the glue before it; the first has none.
        lead = self._lead
        if lead is None:
            lead = self._glue_and if total >> 4 * _FIELD else self._glue_not
        total -= lead
        return total & _MASK, total >> _FIELD & _MASK, total >> 2 * _FIELD & _MASK

    def _rendered(self, plan: Plan) -> Metrics:
        return measure(render(self.tree(plan)[0], self.board))

    def _plan(self, spans: Sequence["Span"]) -> Plan:
        return tuple(
            slot.group.alternatives[start:stop]
            for slot, (start, stop) in zip(self.slots, spans, strict=True)
        )

    # -- sizes ---------------------------------------------------------------------------

    def _slot(self, index: int) -> _Slot:
        """Slot ``index``'s alternatives measured (once, when first asked)."""
        slot, board = self.slots[index], self.board
        alternatives = slot.group.alternatives
        nodes = self.node_of[index]
        valid = [0]
        sums = [0]
        pair = join = 0
        if slot.placement == "param":
            kind = "none"
        elif slot.placement == "qualifier":
            kind = "qualifier"
        elif slot.placement == "exclude" and (board.not_style == "-" or not board.or_op):
            kind = "each"  # written -a -b (or NOT a NOT b): a piece for each alternative
        else:
            # (a OR b), NOT (a OR b) or field:(a OR b): the members' measures, the ORs
            # between them, the parentheses, and what goes before
            kind = "members"
            join = _size(len(board.or_op) + 2, 1, self._or_word)
            negated = slot.placement == "exclude"
            if negated:
                glue, before = self._glue_not, _NOT
            elif slot.placement == "field":
                glue, before = self._glue_and, _size(len(board.title_field) + 1, 1, 0)
            else:
                glue, before = self._glue_and, 0
            piece = _NOT_PIECE if negated else _PLAIN_PIECE
            pair = _size(2, 0, 0) + piece + glue + before + join  # "(" and ")"
        # -a, one token still, or NOT a: a word as it reads in an OR group, after the NOT
        not_piece = (_SPACE if board.not_style == "-" else _NOT) + self._glue_not + _NOT_PIECE
        made_by_word = slot.nodes is None  # every node is word(text): see word_member
        written: dict[Alternative, str] = {}
        count = size = 0
        for position, alternative in enumerate(alternatives):
            node = nodes.get(alternative)
            if node is not None:
                count += 1
                if kind == "members":
                    if made_by_word:
                        assert isinstance(node, Word)
                        text, chars, words, operators = word_member(node)
                    else:
                        text, chars, words, operators = member(node, board)
                    written[alternative] = text
                    size += chars | words << _FIELD | operators << 2 * _FIELD
                elif kind == "each":
                    if isinstance(node, Word) or _simple(node):
                        text, chars, words, operators = member(node, board)
                        written[alternative] = text
                        size += (chars | words << _FIELD | operators << 2 * _FIELD) + not_piece
                    else:
                        size += self._alone_size(index, position)
            valid.append(count)
            sums.append(size)
        info = _Slot(kind, alternatives, valid, sums, pair, join, written)
        self._slots[index] = info
        return info

    def _chosen_size(self, index: int, positions: Sequence[int]) -> int:
        """The size of slot ``index`` holding the alternatives at ``positions``."""
        info = self._slots[index] or self._slot(index)
        valid = [p for p in positions if info.valid[p + 1] > info.valid[p]]
        if not valid or info.kind == "none":
            return 0
        if info.kind == "each":
            return sum(info.sums[p + 1] - info.sums[p] for p in valid)
        if info.kind == "qualifier":
            return self._alone_size(index, positions[0])
        if len(valid) == 1:
            return self._alone_size(index, valid[0])
        members = sum(info.sums[p + 1] - info.sums[p] for p in valid)
        return members + info.pair + (len(valid) - 2) * info.join

    def _alone_size(self, index: int, position: int) -> int:
        """The pieces of the alternative at ``position`` when its group holds just it."""
        known = self._alone[index]
        if known is None:
            known = self._alone[index] = [None] * len(self.slots[index].group.alternatives)
        found = known[position]
        if found is not None:
            return found
        slot, board = self.slots[index], self.board
        alternative = slot.group.alternatives[position]
        node: Node
        if slot.placement == "qualifier":
            node = Field(board.location_key, Word(alternative.text))
        else:
            node = self.node_of[index][alternative]
            if slot.placement == "exclude":
                node = Not(node)
            elif slot.placement == "field":
                node = Field(board.title_field, node)
            elif _simple(node):
                # a word alone reads as it does in an OR group
                sums = (self._slots[index] or self._slot(index)).sums
                member = sums[position + 1] - sums[position]
                found = known[position] = member + self._glue_and + _PLAIN_PIECE
                return found
        found = known[position] = sum(self._node_pieces(node))
        return found

    def _node_pieces(self, node: Node) -> list[int]:
        """The sizes of what ``node`` becomes inside the search's top-level AND: one piece,
        or several where the board writes NOT (a OR b) as -a -b."""
        board = self.board
        if _simple(node):  # one piece, written as it would be in an OR group
            _, chars, words, operators = member(node, board)
            return [self._glue_and + _size(chars, words, operators, 1, 1)]
        sizes = []
        for text, negated in _top_pieces(node, board):
            measured = measure(text)
            glue = self._glue_not if negated else self._glue_and
            sizes.append(
                glue
                + _size(measured.chars, measured.words, measured.operators, 1, 0 if negated else 1)
            )
        return sizes


#: what a group adds to a part: pieces, pieces that go last, a location, features used
_Share = tuple[list[tuple[str, bool]], list[tuple[str, bool]], str | None, AbstractSet[str]]
#: no feature used (shared: a share's features are only read)
_NOTHING: frozenset[str] = frozenset()


class _PlanText:
    """A plan's search string put together from its pieces, each rendered once.

    The parts of a split search share most of their pieces (every group but the spread
    one, the site, the exclusions), so each alternative is rendered once, as an OR member
    or as the pieces it makes alone, and a part is those joined: what rendering its tree
    (_part_tree) whole gives, piece for piece (see sourcer.query.render: the top-level AND
    renders each of its lowered children on its own, and joins them with the glue before
    each). A search of fewer than two pieces, which renders without the parentheses, is
    left to render. What the tree uses (_features) is worked out the same way, where the
    board has caveats about it.
    """

    def __init__(
        self,
        board: Board,
        slots: Sequence[Slot],
        node_of: Sequence[dict[Alternative, Node]],
        before: Sequence[Node],
        after: Sequence[Node],
        written: Callable[[int], Mapping[Alternative, str]],
    ) -> None:
        self.board = board
        self.slots = slots
        self.node_of = node_of
        self.before = before
        self.after = after
        self._written = written
        self._before = [piece for node in before for piece in _top_pieces(node, board)]
        self._after = [piece for node in after for piece in _top_pieces(node, board)]
        self._glue = f" {board.and_op} " if board.and_op else " "
        self._or = f" {board.or_op} "
        #: (slot, alternative, how) -> its pieces: alone (``how``: its slot's placement), or
        #: the NOT of it split out of a group's ("not")
        self._pieces_of: dict[tuple[int, Alternative, str], list[tuple[str, bool]]] = {}
        #: what each alternative's node uses, where a board has caveats (see _used)
        self._features: list[dict[Alternative, set[str]] | None] = [None] * len(slots)
        self._wanted = frozenset(board.caveats)
        #: the caveats' features a group's own shape can use (its OR, NOT or title field)
        self._structure_wanted = self._wanted & {"or", "not", board.title_field}
        self._fixed_used = _features(AllOf((*before, *after))) & self._wanted
        #: (slot, start, stop) -> what that span of the slot adds to a part (see _share)
        self._made: dict[tuple[int, int, int], _Share | None] = {}

    def __call__(
        self, plan: Plan, spans: Sequence["Span"] = ()
    ) -> tuple[str | None, str | None, set[str]]:
        """The search string of ``plan`` (None where it is one piece: render it whole), its
        location (a URL parameter) if it has one, and which of the features the board's
        caveats name it uses. Given the plan's ``spans`` (the fitter's), each group's share
        is made once for all the parts that hold the same span of it."""
        pieces = list(self._before)
        exclusions: list[tuple[str, bool]] = []
        location = None
        used = set(self._fixed_used)
        made = self._made
        for index, chosen in enumerate(plan):
            if not chosen:
                continue
            if spans:
                start, stop = spans[index]
                key = (index, start, stop)
                share = made.get(key)
                if share is None:
                    share = made[key] = self._share(index, chosen)
            else:
                share = self._share(index, chosen)
            if share is None:
                return None, location, used  # render says why it cannot be written
            mine, theirs, where, uses = share
            pieces += mine
            exclusions += theirs
            if where is not None:
                location = where
            if uses:
                used |= uses
        pieces += self._after
        pieces += exclusions
        if len(pieces) < 2:
            return None, location, used
        glue = self._glue
        written = [pieces[0][0]]
        for text, negated in pieces[1:]:
            written.append(" " if negated else glue)
            written.append(text)
        return "".join(written), location, used

    def _share(self, index: int, chosen: Sequence[Alternative]) -> _Share | None:
        """What slot ``index`` holding ``chosen`` adds to a part: its pieces, its pieces
        that go last (exclusions), its location and the features it uses; None where the
        board cannot write it (an OR group on a board without OR)."""
        board = self.board
        nodes = self.node_of[index]
        present = [a for a in chosen if a in nodes]
        if not present:
            return [], [], None, set()
        placement = self.slots[index].placement
        if placement == "param":
            return [], [], chosen[0].text, set()
        used = self._used(index, present, placement) if board.caveats else set()
        if placement == "qualifier":
            return self._alone(index, chosen[0], "qualifier"), [], None, used
        if len(present) == 1:
            alone = self._alone(index, present[0], placement)
            return ([], alone, None, used) if placement == "exclude" else (alone, [], None, used)
        if not board.or_op:
            return None
        if placement == "exclude":
            if board.not_style == "-":  # NOT (a OR b) is written -a -b
                split = [piece for a in present for piece in self._alone(index, a, "not")]
                return [], split, None, used
            return [], [(f"NOT ({self._joined(index, present)})", True)], None, used
        if placement == "field":
            return (
                [(f"{board.title_field}:({self._joined(index, present)})", False)],
                [],
                None,
                used,
            )
        return [(f"({self._joined(index, present)})", False)], [], None, used

    def _used(self, index: int, present: Sequence[Alternative], placement: str) -> AbstractSet[str]:
        """Which of the features the board's caveats name the slot's node in the tree uses
        (see _part_tree and _features)."""
        wanted = self._wanted
        if placement == "qualifier":
            return {self.board.location_key} & wanted
        features = self._features[index]
        if features is None:  # those of the alternatives that use any
            features = self._features[index] = (
                {
                    alternative: found
                    for alternative, node in self.node_of[index].items()
                    if (found := _features(node) & wanted)
                }
                if self.slots[index].nodes is not None
                else {}  # a word made by word() uses nothing
            )
        if not features and not self._structure_wanted:
            return _NOTHING  # the common case: nothing a caveat names (Bing's inurl:)
        used = set()
        if len(present) > 1:
            used.add("or")
        if placement == "exclude":
            used.add("not")
        elif placement == "field":
            used.add(self.board.title_field)
        used &= wanted
        for alternative in present:
            used |= features.get(alternative, _NOTHING)
        return used

    def _joined(self, index: int, present: Sequence[Alternative]) -> str:
        """The alternatives as OR members, joined."""
        written = self._written(index)
        return self._or.join([written[alternative] for alternative in present])

    def _alone(self, index: int, alternative: Alternative, how: str) -> list[tuple[str, bool]]:
        """The pieces an alternative makes as the only one of its group (placed ``how``),
        or as one NOT split out of a group's (``how`` "not")."""
        key = (index, alternative, how)
        found = self._pieces_of.get(key)
        if found is None:
            found = self._pieces_of[key] = self._alone_pieces(index, alternative, how)
        return found

    def _alone_pieces(
        self, index: int, alternative: Alternative, how: str
    ) -> list[tuple[str, bool]]:
        board = self.board
        if how == "qualifier":
            return _top_pieces(Field(board.location_key, Word(alternative.text)), board)
        node = self.node_of[index][alternative]
        if how == "field":
            return _top_pieces(Field(board.title_field, node), board)
        if isinstance(node, Word):  # a word reads as it does in an OR group
            text = self._written(index).get(alternative) or member(node, board)[0]
            if how == "any":
                return [(text, False)]
            return [(f"-{text}" if board.not_style == "-" else f"NOT {text}", True)]
        if how == "not":  # already split from NOT (a OR b): lowered, not split again
            return [(render_child(Not(lower(node, board)), board), True)]
        return _top_pieces(Not(node) if how == "exclude" else node, board)


def _top_pieces(node: Node, board: Board) -> list[tuple[str, bool]]:
    """What ``node`` becomes inside the search's top-level AND: each piece's text, and
    whether it is a NOT (written after a space, not an AND). One piece, or several where the
    board writes NOT (a OR b) as -a -b."""
    if isinstance(node, Word) or (isinstance(node, Field) and isinstance(node.value, Word)):
        return [(member(node, board)[0], False)]  # the same anywhere
    lowered = lower(AllOf((node,)), board)
    assert isinstance(lowered, AllOf)
    return [(render_child(child, board), isinstance(child, Not)) for child in lowered.items]


class _Unlimited:
    """The fitter's Room on a board without limits: every part fits, nothing is measured
    (the parts only take one of a capped group each)."""

    def __init__(self, slots: Sequence[Slot]) -> None:
        self.slots = slots

    def size(self, index: int, start: int, stop: int) -> int:
        return 0

    def sizes(self, index: int) -> list[int]:
        return [0] * (len(self.slots[index].group.alternatives) + 1)

    def fits(self, total: int, part: Callable[[], Sequence["Span"]]) -> bool:
        return True

    def reach(
        self,
        index: int,
        start: int,
        stop: int,
        rest: int,
        part: Callable[["Span"], Sequence["Span"]],
    ) -> int:
        return stop


def _fit(
    slots: Sequence[Slot],
    fit: Fit,
    room: "Room",
    limits: Sequence[Limit],
    board: Board,
    ranked: bool,
) -> "Fitted":
    from sourcer.query import fit as fitting

    specs = [
        fitting.SlotSpec(
            slot.group.alternatives,
            slot.cap,
            slot.placement == "exclude",
            ROLE_RANK[slot.group.role],
            ranked,
        )
        for slot in slots
    ]
    try:
        fitted = (
            fitting.split(specs, room, board.max_parts if ranked else 0)
            if fit == "split"
            else fitting.drop(specs, room)
        )
    except fitting.Unfittable:
        raise BoardTooSmall(
            f"{board.slug}: even the shortest search breaks its limits "
            f"({_limits_text(limits)}); shorten the terms, or search fewer at once"
        ) from None
    return fitted


def _placement(group: Group, board: Board, titles_ok: bool) -> tuple[Placement | None, str]:
    """Where a group goes on this board, or (None, why it is left out)."""
    role = group.role
    if role == "level" and board.level_fields:
        return "filter", ""
    if role == "title" and board.title_filter:
        return "filter", ""
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
        if board.location == "filter":
            return ("any" if group.kind == "keywords" else "filter"), ""
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


def _soft_warnings(soft: Sequence[Limit], measured: Metrics, fit: str) -> list[str]:
    """One warning for every soft limit (of the board's) the search is over, saying how to
    shorten it."""
    over = [limit for limit in soft if measured.get(limit.metric) > limit.value]
    if not over or fit == "drop":
        return []
    what = " and ".join(
        f"{measured.get(limit.metric)} {METRIC_NAMES[limit.metric]} (over the {limit.value} "
        f"reported, {limit.confidence}: {limit.source})"
        for limit in over
    )
    return [
        f"{what}: {over[0].effect}; to shorten it, use --fit drop (keeps within the limit, "
        "listing what it leaves out), fewer terms, or --any instead of several required terms"
    ]


def _features(node: Node) -> set[str]:
    """What the tree uses: "or", "not", and the names of fields."""
    if isinstance(node, Word):  # nearly every alternative, and the fields of one
        return set()
    if isinstance(node, Field) and isinstance(node.value, Word):
        return {node.name}
    used: set[str] = set()
    stack: list[Node] = [node]
    while stack:  # a loop, not a recursion: every part of a split search is walked
        n = stack.pop()
        if isinstance(n, Word):
            continue
        if isinstance(n, AnyOf):
            used.add("or")
            stack.extend(n.items)
        elif isinstance(n, AllOf):
            stack.extend(n.items)
        elif isinstance(n, Not):
            used.add("not")
            stack.append(n.item)
        else:
            used.add(n.name)
            stack.append(n.value)
    return used


def compile_searches(
    terms: Sequence[Term],
    options: Options,
    boards: Sequence[str],
    *,
    lookup: Callable[[str], Term | None] = lambda slug: None,
    any_groups: Sequence[Sequence[Term]] = (),
    nice: Sequence[Term] = (),
    skipped: list[str] | None = None,
) -> list[Search]:
    """Every search for ``terms`` on each of ``boards``, in order. With ``nice`` terms, each
    board also gets a narrower variant that requires one of them.

    A board whose limits cannot hold even the shortest search is BoardTooSmall; given a
    ``skipped`` list and other boards that can, it is left out and the reason appended."""
    recipe = build_recipe(terms, options, any_groups=any_groups, nice=nice, lookup=lookup)
    narrower = None
    if nice:
        wanted = any_group(nice, options, [], label="nice to have, one of", lookup=lookup)
        narrower = recipe._replace(groups=(*recipe.groups, wanted))
    language, language_note = None, ""
    if any(BOARDS[b].language_qualifier for b in boards):
        language, language_note = language_of([*terms, *(t for g in any_groups for t in g)], lookup)
    site, fit = options.site, options.fit
    searches: list[Search] = []
    for slug in boards:
        board = BOARDS[slug]
        note = (language_note,) if board.language_qualifier and language_note else ()
        compiled = _parts(recipe, board, site, language, fit, skipped, alone=len(boards) == 1)
        if compiled is None:
            continue
        searches.extend(s._replace(warnings=(*note, *s.warnings)) for s in compiled)
        if narrower is not None:
            variant = _parts(
                narrower,
                board,
                site,
                language,
                fit,
                skipped,
                alone=len(boards) == 1,
                what=" (the narrower variant)",
            )
            searches.extend(s._replace(variant="narrower") for s in variant or ())
    if skipped and not searches:
        raise BoardTooSmall(skipped[0].removesuffix("; left out"))
    return searches


def _parts(
    recipe: Recipe,
    board: Board,
    site: str,
    language: str | None,
    fit: Fit,
    skipped: list[str] | None,
    *,
    alone: bool,
    what: str = "",
) -> list[Search] | None:
    """The board's searches, or None when they cannot fit and the caller keeps a
    ``skipped`` list (and other boards): then the reason is appended."""
    try:
        return compile_board(recipe, board, site=site, language=language, fit=fit)
    except BoardTooSmall as err:
        if skipped is None or alone:
            raise
        skipped.append(f"{err}{what}; left out")
        return None
