"""JSON Schema validation with positions and Chinese messages.

jsonschema (draft 2020-12) is the reference. Because validation of a large
repository is dominated by it, each schema is also compiled with
fastjsonschema: a document that the compiled validator accepts is valid, and
only a rejected one goes through jsonschema for the full list of errors. Both
use the same ``date`` format function; a test runs both over the whole test
corpus and requires the same verdict for every document.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
import jsonschema
import referencing
from jsonschema.exceptions import ValidationError

from peereval.load.yaml_strict import Document, escape_pointer_token
from peereval.problems import PeerevalError, Problem

KINDS = (
    "scheme",
    "calendar",
    "expert",
    "round",
    "case",
    "panels",
    "indicators",
    "scoresheet",
    "summary",
    "signature",
    "objection",
    "sample",
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def is_date(value: object) -> bool:
    """The ``date`` format: ``YYYY-MM-DD`` and a real calendar day (no 02-30)."""
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def schema_files() -> dict[str, dict[str, Any]]:
    """Every schema shipped in the package, by file name."""
    return _schema_files()


@cache
def _schema_files() -> dict[str, dict[str, Any]]:
    folder = resources.files("peereval") / "schemas"
    try:
        return {
            entry.name: json.loads(entry.read_text(encoding="utf-8"))
            for entry in folder.iterdir()
            if entry.name.endswith(".schema.json")
        }
    except (OSError, ValueError) as error:
        raise PeerevalError(f"cannot read the package's JSON Schemas: {error}") from error


@cache
def _reference_validator(kind: str) -> jsonschema.protocols.Validator:
    files = _schema_files()
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (name, referencing.Resource.from_contents(body, default_specification=referencing.jsonschema.DRAFT202012))
        for name, body in files.items()
    )
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date")(is_date)
    validator_class = jsonschema.validators.validator_for(files[f"{kind}.schema.json"])
    return validator_class(files[f"{kind}.schema.json"], registry=registry, format_checker=checker)


@cache
def _fast_validator(kind: str) -> Callable[[Any], Any]:
    files = _schema_files()
    handlers = {"": lambda uri: files[uri.split("#", 1)[0]]}
    validator: Callable[[Any], Any] = fastjsonschema.compile(
        files[f"{kind}.schema.json"], handlers=handlers, formats={"date": is_date}
    )
    return validator


def is_valid_fast(kind: str, data: Any) -> bool:
    """The compiled validator's verdict (exposed for the equivalence test)."""
    try:
        _fast_validator(kind)(data)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


class Validation:
    """Validates the documents of one load, choosing the cheaper validator per kind.

    Compiling a schema with fastjsonschema costs about 50 ms; jsonschema takes
    about 1 ms a document. So the first ``compile_after`` documents of a kind go
    to jsonschema alone, and only a kind with more documents is compiled: a
    pre-commit check of a few files stays quick, a whole repository fast.
    """

    def __init__(self, compile_after: int = 50) -> None:
        self.compile_after = compile_after
        self.seen: Counter[str] = Counter()

    def prepare(self) -> None:
        """Compile every kind's validator now (before forking workers that share them)."""
        for kind in KINDS:
            _fast_validator(kind)

    def validate(self, document: Document, kind: str) -> list[Problem]:
        """Every schema problem in *document*, each at the position of the offending value."""
        self.seen[kind] += 1
        if self.seen[kind] > self.compile_after:
            if is_valid_fast(kind, document.data):
                return []
        elif _reference_validator(kind).is_valid(document.data):
            return []
        return _reference_problems(document, kind)


def validate(document: Document, kind: str) -> list[Problem]:
    """Every schema problem in *document* (one document: jsonschema alone)."""
    return Validation().validate(document, kind)


def _reference_problems(document: Document, kind: str) -> list[Problem]:
    # jsonschema reports a missing property once per ``required`` keyword that
    # asks for it; dict.fromkeys keeps the first of equal problems, in order.
    return list(
        dict.fromkeys(
            problem
            for error in _reference_validator(kind).iter_errors(document.data)
            for problem in _problems(document, error)
        )
    )


def _pointer(path: Iterable[object]) -> str:
    return "".join(f"/{escape_pointer_token(str(token))}" for token in path)


def _field(path: Iterable[object]) -> str:
    dotted = ".".join(str(token) for token in path)
    return f"字段 {dotted}" if dotted else "文件内容"


def _schema_of(error: ValidationError) -> Mapping[str, Any]:
    return error.schema if isinstance(error.schema, Mapping) else {}


def _problems(document: Document, error: ValidationError) -> Iterator[Problem]:
    pointer = _pointer(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = _schema_of(error).get("properties", {})
        for key in error.instance:
            if key not in allowed:
                names = "、".join(allowed) or "（无）"
                yield document.problem(
                    f"{pointer}/{escape_pointer_token(key)}",
                    "E-SCHEMA-VIOLATION",
                    f"未知字段 {key!r}；此处可用的字段：{names}",
                    key=True,
                )
        return
    if error.validator == "required" and isinstance(error.instance, dict) and isinstance(error.validator_value, list):
        where = f"{_field(error.absolute_path)} " if error.absolute_path else ""
        for name in error.validator_value:
            if name not in error.instance:
                yield document.problem(pointer, "E-SCHEMA-VIOLATION", f"{where}缺少必填字段 {name!r}")
        return
    yield document.problem(pointer, "E-SCHEMA-VIOLATION", _message(error))


_TYPES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "array": "列表",
    "object": "映射（键: 值）",
    "null": "空值",
}


def _type_names(expected: object) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return "或".join(_TYPES.get(str(name), str(name)) for name in names)


def _chinese(description: str) -> str:
    """The Chinese half of a bilingual ``中文 / English`` description."""
    return re.split(r"\s*/\s", description, maxsplit=1)[0]


def _message(error: ValidationError) -> str:
    field = _field(error.absolute_path)
    found = error.instance
    shown = found if isinstance(found, int | float | bool) or found is None else repr(found)[:80]
    value = error.validator_value
    describe = _MESSAGES.get(str(error.validator))
    if describe is None:
        return f"{field} 不符合要求：{error.message}"
    return describe(field, shown, value, _schema_of(error))


_MESSAGES: Mapping[str, Callable[[str, object, Any, Mapping[str, Any]], str]] = {
    "type": lambda f, found, v, s: f"{f} 应为{_type_names(v)}；实际为 {found}",
    "enum": lambda f, found, v, s: f"{f} 必须是 {', '.join(map(str, v))} 之一；实际为 {found}",
    "const": lambda f, found, v, s: f"{f} 必须为 {json.dumps(v)}；实际为 {found}",
    "format": lambda f, found, v, s: f"{f} 应为有效日期 YYYY-MM-DD；实际为 {found}",
    "pattern": lambda f, found, v, s: f"{f} 格式不符（{_chinese(s.get('description', v))}）；实际为 {found}",
    "minimum": lambda f, found, v, s: f"{f} 不能小于 {v}；实际为 {found}",
    "maximum": lambda f, found, v, s: f"{f} 不能大于 {v}；实际为 {found}",
    "exclusiveMinimum": lambda f, found, v, s: f"{f} 必须大于 {v}；实际为 {found}",
    "exclusiveMaximum": lambda f, found, v, s: f"{f} 必须小于 {v}；实际为 {found}",
    "multipleOf": lambda f, found, v, s: f"{f} 必须是 {v} 的整数倍；实际为 {found}",
    "minItems": lambda f, found, v, s: f"{f} 至少要有 {v} 项",
    "maxItems": lambda f, found, v, s: f"{f} 最多 {v} 项",
    "uniqueItems": lambda f, found, v, s: f"{f} 中有重复项",
    "minLength": lambda f, found, v, s: f"{f} 不能为空",
    "maxLength": lambda f, found, v, s: f"{f} 超过 {v} 个字符",
    "minProperties": lambda f, found, v, s: f"{f} 不能为空",
    "propertyNames": lambda f, found, v, s: f"{f} 中有不允许的键",
    "oneOf": lambda f, found, v, s: f"{f} 应为{_chinese(s.get('description', '规定的形式之一'))}；实际为 {found}",
}
