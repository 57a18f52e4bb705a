"""The shape the code keeps: every problem code is defined once, and the core never touches the edges."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from peereval.problems import CODES

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "peereval"
CODE_LITERAL = re.compile(r"""["']([EW]-[A-Z0-9]+(?:-[A-Z0-9]+)+)["']""")
CORE = ["model.py", "problems.py", "calendar.py", "rules"]
EDGES = ("peereval.load", "peereval.gitsign", "peereval.cli", "peereval.publish.site", "peereval.publish.letters")
FORBIDDEN_IN_CORE = ("subprocess", "git", "os", "pathlib", "shutil", "random", "time")


def python_files(*names: str) -> list[Path]:
    found: list[Path] = []
    for name in names:
        path = PACKAGE / name
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return [path for path in found if path.exists()]


def test_every_emitted_code_is_defined_in_codes() -> None:
    emitted = {
        code
        for path in python_files(".")
        if path.name != "problems.py"
        for code in CODE_LITERAL.findall(path.read_text(encoding="utf-8"))
    }
    assert emitted - set(CODES) == set()


def test_codes_are_slugs_with_a_severity_prefix() -> None:
    assert all(re.fullmatch(r"[EW]-[A-Z0-9]+(-[A-Z0-9]+)+", code) for code in CODES)


@pytest.mark.parametrize("path", python_files(*CORE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_core_imports_no_edge_and_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not {name for name in imported if name.startswith(EDGES)}
    assert not {name for name in imported if name.split(".")[0] in FORBIDDEN_IN_CORE}


@pytest.mark.parametrize("path", python_files(*CORE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_core_never_reads_the_clock(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "date.today(" not in text and "datetime.now(" not in text
