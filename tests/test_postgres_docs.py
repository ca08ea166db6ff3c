"""docs/postgres.md (and its Chinese page) tell the truth: every command they show runs,
in order, against the real server of SCORELEDGER_TEST_POSTGRES, and prints what is shown.

The pages make their own databases and roles with the server's superuser, as an office
would. Databases and roles are the server's, shared by every run at once, so each run
gives them a suffix of its own (a `doc_console.Swap`: in the commands, and taken away
again from what they print) and drops them at the end. The pages' server address and
superuser (``postgres@127.0.0.1:5432``) become the test server's. Without the variable
the tests skip with the one reason the other PostgreSQL tests give (conftest's
``pg_server``).
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from backends import Server
from doc_console import Swap, check_page, page_steps

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["docs/postgres.md", "docs/postgres.zh.md"]
DATABASES = ("unionscores", "unionarchive", "unionrestore")
ROLES = ("scores_owner", "scores_clerk", "scores_reader")
SHOWN_SERVER = "postgres@127.0.0.1:5432"


@pytest.fixture
def server_swap(pg_server: Server) -> Iterator[tuple[Swap, dict[str, str]]]:
    """The pages' names made this run's own, and the environment that reaches the server
    (a password in the test URL goes to libpq as PGPASSWORD, never into a command)."""
    for tool in ("psql", "pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.fail(f"the page's commands need {tool}, the PostgreSQL client tools")
    tag = f"_{secrets.token_hex(4)}"
    parts = urlsplit(pg_server.admin_url)
    address = f"{parts.hostname}:{parts.port or 5432}"
    pairs = [(name, name + tag) for name in (*DATABASES, *ROLES)]
    pairs += [(SHOWN_SERVER, f"{parts.username}@{address}"), ("@127.0.0.1:5432", f"@{address}")]
    env = {"PGPASSWORD": unquote(parts.password)} if parts.password else {}
    yield Swap(tuple(pairs)), env
    with pg_server.connect(pg_server.admin_url) as conn:
        for name in DATABASES:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}{tag}" WITH (FORCE)')
        for name in ROLES:
            conn.execute(f'DROP ROLE IF EXISTS "{name}{tag}"')


@pytest.mark.parametrize("page", PAGES)
def test_every_command_shown_prints_what_is_shown(
    page: str, tmp_path: Path, server_swap: tuple[Swap, dict[str, str]]
) -> None:
    doc = ROOT / page
    assert len(page_steps(doc.read_text(encoding="utf-8"))) >= 30, page
    swap, env = server_swap
    check_page(doc, tmp_path, swap=swap, env=env)


def test_both_languages_show_the_same_commands() -> None:
    # The Chinese page may add --lang zh to a report; nothing else differs.
    en, zh = (
        [step.command for step in page_steps((ROOT / page).read_text(encoding="utf-8"))]
        for page in PAGES
    )
    assert en == [command.replace(" --lang zh", "") for command in zh]
