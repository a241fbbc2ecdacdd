"""``sourcer role``: keep a hiring need in one file, read one from a job posting, and use it
with ``--role`` in ``query``, ``brief`` and ``outreach render``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from sourcer.cli.common import App, app_from
from sourcer.cli.options import force_option, json_option
from sourcer.cli.output import Report, echo_json, note, plural
from sourcer.query.recipe import Options
from sourcer.query.search import Search
from sourcer.roles.schema import Known, Role, find_role, read_role


def known(app: App) -> Known:
    """What a role's fields are checked against: the library, the boards, the templates."""
    from sourcer.errors import QueryError
    from sourcer.home import builtin_templates
    from sourcer.outreach.templates import Templates
    from sourcer.query.boards import BOARDS
    from sourcer.query.search import resolve_site

    library = app.library

    def site_ok(site: str) -> str | None:
        try:
            resolve_site(site)
        except QueryError as err:
            return str(err)
        return None

    def template_ok(name: str) -> bool:
        layers = [("builtin", builtin_templates("outreach")), ("user", app.home.templates)]
        return name in Templates(layers).names()

    return Known(
        terms=lambda slug: slug in library.entries(),
        suggest=library.suggest,
        boards=tuple(BOARDS),
        site_ok=site_ok,
        templates=template_ok,
    )


def load_role(ctx: click.Context, name: str) -> Role:
    """The role named on the command line: a path, or NAME in $SOURCER_HOME/roles."""
    app = app_from(ctx)
    return read_role(find_role(name, app.home.roles), known(app))


@click.group()
def role() -> None:
    """Roles: one file per hiring need, used by query, brief and outreach (--role).

    A role file (YAML, version 1) names the skills that are required (must), one of each
    group needed (any), nice to have (nice), skills the library does not know (keywords),
    the level, places, remote policy, titles, exclusions, boards, site, mode and the
    outreach template and sender. Keep roles anywhere, or in $SOURCER_HOME/roles/NAME.yaml
    to use them by NAME.

    \b
    Examples:
      sourcer role from-jd posting.txt -o go.yaml
      sourcer query --role go.yaml --board all
      sourcer role lint go.yaml
      sourcer role show go
    """


@role.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def lint_cmd(ctx: click.Context, paths: tuple[str, ...]) -> None:
    """Check role files; every problem as 'path:line: message'. Exit 1 on errors."""
    from sourcer.errors import Problem
    from sourcer.roles.schema import check_role_text
    from sourcer.textfile import ReadError, read_text

    checks = known(app_from(ctx))
    report = Report()
    for path in paths:
        try:
            _, problems = check_role_text(read_text(path), path, checks)
        except ReadError as err:
            problems = [Problem(path, err.line, err.reason)]
        report.count(p.severity for p in problems)
        for problem in problems:
            click.echo(str(problem))
    report.finish(f"{plural(report.errors, 'error')} in {plural(len(paths), 'file')}")


@role.command("from-jd")
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the role file here.")
@force_option("Overwrite the output file.")
@json_option
@click.option("--html/--text", "html", default=None, help="How to read SOURCE (default: guess).")
@click.pass_context
def from_jd(
    ctx: click.Context,
    source: str,
    output: str | None,
    force: bool,
    as_json: bool,
    html: bool | None,
) -> None:
    """Read a job posting (text or HTML; - for stdin) and write the role it asks for.

    Skills are the library's terms found in the posting, word for word; a section decides
    whether each is required (must), one of several (any: "Java or Kotlin") or nice to
    have; skills named only in the company blurb or the benefits are left out. Level comes
    from title words or the years asked, the title from the heading, places and remote
    policy from the text. Technology the library does not know goes to keywords. The
    result is a starting point: a one-line summary and what was not recognised go to
    stderr; edit the file, then 'sourcer role lint' it.
    """
    from sourcer.roles.jd import read_posting
    from sourcer.roles.schema import role_yaml
    from sourcer.textfile import read_source

    text = read_source(source)
    name = source
    if html is None and name.endswith((".html", ".htm")):
        html = True
    library = app_from(ctx).library
    terms = [library.get(slug) for slug in library.entries()]
    found = read_posting(text, terms, html=html).check()
    role = found.role
    if as_json:
        echo_json(
            {
                "title": role.title,
                "level": role.level,
                "locations": list(role.locations),
                "remote": role.remote,
                "must": list(role.must),
                "any": [list(g) for g in role.any],
                "nice": list(role.nice),
                "keywords": list(role.keywords),
                "evidence": found.evidence,
            }
        )
    elif output:
        from sourcer.fsutil import write_atomic

        write_atomic(Path(output), role_yaml(role), force=force)
        note(f"wrote {output}")
    else:
        click.echo(role_yaml(role), nl=False)
    note(summary(role, found.lines))
    if found.unknown:
        note(f"Not in the library (kept as keywords): {', '.join(found.unknown)}")


def summary(role: Role, lines: int) -> str:
    """One line: what was read and what it became."""
    parts = [f"must: {', '.join(role.must) or '-'}"]
    if role.any:
        parts.append("one of: " + "; ".join(" or ".join(g) for g in role.any))
    if role.nice:
        parts.append(f"nice: {', '.join(role.nice)}")
    parts.append(f"level: {role.level or 'not said'}")
    where = ", ".join(role.locations) or "no place"
    parts.append(f"{where}, {role.remote or 'remote policy not said'}")
    return f"Read {plural(lines, 'line')}: {role.title!r}; " + "; ".join(parts)


@role.command("show")
@click.argument("name")
@click.pass_context
def show_cmd(ctx: click.Context, name: str) -> None:
    """Print the role NAME (a path, or a name in $SOURCER_HOME/roles) and its searches."""
    from sourcer.query.plan import searches_text
    from sourcer.roles.schema import role_yaml

    chosen = load_role(ctx, name)
    click.echo(f"# {chosen.path}")
    click.echo(role_yaml(chosen))
    searches = role_searches(ctx, chosen)
    click.echo(
        searches_text(searches)
        if len(searches) > 1
        else f"# {searches[0].label}\n{searches[0].query}"
    )


def role_searches(ctx: click.Context, chosen: Role) -> list[Search]:
    """The role's searches on its boards (LinkedIn when it names none)."""
    from sourcer.query.search import compile_searches

    library = app_from(ctx).library
    options = role_options(chosen, Options())
    return compile_searches(
        [library.get(s) for s in chosen.must],
        options,
        list(chosen.boards) or ["linkedin"],
        lookup=library.find,
        any_groups=[[library.get(s) for s in group] for group in chosen.any],
        nice=[library.get(s) for s in chosen.nice],
    )


def role_options(chosen: Role, base: Options) -> Options:
    """The query options a role asks for, over ``base``."""
    return base._replace(
        level=chosen.level or base.level,
        mode=chosen.mode or base.mode,  # type: ignore[arg-type]
        extra_titles=chosen.titles or base.extra_titles,
        locations=chosen.locations or base.locations,
        excludes=chosen.exclude or base.excludes,
        keywords=chosen.keywords or base.keywords,
        site=chosen.site or base.site,
    )


@role.command("list")
@json_option
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the roles saved in $SOURCER_HOME/roles."""
    from sourcer.textfile import ReadError, read_text
    from sourcer.yamlload import YAMLSyntaxError, load

    folder = app_from(ctx).home.roles
    names = (
        sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".yaml"))
        if os.path.isdir(folder)
        else []
    )
    rows = []
    for name in names:
        try:
            path = os.path.join(folder, f"{name}.yaml")
            data = load(read_text(path), path)
            title = str(data.get("title", "")) if isinstance(data, dict) else ""
        except (ReadError, YAMLSyntaxError):
            title = "(unreadable)"
        rows.append({"name": name, "title": title})
    if as_json:
        echo_json(rows)
        return
    if not rows:
        note(f"No saved roles; save role files in {folder}")
        return
    width = max(len(r["name"]) for r in rows)
    for row in rows:
        click.echo(f"{row['name']:<{width}}  {row['title']}")
