"""``peereval calendar``: PRC working days, as the deadlines count them.

Reads only calendar.yaml of ``--repo`` (if there is one), so it works in any
directory. A question that reaches a year no source knows exits 2 with the
Chinese error that says what to add to calendar.yaml.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from peereval.calendar import UnknownYearError, WorkCalendar, build_work_calendar, calendar_problems
from peereval.cli.params import ISO_DATE, repo_option
from peereval.load.records import build_calendar
from peereval.load.schema import validate
from peereval.load.yaml_strict import load_text
from peereval.model import CalendarYear
from peereval.problems import PeerevalError, Problem, Severity

CALENDAR_FILE = "calendar.yaml"


def read_calendar_years(repo: Path) -> tuple[tuple[CalendarYear, ...], list[Problem]]:
    """calendar.yaml of *repo*, loaded strictly and validated; no file = no years, no problems."""
    path = repo / CALENDAR_FILE
    if not path.is_file():
        return (), []
    document = load_text(CALENDAR_FILE, path.read_bytes())
    if isinstance(document, Problem):
        return (), [document]
    problems = validate(document, "calendar")
    if problems:
        return (), problems
    years = build_calendar(document.source, document.data)
    return years, list(calendar_problems(years))


def load_work_calendar(repo: Path) -> WorkCalendar:
    """The working-day calendar of *repo*.

    :raises PeerevalError: when calendar.yaml has errors (a guess is never made from a broken file).
    """
    years, problems = read_calendar_years(repo)
    for problem in problems:
        click.echo(problem.as_text(), err=True)
    if any(problem.severity is Severity.ERROR for problem in problems):
        raise PeerevalError(f"{CALENDAR_FILE} 有错误，请先修正（peereval check）")
    return build_work_calendar(years)


@click.group("calendar")
def calendar() -> None:
    """工作日计算：周末、法定节假日与调休上班日。

    PRC working days (工作日): weekends, public holidays and make-up working days.
    """


@calendar.command("add")
@repo_option
@click.argument("day", metavar="DATE", type=ISO_DATE)
@click.argument("count", metavar="N", type=click.IntRange(min=0))
def add(repo: Path, day: datetime.date, count: int) -> int:
    """输出 DATE 之后第 N 个工作日（不含 DATE 当日）。

    Print the N-th working day after DATE (DATE itself is not counted).
    """
    click.echo(load_work_calendar(repo).add_working_days(day, count).isoformat())
    return 0


@calendar.command("next")
@repo_option
@click.argument("day", metavar="DATE", type=ISO_DATE)
def next_(repo: Path, day: datetime.date) -> int:
    """输出 DATE 当日或之后的第一个工作日。

    Print the first working day on or after DATE.
    """
    click.echo(load_work_calendar(repo).next_working_day(day).isoformat())
    return 0


@calendar.command("check")
@repo_option
@click.argument("year", type=click.IntRange(min=1, max=9999))
def check_year(repo: Path, year: int) -> int:
    """说明 YEAR 年的节假日安排是否已知、来自何处（未知时退出码为 2）。

    Say whether YEAR's working days are known, and from which source (exit 2 if not).
    """
    work_calendar = load_work_calendar(repo)
    source = work_calendar.source_of(year)
    if source is None:
        raise UnknownYearError(year)
    days = work_calendar.working_days_between(datetime.date(year - 1, 12, 31), datetime.date(year, 12, 31))
    click.echo(f"{year} 年：已知（来源：{source}），全年 {days} 个工作日")
    return 0
