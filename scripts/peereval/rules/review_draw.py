"""Re-review groups (Art. 21): experts who took no part in the first evaluation, drawn under ``review:<case>``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from peereval.model import (
    Case,
    CaseId,
    Expert,
    ExpertId,
    Round,
    RoundRecords,
    Scheme,
)
from peereval.problems import Problem
from peereval.rules.panels import panels_of, scorers
from peereval.rules.ranking import ranked
from peereval.rules.recusal import Decisions, conflicts, decisions_of, eligible_pool

# --- Re-review groups (Art. 21) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewDraw:
    """A re-review group for one case, drawn under ``review:<case>``; the writer is the first member."""

    case: CaseId
    assigned_on: date
    seed: str
    excluded: frozenset[ExpertId]
    pool: tuple[ExpertId, ...]
    members: tuple[ExpertId, ...]
    problems: tuple[Problem, ...]

    @property
    def writer(self) -> ExpertId | None:
        return self.members[0] if self.members else None


def first_evaluators(records: RoundRecords, case_id: CaseId) -> frozenset[ExpertId]:
    """Art. 21: everyone who took part in the first evaluation of *case_id*, a hard exclusion.

    Every member of its panel (recused or not), every replacement on the case,
    and every expert who wrote a scoresheet, a signature or the summary for it.
    """
    found: set[ExpertId] = set()
    if records.draw is not None:
        for panel in panels_of(records.draw, case_id):
            found.update(panel.members)
        found.update(scorers(records.draw, case_id))
    found.update(expert for (case, expert) in records.scoresheets if case == case_id)
    found.update(expert for (case, expert) in records.signatures if case == case_id)
    summary = records.summaries.get(case_id)
    if summary is not None:
        found.add(summary.writer)
    return frozenset(found)


def draw_review(
    case: Case,
    *,
    round: Round,
    experts: Mapping[ExpertId, Expert],
    scheme: Scheme,
    decisions: Decisions,
    excluded: frozenset[ExpertId],
    assigned_on: date,
    seed: str,
) -> ReviewDraw:
    """Art. 21: the ``review.min_members`` lowest-ranked experts under ``review:<case>``.

    Same pool as a panel of the case's type on *assigned_on*, same recusal
    grounds; *excluded* (:func:`first_evaluators`) may never sit. The cap on
    panels does not apply: a re-review group is not one of the round's panels.
    """
    ranking = ranked(
        eligible_pool(case.type, experts, as_of=assigned_on, scheme=scheme),
        seed=seed,
        round_id=round.id,
        context=f"review:{case.id}",
    )
    pool = tuple(
        e
        for e in ranking
        if e not in excluded and not conflicts(experts[e], case, regional=round.regional_recusal, decisions=decisions)
    )
    members = pool[: scheme.review_min_members]
    problems = []
    if len(members) < scheme.review_min_members:
        problems.append(
            Problem(
                f"cases/{round.id}/objections/{case.id}.yaml",
                0,
                0,
                "E-ART21-REVIEW-SIZE",
                f"只有 {len(members)} 名合格且未参加原评估的专家，复查组至少应有 {scheme.review_min_members} 名",
                "/review_panel/members",
            )
        )
    return ReviewDraw(
        case=case.id,
        assigned_on=assigned_on,
        seed=seed,
        excluded=excluded,
        pool=pool,
        members=members,
        problems=tuple(problems),
    )


def review_draw_for(
    records: RoundRecords,
    case_id: CaseId,
    *,
    experts: Mapping[ExpertId, Expert],
    scheme: Scheme,
    assigned_on: date,
    seed: str,
) -> ReviewDraw:
    """:func:`draw_review` for a case of *records*, excluding its :func:`first_evaluators`."""
    return draw_review(
        records.cases[case_id],
        round=records.round,
        experts=experts,
        scheme=scheme,
        decisions=decisions_of(records.draw),
        excluded=first_evaluators(records, case_id),
        assigned_on=assigned_on,
        seed=seed,
    )
