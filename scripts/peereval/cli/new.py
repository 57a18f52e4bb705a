"""``peereval new scoresheet ROUND CASE EXPERT``: a blank scoresheet, every item listed."""

from __future__ import annotations

import os
from pathlib import Path

import click

from peereval.cli.params import repo_option
from peereval.cli.verdicts import selected_rounds
from peereval.load.repo import load_repository
from peereval.model import CASE_TYPE_LABELS, CaseId, ExpertId, IndicatorSet, Repository
from peereval.problems import PeerevalError
from peereval.publish.files import create_exclusive
from peereval.rules.evaluation_checks import indicator_set_for
from peereval.rules.panels import scorers

# Where the schemas live: an initialised repository exports them to schemas/;
# this project's own demo repository uses the package's copy.
SCHEMA_FOLDERS = ("schemas", "scripts/peereval/schemas")


def schema_header(repo: Path, target: Path, kind: str) -> str:
    """The ``yaml-language-server`` line that lets editors check *target* as it is typed."""
    for folder in SCHEMA_FOLDERS:
        schema = repo / folder / f"{kind}.schema.json"
        if schema.exists():
            return f"# yaml-language-server: $schema={os.path.relpath(schema, target.parent)}\n"
    return ""


def blank_scoresheet(case_id: str, expert_id: str, indicator_set: IndicatorSet, heading: str) -> str:
    items = "".join(f"  {item.id}:  # {item.title}（满分 {item.points:g} 分）\n" for item in indicator_set.items)
    return (
        f"# {heading}\n"
        "# 逐项填写得分（0 至满分，可为半分），写明评语与提交日期，保存后运行 peereval check。\n"
        f"case: {case_id}\n"
        f"expert: {expert_id}\n"
        f"indicator_set: {indicator_set.id}\n"
        f"scores:\n{items}"
        "auto_fail: []  # 发现第15条情形时改为：[{id: no_meeting, evidence: 依据}]\n"
        "comments:\n"
        "no_conflict_declared: true  # 声明与本案无第10条回避情形\n"
        "submitted_on:  # YYYY-MM-DD\n"
    )


def _indicator_set(repository: Repository, round_id: str, case_id: str, expert_id: str) -> IndicatorSet:
    [records] = selected_rounds(repository, round_id)
    case = records.cases.get(CaseId(case_id))
    if case is None:
        raise PeerevalError(f"第 {round_id} 轮没有案件 {case_id}")
    if records.draw is None or ExpertId(expert_id) not in scorers(records.draw, case.id):
        raise PeerevalError(f"专家 {expert_id} 不是评估案件 {case_id} 的专家（见 cases/{round_id}/panels.yaml）")
    indicator_set = indicator_set_for(records, case, repository.indicator_sets)
    if indicator_set is None:
        raise PeerevalError(f"第 {round_id} 轮没有 {case.type} 类案件可用的评估指标")
    return indicator_set


@click.group()
def new() -> None:
    """按模板新建记录。

    Start a record from its template.
    """


@new.command("scoresheet")
@repo_option
@click.argument("round_id")
@click.argument("case_id")
@click.argument("expert_id")
def new_scoresheet(repo: Path, round_id: str, case_id: str, expert_id: str) -> int:
    """为专家 EXPERT_ID 生成案件 CASE_ID 的空白评估表（不覆盖已有文件）。

    Write a blank scoresheet for EXPERT_ID on CASE_ID of ROUND_ID (never overwrites).
    """
    repository = load_repository(repo).repository
    indicator_set = _indicator_set(repository, round_id, case_id, expert_id)
    target = repo / "scoresheets" / round_id / case_id / f"{expert_id}.yaml"
    label = CASE_TYPE_LABELS.get(indicator_set.case_type, indicator_set.case_type)
    heading = f"评估表：案件 {case_id}（{label}），专家 {expert_id}，评估指标 {indicator_set.id}"
    text = schema_header(repo, target, "scoresheet") + blank_scoresheet(case_id, expert_id, indicator_set, heading)
    if not create_exclusive(target, text):
        click.echo(f"{target} 已存在，未做修改", err=True)
        return 1
    click.echo(f"已创建 {target}")
    return 0
