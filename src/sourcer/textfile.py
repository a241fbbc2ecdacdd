"""Reading a user's text file: regular files only, a size cap, and every encoding named.

One place decides what a readable file is, so that a FIFO named like a term file, a
device, a directory, a 50 MB file or a Latin-1 file gets the same one-line answer from every
command instead of a hang, a traceback or garbage.
"""

from __future__ import annotations

import codecs
import os
import stat

from sourcer.errors import SourcerError

#: Caps by kind of file; each is far above any real file of that kind.
SMALL = 1_000_000  # term files, templates, config, role files
LARGE = 10_000_000  # job postings, saved glossary pages, lint --file

_KINDS = {
    stat.S_ISDIR: "a directory",
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


class ReadError(SourcerError):
    """A file that cannot be read as text; ``reason`` is the message without the path."""

    def __init__(self, path: str, reason: str, line: int = 1) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}" if line > 1 else f"{path}: {reason}")


def open_regular(path: str) -> int:
    """A read-only descriptor for ``path`` if it is a regular file; ReadError otherwise.

    The file is opened without blocking and checked on the descriptor, so a FIFO is refused
    at once rather than hanging until a writer appears, and nothing can swap the file
    between the check and the read.
    """
    fd, _ = _open_regular(path)
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return fd


def _open_regular(path: str) -> tuple[int, os.stat_result]:
    """:func:`open_regular`'s descriptor (left non-blocking, which a regular file ignores)
    and what ``fstat`` says of the file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError as err:
        raise ReadError(path, "is a directory; give a file") from err
    except OSError as err:
        raise ReadError(path, f"cannot read it ({err.strerror or err})") from err
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        mode = info.st_mode
        kind = next((name for test, name in _KINDS.items() if test(mode)), "not a regular file")
        raise ReadError(path, f"is {kind}, not a regular file; give a file")
    return fd, info


def read_bytes(path: str, limit: int = SMALL) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (read in as many pieces as
    its size asks for: one, for a file that does not change meanwhile)."""
    return read_stat(path, limit)[0]


def read_stat(path: str, limit: int = SMALL) -> tuple[bytes, os.stat_result]:
    """:func:`read_bytes`, with the file's status as it was opened (one system call fewer
    than a ``stat`` of its own, for the index, which needs both of 20,000 files)."""
    fd, info = _open_regular(path)
    size = info.st_size
    parts: list[bytes] = []
    total = 0
    try:
        while total <= limit:
            wanted = min(limit + 1 - total, max(size + 1 - total, 4096))
            part = os.read(fd, wanted)
            if not part:
                break
            parts.append(part)
            total += len(part)
            if total == size and len(part) < wanted:
                break  # all the bytes fstat promised, and no more: no read to find the end
    except OSError as err:
        raise ReadError(path, f"cannot read it ({err.strerror or err})") from err
    finally:
        os.close(fd)
    if total > limit:
        raise ReadError(
            path, f"is larger than {limit // 1_000_000} MB; this cannot be a file of this kind"
        )
    return (parts[0] if len(parts) == 1 else b"".join(parts)), info


def read_text(path: str, limit: int = SMALL) -> str:
    """The text of a regular file: UTF-8 with or without a BOM, or UTF-16 with a BOM."""
    return decode(read_bytes(path, limit), path)


def decode(data: bytes, path: str) -> str:
    """Bytes as text, or ReadError naming the line of the first undecodable byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise ReadError(path, "is not valid UTF-16 text; save it as UTF-8") from err
    if b"\x00" in data:
        # NUL is valid UTF-8 but never in text: UTF-16 without its mark, or a binary file.
        if looks_like_utf16(data):
            raise ReadError(path, "looks like UTF-16 without a byte-order mark; save it as UTF-8")
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise ReadError(path, "holds a NUL byte, so it is not a text file; save it as UTF-8", line)
    try:
        # utf-8, not utf-8-sig: the codec's fast path, and the error's place counts from
        # the file's first byte (utf-8-sig counts from after the mark)
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start]
        raise ReadError(
            path, f"not UTF-8 text (byte 0x{byte:02x}); save it as UTF-8", line
        ) from err
    return text[1:] if text[:1] == "\ufeff" else text


def looks_like_utf16(data: bytes) -> bool:
    """True when a NUL sits in every other byte of the start: UTF-16 text of Latin letters."""
    head = data[:400]
    if len(head) < 4:
        return False
    evens = head[0::2].count(0)
    odds = head[1::2].count(0)
    return max(evens, odds) >= len(head) // 4


def read_source(path: str, limit: int = LARGE) -> str:
    """``read_text``, with ``-`` meaning standard input (same cap, same encodings)."""
    if path != "-":
        return read_text(path, limit)
    import sys

    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise ReadError("<stdin>", f"is larger than {limit // 1_000_000} MB")
    return decode(data, "<stdin>")
