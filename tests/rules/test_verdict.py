"""The case status machine and the final grade everything uses (Art. 16, 17, 20–24)."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from peereval.load.repo import load_repository
from peereval.model import CaseId, Grade, RoundId, RoundRecords
from peereval.rules.stats import group_stats
from peereval.rules.verdict import Status, case_status, case_verdict, final_grade
from tests import minirepo
from tests.minirepo import files, write

CASE = CaseId("QZ2025-002")
AS_OF = datetime.date(2025, 12, 31)


def records(tmp_path: Path, contents: dict[str, str]) -> RoundRecords:
    loaded = load_repository(write(tmp_path, contents))
    return loaded.repository.rounds[RoundId("2025")]


def without(*paths: str) -> dict[str, str]:
    contents = files()
    for path in paths:
        del contents[path]
    return contents


SHEETS = ("scoresheets/2025/QZ2025-002/E0001.yaml", "scoresheets/2025/QZ2025-002/E0002.yaml")
SUMMARY = "scoresheets/2025/QZ2025-002/summary.yaml"


def signed(contents: dict[str, str]) -> dict[str, str]:
    return minirepo.signed(contents, "QZ2025-002")


def objection(**fields: str) -> str:
    base = {
        "case": "QZ2025-002",
        "filed_on": "2025-12-15",
        "applicant": "承办人（示例）",
        "grounds": '["22(1)"]',
        "statement": "申请复查（示例）",
    }
    base.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in base.items())


REVIEWED = {
    "office_decision": "{on: 2025-12-16, review: true}",
    "review_panel": "{assigned_on: 2025-12-17, members: [E0003, E0004], writer: E0003}",
    "concluded_on": "2025-12-24",
    "result": "{grade: good, reasons: 复查认为辩护意见充分（示例）}",
}

STATUSES = [
    ("drawn", lambda: without(*SHEETS, SUMMARY), Status.DRAWN),
    ("scoring", lambda: without(SHEETS[1], SUMMARY), Status.SCORING),
    ("summary", lambda: without(SUMMARY), Status.SUMMARY),
    ("signing", files, Status.SIGNING),
    ("final", lambda: signed(files()), Status.FINAL),
    (
        "escalated",
        lambda: {**files(), SUMMARY: files()[SUMMARY].replace("agreed: true", "agreed: false")},
        Status.ESCALATED,
    ),
    ("objection", lambda: {**signed(files()), "cases/2025/objections/QZ2025-002.yaml": objection()}, Status.OBJECTION),
    (
        "declined",
        lambda: {
            **signed(files()),
            "cases/2025/objections/QZ2025-002.yaml": objection(
                office_decision="{on: 2025-12-16, review: false, reply: 不予复查（示例）, replied_on: 2025-12-17}"
            ),
        },
        Status.CLOSED,
    ),
    (
        "under_review",
        lambda: {
            **signed(files()),
            "cases/2025/objections/QZ2025-002.yaml": objection(office_decision="{on: 2025-12-16, review: true}"),
        },
        Status.UNDER_REVIEW,
    ),
    (
        "reviewed",
        lambda: {**signed(files()), "cases/2025/objections/QZ2025-002.yaml": objection(**REVIEWED)},
        Status.REVIEWED,
    ),
    (
        "delivered",
        lambda: {
            **signed(files()),
            "cases/2025/objections/QZ2025-002.yaml": objection(**REVIEWED, delivered_on="2025-12-25"),
        },
        Status.CLOSED,
    ),
]


@pytest.mark.article("17")
@pytest.mark.parametrize(("make", "status"), [s[1:] for s in STATUSES], ids=[s[0] for s in STATUSES])
def test_each_status_follows_from_the_files(tmp_path: Path, make: object, status: Status) -> None:
    assert callable(make)
    assert case_status(records(tmp_path, make()), CASE, as_of=AS_OF) is status


@pytest.mark.article("17")
def test_a_summary_changed_after_signing_needs_signing_again(tmp_path: Path) -> None:
    contents = signed(files())
    contents[SUMMARY] = contents[SUMMARY].replace("reasons: 理由（示例）", "reasons: 理由已改（示例）")
    assert case_status(records(tmp_path, contents), CASE, as_of=AS_OF) is Status.SIGNING


@pytest.mark.article("20")
def test_events_after_as_of_have_not_happened(tmp_path: Path) -> None:
    contents = {**signed(files()), "cases/2025/objections/QZ2025-002.yaml": objection(**REVIEWED)}
    assert case_status(records(tmp_path, contents), CASE, as_of=datetime.date(2025, 12, 10)) is Status.FINAL


@pytest.mark.article("23")
def test_every_consumer_sees_the_post_review_grade(tmp_path: Path) -> None:
    contents = {**signed(files()), "cases/2025/objections/QZ2025-002.yaml": objection(**REVIEWED)}
    round_records = records(tmp_path, contents)
    verdict = case_verdict(round_records, CASE, as_of=AS_OF)
    assert final_grade(round_records, CASE) is Grade.GOOD
    assert (verdict.first_grade, verdict.final_grade, verdict.changed_on_review) == (Grade.PASS, Grade.GOOD, True)
    assert verdict.reasons == "复查认为辩护意见充分（示例）"
    [stats] = group_stats([verdict], by="type")
    assert stats.counts[Grade.GOOD] == 1 and stats.counts[Grade.PASS] == 0


@pytest.mark.article("17")
def test_the_leading_group_decision_stands_over_the_panel(tmp_path: Path) -> None:
    decision = textwrap.dedent(
        """\
        agreed: false
        escalation: {on: 2025-11-12, decision: 泉法援评〔2025〕9号, grade: good, reasons: 领导小组决定（示例）}"""
    )
    contents = {**files(), SUMMARY: files()[SUMMARY].replace("agreed: true", decision)}
    verdict = case_verdict(records(tmp_path, contents), CASE, as_of=AS_OF)
    assert (verdict.final_grade, verdict.escalated, verdict.reasons) == (Grade.GOOD, True, "领导小组决定（示例）")
