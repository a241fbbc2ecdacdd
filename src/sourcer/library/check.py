"""Checking term files: every problem of a file at once, as ``path:line: message``.

:func:`read_term` loads a file or raises :class:`TermFileError`; :func:`check_term_text`
validates text (the importer checks a page's term in memory before writing it). Checks
that need the whole library (links between terms, aliases claimed twice) live in
:mod:`sourcer.library.store`.
"""

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from sourcer.errors import Problem, TermFileError
from sourcer.library.schema import (
    LEVEL_KEYS,
    LEVELS,
    QUESTION_KEYS,
    SCHEMA_KEYS,
    SLUG_RE,
    TITLE_KEYS,
    YEARS_RE,
    Level,
    Question,
    Term,
    Titles,
    search_words,
    slug_of,
)
from sourcer.typography import find_typography
from sourcer.yamlload import LineDict, LineList, YAMLSyntaxError, load


def read_term(path: str | os.PathLike[str], origin: str = "builtin") -> Term:
    """Load and validate one term file; raise TermFileError listing every problem."""
    term, problems = check_term_file(path, origin)
    errors = [p for p in problems if p.severity == "error"]
    if errors or term is None:
        raise TermFileError(errors or problems)
    return term


def check_term_file(
    path: str | os.PathLike[str], origin: str = "builtin", *, partial: bool = False
) -> tuple[Term | None, list[Problem]]:
    """Validate one term file. Returns the term (None if it has errors, unless ``partial``:
    then whatever could be read, so that its links can be checked in the same run) and all
    problems."""
    shown = os.fspath(path)
    from sourcer.textfile import ReadError, read_text

    try:
        text = read_text(shown)
    except ReadError as err:
        return None, [Problem(shown, err.line, err.reason)]
    return check_term_text(text, shown, slug_of(path), origin, partial=partial)


def check_term_text(
    text: str, path: str, slug: str, origin: str = "builtin", *, partial: bool = False
) -> tuple[Term | None, list[Problem]]:
    """Validate the YAML ``text`` of the term ``slug``; see :func:`check_term_file`."""
    checker = Checker(path)
    if not path.endswith(".yaml"):
        checker.error(1, "a term file's name must end in .yaml")
    if not SLUG_RE.match(slug):
        checker.error(
            1,
            f"file name {slug!r} is not a valid slug: use lowercase letters, digits and "
            f"single hyphens, e.g. {_suggest_slug(slug)}.yaml",
        )
    try:
        data = load(text, path)
    except YAMLSyntaxError as err:
        return None, [*checker.problems, err.problem]
    if not isinstance(data, LineDict):
        checker.error(
            getattr(data, "line", 1),
            f"a term file must be a mapping of keys (name, summary, titles, ...), "
            f"not {_kind(data)}",
        )
        return None, checker.problems
    term = checker.term(data, slug, origin)
    has_errors = any(p.severity == "error" for p in checker.problems)
    return (None if has_errors and not partial else term), checker.problems


def _suggest_slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "my-term"


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean (quote it if you meant text)"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    import difflib  # only on this error path: it costs start-up time

    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(choices)}"


class Checker:
    """Walks one parsed term file, collecting problems and building the Term."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, "warning"))

    # -- structure ---------------------------------------------------------------------

    def mapping(
        self, value: object, where: str, line: int, keys: tuple[str, ...], noun: str = "key"
    ) -> LineDict | None:
        """Check that ``value`` is a mapping with only ``keys``; report unknown/duplicate keys."""
        if not isinstance(value, LineDict):
            self.error(line, f"{where}: expected a mapping, got {_kind(value)}")
            return None
        for key, dup_line in value.duplicates:
            self.error(dup_line, f"{where}{key}: key appears twice; keep one")
        for key in value:
            if key not in keys:
                hint = _did_you_mean(str(key), keys)
                self.error(value.key_lines[key], f"unknown {noun} {where}{key!s}{hint}")
        return value

    def text(self, value: object, where: str, line: int) -> str | None:
        """Check a non-empty string free of curly quotes and dashes."""
        if not isinstance(value, str):
            self.error(line, f"{where}: expected text, got {_kind(value)}")
            return None
        if not value.strip():
            self.error(line, f"{where}: empty text; remove the key or write something")
            return None
        for typo in find_typography(value):  # every one, so one run shows them all
            self.error(line, f"{where}: {typo.describe()}")
        if value.lstrip().startswith("TODO"):
            self.warning(line, f"{where}: placeholder text left to fill in")
        return value.strip()

    def flag(self, value: object, where: str, line: int) -> bool | None:
        """Check a true/false value."""
        if not isinstance(value, bool):
            self.error(line, f"{where}: expected true or false, got {_kind(value)}")
            return None
        return value

    def texts(self, value: object, where: str, line: int) -> tuple[str, ...]:
        """Check a list of distinct non-empty strings."""
        if not isinstance(value, LineList):
            self.error(line, f"{where}: expected a list, got {_kind(value)} (write [] for none)")
            return ()
        items: list[str] = []
        seen: dict[str, int] = {}
        for index, (item, item_line) in enumerate(zip(value, value.item_lines, strict=True)):
            checked = self.text(item, f"{where}[{index}]", item_line)
            if checked is None:
                continue
            folded = checked.casefold()
            if folded in seen:
                self.error(
                    item_line,
                    f"{where}[{index}]: {checked!r} is listed twice (also line {seen[folded]})",
                )
                continue
            seen[folded] = item_line
            items.append(checked)
        return tuple(items)

    # -- the term ----------------------------------------------------------------------

    def term(self, data: LineDict, slug: str, origin: str) -> Term:
        self.mapping(data, "", data.line, SCHEMA_KEYS)
        lines = data.key_lines
        self.lines.update({str(k): v for k, v in lines.items()})

        def get(key: str, check: Callable[[object, str, int], Any], default: Any) -> Any:
            if key not in data:
                return default
            result = check(data[key], key, lines[key])
            return default if result is None else result

        name = get("name", self.text, "")
        summary = get("summary", self.text, "")
        for required in ("name", "summary"):
            if required not in data:
                self.error(data.line, f"missing required key {required!r}")
        titles = self.titles(data)
        aliases = get("aliases", self.texts, ())
        search_name = get("search_name", self.flag, True)
        mode = get("mode", self.text, "")
        if mode and mode not in ("broad", "balanced", "strict"):
            self.error(lines["mode"], f"mode: {mode!r} is not one of broad, balanced, strict")
            mode = ""
        if not search_name and not aliases:
            self.error(
                lines["search_name"],
                "search_name: false needs aliases to search instead of the name",
            )
        for alias_index, alias in enumerate(aliases):
            if name and alias.casefold() == name.casefold():
                self.error(lines["aliases"], f"aliases[{alias_index}]: {alias!r} repeats the name")
        self.same_words(name, aliases, lines.get("aliases", data.line))
        rare = get("rare", self.texts, ())
        known = {name.casefold(): "the name", **{a.casefold(): "an alias" for a in aliases}}
        for rare_index, variant in enumerate(rare):
            if variant.casefold() in known:
                self.error(
                    lines["rare"],
                    f"rare[{rare_index}]: {variant!r} is already {known[variant.casefold()]}; "
                    "rare lists only variants searched when asked (--exhaustive)",
                )
        similar = get("similar", self.slugs, ())
        related = get("related", self.slugs, ())
        implied_by = get("implied_by", self.slugs, ())
        for key, refs in (("similar", similar), ("related", related), ("implied_by", implied_by)):
            if slug in refs:
                self.error(lines[key], f"{key}: a term cannot point to itself ({slug!r})")
        return Term(
            slug=slug,
            name=name,
            summary=summary,
            titles=titles,
            category=get("category", self.text, ""),
            search_name=search_name,
            mode=mode,
            aliases=aliases,
            rare=rare,
            similar=similar,
            related=related,
            implied_by=implied_by,
            resume_examples=get("resume_examples", self.texts, ()),
            levels=self.levels(data),
            interview=self.interview(data),
            red_flags=get("red_flags", self.texts, ()),
            exclude=get("exclude", self.texts, ()),
            sources=get("sources", self.texts, ()),
            origin=origin,
            path=self.path,
            lines=self.lines,
        )

    def same_words(self, name: str, aliases: tuple[str, ...], line: int) -> None:
        """Warn about an alias a search engine reads as the same words as the name or an
        alias ranked above it ('Node JS' after 'Node.js'): it takes a place in the ranking
        and finds nobody new."""
        seen = {search_words(name): name} if name else {}
        for index, alias in enumerate(aliases):
            words = search_words(alias)
            if words and words in seen:
                self.warning(
                    line,
                    f"aliases[{index}]: {alias!r} is the same words as {seen[words]!r} to a "
                    "search engine (and to look-ups); drop it",
                )
            seen.setdefault(words, alias)

    def slugs(self, value: object, where: str, line: int) -> tuple[str, ...]:
        items = self.texts(value, where, line)
        good = []
        for index, item in enumerate(items):
            if SLUG_RE.match(item):
                good.append(item)
            else:
                item_line = value.item_lines[index] if isinstance(value, LineList) else line
                self.error(
                    item_line,
                    f"{where}[{index}]: {item!r} is not a slug; refer to terms by file name, "
                    f"e.g. {_suggest_slug(item)!r}",
                )
        return tuple(good)

    def titles(self, data: LineDict) -> Titles:
        if "titles" not in data:
            self.error(data.line, "missing required key 'titles' (with 'typical')")
            return Titles("")
        titles = self.mapping(data["titles"], "titles.", data.key_lines["titles"], TITLE_KEYS)
        if titles is None:
            return Titles("")
        self.lines.update({f"titles.{k}": v for k, v in titles.key_lines.items()})
        typical: str | None = ""
        if "typical" in titles:
            typical = self.text(titles["typical"], "titles.typical", titles.key_lines["typical"])
        else:
            self.error(data.key_lines["titles"], "missing required key 'titles.typical'")
        also_try: tuple[str, ...] = ()
        if "also_try" in titles:
            also_try = self.texts(
                titles["also_try"], "titles.also_try", titles.key_lines["also_try"]
            )
        return Titles(typical or "", also_try)

    def levels(self, data: LineDict) -> dict[str, Level]:
        if "levels" not in data:
            return {}
        levels = self.mapping(
            data["levels"], "levels.", data.key_lines["levels"], LEVELS, noun="level"
        )
        result: dict[str, Level] = {}
        if levels is None:
            return result
        for name in LEVELS:  # keep junior, mid, senior order whatever the file's order
            if name not in levels:
                continue
            where = f"levels.{name}"
            line = levels.key_lines[name]
            self.lines[where] = line
            level = self.mapping(levels[name], f"{where}.", line, LEVEL_KEYS)
            if level is None:
                continue
            self.lines.update({f"{where}.{k}": v for k, v in level.key_lines.items()})
            years = ""
            if "years" in level:
                years = self.years(level["years"], f"{where}.years", level.key_lines["years"])
            result[name] = Level(
                years=years,
                indicators=self.optional_texts(level, "indicators", where),
                keywords=self.optional_texts(level, "keywords", where),
            )
        return result

    def optional_texts(self, mapping: LineDict, key: str, where: str) -> tuple[str, ...]:
        if key not in mapping:
            return ()
        return self.texts(mapping[key], f"{where}.{key}", mapping.key_lines[key])

    def years(self, value: object, where: str, line: int) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        text = self.text(value, where, line)
        if text is None:
            return ""
        if not YEARS_RE.match(text):
            self.error(line, f"{where}: {text!r} is not a span of years; write e.g. '0-2' or '4+'")
            return ""
        return re.sub(r"\s+", "", text)

    def interview(self, data: LineDict) -> tuple[Question, ...]:
        if "interview" not in data:
            return ()
        items = data["interview"]
        line = data.key_lines["interview"]
        if not isinstance(items, LineList):
            self.error(line, f"interview: expected a list of questions, got {_kind(items)}")
            return ()
        questions = []
        for index, (item, item_line) in enumerate(zip(items, items.item_lines, strict=True)):
            where = f"interview[{index}]"
            entry = self.mapping(item, f"{where}.", item_line, QUESTION_KEYS)
            if entry is None:
                continue
            values: dict[str, str] = {}
            for key in QUESTION_KEYS:
                if key not in entry:
                    self.error(entry.line, f"{where}: missing {key!r}")
                    continue
                checked = self.text(entry[key], f"{where}.{key}", entry.key_lines[key])
                if checked is not None:
                    values[key] = checked
            level = values.get("level")
            if level is not None and level not in LEVELS:
                self.error(
                    entry.key_lines["level"],
                    f"{where}.level: unknown level {level!r}; use junior, mid or senior",
                )
                continue
            if len(values) == len(QUESTION_KEYS):
                questions.append(Question(**values))
        return tuple(questions)


# -- findings that need the library: worded once, for lint and for imports -----------------


class Located(Protocol):
    """What a cross-file problem needs of a term: its file and the line of each key."""

    @property
    def path(self) -> str: ...

    @property
    def lines(self) -> Mapping[str, int]: ...


def missing_link(term: Located, key: str, ref: str, known: Iterable[str] = ()) -> Problem:
    """``similar`` or ``related`` names a slug the library lacks (with the closest slug it
    has, when one is close)."""
    import difflib  # only on this error path

    close = difflib.get_close_matches(ref, list(known), n=1)
    hint = (
        f"did you mean {close[0]!r}? Or add {ref}.yaml, or remove it"
        if close
        else (f"add {ref}.yaml or remove it")
    )
    return Problem(
        term.path, term.lines.get(key, 1), f"{key}: no term {ref!r} in the library; {hint}"
    )


def claimed_twice(term: Located, key: str, word: str, other_path: str, other_slug: str) -> Problem:
    """A name or alias another term has too."""
    return Problem(
        term.path,
        term.lines.get(key, 1),
        f"{key}: {word!r} is also claimed by {other_path} ({other_slug}); "
        "a name or alias may belong to one term only",
    )
