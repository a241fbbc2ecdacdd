"""The one YAML loader: safe, C-accelerated where available, and aware of line numbers.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both remember the line
of every key or item so that validation can report ``path:line: message``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import yaml

from sourcer.errors import Problem
from sourcer.yamlrules import ALIAS_HINT, MAX_BYTES, MAX_DEPTH

try:  # libyaml is several times faster; fall back to the pure-Python parser without it.
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class LineDict(dict[Any, Any]):
    """A dict that knows the line it starts on and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class LineList(list[Any]):
    """A list that knows the line it starts on and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Private SafeLoader subclass, so our constructors never leak into PyYAML globally."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[LineDict]:
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.duplicates = []
    yield data  # yielded first so that recursive structures (anchors) resolve
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                "found an unhashable key",
                key_node.start_mark,
            )
        line = key_node.start_mark.line + 1
        if key in data:
            data.duplicates.append((key, line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines.setdefault(key, line)  # the first line, which a duplicate names


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = []
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.item_lines.append(child.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class YAMLSyntaxError(Exception):
    """Raised by :func:`load` when the text is not valid YAML; carries a Problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def load(text: str, path: str) -> Any:
    """Parse ``text`` safely; on a syntax error raise YAMLSyntaxError naming ``path:line``.

    Refused before parsing, each with the reason: files over 1 MB, collections nested more
    than 64 deep (the C parser crashes on very deep ones), and anchors and aliases (one
    alias can stand for millions of nodes).
    """
    if len(text) > MAX_BYTES:
        raise YAMLSyntaxError(
            Problem(path, 1, f"{len(text):,} characters: files over {MAX_BYTES:,} are refused")
        )
    depth_line = _too_deep(text)
    if depth_line:
        raise YAMLSyntaxError(
            Problem(path, depth_line, f"nested more than {MAX_DEPTH} levels deep; flatten it")
        )
    if ALIAS_HINT.search(text):
        _refuse_aliases(text, path)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = err.problem or err.context or "invalid YAML"
        tag = re.match(r"could not determine a constructor for the tag '(.*)'", what)
        if tag:
            shown = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            raise YAMLSyntaxError(
                Problem(path, line, f"the tag {shown} is not allowed; write a plain value")
            ) from err
        raise YAMLSyntaxError(Problem(path, line, f"YAML syntax error: {what}")) from err
    except yaml.YAMLError as err:
        raise YAMLSyntaxError(Problem(path, 1, f"YAML error: {err}")) from err


def _too_deep(text: str) -> int:
    """The line where flow collections ([ {) nest deeper than MAX_DEPTH, else 0."""
    depth, line, quote = 0, 1, ""
    for char in text:
        if char == "\n":
            line += 1
            quote = ""  # flow scalars rarely span lines in our files; reset to stay safe
        elif quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
    return 0


def _refuse_aliases(text: str, path: str) -> None:
    """YAMLSyntaxError at the first anchor or alias (the pure-Python scanner is exact)."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                raise YAMLSyntaxError(
                    Problem(
                        path,
                        token.start_mark.line + 1,
                        "anchors and aliases (& and *) are not allowed; write the value out",
                    )
                )
    except yaml.YAMLError:
        return  # the parser reports the syntax error with its line


def unknown_key(data: LineDict, allowed: Sequence[str]) -> tuple[str, int] | None:
    """The first key of ``data`` that is not ``allowed``, with its line; None if all are."""
    for key in data:
        if key not in allowed:
            return str(key), data.key_lines[key]
    return None
