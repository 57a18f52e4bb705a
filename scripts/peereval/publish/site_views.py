"""What the public site shows (Art. 3, 18): view models of rounds, objections and the whole site, pure.

Built on :func:`peereval.publish.views.public_case`: the only record fields read
here are public ones (``views.PUBLIC_FIELDS``). A round appears once its results
are published on the day of the build; a case once it is concluded (with
signatures enforced: validly signed, Art. 17) and has a final grade.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from peereval.calendar import WorkCalendar
from peereval.model import (
    CASE_TYPE_LABELS,
    GRADE_LABELS,
    CaseId,
    Repository,
    RoundRecords,
    Scheme,
    Scoresheet,
    Signature,
    Summary,
)
from peereval.problems import PeerevalError
from peereval.publish import charts
from peereval.publish.views import PublicCase, expert_label, objection_deadline, public_case
from peereval.rules.history import FileSignature, china_day, signature_states
from peereval.rules.ownership import LEADING_GROUP, State
from peereval.rules.verdict import CaseVerdict, round_verdicts

GROUND_LABELS = {
    "22(1)": "第二十二条第（一）项：评估专家组的组成或评估程序违反方案规定",
    "22(2)": "第二十二条第（二）项：非因承办人、承办机构原因遗漏足以影响公正评估的相关材料",
    "22(3)": "第二十二条第（三）项：评估专家在评估该案时有收受贿赂、徇私舞弊等行为",
}
SIGNATURE_STATE_LABELS = {
    State.VALID: "有效",
    State.UNSIGNED: "未签名",
    State.WRONG_SIGNER: "非本人签名",
    State.UNKNOWN_KEY: "公钥未登记",
    State.EXPIRED: "公钥不在有效期内",
    State.REVOKED: "公钥已吊销",
    State.BAD_SIGNATURE: "签名无法核验",
    State.STALE: "汇总表签名后被修改，须重新签名",
    State.UNTRUSTED: "不予信任",
}
# The file stems the letters command gives the PDFs (publish/letter_views.py: "<case>-<kind>").
CONCLUSION_SUFFIX = "-conclusion"
NOTICE_SUFFIX = "-notice"


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectionView:
    """An objection and what became of it, from public fields only (Art. 20–24)."""

    case: PublicCase
    filed_on: date
    grounds: tuple[str, ...]
    decision: str  # 审查中 / 不予复查 / 复查中 / 已复查
    result_label: str | None
    concluded_on: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureView:
    """Who signed one sheet of a case, and when (Art. 16, 17): experts as 专家一 … in the panel's order, never by name."""

    document: str  # 评估表 / 评估结果汇总表 / 汇总表签名
    signer: str
    state: str
    signed_on: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundView:
    """One published round: its notice and its case pages."""

    id: str
    title: str
    document_number: str | None
    published: date
    objection_deadline: date | None
    cases: tuple[PublicCase, ...]  # graded cases, in case-id order
    pending: int  # sampled cases without a final grade yet
    objections: tuple[ObjectionView, ...]
    letters: frozenset[str]  # case ids whose conclusion letter (PDF) is published with the site
    notice_letter: bool  # the notice (通报) as the PDF the letters command made
    signatures: Mapping[str, tuple[SignatureView, ...]]  # case id → its sheets' signatures; empty when not verified

    @property
    def overall(self) -> charts.Row:
        return self.by_type().overall

    def by_type(self) -> charts.Distribution:
        return charts.distribution(
            sorted(self.cases, key=lambda c: list(CASE_TYPE_LABELS).index(c.type) if c.type in CASE_TYPE_LABELS else 9),
            key=lambda c: c.type_label,
            caption=f"评估等次分布（按案件类型，{self.id}）",
            group_header="案件类型",
        )

    def by_institution(self) -> charts.Distribution:
        return charts.distribution(
            sorted(self.cases, key=lambda c: (c.region, c.institution)),
            key=lambda c: c.institution,
            caption=f"评估等次分布（按承办机构，{self.id}）",
            group_header="承办机构",
        )

    def with_grade(self, grade: str) -> tuple[PublicCase, ...]:
        return tuple(case for case in self.cases if case.grade == grade)


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteModel:
    """Everything the templates see."""

    scheme_title: str
    issuer: str
    office_address: str | None
    rounds: tuple[RoundView, ...]  # published rounds, oldest first
    unpublished: tuple[str, ...]  # ids of rounds not yet published on the day of the build
    signatures_verified: bool  # the build verified the signed commits (a trust root was given)

    def trend(self) -> charts.Distribution:
        return charts.Distribution(
            caption="历轮评估等次分布与优良率",
            group_header="评估轮次",
            rows=tuple(charts.Row(group=r.id, counts=r.overall.counts) for r in self.rounds),
        )


def _objection(records: RoundRecords, case: PublicCase, as_of: date) -> ObjectionView | None:
    objection = records.objections.get(CaseId(case.id))
    if objection is None or objection.filed_on > as_of:
        return None
    decision, concluded = objection.office_decision, objection.concluded_on
    reviewed = concluded is not None and concluded <= as_of and objection.result_grade is not None
    if decision is None or decision.on > as_of:
        state = "审查中"
    else:
        state = "已复查" if reviewed else ("复查中" if decision.review else "不予复查")
    return ObjectionView(
        case=case,
        filed_on=objection.filed_on,
        grounds=tuple(GROUND_LABELS.get(g, g) for g in objection.grounds),
        decision=state,
        result_label=GRADE_LABELS[objection.result_grade] if reviewed and objection.result_grade else None,
        concluded_on=concluded if reviewed else None,
    )


def _signature_views(
    records: RoundRecords, verdict: CaseVerdict, signatures: Mapping[str, FileSignature]
) -> tuple[SignatureView, ...]:
    """The summary and each scorer's scoresheet and summary signature, with the verified state of each."""
    case = verdict.case.id
    labels = {expert: expert_label(index) for index, expert in enumerate(verdict.scorers)} | {
        LEADING_GROUP: "评估领导小组"
    }
    sheets: list[tuple[str, Summary | Scoresheet | Signature | None]] = [
        ("评估结果汇总表", records.summaries.get(case))
    ]
    for expert in verdict.scorers:
        sheets += [
            ("评估表", records.scoresheets.get((case, expert))),
            ("汇总表签名", records.signatures.get((case, expert))),
        ]
    views = []
    for document, record in sheets:
        signed = signatures.get(record.source.path) if record is not None else None
        if signed is not None:
            views.append(
                SignatureView(
                    document=document,
                    signer=labels.get(signed.owner, "—"),
                    state=SIGNATURE_STATE_LABELS[signed.state],
                    signed_on=china_day(signed.time) if signed.time is not None else None,
                )
            )
    return tuple(views)


def round_view(
    records: RoundRecords,
    scheme: Scheme,
    calendar: WorkCalendar,
    *,
    as_of: date,
    letters: frozenset[str],
    signatures: Mapping[str, FileSignature] | None = None,
) -> RoundView:
    """The published view of one round on *as_of*; its cases come from :func:`views.public_case`.

    *letters* holds the stems of the round's letter PDFs that exist; a case's conclusion
    letter is linked only where ``publication.letters_on_site`` allows (Art. 18).
    *signatures* (path → verified signature, when enforced) keeps a case off the site
    until all of its sheets are validly signed (Art. 17), and is shown on its page.
    """
    published = records.round.published
    assert published is not None
    states = signature_states(signatures) if signatures is not None else None
    verdicts = round_verdicts(records, as_of=as_of, signatures=states)
    shown = [v for v in verdicts if v.is_concluded and v.final_grade is not None]
    cases = tuple(public_case(v, records, scheme) for v in shown)
    objections = tuple(o for c in cases if (o := _objection(records, c, as_of)) is not None)
    return RoundView(
        id=records.round.id,
        title=records.round.title,
        document_number=records.round.document_number,
        published=published,
        objection_deadline=objection_deadline(records, scheme, calendar),
        cases=cases,
        pending=len(verdicts) - len(cases),
        objections=objections,
        letters=frozenset(c.id for c in cases if c.id + CONCLUSION_SUFFIX in letters)
        if scheme.publication.letters_on_site
        else frozenset(),
        notice_letter=records.round.id + NOTICE_SUFFIX in letters,
        signatures={v.case.id: _signature_views(records, v, signatures) for v in shown}
        if signatures is not None
        else {},
    )


def site_model(
    repository: Repository,
    calendar: WorkCalendar,
    *,
    as_of: date,
    letters: Iterable[str] = (),
    signatures: Mapping[str, FileSignature] | None = None,
) -> SiteModel:
    """The view of the whole site on *as_of*; a round appears once its results are published.

    *letters* names the letter PDFs that exist, as ``<round>/<stem>`` (``2025/QZ2025-001-conclusion``);
    *signatures* are the verified signatures by path, None when they were not verified.
    :raises PeerevalError: without a valid scheme.yaml.
    """
    scheme = repository.scheme
    if scheme is None:
        raise PeerevalError("scheme.yaml 缺失或有错误，无法生成公示网站；请先运行 peereval check")
    found = frozenset(letters)
    published, unpublished = [], []
    for round_id, records in sorted(repository.rounds.items()):
        if records.round.published is not None and records.round.published <= as_of:
            mine = frozenset(name.split("/", 1)[1] for name in found if name.startswith(f"{round_id}/"))
            view = round_view(records, scheme, calendar, as_of=as_of, letters=mine, signatures=signatures)
            published.append(view)
        else:
            unpublished.append(round_id)
    return SiteModel(
        scheme_title=scheme.title,
        issuer=scheme.issuer,
        office_address=scheme.publication.office_address,
        rounds=tuple(published),
        unpublished=tuple(unpublished),
        signatures_verified=signatures is not None,
    )
