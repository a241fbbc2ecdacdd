"""``sourcer outreach``: list, show and render message templates, one or a CSV at a time.

``render`` parses its options into a :class:`~sourcer.outreach.merge.MergeRequest`, lets
:func:`~sourcer.outreach.merge.render_all` render and check every message, then prints the
result (or writes it with :func:`~sourcer.outreach.merge.write_files`) and reports on stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from sourcer.cli.common import app_from, complete_term
from sourcer.cli.options import force_option, json_option, level_option, role_option
from sourcer.cli.output import echo_json, note, plural, warn

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from sourcer.cli.common import App
    from sourcer.library.schema import Term
    from sourcer.outreach.merge import Format, MergeRequest, MergeResult
    from sourcer.outreach.sequence import Step
    from sourcer.outreach.templates import Templates

F = TypeVar("F", bound=Callable[..., Any])

_DIRS_KEY = "sourcer.templates_dirs"
#: show a progress bar (on a terminal) from this many rows
PROGRESS_FROM = 200


def _templates(ctx: click.Context) -> Templates:
    from sourcer.home import builtin_templates
    from sourcer.outreach.templates import Templates

    extra: tuple[str, ...] = ctx.meta.get(_DIRS_KEY, ())
    return Templates(
        [
            ("builtin", builtin_templates("outreach")),
            ("user", app_from(ctx).home.templates),
            *((folder, folder) for folder in extra),
        ],
        cache_dir=app_from(ctx).home.cache,
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
    """List the templates: name, channel, origin, languages and what each is for.

    Languages are the variants besides English (NAME.de.j2, picked by --lang or a row's
    lang column)."""
    templates = _templates(ctx)
    items = templates.all()
    languages = {t.name: list(templates.languages(t.name)) for t in items}
    if as_json:
        echo_json(
            [
                {
                    "name": t.name,
                    "channel": t.channel.slug,
                    "description": t.description,
                    "origin": t.origin,
                    "path": t.path,
                    "languages": languages[t.name],
                }
                for t in items
            ]
        )
        return
    name_width = max((len(t.name) for t in items), default=0)
    channel_width = max((len(t.channel.slug) for t in items), default=0)
    for t in items:
        also = ",".join(languages[t.name]) or "-"
        cells = (t.name.ljust(name_width), t.channel.slug.ljust(channel_width), t.origin)
        click.echo(f"{'  '.join(cells)}  {also:8}  {t.description}".rstrip())


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
    from sourcer.textfile import read_text

    click.echo(read_text(template.path).rstrip("\n"))


#: what render and check share: the term, the level and the --set values
_term_option = click.option(
    "--term",
    "term_names",
    multiple=True,
    shell_complete=complete_term,
    help="A skill the role needs (repeatable); the first is the message's term.",
)
_stack_option = click.option(
    "--stack",
    "stack_text",
    metavar="TEXT",
    help='The team\'s stack as you would write it: "Go, Kubernetes, PostgreSQL" (default: '
    "the --term names, or the role's must-haves). Messages say only this.",
)
_set_option = click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="KEY=VALUE",
    help="role, company or level; a dotted path (sender.name=Sam); any other key is a "
    "candidate field (first_name=Ada). Repeatable.",
)


_lang_option = click.option(
    "--lang",
    metavar="CODE",
    help="The messages' language (de, fr, es ...), where the template has that variant "
    "(NAME.de.j2); a row's lang or language column wins. Default: English.",
)


def _message_options(command: F) -> F:
    """--term, --stack, --level, --set and --lang: what a message is about, who sends it,
    in which language."""
    for option in reversed(
        (
            _term_option,
            _stack_option,
            level_option("The level of the role."),
            _set_option,
            _lang_option,
        )
    ):
        command = option(command)
    return command


def _csv_option(help_text: str, *, required: bool) -> Callable[[F], F]:
    return click.option(
        "--csv",
        "csv_path",
        type=click.Path(exists=True, dir_okay=False, allow_dash=True),
        required=required,
        help=help_text,
    )


def _limit_options(command: F) -> F:
    """--tier, --allow-long, --skip-bad and --spreadsheet-safe: how messages are checked
    and written."""
    for option in reversed(
        (
            click.option(
                "--tier",
                type=click.Choice(["free", "premium"]),
                help="LinkedIn account: connection notes get 200 (free) or 300 (premium) "
                "characters. Default: tier in config.yaml, else free.",
            ),
            click.option(
                "--allow-long", is_flag=True, help="Over a hard length limit: warn, do not fail."
            ),
            click.option(
                "--skip-bad",
                is_flag=True,
                help="Skip failing messages (listed) and write the rest.",
            ),
            click.option(
                "--spreadsheet-safe/--raw-cells",
                "safe_cells",
                default=True,
                help="In --format csv, start cells a spreadsheet would run as formulas "
                "(=, +, -, @) with ' (default), or write them raw.",
            ),
        )
    ):
        command = option(command)
    return command


@outreach.command("render")
@click.argument("name", required=False)
@role_option
@_message_options
@_csv_option(
    "Mail-merge: one message per row (- reads stdin); columns become candidate fields "
    "('First Name' is candidate.first_name).",
    required=False,
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
    type=click.Choice(["text", "json", "csv", "eml", "mailto"]),
    default="text",
    show_default=True,
    help="What to print on stdout. For email templates: eml writes one .eml draft per "
    "message into --out (opened by any mail client; sourcer never sends), mailto prints "
    "mailto: links.",
)
@_limit_options
@force_option("Overwrite existing files in --out.")
@click.pass_context
def render_cmd(
    ctx: click.Context,
    name: str | None,
    role: str | None,
    term_names: tuple[str, ...],
    stack_text: str | None,
    level: str | None,
    assignments: tuple[str, ...],
    lang: str | None,
    csv_path: str | None,
    out_dir: str | None,
    fmt: Format,
    tier: str | None,
    allow_long: bool,
    skip_bad: bool,
    safe_cells: bool,
    force: bool,
) -> None:
    """Render template NAME for one candidate (--set) or every row of a CSV (--csv).

    A value the template needs that nobody set is an error naming the variable and the
    template line. Each message is checked against its channel's limits: over a hard limit is
    an error (stating channel, limit, length and overage) unless --allow-long.

    With --csv every row is rendered and checked before anything is written: if any row fails,
    every failing row is listed and nothing is written, unless --skip-bad. Row numbers are
    the spreadsheet's (the header is row 1); blank rows are skipped; a row's values win over
    --set. The file may be UTF-8 (with or without a byte-order mark), UTF-16 with one, or
    Excel's Windows-1252; its columns separated by commas, semicolons or tabs (found, and
    said on stderr when not commas). Columns named another way (Vorname, Prénom, E-mail,
    Company ...) also fill first_name, email, current_company; a Name column is split into
    first_name and last_name.

    \b
    Examples:
      sourcer outreach render connection-note --term flask --set first_name=Ada \\
          --set sender.name=Sam --tier premium
      sourcer outreach render inmail --term flask --level senior --csv people.csv --out msgs/
      sourcer outreach render email --term django --csv people.csv --format json > out.json
      sourcer outreach render --role go.yaml --csv people.csv --out msgs/
    """
    from sourcer.outreach.merge import render_all, write_files

    if role is not None:  # the role's choices, under what the command line says
        from sourcer.cli.role_cmd import load_role

        chosen = load_role(ctx, role)
        name = name or chosen.template
        term_names = term_names or chosen.must
        level = level or chosen.level
        given = {item.partition("=")[0].strip() for item in assignments}
        implied = [f"sender.{key}={value}" for key, value in chosen.sender.items()]
        if chosen.title:
            implied.append(f"role={chosen.title}")
        assignments = (*(a for a in implied if a.partition("=")[0] not in given), *assignments)
    if name is None:
        raise click.UsageError(
            "name a template (see 'sourcer outreach list'), or give a --role "
            "whose outreach: names one"
        )
    if fmt == "eml" and out_dir is None:
        raise click.UsageError("--format eml writes one file per message: give --out DIR")
    request = _request(
        ctx,
        MessageOptions(term_names, stack_text, level, assignments, lang),
        template=name,
        tier=tier,
        allow_long=allow_long,
        csv_path=csv_path,
        skip_bad=skip_bad,
        safe_cells=safe_cells,
        # --out writes each message's text (or .eml file), whatever else --format says
        format=("eml" if fmt == "eml" else "text") if out_dir is not None else fmt,
    )
    with _ProgressBar() as bar:
        # --out: each file is staged as its message is rendered, and moved in at the end
        result = render_all(request, progress=bar.update, out_dir=out_dir, force=force)
    with result:
        _report(result)
        if out_dir is not None:
            with _ProgressBar("Writing") as bar:
                count = len(write_files(result, out_dir, force, progress=bar.files))
            note(f"wrote {plural(count, 'file')} to {out_dir}")
        elif result.format == "text":
            # as ever through click.echo, which drops terminal escapes when not on a terminal
            for chunk in result.output():
                click.echo(chunk, nl=False)
        else:
            sys.stdout.writelines(result.output())


@outreach.command("check")
@click.argument("name")
@_csv_option("The mail-merge file to check (- reads stdin).", required=True)
@_message_options
@json_option
@click.pass_context
def check_cmd(
    ctx: click.Context,
    name: str,
    csv_path: str,
    term_names: tuple[str, ...],
    stack_text: str | None,
    level: str | None,
    assignments: tuple[str, ...],
    lang: str | None,
    as_json: bool,
) -> None:
    """Before a merge: every value template NAME reads, and how many rows lack it.

    Each value is listed with the template lines that use it and whether it is optional (it
    has a default, or is only used where an 'is defined' test guards it). A candidate value
    is looked up in each row of the CSV, as render would read it (aliases and a split Name
    column included); any other value in --set, config.yaml and --term. Exit status 1 when a
    row lacks a value the template needs.

    \b
    Examples:
      sourcer outreach check inmail --csv people.csv --term flask
      sourcer outreach check email --csv people.csv --set role="Data Engineer" --json
    """
    from sourcer.errors import MergeError
    from sourcer.outreach.check import needs, template_variables
    from sourcer.outreach.merge import CsvRows, SourceRow, shared_context

    templates = _templates(ctx)
    template = templates.get(name)
    request = _request(
        ctx,
        MessageOptions(term_names, stack_text, level, assignments, lang),
        templates=templates,
        template=name,
    )
    settings, shared = shared_context(request)
    if lang:
        from sourcer.outreach.templates import language_code

        template = templates.variant(template, language_code(lang)) or template
    variables = template_variables(templates, template.name, template.file)
    bad_rows = 0
    with CsvRows(csv_path) as table:
        for text in table.notes:
            note(text)

        def rows() -> Iterator[dict[str, object]]:
            nonlocal bad_rows
            for item in table:
                if isinstance(item, SourceRow):
                    if item.fields:
                        yield {**settings.candidate, **item.fields}
                else:
                    bad_rows += 1
                    click.echo(str(item), err=True)

        found, count = needs(variables, rows(), shared)
    if as_json:
        echo_json(
            {"template": template.name, "rows": count, "variables": [n.to_dict() for n in found]}
        )
    else:
        click.echo(
            f"{template.name} ({template.channel.name}): {plural(count, 'row')} in {csv_path}"
        )
        width = max((len(n.variable.path) for n in found), default=0)
        for need in found:
            lines = ", ".join(map(str, need.variable.lines))
            where = f"line{'s' * (len(need.variable.lines) > 1)} {lines}"
            kind = "optional" if need.variable.optional else "needed"
            if need.source == "each row":
                status = f"{need.lacking} of {count} rows lack it"
            else:
                status = "set" if not need.lacking else f"not set ({need.source})"
            click.echo(f"  {need.variable.path.ljust(width)}  {kind:8}  {where:12}  {status}")
    missing = [n for n in found if n.lacking and not n.variable.optional]
    if missing or bad_rows:
        parts = [
            f"{n.variable.path} ({n.lacking} of {count} rows lack it)"
            if n.source == "each row"
            else f"{n.variable.path} (not set: {n.source})"
            for n in missing
        ]
        if bad_rows:
            parts.append(f"{plural(bad_rows, 'row')} cannot be read (listed above)")
        raise MergeError("the template needs " + "; ".join(parts))


@outreach.command("sequence")
@click.argument("sequence_file", metavar="SEQUENCE")
@_csv_option("The people: one row each (- reads stdin).", required=True)
@_message_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write every message into this folder, one subfolder per step.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
    help="What to print on stdout: csv and json have the columns row, step, day, channel, "
    "template, subject, body, ready to import into a sequencing tool.",
)
@_limit_options
@force_option("Overwrite existing files in --out.")
@click.pass_context
def sequence_cmd(
    ctx: click.Context,
    sequence_file: str,
    csv_path: str,
    term_names: tuple[str, ...],
    stack_text: str | None,
    level: str | None,
    assignments: tuple[str, ...],
    lang: str | None,
    out_dir: str | None,
    fmt: str,
    tier: str | None,
    allow_long: bool,
    skip_bad: bool,
    safe_cells: bool,
    force: bool,
) -> None:
    """Render every step of SEQUENCE for every row of a CSV: all of it, or nothing.

    SEQUENCE is a YAML file of steps (template, day, and optionally when: email or when: no
    email), or the name of a shipped one ('default': a connection note, an InMail on day 3,
    an email on day 5 where there is an address, a follow-up on day 10). sourcer writes
    the messages; it never sends them. Stop a candidate's sequence when they reply.

    \b
    Examples:
      sourcer outreach sequence default --csv people.csv --term go --out sequence/
      sourcer outreach sequence my-steps.yaml --csv people.csv --format csv > steps.csv
    """
    from sourcer.errors import MergeError
    from sourcer.home import builtin_templates
    from sourcer.outreach.merge import CsvRows, SourceRow, write_many
    from sourcer.outreach.sequence import read_sequence, render_sequence

    templates = _templates(ctx)
    path = sequence_file
    shipped = os.path.join(builtin_templates("sequences"), f"{sequence_file}.yaml")
    if not os.path.exists(path) and os.path.sep not in path and os.path.exists(shipped):
        path = shipped
    sequence = read_sequence(path, templates)
    base = _request(
        ctx,
        MessageOptions(term_names, stack_text, level, assignments, lang),
        templates=templates,
        template=sequence.steps[0].template,
        tier=tier,
        allow_long=allow_long,
        skip_bad=skip_bad,
        safe_cells=safe_cells,
        format="text" if out_dir is not None or fmt == "text" else "json",
    )
    with CsvRows(csv_path) as table:
        for text in table.notes:
            note(text)
        rows: list[SourceRow] = []
        unreadable = []
        for item in table:
            if isinstance(item, SourceRow):
                if item.fields:
                    rows.append(item)
            else:
                unreadable.append(item)
        columns = table.columns
    steps = render_sequence(sequence, base, rows, columns, csv_path)
    try:
        failed: list[str] = [str(item) for item in unreadable]
        for step, result in steps:
            for warning in result.warnings:
                warn(f"step {step.number} ({step.template}): {warning}")
            failed += [f"step {step.number} ({step.template}), {f}" for f in result.failures]
        for failure in failed:
            click.echo(failure, err=True)
        if failed and not skip_bad:
            raise MergeError(
                f"{plural(len(failed), 'message')} of the sequence failed; nothing was written "
                "(fix them, or pass --skip-bad to write the rest)"
            )
        if out_dir is not None:
            batches = [(result, os.path.join(out_dir, step.folder)) for step, result in steps]
            with _ProgressBar("Writing") as bar:
                count = len(write_many(batches, force, progress=bar.files))
            note(f"wrote {plural(count, 'file')} to {out_dir}, one folder per step")
        elif fmt == "text":
            _print_sequence_text(steps)
        else:
            _print_sequence_table(steps, fmt, safe_cells)
    finally:
        for _, result in steps:
            result.close()


def _print_sequence_text(steps: Sequence[tuple[Step, MergeResult]]) -> None:
    for step, result in steps:
        click.echo(f"##### step {step.number}: {step.template}, day {step.day}")
        for chunk in result.output():
            click.echo(chunk, nl=False)


def _print_sequence_table(
    steps: Sequence[tuple[Step, MergeResult]], fmt: str, safe_cells: bool
) -> None:
    import json

    from sourcer.outreach.merge import csv_line

    records = []
    for step, result in steps:
        text = "".join(result.output())
        for message in json.loads(text) if text.strip() else []:
            records.append(
                {
                    "row": message["row"],
                    "step": step.number,
                    "day": step.day,
                    "channel": message["channel"],
                    "template": message["template"],
                    "subject": message["subject"] or "",
                    "body": message["body"],
                }
            )
    records.sort(key=lambda r: (r["row"] or 0, r["step"]))
    if fmt == "json":
        echo_json(records)
        return
    columns = ["row", "step", "day", "channel", "template", "subject", "body"]
    sys.stdout.write(csv_line(columns))
    for record in records:
        sys.stdout.write(csv_line([record[c] for c in columns], safe_cells))


class MessageOptions(NamedTuple):
    """The options render and sequence share (see _message_options)."""

    term_names: tuple[str, ...]
    stack_text: str | None
    level: str | None
    assignments: tuple[str, ...]
    lang: str | None


def _request(ctx: click.Context, options: MessageOptions, **fields: Any) -> MergeRequest:
    """A merge request from the shared options: the config, the parsed --set values, the
    terms and the stack; ``fields`` are the rest (template, tier, format ...)."""
    from sourcer.outreach.config import load_config
    from sourcer.outreach.context import parse_assignments
    from sourcer.outreach.merge import MergeRequest

    app = app_from(ctx)
    try:
        values = parse_assignments(options.assignments)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="'--set'") from None
    term, names, stack = message_terms(app, options.term_names, options.stack_text)
    fields.setdefault("templates", _templates(ctx))
    return MergeRequest(
        term=term,
        term_names=names,
        stack=stack,
        lang=options.lang,
        level=options.level,
        assignments=values,
        config=load_config(app.home.config),
        **fields,
    )


def message_terms(
    app: App, term_names: Sequence[str], stack_text: str | None
) -> tuple[Term | None, dict[str, str], tuple[str, ...]]:
    """The message's term (the first), the names of the terms it links to, and the stack
    a message may name: --stack as written, else the terms' names in the order given."""
    terms = [app.library.get(name) for name in term_names]
    term = terms[0] if terms else None
    names = (
        {slug: app.library.name_of(slug) for slug in (*term.similar, *term.related)} if term else {}
    )
    if stack_text is not None:
        stack = tuple(part.strip() for part in stack_text.split(",") if part.strip())
    else:
        stack = tuple(dict.fromkeys(t.name for t in terms))
    return term, names, stack


def _report(result: MergeResult) -> None:
    """Warnings, blank rows and failed rows on stderr; MergeError if rows failed, unless
    --skip-bad."""
    for text in result.notes:
        note(text)
    for warning in result.warnings:
        warn(str(warning))
    if result.blank_rows:
        note(f"skipped {plural(result.blank_rows, 'blank row')}")
    for failure in result.failures:
        click.echo(str(failure), err=True)
    result.check()
    if result.failures:
        warn(f"skipped {plural(len(result.failures), 'row')} that failed (listed above)")


class _ProgressBar(ExitStack):
    """A progress bar on stderr for a long merge: only on a terminal, and only once
    PROGRESS_FROM rows are done (counting the rows first would read the file twice).
    ``label`` says what is under way: "Rendering", then "Writing" the files of --out (some
    disks take seconds over 10,000 new files)."""

    def __init__(self, label: str = "Rendering") -> None:
        super().__init__()  # the bar, once shown, closes with the stack
        self.label = label
        self.on_terminal = sys.stderr.isatty()
        self._bar: ProgressBar[int] | None = None

    def update(self, rows: int, done: int, total: int) -> None:
        if self._bar is None:
            if not self.on_terminal or rows < PROGRESS_FROM or not total:
                return
            bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self._bar = self.enter_context(bar)
        self._bar.update(done - self._bar.pos)

    def files(self, done: int, total: int) -> None:
        """After each file written: ``done`` of ``total``."""
        self.update(done, done, total)
