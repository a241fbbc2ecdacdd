"""From terms and options to a recipe: ordered groups of ranked alternatives, each with its
source. The recipe does not depend on the board; the board decides where each group goes.

How a search is built (each choice measured with ``benchmarks/quality.py``):

- **Skills**: one group per required term (all are needed), one group for ``--any`` terms
  (one of them is needed), one per ``--keyword``. A term's group is its name and aliases in
  rank order; an alias that contains another alternative word for word ("Apache Kafka"
  beside "Kafka") finds nobody new and is left out, and so is a second spelling of the same
  words ("Node JS" beside "Node.js"). ``broad`` takes every alias, the other modes the top
  :data:`CORE` (the rest are for a wider search); ``--exhaustive`` adds the term's rare
  variants and misspellings.
- **Exclusions**: words that mark another meaning of a term's name (``exclude`` in its file),
  people who list a stack without doing the work (recruiters; managers, directors and sales
  people), and the user's ``--exclude``. The board decides which apply: people searches take
  them all, GitHub and its X-ray only the user's.
- **Level**: ``junior`` and ``senior`` add their title words (the board puts them in a title
  field or ``intitle:`` where it can); ``mid`` requires no word and keeps out the levels
  around it.
- **strict** adds role words (engineer, developer, ... in six languages, and the term's
  titles that name none of them). Titles cost recall (engineers are titled "Consultant",
  "SDE II" or in their own language), so the other modes use only titles the user gives
  with ``--title``. A term's level keywords ("mentoring", "architecture") are for reading a
  profile, not for searching: required, they lost three in four seniors.
"""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from sourcer.errors import QueryError
from sourcer.library.schema import Term, search_words
from sourcer.query import levels
from sourcer.query.boards import DEFAULT_SITE
from sourcer.query.model import clean_text

if TYPE_CHECKING:  # the place table loads only when a search names a place
    from sourcer.places import Place

Mode = Literal["broad", "balanced", "strict"]
Role = Literal["skill", "title", "level", "location", "remote", "exclude"]
#: whose an exclusion is, which decides the boards it applies to
ExcludeKind = Literal["user", "level", "people", "sense"]
MODES: tuple[str, ...] = ("broad", "balanced", "strict")
#: over a board's limit: split into parts, or one search that drops what does not fit
Fit = Literal["split", "drop"]
FITS: tuple[str, ...] = ("split", "drop")
#: a slug to its term, or None where the library has none
Lookup = Callable[[str], "Term | None"]


def implied_terms(term: Term, lookup: Lookup | None) -> list[Term]:
    """The terms ``term`` is implied by that the library has (none without a lookup)."""
    if lookup is None:
        return []
    return [found for slug in term.implied_by if (found := lookup(slug)) is not None]


#: alternatives of a skill searched by default (the top of its ranking)
CORE = 4


class Alternative(NamedTuple):
    """One search word or phrase and where it came from (file:line (key), or an option)."""

    text: str
    source: str


class Group(NamedTuple):
    """Alternatives of which a result must match one (or, for exclusions, none)."""

    role: Role
    label: str
    alternatives: tuple[Alternative, ...]
    #: for exclusions: whose they are (see ExcludeKind)
    kind: str = ""


#: the alternatives one part of a search uses, per group (see sourcer.query.fit)
Plan = tuple[tuple[Alternative, ...], ...]


class Options(NamedTuple):
    """What the user asked for, beyond the terms."""

    level: str | None = None
    #: None: the primary term's own mode (its file's ``mode``), else balanced
    mode: Mode | None = None
    titles: bool = True
    extra_titles: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    #: skills not in the library, searched as written
    keywords: tuple[str, ...] = ()
    #: also the terms' rare variants and misspellings
    exhaustive: bool = False
    #: the terms' own exclusions (words of another meaning of their names)
    term_exclusions: bool = True
    keep_recruiters: bool = False
    keep_managers: bool = False
    #: what the search engines X-ray: a preset of the sites table, or a domain
    site: str = DEFAULT_SITE
    fit: Fit = "split"
    #: people who work remotely (its own requirement, never ORed with places)
    remote: bool = False
    #: on LinkedIn, search the places as keywords instead of naming the location filter
    location_as_keyword: bool = False


class Recipe(NamedTuple):
    groups: tuple[Group, ...]
    notes: tuple[str, ...] = ()
    #: names of nice-to-have terms: not searched, used by the narrower variant
    nice: tuple[str, ...] = ()
    #: the places asked for, resolved through the place table
    places: "tuple[Place, ...]" = ()
    #: the level asked for (boards with a seniority filter use it there)
    level: str | None = None


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _versioned(key: tuple[str, ...], kept: tuple[str, ...]) -> bool:
    """'C++17' beside 'C++': a version glued to a name ending in a symbol, which the
    engines split from it, so it finds nobody new."""
    if len(key) != 1 or len(kept) != 1 or kept[0][-1:] not in ("+", "#"):
        return False
    rest = key[0][len(kept[0]) :]
    return key[0].startswith(kept[0]) and rest.replace(".", "").isdigit()


class _Collector:
    """Builds one group, skipping duplicates and words too short to search safely."""

    def __init__(self, notes: list[str], *, subsume: bool = False) -> None:
        self.items: list[Alternative] = []
        self.keys: list[tuple[str, ...]] = []
        self.seen: set[tuple[str, ...]] = set()
        self.notes = notes
        self.subsume = subsume

    def add(self, text: str, source: str, *, quiet: bool = False) -> None:
        cleaned = clean_text(text)
        key = _key(text)
        if not cleaned or key in self.seen:
            return
        if sum(ch.isalnum() or ch in "+#" for ch in cleaned) < 2:
            # A bare one-letter word ("R", "C") matches everything; aliases carry the term.
            # C# and C++ are two characters of a name, not one letter.
            if not quiet:
                self.notes.append(f"left out {cleaned!r} ({source}): one letter matches everything")
            return
        alternative = Alternative(cleaned, source)
        if self.subsume:
            if any(_contains(key, kept) or _versioned(key, kept) for kept in self.seen):
                return  # "Apache Kafka" finds nobody "Kafka" does not; nor "C++17" "C++"
            wider = [i for i, item in enumerate(self.items) if _contains(self.keys[i], key)]
            if wider:
                # "Vue" after "Vue.js": the shorter finds everyone the longer did; it takes
                # the longer one's place in the ranking.
                self.items[wider[0]] = alternative
                self.keys[wider[0]] = key
                for i in reversed(wider[1:]):
                    del self.items[i], self.keys[i]
                self.seen = set(self.keys)
                return
        self.seen.add(key)
        self.keys.append(key)
        self.items.append(alternative)


def skill_group(
    term: Term, options: Options, notes: list[str], implied: Sequence[Term] = ()
) -> Group:
    """A term's alternatives, ranked, as the mode asks; then, but in strict mode, the top
    name of each term whose use implies it (``implied``: its ``implied_by`` terms)."""
    skill = _Collector(notes, subsume=True)
    # A one-letter name (R, C) is never searched; the term's aliases carry it, as the
    # term file says, so this is no news worth a warning on every search.
    if term.search_name:
        skill.add(term.name, term.where("name"), quiet=True)
    for alias in term.aliases:
        skill.add(alias, term.where("aliases"))
    if options.exhaustive:
        for variant in term.rare:
            skill.add(variant, term.where("rare"))
    if not skill.items:
        raise QueryError(
            f"{term.path}: no searchable name or alias for {term.slug!r}; add an alias of "
            "two or more letters"
        )
    items = skill.items
    if options.mode != "broad" and not options.exhaustive and len(items) > CORE:
        items = items[:CORE]
    if implied and options.mode != "strict":
        widened = _Collector(notes, subsume=True)
        for item in items:
            widened.add(item.text, item.source, quiet=True)
        for other in implied:
            for word in (other.name, *other.aliases):  # its name, else its first alias
                widened.add(word, f"{term.where('implied_by')}: {other.slug}", quiet=True)
                if _key(word) in widened.seen:
                    break
        items = widened.items
    return Group("skill", f"skill: {term.name}", tuple(items))


def _key(text: str) -> tuple[str, ...]:
    """The words a text is searched by (what makes two alternatives the same)."""
    cleaned = clean_text(text)
    return search_words(cleaned) or (cleaned.casefold(),)


def any_group(
    terms: Sequence[Term],
    options: Options,
    notes: list[str],
    label: str = "any of",
    lookup: Lookup | None = None,
) -> Group:
    """One group that needs one of ``terms``: the top of each term's ranking, sharing the
    room one term would have (every alias in broad mode)."""
    either = _Collector(notes, subsume=True)
    per_term = max(1, CORE // len(terms)) if options.mode != "broad" else 0
    for term in terms:
        group = skill_group(term, options, notes, implied_terms(term, lookup))
        for alternative in group.alternatives[: per_term or None]:
            either.add(alternative.text, alternative.source)
    names = ", ".join(term.name for term in terms)
    return Group("skill", f"{label}: {names}", tuple(either.items))


def build_recipe(
    terms: Sequence[Term],
    options: Options,
    *,
    any_groups: Sequence[Sequence[Term]] = (),
    nice: Sequence[Term] = (),
    lookup: Lookup | None = None,
) -> Recipe:
    """The groups of a search for ``terms`` (all required; the first is the primary), one
    term of each of ``any_groups``, and ``options``; ``nice`` terms are only named.
    ``lookup`` finds the terms a term is implied by (without it, they are left out)."""
    any_groups = [group for group in any_groups if group]
    any_terms = [term for group in any_groups for term in group]
    if not terms and not any_terms and not options.keywords:
        raise QueryError("name at least one term (or --any TERM, or --keyword TEXT)")
    if options.level is not None and options.level not in levels.LEVELS:
        raise QueryError(f"unknown level {options.level!r}; use junior, mid or senior")
    notes: list[str] = []
    groups: list[Group] = []
    primary = terms[0] if terms else any_terms[0] if any_terms else None
    if options.mode is None:
        own = primary.mode if primary is not None and primary.mode in MODES else "balanced"
        options = options._replace(mode=own)  # type: ignore[arg-type]

    for term in terms:
        groups.append(skill_group(term, options, notes, implied_terms(term, lookup)))
    for either in any_groups:
        groups.append(any_group(either, options, notes, lookup=lookup))
    for keyword in options.keywords:
        words = _Collector(notes)
        words.add(keyword, "--keyword")
        if words.items:
            groups.append(Group("skill", f"keyword: {words.items[0].text}", tuple(words.items)))

    titles = _Collector(notes)
    for title in options.extra_titles:
        titles.add(title, "--title")
    if options.mode == "strict" and options.titles:
        for word in levels.ROLE_WORDS:
            titles.add(word, levels.SOURCE)
        if primary is not None:
            role_words = {w.casefold() for w in levels.ROLE_WORDS}
            for title in (primary.titles.typical, *primary.titles.also_try):
                if not role_words & set(search_words(title)):
                    titles.add(title, primary.where("titles"))
    elif not options.titles and options.mode != "strict":
        notes.append("--no-titles changes nothing here: only --mode strict adds titles")
    if titles.items:
        groups.append(Group("title", "job titles", tuple(titles.items)))

    level_words = levels.LEVELS[options.level] if options.level else levels.LevelWords()
    if level_words.words:
        words = _Collector(notes)
        for text in level_words.words:
            words.add(text, levels.SOURCE)
        groups.append(Group("level", f"{options.level} titles", tuple(words.items)))

    resolved: list[Place] = []
    remote = options.remote
    if options.locations:
        from sourcer.places import resolve

        places = _Collector(notes)
        for given in options.locations:
            if given.strip().casefold() in ("remote", "remotely", "anywhere"):
                remote = True
                notes.append(
                    f"{given!r} is no place: searched as --remote, a requirement of its own"
                )
                continue
            place = resolve(given)
            resolved.append(place)
            if not place.known:
                notes.append(f"{given!r} is not in the place table: searched as written")
            for name in place.names[:2]:  # the English name and the local one (München)
                places.add(name, "--location" if name == given else "place table (sourcer/places)")
        if places.items:
            kind = "keywords" if options.location_as_keyword else ""
            groups.append(Group("location", "location", tuple(places.items), kind))
    if options.mode == "strict" and options.titles and resolved:
        _add_local_titles(groups, resolved)
    if remote:
        groups.append(Group("remote", "remote", (Alternative("remote", "--remote"),)))

    positives = {
        search_words(a.text) for g in groups if g.role != "exclude" for a in g.alternatives
    }
    # Nor what the term's own people are called, searched or not: a product-management
    # search keeps "manager", since its people are Product Managers.
    positives.update(
        search_words(text)
        for term in (*terms, *any_terms)
        for text in (term.name, *term.aliases, term.titles.typical, *term.titles.also_try)
    )
    searched = _Searched(positives)
    for group in _exclusions(terms, any_terms, options, level_words, notes):
        if group.kind != "user":
            # A shared exclusion never removes what the search asks for: "Staff" stays out
            # of the mid-level ladder when "Member of Technical Staff" is a title.
            kept = tuple(a for a in group.alternatives if not searched(a.text))
            if kept:
                groups.append(group._replace(alternatives=kept))
            continue
        for item in group.alternatives:
            if searched(item.text):
                notes.append(
                    f"{item.text!r} is both searched for and excluded: no result can match"
                )
        groups.append(group)
    return Recipe(
        tuple(groups),
        tuple(notes),
        tuple(term.name for term in nice),
        tuple(resolved),
        options.level,
    )


class _Searched:
    """Whether a text's words stand, in order, in one of the phrases a search asks for.

    Asked of every alternative of every exclusion, against every name, alias and title of
    the terms: a single word (most exclusions) is looked up among all their words at once.
    """

    def __init__(self, positives: "set[tuple[str, ...]]") -> None:
        self.positives = positives
        self.words = {word for phrase in positives for word in phrase}

    def __call__(self, text: str) -> bool:
        words = search_words(text)
        if len(words) == 1:
            return words[0] in self.words
        return any(_contains(phrase, words) for phrase in self.positives)


def _add_local_titles(groups: list[Group], places: "Sequence[Place]") -> None:
    """Strict mode searching a country: its languages' common job titles join the role
    words (Softwareentwickler in Munich, Ingénieur logiciel in Lyon)."""
    from sourcer.places.table import LOCAL_TITLES

    languages = [lang for p in places if p.country for lang in p.country.languages]
    for index, group in enumerate(groups):
        if group.role != "title":
            continue
        titles = _Collector([])
        for alternative in group.alternatives:
            titles.add(alternative.text, alternative.source)
        for language in dict.fromkeys(languages):
            for title in LOCAL_TITLES.get(language, ()):
                titles.add(title, f"local titles ({language}), sourcer/places/table.py")
        groups[index] = group._replace(alternatives=tuple(titles.items))


def _exclusions(
    terms: Sequence[Term],
    any_terms: Sequence[Term],
    options: Options,
    level_words: levels.LevelWords,
    notes: list[str],
) -> list[Group]:
    groups: list[Group] = []
    user = _Collector(notes)
    for text in options.excludes:
        user.add(text, "--exclude")
    if user.items:
        groups.append(Group("exclude", "exclude: yours", tuple(user.items), "user"))
    if level_words.ladder:
        ladder = _Collector(notes)
        for text in level_words.ladder:
            ladder.add(text, levels.SOURCE)
        groups.append(
            Group(
                "exclude", f"exclude: levels around {options.level}", tuple(ladder.items), "level"
            )
        )
    people = _Collector(notes)
    lists = [
        () if options.keep_recruiters else levels.RECRUITERS,
        () if options.keep_managers else levels.MANAGERS,
    ]
    for pair in _interleave(*lists):
        people.add(pair, levels.SOURCE)
    if people.items:
        groups.append(
            Group("exclude", "exclude: people who list a stack", tuple(people.items), "people")
        )
    if options.term_exclusions:
        sense = _Collector(notes)
        for term in (*terms, *any_terms):
            for text in term.exclude:
                sense.add(text, term.where("exclude"))
        if sense.items:
            groups.append(Group("exclude", "exclude: other meanings", tuple(sense.items), "sense"))
    return groups


def _interleave(*lists: Sequence[str]) -> list[str]:
    """a1, b1, a2, b2, ...: the most useful of each list first."""
    longest = max((len(items) for items in lists), default=0)
    return [items[i] for i in range(longest) for items in lists if i < len(items)]
