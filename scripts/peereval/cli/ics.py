"""iCalendar (RFC 5545) output: all-day events that staff can subscribe to.

Deterministic: no clock, stable UIDs, ``DTSTAMP`` taken from the day the
deadlines were computed for; CRLF line endings; lines folded at 75 octets
without splitting a UTF-8 character.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

PRODID = "-//peereval//legal aid evaluation deadlines//ZH"
MAX_OCTETS = 75


@dataclass(frozen=True, slots=True, kw_only=True)
class AllDayEvent:
    uid: str
    day: date
    summary: str
    description: str


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped."""
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\n").replace("\n", "\\n")


def fold(line: str) -> Iterator[bytes]:
    """A content line as UTF-8 chunks of at most 75 octets; each chunk after the first starts with a space."""
    chunk, limit = b"", MAX_OCTETS
    for char in line:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > limit:
            yield chunk
            chunk, limit = b" ", MAX_OCTETS
        chunk += encoded
    yield chunk


def _event_lines(event: AllDayEvent, stamp: date) -> Iterator[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{event.uid}"
    yield f"DTSTAMP:{stamp:%Y%m%d}T000000Z"
    yield f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}"
    yield f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}"
    yield f"SUMMARY:{escape_text(event.summary)}"
    yield f"DESCRIPTION:{escape_text(event.description)}"
    yield "TRANSP:TRANSPARENT"
    yield "END:VEVENT"


def to_ics(events: Iterable[AllDayEvent], *, name: str, stamp: date) -> bytes:
    """A VCALENDAR holding *events*, as the bytes of an .ics file."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return b"".join(chunk + b"\r\n" for line in lines for chunk in fold(line))
