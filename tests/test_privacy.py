"""Deny by default: views read only public fields; the scan finds private values however encoded."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from peereval.load.visibility import VisibleValue, field_visibility
from peereval.publish.privacy import find_leaks
from peereval.publish.views import HANDLER_FIELDS, PUBLIC_FIELDS

CANARY = VisibleValue("cases/2025/QZ2025-001.yaml", "/client/name", "苏金雀（示例受援人）", "private")


@pytest.mark.parametrize(("kind", "pointer"), PUBLIC_FIELDS, ids=[f"{k}{p}" for k, p in PUBLIC_FIELDS])
def test_the_public_view_reads_only_public_fields(kind: str, pointer: str) -> None:
    assert field_visibility(kind, pointer) == "public"


@pytest.mark.parametrize(("kind", "pointer"), HANDLER_FIELDS, ids=[f"{k}{p}" for k, p in HANDLER_FIELDS])
def test_the_letter_view_reads_only_public_or_handler_fields(kind: str, pointer: str) -> None:
    assert field_visibility(kind, pointer) in {"public", "handler"}


def test_client_fields_are_private_however_the_parent_is_marked() -> None:
    assert field_visibility("case", "/client/name") == "private"
    assert field_visibility("case", "/handler/licence_no") == "private"


ENCODINGS = {
    "plain": "受援人苏金雀（示例受援人）到场",
    "html_entities": "".join(f"&#{ord(c)};" for c in "苏金雀（示例受援人）"),
    "json_escapes": json.dumps({"name": "苏金雀（示例受援人）"}),
    "url_encoded": urllib.parse.quote("苏金雀（示例受援人）"),
    "spaced": "苏 金 雀（示例受援人）",
    "full_width_brackets_as_ascii": "苏金雀(示例受援人)",
}


@pytest.mark.parametrize("text", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_the_scan_finds_the_canary_however_it_is_encoded(text: str) -> None:
    [leak] = find_leaks({"site/index.html": text}, [CANARY])
    assert (leak.output, leak.record, leak.pointer) == ("site/index.html", CANARY.path, "/client/name")
    assert "苏金雀" not in leak.message()


def test_the_scan_passes_clean_output() -> None:
    assert find_leaks({"site/index.html": "承办人曾国华（示例）"}, [CANARY]) == []
