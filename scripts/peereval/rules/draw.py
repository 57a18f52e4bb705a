"""The panel draw (Art. 9, 10, 17) and each expert's load.

Panels are formed per case type by the ranking rule (:mod:`peereval.rules.ranking`):
cases dealt under ``assign:<type>``, members ranked under ``panel:<panel>``,
vacancies after recusal (:mod:`peereval.rules.recusal`) filled under
``replace:<case>:<n>``. :mod:`peereval.rules.draw_verify` recomputes a committed
draw and reports every difference. docs/draw.md states the rules for people.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from peereval.model import (
    Case,
    CaseId,
    Dismissal,
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
from peereval.rules.panels import scorers
from peereval.rules.ranking import ranked, type_order
from peereval.rules.recusal import (
    Conflict,
    Decisions,
    conflicts,
    dismissal_problems,
    eligible_pool,
    is_available,
    panel_size,
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
    dismissals: tuple[Dismissal, ...]
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
            dismissals=self.dismissals,
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
        self.problems: list[Problem] = list(
            dismissal_problems(decisions, cases=cases, experts=experts, regional=round.regional_recusal, path=self.path)
        )

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
        for case_type in type_order(types):
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
            dismissals=self.decisions.dismissals,
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
