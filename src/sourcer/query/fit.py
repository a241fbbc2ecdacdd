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
"""

from collections.abc import Callable, Sequence
from typing import NamedTuple

from sourcer.query.recipe import Alternative, Plan


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


Fits = Callable[[Plan], bool]

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


def split(specs: Sequence[SlotSpec], fits: Fits, max_parts: int = 0) -> Fitted:
    """At most ``max_parts`` parts (0: no limit) that each fit, keep every combination of
    what they hold, and lose as little as possible."""
    spread_candidates: list[int | None] = [None]
    spread_candidates += [
        i for i, spec in enumerate(specs) if not spec.droppable and len(spec.alternatives) > 1
    ]
    best: tuple[float, int, Fitted] | None = None
    for spread in spread_candidates:
        fitted = _fit_spreading(specs, spread, fits, max_parts)
        if fitted is None:
            continue
        if spread is None and not fitted.dropped and len(fitted.plans) == 1:
            return fitted  # everything in one part: no split can be worth more
        value = _value(specs, fitted)
        key = (value, -len(fitted.plans))
        if best is None or key > best[:2]:
            best = (*key, fitted)
    if best is None:
        raise Unfittable
    return best[2]


def drop(specs: Sequence[SlotSpec], fits: Fits) -> Fitted:
    """One part: drop the least useful alternatives until it fits."""
    fitted = _fit_spreading(specs, None, fits, max_parts=1)
    if fitted is None:
        raise Unfittable
    return fitted


def _value(specs: Sequence[SlotSpec], fitted: Fitted) -> float:
    gone = set(fitted.dropped)
    value = 0.0
    for i, spec in enumerate(specs):
        for position, alternative in enumerate(spec.alternatives):
            if (i, alternative) not in gone and position:
                value += _worth(spec, position)
    return value - PART_COST * (len(fitted.plans) - 1)


def _fit_spreading(
    specs: Sequence[SlotSpec], spread: int | None, fits: Fits, max_parts: int
) -> Fitted | None:
    """Keep every group but ``spread`` whole in every part (as far as room allows) and share
    ``spread``'s alternatives among the parts in rank order; None if nothing fits."""
    kept = [list(spec.alternatives) for spec in specs]
    dropped: list[tuple[int, Alternative]] = []
    # A capped group holds only ``cap`` alternatives in a part (one where the site has no
    # OR, one place per link): beyond the spread group, each of its pieces gets parts of its
    # own, so that every combination is still searched (every place in every part).
    crossed: dict[int, list[list[Alternative]]] = {
        i: [kept[i][k : k + spec.cap] for k in range(0, len(kept[i]), spec.cap)]
        for i, spec in enumerate(specs)
        if i != spread and spec.cap and len(kept[i]) > spec.cap
    }
    for i, pieces in crossed.items():
        kept[i] = list(pieces[0])  # the first piece is the largest: it decides what fits
    victims = sorted(
        (
            (i, position, alternative)
            for i, spec in enumerate(specs)
            if i != spread
            for position, alternative in enumerate(kept[i])
            if _worth(spec, position) != float("inf")
        ),
        key=lambda v: (_worth(specs[v[0]], v[1]), -v[1]),  # the end of a list first
    )

    def plan_with(chunk: Sequence[Alternative]) -> Plan:
        return tuple(tuple(chunk) if i == spread else tuple(group) for i, group in enumerate(kept))

    first = [kept[spread][0]] if spread is not None else []
    original = [list(group) for group in kept]

    def without(count: int) -> bool:
        """Whether the part fits once the first ``count`` victims are gone."""
        gone = {(i, a) for i, _, a in victims[:count]}
        for i, group in enumerate(original):
            kept[i] = [a for a in group if (i, a) not in gone]
        return fits(plan_with(first))

    # Dropping more only ever shortens a part, so the fewest victims that make it fit are
    # found by bisection: a string of 10,000 alternatives takes a few dozen renders.
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
        without(low)
        dropped.extend((i, a) for i, _, a in victims[:low])
    if spread is None:
        return Fitted(_crossed([plan_with(())], crossed, fits, dropped), dropped)

    cap = specs[spread].cap or len(kept[spread])
    chunks: list[list[Alternative]] = []
    current: list[Alternative] = []
    for alternative in kept[spread]:
        trial = [*current, alternative]
        if len(trial) <= cap and fits(plan_with(trial)):
            current = trial
            continue
        if current:
            chunks.append(current)
        current = [alternative] if fits(plan_with([alternative])) else []
        if not current:
            dropped.append((spread, alternative))
    if current:
        chunks.append(current)
    if max_parts and len(chunks) > max_parts:
        for chunk in chunks[max_parts:]:
            dropped.extend((spread, alternative) for alternative in chunk)
        chunks = chunks[:max_parts]
    return Fitted(_crossed([plan_with(chunk) for chunk in chunks], crossed, fits, dropped), dropped)


def _crossed(
    plans: list[Plan],
    crossed: dict[int, list[list[Alternative]]],
    fits: Fits,
    dropped: list[tuple[int, Alternative]],
) -> list[Plan]:
    """Every plan once for each piece of every capped group (every place in every part);
    a piece too long for the limits even so is dropped (and listed)."""
    for i, pieces in crossed.items():
        kept: list[Plan] = []
        for piece in pieces:
            variants = [
                tuple(tuple(piece) if j == i else chosen for j, chosen in enumerate(plan))
                for plan in plans
            ]
            if all(fits(variant) for variant in variants):
                kept.extend(variants)
            else:
                dropped.extend((i, alternative) for alternative in piece)
        plans = kept or plans
    return plans
