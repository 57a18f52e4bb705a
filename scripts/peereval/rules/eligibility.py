"""Whether an expert may sit on a panel on a given day (Art. 6(2), 7, 25)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peereval.model import Expert, Scheme
from peereval.rules.consequences import BarKind, ConsequenceStatus, anniversary, expert_bars


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an expert may not sit: a problem code (naming the article) and a Chinese explanation."""

    code: str
    message: str
    pointer: str


def ineligibility(expert: Expert, *, as_of: date, scheme: Scheme) -> tuple[Reason, ...]:
    """Why *expert* may not sit on a panel on *as_of* (Art. 7, 6(2)); empty = eligible.

    Art. 7(1): in practice at least ``scheme.min_practice_years`` full years on *as_of*.
    Art. 7(2): a legal aid record (the schema requires one entry; it cannot be empty here).
    Art. 7(3): no penalty whose period covers *as_of* (no ``until`` = for good).
    Art. 6(2): appointed on or before *as_of* and not dismissed on or before it.
    Art. 25: no bar in force on *as_of* (:func:`peereval.rules.consequences.expert_bars`).
    """
    reasons: list[Reason] = []
    qualifies_on = anniversary(expert.practising_since, scheme.min_practice_years)
    if qualifies_on > as_of:
        reasons.append(
            Reason(
                "E-ART7-PRACTICE-YEARS",
                f"专家 {expert.id} 自 {expert.practising_since} 起执业，至 {as_of} 不满 {scheme.min_practice_years} 年"
                f"（{qualifies_on} 起方满）",
                "/practising_since",
            )
        )
    for index, penalty in enumerate(expert.penalties):
        if penalty.on <= as_of and (penalty.until is None or as_of <= penalty.until):
            reasons.append(
                Reason(
                    "E-ART7-PENALTY",
                    f"专家 {expert.id} 于 {penalty.on} 受到处罚（{penalty.authority}），{as_of} 时仍在期内",
                    f"/penalties/{index}",
                )
            )
    if expert.appointed.on > as_of:
        reasons.append(
            Reason("E-ART6-NOT-APPOINTED", f"专家 {expert.id} 于 {expert.appointed.on} 才获聘任", "/appointed/on")
        )
    for bar in expert_bars(expert, scheme=scheme):
        if bar.kind is not BarKind.DISMISSED and bar.status(as_of=as_of) is ConsequenceStatus.IN_FORCE:
            until = f"至 {bar.end}" if bar.end else "，资格已终止"
            reasons.append(
                Reason("E-ART25-BARRED", f"专家 {expert.id} 因 {bar.decision} 暂停评估{until}", "/misconduct")
            )
    if expert.dismissed is not None and expert.dismissed.on <= as_of:
        reasons.append(
            Reason("E-ART6-NOT-APPOINTED", f"专家 {expert.id} 已于 {expert.dismissed.on} 解聘", "/dismissed/on")
        )
    return tuple(reasons)
