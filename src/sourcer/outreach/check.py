"""``sourcer outreach check``: before rendering, what a template needs and who lacks it.

The template is read as Jinja parses it. Every value it reads (``candidate.first_name``,
``sender.name``, ``role``) is listed with the lines that use it and whether it is
*optional*: given a ``default``, or only used where an ``is defined`` test guards it. Then
each value is looked up where a merge would find it (each CSV row, ``--set``, the config,
``--term``), and the rows that lack it are counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from sourcer.errors import TemplateError
from sourcer.outreach.templates import SUFFIX, Templates
from sourcer.templating import too_deep


class Variable(NamedTuple):
    """A value a template reads: its dotted path, where, and whether it may be missing."""

    path: str
    lines: tuple[int, ...]
    optional: bool


class Need(NamedTuple):
    """One variable and how many of the rows lack it (for values outside the rows: 0 or all)."""

    variable: Variable
    lacking: int
    #: where the value comes from: "each row", "--set or config", "--term", ...
    source: str

    def to_dict(self) -> dict[str, object]:
        return {
            "variable": self.variable.path,
            "lines": list(self.variable.lines),
            "optional": self.variable.optional,
            "source": self.source,
            "rows_lacking": self.lacking,
        }


#: names a template may read that are not values from outside
_BUILT_IN = frozenset(
    {
        "loop",
        "range",
        "dict",
        "lipsum",
        "cycler",
        "joiner",
        "namespace",
        "self",
        "super",
        "varargs",
        "kwargs",
        "caller",
    }
)


def template_variables(templates: Templates, name: str, file: str | None = None) -> list[Variable]:
    """The values template ``name`` (or its variant in ``file``) reads from outside, in the
    order they first appear."""
    environment = templates.environment
    assert environment.loader is not None
    source, filename, _ = environment.loader.get_source(environment, file or name + SUFFIX)
    try:
        return _variables(environment.parse(source, file or name + SUFFIX, filename))
    except RecursionError:
        raise TemplateError(too_deep(environment, file or name + SUFFIX)) from None
    except TemplateSyntaxError as err:
        raise TemplateError(f"{err.filename or file or name}:{err.lineno}: {err.message}") from err


def _variables(tree: nodes.Template) -> list[Variable]:
    local: set[str] = set()
    for node in tree.find_all((nodes.Assign, nodes.For, nodes.AssignBlock)):
        target = node.target  # type: ignore[attr-defined]
        names = [target, *target.find_all(nodes.Name)]  # a name, or a tuple of them
        local |= {name.name for name in names if isinstance(name, nodes.Name)}
    for macro in tree.find_all(nodes.Macro):
        local |= {macro.name, *(arg.name for arg in macro.args)}
    uses: dict[str, list[tuple[int, bool]]] = {}
    _visit(tree, frozenset(), uses, local | _BUILT_IN)
    return [
        Variable(path, tuple(sorted({line for line, _ in seen})), all(opt for _, opt in seen))
        for path, seen in uses.items()
    ]


def _visit(
    node: nodes.Node,
    guarded: frozenset[str],
    uses: dict[str, list[tuple[int, bool]]],
    local: set[str] | frozenset[str],
) -> None:
    if isinstance(node, nodes.If):
        _visit(node.test, guarded, uses, local)
        inside = guarded | _defined_in(node.test)
        for child in node.body:
            _visit(child, inside, uses, local)
        for branch in (*node.elif_, *node.else_):
            _visit(branch, guarded, uses, local)
        return
    if isinstance(node, nodes.CondExpr):  # a if b is defined else c
        _visit(node.test, guarded, uses, local)
        _visit(node.expr1, guarded | _defined_in(node.test), uses, local)
        if node.expr2 is not None:
            _visit(node.expr2, guarded, uses, local)
        return
    path = _path(node)
    if path is not None:
        if path.split(".")[0] not in local:
            uses.setdefault(path, []).append((node.lineno, _is_guarded(path, guarded)))
        return
    if isinstance(node, nodes.Filter) and node.name in ("default", "d") and node.node is not None:
        inner = _path(node.node)
        if inner is not None and inner.split(".")[0] not in local:
            uses.setdefault(inner, []).append((node.lineno, True))
            for child in (*node.args, *(kw.value for kw in node.kwargs)):
                _visit(child, guarded, uses, local)
            return
    if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
        inner = _path(node.node)
        if inner is not None and inner.split(".")[0] not in local:
            uses.setdefault(inner, []).append((node.lineno, True))
            return
    for child in node.iter_child_nodes():
        _visit(child, guarded, uses, local)


def _path(node: nodes.Node) -> str | None:
    """``candidate.first_name`` for a chain of attributes on a name; None for anything else."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            if not isinstance(node.arg.value, str):
                return _path(node.node)  # term.related_names[0]: the list itself
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name) and node.ctx == "load":
            return ".".join([node.name, *reversed(parts)])
        else:
            return None


def _is_guarded(path: str, guarded: frozenset[str]) -> bool:
    """Whether an ``is defined`` test of the value, or of what holds it, guards this use
    (``term.name`` inside ``{% if term is defined %}``)."""
    return any(path == g or path.startswith(g + ".") for g in guarded)


def _defined_in(test: nodes.Node) -> frozenset[str]:
    """Paths a condition proves are there: ``x is defined``, ``x is defined and ...``."""
    if isinstance(test, nodes.Test) and test.name == "defined":
        path = _path(test.node)
        return frozenset({path} if path else ())
    if isinstance(test, nodes.And):
        return _defined_in(test.left) | _defined_in(test.right)
    return frozenset()


def needs(
    variables: Sequence[Variable],
    rows: Iterable[Mapping[str, Any]],
    shared: Mapping[str, Any],
) -> tuple[list[Need], int]:
    """Each variable with the number of rows that lack it, and the number of rows. ``rows``
    are the candidate fields of each row; ``shared`` is what every message sees (sender,
    term, role, ...). A variable outside ``candidate`` is lacking in every row or none."""
    lacking = {v.path: 0 for v in variables}
    count = 0
    candidates = [v for v in variables if v.path.split(".")[0] == "candidate"]
    for row in rows:
        count += 1
        for variable in candidates:
            if not _has({"candidate": row}, variable.path):
                lacking[variable.path] += 1
    found = []
    for variable in variables:
        root = variable.path.split(".")[0]
        if root == "candidate":
            found.append(Need(variable, lacking[variable.path], "each row"))
        else:
            there = _has(shared, variable.path)
            source = _SOURCES.get(root, "--set")
            found.append(Need(variable, 0 if there else count, source))
    return found, count


def has_value(data: Mapping[str, Any], path: str) -> bool:
    """Whether ``path`` (``candidate.first_name``) leads to a value in ``data``."""
    return _has(data, path)


#: where a value outside the rows comes from, for the user to set it
_SOURCES = {
    "term": "--term",
    "stack": "--stack or --term",
    "sender": "config.yaml or --set",
    "position": "--set role=...",
}


def _has(data: Mapping[str, Any], path: str) -> bool:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return value not in (None, "", [], {})
