"""From terms and options to a recipe: ordered groups of alternatives, each with its source.

The recipe does not depend on the board. Modes:

- ``broad``: skills (one group per term) [and locations];
- ``balanced`` (default): skills, job titles [and seniority words for --level];
- ``strict``: balanced, and the primary term's keywords for the level.

Exclusions (the terms' ``exclude`` and ``--exclude``) apply in every mode.
"""

from collections.abc import Sequence
from typing import Literal, NamedTuple

from sourcer.errors import QueryError
from sourcer.query import levels
from sourcer.query.model import clean_text
from sourcer.terms import Term

Mode = Literal["broad", "balanced", "strict"]
Role = Literal["skill", "title", "level", "keywords", "location", "exclude"]
MODES: tuple[str, ...] = ("broad", "balanced", "strict")


class Alternative(NamedTuple):
    """One search word or phrase and where it came from (file:line (key), or an option)."""

    text: str
    source: str


class Group(NamedTuple):
    """Alternatives of which a result must match one (or, for exclusions, none)."""

    role: Role
    label: str
    alternatives: tuple[Alternative, ...]


#: the alternatives one part of a search uses, per group (see sourcer.query.fit)
Plan = tuple[tuple[Alternative, ...], ...]


class Options(NamedTuple):
    """What the user asked for, beyond the terms."""

    level: str | None = None
    mode: Mode = "balanced"
    titles: bool = True
    extra_titles: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()


class Recipe(NamedTuple):
    groups: tuple[Group, ...]
    notes: tuple[str, ...] = ()

    def by_role(self, role: Role) -> list[Group]:
        return [group for group in self.groups if group.role == role]


class _Collector:
    """Builds one group, skipping duplicates and words too short to search safely."""

    def __init__(self, notes: list[str]) -> None:
        self.items: list[Alternative] = []
        self.seen: set[str] = set()
        self.notes = notes

    def add(self, text: str, source: str) -> None:
        cleaned = clean_text(text)
        if not cleaned or cleaned.casefold() in self.seen:
            return
        if sum(ch.isalnum() or ch in "+#" for ch in cleaned) < 2:
            # A bare one-letter word ("R", "C") matches everything; aliases carry the term.
            # C# and C++ are two characters of a name, not one letter.
            self.notes.append(f"left out {cleaned!r} ({source}): one letter matches everything")
            return
        self.seen.add(cleaned.casefold())
        self.items.append(Alternative(cleaned, source))


def build_recipe(terms: Sequence[Term], options: Options) -> Recipe:
    """The groups of a search for ``terms`` (the first is the primary)."""
    if not terms:
        raise QueryError("name at least one term")
    if options.level is not None and options.level not in levels.LEVEL_MODIFIERS:
        raise QueryError(f"unknown level {options.level!r}; use junior, mid or senior")
    if options.mode == "strict" and options.level is None:
        raise QueryError("--mode strict adds the level's keywords: give --level too")
    notes: list[str] = []
    groups: list[Group] = []
    primary = terms[0]

    for term in terms:
        skill = _Collector(notes)
        skill.add(term.name, term.where("name"))
        for alias in term.aliases:
            skill.add(alias, term.where("aliases"))
        if not skill.items:
            raise QueryError(
                f"{term.path}: no searchable name or alias for {term.slug!r}; add an alias of "
                "two or more letters"
            )
        groups.append(Group("skill", f"skill: {term.name}", tuple(skill.items)))

    if options.mode != "broad":
        titles = _Collector(notes)
        for title in options.extra_titles:
            titles.add(title, "--title")
        if options.titles:
            titles.add(primary.titles.typical, primary.where("titles.typical"))
            for title in primary.titles.also_try:
                titles.add(title, primary.where("titles.also_try"))
        if titles.items:
            groups.append(Group("title", "job titles", tuple(titles.items)))
        if options.level is not None:
            words = _Collector(notes)
            for modifier in levels.LEVEL_MODIFIERS[options.level]:
                words.add(modifier, levels.SOURCE)
            if words.items:
                groups.append(Group("level", f"{options.level} titles", tuple(words.items)))

    if options.mode == "strict" and options.level is not None:
        keywords = _Collector(notes)
        level = primary.levels.get(options.level)
        key = f"levels.{options.level}.keywords"
        for keyword in level.keywords if level else ():
            keywords.add(keyword, primary.where(key))
        if keywords.items:
            groups.append(Group("keywords", f"{options.level} keywords", tuple(keywords.items)))
        else:
            notes.append(f"{primary.slug} has no {key}: strict mode adds nothing to balanced")

    if options.locations:
        places = _Collector(notes)
        for place in options.locations:
            places.add(place, "--location")
        if places.items:
            groups.append(Group("location", "location", tuple(places.items)))

    exclude = _Collector(notes)
    for term in terms:
        for text in term.exclude:
            exclude.add(text, term.where("exclude"))
    for text in options.excludes:
        exclude.add(text, "--exclude")
    if exclude.items:
        positives = {
            a.text.casefold() for g in groups for a in g.alternatives if g.role != "exclude"
        }
        for item in exclude.items:
            if item.text.casefold() in positives:
                notes.append(
                    f"{item.text!r} is both searched for and excluded: no result can match"
                )
        groups.append(Group("exclude", "exclude", tuple(exclude.items)))
    return Recipe(tuple(groups), tuple(notes))
