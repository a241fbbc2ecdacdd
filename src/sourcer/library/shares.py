"""A long list of small jobs shared by two processes, one on each core.

A cold index reads and skims every term file of a layer, 20,000 of them in a large library,
and that work is all Python: one process uses one core. Where it is safe and worth it
(Linux, no other thread running, at least two cores, a long list), the list is cut into
chunks and the process forks once; parent and child then take chunks in turn from a shared
queue until none is left, so that each does what its core allows. The child sends each
answer back as soon as it has it, and the parent takes them in between its own chunks: when
the last chunk is done, nothing is left to send. Anything wrong with the child (it could not
start, died, or sent something else) costs only time: the parent does its chunks too.

The queue is a pipe holding every chunk's number, four bytes each: a read of four bytes takes
one number whole, so no chunk is taken twice. The answers go as ``marshal`` data, several
times quicker to write and read than JSON: it is not safe from a stranger's data, but this is
a copy of the same process writing to a pipe only the two of them hold.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")

#: a chunk's number in the queue, and an answer's length before it
_NUMBER = 4
_LENGTH = 8
#: at most so many chunks: their numbers are written to the queue before the fork, and a
#: pipe holds 64 KiB without a reader
_MOST_CHUNKS = 4_096
#: what the answers' pipe is asked to hold, so that the child seldom waits for the parent to
#: take them (Linux allows up to 1 MiB to anyone)
_PIPE_SIZE = 1 << 20


def in_shares(
    work: Callable[[Sequence[Item]], Any], items: Sequence[Item], *, least: int, chunk: int
) -> list[Any]:
    """``work`` of each chunk of ``chunk`` items, in the items' order, some done in a forked
    child, when the list holds at least ``least`` items and forking is safe here; else
    ``[work(items)]``. ``work`` must return what ``marshal`` carries (lists, strings,
    numbers, None), and must not write files or print: the child's side effects are lost."""
    if len(items) < least or not _may_fork():
        return [work(items)]
    size = max(chunk, -(-len(items) // _MOST_CHUNKS))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    pipes: list[int] = []
    try:
        queue_out, queue_in = os.pipe()
        pipes += [queue_out, queue_in]
        numbers = b"".join(n.to_bytes(_NUMBER, "little") for n in range(len(chunks)))
        os.write(queue_in, numbers)
        os.close(pipes.pop())  # once the numbers are taken, a read finds the queue's end
        answers, answers_in = os.pipe()
        pipes += [answers, answers_in]
        _widen(answers)
        pid = os.fork()
    except OSError:  # no pipe or no process to be had: all done here
        for fd in pipes:
            os.close(fd)
        return [work(items)]
    if pid == 0:  # pragma: no cover - the child; its answers are checked by the parent
        _child(work, chunks, queue_out, answers, answers_in)
    os.close(answers_in)
    os.set_blocking(answers, False)
    parts: list[Any] = [None] * len(chunks)
    done = [False] * len(chunks)
    theirs = _Answers(answers)
    try:
        while (number := _take(queue_out)) is not None:
            parts[number] = work(chunks[number])
            done[number] = True
            theirs.take()
        os.set_blocking(answers, True)
        theirs.take(to_the_end=True)
    except BaseException:
        _stop(pid)
        raise
    finally:
        os.close(queue_out)
        os.close(answers)
    _, status = os.waitpid(pid, 0)
    if status == 0 and theirs.whole:
        for number, part in theirs.parts.items():
            if 0 <= number < len(chunks) and not done[number]:
                parts[number] = part
                done[number] = True
    for number, finished in enumerate(done):
        if not finished:  # taken by a child that failed: done here after all
            parts[number] = work(chunks[number])
    return parts


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


def _take(queue: int) -> int | None:
    """The next chunk's number from the queue, or None when every chunk is taken."""
    data = os.read(queue, _NUMBER)
    return int.from_bytes(data, "little") if len(data) == _NUMBER else None


def _widen(fd: int) -> None:
    """Ask for a larger pipe; where it cannot be had, the child only waits more often."""
    import fcntl

    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_SIZE)


def _child(
    work: Callable[[Sequence[Item]], Any],
    chunks: Sequence[Sequence[Item]],
    queue: int,
    answers: int,
    answers_in: int,
) -> None:
    """The child's whole life: chunks from the queue, each answer on the pipe at once, then
    out, without the parent's clean-up (``atexit``, buffered output, staged files),
    whatever happens."""
    status = 1
    try:
        import marshal

        os.close(answers)
        while (number := _take(queue)) is not None:
            data = marshal.dumps((number, work(chunks[number])))
            view = memoryview(len(data).to_bytes(_LENGTH, "little") + data)
            while view:
                view = view[os.write(answers_in, view) :]
        status = 0
    finally:
        os._exit(status)


class _Answers:
    """The child's answers by chunk number, taken off the pipe as they come."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.parts: dict[int, Any] = {}
        #: False once something that is not an answer came
        self.whole = True
        self._buffer = bytearray()

    def take(self, *, to_the_end: bool = False) -> None:
        """Read what the pipe holds (all of it, up to the child's end, if ``to_the_end``)
        and keep each whole answer."""
        while True:
            try:
                data = os.read(self.fd, _PIPE_SIZE)
            except BlockingIOError:
                break
            if not data:
                if self._buffer:
                    self.whole = False  # an answer cut short
                break
            self._buffer += data
            self._keep()
            if not to_the_end and len(data) < _PIPE_SIZE:
                break

    def _keep(self) -> None:
        import marshal

        buffer = self._buffer
        start = 0
        while len(buffer) - start >= _LENGTH:
            length = int.from_bytes(buffer[start : start + _LENGTH], "little")
            end = start + _LENGTH + length
            if end > len(buffer):
                break
            try:
                answer = marshal.loads(buffer[start + _LENGTH : end])  # noqa: S302 - our child's
            except (EOFError, ValueError, TypeError):
                answer = None
            if isinstance(answer, tuple) and len(answer) == 2 and type(answer[0]) is int:
                self.parts[answer[0]] = answer[1]
            else:
                self.whole = False
            start = end
        del buffer[:start]


def _stop(pid: int) -> None:
    """End the child of an interrupted parent, and reap it."""
    import signal

    os.kill(pid, signal.SIGKILL)  # not reaped yet, so the process is there to be killed
    os.waitpid(pid, 0)
