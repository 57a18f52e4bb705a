"""``peereval status``: every open and recent deadline, most urgent first.

Open: pending, due soon or overdue. Recent: met (or a window closed) within the
last ``RECENT_DAYS`` days. ``--all`` lists every deadline. Exit 1 when one is
overdue, so a scheduled job can alert.
"""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from peereval.calendar import UnknownYearError, WorkCalendar, build_work_calendar
from peereval.cli.ics import AllDayEvent, to_ics
from peereval.cli.params import as_of_option, repo_option, today_if_none
from peereval.load.repo import load_repository
from peereval.model import Repository
from peereval.problems import PeerevalError
from peereval.rules.deadlines import Deadline, DeadlineStatus, round_deadlines, scheme_deadline

RECENT_DAYS = 30
STATUS_LABELS = {
    DeadlineStatus.OVERDUE: "已逾期",
    DeadlineStatus.DUE_SOON: "即将到期",
    DeadlineStatus.PENDING: "未到期",
    DeadlineStatus.MET_LATE: "逾期完成",
    DeadlineStatus.MET: "已完成",
}
CLOSED_WINDOW_LABEL = "已截止"
WHAT_LABELS = {
    "submission": "提交评估表与汇总表",
    "notification": "通报反馈评估结论",
    "objection-window": "复查申请期限届满",
    "objection": "提出复查申请",
    "reply": "书面答复（不予复查）",
    "review": "作出复查结论",
    "changed-result-notice": "通知复查结果变更",
    "scheme-expiry": "评估方案有效期届满",
}
_URGENCY = tuple(STATUS_LABELS)
_DONE = (DeadlineStatus.MET_LATE, DeadlineStatus.MET)


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """A deadline as shown on *as_of*."""

    deadline: Deadline
    status: DeadlineStatus
    working_days_left: int | None

    @property
    def label(self) -> str:
        closed = self.deadline.window and self.status is DeadlineStatus.MET
        return CLOSED_WINDOW_LABEL if closed else STATUS_LABELS[self.status]

    @property
    def title(self) -> str:
        return f"第{self.deadline.article}条 {WHAT_LABELS.get(self.deadline.what, self.deadline.what)}"


def all_deadlines(repository: Repository, *, calendar: WorkCalendar, as_of: datetime.date) -> list[Deadline]:
    """Art. 27 and every round's deadlines on *as_of*.

    :raises PeerevalError: without a valid scheme.yaml (the lengths of the periods are in it).
    :raises UnknownYearError: when a period reaches a year the calendar does not know.
    """
    scheme = repository.scheme
    if scheme is None:
        raise PeerevalError("scheme.yaml 缺失或有错误，无法计算期限；请先运行 peereval check")
    rows = [scheme_deadline(scheme)]
    for round_id in sorted(repository.rounds):
        records = repository.rounds[round_id]
        rows.extend(round_deadlines(records, scheme=scheme, calendar=calendar, as_of=as_of))
    return rows


def _is_shown(row: Row, as_of: datetime.date) -> bool:
    if row.status in _DONE:
        ended = row.deadline.met_on or row.deadline.due
        return (as_of - ended).days <= RECENT_DAYS
    return True


def _days_left(deadline: Deadline, calendar: WorkCalendar, as_of: datetime.date) -> int | None:
    """Working days in (as_of, due]; None where the calendar does not know the years in between."""
    try:
        return calendar.working_days_between(as_of, deadline.due)
    except UnknownYearError:
        return None


def status_rows(
    deadlines: Iterable[Deadline], *, calendar: WorkCalendar, as_of: datetime.date, everything: bool = False
) -> list[Row]:
    """The rows to show, most urgent first: by status (overdue first), then due date, round, case."""
    rows = []
    for deadline in deadlines:
        status = deadline.status(as_of=as_of)
        left = _days_left(deadline, calendar, as_of) if status not in _DONE else None
        rows.append(Row(deadline=deadline, status=status, working_days_left=left))
    shown = [row for row in rows if everything or _is_shown(row, as_of)]
    return sorted(shown, key=_urgency_key)


def _urgency_key(row: Row) -> tuple[int, datetime.date, str, str, str]:
    deadline = row.deadline
    return (_URGENCY.index(row.status), deadline.due, deadline.round or "", deadline.case or "", deadline.uid)


def _as_json(row: Row) -> dict[str, Any]:
    deadline = row.deadline
    return {
        "uid": deadline.uid,
        "round": deadline.round,
        "case": deadline.case,
        "article": deadline.article,
        "what": deadline.what,
        "title": row.title,
        "starts": deadline.starts.isoformat(),
        "due": deadline.due.isoformat(),
        "met_on": deadline.met_on.isoformat() if deadline.met_on else None,
        "status": row.status.value,
        "working_days_left": row.working_days_left,
        "window": deadline.window,
    }


def _line(row: Row) -> str:
    deadline = row.deadline
    met = f"，完成于 {deadline.met_on}" if deadline.met_on else ""
    days = row.working_days_left
    left = f"，剩 {days} 个工作日" if days is not None and days >= 0 else ""
    where = f"{deadline.round or '方案'}  {deadline.case or '-'}"
    return f"{deadline.due}  {row.label}  {where}  {row.title}（起算 {deadline.starts}{met}{left}）"


def report_text(rows: Sequence[Row], as_of: datetime.date) -> None:
    click.echo(f"截至 {as_of}：{len(rows)} 项期限（最紧急的在前）")
    for row in rows:
        click.echo(_line(row))


def report_json(rows: Sequence[Row], as_of: datetime.date) -> None:
    payload = {"as_of": as_of.isoformat(), "deadlines": [_as_json(row) for row in rows]}
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))


def _event(row: Row) -> AllDayEvent:
    deadline = row.deadline
    where = " ".join(part for part in (deadline.round, deadline.case) if part)
    return AllDayEvent(
        uid=f"{deadline.uid.replace('/', '.')}@peereval",
        day=deadline.due,
        summary=f"[{row.label}] {row.title} {where}".rstrip(),
        description=f"{row.title}；起算 {deadline.starts}；截止 {deadline.due}；状态：{row.label}",
    )


def report_ics(rows: Sequence[Row], as_of: datetime.date) -> None:
    events = sorted((_event(row) for row in rows), key=lambda event: (event.day, event.uid))
    sys.stdout.flush()
    sys.stdout.buffer.write(to_ics(events, name="法律援助案件质量评估期限", stamp=as_of))
    sys.stdout.buffer.flush()


REPORTERS: dict[str, Callable[[Sequence[Row], datetime.date], None]] = {
    "text": report_text,
    "json": report_json,
    "ics": report_ics,
}


@click.command()
@repo_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(tuple(REPORTERS)), default="text", show_default=True)
@click.option("--all", "everything", is_flag=True, help="列出全部期限，而不只是未到期和近期的。")
def status(repo: Path, as_of: datetime.date | None, output_format: str, everything: bool) -> int:
    """列出未到期和近期的各项期限（第十六至二十七条），最紧迫的在前；有逾期时退出码为 1。

    Open and recent deadlines (Art. 16–27), most urgent first; exit 1 if one is overdue.
    """
    day = today_if_none(as_of)
    loaded = load_repository(repo)
    if loaded.problems:
        count = len(loaded.problems)
        click.echo(f"注意：仓库中有 {count} 个问题（peereval check）；期限按能读取的记录计算", err=True)
    calendar = build_work_calendar(loaded.repository.calendar)
    deadlines = all_deadlines(loaded.repository, calendar=calendar, as_of=day)
    rows = status_rows(deadlines, calendar=calendar, as_of=day, everything=everything)
    REPORTERS[output_format](rows, day)
    return 1 if any(row.status is DeadlineStatus.OVERDUE for row in rows) else 0
