"""The privacy scan: no private value may appear in anything published.

Output is searched in several normal forms, because a value can hide behind an
encoding: HTML entities (``&#33487;``), JSON escapes (``\\u82cf``), URL encoding
(``%E8%8B%8F``), full-width or compatibility characters (NFKC) and whitespace
or invisible marks inserted between characters. A hit names the record and field, never the value.
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from peereval.load.visibility import VisibleValue

# Marks that show nothing: jieba's segmentation in the search index (U+200B), joiners, soft hyphens, BOMs.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DROP_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE))
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
# An escape that one round of decoding may have revealed: an HTML entity, URL encoding, a JSON escape.
_ESCAPE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?|%[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}")
MIN_LENGTH = 2  # a one-character value would match everywhere
PREFIX = 32  # characters of each secret in the one pattern; a hit is then compared in full


@dataclass(frozen=True, slots=True)
class Leak:
    """A private value found in an output file; says where it came from, not what it is."""

    output: str
    record: str
    pointer: str

    def message(self) -> str:
        return f"{self.output} 含有隐私数据：{self.record} 的字段 {self.pointer}（已阻止发布）"


def _unescape_json(text: str) -> str:
    """``\\uXXXX`` escapes decoded; an all-ASCII text (a JSON file such as the search index) in one C pass."""
    if text.isascii() and "\\u" in text:
        try:
            return text.encode("ascii").decode("raw_unicode_escape")  # only \\uXXXX, other backslashes stay
        except UnicodeDecodeError:
            pass
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def normalise(text: str) -> str:
    """One comparable form: decoded, NFKC, without whitespace or invisible marks, case-folded."""
    decoded = unicodedata.normalize("NFKC", html.unescape(urllib.parse.unquote(_unescape_json(text))))
    compact = "".join(decoded.split())  # str.split's whitespace is exactly the regular expressions' \s
    if any(mark in compact for mark in _INVISIBLE):
        compact = compact.translate(_DROP_INVISIBLE)
    return compact.casefold()


def variants(text: str) -> set[str]:
    """*text* normalised, and normalised once more where that form still holds an encoding (double escaping)."""
    once = normalise(text)
    return {once, normalise(once)} if _ESCAPE.search(once) else {once}


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of *words* (a trie of them), so that one pass finds them all."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie) or "(?!)"


def find_leaks(outputs: Mapping[str, str] | Iterable[tuple[str, str]], secrets: Iterable[VisibleValue]) -> list[Leak]:
    """Every (output, secret) pair where the secret's normal form occurs in one of the output's.

    One regular-expression pass per output form, whatever the number of secrets: the
    pattern matches each secret's first :data:`PREFIX` characters; a hit is then checked in full.
    """
    needles: dict[str, VisibleValue] = {}
    for secret in secrets:
        needle = normalise(str(secret.value))
        if len(needle) >= MIN_LENGTH:
            needles.setdefault(needle, secret)
    by_prefix: dict[str, list[str]] = {}
    for needle in needles:
        by_prefix.setdefault(needle[:PREFIX], []).append(needle)
    matcher = re.compile(_trie_pattern(by_prefix))
    leaks: set[Leak] = set()
    for name, text in outputs.items() if isinstance(outputs, Mapping) else outputs:
        for haystack in variants(text):
            for match in _overlapping(matcher, haystack):
                start, found = match.start(), match.group()
                for end in range(MIN_LENGTH, len(found) + 1):
                    for needle in by_prefix.get(found[:end], ()):
                        if haystack.startswith(needle, start):
                            leaks.add(Leak(name, needles[needle].path, needles[needle].pointer))
    return sorted(leaks, key=lambda leak: (leak.output, leak.record, leak.pointer))


def _overlapping(matcher: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    position = 0
    while (match := matcher.search(text, position)) is not None:
        yield match
        position = match.start() + 1
