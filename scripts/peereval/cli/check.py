"""``peereval check``: schemas and every cross-record rule, all problems at once."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from peereval.cli.codeowners import codeowners_problems
from peereval.cli.draw import verify_sample
from peereval.cli.params import as_of_option, format_option, repo_option, today_if_none
from peereval.cli.report import REPORTER_BY_NAME, exit_code
from peereval.cli.signatures import signature_problems, trust_root_option
from peereval.load.population import read_sample_record
from peereval.load.repo import LoadResult, load_repository
from peereval.problems import Problem
from peereval.rules.checks import check_repository
from peereval.rules.scope import related_paths


def run_check(
    repo: Path,
    *,
    as_of: datetime.date,
    paths: Sequence[str] = (),
    signatures: bool = False,
    trust_root: str | None = None,
    loaded: LoadResult | None = None,
    codeowners_required: bool = False,
) -> list[Problem]:
    """Load *repo* (unless *loaded* is given) and apply every rule; with *paths*, keep what concerns them.

    With *signatures* (or a *trust_root*), also verify the signed commits from
    *trust_root*; without a trust root that adds a warning that they were not
    enforced. ``.github/CODEOWNERS`` must match the ownership map: when present, and
    always where signatures are enforced (a *trust_root*, or *codeowners_required*
    from ``build``, which verifies the signatures itself).
    """
    loaded = loaded or load_repository(repo)
    problems = loaded.problems + list(check_repository(loaded.repository, as_of=as_of))
    problems += [p for p in _sample_problems(repo, loaded) if p not in loaded.problems]
    required = codeowners_required or trust_root is not None
    problems += codeowners_problems(repo, loaded.repository, only_if_present=not required)
    if signatures or trust_root is not None:
        problems += signature_problems(repo, trust_root, repository=loaded.repository)
    if paths:
        keep = related_paths(loaded.repository, paths)
        problems = [problem for problem in problems if problem.path in keep]
    return problems


@click.command()
@repo_option
@format_option("text", "json")
@as_of_option
@click.option("--signatures", "signatures", is_flag=True, help="同时核验签名提交（见 --trust-root）。")
@trust_root_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(
    repo: Path,
    output_format: str,
    as_of: datetime.date | None,
    signatures: bool,
    trust_root: str | None,
    paths: tuple[Path, ...],
) -> int:
    """检查评估仓库：数据格式与方案规则，列出全部问题（有错误时退出码为 1）。给出 PATH 时只报告这些文件及其相关记录的问题。

    Validate the repository: schemas and the scheme's rules (exit 1 on errors).

    With PATHs, report only problems of those files and of the records they touch.
    With --signatures and --trust-root, also fail on every signature that does not count.
    """
    relative = [_relative(repo, path) for path in paths]
    problems = run_check(repo, as_of=today_if_none(as_of), paths=relative, signatures=signatures, trust_root=trust_root)
    REPORTER_BY_NAME[output_format](problems, sys.stdout)
    return exit_code(problems)


def _sample_problems(repo: Path, loaded: LoadResult) -> list[Problem]:
    """``sample --verify`` for each round that records its sample: the export is read here, at the edge."""
    problems: list[Problem] = []
    for round_id, records in loaded.repository.rounds.items():
        recorded, _ = read_sample_record(repo, round_id)  # its schema problems came with the load
        if recorded is not None:
            problems += verify_sample(repo, loaded, records, recorded)
    return problems


def _relative(repo: Path, path: Path) -> str:
    """*path* as given on the command line (relative to the working directory), relative to *repo*."""
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError as error:
        raise click.BadParameter(f"{path} 不在评估仓库 {repo} 之内", param_hint="PATHS") from error
