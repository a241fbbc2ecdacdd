"""``sourcer outreach``: list, show and render message templates, one or a CSV at a time.

A mail-merge renders every row once into a spool file (JSON lines) and checks it; only when
every row passed (or with --skip-bad) is the spool copied to stdout or to files. So nothing
is half-written, and memory stays flat however long the CSV is.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from typing import IO, Any

import click

from sourcer.cli.common import app_from, complete_term, echo_json, json_option, note, warn
from sourcer.errors import FileExists, MergeError
from sourcer.library.schema import LEVELS

_DIRS_KEY = "sourcer.templates_dirs"
#: show a progress bar (on a terminal) from this many rows
PROGRESS_FROM = 200


def _templates(ctx: click.Context) -> Any:
    from sourcer.home import builtin_templates
    from sourcer.outreach.merge import Templates

    extra: tuple[str, ...] = ctx.meta.get(_DIRS_KEY, ())
    return Templates(
        [
            ("builtin", builtin_templates("outreach")),
            ("user", app_from(ctx).home.templates),
            *((folder, folder) for folder in extra),
        ]
    )


@click.group()
@click.option(
    "--templates-dir",
    "templates_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="Extra folder of NAME.j2 templates, over the built-in and your own (repeatable).",
)
@click.pass_context
def outreach(ctx: click.Context, templates_dirs: tuple[str, ...]) -> None:
    """Write outreach messages (connection notes, InMails, emails) from templates.

    Templates are Jinja files: front matter names the channel, whose length limits are
    checked after rendering. Yours go in $SOURCER_HOME/templates (or --templates-dir) and
    override built-in ones of the same name. Who you are comes from
    $SOURCER_HOME/config.yaml (sender: name, title, company, email, signature; tier;
    company; role), or from --set.
    """
    ctx.meta[_DIRS_KEY] = templates_dirs


@outreach.command("list")
@json_option
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the templates: name, channel, origin and what each is for."""
    items = _templates(ctx).all()
    if as_json:
        echo_json(
            [
                {
                    "name": t.name,
                    "channel": t.channel.slug,
                    "description": t.description,
                    "origin": t.origin,
                    "path": t.path,
                }
                for t in items
            ]
        )
        return
    name_width = max((len(t.name) for t in items), default=0)
    channel_width = max((len(t.channel.slug) for t in items), default=0)
    for t in items:
        cells = (t.name.ljust(name_width), t.channel.slug.ljust(channel_width), t.origin)
        click.echo(f"{'  '.join(cells)}  {t.description}".rstrip())


@outreach.command("show")
@click.argument("name")
@click.pass_context
def show_cmd(ctx: click.Context, name: str) -> None:
    """Show template NAME: its channel and limits, where it lives, and its source."""
    template = _templates(ctx).get(name)
    click.echo(f"{template.name}: {template.description}")
    click.echo(f"channel: {template.channel.name} ({template.channel.slug})")
    for limit in template.channel.limits:
        click.echo(f"limit:   {limit.describe()}")
    for text in template.channel.notes:
        click.echo(f"note:    {text}")
    click.echo(f"file:    {template.path} ({template.origin})")
    click.echo("")
    with open(template.path, encoding="utf-8") as handle:
        click.echo(handle.read().rstrip("\n"))


@outreach.command("render")
@click.argument("name")
@click.option("--term", "term_name", shell_complete=complete_term, help="The skill the role needs.")
@click.option("--level", type=click.Choice(LEVELS), help="The level of the role.")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="KEY=VALUE",
    help="role, company or level; a dotted path (sender.name=Sam); any other key is a "
    "candidate field (first_name=Ada). Repeatable.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Mail-merge: one message per row; columns become candidate fields "
    "('First Name' is candidate.first_name).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write one file per message into this folder instead of stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="What to print on stdout.",
)
@click.option(
    "--tier",
    type=click.Choice(["free", "premium"]),
    help="LinkedIn account: connection notes get 200 (free) or 300 (premium) characters. "
    "Default: tier in config.yaml, else free.",
)
@click.option("--allow-long", is_flag=True, help="Over a hard length limit: warn, do not fail.")
@click.option("--skip-bad", is_flag=True, help="Skip failing rows (listed) and write the rest.")
@click.option("--force", is_flag=True, help="Overwrite existing files in --out.")
@click.pass_context
def render_cmd(
    ctx: click.Context,
    name: str,
    term_name: str | None,
    level: str | None,
    assignments: tuple[str, ...],
    csv_path: str | None,
    out_dir: str | None,
    fmt: str,
    tier: str | None,
    allow_long: bool,
    skip_bad: bool,
    force: bool,
) -> None:
    """Render template NAME for one candidate (--set) or every row of a CSV (--csv).

    A value the template needs that nobody set is an error naming the variable and the
    template line. Each message is checked against its channel's limits: over a hard limit is
    an error (stating channel, limit, length and overage) unless --allow-long.

    With --csv every row is rendered and checked before anything is written: if any row fails,
    every failing row is listed and nothing is written, unless --skip-bad. Row numbers are
    the spreadsheet's (the header is row 1); blank rows are skipped; a row's values win over
    --set. The file is UTF-8, with or without a byte-order mark.

    \b
    Examples:
      sourcer outreach render connection-note --term flask --set first_name=Ada \\
          --set sender.name=Sam --tier premium
      sourcer outreach render inmail --term flask --level senior --csv people.csv --out msgs/
      sourcer outreach render email --term django --csv people.csv --format json > out.json
    """
    from sourcer.outreach.config import load_config
    from sourcer.outreach.merge import (
        RowFailure,
        build_context,
        merge,
        parse_assignments,
        read_rows,
    )

    app = app_from(ctx)
    config = load_config(app.home.config)
    try:
        values = parse_assignments(assignments)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="'--set'") from None
    level = level or values.pop("level", None)
    values.pop("level", None)
    for key, default in (("role", config.role), ("company", config.company)):
        if default is not None:
            values.setdefault(key, default)
    defaults: dict[str, Any] = values.pop("candidate", {})
    term = app.library.get(term_name) if term_name else None
    names = (
        {slug: app.library.name_of(slug) for slug in (*term.similar, *term.related)} if term else {}
    )
    templates = _templates(ctx)
    template = templates.get(name)
    chosen_tier = tier or config.tier or "free"

    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        if csv_path is None:
            context = build_context(
                candidate=defaults,
                term=term,
                level=level,
                sender=config.sender,
                extra=values,
                names=names,
            )
            message = templates.render(template, context, tier=chosen_tier, allow_long=allow_long)
            for text in message.warnings:
                warn(text)
            spool.write(json.dumps(message.to_dict(), ensure_ascii=False) + "\n")
            columns = list(defaults)
        else:
            rows = _CountBlank(read_rows(csv_path))
            failures: list[tuple[int, str]] = []
            # Counting rows reads the file once more: only worth it for a bar someone sees.
            total = _count_rows(csv_path) if sys.stderr.isatty() else 0
            bar_context: Any = (
                click.progressbar(length=total, label="Rendering", file=sys.stderr)
                if total >= PROGRESS_FROM
                else nullcontext()
            )
            with bar_context as bar:
                for item in merge(
                    templates,
                    template,
                    rows,
                    defaults=defaults,
                    term=term,
                    level=level,
                    sender=config.sender,
                    extra=values,
                    tier=chosen_tier,
                    allow_long=allow_long,
                    names=names,
                ):
                    if bar is not None:
                        bar.update(1)
                    if isinstance(item, RowFailure):
                        failures.append((item.row, item.message))
                        continue
                    for text in item.warnings:
                        warn(f"row {item.row}: {text}")
                    spool.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
            if rows.blank:
                note(f"skipped {rows.blank} blank row{'s' * (rows.blank != 1)}")
            _report_failures(failures, csv_path, skip_bad)
            columns = _csv_columns(csv_path)
        spool.seek(0)
        if out_dir is not None:
            _write_files(spool, out_dir, force)
        else:
            _print(spool, fmt, columns)


class _CountBlank:
    """Passes rows through, counting the blank ones."""

    def __init__(self, rows: Iterator[tuple[int, dict[str, str] | None]]) -> None:
        self.rows = rows
        self.blank = 0

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | None]]:
        for number, row in self.rows:
            if row is None:
                self.blank += 1
            yield number, row


def _report_failures(failures: list[tuple[int, str]], csv_path: str, skip_bad: bool) -> None:
    if not failures:
        return
    for row, text in failures:
        click.echo(f"row {row}: {text}", err=True)
    count = f"{len(failures)} row{'s' * (len(failures) != 1)}"
    if not skip_bad:
        raise MergeError(
            f"{count} of {csv_path} failed; nothing was written "
            "(fix them, or pass --skip-bad to write the rest)"
        )
    warn(f"skipped {count} that failed (listed above)")


def _count_rows(path: str) -> int:
    with open(path, "rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def _csv_columns(path: str) -> list[str]:
    """The candidate fields of a CSV, in the file's order (already validated by read_rows)."""
    from sourcer.outreach.merge import column_key

    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    return [column_key(cell) for cell in header]


def _records(spool: IO[str]) -> Iterator[dict[str, Any]]:
    for line in spool:
        if line.strip():
            yield json.loads(line)


def _print(spool: IO[str], fmt: str, columns: list[str]) -> None:
    records = _records(spool)
    if fmt == "json":
        _print_json(records)
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["row", *columns, "template", "channel", "subject", "body", "length"])
        for record in records:
            candidate = record["candidate"]
            writer.writerow(
                [
                    "" if record["row"] is None else record["row"],
                    *(candidate.get(column, "") for column in columns),
                    record["template"],
                    record["channel"],
                    record["subject"] or "",
                    record["body"],
                    record["length"]["body"],
                ]
            )
    else:
        for index, record in enumerate(records):
            if record["row"] is not None:
                click.echo(("\n" if index else "") + f"=== row {record['row']} ===")
            click.echo(_message_text(record))


def _print_json(records: Iterable[dict[str, Any]]) -> None:
    """A JSON array, streamed one message at a time."""
    out = sys.stdout
    out.write("[")
    for index, record in enumerate(records):
        out.write(("," if index else "") + "\n  " + json.dumps(record, ensure_ascii=False))
    out.write("\n]\n")


def _message_text(record: dict[str, Any]) -> str:
    if record["subject"] is None:
        return str(record["body"])
    return f"Subject: {record['subject']}\n\n{record['body']}"


def _write_files(spool: IO[str], out_dir: str, force: bool) -> None:
    """One file per message; every name is checked before any file is written."""
    from sourcer.fsutil import write_atomic
    from sourcer.outreach.merge import safe_file_name

    count = sum(1 for _ in _records(spool))
    width = max(len(str(count + 1)), 3)
    spool.seek(0)
    existing = [
        path
        for record in _records(spool)
        if os.path.exists(path := os.path.join(out_dir, safe_file_name(record, width)))
    ]
    if existing and not force:
        more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
        raise FileExists(f"{existing[0]}{more}")
    spool.seek(0)
    for record in _records(spool):
        path = os.path.join(out_dir, safe_file_name(record, width))
        text = _message_text(record)
        write_atomic(path, text if text.endswith("\n") else text + "\n", force=force)
    note(f"wrote {count} file{'s' * (count != 1)} to {out_dir}")
