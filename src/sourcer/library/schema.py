"""Term schema v2, defined once: the keys, the model of one technology term, and the skeleton
``sourcer terms new`` writes. Checking a file against it is :mod:`sourcer.library.check`.

A term file is ``<slug>.yaml``. Its keys are listed in :data:`SCHEMA_KEYS`; ``name``,
``summary`` and ``titles.typical`` are required.

Schema v2 adds meaning, not required keys, so every v1 file loads unchanged: ``aliases`` and
``titles.also_try`` are ranked (the way candidates write the skill most often comes first;
searches take the top of each list first), and ``rare`` holds rare variants and misspellings,
searched only when asked (``sourcer query --exhaustive``). Checks that need the whole library
(cross-references, aliases claimed twice) live in :mod:`sourcer.library`.
"""

import os
import re
from collections.abc import Mapping
from typing import NamedTuple

LEVELS: tuple[str, ...] = ("junior", "mid", "senior")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEARS_RE = re.compile(r"^\d+(?:\s*-\s*\d+|\+)?$")

#: Top-level keys of schema v1, in the order files and ``--json`` output use.
SCHEMA_KEYS: tuple[str, ...] = (
    "name",
    "category",
    "summary",
    "search_name",
    "mode",
    "aliases",
    "rare",
    "similar",
    "related",
    "implied_by",
    "titles",
    "resume_examples",
    "levels",
    "interview",
    "red_flags",
    "exclude",
    "sources",
)
TITLE_KEYS = ("typical", "also_try")
LEVEL_KEYS = ("years", "indicators", "keywords")
QUESTION_KEYS = ("level", "question", "expected")


class Titles(NamedTuple):
    """The job title people with this skill usually hold, and others worth searching."""

    typical: str
    also_try: tuple[str, ...] = ()


class Level(NamedTuple):
    """What marks one seniority level: years, what to look for, and searchable keywords."""

    years: str = ""
    indicators: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


class Question(NamedTuple):
    """An interview question for one level, with what a good answer sounds like."""

    level: str
    question: str
    expected: str


class Term(NamedTuple):
    """One technology term, as loaded from ``<slug>.yaml`` in one layer of the library."""

    slug: str
    name: str
    summary: str
    titles: Titles
    category: str = ""
    #: False when the name alone does not show the skill (its users, sellers and the
    #: vendor's staff write it too: SAP, Salesforce): searches then use the aliases
    search_name: bool = True
    #: the mode its searches take unless asked otherwise ("" for balanced): strict where
    #: many who write the name do not build with it (MATLAB's scientists), broad where its
    #: people write it in many ways (manual testing in five languages)
    mode: str = ""
    #: ranked: the spelling candidates write most often first
    aliases: tuple[str, ...] = ()
    #: rare variants and misspellings: searched only when asked (--exhaustive)
    rare: tuple[str, ...] = ()
    similar: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    #: terms whose hands-on use is this term's work (Jenkins pipelines are CI/CD): a search
    #: for this term also finds people who name only one of them
    implied_by: tuple[str, ...] = ()
    resume_examples: tuple[str, ...] = ()
    levels: Mapping[str, Level] = {}
    interview: tuple[Question, ...] = ()
    red_flags: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    origin: str = "builtin"
    path: str = ""
    #: line of each key, dotted ("aliases", "titles.also_try", "levels.senior.keywords")
    lines: Mapping[str, int] = {}

    def where(self, key: str) -> str:
        """``path:line (key)`` for explaining where a part of a search came from."""
        line = self.lines.get(key) or self.lines.get(key.split(".")[0]) or 1
        return f"{self.path}:{line} ({key})"

    def to_dict(self) -> dict[str, object]:
        """Every schema key (empty where the file has none), plus ``slug`` and ``origin``."""
        return {
            "slug": self.slug,
            "name": self.name,
            "category": self.category,
            "summary": self.summary,
            "search_name": self.search_name,
            "mode": self.mode,
            "aliases": list(self.aliases),
            "rare": list(self.rare),
            "similar": list(self.similar),
            "related": list(self.related),
            "implied_by": list(self.implied_by),
            "titles": {"typical": self.titles.typical, "also_try": list(self.titles.also_try)},
            "resume_examples": list(self.resume_examples),
            "levels": {
                name: {
                    "years": level.years,
                    "indicators": list(level.indicators),
                    "keywords": list(level.keywords),
                }
                for name, level in self.levels.items()
            },
            "interview": [
                {"level": q.level, "question": q.question, "expected": q.expected}
                for q in self.interview
            ],
            "red_flags": list(self.red_flags),
            "exclude": list(self.exclude),
            "sources": list(self.sources),
            "origin": self.origin,
        }


def placeholder(term: Term) -> str | None:
    """The first field (dotted, as in ``Term.lines``) that still holds the skeleton's
    'TODO' text; None when the term has none."""
    fields: list[tuple[str, object]] = [
        ("name", term.name),
        ("category", term.category),
        ("summary", term.summary),
        ("aliases", term.aliases),
        ("titles.typical", term.titles.typical),
        ("titles.also_try", term.titles.also_try),
        ("exclude", term.exclude),
    ]
    fields += [(f"levels.{n}.keywords", level.keywords) for n, level in term.levels.items()]
    for key, value in fields:
        texts = value if isinstance(value, tuple) else (value,)
        if any(isinstance(text, str) and "TODO" in text for text in texts):
            return key
    return None


def search_words(text: str) -> tuple[str, ...]:
    """Words as search engines split them: punctuation separates them; C++ and C# stay."""
    return tuple(re.findall(r"[^\W_]+[+#]*", text.casefold()))


def slug_of(path: str | os.PathLike[str]) -> str:
    """The slug a term file claims: its file name without ``.yaml``."""
    name = os.path.basename(os.fspath(path))
    return name[: -len(".yaml")] if name.endswith(".yaml") else os.path.splitext(name)[0]


#: The commented file ``sourcer terms new`` writes ({name} and {path} are filled in).
SKELETON = """\
# A sourcer term file (schema v2). Delete the comments once you have filled it in.
# Check it with: sourcer terms lint {path}

# What recruiters and candidates call it.
name: {name}
# A heading to group terms, e.g. Programming language, Web framework, Database, Cloud.
category: TODO category
# One or two sentences a non-technical recruiter understands.
summary: TODO what {name} is, in plain words.

# Other ways candidates write the same skill (spellings, abbreviations, old names), the
# most common first: searches use the top of this list first.
aliases: []
# Rare variants and misspellings, searched only with 'sourcer query --exhaustive'.
rare: []
# Slugs (file names) of other terms: close alternatives, and things used together.
similar: []
related: []
# Slugs of terms whose hands-on use is this term's work (Jenkins pipelines are CI/CD):
# searches also name them, after this term's own spellings.
implied_by: []
# Optional: 'search_name: false' when users and sellers write the name as often as its
# builders (the aliases are searched instead), and 'mode: strict' or 'mode: broad' for the
# mode its searches take unless --mode says (balanced otherwise).

titles:
  typical: TODO {name} Developer
  # At least five other titles such people hold, the most common first.
  also_try: []

# Phrases as they appear on resumes.
resume_examples: []

levels:
  junior:
    years: 0-2
    indicators: []   # what to look for, in words
    keywords: []     # searchable words that signal this level
  mid:
    years: 2-4
    indicators: []
    keywords: []
  senior:
    years: 4+
    indicators: []
    keywords: []

# - level: junior|mid|senior
#   question: ...
#   expected: what a good answer covers
interview: []

red_flags: []
# Words that mark another meaning of the name (Go the board game: baduk, weiqi), kept out
# of people searches. Never employers, other skills, or words engineers use.
exclude: []
# Where the facts came from.
sources: []
"""
