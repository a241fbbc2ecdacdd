"""``sourcer terms``: list, show, lint and create term files."""

from __future__ import annotations

import shutil
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TextIO

import click

from sourcer.cli.common import App, app_from, complete_term
from sourcer.cli.options import force_option, json_option
from sourcer.cli.output import Report, echo_json, note, plural, style, warn
from sourcer.errors import SourcerError, UnknownTermError
from sourcer.library.schema import LEVELS, SKELETON, SLUG_RE, Term
from sourcer.typography import terminal_safe


@click.group()
def terms() -> None:
    """Browse, check and create the technology terms searches are built from.

    \b
    Layers (a later one overrides an earlier one with the same slug):
      builtin     the terms shipped with sourcer
      user        your own, in the folder 'sourcer terms path' prints
      --terms-dir any folder given on the command line, e.g. a team's shared terms
    """


@terms.command("path")
@click.pass_context
def path_cmd(ctx: click.Context) -> None:
    """Print the folder where your own term files live.

    It is $SOURCER_HOME/terms when SOURCER_HOME is set, else a 'terms' folder in your
    platform's config folder for sourcer. It need not exist yet.
    """
    click.echo(str(app_from(ctx).home.terms))


@terms.command("list")
@click.option(
    "--category",
    metavar="CATEGORY",
    help="Only terms of this category (case-insensitive), e.g. 'Web framework'.",
)
@json_option
@click.pass_context
def list_cmd(ctx: click.Context, category: str | None, as_json: bool) -> None:
    """List every term: slug, name, category and the layer it comes from.

    \b
    Examples:
      sourcer terms list
      sourcer terms list --category "web framework" --json
    """
    entries = list(app_from(ctx).library.entries().values())
    if category is not None:
        wanted = category.casefold()
        entries = [e for e in entries if e.category.casefold() == wanted]
        if not entries:
            categories = sorted({e.category for e in app_from(ctx).library.entries().values()})
            raise SourcerError(
                f"no terms in category {category!r}; categories: {', '.join(filter(None, categories))}"
            )
    if as_json:
        echo_json([{k: v for k, v in e.to_dict().items() if k != "path"} for e in entries])
        return
    if not entries:
        note("No terms. Add one with 'sourcer terms new SLUG'.")
        return
    widths = [max(len(getattr(e, col)) for e in entries) for col in ("slug", "name", "category")]
    lines = []
    for e in entries:
        cells = (e.slug.ljust(widths[0]), e.name.ljust(widths[1]), e.category.ljust(widths[2]))
        lines.append(terminal_safe("  ".join((*cells, e.origin)).rstrip()))
    click.echo("\n".join(lines))  # once: an echo a line cost 20,000 terms 60-80 ms


@terms.command("find")
@click.argument("title")
@json_option
@click.pass_context
def find_cmd(ctx: click.Context, title: str, as_json: bool) -> None:
    """List the terms whose job titles match TITLE, best first ('data engineer').

    A term whose typical title is TITLE comes first, then those that list it among the
    titles to also try, then those with a title holding every word of TITLE.
    """
    found = app_from(ctx).library.find_by_title(title)
    if as_json:
        echo_json([{"slug": s, "title": t, "score": p} for s, t, p in found])
        return
    if not found:
        raise SourcerError(f"no term lists a title like {title!r}; try fewer words")
    width = max(len(slug) for slug, _, _ in found)
    for slug, matched, _ in found:
        click.echo(terminal_safe(f"{slug:<{width}}  {matched}"))


@terms.command("show")
@click.argument("term", shell_complete=complete_term)
@json_option
@click.pass_context
def show_cmd(ctx: click.Context, term: str, as_json: bool) -> None:
    """Show everything about TERM: what it is, titles, levels, questions, red flags.

    TERM is a slug, a name or an alias, in any case: 'postgres' finds PostgreSQL.
    With --json every schema key is printed (empty where the file has none), plus 'slug' and
    'origin'.
    """
    library = app_from(ctx).library
    try:
        found = library.get(term)
    except UnknownTermError as err:
        if " " in term.strip() and library.find_by_title(term):
            raise SourcerError(
                f'{err} "{term}" is a job title: sourcer terms find "{term}" lists its terms'
            ) from None
        raise
    if as_json:
        echo_json(found.to_dict())
    else:
        click.echo(render_term(found))


def render_term(term: Term) -> str:
    """The human view of a term, in sections, wrapped to the terminal; the file's text has
    its control characters escaped, so only our own styling reaches the terminal."""
    width = min(shutil.get_terminal_size((88, 24)).columns, 88)
    out: list[str] = []

    def heading(text: str) -> None:
        out.append("")
        out.append(style(text, bold=True))

    def para(text: str, indent: str = "") -> None:
        out.append(
            click.wrap_text(
                terminal_safe(text), width, initial_indent=indent, subsequent_indent=indent
            )
        )

    def bullets(items: tuple[str, ...], indent: str = "  ") -> None:
        for item in items:
            out.append(
                click.wrap_text(
                    terminal_safe(item),
                    width,
                    initial_indent=f"{indent}- ",
                    subsequent_indent=f"{indent}  ",
                )
            )

    meta = terminal_safe(" · ".join(filter(None, (term.slug, term.category, term.origin))))
    out.append(f"{style(terminal_safe(term.name), bold=True)}  ({meta})")
    out.append("")
    para(term.summary)
    facts = [
        ("Also written", ", ".join(term.aliases)),
        ("Rarely", ", ".join(term.rare)),
        ("Similar", ", ".join(term.similar)),
        ("Related", ", ".join(term.related)),
        ("Implied by", ", ".join(term.implied_by)),
        ("Typical title", term.titles.typical),
        ("Also try", ", ".join(term.titles.also_try)),
        ("Exclude", ", ".join(term.exclude)),
    ]
    out.append("")
    for label, value in facts:
        if value:
            out.append(
                click.wrap_text(
                    f"{label + ':':<15}{terminal_safe(value)}", width, subsequent_indent=" " * 15
                )
            )
    if term.levels:
        heading("Experience levels")
        for name, level in term.levels.items():
            years = f" ({level.years} years)" if level.years else ""
            out.append(terminal_safe(f"  {name}{years}"))
            bullets(level.indicators, "    ")
            if level.keywords:
                para("keywords: " + ", ".join(level.keywords), "    ")
    if term.interview:
        heading("Interview questions")
        for level_name in LEVELS:
            for q in term.interview:
                if q.level == level_name:
                    para(f"[{q.level}] {q.question}", "  ")
                    para(f"A good answer: {q.expected}", "      ")
    for title, items in (
        ("Red flags", term.red_flags),
        ("Resume examples", term.resume_examples),
        ("Sources", term.sources),
    ):
        if items:
            heading(title)
            bullets(items)
    return "\n".join(out)


@terms.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@json_option
@click.pass_context
def lint_cmd(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Check term files: schema, typography, links between terms, aliases claimed twice.

    With no PATHS the whole library (every layer) is checked. PATHS may be files or folders;
    they are checked as a layer over the library, so links to existing terms resolve.
    Every problem is printed as 'path:line: message'. Exit status 1 if any is an error.
    Nothing is written.
    """
    problems = app_from(ctx).library.lint(paths)
    report = Report()
    report.count(p.severity for p in problems)
    if as_json:
        echo_json(
            [
                {"path": p.path, "line": p.line, "severity": p.severity, "message": p.message}
                for p in problems
            ]
        )
    else:
        for problem in problems:
            click.echo(terminal_safe(str(problem)))
    files = len({p.path for p in problems if p.severity == "error"})
    report.finish(f"{plural(report.errors, 'error')} in {plural(files, 'file')}")


@terms.command("new")
@click.argument("slug")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write into this folder instead of your user terms folder.",
)
@click.option(
    "--from",
    "source",
    type=click.Choice(["builtin"]),
    help="Start from the shipped term of that slug (a copy to edit) instead of a skeleton.",
)
@force_option("Overwrite an existing file, or shadow a shipped term with a skeleton.")
@click.pass_context
def new_cmd(
    ctx: click.Context, slug: str, folder: Path | None, source: str | None, force: bool
) -> None:
    """Write a commented skeleton for a new term SLUG into your terms folder.

    SLUG is the file name: lowercase letters, digits and hyphens (e.g. 'spring-boot').
    The new file's path is printed; fill it in, then run 'sourcer terms lint' on it.

    To change a shipped term, copy it with --from builtin (or 'sourcer terms edit SLUG'):
    your copy then wins over the shipped one. An empty skeleton under a shipped term's
    slug would replace it with placeholders, so it needs --force.
    """
    from sourcer.fsutil import write_atomic

    if not SLUG_RE.match(slug):
        raise click.BadParameter(
            "use lowercase letters, digits and single hyphens, e.g. 'spring-boot'",
            param_hint="SLUG",
        )
    app: App = app_from(ctx)
    target = Path(folder or app.home.terms) / f"{slug}.yaml"
    if source == "builtin":
        write_atomic(target, _shipped_text(slug), force=force)
        click.echo(str(target))
        return
    shadowed = app.library.entries().get(slug)
    shadows = shadowed is not None and shadowed.path != str(target)
    if shadows and not force:
        assert shadowed is not None
        raise click.ClickException(
            f"{slug!r} is a {shadowed.origin} term ({shadowed.path}); a skeleton would "
            f"replace it with placeholders. To change it: sourcer terms new {slug} --from "
            "builtin (a copy to edit); to replace it anyway: --force"
        )
    name = slug.replace("-", " ").title()
    write_atomic(target, SKELETON.format(name=name, path=target), force=force)
    if shadows:
        assert shadowed is not None
        warn(f"{target} now overrides the {shadowed.origin} term {slug!r} ({shadowed.path})")
    click.echo(str(target))


@terms.command("edit")
@click.argument("slug")
@click.pass_context
def edit_cmd(ctx: click.Context, slug: str) -> None:
    """Open your copy of term SLUG in your editor, copying the shipped one first.

    The editor is $VISUAL or $EDITOR. Without one (or off a terminal), the copy's path is
    printed for you to open. Check it afterwards with 'sourcer terms lint'.
    """
    from sourcer.fsutil import write_atomic

    if not SLUG_RE.match(slug):
        raise click.BadParameter(
            "a term's slug: lowercase letters, digits and single hyphens, e.g. 'spring-boot'",
            param_hint="SLUG",
        )
    app: App = app_from(ctx)
    target = Path(app.home.terms) / f"{slug}.yaml"
    if not target.exists():
        write_atomic(target, _shipped_text(slug))
        note(f"copied the shipped {slug!r} to {target}")
    click.echo(str(target))
    import os

    if os.environ.get("VISUAL") or os.environ.get("EDITOR"):
        click.edit(filename=str(target))


def _shipped_text(slug: str) -> str:
    """The shipped term file of ``slug``, as it is (UsageError if there is none)."""
    from sourcer.home import shipped_dir
    from sourcer.textfile import ReadError, read_text

    path = Path(shipped_dir("terms")) / f"{slug}.yaml"
    try:
        return read_text(str(path))
    except ReadError:
        raise click.UsageError(
            f"no shipped term {slug!r}; 'sourcer terms list' shows them, or start a new one "
            f"with 'sourcer terms new {slug}'"
        ) from None


@terms.command("import")
@click.argument("sources", nargs=-1)
@click.option(
    "--from-file",
    "list_file",
    type=click.File("r", encoding="utf-8"),
    help="Read sources from this file, one URL or path per line (# starts a comment).",
)
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False),
    help="Write into this folder instead of your user terms folder.",
)
@click.option("--slug", help="File name for the term (one source only); default: from its name.")
@click.option("--dry-run", is_flag=True, help="Print the YAML instead of writing it.")
@force_option("Overwrite an existing term file.")
@click.pass_context
def import_cmd(
    ctx: click.Context,
    sources: tuple[str, ...],
    list_file: TextIO | None,
    folder: str | None,
    slug: str | None,
    dry_run: bool,
    force: bool,
) -> None:
    """Turn recruiter glossary pages (URLs or .html/.txt files) into term files.

    Each page's sections (summary, similar systems, resume examples, typical title, also-try
    titles, interview questions by level, level indicators with years, red flags, related
    terms) become a term file in your terms folder. What a page cannot give (aliases, level
    keywords, exclusions) is left empty and marked "TODO curate" in the file. Pages are
    fetched over http or https only, with timeouts, retries and a size limit.

    One failing source does not stop the others; failures are listed at the end and make the
    exit status 1. Nothing is written for a source that fails.

    \b
    Examples:
      sourcer terms import https://glossary.example.com/terms/haskell
      sourcer terms import haskell.html deno.txt --out ./team-terms
      sourcer terms import --from-file pages.txt
      sourcer terms import page.html --dry-run
    """
    from sourcer.glossary.importer import import_many

    todo = list(sources)
    if list_file is not None:
        for line in list_file:
            entry = line.strip()
            if entry and not entry.startswith("#"):
                todo.append(entry)
    if not todo:
        raise click.UsageError("give at least one SOURCE (URL or file), or --from-file")
    if slug is not None and len(todo) > 1:
        raise click.UsageError("--slug names one term: give one source with it")
    app = app_from(ctx)
    bar: Any = (
        click.progressbar(length=len(todo), label="Importing", file=sys.stderr)
        if len(todo) > 1 and sys.stderr.isatty()
        else nullcontext()
    )
    with bar as shown:
        result = import_many(
            todo,
            library=app.library,
            target_dir=folder or app.home.terms,
            slug=slug,
            force=force,
            dry_run=dry_run,
            progress=None if shown is None else lambda _source: shown.update(1),
        )
    if dry_run:
        for imported in result.imported:
            click.echo(("---\n" if len(todo) > 1 else "") + imported.yaml, nl=False)
    for imported in result.written:
        if imported.overrides is not None:
            origin = imported.overrides.origin
            note(f"note: {imported.path} overrides {origin} term {imported.slug!r}")
    for imported in result.written:
        click.echo(imported.path)
    if result.failures:
        for failure in result.failures:
            click.echo(f"failed: {failure.message}", err=True)
        written = len(result.written)
        raise SourcerError(
            f"{len(result.failures)} of {len(todo)} source{'s' * (len(todo) != 1)} failed"
            + (f"; {written} imported" if written else "; nothing was written")
        )
