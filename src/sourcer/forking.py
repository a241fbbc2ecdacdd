"""When a second process may be forked to share work, and how to end one.

Two things fork a child that runs beside the parent, each on its own core: the cold index
(:mod:`sourcer.library.shares`) and the files of a merge's ``--out``
(:mod:`sourcer.writer`). Both fork without exec, which is safe only where this module says.

The child tells the parent what it did in messages on a pipe: ``marshal`` data, several
times quicker to write and read than JSON. It is not safe from a stranger's data, but this
is a copy of the same process writing to a pipe only the two of them hold.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

#: a message's length, before it
_LENGTH = 8
#: what a pipe between the two is asked to hold, so that a writer seldom waits for its
#: reader (Linux allows up to 1 MiB to anyone)
PIPE_SIZE = 1 << 20


def may_fork() -> bool:
    """Forking copies only the calling thread, so another thread's locks could be held
    for ever in the child: fork only when this is the only thread, on Linux (elsewhere a
    fork without exec is not safe with every system library) and with a second core."""
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) >= 2


def widen(fd: int) -> None:
    """Ask for a larger pipe; where it cannot be had, its writer only waits more often."""
    import fcntl

    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)


def stop(pid: int) -> None:
    """End a child that is no longer wanted, and reap it."""
    import signal

    os.kill(pid, signal.SIGKILL)  # not reaped yet, so the process is there to be killed
    os.waitpid(pid, 0)


def send(fd: int, message: Any) -> None:
    """Write ``message`` (what ``marshal`` carries) to the pipe ``fd``, its length first."""
    import marshal

    data = marshal.dumps(message)
    view = memoryview(len(data).to_bytes(_LENGTH, "little") + data)
    while view:
        view = view[os.write(fd, view) :]


def received(buffer: bytearray) -> list[object]:
    """The whole messages at the start of ``buffer``, which loses them (what is left is the
    start of the next); one that does not load is None."""
    import marshal

    found: list[object] = []
    start = 0
    while len(buffer) - start >= _LENGTH:
        end = start + _LENGTH + int.from_bytes(buffer[start : start + _LENGTH], "little")
        if end > len(buffer):
            break
        try:
            found.append(marshal.loads(buffer[start + _LENGTH : end]))  # noqa: S302 - our child's
        except (EOFError, ValueError, TypeError):
            found.append(None)
        start = end
    del buffer[:start]
    return found
