"""The WeasyPrint edge of the letters: the toolchain check, the URL fetcher, the worker processes.

1. :func:`check_toolchain` fails fast, with the fix, when no Chinese font or no
   HarfBuzz subsetting is installed: never a PDF of tofu boxes, never 15 s a letter.
2. :class:`LocalFetcher` refuses every URL that is not a ``data:`` URL or a file
   inside the templates folder: a letter never reaches the network or the rest of the disk.
3. Each worker process builds one FontConfiguration, one fetcher and the parsed
   stylesheet once (:func:`start_worker`), then renders and writes letter after
   letter (:func:`render_job`); :func:`run_jobs` spreads the jobs over the processes.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import logging
import multiprocessing
import os
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peereval.problems import PeerevalError
from peereval.publish.files import write_bytes_atomic

FONT_FIX = "请安装中文字体：sudo apt-get install -y fonts-noto-cjk（或运行 tools/install-system-deps.sh）"
SUBSET_FIX = (
    "请安装 HarfBuzz 字体子集库：sudo apt-get install -y libharfbuzz-subset0（或运行 tools/install-system-deps.sh）"
)
_MIME = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


class ToolchainError(PeerevalError):
    """A font or library the letters need is missing; the message says how to install it."""


class RefusedURLError(PeerevalError):
    """A template asked for a resource that is not local."""


def zh_fonts() -> list[tuple[str, tuple[str, ...]]]:
    """Every font file fontconfig knows with Chinese coverage, and its families: ``fc-list :lang=zh``."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise ToolchainError(f"找不到 fc-list（fontconfig），无法查找中文字体。{FONT_FIX}")
    listed = subprocess.run([fc_list, ":lang=zh", "file", "family"], capture_output=True, text=True, check=False)
    fonts = []
    for line in sorted(listed.stdout.splitlines()):
        path, _, families = line.partition(": ")
        fonts.append((path.rstrip(":"), tuple(f.strip() for f in families.split(",") if f.strip())))
    return fonts


def has_harfbuzz_subset() -> bool:
    """Whether libharfbuzz-subset is installed: without it WeasyPrint embeds whole CJK fonts, slowly."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


def check_toolchain() -> None:
    """Fail fast without a Chinese font or HarfBuzz subsetting (exit 2, with the fix).

    :raises ToolchainError: naming the package to install.
    """
    if not zh_fonts():
        raise ToolchainError(f"没有找到中文字体（fc-list :lang=zh 为空），生成的 PDF 将无法显示汉字。{FONT_FIX}")
    if not has_harfbuzz_subset():
        raise ToolchainError(
            f"缺少 libharfbuzz-subset，无法精简嵌入字体（每封函件约需 15 秒、体积数十 MB）。{SUBSET_FIX}"
        )


class LocalFetcher:
    """A WeasyPrint URL fetcher for ``data:`` URLs and files inside *root*; any other URL is refused."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.refused: list[str] = []

    def _local_path(self, url: str) -> Path | None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(urllib.request.url2pathname(parts.path)).resolve()
        return path if path.is_relative_to(self.root) and path.is_file() else None

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith("data:"):
            with urllib.request.urlopen(url) as response:  # noqa: S310  # data: only
                return _response(url, response.read(), response.headers.get_content_type())
        path = self._local_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURLError(f"函件模板只能引用 {self.root} 中的文件和 data: URL，已拒绝：{url}")
        return _response(url, path.read_bytes(), _MIME.get(path.suffix, "application/octet-stream"))


def _response(url: str, body: bytes, mime: str) -> Any:
    """What WeasyPrint expects of a fetcher: a URLFetcherResponse (69+) or a dict (older)."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcherResponse"):
        return urls.URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
    return {"string": body, "mime_type": mime, "redirected_url": url}


@dataclass(frozen=True, slots=True)
class Job:
    """One letter to render: its HTML and its file."""

    name: str
    html: str
    target: str


@dataclass(frozen=True, slots=True)
class Done:
    name: str
    sha256: str
    size: int


_WORKER: dict[str, Any] = {}


def start_worker(template_dir: str) -> None:
    """Once per process: one FontConfiguration, one fetcher, the stylesheet parsed once."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    root = Path(template_dir).resolve()
    fetcher = LocalFetcher(root)
    font_config = FontConfiguration()
    css = CSS(filename=str(root / "letters.css"), font_config=font_config, url_fetcher=fetcher)
    if fetcher.refused:
        raise RefusedURLError(f"letters.css 引用了非本地资源，已拒绝：{'、'.join(fetcher.refused)}")
    _WORKER.update(root=root, fetcher=fetcher, font_config=font_config, css=css)


def render_pdf(html: str) -> bytes:
    """The PDF of *html* in this process (after :func:`start_worker`).

    No file identifier (/ID, optional in PDF 1.7): pydyf would serialise and compress the
    whole file a second time to compute it, 8% of the time of a letter. Without it
    nothing in the file varies from one run to the next.

    :raises RefusedURLError: when the HTML or the stylesheet asked for a non-local URL.
    """
    from weasyprint import HTML

    fetcher: LocalFetcher = _WORKER["fetcher"]
    fetcher.refused.clear()
    document = HTML(string=html, base_url=_WORKER["root"].as_uri() + "/", url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(
        stylesheets=[_WORKER["css"]],
        font_config=_WORKER["font_config"],
        custom_metadata=True,
    )
    if fetcher.refused:
        raise RefusedURLError(f"函件模板引用了非本地资源，已拒绝：{'、'.join(fetcher.refused)}")
    return pdf


def render_job(job: Job) -> Done:
    pdf = render_pdf(job.html)
    write_bytes_atomic(Path(job.target), pdf)
    return Done(job.name, hashlib.sha256(pdf).hexdigest(), len(pdf))


def default_jobs() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_jobs(
    jobs: Sequence[Job], *, workers: int, template_dir: Path, progress: Callable[[str], None]
) -> Iterable[Done]:
    """Render *jobs* in this process (one worker or one job) or in a pool of *workers* processes.

    Letters come back as they finish; one failure cancels the jobs not yet started.
    """
    if workers <= 1 or len(jobs) <= 1:
        start_worker(str(template_dir))
        for job in jobs:
            yield render_job(job)
            progress(job.name)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), mp_context=context, initializer=start_worker, initargs=(str(template_dir),)
    ) as pool:
        futures = [pool.submit(render_job, job) for job in jobs]
        try:
            for future in as_completed(futures):
                done = future.result()
                yield done
                progress(done.name)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # one failure stops the run; no half-finished queue
            raise
