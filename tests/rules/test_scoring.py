"""Scores → grades (Art. 12–16): thresholds, Art. 15 overrides, means."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peereval.model import Decision, Grade, IndicatorSet, IndicatorSetId, Item, Source
from peereval.rules.scoring import grade_for, panel_grade

GRADE_ORDER = [Grade.FAIL, Grade.PASS, Grade.GOOD, Grade.EXCELLENT]


def indicator_set(excellent: float = 90, good: float = 80, pass_: float = 60) -> IndicatorSet:
    return IndicatorSet(
        source=Source("scoresheets/indicators/criminal-v1.yaml"),
        id=IndicatorSetId("criminal-v1"),
        title=None,
        case_type="criminal",
        version=1,
        approved=Decision(on=datetime.date(2025, 8, 20), decision="泉法援评〔2025〕2号"),
        items=(Item(id="meeting", title="会见", points=100, guidance=None),),
        excellent=excellent,
        good=good,
        pass_=pass_,
    )


@pytest.mark.article("14")
@pytest.mark.parametrize(
    ("mean", "grade"),
    [
        (100, Grade.EXCELLENT),
        (90, Grade.EXCELLENT),
        (89.99, Grade.GOOD),
        (80, Grade.GOOD),
        (79.5, Grade.PASS),
        (60, Grade.PASS),
        (59.99, Grade.FAIL),
        (0, Grade.FAIL),
    ],
)
def test_a_threshold_belongs_to_the_grade_it_opens(mean: float, grade: Grade) -> None:
    assert grade_for(mean, indicator_set()) is grade


@pytest.mark.article("15")
def test_an_accepted_art15_condition_fails_a_perfect_score() -> None:
    assert panel_grade(100, indicator_set(), ["no_meeting"]) is Grade.FAIL


SCORES = st.floats(min_value=0, max_value=100, allow_nan=False)


@pytest.mark.article("14")
@given(SCORES, SCORES)
def test_the_grade_never_falls_when_the_score_rises(low: float, high: float) -> None:
    low, high = sorted((low, high))
    assert GRADE_ORDER.index(grade_for(low, indicator_set())) <= GRADE_ORDER.index(grade_for(high, indicator_set()))


@pytest.mark.article("15")
@given(SCORES, st.lists(st.sampled_from(["no_meeting", "loss_by_fault", "charged_client"]), min_size=1))
def test_any_accepted_art15_condition_always_yields_fail(mean: float, conditions: list[str]) -> None:
    assert panel_grade(mean, indicator_set(), conditions) is Grade.FAIL
