"""Jobs done on two cores: the same answers as one process, whatever the child does."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from sourcer.library import halves
from sourcer.library.halves import map_in_halves

PARENT = os.getpid()
can_fork = pytest.mark.skipif(
    not halves._may_fork(), reason="forks only on Linux with two cores and one thread"
)


def where(item: int) -> list[int]:
    return [item * item, os.getpid()]


@can_fork
def test_the_second_half_is_done_in_a_child_with_the_same_answers():
    answers = map_in_halves(where, range(11), least=2)
    assert [square for square, _ in answers] == [i * i for i in range(11)]
    pids = [pid for _, pid in answers]
    assert pids[:6] == [PARENT] * 6  # the parent takes the larger half
    assert len(set(pids[6:])) == 1 and pids[6] != PARENT


def test_a_short_list_stays_in_this_process():
    assert map_in_halves(where, range(5), least=6) == [[i * i, PARENT] for i in range(5)]


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not halves._may_fork()
        assert map_in_halves(where, range(10), least=2) == [[i * i, PARENT] for i in range(10)]
    finally:
        stop.set()
        other.join()


def fails_in_a_child(item: int) -> list[int]:
    if os.getpid() != PARENT:
        raise RuntimeError("the child fails")
    return [item, os.getpid()]


def exits_in_a_child(item: int) -> list[int]:
    if os.getpid() != PARENT:
        os._exit(0)  # ends with status 0 and sends nothing
    return [item, os.getpid()]


@can_fork
@pytest.mark.parametrize("work", [fails_in_a_child, exits_in_a_child])
def test_a_child_that_fails_costs_only_time(work):
    assert map_in_halves(work, range(8), least=2) == [[i, PARENT] for i in range(8)]


@can_fork
def test_the_child_never_writes_what_the_parent_had_buffered():
    """Output the parent had not flushed when it forked is written once, by the parent."""
    import subprocess

    script = (
        "import sys\n"
        "from sourcer.library.halves import map_in_halves\n"
        "sys.stdout.write('before ')\n"  # buffered: stdout is a pipe
        "answers = map_in_halves(str, range(100), least=2)\n"
        "sys.stdout.write(str(len(answers)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (done.stdout, done.stderr, done.returncode) == ("before 100", "", 0)


def fails_in_the_parent(item: int) -> int:
    if os.getpid() == PARENT and item == 2:
        raise ValueError("the parent fails")
    return item


@can_fork
def test_a_failure_in_the_parent_ends_and_reaps_the_child():
    with pytest.raises(ValueError, match="the parent fails"):
        map_in_halves(fails_in_the_parent, range(10_000), least=2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left, running or unreaped
