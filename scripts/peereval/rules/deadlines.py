"""Every deadline of the scheme's table ("Deadlines in one table"), from the recorded events.

Working-day periods (Art. 18, 20, 21, 23, 24) run from the day after their event
and end on the n-th working day after it (:meth:`WorkCalendar.add_working_days`);
Art. 16 is a date the leading group sets; Art. 27 is the scheme's own expiry.
Only events on or before ``as_of`` count as having happened: a row whose
starting event lies later does not exist yet, and a meeting event recorded for a
later day has not met it yet. The periods of years of Art. 19 and 25 are in
:mod:`peereval.rules.consequences`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from peereval.calendar import UnknownYearError, WorkCalendar
from peereval.model import CaseId, Objection, RoundId, RoundRecords, Scheme, Source
from peereval.problems import Problem
from peereval.rules.validity import EXPIRY_WARNING_DAYS, last_valid_day
from peereval.rules.verdict import first_grade

DUE_SOON_WORKING_DAYS = 2


class DeadlineStatus(StrEnum):
    PENDING = "pending"
    DUE_SOON = "due-soon"  # at most DUE_SOON_WORKING_DAYS working days left, the due day included
    OVERDUE = "overdue"
    MET = "met"  # for a window (Art. 20 round row): the window has closed
    MET_LATE = "met-late"


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadline:
    """One row of the table for one round (and case): when it started, is due, and was met.

    ``window`` marks a period in which something *may* happen (the Art. 20
    objection window of a round): it owes nothing, so once closed it is ``met``.
    ``source`` is the file of the record; ``pointer`` locates the field whose date meets the
    deadline, ``start_pointer`` the one that starts it.
    """

    round: RoundId | None
    case: CaseId | None
    article: str
    what: str
    starts: date
    due: date
    due_soon_from: date
    met_on: date | None
    window: bool = False
    source: Source | None = field(default=None, compare=False, repr=False)
    pointer: str = field(default="", compare=False, repr=False)
    start_pointer: str = field(default="", compare=False, repr=False)

    def status(self, *, as_of: date) -> DeadlineStatus:
        """Where this deadline stands on *as_of*; a meeting event after *as_of* has not happened yet."""
        if self.met_on is not None and self.met_on <= as_of:
            return DeadlineStatus.MET if self.met_on <= self.due else DeadlineStatus.MET_LATE
        if as_of > self.due:
            return DeadlineStatus.MET if self.window else DeadlineStatus.OVERDUE
        return DeadlineStatus.DUE_SOON if as_of >= self.due_soon_from else DeadlineStatus.PENDING

    @property
    def uid(self) -> str:
        """A stable identifier, e.g. ``2025/QZ2025-007/art23-review``."""
        return f"{self.round or 'scheme'}/{self.case or '-'}/art{self.article}-{self.what}"


@dataclass(frozen=True, slots=True)
class _Context:
    scheme: Scheme
    calendar: WorkCalendar
    as_of: date

    def happened(self, day: date | None) -> date | None:
        return day if day is not None and day <= self.as_of else None

    def row(
        self,
        records: RoundRecords,
        case: CaseId | None,
        article: str,
        what: str,
        *,
        starts: date,
        due: date,
        met_on: date | None,
        at: tuple[Source, str, str],
        window: bool = False,
    ) -> Deadline:
        soon = self.calendar.add_working_days(due + timedelta(days=1), -(DUE_SOON_WORKING_DAYS + 1))
        return Deadline(
            round=records.round.id,
            case=case,
            article=article,
            what=what,
            starts=starts,
            due=due,
            due_soon_from=soon,
            met_on=self.happened(met_on),
            window=window,
            source=at[0],
            pointer=at[1],
            start_pointer=at[2],
        )

    def after(self, day: date, count: int) -> date:
        return self.calendar.add_working_days(day, count)


def round_deadlines(
    records: RoundRecords, *, scheme: Scheme, calendar: WorkCalendar, as_of: date
) -> tuple[Deadline, ...]:
    """Every deadline of one round that has started by *as_of* (Art. 16, 18, 20, 21, 23, 24).

    :raises UnknownYearError: when a period reaches a year the calendar does not know.
    """
    context = _Context(scheme, calendar, as_of)
    rows = [*_submissions(records, context), *_notification(records, context), *_window(records, context)]
    for case_id in sorted(records.objections):
        rows.extend(_objection_rows(records, records.objections[case_id], context))
    return tuple(rows)


def scheme_deadline(scheme: Scheme) -> Deadline:
    """Art. 27: the scheme's own expiry; due soon from ``EXPIRY_WARNING_DAYS`` days before."""
    last_day = last_valid_day(scheme)
    return Deadline(
        round=None,
        case=None,
        article="27",
        what="scheme-expiry",
        starts=scheme.effective,
        due=last_day,
        due_soon_from=last_day - timedelta(days=EXPIRY_WARNING_DAYS),
        met_on=None,
        source=scheme.source,
        pointer="/scheme/valid_years",
        start_pointer="/scheme/effective",
    )


def _submissions(records: RoundRecords, context: _Context) -> Iterator[Deadline]:
    """Art. 16: per case, the summary sheet (the panel's last piece) by ``submission_deadline``.

    Runs from the round's approval; a round with no cases yet gets one row for the round.
    """
    round_ = records.round
    if round_.approved.on > context.as_of:
        return
    case_ids: list[CaseId | None] = [*sorted(records.cases)] or [None]
    for case_id in case_ids:
        summary = records.summaries.get(case_id) if case_id is not None else None
        submitted = context.happened(summary.submitted_on) if summary is not None else None
        at = (round_.source, "", "/submission_deadline")
        if summary is not None and submitted is not None:
            at = (summary.source, "/submitted_on", "/submitted_on")
        yield context.row(
            records,
            case_id,
            "16",
            "submission",
            starts=round_.approved.on,
            due=round_.submission_deadline,
            met_on=submitted,
            at=at,
        )


def _notification(records: RoundRecords, context: _Context) -> Iterator[Deadline]:
    """Art. 18: conclusions notified (``notified_on``) within n working days of ``evaluation_ended``."""
    round_ = records.round
    ended = context.happened(round_.evaluation_ended)
    if ended is not None:
        due = context.after(ended, context.scheme.deadlines.notify_after_evaluation)
        yield context.row(
            records,
            None,
            "18",
            "notification",
            starts=ended,
            due=due,
            met_on=round_.notified_on,
            at=(round_.source, "/notified_on", "/evaluation_ended"),
        )


def _window(records: RoundRecords, context: _Context) -> Iterator[Deadline]:
    """Art. 20: the round's objection window, n working days after ``published``."""
    round_ = records.round
    published = context.happened(round_.published)
    if published is not None:
        due = context.after(published, context.scheme.deadlines.objection_window)
        yield context.row(
            records,
            None,
            "20",
            "objection-window",
            starts=published,
            due=due,
            met_on=None,
            at=(round_.source, "/published", "/published"),
            window=True,
        )


def _objection_rows(records: RoundRecords, objection: Objection, context: _Context) -> Iterator[Deadline]:
    if context.happened(objection.filed_on) is None:
        return
    yield from _objection_filed(records, objection, context)
    yield from _reply(records, objection, context)
    yield from _review(records, objection, context)
    yield from _changed_notice(records, objection, context)


def _objection_filed(records: RoundRecords, objection: Objection, context: _Context) -> Iterator[Deadline]:
    """Art. 20: this objection (``filed_on``) against the window of its round's publication."""
    published = context.happened(records.round.published)
    if published is not None:
        due = context.after(published, context.scheme.deadlines.objection_window)
        yield context.row(
            records,
            objection.case,
            "20",
            "objection",
            starts=published,
            due=due,
            met_on=objection.filed_on,
            at=(objection.source, "/filed_on", "/filed_on"),
        )


def _reply(records: RoundRecords, objection: Objection, context: _Context) -> Iterator[Deadline]:
    """Art. 21: a written reply (``office_decision.replied_on``) within n working days of ``filed_on``.

    Runs while the office has not decided (it may still decline); gone once it
    decides (on or before *as_of*) to hold a re-review.
    """
    decision = objection.office_decision
    decided = decision is not None and context.happened(decision.on) is not None
    if decided and decision is not None and decision.review:
        return
    due = context.after(objection.filed_on, context.scheme.deadlines.reply_without_review)
    replied = decision.replied_on if decided and decision is not None else None
    yield context.row(
        records,
        objection.case,
        "21",
        "reply",
        starts=objection.filed_on,
        due=due,
        met_on=replied,
        at=(objection.source, "/office_decision/replied_on", "/filed_on"),
    )


def _review(records: RoundRecords, objection: Objection, context: _Context) -> Iterator[Deadline]:
    """Art. 23: the re-review concluded (``concluded_on``) within n working days of ``assigned_on``."""
    panel = objection.review_panel
    assigned = context.happened(panel.assigned_on) if panel is not None else None
    if assigned is not None:
        due = context.after(assigned, context.scheme.deadlines.review_conclusion)
        yield context.row(
            records,
            objection.case,
            "23",
            "review",
            starts=assigned,
            due=due,
            met_on=objection.concluded_on,
            at=(objection.source, "/concluded_on", "/review_panel/assigned_on"),
        )


def _changed_notice(records: RoundRecords, objection: Objection, context: _Context) -> Iterator[Deadline]:
    """Art. 24: a result other than the first grade is notified (``notified_on``) within n working days."""
    concluded = context.happened(objection.concluded_on)
    first = first_grade(records, objection.case)
    if concluded is None or first is None or objection.result_grade in (None, first):
        return
    due = context.after(concluded, context.scheme.deadlines.notify_changed_review)
    yield context.row(
        records,
        objection.case,
        "24",
        "changed-result-notice",
        starts=concluded,
        due=due,
        met_on=objection.notified_on,
        at=(objection.source, "/notified_on", "/concluded_on"),
    )


# article → (code, the field that meets it, what is due, what starts it)
_LATE: dict[str, tuple[str, str, str, str]] = {
    "16": ("W-ART16-OVERDUE", "submitted_on", "汇总表提交", "本轮评估批准于"),
    "18": ("W-ART18-LATE-NOTICE", "notified_on", "评估结论通报反馈", "评估工作结束于"),
    "20": ("E-ART20-LATE-OBJECTION", "filed_on", "复查申请", "评估结论公布于"),
    "21": ("W-ART21-LATE-REPLY", "office_decision.replied_on", "不予复查的书面答复", "收到复查申请于"),
    "23": ("W-ART23-LATE-REVIEW", "concluded_on", "复查结论", "复查组组成于"),
    "24": ("W-ART24-LATE-NOTICE", "notified_on", "复查结果变更的通知", "复查结束于"),
}


def deadline_problems(
    records: RoundRecords, *, scheme: Scheme, calendar: WorkCalendar, as_of: date
) -> Iterator[Problem]:
    """What the deadlines of one round show to be wrong on *as_of*.

    Art. 20: an objection filed after its window with no ``late`` decision is an
    error (the office may accept it only as late, by a recorded decision).
    Art. 18, 21, 23, 24: a step taken late, or not taken by its due date, is a
    warning. Art. 16: a summary still missing after the submission deadline is a
    warning (late scoresheets are checked with the scoresheets). A period that
    reaches a year the calendar does not know is an error on round.yaml.
    """
    try:
        rows = round_deadlines(records, scheme=scheme, calendar=calendar, as_of=as_of)
    except UnknownYearError as error:
        yield records.round.source.problem("", "E-CALENDAR-UNKNOWN-YEAR", str(error))
        return
    for row in rows:
        if _is_problem(records, row, row.status(as_of=as_of)):
            yield _problem(row, as_of)


def _is_problem(records: RoundRecords, row: Deadline, status: DeadlineStatus) -> bool:
    if row.window or row.article not in _LATE:
        return False
    if row.article == "16":
        return status is DeadlineStatus.OVERDUE
    if row.article == "20":
        objection = records.objections.get(row.case) if row.case is not None else None
        return status is DeadlineStatus.MET_LATE and objection is not None and objection.late is None
    return status in (DeadlineStatus.MET_LATE, DeadlineStatus.OVERDUE)


def _problem(row: Deadline, as_of: date) -> Problem:
    code, field_name, due_what, start_what = _LATE[row.article]
    where = f"案件 {row.case}：" if row.case is not None else ""
    rule = f"{due_what}期限为 {row.due}（{start_what} {row.starts}，第{row.article}条）"
    if row.met_on is not None and row.met_on <= as_of:
        message = f"{where}{field_name} 为 {row.met_on}，已逾期；{rule}"
        if row.article == "20":
            message += "；逾期申请只能由评估办作出受理决定并记录为 late"
    else:
        message = f"{where}至 {as_of} 仍未记录 {field_name}，已逾期；{rule}"
    assert row.source is not None  # every round row carries its source
    met = row.met_on is not None and row.met_on <= as_of
    return row.source.problem(row.pointer if met else row.start_pointer, code, message)
