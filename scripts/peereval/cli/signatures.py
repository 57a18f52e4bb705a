"""``peereval signatures``, ``sign`` and ``codeowners``: who signed what, and signing (Art. 16, 17).

A signature is a commit signed with the person's SSH key (issue 6). Enforcement
needs a trust root pinned from outside the pull request (``--trust-root`` or
``PEEREVAL_TRUST_ROOT``); without one every output says that signatures were
not enforced.
"""

from __future__ import annotations

import datetime
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import click

from peereval import gitsign
from peereval.cli.params import format_option, repo_option
from peereval.cli.report import REPORTER_BY_NAME, exit_code
from peereval.cli.tables import render
from peereval.load.repo import load_repository
from peereval.model import Repository
from peereval.problems import Problem
from peereval.rules import history as h
from peereval.rules.ownership import (
    EMPTY_REGISTRY,
    Registry,
    State,
    build_registry,
    ownership_map,
    shared_keys,
    stale_signatures,
    unowned,
)

NOT_ENFORCED = (
    "签名未强制执行：未给出 --trust-root（或环境变量 PEEREVAL_TRUST_ROOT），以下签名状态仅供参考，不影响检查结果"
)
STATE_CODES = {
    State.UNSIGNED: ("E-SIGN-UNSIGNED", "最近一次修改它的提交没有签名（或修改尚未提交）"),
    State.WRONG_SIGNER: ("E-SIGN-WRONG-SIGNER", "最近一次修改它的提交由他人签名"),
    State.UNKNOWN_KEY: ("E-SIGN-UNKNOWN-KEY", "最近一次修改它的提交所用公钥未在登记册中登记"),
    State.EXPIRED: ("E-SIGN-EXPIRED", "签名所用公钥在提交日期不在有效期内"),
    State.REVOKED: ("E-SIGN-REVOKED", "签名所用公钥在提交日期已被吊销"),
    State.BAD_SIGNATURE: ("E-SIGN-BAD-SIGNATURE", "签名无法通过核验"),
    State.STALE: ("E-SIGN-STALE", "签名记录的汇总表 SHA-256 与汇总表现状不符：汇总表签名后又被修改，须重新签名"),
    State.UNTRUSTED: ("E-SIGN-UNTRUSTED", "最近一次修改它的提交在一次未经领导小组签名的登记册修改之后，不予信任"),
}
COLUMNS = {"path": "文件", "owner": "所有者", "state": "状态", "commit": "提交", "signer": "签名人", "date": "日期"}
trust_root_option = click.option(
    "--trust-root",
    "trust_root",
    envvar="PEEREVAL_TRUST_ROOT",
    default=None,
    help="签名核验的起点提交（信任根）；给出后强制核验签名。",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureReport:
    """Every owned file's signature state, and what the history shows besides."""

    enforced: bool
    trust_root: str | None
    files: tuple[h.FileSignature, ...]
    problems: tuple[Problem, ...]


def signature_report(
    root: Path, repository: Repository, *, trust_root: str | None, now: datetime.datetime
) -> SignatureReport:
    """Read the history, verify the commits that matter, and judge every owned file."""
    history = gitsign.read_history(root)
    owners = ownership_map(repository)
    sha256 = len(history.head or "") == 64
    heads = h.head_blobs(history, owners)
    committed = [
        p for p in owners if heads[p] is not None and heads[p] == gitsign.worktree_blob(root / p, sha256=sha256)
    ]
    latest = h.latest_changes(history, committed)
    files = h.registry_files(history)
    registries = gitsign.load_registries(root, set(files.values()))
    root_id = gitsign.resolve(root, trust_root) if trust_root else None
    in_range = set(history.commits) - (h.ancestors(history, root_id) if root_id else set())
    changes = h.registry_changes(history, files, registries.__getitem__, in_range) if root_id else []

    def parent_registry(commit_id: str) -> Registry:
        parents = history.commits[commit_id].parents
        return registries[files[parents[0]]] if parents else EMPTY_REGISTRY

    groups: dict[Registry, set[str]] = {}
    for commit_id in {*latest.values(), *changes}:
        groups.setdefault(parent_registry(commit_id), set()).add(commit_id)
    cache = gitsign.Cache(root)
    verified = gitsign.verify(root, groups, cache)
    bad = [c for c in changes if not h.leader_signed(verified.get(c), parent_registry(c), history.commits[c].time)]
    untrusted = h.tainted(history, bad)
    merges = gitsign.check_merges(root, history, [c for c in in_range if len(history.commits[c].parents) > 1], cache)
    cache.save()
    stale = stale_signatures(repository)
    rows = []
    for path, owner in owners.items():
        commit = history.commits[latest[path]] if path in latest else None
        row = h.file_signature(
            path,
            owner,
            commit,
            verification=verified.get(commit.id) if commit else None,
            registry=parent_registry(commit.id) if commit else EMPTY_REGISTRY,
            untrusted=commit is not None and commit.id in untrusted,
        )
        rows.append(replace(row, state=State.STALE) if row.state is State.VALID and path in stale else row)
    problems = [
        *h.registry_problems(history, bad, untrusted),
        *h.date_problems(history, in_range, now=now),
        *h.merge_problems(merges),
        *h.squash_problems(history, {p: c for p, c in latest.items() if c in in_range}, owners),
        *_registry_problems(repository, owners),
    ]
    return SignatureReport(
        enforced=root_id is not None, trust_root=root_id, files=tuple(rows), problems=tuple(problems)
    )


def _registry_problems(repository: Repository, owners: dict[str, str]) -> list[Problem]:
    registry = build_registry(repository.scheme, repository.experts.values())
    problems = [
        Problem(
            path,
            0,
            0,
            "E-SIGN-NO-OWNER",
            "无法确定这份汇总表的出具人（panels.yaml 或复查小组中没有记载），无法核验签名",
        )
        for path in unowned(repository, owners)
    ]
    for key, people in shared_keys(registry).items():
        message = f"同一公钥（{key}）登记在 {'、'.join(people)} 名下：签名无法确定签名人"
        problems.append(Problem("experts/", 0, 0, "E-SIGN-KEY-SHARED", message))
    return problems


def file_problems(report: SignatureReport) -> list[Problem]:
    """One problem per owned file whose signature does not count."""
    problems = []
    for row in report.files:
        if row.state is State.VALID:
            continue
        code, text = STATE_CODES[row.state]
        where = f"（提交 {h.short(row.commit)}，提交者 {row.committer}）" if row.commit else ""
        signer = f"，签名人 {'、'.join(row.signers)}" if row.signers else ""
        problems.append(Problem(row.path, 0, 0, code, f"所有者 {row.owner}：{text}{where}{signer}"))
    return problems


def now_utc() -> datetime.datetime:
    """The real time, for the future-date check: read here, at the edge, never in the core."""
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class Enforcement:
    """What ``build`` and ``check`` need from one verification: the problems, and every owned file's
    verified signature by path (None when not enforced), for the status machine and the site."""

    problems: tuple[Problem, ...]
    files: dict[str, h.FileSignature] | None

    @property
    def states(self) -> dict[str, State] | None:
        """path → state, for ``rules.verdict.round_verdicts(..., signatures=…)``; None when not enforced."""
        return h.signature_states(self.files) if self.files is not None else None


def enforce_signatures(repo: Path, repository: Repository, *, trust_root: str | None) -> Enforcement:
    """Verify the signatures from *trust_root* once; without one, a warning that they were not enforced.

    :raises PeerevalError: *trust_root* names no commit, or the clone is shallow.
    """
    if trust_root is None:
        return Enforcement(problems=(Problem("git:HEAD", 0, 0, "W-SIGN-NOT-ENFORCED", NOT_ENFORCED),), files=None)
    report = signature_report(repo, repository, trust_root=trust_root, now=now_utc())
    return Enforcement(
        problems=(*file_problems(report), *report.problems), files={row.path: row for row in report.files}
    )


def announced_enforcement(repo: Path, repository: Repository, *, trust_root: str | None) -> Enforcement:
    """:func:`enforce_signatures` for commands that report no problems: without a trust root, say so on stderr."""
    enforcement = enforce_signatures(repo, repository, trust_root=trust_root)
    if enforcement.files is None:
        click.echo(NOT_ENFORCED, err=True)
    return enforcement


def signature_problems(repo: Path, trust_root: str | None, *, repository: Repository | None = None) -> list[Problem]:
    """What ``peereval check --signatures`` adds: every signature problem, or a warning that none were enforced."""
    repository = repository if repository is not None else load_repository(repo).repository
    return list(enforce_signatures(repo, repository, trust_root=trust_root).problems)


def _row(row: h.FileSignature, *, brief: bool = False) -> dict[str, object]:
    when = datetime.datetime.fromtimestamp(row.time, tz=h.CHINA) if row.time else None
    return {
        "path": row.path,
        "owner": row.owner,
        "state": row.state.value,
        "commit": (h.short(row.commit) if brief else row.commit) if row.commit else None,
        "signer": list(row.signers),
        "committer": row.committer,
        "date": (when.date().isoformat() if brief else when.isoformat()) if when else None,
    }


@click.command()
@repo_option
@trust_root_option
@format_option("text", "json")
@click.argument("round_id", required=False)
def signatures(repo: Path, trust_root: str | None, output_format: str, round_id: str | None) -> int:
    """逐个文件列出所有者、签名状态、提交、签名人与日期（强制核验时有问题则退出码为 1）。

    Per owned file: owner, signature state, commit, signer and date (exit 1 on problems when enforced).
    """
    report = signature_report(repo, load_repository(repo).repository, trust_root=trust_root, now=now_utc())
    selected = [r for r in report.files if round_id is None or r.path.startswith(f"scoresheets/{round_id}/")]
    problems = [*file_problems(report), *report.problems]
    if round_id is not None:
        problems = [
            p for p in problems if p.path in {r.path for r in selected} or not p.path.startswith("scoresheets/")
        ]
    notice = None if report.enforced else NOT_ENFORCED
    if output_format == "json":
        payload = {
            "enforced": report.enforced,
            "trust_root": report.trust_root,
            "notice": notice,
            "files": [_row(r) for r in selected],
            "problems": [p.as_json() for p in problems],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(notice or f"签名已强制执行：自受信任的根提交 {report.trust_root} 起核验")
        click.echo(render([_row(r, brief=True) for r in selected], COLUMNS, "text"), nl=False)
        REPORTER_BY_NAME["text"](problems, sys.stdout)
        if notice:
            click.echo(notice, err=True)
    return exit_code(problems) if report.enforced else 0
