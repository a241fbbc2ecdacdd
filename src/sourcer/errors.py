"""The one exception tree: everything sourcer reports to a user derives from SourcerError.

Core modules raise these; the CLI turns them into a one-line ``Error: ...`` on stderr, exit 1.
"""

from collections.abc import Sequence
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Finding(NamedTuple):
    """One finding of any check (a term file, a search string, an import, a merge): how bad
    it is, where (a file and line, or a column of a string), what, and how to fix it."""

    path: str = ""
    line: int = 0
    message: str = ""
    severity: Severity = "error"
    #: a stable code for findings in search strings ("curly-quote", "unclosed-paren")
    code: str = ""
    #: 1-based column in a search string
    column: int = 0
    fix: str = ""

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"

    def to_dict(self) -> dict[str, object]:
        if self.code:  # a finding in a search string
            return {
                "code": self.code,
                "column": self.column,
                "severity": self.severity,
                "message": self.message,
                "fix": self.fix,
            }
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "message": self.message,
        }


#: a finding in a file, at a line (term files, imports, config)
Problem = Finding


def diagnostic(
    code: str, column: int, message: str, fix: str, severity: Severity = "error"
) -> Finding:
    """A finding in a search string, at a column."""
    return Finding(message=message, severity=severity, code=code, column=column, fix=fix)


class SourcerError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""


class TermFileError(SourcerError):
    """Raised when a term file cannot be loaded because it is invalid."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        tail = f" (and {more} more; run 'sourcer terms lint {first.path}')" if more else ""
        super().__init__(f"{first}{tail}")


def shorten(text: str, limit: int = 80) -> str:
    """``text`` quoted for a message, cut short when it is too long to read."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[: limit - 20]!r}… ({len(text):,} characters)"


class UnknownTermError(SourcerError):
    """Raised when a lookup by slug, name or alias finds no term."""

    def __init__(self, query: str, suggestions: Sequence[str]) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        if self.suggestions:
            hint = f" Did you mean: {', '.join(self.suggestions)}?"
        else:
            hint = " Run 'sourcer terms list' to see every term."
        super().__init__(f"unknown term {shorten(query)}.{hint}")


class FileExists(SourcerError):
    """Raised when writing would replace an existing file and --force was not given."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"{path} already exists; use --force to overwrite it")


class WriteError(SourcerError):
    """Raised when a file cannot be written (no such folder, no permission, disk full)."""


class QueryError(SourcerError):
    """Raised when a search cannot be built as asked (bad option values, nothing to search)."""


class BoardTooSmall(QueryError):
    """Raised when even the shortest search breaks a board's hard limits."""


class ClipboardError(SourcerError):
    """Raised when --copy cannot reach a clipboard."""


class TemplateError(SourcerError):
    """Raised when an outreach or brief template is missing, invalid or fails to render."""


class MessageTooLong(SourcerError):
    """Raised when a rendered message exceeds its channel's hard limit."""


class ConfigError(SourcerError):
    """Raised when $SOURCER_HOME/config.yaml is invalid (the message names file and line)."""


class MergeError(SourcerError):
    """Raised when rows of a mail-merge CSV fail validation (nothing is written)."""


class FetchError(SourcerError):
    """Raised when a glossary page cannot be fetched over HTTP (the message names the URL)."""


class GlossaryError(SourcerError):
    """Raised when a page is not a recruiter glossary page we can import."""
