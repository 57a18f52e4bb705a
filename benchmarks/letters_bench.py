"""Time ``peereval letters`` against raw WeasyPrint on the same HTML (issue 8, item 5).

    python benchmarks/letters_bench.py [N] [--seed S] [--repeat R] [--keep] [--json]

Generates a valid repository with N cases (default 1,000; see generate.py) in a
temporary folder, or reuses ``benchmarks/out/letters-N`` when it exists (``--keep``
generates into it). Every letter the repository issues on generate.AS_OF (one
conclusion letter per case and each round's notice) is then rendered four ways:

1. raw WeasyPrint, in this process, one letter after another, on the HTML that
   peereval renders from the templates: ``HTML(string=…).write_pdf(stylesheets=[css],
   font_config=…)`` with the stylesheet and the FontConfiguration made once per
   chunk of CHUNK letters — the least any tool can do to turn that HTML into PDFs;
2. peereval with ``jobs=1``: templates, the privacy scan, the content hashes, the
   manifest and atomic writes around the same rendering ("per-letter cost" is this
   wall-clock over the letters, against 1.). 1. and 2. alternate chunk by chunk
   (:func:`raw_and_jobs1`), so that the machine's drift over minutes hits both alike;
3. peereval with ``jobs=2`` into an empty folder ("speed-up" is 2. over 3.);
4. the comments of one scoresheet edited, the letters rendered again into 3.'s
   folder: how many letters render (the target is exactly one).

With ``--repeat R`` steps 1.–3. run R times, interleaved, and the best time of each
counts: the machine is shared, and noise should not decide the comparison.
Targets: per-letter cost within 10% of raw WeasyPrint, ≥ 1.7× with 2 jobs, one
letter re-rendered. Markdown on stdout; ``--json`` for machines. The full run
(N = 1,000) renders the 1,001 letters three times (about 20 minutes on 2 cores; `--repeat R` multiplies it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

from generate import AS_OF, generate
from peereval.load.repo import LoadResult, load_repository
from peereval.publish.letters import Batch, default_template_dir, render_batch, repository_batches
from peereval.publish.letters_pdf import check_toolchain

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
TARGET_OVERHEAD = 0.10
CHUNK = 100  # letters rendered by one side before the other side renders them
TARGET_SPEEDUP = 1.7


@dataclass
class Results:
    n: int
    letters: int
    raw_seconds: float
    jobs1_seconds: float
    jobs2_seconds: float
    rerendered: int
    cores: int
    versions: dict[str, str]

    @property
    def overhead(self) -> float:
        return self.jobs1_seconds / self.raw_seconds - 1

    @property
    def speedup(self) -> float:
        return self.jobs1_seconds / self.jobs2_seconds

    def targets(self) -> dict[str, bool]:
        return {
            "per_letter_within_10_percent": self.overhead <= TARGET_OVERHEAD,
            "speedup_2_jobs_at_least_1.7": self.speedup >= TARGET_SPEEDUP,
            "one_case_change_rerenders_one": self.rerendered == 1,
        }


@contextmanager
def repository(n: int, seed: int, keep: bool) -> Iterator[Path]:
    kept = OUT / f"letters-{n}"
    if kept.is_dir() and any(kept.iterdir()):
        yield kept
        return
    if keep:
        generate(n, kept, seed)
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="letters-bench-") as folder:
        generate(n, Path(folder) / "repo", seed)
        yield Path(folder) / "repo"


def batches(repo: Path, loaded: LoadResult, out: Path) -> list[Batch]:
    """Every letter of *repo* as HTML (templates and the privacy scan included), for ``out/<round>/``."""
    rounds = list(loaded.repository.rounds)
    found = repository_batches(
        loaded, out, repo=repo, as_of=AS_OF, rounds=rounds, template_dir=default_template_dir(repo), epoch=None
    )
    return [batch for _, batch in found]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def raw_weasyprint(html: list[str], template_dir: Path) -> None:
    """The same HTML through WeasyPrint alone: one stylesheet, one FontConfiguration, no files written."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    css = CSS(filename=str(template_dir / "letters.css"), font_config=font_config)
    base_url = template_dir.as_uri() + "/"
    for page in html:
        HTML(string=page, base_url=base_url).write_pdf(stylesheets=[css], font_config=font_config)


def peereval_letters(repo: Path, loaded: LoadResult, out: Path, *, jobs: int) -> int:
    """What ``peereval letters --jobs J`` does once the repository is loaded (as any tool must):
    HTML, privacy scan, hashes, rendering, atomic writes, manifest. Returns the letters rendered."""
    template_dir = default_template_dir(repo)
    found = batches(repo, loaded, out)
    return sum(len(render_batch(batch, template_dir=template_dir, jobs=jobs).rendered) for batch in found)


def raw_and_jobs1(repo: Path, loaded: LoadResult, out: Path) -> tuple[float, float]:
    """Raw WeasyPrint and ``peereval letters --jobs 1`` on the same letters, alternating every CHUNK letters.

    A shared machine's speed drifts over minutes; whole phases one after the other (raw, then
    peereval) would measure the drift as much as the tools. Each chunk is rendered by both, one
    right after the other; peereval's side also pays, once, for its templates and privacy scan.
    Both sides set up their stylesheet and FontConfiguration once per chunk.
    """
    template_dir = default_template_dir(repo)
    started = time.perf_counter()
    found = batches(repo, loaded, out)
    prepared = time.perf_counter() - started
    raw = ours = 0.0
    for batch in found:
        names = sorted(batch.pages)
        for start in range(0, len(names), CHUNK):
            chunk = {name: batch.pages[name] for name in names[start : start + CHUNK]}
            part = Batch(out_dir=batch.out_dir / f"part-{start}", pages=chunk)
            raw += timed(partial(raw_weasyprint, [page for _, page in chunk.values()], template_dir))
            ours += timed(partial(render_batch, part, template_dir=template_dir, jobs=1))
    return raw, prepared + ours


def change_one_case(repo: Path) -> None:
    """Append a sentence to the comments of one scoresheet: one conclusion letter changes, nothing else."""
    sheet = sorted((repo / "scoresheets").glob("*/*/E*.yaml"))[0]
    text = sheet.read_text(encoding="utf-8")
    if "\ncomments: " not in text:
        raise SystemExit(f"{sheet} has no comments line to change")
    sheet.write_text(text.replace("\ncomments: ", "\ncomments: 基准测试补充意见。", 1), encoding="utf-8")


def run(n: int, seed: int, keep: bool, repeat: int) -> Results:
    check_toolchain()
    with repository(n, seed, keep) as source, tempfile.TemporaryDirectory(prefix="letters-out-") as folder:
        work = Path(folder)
        repo = Path(shutil.copytree(source, work / "repo"))  # step 4 edits it
        template_dir = default_template_dir(repo)
        loaded = load_repository(repo)
        html = [page for batch in batches(repo, loaded, work / "html") for _, page in batch.pages.values()]
        raw_weasyprint(html[:1], template_dir)  # warm up fontconfig and Pango for both, untimed
        raws, ones, twos = [], [], []
        for run_index in range(repeat):  # interleaved, best of each: a shared machine's noise hits both alike
            raw_seconds, jobs1_seconds = raw_and_jobs1(repo, loaded, work / f"jobs1-{run_index}")
            raws.append(raw_seconds)
            ones.append(jobs1_seconds)
            twos.append(timed(partial(peereval_letters, repo, loaded, work / f"jobs2-{run_index}", jobs=2)))
        raw, jobs1, jobs2 = min(raws), min(ones), min(twos)
        change_one_case(repo)
        rerendered = peereval_letters(repo, load_repository(repo), work / "jobs2-0", jobs=2)
    versions = {name: metadata.version(name) for name in ("weasyprint", "pydyf", "fonttools")}
    return Results(n, len(html), raw, jobs1, jobs2, rerendered, os.cpu_count() or 1, versions)


def markdown(results: Results) -> str:
    per = results.letters
    ok = results.targets()
    rows = [
        ("raw WeasyPrint, same HTML, 1 process", results.raw_seconds, ""),
        ("peereval letters, jobs=1", results.jobs1_seconds, f"{results.overhead:+.1%} per letter"),
        ("peereval letters, jobs=2", results.jobs2_seconds, f"{results.speedup:.2f}× faster than jobs=1"),
    ]
    lines = [
        f"## Letters: N = {results.n} cases, {per} letters, {results.cores} cores",
        "",
        "| run | wall (s) | ms per letter | |",
        "| --- | ---: | ---: | --- |",
        *(f"| {name} | {seconds:.1f} | {1000 * seconds / per:.0f} | {note} |" for name, seconds, note in rows),
        "",
        f"One scoresheet's comments changed: {results.rerendered} letter(s) rendered again.",
        "",
        "| target | met |",
        "| --- | --- |",
        *(f"| {name} | {'yes' if met else 'NO'} |" for name, met in ok.items()),
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in results.versions.items()),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time peereval letters against raw WeasyPrint.")
    parser.add_argument("n", type=int, nargs="?", default=1000, metavar="N", help="number of cases (default 1000)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=1, help="runs of 1.–3., interleaved; the best of each counts")
    parser.add_argument("--keep", action="store_true", help="generate into benchmarks/out/letters-N and reuse it")
    parser.add_argument("--json", action="store_true", help="JSON on stdout instead of Markdown")
    args = parser.parse_args(argv)
    results = run(args.n, args.seed, args.keep, args.repeat)
    if args.json:
        payload: dict[str, Any] = {**asdict(results), "overhead": results.overhead, "speedup": results.speedup}
        print(json.dumps({**payload, "targets": results.targets()}, ensure_ascii=False, indent=2))
    else:
        print(markdown(results), end="")
    return 0 if all(results.targets().values()) else 1


if __name__ == "__main__":
    sys.exit(main())
