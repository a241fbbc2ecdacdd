#!/usr/bin/env python3
"""Search quality: recall and precision of sourcer's strings on a labelled profile corpus.

    python benchmarks/quality.py                     # the whole table (about a minute)
    python benchmarks/quality.py --term go --board google
    python benchmarks/quality.py --json > quality.json
    python benchmarks/quality.py --corpus other.jsonl   # a held-out corpus of the same shape

For every labelled term, on every board (LinkedIn's keyword box, and Google, Bing and Brave
X-raying LinkedIn profiles), at no level and at each level, in every mode, it compiles the
search with sourcer's own compiler, reads each part the way that site reads it, and counts
who it finds. A profile is *relevant* to a search when it is labelled with the term, its role
is engineer, and (when a level is asked) its level is that level. Figures are macro-averaged
over terms: recall, precision, F1, the recall of part 1 alone (many recruiters run only the
first part) and the number of parts. It also measures *combination coverage*: when a search
is split into parts, the share of combinations of the alternatives the parts keep (one from
each group) that some part finds on a profile holding exactly that combination.

How a site reads a string (the evaluator, pinned by tests/test_quality.py):

- words match case-insensitively, accents folded; punctuation splits words (``Node.js`` is
  ``node js``) except a trailing ``+`` or ``#`` (``C++``, ``C#``); no stemming or synonyms;
- a phrase, or a word with punctuation inside, matches consecutive words within one field of
  the profile (a phrase never runs from the headline into the about text);
- precedence: LinkedIn, Bing and Brave read NOT before AND before OR; Google binds OR tighter
  than the implicit AND (``a b OR c`` is ``a AND (b OR c)``), reads ``-word`` as NOT, ``AND``
  as nothing and ``NOT`` as a plain word; a lowercase operator is a plain word everywhere;
  LinkedIn reads a leading minus as punctuation (``-recruiter`` finds recruiters);
- Google reads only the first 32 words (every word, operator and field counts; each word of
  a phrase counts), Bing only the first 10 terms (words and fields; operators do not count);
  the rest of the string is ignored, and what the cut leaves open is closed;
- ``site:`` matches the profile's public address (``linkedin.com/in/...``, with the country
  subdomain of its location), ``intitle:`` the headline and current title, ``inurl:`` the
  address, ``loc:``/``location:`` the location, ``language:``/``lang:`` the language the
  profile is written in (its ``language`` field, English when absent); any other field is
  read as plain words.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import reduce
from pathlib import Path
from typing import Any, Literal, NamedTuple

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "quality" / "profiles.jsonl"

BOARDS = ("linkedin", "google", "bing", "brave")
LEVELS: tuple[str | None, ...] = (None, "junior", "mid", "senior")
LEVEL_NAMES = ("junior", "mid", "senior", "none")
ROLES = ("engineer", "designer", "product", "manager", "recruiter", "student", "other")
#: the roles whose people do a skill's work hands-on, and so have a level
HANDS_ON = ("engineer", "designer", "product")
ENGINEERS: frozenset[str] = frozenset({"engineer"})
#: terms of these categories are practised by designers or product people as well as
#: engineers (a search for Figma wants designers; every other search wants engineers)
PRACTITIONERS: dict[str, frozenset[str]] = {
    "Design": frozenset({"engineer", "designer"}),
    "Product and delivery": frozenset({"engineer", "product"}),
}


def practitioners(category: str) -> frozenset[str]:
    """The roles relevant to a search for a term of ``category``."""
    return PRACTITIONERS.get(category, ENGINEERS)


PROFILE_KEYS = frozenset(
    {"id", "name", "headline", "title", "company", "location", "about", "experience", "skills"}
)
#: at most this many combinations are tried per search (a seeded sample beyond it)
MAX_COMBINATIONS = 2_000

# --------------------------------------------------------------------------------------------
# Text: how every site splits what it indexes and what it is asked for


_TOKEN = re.compile(r"[^\W_]+[+#]*")


def fold(text: str) -> str:
    """Case and accents folded, as the engines match them (München = munchen)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """The words of ``text``: punctuation splits words; C++, C# and F# stay whole."""
    return _TOKEN.findall(fold(text))


# --------------------------------------------------------------------------------------------
# Profiles and the corpus


class Labels(NamedTuple):
    skills: frozenset[str]
    level: str
    role: str


class Profile(NamedTuple):
    """One person: the fields a site indexes, as segments, and the labels."""

    id: str
    #: every field of the profile, one segment each (a phrase never spans two)
    segments: tuple[str, ...]
    #: what intitle: reads: the headline and the current title
    title_segments: tuple[str, ...]
    location: str
    url: str
    labels: Labels
    kind: str = ""
    headline: str = ""
    #: the language the profile is written in (ISO 639-1), for language: and lang:
    language: str = "en"

    def relevant(self, term: str, level: str | None, roles: frozenset[str] = ENGINEERS) -> bool:
        """Labelled with ``term``, in one of ``roles`` (engineers unless the term's category
        says otherwise), at ``level`` when one is asked."""
        labels = self.labels
        return (
            term in labels.skills
            and labels.role in roles
            and (level is None or labels.level == level)
        )


#: country names (and a few states) to LinkedIn's country subdomains, for site: matching
# fmt: off
_COUNTRY_SUBDOMAIN = {
    "germany": "de", "deutschland": "de", "austria": "at", "switzerland": "ch", "france": "fr",
    "spain": "es", "espana": "es", "portugal": "pt", "brazil": "br", "brasil": "br",
    "poland": "pl", "polska": "pl", "italy": "it", "netherlands": "nl", "belgium": "be",
    "united kingdom": "uk", "uk": "uk", "england": "uk", "scotland": "uk", "ireland": "ie",
    "india": "in", "canada": "ca", "australia": "au", "mexico": "mx", "argentina": "ar",
    "colombia": "co", "chile": "cl", "sweden": "se", "norway": "no", "denmark": "dk",
    "finland": "fi", "czech republic": "cz", "czechia": "cz", "romania": "ro", "ukraine": "ua",
    "japan": "jp", "singapore": "sg", "south africa": "za", "nigeria": "ng", "kenya": "ke",
    "egypt": "eg", "turkey": "tr", "israel": "il", "united arab emirates": "ae", "uae": "ae",
    "new zealand": "nz", "philippines": "ph", "vietnam": "vn", "indonesia": "id",
    "pakistan": "pk", "bangladesh": "bd", "greece": "gr", "hungary": "hu", "peru": "pe",
}
# fmt: on


def public_url(profile_id: str, location: str) -> str:
    """A LinkedIn public address, on the country subdomain of the location (www otherwise)."""
    country = fold(location.rsplit(",", 1)[-1]).strip()
    subdomain = _COUNTRY_SUBDOMAIN.get(country, "www")
    return f"{subdomain}.linkedin.com/in/{profile_id}"


def make_profile(data: Mapping[str, Any]) -> Profile:
    """A Profile from one corpus record (see benchmarks/quality/README.md)."""
    segments = [data["name"], data["headline"], data["title"], data["company"], data["location"]]
    segments.append(data["about"])
    for entry in data["experience"]:
        segments.extend((entry["title"], entry["company"], entry["description"]))
    segments.extend(data["skills"])
    labels = data["labels"]
    return Profile(
        id=data["id"],
        segments=tuple(segments),
        title_segments=(data["headline"], data["title"]),
        location=data["location"],
        url=public_url(data["id"], data["location"]),
        labels=Labels(frozenset(labels["skills"]), labels["level"], labels["role"]),
        kind=data.get("kind", ""),
        headline=data["headline"],
        language=data.get("language", "en"),
    )


def read_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The corpus records; a line that is not a JSON object stops with its line number."""
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise SystemExit(f"{path}:{number}: not JSON ({err.msg})") from None
            if not isinstance(record, dict):
                raise SystemExit(f"{path}:{number}: each line must be a JSON object")
            records.append(record)
    return records


def check_corpus(
    records: Sequence[Mapping[str, Any]],
    terms: Mapping[str, Sequence[str]],
    *,
    per_term: int = 5,
    decoy_share: float = 0.30,
    roles: Mapping[str, frozenset[str]] | None = None,
) -> list[str]:
    """Problems with the corpus: record shape, labels, coverage of every term and decoys.

    ``terms`` maps each library slug to its searchable names (name and aliases), ``roles``
    each slug to the roles that practise it (engineers when absent). A decoy counts towards
    the share only when it holds one of those names, word for word, for a term the person is
    not a relevant practitioner of.
    """
    roles = roles or {}
    problems: list[str] = []
    seen: set[str] = set()
    counts: dict[str, dict[str, int]] = {slug: {} for slug in terms}
    decoys = 0
    for number, record in enumerate(records, 1):
        where = f"record {number} ({record.get('id', '?')})"
        missing = (PROFILE_KEYS | {"labels"}) - set(record)
        if missing:
            problems.append(f"{where}: missing {', '.join(sorted(missing))}")
            continue
        if record["id"] in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(record["id"])
        labels = record["labels"]
        unknown = [s for s in labels.get("skills", []) if s not in terms]
        if unknown:
            problems.append(f"{where}: unknown skill slugs {unknown}")
        if labels.get("level") not in LEVEL_NAMES:
            problems.append(f"{where}: level must be one of {', '.join(LEVEL_NAMES)}")
        if labels.get("role") not in ROLES:
            problems.append(f"{where}: role must be one of {', '.join(ROLES)}")
        if (labels.get("role") in HANDS_ON) == (labels.get("level") == "none"):
            problems.append(f"{where}: {', '.join(HANDS_ON)} have a level, everyone else 'none'")
        if labels.get("role") in HANDS_ON:
            for slug in labels.get("skills", []):
                if slug in counts and labels["role"] in roles.get(slug, ENGINEERS):
                    level = labels.get("level", "none")
                    counts[slug][level] = counts[slug].get(level, 0) + 1
        # A decoy counts when it holds, word for word, a term's name it is not relevant for
        # ("hip flasks" is a decoy for a search engine that stems, not for this evaluator).
        if record.get("kind") == "decoy" and decoy_terms(make_profile(record), terms, roles):
            decoys += 1
    for slug, by_level in counts.items():
        total = sum(by_level.values())
        short = [level for level in ("junior", "mid", "senior") if not by_level.get(level)]
        if total < per_term or short:
            problems.append(
                f"term {slug}: {total} practitioner profiles"
                + (f", none {'/'.join(short)}" if short else "")
                + f" (needs {per_term}+ across junior, mid and senior)"
            )
    if records and decoys / len(records) < decoy_share:
        problems.append(
            f"decoys holding a term's name are {decoys / len(records):.0%} of the corpus "
            f"(needs {decoy_share:.0%}+)"
        )
    return problems


def decoy_terms(
    profile: Profile,
    terms: Mapping[str, Sequence[str]],
    roles: Mapping[str, frozenset[str]] | None = None,
) -> list[str]:
    """The terms whose name or alias ``profile`` contains without being relevant for them."""
    index = Index([profile])
    found = []
    for slug, names in terms.items():
        if profile.relevant(slug, None, (roles or {}).get(slug, ENGINEERS)):
            continue
        if any(index.phrase("all", tokens(name)) for name in names if tokens(name)):
            found.append(slug)
    return found


def under_site(url: str, site: str) -> bool:
    """Whether ``url`` (host/path) is under ``site``: the same host or a subdomain of it,
    and the path starting with the site's path."""
    target = re.sub(r"^https?://", "", site.casefold().strip()).rstrip("/")
    host, _, path = url.partition("/")
    want_host, _, want_path = target.partition("/")
    on_host = host == want_host or host.endswith("." + want_host)
    return on_host and (path + "/").startswith(want_path + "/" if want_path else "")


def in_url(url: str, value: str) -> bool:
    words, address = tokens(value), tokens(url)
    return any(address[i : i + len(words)] == words for i in range(len(address)))


# --------------------------------------------------------------------------------------------
# The index: who holds which words, as bit masks over the corpus


Scope = Literal["all", "title", "location"]


class Index:
    """Positions of every word in every profile, per scope; match sets are int bit masks."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.profiles = list(profiles)
        self.everyone = (1 << len(self.profiles)) - 1
        self._postings: dict[str, dict[str, dict[int, list[int]]]] = {}
        self._cache: dict[tuple[str, tuple[str, ...]], int] = {}
        for scope, segments_of in (
            ("all", lambda p: p.segments),
            ("title", lambda p: p.title_segments),
            ("location", lambda p: (p.location,)),
        ):
            postings: dict[str, dict[int, list[int]]] = {}
            for number, profile in enumerate(self.profiles):
                position = 0
                for segment in segments_of(profile):
                    for word in tokens(segment):
                        postings.setdefault(word, {}).setdefault(number, []).append(position)
                        position += 1
                    position += 2  # a gap: no phrase runs across two fields
            self._postings[scope] = postings

    def phrase(self, scope: str, words: Sequence[str]) -> int:
        """Profiles whose ``scope`` holds ``words`` consecutively (one word: anywhere)."""
        key = (scope, tuple(words))
        if key in self._cache:
            return self._cache[key]
        postings = self._postings[scope]
        if not words:
            mask = self.everyone
        elif any(word not in postings for word in words):
            mask = 0
        elif len(words) == 1:
            mask = sum(1 << number for number in postings[words[0]])
        else:
            lists = [postings[word] for word in words]
            mask = 0
            for number in set(lists[0]).intersection(*lists[1:]):
                later = [set(found[number]) for found in lists[1:]]
                if any(
                    all(start + 1 + i in positions for i, positions in enumerate(later))
                    for start in lists[0][number]
                ):
                    mask |= 1 << number
        self._cache[key] = mask
        return mask

    def site(self, value: str) -> int:
        """Profiles whose public address falls under ``value`` (site:linkedin.com/in)."""
        return sum(
            1 << number for number, p in enumerate(self.profiles) if under_site(p.url, value)
        )

    def url(self, value: str) -> int:
        """Profiles whose address holds ``value``'s words (inurl:)."""
        return sum(1 << number for number, p in enumerate(self.profiles) if in_url(p.url, value))

    def language(self, code: str) -> int:
        """Profiles written in ``code`` (language:de on Bing, lang:de on Brave)."""
        return sum(1 << n for n, p in enumerate(self.profiles) if p.language == code)

    def members(self, mask: int) -> list[Profile]:
        return [p for i, p in enumerate(self.profiles) if mask >> i & 1]


# --------------------------------------------------------------------------------------------
# Dialects: reading a string the way each site does


class Dialect(NamedTuple):
    """How one site reads a Boolean string."""

    name: str
    #: "standard": NOT, then AND, then OR; "google": OR binds tighter than the implicit AND
    precedence: Literal["standard", "google"]
    or_words: frozenset[str]
    and_words: frozenset[str]
    #: NOT as an operator word (Google reads it as a plain word)
    not_word: bool
    #: a leading minus excludes (LinkedIn reads it as punctuation)
    minus: bool
    #: what the site counts towards its limit, and the limit: only that much is read
    limit_metric: Literal["words", "terms", ""] = ""
    limit: int = 0


DIALECTS: dict[str, Dialect] = {
    "linkedin": Dialect(
        "linkedin", "standard", frozenset({"OR"}), frozenset({"AND"}), not_word=True, minus=False
    ),
    "google": Dialect(
        "google",
        "google",
        frozenset({"OR", "|"}),
        frozenset({"AND"}),
        not_word=False,
        minus=True,
        limit_metric="words",
        limit=32,
    ),
    "bing": Dialect(
        "bing",
        "standard",
        frozenset({"OR", "|"}),
        frozenset({"AND", "&"}),
        not_word=True,
        minus=True,
        limit_metric="terms",
        limit=10,
    ),
    "brave": Dialect(
        "brave", "standard", frozenset({"OR"}), frozenset({"AND"}), not_word=True, minus=True
    ),
}


class Tok(NamedTuple):
    kind: Literal["(", ")", "word", "phrase", "field", "or", "and", "not"]
    text: str
    #: for fields: the value is the following primary when empty ("intitle:(a OR b)")
    value: str = ""
    value_quoted: bool = False


_SCAN = re.compile(
    r"""\s*(?:
        (?P<paren>[()])
      | "(?P<phrase>[^"]*)"?
      | (?P<minus>-)(?=[^\s-])
      | (?P<field>[A-Za-z][A-Za-z_]*):(?:"(?P<fphrase>[^"]*)"?|(?P<fword>[^\s()"]+))?
      | (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE,
)


def scan(query: str, dialect: Dialect) -> list[Tok]:
    """The string's tokens as ``dialect`` sees them, cut at the site's limit."""
    out: list[Tok] = []
    position = 0
    previous_blank = True  # a minus excludes only at the start of a word
    while position < len(query):
        match = _SCAN.match(query, position)
        if match is None or match.end() == position:
            break
        blank_before = previous_blank or match.group().startswith((" ", "\t"))
        position = match.end()
        previous_blank = False
        if match.group("paren"):
            out.append(Tok(match.group("paren"), match.group("paren")))  # type: ignore[arg-type]
            previous_blank = match.group("paren") == "("
        elif match.group("phrase") is not None:
            out.append(Tok("phrase", match.group("phrase")))
        elif match.group("minus"):
            if dialect.minus and blank_before:
                out.append(Tok("not", "-"))
                previous_blank = True
            # elsewhere a hyphen is punctuation: the word after it is read as it is
            else:
                previous_blank = True
        elif match.group("field"):
            if match.group("fphrase") is not None:
                out.append(Tok("field", match.group("field"), match.group("fphrase"), True))
            else:
                out.append(Tok("field", match.group("field"), match.group("fword") or ""))
        else:
            text = match.group("word")
            if text in dialect.or_words:
                out.append(Tok("or", text))
            elif text in dialect.and_words:
                out.append(Tok("and", text))
            elif text == "NOT" and dialect.not_word:
                out.append(Tok("not", text))
            else:
                out.append(Tok("word", text))
    return _truncate(out, dialect)


def _truncate(toks: list[Tok], dialect: Dialect) -> list[Tok]:
    """Keep only what the site reads: Google's first 32 words, Bing's first 10 terms."""
    if not dialect.limit:
        return toks
    kept: list[Tok] = []
    budget = dialect.limit
    for tok in toks:
        if tok.kind in ("(", ")"):
            kept.append(tok)
            continue
        operator = tok.kind in ("or", "and") or (tok.kind == "not" and tok.text == "NOT")
        if tok.kind == "not" and tok.text == "-":
            cost = 0  # the minus travels with the word after it
        elif operator:
            cost = 1 if dialect.limit_metric == "words" else 0
        elif tok.kind == "phrase":
            cost = max(1, len(tok.text.split()))
        elif tok.kind == "field" and tok.value_quoted:
            cost = max(1, len(tok.value.split()))
        else:
            cost = 1
        if cost > budget:
            if tok.kind == "phrase" and budget:
                kept.append(tok._replace(text=" ".join(tok.text.split()[:budget])))
            break
        budget -= cost
        kept.append(tok)
    return kept


# The parsed tree: plain tuples, evaluated to bit masks.
Tree = tuple[Any, ...]
ALL: Tree = ("all",)


class _Parser:
    def __init__(self, toks: list[Tok], dialect: Dialect) -> None:
        self.toks = toks
        self.i = 0
        self.dialect = dialect

    def peek(self) -> Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Tree:
        items = []
        while self.peek() is not None:
            items.append(self.expression())
            if self.peek() is not None and self.take().kind != ")":
                continue  # a stray ")" is ignored; keep reading
        return _and(items)

    def expression(self) -> Tree:
        if self.dialect.precedence == "google":
            return self.conjunction(self.disjunction)
        return self.disjunction_of(lambda: self.conjunction(self.unary))

    def disjunction(self) -> Tree:
        """Google: OR binds the items on either side of it."""
        return self.disjunction_of(self.unary)

    def disjunction_of(self, operand: Callable[[], Tree | None]) -> Tree:
        alternatives = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind == ")":
                break
            if tok.kind == "or":  # a dangling OR is ignored
                self.take()
                continue
            node = operand()
            if node is not None:
                alternatives.append(node)
            tok = self.peek()
            if tok is None or tok.kind != "or":
                break
        return _or(alternatives)

    def conjunction(self, operand: Callable[[], Tree | None]) -> Tree:
        items = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind == ")":
                break
            if tok.kind == "or" and self.dialect.precedence == "standard":
                break
            if tok.kind in ("and", "or"):
                self.take()  # AND between items, or a stray OR
                continue
            node = operand()
            if node is not None:
                items.append(node)
        return _and(items)

    def unary(self) -> Tree | None:
        tok = self.peek()
        if tok is None or tok.kind in (")", "or", "and"):
            return None
        if tok.kind == "not":
            self.take()
            inner = self.unary()
            return None if inner is None else ("not", inner)
        return self.primary()

    def primary(self) -> Tree | None:
        tok = self.take()
        if tok.kind == "(":
            inner = self.expression()
            if self.peek() is not None and self.peek().kind == ")":  # type: ignore[union-attr]
                self.take()
            return inner
        if tok.kind in ("word", "phrase"):
            return ("text", "all", tuple(tokens(tok.text)))
        assert tok.kind == "field"
        if tok.value:
            value: Tree | None = ("text", "all", tuple(tokens(tok.value)))
            raw = tok.value
        else:
            value = self.primary() if self.peek() is not None else None
            raw = ""
        return _field(tok.text.casefold(), raw, value)


def _and(items: list[Tree]) -> Tree:
    items = [item for item in items if item != ALL]
    return ALL if not items else items[0] if len(items) == 1 else ("and", *items)


def _or(items: list[Tree]) -> Tree:
    if not items or ALL in items:
        return ALL
    return items[0] if len(items) == 1 else ("or", *items)


def _field(name: str, raw: str, value: Tree | None) -> Tree:
    if value is None:
        return ALL
    if name == "site":
        return ("site", raw) if raw else ALL
    if name == "inurl":
        return ("url", raw) if raw else ALL
    if name in ("language", "lang"):
        return ("language", raw.casefold()) if raw else ALL
    scope = {"intitle": "title", "title": "title", "loc": "location", "location": "location"}
    if name in scope:
        return _rescope(value, scope[name])
    if name in ("inbody", "inpage", "inanchor"):
        return value
    # Unknown to the site: read as plain words (name and value).
    return _and([("text", "all", tuple(tokens(name))), value])


def _rescope(tree: Tree, scope: str) -> Tree:
    if tree[0] == "text":
        return ("text", scope, tree[2])
    if tree[0] in ("and", "or", "not"):
        return (tree[0], *(_rescope(child, scope) for child in tree[1:]))
    return tree


def parse(query: str, board: str) -> Tree:
    """The tree ``board``'s site reads from ``query``."""
    return _Parser(scan(query, DIALECTS[board]), DIALECTS[board]).parse()


def evaluate(tree: Tree, index: Index | CombinationIndex) -> int:
    """The profiles (a bit mask over ``index``) that match ``tree``."""
    kind = tree[0]
    if kind == "all":
        return index.everyone
    if kind == "text":
        return index.phrase(tree[1], tree[2])
    if kind == "and":
        return reduce(lambda mask, child: mask & evaluate(child, index), tree[1:], index.everyone)
    if kind == "or":
        return reduce(lambda mask, child: mask | evaluate(child, index), tree[1:], 0)
    if kind == "not":
        return index.everyone & ~evaluate(tree[1], index)
    if kind == "site":
        return index.site(tree[1])
    if kind == "url":
        return index.url(tree[1])
    if kind == "language":
        return index.language(tree[1])
    raise ValueError(f"unknown node {kind!r}")


def matches(query: str, board: str, index: Index) -> int:
    """Who the site finds for ``query``: a bit mask over the index's profiles."""
    return evaluate(parse(query, board), index)


# --------------------------------------------------------------------------------------------
# Combination coverage of split searches


class CombinationIndex:
    """The index interface over synthetic profiles, one per combination, each holding exactly
    its alternatives (each its own field, in the headline and the body, on a www.linkedin.com/in
    address). Built from per-alternative masks, so thousands of combinations cost little."""

    URL = "www.linkedin.com/in/someone"

    def __init__(self, groups: Sequence[Sequence[str]], combinations: Sequence[tuple[str, ...]]):
        self.everyone = (1 << len(combinations)) - 1
        self._alternatives: list[tuple[list[str], int]] = []
        for position, group in enumerate(groups):
            for alternative in dict.fromkeys(group):
                bits = "".join("1" if c[position] == alternative else "0" for c in combinations)
                self._alternatives.append((tokens(alternative), int(bits[::-1] or "0", 2)))
        self._cache: dict[tuple[str, tuple[str, ...]], int] = {}

    def phrase(self, scope: str, words: Sequence[str]) -> int:
        if not words:
            return self.everyone
        if scope == "location":
            return 0
        key = (scope, tuple(words))
        if key not in self._cache:
            n = len(words)
            self._cache[key] = reduce(
                int.__or__,
                (
                    mask
                    for held, mask in self._alternatives
                    if any(held[i : i + n] == list(words) for i in range(len(held) - n + 1))
                ),
                0,
            )
        return self._cache[key]

    def site(self, value: str) -> int:
        return self.everyone if under_site(self.URL, value) else 0

    def url(self, value: str) -> int:
        return self.everyone if in_url(self.URL, value) else 0

    def language(self, code: str) -> int:
        return self.everyone if code == "en" else 0


def combination_coverage(
    queries: Sequence[str], groups: Sequence[Sequence[str]], board: str, seed: int = 0
) -> tuple[float, list[tuple[str, ...]]]:
    """The share of combinations (one alternative of each group) that some part finds on a
    profile holding exactly that combination, and the combinations none finds.

    ``groups`` are the alternatives the parts keep, per positive group (skills, titles,
    seniority words, keywords); exclusions are not combined. Past MAX_COMBINATIONS, a seeded
    sample of them is tried.
    """
    total = 1
    for group in groups:
        total *= len(group)
    if total == 0:
        return 1.0, []
    if total <= MAX_COMBINATIONS:
        combinations = list(itertools.product(*groups))
    else:
        rng = random.Random(seed)
        combinations = [tuple(rng.choice(list(g)) for g in groups) for _ in range(MAX_COMBINATIONS)]
    index = CombinationIndex(groups, combinations)
    found = reduce(lambda mask, q: mask | evaluate(parse(q, board), index), queries, 0)
    missed = [c for i, c in enumerate(combinations) if not found >> i & 1]
    return 1 - len(missed) / len(combinations), missed


def kept_groups(recipe: Any, searches: Sequence[Any]) -> list[list[str]]:
    """Per positive group of the recipe that the parts use: the alternatives they keep."""
    dropped = {text for s in searches for text in s.dropped}
    joined = fold(" ".join(s.query for s in searches))
    groups = []
    for group in recipe.groups:
        if group.role in ("exclude", "location"):
            continue
        kept = [
            a.text
            for a in group.alternatives
            if f"{group.label}: {a.text}" not in dropped
            and f" {' '.join(tokens(a.text))} " in f" {' '.join(tokens(joined))} "
        ]
        if kept:
            groups.append(kept)
    return groups


# --------------------------------------------------------------------------------------------
# Running sourcer's compiler over the corpus


class Row(NamedTuple):
    board: str
    level: str | None
    mode: str


class TermResult(NamedTuple):
    term: str
    relevant: int
    found: int
    recall: float
    precision: float
    f1: float
    part1_recall: float
    parts: int
    coverage: float
    false_positives: tuple[str, ...]
    false_negatives: tuple[str, ...]


#: the mode a search takes when none is asked: the term's own (its file's mode:), else balanced
DEFAULT = "default"


def rows(boards: Sequence[str]) -> Iterator[Row]:
    for board in boards:
        for level in LEVELS:
            for mode in ("broad", "balanced", "strict"):
                yield Row(board, level, mode)
        yield Row(board, None, DEFAULT)


def f1(recall: float, precision: float) -> float:
    return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def measure_term(
    slug: str,
    searches: Sequence[Any],
    recipe: Any,
    row: Row,
    index: Index,
    roles: frozenset[str] = ENGINEERS,
) -> TermResult | None:
    relevant = 0
    for number, profile in enumerate(index.profiles):
        if profile.relevant(slug, row.level, roles):
            relevant |= 1 << number
    if not relevant:
        return None
    masks = [matches(s.query, row.board, index) for s in searches]
    found = reduce(int.__or__, masks, 0)
    hits = (found & relevant).bit_count()
    recall = hits / relevant.bit_count()
    precision = hits / found.bit_count() if found else 0.0
    part1 = (masks[0] & relevant).bit_count() / relevant.bit_count()
    coverage = 1.0
    if len(searches) > 1:
        coverage, _ = combination_coverage(
            [s.query for s in searches], kept_groups(recipe, searches), row.board
        )
    return TermResult(
        term=slug,
        relevant=relevant.bit_count(),
        found=found.bit_count(),
        recall=recall,
        precision=precision,
        f1=f1(recall, precision),
        part1_recall=part1,
        parts=len(searches),
        coverage=coverage,
        false_positives=tuple(p.id for p in index.members(found & ~relevant)),
        false_negatives=tuple(p.id for p in index.members(relevant & ~found)),
    )


def run(
    profiles: Sequence[Profile],
    slugs: Sequence[str] | None,
    boards: Sequence[str],
    only: Iterable[Row] | None = None,
) -> dict[Row, list[TermResult]]:
    """Every row's results (or those of ``only``), one per term with relevant profiles there."""
    from sourcer.home import shipped_dir
    from sourcer.library.store import Layer, Library
    from sourcer.query.boards import BOARDS as BOARD_TABLE
    from sourcer.query.recipe import Options, build_recipe
    from sourcer.query.search import compile_board

    library = Library([Layer("builtin", shipped_dir("terms"))])
    index = Index(profiles)
    known = set(library.entries())
    labelled = sorted({s for p in profiles for s in p.labels.skills})
    missing = [s for s in labelled if s not in known]
    if missing:
        print(f"quality.py: skipped, not in the library: {', '.join(missing)}", file=sys.stderr)
    wanted = [s for s in (slugs or labelled) if s in labelled and s in known]
    results: dict[Row, list[TermResult]] = {row: [] for row in only or rows(boards)}
    for slug in wanted:
        term = library.get(slug)
        roles = practitioners(term.category)
        for row in results:
            mode = None if row.mode == DEFAULT else row.mode
            options = Options(level=row.level, mode=mode)  # type: ignore[arg-type]
            recipe = build_recipe([term], options, lookup=library.find)
            searches = compile_board(recipe, BOARD_TABLE[row.board])
            result = measure_term(slug, searches, recipe, row, index, roles)
            if result is not None:
                results[row].append(result)
    return results


def pair_coverage(slugs: Sequence[str], boards: Sequence[str]) -> dict[str, dict[str, float]]:
    """Combination coverage per board for two-skill searches: each term with each of the
    first two of its related terms, balanced, at no level and at senior."""
    from sourcer.home import shipped_dir
    from sourcer.library.store import Layer, Library
    from sourcer.query.boards import BOARDS as BOARD_TABLE
    from sourcer.query.recipe import Options, build_recipe
    from sourcer.query.search import compile_board

    library = Library([Layer("builtin", shipped_dir("terms"))])
    known = set(library.entries())
    pairs = []
    for slug in slugs:
        if slug not in known:
            continue  # a label the library lacks (skipped with a note by run)
        term = library.get(slug)
        pairs.extend((term, library.get(other)) for other in term.related[:2])
    out: dict[str, dict[str, float]] = {}
    for board in boards:
        coverages, parts = [], []
        for pair in pairs:
            for level in (None, "senior"):
                recipe = build_recipe(list(pair), Options(level=level), lookup=library.find)
                searches = compile_board(recipe, BOARD_TABLE[board])
                parts.append(len(searches))
                if len(searches) > 1:
                    coverage, _ = combination_coverage(
                        [s.query for s in searches], kept_groups(recipe, searches), board
                    )
                    coverages.append(coverage)
        out[board] = {
            "searches": len(parts),
            "split": len(coverages),
            "parts": statistics.fmean(parts) if parts else 0.0,
            "coverage": statistics.fmean(coverages) if coverages else 1.0,
        }
    return out


def board_coverage(results: Mapping[Row, Sequence[TermResult]]) -> dict[str, dict[str, float]]:
    """Combination coverage per board over every single-term search of the table."""
    out: dict[str, dict[str, float]] = {}
    for row, items in results.items():
        entry = out.setdefault(row.board, {"searches": 0, "split": 0, "covered": 0.0})
        entry["searches"] += len(items)
        for r in items:
            if r.parts > 1:
                entry["split"] += 1
                entry["covered"] += r.coverage
    return {
        board: {
            "searches": e["searches"],
            "split": e["split"],
            "coverage": e["covered"] / e["split"] if e["split"] else 1.0,
        }
        for board, e in out.items()
    }


def summary(results: Sequence[TermResult]) -> dict[str, float]:
    def mean(values: Iterable[float]) -> float:
        values = list(values)
        return statistics.fmean(values) if values else 0.0

    split = [r.coverage for r in results if r.parts > 1]
    return {
        "terms": len(results),
        "recall": mean(r.recall for r in results),
        "precision": mean(r.precision for r in results),
        "f1": mean(r.f1 for r in results),
        "part1_recall": mean(r.part1_recall for r in results),
        "parts": mean(r.parts for r in results),
        "split": len(split),
        "coverage": mean(split) if split else 1.0,
    }


def _level(level: str | None) -> str:
    return level or "any"


def render_text(
    results: Mapping[Row, Sequence[TermResult]],
    profiles: Mapping[str, Profile],
    worst: int,
    corpus_line: str,
    coverage: Mapping[str, Mapping[str, Mapping[str, float]]],
) -> str:
    lines = [corpus_line, ""]
    head = f"{'board':<9} {'level':<7} {'mode':<9} {'recall':>6} {'prec':>6} {'F1':>6} {'part1':>6} {'parts':>5} {'cover':>6} {'terms':>5}"
    lines.append(head)
    lines.append("-" * len(head))
    for row, items in results.items():
        s = summary(items)
        cover = f"{s['coverage']:.3f}" if s["split"] else "-"
        lines.append(
            f"{row.board:<9} {_level(row.level):<7} {row.mode:<9} {s['recall']:>6.3f} "
            f"{s['precision']:>6.3f} {s['f1']:>6.3f} {s['part1_recall']:>6.3f} "
            f"{s['parts']:>5.2f} {cover:>6} {s['terms']:>5}"
        )
    lines.append("")
    lines.append(
        "recall, prec(ision), F1 and part1 (recall of part 1 alone) are means over terms; "
        "parts: mean parts per search; cover: mean combination coverage of split searches"
    )
    lines.append("")
    lines.append("Combination coverage per board (mean over split searches):")
    for board, single in coverage["single"].items():
        pair = coverage["pairs"].get(board)
        text = (
            f"  {board:<9} one term: {single['coverage']:.3f} "
            f"({single['split']:.0f} of {single['searches']:.0f} searches split)"
        )
        if pair:
            text += (
                f"; two terms: {pair['coverage']:.3f} ({pair['split']:.0f} of "
                f"{pair['searches']:.0f} split, {pair['parts']:.2f} parts on average)"
            )
        lines.append(text)
    if worst:
        lines.append("")
        lines.append(f"The {worst} worst terms of each row (by F1), with who they miss and find:")
        for row, items in results.items():
            lines.append("")
            lines.append(f"{row.board} / {_level(row.level)} / {row.mode}")
            for r in sorted(items, key=lambda r: (r.f1, r.term))[:worst]:
                lines.append(
                    f"  {r.term:<20} recall {r.recall:.2f} precision {r.precision:.2f} "
                    f"({r.found} found, {r.relevant} relevant, {r.parts} part(s))"
                )
                for label, ids in (("missed", r.false_negatives), ("wrong", r.false_positives)):
                    if ids:
                        shown = "; ".join(f"{i} {profiles[i].headline[:40]!r}" for i in ids[:3])
                        more = f" (+{len(ids) - 3} more)" if len(ids) > 3 else ""
                        lines.append(f"      {label}: {shown}{more}")
    return "\n".join(lines) + "\n"


def render_markdown(
    results: Mapping[Row, Sequence[TermResult]],
    coverage: Mapping[str, Mapping[str, Mapping[str, float]]],
) -> str:
    """The summary table and the coverage per board, as in BENCHMARKS.md."""
    lines = [
        "| board | level | mode | recall | precision | F1 | part-1 recall | parts | coverage |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row, items in results.items():
        s = summary(items)
        cover = f"{s['coverage']:.3f}" if s["split"] else "-"
        lines.append(
            f"| {row.board} | {_level(row.level)} | {row.mode} | {s['recall']:.3f} | "
            f"{s['precision']:.3f} | {s['f1']:.3f} | {s['part1_recall']:.3f} | "
            f"{s['parts']:.2f} | {cover} |"
        )
    lines += ["", "| board | coverage, one term | coverage, two terms | parts, two terms |"]
    lines.append("|---|---|---|---|")
    for board, single in coverage["single"].items():
        pair = coverage["pairs"].get(board)
        lines.append(
            f"| {board} | {single['coverage']:.3f} ({single['split']:.0f} of "
            f"{single['searches']:.0f} split) | "
            + (
                f"{pair['coverage']:.3f} ({pair['split']:.0f} of {pair['searches']:.0f} split) "
                f"| {pair['parts']:.2f} |"
                if pair
                else "- | - |"
            )
        )
    return "\n".join(lines) + "\n\n" + render_terms_markdown(results)


def render_terms_markdown(results: Mapping[Row, Sequence[TermResult]]) -> str:
    """Every term's figures at no level in its own mode (balanced unless its file says):
    how many people are relevant, LinkedIn's recall, precision and F1, then the F1 of each
    other board measured."""
    balanced = {row.board: row for row in results if row.level is None and row.mode == DEFAULT}
    boards = [b for b in BOARDS if b in balanced]
    by_board = {b: {r.term: r for r in results[balanced[b]]} for b in boards}
    terms = sorted({t for found in by_board.values() for t in found})
    others = [b for b in boards if b != "linkedin"]
    head = "| term | relevant | " + " | ".join(
        ["LinkedIn recall", "LinkedIn precision", "LinkedIn F1"] * ("linkedin" in boards)
        + [f"{b.capitalize()} F1" for b in others]
    )
    lines = [head + " |", "|---" * (2 + 3 * ("linkedin" in boards) + len(others)) + "|"]
    for term in terms:
        first = next(found[term] for found in by_board.values() if term in found)
        cells = [term, str(first.relevant)]
        if "linkedin" in boards:
            own = by_board["linkedin"].get(term)
            cells += (
                [f"{own.recall:.3f}", f"{own.precision:.3f}", f"{own.f1:.3f}"] if own else ["-"] * 3
            )
        for board in others:
            own = by_board[board].get(term)
            cells.append(f"{own.f1:.3f}" if own else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_json(
    results: Mapping[Row, Sequence[TermResult]],
    corpus: Mapping[str, Any],
    coverage: Mapping[str, Mapping[str, Mapping[str, float]]],
) -> str:
    rows_out = []
    for row, items in results.items():
        rows_out.append(
            {
                "board": row.board,
                "level": row.level,
                "mode": row.mode,
                **summary(items),
                "by_term": [r._asdict() for r in sorted(items, key=lambda r: r.term)],
            }
        )
    return json.dumps({"corpus": corpus, "rows": rows_out, "coverage": coverage}, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# Job postings: how well ``sourcer role from-jd`` reads them


JOBS = HERE / "quality" / "jobs.jsonl"


def _fold_place(text: str) -> str:
    return " ".join(tokens(text))


def evaluate_jobs(path: Path = JOBS) -> dict[str, Any]:
    """Per bucket (must, nice, any members, keywords): precision and recall pooled over the
    postings; level, locations (the same set of places) and remote policy: accuracy."""
    from sourcer.home import shipped_dir
    from sourcer.library.store import Layer, Library
    from sourcer.roles.jd import read_posting

    library = Library([Layer("builtin", shipped_dir("terms"))])
    terms = [library.get(slug) for slug in library.entries()]
    counts = {b: [0, 0, 0] for b in ("must", "nice", "any", "keywords")}  # hit, found, true
    right = {"level": 0, "locations": 0, "remote": 0}
    misses: list[str] = []
    records = read_corpus(path)
    for record in records:
        labels = record["labels"]
        role = read_posting(record["text"], terms, html=record.get("format") == "html").role
        got = {
            "must": set(role.must),
            "nice": set(role.nice),
            "any": {s for g in role.any for s in g},
            "keywords": {k.casefold() for k in role.keywords},
        }
        level, places, remote = role.level, set(role.locations), role.remote
        want = {
            "must": set(labels["must"]),
            "nice": set(labels["nice"]),
            "any": {s for g in labels["any"] for s in g},
            "keywords": {k.casefold() for k in labels["keywords"]},
        }
        for bucket, found in got.items():
            counts[bucket][0] += len(found & want[bucket])
            counts[bucket][1] += len(found)
            counts[bucket][2] += len(want[bucket])
        right["level"] += (level or "none") == labels["level"]
        right["locations"] += {_fold_place(p) for p in places} == {
            _fold_place(p) for p in labels["locations"]
        }
        right["remote"] += (remote or "unknown") == labels["remote"]
        if got["must"] != want["must"]:
            misses.append(
                f"{record['id']}: must missed {sorted(want['must'] - got['must'])}, "
                f"wrong {sorted(got['must'] - want['must'])}"
            )
    buckets = {
        bucket: {
            "precision": hit / found if found else 1.0,
            "recall": hit / true if true else 1.0,
            "found": found,
            "true": true,
        }
        for bucket, (hit, found, true) in counts.items()
    }
    return {
        "postings": len(records),
        "buckets": buckets,
        "accuracy": {key: value / max(1, len(records)) for key, value in right.items()},
        "misses": misses,
    }


def render_jobs(result: Mapping[str, Any]) -> str:
    lines = [
        f"{result['postings']} job postings",
        "",
        "bucket     precision  recall  (found / true)",
    ]
    for bucket, figures in result["buckets"].items():
        lines.append(
            f"{bucket:<10} {figures['precision']:>9.3f} {figures['recall']:>7.3f}  "
            f"({figures['found']} / {figures['true']})"
        )
    lines.append("")
    for key, value in result["accuracy"].items():
        lines.append(f"{key} accuracy: {value:.3f}")
    if result["misses"]:
        lines += ["", "Postings whose must list differs:", *(f"  {m}" for m in result["misses"])]
    return "\n".join(lines) + "\n"


def corpus_stats(profiles: Sequence[Profile]) -> dict[str, Any]:
    roles: dict[str, int] = {}
    for p in profiles:
        roles[p.labels.role] = roles.get(p.labels.role, 0) + 1
    decoys = sum(p.kind == "decoy" for p in profiles)
    return {"profiles": len(profiles), "decoys": decoys, "roles": roles}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Recall and precision of sourcer's search strings on a labelled corpus.",
        epilog="Reproduce the table in BENCHMARKS.md with: python benchmarks/quality.py",
    )
    parser.add_argument("--term", action="append", metavar="SLUG", help="only this term (repeat)")
    parser.add_argument("--board", action="append", choices=BOARDS, help="only this board (repeat)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a corpus file (JSON lines)")
    parser.add_argument("--worst", type=int, default=5, help="worst terms shown per row")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="every figure, per term, as JSON")
    output.add_argument(
        "--markdown", action="store_true", help="the summary tables only, as in BENCHMARKS.md"
    )
    parser.add_argument(
        "--jobs",
        nargs="?",
        const=JOBS,
        type=Path,
        metavar="FILE",
        help="instead: how role from-jd reads the labelled job postings (default file: "
        "benchmarks/quality/jobs.jsonl)",
    )
    args = parser.parse_args(argv)

    start = time.perf_counter()
    if args.jobs is not None:
        result = evaluate_jobs(args.jobs)
        sys.stdout.write(json.dumps(result, indent=2) + "\n" if args.json else render_jobs(result))
        return 0
    records = read_corpus(args.corpus)
    profiles = [make_profile(r) for r in records]
    labelled = {s for p in profiles for s in p.labels.skills}
    unknown = [t for t in args.term or () if t not in labelled]
    if unknown:
        parser.error(f"no profile in {args.corpus} is labelled {', '.join(unknown)}")
    results = run(profiles, args.term, args.board or BOARDS)
    stats = corpus_stats(profiles)
    slugs = args.term or sorted({s for p in profiles for s in p.labels.skills})
    coverage = {
        "single": board_coverage(results),
        "pairs": pair_coverage(slugs, [b for b in args.board or BOARDS if b != "linkedin"]),
    }
    if args.json:
        sys.stdout.write(render_json(results, stats, coverage))
    elif args.markdown:
        sys.stdout.write(render_markdown(results, coverage))
    else:
        line = (
            f"corpus: {args.corpus.name}, {stats['profiles']} profiles, "
            f"{stats['decoys']} decoys ({stats['decoys'] / max(1, stats['profiles']):.0%}); "
            f"roles {stats['roles']}"
        )
        profiles_by_id = {p.id: p for p in profiles}
        sys.stdout.write(render_text(results, profiles_by_id, args.worst, line, coverage))
    print(f"quality.py: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
