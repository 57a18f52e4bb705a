"""Read a round's closed-case export (CSV) and its recorded sample (sample.yaml).

The export is the population ``peereval sample`` draws from (Art. 5): UTF-8
(a byte-order mark from a spreadsheet program is accepted), one header row,
the columns of :data:`COLUMNS` in any order, one case per row. Each bad row is
reported with its line number and left out; the good rows go on, but a
command must not draw from an export that has problems. Licence numbers are
private: a message names the column, never the value. This module only reads.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peereval.load.schema import Validation
from peereval.load.yaml_strict import Document, load_text
from peereval.model import CASE_TYPE_LABELS, CaseId, Period, Round, RoundId
from peereval.problems import Problem
from peereval.rules.sample import ClosedCase, Sample, Stratum

COLUMNS = (
    "case_id",
    "number",
    "type",
    "closed_on",
    "handler_name",
    "handler_licence_no",
    "institution_name",
    "institution_code",
    "region",
)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
_LICENCE = re.compile(r"[0-9]{17}\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Population:
    """The good rows of an export, the problems of the bad ones, and the SHA-256 of the file's bytes."""

    path: str
    rows: tuple[ClosedCase, ...]
    problems: tuple[Problem, ...]
    sha256: str


def population_path(round: Round) -> str:
    """The repository-relative path of *round*'s export."""
    return f"cases/{round.id}/{round.population}"


def read_population(root: Path, round: Round) -> Population:
    """Read and check *round*'s export under *root* (:func:`parse_population`)."""
    path = population_path(round)
    try:
        raw = (root / path).read_bytes()
    except OSError as error:
        problem = Problem(path, 0, 0, "E-FILE-MISSING", f"无法读取结案案件清单：{error.strerror}")
        return Population(path, (), (problem,), "")
    return parse_population(path, raw, closed_between=round.closed_between)


def parse_population(path: str, raw: bytes, *, closed_between: Period) -> Population:
    """The rows of an export and every problem, each at its ``path:line:column``.

    Errors: not UTF-8, a missing column, a row with too few or too many fields,
    an empty field, an id that is not a safe file name, a licence number that is
    not 17 digits, a bad date (E-CSV-MALFORMED); a type the scheme does not know
    (E-CSV-UNKNOWN-TYPE); a case closed outside ``closed_between``
    (E-DATE-CLOSED-OUTSIDE-PERIOD); a case id or case number listed twice
    (E-CSV-DUPLICATE, at the second listing, naming the first line).
    """
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) > MAX_BYTES:
        return Population(path, (), (Problem(path, 0, 0, "E-FILE-TOO-LARGE", "结案案件清单超过 64 MiB"),), digest)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"结案案件清单须为 UTF-8 编码（第 {error.start} 字节起无法解码）"
        return Population(path, (), (Problem(path, 1, 1, "E-FILE-ENCODING", message),), digest)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return Population(path, (), (Problem(path, 0, 0, "E-CSV-MALFORMED", "结案案件清单是空的，缺少表头"),), digest)
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        message = f"表头缺少列 {'、'.join(missing)}；应有 {','.join(COLUMNS)}"
        return Population(path, (), (Problem(path, 1, 1, "E-CSV-MALFORMED", message),), digest)
    numbered: list[tuple[int, list[str]]] = []
    previous = reader.line_num
    for fields in reader:
        numbered.append((previous + 1, fields))  # the line a row starts on, even if a quoted field spans lines
        previous = reader.line_num
    rows, problems = _rows(path, numbered, header, closed_between)
    return Population(path, tuple(rows), tuple(problems), digest)


def _rows(
    path: str, numbered: Sequence[tuple[int, list[str]]], header: Sequence[str], period: Period
) -> tuple[list[ClosedCase], list[Problem]]:
    rows: list[ClosedCase] = []
    problems: list[Problem] = []
    seen: dict[str, dict[str, int]] = {"案件编号": {}, "案号": {}}
    for line, fields in numbered:
        if not any(field.strip() for field in fields):
            continue
        found = list(_row_problems(path, line, fields, header, period))
        problems.extend(found)
        if any(problem.code == "E-CSV-MALFORMED" for problem in found):
            continue
        row = _build(line, dict(zip(header, fields, strict=True)))
        duplicate = False
        for label, value in (("案件编号", row.case_id), ("案号", row.number)):
            if value in seen[label]:
                message = f"{label} {value} 重复：第 {seen[label][value]} 行已列出"
                problems.append(Problem(path, line, 1, "E-CSV-DUPLICATE", message))
                duplicate = True
            seen[label].setdefault(value, line)
        if not found and not duplicate:
            rows.append(row)
    return rows, problems


def _row_problems(
    path: str, line: int, fields: Sequence[str], header: Sequence[str], period: Period
) -> Iterator[Problem]:
    if len(fields) != len(header):
        yield Problem(path, line, 1, "E-CSV-MALFORMED", f"本行有 {len(fields)} 列，表头有 {len(header)} 列")
        return
    values = dict(zip(header, fields, strict=True))
    for name in COLUMNS:
        column = header.index(name) + 1
        value = values[name]
        message = _field_problem(name, value)
        if message is not None:
            yield Problem(path, line, column, "E-CSV-MALFORMED", f"第 {column} 列 {name}：{message}")
        elif name == "type" and value not in CASE_TYPE_LABELS:
            known = "、".join(CASE_TYPE_LABELS)
            yield Problem(path, line, column, "E-CSV-UNKNOWN-TYPE", f"案件类型 {value!r} 不是 {known} 之一")
        elif name == "closed_on" and not period.covers(datetime.date.fromisoformat(value)):
            message = f"结案日期 {value} 不在本轮抽查期间 {period.start} 至 {period.end} 内"
            yield Problem(path, line, column, "E-DATE-CLOSED-OUTSIDE-PERIOD", message)


def _field_problem(name: str, value: str) -> str | None:
    if not value.strip():
        return "不能为空"
    if value != value.strip():
        return "首尾有空格"
    if name in ("case_id", "institution_code") and not _ID.match(value):
        return f"{value!r} 只能用字母、数字、- 与 _（最长 64 个字符）"
    if name == "handler_licence_no" and not _LICENCE.match(value):
        return "执业证号应为 17 位数字（隐私字段，不显示内容）"
    if name == "closed_on":
        try:
            if not _DATE.match(value):
                raise ValueError
            datetime.date.fromisoformat(value)
        except ValueError:
            return f"{value!r} 不是 YYYY-MM-DD 格式的日期"
    return None


def _build(line: int, values: dict[str, str]) -> ClosedCase:
    return ClosedCase(
        line=line,
        case_id=CaseId(values["case_id"]),
        number=values["number"],
        type=values["type"],
        closed_on=datetime.date.fromisoformat(values["closed_on"]),
        handler_name=values["handler_name"],
        handler_licence_no=values["handler_licence_no"],
        institution_name=values["institution_name"],
        institution_code=values["institution_code"],
        region=values["region"],
    )


# --- cases/<round>/sample.yaml ------------------------------------------------------------------


def sample_record_path(round_id: str) -> str:
    return f"cases/{round_id}/sample.yaml"


def read_sample_record(root: Path, round_id: str) -> tuple[Sample | None, list[Problem]]:
    """The sample recorded for *round_id* (None when there is no sample.yaml), and its problems."""
    path = sample_record_path(round_id)
    target = root / path
    if not target.exists():
        return None, []
    document = load_text(path, target.read_bytes())
    if isinstance(document, Problem):
        return None, [document]
    problems = Validation().validate(document, "sample")
    if problems:
        return None, problems
    return _sample(document, round_id), []


def _sample(document: Document, round_id: str) -> Sample:
    data: Any = document.data
    return Sample(
        round=RoundId(data["round"]),
        seed=data["seed"],
        population=data["population"],
        population_sha256=data["population_sha256"],
        ratio=float(data["ratio"]),
        strata_by=data["strata_by"],
        min_per_stratum=int(data["min_per_stratum"]),
        strata=tuple(
            Stratum(
                name=item["name"],
                size=int(item["size"]),
                take=int(item["take"]),
                picks=tuple(CaseId(case_id) for case_id in item["picks"]),
            )
            for item in data["strata"]
        ),
        source=document.source,
    )
