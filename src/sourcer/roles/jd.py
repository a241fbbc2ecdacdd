"""Reading a job posting into a role, offline, from the term library.

How (each rule measured on the labelled postings in ``benchmarks/quality/jobs.jsonl`` with
``python benchmarks/quality.py --jobs``):

- **Text**: HTML is reduced to its visible text, one block per line; Markdown marks go.
- **Sections** decide the bucket. A heading (a short line, or one ending in ":") is matched
  against the words of each kind in English, German, French, Spanish and Portuguese:
  requirements, nice to have, responsibilities, and the rest (about us, benefits, our
  stack), whose technologies are not asked of the candidate. A line in a requirements
  section that says "a plus", "ideally", "bonus" is nice to have.
- **Terms** are found by the library's names, aliases and rare spellings, word for word (the
  same words a search engine sees: ``C#/.NET`` holds C# and .NET, ``k8s`` is Kubernetes).
  A name with another meaning (one letter or two, or a term with exclusions: Go, R, Swift,
  Spring, Rust, Dart) counts only written as a name (capitalised) and next to other
  technology or a programming word ("in Go", "Go developer", "R and SQL").
- **"X or Y"** (oder, ou, o) between terms makes a group of which one is needed.
- **Level** from title words, else from the years asked; **title** from the heading;
  **locations** from "Location:" lines and "office in X" phrases; **remote** from its words.
- Capitalised words that look like technology and are not in the library (gRPC, Helm)
  become ``keywords``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sourcer.errors import SourcerError
from sourcer.library.schema import Term, search_words
from sourcer.roles.schema import Role
from sourcer.typography import straighten

# Headings, by kind; matched against a heading's folded words (substrings of the line).
_HEADINGS: dict[str, tuple[str, ...]] = {
    "nice": (
        "nice to have",
        "nice-to-have",
        "bonus",
        "preferred",
        "a plus",
        "plus points",
        "ideally",
        "desirable",
        "would be great",
        "good to have",
        "wunschenswert",
        "von vorteil",
        "pluspunkt",
        "un plus",
        "atout",
        "souhaite",
        "apprecie",
        "deseable",
        "se valorara",
        "valorable",
        "valoramos",
        "diferencia",
        "desejavel",
        "plus",
    ),
    "must": (
        "requirement",
        "required",
        "must have",
        "must-have",
        "what you need",
        "what you'll need",
        "what you will need",
        "you bring",
        "what you bring",
        "looking for",
        "qualification",
        "your profile",
        "about you",
        "who you are",
        "skills",
        "you have",
        "you should have",
        "anforderung",
        "profil",
        "mitbringst",
        "bringst du mit",
        "voraussetzung",
        "qualifikation",
        "kenntnisse",
        "competences",
        "vous avez",
        "requisitos",
        "requerimientos",
        "buscamos",
        "perfil",
        "esperamos",
        "voce tem",
        "o que procuramos",
    ),
    "tasks": (
        "responsibilit",
        "what you'll do",
        "what you will do",
        "your role",
        "the role",
        "your tasks",
        "in this role",
        "aufgaben",
        "deine rolle",
        "mission",
        "vos missions",
        "responsabilidad",
        "funciones",
        "tus tareas",
        "o que voce vai fazer",
        "atividades",
        "responsabilidades",
        "day to day",
        "you will",
    ),
    "other": (
        "about us",
        "who we are",
        "about the company",
        "our company",
        "the company",
        "uber uns",
        "wer wir sind",
        "das sind wir",
        "a propos",
        "qui sommes",
        "l'entreprise",
        "sobre nosotros",
        "quienes somos",
        "sobre nos",
        "quem somos",
        "benefit",
        "what we offer",
        "we offer",
        "perks",
        "wir bieten",
        "das bieten wir",
        "nous offrons",
        "avantages",
        "ofrecemos",
        "oferecemos",
        "beneficios",
        "our stack",
        "tech stack",
        "our tech",
        "unser stack",
        "notre stack",
        "nuestro stack",
        "nossa stack",
        "how to apply",
        "about the team",
        "the team",
        "das team",
        "l'equipe",
        "el equipo",
        "o time",
        "a equipe",
    ),
}
# A requirement line that says this is nice to have, not required.
_NICE_CUES = (
    "nice to have",
    "a plus",
    "is a plus",
    "bonus",
    "ideally",
    "preferred",
    "would be great",
    "good to have",
    "wunschenswert",
    "von vorteil",
    "un plus",
    "apprecie",
    "souhaite",
    "deseable",
    "se valorara",
    "valorable",
    "diferencial",
    "desejavel",
    "plus",
)
_OR_WORDS = frozenset({"or", "oder", "ou", "o", "either", "bzw"})
#: words next to an ambiguous name that show it is the technology
_TECH_WORDS = frozenset(
    [
        "developer",
        "developers",
        "engineer",
        "engineers",
        "programming",
        "language",
        "languages",
        "code",
        "coding",
        "experience",
        "development",
        "backend",
        "frontend",
        "stack",
        "services",
        "service",
        "framework",
        "library",
        "entwickler",
        "entwicklung",
        "programmierung",
        "sprache",
        "erfahrung",
        "développeur",
        "developpeur",
        "langage",
        "experiencia",
        "desarrollador",
        "lenguaje",
        "desenvolvedor",
        "linguagem",
        "programador",
        "boot",
        "lang",
        "golang",
    ]
)
_YEARS = re.compile(
    r"(\d+)\s*(?:\+|plus)?\s*(?:(?:-|–|to|a|à|bis|ate|até)\s*(\d+)\s*)?"
    r"(?:\+\s*)?(?:years?|yrs?|jahre?n?|ans?|años|anos|lat)\b",
    re.IGNORECASE,
)
_SENIOR = ("senior", "sr", "staff", "principal", "lead", "head", "starszy", "sênior")
_JUNIOR = (
    "junior",
    "jr",
    "graduate",
    "entry",
    "intern",
    "internship",
    "trainee",
    "werkstudent",
    "praktikant",
    "stagiaire",
    "alternance",
    "becario",
    "estagio",
    "júnior",
    "apprentice",
)
_MID = ("mid", "intermediate", "pleno", "medior", "confirmé", "semi-senior", "semi senior")
_REMOTE = {
    "remote": (
        "remote",
        "remoto",
        "télétravail",
        "teletravail",
        "homeoffice",
        "home office",
        "100% remote",
        "fully remote",
        "remote-first",
        "trabajo remoto",
    ),
    "hybrid": ("hybrid", "híbrido", "hibrido", "hybride"),
    "onsite": (
        "on-site",
        "onsite",
        "on site",
        "in office",
        "in-office",
        "presencial",
        "vor ort",
        "sur site",
        "présentiel",
        "presentiel",
    ),
}
_LOCATION_LABEL = re.compile(
    r"^(?:location|locations|standort|arbeitsort|einsatzort|lieu|localisation|ubicación|"
    r"ubicacion|localização|localizacao|local|city|ort|office)\s*:\s*(.+)$",
    re.IGNORECASE,
)
_NOT_PLACES = frozenset(
    [
        "remote",
        "hybrid",
        "europe",
        "eu",
        "emea",
        "us",
        "usa",
        "uk",
        "the",
        "our",
        "a",
        "an",
        "on",
        "site",
        "office",
        "anywhere",
        "worldwide",
        "cet",
        "cest",
        "utc",
        "gmt",
        "home",
        "latam",
        "apac",
        "world",
    ]
)


class Found(NamedTuple):
    """A role read from a posting, with the sentence behind each skill."""

    role: Role
    evidence: dict[str, str]
    #: technology-looking words the library does not know (also in role.keywords)
    unknown: tuple[str, ...]
    lines: int

    def check(self) -> Found:
        """Itself, or PostingError when the posting names no skill at all."""
        role = self.role
        if role.must or role.any or role.keywords or role.nice:
            return self
        shown = f"{self.lines} lines" + (f", titled {role.title!r}" if role.title else "")
        raise PostingError(
            f"no skill found in the posting ({shown}): none of the library's terms or "
            "technology names appear in it; check it is a technical posting, or write the "
            "role by hand (see 'sourcer role --help')"
        )


class PostingError(SourcerError):
    """Raised when a posting names no skill sourcer can search for."""


def posting_lines(text: str, *, html: bool | None = None) -> list[str]:
    """The posting's visible lines: HTML reduced to text, Markdown marks removed."""
    if html is None:
        html = bool(re.search(r"<(?:html|body|div|p|h[1-6]|ul|li|br)\b", text, re.IGNORECASE))
    if html:
        from sourcer.glossary.page import html_lines

        raw = html_lines(text)
    else:
        raw = straighten(text).splitlines()
    lines = []
    for line in raw:
        line = re.sub(r"^\s*(?:#{1,6}\s*|[-*•·+]\s+|\d+[.)]\s+|>\s*)", "", line)
        line = re.sub(r"\*\*|__|`", "", line)
        line = " ".join(line.split())
        if line:
            lines.append(line)
    return lines


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _heading_kind(line: str) -> str | None:
    """The kind of section a heading opens, or None if the line is no heading."""
    words = line.rstrip(":").split()
    if not words or len(words) > 8 or (len(words) > 5 and not line.endswith(":")):
        return None
    if line.endswith((".", "!", "?")) and not line.endswith(":"):
        return None
    folded = _fold(line)
    for kind in ("nice", "other", "tasks", "must"):
        if any(cue in folded for cue in _HEADINGS[kind]):
            if kind == "nice" and "plus" in folded and len(words) > 4:
                continue
            return kind
    return None


class _Matcher:
    """Finds the library's terms in a line, word for word."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self.by_words: dict[tuple[str, ...], str] = {}
        self.ambiguous: set[str] = set()
        self.longest = 1
        for term in terms:
            for name in (term.name, *term.aliases, *term.rare):
                words = search_words(name)
                if words and words not in self.by_words:
                    self.by_words[words] = term.slug
                    self.longest = max(self.longest, len(words))
            name_letters = sum(ch.isalnum() for ch in term.name)
            if term.exclude or name_letters <= 2:
                self.ambiguous.add(term.slug)
        self.names = {term.slug: search_words(term.name) for term in terms}

    def find(self, line: str, listed: bool = False) -> list[tuple[int, int, str]]:
        """(start, end, slug) of each term in ``line``, by word position, longest first.
        ``listed``: the line is in a list of requirements, where a capitalised name is the
        technology unless it is joined to the next word ("Go-getter")."""
        words = search_words(line)
        raw = re.findall(r"[^\W_]+[+#]*", line)
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(words):
            for size in range(min(self.longest, len(words) - i), 0, -1):
                slug = self.by_words.get(tuple(words[i : i + size]))
                if slug is not None and self._plausible(slug, words, raw, i, size, line, listed):
                    found.append((i, i + size, slug))
                    i += size
                    break
            else:
                i += 1
        return found

    def _plausible(
        self,
        slug: str,
        words: Sequence[str],
        raw: Sequence[str],
        i: int,
        size: int,
        line: str,
        listed: bool,
    ) -> bool:
        if slug not in self.ambiguous:
            return True
        matched = tuple(words[i : i + size])
        name = self.names[slug]
        if matched != name and matched != name[: len(matched)]:
            return True  # an alias (Golang, Spring Boot) is the technology; "Express" is not
        written = raw[i] if i < len(raw) else ""
        if not written[:1].isupper():
            return False  # go-to-market, spring semester, a swift start
        if len(words) <= 5:
            return True  # a list item: "Kafka", "Go (1.22)", "Terraform would be a plus"
        after = words[i + size] if i + size < len(words) else ""
        if after in _TECH_WORDS:
            return True  # "Go developer", "Java experience", "Spring Boot"
        if i == 0:
            # First in the line, a capital proves nothing ("Spring 2027 start", "Express your
            # ideas"): the name must run on as a list ("Java or Kotlin", "Go, Rust").
            rest = line[line.find(written) + len(written) :].lstrip()
            joined = _OR_WORDS | {"and", "und", "et", "y", "e"}
            return not rest or rest[0] in ",/();|" or after in joined
        if listed and not re.search(rf"\b{re.escape(written)}-\w", line):
            return True  # capitalised mid-sentence in a requirement: "experience with Java"
        before = words[max(0, i - 2) : i]
        if set(before) & _TECH_WORDS:
            return True
        others = [
            s
            for j in range(len(words))
            for k in range(1, min(self.longest, len(words) - j) + 1)
            if (s := self.by_words.get(tuple(words[j : j + k]))) not in (None, slug)
            and s not in self.ambiguous
        ]
        return bool(others)


def read_posting(text: str, terms: Sequence[Term], *, html: bool | None = None) -> Found:
    """The role a posting asks for (see :meth:`Found.check` for a posting without skills)."""
    lines = posting_lines(text, html=html)
    if not lines:
        raise PostingError("the posting is empty")
    matcher = _Matcher(terms)
    title = _title(lines)
    # Before the first heading comes the company's introduction, when there are headings.
    has_headings = any(_heading_kind(line) in ("must", "nice") for line in lines)
    section = "other" if has_headings else "must"
    must: list[str] = []
    nice: list[str] = []
    groups: list[list[str]] = []
    evidence: dict[str, str] = {}
    keywords: list[str] = []
    for number, line in enumerate(lines):
        if number == 0 and line == title:
            continue
        found = matcher.find(line, listed=section in ("must", "nice"))
        kind = None if found else _heading_kind(line)
        if kind is not None:
            section = kind
            continue
        if section == "other":
            continue
        folded = _fold(line)
        bucket = "nice" if section == "nice" or any(c in folded for c in _NICE_CUES) else "must"
        for group in _or_groups(line, found):
            if bucket == "must" and not any(set(group) <= set(g) for g in groups):
                groups.append(group)
        grouped = {slug for g in groups for slug in g}
        for _, _, slug in found:
            evidence.setdefault(slug, line)
            if slug in grouped and bucket == "must":
                continue
            (must if bucket == "must" else nice).append(slug)
        if section in ("must", "nice"):
            keywords.extend(_tech_words(line, matcher))
    must = list(dict.fromkeys(must))
    groups = [g for g in groups if not set(g) & set(must)]
    taken = set(must) | {s for g in groups for s in g}
    nice = [s for s in dict.fromkeys(nice) if s not in taken]
    unknown = tuple(
        dict.fromkeys(k for k in keywords if _fold(k) not in {_fold(e) for e in evidence})
    )
    for keyword in unknown:
        evidence.setdefault(keyword, next((line for line in lines if keyword in line), ""))
    role = Role(
        title=title,
        level=_level(title, lines),
        locations=tuple(_locations(lines)),
        remote=_remote(lines),
        must=tuple(must),
        any=tuple(tuple(g) for g in groups),
        nice=tuple(nice),
        keywords=unknown,
    )
    return Found(role, evidence, unknown, len(lines))


def _or_groups(line: str, found: Sequence[tuple[int, int, str]]) -> Iterable[list[str]]:
    """Runs of terms joined by commas and an or-word ("AWS, GCP or Azure")."""
    if len(found) < 2:
        return
    words = search_words(line)
    run = [found[0]]
    runs = []
    for previous, current in itertools.pairwise(found):
        between = set(words[previous[1] : current[0]])
        if current[0] - previous[1] <= 2 and between <= (
            _OR_WORDS | {"and", "und", "et", "y", "e"}
        ):
            run.append(current)
        else:
            runs.append(run)
            run = [current]
    runs.append(run)
    for run in runs:
        if len(run) < 2:
            continue
        joints = [set(words[a[1] : b[0]]) for a, b in itertools.pairwise(run)]
        after = set(words[run[-1][1] : run[-1][1] + 1])  # "AWS, GCP or a similar cloud"
        if any(j & _OR_WORDS for j in joints) or (after & _OR_WORDS and not joints[-1]):
            slugs = list(dict.fromkeys(slug for _, _, slug in run))
            if len(slugs) > 1:
                yield slugs


_KEYWORD = re.compile(r"\b([A-Za-z][A-Za-z0-9+#.-]*[A-Z0-9][A-Za-z0-9+#.-]*|[A-Z][a-z]+[A-Z]\w*)\b")
_NOT_KEYWORDS = frozenset(
    [
        "ci",
        "cd",
        "api",
        "apis",
        "rest",
        "sql",
        "it",
        "ai",
        "ml",
        "ui",
        "ux",
        "qa",
        "b2b",
        "b2c",
        "saas",
        "eu",
        "us",
        "uk",
        "usa",
        "cv",
        "id",
        "hr",
        "pm",
        "ceo",
        "cto",
        "okr",
        "okrs",
        "kpi",
        "kpis",
        "gdpr",
        "iso",
        "etc",
        "e.g",
        "i.e",
        "faq",
        "diy",
        "sdk",
        "ide",
        "ios",
        "tdd",
        "bdd",
        "oop",
    ]
)


def _tech_words(line: str, matcher: _Matcher) -> list[str]:
    """Words that look like technology names (gRPC, OpenTelemetry, K6) and are not terms."""
    out = []
    for match in _KEYWORD.finditer(line):
        word = match.group(1).strip(".-")
        if len(word) < 2 or _fold(word) in _NOT_KEYWORDS or (word.isupper() and len(word) <= 3):
            continue
        if search_words(word) in matcher.by_words:
            continue
        if not re.search(r"[a-z]", word) or not re.search(r"[A-Z0-9]", word[1:]):
            continue  # "HTML5" and "gRPC" yes; "Experience" no
        out.append(word)
    return out


def _title(lines: Sequence[str]) -> str:
    first = lines[0]
    match = re.match(
        r"^(?:job title|title|position|poste|puesto|cargo|stelle)\s*:\s*(.+)$", first, re.IGNORECASE
    )
    return (match.group(1) if match else first)[:120]


def _level(title: str, lines: Sequence[str]) -> str | None:
    words = set(re.findall(r"[\w-]+", title.casefold()))
    if words & set(_SENIOR):
        return "senior"
    if words & set(_JUNIOR):
        return "junior"
    if words & set(_MID):
        return "mid"
    least: list[int] = []
    for line in lines:
        for match in _YEARS.finditer(line):
            least.append(int(match.group(1)))
    if least:
        years = min(least)
        return "junior" if years < 2 else "mid" if years < 5 else "senior"
    text = _fold(" ".join(lines[:40]))
    for level, cues in (("senior", _SENIOR), ("junior", _JUNIOR)):
        if any(re.search(rf"\b{re.escape(_fold(cue))}\b", text) for cue in cues if len(cue) > 3):
            return level
    return None


def _remote(lines: Sequence[str]) -> str | None:
    text = " ".join(lines).casefold()
    if any(cue in text for cue in _REMOTE["hybrid"]):
        return "hybrid"
    if any(cue in text for cue in _REMOTE["remote"]):
        # "Télétravail 2 jours par semaine", "remote two days a week": part of the week
        if _PART_OF_WEEK.search(text) or "partiel" in text or "partial" in text:
            return "hybrid"
        return "remote"
    if any(cue in text for cue in _REMOTE["onsite"]):
        return "onsite"
    return None


_PART_OF_WEEK = re.compile(
    r"\b(?:\d|one|two|three|four|zwei|drei|deux|trois|dos|tres|dois|três)\s*(?:x\s*)?"
    r"(?:days?|jours?|días|dias|tage|x)\b",
)
_ALTERNATIVES = re.compile(r"\s*(?:/|;|&| or | o | ou | oder | and | und | et | y | e )\s*")
_SEGMENTS = re.compile(r"\s*(?:·|•|\||\s-\s|\s–\s|—)\s*")
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Ý][\w'-]+(?:\s+[A-ZÀ-ÖØ-Ý][\w'-]+)?")
_POLICY_WORDS = re.compile(r"\b(?:hybrid|remote|remoto|híbrido|on-site|onsite)\b", re.IGNORECASE)


def _places_in(line: str, cities: dict[str, str], *, labelled: bool) -> list[str]:
    """Places in a line: 'Berlin or Munich (hybrid)', 'Basel, Switzerland', 'Toronto, ON -
    hybrid'. A name counts when it is a known city, is followed by a region ('Arlington,
    VA'), or stands in a "Location:" line (``labelled``)."""
    places: list[str] = []
    for segment in _SEGMENTS.split(re.sub(r"\(.*?(?:\)|$)", "", line)):
        for alternative in _ALTERNATIVES.split(segment):
            name, _, region = (part.strip(" -–.:") for part in alternative.partition(","))
            name = _POLICY_WORDS.sub("", name).strip(" -–.:")
            if not name or not name[:1].isupper() or _fold(name) in _NOT_PLACES:
                continue
            regional = bool(region) and len(region.split()) <= 2 and region[:1].isupper()
            if name.casefold() in cities or labelled or regional:
                places.append(name)
                continue
            places.extend(_known_cities(name, cities))  # "Based in our Lisbon office"
    return places


def _known_cities(text: str, cities: dict[str, str]) -> list[str]:
    found = []
    for match in _CAPITALISED.finditer(text):
        for candidate in (match.group(0), match.group(0).split()[0]):
            if candidate.casefold() in cities:
                found.append(candidate)
                break
    return found


def _locations(lines: Sequence[str]) -> list[str]:
    from sourcer.places import known_city_names

    cities = known_city_names()
    for line in lines:  # an explicit "Location:" line says it all
        match = _LOCATION_LABEL.match(line)
        if match:
            return list(dict.fromkeys(_places_in(match.group(1), cities, labelled=True)))
    # The lines under the title: "Warsaw, Poland · hybrid", "Madrid o Barcelona · Híbrido"
    for line in lines[1:4]:
        if _heading_kind(line) is not None:
            break
        places = _places_in(line, cities, labelled=False)
        if places:
            return list(dict.fromkeys(places))
    # Anywhere but the company's own sections: a known city, as written
    found: list[str] = []
    section = "must"
    for line in lines[1:]:
        kind = _heading_kind(line)
        if kind is not None:
            section = kind
            continue
        if section != "other":
            found.extend(_known_cities(line, cities))
    return list(dict.fromkeys(found))
