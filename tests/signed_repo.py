"""Real Git repositories with real SSH keys, for the signature tests.

Keys are made by ssh-keygen once per session; a repository is the minimal
evaluation repository of :mod:`tests.minirepo` with signing keys registered and
a history in which each owner commits their own files, signed. Git runs with
``GIT_CONFIG_GLOBAL``/``GIT_CONFIG_NOSYSTEM`` pointing away from the user's
configuration (the ``isolated_git`` fixture), so nothing of it leaks in.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from peereval.cli.codeowners import CODEOWNERS
from peereval.load.repo import load_repository
from peereval.rules.ownership import build_registry, codeowners, expected_ownership
from tests.minirepo import files

PEOPLE = ("E0001", "E0002", "E0003", "L01", "O01", "X99")  # X99: a key nobody registered
KEY_SINCE = "2025-01-01"
CASE = "scoresheets/2025/QZ2025-001"


def make_keys(folder: Path) -> dict[str, Path]:
    """An ed25519 key pair per person: person → private key path (the public one beside it, ``.pub``)."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = {}
    for person in PEOPLE:
        path = folder / person
        if not path.exists():
            command = ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{person}@test", "-f", str(path)]
            subprocess.run(command, check=True)
        keys[person] = path
    return keys


def public(key: Path) -> str:
    return " ".join(key.with_name(key.name + ".pub").read_text(encoding="utf-8").split()[:2])


def key_entry(key: Path, *, indent: str, extra: str = "") -> str:
    return f"{indent}- key: {public(key)}\n{indent}  valid_from: {KEY_SINCE}\n{extra}"


def registered_files(keys: Mapping[str, Path]) -> dict[str, str]:
    """The minimal repository with keys for E0001–E0003, L01 and O01, and no scoresheets of QZ2025-002."""
    contents = {p: t for p, t in files().items() if not p.startswith("scoresheets/2025/QZ2025-002/")}
    scheme = contents["scheme.yaml"]
    for person in ("L01", "O01"):
        entry = f'signing_keys: [{{key: "{public(keys[person])}", valid_from: {KEY_SINCE}}}]'
        scheme = scheme.replace(f"{{id: {person}, ", f"{{{entry}, id: {person}, ")
    contents["scheme.yaml"] = scheme
    contents[".gitignore"] = ".peereval-cache/\n"
    for number in (1, 2, 3):
        person = f"E000{number}"
        contents[f"experts/{person}.yaml"] += f"signing_keys:\n{key_entry(keys[person], indent='  ')}"
    return contents


class Repo:
    """A git repository in *path*, with commits made as a given person, signed or not, at a given time."""

    def __init__(self, path: Path, keys: Mapping[str, Path]) -> None:
        self.path = path
        self.keys = keys

    @classmethod
    def create(cls, path: Path, keys: Mapping[str, Path]) -> Repo:
        repo = cls(path, keys)
        path.mkdir(parents=True, exist_ok=True)
        repo.git("init", "-q", "-b", "main")
        repo.git("config", "user.name", "评估办（测试）")
        repo.git("config", "user.email", "office@test")
        repo.git("config", "gpg.format", "ssh")
        return repo

    def git(self, *args: str, when: str = "2025-10-20T10:00:00+08:00", check: bool = True) -> str:
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        done = subprocess.run(["git", *args], cwd=self.path, env=env, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise AssertionError(f"git {args}: {done.stderr}")
        return done.stdout.strip()

    def write(self, contents: Mapping[str, str]) -> None:
        for path, text in contents.items():
            target = self.path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def edit(self, path: str, old: str, new: str) -> None:
        target = self.path / path
        text = target.read_text(encoding="utf-8")
        assert old in text, (path, old)
        target.write_text(text.replace(old, new, 1), encoding="utf-8")

    def commit(
        self,
        message: str,
        *,
        signer: str | None = None,
        when: str = "2025-10-20T10:00:00+08:00",
        author: str | None = None,
        paths: tuple[str, ...] = (),
    ) -> str:
        """Commit *paths* (default: everything changed), signed with *signer*'s key when given."""
        self.git("add", "-A", "--", *paths)
        options = ["-c", f"user.signingkey={self.keys[signer]}.pub"] if signer else []
        sign = ["-S"] if signer else ["--no-gpg-sign"]
        by = ["--author", f"{author} <{author}@test>"] if author else []
        self.git(*options, "commit", "-q", *sign, *by, "-m", message, *(["--", *paths] if paths else []), when=when)
        return self.git("rev-parse", "HEAD")

    def digest(self, path: str) -> str:
        return hashlib.sha256((self.path / path).read_bytes()).hexdigest()

    def signature(self, expert: str, *, summary: str = f"{CASE}/summary.yaml") -> None:
        """Write *expert*'s signature on the summary as it stands, and commit it signed by them."""
        path = f"{Path(summary).parent.as_posix()}/signatures/{expert}.yaml"
        self.write({path: f"summary_sha256: {self.digest(summary)}\nsigned_on: 2025-10-26\n"})
        self.commit(f"签名 {expert}", signer=expert, when="2025-10-26T10:00:00+08:00", paths=(path,))


def expected_codeowners(path: Path) -> str:
    """What ``peereval codeowners`` writes for the repository in *path* as it stands."""
    repository = load_repository(path).repository
    return codeowners(expected_ownership(repository), build_registry(repository.scheme, repository.experts.values()))


def build_signed_repository(path: Path, keys: Mapping[str, Path]) -> tuple[Repo, str]:
    """The base history: staff set up the round (the trust root); the leading group approves the
    indicators; each expert commits their scoresheet; the writer the summary; each member signs it.
    Returns the repository and its trust root."""
    contents = registered_files(keys)
    owned = {p: t for p, t in contents.items() if p.startswith("scoresheets/")}
    repo = Repo.create(path, keys)
    repo.write({p: t for p, t in contents.items() if p not in owned})
    root = repo.commit("评估办：2025 年度评估立项、专家库、抽取结果", when="2025-09-10T10:00:00+08:00")
    indicators = "scoresheets/indicators/criminal-v1.yaml"
    repo.write({indicators: owned[indicators]})
    repo.commit("领导小组：评估指标", signer="L01", when="2025-09-11T10:00:00+08:00")
    repo.write({CODEOWNERS: expected_codeowners(repo.path)})
    repo.commit("评估办：生成 CODEOWNERS", when="2025-09-11T11:00:00+08:00")
    for expert, day in (("E0001", "20"), ("E0002", "21")):
        sheet = f"{CASE}/{expert}.yaml"
        repo.write({sheet: owned[sheet]})
        repo.commit(f"评分表 {expert}", signer=expert, when=f"2025-10-{day}T10:00:00+08:00")
    repo.write({f"{CASE}/summary.yaml": owned[f"{CASE}/summary.yaml"]})
    repo.commit("汇总表", signer="E0001", when="2025-10-25T10:00:00+08:00")
    repo.signature("E0001")
    repo.signature("E0002")
    return repo, root
