"""Files created by a forked child while the parent goes on: a merge's ``--out`` on two cores.

A merge renders each message in Python, on one core, and creating its file is the system's
work: 20 us to 500 us a file on one disk, as long as the rendering or longer. With a
:class:`Writer`, the parent sends each file's path and bytes down a pipe and renders the
next message while the child creates the last: 10,000 files then cost about the longer of
the two, not their sum.

The child creates the files in order, each new (never one that exists), with
:func:`sourcer.fsutil._write_bytes`, and reports how many it has written; the first that
fails ends it, and its report names the file's place in the order and the reason. Where the
parent goes away without finishing (killed, say), the pipe's end tells the child, which
takes back every file it wrote. Ctrl-C is the parent's: the child ignores it, and the
parent ends it (:meth:`Writer.stop`) before it removes the staged files.

The child's reports are messages on a second pipe (see :mod:`sourcer.forking`).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable

from sourcer.forking import PIPE_SIZE, may_fork, received, send, stop, widen

#: a file on the pipe: its path's length and its data's, then both
_HEAD = 8
#: what the parent gathers before one write to the pipe (one system call, not a file's two)
_BATCH = 1 << 18
#: the child reports its count after so many files (the parent's progress bar)
_EVERY = 128
#: when the child waits for files, it puts those it wrote on disk if there are so many
_SYNC_FROM = 256


class WriteFailed(Exception):
    """The child could not write the file at ``index`` (in the order sent), for ``reason``;
    ``index`` is None when it ended without saying which (killed, say)."""

    def __init__(self, index: int | None, reason: str) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason


class Writer:
    """A forked child that creates the files it is sent; :meth:`start` gives one, or None
    where forking is not safe (see :func:`sourcer.forking.may_fork`) or not to be had."""

    def __init__(self, pid: int, outbox: int, reports: int) -> None:
        self._pid: int | None = pid
        self._outbox: int | None = outbox
        self._reports = reports
        self._pending = bytearray()
        self._unread = bytearray()
        #: files the child says it has written
        self.written = 0
        self._failure: WriteFailed | None = None
        self._finished = False
        self._sent = 0

    @classmethod
    def start(cls) -> Writer | None:
        if not may_fork():
            return None
        fds: list[int] = []
        # The child starts with Ctrl-C and SIGTERM held back until it has set its own
        # handlers, so that neither can reach it as the parent's.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            inbox, outbox = os.pipe()
            fds += [inbox, outbox]
            reports, reports_in = os.pipe()
            fds += [reports, reports_in]
            widen(outbox)
            pid = os.fork()
        except OSError:  # no pipe or no process to be had: the parent writes the files
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            for fd in fds:
                os.close(fd)
            return None
        if pid == 0:  # pragma: no cover - the child; what it wrote is checked by the parent
            _child(inbox, outbox, reports, reports_in, held)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(inbox)
        os.close(reports_in)
        os.set_blocking(reports, False)
        return cls(pid, outbox, reports)

    def send(self, path: str, data: bytes) -> None:
        """Queue a new file. WriteFailed if the child has reported failing one sent before."""
        if self._failure is not None:
            raise self._failure
        name = os.fsencode(path)
        pending = self._pending
        pending += len(name).to_bytes(4, "little") + len(data).to_bytes(4, "little")
        pending += name
        pending += data
        self._sent += 1
        if len(pending) >= _BATCH:
            self._flush()

    def finish(self, progress: Callable[[int], None] | None = None) -> None:
        """Wait until the child has written every file sent (``progress`` is called with
        its count as it reports it); WriteFailed if it could not."""
        if self._finished:
            return
        self._pending += bytes(_HEAD)  # a path of no length: the end
        self._flush()
        self._wait_for_the_end(progress)
        if self.written != self._sent:
            raise WriteFailed(None, "the process writing them ended before it was done")

    def stop(self) -> None:
        """End the child if it is still there (an interrupted merge), and close the pipes."""
        self._close_outbox()
        if self._pid is not None:
            stop(self._pid)
            self._pid = None
        if self._reports >= 0:
            os.close(self._reports)
            self._reports = -1

    def _flush(self) -> None:
        view = memoryview(self._pending)
        try:
            while view:
                if self._outbox is None:
                    break
                try:
                    view = view[os.write(self._outbox, view) :]
                except BrokenPipeError:  # the child is gone: its last report says why
                    self._wait_for_the_end(None)
                    raise WriteFailed(
                        None, "the process writing them ended before it was done"
                    ) from None
        finally:
            view.release()
        del self._pending[:]
        self._read_reports(None)
        if self._failure is not None:
            raise self._failure

    def _wait_for_the_end(self, progress: Callable[[int], None] | None) -> None:
        """Take every report up to the child's end, and reap it; WriteFailed if one said
        a file failed."""
        self._close_outbox()
        os.set_blocking(self._reports, True)
        while self._read_reports(progress):
            pass
        self._reap()
        self._finished = True
        if self._failure is not None:
            raise self._failure

    def _read_reports(self, progress: Callable[[int], None] | None) -> bool:
        """Take what the child has reported; False once its end is reached (or, without
        waiting, once nothing more is there)."""
        try:
            data = os.read(self._reports, PIPE_SIZE)
        except BlockingIOError:
            return False
        if not data:
            return False
        self._unread += data
        for report in received(self._unread):
            if isinstance(report, tuple) and len(report) == 3 and isinstance(report[1], int):
                kind, count, reason = report
                self.written = count
                if kind == "failed" and self._failure is None:
                    self._failure = WriteFailed(count, str(reason))
            elif self._failure is None:
                self._failure = WriteFailed(None, "the process writing them sent nonsense")
        if progress is not None:
            progress(self.written)
        return True

    def _close_outbox(self) -> None:
        if self._outbox is not None:
            os.close(self._outbox)
            self._outbox = None

    def _reap(self) -> None:
        if self._pid is not None:
            os.waitpid(self._pid, 0)
            self._pid = None


def _child(
    inbox: int, outbox: int, reports: int, reports_in: int, held: set[int | signal.Signals]
) -> None:
    """The child's whole life: files from the pipe until its end, then out, without the
    parent's clean-up (``atexit``, buffered output, staged files), whatever happens."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # and SIGTERM ends this child at once
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(outbox)
        os.close(reports)
        status = _serve(inbox, reports_in)
    finally:
        os._exit(status)


def _serve(inbox: int, reports: int) -> int:  # pragma: no cover - runs in the child
    """Create each file as it comes; 0 once the end came, 1 after a failure."""
    from sourcer import fsutil  # the module's own writer (a test's stand-in, if it has one)

    written: list[str] = []
    buffer = bytearray()

    def report(kind: str, reason: str = "") -> None:
        send(reports, (kind, len(written), reason))

    os.set_blocking(inbox, False)
    unsynced = 0
    while True:
        try:
            chunk = os.read(inbox, PIPE_SIZE)
        except BlockingIOError:  # waiting for the parent: a moment to put files on disk
            if unsynced >= _SYNC_FROM:
                os.sync()  # so that the commit's sync has little left to do
                unsynced = 0
            os.set_blocking(inbox, True)
            chunk = os.read(inbox, PIPE_SIZE)
            os.set_blocking(inbox, False)
        if not chunk:  # the parent went away without finishing: take back every file
            for path in written:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            return 1
        buffer += chunk
        start = 0
        while len(buffer) - start >= _HEAD:
            size = int.from_bytes(buffer[start : start + 4], "little")
            if not size:
                report("done")
                return 0
            middle = start + _HEAD + size
            end = middle + int.from_bytes(buffer[start + 4 : start + _HEAD], "little")
            if end > len(buffer):
                break
            path = os.fsdecode(bytes(buffer[start + _HEAD : middle]))
            try:
                fsutil._write_bytes(path, bytes(buffer[middle:end]))
            except BaseException as err:  # whatever it is, the parent hears of it
                reason = (err.strerror if isinstance(err, OSError) else None) or str(err)
                report("failed", reason or type(err).__name__)
                return 1
            written.append(path)
            unsynced += 1
            if len(written) % _EVERY == 0:
                report("written")
            start = end
        del buffer[:start]
