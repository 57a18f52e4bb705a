"""Who owns each signed file, who may sign for whom, and what a signature is worth (Art. 16, 17).

Every file under ``scoresheets/`` has exactly one owner: a scoresheet and a
``signatures/<expert>.yaml`` their expert, a summary sheet its panel's
designated writer (a re-review summary the review group's writer), indicator
sets and escalated summaries (Art. 17: the leading group's decision) the
leading group, any member of which may sign. The registry (``scheme.yaml`` and
``experts/``) says which SSH keys each person holds and when; it is the trust
root of every signature. Pure: the edge (:mod:`peereval.gitsign`) supplies the
history and the verification results.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from peereval.model import Expert, Repository, Scheme, SigningKey
from peereval.rules.panels import designated_writer, scorers

LEADING_GROUP = "leading-group"


class State(StrEnum):
    """What the latest change of an owned file proves."""

    VALID = "valid"  # signed by a key its owner held on the commit's date
    UNSIGNED = "unsigned"  # no signature, or not committed at all
    WRONG_SIGNER = "wrong-signer"  # a good signature by someone else
    UNKNOWN_KEY = "unknown-key"  # a good signature by a key nobody registered
    EXPIRED = "expired"  # the owner's key, outside its validity dates
    REVOKED = "revoked"  # the owner's key, on or after its revocation
    BAD_SIGNATURE = "bad-signature"  # a signature that does not verify
    STALE = "stale"  # a valid signature on a summary that has changed since (Art. 17)
    UNTRUSTED = "untrusted"  # made after a registry change that no leader signed


@dataclass(frozen=True, slots=True, kw_only=True)
class Holder:
    """One person's entry in the registry."""

    id: str
    github: str | None
    keys: tuple[SigningKey, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Registry:
    """Who may sign: every person's keys and GitHub handle, and who is in the leading group."""

    people: tuple[Holder, ...]
    leading_group: frozenset[str]

    def holder(self, person: str) -> Holder | None:
        return next((holder for holder in self.people if holder.id == person), None)

    def holders_of(self, fingerprint_: str) -> tuple[str, ...]:
        """The people who registered the key with *fingerprint_*."""
        return tuple(h.id for h in self.people if any(fingerprint(k.key) == fingerprint_ for k in h.keys))


EMPTY_REGISTRY = Registry(people=(), leading_group=frozenset())


def build_registry(scheme: Scheme | None, experts: Iterable[Expert], *, unreadable: Iterable[str] = ()) -> Registry:
    """The registry as ``scheme.yaml`` (leading group, office) and ``experts/`` state it.

    An expert file that does not load still names a person (its file name), who then
    holds no key: a broken registry file can only take signing rights away.
    """
    people = [Holder(id=e.id, github=e.github, keys=e.signing_keys) for e in experts]
    people += [Holder(id=person, github=None, keys=()) for person in unreadable]
    if scheme is not None:
        people += [Holder(id=p.id, github=p.github, keys=p.signing_keys) for p in scheme.leading_group + scheme.office]
    leaders = frozenset(p.id for p in scheme.leading_group) if scheme is not None else frozenset[str]()
    return Registry(people=tuple(sorted(people, key=lambda h: h.id)), leading_group=leaders)


@lru_cache(maxsize=4096)
def fingerprint(key: str) -> str:
    """The ``SHA256:…`` fingerprint of a public key line, as ``ssh-keygen -l`` and ``%GK`` print it."""
    try:
        blob = base64.b64decode(key.split()[1], validate=True)
    except (IndexError, binascii.Error):
        return ""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


def _last_day(key: SigningKey) -> date | None:
    """The last day *key* may sign: its ``valid_until``, or the day before its revocation."""
    ends = [key.valid_until] if key.valid_until is not None else []
    ends += [key.revoked.on - timedelta(days=1)] if key.revoked is not None else []
    return min(ends) if ends else None


def _valid_on(key: SigningKey, day: date) -> bool:
    last = _last_day(key)
    return key.valid_from <= day and (last is None or day <= last)


def allowed_signers(registry: Registry) -> str:
    """The ``gpg.ssh.allowedSignersFile`` for *registry*: principal = person id, namespace ``git``.

    Validity dates become ``valid-after``/``valid-before`` (China time: the edge runs
    git with ``TZ=CST-8``); a revoked key stops the day before its revocation.
    """
    lines = ["# peereval: generated from the registry (scheme.yaml, experts/)"]
    for holder in registry.people:
        for key in holder.keys:
            last = _last_day(key)
            if last is not None and last < key.valid_from:
                continue
            options = f'namespaces="git",valid-after="{key.valid_from:%Y%m%d}"'
            options += f',valid-before="{last:%Y%m%d}235959"' if last is not None else ""
            lines.append(f"{holder.id} {options} {' '.join(key.key.split()[:2])}")
    return "\n".join(lines) + "\n"


def principals(owner: str, registry: Registry) -> frozenset[str]:
    """The people who may sign for *owner*: the person, or any leading-group member."""
    return registry.leading_group if owner == LEADING_GROUP else frozenset({owner})


def key_state(registry: Registry, owner: str, fingerprint_: str, day: date) -> State:
    """What a good signature by the key *fingerprint_* on *day* is worth for *owner*.

    Before ``valid_from`` or after ``valid_until`` is ``expired``; on or after
    ``revoked.on`` is ``revoked`` (a revocation voids what the key signs from that day).
    """
    allowed = principals(owner, registry)
    holders = registry.holders_of(fingerprint_)
    if not holders:
        return State.UNKNOWN_KEY
    if not allowed.intersection(holders):
        return State.WRONG_SIGNER
    keys = [k for h in registry.people if h.id in allowed for k in h.keys if fingerprint(k.key) == fingerprint_]
    if any(_valid_on(k, day) for k in keys):
        return State.VALID
    if any(k.revoked is not None and day >= k.revoked.on for k in keys):
        return State.REVOKED
    return State.EXPIRED


def ownership_map(repository: Repository) -> dict[str, str]:
    """path → owner (a person id or :data:`LEADING_GROUP`) of every loaded file under ``scoresheets/``.

    A summary belongs to the writer its panel designated in ``panels.yaml`` (not the
    one it names itself); a summary carrying the leading group's escalation decision
    (Art. 17), and every indicator set, to the leading group. A summary whose writer
    cannot be told (no draw, no review group) is left out: see :func:`unowned`.
    """
    owners = {s.source.path: LEADING_GROUP for s in repository.indicator_sets.values()}
    for records in repository.rounds.values():
        for sheets in (records.scoresheets, records.signatures, records.review_scoresheets, records.review_signatures):
            owners.update({record.source.path: record.expert for record in sheets.values()})
        for summary in records.summaries.values():
            writer = designated_writer(records.draw, summary.case) if records.draw is not None else None
            _own(owners, summary.source.path, LEADING_GROUP if summary.escalation is not None else writer)
        for summary in records.review_summaries.values():
            objection = records.objections.get(summary.case)
            review = objection.review_panel if objection is not None else None
            _own(owners, summary.source.path, review.writer if review is not None else None)
    return dict(sorted(owners.items()))


def expected_ownership(repository: Repository) -> dict[str, str]:
    """:func:`ownership_map` and, besides, the files the draws already call for, with their owners.

    ``.github/CODEOWNERS`` is written from this: it changes when a panel or a
    re-review group is drawn, not with every scoresheet an expert adds, and a
    file is routed to its owner before it exists. A file that exists keeps the
    owner :func:`ownership_map` gives it (an escalated summary: the leading group).
    """
    expected: dict[str, str] = {}
    for round_id, records in repository.rounds.items():
        for case, objection in records.objections.items():
            if objection.review_panel is not None:
                review = objection.review_panel
                _expect(expected, f"scoresheets/{round_id}/{case}/review", review.members, review.writer)
        if records.draw is None:
            continue
        for case in records.draw.panels_by_case:
            writer = designated_writer(records.draw, case)
            _expect(expected, f"scoresheets/{round_id}/{case}", scorers(records.draw, case), writer)
    return dict(sorted({**expected, **ownership_map(repository)}.items()))


def _expect(expected: dict[str, str], folder: str, members: Iterable[str], writer: str | None) -> None:
    for member in members:
        expected[f"{folder}/{member}.yaml"] = member
        expected[f"{folder}/signatures/{member}.yaml"] = member
    _own(expected, f"{folder}/summary.yaml", writer)


def _own(owners: dict[str, str], path: str, owner: str | None) -> None:
    if owner is not None:
        owners[path] = owner


def unowned(repository: Repository, owners: Mapping[str, str]) -> tuple[str, ...]:
    """Summary sheets whose owner cannot be determined (no panel or review group records a writer)."""
    return tuple(
        sorted(
            summary.source.path
            for records in repository.rounds.values()
            for summary in (*records.summaries.values(), *records.review_summaries.values())
            if summary.source.path not in owners
        )
    )


def stale_signatures(repository: Repository) -> frozenset[str]:
    """Signature files whose ``summary_sha256`` is not the digest of their summary as it stands (Art. 17)."""
    stale = set()
    for records in repository.rounds.values():
        for signatures, summaries in (
            (records.signatures, records.summaries),
            (records.review_signatures, records.review_summaries),
        ):
            for (case, _), signature in signatures.items():
                summary = summaries.get(case)
                if summary is None or summary.source.sha256 != signature.summary_sha256:
                    stale.add(signature.source.path)
    return frozenset(stale)


def shared_keys(registry: Registry) -> dict[str, tuple[str, ...]]:
    """fingerprint → people, for every key registered by more than one person (a signature must name one)."""
    found: dict[str, set[str]] = {}
    for holder in registry.people:
        for key in holder.keys:
            found.setdefault(fingerprint(key.key), set()).add(holder.id)
    return {fp: tuple(sorted(ids)) for fp, ids in sorted(found.items()) if len(ids) > 1}


def codeowners(owners: Mapping[str, str], registry: Registry) -> str:
    """``.github/CODEOWNERS`` from the ownership map: each file's owner's GitHub handle.

    The registry (``scheme.yaml``, ``experts/``) and ``.github/`` belong to the leading
    group; later lines win in CODEOWNERS, so the general rules come first.
    """
    leaders = _handles(sorted(registry.leading_group), registry)
    lines = [
        "# Generated by `peereval codeowners` from the ownership map; do not edit by hand.",
        "# 由 peereval codeowners 根据文件归属生成，请勿手工修改。",
        f"/scheme.yaml {leaders}".rstrip(),
        f"/experts/ {leaders}".rstrip(),
        f"/.github/ {leaders}".rstrip(),
    ]
    for path, owner in owners.items():
        people = sorted(registry.leading_group) if owner == LEADING_GROUP else [owner]
        handles = _handles(people, registry)
        if not handles:
            lines.append(f"# {owner}: 未登记 GitHub 用户名 / no GitHub handle registered")
        lines.append(f"/{path} {handles}".rstrip())
    return "\n".join(lines) + "\n"


def _handles(people: Iterable[str], registry: Registry) -> str:
    found = [holder.github for p in people if (holder := registry.holder(p)) is not None and holder.github]
    return " ".join(f"@{handle}" for handle in found)
