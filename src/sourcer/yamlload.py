"""The one YAML loader: safe, C-accelerated where available, and aware of line numbers.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both remember the line
of every key or item so that validation can report ``path:line: message``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import yaml

from sourcer.errors import Problem

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
        data.key_lines[key] = line


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
    """Parse ``text`` safely; on a syntax error raise YAMLSyntaxError naming ``path:line``."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = err.problem or err.context or "invalid YAML"
        raise YAMLSyntaxError(Problem(path, line, f"YAML syntax error: {what}")) from err
    except yaml.YAMLError as err:
        raise YAMLSyntaxError(Problem(path, 1, f"YAML error: {err}")) from err


def unknown_key(data: LineDict, allowed: Sequence[str]) -> tuple[str, int] | None:
    """The first key of ``data`` that is not ``allowed``, with its line; None if all are."""
    for key in data:
        if key not in allowed:
            return str(key), data.key_lines[key]
    return None
