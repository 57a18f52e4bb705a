"""``peereval build``: the main job — check, then verdicts, letters and the site.

No verdict file, letter or page is made from data that fails the check. With a
trust root the signed commits are verified once and the result serves every
stage: a case whose sheets are not all validly signed (Art. 16, 17) is held back
from the letters and the site and listed, while a break in the history's
integrity (a registry change no leader signed, a rewritten merge, a date that
goes backwards) stops the build like a data error.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import click

from peereval.cli.check import run_check
from peereval.cli.letters import write_and_report
from peereval.cli.params import as_of_option, repo_option, today_if_none
from peereval.cli.report import exit_code, report_text
from peereval.cli.signatures import STATE_CODES, Enforcement, enforce_signatures, trust_root_option
from peereval.cli.site import report_site
from peereval.cli.tables import render
from peereval.cli.verdicts import VERDICT_COLUMNS, verdict_rows
from peereval.load.repo import LoadResult, load_repository
from peereval.problems import problem_sort_key
from peereval.publish.files import write_text_atomic
from peereval.publish.letters_pdf import check_toolchain
from peereval.publish.site import SitePaths, build_site

# Signature states that only keep a case short of final; every other signature problem is a broken history.
HOLDING_BACK = frozenset(code for code, _ in STATE_CODES.values())


def write_verdicts(repo: Path, loaded: LoadResult, *, as_of: datetime.date, enforcement: Enforcement) -> None:
    """The verdicts of every round, for staff, as ``build/verdicts.json`` and ``.csv`` (never published)."""
    rows = verdict_rows(loaded.repository, None, as_of=as_of, states=enforcement.states)
    folder = repo / "build"
    for output_format in ("json", "csv"):
        write_text_atomic(folder / f"verdicts.{output_format}", render(rows, VERDICT_COLUMNS, output_format))
    pending = sum(row["status"] == "signing" for row in rows)
    click.echo(
        f"评估结论汇总：{len(rows)} 件案件 → {folder / 'verdicts.json'}、verdicts.csv"
        + (f"（{pending} 件签名未全部有效，暂不通知、不公示）" if pending else "")
    )


@click.command()
@repo_option
@as_of_option
@trust_root_option
def build(repo: Path, as_of: datetime.date | None, trust_root: str | None) -> int:
    """检查数据，再生成评估结论汇总、PDF 函件和公示网站；检查发现错误即停止，不生成任何公开内容。

    Check the data, then write the verdicts, the letters and the site; stops on any check error.
    """
    day = today_if_none(as_of)
    check_toolchain()  # fail fast, before any work, when the letters cannot be rendered
    loaded = load_repository(repo)
    enforcement = enforce_signatures(repo, loaded.repository, trust_root=trust_root)
    blocking = run_check(repo, as_of=day, loaded=loaded, codeowners_required=trust_root is not None) + [
        p for p in enforcement.problems if p.code not in HOLDING_BACK
    ]
    report_text(blocking, sys.stdout)
    if exit_code(blocking):
        click.echo("数据检查未通过：未生成任何公开内容", err=True)
        return 1
    held = [p for p in enforcement.problems if p.code in HOLDING_BACK]
    if held:
        click.echo("以下文件的签名不成立，所涉案件暂不通知、不公示：", err=True)
        for problem in sorted(held, key=problem_sort_key):
            click.echo(problem.as_text(), err=True)
    write_verdicts(repo, loaded, as_of=day, enforcement=enforcement)
    if write_and_report(repo, loaded, out=None, as_of=day, rounds=None, jobs=None, states=enforcement.states):
        return 1
    paths = SitePaths.for_repo(repo)
    return report_site(build_site(paths, as_of=day, loaded=loaded, signatures=enforcement.files), paths)
