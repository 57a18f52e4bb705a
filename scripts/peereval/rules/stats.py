"""Figures for the annual assessment of handlers and institutions (Art. 19)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from peereval.model import Grade
from peereval.rules.scoring import MEAN_DECIMALS
from peereval.rules.verdict import CaseVerdict

GROUPINGS: dict[str, Callable[[CaseVerdict], str]] = {
    "institution": lambda v: f"{v.case.institution_name}（{v.case.institution_code}）",
    "handler": lambda v: f"{v.case.handler_name}（{v.case.institution_name}）",
    "type": lambda v: v.case.type,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupStats:
    """One row of the assessment table: a group's graded cases by final grade."""

    group: str
    cases: int
    counts: dict[Grade, int]
    excellent_good_rate: float
    mean_score: float | None
    failing_cases: tuple[str, ...]


def group_stats(verdicts: Iterable[CaseVerdict], *, by: str) -> tuple[GroupStats, ...]:
    """Counts per final grade, the excellent-and-good rate and the mean score, per group.

    Only cases with a final grade count; the rate is (excellent + good) / graded
    cases, and the mean is over the graded cases' panel mean scores.
    """
    key = GROUPINGS[by]
    groups: dict[str, list[CaseVerdict]] = {}
    for verdict in verdicts:
        if verdict.final_grade is not None:
            groups.setdefault(key(verdict), []).append(verdict)
    return tuple(_stats(name, members) for name, members in sorted(groups.items()))


def _stats(name: str, members: list[CaseVerdict]) -> GroupStats:
    counts = {grade: sum(v.final_grade is grade for v in members) for grade in Grade}
    scores = [v.mean_score for v in members if v.mean_score is not None]
    return GroupStats(
        group=name,
        cases=len(members),
        counts=counts,
        excellent_good_rate=round((counts[Grade.EXCELLENT] + counts[Grade.GOOD]) / len(members), 4),
        mean_score=round(sum(scores) / len(scores), MEAN_DECIMALS) if scores else None,
        failing_cases=tuple(v.case.id for v in members if v.final_grade is Grade.FAIL),
    )
