"""Name, category and the words a term answers to (its aliases, then its rare spellings),
read off a term file's top-level lines without YAML.

The index needs four keys of every file; parsing each whole file as YAML costs a
millisecond, a minute for 20,000 files. Term files are written in a small, plain subset of
YAML (``key: value``, one-line quoted or plain values, ``[a, b]`` or ``- a`` lists), so
this reader takes those keys from the lines that hold them. Anything outside that
subset (a value over several lines, a tag, an anchor, a flow mapping, an escape, one of
those keys twice, a value YAML would read as a number or a boolean, a quote or a flow that
goes on past its line) makes it give up and return None: the caller then reads the file
with the YAML parser, so for every file the parser reads the answer is the parser's own.
A file the parser refuses may still keep what this reader found (a fault under a key it
does not read, or one refusal of the loader's, see :func:`_refused_maybe`): every command
that loads it says why. Tests check both agree on every shipped file and on generated ones.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from sourcer.textfile import ReadError, decode, read_stat
from sourcer.yamlrules import ALIAS_HINT

WANTED = ("name", "category", "aliases", "rare")
#: the keys whose lists a term answers to, in this order
LISTS = ("aliases", "rare")

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?:[ ]+|$)")
#: a plain value starts with none of YAML's indicators (flow, anchors, tags, block scalars,
#: quotes ...)
_INDICATOR = frozenset("[]{}&*!|>%@`#,?'\"")


#: characters that change how a file splits into lines and indents, beyond \n and \r
_ODD_BREAKS = "\t\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


#: in ASCII, those are the control characters but the newline (a search for each is
#: quicker than a regular expression or ``isprintable``)
_ASCII_ODD = "".join(map(chr, [*range(0, 10), *range(11, 32), 127]))


def _odd_characters(text: str) -> bool:
    """Whether the text holds a tab, a line break other than a newline, or a character
    the YAML reader refuses (asked of its own pattern where the text is not ASCII)."""
    # a plain loop: any() over a generator costs a third more, for every file of an index
    for char in _ASCII_ODD if text.isascii() else _ODD_BREAKS:
        if char in text:
            return True
    if text.isascii():
        return False
    from yaml.reader import Reader

    return Reader.NON_PRINTABLE.search(text) is not None


#: where a tag could start a value (a value after ": ", "- ", "[", "{" or ",", or a line)
_TAG_HINT = re.compile(r"(?:^ *|[:-] +|[\[{,] *)!", re.MULTILINE)


def _refused_maybe(text: str) -> bool:
    """Whether the loader might refuse the file for something anywhere in it, even under a
    key this reader does not look at: an anchor or alias, or a tag. Each is asked with a
    quick search for its character first (most files have none of ``&*!``). Flow
    collections nested too deep (the loader's third refusal) are not looked for: counting
    brackets would cost a sixth of the reader's time for every file, and such a file only
    keeps its name in the index while every command that loads it says why it cannot."""
    return (("&" in text or "*" in text) and ALIAS_HINT.search(text) is not None) or (
        "!" in text and _TAG_HINT.search(text) is not None
    )


class _GiveUp(Exception):
    pass


def file_record(path: str, known: Sequence[Any] | None = None) -> list[Any] | None:
    """The index's record of a file, ``[mtime, size, name, category, aliases + rare]``, with
    blanks for what cannot be read (validation is the linter's job); None if it is gone.
    Taken from ``known`` (``[bytes, name, category, words]``, compiled when the wheel was
    built) where the file holds exactly those bytes, else read off the file's lines where
    it is plain, else parsed."""
    try:
        data, stat = read_stat(path)
        if known is not None and known[0] == data:
            return [stat.st_mtime_ns, stat.st_size, *known[1:]]
        text = decode(data, path)
    except ReadError:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return [stat.st_mtime_ns, stat.st_size, "", "", []]
    skimmed = skim_text(text)
    if skimmed is not None:
        return [stat.st_mtime_ns, stat.st_size, *skimmed]
    from sourcer.yamlload import YAMLSyntaxError, load

    try:
        parsed = load(text, path)
    except YAMLSyntaxError:
        parsed = None
    if not isinstance(parsed, dict):
        return [stat.st_mtime_ns, stat.st_size, "", "", []]
    name = parsed.get("name")
    category = parsed.get("category")
    words = [
        word
        for key in LISTS
        if isinstance(items := parsed.get(key), list)
        for word in items
        if isinstance(word, str)
    ]
    return [
        stat.st_mtime_ns,
        stat.st_size,
        name if isinstance(name, str) else "",
        category if isinstance(category, str) else "",
        words,
    ]


def skim_text(text: str) -> tuple[str, str, list[str]] | None:
    """``(name, category, aliases + rare)`` from a term file's text ("" and [] where a key
    is missing), or None when the file uses YAML this reader does not handle."""
    if text[:1] == "\ufeff":
        return None  # a byte-order mark the decoder left: the parser's
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _odd_characters(text) or _refused_maybe(text):
        return None  # the parser's job: tabs, other line breaks, characters YAML refuses,
        #              and what the loader may refuse anywhere in the file
    try:
        _closed_on_their_lines(text)
        return _skim(text)
    except _GiveUp:
        return None


#: what may come just before a value that starts with a quote or a bracket: a space (after
#: "key:", "-" or "?", or an indent), a line's start, or "[", "{" or "," inside a flow
_BEFORE_VALUE = frozenset(" \n[{,")


def _closed_on_their_lines(text: str) -> None:
    """Give up on a file with a quoted or flow value, at any depth, that may go on past its
    line: the lines it goes on over could start at the margin and look like keys (a
    ``rare: [x]`` inside a title's quotes is text to the parser).

    The first quote (and bracket) on a line where a value could start is looked at, each
    found by a quick search: once it closes, the rest of the line can only be a comment,
    or what the parser refuses. In the text of a block scalar (``summary: >-``) quotes are
    prose, and may close on a later line."""
    find = text.find
    for opener in "\"'[{":
        at = find(opener)
        while at >= 0:
            if at and text[at - 1] not in _BEFORE_VALUE:
                at = find(opener, at + 1)
                continue
            end = find("\n", at)
            if end < 0:
                end = len(text)
            value = text[at:end]
            # the common case at once: a one-line flow list of plain words, [a, b]
            if (
                opener != "["
                or value[-1:] != "]"
                or value.count("[") != 1
                or "'" in value
                or '"' in value
            ):
                try:
                    _closed_on_the_line(value)
                except _GiveUp:
                    if not _in_block_scalar(text, at):
                        raise
            at = find(opener, end)


#: a line that starts a block scalar: ``key: |``, ``- >-``, ``key: >2 # a note`` ...
_BLOCK_SCALAR = re.compile(r" *(?:- +)*(?:[^ #][^#]*?: +|- +|\? +)?[|>][-+1-9]{0,2}(?: +#.*)?")


def _in_block_scalar(text: str, at: int) -> bool:
    """Whether ``at`` is on a line of a block scalar's text: the nearest line above that is
    less indented than every line between (blank lines aside) starts one."""
    start = text.rfind("\n", 0, at) + 1
    least = len(text[start:at]) - len(text[start:at].lstrip(" "))
    while least and start:
        above = text.rfind("\n", 0, start - 1) + 1
        line = text[above : start - 1]
        start = above
        indent = len(line) - len(line.lstrip(" "))
        if indent < least and line.strip(" "):
            if _BLOCK_SCALAR.fullmatch(line):
                return True
            least = indent
    return False


#: a line at the margin that holds one of the keys the index reads, ``key:`` with the rest of
#: the line after the spaces; the last group is the next line's start where it is not at
#: the margin (so that only then are the lines under the key looked at). Or a line at the
#: margin that could hold such a key in another form: with a space before the colon (the
#: second group), or (no key) quoted, after a ``?``, in a flow mapping, or its list
#: (``- x`` at the margin under ``aliases:``). Found after a newline, which the engine
#: looks for quickly. Any other line at the margin is another key, a comment, or what the
#: parser refuses (``key:value``, a second document): none changes what a file the parser
#: reads holds.
_KEY_LINE = re.compile(
    rf"\n(?:({'|'.join(WANTED)})(?:( +):|:(?: +([^\n]*))?(?=\n|\Z)(?=(\n[ #\n])?))"
    r"|[-\"'?{])"
)
#: the start of the next top-level line
_TOP = re.compile(r"\n[^ #\n]")


def _skim(text: str) -> tuple[str, str, list[str]]:
    """One pass of a regular expression over the file finds the lines of the four keys, so
    that Python looks only at those (a cold index reads 20,000 files)."""
    text = "\n" + text
    #: each key's value, whether lines under it may belong to it, and where its line ends
    found: dict[str, tuple[str, bool, int]] = {}
    for match in _KEY_LINE.finditer(text):
        key, spaced, rest, more = match.groups()
        if not key or spaced or key in found:
            raise _GiveUp  # a key in another form, or twice (the loader names both)
        found[key] = rest or "", more is not None, match.end()
    words: list[str] = []
    name = category = ""
    lists: dict[str, list[str]] = {}
    for key, (rest, more, end) in found.items():
        if key in LISTS and more and not rest:
            items = _block_items(text, end)
            if items is not None:
                lists[key] = items
                continue
        following = _following(text, end) if more else []
        if key in LISTS:
            lists[key] = _list(rest, following)
        elif following:
            raise _GiveUp  # a plain scalar continued on the next lines
        elif key == "name":
            name = _scalar(rest)
        else:
            category = _scalar(rest)
    for key in LISTS:
        words += lists.get(key, [])
    return name, category, words


#: a block list of one-line items at one indent, running up to the next top-level line (no
#: blank line or comment in it): its items are the text after "- " on each line
_BLOCK = re.compile(r"\n( +)- [^\n]*(?:\n\1- [^\n]*)*(?=\n[^ #\n]|\n?\Z)")


def _block_items(text: str, end: int) -> list[str] | None:
    """The items of the block list under the top-level key whose line ends at ``end``,
    where it is that simple; else None (the lines are then read one by one)."""
    block = _BLOCK.match(text, end)
    if block is None:
        return None
    cut = len(block.group(1)) + 2
    return [_scalar(line[cut:]) for line in block.group().split("\n")[1:]]


def _following(text: str, start: int) -> list[str]:
    """The lines under the top-level key whose line ends at ``start``, up to the next
    top-level line, but blank lines and comments."""
    if start >= len(text):
        return []
    after = _TOP.search(text, start)
    block = text[start : after.start() if after else len(text)]
    if not block.strip():
        return []
    return [
        row for row in block.split("\n") if row.strip(" ") and not row.lstrip(" ").startswith("#")
    ]


def _closed_on_the_line(value: str) -> None:
    """Give up on a quoted or flow value that goes on over the next lines."""
    if value[0] in "'\"":
        _closing_quote(value, 0)
        return
    if "'" not in value and '"' not in value:
        # closed if every bracket opened on the line is (more closers end a flow around it)
        if value.count("[") + value.count("{") <= value.count("]") + value.count("}"):
            return
        raise _GiveUp
    depth = 0
    position = 0
    while position < len(value):
        char = value[position]
        if char in "'\"" and (not position or value[position - 1] in " [{,:"):
            position = _closing_quote(value, position)  # (else an apostrophe in a word)
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return
        position += 1
    raise _GiveUp


def _list(rest: str, following: list[str]) -> list[str]:
    value = rest.strip(" ")
    if value.startswith("["):
        if following:
            raise _GiveUp  # a flow list over several lines
        return _flow_list(value)
    if _strip_comment(value):
        raise _GiveUp  # aliases must be a list; the validator says so
    items: list[str] = []
    indent = None
    for line in following:
        stripped = line.lstrip(" ")
        width = len(line) - len(stripped)
        if indent is None:
            indent = width
        if width != indent or not stripped.startswith("- "):
            raise _GiveUp  # a continued item, an empty one, a nested list or a mapping
        items.append(_scalar(stripped[2:]))
    return items


def _flow_list(value: str) -> list[str]:
    """``[a, 'b', "c"]`` on one line, maybe with a comment after it."""
    inner = value[1:-1]
    if value.endswith("]") and not any(char in inner for char in "'\"#[]{}?:"):
        # plain words only: split on the commas (a trailing one ends the list)
        if not inner.strip(" "):
            return []
        words = [word.strip(" ") for word in inner.split(",")]
        if not words[-1]:
            words.pop()
        return [_plain(word) for word in words]
    items: list[str] = []
    position = 1
    while True:
        position = _skip_spaces(value, position)
        if position >= len(value):
            raise _GiveUp
        if value[position] == "]":
            break
        if value[position] in "'\"":
            end = _closing_quote(value, position)
            items.append(_quoted(value[position : end + 1]))
            position = end + 1
        else:
            end = position
            while end < len(value) and value[end] not in ",]":
                end += 1
            raw = value[position:end].rstrip(" ")
            if any(ch in raw for ch in "[{}:?") or " #" in raw:
                raise _GiveUp  # ":" and "?" in a flow list have rules of their own
            items.append(_plain(raw))
            position = end
        position = _skip_spaces(value, position)
        if position < len(value) and value[position] == ",":
            position += 1
        elif position >= len(value) or value[position] != "]":
            raise _GiveUp
    if _strip_comment(value[position + 1 :]):
        raise _GiveUp
    return items


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position] == " ":
        position += 1
    return position


#: a plain value of letters, digits and a little punctuation, starting with a letter and
#: ending without a space: the text itself, unless it is a boolean or null (_NOT_TEXT)
_SIMPLE = re.compile(r"[A-Za-z](?:[\w .+/()-]*[\w.+/()-])?", re.ASCII)


def _scalar(rest: str) -> str:
    if _SIMPLE.fullmatch(rest) and rest not in _NOT_TEXT:
        return rest  # the common case, told at once
    if not rest.strip(" "):
        raise _GiveUp  # an empty value is null; the validator says so
    if rest[0] in "'\"":
        end = _closing_quote(rest, 0)
        if _strip_comment(rest[end + 1 :]):
            raise _GiveUp
        return _quoted(rest[: end + 1])
    return _plain(_strip_comment(rest))


def _strip_comment(text: str) -> str:
    """A plain value without its trailing comment (`` #``, or ``#`` first, starts one)."""
    text = text.strip(" ")
    if text.startswith("#"):
        return ""
    cut = text.find(" #")
    return (text if cut < 0 else text[:cut]).strip(" ")


def _closing_quote(text: str, start: int) -> int:
    quote = text[start]
    position = start + 1
    while True:
        end = text.find(quote, position)
        if end < 0:
            raise _GiveUp  # goes on over the next line
        if quote == "'" and text[end + 1 : end + 2] == "'":
            position = end + 2
            continue
        if quote == '"' and "\\" in text[start:end]:
            raise _GiveUp  # escapes, of the quote itself maybe: the parser knows them all
        return end


def _quoted(token: str) -> str:
    body = token[1:-1]
    if token[0] == "'":
        return body.replace("''", "'")
    if "\\" in body:
        raise _GiveUp  # escapes: the parser knows them all
    return body


def _plain(value: str) -> str:
    if not value or value[0] in _INDICATOR or (value[0] in "-:" and value[1:2] in ("", " ")):
        raise _GiveUp
    if ": " in value or value.endswith(":") or " #" in value:
        raise _GiveUp
    if not _is_text(value):
        raise _GiveUp
    return value


def _is_text(value: str) -> bool:
    """Whether YAML reads this plain scalar as text (not a number, boolean, null or date).
    Its resolvers are chosen by a value's first character: for a letter, only the
    booleans and null, whose words are known (:data:`_NOT_TEXT`); anything else is asked
    of the parser's own resolver."""
    if value[0].isalpha():
        return value not in _NOT_TEXT
    global _resolver
    if _resolver is None:
        from yaml.resolver import Resolver

        _resolver = Resolver()
    from yaml.nodes import ScalarNode

    return bool(_resolver.resolve(ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str")


_resolver: Any = None
#: the plain values starting with a letter that PyYAML reads as a boolean or null (a test
#: checks them against its resolver)
_NOT_TEXT = frozenset(
    word
    for base in ("yes", "no", "true", "false", "on", "off", "null")
    for word in (base, base.capitalize(), base.upper())
)


def plain_mapping(text: str, keys: Sequence[str]) -> dict[str, tuple[str, int]] | None:
    """``key: value`` lines read without YAML: each key (among ``keys``, none twice) with its
    value and 1-based line, where every line is a key and one plain or quoted value. None for
    anything else, an empty text included: the caller then asks the parser, whose answers
    (and error messages) are the reference. Used for a template's front matter."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _odd_characters(text):
        return None
    found: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip(" ") or line.lstrip(" ").startswith("#"):
            continue
        match = _KEY.match(line)
        if match is None or match.group(1) not in keys or match.group(1) in found:
            return None
        try:
            found[match.group(1)] = (_scalar(line[match.end() :]), number)
        except _GiveUp:
            return None
    return found or None
