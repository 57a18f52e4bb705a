"""``peereval site``: the public results site (Art. 3, 18), built with MkDocs Material into site/.

Exit 0 when the site was written, 1 when a scan stopped it (a private value, or a
reference to another host; nothing was published), 2 on environment errors (no
scheme, no MkDocs configuration, no pdftotext).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from peereval.cli.params import as_of_option, repo_option, today_if_none
from peereval.cli.signatures import announced_enforcement, trust_root_option
from peereval.load.repo import load_repository
from peereval.publish.site import SitePaths, SiteResult, build_site


def report_site(result: SiteResult, paths: SitePaths) -> int:
    """Say what the build did; the exit code: 1 when a scan stopped it."""
    for warning in result.warnings:
        click.echo(f"MkDocs 警告：{warning}", err=True)
    for leak in result.leaks:
        click.echo(leak.message(), err=True)
    for name in result.remote:
        click.echo(f"{name} 引用了其他网站的资源（访问时会从外部加载）：已阻止发布", err=True)
    if result.site is None:
        found = len(result.leaks) + len(result.remote)
        click.echo(f"公示网站检查未通过：发现 {found} 处问题，{paths.site_dir} 未更新", err=True)
        return 1
    site = result.site
    if not result.rebuilt:
        click.echo(f"公示网站无需更新：{paths.site_dir}（{result.pages} 个页面；内容与上次通过检查的构建相同）")
        return 0
    click.echo(
        f"公示网站已生成：{paths.site_dir}（{result.pages} 个页面；"
        f"写入 {site.written} 个文件，未变 {site.unchanged} 个，删除 {site.removed} 个；隐私检查通过）"
    )
    return 0


@click.command()
@repo_option
@as_of_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="网站输出目录（默认：仓库中的 site/）。",
)
@trust_root_option
def site(repo: Path, as_of: datetime.date | None, out: Path | None, trust_root: str | None) -> int:
    """生成公示网站（site/），并逐个文件检查是否含有隐私数据。

    Build the public results site into site/ and scan every file of it for private data.

    With --trust-root, a case appears only once all its sheets are validly signed.
    """
    loaded = load_repository(repo)
    enforcement = announced_enforcement(repo, loaded.repository, trust_root=trust_root)
    paths = SitePaths.for_repo(repo, site_dir=out)
    return report_site(
        build_site(paths, as_of=today_if_none(as_of), loaded=loaded, signatures=enforcement.files), paths
    )
