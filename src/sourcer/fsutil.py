"""Writing files safely: atomically (temp file + rename) and never over a user's file unasked.

A user's files go through :class:`Transaction` (or :func:`write_atomic`, one file). Caches,
which a reader takes as they come, go through :func:`replace_files`, which needs nothing
beyond ``os``: a first run writes several, and this module's other imports (``pathlib``,
``tempfile``, ``shutil``) cost it 9-18 ms.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sourcer.errors import FileExists, WriteError

if TYPE_CHECKING:
    from pathlib import Path

    from sourcer.writer import WriteFailed, Writer


def write_atomic(target: str | os.PathLike[str], text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``target`` as a one-file :class:`Transaction`: readers see the old
    file or the new one, never half, and a failure or a signal leaves nothing new behind.

    Without ``force`` an existing file is left alone and FileExists is raised; the check and
    the move are one step (a hard link cannot replace a file), so no race can clobber it.
    With ``force`` the new file keeps the permissions of the one it replaces. Any other
    failure is a WriteError naming the file and the reason.
    """
    with Transaction(force=force) as batch:
        batch.add(target, text)
        batch.commit()


def replace_files(files: Sequence[tuple[str, str]]) -> None:
    """Caches: each ``(path, text)`` is written beside its path under a name of its own,
    then all are renamed over their paths, in order (so the last names the others' stamp).
    Folders are made as needed; nothing is synced (after a crash a cache may be empty or
    missing, which its reader takes as no cache). Any failure raises OSError (or
    UnicodeEncodeError for a lone surrogate) and leaves no file of its own behind; a signal
    too, as in :class:`Transaction`."""
    tag = f".{os.getpid()}-{os.urandom(4).hex()}.tmp"
    written: list[tuple[str, str]] = []  # (temporary, path)
    renamed = 0
    previous = _on_sigterm(_terminate)
    try:
        for path, text in files:
            folder = os.path.dirname(path)
            if folder:
                os.makedirs(folder, exist_ok=True)
            written.append((path + tag, path))
            _write_new(path + tag, text)
        for temporary, path in written:
            os.replace(temporary, path)
            renamed += 1
    finally:
        for temporary, _ in written[renamed:]:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _on_sigterm(previous)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class Transaction:
    """Several files written all or none: each is staged in a hidden folder beside its
    target (so the final move is a rename on one file system), and only :meth:`commit`
    moves them into place. Any failure or interruption before or during the commit
    leaves no new file behind and every existing file as it was.

        with Transaction(force=False) as batch:
            batch.add("out/001-ada.txt", text)
            ...
            batch.commit()

    With ``helper=True`` the staged files are created by a forked child while the caller
    goes on (see :mod:`sourcer.writer`), where forking is safe. Caches, which need none of
    this, go through :func:`replace_files`.
    """

    def __init__(self, *, force: bool = False, helper: bool = False) -> None:
        self.force = force
        #: whether to hand the staged files to a forked child (see :mod:`sourcer.writer`)
        self._helper = helper
        self._writer: Writer | None = None
        self._staging: dict[Path, Path] = {}  # target folder -> its staging folder
        #: new target folders staged whole beside where they go: moved in by one rename
        self._whole: dict[Path, Path] = {}
        self._created: list[Path] = []  # folders we made, removed again if nothing lands
        #: (staged file, target, whether its folder moves in whole)
        self._staged: list[tuple[str, str, bool]] = []
        self._folders: dict[str, tuple[str, bool]] = {}  # as given -> (staging, whole)
        self._committed = False
        self._previous: Any = None

    def __enter__(self) -> Transaction:
        # SIGTERM unwinds like Ctrl-C while files are staged, so they are cleaned up.
        self._previous = _on_sigterm(_terminate)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._cleanup()
        finally:
            _on_sigterm(self._previous)

    def add(self, target: str | os.PathLike[str], text: str, *, check: bool = True) -> None:
        """Stage ``text`` for ``target``; FileExists now if it exists and force is off (or
        only at :meth:`commit`, without ``check``).

        With ``helper``, the first file forks a child that creates this one and the rest
        while the caller goes on (where forking is safe; else they are written here): a
        failure to write one may then be raised by a later :meth:`add` or by the commit."""
        target = os.fspath(target)
        parent, name = os.path.split(target)
        known = self._folders.get(parent)
        whole = known is not None and known[1]  # a folder of ours: nothing can be in the way
        if check and not whole and not self.force and os.path.lexists(target):  # links count
            raise FileExists(target)
        try:
            if known is None:  # where a folder's files go is worked out once
                from pathlib import Path

                folder = Path(parent or os.curdir)
                known = (str(self._folder_for(folder)), folder in self._whole)
                self._folders[parent] = known
            staging, whole = known
            staged = os.path.join(staging, name if whole else f"{len(self._staged):06d}")
            data = text.encode("utf-8")
            if self._helper:
                from sourcer.writer import Writer

                self._helper = False
                self._writer = Writer.start()
            if self._writer is None:
                _write_bytes(staged, data)  # created as any new file is: 0o666 less the umask
            else:
                self._staged.append((staged, target, whole))
                self._send(staged, data)
                return
        except OSError as err:
            reason = err.strerror or str(err)
            raise WriteError(f"{target}: cannot write it ({reason})") from err
        self._staged.append((staged, target, whole))

    def _send(self, staged: str, data: bytes) -> None:
        from sourcer.writer import WriteFailed

        assert self._writer is not None
        try:
            self._writer.send(staged, data)
        except WriteFailed as err:
            raise self._failed(err) from None

    def _failed(self, err: WriteFailed) -> WriteError:
        if err.index is None or not 0 <= err.index < len(self._staged):
            return WriteError(f"cannot write the files ({err.reason})")
        return WriteError(f"{self._staged[err.index][1]}: cannot write it ({err.reason})")

    def finish_writes(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Wait until every staged file is written (only a helper can be behind), calling
        ``progress`` with how many are and how many there are; WriteError if one could
        not be. :meth:`commit` does it first."""
        writer = self._writer
        if writer is None:
            return
        from sourcer.writer import WriteFailed

        total = len(self._staged)
        try:
            writer.finish(None if progress is None else lambda done: progress(done, total))
        except WriteFailed as err:
            raise self._failed(err) from None

    def retarget(self, targets: Sequence[str]) -> None:
        """Give the staged files new targets, one for each in the order added (in the same
        folders: a merge whose files' names came out wider than it guessed). FileExists
        is then checked at the commit."""
        self.finish_writes()
        if len(targets) != len(self._staged):
            raise ValueError(f"{len(targets)} targets for {len(self._staged)} staged files")
        try:
            for index, ((staged, target, whole), new) in enumerate(
                zip(self._staged, targets, strict=True)
            ):
                if os.path.dirname(new) != os.path.dirname(target):
                    raise ValueError(f"{new}: not in the folder of {target}")
                if whole and new != target:
                    moved = os.path.join(os.path.dirname(staged), os.path.basename(new))
                    if os.path.lexists(moved):  # another staged file: a rename would lose it
                        raise ValueError(f"{new}: the target of two staged files")
                    os.rename(staged, moved)
                    staged = moved
                self._staged[index] = (staged, new, whole)
        except OSError as err:
            raise WriteError(f"{new}: cannot write it ({err.strerror or err})") from err

    def commit(self) -> None:
        """Move every staged file into place; on any failure put everything back.

        The staged files reach the disk first, in one sync for the whole batch (a sync per
        file made a 10,000-file merge several times slower)."""
        self.finish_writes()
        done: list[tuple[str, str | None]] = []  # (target, backup of what it replaced)
        try:
            _sync([staged for staged, _, _ in self._staged])
        except OSError as err:
            raise WriteError(f"cannot write the files ({err.strerror or err})") from err
        moved_in: list[Path] = []  # whole new folders renamed into place
        path: str | Path = ""
        try:
            for folder, staging in self._whole.items():
                path = folder
                os.rename(staging, folder)  # one step for every file in it
                moved_in.append(folder)
            for staged, target, whole in self._staged:
                if whole:
                    continue
                path = target
                backup = None
                if os.path.lexists(target):
                    if not self.force:
                        raise FileExists(target)
                    backup = staged + ".old"
                    os.link(target, backup, follow_symlinks=False)
                    if not os.path.islink(target):  # the new file keeps the old one's mode
                        os.chmod(staged, stat.S_IMODE(os.stat(target).st_mode))
                    os.replace(staged, target)
                else:
                    try:
                        os.link(staged, target)
                    except FileExistsError as err:
                        raise FileExists(target) from err
                done.append((target, backup))
        except BaseException as err:
            import shutil

            failed = path
            for folder in moved_in:
                shutil.rmtree(folder, ignore_errors=True)
            for moved, backup in reversed(done):
                with contextlib.suppress(OSError):
                    if backup is not None:
                        os.replace(backup, moved)
                    else:
                        os.unlink(moved)
            if isinstance(err, OSError):
                raise WriteError(f"{failed}: cannot write it ({err.strerror or err})") from err
            raise
        self._committed = True

    def _folder_for(self, parent: Path) -> Path:
        import tempfile
        from pathlib import Path

        if parent in self._whole:
            return self._whole[parent]
        if parent not in self._staging and not parent.exists() and parent.parent.is_dir():
            # A new folder in an existing one: staged whole beside it, with a new folder's
            # permissions, and moved in by one rename (no second name for every file).
            staging = Path(tempfile.mkdtemp(prefix=".sourcer-", dir=parent.parent))
            os.chmod(staging, 0o777 & ~_umask())
            self._whole[parent] = staging
            return staging
        if parent not in self._staging:
            missing = []
            probe = parent
            while not probe.exists():
                missing.append(probe)
                probe = probe.parent
            parent.mkdir(parents=True, exist_ok=True)
            self._created.extend(reversed(missing))
            self._staging[parent] = Path(tempfile.mkdtemp(prefix=".sourcer-", dir=parent))
        return self._staging[parent]

    def _cleanup(self) -> None:
        if self._writer is not None:
            self._writer.stop()  # before its files are removed: none comes after
            self._writer = None
        folders = (*self._staging.values(), *self._whole.values())
        if folders:
            import shutil

            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)  # gone already if moved in whole
        if not self._committed:
            for folder in reversed(self._created):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if empty: nothing of ours is left in it


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _on_sigterm(handler: Any) -> Any:
    """Set the SIGTERM handler (main thread only); returns the one it replaces."""
    if handler is None:
        return None
    import signal

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:
        # not the main thread, which alone may set one (asked of signal itself: importing
        # threading to ask would cost a first run 1 ms)
        return None


#: a new file, never one that exists, and not inherited by a child process
_NEW = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)


def _write_new(path: str, text: str) -> None:
    """Write a new file (never one that exists), as UTF-8 and with its newlines as given."""
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: str, data: bytes) -> None:
    """Write a new file (never one that exists) holding ``data``.

    Three calls to the system, not a file object's layers: a merge writes thousands."""
    view = memoryview(data)
    handle = os.open(path, _NEW, 0o666)
    try:
        while view:
            view = view[os.write(handle, view) :]
    finally:
        os.close(handle)


def _sync(paths: list[str]) -> None:
    """Make sure ``paths`` are on disk: one sync of everything where the system has it,
    else each file's own."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
