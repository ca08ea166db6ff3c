"""A new ledger file is made under a temporary name and put in place whole.

A create that fails (a missing input file, a full disk, a bad line) then leaves nothing
behind, and no reader ever sees a ledger file without its schema or its first events.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: What SQLite keeps beside a database file (WAL mode, and a rollback journal).
SIDE_FILES = ("-wal", "-shm", "-journal")


def staging_name(path: Path) -> Path:
    """A hidden name beside `path`, unique to this process, for the file being made."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.creating")


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
