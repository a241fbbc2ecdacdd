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
new people), an exclusion half as much, and each extra part costs a little. Nothing is
ever lost silently: every alternative left out is returned in ``dropped``.

What a part holds of a group is always a run of its ranking, ``alternatives[start:stop]``
(a *span*): room is made by dropping from the end of a ranking, a spread group is shared
out in rank order, and a capped group in pieces of ``cap``. The fitter tries a few dozen
parts per search, most differing from the last in one group only; so it works with spans
and *sizes* (see :class:`Room`), adding and subtracting one group's size, and builds the
plans (tuples of alternatives) only for the answer. (No group holds an alternative twice:
the recipe and the parser see to that.) Dropping an alternative never makes a part longer:
the fewest drops that make a part fit are found by bisection, and an alternative that fits
in a run fits alone.
"""

from collections.abc import Callable, Sequence
from itertools import accumulate, compress
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
    #: each plan's size (see Room)
    sizes: list[int]
    #: each plan's spans: what it holds of each group, ``alternatives[start:stop]``
    spans: list[list[Span]]


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

    def sizes(self, slot: int) -> Sequence[int]:
        """``size(slot, 0, k)`` for every k: room is made from the end of a ranking."""
        ...

    def fits(self, total: int, part: Callable[[], Sequence[Span]]) -> bool: ...

    def reach(
        self, slot: int, start: int, stop: int, rest: int, part: Callable[[Span], Sequence[Span]]
    ) -> int:
        """How far a part holding ``rest`` of the other groups can take ``slot``'s
        alternatives from ``start``: the last end up to ``stop`` such that ``start:end``
        fits, and so does every shorter run; ``start`` if not even one fits. ``part(span)``
        gives the part's spans."""
        ...


#: what one more part costs, in the value of a kept alternative (see _worths)
PART_COST = 0.15
#: the worth of a group's first alternative: never dropped
_ALWAYS = float("inf")


def _worths(spec: SlotSpec) -> list[float]:
    """What keeping each alternative is worth: a group's first alternative is the search
    itself; further down a ranking each finds fewer new people (1/2, 1/3, ...); an exclusion
    is worth half an alternative at the same place."""
    count = len(spec.alternatives)
    rank = 0.001 * spec.rank
    worths = [1.0 / (position + 1) for position in range(count)] if spec.ranked else [1.0] * count
    if spec.droppable:
        return [0.5 * worth + rank for worth in worths]
    return [_ALWAYS if not position else worth + rank for position, worth in enumerate(worths)]


class _Trial(NamedTuple):
    """One way of fitting, in positions: each part's spans and size, and (slot, position)
    dropped."""

    parts: list[list[Span]]
    sizes: list[int]
    dropped: list[tuple[int, int]]
    #: ``dropped`` in the order it was dropped, where that takes work (see _fit_spreading):
    #: asked only of the way chosen
    in_order: Callable[[], list[tuple[int, int]]] | None = None


class _Search(NamedTuple):
    """What every way of fitting one search shares, worked out once."""

    specs: Sequence[SlotSpec]
    #: each alternative's worth, by slot and position
    worths: list[list[float]]
    #: how many alternatives of each group a part holds before anything is dropped (the
    #: first piece of a capped group)
    stops: list[int]
    #: the groups holding more than their cap
    capped: list[int]
    #: every (slot, position) that may be dropped for room, the least useful first (the
    #: end of a ranking first among equals)
    victims: list[tuple[int, int]]
    #: what dropping each victim takes off a part's size (it is the last of its group then)
    deltas: list[int]
    #: the size of each group's first k alternatives (index k)
    prefix: list[Sequence[int]]
    #: the size of a part holding every group to its stop
    whole: int
    room: Room
    #: the worth of every alternative past the first of its group (see _value)
    worth: float
    #: how far a _rough_value may be from _value (rounding)
    rounding: float


def _prepare(specs: Sequence[SlotSpec], room: Room) -> _Search:
    worths = [_worths(spec) for spec in specs]
    stops = [
        spec.cap if spec.cap and len(spec.alternatives) > spec.cap else len(spec.alternatives)
        for spec in specs
    ]
    # The order does not depend on which group is spread: each spread leaves its own group
    # out of this list, which keeps the rest in order. Among equals, the end of a ranking
    # goes first, then the first group.
    ranked = sorted(
        [
            (worth, -position, i, position)
            for i, stop in enumerate(stops)
            for position, worth in enumerate(worths[i][:stop])
            if worth != _ALWAYS
        ]
    )
    victims = [(i, position) for _, _, i, position in ranked]
    prefix = [room.sizes(i) for i in range(len(specs))]
    deltas = [prefix[i][position] - prefix[i][position + 1] for i, position in victims]
    whole = sum(prefix[i][stop] for i, stop in enumerate(stops))
    worth = sum(sum(worth[1:]) for worth in worths)
    count = sum(len(worth) for worth in worths)
    # Each float sum of n terms is within n * 2.2e-16 of its terms' total (their sizes
    # summed); both values are, and so is the part cost taken off them.
    rounding = 1e-15 * (count + 2) * (worth + 1)
    capped = [i for i, stop in enumerate(stops) if stop < len(specs[i].alternatives)]
    return _Search(
        specs, worths, stops, capped, victims, deltas, prefix, whole, room, worth, rounding
    )


def split(specs: Sequence[SlotSpec], room: Room, max_parts: int = 0) -> Fitted:
    """At most ``max_parts`` parts (0: no limit) that each fit, keep every combination of
    what they hold, and lose as little as possible."""
    search = _prepare(specs, room)
    spread_candidates: list[int | None] = [None]
    spread_candidates += [
        i for i, spec in enumerate(specs) if not spec.droppable and len(spec.alternatives) > 1
    ]
    trials: list[tuple[float, _Trial]] = []
    for spread in spread_candidates:
        trial = _fit_spreading(search, spread, max_parts)
        if trial is None:
            continue
        if spread is None and not trial.dropped and len(trial.parts) == 1:
            return _fitted(specs, trial)  # everything in one part: no split can be worth more
        trials.append((_rough_value(search, trial), trial))
    if not trials:
        raise Unfittable
    # The most valuable, the fewer parts between equals, the first between those. Rough
    # values within rounding of the best are summed again in order (_value), so that the
    # choice is exactly what that sum decides.
    top = max(rough for rough, _ in trials)
    near = [trial for rough, trial in trials if rough >= top - 2 * search.rounding]
    if len(near) == 1:
        return _fitted(specs, near[0])
    return _fitted(specs, max(near, key=lambda t: (_value(search, t), -len(t.parts))))


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
    in_order = trial.dropped if trial.in_order is None else trial.in_order()
    dropped = [(i, specs[i].alternatives[position]) for i, position in in_order]
    return Fitted(plans, dropped, trial.sizes, trial.parts)


def _rough_value(search: _Search, trial: _Trial) -> float:
    """_value, within ``search.rounding``: all the worth less what is dropped."""
    worths = search.worths
    lost = sum([worths[i][position] for i, position in set(trial.dropped) if position])
    return search.worth - lost - PART_COST * (len(trial.parts) - 1)


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
    crossed = [i for i in search.capped if i != spread]
    victims, deltas, total = search.victims, search.deltas, search.whole
    if spread is not None:
        mine = [victim[0] != spread for victim in victims]
        victims = list(compress(victims, mine))
        deltas = list(compress(deltas, mine))
        # the spread group's first alternative decides what fits
        total += prefix[spread][1] - prefix[spread][search.stops[spread]]
    # totals[k]: the part's size once the first k victims are dropped (each is the last
    # of its group by then, so its delta is known beforehand)
    totals = list(accumulate(deltas, initial=total))

    def spans_after(gone: int) -> list[Span]:
        ends = list(search.stops)
        for i, _ in victims[:gone]:
            ends[i] -= 1
        if spread is not None:
            ends[spread] = 1
        return [(0, end) for end in ends]

    def without(gone: int) -> bool:
        """Whether the part fits once the first ``gone`` victims are dropped."""
        return room.fits(totals[gone], lambda: spans_after(gone))

    # Dropping more only ever shortens a part, so the fewest victims that make it fit are
    # found by bisection.
    low = 0
    if not without(0):
        low, high = 1, len(victims)
        if not without(high):
            return None
        while low < high:
            middle = (low + high) // 2
            if without(middle):
                high = middle
            else:
                low = middle + 1
    dropped = victims[:low]
    spans = spans_after(low)
    total = totals[low]
    if spread is None:
        return _crossed(search, _Trial([spans], [total], dropped), crossed)

    # Share the spread group out: each part takes the next alternatives while they fit;
    # one that does not fit even alone is dropped. Only its size changes from one try to
    # the next.
    rest = total - prefix[spread][1]

    def part(span: Span) -> list[Span]:
        return [span if i == spread else other for i, other in enumerate(spans)]

    count = len(specs[spread].alternatives)
    cap = specs[spread].cap or count
    chunks: list[Span] = []
    position = 0
    while position < count and (not max_parts or len(chunks) < max_parts):
        end = room.reach(spread, position, min(position + cap, count), rest, part)
        if end == position:
            dropped.append((spread, position))
            position += 1
        else:
            chunks.append((position, end))
            position = end
    # Past the parts the board allows, the rest of the ranking is dropped: first what does
    # not fit even alone (sharing out would have dropped it on the way), then the rest.
    # Only the way chosen needs that order, so it is worked out when asked.
    at = len(dropped)
    dropped.extend((spread, q) for q in range(position, count))
    end = len(dropped)

    def in_order() -> list[tuple[int, int]]:
        tail = dropped[at:end]

        def fits_alone(q: int) -> bool:
            return room.fits(rest + room.size(spread, q, q + 1), lambda: part((q, q + 1)))

        alone = [fits_alone(q) for _, q in tail]
        return [
            *dropped[:at],
            *(drop for drop, fits in zip(tail, alone, strict=True) if not fits),
            *(drop for drop, fits in zip(tail, alone, strict=True) if fits),
            *dropped[end:],
        ]

    parts = []
    for chunk in chunks:
        spans[spread] = chunk
        parts.append(list(spans))
    sizes = [rest + room.size(spread, *chunk) for chunk in chunks]
    return _crossed(search, _Trial(parts, sizes, dropped, in_order if end > at else None), crossed)


def _crossed(search: _Search, trial: _Trial, crossed: list[int]) -> _Trial:
    """Every part once for each piece of every capped group (every place in every part);
    a piece too long for the limits even so is dropped (and listed)."""
    if not crossed:
        return trial
    specs, room = search.specs, search.room
    parts, sizes, dropped, in_order = trial
    for i in crossed:
        cap, count = specs[i].cap, len(specs[i].alternatives)
        kept: list[list[Span]] = []
        kept_sizes: list[int] = []
        for first in range(0, count, cap):
            piece = (first, min(first + cap, count))
            variants = [[piece if j == i else span for j, span in enumerate(p)] for p in parts]
            totals = []
            for variant in variants:
                total = _size_if_fits(room, variant)
                if total is None:
                    break
                totals.append(total)
            else:
                kept.extend(variants)
                kept_sizes.extend(totals)
                continue
            dropped.extend((i, position) for position in range(*piece))
        if kept:
            parts, sizes = kept, kept_sizes
    return _Trial(parts, sizes, dropped, in_order)


def _size_if_fits(room: Room, spans: list[Span]) -> int | None:
    total = sum(room.size(i, start, stop) for i, (start, stop) in enumerate(spans))
    return total if room.fits(total, lambda: spans) else None
