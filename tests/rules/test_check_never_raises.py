"""Whatever staff type, ``peereval check`` answers with problems, never a traceback."""

from __future__ import annotations

import datetime
import re
import tempfile
from pathlib import Path

import pytest
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
        "1e308",
        "-.inf",
        ".NaN",
        "0.25",
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


# Every number the small repository holds, written as a value (``key: 40`` or ``{points: 40}``).
NUMBER = re.compile(r"(?<=: )-?[0-9]+(?:\.[0-9]+)?(?=[ ,}\]]|$)", re.MULTILINE)
EXTREMES = ["1e400", "-1e400", "1e308", "-1e308", ".inf", "-.Inf", ".NAN", "999999999999999999", "-0.0", "0.1"]


def numbers_replaced(value: str) -> list[dict[str, str]]:
    """One repository per number in the small repository, that number replaced by ``value``."""
    variants = []
    for path, text in sorted(files().items()):
        for match in NUMBER.finditer(text):
            variant = files()
            variant[path] = text[: match.start()] + value + text[match.end() :]
            variants.append(variant)
    return variants


@pytest.mark.parametrize("value", EXTREMES)
def test_check_never_raises_on_an_extreme_number_in_any_numeric_field(value: str) -> None:
    """The random test above found ``1e400`` in a score only once in many runs: every field, every time."""
    variants = numbers_replaced(value)
    assert len(variants) > 20  # the pattern still finds the numbers of the small repository
    for contents in variants:
        with tempfile.TemporaryDirectory() as folder:
            problems = run_check(write(Path(folder), contents), as_of=datetime.date(2025, 12, 20))
        assert all(problem.code and problem.path for problem in problems)
