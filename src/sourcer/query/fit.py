"""Fitting a search into a board's limits: split it into parts that keep combinations, or
drop the least useful alternatives.

The search is a list of slots (one per group), each with its alternatives ranked (the way
candidates write a skill most often first). A *plan* picks, for every slot, the alternatives
one part uses. Positive slots need at least one alternative in every part; exclusion slots
(``droppable``) may lose members, or all of them, when there is no room.

``split`` follows how sourcers widen a search ("concentric circles"): every part keeps the
same top alternatives of every group but one, and only that one group is spread over the
parts, in rank order. So every combination of the alternatives the parts keep (one from each
group) is found by some part, and part 1 is the best single search. Which group is spread,
and what is dropped to make room, is chosen by value: a group's first alternative is never
dropped; after it, each alternative further down a ranking is worth less (it finds fewer
new people), an exclusion half as much, and each extra part costs a little. Nothing is ever lost silently: every alternative left out is returned in
``dropped``.

What a part holds of a group is always a run of its ranking, ``alternatives[start:stop]``
(a *span*): room is made by dropping from the end of a ranking, a spread group is shared
out in rank order, and a capped group in pieces of ``cap``. The fitter tries a few dozen
parts per search, most differing from the last in one group only; so it works with spans
and *sizes* (see :class:`Room`), adding and subtracting one group's size, and builds the
plans (tuples of alternatives) only for the answer.
"""

from collections.abc import Callable, Sequence
from typing import NamedTuple, Protocol

from sourcer.query.recipe import Alternative, Plan

#: a part's share of one group: its alternatives ``start:stop``
Span = tuple[int, int]


class SlotSpec(NamedTuple):
    """One group as the fitter sees it."""

    alternatives: tuple[Alternative, ...]
    #: most alternatives one part may hold (1 where the board has no OR); 0 = no cap
    cap: int = 0
    #: exclusions: every part holds the same ones; they are dropped for room
    droppable: bool = False
    #: among alternatives of equal standing, lower ranks are dropped first
    rank: int = 0
    #: alternatives in rank order; unranked ones (a string someone wrote) are worth the same
    ranked: bool = True


class Fitted(NamedTuple):
    plans: list[Plan]
    #: (slot index, alternative) left out, in the order they were dropped
    dropped: list[tuple[int, Alternative]]


class Unfittable(Exception):
    """Even the smallest possible part breaks a limit."""


class Room(Protocol):
    """What the fitter asks of a board's limits.

    Each group's span has a *size*, an int that stands for its measures (the board's
    business how: see sourcer.query.search); a part's size is the sum of its groups' sizes,
    so a part that differs from the last in one group costs one subtraction and one
    addition to size. ``fits`` says whether a part of that size is within the limits;
    ``part`` gives its spans, for the rare part a sum cannot measure (one rendered whole).
    """

    def size(self, slot: int, start: int, stop: int) -> int: ...

    def fits(self, total: int, part: Callable[[], Sequence[Span]]) -> bool: ...


#: what one more part costs, in the value of a kept alternative (see _worth)
PART_COST = 0.15


def _worth(spec: SlotSpec, position: int) -> float:
    """What keeping an alternative is worth: a group's first alternative is the search
    itself; further down a ranking each finds fewer new people (1/2, 1/3, ...); an exclusion
    is worth half an alternative at the same place."""
    if not spec.droppable and position == 0:
        return float("inf")
    worth = 1.0 / (position + 1) if spec.ranked else 1.0
    return (0.5 * worth if spec.droppable else worth) + 0.001 * spec.rank


class _Trial(NamedTuple):
    """One way of fitting, in positions: each part's spans, and (slot, position) dropped."""

    parts: list[list[Span]]
    dropped: list[tuple[int, int]]


class _Search(NamedTuple):
    """What every way of fitting one search shares, worked out once."""

    specs: Sequence[SlotSpec]
    #: each alternative's worth, by slot and position
    worths: list[list[float]]
    #: how many alternatives of each group a part holds before anything is dropped (the
    #: first piece of a capped group)
    stops: list[int]
    #: every (slot, position) that may be dropped for room, the least useful first (the
    #: end of a ranking first among equals)
    victims: list[tuple[int, int]]
    #: the size of each group's first k alternatives (index k), up to its stop
    prefix: list[list[int]]
    room: Room


def _prepare(specs: Sequence[SlotSpec], room: Room) -> _Search:
    worths = [
        [_worth(spec, position) for position in range(len(spec.alternatives))] for spec in specs
    ]
    stops = [
        spec.cap if spec.cap and len(spec.alternatives) > spec.cap else len(spec.alternatives)
        for spec in specs
    ]
    # The order does not depend on which group is spread: each spread leaves its own group
    # out of this list, which keeps the rest in order (sorted is stable).
    victims = sorted(
        (
            (i, position)
            for i, stop in enumerate(stops)
            for position in range(stop)
            if worths[i][position] != float("inf")
        ),
        key=lambda v: (worths[v[0]][v[1]], -v[1]),
    )
    prefix = [[room.size(i, 0, k) for k in range(stop + 1)] for i, stop in enumerate(stops)]
    return _Search(specs, worths, stops, victims, prefix, room)


def split(specs: Sequence[SlotSpec], room: Room, max_parts: int = 0) -> Fitted:
    """At most ``max_parts`` parts (0: no limit) that each fit, keep every combination of
    what they hold, and lose as little as possible."""
    search = _prepare(specs, room)
    spread_candidates: list[int | None] = [None]
    spread_candidates += [
        i for i, spec in enumerate(specs) if not spec.droppable and len(spec.alternatives) > 1
    ]
    best: tuple[float, int, _Trial] | None = None
    for spread in spread_candidates:
        trial = _fit_spreading(search, spread, max_parts)
        if trial is None:
            continue
        if spread is None and not trial.dropped and len(trial.parts) == 1:
            return _fitted(specs, trial)  # everything in one part: no split can be worth more
        key = (_value(search, trial), -len(trial.parts))
        if best is None or key > best[:2]:
            best = (*key, trial)
    if best is None:
        raise Unfittable
    return _fitted(specs, best[2])


def drop(specs: Sequence[SlotSpec], room: Room) -> Fitted:
    """One part: drop the least useful alternatives until it fits."""
    trial = _fit_spreading(_prepare(specs, room), None, max_parts=1)
    if trial is None:
        raise Unfittable
    return _fitted(specs, trial)


def _fitted(specs: Sequence[SlotSpec], trial: _Trial) -> Fitted:
    plans = [
        tuple(
            spec.alternatives[start:stop] for spec, (start, stop) in zip(specs, spans, strict=True)
        )
        for spans in trial.parts
    ]
    return Fitted(plans, [(i, specs[i].alternatives[position]) for i, position in trial.dropped])


def _value(search: _Search, trial: _Trial) -> float:
    """The worth of what the parts keep, less the cost of the parts beyond the first.

    Summed alternative by alternative in slot and rank order, so that two ways of fitting
    that keep the same alternatives are worth exactly the same (the number of parts then
    decides)."""
    specs = search.specs
    lost: dict[int, set[Alternative]] = {}
    for i, position in trial.dropped:
        lost.setdefault(i, set()).add(specs[i].alternatives[position])
    value = 0.0
    for i, worths in enumerate(search.worths):
        gone = lost.get(i)
        alternatives = specs[i].alternatives
        for position in range(1, len(worths)):
            if gone is None or alternatives[position] not in gone:
                value += worths[position]
    return value - PART_COST * (len(trial.parts) - 1)


def _fit_spreading(search: _Search, spread: int | None, max_parts: int) -> _Trial | None:
    """Keep every group but ``spread`` whole in every part (as far as room allows) and share
    ``spread``'s alternatives among the parts in rank order; None if nothing fits."""
    specs, room, prefix = search.specs, search.room, search.prefix
    # A capped group holds only ``cap`` alternatives in a part (one where the site has no
    # OR, one place per link): beyond the spread group, each of its pieces gets parts of its
    # own, so that every combination is still searched (every place in every part).
    crossed = [
        i
        for i, stop in enumerate(search.stops)
        if i != spread and stop < len(specs[i].alternatives)
    ]
    victims = search.victims
    ends = list(search.stops)  # the part holds each group's alternatives 0:end
    if spread is not None:
        victims = [v for v in victims if v[0] != spread]
        ends[spread] = 1  # the spread group's first alternative decides what fits

    def part() -> list[Span]:
        return [(0, end) for end in ends]

    # Drop the least useful alternatives, each from the end of its ranking, until the part
    # fits: dropping more only ever shortens a part, and each drop costs a subtraction and
    # an addition to size.
    total = sum(prefix[i][end] for i, end in enumerate(ends))
    gone = 0
    while not room.fits(total, part):
        if gone == len(victims):
            return None
        i = victims[gone][0]
        ends[i] -= 1
        total += prefix[i][ends[i]] - prefix[i][ends[i] + 1]
        gone += 1
    dropped = victims[:gone]
    spans = part()
    if spread is None:
        return _Trial(_crossed(search, [spans], crossed, dropped), dropped)

    # Share the spread group out: each part takes the next alternatives while they fit;
    # one that does not fit even alone is dropped. Only its size changes from one try to
    # the next.
    rest = total - prefix[spread][1]
    size, fits = room.size, room.fits

    def current() -> list[Span]:
        return spans

    count = len(specs[spread].alternatives)
    cap = specs[spread].cap or count
    chunks: list[Span] = []
    start: int | None = None  # the part being filled holds alternatives start:position
    for position in range(count):
        if start is not None:
            if position + 1 - start <= cap:
                spans[spread] = (start, position + 1)
                if fits(rest + size(spread, start, position + 1), current):
                    continue
            chunks.append((start, position))
        spans[spread] = (position, position + 1)
        if fits(rest + size(spread, position, position + 1), current):
            start = position
        else:
            start = None
            dropped.append((spread, position))
    if start is not None:
        chunks.append((start, count))
    if max_parts and len(chunks) > max_parts:
        for first, stop in chunks[max_parts:]:
            dropped.extend((spread, position) for position in range(first, stop))
        chunks = chunks[:max_parts]
    parts = []
    for chunk in chunks:
        spans[spread] = chunk
        parts.append(list(spans))
    return _Trial(_crossed(search, parts, crossed, dropped), dropped)


def _crossed(
    search: _Search,
    parts: list[list[Span]],
    crossed: list[int],
    dropped: list[tuple[int, int]],
) -> list[list[Span]]:
    """Every part once for each piece of every capped group (every place in every part);
    a piece too long for the limits even so is dropped (and listed)."""
    specs, room = search.specs, search.room
    for i in crossed:
        cap, total = specs[i].cap, len(specs[i].alternatives)
        kept: list[list[Span]] = []
        for first in range(0, total, cap):
            piece = (first, min(first + cap, total))
            variants = [[piece if j == i else span for j, span in enumerate(p)] for p in parts]
            if all(_fits(room, variant) for variant in variants):
                kept.extend(variants)
            else:
                dropped.extend((i, position) for position in range(*piece))
        parts = kept or parts
    return parts


def _fits(room: Room, spans: Sequence[Span]) -> bool:
    total = sum(room.size(i, start, stop) for i, (start, stop) in enumerate(spans))
    return room.fits(total, lambda: spans)
