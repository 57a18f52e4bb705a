"""Time ``peereval site`` at two sizes against a plain Material build of the same page count, in one run.

    python benchmarks/site_bench.py [N1 N2] [--keep] [--json]      (default: 1000 10000)

For each N, a valid synthetic repository with N cases (generate.py; reused from
``benchmarks/out/N`` when it exists, ``--keep`` generates into it) is built three ways:

- **site**: ``build_site`` as ``peereval site`` runs it: load, view models, Jinja2 pages
  and open data, the docs folder synchronised, MkDocs Material (search with jieba), the
  privacy scan of every file, site/ synchronised. Best of one cold build (fresh folders).
- **rebuild**: the same again on the same folders: nothing changed, nothing is rewritten.
- **plain**: MkDocs Material alone, with the project's mkdocs.yml (search lang zh with
  jieba, case folders out of the nav), on as many Markdown pages of the same length,
  without our templates, data or scans: what any Material site of that size costs.

Targets (issue 7): the marginal cost of a case page, (T(N2) − T(N1)) / (N2 − N1), at most
15 ms; T(N2) / T(N1) at most 12 (linear: 10 for 1,000 → 10,000). Markdown on stdout,
``--json`` for machines. Wall-clock seconds, one process (jieba's dictionary is loaded
before any timing, so neither side pays it).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import jieba

from generate import AS_OF, generate
from peereval.publish.files import PROJECT_ROOT
from peereval.publish.site import SitePaths, build_site, load_mkdocs_config, run_mkdocs

OUT = Path(__file__).resolve().parent / "out"
PRIVATE_NAME = re.compile(r"(\s+(?:- )?name: )(.+)$")
MARK = "（当事人）"
MARGINAL_TARGET_MS = 15.0
RATIO_TARGET = 12.0


@dataclass(frozen=True, slots=True)
class Sizing:
    n: int
    pages: int
    site_s: float
    rebuild_s: float
    rebuild_written: int
    plain_s: float


def repository(n: int, work: Path, *, keep: bool) -> Path:
    """benchmarks/out/N when it exists; else a fresh repository (into benchmarks/out/N with *keep*)."""
    kept = OUT / str(n)
    if not (kept.is_dir() and any(kept.iterdir())):
        kept = kept if keep else work / f"repo-{n}"
        started = time.perf_counter()
        files = generate(n, kept)
        print(f"generated {files} files for N = {n} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    distinct_clients(kept)
    return kept


def distinct_clients(repo: Path) -> None:
    """Mark every name of a client or party as such, as the demo data does (苏金雀（示例受援人）).

    generate.py draws the names of clients, parties and handlers from one list, so a
    client or party can share a handler's name, and the privacy scan rightly refuses a
    site that shows it: it cannot tell whose name a page shows. Real data can do the
    same; here the benchmark needs a site that publishes.
    """
    for path in sorted((repo / "cases").glob("*/*.yaml")):
        lines, block, changed = path.read_text(encoding="utf-8").split("\n"), "", False
        for index, line in enumerate(lines):
            if line and not line[0].isspace():
                block = line.split(":", 1)[0]
            elif block in {"client", "parties"} and (match := PRIVATE_NAME.match(line)) and MARK not in line:
                lines[index], changed = f"{match.group(1)}{match.group(2)}{MARK}", True
        if changed:
            path.write_text("\n".join(lines), encoding="utf-8")


def plain_docs(docs: Path, like: Path) -> int:
    """As many Markdown pages as *like* holds, of the same sizes, in the same folders: plain text and a table."""
    count = 0
    for source in sorted(like.rglob("*.md")):
        target = docs / source.relative_to(like)
        target.parent.mkdir(parents=True, exist_ok=True)
        size = len(source.read_text(encoding="utf-8"))
        body = "评估理由：承办人及时会见受援人，调查取证充分，辩护意见被法院采纳。\n\n" * max(1, size // 120)
        target.write_text(f"# 页面 {count}\n\n| 项目 | 内容 |\n| --- | --- |\n| 编号 | {count} |\n\n{body}", "utf-8")
        count += 1
    return count


def measure(n: int, work: Path, *, keep: bool) -> Sizing:
    repo = repository(n, work, keep=keep)
    area = work / f"site-{n}"
    paths = SitePaths(
        repo=repo,
        config_file=PROJECT_ROOT / "mkdocs.yml",
        templates=PROJECT_ROOT / "site_templates" / "site",
        docs_dir=area / "build" / "docs",
        site_dir=area / "site",
        letters_dir=area / "build" / "letters",
    )
    started = time.perf_counter()
    first = build_site(paths, as_of=AS_OF)
    site_s = time.perf_counter() - started
    if not first.published:
        raise SystemExit(f"N = {n}: the build did not publish: {first.leaks or first.remote}")
    started = time.perf_counter()
    again = build_site(paths, as_of=AS_OF)
    rebuild_s = time.perf_counter() - started
    assert again.site is not None
    plain = work / f"plain-{n}"
    pages = plain_docs(plain / "docs", paths.docs_dir)
    config = load_mkdocs_config(PROJECT_ROOT / "mkdocs.yml", docs_dir=plain / "docs", site_dir=plain / "site")
    started = time.perf_counter()
    run_mkdocs(config)
    plain_s = time.perf_counter() - started
    shutil.rmtree(area, ignore_errors=True)
    shutil.rmtree(plain, ignore_errors=True)
    return Sizing(n, pages, site_s, rebuild_s, again.site.written, plain_s)


def marginal_ms(small: Sizing, large: Sizing, seconds: str) -> float:
    return 1000 * (getattr(large, seconds) - getattr(small, seconds)) / (large.n - small.n)


def report(small: Sizing, large: Sizing) -> dict[str, object]:
    site_ms, plain_ms = marginal_ms(small, large, "site_s"), marginal_ms(small, large, "plain_s")
    ratio = large.site_s / small.site_s
    return {
        "sizes": [asdict(small), asdict(large)],
        "marginal_ms_per_case": {"site": round(site_ms, 2), "plain": round(plain_ms, 2)},
        "ratio": {"site": round(ratio, 2), "plain": round(large.plain_s / small.plain_s, 2)},
        "targets_met": site_ms <= MARGINAL_TARGET_MS and ratio <= RATIO_TARGET,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def markdown(result: dict[str, object], sizes: Sequence[Sizing]) -> str:
    lines = [
        "| N | pages | peereval site (s) | rebuild, nothing changed (s) | files rewritten | plain Material (s) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {s.n} | {s.pages} | {s.site_s:.1f} | {s.rebuild_s:.1f} | {s.rebuild_written} | {s.plain_s:.1f} |"
        for s in sizes
    ]
    marginal, ratio = result["marginal_ms_per_case"], result["ratio"]
    assert isinstance(marginal, dict) and isinstance(ratio, dict)
    lines += [
        "",
        f"Marginal cost per case page: site {marginal['site']} ms (target ≤ {MARGINAL_TARGET_MS:g}), "
        f"plain Material {marginal['plain']} ms.",
        f"T(N2)/T(N1): site {ratio['site']} (target ≤ {RATIO_TARGET:g}), plain Material {ratio['plain']}.",
        f"Targets met: {'yes' if result['targets_met'] else 'NO'}; peak RSS {result['peak_rss_mb']} MB.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 10000], metavar="N", help="two sizes")
    parser.add_argument("--keep", action="store_true", help="generate into benchmarks/out/N to reuse next time")
    parser.add_argument("--json", action="store_true", help="JSON on stdout instead of Markdown")
    args = parser.parse_args(argv)
    if len(args.sizes) != 2 or args.sizes[0] >= args.sizes[1]:
        parser.error("give two sizes, the smaller first")
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.initialize()
    with tempfile.TemporaryDirectory(prefix="site-bench-") as folder:
        sizes = [measure(n, Path(folder), keep=args.keep) for n in args.sizes]
    result = report(sizes[0], sizes[1])
    print(json.dumps(result, indent=1) if args.json else markdown(result, sizes))
    return 0 if result["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
