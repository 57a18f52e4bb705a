"""``peereval build`` with signatures enforced: one verification serves the verdicts, the letters and the site.

A case whose sheets are not all validly signed (Art. 16, 17) is held back from the
letters and the site; the others are published with who signed what, and when.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Ran
from tests.signed_repo import Repo
from tests.signing.test_signed_history import SHEET_2, commit_an_unsigned_edit

Run = Callable[..., Ran]
AS_OF = "2026-01-15"


def build(run: Run, repo: Repo, *options: str) -> Ran:
    return run("build", "--repo", str(repo.path), "--as-of", AS_OF, *options)


@pytest.mark.article("17")
def test_build_with_a_trust_root_publishes_each_signed_case_with_its_signatures(
    run: Run, repo: Repo, trust_root: str
) -> None:
    ran = build(run, repo, "--trust-root", trust_root)
    assert ran.code == 0, ran.stderr
    page = (repo.path / "site" / "2025" / "QZ2025-001" / "index.html").read_text(encoding="utf-8")
    assert "签名核验" in page and "评估结果汇总表" in page and "有效" in page and "2025年10月" in page
    assert (repo.path / "build" / "letters" / "2025" / "QZ2025-001-conclusion.pdf").is_file()
    verdicts = {row["case"]: row["status"] for row in json.loads((repo.path / "build" / "verdicts.json").read_text())}
    assert verdicts["QZ2025-001"] == "final"


@pytest.mark.article("17")
def test_build_holds_back_a_case_whose_scoresheet_is_not_signed_and_says_so(
    run: Run, repo: Repo, trust_root: str
) -> None:
    commit_an_unsigned_edit(repo, SHEET_2)
    ran = build(run, repo, "--trust-root", trust_root)
    assert ran.code == 0, ran.stderr
    assert f"{SHEET_2}:0:0: E-SIGN-UNSIGNED" in ran.stderr
    assert not (repo.path / "site" / "2025" / "QZ2025-001" / "index.html").exists()
    assert not (repo.path / "build" / "letters" / "2025" / "QZ2025-001-conclusion.pdf").exists()
    verdicts = {row["case"]: row["status"] for row in json.loads((repo.path / "build" / "verdicts.json").read_text())}
    assert verdicts["QZ2025-001"] == "signing"


def test_build_without_a_trust_root_says_signatures_were_not_enforced_on_every_page(run: Run, repo: Repo) -> None:
    ran = build(run, repo)
    assert ran.code == 0, ran.stderr
    assert "W-SIGN-NOT-ENFORCED" in ran.stdout
    page = (repo.path / "site" / "2025" / "QZ2025-001" / "index.html").read_text(encoding="utf-8")
    assert "未核验" in page


def test_build_stops_on_a_check_error_and_publishes_nothing(run: Run, repo: Repo) -> None:
    repo.edit("cases/2025/round.yaml", "published: 2025-12-12", "published: 2025-13-12")
    ran = build(run, repo)
    assert ran.code == 1
    assert "未生成任何公开内容" in ran.stderr
    assert not (repo.path / "site").exists() and not (repo.path / "build" / "letters").exists()
