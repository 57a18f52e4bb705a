"""``peereval check`` as staff and CI run it: exit codes, text and JSON output, PATH scoping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import Ran
from tests.minirepo import files, write

Run = Callable[..., Ran]


def broken_repository(tmp_path: Path) -> Path:
    contents = files()
    contents["cases/2025/QZ2025-001.yaml"] = contents["cases/2025/QZ2025-001.yaml"].replace(
        "closed_on: 2025-03-01", "closed_on: 2024-03-01"
    )
    contents["experts/E0003.yaml"] = contents["experts/E0003.yaml"].replace(
        "region: 鲤城区", "region: 鲤城区\nregion: 丰泽区"
    )
    return write(tmp_path, contents)


def test_a_clean_repository_exits_0_and_says_so(run: Run, tmp_path: Path) -> None:
    ran = run("check", "--repo", str(write(tmp_path, files())), "--as-of", "2025-12-20")
    assert (ran.code, ran.stdout) == (0, "")
    assert "未发现问题" in ran.stderr


def test_problems_are_listed_as_path_line_column_code_message(run: Run, tmp_path: Path) -> None:
    ran = run("check", "--repo", str(broken_repository(tmp_path)), "--as-of", "2025-12-20")
    assert ran.code == 1
    assert ran.stdout.splitlines() == [
        "cases/2025/QZ2025-001.yaml:5:12: E-DATE-CLOSED-OUTSIDE-PERIOD 结案日期 2024-03-01 不在本轮抽查期间 2025-01-01 至 2025-06-30 内",
        "experts/E0003.yaml:7:1: E-YAML-DUPLICATE-KEY 键 'region' 重复出现，第一次在第 6 行",
    ]


def test_json_output_has_stable_keys(run: Run, tmp_path: Path) -> None:
    ran = run("check", "--repo", str(broken_repository(tmp_path)), "--as-of", "2025-12-20", "--format", "json")
    assert ran.code == 1
    assert [sorted(item) for item in ran.json()] == [["code", "column", "line", "message", "path", "severity"]] * 2
    assert [item["code"] for item in ran.json()] == ["E-DATE-CLOSED-OUTSIDE-PERIOD", "E-YAML-DUPLICATE-KEY"]


def test_paths_limit_the_report_to_the_records_they_touch(run: Run, tmp_path: Path) -> None:
    root = broken_repository(tmp_path)
    ran = run(
        "check", "--repo", str(root), "--as-of", "2025-12-20", "--format", "json", str(root / "experts/E0003.yaml")
    )
    assert [item["path"] for item in ran.json()] == ["experts/E0003.yaml"]


def test_a_change_to_a_round_file_reports_the_whole_round(run: Run, tmp_path: Path) -> None:
    root = broken_repository(tmp_path)
    ran = run(
        "check", "--repo", str(root), "--as-of", "2025-12-20", "--format", "json", str(root / "cases/2025/panels.yaml")
    )
    assert [item["path"] for item in ran.json()] == ["cases/2025/QZ2025-001.yaml"]


def test_a_bad_date_option_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    ran = run("check", "--repo", str(tmp_path), "--as-of", "2025-13-01")
    assert ran.code == 2


def test_warnings_alone_do_not_fail(run: Run, tmp_path: Path) -> None:
    ran = run("check", "--repo", str(write(tmp_path, files())), "--as-of", "2027-03-01")
    assert ran.code == 0
    assert "W-ART27-EXPIRING" in ran.stdout


def test_init_makes_a_repository_that_passes_check_and_refuses_to_overwrite(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "new"
    assert run("init", str(target)).code == 0
    assert run("check", "--repo", str(target)).code == 0
    assert run("codeowners", "--repo", str(target), "--check").code == 0  # written with the rest
    (target / "scheme.yaml").write_text("changed", encoding="utf-8")
    assert run("init", str(target)).code == 1
    assert (target / "scheme.yaml").read_text(encoding="utf-8") == "changed"


def test_a_new_repository_builds_its_site_from_its_own_templates(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "new"
    assert run("init", str(target)).code == 0
    home = target / "site_templates" / "site" / "index.md.j2"
    home.write_text(home.read_text(encoding="utf-8").replace("## 评估如何进行", "## 本地的说明"), encoding="utf-8")
    ran = run("build", "--repo", str(target), "--as-of", "2026-12-04")
    assert ran.code == 0, ran.stderr
    text = (target / "site" / "index.html").read_text(encoding="utf-8")
    assert "本地的说明" in text and '<html lang="zh-CN"' in text


def test_schema_export_writes_every_schema_and_never_overwrites_silently(run: Run, tmp_path: Path) -> None:
    assert run("schema", "export", str(tmp_path)).code == 0
    assert len(list(tmp_path.glob("*.schema.json"))) == 13
    (tmp_path / "case.schema.json").write_text("{}", encoding="utf-8")
    assert run("schema", "export", str(tmp_path)).code == 1
    assert (tmp_path / "case.schema.json").read_text(encoding="utf-8") == "{}"
    assert run("schema", "export", "--force", str(tmp_path)).code == 0
