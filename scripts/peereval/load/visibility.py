"""Who may see each value of a record, read from the schemas' ``x-visibility``.

A value's effective visibility is the most restrictive one on its path: a
``public`` field inside a ``private`` object is private. The privacy scan uses
:func:`private_values` to know what must never appear in public output.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from peereval.load.schema import schema_files
from peereval.load.yaml_strict import Document, escape_pointer_token

ORDER = ("public", "handler", "internal", "private")


@dataclass(frozen=True, slots=True)
class VisibleValue:
    """A scalar of a record with its file, JSON pointer and effective visibility."""

    path: str
    pointer: str
    value: Any
    visibility: str


def _resolve(schema: Mapping[str, Any], current: str) -> tuple[Mapping[str, Any], str]:
    """Follow ``$ref`` (local or into another schema file of the package) to the schema it names."""
    while "$ref" in schema:
        target, _, fragment = str(schema["$ref"]).partition("#")
        current = target or current
        node: Any = schema_files()[current]
        for token in fragment.strip("/").split("/") if fragment else ():
            node = node[token]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema, current


def _stricter(a: str, b: str) -> str:
    return a if ORDER.index(a) >= ORDER.index(b) else b


def walk(
    schema: Mapping[str, Any], data: Any, *, file: str, pointer: str = "", visibility: str = "public"
) -> Iterator[tuple[str, Any, str]]:
    """Every scalar in *data* with its pointer and effective visibility under *schema*."""
    schema, file = _resolve(schema, file)
    visibility = _stricter(visibility, str(schema.get("x-visibility", "public")))
    if isinstance(data, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, value in data.items():
            child = properties.get(key, extra if isinstance(extra, Mapping) else {})
            yield from walk(
                child, value, file=file, pointer=f"{pointer}/{escape_pointer_token(key)}", visibility=visibility
            )
    elif isinstance(data, list):
        items = schema.get("items", {})
        for index, value in enumerate(data):
            yield from walk(items, value, file=file, pointer=f"{pointer}/{index}", visibility=visibility)
    else:
        yield pointer, data, visibility


def visible_values(document: Document, kind: str) -> Iterator[VisibleValue]:
    file = f"{kind}.schema.json"
    for pointer, value, visibility in walk(schema_files()[file], document.data, file=file):
        yield VisibleValue(document.path, pointer, value, visibility)


def private_values(documents: Mapping[str, Document], kinds: Mapping[str, str]) -> list[VisibleValue]:
    """Every private text value of the repository (*kinds* maps each path to its record kind)."""
    return [
        value
        for path, document in documents.items()
        for value in visible_values(document, kinds[path])
        if value.visibility == "private" and isinstance(value.value, str)
    ]


def field_visibility(kind: str, pointer: str) -> str:
    """The effective visibility of the field at *pointer* (``*`` for any key or index) in *kind*'s schema."""
    file = f"{kind}.schema.json"
    schema, file = _resolve(schema_files()[file], file)
    visibility = str(schema.get("x-visibility", "public"))
    for token in pointer.strip("/").split("/") if pointer.strip("/") else ():
        if "properties" in schema and token in schema["properties"]:
            schema = schema["properties"][token]
        elif token == "*" and "items" in schema:
            schema = schema["items"]
        elif token == "*" and isinstance(schema.get("additionalProperties"), Mapping):
            schema = schema["additionalProperties"]
        else:
            raise KeyError(f"{kind}: no field {pointer}")
        schema, file = _resolve(schema, file)
        visibility = _stricter(visibility, str(schema.get("x-visibility", "public")))
    return visibility
