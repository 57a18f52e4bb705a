"""``peereval site``: the public results site (Art. 3, 18), built with MkDocs Material into site/.

Exit 0 when the site was written, 1 when the privacy scan found a private value
(nothing was published), 2 on environment errors (no scheme, no MkDocs
configuration, no pdftotext).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from peereval.cli.params import as_of_option, repo_option, today_if_none
from peereval.publish.site import SitePaths, SiteResult, build_site


def report_site(result: SiteResult, paths: SitePaths) -> int:
    """Say what the build did; the exit code: 1 when the privacy scan stopped it."""
    for warning in result.warnings:
        click.echo(f"MkDocs 警告：{warning}", err=True)
    if result.leaks:
        for leak in result.leaks:
            click.echo(leak.message(), err=True)
        click.echo(f"隐私检查未通过：发现 {len(result.leaks)} 处个人信息，{paths.site_dir} 未更新", err=True)
        return 1
    site = result.site
    assert site is not None
    click.echo(
        f"公示网站已生成：{paths.site_dir}（{result.pages} 个页面；"
        f"写入 {site.written} 个文件，未变 {site.unchanged} 个，删除 {site.removed} 个；隐私检查通过）"
    )
    return 0


def run_site(repo: Path, *, as_of: datetime.date) -> int:
    """Build the site of *repo* as it stands on *as_of* and report; the exit code."""
    paths = SitePaths.for_repo(repo)
    return report_site(build_site(paths, as_of=as_of), paths)


@click.command()
@repo_option
@as_of_option
def site(repo: Path, as_of: datetime.date | None) -> int:
    """Build the public results site into site/ and scan every file of it for private data."""
    return run_site(repo, as_of=today_if_none(as_of))
