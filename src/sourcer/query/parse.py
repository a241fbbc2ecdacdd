"""Parse a Boolean search string into the query model, reporting problems as it goes.

One grammar covers every dialect the boards speak (precedence: parentheses and quotes, then
NOT and a leading minus, then AND or a space, then OR):

    query   := or_expr
    or_expr := and_expr (("OR" | "|") and_expr)*
    and_expr:= unary (("AND" | "&")? unary)*
    unary   := ("NOT" | "-") unary | primary
    primary := "(" or_expr ")" | '"' phrase '"' | field ":" primary | word

The parser never stops at the first problem: it records a :class:`Finding` and recovers
(closing a parenthesis or quote, skipping a stray operator), so a linter can report every
problem in one run and a fixer can repair them all.
"""

import re
from typing import Literal, NamedTuple

from sourcer.errors import Finding, Severity, diagnostic
from sourcer.query.boards import BOARDS
from sourcer.query.model import AllOf, AnyOf, Field, Node, Not, Word
from sourcer.typography import find_typography, straighten


class Token(NamedTuple):
    kind: Literal["(", ")", "phrase", "word", "field", "and", "or", "not", "minus"]
    text: str
    column: int  # 1-based
    #: for and/or/not written in lowercase (only with lowercase_operators=True)
    lowercase: bool = False


_FIELD = re.compile(r"([A-Za-z][A-Za-z_-]*):")
#: every field some board knows: "name:" then a space is an empty field only for these
KNOWN_FIELDS = frozenset(name for board in BOARDS.values() for name in board.fields)


def _single_quote_end(text: str, start: int) -> int:
    """Where a 'single-quoted phrase' opened at ``start`` closes (0 if it does not)."""
    end = start
    while (end := text.find("'", end + 1)) != -1:
        if end > start + 1 and (
            end + 1 == len(text) or text[end + 1].isspace() or text[end + 1] == ")"
        ):
            return end
    return 0


_WORD_END = re.compile(r'[\s()"]')
_OPERATORS = {"AND": "and", "OR": "or", "NOT": "not", "|": "or", "&": "and"}


def tokenize(text: str, lowercase_operators: bool = False) -> tuple[list[Token], list[Finding]]:
    """Split straightened ``text`` into tokens; report unclosed quotes and stray minus signs."""
    tokens: list[Token] = []
    problems: list[Finding] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(Token(char, char, i + 1))  # type: ignore[arg-type]
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end == -1:
                problems.append(
                    diagnostic(
                        "unclosed-quote",
                        i + 1,
                        "quote opened here is never closed",
                        "add the closing quote",
                    )
                )
                tokens.append(Token("phrase", text[i + 1 :], i + 1))
                i = n
            else:
                tokens.append(Token("phrase", text[i + 1 : end], i + 1))
                i = end + 1
        elif (
            char == "'"
            and (i == 0 or text[i - 1].isspace() or text[i - 1] == "(")
            and (end := _single_quote_end(text, i))
        ):
            problems.append(
                diagnostic(
                    "single-quote",
                    i + 1,
                    "single quotes do not make a phrase on any board",
                    "use double quotes",
                )
            )
            tokens.append(Token("phrase", text[i + 1 : end], i + 1))
            i = end + 1
        elif char == "-" and (not tokens or text[i - 1].isspace() or text[i - 1] == "("):
            following = len(text) - len(text[i + 1 :].lstrip())
            if i + 1 < n and not text[i + 1].isspace() and text[i + 1] != ")":
                tokens.append(Token("minus", "-", i + 1))
            elif following < n and text[following] not in ")-" and text[i + 1].isspace():
                # "Golang – recruiter" (a dash from a word processor, or a spaced minus):
                # the author meant to exclude the next word; read it so, and say so.
                problems.append(
                    diagnostic(
                        "spaced-minus",
                        i + 1,
                        "a minus must touch the word it excludes; read as excluding the next word",
                        "write -word with no space (or NOT word)",
                    )
                )
                tokens.append(Token("minus", "-", i + 1))
            else:
                problems.append(
                    diagnostic(
                        "dangling-operator",
                        i + 1,
                        "a minus must touch the word it excludes",
                        "write -word with no space, or remove the minus",
                    )
                )
            i += 1
        else:
            end_match = _WORD_END.search(text, i)
            end = end_match.start() if end_match else n
            match = _FIELD.match(text, i)
            if match and match.end() < n and not text[match.end()].isspace():
                tokens.append(Token("field", match.group(1), i + 1))
                i = match.end()
                continue
            if match and match.end() == end and match.group(1).lower() in KNOWN_FIELDS:
                problems.append(
                    diagnostic(
                        "empty-field",
                        i + 1,
                        f"{match.group(1)}: has no value (a space after the colon ends it)",
                        f"write {match.group(1)}:value with no space",
                    )
                )
                i = match.end()
                continue
            raw = text[i:end]
            kind = _OPERATORS.get(raw)
            if kind is not None:
                tokens.append(Token(kind, raw, i + 1))  # type: ignore[arg-type]
            elif lowercase_operators and raw.upper() in ("AND", "OR", "NOT"):
                tokens.append(Token(raw.lower(), raw, i + 1, lowercase=True))  # type: ignore[arg-type]
            else:
                tokens.append(Token("word", raw, i + 1))
            i = end
    return tokens, problems


#: parentheses deeper than this are refused (each level costs the parser several frames)
MAX_DEPTH = 50
#: longest string read, in characters (the longest any site takes is a few thousand)
MAX_LENGTH = 100_000


class Parsed(NamedTuple):
    """The result of parsing: the tree (None if nothing searchable) and every diagnostic."""

    node: Node | None
    diagnostics: list[Finding]
    tokens: list[Token]


_TYPO_CODES = {"curly quote": "curly-quote", "look-alike quote": "curly-quote", "dash": "dash"}


def parse(
    text: str, *, lowercase_operators: bool = False, or_first: bool = False, not_word: bool = False
) -> Parsed:
    """Parse ``text`` (curly quotes and dashes are straightened first, and reported).

    With ``lowercase_operators`` a lowercase and/or/not between terms is read as the operator
    (what the author most likely meant); otherwise it is a plain word, as the sites read it.
    With ``or_first`` OR binds tighter than AND, as on Google: ``a b OR c`` is
    ``a AND (b OR c)``; otherwise NOT binds first, then AND, then OR.
    """
    diagnostics: list[Finding] = []
    if len(text) > MAX_LENGTH:
        diagnostics.append(
            diagnostic(
                "too-long",
                MAX_LENGTH + 1,
                f"{len(text):,} characters: only the first {MAX_LENGTH:,} are read",
                "search for less at once; no site takes this much",
            )
        )
        text = text[:MAX_LENGTH]
    for typo in find_typography(text):
        code = _TYPO_CODES.get(typo.kind, "invisible" if not typo.replacement else "odd-space")
        diagnostics.append(
            diagnostic(
                code,
                typo.position + 1,
                f"{typo.kind} {typo.char!r} (U+{ord(typo.char):04X}) is not understood",
                typo.fix,
            )
        )
    tokens, problems = tokenize(straighten(text), lowercase_operators)
    diagnostics.extend(problems)
    if not tokens and not problems:
        diagnostics.append(
            diagnostic("empty-string", 1, "there is nothing to search for", "write a search")
        )
    parser = _Parser(tokens, or_first=or_first, not_word=not_word)
    node = parser.parse()
    diagnostics.extend(parser.diagnostics)
    diagnostics.sort(key=lambda d: d.column)
    return Parsed(node, diagnostics, tokens)


class _Parser:
    def __init__(
        self, tokens: list[Token], *, or_first: bool = False, not_word: bool = False
    ) -> None:
        self.tokens = tokens
        self.pos = 0
        self.or_first = or_first
        self.depth = 0
        self.abandoned = False  # set past the nesting limit: the enclosing groups say nothing
        #: NOT is a plain word (Google): read as the site reads it, not as the author meant
        self.not_word = not_word
        self.diagnostics: list[Finding] = []

    # -- helpers -----------------------------------------------------------------------

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def report(
        self, code: str, column: int, message: str, fix: str, severity: Severity = "error"
    ) -> None:
        self.diagnostics.append(diagnostic(code, column, message, fix, severity))

    @staticmethod
    def starts_operand(token: Token | None) -> bool:
        return token is not None and token.kind in ("(", "phrase", "word", "field", "not", "minus")

    # -- grammar -----------------------------------------------------------------------

    def parse(self) -> Node | None:
        items: list[Node] = []
        while True:
            following = self.peek()
            if items and following is not None and following.kind == "or":
                # "a) OR (b": the OR still joins what the stray parenthesis split
                self.take()
                right = self.or_expr()
                if right is not None:
                    items[-1] = AnyOf((items[-1], right))
                    continue
            node = self.or_expr()
            if node is not None:
                items.append(node)
            token = self.peek()
            if token is None:
                break
            self.take()  # only a ")" can stop or_expr before the end
            self.report(
                "unmatched-paren",
                token.column,
                "closing parenthesis without an opening one",
                "remove it or add the missing '('",
            )
        if not items:
            return None
        return items[0] if len(items) == 1 else AllOf(tuple(items))

    def or_expr(self) -> Node | None:
        if self.or_first:
            return self.and_of_ors()
        items: list[Node] = []
        ands: list[bool] = []  # whether each item is an unparenthesised AND
        first = self.and_expr()
        if first is not None:
            items.append(first[0])
            ands.append(first[1])
        first_or = 0
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            first_or = first_or or token.column
            self.check_operator(token, bool(items))
            following = self.and_expr()
            if following is not None:
                items.append(following[0])
                ands.append(following[1])
        if len(items) > 1 and any(ands):
            self.report(
                "ambiguous-precedence",
                first_or,
                "OR mixed with AND without parentheses: AND binds first, so 'a OR b AND c' "
                "means 'a OR (b AND c)'",
                "put parentheses around the OR alternatives you mean",
                "warning",
            )
        if not items:
            return None
        return items[0] if len(items) == 1 else AnyOf(tuple(items))

    def and_of_ors(self) -> Node | None:
        """Google's reading: items joined by a space, each an OR of its neighbours."""
        items: list[Node] = []
        bare_or = 0  # column of an unparenthesised OR next to an implicit AND
        while (token := self.peek()) is not None and token.kind != ")":
            if token.kind == "and":
                self.take()
                self.check_operator(token, bool(items))
                continue
            if token.kind == "or":  # an OR with nothing on its left
                self.take()
                self.check_operator(token, False)
                continue
            alternatives: list[Node] = []
            first = self.unary()
            if first is not None:
                alternatives.append(first)
            while (token := self.peek()) is not None and token.kind == "or":
                self.take()
                bare_or = bare_or or token.column
                self.check_operator(token, bool(alternatives))
                following = self.unary()
                if following is not None:
                    alternatives.append(following)
            if alternatives:
                items.append(
                    alternatives[0] if len(alternatives) == 1 else AnyOf(tuple(alternatives))
                )
        if bare_or and len(items) > 1:
            self.report(
                "ambiguous-precedence",
                bare_or,
                "on Google OR binds only its neighbours: 'a b OR c' means 'a AND (b OR c)'",
                "put parentheses around the OR alternatives you mean",
                "warning",
            )
        if not items:
            return None
        return items[0] if len(items) == 1 else AllOf(tuple(items))

    def and_expr(self) -> tuple[Node, bool] | None:
        items: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in (")", "or"):
            if token.kind == "and":
                self.take()
                self.check_operator(token, bool(items))
                continue
            node = self.unary()
            if node is not None:
                items.append(node)
        if not items:
            return None
        if len(items) == 1:
            return items[0], False
        return AllOf(tuple(items)), True

    def check_operator(self, token: Token, has_left: bool) -> None:
        """Report an AND/OR with nothing on one side, or two operators in a row."""
        following = self.peek()
        if token.lowercase:
            self.report(
                "lowercase-operator",
                token.column,
                f"lowercase {token.text!r} is read as a plain word, not an operator",
                f"write {token.text.upper()}",
            )
        if following is not None and following.kind in ("and", "or"):
            self.report(
                "doubled-operator",
                following.column,
                f"{following.text} right after {token.text}",
                f"remove one of {token.text} {following.text}",
            )
        elif not has_left or not self.starts_operand(following):
            self.report(
                "dangling-operator",
                token.column,
                f"{token.text} has nothing on its {'left' if not has_left else 'right'}",
                f"remove {token.text} or add a term",
            )

    def unary(self) -> Node | None:
        token = self.peek()
        if token is not None and token.kind == "not" and self.not_word:
            self.take()
            return Word(token.text)
        if token is not None and token.kind in ("not", "minus"):
            self.take()
            if token.lowercase:
                self.report(
                    "lowercase-operator",
                    token.column,
                    f"lowercase {token.text!r} is read as a plain word, not an operator",
                    "write NOT",
                )
            if not self.starts_operand(self.peek()):
                self.report(
                    "empty-not",
                    token.column,
                    f"{token.text} has nothing to exclude",
                    f"remove {token.text} or add the term to exclude",
                )
                return None
            inner = self.unary()
            return Not(inner) if inner is not None else None
        return self.primary()

    def primary(self) -> Node | None:
        if self.peek() is None:  # an operator at the very end: reported by its caller
            return None
        token = self.take()
        if token.kind == "(":
            if self.depth >= MAX_DEPTH:
                self.report(
                    "too-deep",
                    token.column,
                    f"parentheses nested more than {MAX_DEPTH} deep",
                    "flatten the search; no site needs this nesting",
                )
                self.pos = len(self.tokens)  # stop reading: the rest cannot be trusted
                self.abandoned = True
                return None
            self.depth += 1
            inner = self.or_expr()
            self.depth -= 1
            closing = self.peek()
            if self.abandoned:
                return inner
            if closing is not None and closing.kind == ")":
                self.take()
            else:
                self.report(
                    "unclosed-paren",
                    token.column,
                    "parenthesis opened here is never closed",
                    "add the missing ')'",
                )
            if inner is None:
                self.report("empty-group", token.column, "empty parentheses", "remove '()'")
            return inner
        if token.kind == "phrase":
            text = " ".join(token.text.split())
            if not text:
                self.report("empty-group", token.column, 'empty quotes ""', 'remove ""')
                return None
            return Word(text, quoted=True)
        if token.kind == "field":
            following = self.peek()
            if following is None or following.kind not in ("(", "phrase", "word"):
                self.report(
                    "empty-field",
                    token.column,
                    f"{token.text}: has no value",
                    f"write {token.text}:value",
                )
                return None
            value = self.primary()
            return Field(token.text.lower(), value) if value is not None else None
        return Word(token.text)
