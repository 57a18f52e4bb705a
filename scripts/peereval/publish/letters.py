"""The edge that renders the letters to PDF with WeasyPrint (Art. 18, 21, 23, 24).

1. :func:`check_toolchain` fails fast, with the fix, when no Chinese font or no
   HarfBuzz subsetting is installed: never a PDF of tofu boxes, never 15 s a letter.
2. Each :class:`~peereval.publish.letter_views.Letter` becomes HTML through
   Jinja2 (autoescaped, strict) from ``site_templates/letters/``; the HTML of
   every letter is scanned for every private value before anything is written.
3. A content hash of each letter's inputs (its view model, its HTML, every file
   of the templates folder, the CJK font files, WeasyPrint's version) is kept in
   ``.manifest.json`` beside the PDFs: a letter whose hash and PDF are unchanged is
   skipped; a letter no longer issued is removed.
4. The others render in parallel (one process per core, one FontConfiguration
   and one parsed stylesheet per process). A URL fetcher refuses every URL
   that is not a ``data:`` URL or a file inside the templates folder.
5. PDFs are reproducible: the creation date comes from ``SOURCE_DATE_EPOCH`` or
   the letter's own date, the file identifier from the input hash, and fonts are
   subset with HarfBuzz — the same inputs give the same bytes. Writes are atomic.
"""

from __future__ import annotations

import ctypes.util
import dataclasses
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jinja2

from peereval.load.visibility import VisibleValue
from peereval.problems import PeerevalError
from peereval.publish.files import write_bytes_atomic, write_text_atomic
from peereval.publish.letter_layout import (
    chinese_numeral,
    date_label,
    issuer_size,
    percent_label,
    score_label,
    weekday_label,
)
from peereval.publish.letter_views import KIND_NAMES, Letter, LetterKind
from peereval.publish.privacy import Leak, find_leaks

PROJECT_ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ".manifest.json"
FORMAT = 1  # bump when the rendering changes in a way the inputs do not show
BEIJING = timezone(timedelta(hours=8))
FONT_FIX = "请安装中文字体：sudo apt-get install -y fonts-noto-cjk（或运行 tools/install-system-deps.sh）"
SUBSET_FIX = "请安装 HarfBuzz 字体子集库：sudo apt-get install -y libharfbuzz-subset0（或运行 tools/install-system-deps.sh）"
_FAMILY = re.compile(r'"([^"]+)"')


class ToolchainError(PeerevalError):
    """A font or library the letters need is missing; the message says how to install it."""


class RefusedURLError(PeerevalError):
    """A template asked for a resource that is not local."""


class LetterLeakError(PeerevalError):
    """A private value appears in a letter; nothing was written."""

    def __init__(self, leaks: Sequence[Leak]) -> None:
        self.leaks = tuple(leaks)
        super().__init__("\n".join(leak.message() for leak in self.leaks))


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
    return ctypes.util.find_library("harfbuzz-subset") is not None


def check_toolchain() -> None:
    """Fail fast without a Chinese font or HarfBuzz subsetting (exit 2, with the fix).

    :raises ToolchainError: naming the package to install.
    """
    if not zh_fonts():
        raise ToolchainError(f"没有找到中文字体（fc-list :lang=zh 为空），生成的 PDF 将无法显示汉字。{FONT_FIX}")
    if not has_harfbuzz_subset():
        raise ToolchainError(f"缺少 libharfbuzz-subset，无法精简嵌入字体（每封函件约需 15 秒、体积数十 MB）。{SUBSET_FIX}")


def default_template_dir(repo: Path) -> Path:
    """``site_templates/letters/`` of the evaluation repository when it has one, else this project's."""
    own = repo / "site_templates" / "letters"
    return (own if own.is_dir() else PROJECT_ROOT / "site_templates" / "letters").resolve()


def template_environment(template_dir: Path) -> jinja2.Environment:
    """Jinja2 over *template_dir*: every value escaped, an unknown name an error."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir), autoescape=True, undefined=jinja2.StrictUndefined
    )
    environment.filters.update(
        cn=chinese_numeral,
        cn_date=date_label,
        weekday=weekday_label,
        score=score_label,
        percent=percent_label,
        kind_name=lambda kind: KIND_NAMES[LetterKind(kind)],
        mark_size=lambda mark, largest: issuer_size(mark, largest_pt=largest),
    )
    return environment


def creation_time(dated: date, *, epoch: int | None) -> str:
    """The PDF's creation time: ``SOURCE_DATE_EPOCH`` when given, else midnight of the letter's date in Beijing."""
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=UTC).isoformat()
    return datetime.combine(dated, time(0), tzinfo=BEIJING).isoformat()


def letter_html(environment: jinja2.Environment, letter: Letter, *, epoch: int | None) -> str:
    """The HTML of *letter*; the template receives the view model and the creation time, nothing else."""
    if not isinstance(letter, Letter):
        raise TypeError(f"a letter template receives a Letter view model, not {type(letter).__name__}")
    template = environment.get_template(f"{letter.kind.value}.html")
    return template.render(letter=letter, created=creation_time(letter.head.dated, epoch=epoch))


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


_MIME = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


def _response(url: str, body: bytes, mime: str) -> Any:
    """What WeasyPrint expects of a fetcher: a URLFetcherResponse (69+) or a dict (older)."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcherResponse"):
        return urls.URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
    return {"string": body, "mime_type": mime, "redirected_url": url}


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    html: str
    digest: str
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


def render_pdf(html: str, *, identifier: str) -> bytes:
    """The PDF of *html* in this process (after :func:`start_worker`).

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
        pdf_identifier=identifier.encode("ascii"),
    )
    if fetcher.refused:
        raise RefusedURLError(f"函件模板引用了非本地资源，已拒绝：{'、'.join(fetcher.refused)}")
    return pdf


def render_job(job: Job) -> Done:
    pdf = render_pdf(job.html, identifier=job.digest[:32])
    write_bytes_atomic(Path(job.target), pdf)
    os.chmod(job.target, 0o644)  # a letter is for delivery and the site, not private to this user
    return Done(job.name, hashlib.sha256(pdf).hexdigest(), len(pdf))


@cache
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _digest_files(paths: Iterable[Path], *, key: Callable[[Path], str]) -> dict[str, str]:
    """SHA-256 of each file's content (computed once per process for a path, size and mtime)."""
    return {key(path): _file_digest(str(path), (s := path.stat()).st_size, s.st_mtime_ns) for path in sorted(paths)}


def shared_inputs(template_dir: Path) -> str:
    """The hash of what every letter depends on: templates, stylesheet, the CJK fonts it names, WeasyPrint."""
    files = [path for path in template_dir.iterdir() if path.is_file()]
    named = set(_FAMILY.findall((template_dir / "letters.css").read_text(encoding="utf-8")))
    fonts = [Path(path) for path, families in zh_fonts() if named.intersection(families)]
    payload = {
        "format": FORMAT,
        "weasyprint": version("weasyprint"),
        "templates": _digest_files(files, key=lambda path: path.name),
        "fonts": _digest_files(fonts, key=str),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def letter_digest(letter: Letter, html: str, shared: str) -> str:
    view = json.dumps(dataclasses.asdict(letter), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256("\0".join((shared, view, html)).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run did, by letter name."""

    rendered: tuple[str, ...]
    skipped: tuple[str, ...]
    removed: tuple[str, ...]


def _read_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("letters", {}) if isinstance(data, dict) and data.get("format") == FORMAT else {}


def _is_current(out_dir: Path, entry: dict[str, Any] | None, digest: str) -> bool:
    if entry is None or entry.get("inputs") != digest:
        return False
    try:
        return hashlib.sha256((out_dir / entry["file"]).read_bytes()).hexdigest() == entry.get("sha256")
    except OSError:
        return False


def _run(jobs: Sequence[Job], *, workers: int, template_dir: Path, progress: Callable[[str], None]) -> Iterable[Done]:
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


# A progress display: given how many letters will render, a context yielding "one more is done".
Progress = Callable[[int], AbstractContextManager[Callable[[str], None]]]


@contextmanager
def _silent(total: int) -> Iterator[Callable[[str], None]]:
    yield lambda name: None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_letters(
    letters: Sequence[Letter],
    out_dir: Path,
    *,
    template_dir: Path,
    secrets: Iterable[VisibleValue],
    jobs: int | None = None,
    epoch: int | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Render every letter whose inputs changed into ``out_dir/<name>.pdf``; skip the others.

    :raises LetterLeakError: when a private value appears in any letter (nothing is written).
    :raises RefusedURLError: when a template asks for a non-local resource.
    """
    environment = template_environment(template_dir)
    pages = {letter.name: (letter, letter_html(environment, letter, epoch=epoch)) for letter in letters}
    leaks = find_leaks({f"{name}.pdf": html for name, (_, html) in pages.items()}, secrets)
    if leaks:
        raise LetterLeakError(leaks)
    shared = shared_inputs(template_dir)
    manifest = _read_manifest(out_dir)
    digests = {name: letter_digest(letter, html, shared) for name, (letter, html) in pages.items()}
    todo = [
        Job(name, html, digests[name], str(out_dir / f"{name}.pdf"))
        for name, (_, html) in pages.items()
        if not _is_current(out_dir, manifest.get(name), digests[name])
    ]
    kept = {name: entry for name, entry in manifest.items() if name in pages}
    try:
        with (progress or _silent)(len(todo)) as advance:
            for done in _run(todo, workers=jobs or default_jobs(), template_dir=template_dir, progress=advance):
                kept[done.name] = {"file": f"{done.name}.pdf", "inputs": digests[done.name], "sha256": done.sha256}
    finally:
        payload = {"format": FORMAT, "letters": dict(sorted(kept.items()))}
        write_text_atomic(out_dir / MANIFEST, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    removed = tuple(sorted(name for name in manifest if name not in pages))
    for name in removed:
        (out_dir / manifest[name].get("file", f"{name}.pdf")).unlink(missing_ok=True)
    rendered = {job.name for job in todo}
    return Outcome(
        rendered=tuple(sorted(rendered)),
        skipped=tuple(sorted(set(pages) - rendered)),
        removed=removed,
    )
