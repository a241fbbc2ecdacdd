"""Jobs shared by two processes: the same answers as one process, whatever the child does."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
from collections.abc import Sequence

import pytest

from sourcer.library import shares
from sourcer.library.shares import in_shares

PARENT = os.getpid()
can_fork = pytest.mark.skipif(
    not shares.may_fork(), reason="forks only on Linux with two cores and one thread"
)


def squares(items: Sequence[int]) -> list[int]:
    return [item * item for item in items]


@can_fork
@pytest.mark.parametrize(("count", "chunk"), [(11, 1), (11, 3), (1_000, 7), (64, 64)])
def test_the_chunks_answers_come_in_the_items_order(count, chunk):
    parts = in_shares(squares, range(count), least=2, chunk=chunk)
    assert len(parts) == -(-count // chunk)
    assert [square for part in parts for square in part] == [i * i for i in range(count)]


@can_fork
def test_the_child_takes_chunks_of_its_own():
    """Each process's first chunk waits (up to a minute, far more than a fork takes) until
    the other holds one too, so both must take chunks, whichever starts first: the
    answers then come from both processes, in the items' order."""
    parent_has, parent_says = os.pipe()
    child_has, child_says = os.pipe()

    def where(items: Sequence[int]) -> list[object]:
        if os.getpid() == PARENT:
            os.write(parent_says, b"x")
            select.select([child_has], [], [], 60)
        else:
            os.write(child_says, b"x")
            select.select([parent_has], [], [], 60)
        return [list(items), os.getpid()]

    try:
        parts = in_shares(where, range(40), least=2, chunk=4)
    finally:
        for fd in (parent_has, parent_says, child_has, child_says):
            os.close(fd)
    assert [item for items, _ in parts for item in items] == list(range(40))
    pids = {pid for _, pid in parts}
    assert PARENT in pids and len(pids) == 2


def test_a_short_list_stays_in_this_process():
    assert in_shares(squares, range(5), least=6, chunk=1) == [[i * i for i in range(5)]]


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not shares.may_fork()
        assert in_shares(squares, range(10), least=2, chunk=1) == [[i * i for i in range(10)]]
    finally:
        stop.set()
        other.join()


def test_no_more_chunks_than_the_queue_holds(monkeypatch):
    monkeypatch.setattr(shares, "_MOST_CHUNKS", 4)
    parts = in_shares(squares, range(100), least=2, chunk=1)
    assert [len(part) for part in parts] == ([25] * 4 if shares.may_fork() else [100])


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open descriptors")
@pytest.mark.parametrize("fails", ["pipe", "fork"])
def test_no_pipe_or_no_process_means_all_done_here_and_nothing_left_open(monkeypatch, fails):
    monkeypatch.setattr(shares, "may_fork", lambda: True)
    real = getattr(os, fails)
    calls = []

    def refused(*args):
        calls.append(fails)
        if fails == "pipe" and len(calls) == 1:
            return real(*args)  # the queue's pipe, then none for the answers
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, fails, refused)
    before = sorted(os.listdir("/proc/self/fd"))
    assert in_shares(squares, range(10), least=2, chunk=1) == [[i * i for i in range(10)]]
    assert sorted(os.listdir("/proc/self/fd")) == before
    assert calls


def fails_in_a_child(items: Sequence[int]) -> list[int]:
    if os.getpid() != PARENT:
        raise RuntimeError("the child fails")
    return [*items, os.getpid()]


def exits_in_a_child(items: Sequence[int]) -> list[int]:
    if os.getpid() != PARENT:
        os._exit(0)  # ends with status 0 and sends nothing
    return [*items, os.getpid()]


@can_fork
@pytest.mark.parametrize("work", [fails_in_a_child, exits_in_a_child])
def test_a_child_that_fails_costs_only_time(work):
    parts = in_shares(work, range(8), least=2, chunk=2)
    assert parts == [[0, 1, PARENT], [2, 3, PARENT], [4, 5, PARENT], [6, 7, PARENT]]


def test_answers_cut_short_or_not_answers_are_not_kept():
    import marshal

    read_end, write_end = os.pipe()
    try:
        whole = marshal.dumps((3, ["three"]))
        os.write(write_end, len(whole).to_bytes(8, "little") + whole)
        odd = marshal.dumps(["not", "an", "answer"])
        os.write(write_end, len(odd).to_bytes(8, "little") + odd)
        os.write(write_end, (100).to_bytes(8, "little") + b"cut")
        os.close(write_end)
        answers = shares._Answers(read_end)
        answers.take(to_the_end=True)
    finally:
        os.close(read_end)
    assert answers.parts == {3: ["three"]}
    assert answers.whole is False


@can_fork
def test_the_child_never_writes_what_the_parent_had_buffered():
    """Output the parent had not flushed when it forked is written once, by the parent."""
    script = (
        "import sys\n"
        "from sourcer.library.shares import in_shares\n"
        "sys.stdout.write('before ')\n"  # buffered: stdout is a pipe
        "parts = in_shares(len, range(100), least=2, chunk=50)\n"
        "sys.stdout.write(str(parts))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (done.stdout, done.stderr, done.returncode) == ("before [50, 50]", "", 0)


@can_fork
def test_a_failure_in_the_parent_ends_and_reaps_the_child():
    """The child's first chunk waits (up to a minute) for what never comes, so the parent
    takes chunks, fails on its first, and must end the child rather than wait for it."""
    never, unused = os.pipe()

    def fails_in_the_parent(items: Sequence[int]) -> int:
        if os.getpid() == PARENT:
            raise ValueError("the parent fails")
        select.select([never], [], [], 60)
        return len(items)

    try:
        with pytest.raises(ValueError, match="the parent fails"):
            in_shares(fails_in_the_parent, range(10_000), least=2, chunk=10)
    finally:
        os.close(never)
        os.close(unused)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left, running or unreaped
