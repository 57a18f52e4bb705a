"""What a repository's history proves about its signed files (Art. 16, 17).

The edge (:mod:`peereval.gitsign`) reads the history with one ``git log`` and
verifies the few commits that matter; everything here is a pure function of
that data. A file counts as signed only when the latest commit that changed it
carries a good signature by a key that the registry, as it stood in the
commit's first parent, gave its owner on the commit's date (China time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from peereval.problems import Problem
from peereval.rules.ownership import LEADING_GROUP, Registry, State, key_state

CHINA = timezone(timedelta(hours=8), "CST")
DAY = 86_400
FUTURE_TOLERANCE = 3_600  # clocks disagree by minutes, not hours
Files = tuple[tuple[str, str], ...]  # (path, blob) of the registry files of one commit, sorted


@dataclass(frozen=True, slots=True, kw_only=True)
class Commit:
    """One commit: ``changes`` maps each tracked path it changed against its first parent to the new blob
    (None: deleted); a root commit's changes are everything it adds."""

    id: str
    parents: tuple[str, ...]
    tree: str
    time: int  # committer date, seconds since the epoch
    committer: str
    committer_email: str
    subject: str  # the first line of the message
    changes: Mapping[str, str | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class History:
    """Every commit reachable from ``head``; ``order`` lists children before parents (``--topo-order``)."""

    commits: Mapping[str, Commit]
    order: tuple[str, ...]
    head: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """What git says of a commit's signature: ``%G?`` (G, U, N, B, E…), ``%GK`` and ``%GS``."""

    status: str
    key: str
    signer: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FileSignature:
    """The signature state of one owned file."""

    path: str
    owner: str
    state: State
    commit: str | None
    signers: tuple[str, ...]  # who holds the key that signed (empty: nobody registered, or unsigned)
    committer: str | None
    time: int | None


def signature_states(files: Mapping[str, FileSignature]) -> dict[str, State]:
    """path → state: what the verdict's status machine needs of verified signatures."""
    return {path: row.state for path, row in files.items()}


def is_registry_path(path: str) -> bool:
    """``scheme.yaml`` and ``experts/<id>.yaml``: the files that say who may sign."""
    return path == "scheme.yaml" or (path.startswith("experts/") and path.count("/") == 1 and path.endswith(".yaml"))


def china_day(time: int) -> date:
    return datetime.fromtimestamp(time, tz=CHINA).date()


class Trees:
    """Blob lookups in any commit, from the first-parent changes alone, memoised."""

    def __init__(self, history: History) -> None:
        self._commits = history.commits
        self._memo: dict[tuple[str, str], str | None] = {}

    def blob(self, commit: str | None, path: str) -> str | None:
        """The blob of *path* in *commit* (None: absent)."""
        chain: list[str] = []
        found: str | None = None
        while commit is not None:
            if (commit, path) in self._memo:
                found = self._memo[(commit, path)]
                break
            record = self._commits[commit]
            if path in record.changes:
                found = record.changes[path]
                break
            chain.append(commit)
            commit = record.parents[0] if record.parents else None
        self._memo.update(((c, path), found) for c in chain)
        return found


def head_blobs(history: History, paths: Iterable[str]) -> dict[str, str | None]:
    """The blob of each of *paths* in the head commit (None: absent).

    One walk down the first parents from the head, each path taking the blob of
    the first commit that changed it: linear in the history, not in paths × history.
    """
    wanted = list(paths)
    found: dict[str, str | None] = {}
    missing, commit = set(wanted), history.head
    while commit is not None and missing:
        record = history.commits[commit]
        for path in missing & record.changes.keys():
            found[path] = record.changes[path]
        missing -= record.changes.keys()
        commit = record.parents[0] if record.parents else None
    return {path: found.get(path) for path in wanted}


def latest_changes(history: History, paths: Iterable[str]) -> dict[str, str]:
    """path → the latest commit that changed it, as ``git log -1 -- path`` finds it.

    From the head, a path follows a commit's first parent that has the same
    content (git's history simplification); the commit where no parent has it is
    its latest change, a merge included (a conflict resolution or an evil merge).
    """
    trees = Trees(history)
    pending: dict[str, set[str]] = {history.head: set(paths)} if history.head else {}
    found: dict[str, str] = {}
    for commit_id in history.order:
        waiting = pending.pop(commit_id, None)
        if not waiting:
            continue
        commit = history.commits[commit_id]
        changed = waiting & commit.changes.keys()
        _hand_over(pending, commit.parents[:1], waiting - changed)
        for path in changed:
            blob = commit.changes[path]
            parent = next((p for p in commit.parents[1:] if trees.blob(p, path) == blob), None)
            if parent is None:
                found[path] = commit_id
            else:
                _hand_over(pending, (parent,), {path})
    return found


def _hand_over(pending: dict[str, set[str]], parents: tuple[str, ...], paths: set[str]) -> None:
    if parents and paths:
        pending.setdefault(parents[0], set()).update(paths)


def registry_files(history: History) -> dict[str, Files]:
    """commit → its registry files, computed parents first from the first-parent changes."""
    states: dict[str, Files] = {}
    for commit_id in reversed(history.order):
        commit = history.commits[commit_id]
        base = states.get(commit.parents[0], ()) if commit.parents else ()
        delta = {path: blob for path, blob in commit.changes.items() if is_registry_path(path)}
        if delta:
            merged = dict(base) | delta
            base = tuple(sorted((path, blob) for path, blob in merged.items() if blob is not None))
        states[commit_id] = base
    return states


def ancestors(history: History, commit: str) -> set[str]:
    """*commit* and every commit it descends from."""
    seen: set[str] = set()
    stack = [commit]
    while stack:
        current = stack.pop()
        if current not in seen and current in history.commits:
            seen.add(current)
            stack.extend(history.commits[current].parents)
    return seen


def registry_changes(
    history: History, files: Mapping[str, Files], registry: Callable[[Files], Registry], in_range: set[str]
) -> list[str]:
    """The commits of *in_range* that change the registry: a person or a key, or anything in scheme.yaml.

    A merge that takes one parent's registry unchanged changes nothing itself.
    """

    def meaning(commit: str) -> tuple[str | None, Registry]:
        state = files[commit]
        return dict(state).get("scheme.yaml"), registry(state)

    changes = []
    for commit_id in history.order:
        commit = history.commits[commit_id]
        if commit_id in in_range and all(meaning(commit_id) != meaning(p) for p in commit.parents or ()):
            if commit.parents or files[commit_id]:
                changes.append(commit_id)
    return changes


def tainted(history: History, bad: Iterable[str]) -> set[str]:
    """The commits that descend from (or are) a bad registry change: nothing they sign counts."""
    marked = set(bad)
    for commit_id in reversed(history.order):
        if any(parent in marked for parent in history.commits[commit_id].parents):
            marked.add(commit_id)
    return marked


def commit_state(owner: str, verification: Verification | None, registry: Registry, time: int) -> State:
    """What a commit's signature is worth for *owner*, given the registry of its first parent."""
    if verification is None or verification.status == "N":
        return State.UNSIGNED
    if verification.status not in ("G", "U") or not verification.key:
        return State.BAD_SIGNATURE
    state = key_state(registry, owner, verification.key, china_day(time))
    if state is State.VALID and verification.status != "G":
        return State.BAD_SIGNATURE  # git and the registry disagree: never count it
    return state


def leader_signed(verification: Verification | None, registry: Registry, time: int) -> bool:
    """A registry change must be signed by a leading-group member valid in its parent (the trust root)."""
    return commit_state(LEADING_GROUP, verification, registry, time) is State.VALID


def short(commit: str) -> str:
    return commit[:10]


def history_path(commit: str) -> str:
    """Where a problem about a commit, not a file, points: ``git:<commit>``."""
    return f"git:{short(commit)}"


def date_problems(history: History, in_range: set[str], *, now: datetime) -> list[Problem]:
    """Committer dates earlier than a parent's by more than a day, or in the future."""
    limit = now.astimezone(UTC).timestamp() + FUTURE_TOLERANCE
    problems = []
    for commit_id in history.order:
        commit = history.commits[commit_id]
        if commit_id not in in_range:
            continue
        when = datetime.fromtimestamp(commit.time, tz=CHINA).strftime("%Y-%m-%d %H:%M")
        newest = max((history.commits[p].time for p in commit.parents), default=commit.time)
        if commit.time < newest - DAY:
            message = (
                f"提交 {short(commit_id)}（{commit.committer}）的提交时间 {when} 比其父提交早一天以上：可能倒填了日期"
            )
            problems.append(Problem(history_path(commit_id), 0, 0, "E-SIGN-BACKDATED", message))
        if commit.time > limit:
            message = f"提交 {short(commit_id)}（{commit.committer}）的提交时间 {when} 晚于当前时间"
            problems.append(Problem(history_path(commit_id), 0, 0, "E-SIGN-FUTURE-DATE", message))
    return problems


GITHUB_WEB_FLOW = "noreply@github.com"  # the committer of what GitHub's squash and rebase buttons write
SQUASH_SUBJECT = "Squashed commit of the following:"  # what ``git merge --squash`` proposes


def is_rewritten(commit: Commit) -> bool:
    """A single-parent commit that shows it replaced someone's commits: made by GitHub's squash or rebase
    button, or by ``git merge --squash``. Either way the owners' signed commits are not in the history."""
    return len(commit.parents) <= 1 and (
        commit.committer_email == GITHUB_WEB_FLOW or commit.subject.startswith(SQUASH_SUBJECT)
    )


def squash_problems(history: History, latest: Mapping[str, str], owners: Mapping[str, str]) -> list[Problem]:
    """Single-parent commits, each the latest change of an owned file, that replaced signed commits.

    Two marks: the commit changed files of several owners (one commit carries one
    signature, so at most one of them signed it), or it says it was written by a
    squash or rebase (:func:`is_rewritten`), which also catches one owner's branch.
    """
    by_commit: dict[str, set[str]] = {}
    for path, latest_id in latest.items():
        if path in owners:
            by_commit.setdefault(latest_id, set()).add(owners[path])
    problems = []
    for commit_id, people in sorted(by_commit.items()):
        commit = history.commits[commit_id]
        if len(commit.parents) > 1 or (len(people) == 1 and not is_rewritten(commit)):
            continue
        names = "、".join(sorted(people))
        how = (
            f"一次修改了 {names} 的文件"
            if len(people) > 1
            else f"修改了 {names} 的文件，且由 {commit.committer} 压缩或变基生成"
        )
        message = f"提交 {short(commit_id)} {how}：像是压缩（squash）或变基（rebase）合并，各人的签名提交已丢失；请用合并提交（merge commit）合并，并由各所有者重新签名"
        problems.append(Problem(history_path(commit_id), 0, 0, "E-SIGN-SQUASHED", message))
    return problems


def file_signature(
    path: str,
    owner: str,
    commit: Commit | None,
    *,
    verification: Verification | None,
    registry: Registry,
    untrusted: bool,
) -> FileSignature:
    """The state of one owned file whose latest change is *commit* (None: not committed as it stands)."""
    if commit is None:
        return FileSignature(
            path=path, owner=owner, state=State.UNSIGNED, commit=None, signers=(), committer=None, time=None
        )
    state = State.UNTRUSTED if untrusted else commit_state(owner, verification, registry, commit.time)
    key = verification.key if verification is not None else ""
    return FileSignature(
        path=path,
        owner=owner,
        state=state,
        commit=commit.id,
        signers=registry.holders_of(key) if key else (),
        committer=commit.committer,
        time=commit.time,
    )


def registry_problems(history: History, bad: Iterable[str], untrusted: set[str]) -> list[Problem]:
    """The first unsigned registry change of each line of history; everything after it is untrusted."""
    problems = []
    for commit_id in sorted(bad):
        if any(parent in untrusted for parent in history.commits[commit_id].parents):
            continue  # already untrusted: the earlier change is the one to fix
        message = (
            f"提交 {short(commit_id)}（{history.commits[commit_id].committer}）修改了登记册（签名公钥、人员或 scheme.yaml），"
            "但没有其父提交登记册中有效的领导小组成员签名：此后的提交一律不予信任"
        )
        problems.append(Problem(history_path(commit_id), 0, 0, "E-SIGN-REGISTRY-UNSIGNED", message))
    return problems


MERGE_MESSAGES = {
    "evil": ("E-SIGN-EVIL-MERGE", "合并提交 {c} 的内容与其父提交的自动合并结果不同：合并时夹带了未经审查的修改"),
    "conflict": ("W-SIGN-MERGE-CONFLICT", "合并提交 {c} 解决了合并冲突：冲突的解决未经签名，请核对"),
    "octopus": ("W-SIGN-MERGE-UNCHECKED", "合并提交 {c} 有两个以上父提交，无法与自动合并结果比对"),
}


def merge_problems(verdicts: Mapping[str, str]) -> list[Problem]:
    """Merges whose tree is not the automatic merge of their parents."""
    return [
        Problem(history_path(commit), 0, 0, code, message.format(c=short(commit)))
        for commit, verdict in sorted(verdicts.items())
        if verdict in MERGE_MESSAGES
        for code, message in [MERGE_MESSAGES[verdict]]
    ]
