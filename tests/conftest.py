"""Shared fixtures, and the hypothesis profiles.

``make test`` (and CI) run the properties derandomized: the same examples every
time, so that a run passes or fails for the code, not for the draw. ``make fuzz``
(``HYPOTHESIS_PROFILE=fuzz``) draws new examples, many more, to find what the
fixed ones miss; a failure it finds becomes an explicit test.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from peereval.cli.main import run as cli_run

settings.register_profile(
    "test", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "test"))


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def run() -> Callable[..., Ran]:
    """Run ``peereval ARGS…`` in-process, as a user would, and capture what it prints."""

    def invoke(*args: str) -> Ran:
        runner = CliRunner()
        with runner.isolation() as (stdout, stderr, _):
            code = cli_run(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
        return Ran(code, stdout.getvalue().decode("utf-8"), stderr.getvalue().decode("utf-8"))

    return invoke
