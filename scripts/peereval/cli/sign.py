"""``peereval sign PATH``: sign one's own scoresheet, or a summary sheet, with a signed commit (Art. 16, 17).

A summary is signed by writing ``signatures/<me>.yaml`` with the summary's
SHA-256 and committing it signed; who "me" is comes from the registry, by the
key that ``git config user.signingkey`` names. Nobody signs what they do not own.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import click

from peereval import gitsign
from peereval.cli.new import schema_header
from peereval.cli.params import as_of_option, repo_option, today_if_none
from peereval.load.repo import load_repository
from peereval.model import Repository
from peereval.problems import PeerevalError
from peereval.publish.files import write_text_atomic
from peereval.rules.ownership import Registry, build_registry, fingerprint, ownership_map, principals
from peereval.rules.panels import scorers


def relative_path(repo: Path, path: Path) -> str:
    """*path* (relative to the working directory) relative to *repo*."""
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError as error:
        raise click.BadParameter(f"{path} 不在评估仓库 {repo} 之内", param_hint="PATH") from error


def whoami(repo: Path, registry: Registry) -> str:
    """The person whose key ``git config user.signingkey`` names, by the registry.

    :raises PeerevalError: no key is configured, or the registry does not know it.
    """
    setting = gitsign.configured_signing_key(repo)
    if setting is None:
        raise PeerevalError(
            "未配置签名公钥：请先运行 git config user.signingkey ~/.ssh/id_ed25519.pub（见 docs/signing.md）"
        )
    key = gitsign.public_key_line(repo, setting)
    holders = registry.holders_of(fingerprint(key))
    if len(holders) != 1:
        found = "、".join(holders) if holders else "没有任何人"
        raise PeerevalError(f"公钥 {fingerprint(key)} 在登记册中属于{found}；须恰好登记在一人名下才能签名")
    return holders[0]


def _summary_signers(repository: Repository, path: str) -> tuple[str, tuple[str, ...]] | None:
    """(case, the experts who sign it) when *path* is a summary sheet."""
    for records in repository.rounds.values():
        for summaries, review in ((records.summaries, False), (records.review_summaries, True)):
            for case, summary in summaries.items():
                if summary.source.path != path:
                    continue
                if review:
                    objection = records.objections.get(case)
                    group = objection.review_panel if objection is not None else None
                    return case, group.members if group is not None else ()
                return case, scorers(records.draw, case) if records.draw is not None else ()
    return None


def signature_text(repo: Path, target: Path, case: str, expert: str, digest: str, on: datetime.date) -> str:
    return (
        schema_header(repo, target, "signature")
        + f"# 汇总表签名：{case}，专家 {expert}\n"
        + f"summary_sha256: {digest}\nsigned_on: {on.isoformat()}\n"
    )


ALREADY_COMMITTED = (
    "签名是否有效请用 peereval signatures 查看；若最近一次提交没有签名：尚未推送的用 git commit --amend -S 补签，"
    "已推送的请修改文件后再运行 peereval sign"
)


@click.command()
@repo_option
@as_of_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def sign(repo: Path, as_of: datetime.date | None, path: Path) -> int:
    """以签名提交签署 PATH：本人的评估表，或汇总表（写出 signatures/<本人>.yaml）。

    Sign PATH with a signed commit: one's own scoresheet, or a summary sheet (writes signatures/<me>.yaml).
    """
    relative = relative_path(repo, path)
    repository = load_repository(repo).repository
    owners = ownership_map(repository)
    registry = build_registry(repository.scheme, repository.experts.values())
    me = whoami(repo, registry)
    summary = _summary_signers(repository, relative)
    owns = relative in owners and me in principals(owners[relative], registry)
    if summary is None and not owns:
        raise PeerevalError(
            f"{relative} 不归 {me} 所有（所有者：{owners.get(relative, '无：不是需要签名的文件，或未通过 peereval check')}），不能代签"
        )
    if not gitsign.is_committed(repo, relative):
        if not owns:
            raise PeerevalError(f"{relative} 有未提交的修改，只有其所有者 {owners.get(relative)} 可以提交")
        gitsign.commit_signed(repo, [relative], f"签名提交：{relative}（{me}）")
        click.echo(f"已签名提交 {relative}", err=True)
    elif summary is None:
        click.echo(f"{relative} 已提交，没有新的修改，无需签名；{ALREADY_COMMITTED}", err=True)
        return 0
    if summary is None:
        return 0
    case, signers = summary
    if me not in signers:
        if owns:
            return 0
        raise PeerevalError(f"{me} 不是案件 {case} 专家组成员，不能在其汇总表上签名")
    target = repo / Path(relative).parent / "signatures" / f"{me}.yaml"
    digest = hashlib.sha256((repo / relative).read_bytes()).hexdigest()
    write_text_atomic(target, signature_text(repo, target, case, me, digest, today_if_none(as_of)))
    signature = target.relative_to(repo).as_posix()
    if gitsign.is_committed(repo, signature):
        click.echo(f"{me} 已签名 {relative} 的当前版本（{signature} 未改变）；{ALREADY_COMMITTED}", err=True)
        return 0
    gitsign.commit_signed(repo, [signature], f"签名：{case} 汇总表（{me}）")
    click.echo(f"已签名 {relative}：{signature} 记录 SHA-256 {digest}", err=True)
    return 0
