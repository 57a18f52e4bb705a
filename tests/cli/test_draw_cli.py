"""``peereval sample`` and ``peereval draw``: files written once and atomically, verification catches hand edits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peereval.cli.draw import yaml_lines
from peereval.load.yaml_strict import load_text
from peereval.problems import Problem
from tests.conftest import Ran
from tests.minirepo import files, write

Run = Callable[..., Ran]
HEADER = "case_id,number,type,closed_on,handler_name,handler_licence_no,institution_name,institution_code,region\n"


def csv_row(number: int, closed_on: str = "2025-03-01", case_type: str = "criminal") -> str:
    return (
        f"QZ2025-{number:03d},（2025）泉法援刑字第{number:03d}号,{case_type},{closed_on},承办人{number}（示例）,"
        f"35050000000009{number:03d},示例承办律所,QZLF99,丰泽区\n"
    )


def fresh(tmp_path: Path, rows: str | None = None) -> Path:
    """The minimal repository before its sample: no cases, panels or scoresheets; a 12-row export."""
    contents = {
        name: text
        for name, text in files().items()
        if not name.startswith("scoresheets/2025/") and not name.startswith("cases/2025/QZ") and "panels" not in name
    }
    contents["cases/2025/closed-cases.csv"] = HEADER + (rows or "".join(csv_row(n) for n in range(1, 13)))
    return write(tmp_path, contents)


def fill(root: Path, case_id: str) -> None:
    """What staff do after the sample: add the cause and the client."""
    path = root / "cases/2025" / f"{case_id}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "cause: 盗窃罪\nclient: {name: 受援人（示例）}\n", encoding="utf-8"
    )


@pytest.mark.article("5")
def test_sample_writes_each_drawn_case_and_the_record_then_verifies(run: Run, tmp_path: Path) -> None:
    root = fresh(tmp_path)
    ran = run("sample", "--repo", str(root), "--format", "json", "2025")
    assert ran.code == 0, ran.stderr
    picks = ran.json()["strata"][0]["picks"]
    assert ran.json()["strata"][0]["size"] == 12 and len(picks) == 2 and ran.json()["created"] == picks
    text = (root / "cases/2025" / f"{picks[0]}.yaml").read_text(encoding="utf-8")
    assert "handler:" in text and "# cause:" in text and "35050000000009" in text
    assert (root / "cases/2025/sample.yaml").exists()
    unfilled = run("sample", "--repo", str(root), "--format", "json", "--verify", "2025")
    assert unfilled.code == 1 and {p["code"] for p in unfilled.json()} == {"E-SCHEMA-VIOLATION"}
    for case_id in picks:
        fill(root, case_id)
    verified = run("sample", "--repo", str(root), "--verify", "2025")
    assert verified.code == 0, verified.stdout


@pytest.mark.article("5")
def test_sample_never_overwrites_an_existing_case_file(run: Run, tmp_path: Path) -> None:
    root = fresh(tmp_path)
    picks = run("sample", "--repo", str(root), "--format", "json", "2025").json()["strata"][0]["picks"]
    target = root / "cases/2025" / f"{picks[0]}.yaml"
    target.write_text("# staff's version\n", encoding="utf-8")
    again = run("sample", "--repo", str(root), "--format", "json", "2025")
    assert again.code == 0 and again.json()["created"] == [] and sorted(again.json()["existing"]) == sorted(picks)
    assert target.read_text(encoding="utf-8") == "# staff's version\n"
    assert not [p for p in (root / "cases/2025").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.article("5")
def test_sample_verify_catches_an_undrawn_case_and_an_edited_record(run: Run, tmp_path: Path) -> None:
    root = fresh(tmp_path)
    picks = run("sample", "--repo", str(root), "--format", "json", "2025").json()["strata"][0]["picks"]
    for case_id in picks:
        fill(root, case_id)
    other = next(f"QZ2025-{n:03d}" for n in range(1, 13) if f"QZ2025-{n:03d}" not in picks)
    write(root, {f"cases/2025/{other}.yaml": files()["cases/2025/QZ2025-001.yaml"].replace("QZ2025-001", other)})
    record = root / "cases/2025/sample.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("take: 2", "take: 3"), encoding="utf-8")
    ran = run("sample", "--repo", str(root), "--format", "json", "--verify", "2025")
    assert ran.code == 1
    assert {(p["path"], p["code"]) for p in ran.json()} == {
        (f"cases/2025/{other}.yaml", "E-SAMPLE-NOT-DRAWN"),
        ("cases/2025/sample.yaml", "E-SAMPLE-RECORD"),
    }


@pytest.mark.article("5")
def test_a_bad_export_is_reported_by_line_and_nothing_is_written(run: Run, tmp_path: Path) -> None:
    rows = csv_row(1) + csv_row(1) + csv_row(2, closed_on="2025-07-01") + csv_row(3, case_type="family")
    root = fresh(tmp_path, rows)
    ran = run("sample", "--repo", str(root), "--format", "json", "2025")
    assert ran.code == 1
    assert [(p["line"], p["code"]) for p in ran.json()] == [
        (3, "E-CSV-DUPLICATE"),  # the case id
        (3, "E-CSV-DUPLICATE"),  # the case number
        (4, "E-DATE-CLOSED-OUTSIDE-PERIOD"),
        (5, "E-CSV-UNKNOWN-TYPE"),
    ]
    assert sorted(p.name for p in (root / "cases/2025").iterdir()) == ["closed-cases.csv", "round.yaml"]


def test_without_a_published_seed_nothing_is_drawn(run: Run, tmp_path: Path) -> None:
    root = fresh(tmp_path)
    round_file = root / "cases/2025/round.yaml"
    round_file.write_text(round_file.read_text(encoding="utf-8").replace(', value: "01 02 03"', ""), encoding="utf-8")
    assert run("sample", "--repo", str(root), "2025").code == 2
    assert run("draw", "--repo", str(root), "--as-of", "2025-09-10", "2025").code == 2


def drawn(run: Run, tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    contents = files() | (extra or {})
    del contents["cases/2025/panels.yaml"]
    root = write(tmp_path, contents)
    ran = run("draw", "--repo", str(root), "--as-of", "2025-09-10", "2025")
    assert ran.code == 0, ran.stderr
    return root


@pytest.mark.article("9")
def test_draw_writes_panels_that_verify_and_verify_catches_a_hand_edit(run: Run, tmp_path: Path) -> None:
    root = drawn(run, tmp_path)
    panels = root / "cases/2025/panels.yaml"
    text = panels.read_text(encoding="utf-8")
    assert "members: [E0001, E0002]" in text and "id: P-criminal-1" in text
    assert run("draw", "--repo", str(root), "--verify", "2025").code == 0
    panels.write_text(text.replace("members: [E0001, E0002]", "members: [E0001, E0003]"), encoding="utf-8")
    ran = run("draw", "--repo", str(root), "--verify", "--format", "json", "2025")
    line = text.splitlines().index("    members: [E0001, E0002]") + 1
    assert ran.code == 1
    assert {(p["line"], p["code"]) for p in ran.json()} == {(line, "E-DRAW-MEMBER"), (line, "E-DRAW-MEMBER-MISSING")}


@pytest.mark.article("9")
def test_draw_rewrites_an_existing_panels_file_only_with_update(run: Run, tmp_path: Path) -> None:
    root = drawn(run, tmp_path)
    panels = root / "cases/2025/panels.yaml"
    edited = panels.read_text(encoding="utf-8").replace("writer: E0001", "writer: E0002")
    panels.write_text(edited, encoding="utf-8")
    refused = run("draw", "--repo", str(root), "--format", "json", "2025")
    assert refused.code == 1 and [p["code"] for p in refused.json()] == ["E-DRAW-WRITER"]
    assert panels.read_text(encoding="utf-8") == edited
    assert run("draw", "--repo", str(root), "--as-of", "2025-09-11", "2025").code == 2
    assert run("draw", "--repo", str(root), "--update", "2025").code == 0
    assert "writer: E0001" in panels.read_text(encoding="utf-8")
    assert run("draw", "--repo", str(root), "--verify", "2025").code == 0


@pytest.mark.article("21")
def test_draw_review_records_a_group_outside_the_first_panel(run: Run, tmp_path: Path) -> None:
    extra = {}
    for number in (4, 5):
        text = files()["experts/E0003.yaml"].replace("E0003", f"E000{number}").replace("专家3", f"专家{number}")
        extra[f"experts/E000{number}.yaml"] = text.replace('"35050000000000003"', f'"3505000000000000{number}"')
    root = drawn(run, tmp_path, extra)
    objection = root / "cases/2025/objections/QZ2025-002.yaml"
    write(
        root,
        {
            "cases/2025/objections/QZ2025-002.yaml": "case: QZ2025-002\nfiled_on: 2025-12-15\napplicant: 承办人（示例）\n"
            'grounds: ["22(1)"]\nstatement: 申请复查（示例）\noffice_decision: {on: 2025-12-16, review: true}\n'
        },
    )
    ran = run(
        "draw", "--repo", str(root), "--as-of", "2025-12-17", "--format", "json", "--review", "QZ2025-002", "2025"
    )
    assert ran.code == 0, ran.stderr
    members = ran.json()["members"]
    panel = (root / "cases/2025/panels.yaml").read_text(encoding="utf-8")
    first = set(panel.split("members: [", 1)[1].split("]", 1)[0].split(", "))
    assert len(members) == 2 and not first & set(members)
    assert f"members: [{', '.join(members)}]" in objection.read_text(encoding="utf-8")
    assert run("draw", "--repo", str(root), "--verify", "2025").code == 0
    assert run("draw", "--repo", str(root), "--review", "QZ2025-002", "2025").code == 2


@pytest.mark.article("22")
def test_draw_review_on_ground_22_2_waits_for_the_supplement(run: Run, tmp_path: Path) -> None:
    root = drawn(run, tmp_path)
    objection = root / "cases/2025/objections/QZ2025-002.yaml"
    text = (
        "case: QZ2025-002\nfiled_on: 2025-12-15\napplicant: 承办人（示例）\n"
        'grounds: ["22(2)"]\nstatement: 遗漏材料（示例）\noffice_decision: {on: 2025-12-16, review: true}\n'
    )
    write(root, {"cases/2025/objections/QZ2025-002.yaml": text})
    ran = run("draw", "--repo", str(root), "--as-of", "2025-12-17", "--review", "QZ2025-002", "2025")
    assert ran.code == 2 and "supplement.received_on" in ran.stderr
    assert objection.read_text(encoding="utf-8") == text  # nothing recorded


def test_draw_report_lists_each_experts_panels_and_cases(run: Run, tmp_path: Path) -> None:
    root = drawn(run, tmp_path)
    ran = run("draw", "--repo", str(root), "--report", "--format", "json", "2025")
    assert ran.code == 0
    assert [(row["expert"], row["panels"], row["case_count"]) for row in ran.json()] == [
        ("E0001", ["P-criminal-1"], 2),
        ("E0002", ["P-criminal-1"], 2),
    ]


def test_verify_without_panels_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    contents = files()
    del contents["cases/2025/panels.yaml"]
    assert run("draw", "--repo", str(write(tmp_path, contents)), "--verify", "2025").code == 2


@given(text=st.text(), items=st.lists(st.text(), max_size=3))
def test_any_text_written_as_yaml_reads_back_unchanged(text: str, items: list[str]) -> None:
    data = {"text": text, "items": items, "nested": [{"text": text}]}
    document = load_text("x.yaml", "\n".join(yaml_lines(data)).encode("utf-8") + b"\n")
    assert not isinstance(document, Problem) and document.data == data


DEMO = Path(__file__).resolve().parents[2]


@pytest.mark.article("9")
def test_the_demo_rounds_panels_are_the_draw_and_verify(run: Run) -> None:
    """The demo's panels.yaml was written by ``peereval draw 2025`` (with the designated P-criminal-2 as a draft)."""
    assert run("draw", "--repo", str(DEMO), "--verify", "2025").code == 0


@pytest.mark.article("9")
def test_drawing_the_demo_round_again_gives_its_panels_yaml_byte_for_byte(run: Run) -> None:
    """Without --update nothing is written: equal bytes are said so, a difference would fail (exit 1)."""
    before = (DEMO / "cases/2025/panels.yaml").read_bytes()
    ran = run("draw", "--repo", str(DEMO), "2025")
    assert ran.code == 0 and "与复算结果一致" in ran.stderr
    assert (DEMO / "cases/2025/panels.yaml").read_bytes() == before


@pytest.mark.article("5")
def test_the_demo_rounds_sample_verifies(run: Run) -> None:
    assert run("sample", "--repo", str(DEMO), "--verify", "2025").code == 0


@pytest.mark.article("9")
def test_no_demo_expert_sits_on_more_panels_than_the_cap(run: Run) -> None:
    ran = run("draw", "--repo", str(DEMO), "--report", "--format", "json", "2025")
    assert ran.code == 0
    assert ran.json() and all(row["panel_count"] <= row["cap"] for row in ran.json())


@pytest.mark.article("10(1)")
def test_check_runs_the_draw_verification(run: Run, tmp_path: Path) -> None:
    root = drawn(run, tmp_path)
    panels = root / "cases/2025/panels.yaml"
    panels.write_text(panels.read_text(encoding="utf-8").replace("writer: E0001", "writer: E0002"), encoding="utf-8")
    ran = run("check", "--repo", str(root), "--as-of", "2025-09-11", "--format", "json")
    assert ran.code == 1
    assert "E-DRAW-WRITER" in {problem["code"] for problem in ran.json()}


@pytest.mark.article("5")
def test_check_runs_the_sample_verification_where_the_sample_is_recorded(run: Run, tmp_path: Path) -> None:
    root = fresh(tmp_path)
    assert run("sample", "--repo", str(root), "2025").code == 0
    record = root / "cases/2025/sample.yaml"
    export = root / "cases/2025/closed-cases.csv"
    export.write_text(export.read_text(encoding="utf-8") + csv_row(13), encoding="utf-8")
    ran = run("check", "--repo", str(root), "--as-of", "2025-09-11", "--format", "json")
    assert "E-SAMPLE-RECORD" in {problem["code"] for problem in ran.json()}
    record.unlink()
    ran = run("check", "--repo", str(root), "--as-of", "2025-09-11", "--format", "json")
    assert not {problem["code"] for problem in ran.json()} & {"E-SAMPLE-RECORD", "W-SAMPLE-NOT-RECORDED"}
