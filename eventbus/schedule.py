"""Schedule expressions of scheduled rules: ``rate(...)`` and AWS's six-field ``cron(...)``.

``parse_schedule`` validates an expression as PutRule does and returns a typed schedule;
``next_after`` gives the first fire time strictly after a moment, in UTC, the only time
zone scheduled rules know. Fire times have minute precision, like AWS's.

A rate schedule is a grid anchored where the rule was created: its ticks are
``anchor + k * period`` for every ``k >= 0``. A worker that stores the anchor and the
last tick it fired can therefore compute the next tick, and fire each one exactly once,
from stored state alone.

Cron fields, in order: minutes (0-59), hours (0-23), day-of-month (1-31), month (1-12 or
JAN-DEC), day-of-week (1-7 or SUN-SAT, 1 = Sunday) and year (1970-2199). Exactly one of
day-of-month and day-of-week is ``?``. Every field takes lists (``,``), ranges (``-``,
wrapping past the field's end, as ``20-2`` in hours) and ``*``; every field but
day-of-week takes increments (``/``). Day-of-month also takes ``L`` (last day), ``LW``
(last weekday) and ``nW`` (the weekday nearest day n, within the month); day-of-week also
takes ``L`` (Saturday), ``nL`` (the month's last weekday n) and ``n#k`` (the month's k-th
weekday n). Each of those stands alone in its field.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from eventbus.errors import ValidationError

INVALID_MESSAGE = "Parameter ScheduleExpression is not valid."
#: The ScheduleExpression member's maximum length in AWS's service model.
MAX_EXPRESSION_LENGTH = 256
#: Where a rate grid starts when the caller names no anchor.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

MIN_YEAR = 1970
MAX_YEAR = 2199

RateUnit = Literal["minute", "hour", "day"]
_UNIT_SECONDS: dict[str, int] = {"minute": 60, "hour": 3600, "day": 86400}
_UNITS: dict[str, RateUnit] = {"minute": "minute", "hour": "hour", "day": "day"}

_RATE = re.compile(r"rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)")
_CRON = re.compile(r"cron\((\S(?:.*\S)?)\)")
_ITEM = re.compile(r"(?:(\*)|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:/([0-9]+))?")
_NEAREST_WEEKDAY = re.compile(r"([0-9]+)W")
_LAST_OF_WEEKDAY = re.compile(r"([0-9A-Za-z]+)L")
_NTH_WEEKDAY = re.compile(r"([0-9A-Za-z]+)#([0-9]+)")

_MONTH_NAMES = {name.upper(): n for n, name in enumerate(calendar.month_abbr) if name}
_DAY_NAMES = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


class _Invalid(Exception):
    """Raised inside the parser; turned into AWS's single message at the boundary."""


def parse_schedule(expr: str) -> Schedule:
    """Validate a ScheduleExpression as PutRule does; raise ``ValidationError`` if invalid."""
    try:
        if len(expr) > MAX_EXPRESSION_LENGTH:
            raise _Invalid
        if expr.startswith("rate("):
            return _parse_rate(expr)
        if expr.startswith("cron("):
            return _parse_cron(expr)
        raise _Invalid
    except _Invalid:
        raise ValidationError(INVALID_MESSAGE) from None


# --- rate ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RateSchedule:
    """``rate(value unit)``: ticks every ``period``, on a grid anchored at the rule's creation."""

    expression: str
    value: int
    unit: RateUnit

    @property
    def period(self) -> timedelta:
        return timedelta(seconds=self.value * _UNIT_SECONDS[self.unit])

    def next_after(self, t: datetime, *, anchor: datetime = EPOCH) -> datetime | None:
        """The first tick ``anchor + k * period`` (``k >= 0``) strictly after ``t``."""
        t = _as_utc(t)
        anchor = _as_utc(anchor)
        if t < anchor:
            return anchor
        period = self.period
        try:
            return anchor + ((t - anchor) // period + 1) * period
        except OverflowError:
            return None

    def tick_index(self, t: datetime, *, anchor: datetime = EPOCH) -> int:
        """How many periods have passed from ``anchor`` to ``t``: the tick at or before ``t``.

        Two workers that compute the same index for a tick can agree on firing it once.
        """
        return (_as_utc(t) - _as_utc(anchor)) // self.period


def _parse_rate(expr: str) -> RateSchedule:
    match = _RATE.fullmatch(expr)
    if match is None:
        raise _Invalid
    value = int(match[1])
    word = match[2]
    plural = word.endswith("s")
    # AWS requires the singular unit for 1 and the plural for anything larger.
    if value == 0 or plural != (value > 1):
        raise _Invalid
    unit = _UNITS[word.removesuffix("s")]
    try:
        timedelta(seconds=value * _UNIT_SECONDS[unit])
    except OverflowError:
        raise _Invalid from None
    return RateSchedule(expression=expr, value=value, unit=unit)


# --- cron: day rules ------------------------------------------------------------------------


def _aws_weekday(year: int, month: int, day: int) -> int:
    # Python counts Monday=0..Sunday=6; AWS counts Sunday=1..Saturday=7.
    return (calendar.weekday(year, month, day) + 1) % 7 + 1


@dataclass(frozen=True, slots=True)
class MonthDays:
    """Day-of-month values from lists, ranges, ``*`` and increments."""

    days: frozenset[int]

    def days_in(self, year: int, month: int) -> list[int]:
        length = calendar.monthrange(year, month)[1]
        return sorted(d for d in self.days if d <= length)


@dataclass(frozen=True, slots=True)
class LastDayOfMonth:
    """``L`` in day-of-month."""

    def days_in(self, year: int, month: int) -> list[int]:
        return [calendar.monthrange(year, month)[1]]


@dataclass(frozen=True, slots=True)
class LastWeekdayOfMonth:
    """``LW`` in day-of-month: the last Monday-to-Friday day of the month."""

    def days_in(self, year: int, month: int) -> list[int]:
        day = calendar.monthrange(year, month)[1]
        while _aws_weekday(year, month, day) in (1, 7):
            day -= 1
        return [day]


@dataclass(frozen=True, slots=True)
class NearestWeekday:
    """``nW`` in day-of-month: the weekday nearest day n, never leaving the month."""

    day: int

    def days_in(self, year: int, month: int) -> list[int]:
        length = calendar.monthrange(year, month)[1]
        if self.day > length:
            return []
        weekday = _aws_weekday(year, month, self.day)
        if weekday == 7:  # Saturday: the Friday before, or Monday the 3rd from the 1st
            return [self.day - 1 if self.day > 1 else self.day + 2]
        if weekday == 1:  # Sunday: the Monday after, or the Friday before at the month's end
            return [self.day + 1 if self.day < length else self.day - 2]
        return [self.day]


@dataclass(frozen=True, slots=True)
class Weekdays:
    """Day-of-week values (1 = Sunday .. 7 = Saturday) from lists, ranges and ``*``."""

    weekdays: frozenset[int]

    def days_in(self, year: int, month: int) -> list[int]:
        first, length = calendar.monthrange(year, month)
        first_aws = (first + 1) % 7 + 1
        return [d for d in range(1, length + 1) if (first_aws + d - 2) % 7 + 1 in self.weekdays]


@dataclass(frozen=True, slots=True)
class LastOfWeekday:
    """``nL`` in day-of-week: the last such weekday of the month (``6L``: last Friday)."""

    weekday: int

    def days_in(self, year: int, month: int) -> list[int]:
        length = calendar.monthrange(year, month)[1]
        back = (_aws_weekday(year, month, length) - self.weekday) % 7
        return [length - back]


@dataclass(frozen=True, slots=True)
class NthWeekday:
    """``n#k`` in day-of-week: the k-th such weekday of the month (``3#2``: second Tuesday)."""

    weekday: int
    nth: int

    def days_in(self, year: int, month: int) -> list[int]:
        length = calendar.monthrange(year, month)[1]
        first = 1 + (self.weekday - _aws_weekday(year, month, 1)) % 7
        day = first + 7 * (self.nth - 1)
        return [day] if day <= length else []


DayRule = (
    MonthDays
    | LastDayOfMonth
    | LastWeekdayOfMonth
    | NearestWeekday
    | Weekdays
    | LastOfWeekday
    | NthWeekday
)


# --- cron -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CronSchedule:
    """``cron(minutes hours day-of-month month day-of-week year)``, evaluated in UTC.

    ``days`` is the rule of whichever day field is not ``?``.
    """

    expression: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: DayRule
    months: tuple[int, ...]
    years: tuple[int, ...]

    def next_after(self, t: datetime, *, anchor: datetime = EPOCH) -> datetime | None:
        """The first fire time strictly after ``t``, or None when the years run out.

        ``anchor`` is accepted so every schedule answers the same call; cron ignores it.
        """
        t = _as_utc(t)
        if t.year > MAX_YEAR:
            return None
        # Fire times are whole minutes: start at the first one after t.
        start = t.replace(second=0, microsecond=0) + timedelta(minutes=1)
        year_index = bisect.bisect_left(self.years, start.year)
        for year in self.years[year_index:]:
            same_year = year == start.year
            months = self.months
            if same_year:
                months = months[bisect.bisect_left(months, start.month) :]
            for month in months:
                if same_year and month == start.month:
                    found = self._first_in_month(year, month, start)
                else:
                    days = self.days.days_in(year, month)
                    found = (days[0], self.hours[0], self.minutes[0]) if days else None
                if found is not None:
                    day, hour, minute = found
                    return datetime(year, month, day, hour, minute, tzinfo=UTC)
        return None

    def _first_in_month(
        self, year: int, month: int, start: datetime
    ) -> tuple[int, int, int] | None:
        days = self.days.days_in(year, month)
        for day in days[bisect.bisect_left(days, start.day) :]:
            if day > start.day:
                return day, self.hours[0], self.minutes[0]
            for hour in self.hours[bisect.bisect_left(self.hours, start.hour) :]:
                if hour > start.hour:
                    return day, hour, self.minutes[0]
                minute = _first_at_or_after(self.minutes, start.minute)
                if minute is not None:
                    return day, hour, minute
        return None


def _first_at_or_after(values: Sequence[int], value: int) -> int | None:
    index = bisect.bisect_left(values, value)
    return values[index] if index < len(values) else None


def _parse_cron(expr: str) -> CronSchedule:
    match = _CRON.fullmatch(expr)
    if match is None:
        raise _Invalid
    fields = match[1].split()
    if len(fields) != 6:
        raise _Invalid
    minute_f, hour_f, dom_f, month_f, dow_f, year_f = fields
    # Exactly one of the two day fields is '?': the other one chooses the days.
    if (dom_f == "?") == (dow_f == "?"):
        raise _Invalid
    days = _parse_day_of_month(dom_f) if dow_f == "?" else _parse_day_of_week(dow_f)
    return CronSchedule(
        expression=expr,
        minutes=_sorted(_parse_values(minute_f, 0, 59)),
        hours=_sorted(_parse_values(hour_f, 0, 23)),
        days=days,
        months=_sorted(_parse_values(month_f, 1, 12, _MONTH_NAMES)),
        years=_sorted(_parse_values(year_f, MIN_YEAR, MAX_YEAR, wrap=False)),
    )


def _sorted(values: frozenset[int]) -> tuple[int, ...]:
    return tuple(sorted(values))


def _parse_day_of_month(text: str) -> DayRule:
    if text == "L":
        return LastDayOfMonth()
    if text == "LW":
        return LastWeekdayOfMonth()
    match = _NEAREST_WEEKDAY.fullmatch(text)
    if match is not None:
        return NearestWeekday(_number(match[1], 1, 31))
    return MonthDays(_parse_values(text, 1, 31))


def _parse_day_of_week(text: str) -> DayRule:
    if text == "L":
        # Alone, L is the last day of the week: Saturday.
        return Weekdays(frozenset({7}))
    match = _LAST_OF_WEEKDAY.fullmatch(text)
    if match is not None:
        return LastOfWeekday(_value(match[1], 1, 7, _DAY_NAMES))
    match = _NTH_WEEKDAY.fullmatch(text)
    if match is not None:
        return NthWeekday(_value(match[1], 1, 7, _DAY_NAMES), _number(match[2], 1, 5))
    # AWS documents no increments in day-of-week.
    if "/" in text:
        raise _Invalid
    return Weekdays(_parse_values(text, 1, 7, _DAY_NAMES))


def _parse_values(
    text: str, low: int, high: int, names: dict[str, int] | None = None, *, wrap: bool = True
) -> frozenset[int]:
    """One field made of ``,``-separated items: ``*``, ``a``, ``a-b``, each with ``/step``."""
    values: set[int] = set()
    for item in text.split(","):
        match = _ITEM.fullmatch(item)
        if match is None:
            raise _Invalid
        star, first, last, step_text = match.groups()
        step = 1 if step_text is None else _number(step_text, 1, high - low + 1)
        if star:
            sequence = list(range(low, high + 1))
        else:
            start = _value(first, low, high, names)
            if last is not None:
                end = _value(last, low, high, names)
                if start <= end:
                    sequence = list(range(start, end + 1))
                elif wrap:
                    # A range may run past the field's end and start again: 20-2 in hours.
                    sequence = list(range(start, high + 1)) + list(range(low, end + 1))
                else:
                    raise _Invalid
            elif step_text is not None:
                # 'a/n' starts at a and repeats every n up to the field's end.
                sequence = list(range(start, high + 1))
            else:
                sequence = [start]
        values.update(sequence[::step])
    return frozenset(values)


def _value(text: str, low: int, high: int, names: dict[str, int] | None) -> int:
    if names is not None and text.upper() in names:
        return names[text.upper()]
    return _number(text, low, high)


def _number(text: str, low: int, high: int) -> int:
    if not text.isdigit() or not text.isascii():
        raise _Invalid
    value = int(text)
    if not low <= value <= high:
        raise _Invalid
    return value


def _as_utc(t: datetime) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("schedule times must be timezone-aware")
    return t.astimezone(UTC)


Schedule = RateSchedule | CronSchedule
