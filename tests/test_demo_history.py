"""``tools/demo_history.py`` builds the demo as a real signed repository (issue 6, item 7)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peereval.cli.signatures import signature_report
from peereval.load.repo import load_repository
from peereval.rules.ownership import State

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_demo_history_signs_every_file_but_the_one_deliberately_stale_summary(tmp_path: Path) -> None:
    out = tmp_path / "demo-repo"
    subprocess.run([sys.executable, str(PROJECT / "tools" / "demo_history.py"), "--out", str(out)], check=True)
    repository = load_repository(out).repository
    now = datetime(2026, 1, 1, tzinfo=UTC)
    report = signature_report(out, repository, trust_root="trust-root", now=now)
    assert report.enforced
    stale = {row.path for row in report.files if row.state is State.STALE}
    assert {row.state for row in report.files} == {State.VALID, State.STALE}
    assert len({Path(path).parent.parent for path in stale}) == 1  # the signatures of one summary
    assert [p.code for p in report.problems] == []
    merges = subprocess.run(
        ["git", "-C", str(out), "log", "--merges", "--format=%s"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert merges and all(subject.startswith("Merge pull request #") for subject in merges)
