"""What commands print: results on stdout, everything else on stderr, JSON on request, and one
:class:`Report` that prints a run's summary and decides its exit status.

This module is on the start-up path of ``sourcer query`` (through Click): it imports only
click.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # the types only; the query modules load when a command needs them
    from sourcer.query.search import Search


def color_enabled() -> bool:
    """Colour unless NO_COLOR is set (https://no-color.org); Click strips it off-terminal."""
    return not os.environ.get("NO_COLOR")


def style(text: str, **styles: Any) -> str:
    return click.style(text, **styles) if color_enabled() else text


def warn(message: str) -> None:
    """A warning on stderr; results stay alone on stdout."""
    click.echo(style("warning:", fg="yellow", bold=True) + " " + message, err=True)


def note(message: str) -> None:
    click.echo(message, err=True)


def echo_json(data: object) -> None:
    import json  # not needed on the plain-text path of `sourcer query`

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def report_warnings(searches: Sequence[Search]) -> None:
    """Each warning once per board, on stderr."""
    from sourcer.query.plan import search_warnings

    for text in search_warnings(searches):
        warn(text)


def plural(number: int, noun: str) -> str:
    """'1 error', '2 errors'."""
    return f"{number} {noun}{'s' * (number != 1)}"


class Report:
    """Counts a run's errors and warnings and ends it: a failed run (errors, or warnings when
    strict) is one ``Error: ...`` line and exit status 1; a clean one prints its OK line on
    stderr and exits 0. Every checking command ends through one of these."""

    def __init__(self, *, strict: bool = False) -> None:
        self.errors = 0
        self.warnings = 0
        self.strict = strict

    def count(self, severities: Iterable[str]) -> None:
        for severity in severities:
            if severity == "error":
                self.errors += 1
            else:
                self.warnings += 1

    @property
    def failed(self) -> bool:
        return bool(self.errors or (self.strict and self.warnings))

    def finish(self, failure: str, ok: str | None = "OK: no errors") -> None:
        """Raise ``failure`` as the run's error if it failed; else print ``ok`` (with the
        warnings counted, if any) unless it is None."""
        from sourcer.errors import SourcerError

        if self.failed:
            raise SourcerError(failure)
        if ok is not None:
            tail = f", {plural(self.warnings, 'warning')}" if self.warnings else ""
            note(f"{ok}{tail}.")
