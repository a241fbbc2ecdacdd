"""The ``sourcer`` console script: the everyday ``sourcer query`` without importing Click.

Importing Click costs more than everything else ``sourcer query flask --board linkedin``
does (BENCHMARKS.md, the start-up rows). So the entry point reads the command line itself
when it is one of these forms, and only these::

    sourcer [--terms-dir DIR]... query TERM... [--board|-b BOARD]... [--level LEVEL]
            [--mode MODE] [--fit FIT] [--exhaustive] [--json | --url]

(an option's value as the next word or after ``=``, ``-b`` with a space). Everything else goes
to Click, untouched: every other command and option, ``--help``, shell completion, and a
value Click would refuse, which Click then reports exactly as it always does. An error of
the query itself (an unknown term, say) is the one ``Error: ...`` line the Click command
prints. Both entry points print what :func:`sourcer.query.plan.query_reply` returns; the
tests check that they hand it the same arguments and print the same bytes.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NamedTuple, NoReturn

if TYPE_CHECKING:
    from typing import TextIO

    from sourcer.query.plan import Reply

#: what Click's ``style("warning:", fg="yellow", bold=True)`` writes (a test checks)
WARNING_STYLED = "\x1b[33m\x1b[1mwarning:\x1b[0m"

#: option -> (field, flag); a flag takes no value
_OPTIONS = {
    "--board": ("boards", False),
    "-b": ("boards", False),
    "--level": ("level", False),
    "--mode": ("mode", False),
    "--fit": ("fit", False),
    "--exhaustive": ("exhaustive", True),
    "--json": ("as_json", True),
    "--url": ("urls_only", True),
}


class Request(NamedTuple):
    """An everyday ``sourcer query`` command line, read."""

    terms_dirs: tuple[str, ...]
    terms: tuple[str, ...]
    boards: tuple[str, ...] = ()
    level: str | None = None
    mode: str | None = None
    fit: str = "split"
    exhaustive: bool = False
    as_json: bool = False
    urls_only: bool = False


def main() -> None:
    """Console-script entry point: the quick path when it can, else the Click command."""
    if not quick(sys.argv[1:]):
        from sourcer.cli import main as click_main

        click_main()


def parse(args: list[str]) -> Request | None:
    """``args`` as an everyday query, or None when Click should read them (anything else,
    including anything Click would refuse)."""
    terms_dirs: list[str] = []
    position = 0
    while position < len(args) and args[position].partition("=")[0] == "--terms-dir":
        value, position = _value(args, position)
        if value is None or not _readable_folder(value):
            return None
        terms_dirs.append(value)
    if args[position : position + 1] != ["query"] or "_SOURCER_COMPLETE" in os.environ:
        return None
    from sourcer.library.schema import LEVELS
    from sourcer.query.boards import BOARDS
    from sourcer.query.recipe import FITS, MODES

    choices = {"boards": {*BOARDS, "all"}, "level": LEVELS, "mode": MODES, "fit": FITS}
    terms: list[str] = []
    boards: list[str] = []
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
        field, flag = _OPTIONS[name]
        if flag:
            if name != arg:  # --json=yes: Click refuses it
                return None
            fields[field] = True
            position += 1
            continue
        value, position = _value(args, position)
        if value is None or value not in choices[field]:
            return None
        if field == "boards":
            boards.append(value)
        else:
            fields[field] = value  # the last one wins, as in Click
    if not terms or (fields.get("as_json") and fields.get("urls_only")):
        return None
    return Request(tuple(terms_dirs), tuple(terms), tuple(boards), **fields)  # type: ignore[arg-type]


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
    """Answer ``sourcer ARGS`` without Click if it is an everyday query; False if Click
    should, in which case nothing has been printed."""
    request = parse(args)
    if request is None:
        return False
    root = home_root()
    if root is None or not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return False
    from sourcer.errors import SourcerError

    try:
        reply = answer(request, root)
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


def answer(request: Request, root: str) -> Reply:
    """What the Click command would print for ``request``."""
    from sourcer.home import Home
    from sourcer.library.store import Library, user_layers
    from sourcer.query.boards import DEFAULT_SITE, board_list
    from sourcer.query.plan import query_reply
    from sourcer.query.recipe import Options

    home = Home(root)
    options = Options(
        level=request.level,
        mode=request.mode,  # type: ignore[arg-type]
        exhaustive=request.exhaustive,
        site=DEFAULT_SITE,
        fit="drop" if request.fit == "drop" else "split",
    )
    return query_reply(
        Library(user_layers(home, request.terms_dirs), cache_dir=home.cache),
        request.terms,
        [],
        (),
        options,
        board_list(request.boards, default=["linkedin"]),
        explain=False,
        allow_todo=False,
        output="json" if request.as_json else "urls" if request.urls_only else "text",
    )


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
    import contextlib

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            os.dup2(devnull, stream.fileno())
    sys.exit(1)


def _abort() -> NoReturn:
    """Ctrl-C: Click's "Aborted!" and exit status 1."""
    sys.stderr.write("\nAborted!\n")
    sys.stderr.flush()
    sys.exit(1)
