"""The edge to Git: history, signed-commit verification, signing. The only module that runs git.

Speed (issue 6): the history is read with one ``git log`` (first-parent changes of
the registry and ``scoresheets/`` only); only the commits that matter are
verified, grouped by the registry of their parent (one allowed_signers file and
one ``git log --no-walk`` per group, run in parallel), and their results are
cached in ``.peereval-cache/`` (git-ignored; a tracked cache is never
trusted: a pull request could commit one), keyed by commit and allowed_signers,
so a commit is verified once. Git runs with ``TZ=CST-8`` so
that the validity dates of keys are China dates for ssh-keygen as for us.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from peereval.load import records
from peereval.load.schema import Validation
from peereval.load.yaml_strict import load_text
from peereval.model import Expert, Scheme
from peereval.problems import PeerevalError, Problem
from peereval.publish.files import write_text_atomic
from peereval.rules.history import Commit, Files, History, Verification
from peereval.rules.ownership import Registry, allowed_signers, build_registry

TRACKED = ("scheme.yaml", "experts", "scoresheets")
CACHE_VERSION = 1
WORKERS = max(2, os.cpu_count() or 2)
_LOG_FORMAT = "%H%x00%P%x00%T%x00%ct"
_ENV = {"TZ": "CST-8", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}


def git(root: Path, *args: str, stdin: str | None = None, config: Mapping[str, str] | None = None) -> str:
    """Run ``git -C root ARGS`` and return its output.

    :raises PeerevalError: git is missing or fails.
    """
    return _run(root, args, stdin=stdin, config=config).stdout


def _run(
    root: Path, args: Sequence[str], *, stdin: str | None = None, config: Mapping[str, str] | None = None, ok: int = 0
) -> subprocess.CompletedProcess[str]:
    options = [item for key, value in (config or {}).items() for item in ("-c", f"{key}={value}")]
    command = ["git", "-C", str(root), *options, *args]
    try:
        done = subprocess.run(
            command, input=stdin, capture_output=True, text=True, encoding="utf-8", env={**os.environ, **_ENV}
        )
    except OSError as error:
        raise PeerevalError(f"无法运行 git：{error.strerror}") from error
    if done.returncode not in (0, ok):
        raise PeerevalError(f"git {' '.join(args[:2])} 失败：{done.stderr.strip()}")
    return done


def top_level(root: Path) -> Path:
    """The top of the work tree that *root* belongs to."""
    return Path(git(root, "rev-parse", "--show-toplevel").strip())


def resolve(root: Path, revision: str) -> str:
    """The commit id that *revision* names.

    :raises PeerevalError: it names no commit.
    """
    done = _run(root, ("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"), ok=1)
    if done.returncode != 0:
        raise PeerevalError(f"--trust-root {revision!r} 不是本仓库中的提交")
    return done.stdout.strip()


def read_history(root: Path) -> History:
    """Every commit reachable from HEAD, with its first-parent changes to the tracked paths.

    Free text never shares a channel with structure: ``git log`` prints only what
    git itself writes (ids, parents, tree, time, paths; all NUL-separated, and no
    path holds a NUL), and the committer and subject come from the commit objects
    through ``git cat-file --batch``, whose sizes frame each one. A committer name
    holding the separators of a log format could otherwise forge a record.

    :raises PeerevalError: the clone is shallow (signatures need the whole history).
    """
    if git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
        raise PeerevalError("这是浅克隆（shallow clone），缺少完整历史，无法核验签名；请用 fetch-depth: 0 完整克隆")
    if _run(root, ("rev-parse", "--verify", "--quiet", "HEAD"), ok=1).returncode != 0:
        return History(commits={}, order=(), head=None)
    log = git(
        root,
        *("log", "-z", "--topo-order", "--full-history", "--sparse", "--diff-merges=first-parent", "--raw"),
        *("--no-renames", "--no-abbrev", "--root", "--no-show-signature", f"--format={_LOG_FORMAT}", "HEAD", "--"),
        *TRACKED,
    )
    structure = _parse_log(log)
    objects = read_objects(root, structure, "commit")
    commits = [_commit(commit_id, fields, objects.get(commit_id)) for commit_id, fields in structure.items()]
    return History(
        commits={c.id: c for c in commits}, order=tuple(c.id for c in commits), head=commits[0].id if commits else None
    )


_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_RAW = re.compile(r"\n?:[0-7]{6} [0-7]{6} [0-9a-f]{40}(?:[0-9a-f]{24})? ([0-9a-f]{40}(?:[0-9a-f]{24})?) ([A-Z])\Z")
_COMMITTER = re.compile(rb"^committer (.*) <(.*)> [0-9]+ [-+][0-9]{4}$", re.MULTILINE)
Structure = tuple[tuple[str, ...], str, int, dict[str, str | None]]  # parents, tree, time, changes


def _parse_log(log: str) -> dict[str, Structure]:
    """commit → (parents, tree, time, changes), in the log's order; anything unexpected fails closed."""
    tokens = log.split("\0")
    if tokens and tokens[-1] == "":
        tokens.pop()
    parsed: dict[str, Structure] = {}
    at = 0
    while at < len(tokens):
        commit_id, parents, tree, time = (tokens[at : at + 4] + ["", "", "", ""])[:4]
        at += 4
        parent_ids = tuple(parents.split())
        ids = (commit_id, tree, *parent_ids)
        if not all(_OBJECT_ID.match(i) for i in ids) or not time.isdigit() or commit_id in parsed:
            raise PeerevalError("无法解析 git log 的输出，拒绝核验签名")
        changes: dict[str, str | None] = {}
        while at + 1 < len(tokens) and (raw := _RAW.match(tokens[at])):
            blob, status = raw.groups()
            changes[tokens[at + 1]] = None if status == "D" or set(blob) == {"0"} else blob
            at += 2
        parsed[commit_id] = (parent_ids, tree, int(time), changes)
    return parsed


def _commit(commit_id: str, fields: Structure, body: bytes | None) -> Commit:
    parents, tree, time, changes = fields
    header, _, message = (body or b"").partition(b"\n\n")
    committer = _COMMITTER.search(header)
    name, email = (committer.group(1), committer.group(2)) if committer else (b"", b"")
    return Commit(
        id=commit_id,
        parents=parents,
        tree=tree,
        time=time,
        committer=name.decode("utf-8", "replace"),
        committer_email=email.decode("utf-8", "replace"),
        subject=message.split(b"\n", 1)[0].decode("utf-8", "replace"),
        changes=changes,
    )


def worktree_blob(path: Path, *, sha256: bool) -> str | None:
    """The git blob id of the file at *path* as it is on disk (None: absent)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = b"blob %d\0" % len(data)
    return (hashlib.sha256 if sha256 else hashlib.sha1)(header + data).hexdigest()


def read_objects(root: Path, ids: Iterable[str], kind: str = "blob") -> dict[str, bytes]:
    """The contents of the objects *ids* that are of type *kind*, through one ``git cat-file --batch``."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    done = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input="\n".join(wanted).encode() + b"\n",
        capture_output=True,
        env={**os.environ, **_ENV},
    )
    out, found, at = done.stdout, {}, 0
    for object_id in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:  # "<id> missing"
            at = end + 1
            continue
        size = int(header[2])
        if header[1] == kind.encode():
            found[object_id] = out[end + 1 : end + 1 + size]
        at = end + 2 + size
    return found


def load_registries(root: Path, states: Iterable[Files]) -> dict[Files, Registry]:
    """The registry of each distinct state of the registry files, each blob parsed once."""
    states = set(states)
    contents = read_objects(root, (blob for state in states for _, blob in state))
    validation = Validation()
    parsed = {(path, blob): _parse(path, contents[blob], validation) for state in states for path, blob in state}
    registries = {}
    for state in states:
        schemes = [parsed[item] for item in state if item[0] == "scheme.yaml"]
        scheme = schemes[0] if schemes and isinstance(schemes[0], Scheme) else None
        experts = [parsed[item] for item in state if item[0] != "scheme.yaml"]
        broken = [path.removeprefix("experts/").removesuffix(".yaml") for path, _ in state if parsed[(path, _)] is None]
        registries[state] = build_registry(scheme, [e for e in experts if isinstance(e, Expert)], unreadable=broken)
    return registries


def _parse(path: str, raw: bytes, validation: Validation) -> Scheme | Expert | None:
    document = load_text(path, raw)
    kind = "scheme" if path == "scheme.yaml" else "expert"
    if isinstance(document, Problem) or validation.validate(document, kind):
        return None
    if kind == "scheme":
        return records.build_scheme(document.source, document.data)
    stem = path.removeprefix("experts/").removesuffix(".yaml")
    return records.build_expert(document.source, document.data) if document.data.get("id") == stem else None


class Cache:
    """Verified commits and checked merges, in ``.peereval-cache/signatures.json`` at the work tree's top.

    The results depend only on the commit (its signature is part of it) and the
    allowed_signers text, so they never go out of date. A cache that git tracks,
    or that is not git-ignored, came with the data and is ignored (fail closed).
    """

    FILE = ".peereval-cache/signatures.json"

    def __init__(self, root: Path) -> None:
        self.path = top_level(root) / self.FILE
        self.data: dict[str, dict[str, list[str] | str]] = {"verified": {}, "merges": {}}
        self.changed = False
        self.private = self.is_private(self.path.parent.parent)
        if not self.private:
            return
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if loaded.get("version") == CACHE_VERSION:
                self.data = {"verified": loaded["verified"], "merges": loaded["merges"]}
        except (OSError, ValueError, KeyError, AttributeError):
            pass

    @classmethod
    def is_private(cls, root: Path) -> bool:
        """The cache is git-ignored and untracked: nobody can have committed it."""
        ignored = _run(root, ("check-ignore", "--quiet", "--no-index", "--", cls.FILE), ok=1).returncode == 0
        tracked = bool(git(root, "ls-files", "--", ".peereval-cache").strip())
        return ignored and not tracked

    def save(self) -> None:
        """Write the cache back, only where git ignores it (never an untracked file to commit by mistake)."""
        if self.changed and self.private:
            write_text_atomic(self.path, json.dumps({"version": CACHE_VERSION, **self.data}, sort_keys=True))


def verify(root: Path, groups: Mapping[Registry, Iterable[str]], cache: Cache) -> dict[str, Verification]:
    """The verification of each commit of each group, under the allowed_signers of that group's registry."""
    results: dict[str, Verification] = {}
    jobs: list[tuple[str, str, list[str]]] = []
    for registry, commits in groups.items():
        signers = allowed_signers(registry)
        digest = hashlib.sha256(signers.encode()).hexdigest()[:16]
        todo = []
        for commit in sorted(set(commits)):
            hit = cache.data["verified"].get(f"{commit}:{digest}")
            if isinstance(hit, list):
                results[commit] = Verification(status=hit[0], key=hit[1], signer=hit[2])
            else:
                todo.append(commit)
        size = max(1, -(-len(todo) // WORKERS))
        jobs += [(signers, digest, todo[i : i + size]) for i in range(0, len(todo), size)]
    with tempfile.TemporaryDirectory(prefix="peereval-signers-") as folder, ThreadPoolExecutor(WORKERS) as pool:
        for digest, found in pool.map(lambda job: _verify_batch(root, Path(folder), *job), jobs):
            for commit, verification in found.items():
                results[commit] = verification
                if verification.status in ("G", "U", "N", "B"):
                    cache.data["verified"][f"{commit}:{digest}"] = [
                        verification.status,
                        verification.key,
                        verification.signer,
                    ]
                    cache.changed = True
    return results


def _verify_batch(
    root: Path, folder: Path, signers: str, digest: str, commits: list[str]
) -> tuple[str, dict[str, Verification]]:
    path = folder / f"allowed_signers.{digest}"
    if not path.exists():
        path.write_text(signers, encoding="utf-8")
    config = {"gpg.ssh.allowedSignersFile": str(path), "gpg.ssh.program": "ssh-keygen"}
    out = git(
        root,
        "log",
        "--no-walk=unsorted",
        "--no-show-signature",  # a user's log.showSignature would mix ssh-keygen's text into the records
        "--stdin",
        "--format=%H%x1f%G?%x1f%GK%x1f%GS%x1e",
        stdin="\n".join(commits) + "\n",
        config=config,
    )
    found = {}
    for record in out.split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) == 4:
            found[fields[0]] = Verification(status=fields[1], key=fields[2], signer=fields[3])
    return digest, found


def check_merges(root: Path, history: History, merges: Iterable[str], cache: Cache) -> dict[str, str]:
    """Each merge of *merges* against the automatic merge of its parents: ``clean``, ``evil``, ``conflict``
    or ``octopus`` (more than two parents: not checked)."""
    results: dict[str, str] = {}
    todo = []
    for merge in merges:
        hit = cache.data["merges"].get(merge)
        if isinstance(hit, str):
            results[merge] = hit
        else:
            todo.append(merge)
    with ThreadPoolExecutor(WORKERS) as pool:
        for merge, verdict in zip(
            todo, pool.map(lambda m: _merge_verdict(root, history.commits[m]), todo), strict=True
        ):
            results[merge] = cache.data["merges"][merge] = verdict
            cache.changed = True
    return results


def _merge_verdict(root: Path, commit: Commit) -> str:
    if len(commit.parents) != 2:
        return "octopus"
    args = ("merge-tree", "--write-tree", "--no-messages", "--allow-unrelated-histories", *commit.parents)
    done = _run(root, args, ok=1)
    if done.returncode == 1:
        return "conflict"
    return "clean" if done.stdout.split("\n", 1)[0].strip() == commit.tree else "evil"


def configured_signing_key(root: Path) -> str | None:
    """``git config user.signingkey`` as the user set it (None: not set)."""
    done = _run(root, ("config", "--get", "user.signingkey"), ok=1)
    return done.stdout.strip() or None


def public_key_line(root: Path, setting: str) -> str:
    """The public key that ``user.signingkey`` names: a literal key, or the path of a key file.

    :raises PeerevalError: no public key can be found there.
    """
    literal = setting.removeprefix("key::")
    if literal.startswith(("ssh-", "sk-ssh-")):
        return literal
    path = Path(os.path.expanduser(setting))
    path = path if path.is_absolute() else root / path
    for candidate in (path, path.with_name(path.name + ".pub")):
        try:
            text = candidate.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text.startswith(("ssh-", "sk-ssh-")):
            return text
    raise PeerevalError(f"user.signingkey 指向的 {setting} 不是 SSH 公钥，也找不到 {setting}.pub")


def commit_signed(root: Path, paths: Sequence[str], message: str) -> str:
    """Commit exactly *paths* as they are on disk, signed with the user's SSH key; the new commit's id."""
    git(root, "add", "--", *paths)
    git(root, "commit", "--quiet", "-S", "-m", message, "--only", "--", *paths, config={"gpg.format": "ssh"})
    return git(root, "rev-parse", "HEAD").strip()


def is_committed(root: Path, path: str) -> bool:
    """*path* is tracked and has no change in the index or the work tree."""
    tracked = _run(root, ("ls-files", "--error-unmatch", "--", path), ok=1).returncode == 0
    return tracked and not git(root, "status", "--porcelain", "--", path).strip()
