"""Build ``build/demo-repo/``: the project's demo data as a real evaluation repository with a signed history.

Issue 6, item 7. The history is scripted the way the scheme runs it: the office
sets up the registry (the trust root, tagged ``trust-root``), staff open pull
requests that are merged with merge commits (``--no-ff``), the leading group
approves the indicator sets, each expert commits their scoresheets, each
designated writer their summary and each member their signature, every one
signed with their fictional demo key from ``tools/demo-keys/``. Last, one writer
corrects a summary after the members signed it: their signatures go stale, on
purpose, so the demo shows what that looks like.

Who sits on which panel, who writes which summary, who owns which file: all of
it is read from the demo data at run time (the ownership map of
:mod:`peereval.rules.ownership`), never written down here.

Usage: ``python tools/demo_history.py [--out build/demo-repo]``; then
``peereval signatures --repo build/demo-repo --trust-root trust-root``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

from peereval.load.repo import load_repository
from peereval.model import Repository
from peereval.rules.ownership import LEADING_GROUP, build_registry, codeowners, expected_ownership, ownership_map

PROJECT = Path(__file__).resolve().parent.parent
KEYS = PROJECT / "tools" / "demo-keys"
MARKER = ".peereval-demo"  # only a folder carrying it is ever deleted and rebuilt
SETUP = ("scheme.yaml", "calendar.yaml", "experts", "scoresheets/indicators", "mkdocs.yml", "site_templates")
KEY_SINCE = "2025-01-01"
CHINA = timezone(timedelta(hours=8))
TITLES = {"scoresheet": "评分表", "summary": "汇总表", "signature": "汇总表签名"}
STALE_NOTE = "# 出具人在成员签名后订正了措辞（演示：此后该案已有的签名失效，须重新签名）\n"


class Demo:
    """The demo repository being scripted: a clock that only moves forward, and who commits."""

    def __init__(self, path: Path, keys: Path, repository: Repository) -> None:
        self.path = path
        self.keys = keys
        self.clock = datetime(2025, 10, 9, 9, 0, tzinfo=CHINA)
        self.pull = 0
        scheme = repository.scheme
        assert scheme is not None, "the demo data has no scheme.yaml"
        self.names: dict[str, str] = {e.id: e.name for e in repository.experts.values()}
        self.names |= {p.id: p.name for p in (*scheme.leading_group, *scheme.office)}
        self.staff = scheme.office[0].id
        self.leader = scheme.leading_group[0].id

    def git(self, *args: str, person: str | None = None, sign: bool = False) -> str:
        """Run git in the demo repository as *person* (default: the office), at the next tick of the clock."""
        self.clock += timedelta(minutes=50)
        who = person or self.staff
        when = self.clock.isoformat()
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "TZ": "CST-8"}
        identity = ["-c", f"user.name={self.names[who]}", "-c", f"user.email={who.lower()}@peereval-demo.invalid"]
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys / who}"] if sign else []
        command = ["git", *identity, *signing, *args]
        done = subprocess.run(command, cwd=self.path, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"git {' '.join(args[:2])} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def commit(self, paths: Iterable[str], message: str, *, person: str | None = None, sign: bool = False) -> None:
        self.git("add", "--", *paths)
        self.git("commit", "-q", "-S" if sign else "--no-gpg-sign", "-m", message, person=person, sign=sign)

    def pull_request(
        self, branch: str, paths: Iterable[str], message: str, *, person: str | None = None, sign: bool = False
    ) -> None:
        """A branch with one commit, merged into main by the office with a merge commit (never squash)."""
        self.pull += 1
        self.git("switch", "-q", "-c", branch)
        self.commit(paths, message, person=person, sign=sign)
        self.git("switch", "-q", "main")
        merge = f"Merge pull request #{self.pull} from {branch}\n\n{message}"
        self.git("merge", "-q", "--no-ff", "--no-gpg-sign", "-m", merge, branch)


def copy(source: Path, target: Path, paths: Iterable[str]) -> list[str]:
    """Copy *paths* (files, or every file under a folder) byte for byte; the repository-relative files copied."""
    copied = []
    for relative in paths:
        origin = source / relative
        files = sorted(p for p in origin.rglob("*") if p.is_file()) if origin.is_dir() else [origin]
        for file in files:
            if not file.exists():
                continue
            name = file.relative_to(source).as_posix()
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target / name)
            copied.append(name)
    return copied


def register_keys(target: Path, repository: Repository, keys: Path) -> None:
    """Give every person of the demo data their demo key, in their own record (the registry)."""
    scheme = repository.scheme
    assert scheme is not None
    text = (target / "scheme.yaml").read_text(encoding="utf-8")
    for person in (*scheme.leading_group, *scheme.office):
        pattern = re.compile(rf"^(?P<indent> *)- id: {re.escape(person.id)}\s*$", re.MULTILINE)
        found = pattern.search(text)
        assert found is not None and not person.signing_keys, person.id
        entry = f'{found["indent"]}  signing_keys: [{{key: "{public(keys, person.id)}", valid_from: {KEY_SINCE}}}]'
        text = text[: found.end()] + "\n" + entry + text[found.end() :]
    (target / "scheme.yaml").write_text(text, encoding="utf-8")
    for expert in repository.experts.values():
        path = target / "experts" / f"{expert.id}.yaml"
        entry = f"signing_keys:\n  - key: {public(keys, expert.id)}\n    valid_from: {KEY_SINCE}\n"
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry, encoding="utf-8")


def public(keys: Path, person: str) -> str:
    return (keys / f"{person}.pub").read_text(encoding="utf-8").strip()


def private_keys(people: Iterable[str], folder: Path) -> Path:
    """The demo private keys, copied with mode 0600 (ssh-keygen refuses readable ones; git keeps no modes)."""
    missing = [p for p in sorted(set(people)) if not (KEYS / p).exists()]
    if missing:
        raise SystemExit(f"no demo key in tools/demo-keys/ for {', '.join(missing)}: see tools/demo-keys/README.md")
    for person in set(people):
        for name in (person, f"{person}.pub"):
            shutil.copyfile(KEYS / name, folder / name)
        os.chmod(folder / person, 0o600)
    return folder


def phases(owners: Mapping[str, str]) -> list[tuple[str, dict[str, list[str]]]]:
    """The owned files in the order the scheme makes them: scoresheets, summaries, signatures;
    first instance, then re-review. Each phase maps owner → their files."""
    order: list[tuple[str, dict[str, list[str]]]] = []
    for review in (False, True):
        for kind in ("scoresheet", "summary", "signature"):
            files: dict[str, list[str]] = {}
            for path, owner in owners.items():
                if not path.startswith("scoresheets/indicators/") and ("/review/" in path) == review:
                    if _kind(path) == kind:
                        files.setdefault(owner, []).append(path)
            order.append((("review-" if review else "") + kind, files))
    return order


def _kind(path: str) -> str:
    if "/signatures/" in path:
        return "signature"
    return "summary" if path.endswith("/summary.yaml") else "scoresheet"


def build(source: Path, target: Path) -> None:
    loaded = load_repository(source)
    repository = loaded.repository
    owners = ownership_map(repository)
    if target.exists():
        if not (target / MARKER).exists():
            raise SystemExit(f"{target} exists and was not made by this script: not touching it")
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="peereval-demo-keys-") as folder:
        people = {*repository.experts, *(p.id for s in [repository.scheme] if s for p in (*s.leading_group, *s.office))}
        demo = Demo(target, private_keys(people, Path(folder)), repository)
        script(demo, source, target, repository, owners)
    print(f"demo repository: {target} (trust root: tag trust-root)", file=sys.stderr)


def script(demo: Demo, source: Path, target: Path, repository: Repository, owners: Mapping[str, str]) -> None:
    demo.git("init", "-q", "-b", "main")
    (target / MARKER).write_text("made by tools/demo_history.py; rebuilt by make demo\n", encoding="utf-8")
    (target / ".gitignore").write_text(f"/{MARKER}\n/.peereval-cache/\n/site/\n", encoding="utf-8")
    setup = copy(source, target, [p for p in SETUP if not p.startswith("scoresheets/")])
    register_keys(target, repository, demo.keys)
    demo.commit([".gitignore", *setup], "评估办：评估方案、专家库与签名公钥登记（受信任的根提交）")
    demo.git("tag", "trust-root")
    indicators = copy(source, target, ["scoresheets/indicators"])
    demo.pull_request("leading-group/indicators", indicators, "领导小组：审定评估指标", person=demo.leader, sign=True)
    objections = {p for p in copy(source, target, ["cases"]) if "/objections/" in p}
    for path in objections:
        (target / path).unlink()
    cases = sorted(p for p in demo.git("ls-files", "--others", "--exclude-standard", "cases").splitlines())
    demo.pull_request("office/round", cases, "评估办：年度评估立项、抽样结果与专家组抽取")
    write_codeowners(demo, target, "评估办：按专家组抽取结果生成 CODEOWNERS")
    for kind, files in phases(owners):
        if kind.startswith("review-") and objections:
            copy(source, target, sorted(objections))
            demo.pull_request("office/objections", sorted(objections), "评估办：异议登记与复查安排")
            write_codeowners(demo, target, "评估办：按复查小组更新 CODEOWNERS")
            objections = set()
        for owner, paths in sorted(files.items()):
            signer = demo.leader if owner == LEADING_GROUP else owner
            copy(source, target, paths)
            title = f"{'复查' if kind.startswith('review-') else ''}{TITLES[kind.removeprefix('review-')]}（{signer}）"
            demo.pull_request(f"{signer.lower()}/{kind}", paths, title, person=signer, sign=True)
    make_stale(demo, target, owners)
    write_codeowners(demo, target, "评估办：更新 CODEOWNERS")


def make_stale(demo: Demo, target: Path, owners: Mapping[str, str]) -> None:
    """One writer corrects a summary after the members signed it: their signatures no longer count."""
    signed = sorted({Path(p).parent.parent.as_posix() for p in owners if "/signatures/" in p and "/review/" not in p})
    summary = f"{signed[0]}/summary.yaml"
    writer = owners[summary]
    with (target / summary).open("a", encoding="utf-8") as stream:
        stream.write(STALE_NOTE)
    signer = demo.leader if writer == LEADING_GROUP else writer
    demo.pull_request(
        f"{signer.lower()}/correction", [summary], f"汇总表措辞订正（{signer}）", person=signer, sign=True
    )


def write_codeowners(demo: Demo, target: Path, title: str) -> None:
    """The office regenerates .github/CODEOWNERS (what ``peereval codeowners`` writes) when owners change:
    after the draw, after the re-review groups, after an escalation. Nothing to commit: no pull request."""
    loaded = load_repository(target)
    if loaded.problems:
        raise SystemExit(f"the demo repository does not load cleanly: {loaded.problems[0]}")
    repository = loaded.repository
    registry = build_registry(repository.scheme, repository.experts.values())
    path = target / ".github" / "CODEOWNERS"
    text = codeowners(expected_ownership(repository), registry)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    demo.pull_request(f"office/codeowners-{demo.pull + 1}", [".github/CODEOWNERS"], title)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT / "build" / "demo-repo")
    parser.add_argument("--source", type=Path, default=PROJECT, help="where the demo data is read")
    options = parser.parse_args()
    build(options.source, options.out)


if __name__ == "__main__":
    main()
