"""The ``sourcer`` console script: ``sourcer query`` without importing Click.

Importing Click costs more than everything else ``sourcer query flask --board linkedin``
does (BENCHMARKS.md, the start-up rows). So the entry point reads a ``query`` command line
itself (after any ``--terms-dir DIR``) when it holds only terms and these options, each
value one Click would accept, as the next word or after ``=`` (a short option's after a
space): ``--board/-b``, ``--level``, ``--mode``, ``--fit``, ``--site``, ``--any``,
``--nice``, ``--keyword/-k``, ``--title``, ``--location/-l``, ``--exclude/-x``, and the
flags ``--exhaustive``, ``--titles/--no-titles``, ``--remote``, ``--location-as-keyword``,
``--no-exclude``, ``--keep-recruiters``, ``--keep-managers``, ``--json``, ``--url``,
``--explain`` and ``--allow-todo``.

Everything else goes to Click, untouched: every other command, ``--role``, ``--copy``,
``--open``, ``--help``, shell completion, and anything Click would refuse, which Click then
reports exactly as it always does; so does all of it on Windows, and on macOS without
``$SOURCER_HOME`` (Click knows those platforms' consoles and folders). An error of the
query itself (an unknown term, say) is the one ``Error: ...`` line the Click command
prints. Both entry points hand a :class:`sourcer.query.plan.QueryRequest` to
:func:`sourcer.query.plan.query_reply` and print what it returns; the tests check that
they build equal requests and print the same bytes.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

if TYPE_CHECKING:
    from typing import TextIO

    from sourcer.query.plan import QueryRequest, Reply

#: what Click's ``style("warning:", fg="yellow", bold=True)`` writes (a test checks)
WARNING_STYLED = "\x1b[33m\x1b[1mwarning:\x1b[0m"

#: option -> (field, what it takes): "many" a value each time, all kept in order; "one" a
#: value, the last one kept; a flag none (True or False: what it sets)
_OPTIONS: dict[str, tuple[str, str | bool]] = {
    "--board": ("boards", "many"),
    "-b": ("boards", "many"),
    "--any": ("any_terms", "many"),
    "--nice": ("nice_terms", "many"),
    "--keyword": ("keywords", "many"),
    "-k": ("keywords", "many"),
    "--title": ("extra_titles", "many"),
    "--location": ("locations", "many"),
    "-l": ("locations", "many"),
    "--exclude": ("excludes", "many"),
    "-x": ("excludes", "many"),
    "--level": ("level", "one"),
    "--mode": ("mode", "one"),
    "--fit": ("fit", "one"),
    "--site": ("site", "one"),
    "--exhaustive": ("exhaustive", True),
    "--titles": ("titles", True),
    "--no-titles": ("titles", False),
    "--remote": ("remote", True),
    "--location-as-keyword": ("location_as_keyword", True),
    "--no-exclude": ("term_exclusions", False),
    "--keep-recruiters": ("keep_recruiters", True),
    "--keep-managers": ("keep_managers", True),
    "--json": ("as_json", True),
    "--url": ("urls_only", True),
    "--explain": ("explain", True),
    "--allow-todo": ("allow_todo", True),
}


class Command(NamedTuple):
    """A ``sourcer query`` command line, read."""

    terms_dirs: tuple[str, ...]
    request: QueryRequest


def main() -> None:
    """Console-script entry point: the quick path when it can, else the Click command."""
    try:
        if not quick(sys.argv[1:]):
            from sourcer.cli import main as click_main

            click_main()
    except OSError as err:
        # Files sourcer writes, reads or caches report their own errors; what is left is
        # the output itself, on a full disk (sourcer query ... > file).
        if err.errno not in _FULL:
            raise
        _output_failed(err)


#: a disk or quota that is full: no output can be written
_FULL = frozenset(getattr(errno, name) for name in ("ENOSPC", "EDQUOT") if hasattr(errno, name))


def _output_failed(err: OSError) -> NoReturn:
    """Standard output could not be written: one ``Error:`` line and exit status 1, with
    what was left unwritten dropped (else Python would try it again on the way out)."""
    import contextlib

    reason = err.strerror or str(err)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(
            f"Error: cannot write the output ({reason}); free some space, or send the "
            "output elsewhere\n"
        )
        sys.stderr.flush()
    _silence(sys.stdout)
    sys.exit(1)


def parse(args: list[str]) -> Command | None:
    """``args`` as a query the quick path answers, or None when Click should read them
    (anything else, including anything Click would refuse)."""
    terms_dirs: list[str] = []
    position = 0
    while position < len(args) and args[position].partition("=")[0] == "--terms-dir":
        value, position = _value(args, position)
        if value is None or not _readable_folder(value):
            return None
        terms_dirs.append(value)
    if args[position : position + 1] != ["query"] or "_SOURCER_COMPLETE" in os.environ:
        return None
    terms: list[str] = []
    many: dict[str, list[str]] = {}
    fields: dict[str, object] = {}
    position += 1
    while position < len(args):
        arg = args[position]
        if not arg.startswith("-") or arg == "-":
            terms.append(arg)
            position += 1
            continue
        name = arg.partition("=")[0] if arg.startswith("--") else arg
        if name not in _OPTIONS:
            return None
        field, takes = _OPTIONS[name]
        if isinstance(takes, bool):
            if name != arg:  # --json=yes: Click refuses it
                return None
            fields[field] = takes
            position += 1
            continue
        value, position = _value(args, position)
        if value is None or not _accepted(field, value):
            return None
        if takes == "many":
            many.setdefault(field, []).append(value)
        else:
            fields[field] = value  # the last one wins, as in Click
    return _request(tuple(terms_dirs), terms, many, fields)


def _accepted(field: str, value: str) -> bool:
    """Whether Click takes ``value`` for the option that sets ``field``."""
    if field == "boards":
        from sourcer.query.boards import BOARDS

        return value in BOARDS or value == "all"
    if field == "level":
        from sourcer.library.schema import LEVELS

        return value in LEVELS
    if field in ("mode", "fit"):
        from sourcer.query.recipe import FITS, MODES

        return value in (MODES if field == "mode" else FITS)
    if field == "site":  # the option's callback: a preset or a domain
        from sourcer.errors import QueryError
        from sourcer.query.search import resolve_site

        try:
            resolve_site(value)
        except QueryError:
            return False
    return True


def _request(
    terms_dirs: tuple[str, ...],
    terms: list[str],
    many: dict[str, list[str]],
    fields: dict[str, object],
) -> Command | None:
    """The request the Click command would make of what was read; None where it would
    refuse it (a usage error)."""
    from sourcer.query.plan import QueryRequest

    as_json, urls_only = fields.pop("as_json", False), fields.pop("urls_only", False)
    any_terms = tuple(many.pop("any_terms", ()))
    if (as_json and urls_only) or not (terms or any_terms or many.get("keywords")):
        return None
    given: dict[str, Any] = {field: tuple(values) for field, values in many.items()}
    given.update(fields)
    request = QueryRequest(
        terms=tuple(terms),
        any_groups=(any_terms,) if any_terms else (),
        output="json" if as_json else "urls" if urls_only else "text",
        **given,
    )
    return Command(terms_dirs, request)


def _value(args: list[str], position: int) -> tuple[str | None, int]:
    """The value of the option at ``position`` (``--name=value`` or ``--name value``) and
    where the next argument starts."""
    _, equals, value = args[position].partition("=")
    if equals:
        return value, position + 1
    if position + 1 < len(args):
        return args[position + 1], position + 2
    return None, position + 1


def _readable_folder(path: str) -> bool:
    """What Click's ``Path(exists=True, file_okay=False)`` accepts."""
    return os.path.isdir(path) and os.access(path, os.R_OK)


def home_root() -> str | None:
    """The home folder as the Click command finds it ($SOURCER_HOME, else Click's app folder),
    where that needs no Click: None on macOS and Windows, whose app folders Click knows."""
    from sourcer.home import env_home

    root = env_home()
    if root is not None:
        return root
    if sys.platform == "darwin" or os.name == "nt":
        return None
    config = os.environ.get("XDG_CONFIG_HOME", os.path.expanduser("~/.config"))
    return os.path.join(config, "sourcer")


def quick(args: list[str]) -> bool:
    """Answer ``sourcer ARGS`` without Click if the quick path reads them (see parse); False
    if Click should, in which case nothing has been printed."""
    if os.name == "nt":  # Click writes to a Windows console through wrappers of its own
        return False
    command = parse(args)
    if command is None:
        return False
    root = home_root()
    if root is None or not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return False
    from sourcer.errors import SourcerError

    try:
        reply = answer(command, root)
    except SourcerError as err:  # the user's mistake: the one line the Click command prints
        from sourcer.typography import terminal_safe

        _write(sys.stderr, f"Error: {terminal_safe(str(err))}")
        sys.exit(1)
    except KeyboardInterrupt:
        _abort()
    except Exception:  # a bug: Click reports it its way
        return False
    if any("\x1b" in text for _, text in (*reply.messages, ("", reply.output))):
        return False  # Click strips escape sequences off a terminal: let it
    label = _warning_label()
    lines = [text if kind == "note" else f"{label} {text}" for kind, text in reply.messages]
    for line in lines:
        _write(sys.stderr, line)
    if reply.output:
        _write(sys.stdout, reply.output)
    return True


def answer(command: Command, root: str) -> Reply:
    """What the Click command would print for ``command``."""
    from sourcer.home import Home
    from sourcer.library.store import user_library
    from sourcer.query.plan import query_reply

    return query_reply(user_library(Home(root), command.terms_dirs), command.request)


def _utf8(stream: TextIO | None) -> bool:
    """A stream Click would write to as it is (it rewraps a misconfigured one)."""
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def _warning_label() -> str:
    """ "warning:" as Click writes it: styled on a terminal unless NO_COLOR is set."""
    try:
        terminal = sys.stderr.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return WARNING_STYLED if terminal and not os.environ.get("NO_COLOR") else "warning:"


def _write(stream: TextIO, line: str) -> None:
    """One line, flushed, as click.echo writes it; a closed pipe or Ctrl-C ends the run as
    under Click."""
    try:
        stream.write(line + "\n")
        stream.flush()
    except BrokenPipeError:
        _pipe_closed()
    except KeyboardInterrupt:
        _abort()


def _pipe_closed() -> NoReturn:
    """Stdout's reader went away (``| head``): exit 1 quietly, as Click does."""
    _silence(sys.stdout, sys.stderr)
    sys.exit(1)


def _silence(*streams: TextIO) -> None:
    """Point ``streams`` at the null device, so that what they still hold is dropped when
    Python flushes them on the way out."""
    import contextlib

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in streams:
        with contextlib.suppress(AttributeError, ValueError, OSError):
            os.dup2(devnull, stream.fileno())


def _abort() -> NoReturn:
    """Ctrl-C: Click's "Aborted!" and exit status 1."""
    sys.stderr.write("\nAborted!\n")
    sys.stderr.flush()
    sys.exit(1)
