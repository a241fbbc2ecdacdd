"""Jobs done on two cores: the same answers as one process, whatever the child does."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Sequence

import pytest

from sourcer.library import halves
from sourcer.library.halves import in_halves

PARENT = os.getpid()
can_fork = pytest.mark.skipif(
    not halves._may_fork(), reason="forks only on Linux with two cores and one thread"
)


def where(items: Sequence[int]) -> list[object]:
    return [[item * item for item in items], os.getpid()]


@can_fork
def test_the_second_half_is_done_in_a_child_with_the_same_answers():
    (mine, parent), (theirs, child) = in_halves(where, range(11), least=2)
    assert mine + theirs == [i * i for i in range(11)]
    assert len(mine) == 6  # the parent takes the larger half
    assert parent == PARENT != child


def test_a_short_list_stays_in_this_process():
    assert in_halves(where, range(5), least=6) == [[[i * i for i in range(5)], PARENT]]


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not halves._may_fork()
        assert in_halves(where, range(10), least=2) == [[[i * i for i in range(10)], PARENT]]
    finally:
        stop.set()
        other.join()


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
    assert in_halves(work, range(8), least=2) == [[0, 1, 2, 3, PARENT], [4, 5, 6, 7, PARENT]]


@can_fork
def test_the_child_never_writes_what_the_parent_had_buffered():
    """Output the parent had not flushed when it forked is written once, by the parent."""
    script = (
        "import sys\n"
        "from sourcer.library.halves import in_halves\n"
        "sys.stdout.write('before ')\n"  # buffered: stdout is a pipe
        "parts = in_halves(len, range(100), least=2)\n"
        "sys.stdout.write(str(parts))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (done.stdout, done.stderr, done.returncode) == ("before [50, 50]", "", 0)


def fails_in_the_parent(items: Sequence[int]) -> int:
    if os.getpid() == PARENT:
        raise ValueError("the parent fails")
    return len(items)


@can_fork
def test_a_failure_in_the_parent_ends_and_reaps_the_child():
    with pytest.raises(ValueError, match="the parent fails"):
        in_halves(fails_in_the_parent, range(10_000), least=2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left, running or unreaped
