"""The synthetic repository generator: valid, deterministic, and careful with OUT."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.generate import AS_OF, generate, main

from peereval.cli.check import run_check
from peereval.load.repo import load_repository
from peereval.load.visibility import private_values, visible_values


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_generated_repository_passes_check(tmp_path: Path) -> None:
    files = generate(40, tmp_path / "repo", seed=7)
    assert files == len(tree(tmp_path / "repo"))
    assert run_check(tmp_path / "repo", as_of=AS_OF) == []


def test_several_rounds_pass_check(tmp_path: Path) -> None:
    generate(45, tmp_path / "repo", seed=3, cases_per_round=20)
    assert sorted(p.name for p in (tmp_path / "repo" / "cases").iterdir()) == ["2025-01", "2025-02", "2025-03"]
    assert run_check(tmp_path / "repo", as_of=AS_OF) == []


def test_generated_repository_has_every_record_kind(tmp_path: Path) -> None:
    generate(40, tmp_path / "repo", seed=7)
    paths = tree(tmp_path / "repo")
    cases = [p for p in paths if p.startswith("cases/2025/QZ")]
    assert len(cases) == 40
    assert {"scheme.yaml", "calendar.yaml", "cases/2025/round.yaml", "cases/2025/panels.yaml"} <= set(paths)
    assert "cases/2025/closed-cases.csv" in paths
    assert len([p for p in paths if p.endswith("/summary.yaml")]) == 40
    assert len([p for p in paths if "/signatures/" in p]) == 120  # three members per panel
    assert len([p for p in paths if p.startswith("scoresheets/indicators/")]) == 4
    yaml_files = [p for p in paths if p.endswith(".yaml")]
    assert all(paths[p].startswith(b"# yaml-language-server: $schema=") for p in yaml_files)


def test_same_seed_gives_byte_identical_trees(tmp_path: Path) -> None:
    generate(40, tmp_path / "a", seed=11)
    generate(40, tmp_path / "b", seed=11)
    generate(40, tmp_path / "c", seed=12)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert tree(tmp_path / "a") != tree(tmp_path / "c")


def test_refuses_a_non_empty_out(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("do not touch\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(40, tmp_path, seed=1)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_command_line_refuses_a_non_empty_out_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    assert main(["40", str(tmp_path)]) == 2
    assert "not an empty folder" in capsys.readouterr().err


def test_an_empty_out_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    assert generate(8, tmp_path / "out", seed=1) > 0


def test_no_private_value_occurs_inside_a_public_one(tmp_path: Path) -> None:
    """Else the site benchmark's privacy scan would (rightly) stop the build on synthetic data."""
    generate(1000, tmp_path)
    loaded = load_repository(tmp_path)
    secrets = {value.value for value in private_values(loaded.documents, loaded.kinds) if len(value.value) >= 2}
    public = [
        str(value.value)
        for path, document in loaded.documents.items()
        for value in visible_values(document, loaded.kinds[path])
        if value.visibility == "public"
    ]
    text = "\n".join(public)
    assert len(secrets) > 1000
    assert [secret for secret in secrets if secret in text] == []
