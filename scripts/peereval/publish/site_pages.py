"""The site's pages: Jinja2 templates (site_templates/site/) rendered with the site's view models.

Templates receive :class:`~peereval.publish.site_views.SiteModel` and its parts,
never a record. MkDocs reads every page as Markdown, so every data value is
escaped for HTML *and* for Markdown (:func:`escape_text`): a reason holding
``<script>``, raw HTML or a Markdown link shows as the text it is. Links are
computed here, as the browser resolves them, because MkDocs leaves links inside
raw HTML alone.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from peereval.load.repo import SAFE_NAME
from peereval.publish import charts
from peereval.publish.open_data import OPEN_DATA_FIELDS, results_csv, results_json
from peereval.publish.site_views import SiteModel

# Every ASCII character that means something to HTML or to Markdown (and its extensions)
# becomes a numeric character reference: the browser shows it, no parser acts on it.
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~^=:$%@/"} | {ord("\r"): ""}
_SAFE_URL = re.compile(r"[A-Za-z0-9_./-]*\Z")
SCHEME_TEXT = "_scheme/scheme-zh.txt"  # the scheme's Chinese original, kept with the templates


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
        # Jinja's own join escapes for HTML only and marks the result safe, which would skip the Markdown escaping.
        "join": lambda items, separator="": Markup(separator).join(escape_text(item) for item in items),
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


def _safe(target: str) -> str:
    if not _SAFE_URL.match(target):
        raise ValueError(f"unsafe link target {target!r}")
    return target


def scheme_paragraphs(text: str) -> tuple[str, ...]:
    """The scheme's plain text as paragraphs: blank lines separate them, indentation goes."""
    return tuple("".join(line.strip() for line in p.splitlines()) for p in re.split(r"\n\s*\n", text) if p.strip())


def _pages(model: SiteModel, scheme: tuple[str, ...]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield "index.md", "index.md.j2", {}
    yield "scheme.md", "scheme.md.j2", {"paragraphs": scheme}
    yield "data.md", "data.md.j2", {"fields": OPEN_DATA_FIELDS}
    for view in model.rounds:
        yield f"{view.id}.md", "round.md.j2", {"round": view}
        objections = {o.case.id: o for o in view.objections}
        for case in view.cases:
            context = {"round": view, "case": case, "objection": objections.get(case.id)}
            yield f"{view.id}/{case.id}.md", "case.md.j2", context


def render_docs(model: SiteModel, templates: Path, *, directory_urls: bool) -> dict[str, bytes | Path]:
    """Every file of the docs folder but the letters: pages, the templates' static files, the open data.

    Static files (every file not ending in ``.j2`` and not under a ``_`` folder) are given
    as their paths, rendered files as their bytes.
    """
    environment = template_environment(templates)
    files: dict[str, bytes | Path] = {}
    for path in sorted(templates.rglob("*")):
        name = path.relative_to(templates).as_posix()
        if path.is_file() and not name.endswith(".j2") and not any(p.startswith("_") for p in name.split("/")):
            files[name] = path
    scheme = scheme_paragraphs((templates / SCHEME_TEXT).read_text(encoding="utf-8"))
    for src, template, context in _pages(model, scheme):

        def url(target: str, src: str = src) -> Markup:
            """A link in raw HTML: as the browser resolves it (MkDocs leaves raw HTML alone)."""
            return Markup(relative_url(src, _safe(target), directory_urls=directory_urls))

        def doc(target: str, src: str = src) -> Markup:
            """A link in Markdown: the docs file, relative to this one (MkDocs checks and rewrites it)."""
            return Markup(posixpath.relpath(_safe(target), posixpath.dirname(src) or "."))

        text = environment.get_template(template).render(site=model, url=url, doc=doc, **context)
        files[src] = text.encode("utf-8")
    files["results.json"], files["results.csv"] = results_json(model.rounds), results_csv(model.rounds)
    for view in model.rounds:
        files[f"{view.id}/results.json"], files[f"{view.id}/results.csv"] = results_json([view]), results_csv([view])
    return files
