"""``peereval codeowners``: ``.github/CODEOWNERS`` from the ownership map, and the check that it is current."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from peereval.cli.params import repo_option
from peereval.cli.report import REPORTER_BY_NAME, exit_code
from peereval.load.repo import load_repository
from peereval.model import Repository
from peereval.problems import Problem
from peereval.publish.files import write_text_atomic
from peereval.rules.ownership import build_registry, expected_ownership
from peereval.rules.ownership import codeowners as codeowners_text

CODEOWNERS = ".github/CODEOWNERS"


def codeowners_problems(repo: Path, repository: Repository, *, only_if_present: bool = False) -> list[Problem]:
    """``.github/CODEOWNERS`` must be what ``peereval codeowners`` writes.

    With *only_if_present* (``peereval check`` without signature enforcement, as in
    the project's own tree), a repository without the file is not asked to have
    one; where signatures are enforced, it is what routes each file's pull request
    to its owner's review, so it must be there.
    """
    try:
        current: str | None = (repo / CODEOWNERS).read_text(encoding="utf-8")
    except OSError:
        current = None
    if (current is None and only_if_present) or current == codeowners_for(repository):
        return []
    message = (
        "缺少 .github/CODEOWNERS：核验签名的仓库必须有它，请运行 peereval codeowners 生成"
        if current is None
        else "CODEOWNERS 与文件归属不一致：请运行 peereval codeowners 重新生成"
    )
    return [Problem(CODEOWNERS, 0, 0, "E-SIGN-CODEOWNERS", message)]


def codeowners_for(repository: Repository) -> str:
    """What ``peereval codeowners`` writes for *repository*."""
    registry = build_registry(repository.scheme, repository.experts.values())
    return codeowners_text(expected_ownership(repository), registry)


@click.command()
@repo_option
@click.option("--check", "check_only", is_flag=True, help="只检查 .github/CODEOWNERS 是否为最新（否则退出码为 1）。")
def codeowners(repo: Path, check_only: bool) -> int:
    """根据文件归属生成 .github/CODEOWNERS（GitHub 用户名取自登记册）。

    Write .github/CODEOWNERS from the ownership map (GitHub handles from the registry).
    """
    repository = load_repository(repo).repository
    if check_only:
        problems = codeowners_problems(repo, repository)
        REPORTER_BY_NAME["text"](problems, sys.stdout)
        return exit_code(problems)
    text, target = codeowners_for(repository), repo / CODEOWNERS
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        click.echo(f"{CODEOWNERS} 已是最新，未改动", err=True)
        return 0
    write_text_atomic(target, text)
    click.echo(f"已写入 {CODEOWNERS}（此文件由命令生成，手工修改会被覆盖）", err=True)
    return 0
