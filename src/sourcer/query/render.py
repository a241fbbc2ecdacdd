"""Render a query tree in a board's dialect, and measure a rendered string.

Rules that hold on every board: straight quotes only; operators in capitals; a phrase, a term
with punctuation (C++, C#, .NET, Node.js, CI/CD) or a word that is itself an operator is
quoted; every OR group inside something else is parenthesised so precedence never surprises.
"""

import re
from typing import NamedTuple

from sourcer.query.boards import Board
from sourcer.query.model import AllOf, AnyOf, Field, Node, Not, Word, clean_text

OPERATOR_WORDS = frozenset({"AND", "OR", "NOT"})
_PLAIN_WORD = re.compile(r"[^\W_]+\Z")
# compiled on first use (by re's cache): only boards with * and fields need them
_WILDCARD = r"[^\W_]+\*\Z"
# A field value may carry these without quotes: site:linkedin.com/in, repos:>10, created:2020-01
_PLAIN_VALUE = r"[^\s\"():]+\Z"


def needs_quotes(text: str) -> bool:
    """Phrases, punctuated terms, and words that are operators must be quoted."""
    return not _PLAIN_WORD.match(text) or text.upper() in OPERATOR_WORDS


def word(text: str) -> Word | None:
    """A Word safe to render on every board, or None if nothing searchable is left."""
    cleaned = _clean(text)
    if not cleaned:
        return None
    # needs_quotes(cleaned): str.isalnum() is the class of _PLAIN_WORD, at a glance; the
    # flag is passed by position (a keyword costs a NamedTuple half as much again, and the
    # compiler makes a word of every alternative of every search)
    return Word(cleaned, not cleaned.isalnum() or cleaned.upper() in OPERATOR_WORDS)


def render(node: Node, board: Board) -> str:
    """The search string for ``board``."""
    return _render(_lower(node, board), board, parent=None)


def lower(node: Node, board: Board) -> Node:
    """``node`` with the board's rewrites made (see :func:`_lower`), ready for render_child."""
    return _lower(node, board)


def render_child(node: Node, board: Board) -> str:
    """A lowered node as it reads inside a search's top-level AND (an OR group in
    parentheses): the search is these pieces joined (see sourcer.query.search)."""
    return _render(node, board, parent=AllOf)


def render_member(node: Node, board: Board) -> str:
    """A lowered node as it reads as one alternative of an OR group."""
    return _render(node, board, parent=AnyOf)


def _lower(node: Node, board: Board) -> Node:
    """Board-specific rewrites before rendering: NOT (a OR b) becomes -a -b on minus-style
    boards (a minus before parentheses is not reliably understood) and NOT a NOT b on boards
    without OR. There, an OR deeper inside a NOT is written out too (see :func:`_no_or`):
    NOT (a (b OR c)) is NOT (a b) NOT (a c)."""
    if isinstance(node, AllOf):
        items: list[Node] = []
        for original in node.items:
            child = _lower(original, board)
            if (
                (board.not_style == "-" or not board.or_op)
                and isinstance(child, Not)
                and isinstance(child.item, AnyOf)
            ):
                items.extend(Not(alternative) for alternative in child.item.items)
            elif isinstance(original, Not) and isinstance(child, AllOf):
                items.extend(child.items)  # a NOT written out without OR: its NOTs
            else:
                items.append(child)
        return AllOf(tuple(items))
    if isinstance(node, AnyOf):
        return AnyOf(tuple(_lower(child, board) for child in node.items))
    if isinstance(node, Not):
        lowered = Not(_lower(node.item, board))
        if not board.or_op and _has_or(lowered.item):
            return AllOf(tuple(_no_or(lowered)))
        return lowered
    if isinstance(node, Field):
        return Field(node.name, _lower(node.value, board))
    return node


#: the most ANDs of alternatives a NOT may be written out into where a board has no OR
MAX_WRITTEN_OUT = 64


def _has_or(node: Node) -> bool:
    if isinstance(node, AnyOf):
        return len(node.items) > 1 or any(_has_or(child) for child in node.items)
    if isinstance(node, AllOf):
        return any(_has_or(child) for child in node.items)
    if isinstance(node, Not):
        return _has_or(node.item)
    if isinstance(node, Field):
        return _has_or(node.value)
    return False


def _no_or(node: Not) -> list[Node]:
    """NOT over something holding an OR, as NOTs without one, for a board without OR:
    what is excluded, written as alternatives each of which is an AND, NOT (A OR B) being
    NOT A NOT B. QueryError past :data:`MAX_WRITTEN_OUT` of them."""
    return [Not(_conjunction(ands)) for ands in _alternatives(node.item)]


def _conjunction(items: list[Node]) -> Node:
    return items[0] if len(items) == 1 else AllOf(tuple(items))


def _alternatives(node: Node) -> list[list[Node]]:
    """``node`` as alternatives (OR) of ANDs of parts without OR (its disjunctive normal
    form); a NOT holding an OR is written out as above, into one AND."""
    if isinstance(node, AnyOf):
        found = [ands for child in node.items for ands in _alternatives(child)]
    elif isinstance(node, AllOf):
        found = [[]]
        for child in node.items:
            found = [ands + more for ands in found for more in _alternatives(child)]
            _check_written_out(found)
    elif isinstance(node, Not):
        found = [_no_or(node) if _has_or(node.item) else [node]]
    elif isinstance(node, Field) and _has_or(node.value):
        found = [[Field(node.name, _conjunction(ands))] for ands in _alternatives(node.value)]
    else:
        found = [[node]]
    _check_written_out(found)
    return found


def _check_written_out(found: list[list[Node]]) -> None:
    if len(found) > MAX_WRITTEN_OUT:
        from sourcer.errors import QueryError

        raise QueryError(
            f"this board has no OR, and the NOT would be written out as more than "
            f"{MAX_WRITTEN_OUT} exclusions; split the exclusion, or leave out its alternatives"
        )


def _render(node: Node, board: Board, parent: type | None) -> str:
    if isinstance(node, Word):
        text = clean_text(node.text)
        if not node.quoted and "*" in board.accepts and re.match(_WILDCARD, text):
            return text  # quotes would turn the wildcard into a literal *
        return f'"{text}"' if node.quoted or needs_quotes(text) else text
    if isinstance(node, Field):
        value = node.value
        if isinstance(value, Word):
            text = clean_text(value.text)
            quoted = (
                value.quoted or not re.match(_PLAIN_VALUE, text) or text.upper() in OPERATOR_WORDS
            )
            return f'{node.name}:"{text}"' if quoted else f"{node.name}:{text}"
        return f"{node.name}:{_render(value, board, Field)}"
    if isinstance(node, Not):
        inner = _render(node.item, board, Not)
        return f"-{inner}" if board.not_style == "-" else f"NOT {inner}"
    if isinstance(node, AnyOf):
        if len(node.items) == 1:
            return _render(node.items[0], board, parent)
        if not board.or_op:
            raise ValueError(f"{board.slug} has no OR; split alternatives into parts first")
        joined = f" {board.or_op} ".join(_render(c, board, AnyOf) for c in node.items)
        return f"({joined})" if parent is not None else joined
    # AllOf
    if len(node.items) == 1:
        return _render(node.items[0], board, parent)
    pieces: list[str] = []
    for child in node.items:
        text = _render(child, board, AllOf)
        if pieces:
            # LinkedIn-style dialects write "a AND b NOT c": NOT already implies AND.
            glue = " " if isinstance(child, Not) or not board.and_op else f" {board.and_op} "
            pieces.append(glue)
        pieces.append(text)
    joined = "".join(pieces)
    return f"({joined})" if parent in (AnyOf, Not, Field) else joined


class Metrics(NamedTuple):
    """Measures of a rendered string, as the limits in the board table count them."""

    chars: int
    #: whitespace-separated words, operators and fields included (Google, Brave)
    words: int
    #: words that are not operators (Bing counts terms)
    terms: int
    #: explicit AND, OR and NOT operators (GitHub)
    operators: int

    def get(self, metric: str) -> int:
        value = getattr(self, metric)
        assert isinstance(value, int)
        return value


# a quoted phrase with any prefix (-"a b", location:"San Jose"), or a bare token
_TOKEN = re.compile(r'[^\s()"]*"[^"]*"?|[^\s()"]+')


_JOINED = re.compile(r"(?<=\w)[-/.](?=\w)")


def _pieces(word: str) -> int:
    # most words hold none of - / . (the regular expression is the slower test)
    if "-" in word or "/" in word or "." in word:
        return len(_JOINED.split(word))
    return 1


def _phrase_words(phrase: str) -> int:
    """The words of a quoted phrase (one, for an empty one)."""
    count = 0
    for word in phrase.split():
        count += _pieces(word)
    return count or 1


def measure(query: str) -> Metrics:
    """Count characters, words, terms and operators of a rendered query."""
    words = 0
    operators = 0
    for token in _TOKEN.findall(query):
        if '"' in token:
            words += _phrase_words(token.partition('"')[2].strip('"'))
        elif ":" in token:
            words += 1  # a field (site:...) is one word
        else:
            # A word joined by - / or . may be read as two (Back-end, CI/CD, ASP.NET:
            # unknown, so counted as the larger, a safety margin).
            words += _pieces(token.lstrip("-("))
            if token in OPERATOR_WORDS:
                operators += 1
    return Metrics(chars=len(query), words=words, terms=words - operators, operators=operators)


def member(node: Node, board: Board) -> tuple[str, int, int, int]:
    """``render_member(lower(node, board), board)``, an alternative as it reads in an OR
    group, and its characters, words and operators (see measure).

    Worked out without walking a tree for a word, or a field of one (nearly every
    alternative of a search: the compiler writes and measures every alternative before it
    splits a search, which would otherwise cost about as much as rendering the parts). A
    word is written in quotes, or as it is where it is one plain word and no operator
    (never a wildcard, then); either way it is one token, and it reads the same inside AND
    and after a minus or a NOT."""
    if isinstance(node, Word):
        text = _clean(node.text)
        if node.quoted:
            return f'"{text}"', len(text) + 2, _phrase_words(text), 0
        # not needs_quotes(text): str.isalnum() is the class of _PLAIN_WORD, at a glance
        if text.isalnum() and text.upper() not in OPERATOR_WORDS:
            return text, len(text), 1, 0
    elif isinstance(node, Field) and isinstance(node.value, Word):
        value = node.value
        text = _clean(value.text)
        if value.quoted or not _plain_value(text) or text.upper() in OPERATOR_WORDS:
            written, words = f'{node.name}:"{text}"', _phrase_words(text)
        else:
            written, words = f"{node.name}:{text}", 1  # name:value, a field, is one word
        if node.name.isalpha():  # else the name might not read as part of one token
            return written, len(written), words, 0
        measured = measure(written)
        return written, measured.chars, measured.words, measured.operators
    written = render_member(lower(node, board), board)
    measured = measure(written)
    return written, measured.chars, measured.words, measured.operators


def _plain_value(text: str) -> bool:
    """_PLAIN_VALUE matches ``text``, clean text (no space in it but " ", no double quote)."""
    return (
        bool(text) and " " not in text and "(" not in text and ")" not in text and ":" not in text
    )


def word_member(node: Word) -> tuple[str, int, int, int]:
    """``member`` of a word made by :func:`word`, on any board: its text is clean, and
    quoted exactly where it must be (so never a wildcard)."""
    text = node.text
    if node.quoted:
        return f'"{text}"', len(text) + 2, _phrase_words(text), 0
    return text, len(text), 1, 0


def _clean(text: str) -> str:
    """clean_text(text), at a glance for text already clean (every word the compiler makes):
    printable ASCII holds nothing to straighten, and no space but the one between words."""
    if (
        text.isascii()
        and text.isprintable()
        and '"' not in text
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    ):
        return text
    return clean_text(text)
