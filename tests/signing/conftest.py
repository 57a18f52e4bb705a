"""Fixtures of the signature tests: real ssh-keygen keys, a real signed history, git isolated from the user's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.signed_repo import Repo, build_signed_repository, make_keys


@pytest.fixture(scope="session")
def git_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("git-home")
    (home / "gitconfig").write_text("", encoding="utf-8")
    return home


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, git_home: Path) -> None:
    """Neither the user's nor the system's git configuration may change what the tests see."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(git_home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path], git_home: Path) -> tuple[Path, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", str(git_home / "gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        repo, root = build_signed_repository(tmp_path_factory.mktemp("base") / "repo", keys)
    return repo.path, root


@pytest.fixture
def repo(base: tuple[Path, str], keys: dict[str, Path], tmp_path: Path) -> Iterator[Repo]:
    """A fresh copy of the signed base history (owners signed everything of case QZ2025-001)."""
    path = tmp_path / "repo"
    shutil.copytree(base[0], path, symlinks=True)
    yield Repo(path, keys)


@pytest.fixture
def trust_root(base: tuple[Path, str]) -> str:
    return base[1]
