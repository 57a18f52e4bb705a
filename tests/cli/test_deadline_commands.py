"""``peereval calendar``, ``status`` and ``exclusions`` as staff run them: output, formats, exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from peereval.cli.ics import MAX_OCTETS
from tests.conftest import Ran
from tests.minirepo import files, write

Run = Callable[..., Ran]
MISCONDUCT = "misconduct:\n  - {on: 2025-03-10, ground: 25(3), severity: serious, decision: 泉司〔2025〕1号}\n"


def repository(tmp_path: Path, *, notified: bool = True, fail: bool = False, published: str = "2025-12-12") -> Path:
    contents = files()
    round_file = "cases/2025/round.yaml"
    contents[round_file] = contents[round_file].replace("published: 2025-12-12", f"published: {published}")
    if not notified:
        contents[round_file] = contents[round_file].replace("notified_on: 2025-12-05\n", "")
    if fail:
        summary = "scoresheets/2025/QZ2025-002/summary.yaml"
        contents[summary] = contents[summary].replace("grade: pass", "grade: fail")
        contents["experts/E0003.yaml"] += MISCONDUCT
    return write(tmp_path, contents)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("add", "2026-02-12", "7"), "2026-02-28"),
        (("add", "2025-12-31", "1"), "2026-01-04"),
        (("add", "2026-09-30", "1"), "2026-10-08"),
        (("next", "2025-10-01"), "2025-10-09"),
        (("next", "2026-01-04"), "2026-01-04"),
    ],
    ids=["spring-festival", "make-up-sunday", "national-day", "next-after-holiday", "next-make-up-day"],
)
def test_calendar_answers_the_issue_examples(run: Run, tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    ran = run("calendar", args[0], "--repo", str(tmp_path), *args[1:])
    assert (ran.code, ran.stdout) == (0, expected + "\n")


def test_calendar_check_names_the_source_of_a_known_year(run: Run, tmp_path: Path) -> None:
    ran = run("calendar", "check", "--repo", str(tmp_path), "2026")
    assert ran.code == 0 and "chinese-calendar" in ran.stdout


def test_calendar_reads_a_year_from_calendar_yaml(run: Run, tmp_path: Path) -> None:
    (tmp_path / "calendar.yaml").write_text(
        'years:\n  "2027":\n    notice: 测试用（非官方）\n    holidays: [{from: 2027-01-01, to: 2027-01-03}]\n'
        "    workdays: []\n",
        encoding="utf-8",
    )
    assert "calendar.yaml" in run("calendar", "check", "--repo", str(tmp_path), "2027").stdout
    assert run("calendar", "add", "--repo", str(tmp_path), "2026-12-31", "1").stdout == "2027-01-04\n"


@pytest.mark.parametrize(
    ("args", "year"),
    [(("check", "2027"), "2027"), (("add", "2026-12-31", "1"), "2027"), (("next", "2003-05-01"), "2003")],
    ids=["check", "add", "next"],
)
def test_a_year_without_data_exits_2_with_what_to_add(
    run: Run, tmp_path: Path, args: tuple[str, ...], year: str
) -> None:
    ran = run("calendar", args[0], "--repo", str(tmp_path), *args[1:])
    assert (ran.code, ran.stdout) == (2, "")
    assert f"{year} 年的节假日安排未知" in ran.stderr and "calendar.yaml" in ran.stderr


def test_a_broken_calendar_yaml_is_reported_and_exits_2(run: Run, tmp_path: Path) -> None:
    (tmp_path / "calendar.yaml").write_text('years:\n  "2027": {notice: x}\n', encoding="utf-8")
    ran = run("calendar", "add", "--repo", str(tmp_path), "2026-01-05", "1")
    assert ran.code == 2 and "calendar.yaml:2" in ran.stderr and "E-SCHEMA" in ran.stderr


def test_status_lists_open_deadlines_most_urgent_first_as_stable_json(run: Run, tmp_path: Path) -> None:
    ran = run("status", "--repo", str(repository(tmp_path)), "--as-of", "2025-12-20", "--format", "json")
    assert ran.code == 0
    payload = ran.json()
    assert payload["as_of"] == "2025-12-20"
    rows = [(row["article"], row["status"], row["due"]) for row in payload["deadlines"]]
    assert rows == [("20", "due-soon", "2025-12-23"), ("27", "pending", "2027-04-28"), ("18", "met", "2025-12-12")]
    assert sorted(payload["deadlines"][0]) == [
        "article",
        "case",
        "due",
        "met_on",
        "round",
        "starts",
        "status",
        "title",
        "uid",
        "what",
        "window",
        "working_days_left",
    ]
    assert payload["deadlines"][0]["working_days_left"] == 2  # Monday 12-22 and Tuesday 12-23
    assert payload["deadlines"][1]["working_days_left"] is None  # 2027 is not known yet


def test_status_shows_recently_met_deadlines_and_all_of_them_with_all(run: Run, tmp_path: Path) -> None:
    root = str(repository(tmp_path))
    recent = run("status", "--repo", root, "--as-of", "2025-12-20", "--format", "json").json()["deadlines"]
    everything = run("status", "--repo", root, "--as-of", "2025-12-20", "--format", "json", "--all").json()
    assert ("18", "met") in [(row["article"], row["status"]) for row in recent]  # notified 12-05: recent
    assert "16" not in [row["article"] for row in recent]  # summaries submitted 10-25: not recent
    assert [row["article"] for row in everything["deadlines"]].count("16") == 2


def test_status_exits_1_when_a_deadline_is_overdue(run: Run, tmp_path: Path) -> None:
    ran = run("status", "--repo", str(repository(tmp_path, notified=False)), "--as-of", "2025-12-20")
    assert ran.code == 1
    lines = ran.stdout.splitlines()
    assert lines[0].startswith("截至 2025-12-20")
    assert lines[1].startswith("2025-12-12  已逾期  2025  -  第18条 通报反馈评估结论")


def test_status_writes_an_rfc_5545_calendar(run: Run, tmp_path: Path) -> None:
    root = str(repository(tmp_path))
    ran = run("status", "--repo", root, "--as-of", "2025-12-20", "--format", "ics")
    raw = ran.stdout.encode("utf-8")
    assert raw.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line and len(line) <= MAX_OCTETS for line in lines)
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8")
    assert unfolded.count("BEGIN:VEVENT") == 3
    assert "UID:2025.-.art20-objection-window@peereval" in unfolded
    assert "DTSTART;VALUE=DATE:20251223\r\nDTEND;VALUE=DATE:20251224" in unfolded
    assert run("status", "--repo", root, "--as-of", "2025-12-20", "--format", "ics").stdout == ran.stdout


def test_status_stops_with_exit_2_where_the_calendar_ends(run: Run, tmp_path: Path) -> None:
    ran = run("status", "--repo", str(repository(tmp_path, published="2026-12-28")), "--as-of", "2026-12-28")
    assert ran.code == 2 and "2027" in ran.stderr


def test_exclusions_list_the_failed_handler_and_the_barred_expert_as_json(run: Run, tmp_path: Path) -> None:
    ran = run("exclusions", "--repo", str(repository(tmp_path, fail=True)), "--as-of", "2025-12-20", "--format", "json")
    assert ran.code == 0
    payload = ran.json()
    assert [(h["case"], h["start"], h["end"], h["status"]) for h in payload["handlers"]] == [
        ("QZ2025-002", "2025-12-12", "2028-12-11", "in-force")
    ]
    assert [(e["expert"], e["kind"], e["end"]) for e in payload["experts"]] == [("E0003", "barred", "2027-03-09")]
    assert "35050000000009999" not in ran.stdout  # licence numbers are private


def test_exclusions_as_csv_have_one_row_each(run: Run, tmp_path: Path) -> None:
    ran = run("exclusions", "--repo", str(repository(tmp_path, fail=True)), "--as-of", "2025-12-20", "--format", "csv")
    lines = ran.stdout.splitlines()
    assert (
        lines[0] == "\ufeffkind,id,name,institution,round,case,article,ground,start,end,status"
    )  # BOM for spreadsheets
    assert [line.split(",")[0] for line in lines[1:]] == ["handler", "barred"]


def test_ended_exclusions_show_only_with_all(run: Run, tmp_path: Path) -> None:
    root = str(repository(tmp_path, fail=True))
    assert "承办人（示例）" not in run("exclusions", "--repo", root, "--as-of", "2028-12-12").stdout
    ran = run("exclusions", "--repo", root, "--as-of", "2028-12-12", "--all")
    assert "承办人（示例）" in ran.stdout and "已期满" in ran.stdout
