"""Validated terms kept as JSON, so that answering a query reads no YAML.

A term file is parsed and validated once; the :class:`~sourcer.library.schema.Term` it gave
is kept as a JSON record and read back while the file is unchanged. Two places hold them:

- **compiled**: the shipped library, compiled into the package when the wheel is built
  (``sourcer/compiled/<slug>.marshal``). A record holds the bytes of the YAML it was made
  from, and is used only while the shipped file still has exactly those bytes.
- **the user's cache** (``$SOURCER_HOME/cache/terms``), written on first use of any file that
  has no compiled record: the user's own terms, ``--terms-dir`` folders, and the shipped ones
  in a source checkout. A record names the file and its modification time and size.

A record is never trusted: one that cannot be read, is of the wrong shape or describes
another file or another version of it is ignored, and the file is read and validated afresh.
Only valid terms are kept; a file with errors is read (and its errors reported) every time.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from sourcer.library.schema import Level, Question, Term, Titles

#: Bumped whenever a record's layout changes, so older records are ignored.
VERSION = 4
#: A record larger than this is not one of ours.
MAX_RECORD = 1_000_000

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
COMPILED_DIR = os.path.join(_PACKAGE_DIR, "compiled")


def load_term(path: str, origin: str, cache_dir: str | None) -> Term:
    """The validated term in ``path``: from a record that matches the file, else from the
    file itself (raising TermFileError with every problem), recorded for next time."""
    try:
        stat = os.stat(path)
    except OSError:
        stat = None
    if stat is not None:
        term = _from_compiled(path, origin, stat.st_size)
        if term is not None:
            return term
        record_path = _record_path(cache_dir, path)
        stamp = [stat.st_mtime_ns, stat.st_size]
        if record_path is not None:
            term = _from_record(_read_record(record_path), path, origin, {"stamp": stamp})
            if term is not None:
                return term
    from sourcer.library.check import read_term

    term = read_term(path, origin)
    if stat is not None and record_path is not None:
        _write_record(record_path, {"stamp": stamp, "source": path}, term)
    return term


# -- the compiled library -------------------------------------------------------------


#: the shipped files' index records, compiled beside the terms (see :func:`compiled_index`)
INDEX_FILE = "index.marshal"


def compile_folder(folder: str, out: str) -> int:
    """Write a compiled record for every valid term file of ``folder`` into ``out`` (for the
    wheel), and the index records of all of them; returns how many terms. A file with
    errors is left out of the terms and read from YAML.

    Compiled records are ``marshal`` data (read without importing anything, as Python reads
    its own bytecode): the term, and the exact bytes of the YAML file it came from.
    """
    import marshal

    from sourcer.errors import TermFileError
    from sourcer.library.check import read_term
    from sourcer.library.skim import file_record
    from sourcer.library.store import INDEX_VERSION, term_files

    os.makedirs(out, exist_ok=True)
    count = 0
    index: dict[str, list[Any]] = {}
    for path in term_files(folder):
        with open(path, "rb") as handle:
            source = handle.read()
        found = file_record(path)
        if found is not None:
            index[os.path.basename(path)] = [source, *found[2:]]
        try:
            term = read_term(path, "builtin")
        except TermFileError:
            continue
        record = {"version": VERSION, "source": source, "term": _record(term)}
        with open(os.path.join(out, f"{term.slug}.marshal"), "wb") as handle:
            handle.write(marshal.dumps(record))
        count += 1
    with open(os.path.join(out, INDEX_FILE), "wb") as handle:
        handle.write(marshal.dumps({"version": INDEX_VERSION, "files": index}))
    return count


def compiled_index(version: int) -> dict[str, list[Any]]:
    """The index records of the shipped term files as the wheel was built with them, by file
    name: ``[the file's bytes, name, category, words]``. Each is used only for a file that
    still holds exactly those bytes (:func:`sourcer.library.skim.file_record`), so a cold
    index reads the shipped files without skimming them. Empty where there are none (a
    source checkout) or they were made for another version of the index."""
    import marshal

    try:
        with open(os.path.join(COMPILED_DIR, INDEX_FILE), "rb") as handle:
            data = marshal.loads(handle.read())  # noqa: S302 - shipped in the wheel
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(data, dict) or data.get("version") != version:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    return {
        name: known
        for name, known in files.items()
        if isinstance(known, list)
        and len(known) == 4
        and isinstance(known[0], bytes)
        and isinstance(known[1], str)
        and isinstance(known[2], str)
        and isinstance(known[3], list)
        and all(isinstance(word, str) for word in known[3])
    }


def _from_compiled(path: str, origin: str, size: int) -> Term | None:
    if origin != "builtin":
        return None
    import marshal

    slug = os.path.basename(path)[: -len(".yaml")]
    try:
        with open(os.path.join(COMPILED_DIR, f"{slug}.marshal"), "rb") as handle:
            record = marshal.loads(handle.read(MAX_RECORD))  # noqa: S302 - shipped in the wheel
        with open(path, "rb") as handle:
            source = handle.read(size + 1)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(record, dict) or record.get("version") != VERSION:
        return None
    return _from_record(record, path, origin, {"source": source})


# -- the user's cache -----------------------------------------------------------------


def _record_path(cache_dir: str | None, path: str) -> str | None:
    """Where the record of ``path`` lives: one file per term file, named by the term file's
    folder (a checksum of its path; the record names the file, so a clash is harmless)."""
    if cache_dir is None:
        return None
    import zlib

    source = os.path.abspath(path)
    folder = format(zlib.crc32(os.path.dirname(source).encode("utf-8", "surrogateescape")), "08x")
    return os.path.join(cache_dir, "terms", f"{folder}-{os.path.basename(source)[:-5]}.json")


def _write_record(record_path: str, meta: dict[str, Any], term: Term) -> None:
    # The cache only saves time: failing to write it (read-only home, full disk) is not an
    # error worth reporting.
    from sourcer.fsutil import replace_files

    meta = {**meta, "source": os.path.abspath(meta["source"])}
    with contextlib.suppress(OSError, UnicodeEncodeError):
        replace_files([(record_path, _dumps(meta, term))])


# -- records --------------------------------------------------------------------------


def _record(term: Term) -> dict[str, Any]:
    data = term.to_dict()
    del data["origin"]
    data["lines"] = dict(term.lines)
    return data


def _dumps(meta: dict[str, Any], term: Term) -> str:
    import json

    return json.dumps({"version": VERSION, **meta, "term": _record(term)}, ensure_ascii=False)


def _read_record(record_path: str) -> dict[str, Any] | None:
    import json  # only for the user's cache: the compiled library is read without it

    try:
        with open(record_path, "rb") as handle:
            raw = handle.read(MAX_RECORD + 1)
        if len(raw) > MAX_RECORD:
            return None
        record = json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("version") != VERSION:
        return None
    return record


def _from_record(
    record: dict[str, Any] | None, path: str, origin: str, expect: dict[str, Any]
) -> Term | None:
    """The term in ``record`` if it holds everything ``expect`` says, and is well formed."""
    if record is None:
        return None
    for key, value in expect.items():
        if record.get(key) != value:
            return None
    if "stamp" in expect and record.get("source") != os.path.abspath(path):
        return None
    try:
        return _term(record["term"], path, origin)
    except (KeyError, TypeError, ValueError):
        return None


def _term(data: Any, path: str, origin: str) -> Term:
    """A Term from its record, checking every field's type (ValueError or TypeError if not)."""
    if not isinstance(data, dict):
        raise TypeError("not a mapping")
    titles = _dict(data["titles"])
    levels = {
        _str(name): Level(
            _str(_dict(level)["years"]), _strs(level["indicators"]), _strs(level["keywords"])
        )
        for name, level in _dict(data["levels"]).items()
    }
    interview = tuple(
        Question(_str(_dict(q)["level"]), _str(q["question"]), _str(q["expected"]))
        for q in _list(data["interview"])
    )
    lines = {_str(key): _int(line) for key, line in _dict(data["lines"]).items()}
    slug = _str(data["slug"])
    if slug != os.path.basename(path)[: -len(".yaml")]:
        raise ValueError("a record of another term")
    return Term(
        slug=slug,
        name=_str(data["name"]),
        summary=_str(data["summary"]),
        titles=Titles(_str(titles["typical"]), _strs(titles["also_try"])),
        category=_str(data["category"]),
        search_name=_bool(data["search_name"]),
        mode=_str(data["mode"]),
        aliases=_strs(data["aliases"]),
        rare=_strs(data["rare"]),
        similar=_strs(data["similar"]),
        related=_strs(data["related"]),
        implied_by=_strs(data["implied_by"]),
        resume_examples=_strs(data["resume_examples"]),
        levels=levels,
        interview=interview,
        red_flags=_strs(data["red_flags"]),
        exclude=_strs(data["exclude"]),
        sources=_strs(data["sources"]),
        origin=origin,
        path=path,
        lines=lines,
    )


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not true or false")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not a number")
    return value


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("not a mapping")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(_str(item) for item in _list(value))
