"""View models: the only data templates ever see (deny by default).

Each view is built field by field from records; every record field a view
reads is listed in :data:`PUBLIC_FIELDS` or :data:`HANDLER_FIELDS`, and a test
checks that each listed field is ``public`` (or ``handler``) in its schema.
Client and party data are never read here, so they cannot reach a template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from peereval.calendar import WorkCalendar
from peereval.model import (
    CASE_TYPE_LABELS,
    GRADE_LABELS,
    Expert,
    ExpertId,
    Grade,
    IndicatorSet,
    RoundRecords,
    Scheme,
)
from peereval.rules.verdict import CaseVerdict

# (record kind, JSON pointer with * for any key or index) of every field a view reads.
PUBLIC_FIELDS: tuple[tuple[str, str], ...] = (
    ("case", "/id"),
    ("case", "/number"),
    ("case", "/type"),
    ("case", "/stage"),
    ("case", "/cause"),
    ("case", "/closed_on"),
    ("case", "/handler/name"),
    ("case", "/institution/name"),
    ("case", "/institution/code"),
    ("case", "/institution/region"),
    ("case", "/difficult"),
    ("summary", "/grade"),
    ("summary", "/mean_score"),
    ("summary", "/reasons"),
    ("summary", "/auto_fail/*"),
    ("summary", "/escalation/grade"),
    ("summary", "/escalation/reasons"),
    ("summary", "/escalation/decision"),
    ("objection", "/filed_on"),
    ("objection", "/grounds/*"),
    ("objection", "/office_decision/review"),
    ("objection", "/result/grade"),
    ("objection", "/result/reasons"),
    ("objection", "/concluded_on"),
    ("round", "/id"),
    ("round", "/title"),
    ("round", "/published"),
    ("round", "/document_number"),
    ("indicators", "/items/*/id"),
    ("indicators", "/items/*/title"),
    ("indicators", "/items/*/points"),
    ("scheme", "/scheme/title"),
    ("scheme", "/scheme/issuer"),
    ("scheme", "/auto_fail/*/title"),
    ("scheme", "/publication/office_address"),
)
HANDLER_FIELDS: tuple[tuple[str, str], ...] = PUBLIC_FIELDS + (
    ("expert", "/name"),  # only where publication.expert_names says so
    ("scoresheet", "/scores/*"),
    ("scoresheet", "/comments"),
    ("scoresheet", "/auto_fail/*/id"),
    ("scoresheet", "/auto_fail/*/evidence"),
    ("objection", "/statement"),
    ("objection", "/office_decision/reply"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicCase:
    """What the public notice says of one evaluated case (Art. 3, 18)."""

    round: str
    id: str
    number: str
    type: str
    type_label: str
    cause: str
    closed_on: date
    institution: str
    institution_code: str
    region: str
    handler: str | None  # None where the publication policy withholds names
    grade: str | None
    grade_label: str | None
    first_grade_label: str | None
    mean_score: float | None
    review_mean_score: float | None
    reasons: str | None
    auto_fail: tuple[str, ...]  # titles of accepted Art. 15 conditions
    escalated: bool
    objected: bool
    changed_on_review: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemResult:
    title: str
    points: float
    mean: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpertComment:
    label: str  # 专家一, 专家二 … unless the policy names experts
    comments: str | None
    total: float


@dataclass(frozen=True, slots=True, kw_only=True)
class HandlerLetter:
    """What the feedback letter to the handler and the institution says (Art. 18, 20)."""

    case: PublicCase
    items: tuple[ItemResult, ...]
    comments: tuple[ExpertComment, ...]
    auto_fail_evidence: tuple[str, ...]
    objection_deadline: date | None  # the last day to object (Art. 20), None before publication
    office_address: str | None


def _label(grade: Grade | None) -> str | None:
    return GRADE_LABELS[grade] if grade is not None else None


def public_case(verdict: CaseVerdict, records: RoundRecords, scheme: Scheme) -> PublicCase:
    case = verdict.case
    titles = {condition.id: condition.title for condition in scheme.auto_fail}
    return PublicCase(
        round=records.round.id,
        id=case.id,
        number=case.number,
        type=case.type,
        type_label=CASE_TYPE_LABELS.get(case.type, case.type),
        cause=case.cause,
        closed_on=case.closed_on,
        institution=case.institution_name,
        institution_code=case.institution_code,
        region=case.institution_region,
        handler=case.handler_name if scheme.publication.handler_names else None,
        grade=verdict.final_grade.value if verdict.final_grade is not None else None,
        grade_label=_label(verdict.final_grade),
        first_grade_label=_label(verdict.first_grade),
        mean_score=verdict.mean_score,
        review_mean_score=verdict.review_mean_score,
        reasons=verdict.reasons,
        auto_fail=tuple(titles.get(condition, condition) for condition in verdict.auto_fail),
        escalated=verdict.escalated,
        objected=case.id in records.objections,
        changed_on_review=verdict.changed_on_review,
    )


CHINESE_ORDINALS = "一二三四五六七八九十"


def expert_label(index: int) -> str:
    """专家一, 专家二 …: how letters and the site name the *index*-th scorer of a case (experts stay anonymous)."""
    return f"专家{CHINESE_ORDINALS[index] if index < len(CHINESE_ORDINALS) else index + 1}"


def objection_deadline(records: RoundRecords, scheme: Scheme, calendar: WorkCalendar) -> date | None:
    """Art. 20: the last day to object, ``objection_window`` working days after publication."""
    published = records.round.published
    if published is None:
        return None
    return calendar.add_working_days(published, scheme.deadlines.objection_window)


def handler_letter(
    verdict: CaseVerdict,
    records: RoundRecords,
    scheme: Scheme,
    indicator_set: IndicatorSet | None,
    calendar: WorkCalendar,
    experts: Mapping[ExpertId, Expert],
) -> HandlerLetter:
    """The letter's view: the public case plus per-item means, the experts' comments and the objection deadline.

    Experts are 专家一, 专家二 … in the panel's order, or by name where ``publication.expert_names`` says so.
    """
    signed = [
        (e, records.scoresheets[(verdict.case.id, e)])
        for e in verdict.scorers
        if (verdict.case.id, e) in records.scoresheets
    ]
    sheets = [sheet for _, sheet in signed]
    named = scheme.publication.expert_names
    items = tuple(
        ItemResult(title=item.title, points=item.points, mean=verdict.item_means.get(item.id))
        for item in (indicator_set.items if indicator_set is not None else ())
    )
    comments = tuple(
        ExpertComment(
            label=experts[expert].name if named and expert in experts else expert_label(index),
            comments=sheet.comments,
            total=sum(sheet.scores.values()),
        )
        for index, (expert, sheet) in enumerate(signed)
    )
    accepted = set(verdict.auto_fail)
    evidence = tuple(f.evidence for sheet in sheets for f in sheet.auto_fail if f.id in accepted)
    return HandlerLetter(
        case=public_case(verdict, records, scheme),
        items=items,
        comments=comments,
        auto_fail_evidence=evidence,
        objection_deadline=objection_deadline(records, scheme, calendar),
        office_address=scheme.publication.office_address,
    )
