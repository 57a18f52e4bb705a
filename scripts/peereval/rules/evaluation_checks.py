"""What scoresheets, summaries and signatures must satisfy (Art. 12–17).

Each check resolves the record's references first (case, expert, panel,
indicator set) and only then applies the scoring rules, so that one missing
file gives one clear problem rather than a cascade.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from peereval.model import (
    Case,
    CaseId,
    ExpertId,
    IndicatorSet,
    IndicatorSetId,
    Repository,
    RoundRecords,
    Scheme,
    Scoresheet,
    Summary,
)
from peereval.problems import Problem
from peereval.rules.panels import designated_writer, scorers
from peereval.rules.scoring import indicator_set_problems, scoresheet_problems, summary_problems


def indicator_set_for(
    records: RoundRecords, case: Case, indicator_sets: Mapping[IndicatorSetId, IndicatorSet]
) -> IndicatorSet | None:
    set_id = records.round.indicator_sets.get(case.type)
    return indicator_sets.get(set_id) if set_id is not None else None


def round_setup_problems(records: RoundRecords, repository: Repository) -> Iterator[Problem]:
    """round.yaml's indicator sets exist and match their types; cases fit the round."""
    round_ = records.round
    for case_type, set_id in round_.indicator_sets.items():
        indicator_set = repository.indicator_sets.get(set_id)
        pointer = f"/indicator_sets/{case_type}"
        if indicator_set is None:
            yield round_.source.problem(
                pointer, "E-REF-UNKNOWN-INDICATOR-SET", f"没有评估指标 {set_id}（scoresheets/indicators/{set_id}.yaml）"
            )
        elif indicator_set.case_type != case_type:
            yield round_.source.problem(
                pointer,
                "E-REF-INDICATOR-SET-MISMATCH",
                f"评估指标 {set_id} 适用于 {indicator_set.case_type} 类，不是 {case_type} 类",
            )
        elif records.draw is not None and indicator_set.approved.on > records.draw.drawn_on:
            yield indicator_set.source.problem(
                "/approved/on",
                "E-DATE-DECISION-AFTER",
                f"评估指标批准日期 {indicator_set.approved.on} 晚于第 {round_.id} 轮抽取日期 {records.draw.drawn_on}",
            )
    for case in records.cases.values():
        if case.type not in round_.indicator_sets:
            yield case.source.problem(
                "/type", "E-REF-CASE-TYPE", f"第 {round_.id} 轮没有为 {case.type} 类案件指定评估指标"
            )
        if not round_.closed_between.covers(case.closed_on):
            period = round_.closed_between
            yield case.source.problem(
                "/closed_on",
                "E-DATE-CLOSED-OUTSIDE-PERIOD",
                f"结案日期 {case.closed_on} 不在本轮抽查期间 {period.start} 至 {period.end} 内",
            )


def all_indicator_set_problems(repository: Repository) -> Iterator[Problem]:
    for indicator_set in repository.indicator_sets.values():
        yield from indicator_set_problems(indicator_set)


def _sheet_problems(
    sheet: Scoresheet,
    records: RoundRecords,
    repository: Repository,
    scheme: Scheme,
    allowed: tuple[ExpertId, ...],
    deadline: date | None,
) -> Iterator[Problem]:
    source = sheet.source
    case = records.cases.get(sheet.case)
    if case is None:
        yield source.problem("/case", "E-REF-UNKNOWN-CASE", f"第 {records.round.id} 轮没有案件 {sheet.case}")
        return
    if sheet.expert not in repository.experts:
        yield source.problem("/expert", "E-REF-UNKNOWN-EXPERT", f"专家库中没有专家 {sheet.expert}")
    if sheet.expert not in allowed:
        yield source.problem(
            "/expert", "E-REF-NOT-ON-PANEL", f"专家 {sheet.expert} 不是评估案件 {sheet.case} 的专家（含回避与递补）"
        )
    expected = records.round.indicator_sets.get(case.type)
    if expected is not None and sheet.indicator_set != expected:
        yield source.problem(
            "/indicator_set",
            "E-REF-INDICATOR-SET-MISMATCH",
            f"本轮 {case.type} 类案件使用评估指标 {expected}；实际为 {sheet.indicator_set}",
        )
    indicator_set = repository.indicator_sets.get(sheet.indicator_set)
    if indicator_set is not None and sheet.indicator_set == expected:
        yield from scoresheet_problems(sheet, indicator_set)
    known = {condition.id for condition in scheme.auto_fail}
    for index, finding in enumerate(sheet.auto_fail):
        if finding.id not in known:
            yield source.problem(
                f"/auto_fail/{index}/id", "E-REF-UNKNOWN-AUTO-FAIL", f"scheme.yaml 中没有第15条情形 {finding.id!r}"
            )
    if deadline is not None and sheet.submitted_on > deadline and sheet.late is None:
        yield source.problem(
            "/submitted_on",
            "E-ART16-LATE-SUBMISSION",
            f"提交日期 {sheet.submitted_on} 晚于提交期限 {deadline}，且没有记录接受逾期提交的决定（late）",
        )


def evaluation_problems(records: RoundRecords, repository: Repository, scheme: Scheme) -> Iterator[Problem]:
    """First-instance scoresheets, summaries and signatures of a round."""
    draw = records.draw
    deadline = records.round.submission_deadline
    for (case_id, _), sheet in sorted(records.scoresheets.items()):
        allowed = scorers(draw, case_id) if draw is not None else ()
        yield from _sheet_problems(sheet, records, repository, scheme, allowed, deadline)
        if draw is not None and sheet.submitted_on < draw.drawn_on:
            yield sheet.source.problem(
                "/submitted_on", "E-DATE-ORDER", f"提交日期 {sheet.submitted_on} 早于抽取日期 {draw.drawn_on}"
            )
    for case_id, summary in sorted(records.summaries.items()):
        writer = designated_writer(draw, case_id) if draw is not None else None
        allowed = scorers(draw, case_id) if draw is not None else ()
        yield from _summary_checks(summary, records, repository, writer, allowed, records.scoresheets)
    yield from _signature_problems(records)


def _summary_checks(
    summary: Summary,
    records: RoundRecords,
    repository: Repository,
    writer: ExpertId | None,
    allowed: tuple[ExpertId, ...],
    sheets_by_key: Mapping[tuple[CaseId, ExpertId], Scoresheet],
) -> Iterator[Problem]:
    source = summary.source
    case = records.cases.get(summary.case)
    if case is None:
        yield source.problem("/case", "E-REF-UNKNOWN-CASE", f"第 {records.round.id} 轮没有案件 {summary.case}")
        return
    if writer is not None and summary.writer != writer:
        yield source.problem("/writer", "E-REF-WRITER", f"汇总表应由指定专家 {writer} 出具；实际为 {summary.writer}")
    sheets = [sheets_by_key[(summary.case, e)] for e in allowed if (summary.case, e) in sheets_by_key]
    missing = [e for e in allowed if (summary.case, e) not in sheets_by_key]
    if missing:
        yield source.problem(
            "/case", "E-REF-MISSING-SCORESHEET", f"汇总表已出具，但缺少专家 {'、'.join(missing)} 的评估表"
        )
    late_sheets = [s for s in sheets if s.submitted_on > summary.submitted_on]
    if late_sheets:
        yield source.problem(
            "/submitted_on",
            "E-DATE-ORDER",
            f"汇总表提交日期 {summary.submitted_on} 早于专家 {late_sheets[0].expert} 的评估表",
        )
    indicator_set = indicator_set_for(records, case, repository.indicator_sets)
    if indicator_set is not None and sheets and not missing:
        yield from summary_problems(summary, sheets, indicator_set)


def _signature_problems(records: RoundRecords) -> Iterator[Problem]:
    draw = records.draw
    for (case_id, expert_id), signature in sorted(records.signatures.items()):
        if case_id not in records.summaries:
            yield signature.source.problem("", "E-REF-UNKNOWN-CASE", f"案件 {case_id} 还没有汇总表，无从签名")
        elif draw is not None and expert_id not in scorers(draw, case_id):
            yield signature.source.problem("", "E-REF-NOT-ON-PANEL", f"专家 {expert_id} 不是评估案件 {case_id} 的专家")


def review_problems(records: RoundRecords, repository: Repository, scheme: Scheme) -> Iterator[Problem]:
    """Re-review scoresheets and summaries follow the first-instance rules (Art. 21, 23)."""
    for (case_id, _), sheet in sorted(records.review_scoresheets.items()):
        members = _review_members(records, case_id)
        yield from _sheet_problems(sheet, records, repository, scheme, members, None)
    for case_id, summary in sorted(records.review_summaries.items()):
        objection = records.objections.get(case_id)
        panel = objection.review_panel if objection is not None else None
        if panel is None:
            yield summary.source.problem("/case", "E-REF-REVIEW", f"案件 {case_id} 没有组成复查组，不应有复查汇总表")
            continue
        yield from _summary_checks(
            summary, records, repository, panel.writer, panel.members, records.review_scoresheets
        )
        if objection is not None and objection.result_grade is not None and objection.result_grade is not summary.grade:
            yield objection.source.problem(
                "/result/grade",
                "E-REF-REVIEW",
                f"复查结论等次应与复查汇总表一致（{summary.grade.value}）；实际为 {objection.result_grade.value}",
            )
    for (case_id, expert_id), signature in sorted(records.review_signatures.items()):
        if expert_id not in _review_members(records, case_id):
            yield signature.source.problem(
                "", "E-REF-NOT-ON-PANEL", f"专家 {expert_id} 不是案件 {case_id} 复查组的成员"
            )


def _review_members(records: RoundRecords, case_id: CaseId) -> tuple[ExpertId, ...]:
    objection = records.objections.get(case_id)
    if objection is None or objection.review_panel is None:
        return ()
    return objection.review_panel.members
