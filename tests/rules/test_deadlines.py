"""Every row of the scheme's deadline table, each with a worked example across a holiday.

Rounds start from the minimal repository (tests/minirepo.py); each test moves
its dates and adds an objection written as YAML, then reads the deadlines.
"""

from __future__ import annotations

import dataclasses
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peereval.calendar import UnknownYearError, WorkCalendar, build_work_calendar
from peereval.load import records as builders
from peereval.load.repo import load_repository
from peereval.load.schema import validate
from peereval.load.yaml_strict import Document, load_text
from peereval.model import CaseId, Repository, RoundId, RoundRecords, Scheme
from peereval.rules.deadlines import (
    Deadline,
    DeadlineStatus,
    deadline_problems,
    round_deadlines,
    scheme_deadline,
)
from tests.minirepo import files, write

CALENDAR = build_work_calendar(())
CASE = CaseId("QZ2025-002")  # graded pass in the minimal repository
OBJECTION_PATH = "cases/2025/objections/QZ2025-002.yaml"
Key = tuple[str, str, str | None]


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    loaded = load_repository(write(Path(tmp_path_factory.mktemp("minirepo")), files()))
    assert loaded.problems == []
    return loaded.repository


@pytest.fixture
def scheme(repository: Repository) -> Scheme:
    assert repository.scheme is not None
    return repository.scheme


@pytest.fixture
def base(repository: Repository) -> RoundRecords:
    """The minimal round, its conclusions notified in time (Art. 18)."""
    return with_round(repository.rounds[RoundId("2025")], notified_on=date(2025, 12, 5))


def with_round(records: RoundRecords, **changes: Any) -> RoundRecords:
    return dataclasses.replace(records, round=dataclasses.replace(records.round, **changes))


def with_objection(records: RoundRecords, filed_on: str, more: str = "") -> RoundRecords:
    text = f"""\
case: QZ2025-002
filed_on: {filed_on}
applicant: 承办人（示例）
grounds: ["22(1)"]
statement: 认为评估程序违反方案（示例）
""" + textwrap.dedent(more)
    document = load_text(OBJECTION_PATH, text.encode("utf-8"))
    assert isinstance(document, Document), document
    assert validate(document, "objection") == []
    objection = builders.build_objection(document.source, document.data, RoundId("2025"))
    return dataclasses.replace(records, objections={CASE: objection})


def table(records: RoundRecords, scheme: Scheme, as_of: date) -> dict[Key, Deadline]:
    rows = round_deadlines(records, scheme=scheme, calendar=CALENDAR, as_of=as_of)
    return {(row.article, row.what, row.case): row for row in rows}


def statuses(records: RoundRecords, scheme: Scheme, as_of: date) -> dict[Key, str]:
    return {key: row.status(as_of=as_of).value for key, row in table(records, scheme, as_of).items()}


def problems(records: RoundRecords, scheme: Scheme, as_of: date) -> list[tuple[str, int, str]]:
    found = deadline_problems(records, scheme=scheme, calendar=CALENDAR, as_of=as_of)
    return sorted((p.path, p.line, p.code) for p in found)


REVIEWED = """\
office_decision: {on: %s, review: true}
review_panel: {assigned_on: %s, members: [E0003, E0004], writer: E0003}
"""


@pytest.mark.article("16")
def test_the_submission_deadline_is_met_by_each_cases_summary_sheet(base: RoundRecords, scheme: Scheme) -> None:
    rows = table(base, scheme, date(2025, 12, 20))
    row = rows[("16", "submission", CASE)]
    assert (row.due, row.met_on, row.status(as_of=date(2025, 12, 20))) == (
        date(2025, 10, 31),
        date(2025, 10, 25),
        DeadlineStatus.MET,
    )


@pytest.mark.article("16")
def test_a_submission_deadline_after_national_day_is_due_soon_from_the_last_day_before_it(
    base: RoundRecords, scheme: Scheme
) -> None:
    records = with_round(base, submission_deadline=date(2025, 10, 10))
    row = table(records, scheme, date(2025, 9, 30))[("16", "submission", CASE)]
    assert row.due_soon_from == date(2025, 9, 30)  # 10-01..08 off: 09-30, 10-09, 10-10 are the last three
    assert row.status(as_of=date(2025, 9, 29)) is DeadlineStatus.PENDING
    assert row.status(as_of=date(2025, 9, 30)) is DeadlineStatus.DUE_SOON


@pytest.mark.article("16")
def test_a_summary_missing_after_the_submission_deadline_is_overdue(base: RoundRecords, scheme: Scheme) -> None:
    records = with_round(base, submission_deadline=date(2025, 10, 10))
    assert statuses(records, scheme, date(2025, 10, 13))[("16", "submission", CASE)] == "overdue"
    assert ("cases/2025/round.yaml", 10, "W-ART16-OVERDUE") in problems(records, scheme, date(2025, 10, 13))
    assert statuses(records, scheme, date(2025, 10, 27))[("16", "submission", CASE)] == "met-late"


@pytest.mark.article("18")
def test_conclusions_are_due_ten_working_days_after_the_evaluation_ends_across_national_day(
    base: RoundRecords, scheme: Scheme
) -> None:
    records = with_round(base, evaluation_ended=date(2025, 9, 26), notified_on=None, published=None)
    row = table(records, scheme, date(2025, 10, 16))[("18", "notification", None)]
    assert row.due == date(2025, 10, 16)  # 09-28 and 10-11 worked; 10-01..08 off
    assert row.status(as_of=date(2025, 10, 16)) is DeadlineStatus.DUE_SOON
    assert row.status(as_of=date(2025, 10, 17)) is DeadlineStatus.OVERDUE
    assert [code for _, _, code in problems(records, scheme, date(2025, 10, 17))] == ["W-ART18-LATE-NOTICE"]


@pytest.mark.article("18")
def test_conclusions_notified_on_the_due_day_are_met_and_a_day_later_met_late(
    base: RoundRecords, scheme: Scheme
) -> None:
    on_time = with_round(base, evaluation_ended=date(2025, 9, 26), notified_on=date(2025, 10, 16), published=None)
    late = with_round(base, evaluation_ended=date(2025, 9, 26), notified_on=date(2025, 10, 17), published=None)
    assert statuses(on_time, scheme, date(2025, 11, 1))[("18", "notification", None)] == "met"
    assert statuses(late, scheme, date(2025, 11, 1))[("18", "notification", None)] == "met-late"
    assert [code for _, _, code in problems(late, scheme, date(2025, 11, 1))] == ["W-ART18-LATE-NOTICE"]


@pytest.mark.article("18")
def test_no_deadline_runs_before_its_event_has_happened(base: RoundRecords, scheme: Scheme) -> None:
    rows = table(base, scheme, date(2025, 11, 27))
    assert ("18", "notification", None) not in rows and ("20", "objection-window", None) not in rows


@pytest.mark.article("20")
def test_the_objection_window_crosses_new_year_and_counts_the_make_up_sunday(
    base: RoundRecords, scheme: Scheme
) -> None:
    records = with_round(base, published=date(2025, 12, 26))
    row = table(records, scheme, date(2026, 1, 2))[("20", "objection-window", None)]
    assert row.due == date(2026, 1, 7)  # 12-29, 12-30, 12-31, 01-04 (Sunday, worked), 01-05, 01-06, 01-07
    assert row.status(as_of=date(2026, 1, 2)) is DeadlineStatus.PENDING
    assert row.status(as_of=date(2026, 1, 5)) is DeadlineStatus.DUE_SOON
    assert row.status(as_of=date(2026, 1, 8)) is DeadlineStatus.MET  # a window that closed owes nothing


@pytest.mark.article("20")
def test_an_objection_filed_on_the_last_day_of_the_window_is_in_time(base: RoundRecords, scheme: Scheme) -> None:
    records = with_objection(with_round(base, published=date(2025, 12, 26)), "2026-01-07")
    assert statuses(records, scheme, date(2026, 1, 7))[("20", "objection", CASE)] == "met"
    assert problems(records, scheme, date(2026, 1, 7)) == []


@pytest.mark.article("20")
def test_an_objection_filed_after_the_window_without_a_late_decision_is_an_error(
    base: RoundRecords, scheme: Scheme
) -> None:
    records = with_objection(with_round(base, published=date(2025, 12, 26)), "2026-01-08")
    assert statuses(records, scheme, date(2026, 1, 8))[("20", "objection", CASE)] == "met-late"
    assert (OBJECTION_PATH, 2, "E-ART20-LATE-OBJECTION") in problems(records, scheme, date(2026, 1, 8))


@pytest.mark.article("20")
def test_a_late_objection_accepted_by_a_recorded_decision_is_no_error(base: RoundRecords, scheme: Scheme) -> None:
    late = "late: {on: 2026-01-09, decision: 泉法援评〔2026〕1号}\n"
    records = with_objection(with_round(base, published=date(2025, 12, 26)), "2026-01-08", late)
    assert [code for _, _, code in problems(records, scheme, date(2026, 1, 9))] == []


@pytest.mark.article("20")
def test_an_objection_recorded_for_a_later_day_has_not_happened_yet(base: RoundRecords, scheme: Scheme) -> None:
    records = with_objection(with_round(base, published=date(2025, 12, 26)), "2026-01-08")
    assert [key for key in table(records, scheme, date(2026, 1, 7)) if key[2] == CASE and key[0] != "16"] == []


@pytest.mark.article("21")
def test_the_reply_without_re_review_is_due_five_working_days_after_filing_across_spring_festival(
    base: RoundRecords, scheme: Scheme
) -> None:
    records = with_objection(with_round(base, published=date(2026, 2, 6)), "2026-02-12")
    row = table(records, scheme, date(2026, 2, 13))[("21", "reply", CASE)]
    assert row.due == date(2026, 2, 26)  # 02-13, 02-14 (Saturday, worked), 02-24, 02-25, 02-26
    assert row.status(as_of=date(2026, 2, 24)) is DeadlineStatus.DUE_SOON
    assert (OBJECTION_PATH, 2, "W-ART21-LATE-REPLY") in problems(records, scheme, date(2026, 2, 27))


@pytest.mark.article("21")
def test_a_written_reply_a_day_late_is_flagged(base: RoundRecords, scheme: Scheme) -> None:
    declined = "office_decision: {on: 2026-02-13, review: false, reply: 不予复查（示例）, replied_on: 2026-02-27}\n"
    records = with_objection(with_round(base, published=date(2026, 2, 6)), "2026-02-12", declined)
    assert statuses(records, scheme, date(2026, 3, 2))[("21", "reply", CASE)] == "met-late"
    assert (OBJECTION_PATH, 6, "W-ART21-LATE-REPLY") in problems(records, scheme, date(2026, 3, 2))


@pytest.mark.article("21")
def test_no_reply_deadline_runs_once_the_office_decides_to_re_review(base: RoundRecords, scheme: Scheme) -> None:
    more = "office_decision: {on: 2026-02-13, review: true}\n"
    records = with_objection(with_round(base, published=date(2026, 2, 6)), "2026-02-12", more)
    assert ("21", "reply", CASE) not in table(records, scheme, date(2026, 2, 13))
    assert ("21", "reply", CASE) in table(records, scheme, date(2026, 2, 12))  # not decided yet that day


@pytest.mark.article("23")
def test_the_re_review_is_due_seven_working_days_after_assignment_across_labour_day(
    base: RoundRecords, scheme: Scheme
) -> None:
    more = REVIEWED % ("2026-04-24", "2026-04-30")
    records = with_objection(with_round(base, published=date(2026, 4, 17)), "2026-04-20", more)
    row = table(records, scheme, date(2026, 5, 12))[("23", "review", CASE)]
    assert row.due == date(2026, 5, 13)  # 05-01..05 off; 05-06, 07, 08, 09 (Saturday, worked), 11, 12, 13
    assert row.status(as_of=date(2026, 5, 12)) is DeadlineStatus.DUE_SOON
    assert row.status(as_of=date(2026, 5, 14)) is DeadlineStatus.OVERDUE


@pytest.mark.article("23")
def test_a_re_review_concluded_late_is_flagged(base: RoundRecords, scheme: Scheme) -> None:
    more = REVIEWED % ("2026-04-24", "2026-04-30") + "concluded_on: 2026-05-14\n"
    records = with_objection(with_round(base, published=date(2026, 4, 17)), "2026-04-20", more)
    assert statuses(records, scheme, date(2026, 5, 20))[("23", "review", CASE)] == "met-late"
    assert (OBJECTION_PATH, 8, "W-ART23-LATE-REVIEW") in problems(records, scheme, date(2026, 5, 20))


CHANGED = (
    REVIEWED % ("2026-09-15", "2026-09-22")
    + """\
concluded_on: 2026-09-30
result: {grade: %s, reasons: 复查理由（示例）}
"""
)


@pytest.mark.article("24")
def test_a_changed_result_is_notified_within_three_working_days_across_national_day(
    base: RoundRecords, scheme: Scheme
) -> None:
    records = with_objection(with_round(base, published=date(2026, 9, 11)), "2026-09-14", CHANGED % "good")
    rows = table(records, scheme, date(2026, 10, 9))
    assert rows[("23", "review", CASE)].due == date(2026, 10, 9)
    row = rows[("24", "changed-result-notice", CASE)]
    assert row.due == date(2026, 10, 10)  # 10-01..07 off; 10-08, 10-09, 10-10 (Saturday, worked)
    assert row.status(as_of=date(2026, 10, 9)) is DeadlineStatus.DUE_SOON
    assert (OBJECTION_PATH, 8, "W-ART24-LATE-NOTICE") in problems(records, scheme, date(2026, 10, 12))


@pytest.mark.article("24")
def test_a_changed_result_notified_on_the_make_up_saturday_is_met(base: RoundRecords, scheme: Scheme) -> None:
    more = CHANGED % "good" + "notified_on: 2026-10-10\n"
    records = with_objection(with_round(base, published=date(2026, 9, 11)), "2026-09-14", more)
    assert statuses(records, scheme, date(2026, 10, 12))[("24", "changed-result-notice", CASE)] == "met"
    assert problems(records, scheme, date(2026, 10, 12)) == []


@pytest.mark.article("24")
def test_an_unchanged_result_needs_no_notice(base: RoundRecords, scheme: Scheme) -> None:
    records = with_objection(with_round(base, published=date(2026, 9, 11)), "2026-09-14", CHANGED % "pass")
    assert ("24", "changed-result-notice", CASE) not in table(records, scheme, date(2026, 10, 12))


@pytest.mark.article("27")
def test_the_scheme_expires_after_five_years_and_is_due_soon_for_its_last_ninety_days(scheme: Scheme) -> None:
    row = scheme_deadline(scheme)
    assert (row.starts, row.due) == (date(2022, 4, 29), date(2027, 4, 28))
    assert row.status(as_of=date(2027, 1, 27)) is DeadlineStatus.PENDING
    assert row.status(as_of=date(2027, 1, 28)) is DeadlineStatus.DUE_SOON
    assert row.status(as_of=date(2027, 4, 29)) is DeadlineStatus.OVERDUE


@pytest.mark.article("20")
def test_a_window_that_reaches_an_unknown_year_is_an_error_not_a_guess(base: RoundRecords, scheme: Scheme) -> None:
    records = with_round(base, published=date(2026, 12, 28))
    with pytest.raises(UnknownYearError, match="2027"):
        round_deadlines(records, scheme=scheme, calendar=CALENDAR, as_of=date(2026, 12, 28))
    assert problems(records, scheme, date(2026, 12, 28)) == [("cases/2025/round.yaml", 1, "E-CALENDAR-UNKNOWN-YEAR")]


def test_every_deadline_has_a_stable_unique_uid(base: RoundRecords, scheme: Scheme) -> None:
    records = with_objection(with_round(base, published=date(2025, 12, 26)), "2026-01-07")
    rows = round_deadlines(records, scheme=scheme, calendar=CALENDAR, as_of=date(2026, 1, 7))
    uids = [row.uid for row in rows]
    assert len(set(uids)) == len(uids)
    assert "2025/QZ2025-002/art20-objection" in uids


EVENTS = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30))


@pytest.mark.article("20")
@given(published=EVENTS, offset=st.integers(min_value=0, max_value=25))
def test_a_window_ends_on_a_working_day_and_is_due_soon_exactly_in_its_last_two_working_days(
    published: date, offset: int
) -> None:
    calendar: WorkCalendar = CALENDAR
    due = calendar.add_working_days(published, 7)
    row = Deadline(
        round=RoundId("2025"),
        case=None,
        article="20",
        what="objection-window",
        starts=published,
        due=due,
        due_soon_from=calendar.add_working_days(date.fromordinal(due.toordinal() + 1), -3),
        met_on=None,
    )
    as_of = date.fromordinal(published.toordinal() + offset)
    assert calendar.is_working_day(due) and calendar.working_days_between(published, due) == 7
    left = calendar.working_days_between(as_of, due)
    expected = "overdue" if as_of > due else ("due-soon" if left <= 2 else "pending")
    assert row.status(as_of=as_of).value == expected
