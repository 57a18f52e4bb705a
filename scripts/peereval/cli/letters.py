"""``peereval letters``: the letters of a round as official PDFs (Art. 18, 21, 23, 24).

Exit 0 when the letters are up to date, 1 when a private value would appear in
a letter or the records have errors (nothing is written), 2 when a Chinese font
or HarfBuzz subsetting is missing (the message says what to install).
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click

from peereval.cli.params import as_of_option, repo_option, today_if_none
from peereval.cli.signatures import announced_enforcement, trust_root_option
from peereval.cli.verdicts import selected_rounds
from peereval.load.repo import LoadResult, load_repository
from peereval.publish.letters import LetterInputError, write_repository_letters
from peereval.publish.letters_pdf import check_toolchain
from peereval.rules.verdict import Signatures


@contextmanager
def progress_bar(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal; nothing when output is redirected."""
    if total == 0 or not sys.stderr.isatty():
        yield lambda name: None
        return
    with click.progressbar(length=total, label="生成函件", file=sys.stderr, show_pos=True) as bar:
        yield lambda name: bar.update(1)


@click.command()
@repo_option
@as_of_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="函件输出目录，每轮一个子目录（默认：公开政策允许在网站公布函件时为 build/letters/，否则为 dist/letters/）。",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="同时生成的函件数（默认：全部 CPU 核心）。")
@trust_root_option
@click.argument("round_id", metavar="[ROUND]", required=False)
def letters(
    repo: Path,
    as_of: datetime.date | None,
    out: Path | None,
    jobs: int | None,
    trust_root: str | None,
    round_id: str | None,
) -> int:
    """生成 ROUND（默认：所有轮次）的 PDF 函件；内容未变的函件不重新生成。

    Render the letters of ROUND (default: every round) as PDF; letters whose inputs are unchanged are skipped.

    With --trust-root, a case gets its conclusion letter only once all its sheets are validly signed.
    """
    check_toolchain()  # before anything else: fail fast with the fix
    loaded = load_repository(repo)
    rounds = [records.round.id for records in selected_rounds(loaded.repository, round_id)]
    states = announced_enforcement(repo, loaded.repository, trust_root=trust_root).states
    return write_and_report(repo, loaded, out=out, as_of=today_if_none(as_of), rounds=rounds, jobs=jobs, states=states)


def write_and_report(
    repo: Path,
    loaded: LoadResult,
    *,
    out: Path | None,
    as_of: datetime.date,
    rounds: Sequence[str] | None,
    jobs: int | None,
    states: Signatures,
) -> int:
    """Write the letters (``peereval letters`` and ``build``) and say what was done; the exit code."""
    try:
        results = write_repository_letters(
            repo, out, as_of=as_of, rounds=rounds, loaded=loaded, jobs=jobs, progress=progress_bar, signatures=states
        )
    except LetterInputError as error:
        click.echo(str(error), err=True)
        return 1
    for result in results:
        outcome = result.outcome
        click.echo(
            f"{result.round}：{len(result.paths)} 封函件，生成 {len(outcome.rendered)} 封，"
            f"未变 {len(outcome.skipped)} 封，删除 {len(outcome.removed)} 封 → {result.folder}"
        )
    return 0
