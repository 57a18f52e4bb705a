"""Time ``peereval signatures`` against ``git log --format=%G?`` over the same signed history (issue 6, item 6).

    python benchmarks/signatures_bench.py [COMMITS] [--keep DIR]

Builds a synthetic evaluation repository (benchmarks/generate.py, sized so that
it has about COMMITS owned files, default 2,000) and a history of one commit per
owned file, each signed with its owner's real ed25519 key (every 97th left
unsigned, so that the verdicts are not all alike). The content goes in with one
``git fast-import``; the signed chain is then rebuilt over the same trees with
``git commit-tree -S``, one per commit: the only per-commit cost, and ssh-keygen's.

Then, on the same commits:

- ``git log --format=%H %G?`` with the registry's allowed_signers file (git
  spawns ssh-keygen for every signed commit, every time);
- ``peereval signatures --trust-root ROOT --format json`` cold (no
  ``.peereval-cache/``) and warm (the cache of the cold run).

It asserts that both give the same verdict for every commit (G ⇔ valid, N ⇔
unsigned) and prints the times and ratios (target: warm ≥ 10× faster than git
log, cold not slower).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate
from peereval.load.repo import load_repository
from peereval.rules.ownership import LEADING_GROUP, allowed_signers, build_registry, ownership_map

PROJECT = Path(__file__).resolve().parent.parent
UNSIGNED_EVERY = 97
FILES_PER_CASE = 7  # three scoresheets, the summary, three signatures
ENV = {**os.environ, "TZ": "CST-8", "LC_ALL": "C"}


def git(repo: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], input=stdin, capture_output=True, text=True, env=env or ENV, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"git {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def make_keys(people: list[str], folder: Path) -> None:
    for person in people:
        command = ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{person}@bench", "-f", str(folder / person)]
        subprocess.run(command, check=True)


def build(commits: int, repo: Path, keys: Path) -> tuple[str, dict[str, str]]:
    """The repository with its signed history; returns the trust root and commit → owner (or "" unsigned)."""
    generate(max(1, commits // FILES_PER_CASE), repo)
    repository = load_repository(repo).repository
    scheme = repository.scheme
    assert scheme is not None
    people = [*repository.experts, *(p.id for p in (*scheme.leading_group, *scheme.office))]
    make_keys(people, keys)
    for expert in repo.glob("experts/*.yaml"):  # generate.py registers made-up keys: real ones replace them
        text = expert.read_text(encoding="utf-8")
        expert.write_text(text.partition("\nsigning_keys:")[0] + "\n", encoding="utf-8")
    sys.path.insert(0, str(PROJECT / "tools"))
    importlib.import_module("demo_history").register_keys(repo, repository, keys)
    owners = ownership_map(repository)
    (repo / ".gitignore").write_text("/.peereval-cache/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    owned = list(owners)
    trees = _fast_import(repo, owned)
    leader = scheme.leading_group[0].id
    return _sign_chain(repo, trees, owned, {p: leader if o == LEADING_GROUP else o for p, o in owners.items()}, keys)


def _fast_import(repo: Path, owned: list[str]) -> list[str]:
    """One unsigned commit with everything not owned, then one per owned file: their trees, in order."""
    stream = [b"feature done\n"]
    everything = sorted(
        p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts
    )
    batches = [[p for p in everything if p not in set(owned)], *([p] for p in owned)]
    for number, paths in enumerate(batches, start=1):
        stream.append(
            f"commit refs/heads/import\nmark :{number}\ncommitter b <b> {1_700_000_000 + number} +0800\n".encode()
        )
        stream.append(b"data 1\nx\n" + (f"from :{number - 1}\n".encode() if number > 1 else b""))
        for path in paths:
            data = (repo / path).read_bytes()
            stream.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    stream.append(b"done\n")
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    return git(repo, "log", "--reverse", "--format=%T", "import").split()


def _sign_chain(
    repo: Path, trees: list[str], owned: list[str], signer: dict[str, str], keys: Path
) -> tuple[str, dict[str, str]]:
    when = 1_760_000_000  # 2025-10-09, after the keys' valid_from
    parent: list[str] = []
    made: dict[str, str] = {}
    root = ""
    for index, tree in enumerate(trees):
        person = signer[owned[index - 1]] if index else ""
        sign = [f"-S{keys / person}"] if person and index % UNSIGNED_EVERY else []
        env = {
            **ENV,
            "GIT_AUTHOR_DATE": f"{when + 60 * index} +0800",
            "GIT_COMMITTER_DATE": f"{when + 60 * index} +0800",
        }
        config = ["-c", "gpg.format=ssh", "-c", "user.name=bench", "-c", "user.email=bench@bench"]
        commit = git(repo, *config, "commit-tree", *sign, *parent, "-m", f"commit {index}", tree, env=env).strip()
        made[commit] = person if sign else ""
        root = root or commit
        parent = ["-p", commit]
    git(repo, "update-ref", "refs/heads/main", parent[1])
    git(repo, "update-ref", "-d", "refs/heads/import")
    git(repo, "reset", "-q", "--hard", "main")
    return root, made


def baseline(repo: Path) -> tuple[float, dict[str, str]]:
    """``git log --format=%G?`` over every commit, with the registry's allowed_signers."""
    repository = load_repository(repo).repository
    registry = build_registry(repository.scheme, repository.experts.values())
    with tempfile.NamedTemporaryFile("w", suffix=".allowed_signers", delete=False) as handle:
        handle.write(allowed_signers(registry))
    start = time.perf_counter()
    out = git(repo, "-c", f"gpg.ssh.allowedSignersFile={handle.name}", "log", "--format=%H %G?", "main")
    elapsed = time.perf_counter() - start
    os.unlink(handle.name)
    return elapsed, dict(line.split() for line in out.splitlines())


def peereval(repo: Path, root: str) -> tuple[float, dict[str, object]]:
    command = [str(Path(sys.executable).with_name("peereval")), "signatures", "--repo", str(repo)]
    start = time.perf_counter()
    done = subprocess.run([*command, "--trust-root", root, "--format", "json"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    payload: dict[str, object] = json.loads(done.stdout)
    return elapsed, payload


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commits", type=int, nargs="?", default=2000)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="peereval-sigbench-") as scratch:
        repo = options.keep or Path(scratch) / "repo"
        keys = Path(scratch) / "keys"
        keys.mkdir()
        start = time.perf_counter()
        root, made = build(options.commits, repo, keys)
        print(
            f"built {len(made)} commits ({sum(1 for s in made.values() if s)} signed) in {time.perf_counter() - start:.1f} s"
        )
        git_time, git_verdicts = baseline(repo)
        shutil.rmtree(repo / ".peereval-cache", ignore_errors=True)
        cold, payload = peereval(repo, root)
        warm, again = peereval(repo, root)
        assert again == payload, "warm and cold runs disagree"
        compare(payload, git_verdicts, made)
    print(f"git log --format=%G?          {git_time:8.3f} s")
    print(f"peereval signatures (cold)    {cold:8.3f} s   ratio {git_time / cold:6.1f}x")
    print(f"peereval signatures (warm)    {warm:8.3f} s   ratio {git_time / warm:6.1f}x")
    return 0


def compare(payload: dict[str, object], git_verdicts: dict[str, str], made: dict[str, str]) -> None:
    """Every owned file's state agrees with git's verdict on its commit: G ⇔ valid, N ⇔ unsigned."""
    files = payload["files"]
    assert isinstance(files, list) and files
    expected = {"G": "valid", "N": "unsigned"}
    for row in files:
        verdict = git_verdicts[row["commit"]]
        assert expected.get(verdict) == row["state"], (row, verdict)
        assert (verdict == "G") == bool(made[row["commit"]]), (row, verdict)
    print(f"identical verdicts on {len(files)} files (git: {sorted(set(git_verdicts.values()))})")


if __name__ == "__main__":
    sys.exit(main())
