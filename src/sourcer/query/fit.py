"""Fitting a search into a board's hard limits: split it into parts, or drop alternatives.

The search is a list of slots (one per group). A *plan* picks, for every slot, the
alternatives one part uses. Positive slots need at least one alternative in every part;
exclusion slots (``droppable``) go whole into every part and may lose members when there is
no room. Nothing is ever lost silently: every alternative left out is returned in ``dropped``.

``split`` looks for the fewest parts whose union covers every alternative: for k = 1, 2, ...
it spreads each slot's alternatives over k parts, balancing their cost (longest first into
the cheapest part), and accepts the first k for which every part fits. Parts that get no
chunk of a slot reuse its cheapest alternative, so every part stays a complete search.
"""

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

from sourcer.query.recipe import Alternative, Plan


class SlotSpec(NamedTuple):
    """One group as the fitter sees it."""

    alternatives: tuple[Alternative, ...]
    #: most alternatives one part may hold (1 where the board has no OR); 0 = no cap
    cap: int = 0
    #: exclusions: every part holds all of them; they are dropped only for room
    droppable: bool = False
    #: when dropping for room, lower ranks go first among equally placed alternatives
    rank: int = 0


class Fitted(NamedTuple):
    plans: list[Plan]
    #: (slot index, alternative) left out, in the order they were dropped
    dropped: list[tuple[int, Alternative]]


class Unfittable(Exception):
    """Even the smallest possible part breaks a hard limit."""


Fits = Callable[[Plan], bool]
Cost = Callable[[int, Alternative], float]


def split(specs: Sequence[SlotSpec], fits: Fits, cost: Cost) -> Fitted:
    """The fewest parts that each fit and together cover every alternative that can fit."""
    alts = [list(spec.alternatives) for spec in specs]
    dropped: list[tuple[int, Alternative]] = []

    def cheapest(i: int) -> Alternative:
        return min(alts[i], key=lambda a: cost(i, a))

    def skeleton(override: tuple[int, Alternative] | None = None, bare: bool = False) -> Plan:
        plan = []
        for i, spec in enumerate(specs):
            if spec.droppable:
                plan.append(() if bare else tuple(alts[i]))
            elif override is not None and override[0] == i:
                plan.append((override[1],))
            else:
                plan.append((cheapest(i),))
        return tuple(plan)

    positive = [i for i, s in enumerate(specs) if not s.droppable]
    droppable = sorted((i for i, s in enumerate(specs) if s.droppable), key=lambda i: specs[i].rank)

    def needs_room() -> bool:
        """True while the smallest part does not fit, or an alternative that would fit
        without exclusions does not fit with them: alternatives matter more."""
        if not fits(skeleton()):
            return True
        return any(
            not fits(skeleton((i, a))) and fits(skeleton((i, a), bare=True))
            for i in positive
            for a in alts[i]
        )

    # 1. Make room by dropping exclusions from the end, only as far as it helps: the first
    #    exclusion (the term's most important) goes only if even the smallest part needs it.
    while needs_room():
        floor = 0 if not fits(skeleton()) else 1
        victim = next((i for i in droppable if len(alts[i]) > floor), None)
        if victim is None:
            break
        dropped.append((victim, alts[victim].pop()))
    if not fits(skeleton()):
        raise Unfittable
    # 2. An alternative too big even beside the cheapest of everything else cannot be placed.
    for i in positive:
        for alternative in list(alts[i]):
            if not fits(skeleton((i, alternative))):
                alts[i].remove(alternative)
                dropped.append((i, alternative))
    # 3. The fewest balanced parts.
    upper = max(1, sum(len(alts[i]) for i in positive))
    for k in range(1, upper + 1):
        # First keep each group as whole as its cap allows (a group split only because
        # another one must be, e.g. one location per part, stays whole); then spread.
        for spread in (False, True):
            plans = _distribute(specs, alts, k, cost, spread)
            if plans is not None and all(fits(plan) for plan in plans):
                return Fitted(list(dict.fromkeys(plans)), dropped)
    # 4. Always possible after step 2: each alternative beside the cheapest of the rest.
    plans = [skeleton((i, a)) for i in positive for a in alts[i]]
    return Fitted(list(dict.fromkeys(plans)), dropped)


def drop(specs: Sequence[SlotSpec], fits: Fits, cost: Cost) -> Fitted:
    """One part: drop the lowest-priority alternatives (latest in their group) until it fits.

    If even the first alternative of every group is too long together, start again from the
    cheapest of each and add back, in priority order, whatever still fits.
    """
    alts = [list(spec.alternatives[: spec.cap or None]) for spec in specs]
    while not fits(_plan(alts)):
        candidates = [
            (len(alts[i]), -spec.rank, i)
            for i, spec in enumerate(specs)
            if len(alts[i]) > (0 if spec.droppable else 1)
        ]
        if not candidates:
            alts = _rebuild_from_cheapest(specs, fits, cost)
            break
        *_, victim = max(candidates)
        alts[victim].pop()
    dropped = [
        (i, a) for i, spec in enumerate(specs) for a in spec.alternatives if a not in alts[i]
    ]
    return Fitted([_plan(alts)], dropped)


def _rebuild_from_cheapest(
    specs: Sequence[SlotSpec], fits: Fits, cost: Cost
) -> list[list[Alternative]]:
    alts: list[list[Alternative]] = []
    for i, spec in enumerate(specs):
        costs = {a: cost(i, a) for a in spec.alternatives}
        alts.append([] if spec.droppable else [min(spec.alternatives, key=costs.__getitem__)])
    if not fits(_plan(alts)):
        raise Unfittable
    longest = max(len(spec.alternatives) for spec in specs)
    for position in range(longest):  # first alternatives of every group, then second, ...
        for i, spec in enumerate(specs):
            cap = spec.cap or len(spec.alternatives)
            if position >= len(spec.alternatives) or len(alts[i]) >= cap:
                continue
            alternative = spec.alternatives[position]
            if alternative in alts[i]:
                continue
            alts[i].append(alternative)
            if not fits(_plan(alts)):
                alts[i].pop()
    return [
        sorted(group, key=spec.alternatives.index) for group, spec in zip(alts, specs, strict=True)
    ]


def _plan(alts: list[list[Alternative]]) -> Plan:
    return tuple(tuple(group) for group in alts)


def _distribute(
    specs: Sequence[SlotSpec], alts: list[list[Alternative]], k: int, cost: Cost, spread: bool
) -> list[Plan] | None:
    """Share every slot's alternatives among ``k`` parts, balancing cost; None if impossible.

    With ``spread`` each slot is cut into as many chunks as there are parts (up to one per
    alternative); without, into as few as its cap allows, repeated over the parts.
    """
    parts: list[list[tuple[Alternative, ...]]] = [[] for _ in range(k)]
    part_cost = [0.0] * k
    for i, spec in enumerate(specs):
        group = alts[i]
        if spec.droppable:
            for part in parts:
                part.append(tuple(group))
            continue
        cap = spec.cap or len(group)
        needed = math.ceil(len(group) / cap)
        if needed > k:
            return None
        count = max(needed, min(k, len(group))) if spread else needed
        chunks: list[list[Alternative]] = [[] for _ in range(count)]
        chunk_cost = [0.0] * count
        for alternative in sorted(group, key=lambda a: -cost(i, a)):
            open_chunks = [c for c in range(count) if len(chunks[c]) < cap]
            target = min(open_chunks, key=lambda c: chunk_cost[c])
            chunks[target].append(alternative)
            chunk_cost[target] += cost(i, alternative)
        order = sorted(range(count), key=lambda c: -chunk_cost[c])
        free = list(range(k))
        fill = min(group, key=lambda a: cost(i, a))
        for c in order:
            target = min(free, key=lambda p: part_cost[p])
            free.remove(target)
            chunk = tuple(sorted(chunks[c], key=group.index))  # keep priority order
            parts[target].append(chunk)
            part_cost[target] += chunk_cost[c]
        for n, p in enumerate(free):
            if spread:
                parts[p].append((fill,))
                part_cost[p] += cost(i, fill)
            else:  # repeat the chunks in turn, so a one-chunk group is whole in every part
                c = order[n % count]
                parts[p].append(tuple(sorted(chunks[c], key=group.index)))
                part_cost[p] += chunk_cost[c]
    return [tuple(part) for part in parts]
