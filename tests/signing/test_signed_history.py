"""Signatures are signed commits, verified offline from real Git history with real SSH keys (issue 6, Art. 16–17)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from peereval.cli.signatures import SignatureReport, enforce_signatures, file_problems, signature_report
from peereval.gitsign import CACHE_VERSION, Cache, read_history
from peereval.load.repo import load_repository
from peereval.model import CaseId, Decision, RoundId, SigningKey
from peereval.problems import PeerevalError
from peereval.rules.history import latest_changes
from peereval.rules.ownership import EMPTY_REGISTRY, Holder, Registry, State, allowed_signers, fingerprint
from peereval.rules.verdict import Status, case_status
from tests.signed_repo import CASE, Repo, public

NOW = datetime(2026, 1, 15, tzinfo=UTC)
SHEET_1 = f"{CASE}/E0001.yaml"
SHEET_2 = f"{CASE}/E0002.yaml"
SUMMARY = f"{CASE}/summary.yaml"
SIGNATURE_1 = f"{CASE}/signatures/E0001.yaml"
SIGNATURE_2 = f"{CASE}/signatures/E0002.yaml"
LATER = "2025-10-27T10:00:00+08:00"


def commit_an_unsigned_edit(repo: Repo, path: str) -> None:
    """A staff member's unsigned commit that changes an expert's scoresheet (the expert's signature no longer counts)."""
    repo.edit(path, "comments: 工作规范（示例）", "comments: 未签名修改（示例）")
    repo.commit("评分表修改", when="2025-10-27T10:00:00+08:00")


def report(repo: Repo, trust_root: str | None) -> SignatureReport:
    return signature_report(repo.path, load_repository(repo.path).repository, trust_root=trust_root, now=NOW)


def states(result: SignatureReport) -> dict[str, State]:
    return {row.path: row.state for row in result.files}


def codes(result: SignatureReport) -> list[str]:
    return sorted(problem.code for problem in result.problems)


@pytest.mark.article("17")
def test_files_committed_signed_by_their_owners_are_valid(repo: Repo, trust_root: str) -> None:
    result = report(repo, trust_root)
    assert result.enforced
    assert set(states(result).values()) == {State.VALID}
    assert set(states(result)) == {
        "scoresheets/indicators/criminal-v1.yaml",
        SHEET_1,
        SHEET_2,
        SUMMARY,
        SIGNATURE_1,
        SIGNATURE_2,
    }
    assert codes(result) == []
    assert {row.path: row.signers for row in result.files}[SHEET_2] == ("E0002",)


@pytest.mark.article("17")
def test_an_unsigned_commit_leaves_the_file_unsigned(repo: Repo, trust_root: str) -> None:
    repo.edit(SHEET_2, "comments: 工作规范（示例）", "comments: 工作规范，补充意见（示例）")
    repo.commit("评分表修改", when="2025-10-27T10:00:00+08:00")
    result = report(repo, trust_root)
    assert states(result)[SHEET_2] is State.UNSIGNED
    assert [p.code for p in file_problems(result)] == ["E-SIGN-UNSIGNED"]


@pytest.mark.article("17")
def test_another_experts_key_under_a_forged_author_name_is_the_wrong_signer(repo: Repo, trust_root: str) -> None:
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 伪造（示例）")
    repo.commit("评分表 E0001", signer="E0002", author="E0001", when="2025-10-27T10:00:00+08:00")
    row = next(row for row in report(repo, trust_root).files if row.path == SHEET_1)
    assert (row.state, row.signers) == (State.WRONG_SIGNER, ("E0002",))


@pytest.mark.article("17")
def test_a_key_nobody_registered_is_an_unknown_key(repo: Repo, trust_root: str) -> None:
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 未登记公钥（示例）")
    repo.commit("评分表 E0001", signer="X99", author="E0001", when="2025-10-27T10:00:00+08:00")
    assert states(report(repo, trust_root))[SHEET_1] is State.UNKNOWN_KEY


@pytest.mark.article("17")
def test_a_key_used_after_its_last_valid_day_is_expired(repo: Repo, trust_root: str) -> None:
    repo.edit("experts/E0001.yaml", "valid_from: 2025-01-01\n", "valid_from: 2025-01-01\n    valid_until: 2025-10-27\n")
    repo.commit("领导小组：E0001 公钥有效期", signer="L01", when="2025-10-27T09:00:00+08:00")
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 有效期内（示例）")
    repo.commit("评分表 E0001", signer="E0001", when="2025-10-27T23:00:00+08:00")
    assert states(report(repo, trust_root))[SHEET_1] is State.VALID
    repo.edit(SHEET_1, "comments: 有效期内（示例）", "comments: 过期后（示例）")
    repo.commit("评分表 E0001", signer="E0001", when="2025-10-28T08:00:00+08:00")
    result = report(repo, trust_root)
    assert states(result)[SHEET_1] is State.EXPIRED
    assert codes(result) == []  # the registry change itself was signed by a leader


@pytest.mark.article("17")
def test_a_key_used_on_or_after_its_revocation_is_revoked(repo: Repo, trust_root: str) -> None:
    revoked = "valid_from: 2025-01-01\n    revoked: {on: 2025-10-27, decision: 泉法援评〔2025〕7号}\n"
    repo.edit("experts/E0002.yaml", "valid_from: 2025-01-01\n", revoked)
    repo.commit("领导小组：吊销 E0002 公钥", signer="L01", when="2025-10-27T09:00:00+08:00")
    repo.edit(SHEET_2, "comments: 工作规范（示例）", "comments: 吊销后（示例）")
    repo.commit("评分表 E0002", signer="E0002", when="2025-10-27T10:00:00+08:00")
    assert states(report(repo, trust_root))[SHEET_2] is State.REVOKED


@pytest.mark.article("17")
def test_a_staff_edit_after_the_expert_signed_voids_the_signature(repo: Repo, trust_root: str) -> None:
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 评估办改过（示例）")
    repo.commit("评估办：订正", signer="O01", when="2025-10-27T10:00:00+08:00")
    row = next(row for row in report(repo, trust_root).files if row.path == SHEET_1)
    assert (row.state, row.signers) == (State.WRONG_SIGNER, ("O01",))


@pytest.mark.article("17")
def test_a_summary_changed_after_the_members_signed_makes_their_signatures_stale(repo: Repo, trust_root: str) -> None:
    repo.edit(SUMMARY, "reasons: 理由（示例）", "reasons: 理由，已订正（示例）")
    repo.commit("汇总表订正", signer="E0001", when="2025-10-27T10:00:00+08:00")
    found = states(report(repo, trust_root))
    assert found[SUMMARY] is State.VALID
    assert (found[SIGNATURE_1], found[SIGNATURE_2]) == (State.STALE, State.STALE)
    repo.signature("E0002")
    assert states(report(repo, trust_root))[SIGNATURE_2] is State.VALID


@pytest.mark.article("17")
def test_a_registry_change_signed_by_a_non_leader_fails_closed(repo: Repo, trust_root: str) -> None:
    second = public(repo.keys["X99"])
    repo.edit(
        "experts/E0002.yaml", "signing_keys:\n", f"signing_keys:\n  - key: {second}\n    valid_from: 2025-01-01\n"
    )
    bad = repo.commit("E0002 自行登记新公钥", signer="E0002", when="2025-10-27T10:00:00+08:00")
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 之后的修改（示例）")
    repo.commit("评分表 E0001", signer="E0001", when="2025-10-28T10:00:00+08:00")
    result = report(repo, trust_root)
    assert [(p.code, p.path) for p in result.problems] == [("E-SIGN-REGISTRY-UNSIGNED", f"git:{bad[:10]}")]
    assert states(result)[SHEET_1] is State.UNTRUSTED
    assert states(result)[SHEET_2] is State.VALID  # committed before the bad change
    unenforced = report(repo, None)
    assert (unenforced.enforced, states(unenforced)[SHEET_1], codes(unenforced)) == (False, State.VALID, [])


def test_a_registry_change_signed_by_a_leader_is_trusted(repo: Repo, trust_root: str) -> None:
    second = public(repo.keys["X99"])
    repo.edit(
        "experts/E0002.yaml", "signing_keys:\n", f"signing_keys:\n  - key: {second}\n    valid_from: 2025-01-01\n"
    )
    repo.commit("领导小组：E0002 新公钥", signer="L01", when="2025-10-27T10:00:00+08:00")
    repo.edit(SHEET_2, "comments: 工作规范（示例）", "comments: 用新公钥（示例）")
    repo.commit("评分表 E0002", signer="X99", when="2025-10-28T10:00:00+08:00")
    result = report(repo, trust_root)
    assert (states(result)[SHEET_2], codes(result)) == (State.VALID, [])


def test_backdated_and_future_commits_are_reported(repo: Repo, trust_root: str) -> None:
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 倒填日期（示例）")
    back = repo.commit("评分表 E0001", signer="E0001", when="2025-10-20T10:00:00+08:00")
    repo.edit(SHEET_2, "comments: 工作规范（示例）", "comments: 未来日期（示例）")
    ahead = repo.commit("评分表 E0002", signer="E0002", when="2027-01-01T10:00:00+08:00")
    result = report(repo, trust_root)
    found = {(p.code, p.path) for p in result.problems}
    assert found == {("E-SIGN-BACKDATED", f"git:{back[:10]}"), ("E-SIGN-FUTURE-DATE", f"git:{ahead[:10]}")}


def test_a_merge_commit_keeps_the_signatures_of_the_branch(repo: Repo, trust_root: str) -> None:
    repo.git("checkout", "-q", "-b", "expert-e0002")
    repo.edit(SHEET_2, "comments: 工作规范（示例）", "comments: 分支上的修改（示例）")
    repo.commit("评分表 E0002", signer="E0002", when="2025-10-27T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.edit("cases/2025/QZ2025-002.yaml", "cause: 盗窃罪", "cause: 诈骗罪")
    repo.commit("评估办：订正案由", when="2025-10-27T11:00:00+08:00")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7", "expert-e0002", when="2025-10-27T12:00:00+08:00")
    result = report(repo, trust_root)
    assert (states(result)[SHEET_2], codes(result)) == (State.VALID, [])


def test_an_evil_merge_is_reported_and_what_it_slipped_in_is_unsigned(repo: Repo, trust_root: str) -> None:
    repo.git("checkout", "-q", "-b", "expert-e0002")
    repo.edit(SHEET_2, "comments: 工作规范（示例）", "comments: 分支上的修改（示例）")
    repo.commit("评分表 E0002", signer="E0002", when="2025-10-27T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "expert-e0002", when="2025-10-27T12:00:00+08:00")
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 合并时夹带（示例）")
    repo.git("add", "-A")
    merge = repo.commit("Merge pull request #8", when="2025-10-27T12:00:00+08:00")
    result = report(repo, trust_root)
    assert [(p.code, p.path) for p in result.problems] == [("E-SIGN-EVIL-MERGE", f"git:{merge[:10]}")]
    assert (states(result)[SHEET_1], states(result)[SHEET_2]) == (State.UNSIGNED, State.VALID)


@pytest.mark.article("17")
def test_a_squash_merged_branch_lost_its_signatures(repo: Repo, trust_root: str) -> None:
    repo.git("checkout", "-q", "-b", "panel")
    for sheet, expert in ((SHEET_1, "E0001"), (SHEET_2, "E0002")):
        repo.edit(sheet, "comments: 工作规范（示例）", f"comments: {expert} 的修改（示例）")
        repo.commit(f"评分表 {expert}", signer=expert, when="2025-10-27T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--squash", "panel")
    squash = repo.commit("评分表 (#9)", when="2025-10-27T12:00:00+08:00")
    result = report(repo, trust_root)
    assert [(p.code, p.path) for p in result.problems] == [("E-SIGN-SQUASHED", f"git:{squash[:10]}")]
    assert (states(result)[SHEET_1], states(result)[SHEET_2]) == (State.UNSIGNED, State.UNSIGNED)


@pytest.mark.article("17")
def test_one_owners_branch_squashed_by_git_merge_squash_lost_its_signature(repo: Repo, trust_root: str) -> None:
    """One commit, one owner: the file-count mark cannot see it; the message git proposes can."""
    repo.git("checkout", "-q", "-b", "panel")
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: E0001 的修改（示例）")
    repo.commit("评分表 E0001", signer="E0001", when="2025-10-27T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--squash", "panel")
    squash = repo.commit("Squashed commit of the following:\n\ncommit …", when="2025-10-27T12:00:00+08:00")
    result = report(repo, trust_root)
    assert [(p.code, p.path) for p in result.problems] == [("E-SIGN-SQUASHED", f"git:{squash[:10]}")]
    assert states(result)[SHEET_1] is State.UNSIGNED


@pytest.mark.article("17")
def test_a_commit_written_by_githubs_squash_or_rebase_button_lost_its_signature(repo: Repo, trust_root: str) -> None:
    repo.edit(SHEET_2, "comments: 工作规范（示例）", "comments: 网页合并（示例）")
    repo.git("add", "-A")
    github = ("-c", "user.name=GitHub", "-c", "user.email=noreply@github.com")
    repo.git(
        *github, "commit", "-q", "--no-gpg-sign", "--author", "E0002 <E0002@test>", "-m", "评分表 (#12)", when=LATER
    )
    result = report(repo, trust_root)
    assert [p.code for p in result.problems] == ["E-SIGN-SQUASHED"]
    assert "GitHub" in result.problems[0].message
    assert states(result)[SHEET_2] is State.UNSIGNED


@pytest.mark.article("17")
def test_a_committer_name_holding_separators_cannot_forge_a_history_record(repo: Repo, trust_root: str) -> None:
    """The name imitates a log record (in the separators of a ``%x1e%H%x1f…%cn`` format) of the expert's
    signed commit just below: read in the same channel as structure, the unsigned change would be
    attributed to that signed commit and pass as signed."""
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 专家签名的版本（示例）")
    signed = repo.commit("评分表 E0001", signer="E0001", when=LATER)
    commit = read_history(repo.path).commits[signed]
    record = "\x1f".join([signed, " ".join(commit.parents), commit.tree, str(commit.time), "E0001"])
    repo.edit(SHEET_1, "comments: 专家签名的版本（示例）", "comments: 伪造记录（示例）")
    repo.git("add", "-A")
    repo.git("-c", f"user.name=x\x1e{record}", "commit", "-q", "--no-gpg-sign", "-m", "评分表修改", when=LATER)
    history = read_history(repo.path)
    assert history.commits[history.head or ""].committer == f"x\x1e{record}"
    row = next(row for row in report(repo, trust_root).files if row.path == SHEET_1)
    assert (row.state, row.commit) == (State.UNSIGNED, history.head)


def test_an_uncommitted_change_is_unsigned(repo: Repo, trust_root: str) -> None:
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 未提交（示例）")
    row = next(row for row in report(repo, trust_root).files if row.path == SHEET_1)
    assert (row.state, row.commit) == (State.UNSIGNED, None)


def test_a_trust_root_that_is_not_a_commit_is_a_usage_error(repo: Repo) -> None:
    with pytest.raises(PeerevalError, match="--trust-root"):
        report(repo, "no-such-revision")


def test_verified_commits_are_cached_in_the_ignored_cache_folder(repo: Repo, trust_root: str) -> None:
    first = report(repo, trust_root)
    cache = Cache(repo.path)
    assert cache.path == repo.path / ".peereval-cache" / "signatures.json"
    assert len(cache.data["verified"]) >= 5
    assert report(repo, trust_root) == first
    assert repo.git("status", "--porcelain") == ""


def test_a_committed_cache_is_never_trusted(repo: Repo, trust_root: str) -> None:
    """A pull request could commit a cache that calls its unsigned commits good: fail closed."""
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 未签名（示例）")
    unsigned = repo.commit("评分表修改", when="2025-10-27T10:00:00+08:00")
    report(repo, trust_root)
    cache = Cache(repo.path)
    good = ["G", fingerprint(public(repo.keys["E0001"])), "E0001"]
    forged = {key: good if key.startswith(unsigned) else value for key, value in cache.data["verified"].items()}
    assert forged != cache.data["verified"]
    cache.path.write_text(json.dumps({"version": CACHE_VERSION, "verified": forged, "merges": {}}), encoding="utf-8")
    repo.git("add", "-f", ".peereval-cache")
    repo.commit("带上缓存", when="2025-10-27T11:00:00+08:00")
    assert states(report(repo, trust_root))[SHEET_1] is State.UNSIGNED


def test_the_latest_change_is_what_git_log_finds_for_every_file(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "side")
    repo.edit(SHEET_2, "comments: 工作规范（示例）", "comments: 旁支（示例）")
    repo.commit("旁支", signer="E0002", when="2025-10-27T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.edit(SHEET_1, "comments: 工作规范（示例）", "comments: 主干（示例）")
    repo.commit("主干", signer="E0001", when="2025-10-27T11:00:00+08:00")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "side", when="2025-10-27T12:00:00+08:00")
    paths = repo.git("ls-files", "scoresheets", "experts", "scheme.yaml").splitlines()
    expected = {path: repo.git("log", "-1", "--format=%H", "--", path) for path in paths}
    assert latest_changes(read_history(repo.path), paths) == expected


def test_allowed_signers_name_each_person_with_the_git_namespace_and_validity(keys: dict[str, Path]) -> None:
    expired = SigningKey(
        key=public(keys["E0001"]), valid_from=date(2025, 1, 1), valid_until=date(2025, 9, 30), revoked=None
    )
    revoked = replace(expired, valid_until=None, revoked=Decision(on=date(2025, 6, 1), decision="泉法援评〔2025〕7号"))
    registry = Registry(people=(Holder(id="E0001", github=None, keys=(expired,)),), leading_group=frozenset())
    assert allowed_signers(EMPTY_REGISTRY).splitlines()[1:] == []
    line = allowed_signers(registry).splitlines()[1]
    assert (
        line == f'E0001 namespaces="git",valid-after="20250101",valid-before="20250930235959" {public(keys["E0001"])}'
    )
    registry = replace(registry, people=(Holder(id="E0001", github=None, keys=(revoked,)),))
    assert 'valid-before="20250531235959"' in allowed_signers(registry)


def test_fingerprints_are_those_ssh_keygen_prints(keys: dict[str, Path]) -> None:
    pub = keys["E0001"].with_name("E0001.pub")
    printed = subprocess.run(["ssh-keygen", "-lf", str(pub)], capture_output=True, text=True, check=True).stdout
    assert fingerprint(public(keys["E0001"])) == printed.split()[1]


@pytest.mark.article("17")
def test_an_unsigned_scoresheet_keeps_the_case_from_final_only_when_signatures_are_enforced(
    repo: Repo, trust_root: str
) -> None:
    case, as_of = CaseId("QZ2025-001"), date(2025, 12, 31)

    def status(root: str | None) -> Status:
        repository = load_repository(repo.path).repository
        states = enforce_signatures(repo.path, repository, trust_root=root).states
        return case_status(repository.rounds[RoundId("2025")], case, as_of=as_of, signatures=states)

    assert status(trust_root) is Status.FINAL
    commit_an_unsigned_edit(repo, SHEET_2)
    assert (status(trust_root), status(None)) == (Status.SIGNING, Status.FINAL)
