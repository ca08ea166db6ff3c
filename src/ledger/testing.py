"""Hypothesis strategies for scoreledger: events, unit trees, whole valid ledgers, periods,
revision files.

Install the ``testing`` extra (``pip install scoreledger[testing]``) to use this module; the
ledger itself never imports it. Every strategy yields plain JSON objects in the wire form of
CONTRACT §2 (decimals as strings, ``at`` as a date or an ISO-8601 date-time, with or
without an offset), so what it draws can be appended, written to a JSON Lines file, or fed
to your own code as it is::

    from hypothesis import given
    from ledger.testing import ledgers

    @given(ledgers(ruleset="dalian-2011"))
    def test_my_report(events):
        ...  # a list of event dicts in log order, every one with its own "id"

Strategies:

* one per event type — :func:`unit_registered`, :func:`unit_changed`, :func:`submissions`,
  :func:`adoptions`, :func:`instructions`, :func:`activities`, :func:`vetoes`,
  :func:`rankings`, :func:`adjustments`, :func:`assessments`, :func:`absences`,
  :func:`retractions` (and :func:`events`: any of them). Each draws an event that is valid
  on its own (codes, ranges, forms); references between events (a registered unit, a
  submitted item, an earlier event to retract) are what :func:`ledgers` adds.
* :func:`unit_trees` — a list of ``unit_registered`` events, parents first.
* :func:`ledgers` — whole valid ledgers: they import without a single error.
* :func:`periods` — period labels of a year (``2016``, ``2016H1``, ``2016Q3``, ``2016-03``).
* :func:`revisions` — the TOML text of a revision of a shipped ruleset (CONTRACT §6).
* :func:`times`, :func:`decimals`, :func:`unit_ids`, :func:`event_ids` — the wire forms.

Parameters named in the plural (``units=``, ``infos=``, ``outlets=`` …) take a value, a
sequence to choose from, or a strategy.

The event classes are also registered for ``st.from_type`` through Hypothesis's entry
points (``ledger.testing_hook``): ``st.from_type(ledger.Submission)`` draws Submission
objects built from :func:`submissions`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

import rules
from rules import checklist_tables
from rules.revision import checklist_clause_ids
from vocabulary import codes

from .codec import CST
from .validate import only_invisible

__all__ = [
    "EVENT_STRATEGIES",
    "absences",
    "activities",
    "adjustments",
    "adoptions",
    "assessments",
    "decimals",
    "event_ids",
    "events",
    "instructions",
    "ledgers",
    "period_labels",
    "periods",
    "rankings",
    "retractions",
    "revisions",
    "submissions",
    "times",
    "unit_changed",
    "unit_ids",
    "unit_registered",
    "unit_trees",
    "vetoes",
]

Event = dict[str, Any]
Draw = Callable[[SearchStrategy[Any]], Any]
_T = TypeVar("_T")
#: A parameter that takes a value, a sequence of values to choose from, or a strategy.
Choice = Any

_CST = CST
#: Offsets an aware time may be written in (the instant is the same; only the text differs).
_OFFSETS = (
    timedelta(0),
    timedelta(hours=8),
    timedelta(hours=-5),
    timedelta(hours=5, minutes=30),
    timedelta(hours=9),
)
_SHIPPED = rules.shipped_ids()
_POINTS = tuple(i for i in _SHIPPED if isinstance(rules.load(i), rules.PointsRuleset))
_CHECKLISTS = tuple(i for i in _SHIPPED if i not in _POINTS)
#: The year each ruleset's document is about (county-targets names none: any year).
_YEARS = {"jiangsu-2016": 2016, "changzhou-2016": 2016, "dalian-2011": 2011, "suzhou-2015": 2015}
#: An adjustment scope that no shipped ruleset has, nor any revision :func:`revisions` draws.
_FOREIGN_RULESET = "xuzhou-2014"
_OUTLETS = tuple(codes.OUTLETS)
_LEVELS = tuple(codes.LEVELS)
_KINDS = tuple(codes.UNIT_KINDS)
_DEPARTMENTS = tuple(codes.DEPARTMENTS)

# -- drawing primitives ---------------------------------------------------------------------
# The ledger strategy draws hundreds of values per example: it draws from a few strategies
# built once, never building new ones on the way (that would cost more than the draws).

_BOOL = st.booleans()


@cache
def _ints(low: int, high: int) -> SearchStrategy[int]:
    return st.integers(low, high)


def _int(draw: Draw, low: int, high: int) -> int:
    return low if low >= high else draw(_ints(low, high))


def _pick(draw: Draw, seq: Sequence[_T]) -> _T:
    """One element of a non-empty sequence (shrinks towards the first)."""
    return seq[_int(draw, 0, len(seq) - 1)]


def _one_in(draw: Draw, n: int) -> bool:
    """True one time in `n` (False is the simpler choice, towards which examples shrink)."""
    return _int(draw, 0, n - 1) == n - 1


def _choice(value: Choice, default: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """A strategy from a parameter: None (the default), a strategy, a sequence, or a value."""
    if value is None:
        return default
    if isinstance(value, SearchStrategy):
        return value
    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("an empty sequence to choose from")
        return st.sampled_from(value)
    if isinstance(value, set | frozenset):
        return st.sampled_from(sorted(value))
    return st.just(value)


_PLAIN_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12
).filter(lambda s: bool(s.strip()) and not only_invisible(s))  # what validate takes as text

_WORDS = (
    "职工书屋",
    "困难职工帮扶",
    "农民工工资",
    "劳动竞赛",
    "安全生产",
    "职工疗休养",
    "集体协商",
    "女职工权益",
    "技能培训",
    "送温暖",
)


def _text(draw: Draw, words: Sequence[str] = _WORDS) -> str:
    """Non-blank text: mostly realistic Chinese, sometimes any text (but lone surrogates)."""
    if _one_in(draw, 8):
        return str(draw(_PLAIN_TEXT))
    word = _pick(draw, words)
    number = _int(draw, 0, 20)
    return word if number == 0 else f"{word}{number}"


def _moment(draw: Draw, start: date, end: date) -> datetime:
    """An aware (+08:00) instant whose local date lies in start … end."""
    day = start + timedelta(days=_int(draw, 0, (end - start).days))
    precision = _pick(draw, ("day", "minute", "minute", "second", "micro"))
    hour = minute = second = micro = 0
    if precision != "day":
        hour, minute = _int(draw, 0, 23), _int(draw, 0, 59)
    if precision in ("second", "micro"):
        second = _int(draw, 0, 59)
    if precision == "micro":
        digits = _int(draw, 1, 6)
        micro = _int(draw, 0, 10**digits - 1) * 10 ** (6 - digits)
    return datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=_CST)


def _time_text(draw: Draw, moment: datetime, aware: bool | None = None) -> str:
    """A wire form of `moment`: the same instant, so the same local (+08:00) date."""
    local = moment.astimezone(_CST)
    forms: list[str] = []
    if aware is not True:
        forms.append("naive")
        if local.time() == datetime.min.time():
            forms.extend(("date", "date"))
    if aware is not False:
        forms.extend(("local", "z", "offset"))
    form = _pick(draw, forms)
    if form == "date":
        return local.date().isoformat()
    offset = {"local": timedelta(hours=8), "z": timedelta(0), "naive": timedelta(hours=8)}.get(form)
    shown = local.astimezone(timezone(offset if offset is not None else _pick(draw, _OFFSETS)))
    suffix = ""
    if form == "z":
        suffix = "Z"
    elif form != "naive":
        delta = shown.utcoffset() or timedelta(0)  # never None: `shown` is aware
        sign = "-" if delta < timedelta(0) else "+"
        minutes = abs(int(delta.total_seconds())) // 60
        suffix = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    clock = f"{shown.hour:02d}:{shown.minute:02d}"
    if shown.microsecond:
        digits = next(d for d in range(1, 7) if shown.microsecond % 10 ** (6 - d) == 0)
        digits = _int(draw, digits, 6)
        clock += f":{shown.second:02d}" + f".{shown.microsecond:06d}"[: digits + 1]
    elif shown.second or _one_in(draw, 2):
        clock += f":{shown.second:02d}"
        if _one_in(draw, 6):
            clock += ".000"
    return f"{shown.date().isoformat()}{_pick(draw, ('T', 'T', ' '))}{clock}{suffix}"


def _month_end(year: int, month: int) -> date:
    end = date(year, month, 28) + timedelta(days=4)
    return end - timedelta(days=end.day)


@st.composite
def _times(draw: Draw, year: int | None, aware: bool | None, months: tuple[int, int]) -> str:
    y = year if year is not None else _int(draw, 2010, 2020)
    moment = _moment(draw, date(y, months[0], 1), _month_end(y, months[1]))
    return _time_text(draw, moment, aware)


def times(
    year: int | None = None, *, aware: bool | None = None, months: tuple[int, int] = (1, 12)
) -> SearchStrategy[str]:
    """Wire forms of business time whose local (+08:00) date lies in `year` (default any of
    2010 … 2020), in the months `months` = (first, last).

    The forms are those CONTRACT §2 allows: ``2016-03-01`` (a date: 00:00), a naive
    date-time (``2016-03-01T09:30``, ``2016-03-01 09:30:05.25``: +08:00 implied), or an
    aware one (``+08:00``, ``Z``, ``-05:00`` …: the same instant written elsewhere).
    `aware` True draws only offsets, False only dates and naive forms. Periods are cut on
    local dates, and a drawn time keeps its local date whatever offset writes it.

    >>> times(2016).example()  # doctest: +SKIP
    '2016-07-31T20:15:00-05:00'
    """
    return _times(year, aware, months)


def _decimal_text(draw: Draw, low: int, high: int, places: int, nonzero: bool) -> str:
    """A decimal string of n / 10**places for n in low … high, in one of the valid forms."""
    n = _int(draw, low, high)
    if nonzero and n == 0:
        n = high if high else low
    value = Decimal(n).scaleb(-places)
    text = format(value.normalize() if n else Decimal(0), "f")
    style = _int(draw, 0, 7)
    if style == 6:  # "1.50", "2.0": trailing zeros
        text += "0" if "." in text else ".0"
    elif style == 7 and not text.startswith("-"):  # "05": a leading zero
        text = "0" + text
    return text


@st.composite
def _decimals(draw: Draw, low: int, high: int, places: int, nonzero: bool) -> str:
    return _decimal_text(draw, low, high, places, nonzero)


def decimals(
    low: Decimal | int | str = -50,
    high: Decimal | int | str = 50,
    *,
    places: int = 2,
    nonzero: bool = False,
) -> SearchStrategy[str]:
    """Decimal strings in `low` … `high` with at most `places` decimals, in every form the
    ledger accepts: ``"0.5"``, ``"-2"``, and the unusual but valid ``"1.50"`` and ``"07"``.

    >>> decimals(0, 5, places=1).example()  # doctest: +SKIP
    '3.5'
    """
    scale = Decimal(10) ** places
    return _decimals(int(Decimal(low) * scale), int(Decimal(high) * scale), places, nonzero)


def unit_ids() -> SearchStrategy[str]:
    """Unit ids as people write them: ``gulou``, ``u7``, ``鼓楼``, ``dl-03``.

    >>> unit_ids().example()  # doctest: +SKIP
    'gulou'
    """
    return st.one_of(
        st.sampled_from(("gulou", "xuanwu", "wujin", "shahekou", "hutang", "cz-office")),
        st.integers(0, 99).map(lambda n: f"u{n}"),
        st.sampled_from(("鼓楼", "武进", "沙河口")),
        st.from_regex(r"[a-z]{1,6}-[0-9]{2}", fullmatch=True),
    )


def event_ids() -> SearchStrategy[str]:
    """Event ids: UUIDs (as the ledger generates them) or short names such as ``e17``."""
    return st.one_of(st.uuids().map(str), st.integers(0, 9999).map(lambda n: f"e{n}"))


def _info_ids() -> SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(("GL", "WJ", "SHK", "CZ")), st.integers(1, 99)).map(
            lambda t: f"{t[0]}-2016-{t[1]:02d}"
        ),
        st.uuids().map(lambda u: f"info-{u.hex[:8]}"),
    )


_UNIT_IDS = unit_ids()
_EVENT_IDS = event_ids()
_INFO_IDS = _info_ids()

# -- makers: one event of each type from concrete values --------------------------------------


def _mk(draw: Draw, kind: str, id: str, at: str) -> Event:
    event: Event = {"id": id, "type": kind, "at": at}
    if _one_in(draw, 6):
        event["note"] = _text(draw)
    if _one_in(draw, 6):
        event["evidence"] = _text(draw, ("签到表", "市总信息第12期", "省总通报", "文件"))
    return event


_NAMES = {
    "city": ("市总工会", "常州市总工会", "大连市总工会"),
    "county": ("鼓楼区总工会", "武进区总工会", "沙河口区总工会", "溧阳市总工会"),
    "department": ("办公室", "组织部", "宣教部", "保障部"),
    "industry_union": ("教科工会", "机冶工会", "财贸工会"),
    "direct_report": ("大连港信息直报点", "某企业直报点"),
    "grassroots": ("湖塘镇工会", "某社区工会", "某企业工会"),
    "township": ("开发区工会", "某乡镇工会"),
    "system": ("教育系统工会", "卫生系统工会"),
    "enterprise": ("某直属企业工会",),
    "other": ("县委办工会", "某局工会"),
}


def _name(draw: Draw, kind: str) -> str:
    return str(draw(_PLAIN_TEXT)) if _one_in(draw, 10) else _pick(draw, _NAMES[kind])


def _mk_submission(
    draw: Draw, id: str, at: str, unit: str, info: str, moment: datetime | None
) -> Event:
    event = _mk(draw, "submission", id, at)
    event.update(unit=unit, info=info)
    if _one_in(draw, 2):
        event["title"] = _text(draw)
    category = _pick(draw, (None, None, None, *codes.CATEGORIES))
    if category is not None:
        event["category"] = category
    urgent = _pick(draw, (None, None, None, None, False, True))
    if urgent is not None:
        event["urgent"] = urgent
    if urgent and moment is not None and not _one_in(draw, 3):
        delay = timedelta(minutes=_int(draw, 0, 180))
        event["incident_at"] = _time_text(draw, moment - delay)
    commissioned = _pick(draw, (None, None, None, None, False, True))
    if commissioned is not None:
        event["commissioned"] = commissioned
    return event


def _mk_adoption(
    draw: Draw, id: str, at: str, info: str, unit: str | None, outlet: str, mode: str | None
) -> Event:
    event = _mk(draw, "adoption", id, at)
    event.update(info=info, outlet=outlet)
    if mode is not None:
        event["mode"] = mode
    if unit is not None:
        event["unit"] = unit
    return event


def _mk_instruction(draw: Draw, id: str, at: str, info: str, unit: str | None, level: str) -> Event:
    event = _mk(draw, "instruction", id, at)
    event.update(info=info, level=level)
    if _one_in(draw, 2):
        event["leader"] = _text(draw, ("省委领导", "市长", "全总副主席", "省总主席"))
    if unit is not None:
        event["unit"] = unit
    return event


def _mk_veto(draw: Draw, id: str, at: str, unit: str, info: str | None) -> Event:
    event = _mk(draw, "veto", id, at)
    event.update(unit=unit, reason=_pick(draw, tuple(codes.VETO_REASONS)))
    if info is not None:
        event["info"] = info
    return event


def _mk_ranking(draw: Draw, id: str, at: str, unit: str, year: int, source: str) -> Event:
    event = _mk(draw, "ranking", id, at)
    event.update(unit=unit, source=source, year=year, rank=_int(draw, 1, 20))
    return event


def _mk_adjustment(draw: Draw, id: str, at: str, unit: str, scope: str | None) -> Event:
    event = _mk(draw, "adjustment", id, at)
    event.update(
        unit=unit,
        points=_decimal_text(draw, -2000, 2000, 2, nonzero=True),
        reason=_text(draw, ("未完成目标分值，酌情扣减", "信息工作突出", "更正")),
    )
    if scope is not None:
        event["ruleset"] = scope
    return event


def _score_text(draw: Draw, maximum: Decimal) -> str:
    form = _int(draw, 0, 5)
    if form == 0:
        return format(maximum, "f")
    if form == 1:
        return _decimal_text(draw, 0, int(maximum * 10), 1, nonzero=False)
    return format(Decimal(_int(draw, 0, int(maximum * 2))) / 2, "f")


def _mk_assessment(draw: Draw, id: str, at: str, unit: str, table: Any, item: Any) -> Event:
    event = _mk(draw, "assessment", id, at)
    event.update(unit=unit, table=table.id, item=item.number, score=_score_text(draw, item.max))
    if _one_in(draw, 2):
        event["self_score"] = _score_text(draw, item.max)
    if _one_in(draw, 2):
        event["assessor"] = _text(draw, ("办公室", "组织部", "宣教部", "考核组"))
    return event


def _mk_absence(draw: Draw, id: str, at: str, unit: str) -> Event:
    event = _mk(draw, "absence", id, at)
    event.update(unit=unit, meeting=_text(draw, ("全县工会工作会议", "信息员培训", "县总例会")))
    if _one_in(draw, 2):
        event["person"] = _text(draw, ("张主席", "李委员", "王干事"))
    return event


def _mk_retraction(draw: Draw, id: str, at: str, target: str) -> Event:
    event = _mk(draw, "retraction", id, at)
    event.update(target=target, reason=_text(draw, ("重复录入", "通报更正", "录入错误")))
    return event


# -- one public strategy per event type -------------------------------------------------------


def _at(draw: Draw, at: Choice, year: int | None) -> tuple[str, datetime | None]:
    """The event's ``at`` text, and its instant when drawn here (None when given)."""
    if at is not None:
        return draw(_choice(at, st.nothing())), None
    y = year if year is not None else _int(draw, 2010, 2020)
    moment = _moment(draw, date(y, 1, 1), date(y, 12, 31))
    return _time_text(draw, moment), moment


def _id(draw: Draw, id: Choice) -> str:
    return str(draw(_choice(id, _EVENT_IDS)))


@st.composite
def unit_registered(
    draw: Draw,
    *,
    unit: Choice = None,
    kind: Choice = None,
    parent: Choice = None,
    department: Choice = None,
    id: Choice = None,
    at: Choice = None,
    year: int | None = None,
) -> Event:
    """A ``unit_registered`` event. `parent` None means none; a department code is drawn
    (or `department` kept) only for kinds ``department`` and ``industry_union``.

    >>> unit_registered(kind="county").example()  # doctest: +SKIP
    {'id': 'e3', 'type': 'unit_registered', 'at': '2016-01-04', 'unit': 'gulou', ...}
    """
    event = _mk(draw, "unit_registered", _id(draw, id), _at(draw, at, year)[0])
    uid = draw(_choice(unit, _UNIT_IDS))
    k = draw(_choice(kind, st.sampled_from(_KINDS)))
    event.update(unit=uid, name=_name(draw, k), kind=k)
    p = draw(_choice(parent, st.none()))
    if p is not None and p != uid:
        event["parent"] = p
    if k in codes.DEPARTMENT_KINDS:
        dept = draw(_choice(department, st.none() | st.sampled_from(_DEPARTMENTS)))
        if dept is not None:
            event["department"] = dept
    return event


@st.composite
def unit_changed(
    draw: Draw,
    *,
    unit: Choice = None,
    parents: Choice = None,
    id: Choice = None,
    at: Choice = None,
    year: int | None = None,
) -> Event:
    """A ``unit_changed`` event changing at least one of name, kind, parent, department.

    A department is only set together with a kind that may carry one; `parents` are the
    units it may move under (default: any unit id but its own).
    """
    event = _mk(draw, "unit_changed", _id(draw, id), _at(draw, at, year)[0])
    uid = draw(_choice(unit, _UNIT_IDS))
    event["unit"] = uid
    change = draw(st.sets(st.sampled_from(("name", "kind", "parent", "department")), min_size=1))
    if "department" in change:
        event["kind"] = _pick(draw, sorted(codes.DEPARTMENT_KINDS))
        event["department"] = _pick(draw, _DEPARTMENTS)
    elif "kind" in change:
        event["kind"] = _pick(draw, _KINDS)
    if "parent" in change:
        parent = draw(_choice(parents, _UNIT_IDS))
        if parent != uid:
            event["parent"] = parent
    if "name" in change or not {"kind", "parent"} & event.keys():
        event["name"] = _name(draw, event.get("kind", "other"))
    return event


@st.composite
def submissions(
    draw: Draw,
    *,
    units: Choice = None,
    infos: Choice = None,
    year: int | None = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """A ``submission`` (报送) with a title, category, urgent and commissioned flags drawn
    (each sometimes left to its default). An urgent item drawn with its own time sometimes
    carries ``incident_at`` 0 … 3 hours earlier (over 1 hour: dalian-2011 derives a veto).

    >>> submissions(units=["gulou"], year=2011).example()  # doctest: +SKIP
    {'id': 'e12', 'type': 'submission', 'at': '2011-03-02T09:00', 'unit': 'gulou', ...}
    """
    text, moment = _at(draw, at, year)
    return _mk_submission(
        draw,
        _id(draw, id),
        text,
        draw(_choice(units, _UNIT_IDS)),
        draw(_choice(infos, _INFO_IDS)),
        moment,
    )


@st.composite
def adoptions(
    draw: Draw,
    *,
    infos: Choice = None,
    outlets: Choice = None,
    units: Choice = None,
    year: int | None = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """An ``adoption`` (采用) of an info item by an outlet, ``mode`` single, combined or
    left out. A ``unit`` is drawn from `units`; ``units=st.none()`` leaves it out (as an
    adoption of a submitted item may)."""
    return _mk_adoption(
        draw,
        _id(draw, id),
        _at(draw, at, year)[0],
        draw(_choice(infos, _INFO_IDS)),
        draw(_choice(units, _UNIT_IDS)),
        draw(_choice(outlets, st.sampled_from(_OUTLETS))),
        _pick(draw, (None, "single", "combined")),
    )


@st.composite
def instructions(
    draw: Draw,
    *,
    infos: Choice = None,
    levels: Choice = None,
    units: Choice = None,
    year: int | None = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """An ``instruction`` (批示) by a leader of some level on an info item (``unit`` as for
    :func:`adoptions`)."""
    return _mk_instruction(
        draw,
        _id(draw, id),
        _at(draw, at, year)[0],
        draw(_choice(infos, _INFO_IDS)),
        draw(_choice(units, _UNIT_IDS)),
        draw(_choice(levels, st.sampled_from(_LEVELS))),
    )


@st.composite
def activities(
    draw: Draw,
    *,
    units: Choice = None,
    year: int | None = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """An ``activity`` (信息活动): a meeting, press conference, training or exchange."""
    event = _mk(draw, "activity", _id(draw, id), _at(draw, at, year)[0])
    event.update(
        unit=draw(_choice(units, _UNIT_IDS)), activity=_pick(draw, tuple(codes.ACTIVITIES))
    )
    return event


@st.composite
def vetoes(
    draw: Draw,
    *,
    units: Choice = None,
    infos: Choice = None,
    year: int | None = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """A recorded ``veto`` (否决) with a reason, sometimes naming an info item."""
    info = draw(_choice(infos, _INFO_IDS)) if _one_in(draw, 2) else None
    return _mk_veto(
        draw, _id(draw, id), _at(draw, at, year)[0], draw(_choice(units, _UNIT_IDS)), info
    )


@st.composite
def rankings(
    draw: Draw,
    *,
    units: Choice = None,
    year: int | None = None,
    sources: Choice = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """A ``ranking`` from an external circular: mostly ``province.union.annual`` for the
    event's own year (`year`), sometimes for the year before or from another source."""
    text, _ = _at(draw, at, year)
    own = year if year is not None else int(text[:4])
    source = draw(
        _choice(sources, st.sampled_from(("province.union.annual",) * 4 + ("city.union.annual",)))
    )
    return _mk_ranking(
        draw,
        _id(draw, id),
        text,
        draw(_choice(units, _UNIT_IDS)),
        own - (1 if _one_in(draw, 5) else 0),
        source,
    )


@st.composite
def adjustments(
    draw: Draw,
    *,
    units: Choice = None,
    rulesets: Choice = None,
    year: int | None = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """An ``adjustment`` (酌情): non-zero points (-20 … 20, two decimals at most), a reason,
    sometimes scoped to a ruleset (default scopes: none, the shipped ids, and
    ``xuzhou-2014``, which no ruleset has)."""
    scope = draw(_choice(rulesets, st.sampled_from((None, None, *_SHIPPED, _FOREIGN_RULESET))))
    return _mk_adjustment(
        draw, _id(draw, id), _at(draw, at, year)[0], draw(_choice(units, _UNIT_IDS)), scope
    )


def _tables(tables: str | Sequence[str] | None = None) -> dict[str, Any]:
    every = checklist_tables()
    if tables is None:
        return every
    wanted = [tables] if isinstance(tables, str) else list(tables)
    return {t: every[t] for t in wanted}


@cache
def _items(table_id: str) -> tuple[Any, ...]:
    table = _tables(table_id)[table_id]
    return tuple(i for c in table.categories for i in c.items)


@st.composite
def assessments(
    draw: Draw,
    *,
    units: Choice = None,
    tables: str | Sequence[str] | None = None,
    year: int | None = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """An ``assessment`` (考核) of one item of a shipped checklist table (`tables`: ids such
    as ``county/township``; default all), with ``score`` and ``self_score`` within 0 …
    the item's maximum (whole, halves, tenths, or the maximum itself)."""
    chosen = _tables(tables)
    table = chosen[_pick(draw, sorted(chosen))]
    return _mk_assessment(
        draw,
        _id(draw, id),
        _at(draw, at, year)[0],
        draw(_choice(units, _UNIT_IDS)),
        table,
        _pick(draw, _items(table.id)),
    )


@st.composite
def absences(
    draw: Draw,
    *,
    units: Choice = None,
    year: int | None = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """An ``absence`` (缺席) from a meeting or training of the higher union."""
    return _mk_absence(draw, _id(draw, id), _at(draw, at, year)[0], draw(_choice(units, _UNIT_IDS)))


@st.composite
def retractions(
    draw: Draw,
    *,
    targets: Choice = None,
    year: int | None = None,
    id: Choice = None,
    at: Choice = None,
) -> Event:
    """A ``retraction`` of the event `targets` names (default: any event id)."""
    return _mk_retraction(
        draw, _id(draw, id), _at(draw, at, year)[0], draw(_choice(targets, _EVENT_IDS))
    )


#: The strategy function of each event type, by its wire name.
EVENT_STRATEGIES: dict[str, Callable[..., SearchStrategy[Event]]] = {
    "unit_registered": unit_registered,
    "unit_changed": unit_changed,
    "submission": submissions,
    "adoption": adoptions,
    "instruction": instructions,
    "activity": activities,
    "veto": vetoes,
    "ranking": rankings,
    "adjustment": adjustments,
    "assessment": assessments,
    "absence": absences,
    "retraction": retractions,
}


def events(types: Iterable[str] | None = None, *, year: int | None = None) -> SearchStrategy[Event]:
    """Any single event (of `types`, default every type), each valid on its own.

    >>> events(["submission", "adoption"], year=2016).example()  # doctest: +SKIP
    {'id': '0b3c…', 'type': 'adoption', 'at': '2016-05-07 10:00', 'info': 'GL-2016-03', ...}
    """
    names = list(EVENT_STRATEGIES) if types is None else list(types)
    return st.one_of([EVENT_STRATEGIES[name](year=year) for name in names])


# -- unit trees -------------------------------------------------------------------------------

#: Kinds by level of a tree, per ruleset: top-level units, the units below them, leaves.
_PROFILES: dict[str | None, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "jiangsu-2016": (
        ("city", "city", "department", "industry_union"),
        ("county",),
        ("grassroots", "township", "direct_report"),
    ),
    "changzhou-2016": (
        ("city", "department", "department", "industry_union"),
        ("county", "county", "department"),
        ("grassroots", "direct_report", "township", "enterprise"),
    ),
    "dalian-2011": (
        ("city", "department", "industry_union"),
        ("county", "county", "industry_union"),
        ("direct_report", "direct_report", "grassroots"),
    ),
    "suzhou-2015": (
        ("city", "system", "enterprise"),
        ("county", "system", "other"),
        ("grassroots",),
    ),
    "county-targets": (("county",), ("township", "system", "enterprise", "other"), ("grassroots",)),
    None: (
        ("city", "department", "industry_union", "county"),
        ("county", "industry_union", "township", "system", "enterprise", "other"),
        ("grassroots", "direct_report", "township", "enterprise"),
    ),
}
#: Kinds whose units may have units below them in a drawn tree.
_HOSTS = frozenset({"city", "county", "industry_union", "township", "system", "grassroots"})


@cache
def _assessed_kinds(ruleset: str | None) -> tuple[str, ...]:
    if ruleset not in _POINTS:
        return ()
    loaded = rules.load(ruleset)
    return tuple(loaded.assessed_kinds) if isinstance(loaded, rules.PointsRuleset) else ()


def _tree(
    draw: Draw,
    count: int,
    shape: str | None,
    ruleset: str | None,
    departments: bool,
    year: int,
    prefix: str,
) -> list[Event]:
    form = shape if shape is not None else _pick(draw, ("flat", "tree", "tree", "deep"))
    if form not in ("flat", "tree", "deep"):
        raise ValueError(f"shape {shape!r}: expected flat, tree, deep or None")
    top, middle, leaves = _PROFILES[ruleset if ruleset in _PROFILES else None]
    assessed = _assessed_kinds(ruleset)
    levels: dict[str, int] = {}
    kinds: dict[str, str] = {}
    out: list[Event] = []
    for index in range(count):
        uid = f"{prefix}{index}"
        parent = None
        if form == "flat":
            kind = _pick(draw, top + middle + leaves)
        else:
            level = 0 if index == 0 else _pick(draw, (0, 1, 1, 2, 2))
            below = (level - 1,) if form == "tree" or level < 2 else (1, 2)
            hosts = [u for u, lv in levels.items() if lv in below and kinds[u] in _HOSTS]
            if level and not hosts:
                level = 0
            kind = _pick(draw, (top, middle, leaves)[level])
            if level:
                parent = _pick(draw, hosts)
            levels[uid] = level
        if index == count - 1 and assessed and kind not in assessed:
            if not any(k in assessed for k in kinds.values()):
                kind = assessed[0]
        kinds[uid] = kind
        day = date(year, 1, 1) - timedelta(days=_pick(draw, (0, 0, 0, 3, 40)))
        event: Event = {
            "id": f"reg-{uid}",
            "type": "unit_registered",
            "at": day.isoformat(),
            "unit": uid,
            "name": _name(draw, kind),
            "kind": kind,
        }
        if parent is not None:
            event["parent"] = parent
        if departments and kind in codes.DEPARTMENT_KINDS and not _one_in(draw, 5):
            event["department"] = _pick(draw, _DEPARTMENTS)
        out.append(event)
    return out


def _range(draw: Draw, size: int | tuple[int, int]) -> int:
    low, high = (size, size) if isinstance(size, int) else size
    return _int(draw, low, high)


@st.composite
def unit_trees(
    draw: Draw,
    *,
    size: int | tuple[int, int] = (1, 8),
    shape: str | None = None,
    ruleset: str | None = None,
    departments: bool = True,
    year: int | None = None,
    prefix: str | None = None,
) -> list[Event]:
    """A list of ``unit_registered`` events (ids ``reg-<unit>``), parents before children.

    * `size` — how many units (a number or (min, max); at least 1).
    * `shape` — ``"flat"`` (no parents), ``"tree"`` (top-level units such as a city,
      units below them such as counties, leaves such as town unions or direct-report
      points below those), ``"deep"`` (leaves below leaves: chains of any depth) or None
      (any of them).
    * `ruleset` — a shipped id whose world the kinds follow: jiangsu-2016 cities with
      counties below them and provincial departments, changzhou-2016 counties with town,
      enterprise and direct-report unions below, dalian-2011 counties and industry unions
      with direct-report points, the checklists' systems, enterprises and townships. For
      a points ruleset at least one unit is of a kind it assesses.
    * `departments` — draw department codes for departments and industry unions.
    * `year` — units are registered on or before 1 January of it; `prefix` — unit ids
      are ``<prefix><n>``.

    >>> unit_trees(ruleset="dalian-2011", shape="tree").example()  # doctest: +SKIP
    [{'id': 'reg-u0', 'type': 'unit_registered', 'at': '2011-01-01', 'unit': 'u0',
      'name': '大连市总工会', 'kind': 'city'}, ...]
    """
    return _tree(
        draw,
        max(_range(draw, size), 1),
        shape,
        ruleset,
        departments,
        year if year is not None else _YEARS.get(ruleset or "", 2016),
        prefix if prefix is not None else _pick(draw, ("u", "u", "unit-", "单位")),
    )


# -- whole ledgers ----------------------------------------------------------------------------

#: Relative weights of the event types after the units, by the family of the ruleset.
_MIX = {
    "points": {
        "submission": 6,
        "adoption": 7,
        "instruction": 2,
        "activity": 2,
        "veto": 1,
        "ranking": 2,
        "adjustment": 2,
        "assessment": 1,
        "absence": 1,
        "retraction": 2,
        "unit_changed": 1,
    },
    "checklist": {
        "submission": 3,
        "assessment": 8,
        "adoption": 3,
        "absence": 3,
        "retraction": 2,
        "adjustment": 1,
        "instruction": 1,
        "activity": 1,
        "veto": 1,
        "ranking": 1,
        "unit_changed": 1,
    },
}
_MIX["any"] = {k: max(_MIX["points"][k], _MIX["checklist"][k]) for k in _MIX["points"]}

#: Outlets weighted so that every points ruleset has plenty to score (all of them appear).
_WEIGHTED_OUTLETS = (
    *_OUTLETS,
    "acftu.bulletin",
    "province.union.web",
    "province.union.briefing",
    "province.union.special_report",
    "province.party_committee",
    "city.party_committee",
    "city.union.web.news",
    "city.union.web.grassroots",
    "city.union.bulletin",
    "city.union.internal",
    "central.cpc_office",
)
_RANKING_SOURCES = ("province.union.annual",) * 4 + ("city.union.annual",)


class _Builder:
    """A ledger being drawn, and what exists in it, so that every reference is valid."""

    def __init__(self, draw: Draw, year: int, ruleset: str | None, tag: str) -> None:
        self.draw = draw
        self.year = year
        self.ruleset = ruleset
        self.tag = tag
        self.events: list[Event] = []
        self.count = 0
        self.kind: dict[str, str] = {}
        self.parent: dict[str, str | None] = {}
        self.units: list[str] = []
        self.submitter: dict[str, str] = {}  # info -> its latest submitter (retracted or not)
        self.latest_sub: dict[str, str] = {}  # info -> the id of its latest submission
        self.infos: list[str] = []  # submitted infos, in order (repeated when resubmitted)
        self.external: list[str] = []  # infos adopted without a submission (unit named)
        self.retractable: list[str] = []
        self.retracted: set[str] = set()
        self.table: dict[str, str] = {}
        self.anchored: tuple[str, str, str] | None = None  # a checklist anchor's unit/table/item
        if ruleset in _CHECKLISTS:
            loaded = rules.load(ruleset)
            assert isinstance(loaded, rules.ChecklistRuleset)  # _CHECKLISTS names only these
            self.tables = [t.id for t in loaded.tables]
        else:
            self.tables = sorted(_tables())
        profile = _PROFILES[ruleset if ruleset in _PROFILES else None]
        self.kinds = sorted({k for level in profile for k in level})

    def new_id(self) -> str:
        self.count += 1
        return f"{self.tag}{self.count:04d}"

    def moment(self, first: date | None = None, last: date | None = None) -> datetime:
        return _moment(self.draw, first or date(self.year, 1, 1), last or date(self.year, 12, 31))

    def at(self) -> str:
        return _time_text(self.draw, self.moment())

    def add(self, event: Event, *, retractable: bool = True) -> None:
        self.events.append(event)
        if retractable and event["type"] not in ("unit_registered", "unit_changed", "retraction"):
            self.retractable.append(event["id"])

    def unit(self) -> str:
        return _pick(self.draw, self.units)

    def register(self, event: Event) -> None:
        self.units.append(event["unit"])
        self.kind[event["unit"]] = event["kind"]
        self.parent[event["unit"]] = event.get("parent")
        self.add(event)

    def submitted(self, event: Event, *, retractable: bool = True) -> None:
        self.add(event, retractable=retractable)
        self.submitter[event["info"]] = event["unit"]
        self.latest_sub[event["info"]] = event["id"]
        self.infos.append(event["info"])

    # one method per event type; each appends one event (a submission may append a burst)

    def submission(self, budget: int) -> None:
        draw = self.draw
        unit = self.unit()
        burst = _int(draw, 2, min(budget, 30)) if budget > 1 and _one_in(draw, 4) else 1
        quarter = _int(draw, 1, 4)
        first, last = date(self.year, 3 * quarter - 2, 1), date(self.year, 3 * quarter, 28)
        for _ in range(burst):
            moment = self.moment(first, last) if burst > 1 else self.moment()
            event = _mk_submission(
                draw,
                self.new_id(),
                _time_text(draw, moment),
                unit,
                self.fresh_info(unit),
                moment,
            )
            self.submitted(event)

    def fresh_info(self, unit: str) -> str:
        """A new info id; rarely one whose latest submission was retracted, or one adopted
        elsewhere without a submission: both may be submitted (again)."""
        again = [i for i, s in self.latest_sub.items() if s in self.retracted]
        again += [i for i in self.external if i not in self.submitter]
        if again and _one_in(self.draw, 5):
            return str(_pick(self.draw, again))
        return f"{unit}-{self.year}-{len(self.infos) + len(self.external) + 1:03d}"

    def item(self) -> tuple[str, str | None]:
        """(info, unit field) of an adoption or instruction: a submitted item (the unit left
        out, or the submitter's), or one never submitted (a unit named)."""
        draw = self.draw
        if self.infos and not _one_in(draw, 6):
            info = _pick(draw, self.infos)
            return info, self.submitter[info] if _one_in(draw, 4) else None
        unsubmitted = [i for i in self.external if i not in self.submitter]
        if unsubmitted and _one_in(draw, 2):
            info = _pick(draw, unsubmitted)
        else:
            info = f"ext-{self.year}-{len(self.infos) + len(self.external) + 1:03d}"
            self.external.append(info)
        return info, self.unit()

    def adoption(self) -> None:
        info, unit = self.item()
        outlet = _pick(self.draw, _WEIGHTED_OUTLETS)
        mode = _pick(self.draw, (None, "single", "combined"))
        self.add(_mk_adoption(self.draw, self.new_id(), self.at(), info, unit, outlet, mode))

    def instruction(self) -> None:
        info, unit = self.item()
        level = _pick(self.draw, _LEVELS)
        self.add(_mk_instruction(self.draw, self.new_id(), self.at(), info, unit, level))

    def activity(self) -> None:
        event = _mk(self.draw, "activity", self.new_id(), self.at())
        event.update(unit=self.unit(), activity=_pick(self.draw, tuple(codes.ACTIVITIES)))
        self.add(event)

    def veto(self) -> None:
        info = _pick(self.draw, self.infos) if self.infos and _one_in(self.draw, 2) else None
        self.add(_mk_veto(self.draw, self.new_id(), self.at(), self.unit(), info))

    def ranking(self) -> None:
        draw = self.draw
        earlier = [e for e in self.events if e["type"] == "ranking"]
        if earlier and _one_in(draw, 3):
            # The same unit on the same list of the same year again (a corrected or a second
            # published ranking): what a clause's once = "year" is there for.
            last = _pick(draw, earlier)
            unit, year, source = last["unit"], last["year"], last["source"]
        else:
            unit = self.ranked_unit()
            year = self.year - (1 if _one_in(draw, 5) else 0)
            source = _pick(draw, _RANKING_SOURCES)
        self.add(_mk_ranking(draw, self.new_id(), self.at(), unit, year, source))

    def ranked_unit(self) -> str:
        """Mostly a unit of a kind the ruleset assesses: the kind a ranking ranks."""
        assessed = [u for u in self.units if self.kind[u] in _assessed_kinds(self.ruleset)]
        return _pick(self.draw, assessed) if assessed and not _one_in(self.draw, 3) else self.unit()

    def adjustment(self) -> None:
        scope = _pick(self.draw, (None, None, None, self.ruleset, *_SHIPPED, _FOREIGN_RULESET))
        self.add(_mk_adjustment(self.draw, self.new_id(), self.at(), self.unit(), scope))

    def assessment(self, *, retractable: bool = True, full: bool = False) -> None:
        unit = self.unit()
        if unit not in self.table:
            self.table[unit] = _pick(self.draw, self.tables)
        table = _tables(self.table[unit])[self.table[unit]]
        item = _pick(self.draw, _items(table.id))
        event = _mk_assessment(self.draw, self.new_id(), self.at(), unit, table, item)
        key = (unit, table.id, item.number)
        if full:
            self.anchored = key
        if full or key == self.anchored:
            # A later assessment of the same item supersedes the anchor: keep it at full
            # marks too, or the ledger could score nothing (the promise of `ledgers`).
            event["score"] = format(item.max, "f")
        self.add(event, retractable=retractable)

    def absence(self) -> None:
        self.add(_mk_absence(self.draw, self.new_id(), self.at(), self.unit()))

    def retraction(self) -> None:
        live = [e for e in self.retractable if e not in self.retracted]
        if not live:
            self.activity()
            return
        target = _pick(self.draw, live)
        self.retracted.add(target)
        self.add(_mk_retraction(self.draw, self.new_id(), self.at(), target))

    def unit_changed(self) -> None:
        draw = self.draw
        unit = self.unit()
        below = self.descendants(unit)
        parents = [u for u in self.units if u != unit and u not in below]
        event = _mk(draw, "unit_changed", self.new_id(), self.at())
        event["unit"] = unit
        change = _pick(draw, ("name", "parent", "kind"))
        if change == "parent" and parents:
            event["parent"] = _pick(draw, parents)
            self.parent[unit] = event["parent"]
        elif change == "kind":
            event["kind"] = _pick(draw, self.kinds)
            if event["kind"] in codes.DEPARTMENT_KINDS and _one_in(draw, 2):
                event["department"] = _pick(draw, _DEPARTMENTS)
            self.kind[unit] = event["kind"]
        else:
            event["name"] = _name(draw, self.kind[unit])
        self.add(event)

    def descendants(self, unit: str) -> set[str]:
        out: set[str] = set()
        frontier = {unit}
        while frontier:
            frontier = {u for u, p in self.parent.items() if p in frontier and u not in out}
            out |= frontier
        return out

    def anchor(self) -> None:
        """Something that scores under the ruleset and is never retracted: for a points
        ruleset an item of a unit of an assessed kind adopted by 《全总信息》
        (``acftu.bulletin``, which all three score), for a checklist a full-marks assessment
        on one of its tables."""
        if self.ruleset in _POINTS:
            assessed = _assessed_kinds(self.ruleset)
            unit = _pick(self.draw, [u for u in self.units if self.kind[u] in assessed])
            info = f"{unit}-{self.year}-000"
            event = {"id": self.new_id(), "type": "submission", "at": self.at(), "unit": unit}
            event["info"] = info
            self.submitted(event, retractable=False)
            adoption = _mk_adoption(
                self.draw, self.new_id(), self.at(), info, None, "acftu.bulletin", "single"
            )
            self.add(adoption, retractable=False)
        elif self.ruleset in _CHECKLISTS:
            self.assessment(retractable=False, full=True)


@st.composite
def _step(draw: Draw, builder: _Builder, mix: tuple[str, ...], budget: int) -> None:
    """Append one event of a kind drawn from `mix` (or a burst of up to `budget`)."""
    outer, builder.draw = builder.draw, draw
    try:
        kind = _pick(draw, mix)
        if kind == "submission":
            builder.submission(budget)
        else:
            getattr(builder, kind)()
    finally:
        builder.draw = outer


@st.composite
def ledgers(
    draw: Draw,
    *,
    year: int | None = None,
    size: int | tuple[int, int] = (0, 40),
    ruleset: str | None = None,
    shape: str | None = None,
    units: int | tuple[int, int] = (1, 8),
    reorganize: bool = True,
) -> list[Event]:
    """A whole valid ledger: a list of event dicts in log order that imports without error.

    * `year` — the business year of the events (default: the ruleset's own — 2011 for
      dalian-2011, 2016 for jiangsu-2016 and changzhou-2016, 2015 for suzhou-2015 — or
      any year from 2011 to 2020).
    * `size` — how many events follow the unit registrations (a number or (min, max)).
    * `ruleset` — a shipped id to draw a ledger for: its kinds of units, the outlets it
      scores, its checklist tables; None mixes them all.
    * `shape`, `units` — the unit tree's shape (see :func:`unit_trees`) and size.
    * `reorganize` — whether ``unit_changed`` events (renames, moves that never create a
      cycle, changes of kind) may appear.

    A ledger holds, in this order: the units (parents first); then, mixed, submissions
    (some in bursts of up to 30 by one unit in one quarter, past dalian-2011's cap),
    adoptions and instructions of submitted items (``unit`` left out or the submitter's)
    or of items never submitted (``unit`` named), activities, rankings (mostly of
    units of an assessed kind, some repeating a unit's list and year), vetoes,
    adjustments (some scoped to a ruleset), assessments within the item maxima on one
    table per unit, absences, retractions of earlier events (never of a unit
    registration or a retraction, never twice), re-submissions of retracted items, and
    unit changes. Every event has an explicit unique ``id``; times take every wire form.

    Drawn for a ruleset, a ledger always scores something under it: for a points ruleset
    an item of a unit of an assessed kind adopted by ``acftu.bulletin``, for a checklist
    a full-marks assessment on one of its tables; neither is ever retracted.

    >>> ledgers(ruleset="dalian-2011", size=5).example()  # doctest: +SKIP
    [{'id': 'reg-u0', 'type': 'unit_registered', ...}, ..., {'id': 'e0007', ...}]
    """
    if ruleset is not None and ruleset not in _SHIPPED:
        raise ValueError(f"ruleset {ruleset!r}: expected one of {', '.join(_SHIPPED)} or None")
    y = year if year is not None else _YEARS.get(ruleset or "")
    if y is None:
        y = _int(draw, 2011, 2020)
    tree = _tree(
        draw,
        max(_range(draw, units), 1),
        shape,
        ruleset,
        True,
        y,
        _pick(draw, ("u", "u", "unit-", "单位")),
    )
    builder = _Builder(draw, y, ruleset, _pick(draw, ("e", "e", "ev-", "事件")))
    for event in tree:
        builder.register(event)
    builder.anchor()
    family = "points" if ruleset in _POINTS else "checklist" if ruleset in _CHECKLISTS else "any"
    mix = tuple(
        kind
        for kind, weight in _MIX[family].items()
        for _ in range(weight)
        if reorganize or kind != "unit_changed"
    )
    low, high = (size, size) if isinstance(size, int) else size
    start = len(builder.events)
    # One event (or one burst) per step, each step its own span of choices, and a "more?"
    # choice before each optional step: the shrinker can then drop steps one by one.
    more = _ints(0, max((high - low) // 2, 1))
    while len(builder.events) - start < high:
        if len(builder.events) - start >= low and draw(more) == 0:
            break
        draw(_step(builder, mix, high - (len(builder.events) - start)))
    return builder.events


# -- periods and revisions --------------------------------------------------------------------


def period_labels(year: int) -> list[str]:
    """Every period label of a year: the year, H1, H2, Q1 … Q4, and the twelve months."""
    return (
        [str(year)]
        + [f"{year}H{h}" for h in (1, 2)]
        + [f"{year}Q{q}" for q in (1, 2, 3, 4)]
        + [f"{year}-{m:02d}" for m in range(1, 13)]
    )


def periods(year: int | None = None) -> SearchStrategy[str]:
    """Period labels of `year` (default any of 2011 … 2020): the year, its halves, quarters
    and months — ``2016``, ``2016H2``, ``2016Q3``, ``2016-03``.

    >>> periods(2016).example()  # doctest: +SKIP
    '2016Q3'
    """
    if year is not None:
        return st.sampled_from(period_labels(year))
    return st.integers(2011, 2020).flatmap(lambda y: st.sampled_from(period_labels(y)))


@cache
def _fields_of(base: str) -> tuple[tuple[str, str, Decimal], ...]:
    """(clause id, field, base value) of every number a revision of `base` may override."""
    loaded = rules.load(base)
    out: list[tuple[str, str, Decimal]] = []
    if isinstance(loaded, rules.PointsRuleset):
        for clause in loaded.clauses:
            for name in rules.OVERRIDABLE:
                value = getattr(clause, name, None)  # a kind has those it honours
                if value is not None:
                    out.append((clause.id, name, value))
        return tuple(out)
    assert isinstance(loaded, rules.ChecklistRuleset)
    items = {f"{t.id}/{i.number}": i for t in loaded.tables for c in t.categories for i in c.items}
    for clause_id in checklist_clause_ids(loaded):
        item = items[clause_id]
        out.append((clause_id, "points", item.max))
        if item.per_absence is not None:
            out.append((clause_id, "per_absence", item.per_absence))
    return tuple(out)


def _toml(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; text drawn here has no DEL)."""
    return json.dumps(value, ensure_ascii=False)


@st.composite
def revisions(
    draw: Draw,
    base: str,
    *,
    min_overrides: int = 0,
    max_overrides: int = 3,
    direction: str = "any",
    fields: Sequence[str] | None = None,
    targets: bool = True,
    id: str | None = None,
) -> str:
    """The TOML text of a revision of the shipped ruleset `base` (CONTRACT §6).

    It overrides `min_overrides` … `max_overrides` of the numbers the base's clauses have
    (``points``, ``single``, ``combined``, ``cap``; for a checklist ``<table>/<item>``
    with ``points`` — the item's maximum — and ``per_absence`` for computed items),
    optionally only the `fields` named. `direction` ``"up"`` only raises numbers,
    ``"down"`` only lowers them (never below 0), ``"any"`` draws 0 … twice the base value
    plus 10, in halves. With `targets`, a points revision sometimes sets annual targets
    too. The id (default ``<base>-r<n>``) is never a shipped id. Write the text to a file
    and pass its path as the ruleset::

        path.write_text(text, encoding="utf-8"); score(ledger, path, "2011")

    >>> print(revisions("dalian-2011", min_overrides=1).example())  # doctest: +SKIP
    id = "dalian-2011-r7"
    extends = "dalian-2011"
    <BLANKLINE>
    [override."submission"]
    cap = "20"
    """
    if direction not in ("any", "up", "down"):
        raise ValueError(f"direction {direction!r}: expected any, up or down")
    choices = [f for f in _fields_of(base) if fields is None or f[1] in fields]
    if direction == "down":
        choices = [f for f in choices if f[2] > 0]
    most = min(max_overrides, len(choices))
    chosen = (
        draw(
            st.lists(
                st.sampled_from(choices),
                min_size=min(min_overrides, most),
                max_size=most,
                unique_by=lambda f: (f[0], f[1]),
            )
        )
        if most
        else []
    )
    rid = id if id is not None else f"{base}-r{_int(draw, 1, 99)}"
    lines = [f"id = {_toml(rid)}"]
    if _one_in(draw, 2):
        lines.append(f"title = {_toml(_pick(draw, ('修订试算', '大连 2011 修订试算', 'what-if')))}")
    lines.append(f"extends = {_toml(base)}")
    overrides: dict[str, list[str]] = {}
    for clause_id, name, old in chosen:
        if direction == "up":
            new = old + Decimal(_int(draw, 1, 40)) / 2
        elif direction == "down":
            new = old * _int(draw, 0, 9) / 10
        else:
            new = Decimal(_int(draw, 0, int(old * 4) + 20)) / 2
        overrides.setdefault(clause_id, []).append(f"{name} = {_toml(format(new, 'f'))}")
    blocks = [f"[override.{_toml(c)}]\n" + "\n".join(body) for c, body in overrides.items()]
    if targets and base in _POINTS and _one_in(draw, 4):
        keys = sorted({*codes.UNIT_KINDS, *codes.DEPARTMENTS})
        for key in sorted({_pick(draw, keys) for _ in range(_int(draw, 1, 2))}):
            blocks.append(f'[target.{_toml(key)}]\npoints = "{_int(draw, 0, 400)}"')
    return "\n".join(lines) + "".join(f"\n\n{block}" for block in blocks) + "\n"
