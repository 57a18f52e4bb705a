"""``peereval signatures``, ``sign``, ``codeowners`` and ``check --signatures`` on real signed history (issue 6)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Ran
from tests.signed_repo import CASE, Repo
from tests.signing.test_signed_history import SHEET_1, SHEET_2, SUMMARY, commit_an_unsigned_edit

Run = Callable[..., Ran]


def sign_codes(ran: Ran) -> list[str]:
    return [p["code"] for p in json.loads(ran.stdout) if "-SIGN-" in p["code"]]


def as_person(repo: Repo, person: str) -> None:
    repo.git("config", "user.signingkey", f"{repo.keys[person]}.pub")


@pytest.mark.article("17")
def test_signatures_without_a_trust_root_says_they_are_not_enforced(run: Run, repo: Repo) -> None:
    ran = run("signatures", "--repo", str(repo.path))
    assert ran.code == 0
    assert "签名未强制执行" in ran.stdout
    payload = json.loads(run("signatures", "--repo", str(repo.path), "--format", "json").stdout)
    assert (payload["enforced"], payload["notice"] is not None) == (False, True)


@pytest.mark.article("17")
def test_signatures_lists_owner_state_commit_signer_and_date_per_file(run: Run, repo: Repo, trust_root: str) -> None:
    ran = run("signatures", "2025", "--repo", str(repo.path), "--trust-root", trust_root, "--format", "json")
    assert ran.code == 0
    payload = json.loads(ran.stdout)
    row = next(row for row in payload["files"] if row["path"] == SHEET_2)
    assert (row["owner"], row["state"], row["signer"], row["date"][:10]) == ("E0002", "valid", ["E0002"], "2025-10-21")
    assert len(row["commit"]) == 40
    assert all(row["path"].startswith("scoresheets/2025/") for row in payload["files"])


@pytest.mark.article("17")
def test_check_with_signatures_fails_on_an_unsigned_scoresheet(run: Run, repo: Repo, trust_root: str) -> None:
    assert run("check", "--repo", str(repo.path), "--signatures", "--trust-root", trust_root).code == 0
    commit_an_unsigned_edit(repo, SHEET_2)
    ran = run("check", "--repo", str(repo.path), "--signatures", "--trust-root", trust_root, "--format", "json")
    assert ran.code == 1
    assert sign_codes(ran) == ["E-SIGN-UNSIGNED"]


def test_check_signatures_without_a_trust_root_warns_and_passes(run: Run, repo: Repo) -> None:
    ran = run("check", "--repo", str(repo.path), "--signatures", "--format", "json")
    assert (ran.code, sign_codes(ran)) == (0, ["W-SIGN-NOT-ENFORCED"])


@pytest.mark.article("16")
def test_sign_commits_ones_own_scoresheet_signed(run: Run, repo: Repo, trust_root: str) -> None:
    as_person(repo, "E0002")
    repo.edit(SHEET_2, "comments: 工作规范（示例）", "comments: 本人修改（示例）")
    assert run("sign", "--repo", str(repo.path), str(repo.path / SHEET_2)).code == 0
    payload = json.loads(
        run("signatures", "--repo", str(repo.path), "--trust-root", trust_root, "--format", "json").stdout
    )
    assert {row["path"]: row["state"] for row in payload["files"]}[SHEET_2] == "valid"


@pytest.mark.article("17")
def test_sign_a_summary_records_its_digest_in_a_signed_signature_file(run: Run, repo: Repo, trust_root: str) -> None:
    repo.edit(SUMMARY, "reasons: 理由（示例）", "reasons: 理由，已订正（示例）")
    repo.commit("汇总表订正", signer="E0001", when="2025-10-27T10:00:00+08:00")
    as_person(repo, "E0002")
    assert run("sign", "--repo", str(repo.path), str(repo.path / SUMMARY), "--as-of", "2025-10-28").code == 0
    signature = (repo.path / CASE / "signatures" / "E0002.yaml").read_text(encoding="utf-8")
    assert f"summary_sha256: {repo.digest(SUMMARY)}" in signature
    payload = json.loads(
        run("signatures", "--repo", str(repo.path), "--trust-root", trust_root, "--format", "json").stdout
    )
    found = {row["path"]: row["state"] for row in payload["files"]}
    assert (found[f"{CASE}/signatures/E0002.yaml"], found[f"{CASE}/signatures/E0001.yaml"]) == ("valid", "stale")


@pytest.mark.article("17")
def test_signing_what_is_already_signed_says_so_and_commits_nothing(run: Run, repo: Repo) -> None:
    as_person(repo, "E0002")
    repo.edit(SUMMARY, "reasons: 理由（示例）", "reasons: 理由，已订正（示例）")
    repo.commit("汇总表订正", signer="E0001", when="2025-10-27T10:00:00+08:00")
    assert run("sign", "--repo", str(repo.path), str(repo.path / SUMMARY), "--as-of", "2025-10-28").code == 0
    head = repo.git("rev-parse", "HEAD")
    for path in (SUMMARY, SHEET_2):
        ran = run("sign", "--repo", str(repo.path), str(repo.path / path), "--as-of", "2025-10-28")
        assert ran.code == 0 and "peereval signatures" in ran.stderr, ran.stderr
    assert repo.git("rev-parse", "HEAD") == head


def test_sign_refuses_what_the_user_does_not_own(run: Run, repo: Repo) -> None:
    as_person(repo, "E0002")
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 代签（示例）")
    ran = run("sign", "--repo", str(repo.path), str(repo.path / SHEET_1))
    assert ran.code == 2
    assert "E0001" in ran.stderr
    assert repo.git("status", "--porcelain", "--", SHEET_1)  # nothing committed


def test_codeowners_is_generated_and_check_fails_when_it_is_out_of_date(run: Run, repo: Repo) -> None:
    assert run("codeowners", "--repo", str(repo.path)).code == 0
    assert repo.git("status", "--porcelain") == ""  # what the office committed is what the command writes
    text = (repo.path / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert f"/{SHEET_1}\n" in text
    assert run("check", "--repo", str(repo.path)).code == 0
    (repo.path / ".github" / "CODEOWNERS").write_text(text.replace(f"/{SHEET_1}\n", ""), "utf-8")
    ran = run("check", "--repo", str(repo.path), "--format", "json")
    assert (ran.code, sign_codes(ran)) == (1, ["E-SIGN-CODEOWNERS"])
    assert run("codeowners", "--repo", str(repo.path), "--check").code == 1


@pytest.mark.article("17")
def test_codeowners_written_after_the_draw_stays_current_as_experts_add_their_sheets(run: Run, repo: Repo) -> None:
    """It lists the files the panel will write, so the experts' own pull requests need not touch it."""
    assert repo.git("log", "--format=%s", "--", ".github/CODEOWNERS") == "评估办：生成 CODEOWNERS"
    added_later = repo.git("log", "--format=", "--name-only", "HEAD", "^HEAD~5", "--", "scoresheets").split()
    assert SHEET_1 in added_later and SUMMARY in added_later
    assert run("codeowners", "--repo", str(repo.path), "--check").code == 0


@pytest.mark.article("17")
def test_codeowners_is_required_where_signatures_are_enforced(run: Run, repo: Repo, trust_root: str) -> None:
    repo.git("rm", "-q", ".github/CODEOWNERS")
    repo.commit("评估办：删除 CODEOWNERS", when="2025-10-27T10:00:00+08:00")
    assert run("check", "--repo", str(repo.path)).code == 0  # the project's own tree: not asked for
    ran = run("check", "--repo", str(repo.path), "--signatures", "--trust-root", trust_root, "--format", "json")
    assert (ran.code, sign_codes(ran)) == (1, ["E-SIGN-CODEOWNERS"])
    assert "缺少" in ran.stdout


@pytest.mark.article("17")
def test_verdicts_with_a_trust_root_keep_an_unsigned_case_short_of_final_and_say_when_not_enforced(
    run: Run, repo: Repo, trust_root: str
) -> None:
    commit_an_unsigned_edit(repo, SHEET_2)

    def status(*options: str) -> tuple[str, str]:
        ran = run("verdicts", "--repo", str(repo.path), "--as-of", "2025-12-31", "--format", "json", *options)
        return next(row["status"] for row in ran.json() if row["case"] == CASE.split("/")[-1]), ran.stderr

    assert status("--trust-root", trust_root) == ("signing", "")
    final, notice = status()
    assert final == "final" and "签名未强制执行" in notice
