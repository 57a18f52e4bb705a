"""Scores and the grade they give (Art. 12–16).

A scoresheet's total and an expert's own grade are derived, never typed; the
panel's grade comes from the mean of its members' totals, by the thresholds of
the case type's indicator set. An Art. 15 condition the panel accepts fails the
case whatever the score.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from peereval.model import Grade, IndicatorSet, Scoresheet, Summary
from peereval.problems import Problem

POINTS_TOTAL = 100.0
MEAN_DECIMALS = 2


def total(sheet: Scoresheet) -> float:
    """The sum of an expert's scores."""
    return sum(sheet.scores.values())


def mean_total(sheets: Iterable[Scoresheet]) -> float | None:
    """The mean of the totals, rounded to two decimals; None without sheets."""
    totals = [total(sheet) for sheet in sheets]
    return round(sum(totals) / len(totals), MEAN_DECIMALS) if totals else None


def grade_for(score: float, indicator_set: IndicatorSet) -> Grade:
    """The grade a mean score earns under the set's thresholds (Art. 14)."""
    if score >= indicator_set.excellent:
        return Grade.EXCELLENT
    if score >= indicator_set.good:
        return Grade.GOOD
    if score >= indicator_set.pass_:
        return Grade.PASS
    return Grade.FAIL


def own_grade(sheet: Scoresheet, indicator_set: IndicatorSet) -> Grade:
    """The grade one expert's scoresheet gives (Art. 13): fail when the expert raised an Art. 15 condition."""
    return panel_grade(total(sheet), indicator_set, (finding.id for finding in sheet.auto_fail))


def panel_grade(mean: float, indicator_set: IndicatorSet, accepted_auto_fail: Iterable[str]) -> Grade:
    """The grade the rule gives a case: fail on any accepted Art. 15 condition, else by the mean."""
    return Grade.FAIL if any(True for _ in accepted_auto_fail) else grade_for(mean, indicator_set)


def indicator_set_problems(indicator_set: IndicatorSet) -> Iterator[Problem]:
    """Art. 12: item ids unique, points summing to 100, thresholds descending."""
    source = indicator_set.source
    seen: set[str] = set()
    for index, item in enumerate(indicator_set.items):
        if item.id in seen:
            yield source.problem(f"/items/{index}/id", "E-ART12-DUPLICATE-ITEM", f"评估项目编号 {item.id!r} 重复")
        seen.add(item.id)
    points = sum(item.points for item in indicator_set.items)
    if abs(points - POINTS_TOTAL) > 1e-9:
        yield source.problem("/items", "E-ART12-POINTS-SUM", f"各评估项目分值合计应为 100；实际为 {points:g}")
    thresholds = (indicator_set.excellent, indicator_set.good, indicator_set.pass_)
    if not thresholds[0] > thresholds[1] > thresholds[2]:
        yield source.problem(
            "/grades",
            "E-ART12-GRADE-ORDER",
            f"等次分数线应依次降低（优秀 > 良好 > 合格）；实际为 {thresholds[0]:g}、{thresholds[1]:g}、{thresholds[2]:g}",
        )


def scoresheet_problems(sheet: Scoresheet, indicator_set: IndicatorSet) -> Iterator[Problem]:
    """Art. 13: every item scored, no unknown item, each score within 0..points."""
    source = sheet.source
    items = {item.id: item for item in indicator_set.items}
    for item_id, score in sheet.scores.items():
        item = items.get(item_id)
        if item is None:
            yield source.problem(
                f"/scores/{item_id}",
                "E-REF-UNKNOWN-ITEM",
                f"评估指标 {indicator_set.id} 中没有项目 {item_id!r}",
                key=True,
            )
        elif score > item.points:
            yield source.problem(
                f"/scores/{item_id}",
                "E-ART13-SCORE-RANGE",
                f"项目 {item_id} 满分 {item.points:g} 分；实际给了 {score:g} 分",
            )
    for item_id in items:
        if item_id not in sheet.scores:
            yield source.problem("/scores", "E-REF-MISSING-ITEM", f"项目 {item_id!r} 未评分：每个项目都要打分")


def summary_problems(summary: Summary, sheets: list[Scoresheet], indicator_set: IndicatorSet) -> Iterator[Problem]:
    """Art. 15–17: the summary states what the scores give, with reasons where required.

    The stated mean must be the mean of the members' totals; the grade must be
    the rule's grade (fail on an accepted Art. 15 condition, which a member must
    have raised). Reasons are required for excellent and fail (Art. 16), and a
    panel that does not agree needs the leading group's decision (Art. 17).
    """
    source = summary.source
    raised = {finding.id for sheet in sheets for finding in sheet.auto_fail}
    for index, condition in enumerate(summary.auto_fail):
        if condition not in raised:
            yield source.problem(
                f"/auto_fail/{index}",
                "E-ART15-NOT-RAISED",
                f"第15条情形 {condition!r} 没有任何专家在评估表中提出并说明依据",
            )
    own = {own_grade(sheet, indicator_set) for sheet in sheets}
    if not summary.agreed and len(own) == 1:
        yield source.problem(
            "/agreed",
            "W-ART17-NO-DISAGREEMENT",
            f"各成员评估表给出的等次都是 {own.pop().value}，却记为意见不一致（agreed: false）",
        )
    mean = mean_total(sheets)
    if mean is not None and abs(mean - summary.mean_score) > 0.005:
        yield source.problem(
            "/mean_score",
            "E-ART16-MEAN-SCORE",
            f"平均分应为各专家总分的平均 {mean:.2f}；实际填写 {summary.mean_score:g}",
        )
    if mean is not None:
        expected = panel_grade(mean, indicator_set, summary.auto_fail)
        if summary.grade is not expected:
            yield source.problem(
                "/grade",
                "E-ART14-GRADE",
                f"按评分规则等次应为 {expected.value}（平均分 {mean:.2f}）；实际填写 {summary.grade.value}",
            )
    yield from _reason_problems(summary)


def _reason_problems(summary: Summary) -> Iterator[Problem]:
    source = summary.source
    if summary.grade in (Grade.EXCELLENT, Grade.FAIL) and not summary.reasons:
        yield source.problem("/grade", "E-ART16-REASONS", f"结论为 {summary.grade.value} 时必须写明理由（reasons）")
    if not summary.agreed and summary.escalation is None:
        yield source.problem(
            "/agreed", "W-ART17-AWAITING-DECISION", "专家组意见不一致（agreed: false），等待领导小组决定（escalation）"
        )
    if summary.agreed and summary.escalation is not None:
        yield source.problem(
            "/escalation", "E-ART17-ESCALATION", "意见一致（agreed: true）时不应有领导小组决定（escalation）"
        )
    if summary.escalation is not None and summary.escalation.on < summary.submitted_on:
        yield source.problem(
            "/escalation/on",
            "E-DATE-ORDER",
            f"领导小组决定日期 {summary.escalation.on} 早于汇总表提交日期 {summary.submitted_on}",
        )
