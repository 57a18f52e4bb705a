"""The edge that writes the public results site (Art. 3, 18): templates → build/docs → MkDocs → scan → site/.

1. :func:`~peereval.publish.site_views.site_model` turns the records into view
   models built only from public fields; templates never see a record.
2. :func:`~peereval.publish.site_pages.render_docs` renders ``site_templates/site/``
   with Jinja2, plus the open data; the letters PDFs that the letters command made
   (``build/letters/<round>/<stem>.pdf``) are added where the policy allows.
3. The docs folder is synchronised: a file is written only when its bytes change.
4. MkDocs builds into a staging folder; every file there (HTML, JS, JSON with the
   search index, CSV, XML, the gzipped sitemap, the text of every PDF) is scanned
   for every private value of the repository, and every page and stylesheet for a
   link to another host. A hit stops the build and site/ is left as it was; a
   message names the file and the record and field, never the value.
5. Otherwise the staging folder is synchronised into site/, again writing only
   the files whose bytes changed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from peereval.calendar import build_work_calendar
from peereval.load.population import read_population
from peereval.load.repo import LoadResult, load_repository
from peereval.load.visibility import VisibleValue, private_values
from peereval.model import Repository
from peereval.problems import PeerevalError
from peereval.publish.files import own_or_project, write_bytes_atomic, write_text_atomic
from peereval.publish.privacy import Leak, find_leaks
from peereval.publish.site_pages import render_docs
from peereval.publish.site_views import SiteModel, site_model
from peereval.rules.history import FileSignature

# A reference that makes a browser fetch from another host: src/href/srcset/action/poster/data/content
# attributes, CSS url() and @import. (xmlns and plain text are not fetched; relative links stay on the site.)
_REMOTE = re.compile(
    r"""(?:\b(?:src|href|srcset|action|poster|data|content)\s*=\s*["']?\s*|url\(\s*["']?|@import\s+["']?)"""
    r"""(?:https?:)?//""",
    re.IGNORECASE,
)
_FETCHED = (".html", ".css", ".svg")  # what a browser loads and follows the references of
SITE_STAMP = "site.stamp"  # beside the docs folder: the inputs and the site/ of the last published build


# --- files ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncCount:
    written: int
    unchanged: int
    removed: int


def _same(path: Path, content: bytes | Path) -> bool:
    if not path.is_file():
        return False
    size = content.stat().st_size if isinstance(content, Path) else len(content)
    if path.stat().st_size != size:
        return False
    return path.read_bytes() == (content.read_bytes() if isinstance(content, Path) else content)


def sync_tree(target: Path, files: Mapping[str, bytes | Path]) -> SyncCount:
    """Make *target* hold exactly *files* (bytes, or a file to copy): write only what differs, remove the rest.

    A file whose bytes are unchanged is not touched (its time stays), so a deploy or
    a file watcher sees only what really changed.
    """
    written = unchanged = removed = 0
    for name, content in files.items():
        path = target / name
        if _same(path, content):
            unchanged += 1
        else:
            write_bytes_atomic(path, content.read_bytes() if isinstance(content, Path) else content)
            written += 1
    if target.is_dir():
        for path in sorted(target.rglob("*"), reverse=True):
            name = path.relative_to(target).as_posix()
            if path.is_file() and name not in files:
                path.unlink()
                removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return SyncCount(written, unchanged, removed)


def move_tree(source: Path, target: Path) -> SyncCount:
    """Make *target* hold exactly what *source* holds, consuming *source*.

    Where *target* does not exist yet (a first build), *source* is renamed into
    place: one atomic rename instead of writing 10,000 files a second time.
    Otherwise (or across file systems) :func:`sync_tree` rewrites only what differs.
    """
    if not target.exists():
        count = len(list_tree(source))
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            source.rename(target)
            return SyncCount(count, 0, 0)
        except OSError:  # another file system, or target appeared meanwhile
            pass
    synced = sync_tree(target, list_tree(source))
    shutil.rmtree(source, ignore_errors=True)
    return synced


def list_tree(root: Path) -> dict[str, Path]:
    """Every file under *root*, by its relative POSIX name."""
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


# --- MkDocs ----------------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def load_mkdocs_config(config_file: Path, *, docs_dir: Path, site_dir: Path) -> Any:
    """MkDocs' configuration from *config_file*, with the docs and site folders given here.

    :raises PeerevalError: when the file is missing or invalid.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if not config_file.is_file():
        raise PeerevalError(f"找不到 MkDocs 配置文件 {config_file}")
    try:
        return load_config(str(config_file), docs_dir=str(docs_dir.resolve()), site_dir=str(site_dir.resolve()))
    except ConfigurationError as error:
        raise PeerevalError(f"{config_file}：MkDocs 配置有误：{error}") from error


def run_mkdocs(config: Any) -> list[str]:
    """Build with MkDocs; returns its warnings. :raises PeerevalError: when MkDocs aborts."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba announces its dictionary on every run
    logger, handler = logging.getLogger("mkdocs"), _Collect()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        build(config)
    except MkDocsException as error:
        raise PeerevalError(f"MkDocs 构建失败：{error}") from error
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    return handler.messages


# --- the scans ----------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    """The text of a PDF, by pdftotext (poppler-utils). :raises PeerevalError: without pdftotext."""
    try:
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False)
    except FileNotFoundError as error:
        raise PeerevalError("找不到 pdftotext（Debian 软件包 poppler-utils），无法检查 PDF 中的隐私数据") from error
    if done.returncode != 0:
        raise PeerevalError(f"pdftotext 无法读取 {path.name}：{done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8", "replace")


def output_texts(root: Path, label: str = "site") -> Iterator[tuple[str, str]]:
    """Every file under *root* as text: PDFs through pdftotext, ``.gz`` unpacked, the rest decoded as UTF-8."""
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        name = f"{label}/{path.relative_to(root).as_posix()}"
        if path.suffix.lower() == ".pdf":
            yield name, pdf_text(path)
        elif path.suffix.lower() == ".gz":
            yield name, gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        else:
            yield name, path.read_bytes().decode("utf-8", "replace")


def scan_output(root: Path, secrets: Iterable[VisibleValue], label: str = "site") -> tuple[list[Leak], list[str]]:
    """The privacy scan and the remote-reference scan of every file under *root*, reading each file once.

    Remote references: every page, stylesheet, script or drawing that would make a browser fetch from
    another host.
    """
    remote: list[str] = []

    def texts() -> Iterator[tuple[str, str]]:
        for name, text in output_texts(root, label):
            if PurePosixPath(name).suffix.lower() in _FETCHED and _REMOTE.search(text):
                remote.append(name)
            yield name, text

    leaks = find_leaks(texts(), secrets)
    return leaks, remote


def repository_secrets(
    repo: Path, documents: Any, kinds: Mapping[str, str], repository: Repository
) -> list[VisibleValue]:
    """Every private value: the records' (by ``x-visibility``) and the licence numbers of the closed-case exports."""
    secrets = private_values(documents, kinds)
    for records in repository.rounds.values():
        population = read_population(repo, records.round)
        secrets.extend(
            VisibleValue(population.path, f"/{row.line}/handler_licence_no", row.handler_licence_no, "private")
            for row in population.rows
        )
    return secrets


# --- the whole build -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SitePaths:
    """Where the site is read from and written to; :meth:`for_repo` gives the usual layout."""

    repo: Path
    config_file: Path
    templates: Path
    docs_dir: Path
    site_dir: Path
    letters_dir: Path

    @property
    def staging_dir(self) -> Path:
        return self.docs_dir.parent / "site-staging"

    @classmethod
    def for_repo(cls, repo: Path, *, site_dir: Path | None = None) -> SitePaths:
        """mkdocs.yml and site_templates/site/ of *repo*, else of this project; build/ and site/ in *repo*.

        The letters are where ``peereval letters`` writes them: ``build/letters/<round>/``.
        """
        config, templates = own_or_project(repo, "mkdocs.yml"), own_or_project(repo, "site_templates/site")
        return cls(
            repo=repo, config_file=config, templates=templates, docs_dir=repo / "build" / "docs",
            site_dir=site_dir or repo / "site", letters_dir=repo / "build" / "letters",
        )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteResult:
    """What a build did: pages, files written or left alone, warnings, and what stopped it (then nothing was published)."""

    pages: int
    docs: SyncCount
    site: SyncCount | None
    warnings: tuple[str, ...]
    leaks: tuple[Leak, ...]
    remote: tuple[str, ...]  # files that would fetch from another host
    rebuilt: bool = True  # False: nothing the site depends on changed, MkDocs and the scans were skipped

    @property
    def published(self) -> bool:
        return self.site is not None


def site_navigation(model: SiteModel) -> list[dict[str, Any]]:
    """The navigation MkDocs shows: home, the rounds' notices (newest first), the scheme, the open data.

    Computed from the model so that a new round appears without editing mkdocs.yml, in
    an order that reads well rather than MkDocs' alphabetical one; case pages stay out.
    """
    notices = [{f"{view.id} 评估结果通报": f"{view.id}.md"} for view in reversed(model.rounds)]
    return [
        {"首页": "index.md"},
        *([{"评估结果通报": notices}] if notices else []),
        {"评估方案": [{"中文原文": "scheme.md"}, {"English reading": "scheme-en.md"}]},
        {"公开数据": "data.md"},
    ]


def letter_files(letters_dir: Path) -> dict[str, Path]:
    """The letter PDFs the letters command made, as ``<round>/<stem>`` → file."""
    found = sorted(letters_dir.glob("*/*.pdf")) if letters_dir.is_dir() else []
    return {f"{p.parent.name}/{p.stem}": p for p in found}


def published_letters(model: SiteModel, letters: Mapping[str, Path]) -> dict[str, Path]:
    """The docs files of the letters the site links: each round's notice and the conclusion letters it allows."""
    files = {}
    for view in model.rounds:
        stems = [f"{case}-conclusion" for case in sorted(view.letters)] + [f"{view.id}-notice"] * view.notice_letter
        files.update({f"{view.id}/letters/{stem}.pdf": letters[f"{view.id}/{stem}"] for stem in stems})
    return files


def site_inputs(config: Any, secrets: Iterable[VisibleValue]) -> str:
    """A digest of what the built site depends on besides the docs folder.

    MkDocs' configuration (the navigation included) and theme overrides, the versions
    of the tools, and every private value the scans look for: when none of these and
    no docs file changed, the last scanned build is still right.
    """
    digest = hashlib.sha256(Path(config.config_file_path).read_bytes())
    digest.update(json.dumps(config.nav, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    theme = config.theme.custom_dir
    for path in sorted(Path(theme).rglob("*")) if theme else []:
        if path.is_file():
            digest.update(path.as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    for package in ("peereval", "mkdocs", "mkdocs-material", "jieba"):
        digest.update(f"{package} {metadata.version(package)}\n".encode())
    for secret in sorted(secrets, key=lambda v: (v.path, v.pointer, str(v.value))):
        digest.update(f"{secret.path}\0{secret.pointer}\0{secret.value}\n".encode())
    return digest.hexdigest()


def tree_fingerprint(root: Path) -> str:
    """Names, sizes and modification times of every file under *root*: changes when anyone touches it."""
    stats = ((name, path.stat()) for name, path in list_tree(root).items())
    entries = (f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n" for name, stat in stats)
    return hashlib.sha256("".join(entries).encode("utf-8")).hexdigest()


def build_site(
    paths: SitePaths,
    *,
    as_of: date,
    loaded: LoadResult | None = None,
    signatures: Mapping[str, FileSignature] | None = None,
) -> SiteResult:
    """Render, build, scan and publish the site of *paths.repo* as it stands on *as_of*.

    This is the one call ``peereval site`` and ``peereval build`` make; *loaded* saves
    loading the repository again (``peereval build`` has loaded it for the check);
    *signatures* are the verified signatures by path (None: not verified, and the pages say so).
    :raises PeerevalError: on environment errors (no scheme, no MkDocs configuration, no pdftotext).
    """
    loaded = loaded or load_repository(paths.repo)
    calendar = build_work_calendar(loaded.repository.calendar)
    letters = letter_files(paths.letters_dir)
    model = site_model(loaded.repository, calendar, as_of=as_of, letters=letters, signatures=signatures)
    paths.docs_dir.mkdir(parents=True, exist_ok=True)
    config = load_mkdocs_config(paths.config_file, docs_dir=paths.docs_dir, site_dir=paths.staging_dir)
    if not config.nav:  # a navigation written in mkdocs.yml wins
        config.nav = site_navigation(model)
    files = render_docs(model, paths.templates, directory_urls=bool(config.use_directory_urls))
    files.update(published_letters(model, letters))
    docs = sync_tree(paths.docs_dir, files)
    secrets = repository_secrets(paths.repo, loaded.documents, loaded.kinds, loaded.repository)
    pages = sum(name.endswith(".md") for name in files)
    stamp, inputs = paths.docs_dir.parent / SITE_STAMP, site_inputs(config, secrets)
    if docs.written == docs.removed == 0 and stamp.is_file() and paths.site_dir.is_dir():
        if stamp.read_text(encoding="utf-8") == f"{inputs} {tree_fingerprint(paths.site_dir)}":
            unchanged = SyncCount(0, len(list_tree(paths.site_dir)), 0)
            return SiteResult(pages=pages, docs=docs, site=unchanged, warnings=(), leaks=(), remote=(), rebuilt=False)
    stamp.unlink(missing_ok=True)
    warnings = tuple(run_mkdocs(config))
    leaks, remote = scan_output(paths.staging_dir, secrets)
    site = None if leaks or remote else move_tree(paths.staging_dir, paths.site_dir)
    shutil.rmtree(paths.staging_dir, ignore_errors=True)  # what was refused
    if site is not None:
        write_text_atomic(stamp, f"{inputs} {tree_fingerprint(paths.site_dir)}")
    return SiteResult(pages=pages, docs=docs, site=site, warnings=warnings, leaks=tuple(leaks), remote=tuple(remote))
