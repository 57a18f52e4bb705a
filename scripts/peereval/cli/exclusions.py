"""``peereval exclusions``: handlers excluded (Art. 19) and experts barred (Art. 25) on a day.

Internal output for staff. Licence numbers are private and never printed.
By default only what is in force on ``--as-of``; ``--all`` adds what is
pending, ended or lifted.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from peereval.cli.params import as_of_option, repo_option, today_if_none
from peereval.cli.tables import csv_text
from peereval.load.repo import load_repository
from peereval.model import Repository
from peereval.problems import PeerevalError
from peereval.rules.consequences import (
    BarKind,
    ConsequenceStatus,
    ExpertBar,
    HandlerExclusion,
    all_expert_bars,
    handler_exclusions,
)

STATUS_LABELS = {
    ConsequenceStatus.IN_FORCE: "在期内",
    ConsequenceStatus.PENDING: "尚未开始",
    ConsequenceStatus.ENDED: "已期满",
    ConsequenceStatus.LIFTED: "已撤销（复查改变结论）",
}
KIND_LABELS = {
    BarKind.BARRED: "严重违规，禁止参加评估",
    BarKind.TERMINATED: "情节特别严重，取消专家资格",
    BarKind.DISMISSED: "已解聘",
}
CSV_COLUMNS = (
    "kind",
    "id",
    "name",
    "institution",
    "round",
    "case",
    "article",
    "ground",
    "start",
    "end",
    "status",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    as_of: datetime.date
    handlers: tuple[HandlerExclusion, ...]
    experts: tuple[ExpertBar, ...]


def listing(repository: Repository, *, as_of: datetime.date, everything: bool) -> Listing:
    """The exclusions and bars to list on *as_of*.

    :raises PeerevalError: without a valid scheme.yaml (the periods are in it).
    """
    scheme = repository.scheme
    if scheme is None:
        raise PeerevalError("scheme.yaml 缺失或有错误，无法确定期限；请先运行 peereval check")
    rounds = [repository.rounds[key] for key in sorted(repository.rounds)]
    handlers = handler_exclusions(rounds, scheme=scheme)
    experts = all_expert_bars(repository.experts.values(), scheme=scheme)
    in_force = ConsequenceStatus.IN_FORCE
    return Listing(
        as_of=as_of,
        handlers=tuple(item for item in handlers if everything or item.status(as_of=as_of) is in_force),
        experts=tuple(item for item in experts if everything or item.status(as_of=as_of) is in_force),
    )


def _end(day: datetime.date | None) -> str:
    return day.isoformat() if day is not None else "长期"


def _handler_json(item: HandlerExclusion, as_of: datetime.date) -> dict[str, Any]:
    return {
        "round": item.round,
        "case": item.case,
        "handler": item.handler_name,
        "institution": item.institution_name,
        "institution_code": item.institution_code,
        "article": "19",
        "start": item.start.isoformat(),
        "end": item.end.isoformat(),
        "lifted_on": item.lifted_on.isoformat() if item.lifted_on else None,
        "status": item.status(as_of=as_of).value,
    }


def _expert_json(item: ExpertBar, as_of: datetime.date) -> dict[str, Any]:
    return {
        "expert": item.expert,
        "name": item.name,
        "kind": item.kind.value,
        "ground": item.ground,
        "article": "25" if item.kind is not BarKind.DISMISSED else "6",
        "decision": item.decision,
        "start": item.start.isoformat(),
        "end": item.end.isoformat() if item.end else None,
        "status": item.status(as_of=as_of).value,
    }


def report_json(found: Listing) -> None:
    payload = {
        "as_of": found.as_of.isoformat(),
        "handlers": [_handler_json(item, found.as_of) for item in found.handlers],
        "experts": [_expert_json(item, found.as_of) for item in found.experts],
    }
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))


def report_text(found: Listing) -> None:
    click.echo(f"截至 {found.as_of}：")
    click.echo(f"不予指派、不予推荐评优的承办人（第19条）：{len(found.handlers)} 人次")
    for item in found.handlers:
        status = STATUS_LABELS[item.status(as_of=found.as_of)]
        click.echo(
            f"  {item.handler_name}  {item.institution_name}  {item.round} {item.case}  "
            f"{item.start} 至 {item.end}  {status}"
        )
    click.echo(f"不得参加评估的专家（第25条；含已解聘）：{len(found.experts)} 项")
    for bar in found.experts:
        ground = f" 第{bar.ground}项" if bar.ground else ""
        status = STATUS_LABELS[bar.status(as_of=found.as_of)]
        period = f"{bar.start} 至 {_end(bar.end)}"
        click.echo(f"  {bar.expert} {bar.name}  {KIND_LABELS[bar.kind]}{ground}  {period}  {status}")


def _csv_rows(found: Listing) -> list[Sequence[str]]:
    rows: list[Sequence[str]] = []
    for item in found.handlers:
        data = _handler_json(item, found.as_of)
        rows.append(
            (
                "handler",
                "",
                item.handler_name,
                item.institution_name,
                item.round,
                item.case,
                "19",
                "",
                data["start"],
                data["end"],
                data["status"],
            )
        )
    for bar in found.experts:
        data = _expert_json(bar, found.as_of)
        rows.append(
            (
                bar.kind.value,
                bar.expert,
                bar.name,
                "",
                "",
                "",
                data["article"],
                bar.ground or "",
                data["start"],
                data["end"] or "",
                data["status"],
            )
        )
    return rows


def report_csv(found: Listing) -> None:
    click.echo(csv_text(CSV_COLUMNS, _csv_rows(found)), nl=False)


REPORTERS: dict[str, Callable[[Listing], None]] = {
    "text": report_text,
    "json": report_json,
    "csv": report_csv,
}


@click.command()
@repo_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(tuple(REPORTERS)), default="text", show_default=True)
@click.option("--all", "everything", is_flag=True, help="同时列出尚未开始、已经结束或已撤销的。")
def exclusions(repo: Path, as_of: datetime.date | None, output_format: str, everything: bool) -> int:
    """列出暂停指派和评优的承办人（第十九条）与暂停评估工作的专家（第二十五条）。

    Handlers excluded from assignment and awards (Art. 19) and experts barred (Art. 25).
    """
    loaded = load_repository(repo)
    if loaded.problems:
        count = len(loaded.problems)
        click.echo(f"注意：仓库中有 {count} 个问题（peereval check）；名单按能读取的记录生成", err=True)
    REPORTERS[output_format](listing(loaded.repository, as_of=today_if_none(as_of), everything=everything))
    return 0
