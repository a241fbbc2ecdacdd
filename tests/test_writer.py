"""Files written by a forked child while the parent goes on (a merge's --out): the same files
as the parent would write, every failure reported against the right file, and nothing left
behind by a failure, an interruption or a parent that goes away."""

from __future__ import annotations

import csv
import os
import signal
import time
from pathlib import Path

import pytest

from sourcer import forking, fsutil, writer
from sourcer.errors import FileExists, WriteError
from sourcer.fsutil import Transaction
from sourcer.outreach import merge
from sourcer.writer import WriteFailed, Writer

can_fork = pytest.mark.skipif(
    not forking.may_fork(), reason="forks only on Linux with two cores and one thread"
)

MERGE = ("outreach", "render", "connection-note", "--set", "sender.name=Sam", "--tier", "premium")


def _open_fds() -> list[str]:
    return sorted(os.listdir("/proc/self/fd"))


def _no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _where_written(monkeypatch) -> list[int]:
    """Record the process that writes each file."""
    real = fsutil._write_bytes
    pids: list[int] = []
    read, write = os.pipe()

    def recording(path, data):
        os.write(write, os.getpid().to_bytes(4, "little"))
        return real(path, data)

    monkeypatch.setattr(fsutil, "_write_bytes", recording)

    def collect() -> list[int]:
        os.close(write)
        data = b""
        while chunk := os.read(read, 1 << 16):
            data += chunk
        os.close(read)
        pids.extend(int.from_bytes(data[i : i + 4], "little") for i in range(0, len(data), 4))
        return pids

    return collect  # type: ignore[return-value]


@can_fork
def test_the_child_writes_every_file_with_its_bytes(tmp_path, monkeypatch):
    before = _open_fds()
    collect = _where_written(monkeypatch)
    texts = {f"{i:03d}.txt": f"message {i}\n" + "é" * (i * 97 % 3000) for i in range(500)}
    with Transaction(helper=True) as batch:
        for name, text in texts.items():
            batch.add(tmp_path / "out" / name, text)
        batch.commit()
    pids = collect()
    assert len(pids) == 500 and set(pids) != {os.getpid()}  # written by the child
    assert {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir()} == texts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging left
    assert _open_fds() == before
    assert _no_child_left()


@can_fork
def test_progress_counts_the_files_the_child_has_written(tmp_path):
    seen: list[tuple[int, int]] = []
    with Transaction(helper=True) as batch:
        for i in range(1000):
            batch.add(tmp_path / "out" / f"{i}.txt", "x\n")
        batch.finish_writes(lambda done, total: seen.append((done, total)))
        batch.commit()
    assert seen[-1] == (1000, 1000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(list((tmp_path / "out").iterdir())) == 1000


@can_fork
@pytest.mark.parametrize("where", ["new", "existing"])
def test_a_write_the_child_cannot_do_names_its_file_and_leaves_nothing(
    tmp_path, monkeypatch, where
):
    out = tmp_path / "out"
    if where == "existing":
        out.mkdir()
        (out / "keep.txt").write_text("mine", encoding="utf-8")
    real = fsutil._write_bytes
    calls: list[str] = []

    def full(path, data):
        calls.append(path)
        if len(calls) == 300:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(fsutil, "_write_bytes", full)
    before = _open_fds()
    with pytest.raises(WriteError) as caught, Transaction(helper=True) as batch:
        for i in range(1000):
            batch.add(out / f"{i:04d}.txt", "a message\n" * 50)
        batch.commit()
    assert str(caught.value) == f"{out / '0299.txt'}: cannot write it (No space left on device)"
    assert sorted(p.name for p in tmp_path.rglob("*")) == (
        ["keep.txt", "out"] if where == "existing" else []
    )
    assert _open_fds() == before
    assert _no_child_left()


@can_fork
def test_an_interrupted_parent_ends_the_child_before_removing_the_files(tmp_path):
    before = _open_fds()
    with pytest.raises(KeyboardInterrupt), Transaction(helper=True) as batch:
        for i in range(2000):
            batch.add(tmp_path / "out" / f"{i}.txt", "x" * 2000)
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    assert _open_fds() == before
    assert _no_child_left()


@can_fork
def test_the_child_ignores_ctrl_c_which_is_the_parents(tmp_path):
    out = tmp_path / "out"
    with Transaction(helper=True) as batch:
        batch.add(out / "0.txt", "x\n")
        assert batch._writer is not None
        os.kill(batch._writer._pid, signal.SIGINT)  # type: ignore[arg-type]
        for i in range(1, 300):
            batch.add(out / f"{i}.txt", "x\n")
        batch.commit()
    assert len(list(out.iterdir())) == 300


@can_fork
def test_a_child_that_is_killed_is_a_write_error_and_leaves_nothing(tmp_path):
    with pytest.raises(WriteError) as caught, Transaction(helper=True) as batch:
        batch.add(tmp_path / "out" / "0.txt", "x\n")
        assert batch._writer is not None
        os.kill(batch._writer._pid, signal.SIGKILL)  # type: ignore[arg-type]
        for i in range(1, 3000):  # enough to fill the pipe: the parent finds the child gone
            batch.add(tmp_path / "out" / f"{i}.txt", "x" * 1000)
        batch.commit()
    assert str(caught.value) == (
        "cannot write the files (the process writing them ended before it was done)"
    )
    assert list(tmp_path.iterdir()) == []
    assert _no_child_left()


@can_fork
def test_a_child_whose_parent_goes_away_takes_back_its_files(tmp_path):
    """The pipe's end, without the end of the files, means the parent died (killed, say):
    the child removes every file it wrote."""
    folder = tmp_path / "staged"
    folder.mkdir()
    child = Writer.start()
    assert child is not None
    for i in range(50):
        child.send(str(folder / f"{i}.txt"), b"x\n")
    child._flush()
    pid = child._pid
    assert pid is not None
    child._close_outbox()  # as the system does for a parent that is gone
    _, status = os.waitpid(pid, 0)
    child._pid = None
    child.stop()
    assert os.waitstatus_to_exitcode(status) == 1
    assert list(folder.iterdir()) == []


@can_fork
def test_a_failure_is_raised_by_a_later_add_once_reported(tmp_path, monkeypatch):
    """A full disk stops a long merge soon, not after every row is rendered."""
    monkeypatch.setattr(writer, "_BATCH", 1)  # every file goes down the pipe at once
    real = fsutil._write_bytes

    def full(path, data):
        if path.endswith("0003.txt"):
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(fsutil, "_write_bytes", full)
    added = 0
    with pytest.raises(WriteError) as caught, Transaction(helper=True) as batch:
        deadline = time.monotonic() + 60  # the child's report comes in far less
        while time.monotonic() < deadline:
            batch.add(tmp_path / "out" / f"{added:04d}.txt", "x\n")
            added += 1
    assert str(caught.value) == (
        f"{tmp_path / 'out' / '0003.txt'}: cannot write it (No space left on device)"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("refused", ["fork", "pipe", "may_fork"])
def test_no_child_to_be_had_means_the_files_are_written_here(tmp_path, monkeypatch, refused):
    if refused == "may_fork":
        monkeypatch.setattr(writer, "may_fork", lambda: False)
    else:
        monkeypatch.setattr(writer, "may_fork", lambda: True)
        calls: list[str] = []
        real = getattr(os, refused)

        def no(*args):
            calls.append(refused)
            if refused == "pipe" and len(calls) == 1:
                return real(*args)
            raise OSError(24, "Too many open files")

        monkeypatch.setattr(os, refused, no)
    before = _open_fds() if os.path.isdir("/proc/self/fd") else None
    collect = _where_written(monkeypatch) if refused == "may_fork" else None
    with Transaction(helper=True) as batch:
        for i in range(20):
            batch.add(tmp_path / "out" / f"{i}.txt", f"{i}\n")
        assert batch._writer is None
        batch.commit()
    assert sorted(p.read_text() for p in (tmp_path / "out").iterdir()) == sorted(
        f"{i}\n" for i in range(20)
    )
    if collect is not None:
        assert set(collect()) == {os.getpid()}  # closes the recording's pipe too
    if before is not None:
        assert _open_fds() == before


def test_a_report_that_is_not_one_is_a_failure():
    read, write = os.pipe()
    child = Writer(pid=0, outbox=-1, reports=read)
    child._pid = None
    child._outbox = None
    data = b"not marshal"
    os.write(write, len(data).to_bytes(8, "little") + data)
    os.close(write)
    os.set_blocking(read, True)
    while child._read_reports(None):
        pass
    child.stop()
    assert child._failure is not None and child._failure.index is None
    assert child._failure.reason == "the process writing them sent nonsense"


def test_retarget_renames_the_staged_files_and_checks_their_folder(tmp_path):
    out = tmp_path / "out"
    with Transaction() as batch:
        batch.add(out / "01-a.txt", "a\n")
        batch.add(out / "02-b.txt", "b\n")
        with pytest.raises(ValueError, match="not in the folder"):
            batch.retarget([str(out / "1-a.txt"), str(tmp_path / "2-b.txt")])
        with pytest.raises(ValueError, match="1 targets for 2 staged files"):
            batch.retarget([str(out / "1-a.txt")])
        with pytest.raises(ValueError, match="the target of two staged files"):
            batch.retarget([str(out / "02-b.txt"), str(out / "01-a.txt")])
        batch.retarget([str(out / "1-a.txt"), str(out / "2-b.txt")])
        batch.commit()
    assert {p.name: p.read_text() for p in out.iterdir()} == {"1-a.txt": "a\n", "2-b.txt": "b\n"}


def test_retarget_in_an_existing_folder_checks_what_is_in_the_way_at_the_commit(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "1-a.txt").write_text("mine")
    with pytest.raises(FileExists), Transaction() as batch:
        batch.add(out / "01-a.txt", "a\n")
        batch.retarget([str(out / "1-a.txt")])
        batch.commit()
    assert sorted(p.name for p in out.iterdir()) == ["1-a.txt"]
    assert (out / "1-a.txt").read_text() == "mine"


# --- the merge: files staged as the messages are rendered ---------------------------------


def _mine(folder: Path) -> list[str]:
    """What is in ``folder`` but sourcer's home (which the tests put there)."""
    return sorted(p.name for p in folder.iterdir() if p.name != "sourcer-home")


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([["first_name", "note"], *rows])
    return path


@pytest.fixture(params=["helper", "here"])
def writes(request, monkeypatch):
    monkeypatch.setattr(merge, "HELPER_FROM", 1 if request.param == "helper" else 10**9)
    return request.param


def test_out_writes_the_same_files_as_the_messages_printed(run, tmp_path, monkeypatch, writes):
    people = _csv(tmp_path / "people.csv", [[f"Ann{i}", ""] for i in range(250)])
    printed = run(*MERGE, "--csv", str(people), "--format", "json")
    assert printed.exit_code == 0, printed.stderr
    collect = _where_written(monkeypatch)
    result = run(*MERGE, "--csv", str(people), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    writers = set(collect())
    assert (writers != {os.getpid()}) == (writes == "helper" and forking.may_fork())
    assert result.stderr.endswith(f"wrote 250 files to {tmp_path / 'out'}\n")
    import json

    bodies = [message["body"] for message in json.loads(printed.stdout)]
    files = sorted((tmp_path / "out").iterdir())
    assert [p.name for p in files[:2]] == ["002-ann0.txt", "003-ann1.txt"]
    assert [p.read_text(encoding="utf-8") for p in files] == [body + "\n" for body in bodies]
    assert _mine(tmp_path) == ["out", "people.csv"]


@pytest.mark.parametrize("lines", ["more", "fewer"])
def test_names_guessed_too_wide_or_too_narrow_are_put_right(
    run, tmp_path, monkeypatch, writes, lines
):
    """The names' width is guessed from the input's lines: a cell's line breaks make the
    guess too wide (1,000 lines, 3 rows), a system that cannot count them too narrow."""
    if lines == "more":
        rows = [["Ann", "line\n" * 1000], ["Bob", ""], ["Cy", ""]]
        expected = ["002-ann.txt", "003-bob.txt", "004-cy.txt"]
    else:
        rows = [[f"P{i}", ""] for i in range(1000)]
        monkeypatch.setattr(merge.CsvRows, "lines", lambda self: 0)
        expected = ["0002-p0.txt", "0003-p1.txt"]
    people = _csv(tmp_path / "people.csv", rows)
    result = run(*MERGE, "--csv", str(people), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names[: len(expected)] == expected
    assert len(names) == len(rows)


def test_rows_that_fail_leave_nothing_staged(run, tmp_path, writes):
    people = tmp_path / "people.csv"
    people.write_text("first_name\n" + "A\n" * 300 + "B,extra\n", encoding="utf-8")
    result = run(*MERGE, "--csv", str(people), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "1 row of" in result.stderr and "nothing was written" in result.stderr
    assert _mine(tmp_path) == ["people.csv"]


def test_files_in_the_way_are_named_before_any_is_moved_in(run, tmp_path, writes):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("003-b.txt", "004-c.txt"):
        (out / name).write_text("mine", encoding="utf-8")
    people = _csv(tmp_path / "people.csv", [["A", ""], ["B", ""], ["C", ""]])
    result = run(*MERGE, "--csv", str(people), "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out / '003-b.txt'} and 1 more already exists; use --force to overwrite it\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["003-b.txt", "004-c.txt"]
    forced = run(*MERGE, "--csv", str(people), "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert sorted(p.name for p in out.iterdir()) == ["002-a.txt", "003-b.txt", "004-c.txt"]
    assert (out / "003-b.txt").read_text(encoding="utf-8") != "mine"


def test_staged_files_are_only_for_their_folder(tmp_path):
    result = merge.MergeResult("text", False, "the rows", [])
    result._stage_files(str(tmp_path / "out"), 1, False)
    try:
        with pytest.raises(ValueError, match="staged for"):
            merge.write_files(result, str(tmp_path / "elsewhere"))
        with pytest.raises(ValueError, match="staged for"):
            list(result.files())
    finally:
        result.close()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="files hold message text"):
        merge.MergeResult("json", False, "the rows", [])._stage_files(str(tmp_path), 1, False)


def test_a_failed_write_is_reported_as_the_writer_says(tmp_path):
    batch = Transaction()
    batch._staged = [("s", str(tmp_path / "a.txt"), True)]
    assert str(batch._failed(WriteFailed(0, "No space left on device"))) == (
        f"{tmp_path / 'a.txt'}: cannot write it (No space left on device)"
    )
    assert str(batch._failed(WriteFailed(None, "gone"))) == "cannot write the files (gone)"
    assert str(batch._failed(WriteFailed(5, "gone"))) == "cannot write the files (gone)"
