"""The PDF letters of the demo round: content, fonts, reproducibility, privacy, the manifest, the fetcher.

One module-wide render of one letter of each kind (and a conclusion letter for every
outcome) into a temporary folder; the other tests read it, or copy it and change one thing.
Needs fonts-noto-cjk, libharfbuzz-subset0 and poppler-utils (tools/install-system-deps.sh).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pypdf
import pytest

from peereval.calendar import build_work_calendar
from peereval.cli.letters import progress_bar
from peereval.load.repo import LoadResult, load_repository
from peereval.load.visibility import private_values
from peereval.problems import PeerevalError
from peereval.publish import letters_pdf
from peereval.publish.letter_models import Letter, LetterKind
from peereval.publish.letter_views import round_letters
from peereval.publish.letters import (
    Outcome,
    default_letters_dir,
    default_template_dir,
    render_letters,
    source_date_epoch,
    write_repository_letters,
)
from peereval.publish.letters_manifest import MANIFEST
from peereval.publish.letters_pdf import RefusedURLError, ToolchainError, check_toolchain
from peereval.publish.privacy import find_leaks
from tests.conftest import Ran

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 1, 31)
CANARY = "苏金雀（示例受援人）"
NAMES = (
    "2025-notice",
    "QZ2025-236-conclusion",  # excellent
    "QZ2025-150-conclusion",  # fail by score
    "QZ2025-030-conclusion",  # fail by Art. 15 (no_meeting)
    "QZ2025-035-conclusion",  # escalated, decided by the leading group
    "QZ2025-078-conclusion",  # fail, changed to pass on re-review
    "QZ2025-030-reply",  # objection declined
    "QZ2025-078-review",  # re-review conclusion
    "QZ2025-078-changed",  # Art. 24 notice
)


def copy_demo(target: Path) -> Path:
    for name in ("scheme.yaml", "calendar.yaml"):
        shutil.copy2(ROOT / name, target / name)
    for name in ("experts", "cases", "scoresheets"):
        shutil.copytree(ROOT / name, target / name)
    return target


def issued(loaded: LoadResult, names: tuple[str, ...] = NAMES) -> list[Letter]:
    repository = loaded.repository
    assert repository.scheme is not None
    found = round_letters(
        repository.rounds["2025"],  # type: ignore[index]
        scheme=repository.scheme,
        indicator_sets=repository.indicator_sets,
        calendar=build_work_calendar(repository.calendar),
        experts=repository.experts,
        as_of=AS_OF,
    )
    return [letter for letter in found if letter.name in names]


def render(
    loaded: LoadResult, out: Path, *, names: tuple[str, ...] = NAMES, jobs: int = 2, **options: object
) -> Outcome:
    secrets = private_values(loaded.documents, loaded.kinds)
    options.setdefault("template_dir", default_template_dir(ROOT))
    return render_letters(issued(loaded, names), out, secrets=secrets, jobs=jobs, **options)  # type: ignore[arg-type]


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """The text without the spaces and line breaks that layout puts in."""
    return "".join(text.split())


@dataclass(frozen=True)
class Rendered:
    repo: Path
    out: Path
    loaded: LoadResult
    outcome: Outcome
    texts: dict[str, str]  # name → flattened text

    def text(self, name: str) -> str:
        return self.texts[name]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    repo = copy_demo(tmp_path_factory.mktemp("repo"))
    loaded = load_repository(repo)
    out = tmp_path_factory.mktemp("letters") / "2025"  # <out>/<round>/, as the command writes
    outcome = render(loaded, out, epoch=None)
    texts = {name: flat(pdftotext(out / f"{name}.pdf")) for name in NAMES}
    return Rendered(repo=repo, out=out, loaded=loaded, outcome=outcome, texts=texts)


def test_one_letter_of_each_kind_is_rendered(rendered: Rendered) -> None:
    assert set(rendered.outcome.rendered) == set(NAMES)
    assert {letter.kind for letter in issued(rendered.loaded)} == set(LetterKind)
    assert all((rendered.out / f"{name}.pdf").read_bytes().startswith(b"%PDF-") for name in NAMES)


@pytest.mark.article("18")
def test_the_conclusion_letter_states_the_case_grade_scores_and_comments(rendered: Rendered) -> None:
    text = rendered.text("QZ2025-236-conclusion")
    for expected in (
        "泉州市司法局",
        "泉法援评〔2025〕",
        "关于（2025）泉法援刑字第013号案件质量评估结论的反馈函",
        "示例福建南安水头律师事务所，尤建华（示例）同志：",
        "案由：故意杀人罪",
        "结案日期：2025年6月16日",
        "本案评估等次为优秀",
        "平均分为93.83分",
        "合计10093.83",  # the table's total row: maximum 100, mean 93.83
        "专家一（评分",
        "专家三（评分",
        "2025年12月12日",
    ):
        assert expected in text, expected


@pytest.mark.article("20")
def test_the_letter_says_the_last_day_to_object_to_whom_and_how(rendered: Rendered) -> None:
    text = rendered.text("QZ2025-150-conclusion")
    assert "自评估结论公布之日（2025年12月12日）起7个工作日内，即最迟于2025年12月23日（星期二）（含当日）" in text
    assert "向泉州市法律援助案件质量评估工作办公室提出书面复查申请" in text
    assert "泉州市丰泽区示例路88号" in text
    assert "第二十二条" in text


@pytest.mark.article("15(1)")
def test_an_art15_fail_names_the_condition_and_the_evidence(rendered: Rendered) -> None:
    text = rendered.text("QZ2025-030-conclusion")
    assert "《方案》第十五条第（一）项规定的情形：应当会见（约见）受援人而没有会见（约见）的" in text
    assert "专家二：全案无会见、约见记录，仅有电话沟通记录，不属于受援人自身原因" in text
    assert "自评估结论公布之日起三年内，本案承办人不得被指派法律援助案件" in text


@pytest.mark.article("19")
def test_a_fail_by_score_states_the_mean_and_the_consequences(rendered: Rendered) -> None:
    text = rendered.text("QZ2025-150-conclusion")
    assert "本案评估等次为不合格" in text and "54.83" in text
    assert "第十五条规定的情形" not in text


@pytest.mark.article("17")
def test_an_escalated_case_cites_the_leading_groups_decision(rendered: Rendered) -> None:
    text = rendered.text("QZ2025-035-conclusion")
    assert "经评估领导小组决定（泉法援评〔2025〕9号），本案评估等次为良好" in text


@pytest.mark.article("21")
def test_the_reply_declining_a_review_is_signed_once_by_the_office(rendered: Rendered) -> None:
    text = rendered.text("QZ2025-030-reply")
    assert "戴清华（示例）律师：" in text
    assert "决定不予复查" in text
    assert text.count("2025年12月19日") == 1
    assert text.endswith("泉州市法律援助案件质量评估工作办公室2025年12月19日") or "工作办公室2025年12月19日" in text


@pytest.mark.article("23")
def test_the_review_conclusion_states_the_new_grade(rendered: Rendered) -> None:
    text = rendered.text("QZ2025-078-review")
    assert "本案评估等次由“不合格”变更为“合格”" in text
    assert "68.25" in text
    assert "第二十四条" in text


@pytest.mark.article("24")
def test_the_changed_result_notice_goes_to_the_institution_and_lifts_art19(rendered: Rendered) -> None:
    text = rendered.text("QZ2025-078-changed")
    assert "泉州市法律援助案件质量评估领导小组" in text
    assert "示例晋江市安海法律服务所，高文静（示例）同志：" in text
    assert "不再适用" in text
    assert "原评估结论" in rendered.text("QZ2025-078-changed")
    assert "本案评估等次为不合格" in rendered.text("QZ2025-078-conclusion")  # the first letter stands as sent


def test_the_notice_is_an_official_document_with_the_list_attached(rendered: Rendered) -> None:
    text = rendered.text("2025-notice")
    for expected in (
        "泉州市司法局文件",
        "泉法援评〔2025〕12号",
        "本次共评估法律援助案件32件",
        "优良率为",
        "附件：2025年度法律援助案件质量评估（示例）结果一览表",
        "（此件主动公开）",
        "2025年12月23日前",
        "印发",
    ):
        assert expected in text, expected


def test_pages_are_a4_and_numbered_with_dashes(rendered: Rendered) -> None:
    reader = pypdf.PdfReader(rendered.out / "QZ2025-236-conclusion.pdf")
    width, height = (round(float(v) * 25.4 / 72) for v in reader.pages[0].mediabox.upper_right)
    assert (width, height) == (210, 297)
    pages = pdftotext(rendered.out / "QZ2025-236-conclusion.pdf").split("\f")
    assert "— 1 —" not in pages[0]  # 信函格式: no number on the first page
    assert "— 2 —" in pages[1]


def test_fonts_are_embedded_cjk_subsets(rendered: Rendered) -> None:
    for name in NAMES:
        listing = subprocess.run(
            ["pdffonts", str(rendered.out / f"{name}.pdf")], capture_output=True, text=True, check=True
        )
        rows = [line.split() for line in listing.stdout.splitlines()[2:]]
        assert rows, name
        assert all("+" in row[0] and row[-5:-3] == ["yes", "yes"] for row in rows), listing.stdout
        assert any("CJK" in row[0] for row in rows)


def test_a_two_page_letter_is_small(rendered: Rendered) -> None:
    assert len(pypdf.PdfReader(rendered.out / "QZ2025-030-reply.pdf").pages) == 2
    assert (rendered.out / "QZ2025-030-reply.pdf").stat().st_size < 400_000


def test_the_pdf_dates_are_the_letters_own(rendered: Rendered) -> None:
    info = pypdf.PdfReader(rendered.out / "QZ2025-030-reply.pdf").metadata
    assert info is not None
    assert str(info["/CreationDate"]).startswith("D:20251219000000+08")
    assert info["/ModDate"] == info["/CreationDate"]
    assert str(info["/peerevalcase"]) == "QZ2025-030"


def test_no_private_value_is_in_any_letter(rendered: Rendered) -> None:
    secrets = private_values(rendered.loaded.documents, rendered.loaded.kinds)
    assert CANARY in {value.value for value in secrets}
    assert find_leaks(rendered.texts, secrets) == []
    assert not any(CANARY in text for text in rendered.texts.values())


def test_a_rebuild_gives_the_same_bytes(rendered: Rendered, tmp_path: Path) -> None:
    again = ("QZ2025-030-reply", "QZ2025-078-changed")
    render(rendered.loaded, tmp_path, names=again, jobs=1, epoch=None)  # in-process, not the pool's workers
    for name in again:
        assert (tmp_path / f"{name}.pdf").read_bytes() == (rendered.out / f"{name}.pdf").read_bytes(), name


def test_source_date_epoch_sets_the_pdf_dates(rendered: Rendered, tmp_path: Path) -> None:
    render(rendered.loaded, tmp_path, names=("QZ2025-030-reply",), jobs=1, epoch=1_765_000_000)
    info = pypdf.PdfReader(tmp_path / "QZ2025-030-reply.pdf").metadata
    assert info is not None and str(info["/CreationDate"]).startswith("D:20251206")


def test_source_date_epoch_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765000000")
    assert source_date_epoch() == 1_765_000_000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date_epoch() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(PeerevalError, match="SOURCE_DATE_EPOCH"):
        source_date_epoch()


def test_a_second_run_with_nothing_changed_renders_nothing(rendered: Rendered) -> None:
    before = {name: (rendered.out / f"{name}.pdf").stat().st_mtime_ns for name in NAMES}
    outcome = render(rendered.loaded, rendered.out, epoch=None)
    assert (outcome.rendered, set(outcome.skipped), outcome.removed) == ((), set(NAMES), ())
    assert {name: (rendered.out / f"{name}.pdf").stat().st_mtime_ns for name in NAMES} == before


def test_a_change_to_one_case_renders_one_letter(rendered: Rendered, tmp_path: Path) -> None:
    repo = shutil.copytree(rendered.repo, tmp_path / "repo")
    out = shutil.copytree(rendered.out, tmp_path / "letters")
    sheet = sorted((repo / "scoresheets" / "2025" / "QZ2025-150").glob("E*.yaml"))[0]
    sheet.write_text(
        sheet.read_text(encoding="utf-8").replace("comments: ", "comments: 补充意见。", 1), encoding="utf-8"
    )
    outcome = render(load_repository(repo), out, epoch=None)
    assert outcome.rendered == ("QZ2025-150-conclusion",)
    assert "补充意见" in flat(pdftotext(out / "QZ2025-150-conclusion.pdf"))


def test_a_deleted_or_edited_pdf_is_rendered_again_and_a_letter_no_longer_issued_is_removed(
    rendered: Rendered, tmp_path: Path
) -> None:
    out = shutil.copytree(rendered.out, tmp_path / "letters")
    (out / "QZ2025-030-reply.pdf").write_bytes(b"%PDF-1.7 edited")
    kept = tuple(name for name in NAMES if name != "QZ2025-078-changed")
    outcome = render(rendered.loaded, out, names=kept, jobs=1, epoch=None)
    assert (outcome.rendered, outcome.removed) == (("QZ2025-030-reply",), ("QZ2025-078-changed",))
    assert not (out / "QZ2025-078-changed.pdf").exists()
    assert "QZ2025-078-changed" not in (out / MANIFEST).read_text(encoding="utf-8")


@pytest.mark.parametrize("url", ["https://example.org/seal.png", "http://127.0.0.1/x.css", "file:///etc/hostname"])
def test_a_non_local_url_in_a_template_is_refused(rendered: Rendered, tmp_path: Path, url: str) -> None:
    templates = shutil.copytree(default_template_dir(ROOT), tmp_path / "templates")
    reply = templates / "reply.html"
    reply.write_text(
        reply.read_text(encoding="utf-8").replace("{% block body %}", f'{{% block body %}}<img src="{url}">'),
        encoding="utf-8",
    )
    with pytest.raises(RefusedURLError, match="已拒绝"):
        render(rendered.loaded, tmp_path / "out", names=("QZ2025-030-reply",), jobs=1, template_dir=templates)
    assert not (tmp_path / "out" / "QZ2025-030-reply.pdf").exists()


@pytest.mark.parametrize(
    ("fonts", "subset", "fix"),
    [([], True, "fonts-noto-cjk"), ([("/f.ttc", ("Noto Serif CJK SC",))], False, "libharfbuzz-subset0")],
    ids=["no-cjk-font", "no-harfbuzz-subset"],
)
def test_a_missing_font_or_subsetter_fails_fast_with_the_fix(
    monkeypatch: pytest.MonkeyPatch,
    run: Callable[..., Ran],
    tmp_path: Path,
    fonts: list[object],
    subset: bool,
    fix: str,
) -> None:
    monkeypatch.setattr(letters_pdf, "zh_fonts", lambda: fonts)
    monkeypatch.setattr(letters_pdf, "has_harfbuzz_subset", lambda: subset)
    with pytest.raises(ToolchainError, match=fix):
        check_toolchain()
    ran = run("letters", "2025", "--repo", str(ROOT), "--out", str(tmp_path))
    assert ran.code == 2 and fix in ran.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_command_renders_the_round_and_skips_what_is_current(
    rendered: Rendered, run: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    base = rendered.out.parent
    args = ("letters", "2025", "--repo", str(rendered.repo), "--out", str(base), "--jobs", "2", "--as-of", "2026-01-31")
    first = run(*args)
    assert first.code == 0, first.stderr
    assert f"36 封函件，生成 {36 - len(NAMES)} 封，未变 {len(NAMES)} 封" in first.stdout
    assert run(*args).stdout.count("生成 0 封") == 1
    results = write_repository_letters(rendered.repo, base, as_of=AS_OF, jobs=1)  # what build calls
    assert [len(result.outcome.rendered) for result in results] == [0]  # everything current
    paths = [path for result in results for path in result.paths]
    assert len(paths) == 36 and all(path.is_file() for path in paths)
    assert {path.relative_to(base).as_posix() for path in paths} >= {f"2025/{name}.pdf" for name in NAMES}
    assert sorted(rendered.out.glob("*.pdf")) == sorted(paths)


@pytest.mark.parametrize(("on_site", "folder"), [(True, "build/letters"), (False, "dist/letters")])
def test_letters_go_to_the_site_unless_the_policy_withholds_them(
    rendered: Rendered, on_site: bool, folder: str
) -> None:
    scheme = rendered.loaded.repository.scheme
    assert scheme is not None
    policy = dataclasses.replace(scheme.publication, letters_on_site=on_site)
    repo = Path("/repo")
    assert default_letters_dir(repo, dataclasses.replace(scheme, publication=policy)) == repo / folder


def test_the_command_rejects_an_unknown_round(run: Callable[..., Ran], tmp_path: Path) -> None:
    ran = run("letters", "2031", "--repo", str(ROOT), "--out", str(tmp_path))
    assert ran.code == 2 and "没有轮次 2031" in ran.stderr


def test_the_progress_bar_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    master, replica = os.openpty()
    with open(replica, "w", encoding="utf-8") as terminal, open(tmp_path / "log", "w", encoding="utf-8") as log:
        for stream in (terminal, log):
            monkeypatch.setattr(sys, "stderr", stream)
            with progress_bar(2) as advance:
                advance("a")
                advance("b")
    assert "生成函件" in os.read(master, 4096).decode("utf-8", "replace")
    assert (tmp_path / "log").read_text(encoding="utf-8") == ""
    os.close(master)
