"""``sourcer brief``: the screening kit and every search for a role, as Markdown or HTML."""

from __future__ import annotations

import os

import click

from sourcer.cli.common import app_from, complete_term
from sourcer.cli.options import (
    boards_option,
    force_option,
    level_option,
    role_option,
    site_option,
)
from sourcer.cli.output import note
from sourcer.query.boards import board_list


@click.command("brief")
@click.argument("terms", nargs=-1, shell_complete=complete_term)
@role_option
@level_option("Show this level only (default: all).")
@boards_option("Boards to include (repeatable). Default: all.")
@site_option(
    "What the search engines X-ray (linkedin, github, stackoverflow, resumes or a domain)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    help="md (Markdown, the default) or html (one self-contained page).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of stdout (never over an existing one without --force).",
)
@force_option("Overwrite the output file.")
@click.option("--open", "open_page", is_flag=True, help="Open the HTML page in your browser.")
@click.pass_context
def brief(
    ctx: click.Context,
    terms: tuple[str, ...],
    role: str | None,
    level: str | None,
    boards: tuple[str, ...],
    site: str,
    fmt: str | None,
    output: str | None,
    force: bool,
    open_page: bool,
) -> None:
    """A recruiter brief for TERMS: screening kit and every board's search on one page.

    For each term: what it is, similar and related terms, job titles, what to look for at
    the level, interview questions with what a good answer sounds like, red flags and resume
    phrasing. Then one card per board (and part) with the search string, a Copy button and an
    Open link. Markdown goes to stdout; --format html makes one self-contained page (no
    external requests; readable on a phone and on paper).

    \b
    Examples:
      sourcer brief flask --level senior > flask.md
      sourcer brief flask postgresql --format html -o brief.html
      sourcer brief django --level mid --open
      sourcer brief --role go.yaml --format html -o go.html
    """
    from sourcer.brief import make_brief

    if open_page and fmt == "md":
        raise click.UsageError("--open shows the HTML page; use --format html (or leave it out)")
    chosen_format = fmt or ("html" if open_page else "md")
    if role is not None:  # the role's skills and choices, under the command line's
        from sourcer.cli.role_cmd import load_role

        chosen = load_role(ctx, role)
        # The required skills (one of an any: group is not required of everyone)
        terms = terms or chosen.must or tuple(group[0] for group in chosen.any)
        level = level or chosen.level
        boards = boards or chosen.boards
        if ctx.get_parameter_source("site") is click.core.ParameterSource.DEFAULT:
            site = chosen.site or site
    if not terms:
        raise click.UsageError("name at least one TERM, or give --role FILE")
    app = app_from(ctx)
    library = app.library
    loaded = [library.get(name) for name in terms]
    text = make_brief(
        library,
        loaded,
        level=level,
        boards=board_list(boards or ("all",), default=[]),  # people first, as query -b all
        site=site,
        fmt="html" if chosen_format == "html" else "md",
        cache_dir=app.home.cache,
    )

    if output is None and open_page:
        slug = "-".join(t.slug for t in loaded) + (f"-{level}" if level else "")
        output = os.path.join(app.home.briefs, f"{slug}.html")
        force = True  # sourcer's own copy, rewritten each time
    if output is None:
        click.echo(text, nl=False)
        return
    from sourcer.fsutil import write_atomic

    write_atomic(output, text, force=force)
    note(f"wrote {output} ({len(text.encode('utf-8')):,} bytes)")
    if open_page:
        click.launch(os.path.abspath(output))
