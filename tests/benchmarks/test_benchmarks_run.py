"""Every benchmark runs end to end at a tiny size, so that none rots between the runs that fill BENCHMARKS.md.

The numbers at these sizes mean nothing; what is checked is that each benchmark
measures both sides and compares their verdicts or outputs as it does at full size.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def bench(*args: str, targets_judged: bool = False) -> str:
    """Run a benchmark; one that judges its targets exits 1 when one is missed, which a tiny size may do."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode in ((0, 1) if targets_judged else (0,)), done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_the_check_benchmark_compares_with_check_jsonschema() -> None:
    out = bench("check_bench.py", "12", "--repeat", "1")
    assert "check-jsonschema (" in out and "peereval check, subprocess" in out


def test_the_signatures_benchmark_finds_the_same_verdicts_as_git_log() -> None:
    out = bench("signatures_bench.py", "30")
    assert "identical verdicts" in out and "(warm)" in out


def test_the_site_benchmark_builds_two_sizes_and_a_plain_material_site() -> None:
    out = bench("site_bench.py", "3", "6", targets_judged=True)
    assert "plain Material" in out and "Marginal cost per case page" in out and "Targets met" in out


def test_the_letters_benchmark_renders_raw_and_through_peereval() -> None:
    out = bench("letters_bench.py", "2", targets_judged=True)
    assert "raw WeasyPrint" in out and "jobs=2" in out
    assert "One scoresheet's comments changed: 1 letter(s) rendered again." in out
