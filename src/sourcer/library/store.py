"""The layered term library: built-in terms, then the user's, then any ``--terms-dir``.

A later layer overrides an earlier one by slug. Lookup by slug reads one file; lookup by name
or alias uses an index of every file's name, category and aliases, cached per directory and
invalidated by each file's mtime and size, so a library of thousands of terms stays fast.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

from sourcer.errors import Problem, SourcerError, UnknownTermError
from sourcer.home import Home, shipped_dir
from sourcer.library.schema import SLUG_RE, Term, slug_of
from sourcer.library.termcache import load_term

#: raised when the records change, or how they are read does: an older index is rebuilt
INDEX_VERSION = 5

Owner = TypeVar("Owner")


class Layer(NamedTuple):
    """One folder of term files and the name shown as a term's origin."""

    name: str
    path: str


def user_layers(home: Home, terms_dirs: Sequence[str] = ()) -> list[Layer]:
    """The layers every front end reads: the shipped terms, the user's, then each extra
    folder (``--terms-dir``) in the order given."""
    return [
        Layer("builtin", shipped_dir("terms")),
        Layer("user", home.terms),
        *(Layer(path, path) for path in terms_dirs),
    ]


class Entry(NamedTuple):
    """What the index knows of one term file without validating it."""

    slug: str
    name: str
    category: str
    #: every word the term answers to besides its name: aliases, then rare spellings
    aliases: tuple[str, ...]
    origin: str
    path: str

    def to_dict(self) -> dict[str, str]:
        return {
            "slug": self.slug,
            "name": self.name,
            "category": self.category,
            "origin": self.origin,
            "path": self.path,
        }


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _loose(text: str) -> str:
    """A key that ignores punctuation and spacing: 'Node.js', 'node js' and 'nodejs' agree."""
    return _NOT_LOOSE.sub("", text.casefold())


#: what a loose key leaves out: everything but letters, digits, + and #
_NOT_LOOSE = re.compile(r"[^\w+#]|_")

#: in ASCII, what a loose key leaves out (of lower-case text) but the newline
_NOT_LOOSE_ASCII = bytes(
    byte for byte in range(128) if not (chr(byte).isalnum() or chr(byte) in "+#\n")
)
#: ASCII whitespace ``str.split`` splits on, but the space and the newline
_ASCII_SPACES = "\t\r\x0b\x0c\x1c\x1d\x1e\x1f"


def word_keys(words: Sequence[str]) -> tuple[list[str], list[str]]:
    """Each word :func:`fold`-ed and :func:`_loose`-ned, as two lists.

    The same as calling both on each word, which a cold index does for every name and alias
    of the library (100,000 words at 20,000 terms): for the words in plain ASCII, both keys
    come from one pass over all of them joined; the others are worked out one by one."""
    joined = "\n".join(words)
    if joined.isascii():
        return _ascii_keys(words, joined)
    from itertools import compress, count
    from operator import not_

    # the others' places found without a loop of Python's (a library of 20,000 terms
    # has 100,000 words, a few of them not ASCII), keyed as blanks, then one by one
    odd = list(compress(count(), map(not_, map(str.isascii, words))))
    plain = list(words)
    for place in odd:
        plain[place] = ""
    folded, loose = _ascii_keys(plain, "\n".join(plain))
    for place in odd:
        folded[place] = fold(words[place])
        loose[place] = _loose(words[place])
    return folded, loose


def _ascii_keys(words: Sequence[str], joined: str) -> tuple[list[str], list[str]]:
    """:func:`word_keys` of ASCII ``words``, ``joined`` by newlines."""
    if joined.count("\n") != len(words) - 1 or any(space in joined for space in _ASCII_SPACES):
        return [fold(word) for word in words], [_loose(word) for word in words]
    lower = joined.lower()  # casefold, for ASCII
    if "  " in lower or " \n" in lower or "\n " in lower or lower[:1] == " " or lower[-1:] == " ":
        folded = [fold(word) for word in words]  # runs of spaces, or spaces at either end
    else:
        folded = lower.split("\n")
    loose = lower.encode("ascii").translate(None, _NOT_LOOSE_ASCII).decode("ascii").split("\n")
    return folded, loose


def term_files(folder: str) -> Iterator[str]:
    """The ``*.yaml`` files directly inside ``folder``, sorted; nothing if it is missing."""
    for name in term_names(folder):
        yield os.path.join(folder, name)


def term_names(folder: str) -> list[str]:
    """The names of :func:`term_files` (each ends with ``.yaml``)."""
    try:
        return sorted(
            name
            for name in os.listdir(folder)
            if name.endswith(".yaml") and not name.startswith(".")
        )
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as err:
        raise SourcerError(f"{folder}: cannot read the folder ({err.strerror or err})") from err


class Library:
    """The effective set of terms across layers, with lookup and whole-library checks."""

    def __init__(
        self, layers: Sequence[Layer], cache_dir: str | os.PathLike[str] | None = None
    ) -> None:
        self.layers = [Layer(layer.name, os.fspath(layer.path)) for layer in layers]
        self.cache_dir = os.fspath(cache_dir) if cache_dir is not None else None
        self._entries: dict[str, Entry] | None = None
        #: each layer's index records by file name, by the layer's folder (read on first use)
        self._records: dict[str, dict[str, list[Any]]] = {}
        #: a layer's index as just written, by its folder, where its records were not needed
        #: yet: parsed only if they are (a lookup by alias needs the word index alone)
        self._unparsed: dict[str, str] = {}
        #: names and aliases to entries, exactly and ignoring punctuation (built on first use)
        self._words: tuple[dict[str, list[Entry]], dict[str, Entry]] | None = None
        #: set once a cache has been caught out: every file is then read afresh
        self._trust_no_cache = False
        self._words_cache: WordsIndex | None = None

    # -- lookup ------------------------------------------------------------------------

    def get(self, query: str) -> Term:
        """Find a term by slug, name or alias (case-insensitive) and load it."""
        found = self._find_by_slug(query.strip().casefold())
        if found is not None:
            return load_term(found[1], found[0].name, self.cache_dir)
        if self._entries is None and not self._trust_no_cache and self.cache_dir is not None:
            # While no layer's folder has changed since its word index was written, a name or
            # alias is found there (one small file per layer, whatever the library's size).
            # A miss, or a term that does not answer to the word, is settled below.
            words = self._words_index()
            current = words.current()
            if not current:
                # No word index yet, or an old one: indexing the library writes it afresh,
                # and it answers without the word maps (a quarter of a cold lookup) or
                # the entries.
                for layer in self.layers:
                    self._bring_up_to_date(layer)
                current = words.current()
            hit = words.find(fold(query), _loose(query)) if current else None
            if hit is not None:
                term = load_term(hit[1], hit[0].name, self.cache_dir)
                if _claims(term, query):
                    return term
                # the cache is stale or forged: every file is read afresh from here on
                self._forget()
        entry = self.resolve(query)
        term = load_term(entry.path, entry.origin, self.cache_dir)
        if not _claims(term, query) and not self._trust_no_cache:
            # The index said this file answers to the query, but the file does not: the cache
            # is stale or forged. Rebuild it from the files and ask again.
            self._forget()
            return self.get(query)
        return term

    def _forget(self) -> None:
        """A cache was caught out (stale or forged): from here on every file is read afresh."""
        self._trust_no_cache = True
        self._entries = None
        self._records = {}
        self._unparsed = {}
        self._words = None

    def find(self, query: str) -> Term | None:
        """Like :meth:`get`, but None for a missing or invalid term (for optional links)."""
        try:
            return self.get(query)
        except SourcerError:
            return None

    def name_of(self, slug: str) -> str:
        """The name of the term ``slug``, or the slug itself if there is no such term. A
        valid term is read from its own file's record, without indexing the library."""
        found = self._find_by_slug(slug) if self._entries is None else None
        if found is not None:
            with contextlib.suppress(SourcerError):
                return load_term(found[1], found[0].name, self.cache_dir).name
        entry = self.entries().get(slug)
        return entry.name if entry is not None and entry.name else slug

    def _find_by_slug(self, slug: str) -> tuple[Layer, str] | None:
        # The common case reads one file: the top-most layer holding <slug>.yaml wins.
        if not SLUG_RE.match(slug):
            return None
        for layer in reversed(self.layers):
            path = os.path.join(layer.path, f"{slug}.yaml")
            if os.path.isfile(path):
                return layer, path
        return None

    def resolve(self, query: str) -> Entry:
        """Return the index entry for a slug, name or alias; raise UnknownTermError if none."""
        found = self.lookup(query)
        if found is None:
            raise UnknownTermError(query, self.suggest(query))
        return found

    def lookup(self, query: str) -> Entry | None:
        """The entry with this slug, or name or alias in any case, or failing that the same
        letters whatever the punctuation ('Node JS' for Node.js); None if there is none."""
        entries = self.entries()
        folded = fold(query)
        if folded in entries:
            return entries[folded]
        exact, loose = self._word_maps()
        claimants = exact.get(folded)
        return claimants[0] if claimants else loose.get(_loose(query))

    def claimants(self, word: str) -> list[Entry]:
        """Every term whose name or an alias is ``word`` (in any case), by slug."""
        return self._word_maps()[0].get(fold(word), [])

    def _word_maps(self) -> tuple[dict[str, list[Entry]], dict[str, Entry]]:
        if self._words is None:
            from collections import Counter
            from itertools import compress

            owners, words = _spread((e, (e.name, *e.aliases)) for e in self.entries().values())
            folded, loosened = word_keys(words)
            # By slug, the first claimant wins: the maps are made backwards, so that the
            # first claimant is the last written (100,000 words at 20,000 terms, by dict()
            # and one comprehension rather than two setdefault calls a word). A word claimed
            # more than once (by two terms, or by one twice) lists every claimant, in order.
            backwards = list(reversed(owners))
            loose = dict(zip(reversed(loosened), backwards, strict=True))
            exact = {w: [entry] for w, entry in zip(reversed(folded), backwards, strict=True)}
            if len(exact) < len(folded):
                twice = {word for word, times in Counter(folded).items() if times > 1}
                pairs = zip(folded, owners, strict=True)
                for word, entry in compress(pairs, map(twice.__contains__, folded)):
                    users = exact[word]
                    if entry not in users:
                        users.append(entry)
            self._words = (exact, loose)
        return self._words

    def find_by_title(self, title: str) -> list[tuple[str, str, int]]:
        """Terms whose job titles match ``title``, best first: (slug, the title, score).

        A title equal to the typical one scores 3, to an also-try one 2; one holding every
        word asked for scores 1. Reads every term file (titles are not in the index).
        """
        wanted = fold(title)
        words = set(wanted.split())
        found: list[tuple[int, str, str]] = []
        for slug in self.entries():
            term = self.find(slug)
            if term is None:
                continue
            best = (0, "")
            for score, titles in ((3, (term.titles.typical,)), (2, term.titles.also_try)):
                for candidate in titles:
                    folded = fold(candidate)
                    points = score if folded == wanted else 1 if words <= set(folded.split()) else 0
                    best = max(best, (points, candidate))
            if best[0]:
                found.append((best[0], slug, best[1]))
        found.sort(key=lambda item: (-item[0], item[1]))
        return [(slug, matched, points) for points, slug, matched in found]

    def suggest(self, query: str, limit: int = 3) -> list[str]:
        """Slugs whose slug, name or alias is close to ``query``."""
        import difflib  # only on this error path: it costs start-up time

        wanted = fold(query)[:_LONGEST_NAME]
        # difflib's cutoff of 0.75 needs the shorter word at least 0.6 of the longer one
        shortest, longest = len(wanted) * 0.6, len(wanted) / 0.6
        entries = self.entries().values()
        owners, words = _spread((e.slug, (e.slug, e.name, *e.aliases)) for e in entries)
        by_key: dict[str, str] = {}
        for slug, folded in zip(owners, word_keys(words)[0], strict=True):
            if shortest <= len(folded) <= longest:
                by_key.setdefault(folded, slug)
        candidates = list(by_key)
        if len(candidates) > _MOST_COMPARED:
            # Bounded work in a large library: compare only the words that share the most
            # letters in place with the query (from either end), as typos keep most of them.
            candidates.sort(key=_in_place(wanted), reverse=True)
            candidates = candidates[:_MOST_COMPARED]
        close = difflib.get_close_matches(wanted, candidates, n=limit * 3, cutoff=0.75)
        slugs: list[str] = []
        for key in close:
            if by_key[key] not in slugs:
                slugs.append(by_key[key])
        return slugs[:limit]

    def completions(self, incomplete: str) -> list[str]:
        """Slugs and aliases that start with ``incomplete``, for shell completion."""
        prefix = incomplete.casefold()
        words: set[str] = set()
        for entry in self.entries().values():
            for word in (entry.slug, *entry.aliases):
                if word.casefold().startswith(prefix) and " " not in word:
                    words.add(word if word == entry.slug else word.casefold())
        return sorted(words)

    # -- the index ---------------------------------------------------------------------

    def entries(self) -> dict[str, Entry]:
        """Every effective term by slug (later layers override earlier ones), sorted."""
        if self._entries is None:
            merged: dict[str, Entry] = {}
            for layer in self.layers:
                merged.update(self._layer_index(layer))
            self._entries = dict(sorted(merged.items()))
        return self._entries

    def _layer_index(self, layer: Layer) -> dict[str, Entry]:
        prefix = os.path.join(layer.path, "")
        origin = layer.name
        entries: dict[str, Entry] = {}
        for file_name, (_, _, name, category, aliases) in self._layer_records(layer).items():
            slug = file_name[:-5]  # without ".yaml"
            entries[slug] = Entry(slug, name, category, tuple(aliases), origin, prefix + file_name)
        return entries

    def _layer_records(self, layer: Layer) -> dict[str, list[Any]]:
        """Each term file's index record by file name, the layer's caches (the index, and
        its word index) brought up to date on the way; read once per Library."""
        if layer.path not in self._records:
            unparsed = self._unparsed.pop(layer.path, None)
            if unparsed is not None:
                import json

                self._records[layer.path] = json.loads(unparsed)["files"]
            else:
                records = self._read_layer(layer, parsed=True)
                assert records is not None
                self._records[layer.path] = records
        return self._records[layer.path]

    def _bring_up_to_date(self, layer: Layer) -> None:
        """The layer's caches brought up to date, as :meth:`_layer_records` does, without
        keeping its records where that costs more than having them (a cold index)."""
        if layer.path not in self._records and layer.path not in self._unparsed:
            records = self._read_layer(layer, parsed=False)
            if records is not None:
                self._records[layer.path] = records

    def _read_layer(self, layer: Layer, *, parsed: bool) -> dict[str, list[Any]] | None:
        """The layer's records, its caches brought up to date; or, where no file was known
        and ``parsed`` is False, None, the index being kept as the text written of it
        (passing 20,000 records from the second core, gathering and freeing them cost a
        cold lookup 2-3% of its time)."""
        import json  # only the index needs it, not the lookup-by-slug path

        real = os.path.realpath(layer.path)
        cache_path = self._cache_path(real)
        cached: dict[str, Any] = {}
        if cache_path is not None and not self._trust_no_cache:
            # The cache only saves time: anything odd about it (unreadable, huge, deeply
            # nested, the wrong shape) means it is ignored and written afresh.
            try:
                if os.path.getsize(cache_path) <= _CACHE_LIMIT:
                    with open(cache_path, encoding="utf-8") as handle:
                        data = json.load(handle)
                    if (
                        isinstance(data, dict)
                        and data.get("version") == INDEX_VERSION
                        and data.get("folder") == real
                    ):
                        files = data.get("files")
                        cached = files if isinstance(files, dict) else {}
            except (OSError, ValueError, RecursionError):
                cached = {}
        fresh: dict[str, Any] = {}
        folder_stamp = _folder_stamp(layer.path)  # before the listing: a change after it shows
        unread: list[str] = []
        prefix = os.path.join(layer.path, "")  # a file's path is the prefix and its name
        for name in term_names(layer.path):
            record = cached.get(name)
            if record is not None:
                try:
                    stat = os.stat(prefix + name)
                except OSError:
                    continue
                if _good_record(record, [stat.st_mtime_ns, stat.st_size]):
                    fresh[name] = record
                    continue
            fresh[name] = None  # its place in the order of the files
            unread.append(name)
        changed = bool(unread)
        wants_words = self.cache_dir is not None and folder_stamp is not None
        buckets = _bucket_count(len(fresh))
        texts: list[str] | None = None
        cache_text: str | None = None  # the layer's cache as written, when known
        lean = False  # the records then are in the cache's text alone
        if unread:
            from functools import partial

            from sourcer.library.shares import in_shares

            # New or changed files, each read once for its stamp and keys, on two cores
            # where there are many (the first run after an install or a pull). When no file
            # was known, each chunk's work also writes its lines of the word index. The
            # shipped files' records compiled into the wheel serve while they are the same.
            cold = wants_words and len(unread) == len(fresh)
            lean = cold and not parsed
            known: dict[str, list[Any]] = {}
            if layer.name == "builtin":
                from sourcer.library.termcache import compiled_index

                known = compiled_index(INDEX_VERSION)
            work = partial(_read_files, prefix, buckets if cold else 0, known, not lean)
            parts = in_shares(work, unread, least=_SHARED_FROM, chunk=_CHUNK)
            if not lean:
                records = [record for part in parts for record in part[0]]
                for name, record in zip(unread, records, strict=True):
                    if record is None:
                        del fresh[name]
                    else:
                        fresh[name] = record
            if cold:
                texts = [
                    "".join(pieces) for pieces in zip(*(part[1] for part in parts), strict=True)
                ]
                # each chunk's work wrote its files' part of this cache as JSON, as it wrote
                # the word index's lines: the whole is the parts in order
                files = ",".join(part[2] for part in parts if part[2])
                head = _json_text({"version": INDEX_VERSION, "folder": real})[:-1]
                cache_text = f'{head},"files":{{{files}}}}}'
        if cache_path is not None and (changed or len(fresh) != len(cached)):
            if cache_text is None:
                cache_text = _json_text({"version": INDEX_VERSION, "folder": real, "files": fresh})
            _write_cache(cache_path, cache_text)
        if wants_words:
            assert folder_stamp is not None
            words = self._words_index()
            if changed or words.stamp(layer) != folder_stamp:
                if texts is None:
                    terms = ((name[:-5], record[2], record[4]) for name, record in fresh.items())
                    texts = _bucket_texts(terms, buckets)
                words.write(layer, folder_stamp, texts)
        if lean:
            assert cache_text is not None
            self._unparsed[layer.path] = cache_text
            return None
        return fresh

    def _words_index(self) -> WordsIndex:
        if self._words_cache is None:
            assert self.cache_dir is not None
            self._words_cache = WordsIndex(self.cache_dir, self.layers)
        return self._words_cache

    def _cache_path(self, real: str) -> str | None:
        """Where the index of the folder ``real`` (a real path) is kept: named by a checksum
        of the path, which the index also holds (two folders of the same checksum only
        cost time)."""
        if self.cache_dir is None:
            return None
        import zlib

        key = zlib.crc32(real.encode("utf-8", "surrogateescape"))
        return os.path.join(self.cache_dir, f"index-{key:08x}.json")

    # -- whole-library checks ----------------------------------------------------------

    def lint(self, paths: Sequence[str | os.PathLike[str]] = ()) -> list[Problem]:
        """Validate files and the links between terms.

        With no ``paths``, every file of every layer is checked. With ``paths`` (files or
        folders), only those are checked, as a layer on top of the library, so that their
        links to existing terms resolve.
        """
        from sourcer.library.check import check_term_file

        problems: list[Problem] = []
        if paths:
            files: list[tuple[str, str]] = []
            for given in paths:
                path = os.fspath(given)
                if os.path.isdir(path):
                    files.extend(("linted", p) for p in term_files(path))
                    problems.extend(
                        Problem(
                            os.path.join(path, name),
                            1,
                            "ignored: term files end in .yaml",
                            "warning",
                        )
                        for name in sorted(os.listdir(path))
                        if name.endswith(".yml")
                    )
                else:
                    files.append(("linted", path))
            checked = set(files)
            effective = self._effective_files()
            for _, path in files:
                effective[slug_of(path)] = ("linted", path)
        else:
            files = [(layer.name, p) for layer in self.layers for p in term_files(layer.path)]
            checked = set(files)
            effective = self._effective_files()

        # One file at a time, keeping only what the checks across files need (memory stays
        # small however large the library).
        terms: dict[str, _Links] = {}
        loaded: dict[str, _Links] = {}
        for origin, path in files:
            # partial: a file with errors still has its links and names checked, so one
            # run reports everything
            term, found = check_term_file(path, origin, partial=True)
            problems.extend(found)
            if term is not None:
                terms[path] = _Links.of(term)
        for origin, path in effective.values():
            if path in terms:
                loaded[path] = terms[path]
            elif (origin, path) not in checked:
                term, _ = check_term_file(path, origin)  # reported when its own layer is linted
                if term is not None:
                    loaded[path] = _Links.of(term)
        problems.extend(_cross_check(effective, loaded, {p for _, p in checked}))
        return sorted(problems, key=lambda p: (p.path, p.line, p.message))

    def _effective_files(self) -> dict[str, tuple[str, str]]:
        effective: dict[str, tuple[str, str]] = {}
        for layer in self.layers:
            for path in term_files(layer.path):
                effective[slug_of(path)] = (layer.name, path)
        return effective


def user_library(home: Home, terms_dirs: Sequence[str] = ()) -> Library:
    """The library every front end reads (see user_layers), cached in the home folder."""
    return Library(user_layers(home, terms_dirs), cache_dir=home.cache)


class _Links(NamedTuple):
    """What the checks across files need of a term: its names and links, and where."""

    slug: str
    path: str
    name: str
    aliases: tuple[str, ...]
    similar: tuple[str, ...]
    related: tuple[str, ...]
    implied_by: tuple[str, ...]
    lines: dict[str, int]

    @classmethod
    def of(cls, term: Term) -> _Links:
        lines = {k: v for k, v in term.lines.items() if k in _LINKED_KEYS}
        return cls(
            term.slug,
            term.path,
            term.name,
            term.aliases,
            term.similar,
            term.related,
            term.implied_by,
            lines,
        )


LINK_KEYS = ("similar", "related", "implied_by")
_LINKED_KEYS = frozenset({"name", "aliases", *LINK_KEYS})


def _cross_check(
    effective: dict[str, tuple[str, str]],
    terms: dict[str, _Links],
    reported: set[str],
) -> Iterable[Problem]:
    """Links to missing slugs, and a name or alias claimed by two terms (checked files only)."""
    from sourcer.library.check import claimed_twice, missing_link

    claims: dict[str, list[tuple[_Links, str, str]]] = {}
    for slug in sorted(effective):
        term = terms.get(effective[slug][1])
        if term is None:
            continue
        for key in LINK_KEYS:
            for ref in getattr(term, key):
                if ref not in effective and term.path in reported:
                    yield missing_link(term, key, ref, effective)
        for key, words in (("name", (term.name,)), ("aliases", term.aliases)):
            for word in words:
                claims.setdefault(fold(word), []).append((term, key, word))
    for claimants in claims.values():
        for term, key, word in claimants:
            others = [other for other, _, _ in claimants if other.slug != term.slug]
            if others and term.path in reported:
                yield claimed_twice(term, key, word, others[0].path, others[0].slug)


_CACHE_LIMIT = 50_000_000
#: from how many files to read a layer's files on two cores (forking costs a few ms)
_SHARED_FROM = 1_000
#: how many files the two processes take at a time: each has at most one chunk (about 5 ms
#: of work) to finish once the other is done
_CHUNK = 128
#: a typo's suggestions compare at most this many words, however large the library
_MOST_COMPARED = 2_000
#: no name is longer; a longer query is cut to this for suggestions
_LONGEST_NAME = 200


def _good_record(record: object, stamp: list[int]) -> bool:
    """A cached [mtime, size, name, category, aliases] for a file with this stamp."""
    return (
        isinstance(record, list)
        and len(record) == 5
        and record[:2] == stamp
        and isinstance(record[2], str)
        and isinstance(record[3], str)
        and isinstance(record[4], list)
        and all(isinstance(alias, str) for alias in record[4])
    )


def _in_place(wanted: str) -> Callable[[str], int]:
    """How many letters a word shares with ``wanted`` in the same places, counted from the
    start or from the end, whichever is more. For two ASCII words, each letter is a byte
    of a number, and the letters that agree are the zero bytes of the two numbers' XOR
    (aligned at the start in little-endian, at the end in big-endian): a typo's
    suggestions sort 40,000 words by this in a library of 20,000 terms."""
    wanted_bytes = wanted.encode("utf-8")
    if not wanted.isascii():
        return lambda word: _in_place_slowly(wanted, word)
    from_start = int.from_bytes(wanted_bytes, "little")
    from_end = int.from_bytes(wanted_bytes, "big")
    size = len(wanted_bytes)

    def count(word: str) -> int:
        if not word.isascii():
            return _in_place_slowly(wanted, word)
        data = word.encode("ascii")
        longest = max(size, len(data))
        shortest = min(size, len(data))
        ahead = (from_start ^ int.from_bytes(data, "little")).to_bytes(longest, "little")
        behind = (from_end ^ int.from_bytes(data, "big")).to_bytes(longest, "little")
        return max(ahead.count(0, 0, shortest), behind.count(0, 0, shortest))

    return count


def _in_place_slowly(wanted: str, word: str) -> int:
    """:func:`_in_place`, letter by letter."""
    ahead = sum(a == b for a, b in zip(wanted, word, strict=False))
    behind = sum(a == b for a, b in zip(reversed(wanted), reversed(word), strict=False))
    return max(ahead, behind)


def _claims(term: Term, query: str) -> bool:
    """Whether ``term`` answers to ``query`` by its slug, name, an alias or a rare spelling."""
    words = (term.slug, term.name, *term.aliases, *term.rare)
    folded = fold(query)
    if any(fold(word) == folded for word in words):
        return True
    loose = _loose(query)
    return any(_loose(word) == loose for word in words)


def _write_cache(path: str, text: str) -> None:
    # The cache only saves time: failing to write it (read-only home, full disk) is not an
    # error worth reporting.
    from sourcer.fsutil import replace_files

    with contextlib.suppress(OSError, UnicodeEncodeError):
        replace_files([(path, text)])


def _json_text(data: object) -> str:
    """``data`` as compact JSON, as every cache file is written."""
    import json

    return json.dumps(data, separators=(",", ":"))


def _folder_stamp(folder: str) -> list[int] | None:
    """What changes when a file is added to, removed from or renamed in ``folder``."""
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return [stat.st_mtime_ns, stat.st_ino]


#: how many files each layer's word index is spread over, at most; one per so many terms
_BUCKETS = 64
_TERMS_PER_BUCKET = 800


class WordsIndex:
    """Names and aliases (exactly, and ignoring punctuation) to the terms that claim them,
    one small index per layer, spread over files by a checksum of the word, so a lookup
    reads one file of each layer whatever the library's size.

    Each layer's index records its folder's stamp (modification time and inode), and is
    used only while the folder still has it; an edit inside a file that leaves the folder
    alone is caught by :meth:`Library.get`, which checks that the term it loads answers to
    the word, and by a miss always being confirmed from the whole index.
    """

    def __init__(self, cache_dir: str, layers: Sequence[Layer]) -> None:
        self.cache_dir = cache_dir
        self.layers = layers
        #: how many bucket files each layer's index has, as its stamp file says
        self._buckets: dict[str, int] = {}

    def folder(self, layer: Layer) -> str:
        import zlib

        key = os.path.abspath(layer.path).encode("utf-8", "surrogateescape")
        return os.path.join(self.cache_dir, f"words-{zlib.crc32(key):08x}")

    def stamp(self, layer: Layer) -> list[int] | None:
        data = _read_json(os.path.join(self.folder(layer), "stamp.json"))
        if (
            isinstance(data, dict)
            and data.get("version") == INDEX_VERSION
            and data.get("folder") == os.path.abspath(layer.path)
            and isinstance(data.get("stamp"), list)
            and type(data.get("buckets")) is int
            and 1 <= data["buckets"] <= _BUCKETS
        ):
            self._buckets[layer.path] = data["buckets"]
            return data["stamp"]  # type: ignore[no-any-return]
        return None

    def current(self) -> bool:
        """Whether every layer's word index is there and up to date with its folder."""
        for layer in self.layers:
            stamp = _folder_stamp(layer.path)
            if stamp is not None and self.stamp(layer) != stamp:
                return False
        return True

    def find(self, folded: str, loose: str) -> tuple[Layer, str] | None:
        """The layer and file of the first term (by slug) that claims the word, from the
        word indexes, which the caller has found :meth:`current`; None when there is none.
        A term claiming the word exactly (but for case and spacing) comes before one
        claiming it ignoring punctuation too."""
        exact: dict[str, set[str]] = {}  # layer path -> slugs that claim the word there
        close: dict[str, set[str]] = {}
        needle = f"\n{loose}\t"
        for layer in self.layers:
            count = self._buckets.get(layer.path)
            if count is None:
                continue  # no folder, so no word index and no term
            bucket = _bucket(loose, count)
            text = _read_text(os.path.join(self.folder(layer), f"{bucket:02d}.txt"))
            at = text.find(needle)
            while at >= 0:
                end = text.find("\n", at + 1)
                slug, _, word = text[at + len(needle) : end if end >= 0 else None].partition("\t")
                if SLUG_RE.match(slug):
                    close.setdefault(layer.path, set()).add(slug)
                    if word == folded:
                        exact.setdefault(layer.path, set()).add(slug)
                at = text.find(needle, at + 1)
        return self._claimant(exact) or self._claimant(close)

    def _claimant(self, claims: dict[str, set[str]]) -> tuple[Layer, str] | None:
        for slug in sorted(set().union(*claims.values())):
            for layer in reversed(self.layers):  # the top-most file of that slug is the term
                path = os.path.join(layer.path, f"{slug}.yaml")
                if os.path.isfile(path):
                    if slug in claims.get(layer.path, ()):
                        return layer, path
                    break  # overridden by a file that does not claim the word
        return None

    def write(self, layer: Layer, stamp: list[int], texts: Sequence[str]) -> None:
        """Write the layer's word index, its buckets' lines given (:func:`_bucket_texts`),
        all files at once; a failure only costs time."""
        from sourcer.fsutil import replace_files

        count = len(texts)
        folder = self.folder(layer)
        stamp_data = {
            "version": INDEX_VERSION,
            "folder": os.path.abspath(layer.path),
            "stamp": stamp,
            "buckets": count,
        }
        names = [f"{number:02d}.txt" for number in range(count)]
        # a newline first in each bucket, so that every line is found as "\n<key>\t"; the
        # stamp last, so that it names buckets already there
        files = [(os.path.join(folder, n), "\n" + t) for n, t in zip(names, texts, strict=True)]
        files.append((os.path.join(folder, "stamp.json"), _json_text(stamp_data)))
        with contextlib.suppress(OSError, UnicodeEncodeError):
            replace_files(files)
            for name in set(os.listdir(folder)) - {*names, "stamp.json"}:
                os.unlink(os.path.join(folder, name))  # buckets of a larger or older index


def _spread(groups: Iterable[tuple[Owner, Sequence[str]]]) -> tuple[list[Owner], list[str]]:
    """The words of every ``(owner, words)`` group in order, and the owner of each: one
    list of words for :func:`word_keys`."""
    owners: list[Owner] = []
    words: list[str] = []
    for owner, group in groups:
        owners += [owner] * len(group)
        words += group
    return owners, words


def _bucket_count(terms: int) -> int:
    """How many bucket files a layer's word index has: a file creation is slow on some file
    systems, so as many as its words need, each read by a lookup quickly."""
    return min(_BUCKETS, terms // _TERMS_PER_BUCKET + 1)


def _bucket_texts(terms: Iterable[tuple[str, str, Sequence[str]]], count: int) -> list[str]:
    """The lines of each of ``count`` bucket files for terms given as (slug, name, aliases).

    A line is a name's or an alias's loose key, the slug and the word folded, tab-separated
    (neither key can hold a tab or a newline). A word whose loose key cannot be written (a
    lone surrogate) is left out: a miss is always confirmed from the whole index."""
    from zlib import crc32  # _bucket, inlined: it runs for every word of the library

    slugs, words = _spread(
        (slug, (name, *aliases))
        for slug, name, aliases in terms
        if SLUG_RE.match(slug)  # else a file name the index cannot name
    )
    lines: list[list[str]] = [[] for _ in range(count)]
    for slug, word, folded, loose in zip(slugs, words, *word_keys(words), strict=True):
        if not word:
            continue
        try:
            bucket = crc32(loose.encode("utf-8")) % count
        except UnicodeEncodeError:
            continue
        lines[bucket].append(f"{loose}\t{slug}\t{folded}\n")
    return ["".join(bucket_lines) for bucket_lines in lines]


def _read_files(
    prefix: str,
    buckets: int,
    known: dict[str, list[Any]],
    with_records: bool,
    names: Sequence[str],
) -> list[Any]:
    """``[records, bucket texts, cache part]`` of the files ``names`` in the folder
    ``prefix``: each file's index record (:func:`sourcer.library.skim.file_record`, given
    what is ``known`` of it, see :func:`~sourcer.library.termcache.compiled_index`), or
    None without ``with_records``; and where ``buckets`` is not 0, the lines of the word
    index for those files and their part of the layer's cache (``"name":record`` pairs as
    JSON, comma-separated)."""
    from sourcer.library.skim import file_record

    get = known.get
    records = [file_record(prefix + name, get(name)) for name in names]
    if not buckets:
        return [records, None, None]
    found = {n: r for n, r in zip(names, records, strict=True) if r is not None}
    terms = ((name[:-5], record[2], record[4]) for name, record in found.items())
    texts = _bucket_texts(terms, buckets)
    return [records if with_records else None, texts, _json_text(found)[1:-1]]


def _bucket(key: str, count: int) -> int:
    import zlib

    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % count


def _read_text(path: str) -> str:
    """A word index's bucket file, or "" if it cannot be read (it is only a cache)."""
    try:
        if os.path.getsize(path) > _CACHE_LIMIT:
            return ""
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, ValueError):
        return ""


def _read_json(path: str) -> Any:
    """A cache file's JSON, or None if it cannot be read or parsed."""
    import json

    try:
        return json.loads(_read_text(path))
    except (ValueError, RecursionError):
        return None
