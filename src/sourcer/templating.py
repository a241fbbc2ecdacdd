"""The one Jinja factory: sandboxed, strict about missing values, rooted at absolute paths.

Templates are shared between people, so they run in a ``SandboxedEnvironment``: a template
reaching for ``__class__`` or similar fails with a SecurityError instead of running code.
A missing value is an error naming the variable (``candidate.first_name is not set``) and the
template's line, never a silent blank; templates use ``default`` where a fallback reads well.

Front matter (a YAML block between ``---`` lines at the top of a template) is replaced by a
Jinja comment of the same height, so error line numbers are the file's own.
"""

import contextlib
import contextvars
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

from jinja2 import BaseLoader, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.exceptions import SecurityError, TemplateNotFound, TemplateSyntaxError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, safe_range
from jinja2.utils import missing

from sourcer.errors import TemplateError

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(\r?\n|\Z)", re.DOTALL)


class Fields(dict[str, Any]):
    """A mapping that knows its dotted name, so a missing key is reported by its full path."""

    def __init__(self, path: str, data: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.path = path
        for key, value in (data or {}).items():
            self[key] = fields(f"{path}.{key}", value)


def fields(path: str, value: Any) -> Any:
    """Wrap nested mappings (and mappings in lists) as Fields named by their path."""
    if isinstance(value, Fields):
        return value
    if isinstance(value, Mapping):
        return Fields(path, value)
    if isinstance(value, list):
        return [fields(f"{path}[{i}]", item) for i, item in enumerate(value)]
    return value


class NamedStrictUndefined(StrictUndefined):
    """StrictUndefined whose message names the whole path: ``candidate.first_name``."""

    @property
    def _undefined_message(self) -> str:
        name = self._undefined_name
        owner = self._undefined_obj
        if isinstance(owner, Fields) and isinstance(name, str):
            return f"{owner.path}.{name} is not set"
        if owner is missing and isinstance(name, str):
            return f"{name} is not set"
        return str(super()._undefined_message)


class FrontMatterLoader(FileSystemLoader):
    """A FileSystemLoader that hides front matter but keeps every line where it was."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        return hide_front_matter(source), filename, uptodate


def hide_front_matter(source: str) -> str:
    match = FRONT_MATTER.match(source)
    if match is None:
        return source
    block = match.group(0)
    ends_line = block.endswith("\n")
    inside = block.count("\n") - (1 if ends_line else 0)
    comment = "{#" + "\n" * inside + "#}" + ("\n" if ends_line else "")
    return comment + source[match.end() :]


def make_environment(
    search_path: Sequence[str], *, html: bool = False, cache_dir: str | None = None
) -> SandboxedEnvironment:
    """A sandboxed environment over absolute ``search_path`` folders (first wins).

    Autoescaping is on for HTML and off for plain-text messages: escaping would turn an
    apostrophe in a candidate's name into ``&#39;`` in a LinkedIn note. With ``cache_dir``,
    the shipped templates' compiled code is kept there (see :class:`ShippedBytecodeCache`).

    An environment serves one command or one web request, so a template is read from its
    file once per environment: Jinja's ``auto_reload`` would look at the file's time again
    for every message of a merge.
    """
    loader: BaseLoader = FrontMatterLoader([os.path.abspath(p) for p in search_path])
    return BudgetedEnvironment(
        auto_reload=False,
        bytecode_cache=ShippedBytecodeCache(cache_dir) if cache_dir else None,
        loader=loader,
        undefined=NamedStrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=html,
    )


class ShippedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, for the templates sourcer ships only.

    Compiling a template costs about 13 ms; loading its cached code a fraction of one. Each
    entry is checked against the template's source (Jinja stores a checksum). A user's own
    templates are compiled afresh each time, so nothing they did not write runs in their
    place. A cache that cannot be written only costs time.
    """

    def __init__(self, directory: str) -> None:
        self._folder = os.path.join(directory, "templates")
        super().__init__(self._folder, "%s.jinja")
        from sourcer.home import shipped_dir

        self._shipped = os.path.join(os.path.realpath(shipped_dir("templates")), "")

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        if filename is None or not os.path.realpath(filename).startswith(self._shipped):
            return _Uncached(environment, self.get_cache_key(name, filename), "")
        try:
            return super().get_bucket(environment, name, filename, source)
        except OSError:  # the cache is not a folder, or unreadable: compile afresh
            return _Uncached(environment, self.get_cache_key(name, filename), "")

    def set_bucket(self, bucket: Bucket) -> None:
        if isinstance(bucket, _Uncached):
            return
        with contextlib.suppress(OSError):
            os.makedirs(self._folder, exist_ok=True)
            super().set_bucket(bucket)


class _Uncached(Bucket):
    """A bucket that is never loaded or stored: a template compiled each time."""


def render_parts(
    environment: Environment, name: str, context: Mapping[str, Any], parts: Iterable[str]
) -> dict[str, str]:
    """Render the named blocks of template ``name`` (or the whole template for "body" when it
    has no body block). Errors become one-line TemplateErrors naming the template and line."""
    template = load_template(environment, name)
    out: dict[str, str] = {}
    try:
        with _TimeBudget():
            shared = None  # one context for every block, as a whole render has
            for part in parts:
                if part in template.blocks:
                    block = template.blocks[part]
                    try:
                        if shared is None:
                            shared = template.new_context(dict(context))
                        out[part] = _collect(block(shared))
                    except Exception:
                        # re-raised with the template's own line numbers, as render() does
                        environment.handle_exception()
                elif part == "body":
                    out[part] = _collect(template.generate(context))
    except _OverBudget as err:
        raise TemplateError(f"{template.filename or name}: {err}") from None
    except SecurityError as err:
        raise TemplateError(
            f"{_where(name, template.filename, err)}: not allowed in a shared template: {err}"
        ) from err
    except JinjaTemplateError as err:
        raise TemplateError(f"{_where(name, template.filename, err)}: {err.message}") from err
    except RecursionError as err:
        raise TemplateError(
            f"{_where(name, template.filename, err)}: a macro or include calls itself without "
            "end; give it a way to stop"
        ) from err
    except Exception as err:  # a filter given the wrong type, and the like: still the template's
        raise TemplateError(
            f"{_where(name, template.filename, err)}: {type(err).__name__}: {err}"
        ) from err
    return out


#: What one render may produce and take: far beyond any message or brief, short of a hang.
MAX_OUTPUT = 2_000_000
TIME_BUDGET = 5.0

#: When the render running on this thread (or task) must stop, by time.monotonic(), and
#: the budget it was given.
_deadline: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "sourcer_render_deadline", default=None
)


class _OverBudget(BaseException):
    """Raised out of a render that went on too long (BaseException: Jinja passes it on)."""


def and_list(items: Iterable[object], word: str = "and") -> str:
    """'Go', 'Go and Kubernetes', 'Go, Kubernetes and PostgreSQL': a list as a sentence
    has it (``{{ stack | and_list }}``; ``and_list("or")`` for or)."""
    texts = [str(item) for item in items]
    if len(texts) < 2:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} {word} {texts[-1]}"


def _check_deadline() -> None:
    budget = _deadline.get()
    if budget is not None and time.monotonic() > budget[0]:
        raise _OverBudget(
            f"took more than {budget[1]:g} s to render; look for a loop that runs away"
        )


def _budgeted_range(*args: int) -> Iterator[int]:
    """The sandbox's ``range`` (at most MAX_RANGE items), checking the time budget as it
    goes, so that nested loops stop on any thread, not only where a timer signal reaches."""
    numbers = safe_range(*args)
    for index, number in enumerate(numbers):
        if not index & 0x3FF:
            _check_deadline()
        yield number


class BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, plus bounds on time and size that hold on every thread: each call and
    every 1,024 turns of a ``range`` loop check the render's deadline, and ``*`` and ``**``
    refuse results larger than a render may write. Lists and mappings cannot be changed
    from a template (``append``, ``update`` ... are refused), so a context built once can be
    shared by every message of a merge."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _budgeted_range
        self.filters["and_list"] = and_list

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_deadline()
        if operator == "*":
            for value, times in ((left, right), (right, left)):
                if (
                    isinstance(value, (str, list, tuple))
                    and isinstance(times, int)
                    and len(value) * times > MAX_OUTPUT
                ):
                    raise _OverBudget(
                        f"makes a value of more than {MAX_OUTPUT:,} items with *; "
                        "look for a number that is too large"
                    )
        if operator == "**" and isinstance(right, int) and abs(right) > 1_000:
            raise _OverBudget(f"raises a number to the power {right:,}; use a smaller power")
        return super().call_binop(context, operator, left, right)


def _collect(chunks: Iterable[str]) -> str:
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise _OverBudget(
                f"renders more than {MAX_OUTPUT:,} characters; look for a loop that runs away"
            )
        out.append(chunk)
    return "".join(out)


class _TimeBudget:
    """Stop a render after ``seconds``: everywhere by the checks of BudgetedEnvironment, and
    on the main thread of a Unix process also by the session's timer signal (which stops a
    loop that calls nothing). A class, not a generator: a merge enters one for every
    message."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = TIME_BUDGET if seconds is None else seconds

    def __enter__(self) -> None:
        self._token = _deadline.set((time.monotonic() + self.seconds, self.seconds))
        # the timer: the session a merge opened for all its messages, else one of its own
        self._session = None if _session_depth else budget_session()
        if self._session is not None:
            try:
                self._session.__enter__()
            except BaseException:
                _deadline.reset(self._token)
                raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self._session is not None:
                self._session.__exit__(kind, value, traceback)
        finally:
            try:
                _deadline.reset(self._token)
            except ValueError:  # finalised in another context
                _deadline.set(None)


@contextlib.contextmanager
def budget_session() -> Iterator[None]:
    """While open, a timer signal comes every :data:`TICK` seconds, and stops the render
    running on the main thread once it is past its deadline by a margin (so that the
    environment's own checks, which stop it at the deadline, and the signal never both fire
    while a render unwinds). A merge opens one session for all its messages, so that a
    message costs no system call; the handler it replaced is put back at the end."""
    import signal

    global _session_depth
    if not hasattr(signal, "setitimer") or not _on_main_thread():
        yield  # no timer off the main thread: the environment's own checks bound the time
        return
    if _session_depth:  # already open (only the main thread counts)
        _session_depth += 1
        try:
            yield
        finally:
            _session_depth -= 1
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, TICK, TICK)
    _session_depth += 1
    try:
        yield
    finally:
        _session_depth -= 1
        with contextlib.suppress(ValueError):  # finalised off the main thread: nothing to undo
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


#: how often the session's timer looks at the render's deadline, in seconds
TICK = 0.1


#: how deep budget sessions are nested on the main thread
_session_depth = 0


def _expire(signum: int, frame: object) -> None:
    """The session's timer: stop the render on the main thread if it is past its deadline
    by the margin; between renders (no deadline) and before it, nothing."""
    budget = _deadline.get()
    if budget is None:
        return
    deadline, seconds = budget
    if time.monotonic() > deadline + max(0.25, seconds / 5):
        raise _OverBudget(f"took more than {seconds:g} s to render; look for a loop that runs away")


def _on_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def load_template(environment: Environment, name: str) -> Any:
    try:
        return environment.get_template(name)
    except TemplateSyntaxError as err:
        raise TemplateError(f"{err.filename or name}:{err.lineno}: {err.message}") from err
    except TemplateNotFound as err:
        raise TemplateError(f"template {name!r} not found") from err
    except RecursionError as err:
        raise TemplateError(too_deep(environment, name)) from err


def too_deep(environment: Environment, name: str) -> str:
    """The message for a template nested deeper than Jinja can read."""
    path = name
    loader = environment.loader
    if isinstance(loader, FileSystemLoader):
        for folder in loader.searchpath:
            if os.path.exists(os.path.join(folder, name)):
                path = os.path.join(folder, name)
                break
    return f"{path}: blocks and expressions nested too deeply to read; flatten the template"


def _where(name: str, filename: str | None, err: BaseException) -> str:
    """``file:line`` of the template frame where ``err`` was raised (Jinja rewrites frames)."""
    line = getattr(err, "lineno", None)
    if line is None and filename is not None:
        import traceback  # only for an error: with textwrap, a tenth of a brief's start-up

        for frame in reversed(traceback.extract_tb(err.__traceback__)):
            if frame.filename == filename:
                line = frame.lineno
                break
    shown = filename or name
    return f"{shown}:{line}" if line else shown
