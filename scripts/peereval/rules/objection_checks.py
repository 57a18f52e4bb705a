"""What an objection record must satisfy (Art. 20–22)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from peereval.model import Expert, ExpertId, Objection, RoundRecords, Scheme
from peereval.problems import Problem
from peereval.rules.eligibility import ineligibility
from peereval.rules.review_draw import first_evaluators


def objection_problems(
    records: RoundRecords, *, experts: Mapping[ExpertId, Expert], scheme: Scheme
) -> Iterator[Problem]:
    for objection in records.objections.values():
        yield from _objection_problems(objection, records, experts, scheme)


def _objection_problems(
    objection: Objection, records: RoundRecords, experts: Mapping[ExpertId, Expert], scheme: Scheme
) -> Iterator[Problem]:
    source = objection.source
    if objection.case not in records.summaries:
        yield source.problem(
            "/case", "E-REF-OBJECTION-CASE", f"案件 {objection.case} 还没有评估结论（汇总表），无从申请复查"
        )
        return
    decision = objection.office_decision
    if decision is not None and decision.on < objection.filed_on:
        yield source.problem(
            "/office_decision/on", "E-DATE-ORDER", f"审查日期 {decision.on} 早于收到申请的日期 {objection.filed_on}"
        )
    panel = objection.review_panel
    if panel is None:
        return
    if decision is None or not decision.review:
        yield source.problem(
            "/review_panel", "E-REF-REVIEW", "评估办未决定复查（office_decision.review: true），不应组成复查组"
        )
    if "22(2)" in objection.grounds and (
        objection.supplement_received_on is None or objection.supplement_received_on > panel.assigned_on
    ):
        yield source.problem(
            "/review_panel/assigned_on",
            "E-ART22-GROUNDS",
            "以第22条第2项申请的，须在补充材料收到后（supplement.received_on）才能复查",
        )
    if len(panel.members) < scheme.review_min_members:
        yield source.problem(
            "/review_panel/members",
            "E-ART21-REVIEW-SIZE",
            f"复查组只有 {len(panel.members)} 人，至少应有 {scheme.review_min_members} 人",
        )
    if panel.writer not in panel.members:
        yield source.problem(
            "/review_panel/writer", "E-REF-WRITER", f"出具复查结论的专家 {panel.writer} 不是复查组成员"
        )
    first = first_evaluators(records, objection.case)
    for position, member in enumerate(panel.members):
        pointer = f"/review_panel/members/{position}"
        expert = experts.get(member)
        if expert is None:
            yield source.problem(pointer, "E-REF-UNKNOWN-EXPERT", f"专家库中没有专家 {member}")
            continue
        if member in first:
            yield source.problem(pointer, "E-ART21-REVIEW-MEMBER", f"专家 {member} 参加过该案的评估，不能参加复查")
        for reason in ineligibility(expert, as_of=panel.assigned_on, scheme=scheme):
            yield source.problem(pointer, reason.code, f"{reason.message}，不能入选复查组")
