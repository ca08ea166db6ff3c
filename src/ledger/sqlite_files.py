"""A new ledger file is made under a temporary name and put in place whole.

A create that fails (a missing input file, a full disk, a bad line) then leaves nothing
behind, and no reader ever sees a ledger file without its schema or its first events.
A create killed outright (SIGKILL, a power cut) cannot clean up: its hidden file stays
until a later open of the ledger finds that the process that made it is gone
(:func:`remove_stale`).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from pathlib import Path

#: What SQLite keeps beside a database file (WAL mode, and a rollback journal).
SIDE_FILES = ("-wal", "-shm", "-journal")


def staging_name(path: Path) -> Path:
    """A hidden name beside `path`, unique to this process, for the file being made:
    ``.NAME.HOST.PID-XXXXXXXX.creating`` (the machine and process that make it)."""
    token = secrets.token_hex(4)
    return path.with_name(f".{path.name}.{this_host()}.{os.getpid()}-{token}.creating")


def this_host() -> str:
    """This machine's name as a staging name holds it: letters, digits and dashes."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:63] or "host"


def remove_stale(path: Path) -> list[Path]:
    """Remove the staged files that creates of `path` left when they were killed: those
    made on this machine by a process that no longer runs. The removed ones are returned.

    A live process's file is its create in progress, and is kept; so is one made on
    another machine (a shared folder), whose processes this one cannot see. A name of the
    earlier form, without a machine's name, counts as this machine's. A PID reused since
    keeps its file, which is harmless; a folder that cannot be written keeps them all.
    """
    named = re.compile(
        rf"\.{re.escape(path.name)}\.(?:(?P<host>[A-Za-z0-9-]+)\.)?(?P<pid>\d+)-[0-9a-f]{{8}}"
        r"\.creating"
    )
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    removed = []
    for name in names:
        found = named.fullmatch(name)
        if found is None or found["host"] not in (None, this_host()) or _alive(int(found["pid"])):
            continue
        try:
            remove(path.with_name(name))
        except OSError:  # a read-only folder, or another process removed it first
            continue
        removed.append(path.with_name(name))
    return removed


def _alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (signal 0 only asks). Elsewhere than
    POSIX signal 0 is not a question, so every process counts as alive there."""
    if os.name != "posix" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def put_in_place(staged: Path, path: Path) -> bool:
    """Give the finished file `staged` the name `path`, unless a file took that name
    first (another process creating the same ledger): then False, and `path` is theirs.

    A hard link never replaces an existing name, which a rename would; where the file
    system has no hard links, a rename after a last look is the best there is.
    """
    try:
        os.link(staged, path)
    except FileExistsError:
        return False
    except OSError:
        if path.exists():
            return False
        os.replace(staged, path)
        return True
    staged.unlink()
    return True


def remove(path: Path) -> None:
    """Remove a database file and whatever SQLite kept beside it."""
    for suffix in ("", *SIDE_FILES):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
