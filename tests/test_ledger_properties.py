"""Hypothesis properties of the codec: round trips, the fast normalizer against cattrs, and
the canonical text against the standard library.

Strategies are built from the event classes' own annotations, not from ``ledger.normalize``
(the code under test), so a field added to an event type is covered automatically.
"""

from __future__ import annotations

import json
import typing
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ledger.codec import LEDGER_FIELDS, structure, unstructure
from ledger.events import EVENT_TYPES, Event
from ledger.normalize import dumps_canonical, normalize

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- value strategies --------------------------------------------------------------------

decimal_texts = st.from_regex(r"\A-?0{0,3}[0-9]{1,12}(\.[0-9]{1,7}0{0,3})?\Z")  # held exactly


@st.composite
def time_texts(draw: st.DrawFn) -> str:
    """What CONTRACT §2 allows for a time: a date, or a date-time with or without an offset."""
    moment = draw(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)))
    form = draw(st.sampled_from(["date", "minutes", "seconds", "fraction"]))
    if form == "date":
        return moment.date().isoformat()
    sep = draw(st.sampled_from("T "))
    text = moment.date().isoformat() + sep + moment.strftime("%H:%M")
    if form != "minutes":
        text += moment.strftime(":%S")
    if form == "fraction":
        text += "." + f"{moment.microsecond:06}"[: draw(st.integers(1, 6))]
    offset = draw(st.one_of(st.none(), st.just("Z"), st.integers(-12 * 60, 14 * 60)))
    if isinstance(offset, int):
        sign = "-" if offset < 0 else "+"
        text += f"{sign}{abs(offset) // 60:02}:{abs(offset) % 60:02}"
    elif offset:
        text += offset
    return text


def _inner(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) is typing.Literal:  # a code: any string reaches validation
        return str, False
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if args and len(typing.get_args(annotation)) > 1:
        return _inner(args[0])[0], True
    return annotation, False


VALUES: dict[Any, st.SearchStrategy[Any]] = {
    str: st.text(max_size=12),
    bool: st.booleans(),
    int: st.integers(-(10**6), 10**6),
    Decimal: decimal_texts,
    datetime: time_texts(),
}

#: Values of the wrong kind for some field, and odd texts near the accepted forms.
ODD = st.one_of(
    st.floats(allow_nan=False),
    st.integers(),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(
        [
            "1e3",
            "1.",
            ".5",
            " 1",
            "+1",
            "٣",
            "1_000",
            "0x10",
            "-",
            "",
            "nan",
            "Infinity",
            "2016-02-30",
            "2016-2-3",
            "2016-02-03T",
            "2016-02-03T25:00",
            "2016-02-03T10:00+8",
            "2016-02-03T10:00:00.1234567",
            "2016-02-03T10:00+24:00",
            "2016-02-03t10:00",
            "0001-01-01T00:00-01:00",
            "9999-12-31T23:59+08:00",
            "9999-12-31T23:59-01:00",
            "2016-02-03T10:00z",
            "2016-02-03T10:00:60",
            "２０１６-02-03",
        ]
    ),
    decimal_texts,
    time_texts(),
)


def fields_of(cls: type) -> list[tuple[str, Any, bool, bool]]:
    """(name, value type, optional, required) of every field of an event class."""
    hints = typing.get_type_hints(cls)
    out = []
    for field in attrs.fields(cls):
        kind, optional = _inner(hints[field.name])
        out.append((field.name, kind, optional, field.default is attrs.NOTHING))
    return out


@st.composite
def valid_objects(draw: st.DrawFn, event_type: str | None = None) -> dict[str, Any]:
    """A JSON object cattrs accepts, in any of the spellings the contract allows."""
    name = event_type or draw(st.sampled_from(sorted(EVENT_TYPES)))
    obj: dict[str, Any] = {"type": name}
    for field, kind, optional, required in fields_of(EVENT_TYPES[name]):
        if required or draw(st.booleans()):
            obj[field] = draw(VALUES[kind])
        elif optional and draw(st.booleans()):
            obj[field] = None  # an explicit null for an optional field
    if draw(st.booleans()):  # an exported line carries these; import drops them
        extra = draw(st.sets(st.sampled_from(sorted(LEDGER_FIELDS)), min_size=1))
        obj.update((key, draw(ODD)) for key in extra)
    keys = draw(st.permutations(list(obj)))
    return {key: obj[key] for key in keys}


@st.composite
def mutated_objects(draw: st.DrawFn) -> Any:
    """Mostly-valid objects with one to three things wrong (or right by chance)."""
    obj = draw(valid_objects())
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["retype", "drop", "extra", "type", "null"]))
        if how == "retype":
            obj[draw(st.sampled_from(sorted(obj)))] = draw(ODD)
        elif how == "drop" and obj:
            del obj[draw(st.sampled_from(sorted(obj)))]
        elif how == "extra":
            obj[draw(st.text(max_size=8))] = draw(ODD)
        elif how == "type":
            obj["type"] = draw(st.one_of(st.sampled_from([*EVENT_TYPES, "Activity", "bogus"]), ODD))
        else:
            obj[draw(st.sampled_from(sorted(obj)))] = None
    if draw(st.integers(0, 20)) == 0:
        return draw(st.one_of(st.lists(st.integers(), max_size=2), st.text(), st.none()))
    return obj


# -- properties ----------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_json_event_json_round_trip(event_type: str, data: st.DataObject):
    obj = data.draw(valid_objects(event_type))
    event, issues = structure(obj)
    assert event is not None, issues
    assert event.TYPE == event_type
    canonical = unstructure(event)
    text = dumps_canonical(canonical)

    again, issues = structure(json.loads(text))

    assert again == event, issues
    assert unstructure(again) == canonical  # the canonical form is a fixed point
    assert dumps_canonical(unstructure(again)) == text
    assert normalize(json.loads(text)) == canonical
    # Business time is always stored in +08:00.
    assert canonical["at"].endswith("+08:00")


def _check_against_cattrs(obj: Any) -> None:
    event, issues = structure(obj)
    fast = normalize(obj)
    if event is None:
        assert issues
        assert fast is None, f"normalize accepted what cattrs refuses: {issues}"
    else:
        assert fast == unstructure(event)


@SETTINGS
@given(valid_objects())
def test_normalize_equals_cattrs_on_valid_objects(obj: dict[str, Any]):
    _check_against_cattrs(obj)
    assert normalize(obj) is not None


@SETTINGS
@given(mutated_objects())
def test_normalize_equals_cattrs_on_mutated_objects(obj: Any):
    _check_against_cattrs(obj)


@SETTINGS
@given(st.sampled_from(sorted(EVENT_TYPES)), st.data())
def test_normalize_equals_cattrs_on_odd_values_of_each_field(name: str, data: st.DataObject):
    """Every field, one at a time, given a value of the wrong kind or an odd text."""
    obj = data.draw(valid_objects(name))
    field = data.draw(st.sampled_from([f for f, *_ in fields_of(EVENT_TYPES[name])]))
    obj[field] = data.draw(ODD)
    _check_against_cattrs(obj)


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),  # beyond 64 bits too: orjson refuses those, the fallback writes them
        st.text(),  # every code point but surrogates: control characters, U+2028, emoji …
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=12,
)


@SETTINGS
@given(st.dictionaries(st.text(), json_values, max_size=8))
def test_dumps_canonical_equals_json_dumps(payload: dict[str, Any]):
    expected = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert dumps_canonical(payload) == expected


@SETTINGS
@given(st.text(st.characters(max_codepoint=0x3000), min_size=1))
def test_dumps_canonical_of_event_text(note: str):
    payload = {"type": "activity", "note": note, "id": note, note: note}
    expected = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert dumps_canonical(payload) == expected


def test_dumps_canonical_refuses_a_lone_surrogate():
    with pytest.raises(ValueError):
        dumps_canonical({"note": "\ud800"})


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("0.0000001", "0.0000001"),  # not "1E-7": the export must re-import
        ("0.00000000", "0.00000000"),
        ("007.50", "7.50"),
        ("-0", "-0"),
        ("123456789012.5", "123456789012.5"),  # the most digits held exactly (issue 11.5)
        ("-999999999999.9999999000", "-999999999999.9999999000"),
    ],
)
def test_decimals_are_stored_in_plain_notation(value: str, stored: str):
    obj = {"type": "adjustment", "id": "x", "at": "2016-01-01", "unit": "u", "points": value,
           "reason": "r"}  # fmt: skip
    assert normalize(obj)["points"] == stored
    assert unstructure(structure(obj)[0])["points"] == stored


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00+01:00", "9999-12-31T23:59:00-01:00", "9999-12-31T16:00Z"]
)
def test_times_without_a_beijing_form_are_refused(text: str):
    obj = {"type": "activity", "id": "x", "at": text, "unit": "u", "activity": "meeting"}
    event, issues = structure(obj)
    assert event is None and issues[0][0] == "at"
    assert normalize(obj) is None


def test_time_edges_inside_the_range_are_kept():
    obj = {"type": "activity", "id": "x", "at": "0001-01-01T08:00+00:00", "unit": "u",
           "activity": "meeting"}  # fmt: skip
    assert normalize(obj)["at"] == "0001-01-01T16:00:00+08:00"
    assert unstructure(structure(obj)[0])["at"] == "0001-01-01T16:00:00+08:00"


@SETTINGS
@given(time_texts())
def test_every_accepted_time_is_stored_in_beijing_time(text: str):
    obj = {"type": "activity", "id": "x", "at": text, "unit": "u", "activity": "meeting"}
    stored = normalize(obj)
    assume(stored is not None)  # 1900-01-01 minus an offset is still fine; nothing is refused
    moment = datetime.fromisoformat(stored["at"])
    assert moment.utcoffset() == timedelta(hours=8)
    if len(text) > 10 and text[-1] != "Z" and text[-6] not in "+-":
        # No offset given: the wall-clock time is kept as Beijing time.
        assert moment.replace(tzinfo=None) == datetime.fromisoformat(text)


@SETTINGS
@given(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?\Z"))
def test_naive_clock_times_are_checked_like_cattrs_checks_them(text: str):
    # Any digits at all, so out-of-range months, days, hours, minutes and seconds are drawn:
    # the arithmetic fast path must refuse exactly what datetime.fromisoformat refuses.
    obj = {"type": "activity", "id": "x", "at": text, "unit": "u", "activity": "meeting"}
    event, _ = structure(obj)
    fast = normalize(obj)
    assert (fast is None) == (event is None)
    if event is not None:
        assert fast == unstructure(event)


@pytest.mark.parametrize(
    "text",
    ["2016-02-29T23:59:59", "2015-02-29T10:00", "2016-01-01T24:00", "2016-01-01T12:60",
     "2016-01-01T12:00:60", "2016-00-01T10:00", "0000-01-01T10:00", "9999-12-31T23:59"],
)  # fmt: skip
def test_naive_clock_edges_agree_with_cattrs(text: str):
    obj = {"type": "activity", "id": "x", "at": text, "unit": "u", "activity": "meeting"}
    event, _ = structure(obj)
    assert normalize(obj) == (None if event is None else unstructure(event))


# -- robustness: whatever comes in, the answer is data or a refusal, never a crash ---------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
_field_names = sorted(
    {f.name for cls in EVENT_TYPES.values() for f in attrs.fields(cls)} | {"type"} | LEDGER_FIELDS
)
_plausible = st.sampled_from(
    [*EVENT_TYPES, "2016-04-02", "2016-04-02T09:30", "0.5", "-2", "u", "", " ", "meeting", 1, 0]
)
_objects = st.dictionaries(
    st.sampled_from(_field_names) | st.text(max_size=6),
    _plausible | _json_values,
    max_size=9,
)


@SETTINGS
@given(st.binary(max_size=200) | _json_values.map(lambda v: json.dumps(v).encode()))
def test_any_line_parses_to_a_value_or_a_parse_failure(raw: bytes):
    from ledger.jsonl import parse_line

    for line in (raw, raw[: len(raw) // 2], b"[" * 3000 + raw):  # also cut, also deep
        parse_line(line)  # no exception of any kind


@pytest.fixture(scope="module")
def scratch_ledger(tmp_path_factory: pytest.TempPathFactory):
    from ledger import Ledger

    path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite"
    with Ledger.open(path, create=True) as ledger:
        ledger.append({"type": "unit_registered", "at": "2016-01-01", "unit": "u", "name": "n",
                       "kind": "county"})  # fmt: skip
        yield ledger


@SETTINGS
@given(st.lists(_objects | _json_values, min_size=1, max_size=3))
def test_any_json_is_appended_or_refused_never_a_crash(scratch_ledger, batch: list[Any]):
    from ledger import InputError

    head = scratch_ledger.head()
    try:
        result = scratch_ledger.append_many(batch)
    except InputError as refused:
        assert refused.problems and scratch_ledger.head() == head  # nothing appended
    else:
        assert result.appended + result.duplicates == len(batch)


_anything = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
    | st.decimals() | st.datetimes() | st.dates()
)  # fmt: skip


@SETTINGS
@given(st.sampled_from([Event, *EVENT_TYPES.values()]).flatmap(
    lambda cls: st.builds(cls, **{f.name: _anything for f in attrs.fields(cls)})
))  # fmt: skip
def test_any_event_object_is_appended_or_refused_never_a_crash(scratch_ledger, event: Any):
    from ledger import InputError

    head = scratch_ledger.head()
    try:
        scratch_ledger.append(event)
    except InputError as refused:
        assert refused.problems and scratch_ledger.head() == head
