"""The ``sourcer`` command: a thin Click layer over the core modules.

Sub-commands are imported only when used (Click's "lazily loading subcommands" pattern), so
``sourcer query`` never pays for the modules of ``outreach`` or ``brief``.
"""

from __future__ import annotations

from typing import Any

import click

from sourcer import __version__
from sourcer.cli.common import App
from sourcer.cli.output import terminal_safe
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
    "terms": "sourcer.cli.terms_cmd:terms",
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

    def invoke(self, ctx: click.Context) -> Any:
        # SIGTERM unwinds like Ctrl-C, so every staged write is cleaned up on the way out.
        previous = _on_sigterm(_terminate)
        try:
            return super().invoke(ctx)
        except SourcerError as err:
            raise click.ClickException(terminal_safe(str(err))) from err
        finally:
            _on_sigterm(previous)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _on_sigterm(handler: Any) -> Any:
    """Set the SIGTERM handler (main thread only); returns the one it replaces."""
    import signal
    import threading

    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


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
    cli.main(prog_name="sourcer")
