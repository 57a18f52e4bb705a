"""Each rule of ``peereval check``, with the smallest change that breaks it.

Every case starts from the valid minimal repository (tests/minirepo.py),
changes one thing, and expects one problem at one (path, line, code).
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from peereval.cli.check import run_check
from tests.minirepo import PANELS, expert, files, write

AS_OF = datetime.date(2025, 12, 20)
Change = Callable[[dict[str, str]], None]


def replace(path: str, old: str, new: str) -> Change:
    def change(contents: dict[str, str]) -> None:
        assert old in contents[path], f"{old!r} not in {path}"
        contents[path] = contents[path].replace(old, new, 1)

    return change


def add(path: str, text: str) -> Change:
    def change(contents: dict[str, str]) -> None:
        contents[path] = textwrap.dedent(text)

    return change


def remove(path: str) -> Change:
    def change(contents: dict[str, str]) -> None:
        del contents[path]

    return change


def both(*changes: Change) -> Change:
    def change(contents: dict[str, str]) -> None:
        for each in changes:
            each(contents)

    return change


def found(tmp_path: Path, change: Change, as_of: datetime.date = AS_OF) -> set[tuple[str, int, str]]:
    contents = files()
    change(contents)
    root = write(tmp_path, contents)
    return {(p.path, p.line, p.code) for p in run_check(root, as_of=as_of)}


def test_the_minimal_repository_is_valid(tmp_path: Path) -> None:
    assert found(tmp_path, lambda contents: None) == set()


S1 = "scoresheets/2025/QZ2025-001/E0001.yaml"
SUM1 = "scoresheets/2025/QZ2025-001/summary.yaml"
SUM2 = "scoresheets/2025/QZ2025-002/summary.yaml"
OBJECTION = "cases/2025/objections/QZ2025-002.yaml"


def objection(members: str = "[E0003, E0002]", grounds: str = '["22(1)"]', supplement: str = "") -> Change:
    return add(
        OBJECTION,
        f"""\
        case: QZ2025-002
        filed_on: 2025-12-15
        applicant: 承办人（示例）
        grounds: {grounds}
        statement: 申请复查（示例）
        office_decision: {{on: 2025-12-16, review: true}}
        review_panel:
          assigned_on: 2025-12-17
          members: {members}
          writer: E0003
        {supplement}""",
    )


def cap_of_one(contents: dict[str, str]) -> None:
    contents["cases/2025/round.yaml"] = contents["cases/2025/round.yaml"].replace(
        "max_panels_per_expert: 2", "max_panels_per_expert: 1"
    )
    second_panel = (
        "  - {id: P2, case_type: criminal, method: random, members: [E0001, E0002], writer: E0001, "
        "cases: [QZ2025-002]}\nrecusals: []"
    )
    contents["cases/2025/panels.yaml"] = PANELS.replace(
        "cases: [QZ2025-001, QZ2025-002]", "cases: [QZ2025-001]"
    ).replace("recusals: []", second_panel)


def recused_from_case_2_and_replaced(contents: dict[str, str]) -> None:
    """E0002 recuses from QZ2025-002 (Art. 10) and E0004 scores instead: E0002 sits on its panel, but never scores it."""
    contents["experts/E0004.yaml"] = expert(4)
    contents["cases/2025/panels.yaml"] = PANELS.replace(
        "recusals: []",
        "recusals:\n  - {case: QZ2025-002, expert: E0002, ground: 10(4), source: leading_group, "
        "evidence: 领导小组决定回避, decision: {on: 2025-09-10, decision: 泉法援评〔2025〕4号}, replacement: E0004}",
    )
    text = contents.pop("scoresheets/2025/QZ2025-002/E0002.yaml")
    contents["scoresheets/2025/QZ2025-002/E0004.yaml"] = text.replace("E0002", "E0004")


RULES = [
    # (id, article, change, expected (path, line, code))
    (
        "id_differs_from_file_name",
        "",
        replace("experts/E0003.yaml", "id: E0003", "id: E0004"),
        ("experts/E0003.yaml", 1, "E-ID-MISMATCH"),
    ),
    (
        "scoresheet_names_another_case",
        "",
        replace(S1, "case: QZ2025-001", "case: QZ2025-002"),
        (S1, 1, "E-REF-MISMATCH"),
    ),
    (
        "unknown_field",
        "",
        replace("cases/2025/QZ2025-001.yaml", "cause:", "cuase:"),
        ("cases/2025/QZ2025-001.yaml", 4, "E-SCHEMA-VIOLATION"),
    ),
    (
        "file_outside_the_layout",
        "",
        add("cases/2025/notes/a.yaml", "a: 1\n"),
        ("cases/2025/notes/a.yaml", 0, "E-FILE-UNEXPECTED"),
    ),
    ("unsafe_file_name", "", add("experts/E 0004.yaml", "a: 1\n"), ("experts/E 0004.yaml", 0, "E-FILE-NAME")),
    ("yml_extension", "", add("experts/E0004.yml", "a: 1\n"), ("experts/E0004.yml", 0, "E-FILE-NAME")),
    (
        "files_of_an_unknown_round",
        "5",
        add("scoresheets/2024/QZ2024-001/summary.yaml", files()[SUM1].replace("QZ2025-001", "QZ2024-001")),
        ("cases/2024/round.yaml", 0, "E-REF-UNKNOWN-ROUND"),
    ),
    (
        "points_do_not_sum_to_100",
        "12",
        replace("scoresheets/indicators/criminal-v1.yaml", "points: 60", "points: 50"),
        ("scoresheets/indicators/criminal-v1.yaml", 6, "E-ART12-POINTS-SUM"),
    ),
    (
        "thresholds_not_descending",
        "12",
        replace("scoresheets/indicators/criminal-v1.yaml", "excellent: 90, good: 80", "excellent: 80, good: 90"),
        ("scoresheets/indicators/criminal-v1.yaml", 8, "E-ART12-GRADE-ORDER"),
    ),
    (
        "duplicate_item",
        "12",
        replace("scoresheets/indicators/criminal-v1.yaml", "{id: opinion", "{id: meeting"),
        ("scoresheets/indicators/criminal-v1.yaml", 7, "E-ART12-DUPLICATE-ITEM"),
    ),
    (
        "unknown_indicator_set",
        "12",
        replace("cases/2025/round.yaml", "criminal: criminal-v1", "criminal: criminal-v2"),
        ("cases/2025/round.yaml", 9, "E-REF-UNKNOWN-INDICATOR-SET"),
    ),
    ("score_above_points", "13", replace(S1, "meeting: 38", "meeting: 45"), (S1, 5, "E-ART13-SCORE-RANGE")),
    ("item_left_unscored", "13", replace(S1, "  opinion: 55\n", ""), (S1, 5, "E-REF-MISSING-ITEM")),
    ("unknown_item", "13", replace(S1, "opinion: 55", "opinon: 55"), (S1, 6, "E-REF-UNKNOWN-ITEM")),
    (
        "unknown_auto_fail_condition",
        "15",
        replace(S1, "auto_fail: []", "auto_fail: [{id: no_meting, evidence: 无会见笔录}]"),
        (S1, 7, "E-REF-UNKNOWN-AUTO-FAIL"),
    ),
    (
        "scoresheet_by_an_expert_off_the_panel",
        "13",
        add("scoresheets/2025/QZ2025-001/E0003.yaml", files()[S1].replace("E0001", "E0003")),
        ("scoresheets/2025/QZ2025-001/E0003.yaml", 2, "E-REF-NOT-ON-PANEL"),
    ),
    (
        "late_submission_without_decision",
        "16",
        replace(S1, "submitted_on: 2025-10-20", "submitted_on: 2025-11-03"),
        (S1, 10, "E-ART16-LATE-SUBMISSION"),
    ),
    (
        "summary_before_every_scoresheet",
        "16",
        remove("scoresheets/2025/QZ2025-002/E0002.yaml"),
        (SUM2, 1, "E-REF-MISSING-SCORESHEET"),
    ),
    (
        "summary_by_another_than_the_writer",
        "17",
        replace(SUM1, "writer: E0001", "writer: E0002"),
        (SUM1, 2, "E-REF-WRITER"),
    ),
    ("excellent_without_reasons", "16", replace(SUM1, "reasons: 理由（示例）\n", ""), (SUM1, 3, "E-ART16-REASONS")),
    (
        "disagreement_without_the_leading_group",
        "17",
        replace(SUM1, "agreed: true", "agreed: false"),
        (SUM1, 6, "W-ART17-AWAITING-DECISION"),
    ),
    (
        "disagreement_recorded_where_every_scoresheet_gives_the_same_grade",
        "17",
        replace(SUM1, "agreed: true", "agreed: false"),
        (SUM1, 6, "W-ART17-NO-DISAGREEMENT"),
    ),
    (
        "leading_group_decision_where_the_panel_agreed",
        "17",
        replace(
            SUM1,
            "agreed: true",
            "agreed: true\nescalation: {on: 2025-11-12, decision: 泉法援评〔2025〕9号, grade: good, reasons: 理由}",
        ),
        (SUM1, 7, "E-ART17-ESCALATION"),
    ),
    ("grade_the_scores_do_not_give", "14", replace(SUM2, "grade: pass", "grade: good"), (SUM2, 3, "E-ART14-GRADE")),
    (
        "mean_that_is_not_the_mean",
        "16",
        replace(SUM2, "mean_score: 70.5", "mean_score: 71"),
        (SUM2, 4, "E-ART16-MEAN-SCORE"),
    ),
    (
        "auto_fail_no_member_raised",
        "15",
        replace(SUM2, "grade: pass", "grade: fail\nauto_fail: [no_meeting]"),
        (SUM2, 4, "E-ART15-NOT-RAISED"),
    ),
    (
        "case_closed_outside_the_period",
        "5",
        replace("cases/2025/QZ2025-001.yaml", "closed_on: 2025-03-01", "closed_on: 2024-12-01"),
        ("cases/2025/QZ2025-001.yaml", 5, "E-DATE-CLOSED-OUTSIDE-PERIOD"),
    ),
    (
        "case_without_a_panel",
        "9",
        add("cases/2025/QZ2025-003.yaml", files()["cases/2025/QZ2025-001.yaml"].replace("001", "003")),
        ("cases/2025/QZ2025-003.yaml", 1, "E-REF-CASE-NOT-ON-PANEL"),
    ),
    (
        "unknown_panel_member",
        "9",
        replace("cases/2025/panels.yaml", "members: [E0001, E0002]", "members: [E0001, E0009]"),
        ("cases/2025/panels.yaml", 7, "E-REF-UNKNOWN-EXPERT"),
    ),
    (
        "panel_below_minimum",
        "9",
        replace("cases/2025/panels.yaml", "members: [E0001, E0002]", "members: [E0001]"),
        ("cases/2025/panels.yaml", 7, "E-ART9-PANEL-SIZE"),
    ),
    (
        "designated_without_decision",
        "9",
        replace("cases/2025/panels.yaml", "method: random", "method: designated"),
        ("cases/2025/panels.yaml", 6, "E-ART9-DESIGNATION"),
    ),
    (
        "member_without_the_specialty",
        "9",
        replace("experts/E0002.yaml", "specialties: [criminal]", "specialties: [civil]"),
        ("cases/2025/panels.yaml", 7, "E-ART9-SPECIALTY"),
    ),
    ("expert_over_the_cap", "9", cap_of_one, ("cases/2025/panels.yaml", 7, "E-ART9-PANEL-CAP")),
    (
        "member_under_ten_years_of_practice",
        "7(1)",
        replace("experts/E0002.yaml", "practising_since: 2005-03-01", "practising_since: 2016-01-01"),
        ("cases/2025/panels.yaml", 7, "E-ART7-PRACTICE-YEARS"),
    ),
    (
        "member_with_a_penalty_in_force",
        "7(3)",
        replace(
            "experts/E0002.yaml",
            "penalties: []",
            "penalties: [{on: 2025-01-01, authority: 市律协, description: 通报批评}]",
        ),
        ("cases/2025/panels.yaml", 7, "E-ART7-PENALTY"),
    ),
    (
        "member_dismissed_before_the_draw",
        "6",
        replace(
            "experts/E0002.yaml",
            "penalties: []",
            "penalties: []\ndismissed: {on: 2025-06-30, decision: 泉司〔2025〕1号}",
        ),
        ("cases/2025/panels.yaml", 7, "E-ART6-NOT-APPOINTED"),
    ),
    (
        "member_barred_for_a_serious_breach",
        "25",
        replace(
            "experts/E0002.yaml",
            "penalties: []",
            "penalties: []\nmisconduct: [{on: 2024-06-01, ground: 25(3), severity: serious, decision: 泉司〔2024〕9号}]",
        ),
        ("cases/2025/panels.yaml", 7, "E-ART25-BARRED"),
    ),
    (
        "draw_before_the_plan_was_approved",
        "6",
        replace("cases/2025/panels.yaml", "drawn_on: 2025-09-10", "drawn_on: 2025-08-01"),
        ("cases/2025/panels.yaml", 1, "E-DATE-DECISION-AFTER"),
    ),
    (
        "objection_to_a_case_without_conclusion",
        "20",
        both(objection(), remove(SUM2)),
        (OBJECTION, 1, "E-REF-OBJECTION-CASE"),
    ),
    (
        "re_review_by_a_first_panel_member",
        "21",
        objection(members="[E0003, E0001]"),
        (OBJECTION, 9, "E-ART21-REVIEW-MEMBER"),
    ),
    (
        "case_type_without_an_indicator_set",
        "9",
        add(
            "cases/2025/QZ2025-003.yaml",
            files()["cases/2025/QZ2025-001.yaml"].replace("001", "003").replace("type: criminal", "type: civil"),
        ),
        ("cases/2025/QZ2025-003.yaml", 3, "E-REF-CASE-TYPE"),
    ),
    (
        "scoresheet_with_another_indicator_set_than_the_round_gives",
        "12",
        replace(S1, "indicator_set: criminal-v1", "indicator_set: criminal-v2"),
        (S1, 3, "E-REF-INDICATOR-SET-MISMATCH"),
    ),
    (
        "indicator_set_approved_after_the_draw",
        "6",
        replace("scoresheets/indicators/criminal-v1.yaml", "approved: {on: 2025-08-20", "approved: {on: 2025-09-11"),
        ("scoresheets/indicators/criminal-v1.yaml", 4, "E-DATE-DECISION-AFTER"),
    ),
    (
        "panel_lists_a_case_the_round_does_not_have",
        "9",
        replace(
            "cases/2025/panels.yaml", "cases: [QZ2025-001, QZ2025-002]", "cases: [QZ2025-001, QZ2025-002, QZ2025-009]"
        ),
        ("cases/2025/panels.yaml", 9, "E-REF-UNKNOWN-CASE"),
    ),
    (
        "scoresheet_for_a_case_the_round_does_not_have",
        "9",
        add("scoresheets/2025/QZ2025-009/E0001.yaml", files()[S1].replace("QZ2025-001", "QZ2025-009")),
        ("scoresheets/2025/QZ2025-009/E0001.yaml", 1, "E-REF-UNKNOWN-CASE"),
    ),
    (
        "scoresheet_submitted_before_the_draw",
        "",
        replace(S1, "submitted_on: 2025-10-20", "submitted_on: 2025-09-01"),
        (S1, 10, "E-DATE-ORDER"),
    ),
    (
        "summary_submitted_before_a_members_scoresheet",
        "",
        replace(SUM1, "submitted_on: 2025-10-25", "submitted_on: 2025-10-19"),
        (SUM1, 7, "E-DATE-ORDER"),
    ),
    (
        "leading_group_decision_before_the_summary",
        "",
        replace(
            SUM1,
            "agreed: true",
            "agreed: false\nescalation: {on: 2025-10-24, decision: 泉法援评〔2025〕9号, grade: excellent, reasons: 理由}",
        ),
        (SUM1, 7, "E-DATE-ORDER"),
    ),
    (
        "office_decision_before_the_objection_was_filed",
        "",
        both(objection(), replace(OBJECTION, "office_decision: {on: 2025-12-16", "office_decision: {on: 2025-12-14")),
        (OBJECTION, 6, "E-DATE-ORDER"),
    ),
    (
        "re_review_group_without_an_office_decision_to_review",
        "21",
        both(objection(), replace(OBJECTION, "review: true", "review: false")),
        (OBJECTION, 8, "E-REF-REVIEW"),
    ),
    (
        "re_review_summary_without_a_re_review_group",
        "21",
        add("scoresheets/2025/QZ2025-002/review/summary.yaml", files()[SUM2]),
        ("scoresheets/2025/QZ2025-002/review/summary.yaml", 1, "E-REF-REVIEW"),
    ),
    (
        "re_review_by_a_first_panel_member_who_recused",
        "21",
        both(recused_from_case_2_and_replaced, objection(members="[E0003, E0002]")),
        (OBJECTION, 9, "E-ART21-REVIEW-MEMBER"),
    ),
    ("re_review_group_too_small", "21", objection(members="[E0003]"), (OBJECTION, 9, "E-ART21-REVIEW-SIZE")),
    (
        "re_review_on_22_2_before_the_supplement",
        "22",
        objection(grounds='["22(2)"]'),
        (OBJECTION, 8, "E-ART22-GROUNDS"),
    ),
    (
        "round_after_the_scheme_expires",
        "27",
        replace("cases/2025/round.yaml", "submission_deadline: 2025-10-31", "submission_deadline: 2027-05-10"),
        ("cases/2025/round.yaml", 10, "E-ART27-EXPIRED"),
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(change, expected, id=name, marks=[pytest.mark.article(article)] if article else [])
        for name, article, change, expected in RULES
    ],
)
def test_each_rule_reports_its_problem_at_its_line(
    tmp_path: Path, change: Change, expected: tuple[str, int, str]
) -> None:
    assert expected in found(tmp_path, change)


@pytest.mark.article("27")
def test_the_last_90_days_of_the_scheme_give_a_warning(tmp_path: Path) -> None:
    problems = found(tmp_path, lambda contents: None, as_of=datetime.date(2027, 3, 1))
    assert problems == {("scheme.yaml", 5, "W-ART27-EXPIRING")}


@pytest.mark.article("10")
def test_a_replacement_scores_instead_of_the_recused_expert(tmp_path: Path) -> None:
    def recuse(contents: dict[str, str]) -> None:
        contents["cases/2025/panels.yaml"] = PANELS.replace(
            "recusals: []",
            "recusals:\n  - {case: QZ2025-001, expert: E0002, ground: 10(4), source: leading_group, "
            "evidence: 领导小组决定回避, decision: {on: 2025-09-10, decision: 泉法援评〔2025〕4号}, replacement: E0003}",
        )
        text = contents.pop("scoresheets/2025/QZ2025-001/E0002.yaml")
        contents["scoresheets/2025/QZ2025-001/E0003.yaml"] = text.replace("E0002", "E0003")

    assert found(tmp_path, recuse) == set()
