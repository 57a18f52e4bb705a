"""What a fail costs a handler (Art. 19) and what misconduct costs an expert (Art. 25).

Periods of years count the day of the event itself: "for three years from
publication" (自结论公布之日起三年内) starts on the publication day and ends
on the day before its third anniversary. Published 2025-12-12 → excluded
through 2028-12-11. This is the Civil Code's rule (Art. 201, 202: the period
ends on the corresponding day) applied to the day before the event, so
29 February has no special case to forget: the anniversary of 29 February in a
common year is 1 March, and the period ends on 28 February.

Every record here carries its dates; its status on a day is a pure function of
that day, so the draw, ``peereval exclusions`` and the site agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from peereval.model import CaseId, Expert, ExpertId, Grade, RoundId, RoundRecords, Scheme
from peereval.rules.verdict import first_grade


class ConsequenceStatus(StrEnum):
    """Where a consequence stands on a given day."""

    PENDING = "pending"  # starts later
    IN_FORCE = "in-force"
    ENDED = "ended"  # its period is over
    LIFTED = "lifted"  # the fail was reversed on re-review (Art. 19, 23)


class BarKind(StrEnum):
    BARRED = "barred"  # Art. 25, serious: barred for ``expert_bar_years``
    TERMINATED = "terminated"  # Art. 25, especially serious: qualification lost
    DISMISSED = "dismissed"  # Art. 6(2): dismissed by the leading group


def anniversary(day: date, years: int) -> date:
    """*day* moved *years* years on; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def period_end(start: date, years: int) -> date:
    """The last day of a period of *years* years that includes its *start* day.

    2025-12-12, 3 → 2028-12-11; 2024-02-29, 3 → 2027-02-28; 2024-03-01, 3 → 2027-02-28.
    """
    return anniversary(start, years) - timedelta(days=1)


def _status(as_of: date, start: date, end: date | None, lifted_on: date | None = None) -> ConsequenceStatus:
    if as_of < start:
        return ConsequenceStatus.PENDING
    if lifted_on is not None and lifted_on <= as_of and (end is None or lifted_on <= end):
        return ConsequenceStatus.LIFTED
    if end is not None and as_of > end:
        return ConsequenceStatus.ENDED
    return ConsequenceStatus.IN_FORCE


@dataclass(frozen=True, slots=True, kw_only=True)
class HandlerExclusion:
    """Art. 19: a handler not assigned legal aid cases nor recommended for awards, *start* to *end*.

    ``handler_licence_no`` is private data: it is here to tell namesakes apart and
    is never to be printed.
    """

    round: RoundId
    case: CaseId
    handler_name: str
    handler_licence_no: str = field(repr=False)
    institution_name: str
    institution_code: str
    start: date
    end: date
    lifted_on: date | None

    def status(self, *, as_of: date) -> ConsequenceStatus:
        return _status(as_of, self.start, self.end, self.lifted_on)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpertBar:
    """Art. 25 (or a dismissal, Art. 6(2)): expert kept off from *start*; no *end* = for good."""

    expert: ExpertId
    name: str
    kind: BarKind
    ground: str | None
    decision: str
    start: date
    end: date | None

    def status(self, *, as_of: date) -> ConsequenceStatus:
        return _status(as_of, self.start, self.end)


def handler_exclusions(rounds: Iterable[RoundRecords], *, scheme: Scheme) -> tuple[HandlerExclusion, ...]:
    """Every Art. 19 exclusion the records give rise to, in round and case order.

    A first grade of fail starts an exclusion on the round's ``published`` date (none
    while unpublished). A re-review that concludes with another grade lifts it on
    ``concluded_on``. A re-review that turns another grade into fail starts one on
    ``concluded_on``, the day the new conclusion exists. Each lasts
    ``scheme.handler_exclusion_years`` years (:func:`period_end`).
    """
    found: list[HandlerExclusion] = []
    for records in rounds:
        for case_id in sorted(records.summaries):
            exclusion = _exclusion(records, case_id, scheme.handler_exclusion_years)
            if exclusion is not None:
                found.append(exclusion)
    return tuple(found)


def _review(records: RoundRecords, case_id: CaseId) -> tuple[Grade, date] | None:
    objection = records.objections.get(case_id)
    if objection is None or objection.result_grade is None or objection.concluded_on is None:
        return None
    return objection.result_grade, objection.concluded_on


def _exclusion(records: RoundRecords, case_id: CaseId, years: int) -> HandlerExclusion | None:
    case, review = records.cases.get(case_id), _review(records, case_id)
    published = records.round.published
    if case is None:
        return None
    if first_grade(records, case_id) is Grade.FAIL and published is not None:
        start, lifted_on = published, (review[1] if review and review[0] is not Grade.FAIL else None)
    elif review is not None and review[0] is Grade.FAIL:
        start, lifted_on = review[1], None
    else:
        return None
    return HandlerExclusion(
        round=records.round.id,
        case=case_id,
        handler_name=case.handler_name,
        handler_licence_no=case.handler_licence_no,
        institution_name=case.institution_name,
        institution_code=case.institution_code,
        start=start,
        end=period_end(start, years),
        lifted_on=lifted_on,
    )


def expert_bars(expert: Expert, *, scheme: Scheme) -> tuple[ExpertBar, ...]:
    """Every bar on *expert*, in date order.

    Art. 25: a ``serious`` breach bars for ``scheme.expert_bar_years`` years from the
    decision (the decision day included, :func:`period_end`); an ``especially_serious``
    one ends the qualification for good; ``correction`` only orders a correction
    and bars nothing. A dismissal (Art. 6(2)) also keeps the expert off for good.
    """
    return tuple(sorted(_bars(expert, scheme.expert_bar_years), key=lambda bar: (bar.start, bar.kind)))


def _bars(expert: Expert, years: int) -> Iterator[ExpertBar]:
    for item in expert.misconduct:
        if item.severity == "serious":
            kind, end = BarKind.BARRED, period_end(item.on, years)
        elif item.severity == "especially_serious":
            kind, end = BarKind.TERMINATED, None
        else:
            continue
        yield ExpertBar(
            expert=expert.id,
            name=expert.name,
            kind=kind,
            ground=item.ground,
            decision=item.decision,
            start=item.on,
            end=end,
        )
    if expert.dismissed is not None:
        yield ExpertBar(
            expert=expert.id,
            name=expert.name,
            kind=BarKind.DISMISSED,
            ground=None,
            decision=expert.dismissed.decision,
            start=expert.dismissed.on,
            end=None,
        )


def all_expert_bars(experts: Iterable[Expert], *, scheme: Scheme) -> tuple[ExpertBar, ...]:
    """:func:`expert_bars` of every expert, by expert id."""
    ordered = sorted(experts, key=lambda expert: expert.id)
    return tuple(bar for expert in ordered for bar in expert_bars(expert, scheme=scheme))


def is_barred(expert: Expert, *, as_of: date, scheme: Scheme) -> bool:
    """Whether *expert* may not evaluate on *as_of* under Art. 25 or a dismissal (for the draw)."""
    bars = expert_bars(expert, scheme=scheme)
    return any(bar.status(as_of=as_of) is ConsequenceStatus.IN_FORCE for bar in bars)


def is_handler_excluded(exclusions: Iterable[HandlerExclusion], licence_no: str, *, as_of: date) -> bool:
    """Whether the handler with *licence_no* is excluded on *as_of* (Art. 19)."""
    return any(
        item.handler_licence_no == licence_no and item.status(as_of=as_of) is ConsequenceStatus.IN_FORCE
        for item in exclusions
    )
