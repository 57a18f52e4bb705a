"""Verifiable draws: the sample (Art. 5), the panels (Art. 9), recusal (Art. 10), re-review groups (Art. 21).

Every random choice is a ranking: candidates are sorted by the SHA-256 (hex,
ascending) of the UTF-8 string ``seed|round|context|id`` and the lowest that
qualify are taken. ``seed`` is round.yaml's ``seed.value`` (a public event
named in advance), ``context`` names the draw: ``sample:<stratum>``,
``assign:<type>``, ``panel:<panel>``, ``replace:<case>:<n>``,
``review:<case>``. Nothing here reads a clock, a file or a random source, so
anyone re-running these functions on the committed data gets the same draw;
:func:`verify_draw` does exactly that and reports every difference.
docs/draw.md states the rules for people and gives test vectors.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TypeVar

from peereval.model import (
    CASE_TYPE_LABELS,
    Case,
    CaseId,
    Decision,
    Expert,
    ExpertId,
    Panel,
    PanelDraw,
    PanelId,
    Recusal,
    Round,
    RoundId,
    RoundRecords,
    Scheme,
    Source,
)
from peereval.problems import Problem
from peereval.rules.consequences import is_barred
from peereval.rules.eligibility import ineligibility
from peereval.rules.panels import panels_of, scorers

T = TypeVar("T", bound=str)

TYPE_ORDER: tuple[str, ...] = tuple(CASE_TYPE_LABELS)
DETECTED_GROUNDS = ("10(1)", "10(2)", "regional")


# --- The ranking rule ---------------------------------------------------------------------------


def rank_key(*, seed: str, round_id: str, context: str, candidate: str) -> str:
    """SHA-256 hex digest of the UTF-8 string ``seed|round_id|context|candidate``."""
    return hashlib.sha256(f"{seed}|{round_id}|{context}|{candidate}".encode()).hexdigest()


def ranked(candidates: Iterable[T], *, seed: str, round_id: str, context: str) -> tuple[T, ...]:
    """*candidates* by ascending :func:`rank_key` (the id breaks a tie, which SHA-256 never gives)."""
    return tuple(
        sorted(
            set(candidates),
            key=lambda c: (rank_key(seed=seed, round_id=round_id, context=context, candidate=c), c),
        )
    )


def _type_rank(case_type: str) -> int:
    return TYPE_ORDER.index(case_type) if case_type in TYPE_ORDER else len(TYPE_ORDER)


def _type_order(types: Iterable[str]) -> list[str]:
    """The distinct *types* in the schema's order (criminal, civil, administrative, non_litigation)."""
    return sorted(set(types), key=lambda case_type: (_type_rank(case_type), case_type))


# --- Sampling (Art. 5) ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ClosedCase:
    """One row of the closed-case export (cases/<round>/closed-cases.csv); ``line`` is its CSV line."""

    line: int
    case_id: CaseId
    number: str
    type: str
    closed_on: date
    handler_name: str
    handler_licence_no: str = field(repr=False)
    institution_name: str
    institution_code: str
    region: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Stratum:
    """A stratum of the population: its size, how many were taken and which, in rank order."""

    name: str
    size: int
    take: int
    picks: tuple[CaseId, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """The sample of a round (Art. 5), as computed or as recorded in cases/<round>/sample.yaml.

    ``population_sha256`` is the digest of the export's bytes: the sample is
    only as verifiable as the export it was drawn from.
    """

    round: RoundId
    seed: str
    population: str
    population_sha256: str
    ratio: float
    strata_by: str
    min_per_stratum: int
    strata: tuple[Stratum, ...]
    source: Source | None = field(default=None, compare=False)

    @property
    def picks(self) -> tuple[CaseId, ...]:
        return tuple(case_id for stratum in self.strata for case_id in stratum.picks)


def stratum_of(row: ClosedCase, strata: str) -> str:
    """The stratum name of *row*: its type, or ``type/region`` when the round stratifies by both."""
    return f"{row.type}/{row.region}" if strata == "type_region" else row.type


def sample_size(size: int, *, ratio: float, minimum: int) -> int:
    """ceil(ratio × size), at least *minimum*, at most *size* (Art. 5).

    The ratio is taken in its decimal notation (0.12 is twelve hundredths, not
    the nearest binary float), so 0.12 × 25 is 3 and not 4.
    """
    wanted = math.ceil(Decimal(repr(ratio)) * size)
    return min(size, max(wanted, minimum))


def draw_sample(population: Sequence[ClosedCase], *, round: Round, seed: str, population_sha256: str) -> Sample:
    """Art. 5: per stratum, the :func:`sample_size` lowest-ranked cases under ``sample:<stratum>``.

    Strata come in the schema's type order (then by region); picks in rank order.
    """
    groups: dict[str, list[CaseId]] = {}
    for row in population:
        groups.setdefault(stratum_of(row, round.sample_strata), []).append(row.case_id)
    strata = []
    for name in sorted(groups, key=lambda name: (_type_rank(name.split("/")[0]), name)):
        take = sample_size(len(groups[name]), ratio=round.sample_ratio, minimum=round.min_per_stratum)
        picks = ranked(groups[name], seed=seed, round_id=round.id, context=f"sample:{name}")[:take]
        strata.append(Stratum(name=name, size=len(groups[name]), take=take, picks=picks))
    return Sample(
        round=round.id,
        seed=seed,
        population=round.population,
        population_sha256=population_sha256,
        ratio=round.sample_ratio,
        strata_by=round.sample_strata,
        min_per_stratum=round.min_per_stratum,
        strata=tuple(strata),
    )


_CASE_FIELDS = (
    ("number", "/number", "number"),
    ("type", "/type", "type"),
    ("closed_on", "/closed_on", "closed_on"),
    ("handler_name", "/handler/name", "handler_name"),
    ("handler_licence_no", "/handler/licence_no", "handler_licence_no"),
    ("institution_name", "/institution/name", "institution_name"),
    ("institution_code", "/institution/code", "institution_code"),
    ("institution_region", "/institution/region", "region"),
)


def sample_problems(
    computed: Sample,
    recorded: Sample | None,
    *,
    records: RoundRecords,
    rows: Mapping[CaseId, ClosedCase],
    path: str,
    unreadable: Iterable[CaseId] = (),
) -> Iterator[Problem]:
    """Every difference between the recomputed sample and what the round records (``sample --verify``).

    *path* is where the sample is recorded (cases/<round>/sample.yaml);
    *unreadable* are case files that exist but did not load (their own problems
    say why). Private values (licence numbers) are compared but never printed.
    """
    skip = set(unreadable)
    if recorded is None:
        yield Problem(
            path, 0, 0, "W-SAMPLE-NOT-RECORDED", "本轮尚未记录抽样结果（sample.yaml）；运行 peereval sample 生成"
        )
    elif recorded != computed:
        source = recorded.source or Source(path)
        yield source.problem(
            "/strata", "E-SAMPLE-RECORD", f"记录的抽样结果与复算不符；复算抽中 {len(computed.picks)} 件"
        )
    picks = set(computed.picks)
    for case_id in computed.picks:
        if case_id not in records.cases and case_id not in skip:
            where = records.round.source.path.rsplit("/", 1)[0]
            yield Problem(
                f"{where}/{case_id}.yaml", 0, 0, "E-SAMPLE-MISSING-CASE", f"抽中的案件 {case_id} 没有案件文件"
            )
    for case_id, case in sorted(records.cases.items()):
        if case_id not in picks:
            yield case.source.problem("/id", "E-SAMPLE-NOT-DRAWN", f"案件 {case_id} 不在按种子复算的抽样结果中")
        elif case_id in rows:
            yield from _case_row_differences(case, rows[case_id])


def _case_row_differences(case: Case, row: ClosedCase) -> Iterator[Problem]:
    for attribute, pointer, column in _CASE_FIELDS:
        if getattr(case, attribute) != getattr(row, column):
            private = attribute == "handler_licence_no"
            shown = "（隐私字段，不显示）" if private else f"为 {getattr(row, column)}"
            yield case.source.problem(
                pointer,
                "E-SAMPLE-CASE-DIFFERS",
                f"字段 {pointer[1:].replace('/', '.')} 与结案清单第 {row.line} 行不符：清单中{shown}",
            )


# --- Who may sit (Art. 6(2), 7, 9, 25) ------------------------------------------------------------


def is_available(expert: Expert, day: date) -> bool:
    """Whether no ``unavailable`` period of *expert* covers *day*."""
    return not any(period.covers(day) for period in expert.unavailable)


def unfitness(expert: Expert, case_type: str, *, as_of: date, scheme: Scheme) -> tuple[str, ...]:
    """Why *expert* may not be drawn for a *case_type* panel on *as_of*; empty = in the pool.

    Art. 9: the type among the expert's specialties. Art. 7 and 6(2): eligible
    (:func:`peereval.rules.eligibility.ineligibility`). Art. 25: not barred.
    And no ``unavailable`` period covering *as_of*.
    """
    reasons = [] if case_type in expert.specialties else [f"专家 {expert.id} 的擅长类型中没有 {case_type}"]
    reasons += [reason.message for reason in ineligibility(expert, as_of=as_of, scheme=scheme)]
    if not reasons and is_barred(expert, as_of=as_of, scheme=scheme):
        reasons.append(f"专家 {expert.id} 在 {as_of} 被禁止参加评估（第25条）")
    if not is_available(expert, as_of):
        reasons.append(f"专家 {expert.id} 在 {as_of} 登记为不能参加评估")
    return tuple(reasons)


def eligible_pool(
    case_type: str, experts: Mapping[ExpertId, Expert], *, as_of: date, scheme: Scheme
) -> tuple[ExpertId, ...]:
    """The experts :func:`unfitness` lets sit on a *case_type* panel on *as_of*, by id."""
    return tuple(sorted(e.id for e in experts.values() if not unfitness(e, case_type, as_of=as_of, scheme=scheme)))


def panel_size(round: Round, scheme: Scheme) -> int:
    """Members per panel: round.yaml's ``panels.size``, never below ``scheme.panel_min_members`` (Art. 9)."""
    return max(round.panel_size or 0, scheme.panel_min_members)


# --- Recusal (Art. 10) ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Dismissal:
    """A detected conflict that the leading group found not to need recusal (Art. 10), with its reason."""

    case: CaseId
    expert: ExpertId
    ground: str
    on: date
    decision: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Decisions:
    """What the leading group decided and the draw takes as given (Art. 9, 10).

    ``designated``: panels formed by designation; ``recusals``: recusals it
    decided (source ``leading_group``); ``dismissals``: detected conflicts it
    dismissed.
    """

    designated: tuple[Panel, ...] = ()
    recusals: tuple[Recusal, ...] = ()
    dismissals: tuple[Dismissal, ...] = ()


def decisions_of(draw: PanelDraw | None, dismissals: Iterable[Dismissal] = ()) -> Decisions:
    """The decisions recorded in a committed panels.yaml: its designated panels and leading-group recusals."""
    if draw is None:
        return Decisions(dismissals=tuple(dismissals))
    return Decisions(
        designated=tuple(panel for panel in draw.panels if panel.method == "designated"),
        recusals=tuple(recusal for recusal in draw.recusals if recusal.source == "leading_group"),
        dismissals=tuple(dismissals),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    """One reason an expert may not evaluate a case: ground, source and evidence naming fields only."""

    ground: str
    source: str
    evidence: str
    decision: Decision | None = None


def normalise_name(name: str) -> str:
    """NFKC, then every whitespace removed: ``"张 三"``, ``"張三"`` stay apart, ``"张　三"`` is ``"张三"``."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _detected(expert: Expert, case: Case, *, regional: bool) -> Iterator[Conflict]:
    if expert.licence_no == case.handler_licence_no:
        yield Conflict(
            ground="10(1)", source="detected", evidence="专家即本案承办人（licence_no = handler.licence_no）"
        )
    if expert.firm_code == case.institution_code:
        yield Conflict(
            ground="10(1)",
            source="detected",
            evidence="专家所在律所代码与承办机构代码相同（firm.code = institution.code）",
        )
    people = [("承办人", "handler.name", case.handler_name), ("受援人", "client.name", case.client_name)]
    people += [("当事人", f"parties[{j}].name", name) for j, name in enumerate(case.parties)]
    for i, relative in enumerate(expert.relatives):
        for label, where, name in people:
            if normalise_name(relative.name) == normalise_name(name):
                evidence = f"专家近亲属姓名与{label}姓名相同（relatives[{i}].name = {where}）"
                yield Conflict(ground="10(2)", source="detected", evidence=evidence)
    if regional and normalise_name(expert.region) == normalise_name(case.institution_region):
        yield Conflict(
            ground="regional",
            source="detected",
            evidence="专家所在地区与承办机构所在地区相同（region = institution.region）",
        )


def _declared(expert: Expert, case: Case) -> Iterator[Conflict]:
    for i, interest in enumerate(expert.declared_interests):
        if interest.case == case.id:
            evidence = f"专家申报的利害关系涉及本案（declared_interests[{i}].case = id）"
        elif interest.institution_code is not None and interest.institution_code == case.institution_code:
            evidence = f"专家申报的利害关系涉及承办机构（declared_interests[{i}].institution_code = institution.code）"
        else:
            continue
        yield Conflict(ground=interest.ground, source="declared", evidence=evidence)


def conflicts(expert: Expert, case: Case, *, regional: bool, decisions: Decisions) -> tuple[Conflict, ...]:
    """Every Art. 10 reason for *expert* not to evaluate *case*, the one to record first.

    Leading-group recusals first, then detected grounds — 10(1) handler by
    licence number, 10(1) firm code = institution code, 10(2) a relative's
    normalised name equal to the handler's, the client's or a party's, the
    regional ground when *regional* — less those the leading group dismissed,
    then 10(3)/10(4) interests the expert declared for the case or its institution.
    """
    decided = [
        Conflict(ground=r.ground, source="leading_group", evidence=r.evidence, decision=r.decision)
        for r in decisions.recusals
        if r.case == case.id and r.expert == expert.id
    ]
    dismissed = {d.ground for d in decisions.dismissals if d.case == case.id and d.expert == expert.id}
    detected = [c for c in _detected(expert, case, regional=regional) if c.ground not in dismissed]
    return tuple(decided + detected + list(_declared(expert, case)))


def dismissal_problems(decisions: Decisions, *, path: str) -> Iterator[Problem]:
    """A dismissal may only concern a detected ground (10(1), 10(2), regional) and must give a reason."""
    for index, dismissal in enumerate(decisions.dismissals):
        if dismissal.ground not in DETECTED_GROUNDS or not dismissal.reason.strip():
            yield Problem(
                path,
                0,
                0,
                "E-ART10-DISMISSAL",
                f"领导小组只能排除自动发现的回避情形（10(1)、10(2)、地区回避），且须写明理由；第 {index + 1} 项不符",
                f"/dismissed/{index}",
            )


# --- The panel draw (Art. 9, 10, 17) --------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Draw:
    """A computed draw: what panels.yaml should hold, and what kept it from meeting the scheme."""

    round: RoundId
    drawn_on: date
    seed: str
    pool: dict[str, tuple[ExpertId, ...]]
    panels: tuple[Panel, ...]
    recusals: tuple[Recusal, ...]
    problems: tuple[Problem, ...]

    def as_panel_draw(self, source: Source) -> PanelDraw:
        """The draw as the record :mod:`peereval.load` would build from its panels.yaml."""
        by_case: dict[CaseId, tuple[Panel, ...]] = {}
        for panel in self.panels:
            for case_id in panel.cases:
                by_case[case_id] = by_case.get(case_id, ()) + (panel,)
        recusals: dict[CaseId, tuple[Recusal, ...]] = {}
        for recusal in self.recusals:
            recusals[recusal.case] = recusals.get(recusal.case, ()) + (recusal,)
        return PanelDraw(
            source=source,
            round=self.round,
            drawn_on=self.drawn_on,
            seed=self.seed,
            pool=self.pool,
            panels=self.panels,
            recusals=self.recusals,
            panels_by_case=by_case,
            recusals_by_case=recusals,
        )


@dataclass
class _Tally:
    """Which panels each expert sits on so far (as member or as a case's replacement)."""

    cap: int
    seats: dict[ExpertId, set[PanelId]] = field(default_factory=dict)

    def can_join(self, expert: ExpertId, panel: PanelId) -> bool:
        held = self.seats.get(expert, set())
        return panel in held or len(held) < self.cap

    def join(self, expert: ExpertId, panel: PanelId) -> None:
        self.seats.setdefault(expert, set()).add(panel)


class _Drawer:
    """One run of :func:`draw_panels`; mutable only while it runs."""

    def __init__(
        self,
        *,
        round: Round,
        cases: Mapping[CaseId, Case],
        experts: Mapping[ExpertId, Expert],
        scheme: Scheme,
        drawn_on: date,
        seed: str,
        decisions: Decisions,
    ) -> None:
        self.round, self.cases, self.experts, self.scheme = round, cases, experts, scheme
        self.drawn_on, self.seed, self.decisions = drawn_on, seed, decisions
        self.path = f"cases/{round.id}/panels.yaml"
        self.tally = _Tally(round.max_panels_per_expert)
        self.pools: dict[str, tuple[ExpertId, ...]] = {}
        self.eligible: dict[str, tuple[ExpertId, ...]] = {}
        self.panels: list[Panel] = []
        self.recusals: list[Recusal] = []
        self.problems: list[Problem] = list(dismissal_problems(decisions, path=self.path))

    def rank(self, candidates: Iterable[ExpertId], context: str) -> tuple[ExpertId, ...]:
        return ranked(candidates, seed=self.seed, round_id=self.round.id, context=context)

    def pool(self, case_type: str) -> tuple[ExpertId, ...]:
        if case_type not in self.eligible:
            self.eligible[case_type] = eligible_pool(case_type, self.experts, as_of=self.drawn_on, scheme=self.scheme)
        return self.eligible[case_type]

    def problem(self, code: str, message: str, pointer: str = "") -> None:
        self.problems.append(Problem(self.path, 0, 0, code, message, pointer))

    def run(self) -> Draw:
        designated = self.decisions.designated
        for panel in designated:
            for member in panel.members:
                self.tally.join(member, panel.id)
        taken = {case_id for panel in designated for case_id in panel.cases}
        types = [case.type for case in self.cases.values()] + [panel.case_type for panel in designated]
        for case_type in _type_order(types):
            for panel in designated:
                if panel.case_type == case_type:
                    self.staff(panel, drawn=False)
            remaining = [case.id for case in self.cases.values() if case.type == case_type and case.id not in taken]
            self.draw_type(case_type, remaining, {panel.id for panel in designated})
        return Draw(
            round=self.round.id,
            drawn_on=self.drawn_on,
            seed=self.seed,
            pool=self.pools,
            panels=tuple(self.panels),
            recusals=tuple(replace(recusal, index=index) for index, recusal in enumerate(self.recusals)),
            problems=tuple(self.problems),
        )

    def draw_type(self, case_type: str, remaining: Sequence[CaseId], reserved: set[PanelId]) -> None:
        """Art. 9: ceil(cases / cases_per_panel) panels; cases dealt in ranked order, in turn."""
        if not remaining:
            return
        order = ranked(remaining, seed=self.seed, round_id=self.round.id, context=f"assign:{case_type}")
        count = math.ceil(len(order) / self.round.cases_per_panel)
        ids: list[PanelId] = []
        number = 0
        while len(ids) < count:
            number += 1
            candidate = PanelId(f"P-{case_type}-{number}")
            if candidate not in reserved:
                ids.append(candidate)
        for position, panel_id in enumerate(ids):
            self.draw_panel(panel_id, case_type, order[position::count])

    def draw_panel(self, panel_id: PanelId, case_type: str, cases: tuple[CaseId, ...]) -> None:
        candidates = tuple(
            e for e in self.rank(self.pool(case_type), f"panel:{panel_id}") if self.tally.can_join(e, panel_id)
        )
        self.pools[panel_id] = candidates
        members = candidates[: panel_size(self.round, self.scheme)]
        for member in members:
            self.tally.join(member, panel_id)
        if len(members) < self.scheme.panel_min_members:
            self.problem(
                "E-ART9-PANEL-SIZE",
                f"专家组 {panel_id} 只能抽到 {len(members)} 名合格专家，至少应有 {self.scheme.panel_min_members} 名",
            )
        panel = Panel(
            index=0,
            id=panel_id,
            case_type=case_type,
            method="random",
            designation=None,
            members=members,
            writer=members[0] if members else ExpertId(""),
            cases=cases,
        )
        self.staff(panel, drawn=True)

    def staff(self, panel: Panel, *, drawn: bool) -> None:
        """Recusals and replacements for each case of *panel*, then its writer (Art. 10, 17)."""
        start = len(self.recusals)
        for case_id in panel.cases:
            case = self.cases.get(case_id)
            if case is not None:
                self.recuse(panel, case)
        if not drawn:
            self.check_designated(panel)
        recused = {r.expert for r in self.recusals[start:]}
        writer = panel.writer if not drawn else next((m for m in panel.members if m not in recused), panel.writer)
        if writer in recused:
            self.problem("W-DRAW-WRITER-RECUSED", f"专家组 {panel.id} 出具汇总表的专家 {writer} 须回避其中的案件")
        self.panels.append(
            Panel(
                index=len(self.panels),
                id=panel.id,
                case_type=panel.case_type,
                method=panel.method,
                designation=panel.designation,
                members=panel.members,
                writer=writer,
                cases=panel.cases,
            )
        )

    def recuse(self, panel: Panel, case: Case) -> None:
        """Members in conflict with *case* make way for replacements; leading-group recusals of others are kept."""
        vacated: list[Recusal] = []
        for member in panel.members:
            expert = self.experts.get(member)
            found = (
                conflicts(expert, case, regional=self.round.regional_recusal, decisions=self.decisions)
                if expert
                else ()
            )
            if found:
                vacated.append(_recusal(case.id, member, found[0]))
        sitting, left = set(panel.members), len(panel.members) - len(vacated)
        for number, recusal in enumerate(vacated, start=1):
            replacement = self.replacement(panel, case, number, sitting)
            if replacement is not None:
                sitting.add(replacement)
                left += 1
            self.recusals.append(replace(recusal, replacement=replacement))
        for decided in self.decisions.recusals:
            if decided.case == case.id and decided.expert not in sitting:
                sitting.add(decided.expert)
                self.recusals.append(_recusal(case.id, decided.expert, _decided(decided)))
        if vacated and left < self.scheme.panel_min_members:
            self.problem(
                "E-ART9-PANEL-SIZE",
                f"案件 {case.id} 回避后只有 {left} 名专家评估，且无合格专家可递补（至少 {self.scheme.panel_min_members} 名）",
            )

    def replacement(self, panel: Panel, case: Case, number: int, sitting: set[ExpertId]) -> ExpertId | None:
        """Art. 10, last paragraph: the lowest-ranked qualified expert under ``replace:<case>:<n>``."""
        for candidate in self.rank(self.pool(case.type), f"replace:{case.id}:{number}"):
            if candidate in sitting or not self.tally.can_join(candidate, panel.id):
                continue
            if conflicts(self.experts[candidate], case, regional=self.round.regional_recusal, decisions=self.decisions):
                continue
            self.tally.join(candidate, panel.id)
            return candidate
        return None

    def check_designated(self, panel: Panel) -> None:
        for case_id in panel.cases:
            case = self.cases.get(case_id)
            if case is not None and not case.difficult:
                self.problem(
                    "E-ART9-DESIGNATED-NOT-DIFFICULT",
                    f"案件 {case_id} 未标为重大疑难复杂（difficult），不能由直接指定的专家组 {panel.id} 评估",
                )
        for member in panel.members:
            expert = self.experts.get(member)
            if expert is not None and not is_available(expert, self.drawn_on):
                self.problem("E-DRAW-UNAVAILABLE", f"专家 {member} 在 {self.drawn_on} 登记为不能参加评估")


def _decided(recusal: Recusal) -> Conflict:
    return Conflict(ground=recusal.ground, source="leading_group", evidence=recusal.evidence, decision=recusal.decision)


def _recusal(case: CaseId, expert: ExpertId, conflict: Conflict) -> Recusal:
    return Recusal(
        index=0,
        case=case,
        expert=expert,
        ground=conflict.ground,
        source=conflict.source,
        evidence=conflict.evidence,
        decision=conflict.decision,
        replacement=None,
    )


def draw_panels(
    *,
    round: Round,
    cases: Mapping[CaseId, Case],
    experts: Mapping[ExpertId, Expert],
    scheme: Scheme,
    drawn_on: date,
    seed: str,
    decisions: Decisions,
) -> Draw:
    """Art. 9, 10, 17: the panels of a round, drawn on *drawn_on* with *seed*.

    Case types are taken in the schema's order. Designated panels (the leading
    group's, from *decisions*) keep their members, writer and cases and count
    first towards ``max_panels_per_expert``. The other cases of a type are
    ranked under ``assign:<type>`` and dealt in turn to ceil(n / cases_per_panel)
    panels ``P-<type>-1``, ``P-<type>-2``… (numbers a designated panel took are
    skipped). Each panel's candidates are the type's :func:`eligible_pool`
    below the cap, ranked under ``panel:<panel>``; the first :func:`panel_size`
    are its members. Then, per case (in panel order) and member (in rank order),
    the first :func:`conflicts` entry is recorded as a recusal and the vacancy
    goes to the lowest-ranked qualified expert under ``replace:<case>:<n>``
    who does not sit on the case, has no conflict with it and is below the cap
    (a replacement sits on that panel for the cap). Art. 17: the writer is the
    lowest-ranked member recused from none of the panel's cases (else the
    lowest-ranked member, with a warning).
    """
    drawer = _Drawer(
        round=round, cases=cases, experts=experts, scheme=scheme, drawn_on=drawn_on, seed=seed, decisions=decisions
    )
    return drawer.run()


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
    dismissals: Iterable[Dismissal] = (),
) -> ReviewDraw:
    """:func:`draw_review` for a case of *records*, excluding its :func:`first_evaluators`."""
    return draw_review(
        records.cases[case_id],
        round=records.round,
        experts=experts,
        scheme=scheme,
        decisions=decisions_of(records.draw, dismissals),
        excluded=first_evaluators(records, case_id),
        assigned_on=assigned_on,
        seed=seed,
    )


# --- Verification -----------------------------------------------------------------------------------


def verify_draw(
    records: RoundRecords,
    *,
    experts: Mapping[ExpertId, Expert],
    scheme: Scheme,
    dismissals: Iterable[Dismissal] = (),
) -> Iterator[Problem]:
    """Every difference between a round's committed draw and the draw recomputed from the committed data.

    Recomputes :func:`draw_panels` with the round's seed, panels.yaml's
    ``drawn_on`` and its decisions (designated panels, leading-group recusals),
    then each re-review group (:func:`draw_review`, with the group's recorded
    seed or the round's). Reports what :mod:`peereval.rules.draw_checks` does
    not: members, writers, cases, pools, recusals and replacements that differ;
    a case left below the minimum by recusal; a designated panel of cases not
    marked difficult or with an unavailable member; a replacement over the cap.
    """
    draw = records.draw
    if draw is None:
        return
    seed = records.round.seed_value
    if seed is None:
        yield draw.source.problem("/seed", "E-DRAW-SEED", "round.yaml 尚未填入种子（seed.value），无法复算抽取结果")
        return
    if draw.seed != seed:
        yield draw.source.problem("/seed", "E-DRAW-SEED", f"抽取所用种子应为 round.yaml 的 seed.value（{seed}）")
    decisions = decisions_of(draw, dismissals)
    computed = draw_panels(
        round=records.round,
        cases=records.cases,
        experts=experts,
        scheme=scheme,
        drawn_on=draw.drawn_on,
        seed=seed,
        decisions=decisions,
    )
    why = _Why(experts=experts, scheme=scheme, round=records.round, as_of=draw.drawn_on, computed=computed)
    yield from (p for p in computed.problems if p.code == "E-ART10-DISMISSAL")
    yield from _panel_differences(draw, computed, why)
    yield from _recusal_differences(records, draw, computed)
    yield from _pool_differences(draw, computed)
    yield from _committed_problems(records, draw, experts, scheme)
    for case_id in sorted(records.objections):
        yield from _review_differences(records, case_id, experts, scheme, tuple(dismissals))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Why:
    """Why an expert is not where the draw puts them, in Chinese, for messages."""

    experts: Mapping[ExpertId, Expert]
    scheme: Scheme
    round: Round
    as_of: date
    computed: Draw

    def member(self, expert_id: ExpertId, panel: Panel) -> str | None:
        expert = self.experts.get(expert_id)
        if expert is None:
            return None  # draw_checks reports an unknown expert
        reasons = unfitness(expert, panel.case_type, as_of=self.as_of, scheme=self.scheme)
        if reasons:
            return "；".join(reasons)
        pool = self.computed.pool.get(panel.id)
        if pool is None:
            return "复算结果中没有这个专家组"
        if expert_id not in pool:
            return f"抽取本组时已参加 {self.round.max_panels_per_expert} 个专家组，达到本轮上限"
        return f"在本组候选排序（panel:{panel.id}）中居第 {pool.index(expert_id) + 1} 位，只取前 {panel_size(self.round, self.scheme)} 位"


def _names(ids: Iterable[str]) -> str:
    return "、".join(ids) or "（无）"


def _panel_differences(draw: PanelDraw, computed: Draw, why: _Why) -> Iterator[Problem]:
    source, expected, seen = draw.source, {p.id: p for p in computed.panels}, set()
    for panel in draw.panels:
        at, other = f"/panels/{panel.index}", expected.get(panel.id)
        if other is None or panel.id in seen:
            yield source.problem(at, "E-DRAW-PANEL-UNEXPECTED", f"按种子复算，不应有专家组 {panel.id}")
            continue
        seen.add(panel.id)
        if set(panel.cases) != set(other.cases):
            yield source.problem(f"{at}/cases", "E-DRAW-CASES", f"专家组 {panel.id} 的案件应为 {_names(other.cases)}")
        for position, member in enumerate(panel.members):
            reason = why.member(member, other)
            if member not in other.members and reason is not None:
                yield source.problem(
                    f"{at}/members/{position}",
                    "E-DRAW-MEMBER",
                    f"专家 {member} 不应是专家组 {panel.id} 的成员：{reason}；复算成员为 {_names(other.members)}",
                )
        missing = [m for m in other.members if m not in panel.members]
        if missing:
            yield source.problem(
                f"{at}/members", "E-DRAW-MEMBER-MISSING", f"专家组 {panel.id} 缺少抽中的专家 {_names(missing)}"
            )
        if panel.writer != other.writer:
            yield source.problem(
                f"{at}/writer", "E-DRAW-WRITER", f"专家组 {panel.id} 出具汇总表的专家应为 {other.writer}"
            )
    for panel in computed.panels:
        if panel.id not in seen:
            yield source.problem(
                "/panels", "E-DRAW-PANEL-MISSING", f"缺少专家组 {panel.id}（{panel.case_type}：{_names(panel.cases)}）"
            )


def _recusal_differences(records: RoundRecords, draw: PanelDraw, computed: Draw) -> Iterator[Problem]:
    source, expected, seen = draw.source, {(r.case, r.expert): r for r in computed.recusals}, set()
    for recusal in draw.recusals:
        at, key = f"/recusals/{recusal.index}", (recusal.case, recusal.expert)
        other = expected.get(key)
        if recusal.case not in records.cases:
            continue  # draw_checks reports an unknown case
        if other is None or key in seen:
            yield source.problem(
                at, "E-DRAW-RECUSAL-UNEXPECTED", f"按复算，专家 {recusal.expert} 无须回避案件 {recusal.case}"
            )
            continue
        seen.add(key)
        if (recusal.ground, recusal.source) != (other.ground, other.source):
            yield source.problem(
                f"{at}/ground",
                "E-DRAW-RECUSAL",
                f"回避情形应为 {other.ground}（{other.source}）；实际为 {recusal.ground}（{recusal.source}）",
            )
        if recusal.replacement != other.replacement:
            yield source.problem(
                f"{at}/replacement" if recusal.replacement else at,
                "E-DRAW-REPLACEMENT",
                f"案件 {recusal.case} 的递补专家应为 {other.replacement or '（无人可递补）'}；实际为 {recusal.replacement or '（未写）'}",
            )
    for key, other in expected.items():
        if key not in seen:
            yield source.problem(
                _member_pointer(draw, other.case, other.expert),
                "E-DRAW-RECUSAL-MISSING",
                f"专家 {other.expert} 须回避案件 {other.case}（第{other.ground}项）：{other.evidence}",
            )


def _member_pointer(draw: PanelDraw, case_id: CaseId, expert: ExpertId) -> str:
    for panel in panels_of(draw, case_id):
        if expert in panel.members:
            return f"/panels/{panel.index}/members/{panel.members.index(expert)}"
    return "/recusals"


def _pool_differences(draw: PanelDraw, computed: Draw) -> Iterator[Problem]:
    if not draw.pool:
        return  # the pool is optional: a record, not an input
    for name in sorted(set(draw.pool) | set(computed.pool)):
        expected = computed.pool.get(name)
        if draw.pool.get(name) == expected:
            continue
        pointer = f"/pool/{name}" if name in draw.pool else "/pool"
        if expected is None:
            message = f"专家组 {name} 不是随机抽取的专家组，不应列候选名单"
        else:
            message = f"专家组 {name} 的候选名单（按排序）应为 {_names(expected)}"
        yield draw.source.problem(pointer, "E-DRAW-POOL", message)


def _committed_problems(
    records: RoundRecords, draw: PanelDraw, experts: Mapping[ExpertId, Expert], scheme: Scheme
) -> Iterator[Problem]:
    source = draw.source
    for panel in draw.panels:
        at = f"/panels/{panel.index}"
        recused_writer = False
        for position, case_id in enumerate(panel.cases):
            case = records.cases.get(case_id)
            if panel.method == "designated" and case is not None and not case.difficult:
                yield source.problem(
                    f"{at}/cases/{position}",
                    "E-ART9-DESIGNATED-NOT-DIFFICULT",
                    f"案件 {case_id} 未标为重大疑难复杂（difficult: true），不能交直接指定的专家组评估",
                )
            count = len(scorers(draw, case_id))
            if len(panel.members) >= scheme.panel_min_members and count < scheme.panel_min_members:
                yield source.problem(
                    f"{at}/cases/{position}",
                    "E-ART9-PANEL-SIZE",
                    f"案件 {case_id} 回避后只有 {count} 名专家评估，至少应有 {scheme.panel_min_members} 名",
                )
            recused_writer |= any(r.expert == panel.writer for r in draw.recusals_by_case.get(case_id, ()))
        if recused_writer:
            yield source.problem(
                f"{at}/writer", "W-DRAW-WRITER-RECUSED", f"出具汇总表的专家 {panel.writer} 须回避本组的案件"
            )
        for position, member in enumerate(panel.members):
            expert = experts.get(member)
            if panel.method == "designated" and expert is not None and not is_available(expert, draw.drawn_on):
                yield source.problem(
                    f"{at}/members/{position}",
                    "E-DRAW-UNAVAILABLE",
                    f"专家 {member} 在 {draw.drawn_on} 登记为不能参加评估",
                )
    yield from _replacement_cap_problems(records, draw)


def _replacement_cap_problems(records: RoundRecords, draw: PanelDraw) -> Iterator[Problem]:
    cap = records.round.max_panels_per_expert
    members: dict[ExpertId, set[PanelId]] = {}
    for panel in draw.panels:
        for member in panel.members:
            members.setdefault(member, set()).add(panel.id)
    seats = {expert: set(held) for expert, held in members.items()}
    for recusal in draw.recusals:
        if recusal.replacement is not None:
            for panel in panels_of(draw, recusal.case):
                seats.setdefault(recusal.replacement, set()).add(panel.id)
    for recusal in draw.recusals:
        expert = recusal.replacement
        if expert is not None and len(seats.get(expert, ())) > cap and len(members.get(expert, ())) <= cap:
            yield draw.source.problem(
                f"/recusals/{recusal.index}/replacement",
                "E-ART9-PANEL-CAP",
                f"专家 {expert} 连同递补共参加 {len(seats[expert])} 个专家组，超过本轮上限 {cap} 个",
            )


def _review_differences(
    records: RoundRecords,
    case_id: CaseId,
    experts: Mapping[ExpertId, Expert],
    scheme: Scheme,
    dismissals: tuple[Dismissal, ...],
) -> Iterator[Problem]:
    objection = records.objections[case_id]
    panel, case, seed = objection.review_panel, records.cases.get(case_id), records.round.seed_value
    if panel is None or case is None or seed is None:
        return
    computed = review_draw_for(
        records,
        case_id,
        experts=experts,
        scheme=scheme,
        assigned_on=panel.assigned_on,
        seed=panel.seed or seed,
        dismissals=dismissals,
    )
    source = objection.source
    for position, member in enumerate(panel.members):
        if member not in computed.members and member in experts and member not in computed.excluded:
            reasons = unfitness(experts[member], case.type, as_of=panel.assigned_on, scheme=scheme)
            found = conflicts(
                experts[member],
                case,
                regional=records.round.regional_recusal,
                decisions=decisions_of(records.draw, dismissals),
            )
            why = "；".join(reasons) or (
                f"须回避：{found[0].evidence}" if found else f"复算成员为 {_names(computed.members)}"
            )
            yield source.problem(
                f"/review_panel/members/{position}", "E-DRAW-MEMBER", f"专家 {member} 不应是复查组成员：{why}"
            )
    missing = [m for m in computed.members if m not in panel.members]
    if missing:
        yield source.problem(
            "/review_panel/members", "E-DRAW-MEMBER-MISSING", f"复查组缺少抽中的专家 {_names(missing)}"
        )
    if computed.writer is not None and panel.writer != computed.writer:
        yield source.problem("/review_panel/writer", "E-DRAW-WRITER", f"出具复查结论的专家应为 {computed.writer}")


# --- Load (``draw --report``) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpertLoad:
    """What one expert evaluates in a round: panels (as member or replacement), cases, re-reviews."""

    expert: ExpertId
    panels: tuple[PanelId, ...]
    cases: tuple[CaseId, ...]
    reviews: tuple[CaseId, ...]


def expert_loads(records: RoundRecords) -> tuple[ExpertLoad, ...]:
    """Each expert's panels, scored cases and re-review cases in *records*, by expert id."""
    panels: dict[ExpertId, set[PanelId]] = {}
    cases: dict[ExpertId, set[CaseId]] = {}
    reviews: dict[ExpertId, set[CaseId]] = {}
    draw = records.draw
    if draw is not None:
        for panel in draw.panels:
            for case_id in panel.cases:
                for expert in scorers(draw, case_id):
                    panels.setdefault(expert, set()).add(panel.id)
                    cases.setdefault(expert, set()).add(case_id)
            for member in panel.members:
                panels.setdefault(member, set()).add(panel.id)
    for case_id, objection in records.objections.items():
        for member in objection.review_panel.members if objection.review_panel else ():
            reviews.setdefault(member, set()).add(case_id)
    return tuple(
        ExpertLoad(
            expert=expert,
            panels=tuple(sorted(panels.get(expert, ()))),
            cases=tuple(sorted(cases.get(expert, ()))),
            reviews=tuple(sorted(reviews.get(expert, ()))),
        )
        for expert in sorted(set(panels) | set(reviews))
    )
