"""Charts for the results site, drawn at build time as inline SVG (no JavaScript, nothing fetched).

Every chart comes with a text alternative (``<title>``, ``<desc>`` and
``aria-labelledby``) and with its numbers in an HTML table with a caption and
header cells, so that a screen reader, a search engine and a reader who cannot
tell the colours apart all get the same figures. Every label is HTML-escaped:
group names come from the data. This module is pure: values in, markup out.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup

from peereval.model import GRADE_LABELS, Grade
from peereval.publish.views import PublicCase

GRADES: tuple[Grade, ...] = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL)
COLOURS = {Grade.EXCELLENT: "#2e7d32", Grade.GOOD: "#1565c0", Grade.PASS: "#f2b705", Grade.FAIL: "#c62828"}
INK = {Grade.EXCELLENT: "#ffffff", Grade.GOOD: "#ffffff", Grade.PASS: "#1f1f1f", Grade.FAIL: "#ffffff"}
WIDTH = 720
FONT = 13


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One group's graded cases, counted per grade in :data:`GRADES` order."""

    group: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def rate(self) -> float | None:
        """The excellent-and-good rate: (excellent + good) / graded cases; None without graded cases."""
        return (self.counts[0] + self.counts[1]) / self.total if self.total else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Distribution:
    """Graded cases by group and grade, with what a table of them is called."""

    caption: str
    group_header: str
    rows: tuple[Row, ...]

    @property
    def overall(self) -> Row:
        return Row(group="合计", counts=tuple(sum(row.counts[i] for row in self.rows) for i in range(len(GRADES))))


def distribution(
    cases: Iterable[PublicCase], *, key: Callable[[PublicCase], str], caption: str, group_header: str
) -> Distribution:
    """Count the graded *cases* per ``key(case)`` and final grade; groups in order of first appearance."""
    counts: dict[str, list[int]] = {}
    for case in cases:
        if case.grade is None:
            continue
        row = counts.setdefault(key(case), [0] * len(GRADES))
        row[GRADES.index(Grade(case.grade))] += 1
    rows = tuple(Row(group=group, counts=tuple(values)) for group, values in counts.items())
    return Distribution(caption=caption, group_header=group_header, rows=rows)


def percent(rate: float | None) -> str:
    """``0.5`` → ``50.0%``; a dash where there is no rate."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _description(dist: Distribution) -> str:
    parts = [
        f"{row.group}："
        + "、".join(f"{GRADE_LABELS[g]} {n} 件" for g, n in zip(GRADES, row.counts, strict=True))
        + f"，优良率 {percent(row.rate)}"
        for row in dist.rows
    ]
    return "；".join(parts) + "。" if parts else "暂无已评定等次的案件。"


def _legend(y: int) -> str:
    items = []
    for index, grade in enumerate(GRADES):
        x = 8 + index * 96
        items.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" rx="2" fill="{COLOURS[grade]}"/>'
            f'<text x="{x + 20}" y="{y + 12}" font-size="{FONT}">{GRADE_LABELS[grade]}</text>'
        )
    return "".join(items)


def _svg(chart_id: str, dist: Distribution, height: int, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="pe-svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{_e(dist.caption)}</title>'
        f'<desc id="{chart_id}-desc">{_e(_description(dist))}</desc>{body}</svg>'
    )


def _segment(x: float, y: float, w: float, h: float, grade: Grade, count: int, tip: str) -> str:
    rect = f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{COLOURS[grade]}"><title>{_e(tip)}</title></rect>'
    if w < 18:
        return rect
    label = f'<text x="{x + w / 2:.1f}" y="{y + h / 2 + 4.5:.1f}" font-size="{FONT - 1}" text-anchor="middle" fill="{INK[grade]}">{count}</text>'
    return rect + label


def bar_chart(dist: Distribution, *, chart_id: str) -> Markup:
    """Horizontal stacked bars: one per group, a segment per grade, length = number of cases."""
    longest_label = max((min(len(row.group), 17) for row in dist.rows), default=2)
    label_width = 16 + FONT * longest_label
    bar_left, bar_right, row_height, top = label_width + 10, WIDTH - 60, 28, 34
    longest = max((row.total for row in dist.rows), default=0) or 1
    scale = (bar_right - bar_left) / longest
    parts = [_legend(8)]
    for index, row in enumerate(dist.rows):
        y = top + index * row_height
        name = row.group if len(row.group) <= 17 else row.group[:16] + "…"
        parts.append(
            f'<text x="{label_width}" y="{y + 17}" font-size="{FONT}" text-anchor="end"><title>{_e(row.group)}</title>{_e(name)}</text>'
        )
        x = float(bar_left)
        for grade, count in zip(GRADES, row.counts, strict=True):
            if count:
                tip = f"{row.group} · {GRADE_LABELS[grade]}：{count} 件"
                parts.append(_segment(x, y + 3, count * scale, row_height - 8, grade, count, tip))
                x += count * scale
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 17}" font-size="{FONT}">{row.total}</text>')
    height = top + max(len(dist.rows), 1) * row_height + 6
    return Markup(_svg(chart_id, dist, height, "".join(parts)))


def trend_chart(dist: Distribution, *, chart_id: str) -> Markup:
    """Vertical 100% stacked columns, one per round (oldest first), with the excellent-and-good rate on top."""
    top, bottom, left, column = 56, 250, 60, 56
    gap = max(24, min(120, (WIDTH - left - 20 - column * len(dist.rows)) // max(len(dist.rows), 1)))
    parts = [_legend(8)]
    for tick in (0, 50, 100):
        y = bottom - (bottom - top) * tick / 100
        parts.append(
            f'<line x1="{left - 6}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{left - 10}" y="{y + 4:.1f}" font-size="{FONT - 1}" text-anchor="end">{tick}%</text>'
        )
    for index, row in enumerate(dist.rows):
        x = left + 10 + index * (column + gap)
        y = float(bottom)
        for grade, count in zip(GRADES, row.counts, strict=True):
            if count and row.total:
                h = (bottom - top) * count / row.total
                y -= h
                tip = f"{row.group} · {GRADE_LABELS[grade]}：{count} 件（{percent(count / row.total)}）"
                parts.append(_segment(x, y, column, h, grade, count, tip))
        parts.append(
            f'<text x="{x + column / 2:.1f}" y="{top - 8}" font-size="{FONT - 1}" text-anchor="middle">{percent(row.rate)}</text>'
            f'<text x="{x + column / 2:.1f}" y="{bottom + 18}" font-size="{FONT}" text-anchor="middle">{_e(row.group)}</text>'
        )
    return Markup(_svg(chart_id, dist, bottom + 28, "".join(parts)))


def distribution_table(dist: Distribution, *, total_row: bool = True) -> Markup:
    """The chart's numbers: a caption, a header cell per column and per row, a total row."""
    head = "".join(f'<th scope="col">{GRADE_LABELS[g]}</th>' for g in GRADES)
    lines = [
        f'<table class="pe-table"><caption>{_e(dist.caption)}</caption>',
        f'<thead><tr><th scope="col">{_e(dist.group_header)}</th>{head}<th scope="col">合计</th><th scope="col">优良率</th></tr></thead>',
        "<tbody>",
    ]
    rows = dist.rows + ((dist.overall,) if total_row and len(dist.rows) > 1 else ())
    for row in rows:
        cells = "".join(f"<td>{count}</td>" for count in row.counts)
        lines.append(
            f'<tr><th scope="row">{_e(row.group)}</th>{cells}<td>{row.total}</td><td>{percent(row.rate)}</td></tr>'
        )
    lines.append("</tbody></table>")
    return Markup("\n".join(lines))
