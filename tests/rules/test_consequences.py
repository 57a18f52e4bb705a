"""Art. 19 handler exclusions, Art. 25 expert bars, how a period of years ends, and the final grade."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from peereval.load.repo import load_repository
from peereval.model import (
    CaseId,
    Decision,
    Escalation,
    Expert,
    ExpertId,
    Grade,
    Misconduct,
    Objection,
    Repository,
    RoundId,
    RoundRecords,
    Scheme,
    Source,
)
from peereval.rules.consequences import (
    BarKind,
    ConsequenceStatus,
    expert_bars,
    handler_exclusions,
    is_barred,
    is_handler_excluded,
    period_end,
)
from peereval.rules.validity import last_valid_day
from peereval.rules.verdict import final_grade, first_grade
from tests.minirepo import files, write

CASE = CaseId("QZ2025-002")
LICENCE = "35050000000009999"  # the minimal repository's handler


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    loaded = load_repository(write(Path(tmp_path_factory.mktemp("minirepo")), files()))
    assert loaded.problems == []
    return loaded.repository


@pytest.fixture
def scheme(repository: Repository) -> Scheme:
    assert repository.scheme is not None
    return repository.scheme


@pytest.fixture
def base(repository: Repository) -> RoundRecords:
    return repository.rounds[RoundId("2025")]


def graded(records: RoundRecords, grade: Grade, escalation: Grade | None = None) -> RoundRecords:
    """*records* with QZ2025-002 graded *grade* by its panel (and *escalation* by the leading group)."""
    decided = (
        Escalation(on=date(2025, 10, 28), decision="泉法援评〔2025〕9号", grade=escalation, reasons="示例")
        if escalation
        else None
    )
    summary = dataclasses.replace(records.summaries[CASE], grade=grade, agreed=escalation is None, escalation=decided)
    return dataclasses.replace(records, summaries={**records.summaries, CASE: summary})


def reviewed(records: RoundRecords, result: Grade | None, concluded_on: date | None) -> RoundRecords:
    objection = Objection(
        source=Source("cases/2025/objections/QZ2025-002.yaml"),
        round=RoundId("2025"),
        case=CASE,
        filed_on=date(2025, 12, 15),
        applicant="承办人（示例）",
        grounds=("22(1)",),
        statement="示例",
        late=None,
        office_decision=None,
        supplement_received_on=None,
        review_panel=None,
        concluded_on=concluded_on,
        result_grade=result,
        result_reasons="示例" if result else None,
        delivered_on=None,
        notified_on=None,
    )
    return dataclasses.replace(records, objections={CASE: objection})


@pytest.mark.article("19")
@pytest.mark.parametrize(
    ("start", "years", "last_day"),
    [
        (date(2025, 12, 12), 3, date(2028, 12, 11)),
        (date(2024, 2, 29), 3, date(2027, 2, 28)),
        (date(2024, 3, 1), 3, date(2027, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 28)),
        (date(2025, 1, 1), 3, date(2027, 12, 31)),
        (date(2025, 3, 10), 2, date(2027, 3, 9)),
    ],
    ids=["published-2025-12-12", "29-february", "1-march-after-leap-day", "leap-to-leap", "new-year", "bar"],
)
def test_a_period_of_years_ends_the_day_before_its_anniversary(start: date, years: int, last_day: date) -> None:
    assert period_end(start, years) == last_day


@pytest.mark.article("27")
def test_the_scheme_expiry_agrees_with_the_period_rule(scheme: Scheme) -> None:
    assert last_valid_day(scheme) == period_end(scheme.effective, scheme.valid_years) == date(2027, 4, 28)


@pytest.mark.article("19")
def test_a_published_fail_excludes_its_handler_for_three_years_from_publication(
    base: RoundRecords, scheme: Scheme
) -> None:
    (exclusion,) = handler_exclusions([graded(base, Grade.FAIL)], scheme=scheme)
    assert (exclusion.case, exclusion.start, exclusion.end) == (CASE, date(2025, 12, 12), date(2028, 12, 11))
    assert exclusion.status(as_of=date(2025, 12, 11)) is ConsequenceStatus.PENDING
    assert exclusion.status(as_of=date(2025, 12, 12)) is ConsequenceStatus.IN_FORCE
    assert exclusion.status(as_of=date(2028, 12, 11)) is ConsequenceStatus.IN_FORCE
    assert exclusion.status(as_of=date(2028, 12, 12)) is ConsequenceStatus.ENDED


@pytest.mark.article("19")
def test_an_unpublished_fail_excludes_nobody_yet(base: RoundRecords, scheme: Scheme) -> None:
    records = graded(base, Grade.FAIL)
    unpublished = dataclasses.replace(records, round=dataclasses.replace(records.round, published=None))
    assert handler_exclusions([unpublished], scheme=scheme) == ()


@pytest.mark.article("19")
def test_passing_grades_exclude_nobody(base: RoundRecords, scheme: Scheme) -> None:
    assert handler_exclusions([base], scheme=scheme) == ()


@pytest.mark.article("17")
def test_a_fail_decided_by_the_leading_group_excludes_like_a_panel_fail(base: RoundRecords, scheme: Scheme) -> None:
    records = graded(base, Grade.PASS, escalation=Grade.FAIL)
    assert [item.case for item in handler_exclusions([records], scheme=scheme)] == [CASE]


@pytest.mark.article("23")
def test_a_fail_reversed_on_re_review_lifts_the_exclusion_when_the_re_review_concludes(
    base: RoundRecords, scheme: Scheme
) -> None:
    records = reviewed(graded(base, Grade.FAIL), Grade.PASS, date(2026, 1, 10))
    (exclusion,) = handler_exclusions([records], scheme=scheme)
    assert exclusion.lifted_on == date(2026, 1, 10)
    assert exclusion.status(as_of=date(2026, 1, 9)) is ConsequenceStatus.IN_FORCE
    assert exclusion.status(as_of=date(2026, 1, 10)) is ConsequenceStatus.LIFTED
    assert not is_handler_excluded([exclusion], LICENCE, as_of=date(2026, 1, 10))
    assert is_handler_excluded([exclusion], LICENCE, as_of=date(2026, 1, 9))


@pytest.mark.article("23")
def test_a_fail_confirmed_on_re_review_stays(base: RoundRecords, scheme: Scheme) -> None:
    records = reviewed(graded(base, Grade.FAIL), Grade.FAIL, date(2026, 1, 10))
    (exclusion,) = handler_exclusions([records], scheme=scheme)
    assert exclusion.lifted_on is None and exclusion.status(as_of=date(2027, 1, 1)) is ConsequenceStatus.IN_FORCE


@pytest.mark.article("19")
def test_a_fail_reached_on_re_review_excludes_from_the_re_reviews_conclusion(
    base: RoundRecords, scheme: Scheme
) -> None:
    records = reviewed(base, Grade.FAIL, date(2026, 1, 10))
    (exclusion,) = handler_exclusions([records], scheme=scheme)
    assert (exclusion.start, exclusion.end) == (date(2026, 1, 10), date(2029, 1, 9))


def barred(expert: Expert, *items: tuple[date, str]) -> Expert:
    misconduct = tuple(
        Misconduct(on=on, ground="25(3)", severity=severity, decision="泉司〔2025〕1号") for on, severity in items
    )
    return dataclasses.replace(expert, misconduct=misconduct)


@pytest.mark.article("25")
def test_a_serious_breach_bars_an_expert_for_two_years_from_the_decision(
    repository: Repository, scheme: Scheme
) -> None:
    expert = barred(repository.experts[ExpertId("E0001")], (date(2025, 3, 10), "serious"))
    (bar,) = expert_bars(expert, scheme=scheme)
    assert (bar.kind, bar.start, bar.end, bar.ground) == (BarKind.BARRED, date(2025, 3, 10), date(2027, 3, 9), "25(3)")
    assert is_barred(expert, as_of=date(2027, 3, 9), scheme=scheme)
    assert not is_barred(expert, as_of=date(2027, 3, 10), scheme=scheme)
    assert not is_barred(expert, as_of=date(2025, 3, 9), scheme=scheme)


@pytest.mark.article("25")
def test_an_especially_serious_breach_ends_the_qualification_for_good(repository: Repository, scheme: Scheme) -> None:
    expert = barred(repository.experts[ExpertId("E0001")], (date(2025, 3, 10), "especially_serious"))
    (bar,) = expert_bars(expert, scheme=scheme)
    assert (bar.kind, bar.end) == (BarKind.TERMINATED, None)
    assert is_barred(expert, as_of=date(2099, 1, 1), scheme=scheme)


@pytest.mark.article("25")
def test_an_order_to_correct_bars_nothing(repository: Repository, scheme: Scheme) -> None:
    expert = barred(repository.experts[ExpertId("E0001")], (date(2025, 3, 10), "correction"))
    assert expert_bars(expert, scheme=scheme) == ()


@pytest.mark.article("6(2)")
def test_a_dismissed_expert_is_kept_off_from_the_dismissal(repository: Repository, scheme: Scheme) -> None:
    dismissal = Decision(on=date(2025, 6, 1), decision="泉司〔2025〕5号")
    expert = dataclasses.replace(repository.experts[ExpertId("E0002")], dismissed=dismissal)
    (bar,) = expert_bars(expert, scheme=scheme)
    assert (bar.kind, bar.start, bar.end) == (BarKind.DISMISSED, date(2025, 6, 1), None)
    assert not is_barred(expert, as_of=date(2025, 5, 31), scheme=scheme)


@pytest.mark.article("14")
def test_the_final_grade_is_the_summary_grade_without_escalation_or_re_review(base: RoundRecords) -> None:
    assert final_grade(base, CASE) is Grade.PASS
    assert final_grade(base, CaseId("QZ2025-999")) is None


@pytest.mark.article("17")
def test_the_final_grade_is_the_leading_groups_when_the_panel_disagreed(base: RoundRecords) -> None:
    records = graded(base, Grade.PASS, escalation=Grade.GOOD)
    assert first_grade(records, CASE) is final_grade(records, CASE) is Grade.GOOD


@pytest.mark.article("23")
def test_the_final_grade_is_the_re_review_result_once_concluded(base: RoundRecords) -> None:
    assert final_grade(reviewed(base, Grade.GOOD, date(2026, 1, 10)), CASE) is Grade.GOOD
    assert final_grade(reviewed(base, None, None), CASE) is Grade.PASS
