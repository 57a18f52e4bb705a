"""The public results site (Art. 3, 18): pages, charts, search, open data, privacy and safety.

One module-wide build of a copy of the demo repository (real MkDocs Material, real
jieba, real pdftotext); most tests read it. Tests that change data build a copy of
the minimal repository (tests/minirepo.py) or of the demo, with one thing changed.
"""

from __future__ import annotations

import csv
import functools
import html
import http.server
import io
import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import jieba
import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peereval.publish.open_data import OPEN_DATA_FIELDS
from peereval.publish.site import SitePaths, SiteResult, build_site, move_tree, sync_tree
from peereval.publish.site_pages import escape_text, relative_url
from tests import minirepo
from tests.conftest import Ran

PROJECT = Path(__file__).resolve().parents[2]
DATA = ("scheme.yaml", "calendar.yaml", "experts", "cases", "scoresheets")
AS_OF = date(2026, 1, 31)
CANARY = "苏金雀（示例受援人）"  # cases/2025/QZ2025-001.yaml /client/name


def copy_demo(root: Path) -> Path:
    for name in DATA:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    return root


def build(repo: Path) -> tuple[SitePaths, SiteResult]:
    paths = SitePaths.for_repo(repo)
    return paths, build_site(paths, as_of=AS_OF)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[SitePaths, SiteResult]:
    return build(copy_demo(tmp_path_factory.mktemp("demo")))


@pytest.fixture(scope="module")
def site(demo: tuple[SitePaths, SiteResult]) -> Path:
    return demo[0].site_dir


def page(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


# --- pages -------------------------------------------------------------------------------------------


@pytest.mark.article("3")
def test_the_demo_site_has_a_home_the_scheme_a_notice_and_a_page_per_graded_case(
    demo: tuple[SitePaths, SiteResult], site: Path
) -> None:
    _, result = demo
    assert result.published and result.leaks == () and result.remote == ()
    cases = sorted(p.parent.name for p in (PROJECT / "scoresheets" / "2025").glob("*/summary.yaml"))
    assert cases and all((site / "2025" / case / "index.html").is_file() for case in cases)
    assert "泉州市法律援助案件质量评估方案" in page(site, "index.html")
    assert "十五、" in page(site, "scheme/index.html")  # the Chinese original, article by article
    assert "Art." in page(site, "scheme-en/index.html") or "Article" in page(site, "scheme-en/index.html")


@pytest.mark.article("18")
def test_the_notice_gives_counts_rate_excellent_and_failing_cases_institutions_objections_and_deadline(
    site: Path,
) -> None:
    notice = page(site, "2025/index.html")
    for heading in ("按案件类型", "优秀案件", "不合格案件", "按承办机构", "复查申请及结果", "复查申请截止日期"):
        assert heading in notice
    assert "优良率" in notice and "2025年12月23日" in notice  # 7 working days after 2025-12-12 (Art. 20)
    data = json.loads(page(site, "2025/results.json"))
    failing = [c for c in data["cases"] if c["grade"] == "fail"]
    assert failing and all(f"{c['case']}/" in notice for c in failing)


@pytest.mark.article("18")
def test_a_case_page_shows_number_type_cause_institution_handler_grade_score_and_reasons(site: Path) -> None:
    text = html.unescape(page(site, "2025/QZ2025-001/index.html"))
    row = next(c for c in json.loads(page(site, "results.json"))["cases"] if c["case"] == "QZ2025-001")
    for field in ("number", "type_label", "cause", "institution", "handler", "grade_label", "reasons"):
        assert row[field] in text, field
    assert f"{row['mean_score']:.2f}" in text


def test_case_pages_stay_out_of_the_navigation_but_are_linked_from_their_notice(site: Path) -> None:
    home, notice = page(site, "index.html"), page(site, "2025/index.html")
    navigation = re.findall(
        r'class="md-nav__link[^"]*"[^>]*href="([^"]*)"|href="([^"]*)"[^>]*class="md-nav__link', home
    )
    assert not any("QZ2025" in link for pair in navigation for link in pair)
    assert 'href="QZ2025-001/"' in notice


# --- charts and tables -------------------------------------------------------------------------------


def test_every_chart_is_inline_svg_with_a_text_alternative_and_its_numbers_in_a_table(site: Path) -> None:
    notice = page(site, "2025/index.html")
    charts = re.findall(r"<svg[^>]*role=\"img\"[^>]*>.*?</svg>", notice, flags=re.S)
    assert len(charts) == 2  # by case type, by institution
    for chart in charts:
        title = re.search(r"<title id=\"[^\"]+\">([^<]+)</title>", chart)
        assert title and "<desc id=" in chart and "aria-labelledby" in chart
        assert f"<caption>{title.group(1)}</caption>" in notice
    assert "<script" not in "".join(charts)


def test_every_table_has_a_caption_and_header_cells(site: Path) -> None:
    for name in ("index.html", "data/index.html", "2025/index.html"):
        tables = re.findall(r"<table.*?</table>", page(site, name), flags=re.S)
        assert tables, name
        for table in tables:
            assert "<caption>" in table and '<th scope="col">' in table, name


# --- search ------------------------------------------------------------------------------------------


def test_search_indexes_chinese_words_not_whole_clauses(site: Path) -> None:
    """Material's search with lang zh and jieba: a two-character word of a case's reasons is a token."""
    index = json.loads(page(site, "search/search_index.json"))
    assert index["config"]["lang"] == ["zh"]
    reasons = json.loads(page(site, "2025/results.json"))["cases"][0]["reasons"]
    word = next(w for w in jieba.cut(reasons) if len(w) == 2 and all("\u4e00" <= c <= "\u9fff" for c in w))
    separator = re.compile(index["config"]["separator"])
    case = json.loads(page(site, "2025/results.json"))["cases"][0]["case"]
    tokens = {
        token
        for doc in index["docs"]
        if doc["location"].startswith(f"2025/{case}/")
        for token in separator.split(re.sub(r"<[^>]+>", " ", doc["text"]))
    }
    assert word in tokens


# --- open data ---------------------------------------------------------------------------------------


@pytest.mark.article("3")
def test_open_data_per_round_and_for_all_rounds_holds_exactly_the_documented_public_fields(site: Path) -> None:
    for prefix in ("", "2025/"):
        data = json.loads(page(site, f"{prefix}results.json"))
        assert data["fields"] == OPEN_DATA_FIELDS
        assert data["cases"] and all(list(case) == list(OPEN_DATA_FIELDS) for case in data["cases"])
        raw = (site / f"{prefix}results.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [row["case"] for row in rows] == [case["case"] for case in data["cases"]]
    documented = (PROJECT / "docs" / "open-data.md").read_text(encoding="utf-8")
    assert all(f"`{field}`" in documented for field in OPEN_DATA_FIELDS)
    assert 'href="results.csv"' in page(site, "2025/index.html")


# --- safety ------------------------------------------------------------------------------------------


def test_every_page_declares_simplified_chinese_and_fetches_nothing_from_another_host(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert pages
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert '<html lang="zh-CN"' in text, path
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text), path
    assert not any("fonts.googleapis" in p.read_text(errors="replace") for p in site.rglob("*.css"))


@given(st.text())
def test_escaped_text_reads_back_as_itself_and_holds_no_markup(text: str) -> None:
    escaped = str(escape_text(text))
    assert html.unescape(escaped.replace("<br>", "\n")) == text.replace("\r", "")
    assert not set(re.sub(r"&#\d+;", "", escaped.replace("<br>", ""))) & set("<>[]()*_`#|!\\&")


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("index.md", "2025.md", "2025/"),
        ("2025.md", "2025/QZ2025-001.md", "QZ2025-001/"),
        ("2025/QZ2025-001.md", "2025.md", "../"),
        ("2025/QZ2025-001.md", "index.md", "../../"),
        ("2025.md", "2025/results.csv", "results.csv"),
    ],
)
def test_links_in_raw_html_resolve_as_the_browser_does(source: str, target: str, expected: str) -> None:
    assert relative_url(source, target, directory_urls=True) == expected


def hostile_minirepo(root: Path, reasons: str) -> Path:
    contents = minirepo.files()
    contents["scoresheets/2025/QZ2025-001/summary.yaml"] = minirepo.summary(
        "QZ2025-001", "excellent", 91.5, json.dumps(reasons, ensure_ascii=False)
    )
    return minirepo.write(root, minirepo.signed(contents))


HOSTILE = '<script>alert("x")</script> <b>粗体</b> [点我](https://example.com/x) **重点** <img src=x onerror=alert(1)>'


def test_a_reason_with_script_raw_html_or_a_markdown_link_renders_as_text(tmp_path: Path) -> None:
    paths, result = build(hostile_minirepo(tmp_path, HOSTILE))
    assert result.published
    for name in ("2025/QZ2025-001/index.html", "2025/index.html"):
        text = page(paths.site_dir, name)
        assert "<script>alert" not in text and "<b>粗体" not in text and "<img src=x" not in text
        assert 'href="https://example.com' not in text
        assert HOSTILE in html.unescape(text)


# --- privacy -----------------------------------------------------------------------------------------


@pytest.mark.article("3")
def test_the_demo_canary_in_a_public_field_fails_the_build_naming_record_and_field_not_value(
    tmp_path: Path, run: Callable[..., Ran]
) -> None:
    repo = copy_demo(tmp_path)
    case = repo / "cases" / "2025" / "QZ2025-001.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("cause: 盗窃罪", f"cause: 盗窃罪（{CANARY}）"), "utf-8")
    ran = run("site", "--repo", str(repo), "--as-of", AS_OF.isoformat())
    assert ran.code == 1
    assert "cases/2025/QZ2025-001.yaml 的字段 /client/name" in ran.stderr
    assert "site/2025/QZ2025-001/index.html" in ran.stderr and "site/search/search_index.json" in ran.stderr
    assert CANARY not in ran.stderr + ran.stdout
    assert not (repo / "site").exists()


def pdf(text: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=f'<html lang="zh-CN"><body><p>{html.escape(text)}</p></body></html>').write_pdf())


@pytest.mark.article("18")
def test_published_letters_are_linked_and_scanned_as_text(tmp_path: Path) -> None:
    repo = minirepo.write(tmp_path, minirepo.signed(minirepo.files()))
    letters = repo / "build" / "letters" / "2025"
    letters.mkdir(parents=True)
    (letters / "QZ2025-001-conclusion.pdf").write_bytes(pdf("评估结论反馈函"))
    (letters / "2025-notice.pdf").write_bytes(pdf("评估结果通报"))
    paths, result = build(repo)
    assert result.published
    assert pypdf.PdfReader(paths.site_dir / "2025/letters/QZ2025-001-conclusion.pdf").pages
    assert 'href="../letters/QZ2025-001-conclusion.pdf"' in page(paths.site_dir, "2025/QZ2025-001/index.html")
    assert 'href="letters/2025-notice.pdf"' in page(paths.site_dir, "2025/index.html")
    assert "conclusion.pdf" not in page(paths.site_dir, "2025/QZ2025-002/index.html")

    (letters / "QZ2025-001-conclusion.pdf").write_bytes(pdf("受援人受援人（示例）已到场"))
    _, leaked = build(repo)
    assert not leaked.published
    assert [(x.output, x.record, x.pointer) for x in leaked.leaks] == [
        ("site/2025/letters/QZ2025-001-conclusion.pdf", "cases/2025/QZ2025-001.yaml", "/client/name")
    ]


# --- scale: unchanged pages are not rewritten ----------------------------------------------------------


def test_a_second_build_of_the_same_data_rewrites_nothing(demo: tuple[SitePaths, SiteResult]) -> None:
    paths, first = demo
    assert first.site is not None and first.site.written > 0
    before = {p: p.stat().st_mtime_ns for p in paths.site_dir.rglob("*") if p.is_file()}
    again = build_site(paths, as_of=AS_OF)
    assert not again.rebuilt  # nothing it depends on changed: MkDocs and the scans are skipped
    assert again.docs.written == 0 and again.site is not None and again.site.written == again.site.removed == 0
    assert {p: p.stat().st_mtime_ns for p in paths.site_dir.rglob("*") if p.is_file()} == before


def test_a_new_private_value_or_a_touched_site_builds_and_scans_again(tmp_path: Path) -> None:
    """The scans must see every private value: one that changed can match text that did not."""
    repo = minirepo.write(tmp_path, minirepo.signed(minirepo.files()))
    paths, first = build(repo)
    assert first.rebuilt and not build(repo)[1].rebuilt
    case = repo / "cases/2025/QZ2025-001.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("受援人（示例）", "另一受援人（示例）"), encoding="utf-8")
    assert build(repo)[1].rebuilt
    (paths.site_dir / "index.html").write_text("tampered", encoding="utf-8")
    again = build(repo)[1]
    assert again.rebuilt and again.site is not None and again.site.written == 1
    assert "tampered" not in page(paths.site_dir, "index.html")


def test_sync_writes_only_what_changed_and_removes_what_went(tmp_path: Path) -> None:
    assert sync_tree(tmp_path, {"a.md": b"1", "b/c.md": b"2"}).written == 2
    count = sync_tree(tmp_path, {"a.md": b"1", "d.md": b"3"})
    assert (count.written, count.unchanged, count.removed) == (1, 1, 1)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["a.md", "d.md"]


def test_a_first_build_moves_the_checked_tree_into_place_and_later_ones_sync(tmp_path: Path) -> None:
    staging, site = tmp_path / "staging", tmp_path / "out" / "site"
    sync_tree(staging, {"a.html": b"1", "b/c.html": b"2"})
    assert move_tree(staging, site).written == 2
    assert not staging.exists() and (site / "b" / "c.html").read_bytes() == b"2"
    sync_tree(staging, {"a.html": b"1", "d.html": b"3"})
    count = move_tree(staging, site)
    assert (count.written, count.unchanged, count.removed) == (1, 1, 1)
    assert not staging.exists()
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == ["a.html", "d.html"]


# --- a real browser ----------------------------------------------------------------------------------


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    """site/ over HTTP on 127.0.0.1, as a browser sees it once deployed."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by tools/install-system-deps.sh


def test_the_notice_in_headless_chromium_shows_title_table_chart_and_finds_a_chinese_word(
    served: str, site: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        view = browser.new_page(viewport={"width": 1280, "height": 1600})
        view.on("request", lambda r: None if r.url.startswith(served) else outside.append(r.url))
        view.goto(served + "2025/")
        assert view.title().startswith("2025 评估结果通报")
        table = view.locator("table.pe-table", has_text="评估等次分布（按案件类型")
        assert table.locator("caption").inner_text().startswith("评估等次分布")
        assert table.locator("tbody tr").count() == 5  # four case types and the total
        chart = view.locator("svg[role=img]").first
        assert chart.is_visible() and chart.locator("rect").count() > 4
        view.screenshot(path=str(tmp_path / "notice.png"), full_page=True)
        search = view.locator("input.md-search__input")
        search.click()
        view.keyboard.type("会见")
        view.keyboard.press("End")  # Chinese arrives as composed text; Material searches on the key event after it
        result = view.locator(".md-search-result__item").first
        result.wait_for(timeout=15_000)
        assert "会见" in result.inner_text()
        browser.close()
    assert (tmp_path / "notice.png").stat().st_size > 10_000
    assert outside == []


# --- several rounds ------------------------------------------------------------------------------------


def test_with_several_rounds_the_home_page_shows_the_trend_and_the_navigation_lists_newest_first(
    tmp_path: Path,
) -> None:
    from benchmarks.generate import AS_OF as GENERATED_ON
    from benchmarks.generate import generate

    repo = tmp_path / "repo"
    generate(45, repo, seed=3, cases_per_round=20)
    paths = SitePaths.for_repo(repo)
    result = build_site(paths, as_of=GENERATED_ON)
    assert result.published, result.leaks
    home = page(paths.site_dir, "index.html")
    [trend] = re.findall(r"<svg[^>]*role=\"img\"[^>]*>.*?</svg>", home, flags=re.S)
    assert "<caption>历轮评估等次分布与优良率</caption>" in home and trend.count("%</text>") >= 3 + 3
    navigation = re.findall(r'href="(2025-0\d)/"', home)
    assert navigation and navigation[0] == "2025-03"
