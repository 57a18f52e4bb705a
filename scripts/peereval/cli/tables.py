"""Rows out as text (aligned columns), JSON (stable keys) or CSV (UTF-8 with BOM, for spreadsheet users)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Row = Mapping[str, Any]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    if isinstance(value, Mapping):
        return "；".join(f"{key} {item}" for key, item in value.items())
    return str(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a UTF-8 byte-order mark, so that spreadsheet programs read the Chinese text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def render(rows: Sequence[Row], columns: Mapping[str, str], output_format: str) -> str:
    """*rows* in *output_format*; *columns* maps each key to its (Chinese) heading for text and CSV."""
    if output_format == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        return csv_text(list(columns.values()), ([_cell(row[key]) for key in columns] for row in rows))
    table = [list(columns.values())] + [[_cell(row[key]) for key in columns] for row in rows]
    widths = [max(_width(line[i]) for line in table) for i in range(len(columns))]
    return "".join(
        "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(line, widths, strict=True)).rstrip() + "\n"
        for line in table
    )
