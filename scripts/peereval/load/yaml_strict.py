"""Strict YAML: the subset of YAML 1.2 that staff can type without surprises.

PyYAML resolves scalars by YAML 1.1 rules (``no`` is false, ``2025-01-01`` a
date, ``010`` octal), follows aliases into billion-laugh bombs and keeps the
last of two duplicate keys without a word. Here libyaml (through
``CParser``) only tokenises; this module builds the data from the event stream
itself, so that it can refuse every construct that hides intent and record
where each value stands, for ``path:line:column`` messages.

Scalars follow the YAML 1.2 core schema, narrowed: ``null``/``~``/empty,
``true``/``false``, decimal integers without leading zeros, finite decimal floats
(``.inf``, ``.nan`` and a float too large to be finite are refused).
Everything else is a string, so dates stay ISO strings for the schema to check.
Mapping keys are always strings.

The core schema's tags are honoured: ``!!str`` makes any scalar a string;
``!!int``, ``!!float``, ``!!bool`` and ``!!null`` ask for a value written as
that type is written untagged (``!!int "12"`` is 12, ``!!bool yes`` an error);
``!!seq`` and ``!!map`` fit only a list and a mapping. Any other tag is refused.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import yaml

from peereval.model import Position, Positions, Source
from peereval.problems import Problem

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_INT_DIGITS = 18

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
# The core schema's infinities and NaN: JSON has no such numbers and no field of ours wants one.
_NOT_FINITE = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")
_NULLS = frozenset({"", "~", "null"})
_NUMERIC_START = frozenset("0123456789+-.")  # how every int, float and special float begins
_CORE_PREFIX = "tag:yaml.org,2002:"
# The YAML 1.2 core schema's tags and the type each asks for.
_CORE_TAGS: dict[str, type] = {
    f"{_CORE_PREFIX}{name}": kind
    for name, kind in [
        ("str", str),
        ("int", int),
        ("float", float),
        ("bool", bool),
        ("null", type(None)),
        ("seq", list),
        ("map", dict),
    ]
}


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded file: its data as plain JSON types, its :class:`Source`, and the bytes it was read from
    (from which the source finds positions when a problem asks for one)."""

    source: Source
    data: Any
    raw: bytes = field(default=b"", repr=False, compare=False)

    @classmethod
    def of(cls, path: str, data: Any, raw: bytes, *, sha256: str | None = None) -> Document:
        """The document of *raw*, whose data is *data* (*sha256*: its digest, when already known)."""
        digest = sha256 if sha256 is not None else hashlib.sha256(raw).hexdigest()
        return cls(Source(path, digest, partial(locate_positions, raw)), data, raw)

    @property
    def path(self) -> str:
        return self.source.path

    def problem(self, pointer: str, code: str, message: str, *, key: bool = False) -> Problem:
        return self.source.problem(pointer, code, message, key=key)


class _Reject(Exception):
    def __init__(self, mark: Any, code: str, message: str) -> None:
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else 1
        self.column = mark.column + 1 if mark is not None else 1
        self.code = code
        self.message = message


def escape_pointer_token(token: str) -> str:
    if "~" not in token and "/" not in token:
        return token  # nearly every key: no copy
    return token.replace("~", "~0").replace("/", "~1")


def _short(tag: str) -> str:
    return tag.replace(_CORE_PREFIX, "!!", 1) if tag.startswith(_CORE_PREFIX) else tag


def _wanted(event: Any) -> type | None:
    """The type a node's core tag asks for; None when untagged (or ``!``); any other tag is refused."""
    if event.tag in (None, "!"):
        return None
    if event.tag not in _CORE_TAGS:
        raise _Reject(event.start_mark, "E-YAML-TAG", f"不允许使用标签 {_short(event.tag)}，请去掉它")
    return _CORE_TAGS[event.tag]


def _misfit(event: Any, what: str) -> _Reject:
    return _Reject(event.start_mark, "E-YAML-TAG-VALUE", f"标签 {_short(event.tag)} 与{what}不符，请去掉标签或改正值")


def _scalar(event: Any) -> Any:
    if event.tag is None and event.implicit[0]:
        return _plain(event)  # the common case: an untagged plain scalar
    wanted = _wanted(event)
    text: str = event.value
    if wanted is None or wanted is str:
        return text  # quoted, block, ``!`` or ``!!str``: always a string (plain untagged returned above)
    value = _plain(event)
    if wanted is float and type(value) is int:
        value = float(value)
    if wanted is not None and type(value) is not wanted:
        raise _misfit(event, f"值 {text!r} ")
    return value


def _plain(event: Any) -> Any:
    """A plain scalar's value by the narrowed core schema."""
    text: str = event.value
    if text in _NULLS:
        return None
    if text == "true":
        return True
    if text == "false":
        return False
    if text[0] not in _NUMERIC_START:  # not empty: "" is null
        return text
    if _INT.match(text):
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            raise _Reject(event.start_mark, "E-YAML-BIG-INTEGER", f"整数位数超过 {MAX_INT_DIGITS} 位；如为编号请加引号")
        return int(text)
    if _FLOAT.match(text):
        number = float(text)
        if math.isinf(number):  # 1e400: Python rounds it to infinity, which no validator can compare
            raise _Reject(event.start_mark, "E-YAML-NOT-FINITE", f"数值 {text} 超出范围")
        return number
    if _NOT_FINITE.match(text):
        raise _Reject(event.start_mark, "E-YAML-NOT-FINITE", f"不允许使用 {text}（无穷大或非数），请写出具体数值")
    return text


class _Duplicate(Exception):
    """A duplicate key met without positions: parse again, recording them, to name the first one's line."""


class _Builder:
    """Builds plain data from libyaml events; with *record*, the position of every value and key too.

    Positions are recorded only when a problem needs one (:func:`locate_positions`):
    a JSON pointer built for every value costs as much as the value.
    """

    def __init__(self, events: Iterator[Any], *, record: bool) -> None:
        self.next: Callable[[], Any] = events.__next__  # called once per event: no extra frame
        self.record = record
        self.positions: dict[str, Position] = {}
        self.key_positions: dict[str, Position] = {}

    def value(self, event: Any, pointer: str, depth: int) -> Any:
        mark = event.start_mark
        if self.record:
            self.positions[pointer] = (mark.line + 1, mark.column + 1)
        if type(event) is yaml.AliasEvent or getattr(event, "anchor", None) is not None:
            raise _Reject(mark, "E-YAML-ANCHOR", "不允许使用锚点和别名（& 与 *），请直接写出内容")
        if depth > MAX_DEPTH:
            raise _Reject(mark, "E-YAML-TOO-DEEP", f"嵌套超过 {MAX_DEPTH} 层")
        if type(event) is yaml.ScalarEvent:
            return _scalar(event)
        kind = list if type(event) is yaml.SequenceStartEvent else dict
        if _wanted(event) not in (None, kind):
            raise _misfit(event, "列表" if kind is list else "映射")
        return self.sequence(pointer, depth) if kind is list else self.mapping(pointer, depth)

    def sequence(self, pointer: str, depth: int) -> list[Any]:
        items: list[Any] = []
        while type(event := self.next()) is not yaml.SequenceEndEvent:
            items.append(self.value(event, f"{pointer}/{len(items)}" if self.record else "", depth + 1))
        return items

    def mapping(self, pointer: str, depth: int) -> dict[str, Any]:
        members: dict[str, Any] = {}
        while type(key_event := self.next()) is not yaml.MappingEndEvent:
            key = self.key(key_event)
            child = f"{pointer}/{escape_pointer_token(key)}" if self.record else ""
            if key in members:
                if not self.record:
                    raise _Duplicate
                first_line = self.key_positions[child][0]
                raise _Reject(
                    key_event.start_mark, "E-YAML-DUPLICATE-KEY", f"键 {key!r} 重复出现，第一次在第 {first_line} 行"
                )
            if self.record:
                self.key_positions[child] = (key_event.start_mark.line + 1, key_event.start_mark.column + 1)
            members[key] = self.value(self.next(), child, depth + 1)
        return members

    @staticmethod
    def key(event: Any) -> str:
        if not isinstance(event, yaml.ScalarEvent):
            if isinstance(event, yaml.AliasEvent):
                raise _Reject(event.start_mark, "E-YAML-ANCHOR", "不允许使用锚点和别名（& 与 *）")
            raise _Reject(event.start_mark, "E-YAML-KEY", "键必须是简单的文字，不能是列表或映射")
        if event.anchor is not None:
            raise _Reject(event.start_mark, "E-YAML-ANCHOR", "不允许使用锚点和别名（& 与 *）")
        if _wanted(event) not in (None, str):
            raise _Reject(event.start_mark, "E-YAML-KEY", f"键总是文字，不能标为 {_short(str(event.tag))}")
        if event.value == "<<" and event.implicit[0]:
            raise _Reject(event.start_mark, "E-YAML-MERGE-KEY", "不允许使用合并键 <<，请直接写出各项")
        return str(event.value)


def _decode(path: str, raw: bytes) -> str | Problem:
    if len(raw) > MAX_BYTES:
        return Problem(path, 0, 0, "E-FILE-TOO-LARGE", f"文件大小 {len(raw)} 字节，超过上限 {MAX_BYTES} 字节")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return Problem(
            path, line, column, "E-FILE-ENCODING", f"文件不是 UTF-8 编码（第 {error.start} 字节无效）；请另存为 UTF-8"
        )
    return text[1:] if text.startswith("\ufeff") else text


def _tab_in_indentation(path: str, text: str) -> Problem | None:
    if "\t" not in text:
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent] and line.strip():
            return Problem(path, number, line.index("\t") + 1, "E-YAML-TAB", "缩进中有制表符（Tab），请改用空格")
    return None


def _events(text: str) -> Iterator[Any]:
    """libyaml's events; ``get_event`` alone, without ``yaml.parse``'s extra call per event."""
    parser = yaml.CSafeLoader(text)
    try:
        while (event := parser.get_event()) is not None:
            yield event
    finally:
        parser.dispose()


def load_text(path: str, raw: bytes) -> Document | Problem:
    """Parse *raw* as strict YAML, or say exactly where and why not.

    The document's positions are found again from *raw* when a problem first
    asks for one. Never raises on any input: every failure is returned as a
    :class:`Problem`.
    """
    parsed = _parse(path, raw, record=False)
    if isinstance(parsed, Problem):
        return parsed
    data, _ = parsed
    return Document.of(path, data, raw)


def locate_positions(raw: bytes) -> Positions:
    """The positions of every value and key of *raw*, a file that :func:`load_text` accepted."""
    parsed = _parse("", raw, record=True)
    return parsed[1] if isinstance(parsed, tuple) else ({}, {})


def _parse(path: str, raw: bytes, *, record: bool) -> tuple[Any, Positions] | Problem:
    text = _decode(path, raw)
    if isinstance(text, Problem):
        return text
    if tab := _tab_in_indentation(path, text):
        return tab
    builder = _Builder(_events(text), record=record)
    try:
        data = _build(path, builder)
    except _Duplicate:
        return _parse(path, raw, record=True)  # again, recording positions, to name the first occurrence's line
    except _Reject as reject:
        return Problem(path, reject.line, reject.column, reject.code, reject.message)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return Problem(path, line, column, "E-YAML-SYNTAX", f"YAML 语法错误：{error.problem or error.context}")
    except (yaml.YAMLError, ValueError, RecursionError, StopIteration) as error:
        return Problem(path, 1, 1, "E-YAML-SYNTAX", f"YAML 语法错误：{error}")
    return data if isinstance(data, Problem) else (data, (builder.positions, builder.key_positions))


def _build(path: str, builder: _Builder) -> Any:
    builder.next()  # StreamStart
    start = builder.next()
    if isinstance(start, yaml.StreamEndEvent):
        return Problem(path, 1, 1, "E-YAML-EMPTY", "文件中没有数据")
    data = builder.value(builder.next(), "", 1)
    builder.next()  # DocumentEnd
    extra = builder.next()
    if not isinstance(extra, yaml.StreamEndEvent):
        raise _Reject(extra.start_mark, "E-YAML-MULTIPLE-DOCUMENTS", "一个文件只能有一个 YAML 文档（去掉多余的 ---）")
    if data is None:
        return Problem(path, 1, 1, "E-YAML-EMPTY", "文件中没有数据")
    return data
