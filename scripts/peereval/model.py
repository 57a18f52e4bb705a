"""The records of an evaluation repository, as frozen values.

Built only by :mod:`peereval.load.records` from schema-valid data, so every
field here is known to be present and well-formed. Each record keeps its
:class:`Source`, so that a rule can point at the line a problem comes from.
This module imports only :mod:`peereval.problems`: it is the vocabulary the core speaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NewType

from peereval.problems import Problem

ExpertId = NewType("ExpertId", str)
CaseId = NewType("CaseId", str)
RoundId = NewType("RoundId", str)
PanelId = NewType("PanelId", str)
IndicatorSetId = NewType("IndicatorSetId", str)

Position = tuple[int, int]


class Grade(StrEnum):
    """Art. 14, best first; ``Grade.ORDER`` ranks them."""

    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"
    FAIL = "fail"


GRADE_LABELS: dict[Grade, str] = {
    Grade.EXCELLENT: "优秀",
    Grade.GOOD: "良好",
    Grade.PASS: "合格",
    Grade.FAIL: "不合格",
}
CASE_TYPE_LABELS: dict[str, str] = {
    "criminal": "刑事",
    "civil": "民事",
    "administrative": "行政",
    "non_litigation": "非诉讼",
}


Positions = tuple[dict[str, Position], dict[str, Position]]  # of values, of keys: by JSON pointer


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: its file, and the position of every value in it.

    Positions map JSON pointers to 1-based (line, column), for values and for the
    keys of members. They are found only when a problem asks for one: *locate*
    (parsing the file again) runs at most once, so a clean repository of 80,000
    files never builds or ships them. ``sha256`` is the hex digest of the file's
    bytes (what a summary signature records, Art. 17).
    """

    path: str
    sha256: str = field(default="", repr=False, compare=False)
    locate: Callable[[], Positions] | None = field(default=None, repr=False, compare=False)
    _found: list[Positions] = field(default_factory=list, repr=False, compare=False)

    def positions(self) -> Positions:
        if not self._found:
            self._found.append(self.locate() if self.locate is not None else ({}, {}))
        return self._found[0]

    def position(self, pointer: str, *, key: bool = False) -> Position:
        """The position of *pointer*, or of its closest ancestor that has one."""
        values, keys = self.positions()
        table = keys if key else values
        while pointer:
            if pointer in table:
                return table[pointer]
            if pointer in values:
                return values[pointer]
            pointer = pointer.rsplit("/", 1)[0]
        return values.get("", (1, 1))

    def problem(self, pointer: str, code: str, message: str, *, key: bool = False) -> Problem:
        """A problem at *pointer* in this file (at its key with ``key=True``)."""
        line, column = self.position(pointer, key=key)
        return Problem(self.path, line, column, code, message, pointer)


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """A decision of the leading group or the office, by date and reference (Art. 6)."""

    on: date
    decision: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    """A range of days, both ends included."""

    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True, kw_only=True)
class SigningKey:
    key: str
    valid_from: date
    valid_until: date | None
    revoked: Decision | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A member of the leading group or the office."""

    id: str
    name: str
    role: str
    github: str | None
    signing_keys: tuple[SigningKey, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AutoFailCondition:
    """One of the Art. 15 conditions that fail a case whatever its score."""

    id: str
    article: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadlines:
    """Working-day lengths of the scheme's periods (Art. 18, 20, 21, 23, 24)."""

    notify_after_evaluation: int
    objection_window: int
    reply_without_review: int
    review_conclusion: int
    notify_changed_review: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Publication:
    handler_names: bool
    expert_names: bool
    letters_on_site: bool
    office_address: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Scheme:
    """scheme.yaml: the parameters of the scheme and its bodies."""

    source: Source = field(compare=False)
    title: str
    issuer: str
    document_prefix: str | None
    effective: date
    valid_years: int
    panel_min_members: int
    review_min_members: int
    min_practice_years: int
    deadlines: Deadlines
    handler_exclusion_years: int
    expert_bar_years: int
    auto_fail: tuple[AutoFailCondition, ...]
    leading_group: tuple[Person, ...]
    office: tuple[Person, ...]
    publication: Publication


@dataclass(frozen=True, slots=True, kw_only=True)
class Penalty:
    on: date
    until: date | None
    authority: str
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Misconduct:
    """An Art. 25 decision against an expert."""

    on: date
    ground: str
    severity: str
    decision: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Relative:
    name: str
    relation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeclaredInterest:
    ground: str
    case: CaseId | None
    institution_code: str | None
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Expert:
    """experts/E####.yaml: one expert of the pool (Art. 7)."""

    source: Source = field(compare=False)
    id: ExpertId
    name: str
    licence_no: str
    practising_since: date
    firm_name: str
    firm_code: str
    region: str
    specialties: tuple[str, ...]
    legal_aid_record: tuple[str, ...]
    penalties: tuple[Penalty, ...]
    appointed: Decision
    dismissed: Decision | None
    misconduct: tuple[Misconduct, ...]
    unavailable: tuple[Period, ...]
    relatives: tuple[Relative, ...]
    declared_interests: tuple[DeclaredInterest, ...]
    github: str | None
    signing_keys: tuple[SigningKey, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Round:
    """cases/<round>/round.yaml: one annual evaluation round (Art. 5)."""

    source: Source = field(compare=False)
    id: RoundId
    title: str
    approved: Decision
    population: str
    closed_between: Period
    sample_ratio: float
    sample_strata: str
    min_per_stratum: int
    seed_source: str
    seed_value: str | None
    cases_per_panel: int
    panel_size: int | None
    max_panels_per_expert: int
    regional_recusal: bool
    indicator_sets: dict[str, IndicatorSetId]
    submission_deadline: date
    evaluation_ended: date | None
    notified_on: date | None
    published: date | None
    document_number: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """cases/<round>/<case>.yaml: a sampled case; client and parties are private."""

    source: Source = field(compare=False)
    round: RoundId
    id: CaseId
    number: str
    type: str
    stage: str | None
    cause: str
    closed_on: date
    handler_name: str
    handler_licence_no: str
    institution_name: str
    institution_code: str
    institution_region: str
    client_name: str
    parties: tuple[str, ...]
    difficult: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Designation:
    on: date
    decision: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Panel:
    """One expert panel of a round (Art. 9); ``index`` is its place in panels.yaml."""

    index: int
    id: PanelId
    case_type: str
    method: str
    designation: Designation | None
    members: tuple[ExpertId, ...]
    writer: ExpertId
    cases: tuple[CaseId, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Dismissal:
    """A detected conflict that the leading group found not to need recusal (Art. 10), with its reason."""

    index: int = 0
    case: CaseId
    expert: ExpertId
    ground: str
    decision: Decision
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Recusal:
    """An expert kept off a case (Art. 10), and who took the place."""

    index: int
    case: CaseId
    expert: ExpertId
    ground: str
    source: str
    evidence: str
    decision: Decision | None
    replacement: ExpertId | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PanelDraw:
    """cases/<round>/panels.yaml: the draw, as `peereval draw` wrote it."""

    source: Source = field(compare=False)
    round: RoundId
    drawn_on: date
    seed: str
    pool: dict[str, tuple[ExpertId, ...]]
    panels: tuple[Panel, ...]
    recusals: tuple[Recusal, ...]
    dismissals: tuple[Dismissal, ...] = ()
    # Indexes by case, derived from panels and recusals when built: a round of
    # 10,000 cases asks "which panel, which recusals" for every case.
    panels_by_case: dict[CaseId, tuple[Panel, ...]] = field(default_factory=dict, compare=False, repr=False)
    recusals_by_case: dict[CaseId, tuple[Recusal, ...]] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    id: str
    title: str
    points: float
    guidance: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorSet:
    """scoresheets/indicators/<set>.yaml: quantified indicators for a case type (Art. 12)."""

    source: Source = field(compare=False)
    id: IndicatorSetId
    title: str | None
    case_type: str
    version: int
    approved: Decision
    items: tuple[Item, ...]
    excellent: float
    good: float
    pass_: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AutoFailFinding:
    id: str
    evidence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Scoresheet:
    """One expert's evaluation of one case (Art. 13); ``review`` marks a re-review sheet."""

    source: Source = field(compare=False)
    round: RoundId
    review: bool
    case: CaseId
    expert: ExpertId
    indicator_set: IndicatorSetId
    scores: dict[str, float]
    auto_fail: tuple[AutoFailFinding, ...]
    comments: str | None
    submitted_on: date
    late: Decision | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalation:
    """The leading group's decision when a panel cannot agree (Art. 17)."""

    on: date
    decision: str
    grade: Grade
    reasons: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """The summary sheet (Art. 16, 17); ``review`` marks a re-review conclusion."""

    source: Source = field(compare=False)
    round: RoundId
    review: bool
    case: CaseId
    writer: ExpertId
    grade: Grade
    mean_score: float
    auto_fail: tuple[str, ...]
    reasons: str | None
    agreed: bool
    escalation: Escalation | None
    submitted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature:
    """signatures/<expert>.yaml: a member's signature on a summary (Art. 17)."""

    source: Source = field(compare=False)
    round: RoundId
    review: bool
    case: CaseId
    expert: ExpertId
    summary_sha256: str
    signed_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficeDecision:
    on: date
    review: bool
    reply: str | None
    replied_on: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewPanel:
    assigned_on: date
    members: tuple[ExpertId, ...]
    writer: ExpertId
    seed: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Objection:
    """cases/<round>/objections/<case>.yaml: a handler's objection (Art. 20–24)."""

    source: Source = field(compare=False)
    round: RoundId
    case: CaseId
    filed_on: date
    applicant: str
    grounds: tuple[str, ...]
    statement: str
    late: Decision | None
    office_decision: OfficeDecision | None
    supplement_received_on: date | None
    review_panel: ReviewPanel | None
    concluded_on: date | None
    result_grade: Grade | None
    result_reasons: str | None
    delivered_on: date | None
    notified_on: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarYear:
    """A year of calendar.yaml: the State Council's notice, as data."""

    source: Source = field(compare=False)
    year: int
    notice: str
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundRecords:
    """Everything recorded for one round, by id."""

    round: Round
    cases: dict[CaseId, Case]
    draw: PanelDraw | None
    scoresheets: dict[tuple[CaseId, ExpertId], Scoresheet]
    summaries: dict[CaseId, Summary]
    signatures: dict[tuple[CaseId, ExpertId], Signature]
    review_scoresheets: dict[tuple[CaseId, ExpertId], Scoresheet]
    review_summaries: dict[CaseId, Summary]
    review_signatures: dict[tuple[CaseId, ExpertId], Signature]
    objections: dict[CaseId, Objection]


@dataclass(frozen=True, slots=True, kw_only=True)
class Repository:
    """A whole evaluation repository, as far as it loaded."""

    scheme: Scheme | None
    calendar: tuple[CalendarYear, ...]
    experts: dict[ExpertId, Expert]
    indicator_sets: dict[IndicatorSetId, IndicatorSet]
    rounds: dict[RoundId, RoundRecords]
