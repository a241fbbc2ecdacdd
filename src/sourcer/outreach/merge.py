"""The mail-merge: one message per CSV row (or one for a single candidate), every one rendered
and checked before any is printed or written.

:func:`render_all` reads the CSV once, as a stream, and renders each row straight into a
spool file in the output format asked for, so memory stays flat however long the file is.
A row that cannot become a message is a :class:`RowError` in the result, and the merge goes
on. Nothing leaves the spool unless every row passed (or the request says ``skip_bad``):
:meth:`MergeResult.output` streams it for stdout, :func:`write_files` writes one file per
message. So nothing is ever half-written.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import BinaryIO, Literal, NamedTuple, TypeVar

from jinja2.exceptions import UndefinedError

from sourcer.errors import FileExists, MergeError, MessageTooLong, SourcerError, TemplateError
from sourcer.fsutil import Transaction
from sourcer.library.schema import Term
from sourcer.outreach.config import Config
from sourcer.outreach.context import (
    Assignments,
    Settings,
    build_context,
    column_key,
    settings_from,
)
from sourcer.outreach.templates import Message, OutreachTemplate, Templates
from sourcer.templating import Fields, budget_session

Format = Literal["text", "json", "csv", "eml", "mailto"]

#: called after each row: (rows read so far, how much of the input is read, out of how much);
#: for a CSV file the last two are bytes, for rows given as a list they are rows (0: unknown)
ProgressHook = Callable[[int, int, int], None]
#: called after each file written: (files so far, out of how many)
FilesHook = Callable[[int, int], None]

#: how the template sandbox words a missing value (sourcer.templating.NamedStrictUndefined)
_NOT_SET = " is not set"


@dataclass(frozen=True)
class RowError:
    """A row that could not become a message: its number, why, and the template variable it
    lacked when that was the reason."""

    row: int
    message: str
    #: the missing value (``candidate.first_name``), when a missing value was the reason
    variable: str | None = None

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class RowWarning:
    """A message over a soft limit (or a hard one under ``allow_long``): kept, but worth a look.
    ``row`` is None for a single message."""

    row: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.row is None else f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class MergeRequest:
    """A merge as plain values: which template, for whom, and how to check and print it.

    With ``csv_path`` every row of that file is a candidate; with ``rows`` every mapping
    (column name -> value, numbered from 1); with neither, the one candidate of
    ``assignments`` gets one message, and its failures are raised instead of collected.
    """

    templates: Templates
    template: str
    term: Term | None = None
    #: slug -> name for the term's similar and related terms (``term.related_names``)
    term_names: Mapping[str, str] = field(default_factory=dict)
    #: the role's skills as the user gave them (--stack, --term, the role's must-haves)
    stack: tuple[str, ...] = ()
    #: the language of the messages (a row's lang or language column wins): "de", "fr" ...
    lang: str | None = None
    level: str | None = None
    #: parsed ``--set`` values (see :func:`sourcer.outreach.context.parse_assignments`)
    assignments: Mapping[str, str | Assignments] = field(default_factory=dict)
    config: Config = field(default_factory=lambda: Config({}))
    #: the LinkedIn account tier; None: the config's, else free
    tier: str | None = None
    allow_long: bool = False
    csv_path: str | None = None
    rows: Iterable[Mapping[str, str]] | None = None
    #: rows already read (a sequence renders them once per step): (rows, columns, source)
    source_rows: tuple[Sequence[SourceRow], list[str], str] | None = None
    skip_bad: bool = False
    #: what :meth:`MergeResult.output` gives; :func:`write_files` needs "text"
    format: Format = "text"
    #: in ``--format csv``, cells a spreadsheet would run as formulas get a leading '
    safe_cells: bool = True


class _Entry(NamedTuple):
    """One spooled message: its row, the name part of its file, and its rendered output."""

    row: int | None
    name: str
    payload: str


class _Spool:
    """Rendered messages in a temporary file, in row order. Each entry is a header line
    (row, file name, length of the payload) and then the payload as it will be printed."""

    def __init__(self) -> None:
        # newline="": payloads come back exactly as written, "\r" and all
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115 - closed by close()

    def add(self, entry: _Entry) -> None:
        row = "-" if entry.row is None else str(entry.row)
        self._file.write(f"{row} {entry.name} {len(entry.payload)}\n{entry.payload}")

    def __iter__(self) -> Iterator[_Entry]:
        self._file.seek(0)
        while header := self._file.readline():
            row, name, size = header.split()
            yield _Entry(None if row == "-" else int(row), name, self._file.read(int(size)))

    def close(self) -> None:
        self._file.close()


#: a merge expected to write at least so many files with --out hands them to a forked child,
#: which creates them while the merge renders the next (see sourcer.writer); fewer are not
#: worth the fork
HELPER_FROM = 200


def _file_width(count: int) -> int:
    """The digits of the row numbers that start the files' names: as wide as ``count``
    (the largest row number), so that the names sort in the rows' order, and at least 3."""
    return max(len(str(count)), 3)


def _file_name(row: int | None, name: str, width: int, suffix: str) -> str:
    """A message's file: ``012-ada-lovelace.txt`` (a message of no row is row 1)."""
    return f"{row or 1:0{width}d}-{name}{suffix}"


def _file_text(payload: str) -> str:
    """A message as its file holds it: ending in a line break."""
    return payload if payload.endswith("\n") else payload + "\n"


class _StagedFiles:
    """A merge's messages as files in ``folder``, staged as they are rendered (``--out``),
    and moved into place by :meth:`commit` only when every row passed.

    Each name starts with its row number, as wide as the largest, which is known only at
    the end: the files are named for the width ``rows`` gives (the number of the input's
    last row, as the input's line count says), and renamed only if it came out otherwise
    (a cell holding line breaks, blank rows at the end). An existing file in the way is
    found at :meth:`commit`, before any file is moved in."""

    def __init__(self, folder: str, suffix: str, rows: int, force: bool) -> None:
        self.folder = folder
        self.suffix = suffix
        self.width = _file_width(rows)
        self.force = force
        #: a new folder has nothing in the way
        self._fresh = not os.path.lexists(folder)
        self._batch = Transaction(force=force, helper=rows >= HELPER_FROM)
        self._batch.__enter__()
        self._names: list[tuple[int, str]] = []  # (row number, the name part) of each file

    def add(self, row: int | None, name: str, text: str) -> None:
        self._names.append((row or 1, name))
        path = os.path.join(self.folder, _file_name(row, name, self.width, self.suffix))
        self._batch.add(path, text, check=False)

    def commit(self, width: int, progress: FilesHook | None) -> list[str]:
        """Wait for the files to be written, name them for ``width``, and move them in;
        returns their paths. FileExists (naming the first and how many more) unless
        ``force``, before any is moved."""
        self._batch.finish_writes(progress)
        paths = [
            os.path.join(self.folder, _file_name(number, name, width, self.suffix))
            for number, name in self._names
        ]
        if width != self.width:
            self._batch.retarget(paths)
        if not self.force and not self._fresh:
            existing = [path for path in paths if os.path.lexists(path)]
            if existing:
                more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
                raise FileExists(f"{existing[0]}{more}")
        self._batch.commit()
        return paths

    def close(self) -> None:
        """Remove what is still staged (all of it, unless committed)."""
        self._batch.__exit__(None, None, None)


_C = TypeVar("_C", bound="_Closing")


class _Closing:
    """``with`` closes it: what holds a file (the CSV, the spool) closes on the way out."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(eq=False)
class MergeResult(_Closing):
    """What a merge produced: the failed rows, the warnings, counts, and the messages, spooled.

    Close it when done (it is a context manager). :meth:`output` and :func:`write_files`
    refuse (MergeError) while rows failed, unless the request said ``skip_bad``.
    """

    format: Format
    skip_bad: bool
    #: what the rows came from (named when rows failed): the CSV path, or "the rows"
    source: str
    #: the candidate fields, in the input's order (``--format csv`` has a column for each)
    columns: list[str]
    failures: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    blank_rows: int = 0
    #: what the reader of the file decided on its own (encoding, delimiter)
    notes: list[str] = field(default_factory=list)
    #: who sends (for the From line of an .eml file)
    sender: Mapping[str, str] = field(default_factory=dict)
    #: how many messages were rendered (and are spooled)
    messages: int = 0
    #: the largest row number among them (past messages + 1 where rows were blank or failed)
    last_row: int = 0
    #: cells a spreadsheet would evaluate are neutralised (see :func:`spreadsheet_safe`)
    safe_cells: bool = True
    _spool: _Spool = field(default_factory=_Spool, init=False, repr=False)
    #: the files of --out, staged as the messages are rendered (instead of the spool)
    _staged: _StagedFiles | None = field(default=None, init=False, repr=False)

    @property
    def ok(self) -> bool:
        """Whether the messages may be printed or written."""
        return not self.failures or self.skip_bad

    def check(self) -> None:
        """MergeError unless every row passed or failed rows are to be skipped."""
        if self.ok:
            return
        count = f"{len(self.failures)} row{'s' * (len(self.failures) != 1)}"
        raise MergeError(
            f"{count} of {self.source} failed; nothing was written "
            "(fix them, or pass --skip-bad to write the rest)"
        )

    def output(self) -> Iterator[str]:
        """The messages in the request's format, in pieces to print one after another;
        MergeError (at once) while rows failed, unless the request said ``skip_bad``."""
        self.check()
        return self._pieces()

    def _pieces(self) -> Iterator[str]:
        entries = iter(self._spool)
        if self.format == "json":
            yield "["
            for index, entry in enumerate(entries):
                yield ("," if index else "") + "\n  " + entry.payload
            yield "\n]\n"
        elif self.format == "csv":
            yield csv_line(
                ["row", *self.columns, "template", "channel", "subject", "body", "length"]
            )
            for entry in entries:
                yield entry.payload
        elif self.format in ("mailto", "eml"):
            for entry in entries:
                yield entry.payload + ("\n" if self.format == "mailto" else "")
        else:
            for index, entry in enumerate(entries):
                if entry.row is not None:
                    yield ("\n" if index else "") + f"=== row {entry.row} ===\n"
                yield entry.payload + "\n"

    def _add(self, message: Message) -> None:
        """Spool one message in the result's format and note its warnings."""
        self.warnings.extend(RowWarning(message.row, text) for text in message.warnings)
        if self.format == "json":
            payload = json.dumps(message.to_dict(), ensure_ascii=False)
        elif self.format == "csv":
            payload = _csv_row(message, self.columns, self.safe_cells)
        elif self.format == "eml":
            payload = email_file(message, self.sender)
        elif self.format == "mailto":
            payload = mailto_link(message)
        else:
            payload = message.text()
        # the name of its file, for the formats written as files (see files)
        name = file_slug(message) if self.format in ("text", "eml") else "-"
        if self._staged is not None:
            self._staged.add(message.row, name, _file_text(payload))
        else:
            self._spool.add(_Entry(message.row, name, payload))
        self.messages += 1
        self.last_row = max(self.last_row, message.row or 0)

    def _stage_files(self, folder: str, rows: int, force: bool) -> None:
        """Write each message as a file in ``folder`` as it comes (see write_files); ``rows``
        is the likely number of the last row."""
        if self.format not in ("text", "eml"):
            raise ValueError(f"files hold message text; this merge renders {self.format}")
        self._staged = _StagedFiles(folder, self._suffix(), rows, force)

    def _suffix(self) -> str:
        return ".eml" if self.format == "eml" else ".txt"

    def _width(self) -> int:
        return _file_width(max(self.messages + 1, self.last_row))

    def files(self) -> Iterator[tuple[str, str]]:
        """Each message as a file: ``012-ada-lovelace.txt`` (``.eml`` for drafts; the row
        number keeps names unique and in the input's order) and its text. MergeError (at
        once) while rows failed, unless the request said ``skip_bad``."""
        self.check()
        if self.format not in ("text", "eml"):
            raise ValueError(f"files hold message text; this merge was rendered as {self.format}")
        if self._staged is not None:
            raise ValueError(f"this merge's files are staged for {self._staged.folder}")
        return self._files()

    def _files(self) -> Iterator[tuple[str, str]]:
        width, suffix = self._width(), self._suffix()
        for entry in self._spool:
            yield _file_name(entry.row, entry.name, width, suffix), _file_text(entry.payload)

    def close(self) -> None:
        try:
            if self._staged is not None:
                self._staged.close()
        finally:
            self._spool.close()


def shared_context(request: MergeRequest) -> tuple[Settings, dict[str, object]]:
    """The request's --set values sorted, and what every message of it sees but the
    candidate: built once, and shared (the sandbox lets no template change it; see
    sourcer.templating.BudgetedEnvironment)."""
    config = request.config
    settings = settings_from(
        request.assignments, level=request.level, role=config.role, company=config.company
    )
    shared = build_context(
        candidate={},
        term=request.term,
        level=settings.level,
        sender=config.sender,
        extra=settings.extra,
        names=request.term_names,
        # the stack as given; with none, the term the message is about
        stack=request.stack or ((request.term.name,) if request.term is not None else ()),
    )
    return settings, shared


def render_all(
    request: MergeRequest,
    *,
    progress: ProgressHook | None = None,
    out_dir: str | None = None,
    force: bool = False,
) -> MergeResult:
    """Render every row of the request (or its one candidate) into a :class:`MergeResult`.

    Rows that fail are collected, not raised; a problem with the whole input (no such
    template, a CSV that is not UTF-8 or has no header) raises, as does the failure of a
    single message. ``progress`` is called after each row.

    With ``out_dir`` (the request's format must be text or eml), each message's file is
    staged there as it is rendered, so that writing them overlaps the rendering (in a
    second process, for a long merge); :func:`write_files` with the same folder then moves
    them in, and closing the result without it leaves nothing. A failure to stage one
    (a full disk) raises WriteError at once.
    """
    template = request.templates.get(request.template)
    config = request.config
    settings, shared = shared_context(request)
    tier = request.tier or config.tier or "free"

    needed: list[str] | None = None  # what the template cannot do without (read when needed)
    in_language: dict[str, OutreachTemplate | None] = {}  # each language's variant, once
    #: rows that asked for a language the template has no variant in: language -> rows
    untranslated: dict[str, list[int | None]] = {}

    def localized(candidate: Mapping[str, object], row: int | None) -> OutreachTemplate:
        """The variant for the row's language (a lang or language column, else --lang)."""
        from sourcer.outreach.templates import language_code

        lang = language_code(
            candidate.get("lang") or candidate.get("language") or request.lang or ""
        )
        if not lang or lang == "en":
            return template
        if lang not in in_language:
            in_language[lang] = request.templates.variant(template, lang)
        found = in_language[lang]
        if found is None:
            untranslated.setdefault(lang, []).append(row)
            return template
        return found

    def render(candidate: Mapping[str, object], row: int | None) -> Message:
        nonlocal needed
        if row is not None and template.channel.slug == "email":
            address = str(candidate.get("email") or "")
            if not address:
                raise TemplateError(
                    "no email address: an email needs an 'email' column (or E-mail, Mail, "
                    "Courriel, Correo ...) with this row's address"
                )
            if not is_address(address):
                raise TemplateError(f"{address!r} is not an email address; fix the email column")
        context = {**shared, "candidate": Fields("candidate", candidate)}
        try:
            return request.templates.render(
                localized(candidate, row),
                context,
                tier=tier,
                allow_long=request.allow_long,
                row=row,
            )
        except TemplateError as err:
            cause = err.__cause__
            if not isinstance(cause, UndefinedError) or not (cause.message or "").endswith(
                _NOT_SET
            ):
                raise
            if needed is None:
                from sourcer.outreach.check import template_variables

                variables = template_variables(request.templates, template.name)
                needed = [v.path for v in variables if not v.optional]
            raise TemplateError(
                _all_missing(str(err), cause.message or "", needed, context)
            ) from cause

    if request.format in ("eml", "mailto") and template.channel.slug != "email":
        raise MergeError(
            f"--format {request.format} is for email templates; {template.name} is a "
            f"{template.channel.name}"
        )
    sender = {**config.sender, **_texts(settings.extra.get("sender"))}

    def result_for(source: str, columns: list[str], rows: int) -> MergeResult:
        result = MergeResult(
            request.format, request.skip_bad, source, columns, safe_cells=request.safe_cells
        )
        result.sender = sender
        if out_dir is not None:
            try:
                result._stage_files(out_dir, rows, force)
            except BaseException:
                result.close()
                raise
        return result

    if request.csv_path is not None:
        with CsvRows(request.csv_path) as table:
            result = result_for(
                request.csv_path, table.columns, table.lines() if out_dir is not None else 0
            )
            result.notes.extend(table.notes)

            def csv_progress(done: int) -> None:
                if progress is not None:
                    progress(done, table.position, table.size)

            with budget_session():
                _merge_rows(result, table, settings.candidate, render, csv_progress)
        _free_notes(result, template.channel.slug, tier)
        _untranslated(result, template.name, untranslated)
        return result
    if request.source_rows is not None:
        given, columns, source = request.source_rows
        result = result_for(source, columns, len(given) + 1)
        with budget_session():
            _merge_rows(result, given, settings.candidate, render, lambda done: None)
        _free_notes(result, template.channel.slug, tier)
        _untranslated(result, template.name, untranslated)
        return result
    if request.rows is not None:
        total = len(request.rows) if isinstance(request.rows, Sized) else 0
        columns, rows = _given_rows(request.rows)
        result = result_for("the rows", columns, total + 1)

        def rows_progress(done: int) -> None:
            if progress is not None:
                progress(done, done, total)

        with budget_session():
            _merge_rows(result, rows, settings.candidate, render, rows_progress)
        _free_notes(result, template.channel.slug, tier)
        _untranslated(result, template.name, untranslated)
        return result
    message = render(settings.candidate, None)
    result = result_for("the rows", list(settings.candidate), 1)
    try:
        result._add(message)
    except BaseException:
        result.close()
        raise
    _untranslated(result, template.name, untranslated)
    return result


def _merge_rows(
    result: MergeResult,
    rows: Iterable[SourceRow | RowError],
    defaults: Mapping[str, object],
    render: Callable[[Mapping[str, object], int], Message],
    progress: Callable[[int], None],
) -> None:
    """Render each row into ``result``: blank rows are counted and skipped (as a spreadsheet
    user expects), failing ones recorded."""
    try:
        for done, item in enumerate(rows, start=1):
            if isinstance(item, RowError):
                result.failures.append(item)
            elif not item.fields:
                result.blank_rows += 1
            else:
                try:
                    result._add(render({**defaults, **item.fields}, item.number))
                except (TemplateError, MessageTooLong) as err:
                    result.failures.append(_row_error(item.number, err))
            progress(done)
    except BaseException:
        result.close()
        raise


def _untranslated(result: MergeResult, name: str, wanted: Mapping[str, list[int | None]]) -> None:
    for lang, rows in sorted(wanted.items()):
        numbers = ", ".join(str(row) for row in rows[:5] if row is not None)
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        label = "row" if len(rows) == 1 else "rows"
        which = f"{label} {numbers}{more}" if numbers else "the message"
        result.notes.append(
            f"no {lang!r} version of {name}; {which} got the default (add {name}.{lang}.j2)"
        )


def _free_notes(result: MergeResult, channel: str, tier: str) -> None:
    """A free LinkedIn account can add a note to few connection requests a month: say so
    when a merge makes more."""
    from sourcer.outreach.channels import FREE_NOTES_PER_MONTH, FREE_NOTES_SOURCE

    if (
        channel == "linkedin-connection"
        and tier == "free"
        and result.messages > FREE_NOTES_PER_MONTH
    ):
        result.warnings.append(
            RowWarning(
                None,
                f"{result.messages} connection notes, but a free LinkedIn account can add a "
                f"note to {FREE_NOTES_PER_MONTH} connection requests a month "
                f"({FREE_NOTES_SOURCE}); send the rest without a note, or use a premium "
                "account (--tier premium)",
            )
        )


def _texts(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def is_address(text: str) -> bool:
    """Whether ``text`` is one email address (name@domain), as the email package reads one:
    nothing a header could be split or widened with."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    if any(char.isspace() for char in text) or text.count("@") != 1:
        return False
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError, HeaderParseError):
        return False
    return bool(address.username and "." in address.domain)


def email_file(message: Message, sender: Mapping[str, str]) -> str:
    """An email message as an RFC 5322 file (``.eml``), opened as a draft by mail clients:
    sourcer writes it, never sends it. CRLF line ends, as the standard has them."""
    from email import policy
    from email.headerregistry import Address
    from email.message import EmailMessage

    draft = EmailMessage(policy=policy.SMTP)
    candidate = message.candidate
    # names on one line: a line break in a cell must not start a header of its own
    to_name = " ".join(
        " ".join(str(candidate[k]).split()) for k in ("first_name", "last_name") if candidate.get(k)
    )
    address = str(candidate.get("email", ""))
    draft["To"] = Address(display_name=to_name, addr_spec=address) if address else ""
    from_address = sender.get("email", "")
    if from_address:
        if not is_address(from_address):
            raise TemplateError(f"sender.email {from_address!r} is not an email address")
        name = " ".join(sender.get("name", "").split())
        draft["From"] = Address(display_name=name, addr_spec=from_address)
    draft["Subject"] = message.subject or ""
    draft["X-Unsent"] = "1"  # Outlook opens the file as a draft to send
    draft.set_content(message.body + "\n", charset="utf-8")
    return draft.as_bytes().decode("utf-8")


def mailto_link(message: Message) -> str:
    """A ``mailto:`` link that opens the message in the user's mail program."""
    from urllib.parse import quote

    address = quote(str(message.candidate.get("email", "")), safe="@")
    subject = quote(message.subject or "", safe="")
    body = quote(message.body.replace("\n", "\r\n"), safe="")
    return f"mailto:{address}?subject={subject}&body={body}"


def _all_missing(
    error: str, first: str, needed: Sequence[str], context: Mapping[str, object]
) -> str:
    """The template's error for its first missing value, naming every needed value this
    message lacks, each with the value of the same name that was set elsewhere, if any
    (``salary is not set (you set candidate.salary: write {{ candidate.salary }})``)."""
    from sourcer.outreach.check import has_value

    missing = [first[: -len(_NOT_SET)]]
    missing += [path for path in needed if path not in missing and not has_value(context, path)]
    described = []
    for path in missing:
        elsewhere = _set_elsewhere(path, context)
        hint = f" (you set {elsewhere}: write {{{{ {elsewhere} }}}})" if elsewhere else ""
        described.append(path + hint)
    verb = "is" if len(described) == 1 else "are"
    return error[: -len(first)] + f"{', '.join(described)} {verb} not set"


def _set_elsewhere(path: str, context: Mapping[str, object]) -> str | None:
    """The same value set at the other level (``--set salary=`` fills candidate.salary, but
    a template may read ``salary``): candidate.salary for salary, and the other way round."""
    from sourcer.outreach.check import has_value

    parts = path.split(".")
    if len(parts) == 1:
        places = [f"candidate.{path}", f"sender.{path}"]
    elif len(parts) == 2 and parts[0] in ("candidate", "sender"):
        places = [parts[1]]
    else:
        places = []
    return next((place for place in places if has_value(context, place)), None)


def _row_error(row: int, err: SourcerError) -> RowError:
    cause = err.__cause__ or err.__context__
    variable = None
    if isinstance(cause, UndefinedError) and (cause.message or "").endswith(_NOT_SET):
        variable = (cause.message or "")[: -len(_NOT_SET)]
    return RowError(row, str(err), variable)


# -- reading rows --------------------------------------------------------------------------


class SourceRow(NamedTuple):
    """One data row: its number (as a spreadsheet shows it) and its non-blank values by
    candidate field. A blank row has no fields."""

    number: int
    fields: dict[str, str]


class CsvRows(_Closing):
    """A mail-merge CSV file, opened once: its header (checked) on opening, then its rows as
    they are iterated. UTF-8, with or without a BOM. Blank cells are left out, so templates
    see them as missing; a row with more cells than the header has columns is a RowError."""

    def __init__(self, path: str) -> None:
        self.path = path
        #: what the reader decided on its own (encoding, delimiter), for the user to see
        self.notes: list[str] = []
        self._raw = _open_csv(path)
        self.size = os.fstat(self._raw.fileno()).st_size
        try:
            encoding = _csv_encoding(self._raw.peek(400)[:400], path)
            if encoding == "utf-8-sig" and not _decodes(self._raw, "utf-8"):
                if not _decodes(self._raw, "cp1252"):
                    raise MergeError(
                        f"{path}:{_bad_utf8_line(self._raw)}: neither UTF-8 nor Windows-1252 "
                        "text; save it as CSV UTF-8"
                    )
                encoding = "cp1252"
                self.notes.append(
                    f"{path}: read as Windows-1252 (Excel's 'CSV' format); save it as "
                    "'CSV UTF-8' to be sure of every letter"
                )
        except BaseException:
            self._raw.close()
            raise
        self._handle = io.TextIOWrapper(self._raw, encoding=encoding, newline="")
        try:
            with self._errors():
                self.delimiter = self._sniff()
        except BaseException:
            self.close()
            raise
        if self.delimiter != ",":
            self.notes.append(f"{path}: columns separated by {_DELIMITER_NAMES[self.delimiter]}")
        # strict: a quote left open is an error, not the rest of the file read as one cell
        self._reader = csv.reader(self._handle, delimiter=self.delimiter, strict=True)
        self._row_line = 1
        try:
            with self._errors():
                self.columns = self._read_header()
        except BaseException:
            self.close()
            raise
        self._derived = _derived_fields(self.columns)

    def _sniff(self) -> str:
        """Comma, semicolon (Excel in much of Europe) or tab, as csv.Sniffer reads the start
        of the file; where it cannot tell, the one the header line holds most of."""
        # A small sample: csv.Sniffer's time grows with the square of what it reads
        # (16 KB of '"\n' took 5 s), and 50 lines say all it needs to.
        lines: list[str] = []
        while len(lines) < 50 and sum(map(len, lines)) < 4096:
            line = self._handle.readline(4096)  # a line with no end is read in part only
            if not line:
                break
            lines.append(line)
        sample = "".join(lines)[:4096]
        self._handle.seek(0)
        header = sample.split("\n", 1)[0]
        try:
            found = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        except csv.Error:
            found = ""
        if found and found in header:
            return found
        counts = {d: header.count(d) for d in ",;\t"}
        best = max(counts, key=lambda d: (counts[d], d == ","))
        return best if counts[best] else ","

    @property
    def position(self) -> int:
        """How many bytes of the file have been read."""
        return self._raw.tell()

    def _read_header(self) -> list[str]:
        header = next(self._reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise MergeError(f"{self.path}:1: no header row; the first row names the columns")
        if len(header) > MAX_COLUMNS:
            raise MergeError(
                f"{self.path}:1: {len(header):,} columns; a mail-merge file has at most "
                f"{MAX_COLUMNS:,} (is this the right file?)"
            )
        keys = [column_key(cell) for cell in header]
        first: dict[str, int] = {}
        for index, key in enumerate(keys):
            if not key:
                raise MergeError(f"{self.path}:1: column {index + 1} has no name")
            if key in first:
                raise MergeError(
                    f"{self.path}:1: columns {first[key] + 1} and {index + 1} are both "
                    f"{key!r}; rename one"
                )
            first[key] = index
        return keys

    def __iter__(self) -> Iterator[SourceRow | RowError]:
        keys = self.columns
        with self._errors():
            self._row_line = self._reader.line_num + 1
            for number, cells in enumerate(self._reader, start=2):
                self._row_line = self._reader.line_num + 1
                if not any(cell.strip() for cell in cells):
                    yield SourceRow(number, {})
                elif len(cells) > len(keys):
                    yield RowError(number, f"{len(cells)} cells but {len(keys)} columns")
                elif any("\x00" in cell for cell in cells):
                    yield RowError(number, "a cell holds a NUL byte; remove it")
                else:
                    fields = {
                        key: cell.strip()
                        for key, cell in zip(keys, cells, strict=False)
                        if cell.strip()
                    }
                    yield SourceRow(number, _with_derived(fields, self._derived))

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """The file's encoding and quoting errors as MergeErrors naming file and line."""
        try:
            yield
        except UnicodeDecodeError as err:
            raise MergeError(
                f"{self.path}:{_bad_utf8_line(self._raw)}: not UTF-8 text; save it as UTF-8 "
                "(CSV UTF-8)"
            ) from err
        except csv.Error as err:
            if "unexpected end of data" in str(err):
                raise MergeError(
                    f'{self.path}:{self._row_line}: a quote (") opened in this row is never '
                    "closed, so the rest of the file would be one cell; close or remove it"
                ) from err
            if "field larger than field limit" in str(err):
                raise MergeError(
                    f"{self.path}:{self._row_line}: a cell in this row is longer than "
                    f"{csv.field_size_limit():,} characters; is a quote left open?"
                ) from err
            raise MergeError(f"{self.path}:{self._reader.line_num}: {err}") from err

    def lines(self) -> int:
        """How many lines the file has, a last one without a line break included: the last
        row's number, unless cells hold line breaks. Read beside the rows, which it does
        not disturb (0 where the system cannot read so)."""
        pread = getattr(os, "pread", None)
        if pread is None:
            return 0
        fd = self._raw.fileno()
        newlines = returns = offset = 0
        last = b""
        while chunk := pread(fd, 1 << 20, offset):
            newlines += chunk.count(b"\n")
            returns += chunk.count(b"\r")  # the line breaks of an old Mac's files
            offset += len(chunk)
            last = chunk[-1:]
        return max(newlines, returns) + (last not in (b"", b"\n", b"\r"))

    def close(self) -> None:
        self._handle.close()


_DELIMITER_NAMES = {";": "semicolons (;)", "\t": "tabs"}


def _decodes(handle: io.BufferedReader | io.BufferedRandom, encoding: str) -> bool:
    """Whether the whole file decodes in ``encoding`` (read in pieces; rewound after)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    handle.seek(0)
    try:
        while chunk := handle.read(1 << 16):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        handle.seek(0)
    return True


class _Derived(NamedTuple):
    """Fields a row gains from columns named another way: (field, from column), and the
    column whose full names give first and last names."""

    aliases: tuple[tuple[str, str], ...]
    full_name: str | None


def _derived_fields(columns: list[str]) -> _Derived:
    from sourcer.outreach.context import COLUMN_ALIASES, FULL_NAME_COLUMNS

    present = set(columns)
    aliases = []
    for wanted, names in COLUMN_ALIASES.items():
        if wanted not in present:
            source = next((name for name in names if name in present), None)
            if source is not None:
                aliases.append((wanted, source))
    has_names = {"first_name", "last_name"} & (present | {f for f, _ in aliases})
    full = None if has_names else next((c for c in FULL_NAME_COLUMNS if c in present), None)
    return _Derived(tuple(aliases), full)


def _with_derived(fields: dict[str, str], derived: _Derived) -> dict[str, str]:
    from sourcer.outreach.context import split_name

    for wanted, source in derived.aliases:
        if source in fields:
            fields[wanted] = fields[source]
    if derived.full_name is not None and derived.full_name in fields:
        first, last = split_name(fields[derived.full_name])
        if first:
            fields["first_name"] = first
        if last:
            fields["last_name"] = last
    return fields


MAX_COLUMNS = 1_000
#: Standard input is kept in a temporary file; past this it is surely not a mail-merge file.
MAX_STDIN = 2 * 1024**3


def _copy_capped(source: BinaryIO, target: BinaryIO, limit: int) -> None:
    copied = 0
    while chunk := source.read(1 << 20):
        copied += len(chunk)
        if copied > limit:
            raise MergeError(
                f"standard input: more than {limit / 1024**2:,.0f} MiB; "
                "is it the right stream? Save the CSV to a file and pass its path"
            )
        target.write(chunk)


def _open_csv(path: str) -> io.BufferedReader | io.BufferedRandom:
    """The CSV file, opened once; ``-`` is standard input, kept in a temporary file so that
    it can be measured for the progress bar like any other file."""
    from sourcer.textfile import ReadError, open_regular

    if path in ("-", "/dev/stdin"):  # a pipe cannot be read twice or measured: spool it
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the reader
        try:
            _copy_capped(sys.stdin.buffer, spool, MAX_STDIN)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool
    try:
        return os.fdopen(open_regular(path), "rb")
    except ReadError as err:
        raise MergeError(str(err)) from err


def _csv_encoding(head: bytes, path: str) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 with a BOM; anything else is an error."""
    from sourcer.textfile import looks_like_utf16

    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if looks_like_utf16(head):
        raise MergeError(
            f"{path}: looks like UTF-16 without a byte-order mark; save it as UTF-8 (CSV UTF-8)"
        )
    return "utf-8-sig"


def _bad_utf8_line(handle: io.BufferedReader | io.BufferedRandom) -> int:
    """The line of the first byte that is not UTF-8 (only read on this error path)."""
    handle.seek(0)
    data = handle.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return data.count(b"\n", 0, err.start) + 1
    return 1


def _given_rows(rows: Iterable[Mapping[str, str]]) -> tuple[list[str], Iterator[SourceRow]]:
    """Rows given as mappings, like a CSV's: the first row's keys are the columns."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return [], iter(())
    columns = [column_key(key) for key in first]

    def numbered() -> Iterator[SourceRow]:
        for number, row in enumerate(itertools.chain([first], iterator), start=1):
            fields = {column_key(key): value.strip() for key, value in row.items()}
            yield SourceRow(number, {key: value for key, value in fields.items() if value})

    return columns, numbered()


# -- output --------------------------------------------------------------------------------


def spreadsheet_safe(cell: object) -> object:
    """A cell that Excel, Sheets or LibreOffice would run as a formula (it starts with =, +,
    -, @, a tab or a carriage return) gets a leading ' so it shows as text (OWASP's rule
    against CSV injection)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def csv_line(cells: Iterable[object], safe: bool = True) -> str:
    buffer = io.StringIO()
    shown = [spreadsheet_safe(cell) for cell in cells] if safe else list(cells)
    csv.writer(buffer, lineterminator="\n").writerow(shown)
    return buffer.getvalue()


def _csv_row(message: Message, columns: list[str], safe: bool = True) -> str:
    """A message as a ``--format csv`` line: its row, the candidate's fields, the message."""
    candidate = message.candidate
    return csv_line(
        [
            "" if message.row is None else message.row,
            *(candidate.get(column, "") for column in columns),
            message.template,
            message.channel.slug,
            message.subject or "",
            message.body,
            len(message.body),
        ],
        safe,
    )


def file_slug(message: Message) -> str:
    """The name part of a message's file, ASCII whatever the candidate's name: 'zoe-degard'."""
    candidate = message.candidate
    name = " ".join(str(candidate[k]) for k in ("first_name", "last_name") if k in candidate)
    name = name or str(candidate.get("name") or candidate.get("full_name") or message.template)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "candidate"


def write_files(
    result: MergeResult, out_dir: str, force: bool = False, progress: FilesHook | None = None
) -> list[str]:
    """One file per message in ``out_dir``, ``012-ada-lovelace.txt`` (the row number keeps
    names unique and in the CSV's order), all or none; returns their paths.

    Every name is checked before any file is moved in: an existing file (or a dangling
    symlink) is FileExists unless ``force``. The files are staged and moved into place only
    when all are written, so a full disk or Ctrl-C leaves nothing new and nothing changed.
    MergeError while rows failed, unless the request said ``skip_bad``. ``progress`` is
    called with the files staged so far and how many there are.

    A result rendered with ``out_dir`` (see :func:`render_all`) has its files staged
    already (``out_dir`` and ``force`` must be the same): they are only waited for (the
    progress is the second process's), named and moved in.
    """
    staged = result._staged
    if staged is None:
        return write_many([(result, out_dir)], force, progress)
    result.check()
    if os.fspath(out_dir) != staged.folder or force != staged.force:
        raise ValueError(
            f"this merge's files are staged for {staged.folder} (force={staged.force})"
        )
    return staged.commit(result._width(), progress)


def write_many(
    batches: Sequence[tuple[MergeResult, str]],
    force: bool = False,
    progress: FilesHook | None = None,
) -> list[str]:
    """The messages of several merges, each into its folder, in one all-or-nothing write
    (a sequence's steps); see :func:`write_files`."""
    named = [(result.files(), out_dir) for result, out_dir in batches]  # checks each first
    total = sum(result.messages for result, _ in batches)
    paths: list[str] = []
    try:
        with Transaction(force=force) as batch:
            for files, out_dir in named:
                for name, text in files:  # one pass: each message is staged as it is read
                    paths.append(os.path.join(out_dir, name))
                    batch.add(paths[-1], text)
                    if progress is not None:
                        progress(len(paths), total)
            batch.commit()
    except FileExists as err:
        # Nothing was written; say how many files are in the way (a second pass, only here).
        existing = [
            path
            for result, out_dir in batches
            for name, _ in result._files()
            if os.path.lexists(path := os.path.join(out_dir, name))
        ]
        if not existing:
            raise
        more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
        raise FileExists(f"{existing[0]}{more}") from err
    return paths
