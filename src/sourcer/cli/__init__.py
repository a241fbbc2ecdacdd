"""The ``sourcer`` command: a thin Click layer over the core modules.

Sub-commands are imported only when used (Click's "lazily loading subcommands" pattern), so
``sourcer query`` never pays for the modules of ``outreach`` or ``brief``.
"""

from __future__ import annotations

from typing import Any

import click

from sourcer import __version__
from sourcer.cli.common import App
from sourcer.errors import SourcerError

#: command name -> "module:attribute", imported on first use
LAZY_COMMANDS: dict[str, str] = {
    "boards": "sourcer.cli.query_cmd:boards",
    "brief": "sourcer.cli.brief_cmd:brief",
    "convert": "sourcer.cli.lint_cmd:convert_cmd",
    "lint": "sourcer.cli.lint_cmd:lint_cmd",
    "outreach": "sourcer.cli.outreach_cmd:outreach",
    "query": "sourcer.cli.query_cmd:query",
    "role": "sourcer.cli.role_cmd:role",
    "serve": "sourcer.cli.serve_cmd:serve",
    "terms": "sourcer.cli.terms_cmd:terms",
}

#: each command's short help, so that ``sourcer --help`` imports no command (a test checks
#: that these are the first sentences of the commands' own help)
SHORT_HELP: dict[str, str] = {
    "boards": "List the boards: syntax, limits (with sources) and link format.",
    "brief": "A recruiter brief for TERMS: screening kit and every board's search on one page.",
    "convert": "Rewrite a Boolean STRING written for one board in another board's dialect.",
    "lint": "Check a Boolean STRING against a board's dialect and limits.",
    "outreach": "Write outreach messages (connection notes, InMails, emails) from templates.",
    "query": "Build Boolean search strings for TERMS, ready to paste into each board.",
    "role": "Roles: one file per hiring need, used by query, brief and outreach (--role).",
    "serve": "Serve sourcer as a local web page: searches, roles, lint and outreach in a browser.",
    "terms": "Browse, check and create the technology terms searches are built from.",
}


class SourcerGroup(click.Group):
    """A group whose commands load lazily and whose errors print as one line, never a trace."""

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.lazy_commands = lazy_commands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands:
            module_name, attribute = self.lazy_commands[cmd_name].split(":")
            module = __import__(module_name, fromlist=[attribute])
            command = getattr(module, attribute)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from SHORT_HELP, as Click would write it from each command."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in SHORT_HELP:
                stand_in = click.Command(name, help=SHORT_HELP[name])  # Click's own shortening
                rows.append((name, stand_in.get_short_help_str(limit)))
            else:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SourcerError as err:
            from sourcer.typography import terminal_safe

            raise click.ClickException(terminal_safe(str(err))) from err


@click.group(
    cls=SourcerGroup,
    lazy_commands=LAZY_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="sourcer", message="%(prog)s %(version)s")
@click.option(
    "--terms-dir",
    "terms_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="Extra folder of term files, layered over the built-in and user terms "
    "(repeatable; later folders win).",
)
@click.pass_context
def cli(ctx: click.Context, terms_dirs: tuple[str, ...]) -> None:
    """Boolean search strings, X-ray links and outreach for technical recruiters.

    sourcer keeps a library of technology terms (what a skill is called, which titles its
    people hold, what marks a junior or a senior) and builds from it search strings each site
    accepts, outreach messages and screening briefs. It builds strings and links; it never
    searches or automates any site for you.

    \b
    Examples:
      sourcer query flask --level senior --board linkedin
      sourcer query flask postgres --board google --url
      sourcer lint --fix '"Flask" and (python OR django' --board linkedin
      sourcer brief flask --level senior --format html -o brief.html
      sourcer outreach render inmail --term flask --csv people.csv --out messages/
      sourcer terms show postgres

    Your own terms go in the folder printed by 'sourcer terms path' (or $SOURCER_HOME/terms);
    settings in $SOURCER_HOME/config.yaml. Completion: see the README (bash, zsh, fish).
    """
    ctx.obj = App(terms_dirs=terms_dirs)


def main() -> None:
    """Console-script entry point (Click itself handles a pipe closed early, as in `| head`)."""
    cli.main(prog_name="sourcer", terminal_width=terminal_width())


def terminal_width() -> int:
    """The terminal's width as shutil.get_terminal_size reads it ($COLUMNS, else the
    terminal, else 80), without importing shutil, which Click would import to format help
    (with bz2, lzma and zlib: a tenth of the start-up of ``sourcer --help``)."""
    import os
    import sys

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    stream = sys.__stdout__
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80 if stream else 80
    except (AttributeError, ValueError, OSError):
        return 80
