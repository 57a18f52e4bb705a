"""Reporters: problems as text (``path:line:column: CODE message``) or JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from peereval.problems import Problem, Severity, problem_sort_key


def report_text(problems: Sequence[Problem], out: TextIO) -> None:
    for problem in sorted(problems, key=problem_sort_key):
        out.write(problem.as_text() + "\n")
    errors = sum(problem.severity is Severity.ERROR for problem in problems)
    warnings = len(problems) - errors
    sys.stderr.write(f"{errors} 个错误，{warnings} 个警告\n" if problems else "检查通过，未发现问题\n")


def report_json(problems: Sequence[Problem], out: TextIO) -> None:
    payload = [problem.as_json() for problem in sorted(problems, key=problem_sort_key)]
    json.dump(payload, out, ensure_ascii=False, indent=2)
    out.write("\n")


REPORTER_BY_NAME: dict[str, Callable[[Sequence[Problem], TextIO], None]] = {
    "text": report_text,
    "json": report_json,
}


def exit_code(problems: Sequence[Problem]) -> int:
    """1 when any problem is an error; warnings alone do not fail a check."""
    return 1 if any(problem.severity is Severity.ERROR for problem in problems) else 0
