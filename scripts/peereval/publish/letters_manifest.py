"""The content-hash manifest of a folder of letters: which PDFs are current (issue 8, item 5).

``<folder>/.manifest.json`` maps each letter's name to its file, the SHA-256 of
its inputs and the SHA-256 of the PDF written. The inputs are the letter's view
model, its HTML, every file of the templates folder, the CJK font files the
stylesheet names, WeasyPrint's version and :data:`FORMAT`. A letter is current
when its inputs hash is unchanged and its PDF is still the one written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from peereval.publish.files import write_text_atomic
from peereval.publish.letter_models import Letter
from peereval.publish.letters_pdf import zh_fonts

MANIFEST = ".manifest.json"
FORMAT = 2  # bump when the rendering changes in a way the inputs do not show
_FAMILY = re.compile(r'"([^"]+)"')


@cache
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _digest_files(paths: Iterable[Path], *, key: Callable[[Path], str]) -> dict[str, str]:
    """SHA-256 of each file's content (computed once per process for a path, size and mtime)."""
    return {key(path): _file_digest(str(path), (s := path.stat()).st_size, s.st_mtime_ns) for path in sorted(paths)}


def shared_inputs(template_dir: Path) -> str:
    """The hash of what every letter depends on: templates, stylesheet, the CJK fonts it names, WeasyPrint."""
    files = [path for path in template_dir.iterdir() if path.is_file()]
    named = set(_FAMILY.findall((template_dir / "letters.css").read_text(encoding="utf-8")))
    fonts = [Path(path) for path, families in zh_fonts() if named.intersection(families)]
    payload = {
        "format": FORMAT,
        "weasyprint": version("weasyprint"),
        "templates": _digest_files(files, key=lambda path: path.name),
        "fonts": _digest_files(fonts, key=str),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def letter_digest(letter: Letter, html: str, shared: str) -> str:
    view = json.dumps(dataclasses.asdict(letter), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256("\0".join((shared, view, html)).encode()).hexdigest()


def read_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("letters", {}) if isinstance(data, dict) and data.get("format") == FORMAT else {}


def is_current(out_dir: Path, entry: dict[str, Any] | None, digest: str) -> bool:
    if entry is None or entry.get("inputs") != digest:
        return False
    try:
        return hashlib.sha256((out_dir / entry["file"]).read_bytes()).hexdigest() == entry.get("sha256")
    except OSError:
        return False


def write_manifest(out_dir: Path, letters: Mapping[str, dict[str, Any]]) -> None:
    """Record *letters* (name → file, inputs, sha256) as the folder's manifest, atomically."""
    payload = {"format": FORMAT, "letters": dict(sorted(letters.items()))}
    write_text_atomic(out_dir / MANIFEST, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
