"""``peereval letters``: the letters of a round as official PDFs (Art. 18, 21, 23, 24).

Exit 0 when the letters are up to date, 1 when a private value would appear in
a letter or the records have errors (nothing is written), 2 when a Chinese font
or HarfBuzz subsetting is missing (the message says what to install).
"""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from peereval.calendar import build_work_calendar
from peereval.cli.params import as_of_option, repo_option, today_if_none
from peereval.cli.verdicts import selected_rounds
from peereval.load.repo import load_repository
from peereval.load.visibility import private_values
from peereval.problems import PeerevalError
from peereval.publish.letter_views import round_letters
from peereval.publish.letters import LetterLeakError, check_toolchain, default_template_dir, render_letters


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` (reproducible builds), or None when it is not set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise PeerevalError(f"SOURCE_DATE_EPOCH 应为 Unix 时间戳（秒数），实为 {value!r}")
    return int(value)


@contextmanager
def progress_bar(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal; nothing when output is redirected."""
    if total == 0 or not sys.stderr.isatty():
        yield lambda name: None
        return
    with click.progressbar(length=total, label="生成函件", file=sys.stderr, show_pos=True) as bar:
        yield lambda name: bar.update(1)


def _target(repo: Path, out: Path | None, round_id: str, *, several: bool) -> Path:
    if out is None:
        return repo / "build" / "letters" / round_id
    return out / round_id if several else out


@click.command()
@repo_option
@as_of_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the PDFs (default: build/letters/<round>/ in the repository; one sub-folder per round when several).",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Letters rendered in parallel (default: all cores).")
@click.argument("round_id", required=False)
def letters(repo: Path, as_of: datetime.date | None, out: Path | None, jobs: int | None, round_id: str | None) -> int:
    """Render the letters of ROUND (default: every round) as PDF; letters whose inputs are unchanged are skipped."""
    check_toolchain()
    day = today_if_none(as_of)
    epoch = source_date_epoch()
    loaded = load_repository(repo)
    errors = [problem for problem in loaded.problems if problem.code.startswith("E-")]
    scheme = loaded.repository.scheme
    if errors or scheme is None:
        click.echo(f"仓库中有 {len(errors) or 1} 个错误（请运行 peereval check）：未生成函件", err=True)
        return 1
    calendar = build_work_calendar(loaded.repository.calendar)
    secrets = private_values(loaded.documents, loaded.kinds)
    rounds = selected_rounds(loaded.repository, round_id)
    for records in rounds:
        issued = round_letters(
            records, scheme=scheme, indicator_sets=loaded.repository.indicator_sets, calendar=calendar, as_of=day
        )
        target = _target(repo, out, records.round.id, several=len(rounds) > 1)
        try:
            outcome = render_letters(
                issued,
                target,
                template_dir=default_template_dir(repo),
                secrets=secrets,
                jobs=jobs,
                epoch=epoch,
                progress=progress_bar,
            )
        except LetterLeakError as leak:
            click.echo(f"{records.round.id}：{leak}", err=True)
            return 1
        click.echo(
            f"{records.round.id}：{len(issued)} 封函件，生成 {len(outcome.rendered)} 封，"
            f"未变 {len(outcome.skipped)} 封，删除 {len(outcome.removed)} 封 → {target}"
        )
    return 0
