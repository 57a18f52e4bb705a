"""The verifiable sample of closed cases (Art. 5): strata, sizes, picks, and its verification."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from peereval.model import (
    Case,
    CaseId,
    Round,
    RoundId,
    RoundRecords,
    Source,
)
from peereval.problems import Problem
from peereval.rules.ranking import ranked, type_rank

# --- Sampling (Art. 5) ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ClosedCase:
    """One row of the closed-case export (cases/<round>/closed-cases.csv); ``line`` is its CSV line."""

    line: int
    case_id: CaseId
    number: str
    type: str
    closed_on: date
    handler_name: str
    handler_licence_no: str = field(repr=False)
    institution_name: str
    institution_code: str
    region: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Stratum:
    """A stratum of the population: its size, how many were taken and which, in rank order."""

    name: str
    size: int
    take: int
    picks: tuple[CaseId, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """The sample of a round (Art. 5), as computed or as recorded in cases/<round>/sample.yaml.

    ``population_sha256`` is the digest of the export's bytes: the sample is
    only as verifiable as the export it was drawn from.
    """

    round: RoundId
    seed: str
    population: str
    population_sha256: str
    ratio: float
    strata_by: str
    min_per_stratum: int
    strata: tuple[Stratum, ...]
    source: Source | None = field(default=None, compare=False)

    @property
    def picks(self) -> tuple[CaseId, ...]:
        return tuple(case_id for stratum in self.strata for case_id in stratum.picks)


def stratum_of(row: ClosedCase, strata: str) -> str:
    """The stratum name of *row*: its type, or ``type/region`` when the round stratifies by both."""
    return f"{row.type}/{row.region}" if strata == "type_region" else row.type


def sample_size(size: int, *, ratio: float, minimum: int) -> int:
    """ceil(ratio × size), at least *minimum*, at most *size* (Art. 5).

    The ratio is taken in its decimal notation (0.12 is twelve hundredths, not
    the nearest binary float), so 0.12 × 25 is 3 and not 4.
    """
    wanted = math.ceil(Decimal(repr(ratio)) * size)
    return min(size, max(wanted, minimum))


def draw_sample(population: Sequence[ClosedCase], *, round: Round, seed: str, population_sha256: str) -> Sample:
    """Art. 5: per stratum, the :func:`sample_size` lowest-ranked cases under ``sample:<stratum>``.

    Strata come in the schema's type order (then by region); picks in rank order.
    """
    groups: dict[str, list[CaseId]] = {}
    for row in population:
        groups.setdefault(stratum_of(row, round.sample_strata), []).append(row.case_id)
    strata = []
    for name in sorted(groups, key=lambda name: (type_rank(name.split("/")[0]), name)):
        take = sample_size(len(groups[name]), ratio=round.sample_ratio, minimum=round.min_per_stratum)
        picks = ranked(groups[name], seed=seed, round_id=round.id, context=f"sample:{name}")[:take]
        strata.append(Stratum(name=name, size=len(groups[name]), take=take, picks=picks))
    return Sample(
        round=round.id,
        seed=seed,
        population=round.population,
        population_sha256=population_sha256,
        ratio=round.sample_ratio,
        strata_by=round.sample_strata,
        min_per_stratum=round.min_per_stratum,
        strata=tuple(strata),
    )


_CASE_FIELDS = (
    ("number", "/number", "number"),
    ("type", "/type", "type"),
    ("closed_on", "/closed_on", "closed_on"),
    ("handler_name", "/handler/name", "handler_name"),
    ("handler_licence_no", "/handler/licence_no", "handler_licence_no"),
    ("institution_name", "/institution/name", "institution_name"),
    ("institution_code", "/institution/code", "institution_code"),
    ("institution_region", "/institution/region", "region"),
)


def sample_problems(
    computed: Sample,
    recorded: Sample | None,
    *,
    records: RoundRecords,
    rows: Mapping[CaseId, ClosedCase],
    path: str,
    unreadable: Iterable[CaseId] = (),
) -> Iterator[Problem]:
    """Every difference between the recomputed sample and what the round records (``sample --verify``).

    *path* is where the sample is recorded (cases/<round>/sample.yaml);
    *unreadable* are case files that exist but did not load (their own problems
    say why). Private values (licence numbers) are compared but never printed.
    """
    skip = set(unreadable)
    if recorded is None:
        yield Problem(
            path, 0, 0, "W-SAMPLE-NOT-RECORDED", "本轮尚未记录抽样结果（sample.yaml）；运行 peereval sample 生成"
        )
    elif recorded != computed:
        source = recorded.source or Source(path)
        yield source.problem(
            "/strata", "E-SAMPLE-RECORD", f"记录的抽样结果与复算不符；复算抽中 {len(computed.picks)} 件"
        )
    picks = set(computed.picks)
    for case_id in computed.picks:
        if case_id not in records.cases and case_id not in skip:
            where = records.round.source.path.rsplit("/", 1)[0]
            yield Problem(
                f"{where}/{case_id}.yaml", 0, 0, "E-SAMPLE-MISSING-CASE", f"抽中的案件 {case_id} 没有案件文件"
            )
    for case_id, case in sorted(records.cases.items()):
        if case_id not in picks:
            yield case.source.problem("/id", "E-SAMPLE-NOT-DRAWN", f"案件 {case_id} 不在按种子复算的抽样结果中")
        elif case_id in rows:
            yield from _case_row_differences(case, rows[case_id])


def _case_row_differences(case: Case, row: ClosedCase) -> Iterator[Problem]:
    for attribute, pointer, column in _CASE_FIELDS:
        if getattr(case, attribute) != getattr(row, column):
            private = attribute == "handler_licence_no"
            shown = "（隐私字段，不显示）" if private else f"为 {getattr(row, column)}"
            yield case.source.problem(
                pointer,
                "E-SAMPLE-CASE-DIFFERS",
                f"字段 {pointer[1:].replace('/', '.')} 与结案清单第 {row.line} 行不符：清单中{shown}",
            )
