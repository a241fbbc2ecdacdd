"""Recruiter glossary pages: read their sections into a :class:`GlossaryPage` record.

A glossary page explains one technology for recruiters in fixed sections: the name, "Term
from ... industry explained for recruiters", a summary (often with "Similar systems include
..."), "Examples in Resumes", "Typical job title", "Also try searching for", interview
questions by level with expected answers, experience level indicators with years, red flags
and related terms. HTML goes through BeautifulSoup (never regular expressions over HTML) down
to lines of text; text pages are already lines; one section parser reads both.

Writing the term file from the record is :mod:`sourcer.glossary.termfile`.
"""

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from sourcer.errors import GlossaryError
from sourcer.library.schema import LEVELS, Level, Question
from sourcer.typography import straighten

LEVEL_NAMES = {
    "junior": "junior",
    "entry": "junior",
    "mid": "mid",
    "middle": "mid",
    "senior": "senior",
}
TITLE_ENDINGS = frozenset(
    {
        "developer",
        "developers",
        "engineer",
        "engineers",
        "architect",
        "architects",
        "administrator",
        "administrators",
        "analyst",
        "analysts",
        "scientist",
        "scientists",
        "specialist",
        "specialists",
        "consultant",
        "consultants",
        "manager",
        "managers",
        "designer",
        "designers",
        "tester",
        "testers",
        "programmer",
        "programmers",
        "lead",
        "dba",
        "sre",
        "expert",
        "experts",
        "researcher",
        "researchers",
        "officer",
        "owner",
    }
)

BLOCK_TAGS = [
    *("p", "li", "ul", "ol", "dl", "dt", "dd", "div", "section", "article", "main", "table"),
    *("tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"),
]
_BULLET = re.compile(r"^\s*(?:[\u2022\u2023\u25e6\u2043\u2219*\-\u00b7]|\d+[.)])\s+")
_CATEGORY = re.compile(r"^Term from (?P<industry>.+?) industry explained for recruiters\.?$", re.I)
_TYPICAL = re.compile(r"^Typical job title:?\s*(?P<title>.*)$", re.I)
_SIMILAR = re.compile(
    r"Similar (?:systems|tools|technologies|frameworks|languages) include (?P<names>[^.]+)\.", re.I
)
_QUESTIONS_FOR = re.compile(r"^(?P<level>Junior|Entry|Mid|Middle|Senior)[- ]Level Questions$", re.I)
_LEVEL = re.compile(
    r"^(?P<level>Junior|Entry|Mid|Middle|Senior)(?:[- ]Level)?\s*\((?P<years>[^)]*)\)$", re.I
)
_YEARS = re.compile(r"(\d+)\s*(?:-|to)\s*(\d+)|(\d+)\s*\+")
_QUESTION = re.compile(r"^Q:\s*(?P<text>.+)$", re.I)
_ANSWER = re.compile(r"^(?:Expected )?Answer:\s*(?P<text>.+)$", re.I)

#: section headings (lower case, without a trailing colon) -> the section they start, in
#: English, German, French and Spanish; as lines of a text page or HTML headings (h1-h3)
HEADINGS: dict[str, str] = {
    # a summary where the page gives it a heading of its own
    **dict.fromkeys(
        ("summary", "overview", "what is it?", "zusammenfassung", "überblick", "uberblick",
         "résumé", "aperçu", "apercu", "resumen", "descripción", "descripcion"),
        "summary",
    ),
    **dict.fromkeys(
        ("examples in resumes", "examples in resume", "resume examples", "cv examples",
         "beispiele im lebenslauf", "beispiele aus lebensläufen", "lebenslauf-beispiele",
         "exemples dans les cv", "exemples de cv", "ejemplos en currículums",
         "ejemplos en curriculums", "ejemplos en el cv", "ejemplos de cv"),
        "resume",
    ),
    **dict.fromkeys(
        ("typical job title", "typischer jobtitel", "typische berufsbezeichnung",
         "intitulé de poste typique", "intitule de poste typique", "título típico del puesto",
         "titulo tipico del puesto", "puesto típico", "puesto tipico"),
        "typical",
    ),
    **dict.fromkeys(
        ("also try searching for", "also search for", "auch suchen nach", "ebenfalls suchen nach",
         "weitere jobtitel", "rechercher aussi", "chercher aussi", "autres intitulés",
         "autres intitules", "buscar también", "buscar tambien", "otros títulos", "otros titulos"),
        "also_try",
    ),
    **dict.fromkeys(
        ("example interview questions", "interview questions", "interviewfragen",
         "beispielfragen für das interview", "fragen im vorstellungsgespräch",
         "questions d'entretien", "exemples de questions d'entretien",
         "preguntas de entrevista", "ejemplos de preguntas de entrevista"),
        "interview",
    ),
    **dict.fromkeys(
        ("experience level indicators", "experience levels", "erfahrungsstufen",
         "erfahrungsniveau", "niveaux d'expérience", "niveaux d'experience",
         "niveles de experiencia"),
        "levels",
    ),
    **dict.fromkeys(
        ("red flags to watch for", "red flags", "warnsignale", "warnzeichen",
         "signaux d'alerte", "points de vigilance", "señales de alerta", "senales de alerta"),
        "red_flags",
    ),
    **dict.fromkeys(
        ("related terms", "verwandte begriffe", "termes associés", "termes associes",
         "términos relacionados", "terminos relacionados"),
        "related",
    ),
}  # fmt: skip
#: what a page must have to count as a glossary page
REQUIRED = ("name", "Term from ... industry explained for recruiters", "Typical job title")
#: every section, as messages name it
SECTION_NAMES = {
    "summary": "summary",
    "resume": "Examples in Resumes",
    "typical": "Typical job title",
    "also_try": "Also try searching for",
    "interview": "Example Interview Questions",
    "levels": "Experience Level Indicators",
    "red_flags": "Red Flags to Watch For",
    "related": "Related Terms",
}
#: of these, a glossary page has at least two
SECTIONS = {
    "resume": "Examples in Resumes",
    "also_try": "Also try searching for",
    "interview": "Example Interview Questions",
    "levels": "Experience Level Indicators",
    "red_flags": "Red Flags to Watch For",
}


class GlossaryPage(NamedTuple):
    """Everything a glossary page says, as plain text (straight quotes, single spaces).

    Questions and levels are the term schema's own records; a page gives no level keywords.
    """

    name: str
    industry: str
    summary: str
    similar: tuple[str, ...]
    resume_examples: tuple[str, ...]
    typical_title: str
    also_try: tuple[str, ...]
    interview: tuple[Question, ...]
    levels: Mapping[str, Level]
    red_flags: tuple[str, ...]
    related: tuple[str, ...]


def parse(text: str, source: str, *, html: bool) -> GlossaryPage:
    """Read a glossary page given as HTML or as plain text; GlossaryError names what is
    missing if it is not one. ``source`` is only used in messages."""
    return parse_page(html_lines(text) if html else text_lines(text), source)


def looks_like_html(name: str, text: str) -> bool:
    """Whether a saved page is HTML: by its file name, else by its first character."""
    return name.lower().endswith((".html", ".htm")) or text.lstrip().startswith("<")


def html_lines(html: str) -> list[str]:
    """The visible text of an HTML page, one block per line, site chrome removed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(
        ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form"]
    ):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    return text_lines(_visible_text(root))


def _visible_text(root: Any) -> str:
    """The text under ``root`` with a line break around every block and for every <br>;
    inline elements (<strong>Q:</strong> text) stay on their line. One pass with a stack of
    its own, so 100,000 nested <div>s take no longer than 100,000 in a row."""
    from bs4.element import CData, NavigableString, Tag

    blocks = set(BLOCK_TAGS)
    out: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            out.append("\n")
        elif isinstance(node, Tag):
            if node.name == "br":
                out.append("\n")
                continue
            if node.name in blocks:
                out.append("\n")
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        elif type(node) in (NavigableString, CData):
            out.append(str(node))
    return "".join(out)


def text_lines(text: str) -> list[str]:
    """Non-empty lines, straightened (curly quotes, dashes) and with single spaces."""
    lines = []
    for raw in straighten(text).splitlines():
        line = " ".join(raw.split())
        if line:
            lines.append(line)
    return lines


def parse_page(lines: list[str], source: str) -> GlossaryPage:
    """Read the sections of a glossary page; GlossaryError names what is missing.

    Two layouts are read. The classic one puts the name above a line "Term from ...
    industry explained for recruiters". The other starts with the name (an HTML page's
    first heading, a text page's first line) and marks its sections with headings of the
    usual names in English, German, French or Spanish (:data:`HEADINGS`); it gives no
    industry, so the term gets no category.
    """
    start: int | None = None
    category: re.Match[str] | None = None
    for index, line in enumerate(lines):
        category = _CATEGORY.match(line)
        if category:
            start = index
            break
    missing: list[str] = []
    if start is not None:
        name = lines[start - 1] if start else ""
        body = lines[start + 1 :]
    else:  # sections by headings: the name is the first line
        name = lines[0] if lines and HEADINGS.get(lines[0].casefold().rstrip(":")) is None else ""
        body = lines[1:] if name else lines
    if not name:
        missing.append(REQUIRED[0])
    sections = _split_sections(body)
    if not sections.get("summary"):
        missing.append("summary")
    if not sections.get("typical"):
        missing.append(REQUIRED[2])
    found = [key for key in SECTIONS if key in sections]
    if len(found) < 2:
        missing.extend(SECTIONS[key] for key in SECTIONS if key not in sections)
    if missing:
        seen = [SECTION_NAMES[key] for key in SECTION_NAMES if sections.get(key)]
        raise GlossaryError(
            f"{source}: not a recruiter glossary page: no {', '.join(repr(m) for m in missing)} "
            + ("section" + ("s" if len(missing) > 1 else ""))
            + (f" (found: {', '.join(seen)})" if seen else " (found no known section)")
            + "; the layouts sourcer reads are in the README"
        )
    summary = " ".join(sections.get("summary", []))
    similar: tuple[str, ...] = ()
    match = _SIMILAR.search(summary)
    if match:
        similar = _split_names(match.group("names"))
    typical = _singular_title(" ".join(sections["typical"]).strip().strip('"'))
    return GlossaryPage(
        name=name.strip(),
        industry=category.group("industry").strip() if category else "",
        summary=summary,
        similar=similar,
        resume_examples=_items(sections.get("resume", [])),
        typical_title=typical,
        also_try=_titles(sections.get("also_try", [])),
        interview=_questions(sections.get("interview", [])),
        levels=_levels(sections.get("levels", [])),
        red_flags=_items(sections.get("red_flags", [])),
        related=tuple(n for line in sections.get("related", []) for n in _split_names(line)),
    )


def _split_sections(lines: list[str]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {"summary": []}
    current = "summary"
    for line in lines:
        key = HEADINGS.get(line.casefold().rstrip(":"))
        typical = _TYPICAL.match(line)
        if typical or key == "typical":
            title = typical.group("title") if typical else ""
            sections["typical"] = [title] if title else []
            current = "typical"
        elif key is not None:
            sections.setdefault(key, [])
            current = key
        elif line.casefold().startswith("where to find "):
            current = "skip"
        elif current == "typical" and sections["typical"]:
            current = "skip"  # the title is one line; anything after it before a heading is chrome
        else:
            sections.setdefault(current, []).append(line)
    sections.pop("skip", None)
    return sections


def _items(lines: list[str]) -> tuple[str, ...]:
    items: list[str] = []
    for line in lines:
        text = _BULLET.sub("", line).strip()
        if text and text not in items:
            items.append(text)
    return tuple(items)


def _titles(lines: list[str]) -> tuple[str, ...]:
    """Titles from one line each (HTML lists) or run together on one line (text pages)."""
    titles: list[str] = []
    for line in _items(lines):
        words = line.split()
        current: list[str] = []
        for word in words:
            current.append(word)
            if word.casefold().strip(",;") in TITLE_ENDINGS:
                titles.append(" ".join(current).strip(",;"))
                current = []
        if current:
            titles.append(" ".join(current).strip(",;"))
    unique: list[str] = []
    for title in titles:
        if title and title.casefold() not in {t.casefold() for t in unique}:
            unique.append(title)
    return tuple(unique)


def _singular_title(title: str) -> str:
    """'Flask Developers' -> 'Flask Developer' (the page names the people; a title is one)."""
    words = title.split()
    if words and words[-1].casefold() in TITLE_ENDINGS and words[-1].endswith("s"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def _split_names(text: str) -> tuple[str, ...]:
    parts = re.split(r",\s*|\s+and\s+|\s+or\s+", text.strip().rstrip("."))
    return tuple(p.strip() for p in parts if p.strip())


def _questions(lines: list[str]) -> tuple[Question, ...]:
    questions: list[Question] = []
    level: str | None = None
    question: str | None = None
    answer: list[str] = []

    def close() -> None:
        nonlocal question, answer
        if level and question and answer:
            questions.append(Question(level, question, " ".join(answer)))
        question, answer = None, []

    for line in lines:
        heading = _QUESTIONS_FOR.match(line)
        asked = _QUESTION.match(line)
        answered = _ANSWER.match(line)
        if heading:
            close()
            level = LEVEL_NAMES[heading.group("level").casefold()]
        elif asked:
            close()
            question = asked.group("text").strip()
        elif answered and question:
            answer = [answered.group("text").strip()]
        elif answer:
            answer.append(line)
        elif question:
            question = f"{question} {line}"
    close()
    return tuple(questions)


def _levels(lines: list[str]) -> dict[str, Level]:
    years: dict[str, str] = {}
    indicators: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        match = _LEVEL.match(line)
        if match:
            current = LEVEL_NAMES[match.group("level").casefold()]
            years[current] = _years(match.group("years"))
            indicators[current] = []
        elif current is not None:
            text = _BULLET.sub("", line).strip()
            if text:
                indicators[current].append(text)
    # junior, mid, senior, whatever the page's order
    return {name: Level(years[name], tuple(indicators[name])) for name in LEVELS if name in years}


def _years(text: str) -> str:
    match = _YEARS.search(text)
    if match is None:
        return ""
    if match.group(3):
        return f"{match.group(3)}+"
    return f"{match.group(1)}-{match.group(2)}"
