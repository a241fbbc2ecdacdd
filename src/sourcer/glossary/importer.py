"""Importing glossary pages (URLs or saved files) as term files: :func:`import_many`.

Each source is fetched or read, parsed (:mod:`sourcer.glossary.page`), written as a term
file's text (:mod:`sourcer.glossary.termfile`) and checked in memory as it would sit in the
library (:mod:`sourcer.glossary.index`). Only when every source has been through that are
the files that passed written, each atomically, so a failure never leaves a file half
written. One failing source does not stop the others, and nothing is written for it; the
result lists every source's outcome, in order.
"""

import os
from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

import requests

from sourcer.errors import GlossaryError, SourcerError
from sourcer.glossary.http import fetch, make_session
from sourcer.glossary.index import LibraryIndex
from sourcer.glossary.page import GlossaryPage, looks_like_html, parse
from sourcer.glossary.termfile import slugify, term_yaml
from sourcer.library.schema import SLUG_RE
from sourcer.library.store import Entry, Library
from sourcer.textfile import LARGE, ReadError, read_text


class Imported(NamedTuple):
    """A source turned into a term file that checks clean."""

    source: str
    slug: str
    name: str
    #: where the file was written (or, on a dry run or before writing, would be)
    path: str
    yaml: str
    written: bool = False
    #: the library's term of the same slug in another file, which this file now overrides
    overrides: Entry | None = None


class ImportFailure(NamedTuple):
    """A source that could not be imported, and why; nothing was written for it."""

    source: str
    error: SourcerError

    @property
    def message(self) -> str:
        """The reason, naming the source (or the file that was in the way)."""
        return str(self.error)


class ImportResult(NamedTuple):
    """What became of each source of an import, in the order they were given."""

    outcomes: tuple[Imported | ImportFailure, ...]
    dry_run: bool = False

    @property
    def imported(self) -> tuple[Imported, ...]:
        """The sources that check clean (written, unless this was a dry run)."""
        return tuple(o for o in self.outcomes if isinstance(o, Imported))

    @property
    def written(self) -> tuple[Imported, ...]:
        """The term files written."""
        return tuple(o for o in self.imported if o.written)

    @property
    def failures(self) -> tuple[ImportFailure, ...]:
        """The sources that failed; nothing was written for them."""
        return tuple(o for o in self.outcomes if isinstance(o, ImportFailure))


def import_many(
    sources: Sequence[str],
    *,
    library: Library,
    target_dir: str | os.PathLike[str],
    slug: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    session: requests.Session | None = None,
    progress: Callable[[str], None] | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import each of ``sources`` (http(s) URLs or files) into ``target_dir`` as a term file
    over ``library``.

    ``slug`` names the file of a single source (default: from the term's name). An existing
    file is replaced only with ``force``; ``dry_run`` writes nothing. ``progress`` is called
    with each source once it has been read and checked. Failures are in the result, never
    raised; GlossaryError only if ``slug`` is given with several sources.
    """
    if slug is not None and len(sources) > 1:
        raise GlossaryError("a slug names one term: give one source with it")
    if session is None and any("://" in source for source in sources):
        session = make_session()
    index = LibraryIndex(library)
    folder = os.fspath(target_dir)
    outcomes: list[Imported | ImportFailure] = []
    for source in sources:
        try:
            outcomes.append(prepare(source, index, folder, slug=slug, session=session, today=today))
        except SourcerError as err:
            outcomes.append(ImportFailure(source, err))
        if progress is not None:
            progress(source)
    if not dry_run:
        outcomes = _write_all(outcomes, force)
    return ImportResult(tuple(outcomes), dry_run)


def prepare(
    source: str,
    index: LibraryIndex,
    folder: str,
    *,
    slug: str | None = None,
    session: requests.Session | None = None,
    today: date | None = None,
) -> Imported:
    """Read, parse and write ``source``'s term file in memory, and check it against the
    library; GlossaryError (or FetchError) naming the source if it is not importable."""
    page, cited = read_page(source, session)
    chosen = slug or slugify(page.name)
    if not SLUG_RE.match(chosen):
        raise GlossaryError(f"{source}: {chosen!r} is not a valid slug; pass --slug")
    try:
        text = term_yaml(page, cited, index.resolve, today)
    except ValueError as err:
        raise GlossaryError(f"{source}: {err}; nothing was written") from err
    path = os.path.join(folder, f"{chosen}.yaml")
    _, problems = index.check(text, path, chosen)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0].message
        hint = "; pass --slug to import it under another name" if "claimed" in first else ""
        raise GlossaryError(f"{source}: the imported term would not lint: {first}{hint}")
    shadowed = index.entries.get(chosen)
    overrides = shadowed if shadowed is not None and shadowed.path != path else None
    return Imported(source, chosen, page.name, path, text, overrides=overrides)


def read_page(source: str, session: requests.Session | None = None) -> tuple[GlossaryPage, str]:
    """The glossary page at ``source`` (a URL, or a saved .html or .txt file), and the
    address to cite under ``sources``: the URL after redirects, or the file's full path."""
    if "://" in source:
        fetched = fetch(source, session=session)
        html = fetched.content_type != "text/plain"
        return parse(fetched.text, source, html=html), fetched.url
    try:
        text = read_text(source, LARGE)
    except ReadError as err:
        raise GlossaryError(str(err)) from err
    return parse(text, source, html=looks_like_html(source, text)), os.path.abspath(source)


def _write_all(
    outcomes: list[Imported | ImportFailure], force: bool
) -> list[Imported | ImportFailure]:
    """Write every checked term file, all or none, never over an existing file without
    ``force`` (that source fails alone). If writing fails (the disk is full, another file
    appeared, Ctrl-C) nothing is written and every source to be written has that failure."""
    from sourcer.errors import FileExists
    from sourcer.fsutil import Transaction

    taken: set[str] = set()  # two sources for one file: the first one wins

    def check(o: Imported | ImportFailure) -> Imported | ImportFailure:
        if isinstance(o, Imported):
            if o.path in taken or (not force and os.path.lexists(o.path)):
                return ImportFailure(o.source, FileExists(o.path))
            taken.add(o.path)
        return o

    outcomes = [check(o) for o in outcomes]
    todo = [o for o in outcomes if isinstance(o, Imported)]
    try:
        with Transaction(force=force) as batch:
            for imported in todo:
                batch.add(imported.path, imported.yaml)
            batch.commit()
    except SourcerError as err:
        return [ImportFailure(o.source, err) if isinstance(o, Imported) else o for o in outcomes]
    return [o._replace(written=True) if isinstance(o, Imported) else o for o in outcomes]
