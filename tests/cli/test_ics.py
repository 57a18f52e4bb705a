"""iCalendar output (RFC 5545): escaping, folding at 75 octets, CRLF, determinism."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from peereval.cli.ics import MAX_OCTETS, AllDayEvent, escape_text, fold, to_ics


def test_text_values_escape_backslash_semicolon_comma_and_newline() -> None:
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_folding_keeps_every_line_within_75_octets_and_unfolds_to_the_original(line: str) -> None:
    chunks = list(fold(line))
    assert all(len(chunk) <= MAX_OCTETS for chunk in chunks)
    assert all(chunk.startswith(b" ") for chunk in chunks[1:])
    assert b"".join(chunk[1:] if index else chunk for index, chunk in enumerate(chunks)).decode("utf-8") == line


def test_a_calendar_has_one_all_day_event_per_deadline_with_crlf_endings() -> None:
    event = AllDayEvent(
        uid="2025.-.art20-objection-window@peereval",
        day=date(2025, 12, 23),
        summary="[即将到期] 第20条 复查申请期限届满 2025",
        description="说明，含逗号；和分号",
    )
    raw = to_ics([event], name="期限", stamp=date(2025, 12, 20))
    assert raw.count(b"BEGIN:VEVENT") == 1 and raw.count(b"\r\n") == raw.count(b"\n")
    text = raw.replace(b"\r\n ", b"").decode("utf-8")
    assert "DTSTAMP:20251220T000000Z\r\nDTSTART;VALUE=DATE:20251223\r\nDTEND;VALUE=DATE:20251224\r\n" in text
    assert "DESCRIPTION:说明\\，含逗号\\；和分号" not in text  # full-width punctuation needs no escaping
    assert "DESCRIPTION:说明，含逗号；和分号" in text
    assert to_ics([event], name="期限", stamp=date(2025, 12, 20)) == raw
