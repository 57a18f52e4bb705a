"""Shared fixtures; hypothesis profiles ``dev`` (default) and ``ci`` (CI=true)."""

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

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


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
