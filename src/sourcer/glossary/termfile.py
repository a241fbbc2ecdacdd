"""Writing a term file from a glossary page record, for a person to curate.

The file's keys, and the keys inside ``titles``, ``levels`` and ``interview``, come out in
the order the one term schema (:mod:`sourcer.library.schema`) defines; a key the schema does
not know is a programming error here, not a file the linter refuses later. Every text is a
JSON string (always valid YAML, whatever it holds); long prose is folded; links are slugs on
one line. What a page cannot give (aliases, level keywords, exclusions) is written empty under
a "TODO curate" comment.
"""

import json
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import NamedTuple, TypeAlias

from sourcer import __version__
from sourcer.glossary.page import GlossaryPage
from sourcer.library.schema import (
    LEVEL_KEYS,
    LEVELS,
    QUESTION_KEYS,
    SCHEMA_KEYS,
    TITLE_KEYS,
    Level,
)

#: Width a folded text is wrapped to, indentation included.
WIDTH = 88


class Folded(str):
    """Prose written as a folded block (``key: >-``), wrapped to :data:`WIDTH`; its spacing
    is made single, as folding would make it."""

    def __new__(cls, text: str) -> "Folded":
        return super().__new__(cls, " ".join(text.split()))


class Word(str):
    """A bare YAML word, unquoted (a level name)."""


class Slugs(tuple[str, ...]):
    """Slugs of other terms, written on one line: ``[scala, elixir]``."""


class Curate(NamedTuple):
    """A value with a comment line above its key, telling the curator what to do."""

    comment: str
    value: "Value"


#: What a key of a term file holds: a plain ``str`` is written quoted; a tuple is a list of
#: texts, or of mappings (the interview questions).
Value: TypeAlias = (
    "str | Slugs | Curate | tuple[str, ...] | Mapping[str, Value] | tuple[Mapping[str, Value], ...]"
)

#: The order of a mapping's keys, by the key it sits under ("" for the file itself; for a list
#: of mappings, such as ``interview``, the list's key gives the order of each item's keys).
KEY_ORDER: dict[str, tuple[str, ...]] = {
    "": SCHEMA_KEYS,
    "titles": TITLE_KEYS,
    "levels": LEVELS,
    **dict.fromkeys(LEVELS, LEVEL_KEYS),
    "interview": QUESTION_KEYS,
}


def slugify(name: str) -> str:
    """A file name for a term name: 'C#' -> csharp, 'C++' -> cpp, 'Node.js' -> nodejs."""
    text = name.casefold().replace("c#", "csharp").replace("f#", "fsharp").replace("++", "pp")
    text = text.replace(".js", "js").replace(".net", "dotnet")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "term"


def term_yaml(
    page: GlossaryPage,
    source: str,
    resolve: Callable[[str], str | None],
    today: date | None = None,
) -> str:
    """The term file for ``page``, citing ``source``. ``resolve`` turns a name into the slug
    of an existing term, or None; names it cannot resolve are left in a curation note."""
    day = (today or date.today()).isoformat()
    header = [
        f"# Imported by sourcer {__version__} from {_escaped(source)} on {day}.",
        "# Curate before relying on it: the page gives no aliases, level keywords or exclusions.",
    ]
    record = term_record(page, source, resolve)
    text = "\n".join([*header, render(record)])
    check_round_trip(text, record)
    return text


def check_round_trip(text: str, record: Mapping[str, Value]) -> None:
    """ValueError unless ``text`` loads back as exactly ``record``: nothing the page held can
    have become YAML of its own, or lost a character on the way."""
    from sourcer.yamlload import YAMLSyntaxError, load

    try:
        loaded = load(text, "<imported>")
    except YAMLSyntaxError as err:
        raise ValueError(f"the term file would not load back ({err})") from err
    wanted = _plain(record)
    if loaded != wanted:
        assert isinstance(wanted, dict)
        differ = [
            key for key in wanted if not isinstance(loaded, dict) or loaded.get(key) != wanted[key]
        ]
        raise ValueError(f"the term file would not load back as written ({', '.join(differ)})")


def _plain(value: object) -> object:
    """A record as YAML loads it: curation notes gone, tuples as lists, mappings as dicts."""
    if isinstance(value, Curate):
        return _plain(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def _escaped(text: str) -> str:
    """``text`` with every unprintable character (anything YAML could read as a line break
    or refuse) written as ``\\uXXXX``: safe in a comment line and inside a JSON string."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(ord(char)) for char in text)


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"  # YAML reads both


def term_record(
    page: GlossaryPage, source: str, resolve: Callable[[str], str | None]
) -> dict[str, Value]:
    """The keys of the term file for ``page`` (see :func:`term_yaml`), in any order."""
    record: dict[str, Value] = {
        "name": page.name,
        "category": page.industry,
        "summary": Folded(page.summary),
        "aliases": Curate(
            "how candidates write this skill (spellings, abbreviations, old names)", ()
        ),
        "similar": _links(page.similar, resolve),
        "related": _links(page.related, resolve),
        "titles": {"typical": page.typical_title, "also_try": page.also_try},
        "resume_examples": page.resume_examples,
        "red_flags": page.red_flags,
        "exclude": Curate(
            "words that mark another meaning of the name, to keep out of searches", ()
        ),
        "sources": (source,),
    }
    if not page.industry:  # a layout that names no industry: no category, not an empty one
        del record["category"]
    if page.levels:
        record["levels"] = {name: _level(level) for name, level in page.levels.items()}
    if page.interview:
        record["interview"] = tuple(
            {"level": Word(q.level), "question": q.question, "expected": Folded(q.expected)}
            for q in page.interview
        )
    return record


def _links(names: Sequence[str], resolve: Callable[[str], str | None]) -> Value:
    """The slugs of the names that are terms, with a curation note naming the others."""
    slugs: list[str] = []
    unknown: list[str] = []
    for name in names:
        slug = resolve(name)
        if slug is None:
            unknown.append(name)
        elif slug not in slugs:
            slugs.append(slug)
    if unknown:
        return Curate(f"not in the library yet: {', '.join(unknown)}", Slugs(slugs))
    return Slugs(slugs)


def _level(level: Level) -> dict[str, Value]:
    fields: dict[str, Value] = {"years": level.years} if level.years else {}
    fields["indicators"] = level.indicators
    fields["keywords"] = level.keywords or Curate("searchable words that signal this level", ())
    return fields


# -- YAML text ------------------------------------------------------------------------------


def render(record: Mapping[str, Value]) -> str:
    """The YAML text of a term record, every mapping's keys in the schema's order;
    ValueError for a key the schema does not have."""
    return "\n".join(_mapping(record, "", "")) + "\n"


def _mapping(record: Mapping[str, Value], parent: str, indent: str) -> list[str]:
    """The lines of a mapping under the key ``parent``, its keys in the schema's order."""
    order = KEY_ORDER[parent]
    unknown = [key for key in record if key not in order]
    if unknown:
        raise ValueError(f"{parent or 'the term'}: keys not in the term schema: {unknown}")
    lines: list[str] = []
    for key in order:
        if key in record:
            lines.extend(_entry(key, record[key], indent))
    return lines


def _entry(key: str, value: Value, indent: str) -> list[str]:
    if isinstance(value, Curate):
        return [f"{indent}# TODO curate: {value.comment}", *_entry(key, value.value, indent)]
    if isinstance(value, Folded):
        return _folded(key, value, indent)
    if isinstance(value, Word):
        return [f"{indent}{key}: {value}"]
    if isinstance(value, str):
        return [f"{indent}{key}: {_quoted(value)}"]
    if isinstance(value, Slugs):
        return [f"{indent}{key}: [{', '.join(value)}]"]
    if isinstance(value, Mapping):
        return [f"{indent}{key}:", *_mapping(value, key, indent + "  ")]
    if not value:
        return [f"{indent}{key}: []"]
    lines = [f"{indent}{key}:"]
    for item in value:
        if isinstance(item, str):
            lines.append(f"{indent}  - {_quoted(item)}")
        else:  # a mapping in a list: its first key follows the dash
            first, *rest = _mapping(item, key, indent + "    ")
            lines.extend([f"{indent}  - {first.lstrip()}", *rest])
    return lines


def _quoted(text: str) -> str:
    """A YAML scalar: a JSON string, with what JSON leaves raw but YAML reads as a line break
    or refuses (NEL, the Unicode line and paragraph separators, C1 controls) escaped too."""
    return _escaped(json.dumps(text, ensure_ascii=False))


def _folded(key: str, text: str, indent: str) -> list[str]:
    if not text:
        return [f'{indent}{key}: ""']
    if not text.isprintable() or text != " ".join(text.split()):
        return [f"{indent}{key}: {_quoted(text)}"]  # folding would change it: quote it
    wrapped = textwrap.wrap(
        text, width=WIDTH - len(indent) - 2, break_on_hyphens=False, break_long_words=False
    )
    return [f"{indent}{key}: >-", *(f"{indent}  {line}" for line in wrapped)]
