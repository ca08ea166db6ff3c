"""Fuzzing the revision loader (issue 11.9): whatever a revision file holds, ``rules.load``
gives a ruleset or one RulesError line naming the file, never another exception, and a
ruleset it gives can be shown (``rules show``, text and JSON).

Two kinds of input: arbitrary TOML documents (any keys, any value types, nesting), and
mutations of valid revisions, whose keys are the real ones (``extends`` a shipped id or
another file of the chain, ``override`` of real clause ids and fields, ``target`` of real
kinds) and whose values are drawn from what a careless hand writes: decimals of every
size and spelling, wrong types, the wrong cap windows, chains that loop.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import rules
from rules.revision import checklist_clause_ids
from scoreledger.render.rules import render_show
from toml_text import toml_text

SHIPPED = rules.shipped_ids()


def _clause_ids(ref: str) -> list[str]:
    ruleset = rules.load(ref)
    if isinstance(ruleset, rules.ChecklistRuleset):
        return list(checklist_clause_ids(ruleset))
    return [clause.id for clause in ruleset.clauses]


CLAUSES = sorted({cid for ref in SHIPPED for cid in _clause_ids(ref)})
FIELDS = ["points", "single", "combined", "cap", "cap_per", "per_absence", "on", "sentence"]
KINDS = ["city", "county", "department", "grassroots", "industry_union", "office", "moon"]

# -- values a hand writes ----------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=8)), timezone.max])
_SCALARS = st.one_of(
    _TEXT,
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=_ZONES),
    st.times(),
)
_ANY = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=12,
)
_DECIMAL_TEXT = st.one_of(
    st.sampled_from(
        ["0", "0.5", "1", "-1", "-0", "10", "1e3", "1E-3", "abc", "", " 1", "1 ", "1_000",
         "NaN", "Infinity", "-inf", "0x10", "٣", "１", "0.50000000000000000000000000001",
         "9" * 29, "9" * 13, "0." + "0" * 7 + "1", "1.0000000", "+2", ".5", "5."]
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**30), 10**30).map(str),
)  # fmt: skip


def _mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly `good`, now and then `bad`: a mutation here and there, not everywhere (a
    document wrong in five places stops at the first and tests nothing past it).
    Hypothesis leans to an integer's lower bound, so `bad` is the top value."""
    return st.integers(1, 10).flatmap(lambda n: bad if n == 10 else good)


_NUMBER = _mostly(_DECIMAL_TEXT, _SCALARS)
_CAP_PER = _mostly(st.sampled_from(["quarter", "half", "year", "month"]), _SCALARS | _TEXT)
_IDENT = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)


@st.composite
def _override(draw: st.DrawFn) -> dict[str, Any]:
    clauses = _mostly(st.sampled_from(CLAUSES), _TEXT)
    fields = _mostly(st.sampled_from(FIELDS), _TEXT)
    out: dict[str, Any] = {}
    for clause in draw(st.lists(clauses, max_size=4, unique=True)):
        table: dict[str, Any] = {}
        for field in draw(st.lists(fields, max_size=3, unique=True)):
            table[field] = draw(_CAP_PER if field == "cap_per" else _NUMBER)
        out[clause] = draw(_mostly(st.just(table), _SCALARS))
    return out


@st.composite
def revision(draw: st.DrawFn, extends: list[str]) -> dict[str, Any]:
    """A revision document, valid or a few mutations away from valid."""
    doc: dict[str, Any] = {
        "id": draw(_mostly(_IDENT, st.sampled_from(SHIPPED) | _SCALARS)),
        "extends": draw(_mostly(st.sampled_from(extends), _TEXT | _SCALARS)),
        "title": draw(_mostly(_TEXT, _SCALARS)),
        "effective_from": draw(_mostly(st.dates(), st.dates().map(str) | _SCALARS)),
        "override": draw(_override()),
        "target": draw(st.dictionaries(
            _mostly(st.sampled_from(KINDS), _TEXT),
            _mostly(st.fixed_dictionaries({"points": _NUMBER}), _ANY),
            max_size=3,
        )),
    }  # fmt: skip
    if draw(st.integers(1, 5)) == 5:  # a required key missing, or an optional one left out
        del doc[draw(st.sampled_from(sorted(doc)))]
    if draw(st.integers(1, 10)) == 10:  # an unknown key
        doc.setdefault(draw(_TEXT), draw(_ANY))
    return doc


# -- the properties ----------------------------------------------------------------------


def _loads_or_one_line(path: Path) -> None:
    try:
        ruleset = rules.load(path)
    except rules.RulesError as exc:
        message = str(exc)
        assert len(message.splitlines()) == 1, message
        assert "unknown error" not in message, message  # says what was expected instead
        return
    for form in ("text", "json"):
        assert render_show(ruleset, form)


@given(document=st.dictionaries(_TEXT, _ANY, max_size=6), headers=st.booleans())
def test_any_toml_document_loads_or_is_one_line(document: dict[str, Any], headers: bool):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "any.toml"
        path.write_text(toml_text(document, headers), encoding="utf-8")
        _loads_or_one_line(path)


@given(raw=st.binary(max_size=200) | _TEXT.map(str.encode))
def test_any_bytes_load_or_are_one_line(raw: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "raw.toml"
        path.write_bytes(raw)
        _loads_or_one_line(path)


@given(data=st.data(), length=st.integers(1, 3), headers=st.booleans())
def test_a_mutated_revision_chain_loads_or_is_one_line(
    data: st.DataObject, length: int, headers: bool
):
    with tempfile.TemporaryDirectory() as tmp:
        names = [f"rev{i}.toml" for i in range(length)]
        for i, name in enumerate(names):
            # A file may extend a shipped id, any file of the chain (itself too: a cycle),
            # or one that is not there.
            doc = data.draw(revision([*SHIPPED, *names, "../rev0.toml", "gone.toml"]))
            if i == 0 and data.draw(st.booleans()):
                doc["extends"] = data.draw(st.sampled_from(SHIPPED))
            (Path(tmp) / name).write_text(toml_text(doc, headers), encoding="utf-8")
        _loads_or_one_line(Path(tmp) / names[-1])
