"""docs/codes.md is the table of every problem code; this test keeps it true.

Regenerate after adding a code: ``UPDATE_DOCS=1 .venv/bin/pytest tests/test_docs.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

from peereval.problems import CODES

CODES_DOC = Path(__file__).resolve().parents[1] / "docs" / "codes.md"


def render_codes() -> str:
    lines = [
        "# Problem codes",
        "",
        "Every problem `peereval` reports carries one of these stable codes: `E-` errors fail the check,",
        "`W-` warnings do not. Messages are in Chinese and may change; codes do not. This page is generated",
        "from `CODES` in `scripts/peereval/problems.py` (a test fails when they differ).",
        "",
        "| code | article | meaning |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{code}` | {entry.article or '—'} | {entry.summary} |" for code, entry in sorted(CODES.items())]
    return "\n".join(lines) + "\n"


def test_the_codes_page_lists_every_code() -> None:
    if os.environ.get("UPDATE_DOCS"):
        CODES_DOC.write_text(render_codes(), encoding="utf-8")
    assert CODES_DOC.read_text(encoding="utf-8") == render_codes()
