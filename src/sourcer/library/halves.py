"""A long list of small jobs done on two cores: a forked child takes the second half.

A cold index reads and skims every term file of a layer, 20,000 of them in a large library,
and that work is all Python: one process uses one core. Where it is safe and worth it
(Linux, no other thread running, at least two cores, a long list), the process forks once;
the child does the second half of the list and sends its answer back through a pipe while
the parent does the first. Anything wrong with the child (it could not start, died, or
sent something else) costs only time: the parent then does the second half too.

The answer goes as ``marshal`` data, which is several times quicker to write and read
than JSON: it is not safe from a stranger's data, but this is a copy of the same process
writing to a pipe only the two of them hold.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")


def in_halves(
    work: Callable[[Sequence[Item]], Any], items: Sequence[Item], *, least: int
) -> list[Any]:
    """``[work(items)]``, or ``[work(first half), work(second half)]`` with the second
    done in a forked child, when the list holds at least ``least`` items and forking is
    safe here. ``work`` must return what ``marshal`` carries (lists, strings, numbers,
    None), and must not write files or print: the child's side effects are lost."""
    if len(items) < least or not _may_fork():
        return [work(items)]
    half = (len(items) + 1) // 2
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return [work(items)]
    if pid == 0:  # pragma: no cover - the child; its answer is checked by the parent
        _child(work, items[half:], read_end, write_end)
    os.close(write_end)
    with open(read_end, "rb") as pipe:
        try:
            mine = work(items[:half])
            data = pipe.read()
        except BaseException:
            _stop(pid)
            raise
    theirs = _answer(data, pid)
    return [mine, work(items[half:]) if theirs is None else theirs[0]]


def _may_fork() -> bool:
    """Forking copies only the calling thread, so another thread's locks could be held
    for ever in the child: fork only when this is the only thread, on Linux (elsewhere a
    fork without exec is not safe with every system library) and with a second core."""
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) >= 2


def _child(
    work: Callable[[Sequence[Item]], Any], items: Sequence[Item], read_end: int, write_end: int
) -> None:
    """The child's whole life: its half, on the pipe, then out at once, without the
    parent's clean-up (``atexit``, buffered output, staged files), whatever happens."""
    status = 1
    try:
        import marshal

        os.close(read_end)
        view = memoryview(marshal.dumps([work(items)]))
        while view:
            view = view[os.write(write_end, view) :]
        status = 0
    finally:
        os._exit(status)


def _answer(data: bytes, pid: int) -> list[Any] | None:
    """``[the child's answer]``, or None if it failed or sent something else."""
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    import marshal

    try:
        answer = marshal.loads(data)  # noqa: S302 - from our own child, by our own pipe
    except (EOFError, ValueError, TypeError):
        return None
    return answer if isinstance(answer, list) and len(answer) == 1 else None


def _stop(pid: int) -> None:
    """End the child of an interrupted parent, and reap it."""
    import signal

    os.kill(pid, signal.SIGKILL)  # not reaped yet, so the process is there to be killed
    os.waitpid(pid, 0)
