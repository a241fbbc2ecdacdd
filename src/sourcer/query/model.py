"""The query model: a small tree every board renders and every dialect parser produces.

Nodes are immutable. ``normalise`` puts a tree in a canonical form (nested groups of the same
kind flattened, one-item groups unwrapped, duplicates removed) so that two trees meaning the
same search compare equal.

Records in sourcer are NamedTuples rather than dataclasses: creating a dataclass costs about
0.3 ms at import, and ``sourcer query`` must start nearly as fast as Python itself (see
BENCHMARKS.md). Nodes compare by type as well as by value, so ``AnyOf(x) != AllOf(x)``.
"""

from typing import NamedTuple

from sourcer.typography import straighten


def _eq(self: tuple[object, ...], other: object) -> bool:
    """Tuple equality that also requires the same node type."""
    return type(self) is type(other) and tuple.__eq__(self, other)


def _ne(self: tuple[object, ...], other: object) -> bool:
    return not _eq(self, other)


def _hash(self: tuple[object, ...]) -> int:
    return hash((type(self).__name__, tuple.__hash__(self)))


class Word(NamedTuple):
    """A word or a phrase; the renderer decides whether it needs quotes."""

    text: str
    #: a phrase the user quoted (or that must be quoted); a bare word otherwise
    quoted: bool = False


class AnyOf(NamedTuple):
    """Alternatives: at least one must match (OR)."""

    items: "tuple[Node, ...]"


class AllOf(NamedTuple):
    """Requirements: every one must match (AND, or a space)."""

    items: "tuple[Node, ...]"


class Not(NamedTuple):
    """An exclusion (NOT, or a leading minus)."""

    item: "Node"


class Field(NamedTuple):
    """A field or qualifier: ``site:linkedin.com/in``, ``title:(a OR b)``, ``location:Berlin``."""

    name: str
    value: "Node"


Node = Word | AnyOf | AllOf | Not | Field

for _node_type in (Word, AnyOf, AllOf, Not, Field):
    setattr(_node_type, "__eq__", _eq)  # noqa: B010 - mypy rejects assigning dunders directly
    setattr(_node_type, "__ne__", _ne)  # noqa: B010
    setattr(_node_type, "__hash__", _hash)  # noqa: B010


def clean_text(text: str) -> str:
    """Straight ASCII, no double quotes inside (no target can escape them), single spaces.

    A double quote inside a phrase is replaced by a space: every engine treats punctuation
    inside a phrase as a word break, so the phrase still matches what the candidate wrote.
    """
    return " ".join(straighten(text).replace('"', " ").split())


def normalise(node: Node, keep_quotes: bool = False) -> Node:
    """Canonical form: flatten same-kind nesting, unwrap one-item groups, drop duplicates,
    and write NOT (a OR b) as NOT a, NOT b inside an AND (what minus-style boards render).

    By default quoting is not meaning (a one-word phrase equals the bare word); with
    ``keep_quotes`` a single word the author quoted stays quoted (engines then match it
    exactly, without synonyms).
    """
    if isinstance(node, Word):
        text = clean_text(node.text)
        return Word(text, quoted=" " in text or (keep_quotes and node.quoted))
    if isinstance(node, Not):
        inner = normalise(node.item, keep_quotes)
        return inner.item if isinstance(inner, Not) else Not(inner)
    if isinstance(node, Field):
        return Field(node.name.lower(), normalise(node.value, keep_quotes))
    kind = type(node)
    items: list[Node] = []
    seen: set[Node] = set()  # a set, not the list: 10,000 alternatives stay linear
    for child in node.items:
        child = normalise(child, keep_quotes)
        if isinstance(child, kind):
            flat: tuple[Node, ...] = child.items
        elif kind is AllOf and isinstance(child, Not) and isinstance(child.item, AnyOf):
            flat = tuple(normalise(Not(alt), keep_quotes) for alt in child.item.items)
        else:
            flat = (child,)
        for item in flat:
            if item not in seen:
                seen.add(item)
                items.append(item)
    if len(items) == 1:
        return items[0]
    return kind(tuple(items))


def words(node: Node) -> list[str]:
    """Every word or phrase in the tree, in order (fields' values included)."""
    if isinstance(node, Word):
        return [node.text]
    if isinstance(node, Not):
        return words(node.item)
    if isinstance(node, Field):
        return words(node.value)
    return [text for child in node.items for text in words(child)]
