"""Read a whole evaluation repository: walk the layout, load, validate, build.

The layout is fixed (ARCHITECTURE.md §1), so a file's place says what it is:
``cases/2025/objections/QZ2025-007.yaml`` is an objection of round 2025 about
case QZ2025-007. A file that fails to load or validate is reported and left
out; everything else goes on, so that one bad file never hides the others.
This module only reads.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peereval.load import records
from peereval.load.schema import Validation
from peereval.load.yaml_strict import Document, load_text
from peereval.model import (
    CalendarYear,
    CaseId,
    ExpertId,
    IndicatorSetId,
    Repository,
    RoundId,
    RoundRecords,
    Scheme,
    Source,
)
from peereval.problems import Problem

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
DATA_FOLDERS = ("experts", "cases", "scoresheets")


@dataclass(frozen=True, slots=True)
class Place:
    """What a path in the layout holds: a record kind and the ids its place implies."""

    kind: str
    round: str | None = None
    case: str | None = None
    name: str | None = None  # the file's stem: an expert, case, set or objection id
    review: bool = False


def classify(parts: tuple[str, ...]) -> Place | None:
    """The :class:`Place` of a repository-relative path, or None if the layout has none."""
    stem = parts[-1].removesuffix(".yaml")
    match parts:
        case ("scheme.yaml",):
            return Place("scheme")
        case ("calendar.yaml",):
            return Place("calendar")
        case ("experts", _):
            return Place("expert", name=stem)
        case ("cases", round_id, "round.yaml"):
            return Place("round", round=round_id)
        case ("cases", round_id, "panels.yaml"):
            return Place("panels", round=round_id)
        case ("cases", round_id, "sample.yaml"):
            return Place("sample", round=round_id)
        case ("cases", round_id, "objections", _):
            return Place("objection", round=round_id, name=stem)
        case ("cases", round_id, _):
            return Place("case", round=round_id, name=stem)
        case ("scoresheets", "indicators", _):
            return Place("indicators", name=stem)
        case ("scoresheets", round_id, case_id, *rest):
            return _classify_case_folder(round_id, case_id, tuple(rest), stem)
    return None


def _classify_case_folder(round_id: str, case_id: str, rest: tuple[str, ...], stem: str) -> Place | None:
    review = rest[:1] == ("review",)
    rest = rest[1:] if review else rest
    match rest:
        case ("summary.yaml",):
            return Place("summary", round=round_id, case=case_id, review=review)
        case ("signatures", _):
            return Place("signature", round=round_id, case=case_id, name=stem, review=review)
        case (_,):
            return Place("scoresheet", round=round_id, case=case_id, name=stem, review=review)
    return None


def _names_in(place: Place) -> Iterator[str]:
    yield from (name for name in (place.round, place.case, place.name) if name is not None)


def iter_yaml_files(root: Path) -> Iterator[str]:
    """Every ``.yaml``/``.yml`` file of the layout, as a repository-relative POSIX path, sorted."""
    for name in ("scheme.yaml", "calendar.yaml"):
        if (root / name).is_file():
            yield name
    for folder in DATA_FOLDERS:
        base = root / folder
        found: list[str] = []
        for directory, subdirs, files in os.walk(base):
            subdirs[:] = [d for d in subdirs if not d.startswith(".")]
            prefix = Path(directory).relative_to(root).as_posix() + "/"
            found.extend(prefix + f for f in files if f.endswith((".yaml", ".yml")))  # strings: 80,000 files
        yield from sorted(found)


@dataclass
class _Collector:
    """Mutable state of one load; frozen into a :class:`Repository` at the end."""

    problems: list[Problem] = field(default_factory=list)
    scheme: Scheme | None = None
    calendar: tuple[CalendarYear, ...] = ()
    experts: dict[ExpertId, Any] = field(default_factory=dict)
    indicator_sets: dict[IndicatorSetId, Any] = field(default_factory=dict)
    rounds: dict[str, dict[str, Any]] = field(default_factory=dict)

    def round_bucket(self, round_id: str) -> dict[str, Any]:
        return self.rounds.setdefault(
            round_id,
            {
                "round": None,
                "cases": {},
                "draw": None,
                "scoresheets": {},
                "summaries": {},
                "signatures": {},
                "review_scoresheets": {},
                "review_summaries": {},
                "review_signatures": {},
                "objections": {},
            },
        )


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The records, the problems, and every loaded document with its kind (for visibility scans)."""

    repository: Repository
    problems: list[Problem]
    documents: dict[str, Document]
    kinds: dict[str, str]


# Below this many files a second process costs more than it saves.
PARALLEL_FROM = 2000
CHUNK = 250

Loaded = tuple[list[Problem], tuple[Document, Place] | None]


def load_repository(root: Path, *, jobs: int | None = None) -> LoadResult:
    """Load every record under *root*, reporting every problem of every file.

    Files are read, parsed and validated in *jobs* processes (default: every
    core for a large repository, one for a small one); records are then built
    and cross-checked in this process, in path order, so the result does not
    depend on *jobs*.
    """
    paths = list(iter_yaml_files(root))
    if jobs is None:
        jobs = (os.cpu_count() or 1) if len(paths) >= PARALLEL_FROM else 1
    collector = _Collector()
    documents: dict[str, Document] = {}
    kinds: dict[str, str] = {}
    for path, (problems, loaded) in zip(paths, _load_all(root, paths, jobs), strict=True):
        collector.problems.extend(problems)
        if loaded is not None:
            document, place = loaded
            documents[path] = document
            kinds[path] = place.kind
            _add(collector, document, place)
    return LoadResult(_freeze(collector), collector.problems, documents, kinds)


def _load_all(root: Path, paths: list[str], jobs: int) -> Iterator[Loaded]:
    if jobs <= 1:
        validation = Validation()
        yield from (_load_one(root, path, validation) for path in paths)
        return
    # Compile every schema before forking, so that the workers inherit the
    # compiled validators instead of compiling them once each.
    validation = Validation(compile_after=0)
    validation.prepare()
    context = multiprocessing.get_context("fork")
    # Small chunks: this process builds records from the first results while the workers go on, and no
    # worker is left with a long last chunk.
    chunk = max(1, min(CHUNK, len(paths) // (jobs * 8)))
    with context.Pool(jobs, initializer=_set_worker_state, initargs=(root, validation)) as pool:
        for path, (problems, accepted) in zip(paths, pool.imap(_load_in_worker, paths, chunksize=chunk), strict=True):
            yield problems, (None if accepted is None else _accepted_document(path, accepted))


_worker_state: dict[str, Any] = {}


def _set_worker_state(root: Path, validation: Validation) -> None:
    _worker_state.update(root=root, validation=validation)


def _load_in_worker(path: str) -> tuple[list[Problem], bytes | None]:
    """A file's problems, and an accepted document as marshal bytes: the parent unpacks 80,000 of them,
    and marshal reads plain data ten times faster than pickle reads the objects."""
    problems, loaded = _load_one(_worker_state["root"], path, _worker_state["validation"])
    if loaded is None:
        return problems, None
    document, place = loaded
    fields = (place.kind, place.round, place.case, place.name, place.review)
    return problems, marshal.dumps((document.data, document.source.sha256, document.raw, fields))


def _accepted_document(path: str, accepted: bytes) -> tuple[Document, Place]:
    data, sha256, raw, fields = marshal.loads(accepted)
    return Document.of(path, data, raw, sha256=sha256), Place(*fields)


def _load_one(root: Path, path: str, validation: Validation) -> Loaded:
    """One file: name → strict YAML → schema → identity; its problems, and the document if it passed."""
    parts = tuple(path.split("/"))
    if parts[-1].endswith(".yml"):
        return [Problem(path, 0, 0, "E-FILE-NAME", "文件扩展名应为 .yaml，不是 .yml")], None
    place = classify(parts)
    if place is None:
        return [Problem(path, 0, 0, "E-FILE-UNEXPECTED", "目录结构中没有这种文件的位置；请检查文件放置的目录")], None
    bad = [name for name in _names_in(place) if not SAFE_NAME.match(name)]
    if bad:
        message = f"名称 {bad[0]!r} 不合规：只能用字母、数字、- 与 _，不含空格，最长 64 个字符"
        return [Problem(path, 0, 0, "E-FILE-NAME", message)], None
    try:
        with open(os.path.join(root, path), "rb") as stream:  # not pathlib: 80,000 files
            raw = stream.read()
    except OSError as error:
        return [Problem(path, 0, 0, "E-FILE-UNREADABLE", f"无法读取文件：{error.strerror}")], None
    document = load_text(path, raw)
    if isinstance(document, Problem):
        return [document], None
    problems = validation.validate(document, place.kind)
    if problems:
        return problems, None
    problems = list(_identity_problems(document, place))
    return problems, (None if problems else (document, place))


# Which field of each kind must repeat which id of its place, e.g. a scoresheet's
# ``expert`` is its file name and its ``case`` the folder it sits in.
_IDENTITY: dict[str, tuple[tuple[str, str], ...]] = {
    "expert": (("id", "name"),),
    "round": (("id", "round"),),
    "sample": (("round", "round"),),
    "case": (("id", "name"),),
    "objection": (("case", "name"),),
    "indicators": (("id", "name"),),
    "scoresheet": (("case", "case"), ("expert", "name")),
    "summary": (("case", "case"),),
}


def _identity_problems(document: Document, place: Place) -> Iterator[Problem]:
    for field_name, place_attribute in _IDENTITY.get(place.kind, ()):
        expected = getattr(place, place_attribute)
        found = document.data[field_name]
        if found != expected:
            code = "E-ID-MISMATCH" if field_name == "id" else "E-REF-MISMATCH"
            message = f"字段 {field_name} 为 {found!r}，但文件位置表明应为 {expected!r}（编号须与文件名、目录名一致）"
            yield document.problem(f"/{field_name}", code, message)


_ROUND_BUILDERS: dict[str, Callable[[Source, Any, RoundId, Place], tuple[str, Any, Any]]] = {
    "round": lambda s, d, r, p: ("round", None, records.build_round(s, d)),
    "panels": lambda s, d, r, p: ("draw", None, records.build_draw(s, d, r)),
    "case": lambda s, d, r, p: ("cases", CaseId(d["id"]), records.build_case(s, d, r)),
    "objection": lambda s, d, r, p: ("objections", CaseId(d["case"]), records.build_objection(s, d, r)),
    "scoresheet": lambda s, d, r, p: (
        "review_scoresheets" if p.review else "scoresheets",
        (CaseId(d["case"]), ExpertId(d["expert"])),
        records.build_scoresheet(s, d, r, review=p.review),
    ),
    "summary": lambda s, d, r, p: (
        "review_summaries" if p.review else "summaries",
        CaseId(d["case"]),
        records.build_summary(s, d, r, review=p.review),
    ),
    "signature": lambda s, d, r, p: (
        "review_signatures" if p.review else "signatures",
        (CaseId(str(p.case)), ExpertId(str(p.name))),
        records.build_signature(s, d, r, CaseId(str(p.case)), ExpertId(str(p.name)), review=p.review),
    ),
}


def _add(collector: _Collector, document: Document, place: Place) -> None:
    source, data = document.source, document.data
    if place.kind == "sample":
        return  # validated here; compared with the export by load.population, which reads the CSV too
    if place.kind == "scheme":
        collector.scheme = records.build_scheme(source, data)
    elif place.kind == "calendar":
        collector.calendar = records.build_calendar(source, data)
    elif place.kind == "expert":
        collector.experts[ExpertId(data["id"])] = records.build_expert(source, data)
    elif place.kind == "indicators":
        collector.indicator_sets[IndicatorSetId(data["id"])] = records.build_indicator_set(source, data)
    else:
        bucket = collector.round_bucket(str(place.round))
        slot, key, record = _ROUND_BUILDERS[place.kind](source, data, RoundId(str(place.round)), place)
        if key is None:
            bucket[slot] = record
        else:
            bucket[slot][key] = record


def _freeze(collector: _Collector) -> Repository:
    rounds: dict[RoundId, RoundRecords] = {}
    for round_id, bucket in sorted(collector.rounds.items()):
        if bucket["round"] is None:
            collector.problems.append(
                Problem(
                    f"cases/{round_id}/round.yaml",
                    0,
                    0,
                    "E-REF-UNKNOWN-ROUND",
                    f"轮次 {round_id!r} 没有 cases/{round_id}/round.yaml，其下文件无法核对",
                )
            )
            continue
        rounds[RoundId(round_id)] = RoundRecords(**bucket)
    if collector.scheme is None and not any(p.path == "scheme.yaml" for p in collector.problems):
        collector.problems.append(Problem("scheme.yaml", 0, 0, "E-FILE-MISSING", "缺少 scheme.yaml（方案参数）"))
    return Repository(
        scheme=collector.scheme,
        calendar=collector.calendar,
        experts=collector.experts,
        indicator_sets=collector.indicator_sets,
        rounds=rounds,
    )
