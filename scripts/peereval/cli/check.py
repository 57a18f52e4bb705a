"""``peereval check``: schemas and every cross-record rule, all problems at once."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from peereval.cli.params import as_of_option, format_option, repo_option, today_if_none
from peereval.cli.report import REPORTER_BY_NAME, exit_code
from peereval.load.repo import load_repository
from peereval.problems import Problem
from peereval.rules.checks import check_repository
from peereval.rules.scope import related_paths


def run_check(repo: Path, *, as_of: datetime.date, paths: Sequence[str] = ()) -> list[Problem]:
    """Load *repo* and apply every rule; with *paths*, keep what concerns them."""
    loaded = load_repository(repo)
    problems = loaded.problems + list(check_repository(loaded.repository, as_of=as_of))
    if paths:
        keep = related_paths(loaded.repository, paths)
        problems = [problem for problem in problems if problem.path in keep]
    return problems


@click.command()
@repo_option
@format_option("text", "json")
@as_of_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(repo: Path, output_format: str, as_of: datetime.date | None, paths: tuple[Path, ...]) -> int:
    """Validate the repository: schemas and the scheme's rules (exit 1 on errors).

    With PATHs, report only problems of those files and of the records they touch.
    """
    relative = [_relative(repo, path) for path in paths]
    problems = run_check(repo, as_of=today_if_none(as_of), paths=relative)
    REPORTER_BY_NAME[output_format](problems, sys.stdout)
    return exit_code(problems)


def _relative(repo: Path, path: Path) -> str:
    """*path* as given on the command line (relative to the working directory), relative to *repo*."""
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError as error:
        raise click.BadParameter(f"{path} 不在评估仓库 {repo} 之内", param_hint="PATHS") from error
