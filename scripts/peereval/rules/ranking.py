"""The ranking rule behind every verifiable draw (Art. 5, 9, 10, 21).

Candidates are sorted by the SHA-256 (hex, ascending) of the UTF-8 string
``seed|round|context|id`` and the lowest that qualify are taken. ``seed`` is
round.yaml's ``seed.value`` (a public event named in advance), ``context``
names the draw: ``sample:<stratum>``, ``assign:<type>``, ``panel:<panel>``,
``replace:<case>:<n>``, ``review:<case>``. Nothing here reads a clock, a file
or a random source, so anyone re-running it on the committed data gets the
same order. docs/draw.md states the rule for people and gives test vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TypeVar

from peereval.model import (
    CASE_TYPE_LABELS,
)

T = TypeVar("T", bound=str)

TYPE_ORDER: tuple[str, ...] = tuple(CASE_TYPE_LABELS)

# --- The ranking rule ---------------------------------------------------------------------------


def rank_key(*, seed: str, round_id: str, context: str, candidate: str) -> str:
    """SHA-256 hex digest of the UTF-8 string ``seed|round_id|context|candidate``."""
    return hashlib.sha256(f"{seed}|{round_id}|{context}|{candidate}".encode()).hexdigest()


def ranked(candidates: Iterable[T], *, seed: str, round_id: str, context: str) -> tuple[T, ...]:
    """*candidates* by ascending :func:`rank_key` (the id breaks a tie, which SHA-256 never gives).

    The digest of the common ``seed|round|context|`` prefix is computed once and copied per
    candidate: the same :func:`rank_key`, without hashing the prefix again for each of them.
    """
    prefix = hashlib.sha256(f"{seed}|{round_id}|{context}|".encode())

    def key(candidate: T) -> tuple[str, T]:
        digest = prefix.copy()
        digest.update(candidate.encode())
        return digest.hexdigest(), candidate

    return tuple(sorted(set(candidates), key=key))


def type_rank(case_type: str) -> int:
    return TYPE_ORDER.index(case_type) if case_type in TYPE_ORDER else len(TYPE_ORDER)


def type_order(types: Iterable[str]) -> list[str]:
    """The distinct *types* in the schema's order (criminal, civil, administrative, non_litigation)."""
    return sorted(set(types), key=lambda case_type: (type_rank(case_type), case_type))
