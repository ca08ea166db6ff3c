"""docs/records.md tells the truth: its column table is the template's, and every command
it shows prints what it shows (hashes aside: they seal the wall-clock time of recording;
SCORELEDGER_DOCS_UPDATE=1 rewrites the shown output, tests/doc_console.py)."""

from __future__ import annotations

from pathlib import Path

from doc_console import check_page, page_steps
from ledger.events import EVENT_TYPES
from scoreledger.records.code_lists import required_fields
from scoreledger.records.columns import columns_of, header_text, type_label

DOC = Path(__file__).resolve().parents[1] / "docs" / "records.md"


def test_the_column_table_is_the_templates() -> None:
    text = DOC.read_text(encoding="utf-8")
    for kind in EVENT_TYPES:
        required = required_fields(kind)
        cells = [
            f"**{header_text(f)}**" if f in required else header_text(f)
            for f in columns_of([kind], with_type=False)
        ]
        assert f"| {type_label(kind)} | {', '.join(cells)} |" in text, kind


def test_every_command_shown_prints_what_is_shown(tmp_path: Path) -> None:
    assert len(page_steps(DOC.read_text(encoding="utf-8"))) >= 7
    check_page(DOC, tmp_path)
