"""The scheme's own period of validity (Art. 27)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from peereval.model import RoundId, RoundRecords, Scheme
from peereval.problems import Problem
from peereval.rules.consequences import period_end

EXPIRY_WARNING_DAYS = 90


def last_valid_day(scheme: Scheme) -> date:
    """Art. 27: in force from ``effective`` for ``valid_years`` years; 2022-04-29 + 5 → 2027-04-28."""
    return period_end(scheme.effective, scheme.valid_years)


def validity_problems(scheme: Scheme, rounds: Mapping[RoundId, RoundRecords], *, as_of: date) -> Iterator[Problem]:
    """A round dated outside the scheme's validity is an error; the last 90 days, a warning."""
    last_day = last_valid_day(scheme)
    for records in rounds.values():
        round_ = records.round
        for pointer, day in (
            ("/approved/on", round_.approved.on),
            ("/submission_deadline", round_.submission_deadline),
        ):
            if day > last_day or day < scheme.effective:
                yield round_.source.problem(
                    pointer,
                    "E-ART27-EXPIRED",
                    f"日期 {day} 不在方案有效期 {scheme.effective} 至 {last_day} 内（第27条）",
                )
    days_left = (last_day - as_of).days
    if 0 <= days_left <= EXPIRY_WARNING_DAYS:
        yield scheme.source.problem(
            "/scheme/valid_years",
            "W-ART27-EXPIRING",
            f"方案有效期至 {last_day} 止，还剩 {days_left} 天；请及时修订或延续（第27条）",
        )
