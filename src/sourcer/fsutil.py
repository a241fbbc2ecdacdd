"""Writing files safely: atomically (temp file + rename) and never over a user's file unasked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sourcer.errors import FileExists, WriteError


def write_atomic(target: str | os.PathLike[str], text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half.

    Without ``force`` an existing file is left alone and FileExists is raised; the check and
    the write are one step (a hard link cannot replace a file), so no race can clobber it.
    Any other failure is a WriteError naming the file and the reason.
    """
    path = Path(target)
    try:
        _write(path, text, force)
    except OSError as err:
        reason = err.strerror or str(err)
        where = err.filename if isinstance(err.filename, str) and err.filename else str(path)
        raise WriteError(f"{path}: cannot write it ({reason}: {where})") from err


def _write(path: Path, text: str, force: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        # mkstemp makes the file private (0600); give it the mode a new file would get, or
        # keep the mode of the file it replaces.
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            tmp.replace(path)
        else:
            _link_no_clobber(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _link_no_clobber(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError as err:
        raise FileExists(str(path)) from err
    except OSError:
        # Some file systems have no hard links; fall back to a check, then a rename.
        if path.exists():
            raise FileExists(str(path)) from None
        tmp.replace(path)
