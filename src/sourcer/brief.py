"""The recruiter brief: a screening kit for one role and every board's search, on one page.

The brief is data (plain dicts) rendered by Jinja templates in ``templates/brief/``: HTML with
autoescaping on, so a term whose name holds ``<script>`` renders as text and every link's
href is exactly the board's URL; Markdown with every value's ``<``, ``[``, ``]`` and ``\\``
backslash-escaped, so that a Markdown tool turning the brief into HTML makes no tag and no
link of a term's text. Links are http(s) only; search strings sit verbatim in code fences.
"""

import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from sourcer.errors import TemplateError
from sourcer.library.schema import LEVELS, Term
from sourcer.library.store import Library
from sourcer.query.boards import BOARDS
from sourcer.query.recipe import Options
from sourcer.query.search import compile_searches
from sourcer.templating import make_environment, render_parts

Format = Literal["md", "html"]
TEMPLATES = {"md": "brief.md.j2", "html": "brief.html.j2"}


def brief_data(
    terms: Sequence[Term],
    *,
    level: str | None,
    boards: Sequence[str],
    site: str,
    names: Callable[[str], str],
    lookup: Callable[[str], Term | None],
) -> dict[str, object]:
    """Everything the templates show, as plain data."""
    skipped: list[str] = []
    options = Options(level=level, site=site)
    searches = compile_searches(terms, options, boards, lookup=lookup, skipped=skipped)
    return {
        #: boards left out: even their shortest search breaks their limits
        "skipped": skipped,
        "title": " + ".join(t.name for t in terms),
        "level": level,
        "terms": [_term(t, level, names) for t in terms],
        "searches": [
            {
                **search.to_dict(),
                "label": search.label,
                "board_name": BOARDS[search.board].name,
                "location": search.location,
            }
            for search in searches
        ],
    }


def _term(term: Term, level: str | None, names: Callable[[str], str]) -> dict[str, object]:
    data = term.to_dict()
    chosen = [level] if level else list(LEVELS)
    data["similar_names"] = [names(slug) for slug in term.similar]
    data["related_names"] = [names(slug) for slug in term.related]
    data["shown_levels"] = [
        {
            "name": name,
            "years": term.levels[name].years,
            "indicators": list(term.levels[name].indicators),
            "keywords": list(term.levels[name].keywords),
        }
        for name in chosen
        if name in term.levels
    ]
    data["shown_questions"] = [
        {"level": q.level, "question": q.question, "expected": q.expected}
        for name in chosen
        for q in term.interview
        if q.level == name
    ]
    return data


class Verbatim(str):
    """Text the Markdown template prints as it is: a code fence's content, a checked link."""


def markdown_escape(value: object) -> object:
    """Every value the Markdown template prints, unless Verbatim, with the characters that
    make HTML tags or links backslash-escaped (CommonMark escapes any ASCII punctuation)."""
    if value is None or isinstance(value, Verbatim) or not isinstance(value, str):
        return value
    return _MARKDOWN_ESCAPES.sub(r"\\\g<0>", value)


_MARKDOWN_ESCAPES = re.compile(r"[\\<\[\]]")


def http_url(url: object) -> Verbatim:
    """A link target that is http(s) and has nothing Markdown would end a link on."""
    text = str(url)
    if not text.startswith(("https://", "http://")) or any(c in text for c in " <>()\n"):
        raise TemplateError(f"refusing to link to {text[:80]!r}: only http(s) links are written")
    return Verbatim(text)


def render_brief(
    data: Mapping[str, object], fmt: Format, templates_dir: str, cache_dir: str | None = None
) -> str:
    """The brief as Markdown or as one self-contained HTML page (the compiled template kept
    in ``cache_dir``, if given)."""
    environment = make_environment(
        [os.path.abspath(templates_dir)], html=fmt == "html", cache_dir=cache_dir
    )
    if fmt == "md":
        environment.finalize = markdown_escape  # read when templates compile, so set first
    environment.filters["fence"] = fence
    environment.filters["verbatim"] = Verbatim
    environment.filters["http_url"] = http_url
    text = render_parts(environment, TEMPLATES[fmt], data, ["body"])["body"]
    return text.rstrip("\n") + "\n"


def fence(text: str) -> Verbatim:
    """A Markdown code fence longer than any run of backticks inside ``text``."""
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return Verbatim("`" * max(3, longest + 1))


def make_brief(
    library: Library,
    terms: Sequence[Term],
    *,
    level: str | None,
    boards: Sequence[str],
    site: str,
    fmt: Format,
    cache_dir: str | None = None,
) -> str:
    """The brief for ``terms`` from ``library``, rendered with the shipped templates."""
    from sourcer.home import builtin_templates

    data = brief_data(
        terms, level=level, boards=boards, site=site, names=library.name_of, lookup=library.find
    )
    return render_brief(data, fmt, builtin_templates("brief"), cache_dir=cache_dir)
