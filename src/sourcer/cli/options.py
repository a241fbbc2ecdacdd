"""Options several commands share, each defined once (as pip's cmdoptions does); their
choices come from the core's own tables, so adding a board or a level needs no change here.

The board tables are imported by the factories that need them, when a command module that
uses them is loaded: ``terms`` and ``outreach`` never load the query compiler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from sourcer.errors import QueryError
from sourcer.library.schema import LEVELS

F = TypeVar("F", bound=Callable[..., Any])

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
role_option = click.option(
    "--role",
    metavar="FILE|NAME",
    help="Take the terms and options from a role file (or NAME in $SOURCER_HOME/roles); "
    "options given here override the file.",
)


def force_option(help: str) -> Callable[[F], F]:
    return click.option("--force", is_flag=True, help=help)


def level_option(help: str) -> Callable[[F], F]:
    return click.option("--level", type=click.Choice(LEVELS), help=help)


def boards_option(help: str) -> Callable[[F], F]:
    """--board, repeatable, with 'all' for every board (see
    :func:`sourcer.query.boards.board_list`)."""
    from sourcer.query.boards import BOARDS

    choices = click.Choice([*BOARDS, "all"])
    return click.option("--board", "-b", "boards", multiple=True, type=choices, help=help)


def board_option(*names: str, dest: str, help: str, short: bool = False) -> Callable[[F], F]:
    """One required board (lint --board, convert --from and --to)."""
    from sourcer.query.boards import BOARDS

    return click.option(
        *names,
        *(["-b"] if short else []),
        dest,
        type=click.Choice(list(BOARDS)),
        required=True,
        help=help,
    )


def check_site(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Option callback: --site must be a preset or a domain (a usage error otherwise)."""
    from sourcer.query.search import resolve_site

    try:
        resolve_site(value)
    except QueryError as err:
        raise click.BadParameter(str(err).removeprefix("--site "), ctx, param) from None
    return value


def site_option(help: str) -> Callable[[F], F]:
    from sourcer.query.boards import DEFAULT_SITE, SITES

    return click.option(
        "--site",
        default=DEFAULT_SITE,
        callback=check_site,
        show_default=True,
        metavar="|".join(SITES) + "|DOMAIN",
        help=help,
    )


def fit_option(help: str) -> Callable[[F], F]:
    from sourcer.query.recipe import FITS

    return click.option(
        "--fit", type=click.Choice(FITS), default="split", show_default=True, help=help
    )
