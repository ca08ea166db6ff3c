"""Start-up: make sure our import names are ours before the command line imports them.

``ledger``, ``rules``, ``projections``, ``vocabulary`` and ``scoreledger`` are names other
distributions use too (``pip install rules`` writes its own ``rules/__init__.py`` over
ours). Left alone, the command line then dies in an ImportError deep in its imports. So the
``scoreledger`` console script, ``python -m scoreledger`` and ``python -m ledger`` run
:func:`main` here first: it finds each name's module without importing it, reads whether its
``__init__`` carries our marker (``__distribution__ = "scoreledger"``), and for a module that
does not, prints one line naming its file and the distribution that owns it, and exits 2.

This is a top-level module of its own, not part of the ``scoreledger`` package, so that the
console script can still say what is wrong when ``scoreledger`` itself is the shadowed name.
It imports only the standard library until the check has passed.
"""

from __future__ import annotations

import importlib.util
import os
import sys

DISTRIBUTION = "scoreledger"
# Bottom layer first: the order the command line would import them in.
OUR_NAMES = ("vocabulary", "rules", "ledger", "projections", "scoreledger")
MARKER = f'__distribution__ = "{DISTRIBUTION}"'
EXIT_USAGE = 2
_REINSTALL = f"pip install --force-reinstall {DISTRIBUTION}"


def _origin(name: str) -> str | None:
    """The file `name` would be imported from, without importing it (None: no such module)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):  # a half-imported or broken entry in sys.modules
        return None
    if spec is None:
        return None
    if spec.has_location and spec.origin:
        return spec.origin
    # A namespace package (a folder with no __init__.py) cannot hold our marker: name the folder.
    return next(iter(spec.submodule_search_locations or ()), name)


def _is_ours(origin: str) -> bool:
    try:
        with open(origin, encoding="utf-8", errors="replace") as file:
            text = file.read()
    except OSError:  # a folder, an extension module's name, an unreadable file
        return False
    return any(line.strip() == MARKER for line in text.splitlines())


def _recorded_hash(data: bytes) -> str:
    import base64
    import hashlib

    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def owners(name: str, origin: str) -> list[str]:
    """'name version' of each installed distribution whose RECORD lists `origin`.

    When two distributions list the same file (``pip install rules`` over ours), the one
    whose recorded hash matches the file's content is the one that wrote it last.
    """
    # Only on the way to an error: importlib.metadata alone costs more than the check.
    from importlib import metadata
    from pathlib import Path

    target = Path(origin).resolve()
    claimed: list[tuple[bool, str]] = []
    candidates = set(metadata.packages_distributions().get(name, ()))
    for dist in metadata.distributions():
        dist_name = dist.metadata["Name"] or ""
        if dist_name not in candidates:
            continue
        for file in dist.files or ():
            if Path(str(file.locate())).resolve() != target:
                continue
            recorded = f"{file.hash.mode}={file.hash.value}" if file.hash else None
            matches = target.is_file() and recorded == _recorded_hash(target.read_bytes())
            claimed.append((matches, f"{dist_name} {dist.version}"))
    foreign = [c for c in claimed if not c[1].startswith(f"{DISTRIBUTION} ")]
    best = [label for matches, label in foreign if matches] or [label for _, label in foreign]
    return sorted(set(best))


def problem(name: str) -> str | None:
    """The one line to say about `name`, or None when the module is ours."""
    origin = _origin(name)
    if origin is None:
        return f"{DISTRIBUTION}: the module {name!r} is missing: {_REINSTALL}"
    if _is_ours(origin):
        return None
    if not origin.endswith(".py") and os.path.isdir(origin):
        # What `pip uninstall rules` leaves of ours after rules overwrote __init__.py.
        return f"{DISTRIBUTION}: the package {name!r} ({origin}) has no __init__.py: {_REINSTALL}"
    found = owners(name, origin)
    if found:
        dists = " and ".join(f"'{owner}'" for owner in found)
        uninstall = " ".join(owner.split(" ")[0] for owner in found)
        return (
            f"{DISTRIBUTION}: the module {name!r} ({origin}) belongs to the distribution "
            f"{dists}, not {DISTRIBUTION}: pip uninstall {uninstall}, then {_REINSTALL}"
        )
    return (
        f"{DISTRIBUTION}: the module {name!r} ({origin}) is not {DISTRIBUTION}'s and no "
        f"installed distribution claims it: take it off the path (PYTHONPATH, the current "
        f"folder), or {_REINSTALL}"
    )


def check() -> list[str]:
    """One line for each of our import names that some other module holds."""
    return [line for name in OUR_NAMES if (line := problem(name)) is not None]


def main() -> None:
    """The console script: check our names, then run the command line."""
    found = check()
    if found:
        print("\n".join(found), file=sys.stderr)
        sys.exit(EXIT_USAGE)
    # Only now, with every name known to be ours: the application and all below it.
    from scoreledger.cli import run

    run()


if __name__ == "__main__":  # python -m scoreledger_start (what python -m ledger execs)
    main()
