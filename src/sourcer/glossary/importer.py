"""``sourcer terms import``: a glossary page (URL or file) to a term file that lints clean."""

import os
import tempfile
from typing import Any, NamedTuple

from sourcer.errors import GlossaryError, UnknownTermError
from sourcer.glossary.http import check_scheme, fetch
from sourcer.glossary.page import html_lines, parse_page, slugify, term_yaml, text_lines
from sourcer.library.schema import SLUG_RE
from sourcer.library.store import Library


class Imported(NamedTuple):
    """A glossary page turned into a term file (not yet written)."""

    source: str
    slug: str
    name: str
    yaml: str


def read_source(source: str, session: Any = None) -> tuple[list[str], str]:
    """The page's lines, and the address to cite under ``sources``."""
    if "://" in source:
        check_scheme(source)
        page = fetch(source, session=session)
        lines = (
            html_lines(page.text) if page.content_type != "text/plain" else text_lines(page.text)
        )
        return lines, page.url
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except OSError as err:
        raise GlossaryError(f"{source}: cannot read: {err.strerror or err}") from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise GlossaryError(
            f"{source}: not UTF-8 text (byte {err.start}); save it as UTF-8"
        ) from err
    is_html = source.lower().endswith((".html", ".htm")) or text.lstrip().startswith("<")
    return (html_lines(text) if is_html else text_lines(text)), os.path.abspath(source)


def build(
    source: str, library: Library, *, slug: str | None = None, session: Any = None
) -> Imported:
    """Fetch or read ``source``, parse it, and write the term file's text; it must lint clean
    as a layer over ``library`` (GlossaryError otherwise, naming the problem)."""
    lines, cited = read_source(source, session)
    page = parse_page(lines, source)
    chosen = slug or slugify(page.name)
    if not SLUG_RE.match(chosen):
        raise GlossaryError(f"{source}: {chosen!r} is not a valid slug; pass --slug")

    def resolve(name: str) -> str | None:
        try:
            return library.resolve(name).slug
        except UnknownTermError:
            return None

    text = term_yaml(page, cited, resolve)
    _check(text, chosen, library, source)
    return Imported(source, chosen, page.name, text)


def _check(text: str, slug: str, library: Library, source: str) -> None:
    """Lint the new file as it would sit in the library; refuse it if it has errors."""
    with tempfile.TemporaryDirectory(prefix="sourcer-import-") as folder:
        path = os.path.join(folder, f"{slug}.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        errors = [p for p in library.lint([path]) if p.severity == "error"]
    if errors:
        first = errors[0].message
        hint = "; pass --slug to import it under another name" if "claimed" in first else ""
        raise GlossaryError(f"{source}: the imported term would not lint: {first}{hint}")


def write(imported: Imported, folder: str, *, force: bool) -> str:
    """Write the term file atomically; never over an existing file without ``force``."""
    from sourcer.fsutil import write_atomic

    path = os.path.join(folder, f"{imported.slug}.yaml")
    write_atomic(path, imported.yaml, force=force)
    return path
