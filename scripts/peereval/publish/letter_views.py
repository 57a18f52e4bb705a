"""What each letter says (Art. 18, 21, 23, 24 and the round's notice): view models, pure.

Built on :func:`peereval.publish.views.handler_letter` and :func:`public_case`;
beyond the fields those read (``views.HANDLER_FIELDS``) a letter reads only
:data:`LETTER_FIELDS`, and a test checks each is ``public`` or ``handler`` in its
schema. The records built are in :mod:`peereval.publish.letter_models`. A letter exists once its date is recorded and not after ``as_of``; the
conclusion letter and the notice state the first conclusion (the panel's, or the
leading group's, Art. 17), as notified — a re-review changes it by letters of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from peereval.calendar import WorkCalendar
from peereval.model import (
    GRADE_LABELS,
    Expert,
    ExpertId,
    Grade,
    IndicatorSet,
    IndicatorSetId,
    Objection,
    RoundRecords,
    Scheme,
)
from peereval.publish.letter_layout import ATTACHMENT_NOTE_EM_PER_LINE, article_label, split_reply, title_lines
from peereval.publish.letter_models import (
    Body,
    ChangedBody,
    ConclusionBody,
    Finding,
    GradeCount,
    Letter,
    Letterhead,
    LetterKind,
    NoticeBody,
    ReplyBody,
    ReviewBody,
)
from peereval.publish.views import HandlerLetter, PublicCase, handler_letter, public_case
from peereval.rules.evaluation_checks import indicator_set_for
from peereval.rules.verdict import CaseVerdict, Signatures, round_verdicts

LETTER_FIELDS: tuple[tuple[str, str], ...] = (
    ("round", "/notified_on"),
    ("round", "/evaluation_ended"),
    ("round", "/indicator_sets/*"),
    ("scheme", "/scheme/document_prefix"),
    ("scheme", "/deadlines/objection_window"),
    ("scheme", "/consequences/handler_exclusion_years"),
    ("scheme", "/auto_fail/*/id"),
    ("scheme", "/auto_fail/*/article"),
    ("summary", "/escalation/on"),
    ("objection", "/applicant"),
    ("objection", "/office_decision/on"),
    ("objection", "/office_decision/replied_on"),
    ("objection", "/notified_on"),
)
NOTICE_ADDRESSEE = "各县（市、区）司法局、泉州台商投资区综治工作办，各法律援助承办机构"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Context:
    records: RoundRecords
    scheme: Scheme
    indicator_sets: Mapping[IndicatorSetId, IndicatorSet]
    calendar: WorkCalendar
    experts: Mapping[ExpertId, Expert]

    @property
    def bodies(self) -> str:
        return self.scheme.title.removesuffix("方案")  # 泉州市法律援助案件质量评估

    @property
    def office(self) -> str:
        return f"{self.bodies}工作办公室"

    def case(self, verdict: CaseVerdict) -> PublicCase:
        return public_case(verdict, self.records, self.scheme)

    def letter(self, kind: LetterKind, case: str | None, head: Letterhead, body: Body) -> Letter:
        round_id = self.records.round.id
        return Letter(
            kind=kind,
            round=round_id,
            case=case,
            name=f"{case or round_id}-{kind.value}",
            scheme_title=self.scheme.title,
            office=self.office,
            head=head,
            body=body,
        )


def _grade(grade: Grade | None) -> str:
    return GRADE_LABELS[grade] if grade is not None else "—"


def _to(case: PublicCase) -> str:
    return f"{case.institution}，{case.handler}同志" if case.handler else f"{case.institution}及本案承办人"


def _head(*, issuer: str, title: str, keep: str, to: str, dated: date) -> Letterhead:
    lines = title_lines(title, keep=(keep,))
    return Letterhead(
        style="letter", issuer=issuer, mark=issuer, number="", title=lines, addressee=to, dated=dated, note=None
    )


def _findings(context: _Context, verdict: CaseVerdict, letter: HandlerLetter) -> tuple[Finding, ...]:
    """Each accepted condition with the evidence of each expert who raised it, labelled as in the comments."""
    case = verdict.case.id
    sheets = [
        context.records.scoresheets[(case, e)] for e in verdict.scorers if (case, e) in context.records.scoresheets
    ]
    labelled = [(comment.label, sheet) for comment, sheet in zip(letter.comments, sheets, strict=True)]
    conditions = {condition.id: condition for condition in context.scheme.auto_fail}
    return tuple(
        Finding(
            article=article_label(conditions[found].article) if found in conditions else found,
            title=conditions[found].title if found in conditions else found,
            evidence=tuple((label, f.evidence) for label, sheet in labelled for f in sheet.auto_fail if f.id == found),
        )
        for found in verdict.auto_fail
    )


def _handler(context: _Context, verdict: CaseVerdict) -> HandlerLetter:
    indicator_set = indicator_set_for(context.records, verdict.case, context.indicator_sets)
    return handler_letter(
        verdict, context.records, context.scheme, indicator_set, context.calendar, experts=context.experts
    )


def conclusion_letter(context: _Context, verdict: CaseVerdict, dated: date) -> Letter:
    """Art. 18, 20: the conclusion, the scores and comments, and the right to object."""
    summary = context.records.summaries[verdict.case.id]
    escalation = summary.escalation
    case = context.case(verdict)
    letter = _handler(context, verdict)
    body = ConclusionBody(
        letter=letter,
        grade_label=_grade(verdict.first_grade),
        reasons=escalation.reasons if escalation is not None else summary.reasons,
        decision=escalation.decision if escalation is not None else None,
        findings=_findings(context, verdict, letter),
        published=context.records.round.published,
        objection_window=context.scheme.deadlines.objection_window,
        exclusion_years=context.scheme.handler_exclusion_years if verdict.first_grade is Grade.FAIL else None,
    )
    title = f"关于{case.number}案件质量评估结论的反馈函"
    head = _head(issuer=context.scheme.issuer, title=title, keep=case.number, to=_to(case), dated=dated)
    return context.letter(LetterKind.CONCLUSION, case.id, head, body)


def reply_letter(context: _Context, verdict: CaseVerdict, objection: Objection) -> Letter | None:
    """Art. 21: the office's written reply declining a re-review, as recorded."""
    decision = objection.office_decision
    if decision is None or decision.review or not decision.reply:
        return None
    case = context.case(verdict)
    reply = split_reply(decision.reply)
    title = f"关于{case.number}案件复查申请的答复"
    to = reply.salutation or f"{objection.applicant}同志"
    head = _head(issuer=context.office, title=title, keep=case.number, to=to, dated=decision.replied_on or decision.on)
    body = ReplyBody(case=case, filed_on=objection.filed_on, paragraphs=reply.paragraphs)
    return context.letter(LetterKind.REPLY, case.id, head, body)


def review_letter(context: _Context, verdict: CaseVerdict, objection: Objection) -> Letter | None:
    """Art. 23: the re-review group's conclusion, delivered by the office to the applicant."""
    if objection.concluded_on is None or objection.result_grade is None:
        return None
    case = context.case(verdict)
    decision = objection.office_decision
    body = ReviewBody(
        case=case,
        filed_on=objection.filed_on,
        grounds=tuple(article_label(ground) for ground in objection.grounds),
        decided_on=decision.on if decision is not None else None,
        concluded_on=objection.concluded_on,
        first_grade_label=_grade(verdict.first_grade),
        grade_label=_grade(objection.result_grade),
        mean_score=verdict.review_mean_score,
        reasons=objection.result_reasons,
        changed=verdict.changed_on_review,
    )
    title = f"关于{case.number}案件复查结论的通知书"
    to = f"{objection.applicant}同志"
    head = _head(issuer=context.office, title=title, keep=case.number, to=to, dated=objection.concluded_on)
    return context.letter(LetterKind.REVIEW, case.id, head, body)


def changed_letter(context: _Context, verdict: CaseVerdict, objection: Objection) -> Letter | None:
    """Art. 24: the leading group tells the institution and the handler that the grade changed."""
    if not verdict.changed_on_review or objection.concluded_on is None or objection.notified_on is None:
        return None
    case = context.case(verdict)
    first, final = verdict.first_grade, verdict.final_grade
    body = ChangedBody(
        case=case,
        concluded_on=objection.concluded_on,
        first_grade_label=_grade(first),
        grade_label=_grade(final),
        reasons=objection.result_reasons,
        exclusion_years=context.scheme.handler_exclusion_years,
        exclusion_lifted=first is Grade.FAIL and final is not Grade.FAIL,
        exclusion_applies=first is not Grade.FAIL and final is Grade.FAIL,
    )
    title = f"关于变更{case.number}案件评估等次的通知"
    head = _head(
        issuer=f"{context.bodies}领导小组", title=title, keep=case.number, to=_to(case), dated=objection.notified_on
    )
    return context.letter(LetterKind.CHANGED, case.id, head, body)


def notice_letter(context: _Context, verdicts: Sequence[CaseVerdict]) -> Letter | None:
    """Art. 3, 18, 19: the round's results as an official notice, with the list of cases attached."""
    records, scheme = context.records, context.scheme
    published = records.round.published
    if published is None:
        return None
    concluded = [v for v in verdicts if v.is_concluded]
    cases = tuple(context.case(v) for v in concluded)
    attachment = f"{records.round.title}结果一览表"
    counts = tuple(GradeCount(label=GRADE_LABELS[g], count=sum(v.first_grade is g for v in concluded)) for g in Grade)
    body = NoticeBody(
        round_title=records.round.title,
        attachment_title=title_lines(attachment),
        attachment_note=title_lines(attachment, capacity=ATTACHMENT_NOTE_EM_PER_LINE),
        evaluation_ended=records.round.evaluation_ended,
        published=published,
        objection_deadline=context.calendar.add_working_days(published, scheme.deadlines.objection_window),
        objection_window=scheme.deadlines.objection_window,
        exclusion_years=scheme.handler_exclusion_years,
        counts=counts,
        total=len(concluded),
        excellent_good=sum(v.first_grade in (Grade.EXCELLENT, Grade.GOOD) for v in concluded),
        pending=len(verdicts) - len(concluded),
        excellent=tuple(c for c, v in zip(cases, concluded, strict=True) if v.first_grade is Grade.EXCELLENT),
        failing=tuple(c for c, v in zip(cases, concluded, strict=True) if v.first_grade is Grade.FAIL),
        cases=cases,
        office_address=scheme.publication.office_address,
    )
    head = Letterhead(
        style="document",
        issuer=scheme.issuer,
        mark=f"{scheme.issuer}文件",
        number="",  # see number_letters
        title=title_lines(f"关于{records.round.title}结果的通报"),
        addressee=NOTICE_ADDRESSEE,
        dated=published,
        note="（此件主动公开）",
    )
    return context.letter(LetterKind.NOTICE, None, head, body)


def _case_letters(context: _Context, verdict: CaseVerdict) -> list[Letter | None]:
    records = context.records
    notified = records.round.notified_on or records.round.published
    letters: list[Letter | None] = []
    if notified is not None and verdict.is_concluded:
        letters.append(conclusion_letter(context, verdict, notified))
    objection = records.objections.get(verdict.case.id)
    if objection is not None:
        letters += [make(context, verdict, objection) for make in (reply_letter, review_letter, changed_letter)]
    return letters


def round_letters(
    records: RoundRecords,
    *,
    scheme: Scheme,
    indicator_sets: Mapping[IndicatorSetId, IndicatorSet],
    calendar: WorkCalendar,
    experts: Mapping[ExpertId, Expert],
    as_of: date,
    signatures: Signatures = None,
) -> tuple[Letter, ...]:
    """Every letter of the round dated on or before *as_of*, numbered in issue order.

    A case gets its conclusion letter once it is concluded: with *signatures*
    enforced, only when every sheet of it is validly signed (Art. 17).

    :raises UnknownYearError: when a deadline reaches a year the calendar does not know.
    """
    context = _Context(
        records=records, scheme=scheme, indicator_sets=indicator_sets, calendar=calendar, experts=experts
    )
    issued = _issued(context, round_verdicts(records, as_of=as_of, signatures=signatures), as_of=as_of)
    # Numbers are given in issue order to every letter the round issues once all its sheets are signed, so
    # a case held back for a missing signature keeps its number free and never renumbers letters already sent.
    everything = issued if signatures is None else _issued(context, round_verdicts(records, as_of=as_of), as_of=as_of)
    numbered = number_letters(everything, prefix=scheme.document_prefix, notice_number=records.round.document_number)
    numbers = {(letter.kind, letter.case): letter.head.number for letter in numbered}
    return tuple(
        sorted(
            (
                replace(letter, head=replace(letter.head, number=numbers[(letter.kind, letter.case)]))
                for letter in issued
            ),
            key=_issue_order,
        )
    )


def _issued(context: _Context, verdicts: Sequence[CaseVerdict], *, as_of: date) -> list[Letter]:
    found = [notice_letter(context, verdicts), *(letter for v in verdicts for letter in _case_letters(context, v))]
    return [letter for letter in found if letter is not None and letter.head.dated <= as_of]


_NUMBER = re.compile(r"(?P<prefix>.+)〔(?P<year>\d{4})〕(?P<sequence>\d+)号\Z")
_ORDER = tuple(LetterKind)


def _issue_order(letter: Letter) -> tuple[date, int, str]:
    return (letter.head.dated, _ORDER.index(letter.kind), letter.case or "")


def number_letters(letters: Sequence[Letter], *, prefix: str | None, notice_number: str | None) -> tuple[Letter, ...]:
    """Document numbers (发文字号: 机关代字〔年份〕顺序号, GB/T 9704-2012 §7.2.4) in issue order.

    The notice keeps the round's ``document_number``; every other letter takes the
    next number of its year after it, in the order of :func:`_issue_order` (date,
    kind, case). Without a prefix (scheme or notice number) letters carry no number.
    """
    parsed = _NUMBER.match(notice_number or "")
    prefix = prefix or (parsed["prefix"] if parsed else None)
    last = {int(parsed["year"]): int(parsed["sequence"])} if parsed else {}
    numbered = []
    for letter in sorted(letters, key=_issue_order):
        number = notice_number or "" if letter.kind is LetterKind.NOTICE else ""
        if letter.kind is not LetterKind.NOTICE and prefix is not None:
            year = letter.head.dated.year
            last[year] = last.get(year, 0) + 1
            number = f"{prefix}〔{year}〕{last[year]}号"
        numbered.append(replace(letter, head=replace(letter.head, number=number)))
    return tuple(numbered)
