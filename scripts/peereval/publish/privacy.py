"""The privacy scan: no private value may appear in anything published.

Output is searched in several normal forms, because a value can hide behind an
encoding: HTML entities (``&#33487;``), JSON escapes (``\\u82cf``), URL encoding
(``%E8%8B%8F``), full-width or compatibility characters (NFKC) and whitespace
inserted between characters. A hit names the record and field, never the value.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from peereval.load.visibility import VisibleValue

_SPACES = re.compile(r"\s+")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
MIN_LENGTH = 2  # a one-character value would match everywhere


@dataclass(frozen=True, slots=True)
class Leak:
    """A private value found in an output file; says where it came from, not what it is."""

    output: str
    record: str
    pointer: str

    def message(self) -> str:
        return f"{self.output} 含有隐私数据：{self.record} 的字段 {self.pointer}（已阻止发布）"


def normalise(text: str) -> str:
    """One comparable form: decoded, NFKC, without whitespace, case-folded."""
    decoded = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    decoded = html.unescape(urllib.parse.unquote(decoded))
    return _SPACES.sub("", unicodedata.normalize("NFKC", decoded)).casefold()


def variants(text: str) -> set[str]:
    """*text* normalised, plus the raw form and its JSON-escaped form (all normalised)."""
    return {normalise(text), normalise(json.dumps(text)), normalise(html.unescape(text))}


def find_leaks(outputs: Mapping[str, str], secrets: Iterable[VisibleValue]) -> list[Leak]:
    """Every (output, secret) pair where the secret's normal form occurs in the output's."""
    needles: dict[str, VisibleValue] = {}
    for secret in secrets:
        needle = normalise(str(secret.value))
        if len(needle) >= MIN_LENGTH:
            needles.setdefault(needle, secret)
    leaks = []
    for name, text in sorted(outputs.items()):
        haystacks = variants(text)
        for needle, secret in needles.items():
            if any(needle in haystack for haystack in haystacks):
                leaks.append(Leak(name, secret.path, secret.pointer))
    return leaks
