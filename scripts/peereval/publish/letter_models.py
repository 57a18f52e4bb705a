"""The letters as records: what a letter template receives, and all it receives (pure).

:mod:`peereval.publish.letter_views` builds them from the records of a round;
the templates in ``site_templates/letters/`` read their attributes by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from peereval.publish.views import HandlerLetter, PublicCase


class LetterKind(StrEnum):
    """The letters, in the order they are numbered when issued on the same day."""

    NOTICE = "notice"  # 通报: the round's results (Art. 3, 18)
    CONCLUSION = "conclusion"  # 评估结论反馈函 (Art. 18, 20)
    REPLY = "reply"  # 不予复查答复书 (Art. 21)
    REVIEW = "review"  # 复查结论通知书 (Art. 23)
    CHANGED = "changed"  # 评估等次变更通知书 (Art. 24)


KIND_NAMES: dict[LetterKind, str] = {
    LetterKind.NOTICE: "评估结果通报",
    LetterKind.CONCLUSION: "评估结论反馈函",
    LetterKind.REPLY: "不予复查答复书",
    LetterKind.REVIEW: "复查结论通知书",
    LetterKind.CHANGED: "评估等次变更通知书",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Letterhead:
    """The parts GB/T 9704-2012 places around a body: issuer mark, number, title, addressee, signature."""

    style: Literal["letter", "document"]  # 信函格式 (§10.1) or 文件格式 (§7)
    issuer: str  # 发文机关署名
    mark: str  # 发文机关标志, red
    number: str  # 发文字号, "" when the scheme has no prefix
    title: tuple[str, ...]  # the title's lines
    addressee: str  # 主送机关, without the colon
    dated: date  # 成文日期
    note: str | None  # 附注


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """An Art. 15 condition the panel accepted, with each expert's evidence."""

    article: str  # 第十五条第（一）项
    title: str
    evidence: tuple[tuple[str, str], ...]  # (专家一, evidence)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConclusionBody:
    letter: HandlerLetter
    grade_label: str  # the first conclusion: the panel's, or the leading group's (Art. 17)
    reasons: str | None
    decision: str | None  # the leading group's decision when the panel disagreed
    findings: tuple[Finding, ...]
    published: date | None
    objection_window: int
    exclusion_years: int | None  # Art. 19, for a fail


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyBody:
    case: PublicCase
    filed_on: date
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewBody:
    case: PublicCase
    filed_on: date
    grounds: tuple[str, ...]  # 第二十二条第（二）项
    decided_on: date | None
    concluded_on: date
    first_grade_label: str
    grade_label: str
    mean_score: float | None
    reasons: str | None
    changed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangedBody:
    case: PublicCase
    concluded_on: date
    first_grade_label: str
    grade_label: str
    reasons: str | None
    exclusion_years: int
    exclusion_lifted: bool  # fail → better: Art. 19 no longer applies
    exclusion_applies: bool  # better → fail


@dataclass(frozen=True, slots=True, kw_only=True)
class GradeCount:
    label: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeBody:
    round_title: str
    attachment_title: tuple[str, ...]  # the list of cases, attached (GB/T 9704 §7.3.6)
    attachment_note: tuple[str, ...]  # its name in the note under the body, never a line of one character
    evaluation_ended: date | None
    published: date
    objection_deadline: date | None
    objection_window: int
    exclusion_years: int
    counts: tuple[GradeCount, ...]
    total: int
    excellent_good: int
    pending: int  # sampled cases without a conclusion yet
    excellent: tuple[PublicCase, ...]
    failing: tuple[PublicCase, ...]
    cases: tuple[PublicCase, ...]
    office_address: str | None


Body = ConclusionBody | ReplyBody | ReviewBody | ChangedBody | NoticeBody


@dataclass(frozen=True, slots=True, kw_only=True)
class Letter:
    """One letter: what the templates receive, and all they receive."""

    kind: LetterKind
    round: str
    case: str | None
    name: str  # the file stem: QZ2025-030-reply
    scheme_title: str  # 泉州市法律援助案件质量评估方案, cited as 《方案》
    office: str  # 泉州市法律援助案件质量评估工作办公室: where objections go (Art. 20)
    head: Letterhead
    body: Body
