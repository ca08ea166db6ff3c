"""What an SQLite error means to the person at the terminal: one line, by its error code.

SQLite's own words ("unable to open database file", "attempt to write a readonly
database") name neither the file nor what to do; its error codes tell a lock held too
long, a file or medium that cannot be written, a full disk and a damaged file apart.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

#: Codes that mean the file's content is damaged (verify reports them as damage).
DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
#: Codes of the file's lock, medium or content rather than of the statement run.
ENVIRONMENT_CODES = DAMAGE_CODES | {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_IOERR,
}


def primary_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of `exc` (None: not raised by the SQLite library)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_damage(exc: BaseException) -> bool:
    """Whether `exc` says the database file itself is damaged (not its lock or disk)."""
    return primary_code(exc) in DAMAGE_CODES


def why_read_only(path: Path) -> str | None:
    """Why SQLite could not write the ledger at `path` (None: nothing stops it).

    Root ignores permission bits but not a read-only mount or an immutable file;
    ``os.access`` asks the kernel, which knows both.
    """
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "on a read-only file system"
    except OSError:
        return None
    if path.exists() and not os.access(path, os.W_OK):
        return "the file cannot be written"
    if not os.access(folder, os.W_OK):
        # In WAL mode SQLite keeps FILE-wal and FILE-shm beside the file.
        return "its folder cannot be written (SQLite keeps its -wal and -shm files there)"
    return None


def describe(path: Path, exc: sqlite3.Error, *, lock_timeout: float | None, writing: bool) -> str:
    """One line for `exc` met on the ledger file at `path` (``writing``: in an append)."""
    code = primary_code(exc)
    tail = "; nothing was appended" if writing else ""
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        waited = "past its busy timeout" if lock_timeout is None else f"{lock_timeout:g} s"
        return f"{path}: locked by another process (waited {waited}){tail}; try again"
    if code == sqlite3.SQLITE_READONLY:
        return f"{path}: read-only: {why_read_only(path) or 'SQLite may not write it'}{tail}"
    if code == sqlite3.SQLITE_FULL:
        return f"{path}: disk full (SQLite: {exc}){tail}; free some space and try again"
    if code == sqlite3.SQLITE_CORRUPT:
        return malformed(path, str(exc), writing=writing)
    if code == sqlite3.SQLITE_NOTADB:
        return f"{path}: not a scoreledger ledger (file is not a database)"
    if code == sqlite3.SQLITE_CANTOPEN:
        return f"{path}: cannot open: {_cannot_open(path)}"
    if code == sqlite3.SQLITE_IOERR:
        return f"{path}: input/output error (SQLite: {exc}){tail}; check the disk"
    return f"{path}: database error: {exc}{tail}"


def malformed(path: Path, found: str, *, writing: bool) -> str:
    """The line for a file SQLite finds damaged (`found`: what SQLite said)."""
    tail = "; nothing was appended" if writing else ""
    said = " ".join(found.split())
    return f"{path}: malformed: the database file is damaged (SQLite: {said}); run verify{tail}"


def _cannot_open(path: Path) -> str:
    if not path.parent.is_dir():
        return f"no folder {path.parent}"
    return why_read_only(path) or "SQLite cannot open it (permissions, or too many open files)"
