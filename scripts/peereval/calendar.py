"""The PRC working-day calendar: chinese-calendar's data plus calendar.yaml.

A working day is a Monday to Friday that is not a public holiday, or a make-up
working day (调休上班, usually a Saturday or Sunday), as each year's State Council
notice sets them. The chinese-calendar package carries the notices of the years
it knows (2004–2026 in 1.11); ``calendar.yaml`` adds years that it does not know
yet, one entry per notice. A day in a year that neither source knows is never
guessed: asking about it raises :class:`UnknownYearError`.

Once built, a :class:`WorkCalendar` is a plain frozen value: no I/O, no clock.
Periods follow the scheme's counting convention (the table after Art. 27): the
day of the event is not counted, the period runs from the next day.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

from peereval.model import CalendarYear
from peereval.problems import PeerevalError, Problem

CalendarSource = Literal["chinese-calendar", "calendar.yaml"]
PACKAGE: CalendarSource = "chinese-calendar"
CALENDAR_YAML: CalendarSource = "calendar.yaml"
_DAY = timedelta(days=1)


class UnknownYearError(PeerevalError):
    """A date falls in a year for which no official working-day data is known."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的节假日安排未知：chinese-calendar 未收录 {year} 年，calendar.yaml 中也没有。"
            f"请按国务院办公厅关于 {year} 年部分节假日安排的通知，"
            f'在 calendar.yaml 的 years 下添加 "{year}"：'
            "notice（通知文号）、holidays（放假日期或起止日期）和 workdays（调休上班日期）"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarData:
    """Official exceptions to the weekday rule, and the years they cover completely."""

    years: frozenset[int]
    holidays: frozenset[date]
    workdays: frozenset[date]


@cache
def package_data() -> CalendarData:
    """chinese-calendar's holidays and make-up working days, and the years it knows.

    The package stores both as ``{date: holiday name}`` and knows every year from
    its first to its last holiday (its own ``_validate_date`` uses the same bounds).
    """
    # Imported by name: the package ships no type information.
    constants = importlib.import_module("chinese_calendar.constants")
    holidays: frozenset[date] = frozenset(constants.holidays)
    first, last = min(holidays).year, max(holidays).year
    return CalendarData(
        years=frozenset(range(first, last + 1)), holidays=holidays, workdays=frozenset(constants.workdays)
    )


def yaml_data(years: Iterable[CalendarYear]) -> CalendarData:
    """The data of calendar.yaml's entries (already built by ``load.records.build_calendar``)."""
    entries = tuple(years)
    return CalendarData(
        years=frozenset(entry.year for entry in entries),
        holidays=frozenset(day for entry in entries for day in entry.holidays),
        workdays=frozenset(day for entry in entries for day in entry.workdays),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkCalendar:
    """Which days are PRC working days; pure once built (see :func:`build_work_calendar`)."""

    sources: Mapping[int, CalendarSource]
    holidays: frozenset[date]
    workdays: frozenset[date]

    def source_of(self, year: int) -> CalendarSource | None:
        """Where the data for *year* comes from, or None when no source knows it."""
        return self.sources.get(year)

    def is_working_day(self, day: date) -> bool:
        """Whether *day* is a working day.

        :raises UnknownYearError: when no source knows *day*'s year.
        """
        if day.year not in self.sources:
            raise UnknownYearError(day.year)
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, day: date, count: int) -> date:
        """The *count*-th working day after *day* (*day* itself is not counted).

        ``count == 0`` gives *day*; a negative count gives the ``-count``-th working
        day before *day*. Every day stepped over must be in a known year.

        :raises UnknownYearError: when the count reaches a year that no source knows.
        """
        step = _DAY if count >= 0 else -_DAY
        remaining = abs(count)
        while remaining:
            day += step
            remaining -= self.is_working_day(day)
        return day

    def next_working_day(self, day: date) -> date:
        """The first working day on or after *day*.

        :raises UnknownYearError: when the search reaches a year that no source knows.
        """
        while not self.is_working_day(day):
            day += _DAY
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in ``(start, end]``; negative when *end* is before *start*.

        ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n``.

        :raises UnknownYearError: when a day in between is in a year that no source knows.
        """
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(day) for day in _days_after(start, end))


def _days_after(start: date, end: date) -> Iterator[date]:
    """The days of ``(start, end]``."""
    day = start + _DAY
    while day <= end:
        yield day
        day += _DAY


def build_work_calendar(years: Iterable[CalendarYear], *, package: CalendarData | None = None) -> WorkCalendar:
    """The calendar from the package's data (*package*, default chinese-calendar) and calendar.yaml.

    A year in calendar.yaml is taken from calendar.yaml alone: the package's
    exceptions for that year are dropped, so an entry can also correct the package.
    A notice may list days of the previous December (a New Year holiday that
    starts then); those days count as listed, whatever year they fall in.
    """
    base = package if package is not None else package_data()
    extra = yaml_data(years)
    sources: dict[int, CalendarSource] = dict.fromkeys(sorted(base.years), PACKAGE)
    sources.update(dict.fromkeys(sorted(extra.years), CALENDAR_YAML))
    kept_holidays = {day for day in base.holidays if day.year not in extra.years}
    kept_workdays = {day for day in base.workdays if day.year not in extra.years}
    return WorkCalendar(
        sources=sources,
        holidays=frozenset(kept_holidays - extra.workdays | extra.holidays),
        workdays=frozenset(kept_workdays - extra.holidays | extra.workdays),
    )


def calendar_problems(years: Iterable[CalendarYear], *, package: CalendarData | None = None) -> Iterator[Problem]:
    """What is wrong in calendar.yaml's entries.

    A date outside its entry's year (or the December before it), a date listed
    both as holiday and as make-up working day, a make-up working day that is a
    weekday anyway, and, for a year that chinese-calendar also knows, every day on
    which the two disagree.
    """
    base = package if package is not None else package_data()
    for entry in years:
        yield from _entry_problems(entry)
        if entry.year in base.years:
            yield from _disagreements(entry, base)


def _is_in_year(day: date, year: int) -> bool:
    """A notice covers its year, and may start its New Year holiday in the December before."""
    return day.year == year or (day.year == year - 1 and day.month == 12)


def _entry_problems(entry: CalendarYear) -> Iterator[Problem]:
    at = f"/years/{entry.year}"
    for day in sorted(day for day in set(entry.holidays) if not _is_in_year(day, entry.year)):
        yield entry.source.problem(
            f"{at}/holidays",
            "E-CALENDAR-YEAR",
            f"holidays 中有 {day.isoformat()}：{entry.year} 年的条目只能列 {entry.year} 年（或上一年 12 月）的日期",
        )
    for index, day in enumerate(entry.workdays):
        pointer = f"{at}/workdays/{index}"
        if not _is_in_year(day, entry.year):
            yield entry.source.problem(
                pointer,
                "E-CALENDAR-YEAR",
                f"workdays 中有 {day.isoformat()}：{entry.year} 年的条目只能列 {entry.year} 年（或上一年 12 月）的日期",
            )
        if day in entry.holidays:
            yield entry.source.problem(
                pointer, "E-CALENDAR-CONFLICT", f"{day.isoformat()} 同时列在 holidays 和 workdays 中；只能列其一"
            )
        if day.weekday() < 5:
            yield entry.source.problem(
                pointer,
                "W-CALENDAR-WORKDAY-WEEKDAY",
                f"workdays 中的 {day.isoformat()} 是周一至周五；调休上班日通常是周六或周日，请核对",
            )


def _disagreements(entry: CalendarYear, base: CalendarData) -> Iterator[Problem]:
    ours = WorkCalendar(
        sources={entry.year: CALENDAR_YAML}, holidays=frozenset(entry.holidays), workdays=frozenset(entry.workdays)
    )
    theirs = WorkCalendar(sources={entry.year: PACKAGE}, holidays=base.holidays, workdays=base.workdays)
    start = date(entry.year, 1, 1)
    for day in _days_after(start - _DAY, date(entry.year, 12, 31)):
        if ours.is_working_day(day) != theirs.is_working_day(day):
            kind = "工作日" if ours.is_working_day(day) else "休息日"
            yield entry.source.problem(
                f"/years/{entry.year}",
                "W-CALENDAR-DISAGREES",
                f"calendar.yaml 把 {day.isoformat()} 当作{kind}，与 chinese-calendar 不一致；"
                "以 calendar.yaml 为准，请核对通知",
            )
