"""The PRC working-day calendar: the official notices, calendar.yaml, and what it refuses to guess."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peereval.calendar import (
    CalendarData,
    UnknownYearError,
    WorkCalendar,
    build_work_calendar,
    calendar_problems,
    package_data,
)
from peereval.load.records import build_calendar
from peereval.load.schema import validate
from peereval.load.yaml_strict import Document, load_text
from peereval.model import CalendarYear
from peereval.problems import PeerevalError

NOTHING = CalendarData(years=frozenset(), holidays=frozenset(), workdays=frozenset())
Block = tuple[str, date, date]

# The State Council's notices (国务院办公厅关于 20xx 年部分节假日安排的通知), as published:
# every holiday block (放假调休, weekends inside included) and every make-up working day (上班).
NOTICES: dict[int, tuple[list[Block], list[date]]] = {
    2024: (  # 国办发明电〔2023〕7号
        [
            ("元旦", date(2024, 1, 1), date(2024, 1, 1)),
            ("春节", date(2024, 2, 10), date(2024, 2, 17)),
            ("清明节", date(2024, 4, 4), date(2024, 4, 6)),
            ("劳动节", date(2024, 5, 1), date(2024, 5, 5)),
            ("端午节", date(2024, 6, 8), date(2024, 6, 10)),
            ("中秋节", date(2024, 9, 15), date(2024, 9, 17)),
            ("国庆节", date(2024, 10, 1), date(2024, 10, 7)),
        ],
        [
            date(2024, 2, 4),
            date(2024, 2, 18),
            date(2024, 4, 7),
            date(2024, 4, 28),
            date(2024, 5, 11),
            date(2024, 9, 14),
            date(2024, 9, 29),
            date(2024, 10, 12),
        ],
    ),
    2025: (  # 国办发明电〔2024〕12号
        [
            ("元旦", date(2025, 1, 1), date(2025, 1, 1)),
            ("春节", date(2025, 1, 28), date(2025, 2, 4)),
            ("清明节", date(2025, 4, 4), date(2025, 4, 6)),
            ("劳动节", date(2025, 5, 1), date(2025, 5, 5)),
            ("端午节", date(2025, 5, 31), date(2025, 6, 2)),
            ("国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8)),
        ],
        [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)],
    ),
    2026: (  # 国办发明电〔2025〕7号
        [
            ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
            ("春节", date(2026, 2, 15), date(2026, 2, 23)),
            ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
            ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
            ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
            ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
            ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
        ],
        [
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        ],
    ),
}

BLOCKS = [(year, *block) for year, (blocks, _) in NOTICES.items() for block in blocks]
MAKE_UP_DAYS = [day for _, workdays in NOTICES.values() for day in workdays]

# calendar.yaml for 2025 and 2026, written from the same notices: a test-only fixture.
CALENDAR_YAML_2025_2026 = """\
years:
  "2025":
    notice: 国办发明电〔2024〕12号
    holidays:
      - 2025-01-01
      - {from: 2025-01-28, to: 2025-02-04}
      - {from: 2025-04-04, to: 2025-04-06}
      - {from: 2025-05-01, to: 2025-05-05}
      - {from: 2025-05-31, to: 2025-06-02}
      - {from: 2025-10-01, to: 2025-10-08}
    workdays: [2025-01-26, 2025-02-08, 2025-04-27, 2025-09-28, 2025-10-11]
  "2026":
    notice: 国办发明电〔2025〕7号
    holidays:
      - {from: 2026-01-01, to: 2026-01-03}
      - {from: 2026-02-15, to: 2026-02-23}
      - {from: 2026-04-04, to: 2026-04-06}
      - {from: 2026-05-01, to: 2026-05-05}
      - {from: 2026-06-19, to: 2026-06-21}
      - {from: 2026-09-25, to: 2026-09-27}
      - {from: 2026-10-01, to: 2026-10-07}
    workdays: [2026-01-04, 2026-02-14, 2026-02-28, 2026-05-09, 2026-09-20, 2026-10-10]
"""


def load_calendar(text: str) -> tuple[CalendarYear, ...]:
    """calendar.yaml text through the real loader, schema and builder."""
    document = load_text("calendar.yaml", textwrap.dedent(text).encode("utf-8"))
    assert isinstance(document, Document), document
    assert validate(document, "calendar") == []
    return build_calendar(document.source, document.data)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def official() -> WorkCalendar:
    return build_work_calendar(())


@pytest.mark.parametrize(("year", "name", "first", "last"), BLOCKS, ids=[f"{b[0]}-{b[1]}" for b in BLOCKS])
def test_every_day_of_an_official_holiday_block_is_a_day_off(
    official: WorkCalendar, year: int, name: str, first: date, last: date
) -> None:
    assert [day for day in days(first, last) if official.is_working_day(day)] == []


@pytest.mark.parametrize("day", MAKE_UP_DAYS, ids=[d.isoformat() for d in MAKE_UP_DAYS])
def test_every_official_make_up_day_is_a_working_weekend_day(official: WorkCalendar, day: date) -> None:
    assert day.weekday() >= 5
    assert official.is_working_day(day)


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_the_notices_are_the_only_exceptions_to_the_weekday_rule_in_their_year(
    official: WorkCalendar, year: int
) -> None:
    blocks, workdays = NOTICES[year]
    off = {day for _, _, first, last in [(year, *b) for b in blocks] for day in days(first, last)}
    expected = {
        day
        for day in days(date(year, 1, 1), date(year, 12, 31))
        if day in workdays or (day.weekday() < 5 and day not in off)
    }
    actual = {day for day in days(date(year, 1, 1), date(year, 12, 31)) if official.is_working_day(day)}
    assert actual == expected


def test_chinese_calendar_knows_every_year_from_2004_to_2026(official: WorkCalendar) -> None:
    assert package_data().years >= frozenset(range(2004, 2027))
    assert official.source_of(2004) == official.source_of(2026) == "chinese-calendar"


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 2, 12), 7, date(2026, 2, 28)),  # 02-14 and 02-28 make-up Saturdays; 02-15..23 off
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # a make-up Sunday after New Year
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # across the National Day week
        (date(2025, 9, 26), 10, date(2025, 10, 16)),
        (date(2025, 3, 3), 0, date(2025, 3, 3)),
    ],
    ids=["spring-festival-2026", "new-year-2026", "national-day-2026", "national-day-2025", "zero"],
)
def test_adding_working_days_matches_the_issue_examples(
    official: WorkCalendar, start: date, count: int, expected: date
) -> None:
    assert official.add_working_days(start, count) == expected


def test_a_negative_count_goes_back_over_the_holiday(official: WorkCalendar) -> None:
    assert official.add_working_days(date(2026, 2, 24), -1) == date(2026, 2, 14)


def test_the_next_working_day_of_a_holiday_is_after_the_holiday(official: WorkCalendar) -> None:
    assert official.next_working_day(date(2025, 10, 1)) == date(2025, 10, 9)
    assert official.next_working_day(date(2025, 10, 11)) == date(2025, 10, 11)


def test_working_days_between_counts_the_end_and_not_the_start(official: WorkCalendar) -> None:
    assert official.working_days_between(date(2026, 2, 12), date(2026, 2, 28)) == 7
    assert official.working_days_between(date(2026, 2, 28), date(2026, 2, 12)) == -7
    assert official.working_days_between(date(2026, 2, 12), date(2026, 2, 12)) == 0


def test_calendar_yaml_for_2025_and_2026_agrees_with_chinese_calendar_on_every_day(official: WorkCalendar) -> None:
    from_yaml = build_work_calendar(load_calendar(CALENDAR_YAML_2025_2026), package=NOTHING)
    assert from_yaml.source_of(2025) == from_yaml.source_of(2026) == "calendar.yaml"
    for day in days(date(2025, 1, 1), date(2026, 12, 31)):
        assert from_yaml.is_working_day(day) == official.is_working_day(day), day


def test_a_calendar_yaml_that_agrees_with_chinese_calendar_has_no_problems() -> None:
    assert list(calendar_problems(load_calendar(CALENDAR_YAML_2025_2026))) == []


def test_calendar_yaml_takes_precedence_over_the_package_for_its_year(official: WorkCalendar) -> None:
    years = load_calendar(CALENDAR_YAML_2025_2026.replace("2026-10-10]", "2026-10-10, 2026-10-11]"))
    merged = build_work_calendar(years)
    assert merged.source_of(2026) == "calendar.yaml"
    assert merged.is_working_day(date(2026, 10, 11)) and not official.is_working_day(date(2026, 10, 11))
    codes = [problem.code for problem in calendar_problems(years)]
    assert codes == ["W-CALENDAR-DISAGREES"]


def test_a_year_in_calendar_yaml_becomes_known() -> None:
    # Made-up data for a year the package does not know: only the mechanism is tested.
    years = load_calendar("""\
        years:
          "2027":
            notice: 测试用（非官方）
            holidays: [{from: 2027-01-01, to: 2027-01-03}]
            workdays: [2027-01-09]
        """)
    calendar = build_work_calendar(years)
    assert calendar.source_of(2027) == "calendar.yaml"
    assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert calendar.is_working_day(date(2027, 1, 9))


@pytest.mark.parametrize("day", [date(2027, 1, 4), date(2003, 6, 2), date(2100, 1, 1)], ids=str)
def test_a_day_in_a_year_nobody_knows_is_an_error_that_names_the_year(official: WorkCalendar, day: date) -> None:
    with pytest.raises(UnknownYearError) as raised:
        official.is_working_day(day)
    assert raised.value.year == day.year
    assert str(day.year) in str(raised.value) and "calendar.yaml" in str(raised.value)
    assert isinstance(raised.value, PeerevalError)
    assert official.source_of(day.year) is None


def test_counting_into_an_unknown_year_is_an_error_not_a_guess(official: WorkCalendar) -> None:
    with pytest.raises(UnknownYearError, match="2027"):
        official.add_working_days(date(2026, 12, 30), 2)
    with pytest.raises(UnknownYearError, match="2027"):
        official.next_working_day(date(2026, 12, 31) + timedelta(days=1))
    with pytest.raises(UnknownYearError, match="2027"):
        official.working_days_between(date(2026, 12, 1), date(2027, 1, 5))


def test_calendar_yaml_problems_are_found_at_their_entry() -> None:
    years = load_calendar("""\
        years:
          "2027":
            notice: 测试用（非官方）
            holidays:
              - 2027-01-01
              - 2028-01-01
            workdays:
              - 2027-01-09
              - 2027-01-05
              - 2027-01-01
        """)
    found = sorted((p.line, p.code) for p in calendar_problems(years))
    assert found == [
        (5, "E-CALENDAR-YEAR"),
        (9, "W-CALENDAR-WORKDAY-WEEKDAY"),
        (10, "E-CALENDAR-CONFLICT"),
        (10, "W-CALENDAR-WORKDAY-WEEKDAY"),
    ]


KNOWN_DAYS = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 1))


@given(day=KNOWN_DAYS, count=st.integers(min_value=0, max_value=40))
def test_exactly_n_working_days_lie_after_a_day_up_to_adding_n(day: date, count: int) -> None:
    calendar = build_work_calendar(())
    result = calendar.add_working_days(day, count)
    assert calendar.working_days_between(day, result) == count
    assert count == 0 or calendar.is_working_day(result)


@given(day=KNOWN_DAYS, count=st.integers(min_value=0, max_value=40))
def test_adding_is_strictly_monotone_in_the_count(day: date, count: int) -> None:
    calendar = build_work_calendar(())
    assert calendar.add_working_days(day, count) < calendar.add_working_days(day, count + 1)


@given(first=KNOWN_DAYS, second=KNOWN_DAYS, count=st.integers(min_value=0, max_value=40))
def test_adding_is_monotone_in_the_day(first: date, second: date, count: int) -> None:
    calendar = build_work_calendar(())
    early, late = sorted((first, second))
    assert calendar.add_working_days(early, count) <= calendar.add_working_days(late, count)


@given(day=KNOWN_DAYS)
def test_the_next_working_day_is_the_first_working_day_on_or_after(day: date) -> None:
    calendar = build_work_calendar(())
    found = calendar.next_working_day(day)
    assert calendar.is_working_day(found)
    assert not any(calendar.is_working_day(skipped) for skipped in days(day, found - timedelta(days=1)))


@given(day=KNOWN_DAYS, count=st.integers(min_value=1, max_value=40))
def test_going_back_undoes_going_forward_from_a_working_day(day: date, count: int) -> None:
    calendar = build_work_calendar(())
    start = calendar.next_working_day(day)
    assert calendar.add_working_days(calendar.add_working_days(start, count), -count) == start
