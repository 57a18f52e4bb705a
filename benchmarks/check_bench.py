"""Time ``peereval check`` against check-jsonschema on the same files, in one run.

    python benchmarks/check_bench.py [N] [--seed S] [--keep] [--repeat R] [--no-baseline] [--json]

Generates a valid repository with N cases (default 10,000; see generate.py) in a
temporary folder, or reuses ``benchmarks/out/N`` when it exists (``--keep``
generates into it, to reuse next time). Then it measures, on the same YAML files:

- libyaml alone: ``yaml.load(bytes, Loader=yaml.CSafeLoader)`` over every file, for reference;
- ``peereval check`` in-process (``run_check``, best of R, default 3): schemas and every cross-record rule;
- ``peereval check --repo DIR --as-of 2025-12-20`` as a subprocess (best of R): the wall-clock a user sees;
- check-jsonschema with the package's schemas: one invocation per record kind,
  ``--schemafile scripts/peereval/schemas/<kind>.schema.json`` and that kind's files (more than one
  invocation only when the list would exceed the OS argument limit). Its relative ``$ref``s to
  defs.schema.json resolve against the schema file's own path; the run first proves it by having
  check-jsonschema reject a broken copy of one summary (a ``$ref``'d pattern and a ``$ref``'d date format).

"files/s per core" is files per CPU-second (user + system, the process and its children):
what one core delivers, however many cores the tool keeps busy ("cores used" = CPU ÷ wall).
The ratio is check-jsonschema's wall-clock over peereval's. Markdown on stdout; ``--json`` for machines.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from generate import AS_OF, generate
from peereval.cli.check import run_check
from peereval.load.repo import classify, iter_yaml_files
from peereval.problems import Problem

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "scripts" / "peereval" / "schemas"
OUT = ROOT / "benchmarks" / "out"
BIN = Path(sys.executable).parent
TARGET_RATIO = 15.0
TARGET_FILES_PER_CORE = 1000.0


@dataclass
class Measurement:
    name: str
    files: int
    seconds: float
    cpu_seconds: float
    invocations: int = 1
    detail: dict[str, float] = field(default_factory=dict)

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds

    @property
    def files_per_core(self) -> float:
        return self.files / self.cpu_seconds

    @property
    def cores_used(self) -> float:
        return self.cpu_seconds / self.seconds


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of *action*."""
    wall, cpu = time.perf_counter(), _cpu()
    action()
    return time.perf_counter() - wall, _cpu() - cpu


def yaml_files_by_kind(repo: Path) -> dict[str, list[str]]:
    """The YAML files ``peereval check`` loads, repository-relative, by record kind."""
    by_kind: dict[str, list[str]] = {}
    for path in iter_yaml_files(repo):
        place = classify(tuple(path.split("/")))
        if place is not None:
            by_kind.setdefault(place.kind, []).append(path)
    return by_kind


def time_libyaml(repo: Path, files: Sequence[str]) -> Measurement:
    def parse_all() -> None:
        for path in files:
            yaml.load((repo / path).read_bytes(), Loader=yaml.CSafeLoader)

    seconds, cpu = _timed(parse_all)
    return Measurement("libyaml parse only (yaml.load, CSafeLoader)", len(files), seconds, cpu)


def time_run_check(repo: Path, files: int, repeat: int) -> Measurement:
    problems: list[Problem] = []

    def check() -> None:
        problems[:] = run_check(repo, as_of=AS_OF)

    runs = [_timed(check) for _ in range(repeat)]
    if problems:
        shown = "\n".join(problem.as_text() for problem in problems[:20])
        raise SystemExit(f"peereval check found {len(problems)} problems in the generated repository:\n{shown}")
    return Measurement(f"peereval check, in-process (run_check, best of {repeat})", files, *min(runs))


def time_peereval_cli(repo: Path, files: int, repeat: int) -> Measurement:
    command = [str(_tool("peereval")), "check", "--repo", str(repo), "--as-of", AS_OF.isoformat()]
    runs = [_timed(lambda: _run(command, expect=0)) for _ in range(repeat)]
    return Measurement(f"peereval check, subprocess (`peereval check --repo DIR`, best of {repeat})", files, *min(runs))


def _tool(name: str) -> Path:
    beside = BIN / name
    found = beside if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found next to {sys.executable} nor on PATH")
    return Path(found)


def _run(command: Sequence[str], *, expect: int, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != expect:
        raise SystemExit(
            f"{' '.join(command[:4])} … exited {done.returncode}, expected {expect}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return done


def _batches(paths: Sequence[str], fixed: Sequence[str]) -> Iterator[list[str]]:
    """*paths* in as few groups as fit the OS argument limit after *fixed* and the environment."""
    budget = os.sysconf("SC_ARG_MAX") - sum(len(k) + len(v) + 2 for k, v in os.environ.items()) - 65536
    budget -= sum(len(arg) + 1 for arg in fixed)
    batch: list[str] = []
    used = 0
    for path in paths:
        if batch and used + len(path) + 1 > budget:
            yield batch
            batch, used = [], 0
        batch.append(path)
        used += len(path) + 1
    if batch:
        yield batch


def _check_jsonschema(kind: str) -> list[str]:
    return [str(_tool("check-jsonschema")), "--schemafile", str(SCHEMAS / f"{kind}.schema.json")]


def verify_check_jsonschema(repo: Path, summary: str) -> None:
    """check-jsonschema really validates: it rejects a broken copy of *summary* for the right reasons.

    ``writer``'s pattern and ``submitted_on``'s date format both live in defs.schema.json, reached
    through relative ``$ref``s: a rejection of both proves the references resolve.
    """
    text = (repo / summary).read_text(encoding="utf-8")
    broken = text.replace("\nwriter: E", "\nwriter: X", 1)
    lines = [line for line in broken.split("\n") if not line.startswith("submitted_on:")]
    broken = "\n".join(lines).rstrip("\n") + "\nsubmitted_on: 2025-02-30\n"
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "summary.yaml"
        copy.write_text(broken, encoding="utf-8")
        done = _run([*_check_jsonschema("summary"), "--output-format", "json", str(copy)], expect=1)
    report = json.loads(done.stdout)
    paths = {error["path"] for error in report.get("errors", [])}
    if report.get("parse_errors") or not {"$.writer", "$.submitted_on"} <= paths:
        raise SystemExit(f"check-jsonschema did not reject the broken summary as expected: {done.stdout}")
    _run([*_check_jsonschema("summary"), str(repo / summary)], expect=0)


def time_check_jsonschema(repo: Path, by_kind: dict[str, list[str]]) -> Measurement:
    files = invocations = 0
    seconds = cpu = 0.0
    detail: dict[str, float] = {}
    for kind, paths in sorted(by_kind.items()):
        for batch in _batches(paths, _check_jsonschema(kind)):
            spent, used = _timed(partial(_run, [*_check_jsonschema(kind), *batch], expect=0, cwd=repo))
            seconds, cpu, invocations = seconds + spent, cpu + used, invocations + 1
            detail[kind] = detail.get(kind, 0.0) + spent
        files += len(paths)
    name = f"check-jsonschema ({invocations} invocations, one per kind)"
    return Measurement(name, files, seconds, cpu, invocations, detail)


def _row(measurement: Measurement, baseline: Measurement | None) -> str:
    ratio = f"{baseline.seconds / measurement.seconds:.1f}×" if baseline is not None else "–"
    return (
        f"| {measurement.name} | {measurement.files:,} | {measurement.seconds:.2f} | {measurement.cpu_seconds:.2f} "
        f"| {measurement.cores_used:.2f} | {measurement.files_per_second:,.0f} | {measurement.files_per_core:,.0f} | {ratio} |"
    )


def _versions() -> dict[str, str]:
    names = ("pyyaml", "jsonschema", "fastjsonschema", "check-jsonschema", "ruamel.yaml")
    found = {"python": platform.python_version()}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def _targets(check: Measurement, baseline: Measurement | None) -> dict[str, Any]:
    ratio = baseline.seconds / check.seconds if baseline is not None else None
    return {
        "ratio": ratio,
        "ratio_target": TARGET_RATIO,
        "ratio_met": ratio is not None and ratio >= TARGET_RATIO,
        "files_per_core": check.files_per_core,
        "files_per_core_target": TARGET_FILES_PER_CORE,
        "files_per_core_met": check.files_per_core >= TARGET_FILES_PER_CORE,
    }


def markdown(setup: dict[str, Any], results: Sequence[Measurement], baseline: Measurement | None) -> str:
    """The results as Markdown: what ran where, the table, and the targets."""
    versions = ", ".join(f"{name} {version}" for name, version in setup["versions"].items())
    lines = [
        f"N = {setup['n']:,} cases, {setup['files']:,} YAML files ({setup['repo_note']}); "
        f"{setup['cores']} cores, {setup['platform']}; {versions}",
        "",
        "| what | files | seconds | CPU s | cores used | files/s | files/s per core | check-jsonschema ÷ this |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [_row(measurement, baseline) for measurement in results]
    check = results[2]
    targets = _targets(check, baseline)
    verdict = {True: "met", False: "NOT met"}
    lines.append("")
    if targets["ratio"] is not None:
        lines.append(
            f"- Target ≥ {TARGET_RATIO:g}× faster than check-jsonschema (subprocess wall-clock): "
            f"{targets['ratio']:.1f}×, {verdict[targets['ratio_met']]}."
        )
    lines.append(
        f"- Target ≥ {TARGET_FILES_PER_CORE:,.0f} files/s per core (subprocess): {targets['files_per_core']:,.0f}, "
        f"{verdict[targets['files_per_core_met']]}."
    )
    if baseline is not None and baseline.detail:
        spent = ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in sorted(baseline.detail.items()))
        lines.append(f"- check-jsonschema by kind: {spent}.")
    return "\n".join(lines) + "\n"


@contextmanager
def repository(n: int, seed: int, keep: bool) -> Iterator[tuple[Path, str]]:
    """benchmarks/out/N when present (or with *keep*), else a temporary folder."""
    reused = OUT / str(n)
    if reused.is_dir() and any(reused.iterdir()):
        yield reused, f"reused {reused.relative_to(ROOT)}"
        return
    if keep:
        started = time.perf_counter()
        generate(n, reused, seed)
        yield reused, f"generated into {reused.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s"
        return
    with tempfile.TemporaryDirectory(prefix="peereval-bench-") as folder:
        started = time.perf_counter()
        generate(n, Path(folder) / "repo", seed)
        yield Path(folder) / "repo", f"generated in a temporary folder in {time.perf_counter() - started:.1f} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time peereval check against check-jsonschema on the same files.")
    parser.add_argument("n", type=int, nargs="?", default=10000, metavar="N", help="cases (default 10000)")
    parser.add_argument("--seed", type=int, default=2025, help="generator seed (default 2025)")
    parser.add_argument("--keep", action="store_true", help="generate into benchmarks/out/N and keep it")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of peereval check, in-process and as a subprocess; the best counts (timeit's rule: the fastest "
        "run is the one the machine's other load disturbed least)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip check-jsonschema (minutes at N=10000)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args(argv)
    with repository(args.n, args.seed, args.keep) as (repo, note):
        by_kind = yaml_files_by_kind(repo)
        files = [path for paths in by_kind.values() for path in paths]
        results = [
            time_libyaml(repo, files),
            time_run_check(repo, len(files), args.repeat),
            time_peereval_cli(repo, len(files), args.repeat),
        ]
        baseline = None
        if not args.no_baseline:
            verify_check_jsonschema(repo, by_kind["summary"][0])
            baseline = time_check_jsonschema(repo, by_kind)
            results.append(baseline)
    setup = {
        "n": args.n,
        "seed": args.seed,
        "files": len(files),
        "files_by_kind": {kind: len(paths) for kind, paths in sorted(by_kind.items())},
        "repo_note": note,
        "cores": os.cpu_count(),
        "platform": f"{platform.system()} {platform.machine()}",
        "versions": _versions(),
        "as_of": AS_OF.isoformat(),
        "date": datetime.date.today().isoformat(),
    }
    if args.json:
        rows = [
            {
                **asdict(m),
                "files_per_second": m.files_per_second,
                "files_per_core": m.files_per_core,
                "cores_used": m.cores_used,
            }
            for m in results
        ]
        print(
            json.dumps(
                {"setup": setup, "results": rows, "targets": _targets(results[2], baseline)},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(markdown(setup, results, baseline), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
