"""``peereval verdicts`` and ``peereval stats``: the conclusions, and the figures for annual assessment."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from peereval.cli.params import as_of_option, format_option, repo_option, today_if_none
from peereval.cli.signatures import announced_enforcement, trust_root_option
from peereval.cli.tables import render
from peereval.load.repo import load_repository
from peereval.model import Grade, IndicatorSet, IndicatorSetId, Repository, RoundRecords
from peereval.problems import PeerevalError
from peereval.rules.evaluation_checks import indicator_set_for
from peereval.rules.scoring import own_grade
from peereval.rules.stats import GROUPINGS, group_stats
from peereval.rules.verdict import CaseVerdict, Signatures, round_verdicts

IndicatorSets = Mapping[IndicatorSetId, IndicatorSet]
VERDICT_COLUMNS = {
    "round": "轮次",
    "case": "案件",
    "type": "类型",
    "institution": "承办机构",
    "handler": "承办人",
    "mean_score": "平均分",
    "item_means": "各项平均分",
    "own_grades": "各专家等次",
    "review_mean_score": "复查平均分",
    "grade": "等次",
    "status": "状态",
    "flags": "标记",
    "reasons": "理由",
}
STATS_COLUMNS = {
    "group": "分组",
    "cases": "案件数",
    "excellent": "优秀",
    "good": "良好",
    "pass": "合格",
    "fail": "不合格",
    "excellent_good_rate": "优良率",
    "mean_score": "平均分",
    "failing_cases": "不合格案件",
}


def selected_rounds(repository: Repository, round_id: str | None) -> list[RoundRecords]:
    """The round named, or every round; a round that does not exist is a usage error."""
    if round_id is None:
        return list(repository.rounds.values())
    if round_id not in repository.rounds:
        known = "、".join(repository.rounds) or "（无）"
        raise PeerevalError(f"没有轮次 {round_id}（cases/{round_id}/round.yaml）；现有轮次：{known}")
    return [repository.rounds[round_id]]  # type: ignore[index]


def _flags(verdict: CaseVerdict) -> list[str]:
    flags = [f"auto_fail:{condition}" for condition in verdict.auto_fail]
    flags += ["escalated"] * verdict.escalated + ["changed_on_review"] * verdict.changed_on_review
    return flags


def verdict_row(records: RoundRecords, verdict: CaseVerdict, indicator_sets: IndicatorSets) -> dict[str, Any]:
    """One case as ``peereval verdicts`` and ``build/verdicts.json`` show it."""
    case = verdict.case
    indicator_set = indicator_set_for(records, case, indicator_sets)
    sheets = ((e, records.scoresheets.get((case.id, e))) for e in verdict.scorers)
    return {
        "round": records.round.id,
        "case": case.id,
        "type": case.type,
        "institution": case.institution_name,
        "handler": case.handler_name,
        "mean_score": verdict.mean_score,
        "item_means": verdict.item_means,
        "own_grades": {
            expert: own_grade(sheet, indicator_set).value
            for expert, sheet in sheets
            if sheet is not None and indicator_set is not None
        },
        "review_mean_score": verdict.review_mean_score,
        "grade": verdict.final_grade.value if verdict.final_grade else None,
        "first_grade": verdict.first_grade.value if verdict.first_grade else None,
        "status": verdict.status.value,
        "flags": _flags(verdict),
        "reasons": verdict.reasons,
    }


def round_case_verdicts(
    repository: Repository, round_id: str | None, *, as_of: datetime.date, states: Signatures
) -> list[tuple[RoundRecords, CaseVerdict]]:
    """Every case of ROUND (default: every round) with its verdict; *states* as for ``round_verdicts``."""
    return [
        (records, verdict)
        for records in selected_rounds(repository, round_id)
        for verdict in round_verdicts(records, as_of=as_of, signatures=states)
    ]


def verdict_rows(
    repository: Repository, round_id: str | None, *, as_of: datetime.date, states: Signatures
) -> list[dict[str, Any]]:
    """The rows of ``peereval verdicts`` (and of ``build/verdicts.json``)."""
    found = round_case_verdicts(repository, round_id, as_of=as_of, states=states)
    return [verdict_row(records, verdict, repository.indicator_sets) for records, verdict in found]


@click.command()
@repo_option
@as_of_option
@format_option("text", "json", "csv")
@trust_root_option
@click.argument("round_id", required=False)
def verdicts(
    repo: Path, as_of: datetime.date | None, output_format: str, trust_root: str | None, round_id: str | None
) -> int:
    """逐案列出得分、最终等次（含复查结果）、状态、理由与标记。

    Per case: scores, the final grade (after any re-review), status, reasons and flags.

    With --trust-root, a case is final only once all its sheets are validly signed (else: signing).
    """
    repository = load_repository(repo).repository
    states = announced_enforcement(repo, repository, trust_root=trust_root).states
    rows = verdict_rows(repository, round_id, as_of=today_if_none(as_of), states=states)
    click.echo(render(rows, VERDICT_COLUMNS, output_format), nl=False)
    return 0


@click.command()
@repo_option
@as_of_option
@format_option("text", "json", "csv")
@click.option("--by", type=click.Choice(sorted(GROUPINGS)), default="institution", show_default=True)
@trust_root_option
@click.argument("round_id", required=False)
def stats(
    repo: Path, as_of: datetime.date | None, output_format: str, by: str, trust_root: str | None, round_id: str | None
) -> int:
    """按承办机构、承办人或案件类型统计各等次件数、优良率与平均分（第十九条）。

    Counts per grade, the excellent-and-good rate and mean score per institution, handler or type (Art. 19).

    Only concluded cases count (with --trust-root: validly signed ones).
    """
    repository = load_repository(repo).repository
    states = announced_enforcement(repo, repository, trust_root=trust_root).states
    found = [
        v
        for _, v in round_case_verdicts(repository, round_id, as_of=today_if_none(as_of), states=states)
        if v.is_concluded
    ]
    rows = [
        {
            "group": row.group,
            "cases": row.cases,
            **{grade.value: row.counts[grade] for grade in Grade},
            "excellent_good_rate": row.excellent_good_rate,
            "mean_score": row.mean_score,
            "failing_cases": list(row.failing_cases),
        }
        for row in group_stats(found, by=by)
    ]
    click.echo(render(rows, STATS_COLUMNS, output_format), nl=False)
    return 0
