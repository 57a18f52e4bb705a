"""The edge that writes the public results site (Art. 3, 18): templates → build/docs → MkDocs → scan → site/.

1. :func:`site_model` turns the records into view models built only from the
   fields listed in ``views.PUBLIC_FIELDS``; templates never see a record.
2. :func:`render_docs` renders ``site_templates/site/`` with Jinja2 (every data
   value escaped for HTML *and* Markdown), plus the open data and the letters.
3. The docs folder is synchronised: a file is written only when its bytes change.
4. MkDocs builds into a staging folder; every file there (HTML, JS, JSON with the
   search index, CSV, XML, the gzipped sitemap, the text of every PDF) is scanned
   for every private value of the repository. A hit stops the build and site/ is
   left as it was; the message names the record and field, never the value.
5. Otherwise the staging folder is synchronised into site/, again writing only
   the files whose bytes changed.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import posixpath
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from peereval.calendar import WorkCalendar, build_work_calendar
from peereval.load.repo import SAFE_NAME, load_repository
from peereval.load.visibility import VisibleValue, private_values
from peereval.model import CASE_TYPE_LABELS, GRADE_LABELS, CaseId, Repository, RoundRecords, Scheme
from peereval.problems import PeerevalError
from peereval.publish import charts
from peereval.publish.files import write_bytes_atomic
from peereval.publish.privacy import MIN_LENGTH, Leak, normalise, variants
from peereval.publish.views import PublicCase, objection_deadline, public_case
from peereval.rules.verdict import round_verdicts

PROJECT_ROOT = Path(__file__).resolve().parents[3]
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))  # jieba's segmentation marks
# Every ASCII character that means something to HTML or to Markdown (and its extensions)
# becomes a numeric character reference: the browser shows it, no parser acts on it.
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~^=:$%@/"} | {ord("\r"): ""}
_SAFE_URL = re.compile(r"[A-Za-z0-9_./-]*\Z")
GROUND_LABELS = {
    "22(1)": "第二十二条第（一）项：评估专家组的组成或评估程序违反方案规定",
    "22(2)": "第二十二条第（二）项：非因承办人、承办机构原因遗漏足以影响公正评估的相关材料",
    "22(3)": "第二十二条第（三）项：评估专家在评估该案时有收受贿赂、徇私舞弊等行为",
}
# The open data, field by field, with what each means (docs/site.md and the data page show this table).
OPEN_DATA_FIELDS: dict[str, str] = {
    "round": "评估轮次编号",
    "case": "评估编号（本站案件页面的编号）",
    "number": "法律援助案件编号",
    "type": "案件类型代码：criminal 刑事、civil 民事、administrative 行政、non_litigation 非诉讼",
    "type_label": "案件类型",
    "cause": "案由或罪名",
    "closed_on": "结案日期（YYYY-MM-DD）",
    "institution": "承办机构",
    "institution_code": "承办机构代码",
    "region": "承办机构所在县（市、区）",
    "handler": "承办人；按公示政策不公开姓名时为空",
    "grade": "最终评估等次代码：excellent 优秀、good 良好、pass 合格、fail 不合格",
    "grade_label": "最终评估等次（复查后以复查结论为准）",
    "first_grade_label": "初次评估等次（专家组或领导小组评定）",
    "mean_score": "专家组评分平均分（初次评估）",
    "auto_fail": "直接评定为不合格的情形（方案第十五条）；CSV 中以“；”分隔",
    "escalated": "专家组意见不一致、由评估领导小组决定等次（方案第十七条）",
    "objected": "承办人提出过复查申请（方案第二十条）",
    "changed_on_review": "复查后等次变更（方案第二十四条）",
    "reasons": "评估理由",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectionView:
    """An objection and what became of it, from public fields only (Art. 20–24)."""

    case: PublicCase
    filed_on: date
    grounds: tuple[str, ...]
    decision: str  # 审查中 / 不予复查 / 复查中 / 已复查
    result_label: str | None
    concluded_on: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundView:
    """One published round: its notice and its case pages."""

    id: str
    title: str
    document_number: str | None
    published: date
    objection_deadline: date | None
    cases: tuple[PublicCase, ...]  # graded cases, in case-id order
    pending: int  # sampled cases without a final grade yet
    objections: tuple[ObjectionView, ...]
    letters: frozenset[str]  # case ids whose letter is published with the site

    @property
    def overall(self) -> charts.Row:
        return self.by_type().overall

    def by_type(self) -> charts.Distribution:
        return charts.distribution(
            sorted(self.cases, key=lambda c: list(CASE_TYPE_LABELS).index(c.type) if c.type in CASE_TYPE_LABELS else 9),
            key=lambda c: c.type_label,
            caption=f"评估等次分布（按案件类型，{self.id}）",
            group_header="案件类型",
        )

    def by_institution(self) -> charts.Distribution:
        return charts.distribution(
            sorted(self.cases, key=lambda c: (c.region, c.institution)),
            key=lambda c: c.institution,
            caption=f"评估等次分布（按承办机构，{self.id}）",
            group_header="承办机构",
        )

    def with_grade(self, grade: str) -> tuple[PublicCase, ...]:
        return tuple(case for case in self.cases if case.grade == grade)


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteModel:
    """Everything the templates see."""

    scheme_title: str
    issuer: str
    office_address: str | None
    rounds: tuple[RoundView, ...]  # published rounds, oldest first
    unpublished: tuple[str, ...]  # ids of rounds not yet published on the day of the build

    def trend(self) -> charts.Distribution:
        return charts.Distribution(
            caption="历轮评估等次分布与优良率",
            group_header="评估轮次",
            rows=tuple(charts.Row(group=r.id, counts=r.overall.counts) for r in self.rounds),
        )


def _objection(records: RoundRecords, case: PublicCase, as_of: date) -> ObjectionView | None:
    objection = records.objections.get(CaseId(case.id))
    if objection is None or objection.filed_on > as_of:
        return None
    decision, concluded = objection.office_decision, objection.concluded_on
    reviewed = concluded is not None and concluded <= as_of and objection.result_grade is not None
    if decision is None or decision.on > as_of:
        state = "审查中"
    else:
        state = "已复查" if reviewed else ("复查中" if decision.review else "不予复查")
    return ObjectionView(
        case=case,
        filed_on=objection.filed_on,
        grounds=tuple(GROUND_LABELS.get(g, g) for g in objection.grounds),
        decision=state,
        result_label=GRADE_LABELS[objection.result_grade] if reviewed and objection.result_grade else None,
        concluded_on=concluded if reviewed else None,
    )


def round_view(
    records: RoundRecords, scheme: Scheme, calendar: WorkCalendar, *, as_of: date, letters: frozenset[str]
) -> RoundView:
    """The published view of one round on *as_of*; its cases come from :func:`views.public_case`."""
    published = records.round.published
    assert published is not None
    verdicts = round_verdicts(records, as_of=as_of)
    cases = tuple(public_case(v, records, scheme) for v in verdicts if v.final_grade is not None)
    objections = tuple(o for c in cases if (o := _objection(records, c, as_of)) is not None)
    return RoundView(
        id=records.round.id,
        title=records.round.title,
        document_number=records.round.document_number,
        published=published,
        objection_deadline=objection_deadline(records, scheme, calendar),
        cases=cases,
        pending=len(verdicts) - len(cases),
        objections=objections,
        letters=frozenset(c.id for c in cases if c.id in letters)
        if scheme.publication.letters_on_site
        else frozenset(),
    )


def site_model(
    repository: Repository, calendar: WorkCalendar, *, as_of: date, letters: Iterable[str] = ()
) -> SiteModel:
    """The view of the whole site on *as_of*; a round appears once its results are published.

    *letters* names the cases (``round/case``) whose feedback letter PDF exists.
    :raises PeerevalError: without a valid scheme.yaml.
    """
    scheme = repository.scheme
    if scheme is None:
        raise PeerevalError("scheme.yaml 缺失或有错误，无法生成公示网站；请先运行 peereval check")
    found = frozenset(letters)
    published, unpublished = [], []
    for round_id, records in sorted(repository.rounds.items()):
        if records.round.published is not None and records.round.published <= as_of:
            mine = frozenset(name.split("/", 1)[1] for name in found if name.startswith(f"{round_id}/"))
            published.append(round_view(records, scheme, calendar, as_of=as_of, letters=mine))
        else:
            unpublished.append(round_id)
    return SiteModel(
        scheme_title=scheme.title,
        issuer=scheme.issuer,
        office_address=scheme.publication.office_address,
        rounds=tuple(published),
        unpublished=tuple(unpublished),
    )


# --- open data ---------------------------------------------------------------------------------


def open_data_row(case: PublicCase) -> dict[str, Any]:
    """One case in the open data: exactly the fields of :data:`OPEN_DATA_FIELDS`, in that order."""
    row: dict[str, Any] = {
        "round": case.round, "case": case.id, "number": case.number, "type": case.type,
        "type_label": case.type_label, "cause": case.cause, "closed_on": case.closed_on.isoformat(),
        "institution": case.institution, "institution_code": case.institution_code, "region": case.region,
        "handler": case.handler, "grade": case.grade, "grade_label": case.grade_label,
        "first_grade_label": case.first_grade_label, "mean_score": case.mean_score,
        "auto_fail": list(case.auto_fail), "escalated": case.escalated, "objected": case.objected,
        "changed_on_review": case.changed_on_review, "reasons": case.reasons,
    }  # fmt: skip
    assert tuple(row) == tuple(OPEN_DATA_FIELDS)
    return row


def _round_meta(view: RoundView) -> dict[str, Any]:
    deadline = view.objection_deadline
    return {
        "id": view.id, "title": view.title, "document_number": view.document_number,
        "published": view.published.isoformat(), "objection_deadline": deadline.isoformat() if deadline else None,
    }  # fmt: skip


def results_json(rounds: Iterable[RoundView]) -> bytes:
    chosen = tuple(rounds)
    payload = {
        "rounds": [_round_meta(r) for r in chosen],
        "fields": OPEN_DATA_FIELDS,
        "cases": [open_data_row(c) for r in chosen for c in r.cases],
    }
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def results_csv(rounds: Iterable[RoundView]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese correctly."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(OPEN_DATA_FIELDS), lineterminator="\r\n")
    writer.writeheader()
    for view in rounds:
        for case in view.cases:
            row = open_data_row(case)
            row["auto_fail"] = "；".join(row["auto_fail"])
            writer.writerow(
                {k: "" if v is None else str(v).lower() if isinstance(v, bool) else v for k, v in row.items()}
            )
    return out.getvalue().encode("utf-8-sig")


# --- rendering -----------------------------------------------------------------------------------


def escape_text(value: Any) -> Markup:
    """A data value as text that neither HTML nor Markdown will interpret; line breaks kept as ``<br>``."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("—")
    return Markup(str(value).translate(_ESCAPES).replace("\n", "<br>"))


def page_url(src: str, *, directory_urls: bool) -> str:
    """The URL (from the site root) MkDocs gives the docs file *src*; other files keep their path."""
    if not src.endswith(".md"):
        return src
    stem = src.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if directory_urls else f"{stem}.html"


def relative_url(from_src: str, to_src: str, *, directory_urls: bool) -> str:
    """The link from the page *from_src* to the docs file *to_src*, as the browser resolves it."""
    here, there = page_url(from_src, directory_urls=directory_urls), page_url(to_src, directory_urls=directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    link = posixpath.relpath(there or ".", base or ".")
    return link + "/" if (there.endswith("/") or not there) and link != "." else ("./" if link == "." else link)


def _filters() -> dict[str, Callable[..., Any]]:
    return {
        "cn_date": lambda d: f"{d.year}年{d.month}月{d.day}日" if d is not None else "—",
        "score": lambda x: "—" if x is None else f"{x:.2f}",
        "percent": charts.percent,
        "id": _identifier,
    }


def _identifier(value: object) -> Markup:
    """An id (round, case, grade code) used as is in titles, classes and paths; it must be a safe name."""
    if not isinstance(value, str) or not SAFE_NAME.match(value):
        raise ValueError(f"not a safe identifier: {value!r}")
    return Markup(value)


def template_environment(templates: Path) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        finalize=escape_text,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(_filters())
    environment.globals.update(
        bar_chart=charts.bar_chart, trend_chart=charts.trend_chart, distribution_table=charts.distribution_table
    )
    return environment


def _pages(model: SiteModel) -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield "index.md", "index.md.j2", {}
    yield "data.md", "data.md.j2", {"fields": OPEN_DATA_FIELDS}
    for view in model.rounds:
        yield f"{view.id}.md", "round.md.j2", {"round": view}
        objections = {o.case.id: o for o in view.objections}
        for case in view.cases:
            context = {"round": view, "case": case, "objection": objections.get(case.id)}
            yield f"{view.id}/{case.id}.md", "case.md.j2", context


def render_docs(
    model: SiteModel, templates: Path, *, directory_urls: bool, letters: Mapping[str, bytes]
) -> dict[str, bytes]:
    """Every file of the docs folder: rendered pages, static files, open data, letters (``round/case`` → PDF)."""
    environment = template_environment(templates)
    files: dict[str, bytes] = {}
    for path in sorted(templates.rglob("*")):
        name = path.relative_to(templates).as_posix()
        if path.is_file() and not name.endswith(".j2") and not any(p.startswith("_") for p in name.split("/")):
            files[name] = path.read_bytes()
    for src, template, context in _pages(model):

        def url(target: str, src: str = src) -> Markup:
            if not _SAFE_URL.match(target):
                raise ValueError(f"unsafe link target {target!r}")
            return Markup(relative_url(src, target, directory_urls=directory_urls))

        text = environment.get_template(template).render(site=model, url=url, **context)
        files[src] = text.encode("utf-8")
    files["results.json"], files["results.csv"] = results_json(model.rounds), results_csv(model.rounds)
    for view in model.rounds:
        files[f"{view.id}/results.json"], files[f"{view.id}/results.csv"] = results_json([view]), results_csv([view])
        for case_id in sorted(view.letters):
            files[f"{view.id}/letters/{case_id}.pdf"] = letters[f"{view.id}/{case_id}"]
    return files


# --- files ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncCount:
    written: int
    unchanged: int
    removed: int


def sync_tree(target: Path, files: Mapping[str, bytes]) -> SyncCount:
    """Make *target* hold exactly *files*: write a file only when its bytes differ, remove the rest."""
    written = unchanged = removed = 0
    for name, data in files.items():
        path = target / name
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            unchanged += 1
        else:
            write_bytes_atomic(path, data)
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


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


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


# --- the privacy scan ------------------------------------------------------------------------------


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of *words*, longest first at each position (a trie of them)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie) or "(?!)"


PREFIX = 32  # the trie holds each secret's first PREFIX characters; a hit is then checked in full


def scan_outputs(outputs: Iterable[tuple[str, str]], secrets: Iterable[VisibleValue]) -> list[Leak]:
    """What ``privacy.find_leaks`` finds, in one regular-expression pass per output instead of one per secret.

    Also sees through the zero-width marks with which jieba segments the search index.
    """
    needles: dict[str, VisibleValue] = {}
    for secret in secrets:
        needle = normalise(str(secret.value)).translate(ZERO_WIDTH)
        if len(needle) >= MIN_LENGTH:
            needles.setdefault(needle, secret)
    by_prefix: dict[str, list[str]] = {}
    for needle in needles:
        by_prefix.setdefault(needle[:PREFIX], []).append(needle)
    matcher = re.compile(_trie_pattern(by_prefix))
    leaks: set[Leak] = set()
    for name, text in outputs:
        for haystack in {variant.translate(ZERO_WIDTH) for variant in variants(text)}:
            position = 0
            while (match := matcher.search(haystack, position)) is not None:
                start, found = match.start(), match.group()
                for end in range(MIN_LENGTH, len(found) + 1):
                    for needle in by_prefix.get(found[:end], ()):
                        if haystack.startswith(needle, start):
                            secret = needles[needle]
                            leaks.add(Leak(name, secret.path, secret.pointer))
                position = start + 1
    return sorted(leaks, key=lambda leak: (leak.output, leak.record, leak.pointer))


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
    def for_repo(cls, repo: Path) -> SitePaths:
        """mkdocs.yml and site_templates/site/ of *repo*, else of this project; build/ and site/ in *repo*."""
        config = repo / "mkdocs.yml" if (repo / "mkdocs.yml").is_file() else PROJECT_ROOT / "mkdocs.yml"
        own = repo / "site_templates" / "site"
        templates = own if own.is_dir() else PROJECT_ROOT / "site_templates" / "site"
        return cls(
            repo=repo, config_file=config, templates=templates, docs_dir=repo / "build" / "docs",
            site_dir=repo / "site", letters_dir=repo / "build" / "letters",
        )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteResult:
    """What a build did: pages, files written or left alone, warnings, and any leak (then nothing was published)."""

    pages: int
    docs: SyncCount
    site: SyncCount | None
    warnings: tuple[str, ...]
    leaks: tuple[Leak, ...]


def _letters(letters_dir: Path) -> dict[str, bytes]:
    found = sorted(letters_dir.glob("*/*.pdf")) if letters_dir.is_dir() else []
    return {f"{p.parent.name}/{p.stem}": p.read_bytes() for p in found}


def build_site(paths: SitePaths, *, as_of: date) -> SiteResult:
    """Render, build, scan and publish the site of *paths.repo* as it stands on *as_of*.

    :raises PeerevalError: on environment errors (no scheme, no MkDocs configuration, no pdftotext).
    """
    loaded = load_repository(paths.repo)
    calendar = build_work_calendar(loaded.repository.calendar)
    letters = _letters(paths.letters_dir)
    model = site_model(loaded.repository, calendar, as_of=as_of, letters=letters)
    staging = paths.staging_dir
    paths.docs_dir.mkdir(parents=True, exist_ok=True)
    config = load_mkdocs_config(paths.config_file, docs_dir=paths.docs_dir, site_dir=staging)
    files = render_docs(model, paths.templates, directory_urls=bool(config.use_directory_urls), letters=letters)
    docs = sync_tree(paths.docs_dir, files)
    warnings = run_mkdocs(config)
    secrets = private_values(loaded.documents, loaded.kinds)
    leaks = scan_outputs(output_texts(staging), secrets)
    pages = sum(name.endswith(".md") for name in files)
    if leaks:
        shutil.rmtree(staging, ignore_errors=True)
        return SiteResult(pages=pages, docs=docs, site=None, warnings=tuple(warnings), leaks=tuple(leaks))
    published = sync_tree(paths.site_dir, read_tree(staging))
    shutil.rmtree(staging, ignore_errors=True)
    return SiteResult(pages=pages, docs=docs, site=published, warnings=tuple(warnings), leaks=())
