"""The grade a case ends with (Art. 14, 17, 23)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from peereval.model import Case, CaseId, ExpertId, Grade, RoundRecords, Scoresheet
from peereval.rules.ownership import State
from peereval.rules.panels import scorers
from peereval.rules.scoring import MEAN_DECIMALS, mean_total


def first_grade(records: RoundRecords, case: CaseId) -> Grade | None:
    """The grade of the first evaluation: the leading group's when it decided (Art. 17), else the panel's.

    None while the case has no summary sheet.
    """
    summary = records.summaries.get(case)
    if summary is None:
        return None
    return summary.escalation.grade if summary.escalation is not None else summary.grade


def final_grade(records: RoundRecords, case: CaseId) -> Grade | None:
    """The final grade of *case* (Art. 14): what the handler and the consequences (Art. 19) go by.

    The re-review result when a re-review concluded (Art. 23: ``concluded_on`` and
    ``result`` both recorded in the objection), else the leading group's
    escalation grade when the panel could not agree (Art. 17), else the summary
    sheet's grade (Art. 16). None while the case has no summary sheet.
    """
    objection = records.objections.get(case)
    if objection is not None and objection.concluded_on is not None and objection.result_grade is not None:
        return objection.result_grade
    return first_grade(records, case)


class Status(StrEnum):
    """Where a case stands, computed from the files (ARCHITECTURE: the verdict's status machine)."""

    DRAWN = "drawn"  # on a panel, no scoresheet yet
    SCORING = "scoring"  # some scoresheets, not all
    SUMMARY = "summary"  # every scoresheet in, no summary sheet yet
    ESCALATED = "escalated"  # the panel disagrees; the leading group has not decided (Art. 17)
    SIGNING = "signing"  # summary written; a member's signature is missing or stale
    FINAL = "final"  # every member signed the summary as it stands
    OBJECTION = "objection"  # an objection awaits the office's examination (Art. 21)
    UNDER_REVIEW = "under-review"  # a re-review was decided and has not concluded (Art. 21, 23)
    REVIEWED = "reviewed"  # the re-review concluded; not yet delivered (Art. 23, 24)
    CLOSED = "closed"  # the objection was answered or the re-review delivered


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseVerdict:
    """Everything the outputs say about one evaluated case."""

    case: Case
    scorers: tuple[ExpertId, ...]
    item_means: dict[str, float]
    mean_score: float | None  # the first evaluation's panel (Art. 16); the letters and the notice quote it
    review_mean_score: float | None  # the re-review group's, once the re-review concluded (Art. 23)
    first_grade: Grade | None
    final_grade: Grade | None
    status: Status
    reasons: str | None
    auto_fail: tuple[str, ...]
    escalated: bool
    changed_on_review: bool

    @property
    def is_concluded(self) -> bool:
        """A grade was given and its sheets are complete and signed: the conclusion may be notified (Art. 17, 18)."""
        return self.first_grade is not None and self.status not in NOT_CONCLUDED


# A case in one of these states has no conclusion to notify or publish yet.
NOT_CONCLUDED = frozenset({Status.DRAWN, Status.SCORING, Status.SUMMARY, Status.ESCALATED, Status.SIGNING})

Signatures = Mapping[str, State] | None  # path → signature state when enforced (issue 6); None: not enforced


def _signed(records: RoundRecords, case: CaseId, scorers: tuple[ExpertId, ...], signatures: Signatures) -> bool:
    """Every scorer's signature file records the SHA-256 of the summary as it stands now (Art. 17).

    When signatures are enforced, every scoresheet and every member's signature file
    must also be validly signed by its owner (a signed commit, see rules/ownership).
    """
    summary = records.summaries[case]
    return all(
        (signature := records.signatures.get((case, expert))) is not None
        and signature.summary_sha256 == summary.source.sha256
        and _counts(signatures, signature.source.path)
        and ((sheet := records.scoresheets.get((case, expert))) is None or _counts(signatures, sheet.source.path))
        for expert in scorers
    )


def _counts(signatures: Signatures, path: str) -> bool:
    return signatures is None or signatures.get(path) is State.VALID


def _first_status(records: RoundRecords, case: CaseId, scorers: tuple[ExpertId, ...], signatures: Signatures) -> Status:
    sheets = sum((case, expert) in records.scoresheets for expert in scorers)
    summary = records.summaries.get(case)
    if summary is None:
        if sheets == 0:
            return Status.DRAWN
        return Status.SUMMARY if sheets == len(scorers) else Status.SCORING
    if not summary.agreed and summary.escalation is None:
        return Status.ESCALATED
    return Status.FINAL if _signed(records, case, scorers, signatures) else Status.SIGNING


def case_status(records: RoundRecords, case: CaseId, *, as_of: date, signatures: Signatures = None) -> Status:
    """The status of *case* on *as_of*; events dated after *as_of* have not happened yet.

    *signatures* (path → state, when enforced) keeps a case short of final until
    every scoresheet and signature file is validly signed.
    """
    scorers = _scorers(records, case)
    objection = records.objections.get(case)
    if objection is None or objection.filed_on > as_of:
        return _first_status(records, case, scorers, signatures)
    decision = objection.office_decision
    if decision is None or decision.on > as_of:
        return Status.OBJECTION
    if not decision.review:
        return Status.CLOSED
    if objection.concluded_on is None or objection.concluded_on > as_of:
        return Status.UNDER_REVIEW
    if objection.delivered_on is None or objection.delivered_on > as_of:
        return Status.REVIEWED
    return Status.CLOSED


def _scorers(records: RoundRecords, case: CaseId) -> tuple[ExpertId, ...]:
    return scorers(records.draw, case) if records.draw is not None else ()


def _item_means(sheets: list[Scoresheet]) -> dict[str, float]:
    items = sorted({item for sheet in sheets for item in sheet.scores})
    return {
        item: round(sum(sheet.scores.get(item, 0.0) for sheet in sheets) / len(sheets), MEAN_DECIMALS) for item in items
    }


def case_verdict(records: RoundRecords, case: CaseId, *, as_of: date, signatures: Signatures = None) -> CaseVerdict:
    """The verdict of one case of *records*, as it stands on *as_of*."""
    scorers_ = _scorers(records, case)
    sheets = [records.scoresheets[(case, e)] for e in scorers_ if (case, e) in records.scoresheets]
    summary = records.summaries.get(case)
    objection = records.objections.get(case)
    first, final = first_grade(records, case), final_grade(records, case)
    review = records.review_summaries.get(case)
    concluded = objection is not None and objection.concluded_on is not None and objection.concluded_on <= as_of
    reviewed = objection is not None and objection.result_reasons is not None and final is not first
    reasons = (
        (objection.result_reasons if reviewed and objection is not None else None)
        or (summary.escalation.reasons if summary is not None and summary.escalation is not None else None)
        or (summary.reasons if summary is not None else None)
    )
    return CaseVerdict(
        case=records.cases[case],
        scorers=scorers_,
        item_means=_item_means(sheets) if sheets else {},
        mean_score=summary.mean_score if summary is not None else mean_total(sheets),
        review_mean_score=review.mean_score if review is not None and concluded else None,
        first_grade=first,
        final_grade=final,
        status=case_status(records, case, as_of=as_of, signatures=signatures),
        reasons=reasons,
        auto_fail=summary.auto_fail if summary is not None else (),
        escalated=summary is not None and summary.escalation is not None,
        changed_on_review=reviewed,
    )


def round_verdicts(records: RoundRecords, *, as_of: date, signatures: Signatures = None) -> tuple[CaseVerdict, ...]:
    """Every case of a round, in case-id order (*signatures*: see :func:`case_status`)."""
    return tuple(case_verdict(records, case, as_of=as_of, signatures=signatures) for case in sorted(records.cases))
