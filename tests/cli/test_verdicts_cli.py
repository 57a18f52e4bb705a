"""``peereval verdicts``, ``stats`` and ``new scoresheet`` on the demo round: every outcome as designed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Ran
from tests.minirepo import files, write

Run = Callable[..., Ran]
ROOT = Path(__file__).resolve().parents[2]


def verdicts(run: Run) -> dict[str, dict[str, object]]:
    ran = run("verdicts", "--repo", str(ROOT), "--as-of", "2026-01-31", "--format", "json", "2025")
    assert ran.code == 0
    return {row["case"]: row for row in ran.json()}


DESIGNED = [
    ("excellent", "QZ2025-236", "excellent", "final", []),
    ("good", "QZ2025-001", "good", "final", []),
    ("pass", "QZ2025-011", "pass", "final", []),
    ("fail_by_score", "QZ2025-150", "fail", "final", []),
    ("fail_by_art15_objection_declined", "QZ2025-030", "fail", "closed", ["auto_fail:no_meeting"]),
    ("escalated_to_the_leading_group", "QZ2025-035", "good", "final", ["escalated"]),
    ("changed_on_re_review", "QZ2025-078", "pass", "closed", ["changed_on_review"]),
]


@pytest.mark.parametrize(("case", "grade", "status", "flags"), [d[1:] for d in DESIGNED], ids=[d[0] for d in DESIGNED])
def test_the_demo_round_comes_out_as_designed(run: Run, case: str, grade: str, status: str, flags: list[str]) -> None:
    row = verdicts(run)[case]
    assert (row["grade"], row["status"], row["flags"]) == (grade, status, flags)


def test_verdicts_report_per_item_means_and_the_first_grade(run: Run) -> None:
    row = verdicts(run)["QZ2025-078"]
    assert row["first_grade"] == "fail"
    assert isinstance(row["item_means"], dict) and len(row["item_means"]) >= 8


@pytest.mark.article("17")
def test_each_experts_own_grade_is_derived_from_the_scoresheet(run: Run) -> None:
    """The escalated demo case: its members' own grades differ; the Art. 15 case: each member's own grade fails."""
    rows = verdicts(run)
    assert len(set(rows["QZ2025-035"]["own_grades"].values())) > 1
    assert set(rows["QZ2025-030"]["own_grades"].values()) == {"fail"}


@pytest.mark.article("23")
def test_after_a_re_review_the_verdict_keeps_the_first_mean_and_adds_the_review_groups(run: Run) -> None:
    rows = verdicts(run)
    assert (rows["QZ2025-078"]["mean_score"], rows["QZ2025-078"]["review_mean_score"]) == (56.17, 68.25)
    assert rows["QZ2025-001"]["review_mean_score"] is None
    before = run("verdicts", "--repo", str(ROOT), "--as-of", "2025-12-20", "--format", "json", "2025").json()
    assert next(r for r in before if r["case"] == "QZ2025-078")["review_mean_score"] is None  # not concluded yet


def test_verdicts_as_text_and_csv_show_the_per_item_means(run: Run) -> None:
    ran = run("verdicts", "--repo", str(ROOT), "--as-of", "2026-01-31", "--format", "csv", "2025")
    header, first = ran.stdout.splitlines()[:2]
    assert "各项平均分" in header and "复查平均分" in header
    assert "；" in first


def test_stats_count_final_grades_per_type(run: Run) -> None:
    ran = run("stats", "--repo", str(ROOT), "--as-of", "2026-01-31", "--by", "type", "--format", "json", "2025")
    rows = {row["group"]: row for row in ran.json()}
    assert sum(row["cases"] for row in rows.values()) == 32
    assert rows["civil"]["fail"] == 0  # QZ2025-078 was changed to pass on re-review
    assert rows["criminal"]["failing_cases"] == ["QZ2025-030"]


def test_stats_csv_opens_in_a_spreadsheet(run: Run) -> None:
    ran = run("stats", "--repo", str(ROOT), "--by", "institution", "--format", "csv", "2025")
    assert ran.stdout.startswith("\ufeff分组,案件数,优秀,良好,合格,不合格")


def test_an_unknown_round_is_a_usage_error(run: Run) -> None:
    assert run("verdicts", "--repo", str(ROOT), "1999").code == 2


@pytest.mark.article("13")
def test_new_scoresheet_lists_every_item_and_passes_check_once_filled(run: Run, tmp_path: Path) -> None:
    contents = files()
    del contents["scoresheets/2025/QZ2025-002/E0002.yaml"]
    root = write(tmp_path, contents)
    shutil.copytree(ROOT / "scripts" / "peereval" / "schemas", root / "schemas")
    assert run("new", "scoresheet", "--repo", str(root), "2025", "QZ2025-002", "E0002").code == 0
    sheet = root / "scoresheets/2025/QZ2025-002/E0002.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/scoresheet.schema.json\n")
    assert "meeting:  # 会见（满分 40 分）" in text and "opinion:  # 辩护意见（满分 60 分）" in text
    assert run("check", "--repo", str(root), "--as-of", "2025-12-20").code == 1  # blank scores
    filled = text.replace("meeting:  #", "meeting: 30  #").replace("opinion:  #", "opinion: 41  #")
    filled = filled.replace("comments:\n", "comments: 规范（示例）\n").replace(
        "submitted_on:  #", "submitted_on: 2025-10-20  #"
    )
    sheet.write_text(filled, encoding="utf-8")
    assert run("check", "--repo", str(root), "--as-of", "2025-12-20").code == 0
    assert run("new", "scoresheet", "--repo", str(root), "2025", "QZ2025-002", "E0002").code == 1
    assert sheet.read_text(encoding="utf-8") == filled


def test_new_scoresheet_refuses_an_expert_off_the_panel(run: Run, tmp_path: Path) -> None:
    root = write(tmp_path, files())
    assert run("new", "scoresheet", "--repo", str(root), "2025", "QZ2025-002", "E0003").code == 2
