"""The verifiable draws: ranking, sample, pool, recusal, panels, re-review groups and their verification.

Records come from the minimal repository (tests/minirepo.py) through the real
loader, then vary by ``dataclasses.replace``; verification tests write
panels.yaml as ``peereval draw`` would and load it back, so lines are checked.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peereval.cli.draw import panels_text
from peereval.load.population import parse_population
from peereval.load.repo import load_repository
from peereval.model import (
    Case,
    CaseId,
    Decision,
    DeclaredInterest,
    Designation,
    Expert,
    ExpertId,
    Misconduct,
    Panel,
    PanelId,
    Penalty,
    Period,
    Recusal,
    Relative,
    Repository,
    Round,
    RoundId,
    Scheme,
    Source,
)
from peereval.rules.draw import Draw, draw_panels
from peereval.rules.draw_verify import verify_draw
from peereval.rules.panels import scorers
from peereval.rules.ranking import rank_key, ranked
from peereval.rules.recusal import Decisions, Dismissal, conflicts, eligible_pool, normalise_name, unfitness
from peereval.rules.review_draw import draw_review
from peereval.rules.sample import draw_sample, sample_size
from tests.minirepo import files, write

DRAWN_ON = date(2025, 9, 10)
SEED = "01 02 03"


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    loaded = load_repository(write(Path(tmp_path_factory.mktemp("minirepo")), files()))
    assert loaded.problems == []
    return loaded.repository


def _base(repository: Repository) -> tuple[Scheme, Round, Expert, Case]:
    records = repository.rounds[RoundId("2025")]
    assert repository.scheme is not None
    return repository.scheme, records.round, repository.experts[ExpertId("E0001")], records.cases[CaseId("QZ2025-001")]


class World:
    """Builders over the minimal repository's records: ``expert(7, region=…)``, ``case(3, …)``, ``draw(…)``."""

    def __init__(self, repository: Repository) -> None:
        self.scheme, self.round, self.base_expert, self.base_case = _base(repository)

    def expert(self, number: int, **changes: object) -> Expert:
        fields: dict[str, object] = {
            "id": ExpertId(f"E{number:04d}"),
            "name": f"专家{number}",
            "licence_no": f"{35050000000000000 + number}",
            "firm_code": f"LF{number:02d}",
            "region": "鲤城区",
            "specialties": ("criminal",),
        }
        return replace(self.base_expert, **{**fields, **changes})  # type: ignore[arg-type]

    def case(self, number: int, **changes: object) -> Case:
        fields: dict[str, object] = {"id": CaseId(f"QZ2025-{number:03d}"), "institution_code": "QZLF99"}
        return replace(self.base_case, **{**fields, **changes})  # type: ignore[arg-type]

    def draw(
        self,
        experts: Iterable[Expert],
        cases: Iterable[Case],
        *,
        seed: str = SEED,
        decisions: Decisions | None = None,
        **round_changes: object,
    ) -> Draw:
        return draw_panels(
            round=replace(self.round, **round_changes),  # type: ignore[arg-type]
            cases={case.id: case for case in cases},
            experts={expert.id: expert for expert in experts},
            scheme=self.scheme,
            drawn_on=DRAWN_ON,
            seed=seed,
            decisions=decisions or Decisions(),
        )


@pytest.fixture(scope="module")
def world(repository: Repository) -> World:
    return World(repository)


def scoring(result: Draw, case: str) -> tuple[ExpertId, ...]:
    return scorers(result.as_panel_draw(Source("x")), CaseId(case))


# --- The ranking rule ---------------------------------------------------------------------------

GOLDEN = [
    (
        "03 11 17 22 28 31 09",
        "2025",
        "sample:criminal",
        "QZ2025-001",
        "9445ca798f39f78176412720250010ec3d3e1f840ba7520391302e5fdfe643f7",
    ),
    (
        "01 02 03",
        "2025",
        "panel:P-criminal-1",
        "E0001",
        "80f46051252fd3d21b713cf180728035eae5936a260a8c519709ef8215d49a67",
    ),
    (
        "01 02 03",
        "2025",
        "panel:P-criminal-1",
        "E0002",
        "964a5480494c0109a2d749378c2b4221453b4bfbd8450619511881467cf51334",
    ),
    (
        "01 02 03",
        "2025",
        "panel:P-criminal-1",
        "E0003",
        "ce16026370eb927a2f7c63bef16450d340c7e76e97d1857c5a0a6938e0f856f0",
    ),
    (
        "01 02 03",
        "2025",
        "replace:QZ2025-001:1",
        "E0003",
        "19eed4bdf49d6a0e9f085879a3be44ac22746a45465cd3cb39de16065b04c486",
    ),
    (
        "01 02 03",
        "2025",
        "review:QZ2025-002",
        "E0003",
        "054e682359fcc892a3ee5c3ba20bdbdc96ea1e66a402308774de79e5e3f72c97",
    ),
    (
        "01 02 03",
        "2025",
        "sample:criminal/鲤城区",
        "QZ2025-001",
        "94eba0feb128a62864124add4f8eac753f2486c6c8684dcad45501bca5465ff1",
    ),
]


@pytest.mark.article("9")
@pytest.mark.parametrize(("seed", "round_id", "context", "candidate", "digest"), GOLDEN, ids=[g[2] for g in GOLDEN])
def test_the_rank_key_is_the_sha256_of_the_documented_string(
    seed: str, round_id: str, context: str, candidate: str, digest: str
) -> None:
    assert rank_key(seed=seed, round_id=round_id, context=context, candidate=candidate) == digest


@pytest.mark.article("9")
def test_candidates_are_ranked_by_ascending_digest() -> None:
    assert ranked(["E0003", "E0002", "E0001"], seed=SEED, round_id="2025", context="panel:P-criminal-1") == (
        "E0001",
        "E0002",
        "E0003",
    )
    assert ranked(["E0001", "E0002", "E0003"], seed="x", round_id="2025", context="panel:P-criminal-1") == tuple(
        sorted(
            ["E0001", "E0002", "E0003"],
            key=lambda e: hashlib.sha256(f"x|2025|panel:P-criminal-1|{e}".encode()).hexdigest(),
        )
    )


# --- Sampling -----------------------------------------------------------------------------------


@pytest.mark.article("5")
@pytest.mark.parametrize(
    ("size", "ratio", "minimum", "expected"),
    [(25, 0.12, 0, 3), (26, 0.12, 0, 4), (80, 0.12, 3, 10), (10, 0.12, 3, 3), (2, 0.12, 3, 2), (7, 1.0, 0, 7)],
    ids=["decimal_not_binary", "ceiling", "ratio", "minimum", "whole_stratum", "everything"],
)
def test_a_stratum_gives_ceil_of_ratio_times_size_but_at_least_the_minimum(
    size: int, ratio: float, minimum: int, expected: int
) -> None:
    assert sample_size(size, ratio=ratio, minimum=minimum) == expected


HEADER = "case_id,number,type,closed_on,handler_name,handler_licence_no,institution_name,institution_code,region\n"


def csv_row(number: int, case_type: str = "criminal", closed_on: str = "2025-03-01", region: str = "鲤城区") -> str:
    return f"QZ2025-{number:03d},第{number}号,{case_type},{closed_on},承办人{number},35050000000009{number:03d},律所,QZLF99,{region}\n"


PERIOD = Period(start=date(2025, 1, 1), end=date(2025, 6, 30))


@pytest.mark.article("5")
def test_the_sample_takes_the_lowest_ranked_cases_of_each_stratum(world: World) -> None:
    text = HEADER + "".join(csv_row(n, "criminal" if n <= 20 else "civil") for n in range(1, 31))
    population = parse_population("cases/2025/closed-cases.csv", text.encode(), closed_between=PERIOD)
    assert population.problems == ()
    round_ = replace(world.round, sample_ratio=0.1, min_per_stratum=3)
    sample = draw_sample(population.rows, round=round_, seed=SEED, population_sha256=population.sha256)
    assert [(s.name, s.size, s.take) for s in sample.strata] == [("criminal", 20, 3), ("civil", 10, 3)]
    criminal = [f"QZ2025-{n:03d}" for n in range(1, 21)]
    assert sample.strata[0].picks == ranked(criminal, seed=SEED, round_id="2025", context="sample:criminal")[:3]


@pytest.mark.article("5")
def test_strata_by_type_and_region_are_named_type_slash_region(world: World) -> None:
    text = HEADER + "".join(csv_row(n, region="鲤城区" if n % 2 else "丰泽区") for n in range(1, 9))
    population = parse_population("p.csv", text.encode(), closed_between=PERIOD)
    round_ = replace(world.round, sample_strata="type_region", min_per_stratum=1)
    sample = draw_sample(population.rows, round=round_, seed=SEED, population_sha256="")
    assert [s.name for s in sample.strata] == ["criminal/丰泽区", "criminal/鲤城区"]


@pytest.mark.article("5")
def test_the_sample_depends_only_on_the_rows_not_their_order(world: World) -> None:
    rows = [csv_row(n) for n in range(1, 41)]
    forward = parse_population("p.csv", (HEADER + "".join(rows)).encode(), closed_between=PERIOD)
    backward = parse_population("p.csv", (HEADER + "".join(reversed(rows))).encode(), closed_between=PERIOD)
    one = draw_sample(forward.rows, round=world.round, seed=SEED, population_sha256="")
    other = draw_sample(backward.rows, round=world.round, seed=SEED, population_sha256="")
    assert one.strata == other.strata


BAD_EXPORTS = [
    ("duplicate_id", csv_row(1) + csv_row(1).replace("第1号", "第9号"), [(3, "E-CSV-DUPLICATE")]),
    ("duplicate_number", csv_row(1) + csv_row(2).replace("第2号", "第1号"), [(3, "E-CSV-DUPLICATE")]),
    ("unknown_type", csv_row(1) + csv_row(2, "family"), [(3, "E-CSV-UNKNOWN-TYPE")]),
    ("closed_too_late", csv_row(1, closed_on="2025-07-01"), [(2, "E-DATE-CLOSED-OUTSIDE-PERIOD")]),
    ("closed_too_early", csv_row(1, closed_on="2024-12-31"), [(2, "E-DATE-CLOSED-OUTSIDE-PERIOD")]),
    ("bad_date", csv_row(1, closed_on="2025-02-30"), [(2, "E-CSV-MALFORMED")]),
    ("short_row", "QZ2025-001,第1号,criminal\n", [(2, "E-CSV-MALFORMED")]),
    ("empty_field", csv_row(1).replace("承办人1", ""), [(2, "E-CSV-MALFORMED")]),
    ("bad_licence", csv_row(1).replace("35050000000009001", "123"), [(2, "E-CSV-MALFORMED")]),
]


@pytest.mark.article("5")
@pytest.mark.parametrize(("rows", "expected"), [b[1:] for b in BAD_EXPORTS], ids=[b[0] for b in BAD_EXPORTS])
def test_a_bad_export_row_is_reported_at_its_line(rows: str, expected: list[tuple[int, str]]) -> None:
    population = parse_population("p.csv", (HEADER + rows).encode(), closed_between=PERIOD)
    assert [(p.line, p.code) for p in population.problems] == expected


def test_an_export_with_a_byte_order_mark_and_blank_lines_reads() -> None:
    text = "\ufeff" + HEADER + csv_row(1) + "\n" + csv_row(2)
    population = parse_population("p.csv", text.encode(), closed_between=PERIOD)
    assert population.problems == () and [row.line for row in population.rows] == [2, 4]


def test_a_missing_column_is_one_problem_on_the_header() -> None:
    population = parse_population("p.csv", HEADER.replace(",region", "").encode(), closed_between=PERIOD)
    assert [(p.line, p.code) for p in population.problems] == [(1, "E-CSV-MALFORMED")]


def test_a_licence_number_never_appears_in_a_message() -> None:
    row = csv_row(1).replace("35050000000009001", "3505000000000900X")
    population = parse_population("p.csv", (HEADER + row).encode(), closed_between=PERIOD)
    assert population.problems and all("3505000000000900X" not in p.message for p in population.problems)


# --- The pool (Art. 6(2), 7, 9, 25) -----------------------------------------------------------------

UNFIT = [
    ("another_specialty", "9", {"specialties": ("civil",)}),
    ("nine_years_of_practice", "7(1)", {"practising_since": date(2016, 9, 11)}),
    (
        "penalty_in_force",
        "7(3)",
        {"penalties": (Penalty(on=date(2025, 1, 1), until=None, authority="司法局", description="警告"),)},
    ),
    ("appointed_after_the_draw", "6(2)", {"appointed": Decision(on=date(2025, 9, 11), decision="x")}),
    ("dismissed", "6(2)", {"dismissed": Decision(on=date(2025, 1, 1), decision="x")}),
    (
        "barred",
        "25",
        {"misconduct": (Misconduct(on=date(2024, 1, 1), ground="25(3)", severity="serious", decision="x"),)},
    ),
    ("unavailable", "9", {"unavailable": (Period(start=DRAWN_ON, end=DRAWN_ON),)}),
]


@pytest.mark.parametrize(("article", "changes"), [u[1:] for u in UNFIT], ids=[u[0] for u in UNFIT])
def test_an_unfit_expert_is_outside_the_pool_and_never_drawn(
    world: World, article: str, changes: dict[str, object]
) -> None:
    unfit = world.expert(1, **changes)
    others = [world.expert(n) for n in (2, 3)]
    assert unfitness(unfit, "criminal", as_of=DRAWN_ON, scheme=world.scheme)
    assert eligible_pool("criminal", {e.id: e for e in [unfit, *others]}, as_of=DRAWN_ON, scheme=world.scheme) == (
        "E0002",
        "E0003",
    )
    result = world.draw([unfit, *others], [world.case(1)])
    assert "E0001" not in scoring(result, "QZ2025-001")


@pytest.mark.article("25")
def test_a_bar_that_ended_before_the_draw_no_longer_keeps_an_expert_out(world: World) -> None:
    old = Misconduct(on=date(2022, 1, 1), ground="25(3)", severity="serious", decision="x")
    assert unfitness(world.expert(1, misconduct=(old,)), "criminal", as_of=DRAWN_ON, scheme=world.scheme) == ()


# --- Recusal (Art. 10) ------------------------------------------------------------------------------


GROUNDS = [
    ("firm_is_the_institution", "10(1)", {"firm_code": "QZLF99"}, {}, "firm.code = institution.code"),
    ("expert_is_the_handler", "10(1)", {"licence_no": "35050000000009999"}, {}, "licence_no = handler.licence_no"),
    (
        "relative_is_a_party",
        "10(2)",
        {"relatives": (Relative(name="张　三", relation="配偶"),)},
        {"parties": ("張三", "张三")},
        "relatives[0].name = parties[1].name",
    ),
    (
        "relative_is_the_handler",
        "10(2)",
        {"relatives": (Relative(name=" 李四 ", relation="兄弟"),)},
        {"handler_name": "李四"},
        "relatives[0].name = handler.name",
    ),
    (
        "relative_is_the_client",
        "10(2)",
        {"relatives": (Relative(name="王五", relation="父亲"),)},
        {"client_name": "王五"},
        "relatives[0].name = client.name",
    ),
    (
        "declared_interest_in_the_case",
        "10(3)",
        {
            "declared_interests": (
                DeclaredInterest(ground="10(3)", case=CaseId("QZ2025-001"), institution_code=None, description="x"),
            )
        },
        {},
        "declared_interests[0].case = id",
    ),
    (
        "declared_tie_to_the_institution",
        "10(4)",
        {
            "declared_interests": (
                DeclaredInterest(ground="10(4)", case=None, institution_code="QZLF99", description="x"),
            )
        },
        {},
        "declared_interests[0].institution_code = institution.code",
    ),
]


@pytest.mark.parametrize(
    ("ground", "expert_changes", "case_changes", "evidence"), [g[1:] for g in GROUNDS], ids=[g[0] for g in GROUNDS]
)
def test_each_recusal_ground_is_recorded_with_evidence_naming_fields_only(
    world: World, ground: str, expert_changes: dict[str, object], case_changes: dict[str, object], evidence: str
) -> None:
    expert, case = world.expert(1, **expert_changes), world.case(1, **case_changes)
    found = conflicts(expert, case, regional=False, decisions=Decisions())
    assert found and found[0].ground == ground and evidence in found[0].evidence
    private = [r.name for r in expert.relatives] + [case.client_name, case.handler_licence_no, *case.parties]
    assert not any(value.strip() in found[0].evidence for value in private)


@pytest.mark.article("10(2)")
def test_names_match_after_nfkc_and_without_whitespace_only() -> None:
    assert normalise_name("张　三") == normalise_name(" 张三 ") == "张三"
    assert normalise_name("ＡＢ") == "AB"
    assert normalise_name("張三") != normalise_name("张三")


@pytest.mark.article("10")
def test_regional_recusal_applies_only_when_the_round_enables_it(world: World) -> None:
    expert, case = world.expert(1, region="丰泽区"), world.case(1, institution_region="丰泽区")
    assert conflicts(expert, case, regional=False, decisions=Decisions()) == ()
    [found] = conflicts(expert, case, regional=True, decisions=Decisions())
    assert (found.ground, found.source) == ("regional", "detected")


@pytest.mark.article("10(1)")
def test_a_recused_member_is_replaced_by_the_lowest_ranked_qualified_expert(world: World) -> None:
    experts = [world.expert(1, firm_code="QZLF99"), world.expert(2), world.expert(3), world.expert(4)]
    result = world.draw(experts, [world.case(1)], panel_size=3)
    [recusal] = result.recusals
    assert (recusal.expert, recusal.ground, recusal.source) == ("E0001", "10(1)", "detected")
    panel = result.panels[0]
    assert "E0001" in panel.members
    order = ranked(["E0002", "E0003", "E0004"], seed=SEED, round_id="2025", context="replace:QZ2025-001:1")
    assert recusal.replacement == next(e for e in order if e not in panel.members)
    assert "E0001" not in scoring(result, "QZ2025-001") and len(scoring(result, "QZ2025-001")) == 3


@pytest.mark.article("10")
def test_a_replacement_in_conflict_with_the_case_is_passed_over(world: World) -> None:
    experts = [world.expert(n, firm_code="QZLF99" if n != 5 else "LF05") for n in range(1, 6)]
    experts[1] = world.expert(2)  # E0002 has no conflict, E0005 neither
    result = world.draw(experts, [world.case(1)])
    for recusal in result.recusals:
        assert recusal.replacement in (None, "E0002", "E0005")
    assert all(e in ("E0002", "E0005") for e in scoring(result, "QZ2025-001"))


@pytest.mark.article("10(3)")
def test_a_leading_group_recusal_is_kept_with_its_decision(world: World) -> None:
    decided = Recusal(
        index=0,
        case=CaseId("QZ2025-001"),
        expert=ExpertId("E0001"),
        ground="10(3)",
        source="leading_group",
        evidence="领导小组认定存在利害关系",
        decision=Decision(on=date(2025, 9, 9), decision="泉法援评〔2025〕6号"),
        replacement=None,
    )
    experts = [world.expert(n) for n in (1, 2, 3)]
    result = world.draw(experts, [world.case(1)], decisions=Decisions(recusals=(decided,)))
    [recusal] = result.recusals
    assert (recusal.expert, recusal.source, recusal.decision) == ("E0001", "leading_group", decided.decision)
    assert "E0001" not in scoring(result, "QZ2025-001")


@pytest.mark.article("10")
def test_a_detected_conflict_dismissed_by_the_leading_group_is_not_a_recusal(world: World) -> None:
    dismissal = Dismissal(
        case=CaseId("QZ2025-001"),
        expert=ExpertId("E0001"),
        ground="10(1)",
        decision=Decision(on=date(2025, 9, 9), decision="泉法援评〔2025〕7号"),
        reason="同名机构代码录入错误，实为不同律所",
    )
    experts = [world.expert(1, firm_code="QZLF99"), world.expert(2), world.expert(3)]
    result = world.draw(experts, [world.case(1)], decisions=Decisions(dismissals=(dismissal,)))
    assert result.recusals == () and result.problems == ()


@pytest.mark.article("10")
def test_only_a_detected_ground_can_be_dismissed(world: World) -> None:
    dismissal = Dismissal(
        case=CaseId("QZ2025-001"),
        expert=ExpertId("E0001"),
        ground="10(4)",
        decision=Decision(on=date(2025, 9, 9), decision="x"),
        reason="y",
    )
    interest = DeclaredInterest(ground="10(4)", case=None, institution_code="QZLF99", description="x")
    experts = [world.expert(1, declared_interests=(interest,)), world.expert(2), world.expert(3)]
    result = world.draw(experts, [world.case(1)], decisions=Decisions(dismissals=(dismissal,)))
    assert [p.code for p in result.problems] == ["E-ART10-DISMISSAL"]
    assert [r.expert for r in result.recusals] == ["E0001"]


# --- Panels (Art. 9, 17) ----------------------------------------------------------------------------


@pytest.mark.article("9")
def test_cases_are_dealt_in_ranked_order_to_ceil_n_over_cases_per_panel_panels(world: World) -> None:
    experts = [world.expert(n) for n in range(1, 9)]
    cases = [world.case(n) for n in range(1, 6)]
    result = world.draw(experts, cases, cases_per_panel=2)
    assert [p.id for p in result.panels] == ["P-criminal-1", "P-criminal-2", "P-criminal-3"]
    order = ranked([c.id for c in cases], seed=SEED, round_id="2025", context="assign:criminal")
    assert [p.cases for p in result.panels] == [order[0::3], order[1::3], order[2::3]]


@pytest.mark.article("9")
def test_members_are_the_lowest_ranked_eligible_experts_and_the_first_writes(world: World) -> None:
    experts = [world.expert(n) for n in range(1, 7)]
    result = world.draw(experts, [world.case(1)], panel_size=3)
    [panel] = result.panels
    expected = ranked([e.id for e in experts], seed=SEED, round_id="2025", context="panel:P-criminal-1")
    assert panel.members == expected[:3] and result.pool["P-criminal-1"] == expected
    assert panel.writer == expected[0]


@pytest.mark.article("17")
def test_the_writer_is_the_first_member_recused_from_none_of_the_panels_cases(world: World) -> None:
    experts = [world.expert(n) for n in range(1, 5)]
    first = ranked([e.id for e in experts], seed=SEED, round_id="2025", context="panel:P-criminal-1")[0]
    number = int(first[1:])
    experts[number - 1] = world.expert(number, firm_code="QZLF99")
    result = world.draw(experts, [world.case(1)])
    [panel] = result.panels
    assert panel.members[0] == first and panel.writer == panel.members[1]


@pytest.mark.article("9")
def test_no_expert_sits_on_more_panels_than_the_cap(world: World) -> None:
    experts = [world.expert(n) for n in range(1, 6)]
    result = world.draw(experts, [world.case(n) for n in range(1, 9)], cases_per_panel=2, max_panels_per_expert=1)
    seats = [m for p in result.panels for m in p.members]
    assert len(seats) == len(set(seats))
    assert [p.code for p in result.problems] == ["E-ART9-PANEL-SIZE", "E-ART9-PANEL-SIZE"]


@pytest.mark.article("9")
def test_a_designated_panel_is_kept_and_its_numbers_skipped(world: World) -> None:
    designated = Panel(
        index=0,
        id=PanelId("P-criminal-1"),
        case_type="criminal",
        method="designated",
        designation=Designation(on=date(2025, 9, 8), decision="泉法援评〔2025〕5号", reason="重大疑难"),
        members=(ExpertId("E0005"), ExpertId("E0006")),
        writer=ExpertId("E0006"),
        cases=(CaseId("QZ2025-001"),),
    )
    experts = [world.expert(n) for n in range(1, 7)]
    cases = [world.case(1, difficult=True), world.case(2), world.case(3)]
    result = world.draw(experts, cases, decisions=Decisions(designated=(designated,)))
    assert [(p.id, p.method) for p in result.panels] == [("P-criminal-1", "designated"), ("P-criminal-2", "random")]
    assert result.panels[0].members == designated.members and result.panels[0].writer == "E0006"
    assert set(result.panels[1].cases) == {"QZ2025-002", "QZ2025-003"} and result.problems == ()


@pytest.mark.article("9")
def test_a_designated_panel_may_only_take_difficult_cases(world: World) -> None:
    designated = Panel(
        index=0,
        id=PanelId("P-criminal-9"),
        case_type="criminal",
        method="designated",
        designation=Designation(on=date(2025, 9, 8), decision="x", reason="y"),
        members=(ExpertId("E0001"), ExpertId("E0002")),
        writer=ExpertId("E0001"),
        cases=(CaseId("QZ2025-001"),),
    )
    result = world.draw(
        [world.expert(n) for n in (1, 2)], [world.case(1)], decisions=Decisions(designated=(designated,))
    )
    assert [p.code for p in result.problems] == ["E-ART9-DESIGNATED-NOT-DIFFICULT"]


# --- Re-review groups (Art. 21) ---------------------------------------------------------------------


@pytest.mark.article("21")
def test_a_re_review_group_takes_no_one_from_the_first_evaluation_and_no_one_in_conflict(world: World) -> None:
    experts = {e.id: e for e in [world.expert(n) for n in range(1, 7)] + [world.expert(7, firm_code="QZLF99")]}
    excluded = frozenset({ExpertId("E0001"), ExpertId("E0002")})
    result = draw_review(
        world.case(1),
        round=world.round,
        experts=experts,
        scheme=world.scheme,
        decisions=Decisions(),
        excluded=excluded,
        assigned_on=date(2025, 12, 17),
        seed=SEED,
    )
    order = ranked(list(experts), seed=SEED, round_id="2025", context="review:QZ2025-001")
    expected = [e for e in order if e not in excluded and e != "E0007"][:2]
    assert list(result.members) == expected and result.writer == expected[0] and result.problems == ()


@pytest.mark.article("21")
def test_a_re_review_group_short_of_experts_is_a_problem(world: World) -> None:
    experts = {e.id: e for e in [world.expert(n) for n in (1, 2, 3)]}
    result = draw_review(
        world.case(1),
        round=world.round,
        experts=experts,
        scheme=world.scheme,
        decisions=Decisions(),
        excluded=frozenset({ExpertId("E0001"), ExpertId("E0002")}),
        assigned_on=date(2025, 12, 17),
        seed=SEED,
    )
    assert [p.code for p in result.problems] == ["E-ART21-REVIEW-SIZE"]


# --- Verification -------------------------------------------------------------------------------------


def expert_yaml(number: int, extra: str = "", firm: str | None = None) -> str:
    text = files()["experts/E0001.yaml"].replace("E0001", f"E{number:04d}").replace("专家1", f"专家{number}")
    text = text.replace('"35050000000000001"', f'"{35050000000000000 + number}"').replace(
        "QZLF01", firm or f"QZLF{number:02d}"
    )
    return text + textwrap.dedent(extra)


def drawn_repository(tmp_path: Path, changes: dict[str, str] | None = None) -> Path:
    """The minimal repository with six experts, its panels.yaml as drawn.

    Ranked under panel:P-criminal-1 the experts come E0005, E0001, E0002, E0003,
    E0006, E0004: a panel of three is E0005, E0001, E0002. E0001's firm is the
    handling institution (10(1)), so it recuses from both cases: E0003 replaces
    it on QZ2025-001 and E0006 on QZ2025-002; E0005 writes.
    """
    contents = files()
    contents.pop("cases/2025/panels.yaml")
    for name in list(contents):
        if name.startswith("scoresheets/2025/"):
            del contents[name]
    contents["experts/E0001.yaml"] = expert_yaml(1, firm="QZLF99")
    for number in (4, 5, 6):
        contents[f"experts/E{number:04d}.yaml"] = expert_yaml(number)
    contents["cases/2025/round.yaml"] = contents["cases/2025/round.yaml"].replace(
        "panels: {cases_per_panel: 2, max_panels_per_expert: 2}",
        "panels: {cases_per_panel: 2, size: 3, max_panels_per_expert: 2}",
    )
    root = write(tmp_path, contents)
    loaded = load_repository(root).repository
    records = loaded.rounds[RoundId("2025")]
    assert loaded.scheme is not None
    result = draw_panels(
        round=records.round,
        cases=records.cases,
        experts=loaded.experts,
        scheme=loaded.scheme,
        drawn_on=DRAWN_ON,
        seed=SEED,
        decisions=Decisions(),
    )
    (root / "cases/2025/panels.yaml").write_text(panels_text(root, result), encoding="utf-8")
    return write(root, changes or {})


def verified(root: Path) -> list[tuple[int, str]]:
    loaded = load_repository(root)
    assert loaded.problems == []
    repository = loaded.repository
    assert repository.scheme is not None
    records = repository.rounds[RoundId("2025")]
    return sorted((p.line, p.code) for p in verify_draw(records, experts=repository.experts, scheme=repository.scheme))


def edit(root: Path, old: str, new: str) -> list[tuple[int, str]]:
    path = root / "cases/2025/panels.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return verified(root)


def line_of(root: Path, needle: str) -> int:
    lines = (root / "cases/2025/panels.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.article("9")
def test_a_draw_as_written_verifies(tmp_path: Path) -> None:
    root = drawn_repository(tmp_path)
    text = (root / "cases/2025/panels.yaml").read_text(encoding="utf-8")
    assert "members: [E0005, E0001, E0002]" in text and "writer: E0005" in text
    assert "replacement: E0003" in text and "replacement: E0006" in text
    assert verified(root) == []


@pytest.mark.article("9")
def test_verify_names_a_hand_picked_member(tmp_path: Path) -> None:
    root = drawn_repository(tmp_path)
    text = (root / "cases/2025/panels.yaml").read_text(encoding="utf-8")
    pool = text.split("P-criminal-1: [", 1)[1].split("]", 1)[0].split(", ")
    members = text.split("members: [", 1)[1].split("]", 1)[0]
    assert members.split(", ") == pool[:3]
    line = line_of(root, "members: [")
    found = edit(root, f"members: [{members}]", f"members: [{', '.join(pool[1:4])}]")
    assert {(line, "E-DRAW-MEMBER"), (line, "E-DRAW-MEMBER-MISSING")} <= set(found)


@pytest.mark.article("10(1)")
def test_verify_catches_a_recusal_deleted_by_hand(tmp_path: Path) -> None:
    root = drawn_repository(tmp_path)
    path = root / "cases/2025/panels.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("recusals:", 1)[0] + "recusals: []\n", encoding="utf-8")
    codes = [code for _, code in verified(root)]
    assert codes.count("E-DRAW-RECUSAL-MISSING") == 2  # E0004 in the handling firm, on both cases


@pytest.mark.article("10")
def test_verify_catches_another_replacement_and_a_changed_ground(tmp_path: Path) -> None:
    root = drawn_repository(tmp_path)
    line = line_of(root, "ground: 10(1)")
    assert edit(root, "ground: 10(1)", "ground: 10(4)") == [(line, "E-DRAW-RECUSAL")]
    assert edit(root, "ground: 10(4)", "ground: 10(1)") == []
    line = line_of(root, "replacement: E0003")
    assert edit(root, "replacement: E0003", "replacement: E0004") == [(line, "E-DRAW-REPLACEMENT")]


@pytest.mark.article("17")
def test_verify_catches_another_writer_and_another_seed(tmp_path: Path) -> None:
    root = drawn_repository(tmp_path)
    line = line_of(root, "writer: E0005")
    assert edit(root, "writer: E0005", "writer: E0002") == [(line, "E-DRAW-WRITER")]
    assert edit(root, "writer: E0002", "writer: E0005") == []
    assert edit(root, "seed: 01 02 03", "seed: 01 02 04") == [(line_of(root, "seed:"), "E-DRAW-SEED")]


@pytest.mark.article("9")
def test_verify_catches_an_extra_panel_and_a_moved_case(tmp_path: Path) -> None:
    root = drawn_repository(tmp_path)
    found = edit(root, "cases: [QZ2025-001, QZ2025-002]", "cases: [QZ2025-001]")
    assert (line_of(root, "cases: [QZ2025-001]"), "E-DRAW-CASES") in found


@pytest.mark.article("10(3)")
def test_a_newly_declared_interest_shows_as_a_missing_recusal(tmp_path: Path) -> None:
    root = drawn_repository(tmp_path)
    expert = root / "experts/E0005.yaml"
    expert.write_text(
        expert.read_text(encoding="utf-8")
        + "declared_interests:\n  - {ground: 10(3), case: QZ2025-002, description: 与当事人有债务往来}\n",
        encoding="utf-8",
    )
    line = line_of(root, "members: [")
    assert (line, "E-DRAW-RECUSAL-MISSING") in verified(root)


@pytest.mark.article("9")
def test_a_designated_panel_of_ordinary_cases_fails_verification(tmp_path: Path) -> None:
    root = drawn_repository(tmp_path)
    found = edit(
        root,
        "method: random",
        "method: designated\n    designation: {on: 2025-09-08, decision: 泉法援评〔2025〕5号, reason: 疑难}",
    )
    assert "E-ART9-DESIGNATED-NOT-DIFFICULT" in {code for _, code in found}


# --- Properties ---------------------------------------------------------------------------------------

TYPES = ("criminal", "civil")
Spec = tuple[list[dict[str, object]], list[dict[str, object]]]

expert_specs = st.fixed_dictionaries(
    {
        "specialties": st.sets(st.sampled_from(TYPES), min_size=1).map(lambda s: tuple(sorted(s))),
        "practising_since": st.sampled_from([date(2000, 1, 1), date(2020, 1, 1)]),
        "firm_code": st.sampled_from(["F1", "F2", "F3", "F4"]),
        "region": st.sampled_from(["鲤城区", "丰泽区"]),
        "unavailable": st.sampled_from([(), (Period(start=DRAWN_ON, end=DRAWN_ON),)]),
        "misconduct": st.sampled_from(
            [(), (Misconduct(on=date(2025, 1, 1), ground="25(3)", severity="serious", decision="x"),)]
        ),
        "dismissed": st.sampled_from([None, Decision(on=date(2025, 1, 1), decision="x")]),
        "relatives": st.sampled_from([(), (Relative(name="张三", relation="配偶"),)]),
    }
)
case_specs = st.fixed_dictionaries(
    {
        "type": st.sampled_from(TYPES),
        "institution_code": st.sampled_from(["F1", "F2", "Q9"]),
        "institution_region": st.sampled_from(["鲤城区", "丰泽区"]),
        "parties": st.sampled_from([(), ("张三",)]),
    }
)
specs = st.tuples(st.lists(expert_specs, min_size=2, max_size=12), st.lists(case_specs, min_size=1, max_size=8))


def build(world: World, spec: Spec) -> tuple[list[Expert], list[Case]]:
    experts = [world.expert(number, **changes) for number, changes in enumerate(spec[0], start=1)]
    cases = [world.case(number, **changes) for number, changes in enumerate(spec[1], start=1)]
    return experts, cases


def _fields(result: Draw) -> tuple[object, ...]:
    return (result.pool, result.panels, result.recusals, result.problems)


@pytest.mark.article("9")
@given(spec=specs, regional=st.booleans())
def test_the_same_inputs_give_the_same_draw_in_any_order(world: World, spec: Spec, regional: bool) -> None:
    experts, cases = build(world, spec)
    one = world.draw(experts, cases, regional_recusal=regional)
    other = world.draw(list(reversed(experts)), list(reversed(cases)), regional_recusal=regional)
    assert _fields(one) == _fields(other)


@pytest.mark.article("10")
@given(spec=specs, regional=st.booleans(), per_panel=st.integers(1, 3), cap=st.integers(1, 3))
def test_a_recused_ineligible_barred_or_unavailable_expert_is_never_drawn(
    world: World, spec: Spec, regional: bool, per_panel: int, cap: int
) -> None:
    experts, cases = build(world, spec)
    by_id = {e.id: e for e in experts}
    result = world.draw(experts, cases, regional_recusal=regional, cases_per_panel=per_panel, max_panels_per_expert=cap)
    record = result.as_panel_draw(Source("x"))
    seats: dict[ExpertId, set[str]] = {}
    for panel in result.panels:
        for member in panel.members:
            assert unfitness(by_id[member], panel.case_type, as_of=DRAWN_ON, scheme=world.scheme) == ()
            seats.setdefault(member, set()).add(panel.id)
    for case in cases:
        for expert in scorers(record, case.id):
            assert unfitness(by_id[expert], case.type, as_of=DRAWN_ON, scheme=world.scheme) == ()
            assert conflicts(by_id[expert], case, regional=regional, decisions=Decisions()) == ()
            seats.setdefault(expert, set()).add(record.panels_by_case[case.id][0].id)
    assert all(len(held) <= cap for held in seats.values())


@pytest.mark.article("9")
@given(one=st.text(min_size=1, max_size=20), other=st.text(min_size=1, max_size=20))
def test_changing_the_seed_changes_the_draw(world: World, one: str, other: str) -> None:
    experts = [world.expert(n) for n in range(1, 13)]
    cases = [world.case(n) for n in range(1, 9)]
    if one != other:
        assert _fields(world.draw(experts, cases, seed=one)) != _fields(world.draw(experts, cases, seed=other))


@pytest.mark.article("9")
@given(spec=specs, data=st.data())
def test_removing_an_expert_who_sits_on_no_panel_changes_nothing(world: World, spec: Spec, data: st.DataObject) -> None:
    experts, cases = build(world, spec)
    result = world.draw(experts, cases)
    seated = {m for p in result.panels for m in p.members} | {r.replacement for r in result.recusals}
    idle = [e for e in experts if e.id not in seated]
    if not idle:
        return
    gone = data.draw(st.sampled_from(idle))
    again = world.draw([e for e in experts if e is not gone], cases)
    assert (again.panels, again.recusals, again.problems) == (result.panels, result.recusals, result.problems)
    assert again.pool == {name: tuple(e for e in pool if e != gone.id) for name, pool in result.pool.items()}
