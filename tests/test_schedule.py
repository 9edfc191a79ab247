"""Schedule expressions: what PutRule accepts, and when each schedule fires next."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventbus.errors import ValidationError
from eventbus.schedule import (
    EPOCH,
    CronSchedule,
    LastDayOfMonth,
    LastOfWeekday,
    NearestWeekday,
    NthWeekday,
    RateSchedule,
    Weekdays,
    parse_schedule,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- what parses ------------------------------------------------------------------------------

VALID_RATES = [
    ("rate(1 minute)", 1, "minute"),
    ("rate(5 minutes)", 5, "minute"),
    ("rate(1 hour)", 1, "hour"),
    ("rate(12 hours)", 12, "hour"),
    ("rate(1 day)", 1, "day"),
    ("rate(30 days)", 30, "day"),
]


@pytest.mark.parametrize(("expr", "value", "unit"), VALID_RATES)
def test_rate_expressions_parse(expr: str, value: int, unit: str) -> None:
    schedule = parse_schedule(expr)
    assert schedule == RateSchedule(expression=expr, value=value, unit=unit)  # type: ignore[arg-type]


INVALID_RATES = [
    # Rejected by AWS (recorded against the real service).
    "rate(10 seconds)",
    "rate(10 years)",
    "rate(1 minutes)",
    "rate(1 hours)",
    "rate(1 days)",
    "rate(10 minute)",
    "rate(10 hour)",
    "rate(10 day)",
    "rate()",
    "rate(10)",
    "rate(10 minutess)",
    "rate(foo minutes)",
    "rate(0 minutes)",
    "rate(-10 minutes)",
    "rate(10 MINUTES)",
    "rate( 10 minutes )",
    " rate(10 minutes)",
    # Documented: rate(1 hours) and rate(5 hour) are not valid.
    "rate(5 hour)",
    # Not a positive integer, or not quite the syntax.
    "rate(1.5 minutes)",
    "rate(5 minutes) ",
    "Rate(5 minutes)",
    "rate(5minutes)",
    "rate 5 minutes",
    # Longer than ScheduleExpression's 256 characters.
    "rate(" + "1" * 300 + " minutes)",
    "",
]


@pytest.mark.parametrize("expr", INVALID_RATES)
def test_invalid_rate_expressions_are_rejected_with_aws_message(expr: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_schedule(expr)
    assert caught.value.message == "Parameter ScheduleExpression is not valid."
    assert caught.value.code == "ValidationException"


VALID_CRONS = [
    # The examples of AWS's scheduled-rule documentation.
    "cron(0 10 * * ? *)",
    "cron(15 12 * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0/30 20-2 ? * MON-FRI *)",
    "cron(0 12 * * ? *)",
    "cron(5,35 14 * * ? *)",
    "cron(15 10 ? * 6L 2019-2022)",
    # Accepted by AWS (recorded against the real service).
    "cron(0/30 20-23 ? * MON-FRI *)",
    "cron(0/30 0-2 ? * MON-FRI *)",
    # Each wildcard of the field table.
    "cron(* * * * ? *)",
    "cron(0 0 L * ? *)",
    "cron(0 0 LW * ? *)",
    "cron(0 0 3W * ? *)",
    "cron(0 0 ? * L *)",
    "cron(0 0 ? * 3#2 *)",
    "cron(0 0 ? * TUE#2 *)",
    "cron(0 0 ? * FRIL *)",
    "cron(0 0 1 JAN,FEB,MAR ? *)",
    "cron(0 0 1 jan-mar ? *)",
    "cron(0 0 1-15 * ? *)",
    "cron(0 0 */5 * ? *)",
    "cron(0 0 1/10 */2 ? 2020/5)",
    "cron(0 0 ? * SUN,SAT *)",
    "cron(0 0 ? * FRI-MON *)",
    "cron(0 0 1 NOV-FEB ? *)",
    "cron(59 23 31 12 ? 2199)",
    "cron(0 0 1 1 ? 1970)",
    "cron(0  0 1 1 ? *)",  # several spaces between fields
]


@pytest.mark.parametrize("expr", VALID_CRONS)
def test_cron_expressions_parse(expr: str) -> None:
    schedule = parse_schedule(expr)
    assert isinstance(schedule, CronSchedule)
    assert schedule.expression == expr


INVALID_CRONS = [
    "cron()",
    "cron(0 10 * * ?)",  # five fields
    "cron(0 10 * * ? * *)",  # seven fields
    "cron( 0 10 * * ? * )",
    "cron(0 10 * * ? *) ",
    "CRON(0 10 * * ? *)",
    "cron 0 10 * * ? *",
    # Exactly one of day-of-month and day-of-week is '?'.
    "cron(0 10 * * * *)",
    "cron(0 10 ? * ? *)",
    "cron(0 10 1 * MON *)",
    # '?' only in the day fields.
    "cron(? 10 * * ? *)",
    "cron(0 ? * * ? *)",
    "cron(0 10 * ? ? *)",
    # Out of each field's range.
    "cron(60 10 * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 10 0 * ? *)",
    "cron(0 10 32 * ? *)",
    "cron(0 10 * 0 ? *)",
    "cron(0 10 * 13 ? *)",
    "cron(0 10 ? * 0 *)",
    "cron(0 10 ? * 8 *)",
    "cron(0 10 * * ? 1969)",
    "cron(0 10 * * ? 2200)",
    # Wildcards outside the fields that take them.
    "cron(L 10 * * ? *)",
    "cron(0 10 * * ? L)",
    "cron(0 10 1#2 * ? *)",
    "cron(0 10 ? * 2W *)",
    "cron(0 10 ? * 1/2 *)",  # no increments in day-of-week
    "cron(0 10 * JAN#1 ? *)",
    # '#' defines one expression only.
    "cron(0 10 ? * 3#1,6#3 *)",
    "cron(0 10 ? * 3#6 *)",
    "cron(0 10 ? * 3#0 *)",
    "cron(0 10 0W * ? *)",
    "cron(0 10 32W * ? *)",
    "cron(0 10 L,15 * ? *)",
    # Malformed items.
    "cron(0/0 10 * * ? *)",
    "cron(1-2-3 10 * * ? *)",
    "cron(1,,2 10 * * ? *)",
    "cron(0 10 * FOO ? *)",
    "cron(0 10 ? * MONDAY *)",
    "cron(-1 10 * * ? *)",
    "cron(0 10 * * ? 2199-1970)",  # a year range does not wrap
    "cron(0 10 * * ? */0)",
    "cron(0 10 * * ? *" + " " * 260 + ")",
    "every day",
]


@pytest.mark.parametrize("expr", INVALID_CRONS)
def test_invalid_cron_expressions_are_rejected_with_aws_message(expr: str) -> None:
    with pytest.raises(ValidationError, match=r"^Parameter ScheduleExpression is not valid\.$"):
        parse_schedule(expr)


def test_cron_fields_are_parsed_into_sorted_values_and_a_day_rule() -> None:
    schedule = parse_schedule("cron(0/20 20-2 ? NOV-FEB 6L 2024,2020)")
    assert isinstance(schedule, CronSchedule)
    assert schedule.minutes == (0, 20, 40)
    assert schedule.hours == (0, 1, 2, 20, 21, 22, 23)
    assert schedule.months == (1, 2, 11, 12)
    assert schedule.years == (2020, 2024)
    assert schedule.days == LastOfWeekday(weekday=6)


@pytest.mark.parametrize(
    ("field", "rule"),
    [
        ("? * L", Weekdays(frozenset({7}))),  # alone, L is the week's last day: Saturday
        ("? * SUN", Weekdays(frozenset({1}))),  # 1 is Sunday
        ("? * SAT", Weekdays(frozenset({7}))),
        ("? * 2#1", NthWeekday(weekday=2, nth=1)),
        ("L * ?", LastDayOfMonth()),
        ("15W * ?", NearestWeekday(day=15)),
    ],
)
def test_day_fields_use_aws_numbering(field: str, rule: object) -> None:
    schedule = parse_schedule(f"cron(0 0 {field} *)")
    assert isinstance(schedule, CronSchedule)
    assert schedule.days == rule


# --- when a cron schedule fires ---------------------------------------------------------------

NEXT_AFTER = [
    # (expression, after, next fire)
    ("cron(0 10 * * ? *)", utc(2024, 5, 1, 9, 59, 30), utc(2024, 5, 1, 10, 0)),
    ("cron(0 10 * * ? *)", utc(2024, 5, 1, 10, 0), utc(2024, 5, 2, 10, 0)),  # strictly after
    ("cron(0 10 * * ? *)", utc(2024, 5, 1, 10, 0, 0, 1), utc(2024, 5, 2, 10, 0)),
    ("cron(0 10 * * ? *)", utc(2024, 12, 31, 11, 0), utc(2025, 1, 1, 10, 0)),  # year end
    ("cron(* * * * ? *)", utc(2024, 5, 1, 23, 59, 59), utc(2024, 5, 2, 0, 0)),
    ("cron(5,35 14 * * ? *)", utc(2024, 5, 1, 14, 5), utc(2024, 5, 1, 14, 35)),
    ("cron(1/10 * * * ? *)", utc(2024, 5, 1, 14, 1), utc(2024, 5, 1, 14, 11)),  # documented
    ("cron(1/10 * * * ? *)", utc(2024, 5, 1, 14, 51), utc(2024, 5, 1, 15, 1)),
    ("cron(0/15 * * * ? *)", utc(2024, 5, 1, 14, 46), utc(2024, 5, 1, 15, 0)),
    ("cron(0 8 1 * ? *)", utc(2024, 5, 1, 8, 0), utc(2024, 6, 1, 8, 0)),
    # Month ends and leap years.
    ("cron(0 0 31 * ? *)", utc(2024, 3, 31, 0, 0), utc(2024, 5, 31, 0, 0)),  # April has 30
    ("cron(0 0 30 * ? *)", utc(2024, 1, 30, 0, 0), utc(2024, 3, 30, 0, 0)),  # February has not
    ("cron(0 0 L * ? *)", utc(2024, 1, 31, 0, 0), utc(2024, 2, 29, 0, 0)),
    ("cron(0 0 L * ? *)", utc(2023, 1, 31, 0, 0), utc(2023, 2, 28, 0, 0)),
    ("cron(0 0 L * ? *)", utc(2024, 4, 15, 0, 0), utc(2024, 4, 30, 0, 0)),
    ("cron(0 0 29 2 ? *)", utc(2023, 3, 1, 0, 0), utc(2024, 2, 29, 0, 0)),
    ("cron(0 0 29 2 ? *)", utc(2024, 2, 29, 0, 0), utc(2028, 2, 29, 0, 0)),
    ("cron(0 0 29 2 ? *)", utc(2096, 3, 1), utc(2104, 2, 29)),  # 2100 is no leap year
    # W: the weekday nearest the day, inside the month.
    ("cron(0 12 15W * ? *)", utc(2024, 6, 1), utc(2024, 6, 14, 12, 0)),  # Sat 15th -> Fri
    ("cron(0 12 15W * ? *)", utc(2024, 9, 1), utc(2024, 9, 16, 12, 0)),  # Sun 15th -> Mon
    ("cron(0 12 15W * ? *)", utc(2024, 5, 1), utc(2024, 5, 15, 12, 0)),  # Wed 15th
    ("cron(0 12 1W * ? *)", utc(2024, 5, 31), utc(2024, 6, 3, 12, 0)),  # Sat 1st -> Mon 3rd
    ("cron(0 12 31W * ? *)", utc(2024, 3, 1), utc(2024, 3, 29, 12, 0)),  # Sun 31st -> Fri 29th
    ("cron(0 12 31W * ? *)", utc(2024, 4, 1), utc(2024, 5, 31, 12, 0)),  # April has no 31st
    ("cron(0 12 LW * ? *)", utc(2024, 8, 1), utc(2024, 8, 30, 12, 0)),  # ends on a Saturday
    ("cron(0 12 LW * ? *)", utc(2024, 3, 1), utc(2024, 3, 29, 12, 0)),  # ends on a Sunday
    ("cron(0 12 LW * ? *)", utc(2024, 7, 1), utc(2024, 7, 31, 12, 0)),  # ends on a Wednesday
    # Day of week: 1 = Sunday .. 7 = Saturday.
    ("cron(0 0 ? * 1 *)", utc(2024, 1, 3), utc(2024, 1, 7)),
    ("cron(0 0 ? * SUN *)", utc(2024, 1, 3), utc(2024, 1, 7)),
    ("cron(0 0 ? * 7 *)", utc(2024, 1, 3), utc(2024, 1, 6)),
    ("cron(0 0 ? * L *)", utc(2024, 1, 3), utc(2024, 1, 6)),
    ("cron(0 18 ? * MON-FRI *)", utc(2024, 3, 1, 18, 0), utc(2024, 3, 4, 18, 0)),  # Fri->Mon
    ("cron(0 0 ? * FRI-MON *)", utc(2024, 3, 4), utc(2024, 3, 8)),  # wrapping range
    ("cron(0/30 20-2 ? * MON-FRI *)", utc(2024, 3, 1, 23, 59), utc(2024, 3, 4, 0, 0)),
    ("cron(0/30 20-2 ? * MON-FRI *)", utc(2024, 3, 4, 2, 30), utc(2024, 3, 4, 20, 0)),
    # L and # in day-of-week.
    ("cron(15 10 ? * 6L 2019-2022)", utc(2019, 1, 1), utc(2019, 1, 25, 10, 15)),
    ("cron(15 10 ? * 6L 2019-2022)", utc(2019, 3, 29, 10, 15), utc(2019, 4, 26, 10, 15)),
    ("cron(15 10 ? * 6L 2019-2022)", utc(2022, 12, 30, 10, 15), None),  # years run out
    ("cron(0 9 ? * 3#2 *)", utc(2024, 3, 1), utc(2024, 3, 12, 9, 0)),  # second Tuesday
    ("cron(0 9 ? * 2#5 *)", utc(2024, 1, 30), utc(2024, 4, 29, 9, 0)),  # fifth Monday
    ("cron(0 9 ? * 1#1 *)", utc(2024, 9, 1, 9, 0), utc(2024, 10, 6, 9, 0)),
    # The year field.
    ("cron(0 0 1 1 ? 2030)", utc(2024, 6, 1), utc(2030, 1, 1)),
    ("cron(0 0 1 1 ? 2030)", utc(2030, 1, 1), None),
    ("cron(0 0 1 1 ? 2020/5)", utc(2021, 1, 1), utc(2025, 1, 1)),
    ("cron(59 23 31 12 ? 2199)", utc(2199, 12, 31, 23, 58), utc(2199, 12, 31, 23, 59)),
    ("cron(59 23 31 12 ? 2199)", utc(2199, 12, 31, 23, 59), None),
    ("cron(0 0 1 1 ? 1970)", utc(2024, 1, 1), None),
    ("cron(* * * * ? *)", datetime.max.replace(tzinfo=UTC), None),
    # Never: February 31st.
    ("cron(0 0 31 2 ? *)", utc(2024, 1, 1), None),
]


@pytest.mark.parametrize(("expr", "after", "expected"), NEXT_AFTER)
def test_cron_next_after(expr: str, after: datetime, expected: datetime | None) -> None:
    assert parse_schedule(expr).next_after(after) == expected


def test_next_after_accepts_any_time_zone_and_answers_in_utc() -> None:
    schedule = parse_schedule("cron(0 10 * * ? *)")
    plus_two = timezone(timedelta(hours=2))
    fire = schedule.next_after(datetime(2024, 5, 1, 11, 30, tzinfo=plus_two))  # 09:30 UTC
    assert fire == utc(2024, 5, 1, 10, 0)
    assert fire is not None and fire.tzinfo is UTC


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_schedule("cron(0 10 * * ? *)").next_after(datetime(2024, 5, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_schedule("rate(5 minutes)").next_after(datetime(2024, 5, 1))


# An independent statement of which minutes a cron expression selects, used to check
# next_after over long stretches of time.


def _aws_weekday(day: date) -> int:
    return day.isoweekday() % 7 + 1


def _reference_day_matches(field_dom: str, field_dow: str, day: date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if field_dow == "?":
        if field_dom == "L":
            return day.day == last
        if field_dom == "LW":
            weekdays = [
                d for d in range(1, last + 1) if _aws_weekday(day.replace(day=d)) not in (1, 7)
            ]
            return day.day == weekdays[-1]
        if field_dom.endswith("W"):
            target = int(field_dom[:-1])
            if target > last:
                return False
            weekdays = [
                d for d in range(1, last + 1) if _aws_weekday(day.replace(day=d)) not in (1, 7)
            ]
            return day.day == min(weekdays, key=lambda d: abs(d - target))
        return day.day in {int(part) for part in field_dom.split(",")}
    if field_dow.endswith("L"):
        weekday = int(field_dow[:-1])
        return _aws_weekday(day) == weekday and (day + timedelta(days=7)).month != day.month
    if "#" in field_dow:
        weekday, nth = (int(part) for part in field_dow.split("#"))
        return _aws_weekday(day) == weekday and (day.day - 1) // 7 + 1 == nth
    return _aws_weekday(day) in {int(part) for part in field_dow.split(",")}


CROSS_CHECKED = [
    # (minutes, hours, day-of-month, day-of-week) with month and year '*'
    ("0,30", "9,17", "L", "?"),
    ("5", "0", "LW", "?"),
    ("15", "12", "1W", "?"),
    ("15", "12", "15W", "?"),
    ("15", "12", "31W", "?"),
    ("0", "6", "29,30,31", "?"),
    ("45", "23", "?", "6L"),
    ("0", "0", "?", "1L"),
    ("0", "9", "?", "2#5"),
    ("0", "9", "?", "7#1"),
    ("10,50", "3,22", "?", "1,7"),
]


def _reference_fires(minutes: str, hours: str, dom: str, dow: str, start: date, days: int):
    minute_values = sorted(int(m) for m in minutes.split(","))
    hour_values = sorted(int(h) for h in hours.split(","))
    for offset in range(days):
        day = start + timedelta(days=offset)
        if _reference_day_matches(dom, dow, day):
            for hour in hour_values:
                for minute in minute_values:
                    yield datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(("minutes", "hours", "dom", "dow"), CROSS_CHECKED)
def test_cron_agrees_with_a_reference_over_four_years(
    minutes: str, hours: str, dom: str, dow: str
) -> None:
    schedule = parse_schedule(f"cron({minutes} {hours} {dom} * {dow} *)")
    start = date(2023, 1, 1)
    expected = list(_reference_fires(minutes, hours, dom, dow, start, 4 * 366))
    fires: list[datetime] = []
    moment = datetime(2022, 12, 31, 23, 59, 59, tzinfo=UTC)
    while True:
        fire = schedule.next_after(moment)
        assert fire is not None
        if fire.date() >= start + timedelta(days=4 * 366):
            break
        fires.append(fire)
        moment = fire
    assert fires == expected


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    case=st.sampled_from(CROSS_CHECKED),
)
def test_cron_next_after_any_moment_matches_the_reference(
    moment: datetime, case: tuple[str, str, str, str]
) -> None:
    minutes, hours, dom, dow = case
    schedule = parse_schedule(f"cron({minutes} {hours} {dom} * {dow} *)")
    expected = next(
        fire
        for fire in _reference_fires(minutes, hours, dom, dow, moment.date(), 400)
        if fire > moment
    )
    assert schedule.next_after(moment) == expected


# --- when a rate schedule fires ---------------------------------------------------------------


def test_rate_ticks_are_a_grid_anchored_at_creation() -> None:
    schedule = parse_schedule("rate(5 minutes)")
    created = utc(2024, 5, 1, 12, 3, 17)
    assert schedule.next_after(created, anchor=created) == utc(2024, 5, 1, 12, 8, 17)
    assert schedule.next_after(utc(2024, 5, 1, 12, 8, 16), anchor=created) == utc(
        2024, 5, 1, 12, 8, 17
    )
    assert schedule.next_after(utc(2024, 5, 1, 12, 8, 17), anchor=created) == utc(
        2024, 5, 1, 12, 13, 17
    )
    # Before the anchor, the anchor itself is the next tick.
    assert schedule.next_after(utc(2024, 5, 1), anchor=created) == created


def test_rate_ticks_fire_exactly_once_each_from_stored_state() -> None:
    schedule = parse_schedule("rate(1 day)")
    assert isinstance(schedule, RateSchedule)
    created = utc(2024, 2, 27, 6, 30)
    fired: list[datetime] = []
    last = created
    for _ in range(5):
        tick = schedule.next_after(last, anchor=created)
        assert tick is not None
        fired.append(tick)
        last = tick
    assert fired == [created + timedelta(days=k) for k in range(1, 6)]
    # A worker that wakes late still lands on the grid, and the tick index names the tick.
    late = utc(2024, 3, 3, 1, 0)
    assert schedule.next_after(late, anchor=created) == utc(2024, 3, 3, 6, 30)
    assert schedule.tick_index(late, anchor=created) == 4
    assert schedule.tick_index(utc(2024, 3, 3, 6, 30), anchor=created) == 5


def test_rate_without_anchor_is_aligned_to_the_epoch() -> None:
    schedule = parse_schedule("rate(1 hour)")
    assert schedule.next_after(utc(2024, 5, 1, 12, 0)) == utc(2024, 5, 1, 13, 0)
    assert schedule.next_after(utc(2024, 5, 1, 12, 0), anchor=EPOCH) == utc(2024, 5, 1, 13, 0)


def test_rate_periods() -> None:
    minutes = parse_schedule("rate(90 minutes)")
    days = parse_schedule("rate(2 days)")
    assert isinstance(minutes, RateSchedule) and isinstance(days, RateSchedule)
    assert minutes.period == timedelta(minutes=90)
    assert days.period == timedelta(days=2)


def test_rate_past_the_calendar_has_no_next_tick() -> None:
    schedule = parse_schedule("rate(999999 days)")
    assert schedule.next_after(utc(9000, 1, 1)) is None


def test_cron_ignores_the_anchor() -> None:
    schedule = parse_schedule("cron(0 10 * * ? *)")
    after = utc(2024, 5, 1)
    assert schedule.next_after(after, anchor=utc(2024, 4, 30, 3, 7)) == schedule.next_after(after)
