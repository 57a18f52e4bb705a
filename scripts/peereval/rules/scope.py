"""Which files a change concerns, so that ``peereval check PATH…`` reports on them.

A pre-commit hook passes the staged files. A change to a round's file concerns
the whole round (its panels, sheets and objections refer to one another); a
change to an expert concerns the rounds where that expert sits; a change to an
indicator set, the rounds that use it; scheme.yaml and calendar.yaml concern
everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from peereval.model import Repository, RoundRecords

EVERYTHING = ("scheme.yaml", "calendar.yaml")


class Scope:
    """A set of files and folders; a folder ends with ``/``."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.entries = frozenset(entries)

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        if "" in self.entries or path in self.entries:
            return True
        return any(entry.endswith("/") and path.startswith(entry) for entry in self.entries)


def _round_entries(round_id: str) -> tuple[str, str]:
    return f"cases/{round_id}/", f"scoresheets/{round_id}/"


def _mentions_expert(records: RoundRecords, expert_id: str) -> bool:
    named: set[str | None] = set()
    if records.draw is not None:
        named.update(member for panel in records.draw.panels for member in panel.members)
        named.update(name for r in records.draw.recusals for name in (r.expert, r.replacement))
    for objection in records.objections.values():
        if objection.review_panel is not None:
            named.update(objection.review_panel.members)
    return expert_id in named


def related_paths(repository: Repository, paths: Iterable[str]) -> Scope:
    """The files that *paths* concern, for filtering problems."""
    entries: set[str] = set()
    for path in paths:
        entries.add(path)
        parts = path.split("/")
        if path in EVERYTHING:
            entries.add("")
        elif parts[0] in ("cases", "scoresheets") and len(parts) > 2 and parts[1] != "indicators":
            entries.update(_round_entries(parts[1]))
        elif parts[0] == "experts":
            expert_id = parts[-1].removesuffix(".yaml")
            for round_id, records in repository.rounds.items():
                if _mentions_expert(records, expert_id):
                    entries.update(_round_entries(round_id))
        elif parts[:2] == ["scoresheets", "indicators"]:
            set_id = parts[-1].removesuffix(".yaml")
            for round_id, records in repository.rounds.items():
                if set_id in records.round.indicator_sets.values():
                    entries.update(_round_entries(round_id))
    return Scope(entries)
