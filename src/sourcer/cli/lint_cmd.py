"""``sourcer lint`` and ``sourcer convert``: check and translate hand-written strings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import click

from sourcer.cli.options import board_option, fit_option, json_option
from sourcer.cli.output import (
    Report,
    echo_json,
    note,
    plural,
    report_warnings,
    style,
)
from sourcer.errors import Finding, SourcerError
from sourcer.query.boards import BOARDS
from sourcer.query.lint import Linted, convert, lint
from sourcer.query.plan import searches_text
from sourcer.textfile import read_source

FIT_HELP = "Over a hard limit: split into parts, or drop the lowest-priority alternatives."


def _strings(string: str | None, file: str | None) -> Iterator[tuple[int | None, str]]:
    """(line number or None, text) for each string to check."""
    if (string is None) == (file is None):
        raise click.UsageError("give a STRING (or - for stdin), or --file FILE, not both")
    if file is not None:
        for number, line in enumerate(read_source(file).split("\n"), start=1):
            if line.strip():
                yield number, line.rstrip("\r")
        return
    assert string is not None
    if string == "-":
        yield None, " ".join(read_source("-").split())
    else:
        yield None, string


@click.command("lint")
@click.argument("string", required=False)
@board_option(
    "--board",
    dest="board",
    short=True,
    help="The board whose dialect and limits the string must meet.",
)
@click.option(
    "--file",
    "-f",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Check every line of FILE (one string per line; - for stdin).",
)
@click.option("--fix", is_flag=True, help="Print the repaired string instead of the report.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--explain",
    is_flag=True,
    help="Also show how the board reads the string: fully parenthesised, the words past its "
    "limit that it ignores, and operators it reads as plain words.",
)
@fit_option(FIT_HELP)
@json_option
def lint_cmd(
    string: str | None,
    board: str,
    file: str | None,
    fix: bool,
    strict: bool,
    explain: bool,
    fit: str,
    as_json: bool,
) -> None:
    """Check a Boolean STRING against a board's dialect and limits.

    Reports curly quotes and dashes, lowercase operators, unbalanced parentheses or quotes,
    dangling or doubled operators, NOT with nothing to exclude, features the board lacks
    (a minus or * on LinkedIn, site: outside the search engines, OR on GitHub), precedence
    that does not mean what it looks like, repeated alternatives and limits exceeded. Each
    problem has a code, a column and a suggested fix.

    With --fix the repaired string is printed on stdout (several lines if a hard limit forces
    a split) and the report goes to stderr. Exit status: 0 when clean, 1 with errors (or with
    warnings under --strict).

    \b
    Examples:
      sourcer lint '"Flask" and (python OR django' --board linkedin
      sourcer lint --fix '"Flask" and (python OR django' --board linkedin
      pbpaste | sourcer lint - --board google
      sourcer lint --file strings.txt --board github --json
      sourcer lint 'flask django OR rails' --board google --explain
    """
    target = BOARDS[board]
    mode: Literal["split", "drop"] = "drop" if fit == "drop" else "split"
    results: list[tuple[int | None, Linted]] = [
        (line, lint(text, target, mode)) for line, text in _strings(string, file)
    ]
    source = file
    if explain:
        from sourcer.query.lint import explain as reading

        for _, result in results:
            for said in reading(result.text, target):
                note(said)
    if as_json:
        echo_json(
            [
                {
                    "line": line,
                    "text": result.text,
                    "diagnostics": [d.to_dict() for d in result.diagnostics],
                    "fixed": [s.query for s in result.fixed],
                }
                for line, result in results
            ]
        )
    else:
        for line, result in results:
            where = f"{source}:{line}:" if line is not None else ""
            for diagnostic in result.diagnostics:
                click.echo(_format(where, diagnostic), err=fix)
            if fix:
                if len(result.fixed) > 1:
                    note(f"{where or 'the string'} is split into {len(result.fixed)} parts")
                for part in result.fixed:
                    click.echo(part.query)
    report = Report(strict=strict)
    report.count(d.severity for _, result in results for d in result.diagnostics)
    report.finish(
        f"{plural(report.errors, 'error')}, {plural(report.warnings, 'warning')}",
        ok=None if as_json else "OK: no errors",
    )


def _format(where: str, d: Finding) -> str:
    colour = "red" if d.severity == "error" else "yellow"
    head = style(f"{d.severity} [{d.code}]", fg=colour)
    column = f"{where}{d.column}:" if where else f"col {d.column}:"
    return f"{column} {head} {d.message}; fix: {d.fix}" if d.fix else f"{column} {head} {d.message}"


@click.command("convert")
@click.argument("string")
@board_option("--from", dest="source", help="Written for.")
@board_option("--to", dest="target", help="Wanted for.")
@fit_option(FIT_HELP)
@json_option
@click.option("--url", "urls_only", is_flag=True, help="Print the links only.")
def convert_cmd(
    string: str, source: str, target: str, fit: str, as_json: bool, urls_only: bool
) -> None:
    """Rewrite a Boolean STRING written for one board in another board's dialect.

    Operators, quoting and exclusions are rewritten; the result is split by the target's
    limits as 'sourcer query' does. What the target cannot express (a site: on LinkedIn, a
    wildcard where there is none) is reported on stderr, never dropped silently. STRING may
    be - to read stdin.

    \b
    Examples:
      sourcer convert 'site:linkedin.com/in (flask OR django) -recruiter' --from google --to linkedin
      sourcer convert '(flask OR django) NOT recruiter' --from linkedin --to github
    """
    if string == "-":
        string = " ".join(read_source("-").split())
    if as_json and urls_only:
        raise click.UsageError("choose one of --json and --url")
    result = convert(string, BOARDS[source], BOARDS[target], "drop" if fit == "drop" else "split")
    for diagnostic in result.diagnostics:
        click.echo(_format("", diagnostic), err=True)
    if not result.searches:
        raise SourcerError(f"nothing in {string!r} can be searched on {target}")
    report_warnings(result.searches)
    if as_json:
        echo_json([s.to_dict() for s in result.searches])
    elif urls_only:
        urls = [s.url for s in result.searches if s.url]
        if not urls:
            raise SourcerError(f"{target} has no links; paste the string instead")
        click.echo("\n".join(urls))
    else:
        click.echo(searches_text(result.searches))
