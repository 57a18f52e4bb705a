"""What panels.yaml must satisfy, whoever wrote it (Art. 6, 7, 9, 10).

These are the checks that need no re-run of the draw: references resolve,
panels are large enough and staffed by eligible experts of the right
specialty, designations carry a decision, every case has exactly one panel.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping

from peereval.model import Expert, ExpertId, PanelDraw, RoundRecords, Scheme
from peereval.problems import Problem
from peereval.rules.eligibility import ineligibility


def draw_problems(
    records: RoundRecords, draw: PanelDraw, *, experts: Mapping[ExpertId, Expert], scheme: Scheme
) -> Iterator[Problem]:
    """Every problem of a round's panels.yaml."""
    source = draw.source
    if records.round.approved.on > draw.drawn_on:
        yield source.problem(
            "/drawn_on",
            "E-DATE-DECISION-AFTER",
            f"抽取日期 {draw.drawn_on} 早于工作方案批准日期 {records.round.approved.on}",
        )
    for panel in draw.panels:
        at = f"/panels/{panel.index}"
        yield from _panel_shape_problems(draw, panel.index, scheme)
        for position, member in enumerate(panel.members):
            yield from _member_problems(draw, f"{at}/members/{position}", member, panel.case_type, experts, scheme)
        for position, case_id in enumerate(panel.cases):
            case = records.cases.get(case_id)
            if case is None:
                yield source.problem(f"{at}/cases/{position}", "E-REF-UNKNOWN-CASE", f"本轮没有案件 {case_id}")
            elif case.type != panel.case_type:
                yield source.problem(
                    f"{at}/cases/{position}",
                    "E-REF-CASE-TYPE",
                    f"案件 {case_id} 是 {case.type} 类，本组负责 {panel.case_type} 类",
                )
    yield from _coverage_problems(records, draw)
    yield from _cap_problems(records, draw)
    yield from _recusal_problems(records, draw, experts, scheme)


def _panel_shape_problems(draw: PanelDraw, index: int, scheme: Scheme) -> Iterator[Problem]:
    panel, at, source = draw.panels[index], f"/panels/{index}", draw.source
    if len(panel.members) < scheme.panel_min_members:
        yield source.problem(
            f"{at}/members",
            "E-ART9-PANEL-SIZE",
            f"专家组 {panel.id} 只有 {len(panel.members)} 人，至少应有 {scheme.panel_min_members} 人",
        )
    if panel.writer not in panel.members:
        yield source.problem(
            f"{at}/writer", "E-REF-WRITER", f"出具汇总表的专家 {panel.writer} 不是专家组 {panel.id} 的成员"
        )
    if panel.method == "designated" and panel.designation is None:
        yield source.problem(
            f"{at}/method",
            "E-ART9-DESIGNATION",
            f"专家组 {panel.id} 为直接指定，须写明领导小组的决定与理由（designation）",
        )
    if panel.method == "random" and panel.designation is not None:
        yield source.problem(f"{at}/designation", "E-ART9-DESIGNATION", f"专家组 {panel.id} 为随机抽取，不应有指定决定")
    if panel.designation is not None and panel.designation.on > draw.drawn_on:
        yield source.problem(
            f"{at}/designation/on",
            "E-DATE-DECISION-AFTER",
            f"指定决定日期 {panel.designation.on} 晚于抽取日期 {draw.drawn_on}",
        )


def _member_problems(
    draw: PanelDraw,
    pointer: str,
    member: ExpertId,
    case_type: str,
    experts: Mapping[ExpertId, Expert],
    scheme: Scheme,
) -> Iterator[Problem]:
    expert = experts.get(member)
    if expert is None:
        yield draw.source.problem(
            pointer, "E-REF-UNKNOWN-EXPERT", f"专家库中没有专家 {member}（experts/{member}.yaml）"
        )
        return
    if case_type not in expert.specialties:
        yield draw.source.problem(pointer, "E-ART9-SPECIALTY", f"专家 {member} 的擅长类型中没有 {case_type}")
    for reason in ineligibility(expert, as_of=draw.drawn_on, scheme=scheme):
        yield draw.source.problem(pointer, reason.code, f"{reason.message}，不能入选专家组")


def _coverage_problems(records: RoundRecords, draw: PanelDraw) -> Iterator[Problem]:
    counts = Counter(case for panel in draw.panels for case in panel.cases)
    for case_id, case in sorted(records.cases.items()):
        if counts[case_id] != 1:
            how = "没有专家组评估" if counts[case_id] == 0 else f"被 {counts[case_id]} 个专家组同时评估"
            yield case.source.problem(
                "/id", "E-REF-CASE-NOT-ON-PANEL", f"案件 {case_id} {how}；每件案件只由一个专家组评估（第13条）"
            )


def _cap_problems(records: RoundRecords, draw: PanelDraw) -> Iterator[Problem]:
    cap = records.round.max_panels_per_expert
    counts = Counter(member for panel in draw.panels for member in panel.members)
    for panel in draw.panels:
        for position, member in enumerate(panel.members):
            if counts[member] > cap:
                yield draw.source.problem(
                    f"/panels/{panel.index}/members/{position}",
                    "E-ART9-PANEL-CAP",
                    f"专家 {member} 参加了 {counts[member]} 个专家组，超过本轮上限 {cap} 个",
                )


def _recusal_problems(
    records: RoundRecords, draw: PanelDraw, experts: Mapping[ExpertId, Expert], scheme: Scheme
) -> Iterator[Problem]:
    for recusal in draw.recusals:
        at = f"/recusals/{recusal.index}"
        case = records.cases.get(recusal.case)
        if case is None:
            yield draw.source.problem(f"{at}/case", "E-REF-UNKNOWN-CASE", f"本轮没有案件 {recusal.case}")
            continue
        if recusal.expert not in experts:
            yield draw.source.problem(f"{at}/expert", "E-REF-UNKNOWN-EXPERT", f"专家库中没有专家 {recusal.expert}")
        if recusal.source == "leading_group" and recusal.decision is None:
            yield draw.source.problem(f"{at}/source", "E-ART10-DECISION", "由领导小组决定的回避须写明决定（decision）")
        if recusal.replacement is not None:
            yield from _member_problems(draw, f"{at}/replacement", recusal.replacement, case.type, experts, scheme)
