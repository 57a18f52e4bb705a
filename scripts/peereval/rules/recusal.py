"""Who may sit on a panel (Art. 6(2), 7, 9, 25) and who must recuse from a case (Art. 10)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from peereval.model import (
    Case,
    CaseId,
    Decision,
    Dismissal,
    Expert,
    ExpertId,
    Panel,
    PanelDraw,
    Recusal,
    Round,
    Scheme,
)
from peereval.problems import Problem
from peereval.rules.consequences import is_barred
from peereval.rules.eligibility import ineligibility

# --- Who may sit (Art. 6(2), 7, 9, 25) ------------------------------------------------------------


def is_available(expert: Expert, day: date) -> bool:
    """Whether no ``unavailable`` period of *expert* covers *day*."""
    return not any(period.covers(day) for period in expert.unavailable)


def unfitness(expert: Expert, case_type: str, *, as_of: date, scheme: Scheme) -> tuple[str, ...]:
    """Why *expert* may not be drawn for a *case_type* panel on *as_of*; empty = in the pool.

    Art. 9: the type among the expert's specialties. Art. 7 and 6(2): eligible
    (:func:`peereval.rules.eligibility.ineligibility`). Art. 25: not barred.
    And no ``unavailable`` period covering *as_of*.
    """
    reasons = [] if case_type in expert.specialties else [f"专家 {expert.id} 的擅长类型中没有 {case_type}"]
    reasons += [reason.message for reason in ineligibility(expert, as_of=as_of, scheme=scheme)]
    if not reasons and is_barred(expert, as_of=as_of, scheme=scheme):
        reasons.append(f"专家 {expert.id} 在 {as_of} 被禁止参加评估（第25条）")
    if not is_available(expert, as_of):
        reasons.append(f"专家 {expert.id} 在 {as_of} 登记为不能参加评估")
    return tuple(reasons)


def eligible_pool(
    case_type: str, experts: Mapping[ExpertId, Expert], *, as_of: date, scheme: Scheme
) -> tuple[ExpertId, ...]:
    """The experts :func:`unfitness` lets sit on a *case_type* panel on *as_of*, by id."""
    return tuple(sorted(e.id for e in experts.values() if not unfitness(e, case_type, as_of=as_of, scheme=scheme)))


def panel_size(round: Round, scheme: Scheme) -> int:
    """Members per panel: round.yaml's ``panels.size``, never below ``scheme.panel_min_members`` (Art. 9)."""
    return max(round.panel_size or 0, scheme.panel_min_members)


# --- Recusal (Art. 10) ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Decisions:
    """What the leading group decided and the draw takes as given (Art. 9, 10).

    ``designated``: panels formed by designation; ``recusals``: recusals it
    decided (source ``leading_group``); ``dismissals``: detected conflicts it
    dismissed.
    """

    designated: tuple[Panel, ...] = ()
    recusals: tuple[Recusal, ...] = ()
    dismissals: tuple[Dismissal, ...] = ()


def decisions_of(draw: PanelDraw | None) -> Decisions:
    """The decisions recorded in a committed panels.yaml: designated panels, leading-group recusals, dismissals."""
    if draw is None:
        return Decisions()
    return Decisions(
        designated=tuple(panel for panel in draw.panels if panel.method == "designated"),
        recusals=tuple(recusal for recusal in draw.recusals if recusal.source == "leading_group"),
        dismissals=draw.dismissals,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    """One reason an expert may not evaluate a case: ground, source and evidence naming fields only."""

    ground: str
    source: str
    evidence: str
    decision: Decision | None = None


def normalise_name(name: str) -> str:
    """NFKC, then every whitespace removed: ``"张 三"``, ``"張三"`` stay apart, ``"张　三"`` is ``"张三"``."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _detected(expert: Expert, case: Case, *, regional: bool) -> Iterator[Conflict]:
    if expert.licence_no == case.handler_licence_no:
        yield Conflict(
            ground="10(1)", source="detected", evidence="专家即本案承办人（licence_no = handler.licence_no）"
        )
    if expert.firm_code == case.institution_code:
        yield Conflict(
            ground="10(1)",
            source="detected",
            evidence="专家所在律所代码与承办机构代码相同（firm.code = institution.code）",
        )
    people = [("承办人", "handler.name", case.handler_name), ("受援人", "client.name", case.client_name)]
    people += [("当事人", f"parties[{j}].name", name) for j, name in enumerate(case.parties)]
    for i, relative in enumerate(expert.relatives):
        for label, where, name in people:
            if normalise_name(relative.name) == normalise_name(name):
                evidence = f"专家近亲属姓名与{label}姓名相同（relatives[{i}].name = {where}）"
                yield Conflict(ground="10(2)", source="detected", evidence=evidence)
    if regional and normalise_name(expert.region) == normalise_name(case.institution_region):
        yield Conflict(
            ground="regional",
            source="detected",
            evidence="专家所在地区与承办机构所在地区相同（region = institution.region）",
        )


def _declared(expert: Expert, case: Case) -> Iterator[Conflict]:
    for i, interest in enumerate(expert.declared_interests):
        if interest.case == case.id:
            evidence = f"专家申报的利害关系涉及本案（declared_interests[{i}].case = id）"
        elif interest.institution_code is not None and interest.institution_code == case.institution_code:
            evidence = f"专家申报的利害关系涉及承办机构（declared_interests[{i}].institution_code = institution.code）"
        else:
            continue
        yield Conflict(ground=interest.ground, source="declared", evidence=evidence)


def conflicts(expert: Expert, case: Case, *, regional: bool, decisions: Decisions) -> tuple[Conflict, ...]:
    """Every Art. 10 reason for *expert* not to evaluate *case*, the one to record first.

    Leading-group recusals first, then detected grounds — 10(1) handler by
    licence number, 10(1) firm code = institution code, 10(2) a relative's
    normalised name equal to the handler's, the client's or a party's, the
    regional ground when *regional* — less those the leading group dismissed,
    then 10(3)/10(4) interests the expert declared for the case or its institution.
    """
    decided = [
        Conflict(ground=r.ground, source="leading_group", evidence=r.evidence, decision=r.decision)
        for r in decisions.recusals
        if r.case == case.id and r.expert == expert.id
    ]
    dismissed = {d.ground for d in decisions.dismissals if d.case == case.id and d.expert == expert.id}
    detected = [c for c in _detected(expert, case, regional=regional) if c.ground not in dismissed]
    return tuple(decided + detected + list(_declared(expert, case)))


def dismissal_problems(
    decisions: Decisions,
    *,
    cases: Mapping[CaseId, Case],
    experts: Mapping[ExpertId, Expert],
    regional: bool,
    path: str,
) -> Iterator[Problem]:
    """Art. 10: a dismissal must name a ground detected for that expert and case (10(1), 10(2), regional) and a reason.

    A declared interest is withdrawn by the expert, not dismissed; a dismissal of
    a conflict the data does not show would hide nothing and is a mistake.
    """
    for dismissal in decisions.dismissals:
        case, expert = cases.get(dismissal.case), experts.get(dismissal.expert)
        found = {c.ground for c in _detected(expert, case, regional=regional)} if case is not None and expert else set()
        if dismissal.ground in found and dismissal.reason.strip():
            continue
        yield Problem(
            path,
            0,
            0,
            "E-ART10-DISMISSAL",
            f"领导小组只能排除本案自动发现的回避情形（10(1)、10(2)、地区回避），且须写明理由；"
            f"专家 {dismissal.expert} 对案件 {dismissal.case} 没有自动发现的 {dismissal.ground} 情形或未写理由",
            f"/dismissed/{dismissal.index}",
        )
