"""``peereval draw --verify``: the committed draw against the draw recomputed from the committed data."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from peereval.model import (
    CaseId,
    Expert,
    ExpertId,
    Panel,
    PanelDraw,
    PanelId,
    Round,
    RoundRecords,
    Scheme,
)
from peereval.problems import Problem
from peereval.rules.draw import Draw, draw_panels
from peereval.rules.panels import panels_of, scorers
from peereval.rules.recusal import conflicts, decisions_of, is_available, panel_size, unfitness
from peereval.rules.review_draw import review_draw_for

# --- Verification -----------------------------------------------------------------------------------


def verify_draw(
    records: RoundRecords,
    *,
    experts: Mapping[ExpertId, Expert],
    scheme: Scheme,
) -> Iterator[Problem]:
    """Every difference between a round's committed draw and the draw recomputed from the committed data.

    Recomputes :func:`draw_panels` with the round's seed, panels.yaml's
    ``drawn_on`` and its decisions (designated panels, leading-group recusals, dismissals),
    then each re-review group (:func:`draw_review`, with the group's recorded
    seed or the round's). Reports what :mod:`peereval.rules.draw_checks` does
    not: members, writers, cases, pools, recusals and replacements that differ;
    a case left below the minimum by recusal; a designated panel of cases not
    marked difficult or with an unavailable member; a replacement over the cap.
    """
    draw = records.draw
    if draw is None:
        return
    seed = records.round.seed_value
    if seed is None:
        yield draw.source.problem("/seed", "E-DRAW-SEED", "round.yaml 尚未填入种子（seed.value），无法复算抽取结果")
        return
    if draw.seed != seed:
        yield draw.source.problem("/seed", "E-DRAW-SEED", f"抽取所用种子应为 round.yaml 的 seed.value（{seed}）")
    decisions = decisions_of(draw)
    computed = draw_panels(
        round=records.round,
        cases=records.cases,
        experts=experts,
        scheme=scheme,
        drawn_on=draw.drawn_on,
        seed=seed,
        decisions=decisions,
    )
    why = _Why(experts=experts, scheme=scheme, round=records.round, as_of=draw.drawn_on, computed=computed)
    for problem in computed.problems:
        if problem.code == "E-ART10-DISMISSAL":
            yield draw.source.problem(problem.pointer, problem.code, problem.message)
    yield from _panel_differences(draw, computed, why)
    yield from _recusal_differences(records, draw, computed)
    yield from _pool_differences(draw, computed)
    yield from _committed_problems(records, draw, experts, scheme)
    for case_id in sorted(records.objections):
        yield from _review_differences(records, case_id, experts, scheme)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Why:
    """Why an expert is not where the draw puts them, in Chinese, for messages."""

    experts: Mapping[ExpertId, Expert]
    scheme: Scheme
    round: Round
    as_of: date
    computed: Draw

    def member(self, expert_id: ExpertId, panel: Panel) -> str | None:
        expert = self.experts.get(expert_id)
        if expert is None:
            return None  # draw_checks reports an unknown expert
        reasons = unfitness(expert, panel.case_type, as_of=self.as_of, scheme=self.scheme)
        if reasons:
            return "；".join(reasons)
        pool = self.computed.pool.get(panel.id)
        if pool is None:
            return "复算结果中没有这个专家组"
        if expert_id not in pool:
            return f"抽取本组时已参加 {self.round.max_panels_per_expert} 个专家组，达到本轮上限"
        return f"在本组候选排序（panel:{panel.id}）中居第 {pool.index(expert_id) + 1} 位，只取前 {panel_size(self.round, self.scheme)} 位"


def _names(ids: Iterable[str]) -> str:
    return "、".join(ids) or "（无）"


def _panel_differences(draw: PanelDraw, computed: Draw, why: _Why) -> Iterator[Problem]:
    source, expected, seen = draw.source, {p.id: p for p in computed.panels}, set()
    for panel in draw.panels:
        at, other = f"/panels/{panel.index}", expected.get(panel.id)
        if other is None or panel.id in seen:
            yield source.problem(at, "E-DRAW-PANEL-UNEXPECTED", f"按种子复算，不应有专家组 {panel.id}")
            continue
        seen.add(panel.id)
        if set(panel.cases) != set(other.cases):
            yield source.problem(f"{at}/cases", "E-DRAW-CASES", f"专家组 {panel.id} 的案件应为 {_names(other.cases)}")
        for position, member in enumerate(panel.members):
            reason = why.member(member, other)
            if member not in other.members and reason is not None:
                yield source.problem(
                    f"{at}/members/{position}",
                    "E-DRAW-MEMBER",
                    f"专家 {member} 不应是专家组 {panel.id} 的成员：{reason}；复算成员为 {_names(other.members)}",
                )
        missing = [m for m in other.members if m not in panel.members]
        if missing:
            yield source.problem(
                f"{at}/members", "E-DRAW-MEMBER-MISSING", f"专家组 {panel.id} 缺少抽中的专家 {_names(missing)}"
            )
        if panel.writer != other.writer:
            yield source.problem(
                f"{at}/writer", "E-DRAW-WRITER", f"专家组 {panel.id} 出具汇总表的专家应为 {other.writer}"
            )
    for panel in computed.panels:
        if panel.id not in seen:
            yield source.problem(
                "/panels", "E-DRAW-PANEL-MISSING", f"缺少专家组 {panel.id}（{panel.case_type}：{_names(panel.cases)}）"
            )


def _recusal_differences(records: RoundRecords, draw: PanelDraw, computed: Draw) -> Iterator[Problem]:
    source, expected, seen = draw.source, {(r.case, r.expert): r for r in computed.recusals}, set()
    for recusal in draw.recusals:
        at, key = f"/recusals/{recusal.index}", (recusal.case, recusal.expert)
        other = expected.get(key)
        if recusal.case not in records.cases:
            continue  # draw_checks reports an unknown case
        if other is None or key in seen:
            yield source.problem(
                at, "E-DRAW-RECUSAL-UNEXPECTED", f"按复算，专家 {recusal.expert} 无须回避案件 {recusal.case}"
            )
            continue
        seen.add(key)
        if (recusal.ground, recusal.source) != (other.ground, other.source):
            yield source.problem(
                f"{at}/ground",
                "E-DRAW-RECUSAL",
                f"回避情形应为 {other.ground}（{other.source}）；实际为 {recusal.ground}（{recusal.source}）",
            )
        if recusal.replacement != other.replacement:
            yield source.problem(
                f"{at}/replacement" if recusal.replacement else at,
                "E-DRAW-REPLACEMENT",
                f"案件 {recusal.case} 的递补专家应为 {other.replacement or '（无人可递补）'}；实际为 {recusal.replacement or '（未写）'}",
            )
    for key, other in expected.items():
        if key not in seen:
            yield source.problem(
                _member_pointer(draw, other.case, other.expert),
                "E-DRAW-RECUSAL-MISSING",
                f"专家 {other.expert} 须回避案件 {other.case}（第{other.ground}项）：{other.evidence}",
            )


def _member_pointer(draw: PanelDraw, case_id: CaseId, expert: ExpertId) -> str:
    for panel in panels_of(draw, case_id):
        if expert in panel.members:
            return f"/panels/{panel.index}/members/{panel.members.index(expert)}"
    return "/recusals"


def _pool_differences(draw: PanelDraw, computed: Draw) -> Iterator[Problem]:
    if not draw.pool:
        return  # the pool is optional: a record, not an input
    for name in sorted(set(draw.pool) | set(computed.pool)):
        expected = computed.pool.get(name)
        if draw.pool.get(name) == expected:
            continue
        pointer = f"/pool/{name}" if name in draw.pool else "/pool"
        if expected is None:
            message = f"专家组 {name} 不是随机抽取的专家组，不应列候选名单"
        else:
            message = f"专家组 {name} 的候选名单（按排序）应为 {_names(expected)}"
        yield draw.source.problem(pointer, "E-DRAW-POOL", message)


def _committed_problems(
    records: RoundRecords, draw: PanelDraw, experts: Mapping[ExpertId, Expert], scheme: Scheme
) -> Iterator[Problem]:
    source = draw.source
    for panel in draw.panels:
        at = f"/panels/{panel.index}"
        recused_writer = False
        for position, case_id in enumerate(panel.cases):
            case = records.cases.get(case_id)
            if panel.method == "designated" and case is not None and not case.difficult:
                yield source.problem(
                    f"{at}/cases/{position}",
                    "E-ART9-DESIGNATED-NOT-DIFFICULT",
                    f"案件 {case_id} 未标为重大疑难复杂（difficult: true），不能交直接指定的专家组评估",
                )
            count = len(scorers(draw, case_id))
            if len(panel.members) >= scheme.panel_min_members and count < scheme.panel_min_members:
                yield source.problem(
                    f"{at}/cases/{position}",
                    "E-ART9-PANEL-SIZE",
                    f"案件 {case_id} 回避后只有 {count} 名专家评估，至少应有 {scheme.panel_min_members} 名",
                )
            recused_writer |= any(r.expert == panel.writer for r in draw.recusals_by_case.get(case_id, ()))
        if recused_writer:
            yield source.problem(
                f"{at}/writer", "W-DRAW-WRITER-RECUSED", f"出具汇总表的专家 {panel.writer} 须回避本组的案件"
            )
        for position, member in enumerate(panel.members):
            expert = experts.get(member)
            if panel.method == "designated" and expert is not None and not is_available(expert, draw.drawn_on):
                yield source.problem(
                    f"{at}/members/{position}",
                    "E-DRAW-UNAVAILABLE",
                    f"专家 {member} 在 {draw.drawn_on} 登记为不能参加评估",
                )
    yield from _replacement_cap_problems(records, draw)


def _replacement_cap_problems(records: RoundRecords, draw: PanelDraw) -> Iterator[Problem]:
    cap = records.round.max_panels_per_expert
    members: dict[ExpertId, set[PanelId]] = {}
    for panel in draw.panels:
        for member in panel.members:
            members.setdefault(member, set()).add(panel.id)
    seats = {expert: set(held) for expert, held in members.items()}
    for recusal in draw.recusals:
        if recusal.replacement is not None:
            for panel in panels_of(draw, recusal.case):
                seats.setdefault(recusal.replacement, set()).add(panel.id)
    for recusal in draw.recusals:
        expert = recusal.replacement
        if expert is not None and len(seats.get(expert, ())) > cap and len(members.get(expert, ())) <= cap:
            yield draw.source.problem(
                f"/recusals/{recusal.index}/replacement",
                "E-ART9-PANEL-CAP",
                f"专家 {expert} 连同递补共参加 {len(seats[expert])} 个专家组，超过本轮上限 {cap} 个",
            )


def _review_differences(
    records: RoundRecords,
    case_id: CaseId,
    experts: Mapping[ExpertId, Expert],
    scheme: Scheme,
) -> Iterator[Problem]:
    objection = records.objections[case_id]
    panel, case, seed = objection.review_panel, records.cases.get(case_id), records.round.seed_value
    if panel is None or case is None or seed is None:
        return
    computed = review_draw_for(
        records,
        case_id,
        experts=experts,
        scheme=scheme,
        assigned_on=panel.assigned_on,
        seed=panel.seed or seed,
    )
    source = objection.source
    for position, member in enumerate(panel.members):
        if member not in computed.members and member in experts and member not in computed.excluded:
            reasons = unfitness(experts[member], case.type, as_of=panel.assigned_on, scheme=scheme)
            found = conflicts(
                experts[member],
                case,
                regional=records.round.regional_recusal,
                decisions=decisions_of(records.draw),
            )
            why = "；".join(reasons) or (
                f"须回避：{found[0].evidence}" if found else f"复算成员为 {_names(computed.members)}"
            )
            yield source.problem(
                f"/review_panel/members/{position}", "E-DRAW-MEMBER", f"专家 {member} 不应是复查组成员：{why}"
            )
    missing = [m for m in computed.members if m not in panel.members]
    if missing:
        yield source.problem(
            "/review_panel/members", "E-DRAW-MEMBER-MISSING", f"复查组缺少抽中的专家 {_names(missing)}"
        )
    if computed.writer is not None and panel.writer != computed.writer:
        yield source.problem("/review_panel/writer", "E-DRAW-WRITER", f"出具复查结论的专家应为 {computed.writer}")
