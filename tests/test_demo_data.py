"""The project's demo data (scheme.yaml, calendar.yaml, experts/, cases/, scoresheets/) is a valid repository."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

from peereval.cli.check import run_check
from peereval.problems import Severity
from tests.conftest import Ran

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "scripts" / "peereval" / "schemas"
SCHEMA_LINE = "# yaml-language-server: $schema="
AS_OF = "2025-12-20"

Run = Callable[..., Ran]


def demo_files() -> list[Path]:
    found = [ROOT / "scheme.yaml", ROOT / "calendar.yaml"]
    for folder in ("experts", "cases", "scoresheets"):
        found += sorted(p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))
    return found


DEMO_FILES = demo_files()


def test_the_demo_data_has_files_in_every_folder() -> None:
    assert {p.relative_to(ROOT).parts[0] for p in DEMO_FILES} == {
        "scheme.yaml",
        "calendar.yaml",
        "experts",
        "cases",
        "scoresheets",
    }


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_demo_file_names_an_existing_schema_on_its_first_line(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line.startswith(SCHEMA_LINE)
    schema = (path.parent / first_line.removeprefix(SCHEMA_LINE)).resolve()
    assert schema.parent == SCHEMAS and schema.is_file()


def test_the_demo_data_passes_the_check() -> None:
    problems = run_check(ROOT, as_of=datetime.date.fromisoformat(AS_OF))
    assert [p.as_text() for p in problems if p.severity is Severity.ERROR] == []


@pytest.mark.article("20")
@pytest.mark.article("23")
def test_status_of_the_demo_lists_the_objection_window_and_the_re_review_of_qz2025_078(run: Run) -> None:
    ran = run("status", "--repo", str(ROOT), "--as-of", AS_OF, "--format", "json")
    assert ran.code == 0
    rows = {(row["article"], row["what"], row["round"], row["case"]): row for row in ran.json()["deadlines"]}
    window = rows[("20", "objection-window", "2025", None)]
    review = rows[("23", "review", "2025", "QZ2025-078")]
    assert (window["window"], window["due"], window["status"]) == (True, "2025-12-23", "due-soon")
    assert (review["due"], review["met_on"]) == ("2025-12-26", None)
