"""``sourcer query`` and ``sourcer boards``: Boolean strings and links for every board.

This module is on the start-up path of ``sourcer query``: it must not import jinja2 or
requests (a test checks).
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from sourcer.cli.common import app_from, complete_term
from sourcer.cli.options import (
    boards_option,
    fit_option,
    json_option,
    level_option,
    role_option,
    site_option,
)
from sourcer.cli.output import echo_json, note, warn
from sourcer.errors import ClipboardError
from sourcer.query.boards import BOARDS, FIELD_LABELS, SITES, Board
from sourcer.query.plan import QueryRequest, query_reply
from sourcer.query.recipe import MODES
from sourcer.query.search import JOB_BOARD_PRODUCTS


@click.command()
@click.argument("terms", nargs=-1, shell_complete=complete_term)
@click.option(
    "--any",
    "any_terms",
    multiple=True,
    metavar="TERM",
    shell_complete=complete_term,
    help="At least one of these is needed (repeatable): --any react --any vue.",
)
@role_option
@click.option(
    "--nice",
    "nice_terms",
    multiple=True,
    metavar="TERM",
    shell_complete=complete_term,
    help="Nice to have (repeatable): not required; a narrower variant also asks for one.",
)
@click.option(
    "--keyword",
    "-k",
    "keywords",
    multiple=True,
    metavar="TEXT",
    help="A required skill that is not in the library, searched as written (repeatable).",
)
@boards_option("Where the search runs (repeatable; 'all' for every board). Default: linkedin.")
@level_option(
    "junior or senior: title words (intitle: on X-ray); mid: keep out the levels around it."
)
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default=None,
    help="broad: every spelling of each skill; balanced: the top spellings; strict: also "
    "role words (engineer, developer, ... in six languages) and the term's titles. "
    "Default: the primary term's own mode (its file's mode:), else balanced.",
)
@click.option(
    "--exhaustive",
    is_flag=True,
    help="Also every alias and the terms' rare variants and misspellings (a wider search).",
)
@click.option(
    "--titles/--no-titles",
    default=True,
    help="In strict mode, use role words and the primary term's titles (default: yes).",
)
@click.option(
    "--title",
    "extra_titles",
    multiple=True,
    metavar="TITLE",
    help="Require a job title (repeatable, ORed).",
)
@click.option(
    "--location", "-l", "locations", multiple=True, metavar="PLACE", help="A place (ORed)."
)
@click.option(
    "--remote",
    is_flag=True,
    help="People who work remotely: a requirement of its own, never ORed with places.",
)
@click.option(
    "--location-as-keyword",
    is_flag=True,
    help="On LinkedIn, search the places as keywords instead of naming the location filter.",
)
@click.option("--exclude", "-x", "excludes", multiple=True, metavar="WORD", help="Exclude a word.")
@click.option(
    "--no-exclude",
    "no_term_exclusions",
    is_flag=True,
    help="Leave out the terms' own exclusions (words of another meaning of their names).",
)
@click.option(
    "--keep-recruiters",
    is_flag=True,
    help="Keep recruiters, sourcers and talent acquisition in people searches.",
)
@click.option(
    "--keep-managers",
    is_flag=True,
    help="Keep managers, directors and sales people in people searches.",
)
@site_option("What Google, Bing, DuckDuckGo and Brave search (X-ray).")
@fit_option(
    "Over a limit: split into parts that keep every combination, or make one search "
    "within every limit, soft ones too, by dropping the lowest-ranked alternatives (listed)."
)
@json_option
@click.option("--url", "urls_only", is_flag=True, help="Print the links only.")
@click.option("--copy", is_flag=True, help="Also put the output on the clipboard.")
@click.option("--open", "open_links", is_flag=True, help="Also open each link in the browser.")
@click.option("--explain", is_flag=True, help="Show where every part of the search came from.")
@click.option(
    "--allow-todo",
    is_flag=True,
    help="Search with a term that still holds TODO placeholders (from 'terms new').",
)
@click.pass_context
def query(
    ctx: click.Context,
    terms: tuple[str, ...],
    role: str | None,
    any_terms: tuple[str, ...],
    nice_terms: tuple[str, ...],
    keywords: tuple[str, ...],
    boards: tuple[str, ...],
    level: str | None,
    mode: str | None,
    exhaustive: bool,
    titles: bool,
    extra_titles: tuple[str, ...],
    locations: tuple[str, ...],
    remote: bool,
    location_as_keyword: bool,
    excludes: tuple[str, ...],
    no_term_exclusions: bool,
    keep_recruiters: bool,
    keep_managers: bool,
    site: str,
    fit: str,
    as_json: bool,
    urls_only: bool,
    copy: bool,
    open_links: bool,
    explain: bool,
    allow_todo: bool,
) -> None:
    """Build Boolean search strings for TERMS, ready to paste into each board.

    TERMS are slugs, names or aliases ('flask', 'Postgres'); all of them are required and
    the first is the primary. --any TERM needs one of several, --nice TERM is only nice to
    have, and --keyword TEXT adds a skill the library does not know. A single board prints
    only the string, so $(sourcer query ...) works; several print labelled blocks.
    Warnings go to stderr.

    Each skill is searched by its top-ranked spellings; people who list a stack without
    doing the work (recruiters, managers, sales) are kept out of people searches. Hard
    limits (Google 32 words, Bing 10 terms, Brave 400 characters and 50 words, GitHub 256
    characters and 5 operators) are never exceeded: the search is split into parts that
    keep the same top alternatives and vary one group, so every combination of what they
    keep is found, and part 1 is the best single search. Soft limits (LinkedIn's disputed
    ones) warn, or hold with --fit drop.

    \b
    Examples:
      sourcer query flask --level senior --board linkedin
      sourcer query go kubernetes --board google
      sourcer query python --any django --any flask --nice aws
      sourcer query go --keyword gRPC --board all --json
      sourcer query --role go.yaml --board all
      sourcer query python -b indeed -b dice --location Berlin --location Munich
      sourcer query flask --board google --url --open
    """
    if as_json and urls_only:
        raise click.UsageError("choose one of --json and --url")
    any_lists: list[Sequence[str]] = [any_terms] if any_terms else []
    if role is not None:
        from sourcer.cli.role_cmd import load_role

        chosen = load_role(ctx, role)

        def given(name: str) -> bool:  # on the command line, which overrides the file
            return ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT

        terms = terms or chosen.must
        any_lists = any_lists or [list(group) for group in chosen.any]
        nice_terms = nice_terms or chosen.nice
        keywords = keywords or chosen.keywords
        level = level if given("level") else chosen.level or level
        mode = mode if given("mode") else chosen.mode or mode
        extra_titles = extra_titles or chosen.titles
        locations = locations or chosen.locations
        excludes = excludes or chosen.exclude
        boards = boards or chosen.boards
        site = site if given("site") else chosen.site or site
    if not terms and not any_lists and not keywords:
        raise click.UsageError(
            "name at least one TERM (or --any TERM, --keyword TEXT, or --role FILE)"
        )
    request = QueryRequest(
        terms=tuple(terms),
        any_groups=tuple(tuple(group) for group in any_lists),
        nice_terms=tuple(nice_terms),
        keywords=tuple(keywords),
        boards=tuple(boards),
        level=level,
        mode=mode,
        exhaustive=exhaustive,
        titles=titles,
        extra_titles=tuple(extra_titles),
        locations=tuple(locations),
        remote=remote,
        location_as_keyword=location_as_keyword,
        excludes=tuple(excludes),
        term_exclusions=not no_term_exclusions,
        keep_recruiters=keep_recruiters,
        keep_managers=keep_managers,
        site=site,
        fit=fit,
        output="json" if as_json else "urls" if urls_only else "text",
        explain=explain,
        allow_todo=allow_todo,
    )
    reply = query_reply(app_from(ctx).library, request)
    for kind, text in reply.messages:
        (warn if kind == "warning" else note)(text)
    if reply.output:
        click.echo(reply.output)
    if copy:
        _copy(reply.output)
    if open_links:
        for search in reply.searches:
            if search.url:
                click.launch(search.url)


def _copy(text: str) -> None:
    try:
        import pyperclip  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        raise ClipboardError(
            "--copy needs the clipboard extra: pip install 'sourcer[clipboard]'"
        ) from None
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException as err:
        raise ClipboardError(
            f"no clipboard available ({err}); on Linux install xclip, xsel or wl-clipboard"
        ) from err
    note("Copied to the clipboard.")


@click.command()
@click.argument("names", nargs=-1, type=click.Choice(list(BOARDS)))
@json_option
def boards(names: tuple[str, ...], as_json: bool) -> None:
    """List the boards: syntax, limits (with sources) and link format.

    Confidence: S = an official page, C = commonly reported by practitioners, U = one
    informal source or disputed. Hard limits are never exceeded; soft ones warn.
    """
    chosen = [BOARDS[n] for n in names] if names else list(BOARDS.values())
    if as_json:
        echo_json([board_dict(b) for b in chosen])
        return
    blocks = []
    for board in chosen:
        data = board_dict(board)
        lines = [
            f"{board.slug}: {board.name} ({board.kind})",
            f"  finds:   {board.searches}"
            + (
                f" (candidates: {JOB_BOARD_PRODUCTS[board.slug]}, paid)"
                if board.slug in JOB_BOARD_PRODUCTS
                else ""
            ),
            f"  syntax:  {data['syntax']}",
        ]
        if board.location == "filter" or board.level_fields or board.title_filter:
            own = ["location filter"] if board.location == "filter" else []
            own += [FIELD_LABELS[f].lower() for f in board.level_fields]
            own += ["job title (Boolean)"] if board.title_filter else []
            lines.append(f"  fields:  keywords; {'; '.join(own)} (printed as lines to fill in)")
        for limit in board.limits:
            lines.append(f"  limit:   {limit.describe()}")
        if not board.limits:
            lines.append("  limit:   none documented")
        lines.append(f"  link:    {data['url'] or 'none (paste the string)'}")
        lines.extend(f"  note:    {text}" for text in board.notes)
        lines.extend(f"  caveat:  {text}" for text in board.caveats.values())
        blocks.append("\n".join(lines))
    click.echo("\n\n".join(blocks))


def board_dict(board: Board) -> dict[str, object]:
    """A board's table entry as plain data."""
    from sourcer.query.urls import build_url

    and_text = board.and_op or "space (implicit AND)"
    or_text = board.or_op or "none (one alternative per part)"
    syntax = f"AND: {and_text}; OR: {or_text}; NOT: {board.not_style}"
    if board.titles == "field":
        syntax += f"; titles: {board.title_field}:(...)"
    if board.xray:
        syntax += "; --site: " + ", ".join(
            f"{s.slug} = {' '.join((s.restriction, *(f'-{w}' for w in s.exclude)))}"
            for s in SITES.values()
        )
    return {
        "slug": board.slug,
        "name": board.name,
        "kind": board.kind,
        "searches": board.searches,
        "syntax": syntax,
        "and": board.and_op or " ",
        "or": board.or_op or None,
        "not": board.not_style,
        "titles": board.titles,
        "location": board.location
        if not board.location_key
        else f"{board.location}:{board.location_key}",
        "xray": board.xray,
        "fields": sorted(board.fields),
        "limits": [
            {
                "metric": limit.metric,
                "value": limit.value,
                "hard": limit.hard,
                "confidence": limit.confidence,
                "source": limit.source,
            }
            for limit in board.limits
        ],
        "url": build_url(board.url, "QUERY") if board.url else None,
        "notes": list(board.notes),
        "caveats": dict(board.caveats),
    }
