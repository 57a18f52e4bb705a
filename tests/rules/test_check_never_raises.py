"""Whatever staff type, ``peereval check`` answers with problems, never a traceback."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from peereval.cli.check import run_check
from tests.minirepo import files, write

VALUES = st.sampled_from(
    [
        "",
        "~",
        "null",
        "0",
        "-1",
        "100",
        "1e400",
        "2025-02-30",
        "1999-01-01",
        "2030-01-01",
        "E0009",
        "QZ2025-009",
        "excellent",
        "[]",
        "{}",
        "[E0001, E0001]",
        "x: y",
        "'",
        "&a x",
        "*a",
        "!!str x",
        "true",
        "criminal",
        "civil",
        "criminal-v9",
        "10(1)",
        "优秀",
    ]
)


@st.composite
def mutated_repository(draw: st.DrawFn) -> dict[str, str]:
    contents = files()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(sorted(contents)))
        lines = contents[path].splitlines()
        if not lines:
            continue
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["value", "delete", "duplicate", "remove-file"]))
        if action == "value" and ": " in lines[index]:
            key = lines[index].split(": ", 1)[0]
            lines[index] = f"{key}: {draw(VALUES)}"
        elif action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "remove-file":
            contents.pop(path)
            continue
        contents[path] = "\n".join(lines) + "\n"
    return contents


@given(mutated_repository())
def test_check_never_raises_on_a_mutated_repository(contents: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        problems = run_check(write(Path(folder), contents), as_of=datetime.date(2025, 12, 20))
    assert all(problem.code and problem.path for problem in problems)
