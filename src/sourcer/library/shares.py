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
one number whole, so no chunk is taken twice. The answers go as messages on a second pipe
(see :mod:`sourcer.forking`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sourcer.forking import PIPE_SIZE, may_fork, received, send, stop, widen

Item = TypeVar("Item")

#: a chunk's number in the queue
_NUMBER = 4
#: at most so many chunks: their numbers are written to the queue before the fork, and a
#: pipe holds 64 KiB without a reader
_MOST_CHUNKS = 4_096


def in_shares(
    work: Callable[[Sequence[Item]], Any], items: Sequence[Item], *, least: int, chunk: int
) -> list[Any]:
    """``work`` of each chunk of ``chunk`` items, in the items' order, some done in a forked
    child, when the list holds at least ``least`` items and forking is safe here; else
    ``[work(items)]``. ``work`` must return what ``marshal`` carries (lists, strings,
    numbers, None), and must not write files or print: the child's side effects are lost."""
    if len(items) < least or not may_fork():
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
        widen(answers)  # so that the child seldom waits for the parent to take them
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
        stop(pid)
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


def _take(queue: int) -> int | None:
    """The next chunk's number from the queue, or None when every chunk is taken."""
    data = os.read(queue, _NUMBER)
    return int.from_bytes(data, "little") if len(data) == _NUMBER else None


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
        os.close(answers)
        while (number := _take(queue)) is not None:
            send(answers_in, (number, work(chunks[number])))
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
                data = os.read(self.fd, PIPE_SIZE)
            except BlockingIOError:
                break
            if not data:
                if self._buffer:
                    self.whole = False  # an answer cut short
                break
            self._buffer += data
            self._keep()
            if not to_the_end and len(data) < PIPE_SIZE:
                break

    def _keep(self) -> None:
        for answer in received(self._buffer):
            if isinstance(answer, tuple) and len(answer) == 2 and type(answer[0]) is int:
                self.parts[answer[0]] = answer[1]
            else:
                self.whole = False
