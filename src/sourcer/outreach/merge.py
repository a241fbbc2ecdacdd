"""Outreach messages: templates with a channel, the context they see, rendering, length checks
and mail-merge rows from a CSV file.

A template is ``NAME.j2``: front matter naming its channel, then Jinja text. Channels with a
subject put it in ``{% block subject %}`` and the message in ``{% block body %}``; a template
without blocks is all body. Templates come in layers (built-in, the user's, then any
``--templates-dir``); a later layer overrides an earlier one by name.
"""

import csv
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from sourcer.errors import MergeError, MessageTooLong, TemplateError
from sourcer.library.schema import Term
from sourcer.outreach.channels import CHANNELS, Channel
from sourcer.templating import FRONT_MATTER, Fields, make_environment, render_parts
from sourcer.yamlload import LineDict, YAMLSyntaxError, load

SUFFIX = ".j2"
FRONT_MATTER_KEYS = ("channel", "description")
#: --set keys that are not candidate fields
TOP_LEVEL_KEYS = ("role", "company", "level")


class OutreachTemplate(NamedTuple):
    """A message template: its name, channel and where it comes from."""

    name: str
    channel: Channel
    description: str
    path: str
    origin: str


class Message(NamedTuple):
    """One rendered message."""

    template: str
    channel: Channel
    subject: str | None
    body: str
    row: int | None = None
    candidate: Mapping[str, Any] = {}
    warnings: tuple[str, ...] = ()

    def lengths(self) -> dict[str, int]:
        out = {"body": len(self.body)}
        if self.subject is not None:
            out["subject"] = len(self.subject)
        return out

    def text(self) -> str:
        if self.subject is None:
            return self.body
        return f"Subject: {self.subject}\n\n{self.body}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "template": self.template,
            "channel": self.channel.slug,
            "subject": self.subject,
            "body": self.body,
            "length": self.lengths(),
            "warnings": list(self.warnings),
            "candidate": dict(self.candidate),
        }


class RowFailure(NamedTuple):
    """A CSV row that could not become a message."""

    row: int
    message: str


# -- templates -----------------------------------------------------------------------------


def read_front_matter(path: str) -> tuple[Channel, str]:
    """The channel and description a template declares; TemplateError naming file:line."""
    try:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
    except (OSError, UnicodeDecodeError) as err:
        raise TemplateError(f"{path}: cannot read: {err}") from err
    match = FRONT_MATTER.match(source)
    if match is None:
        raise TemplateError(
            f"{path}:1: no front matter; start the file with ---, channel: NAME, --- "
            f"(channels: {', '.join(CHANNELS)})"
        )
    try:
        data = load(match.group(1) or "", path)
    except YAMLSyntaxError as err:
        problem = err.problem
        raise TemplateError(f"{path}:{problem.line + 1}: {problem.message}") from err
    if not isinstance(data, LineDict):
        raise TemplateError(f"{path}:2: front matter must be keys such as channel:")
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            raise TemplateError(
                f"{path}:{data.key_lines[key] + 1}: unknown front matter key {key!r}; "
                f"expected {', '.join(FRONT_MATTER_KEYS)}"
            )
    channel = data.get("channel")
    if channel not in CHANNELS:
        line = data.key_lines.get("channel", 0) + 1
        raise TemplateError(
            f"{path}:{line}: channel must be one of {', '.join(CHANNELS)} (got {channel!r})"
        )
    description = data.get("description") or ""
    return CHANNELS[str(channel)], str(description)


class Templates:
    """The layered templates and the sandboxed environment that renders them."""

    def __init__(self, layers: Sequence[tuple[str, str]]) -> None:
        #: (origin, folder), built-in first; later layers win
        self.layers = [(origin, os.path.abspath(folder)) for origin, folder in layers]
        self._environment: Any = None

    def names(self) -> dict[str, tuple[str, str]]:
        """Template name -> (origin, path), for every template a layer offers."""
        found: dict[str, tuple[str, str]] = {}
        for origin, folder in self.layers:
            try:
                entries = sorted(os.listdir(folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if entry.endswith(SUFFIX) and not entry.startswith("."):
                    found[entry[: -len(SUFFIX)]] = (origin, os.path.join(folder, entry))
        return dict(sorted(found.items()))

    def get(self, name: str) -> OutreachTemplate:
        known = self.names()
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, list(known), n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise TemplateError(
                f"no template {name!r}.{hint} Run 'sourcer outreach list' to see them."
            )
        origin, path = known[name]
        channel, description = read_front_matter(path)
        return OutreachTemplate(name, channel, description, path, origin)

    def all(self) -> list[OutreachTemplate]:
        return [self.get(name) for name in self.names()]

    @property
    def environment(self) -> Any:
        if self._environment is None:
            # Plain text: no autoescape (see sourcer.jinja.make_environment).
            folders = [folder for _, folder in reversed(self.layers)]
            self._environment = make_environment(folders, html=False)
        return self._environment

    def render(
        self,
        template: OutreachTemplate,
        context: Mapping[str, Any],
        *,
        tier: str,
        allow_long: bool = False,
        row: int | None = None,
    ) -> Message:
        """Render one message and check it against the channel's limits for ``tier``."""
        parts = ["subject", "body"] if template.channel.subject else ["body"]
        rendered = render_parts(self.environment, template.name + SUFFIX, context, parts)
        if template.channel.subject and "subject" not in rendered:
            raise TemplateError(
                f"{template.path}: a {template.channel.name} needs a subject: add "
                "{% block subject %}...{% endblock %}"
            )
        subject = " ".join(rendered["subject"].split()) if "subject" in rendered else None
        body = _tidy(rendered.get("body", ""))
        message = Message(
            template.name,
            template.channel,
            subject,
            body,
            row,
            context.get("candidate", {}),
        )
        warnings = check_lengths(message, tier, allow_long)
        return message._replace(warnings=tuple(warnings))


def _tidy(text: str) -> str:
    """Trim the outer blank lines and trailing spaces a template's layout leaves."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return "\n".join(lines).strip()


def check_lengths(message: Message, tier: str, allow_long: bool) -> list[str]:
    """Warnings for soft limits (and hard ones under ``allow_long``); MessageTooLong else."""
    warnings: list[str] = []
    lengths = message.lengths()
    for limit in message.channel.limits_for(tier):
        length = lengths.get(limit.part)
        if length is None or length <= limit.value:
            continue
        tier_text = f" ({limit.tier} accounts)" if limit.tier else ""
        text = (
            f"{message.channel.name} {limit.part} is {length} characters; the limit is "
            f"{limit.value}{tier_text}, {length - limit.value} over "
            f"({limit.confidence}: {limit.source})"
        )
        if limit.hard and not allow_long:
            raise MessageTooLong(text + "; shorten it, or pass --allow-long")
        warnings.append(text)
    return warnings


# -- context -------------------------------------------------------------------------------


def parse_assignments(assignments: Iterable[str]) -> dict[str, Any]:
    """``--set`` values as a nested dict: role/company/level at the top, dotted keys as paths,
    any other bare key under ``candidate``."""
    result: dict[str, Any] = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"{assignment!r} is not KEY=VALUE")
        path = key.split(".")
        if any(not part for part in path):
            raise ValueError(f"{key!r} has an empty part")
        if len(path) == 1 and key not in TOP_LEVEL_KEYS:
            path = ["candidate", key]
        if path[0] == "term":
            raise ValueError("term comes from --term, it cannot be set")
        target = result
        for part in path[:-1]:
            existing = target.setdefault(part, {})
            if not isinstance(existing, dict):
                raise ValueError(f"{key!r} conflicts with an earlier --set")
            target = existing
        target[path[-1]] = value
    return result


def build_context(
    *,
    candidate: Mapping[str, Any],
    term: Term | None = None,
    level: str | None = None,
    sender: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a template sees. Only values that are set exist: a missing one is an error in the
    template (unless it uses ``default``), never a blank. ``names`` maps slugs to term names
    for ``term.similar_names`` and ``term.related_names``."""
    names = names or {}
    context: dict[str, Any] = {}
    for key, value in (extra or {}).items():
        if key not in ("candidate", "sender"):
            context[key] = Fields(key, value) if isinstance(value, Mapping) else value
    context["candidate"] = Fields("candidate", candidate)
    merged_sender = {**(sender or {}), **dict((extra or {}).get("sender", {}))}
    context["sender"] = Fields("sender", merged_sender)
    if term is not None:
        data = term.to_dict()
        # Names read better in a message than slugs: "alongside Python", not "python".
        for key in ("similar", "related"):
            data[f"{key}_names"] = [names.get(slug, slug) for slug in data[key]]
        context["term"] = Fields("term", data)
    if level is not None:
        context["level"] = level
    return context


# -- mail-merge rows -----------------------------------------------------------------------


def column_key(header: str) -> str:
    """A CSV column as a candidate field: 'First Name' -> first_name."""
    folded = unicodedata.normalize("NFKC", header).strip().casefold()
    return re.sub(r"\W+", "_", folded).strip("_")


def read_rows(path: str) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(row number as in a spreadsheet, fields) for each data row, streamed. Blank cells are
    left out (so templates see them as missing); a blank row gives None. UTF-8, with or
    without a BOM."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except OSError as err:
        raise MergeError(f"{path}: cannot open: {err.strerror or err}") from err
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None or not any(cell.strip() for cell in header):
                raise MergeError(f"{path}:1: no header row; the first row names the columns")
            keys = [column_key(cell) for cell in header]
            for index, key in enumerate(keys):
                if not key:
                    raise MergeError(f"{path}:1: column {index + 1} has no name")
                if keys.index(key) != index:
                    raise MergeError(
                        f"{path}:1: columns {keys.index(key) + 1} and {index + 1} are both "
                        f"{key!r}; rename one"
                    )
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    yield number, None
                    continue
                if len(cells) > len(keys):
                    yield number, {"__error__": f"{len(cells)} cells but {len(keys)} columns"}
                    continue
                yield (
                    number,
                    {
                        key: cell.strip()
                        for key, cell in zip(keys, cells, strict=False)
                        if cell.strip()
                    },
                )
        except UnicodeDecodeError as err:
            raise MergeError(
                f"{path}:{_bad_utf8_line(path)}: not UTF-8 text; save it as UTF-8 (CSV UTF-8)"
            ) from err
        except csv.Error as err:
            raise MergeError(f"{path}:{reader.line_num}: {err}") from err


def _bad_utf8_line(path: str) -> int:
    """The line of the first byte that is not UTF-8 (only read on this error path)."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return data.count(b"\n", 0, err.start) + 1
    return 1


def merge(
    templates: Templates,
    template: OutreachTemplate,
    rows: Iterable[tuple[int, dict[str, str] | None]],
    *,
    defaults: Mapping[str, Any],
    term: Term | None,
    level: str | None,
    sender: Mapping[str, Any],
    extra: Mapping[str, Any],
    tier: str,
    allow_long: bool,
    names: Mapping[str, str] | None = None,
) -> Iterator[Message | RowFailure]:
    """One message (or the reason there is none) per CSV row, lazily: memory stays flat."""
    for number, row in rows:
        if row is None:
            continue  # blank rows are skipped, as a spreadsheet user expects
        if "__error__" in row:
            yield RowFailure(number, row["__error__"])
            continue
        candidate = {**defaults, **row}
        context = build_context(
            candidate=candidate, term=term, level=level, sender=sender, extra=extra, names=names
        )
        try:
            yield templates.render(template, context, tier=tier, allow_long=allow_long, row=number)
        except (TemplateError, MessageTooLong) as err:
            yield RowFailure(number, str(err))


def safe_file_name(record: Mapping[str, Any], width: int) -> str:
    """``012-ada-lovelace.txt`` for a message record (``Message.to_dict()``): the row number
    keeps names unique and in the CSV's order; the rest is ASCII, whatever the name."""
    candidate = record.get("candidate") or {}
    name = " ".join(str(candidate[k]) for k in ("first_name", "last_name") if k in candidate)
    name = name or str(candidate.get("name") or candidate.get("full_name") or record["template"])
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "candidate"
    row = record.get("row") or 1
    return f"{row:0{width}d}-{slug}.txt"
