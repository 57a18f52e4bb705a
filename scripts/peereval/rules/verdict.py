"""The grade a case ends with (Art. 14, 17, 23)."""

from __future__ import annotations

from peereval.model import CaseId, Grade, RoundRecords


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
