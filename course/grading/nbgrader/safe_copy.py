"""Copying a folder a student controls: regular files only, within size limits, never following a link.

A student owns their folder in the exchange's inbound folder until collect, so anything in it may be hostile: a
link to the trainer's source assignment or a classmate's copy, a FIFO that blocks whoever opens it, a link to
``/dev/zero``, a 64 GiB sparse file. Sizes and kinds are read with ``lstat`` before anything is opened; a file
is opened without following links and without blocking, and checked again once open (it may have been swapped).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["Refusal", "Survey", "copy_regular_files", "last_change", "read_small", "survey"]

CHUNK = 1 << 20
MAX_DEPTH = 20
KINDS = {stat.S_IFLNK: "a link (not followed)", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket",
         stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}


class Refusal(Exception):
    """The whole submission is set aside (too large, too many files, not a folder): the reason."""


@dataclass
class Survey:
    """What a submission holds, from ``lstat`` alone: the regular files to copy and everything left out."""

    files: list[tuple[str, int]] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(size for _, size in self.files)


def _kind(mode: int) -> str:
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")


def survey(folder: Path, *, max_file_size: int, max_files: int, ignore: list[str] = ()) -> Survey:
    """Every entry under ``folder`` by ``lstat``: regular files within ``max_file_size`` bytes to copy; links,
    special files and oversize files left out, one reason each. Raises ``Refusal`` if ``folder`` is not a real
    folder or holds more than ``max_files`` files."""
    top = os.lstat(folder)
    if not stat.S_ISDIR(top.st_mode):
        raise Refusal(f"the submission is {_kind(top.st_mode)}, not a folder")
    found = Survey()
    pending = [("", 0)]
    while pending:
        relative, depth = pending.pop()
        with os.scandir(os.path.join(folder, relative)) as entries:
            names = sorted(entry.name for entry in entries)
        for name in names:
            path = os.path.join(relative, name)
            if any(fnmatch.fnmatch(name, pattern) for pattern in ignore):
                continue
            info = os.lstat(os.path.join(folder, path))
            if stat.S_ISDIR(info.st_mode) and depth < MAX_DEPTH:
                found.folders.append(path)
                pending.append((path, depth + 1))
            elif stat.S_ISDIR(info.st_mode):
                found.left_out.append(f"{path!r} is nested more than {MAX_DEPTH} folders deep")
            elif not stat.S_ISREG(info.st_mode):
                found.left_out.append(f"{path!r} is {_kind(info.st_mode)}")
            elif info.st_size > max_file_size:
                found.left_out.append(f"{path!r} is larger than {max_file_size:,} bytes ({info.st_size:,})")
            else:
                found.files.append((path, info.st_size))
            if len(found.files) + len(found.left_out) > max_files:
                raise Refusal(f"it holds more than {max_files:,} files")
    return found


def _open_regular(path: str) -> int:
    """A descriptor for ``path`` if it is still a regular file (never a link, never blocking on a FIFO)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OSError(f"{path} changed into {_kind(os.fstat(descriptor).st_mode)}")
    return descriptor


def read_small(path: Path, limit: int) -> bytes | None:
    """Up to ``limit`` bytes of ``path`` if it is a regular file (never a link or a FIFO), else None."""
    try:
        descriptor = _open_regular(str(path))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        return stream.read(limit)


def copy_regular_files(folder: Path, dest: Path, found: Survey, max_file_size: int) -> list[str]:
    """Copy ``found``'s files from ``folder`` to a new ``dest``; a file that changed kind or grew past the limit
    since the survey is left out. Returns the reasons for what was left out while copying."""
    left_out = []
    os.makedirs(dest)
    for relative in found.folders:
        os.makedirs(os.path.join(dest, relative), exist_ok=True)
    for relative, _ in found.files:
        target = os.path.join(dest, relative)
        try:
            source = _open_regular(os.path.join(folder, relative))
        except OSError as error:
            left_out.append(f"{relative!r} could not be read as a regular file ({error.strerror or error})")
            continue
        with os.fdopen(source, "rb") as reading, open(target, "wb") as writing:
            copied = 0
            while chunk := reading.read(min(CHUNK, max_file_size + 1 - copied)):
                copied += len(chunk)
                if copied > max_file_size:
                    break
                writing.write(chunk)
        if copied > max_file_size:
            os.unlink(target)
            left_out.append(f"{relative!r} grew larger than {max_file_size:,} bytes while collected")
    return left_out


def last_change(folder: Path, found: Survey) -> datetime:
    """The latest change time (UTC, naive as nbgrader's) of the folder and anything in it: set by the system
    when anything was written, renamed or re-permissioned, so a student cannot move it back."""
    paths = [""] + found.folders + [name for name, _ in found.files]
    latest = max(os.lstat(os.path.join(folder, p)).st_ctime for p in paths)
    return datetime.fromtimestamp(latest, UTC).replace(tzinfo=None)
