"""Outreach sequences: several messages per candidate, each on its day and channel.

A sequence file (YAML) lists steps; each names a template, the day it goes out (days after
the first step), and optionally a condition (``when: email`` for rows with an address,
``when: no email`` for rows without). :func:`render_sequence` renders every step for every
row it applies to, and nothing is kept unless all of them render (or ``skip_bad``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from typing import NamedTuple

from sourcer.errors import SourcerError
from sourcer.outreach.merge import MergeRequest, MergeResult, SourceRow, render_all
from sourcer.outreach.templates import Templates

STEP_KEYS = ("template", "day", "channel", "when")
#: far beyond any real sequence; a file past it is not one
MAX_STEPS = 50
CONDITIONS = {"email": True, "no email": False}


class SequenceError(SourcerError):
    """A sequence file that cannot be used, naming the file and line."""


class Step(NamedTuple):
    number: int
    template: str
    day: int
    #: None for every row; True: rows with an email address; False: rows without
    needs_email: bool | None = None

    @property
    def folder(self) -> str:
        """The step's subfolder in ``--out``: ``1-day00-connection-note``."""
        return f"{self.number}-day{self.day:02d}-{self.template}"


class OutreachSequence(NamedTuple):
    name: str
    description: str
    steps: tuple[Step, ...]
    path: str


def read_sequence(path: str, templates: Templates) -> OutreachSequence:
    """The sequence in ``path``, checked: every step's template exists (and its channel is
    the one the step names, if it names one), days are whole numbers that do not go back."""
    from sourcer.textfile import ReadError, read_text
    from sourcer.yamlload import LineDict, LineList, YAMLSyntaxError, load, unknown_key

    try:
        data = load(read_text(path), path)
    except (ReadError, YAMLSyntaxError) as err:
        problem = getattr(err, "problem", None)
        raise SequenceError(str(problem) if problem else str(err)) from err
    if not isinstance(data, LineDict):
        raise SequenceError(f"{path}:1: a sequence is keys: name, description, steps")
    if (unknown := unknown_key(data, ("name", "description", "steps"))) is not None:
        raise SequenceError(
            f"{path}:{unknown[1]}: unknown key {unknown[0]!r}; expected name, description, steps"
        )
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, LineList) or not raw_steps:
        line = data.key_lines.get("steps", 1)
        raise SequenceError(f"{path}:{line}: steps: a list of steps (template: NAME, day: N)")
    if len(raw_steps) > MAX_STEPS:
        raise SequenceError(
            f"{path}:{data.key_lines.get('steps', 1)}: {len(raw_steps):,} steps; a sequence "
            f"has at most {MAX_STEPS}"
        )
    steps: list[Step] = []
    known = templates.names()
    for number, (raw, line) in enumerate(zip(raw_steps, raw_steps.item_lines, strict=True), 1):
        where = f"{path}:{line}: step {number}"
        if not isinstance(raw, LineDict):
            raise SequenceError(f"{where}: expected template: NAME and day: N")
        if (unknown := unknown_key(raw, STEP_KEYS)) is not None:
            raise SequenceError(
                f"{path}:{unknown[1]}: step {number}: unknown key {unknown[0]!r}; expected "
                f"{', '.join(STEP_KEYS)}"
            )
        template = raw.get("template")
        if not isinstance(template, str) or template not in known:
            raise SequenceError(
                f"{where}: template {template!r} not found; run 'sourcer outreach list'"
            )
        day = raw.get("day")
        if not isinstance(day, int) or isinstance(day, bool) or day < 0:
            raise SequenceError(f"{where}: day must be a whole number of days, 0 or more")
        if steps and day < steps[-1].day:
            raise SequenceError(
                f"{where}: day {day} comes before step {number - 1}'s day {steps[-1].day}"
            )
        channel = raw.get("channel")
        if channel is not None and channel != templates.get(template).channel.slug:
            actual = templates.get(template).channel.slug
            raise SequenceError(f"{where}: {template} is a {actual} template, not {channel}")
        when = raw.get("when")
        if when is not None and when not in CONDITIONS:
            raise SequenceError(f"{where}: when must be one of: {', '.join(CONDITIONS)}")
        steps.append(Step(number, template, day, None if when is None else CONDITIONS[when]))
    name = data.get("name")
    description = data.get("description")
    return OutreachSequence(
        name if isinstance(name, str) else os.path.splitext(os.path.basename(path))[0],
        description if isinstance(description, str) else "",
        tuple(steps),
        path,
    )


def render_sequence(
    sequence: OutreachSequence,
    base: MergeRequest,
    rows: Sequence[SourceRow],
    columns: list[str],
    source: str,
) -> list[tuple[Step, MergeResult]]:
    """Every step rendered for the rows it applies to (``base`` says template options, the
    term, --set and so on; its template is replaced by each step's)."""
    results: list[tuple[Step, MergeResult]] = []
    try:
        for step in sequence.steps:
            chosen = [
                row
                for row in rows
                if step.needs_email is None or bool(row.fields.get("email")) == step.needs_email
            ]
            request = dataclasses.replace(
                base, template=step.template, source_rows=(chosen, columns, source)
            )
            results.append((step, render_all(request)))
    except BaseException:
        for _, result in results:
            result.close()
        raise
    return results
