"""The term library as an import sees it: its index, and the checks one new term needs.

An imported term is checked in memory, as it would sit on top of the library: the file itself
(:func:`sourcer.library.check.check_term_text`), its links to other terms, and the names it
claims. The links and claims are looked up in the library's index (slug, name and aliases of
every file, cached by the store) instead of loading every term; only a term the index says
claims the same name is loaded, to confirm it. The messages are those of ``sourcer terms
lint``, so an import refuses exactly what the linter would.
"""

from sourcer.errors import Problem
from sourcer.library.check import check_term_file, check_term_text, claimed_twice, missing_link
from sourcer.library.schema import Term
from sourcer.library.store import LINK_KEYS, Entry, Library, fold


class LibraryIndex:
    """Links and claims of the library's terms, computed once per import from its index."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.entries: dict[str, Entry] = library.entries()
        self._claims: dict[str, frozenset[str]] = {}

    def resolve(self, name: str) -> str | None:
        """The slug of the term with this slug, name or alias (as the library finds it);
        None if there is none."""
        entry = self.library.lookup(name)
        return entry.slug if entry is not None else None

    def check(self, text: str, path: str, slug: str) -> tuple[Term | None, list[Problem]]:
        """Check the term file ``text`` as ``path`` in the library: every problem ``sourcer
        terms lint`` would report for it, sorted as it sorts them. The term is None if the
        file itself has errors (then its links and claims are not checked, as in lint)."""
        term, problems = check_term_text(text, path, slug, "linted")
        if term is not None:
            problems = [*problems, *self.cross_check(term)]
        return term, sorted(problems, key=lambda p: (p.path, p.line, p.message))

    def cross_check(self, term: Term) -> list[Problem]:
        """Links to slugs the library lacks, and a name or alias another term claims."""
        problems: list[Problem] = []
        for key in LINK_KEYS:
            refs = getattr(term, key)
            for ref in refs:
                if ref not in self.entries and ref != term.slug:
                    problems.append(missing_link(term, key, ref, self.entries))
        for key, words in (("name", (term.name,)), ("aliases", term.aliases)):
            for word in words:
                other = self.claimant(word, besides=term.slug)
                if other is not None:
                    problems.append(claimed_twice(term, key, word, other.path, other.slug))
        return problems

    def claimant(self, word: str, *, besides: str) -> Entry | None:
        """The first term (by slug), other than ``besides``, whose valid file has ``word`` as
        its name or an alias. The index proposes; the file is loaded to confirm, because lint
        only counts terms that load."""
        folded = fold(word)
        for entry in self.library.claimants(word):
            if entry.slug != besides and folded in self._claimed_by(entry):
                return entry
        return None

    def _claimed_by(self, entry: Entry) -> frozenset[str]:
        if entry.path not in self._claims:
            term, _ = check_term_file(entry.path, entry.origin)
            words = () if term is None else (term.name, *term.aliases)
            self._claims[entry.path] = frozenset(fold(w) for w in words)
        return self._claims[entry.path]
