"""Lint and convert hand-written Boolean strings with the compiler's own model and boards.

``lint`` parses a string, checks it against a board's dialect and limits, and repairs it:
the repaired form is the parsed tree, adapted to the board and rendered by the same code that
renders compiled searches (so it lints clean), split into parts if a hard limit demands.
``convert`` does the same from one board's dialect to another's; what the target cannot
express is reported, never dropped silently.
"""

from collections.abc import Iterator
from typing import Literal, NamedTuple

from sourcer.errors import Finding, QueryError, diagnostic
from sourcer.query.boards import METRIC_NAMES, Board
from sourcer.query.model import AllOf, AnyOf, Field, Node, Not, Word, normalise
from sourcer.query.parse import Parsed, Token, parse
from sourcer.query.recipe import Alternative, Fit, Group
from sourcer.query.render import measure, render
from sourcer.query.search import Search, Slot, assemble

#: fields the engines understand, and what becomes of them on a board without them
FIELD_FALLBACK: dict[str, Literal["keywords", "drop"]] = {
    "title": "keywords",
    "intitle": "keywords",
    "allintitle": "keywords",
    "inbody": "keywords",
    "inpage": "keywords",
    "location": "keywords",
    "loc": "keywords",
    "language": "keywords",
}


class Linted(NamedTuple):
    """What lint found in one string, and the repaired string (several parts if split)."""

    text: str
    diagnostics: list[Finding]
    fixed: list[Search]

    @property
    def errors(self) -> list[Finding]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [d for d in self.diagnostics if d.severity == "warning"]


class Converted(NamedTuple):
    """A string parsed in one dialect and rendered, and split, for another board."""

    diagnostics: list[Finding]
    searches: list[Search]


def lint(text: str, board: Board, fit: Fit = "split") -> Linted:
    """Every problem of ``text`` on ``board``, and its repaired form."""
    parsed = parse(text, lowercase_operators=True, or_first=board.or_first)
    diagnostics = list(parsed.diagnostics)
    diagnostics.extend(dialect_problems(parsed.tokens, board))
    if parsed.node is not None:
        diagnostics.extend(_duplicates(parsed.node, parsed.tokens))
    diagnostics.extend(_limits(text, board))
    fixed: list[Search] = []
    if parsed.node is not None:
        try:
            fixed = _render_for(parsed, board, fit)[1]
        except QueryError as err:
            diagnostics.append(
                diagnostic(
                    "cannot-fix",
                    1,
                    f"no repair keeps this search's meaning within the limits ({err})",
                    "remove terms: a chain of ANDs cannot be split into parts",
                )
            )
    diagnostics.sort(key=lambda d: (d.column, d.code))
    return Linted(text, list(dict.fromkeys(diagnostics)), fixed)


def convert(text: str, source: Board, target: Board, fit: Fit = "split") -> Converted:
    """``text`` written for ``source``, rewritten (and split) for ``target``."""
    parsed = parse(text, lowercase_operators=True, or_first=source.or_first)
    diagnostics = [*parsed.diagnostics, *dialect_problems(parsed.tokens, source)]
    if parsed.node is None:
        return Converted(diagnostics, [])
    try:
        notes, searches = _render_for(parsed, target, fit, converting=True)
    except QueryError as err:
        raise QueryError(f"cannot convert for {target.slug}: {err}") from err
    if not searches:  # otherwise every note travels with the searches, as their warnings
        diagnostics.extend(diagnostic("not-converted", 1, note, "", "warning") for note in notes)
    return Converted(sorted(list(dict.fromkeys(diagnostics)), key=lambda d: d.column), searches)


# -- checks --------------------------------------------------------------------------------


def dialect_problems(tokens: list[Token], board: Board) -> Iterator[Finding]:
    """Operators, fields and wildcards ``board`` does not understand, token by token."""
    accepts = board.accepts
    for token in tokens:
        if token.kind == "minus" and "-" not in accepts:
            yield diagnostic(
                "unsupported-minus",
                token.column,
                f"{board.name} has no minus operator: the - is read as part of the word",
                "write NOT before the word",
            )
        elif token.kind == "not" and not token.lowercase and "NOT" not in accepts:
            yield diagnostic(
                "unsupported-not",
                token.column,
                f"{board.name} does not understand NOT: it is searched as a word",
                "write -word (a minus touching the word)",
            )
        elif token.kind == "and" and not token.lowercase:
            spelling = "&" if token.text == "&" else "AND"
            if spelling not in accepts:
                yield diagnostic(
                    "unsupported-and",
                    token.column,
                    f"{board.name} reads {token.text} as a plain word (it adds nothing and "
                    "counts against the limit): a space already means AND",
                    f"remove {token.text}",
                    "warning",
                )
        elif token.kind == "or" and not token.lowercase:
            spelling = "|" if token.text == "|" else "OR"
            if "OR" not in accepts:
                yield diagnostic(
                    "unsupported-or",
                    token.column,
                    f"{board.name} has no OR: each alternative needs a search of its own",
                    "split the alternatives into separate searches (sourcer convert does)",
                )
            elif spelling not in accepts:
                yield diagnostic(
                    "unsupported-symbol",
                    token.column,
                    f"{board.name} does not understand {token.text!r} as OR",
                    "write OR",
                )
        elif token.kind == "(" and "(" not in accepts:
            yield diagnostic(
                "unsupported-group",
                token.column,
                f"parentheses are not documented for {board.name}",
                "remove the parentheses; split alternatives into separate searches",
            )
        elif token.kind == "field":
            name = token.text.lower()
            if name not in board.fields:
                fallback = FIELD_FALLBACK.get(name, "drop")
                yield diagnostic(
                    "unsupported-field",
                    token.column,
                    f"{board.name} has no {name}: field",
                    "search its value as keywords"
                    if fallback == "keywords"
                    else f"remove {name}:..., or use a board that has it",
                )
        elif token.kind == "word":
            if "*" in token.text and "*" not in accepts:
                yield diagnostic(
                    "unsupported-wildcard",
                    token.column + token.text.index("*"),
                    f"{board.name} has no * wildcard",
                    "remove the * and list the word's forms with OR",
                )
            if token.text.startswith("+") and len(token.text) > 1 and "+" not in accepts:
                yield diagnostic(
                    "unsupported-plus",
                    token.column,
                    f"{board.name} ignores a leading + (Google dropped the operator in 2011)",
                    "remove the +; put the word in quotes to require it exactly",
                    "warning",
                )
            if token.text in ("|", "&") and token.text not in accepts:
                yield diagnostic(
                    "unsupported-symbol",
                    token.column,
                    f"{board.name} does not understand {token.text!r}",
                    "write OR" if token.text == "|" else "write AND, or just a space",
                )


def _duplicates(node: Node, tokens: list[Token]) -> Iterator[Finding]:
    """An alternative listed twice in the same OR group (case-insensitive)."""
    if isinstance(node, AnyOf):
        seen: set[str] = set()
        for item in node.items:
            key = render_key(item)
            if key in seen:
                yield diagnostic(
                    "duplicate-alternative",
                    _column_of(item, tokens, occurrence=2),
                    f"{key!r} is listed twice in the same OR group",
                    "remove the repeat",
                    "warning",
                )
            seen.add(key)
    children: tuple[Node, ...] = ()
    if isinstance(node, (AnyOf, AllOf)):
        children = node.items
    elif isinstance(node, Not):
        children = (node.item,)
    elif isinstance(node, Field):
        children = (node.value,)
    for child in children:
        yield from _duplicates(child, tokens)


def render_key(node: Node) -> str:
    """A case-insensitive text of a node, to spot repeats."""
    if isinstance(node, Word):
        return node.text.casefold()
    return repr(normalise(node)).casefold()


def _column_of(node: Node, tokens: list[Token], occurrence: int) -> int:
    if isinstance(node, Word):
        matches = [
            t.column
            for t in tokens
            if t.kind in ("word", "phrase") and t.text.casefold() == node.text.casefold()
        ]
        if len(matches) >= occurrence:
            return matches[occurrence - 1]
    return 1


def _limits(text: str, board: Board) -> Iterator[Finding]:
    measured = measure(text)
    for limit in board.limits:
        value = measured.get(limit.metric)
        if value > limit.value:
            unit = METRIC_NAMES[limit.metric]
            yield diagnostic(
                "limit-exceeded",
                1,
                f"{value} {unit}: over {board.name}'s {'hard' if limit.hard else 'reported'} "
                f"limit of {limit.value} ({limit.confidence}: {limit.source}); {limit.effect}",
                "split it into parts that each fit (--fix does)",
                "error" if limit.hard else "warning",
            )


# -- repair and render ---------------------------------------------------------------------


def adapt(node: Node, board: Board) -> tuple[Node | None, list[str]]:
    """Rewrite what ``board`` cannot express: unknown fields become keywords or go (with a
    note each), wildcards are removed where there are none."""
    notes: list[str] = []

    def walk(n: Node) -> Node | None:
        if isinstance(n, Word):
            if "*" in n.text and "*" not in board.accepts:
                text = " ".join(n.text.replace("*", " ").split())
                notes.append(f"{n.text!r}: {board.name} has no * wildcard; searched as {text!r}")
                return Word(text, n.quoted) if text else None
            return n
        if isinstance(n, Field):
            name = n.name.lower()
            if name in board.fields:
                value = walk(n.value)
                return Field(name, value) if value is not None else None
            shown = f"{name}:{render_value(n.value)}"
            if FIELD_FALLBACK.get(name, "drop") == "keywords":
                notes.append(f"{shown}: {board.name} has no {name}: field; searched as keywords")
                return walk(n.value)
            notes.append(f"{shown} left out: {board.name} has no {name}: field")
            return None
        if isinstance(n, Not):
            inner = walk(n.item)
            return Not(inner) if inner is not None else None
        items: list[Node] = []
        seen: set[str] = set()
        for child in n.items:
            adapted_child = walk(child)
            key = render_key(adapted_child) if adapted_child is not None else ""
            if adapted_child is not None and key not in seen:  # engines ignore case
                seen.add(key)
                items.append(adapted_child)
        if not items:
            return None
        return type(n)(tuple(items))

    adapted = walk(normalise(node, keep_quotes=True))
    return (normalise(adapted, keep_quotes=True) if adapted is not None else None), notes


def render_value(node: Node) -> str:
    if isinstance(node, Word):
        return f'"{node.text}"' if " " in node.text else node.text
    return "(...)"


def _render_for(
    parsed: Parsed, board: Board, fit: Fit, *, converting: bool = False
) -> tuple[list[str], list[Search]]:
    """Adapt the parsed tree to ``board`` and render it, split as the board's limits need."""
    assert parsed.node is not None
    tree, notes = adapt(parsed.node, board)
    if tree is None:
        return [*notes, "nothing searchable is left"], []
    return notes, assemble_tree(tree, board, notes, fit, converting=converting)


def assemble_tree(
    tree: Node, board: Board, notes: list[str], fit: Fit = "split", *, converting: bool = False
) -> list[Search]:
    """Split a parsed search into slots (its OR groups and exclusions) and let the compiler
    fit and render them, exactly as it does for searches built from terms."""
    top = tree.items if isinstance(tree, AllOf) else (tree,)
    fixed: list[Node] = []
    slots: list[Slot] = []
    exclusions: dict[str, Node] = {}
    # Every item keeps its place: the user's order is part of what they wrote.
    for item in top:
        if isinstance(item, AnyOf):
            nodes = {_key(child, board): child for child in item.items}
            alternatives = tuple(Alternative(text, "input") for text in nodes)
            cap = 0 if board.or_op else 1
            slots.append(Slot(Group("skill", "alternatives", alternatives), "any", cap, nodes))
        elif isinstance(item, Not):
            exclusions[_key(item.item, board)] = item.item
        elif isinstance(item, Field) and not slots:
            fixed.append(item)  # a leading site: or similar stays in front
        else:
            key = _key(item, board)
            group = Group("skill", "required", (Alternative(key, "input"),))
            slots.append(Slot(group, "any", 0, {key: item}))
    if exclusions:
        alternatives = tuple(Alternative(text, "input") for text in exclusions)
        slots.append(Slot(Group("exclude", "exclude", alternatives), "exclude", 0, exclusions))
    # Converting for a board adds its own qualifiers (GitHub's type:user in:bio); fixing a
    # string written for it leaves them to the author.
    present = {render(item, board) for item in top if isinstance(item, Field)}
    after: list[Node] = []
    for qualifier in board.fixed if converting else ():
        node = parse(qualifier).node
        if node is not None and qualifier not in present:
            after.append(node)
    return assemble(board, slots, before=fixed, after=after, notes=notes, fit=fit, ranked=False)


def _key(node: Node, board: Board) -> str:
    """How an alternative is shown in reports: as the board would write it."""
    try:
        return render(node, board)
    except ValueError:  # an OR group on a board without OR: show it in common syntax
        return render_value(node) if isinstance(node, Word) else repr(node)


# -- how a board reads a string ------------------------------------------------------------


def explain(text: str, board: Board) -> list[str]:
    """How ``board`` reads ``text``: fully parenthesised in its precedence, the words past
    its limit that it ignores, and the operators it reads as plain words."""
    parsed = parse(text, or_first=board.or_first, not_word="NOT" not in board.accepts)
    lines = [f"{board.name} reads: {_parenthesised(parsed.node) if parsed.node else '(nothing)'}"]
    limit = next((lim for lim in board.hard_limits if lim.metric in ("words", "terms")), None)
    if limit is not None:
        count, ignored = 0, []
        for token in parsed.tokens:
            if token.kind in ("(", ")", "minus"):
                continue
            operator = token.kind in ("and", "or", "not")
            cost = 0 if operator and limit.metric == "terms" else 1
            if token.kind == "phrase":
                cost = max(1, len(token.text.split()))
            if count + cost > limit.value:
                ignored.append(token.text if token.kind != "phrase" else f'"{token.text}"')
            count += cost
        if ignored:
            lines.append(
                f"ignored past the {_ordinal(limit.value)} {METRIC_NAMES[limit.metric][:-1]} "
                f"({limit.confidence}: {limit.source}): {' '.join(ignored)}"
            )
    plain = [
        f"{token.text} (col {token.column})"
        for token in parsed.tokens
        if (token.kind == "and" and "AND" not in board.accepts and token.text == "AND")
        or (token.kind == "not" and "NOT" not in board.accepts)
    ]
    if plain:
        lines.append(f"read as plain words, not operators: {', '.join(plain)}")
    return lines


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _parenthesised(node: Node) -> str:
    if isinstance(node, Word):
        return f'"{node.text}"' if node.quoted or " " in node.text else node.text
    if isinstance(node, Not):
        return f"NOT {_parenthesised(node.item)}"
    if isinstance(node, Field):
        return f"{node.name}:{_parenthesised(node.value)}"
    joiner = " OR " if isinstance(node, AnyOf) else " AND "
    return "(" + joiner.join(_parenthesised(child) for child in node.items) + ")"
