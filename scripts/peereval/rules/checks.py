"""Every rule that ``peereval check`` applies, over a loaded repository.

Pure: the repository and ``as_of`` in, problems out. Rules that need the Git
history (signatures) live at the edge, in :mod:`peereval.gitsign`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from peereval.calendar import build_work_calendar, calendar_problems
from peereval.model import Repository
from peereval.problems import Problem
from peereval.rules.deadlines import deadline_problems
from peereval.rules.draw_checks import draw_problems
from peereval.rules.draw_verify import verify_draw
from peereval.rules.evaluation_checks import (
    all_indicator_set_problems,
    evaluation_problems,
    review_problems,
    round_setup_problems,
)
from peereval.rules.objection_checks import objection_problems
from peereval.rules.validity import validity_problems


def check_repository(repository: Repository, *, as_of: date) -> Iterator[Problem]:
    """All cross-record problems of *repository* on *as_of*.

    Without a valid scheme.yaml nothing else can be judged; its own problems
    were reported when it was loaded.
    """
    scheme = repository.scheme
    if scheme is None:
        return
    calendar = build_work_calendar(repository.calendar)
    yield from calendar_problems(repository.calendar)
    yield from all_indicator_set_problems(repository)
    yield from validity_problems(scheme, repository.rounds, as_of=as_of)
    for records in repository.rounds.values():
        yield from deadline_problems(records, scheme=scheme, calendar=calendar, as_of=as_of)
        yield from round_setup_problems(records, repository)
        if records.draw is not None:
            yield from draw_problems(records, records.draw, experts=repository.experts, scheme=scheme)
            yield from verify_draw(records, experts=repository.experts, scheme=scheme)
        yield from evaluation_problems(records, repository, scheme)
        yield from review_problems(records, repository, scheme)
        yield from objection_problems(records, experts=repository.experts, scheme=scheme)
