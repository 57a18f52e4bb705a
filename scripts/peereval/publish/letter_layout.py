"""Typesetting decisions for the letters that are made before HTML: pure text functions.

GB/T 9704-2012 writes dates in Arabic numerals without padding (2025年12月12日),
numbers articles and headings in Chinese numerals (第十五条第（一）项, 一、),
and breaks a title "with the meaning of each line complete, symmetric, of
suitable lengths" — here: the fewest lines that fit, as even as possible, never
a line of a single character, never inside a kept token (a case number), never
a closing mark at the start of a line or an opening mark at its end.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

DIGITS = "〇一二三四五六七八九"
WEEKDAYS = "一二三四五六日"
NO_LINE_START = frozenset("，。、；：？！）》」』”’〕】…—·")
NO_LINE_END = frozenset("（《「『“‘〔【")
_ARTICLE = re.compile(r"(\d+)(?:\((\d+)\))?\Z")
_ASCII_RUN = re.compile(r"[0-9A-Za-z.\-]+")
_DATE_LINE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\Z")
TITLE_EM_PER_LINE = 19.5  # the type area (156 mm) holds 20.1 em of 22 pt type; leave a margin for the estimate
MAX_TITLE_LINES = 4
# A body line holds 28 characters; the attachment note's name starts after the indent and 附件：.
ATTACHMENT_NOTE_EM_PER_LINE = 22.5
# Words of the letters' titles that a line break should not split ("词意完整").
TITLE_WORDS = (
    "法律援助",
    "案件质量评估",
    "质量评估",
    "评估结论",
    "评估结果",
    "评估等次",
    "复查申请",
    "复查结论",
    "反馈函",
    "通知书",
)


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 21 → 二十一 (1–99; larger numbers stay Arabic)."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")
    return head + (DIGITS[units] if units else "")


def article_label(article: str) -> str:
    """``15(1)`` → 第十五条第（一）项; ``20`` → 第二十条."""
    match = _ARTICLE.match(article)
    if match is None:
        return article
    label = f"第{chinese_numeral(int(match[1]))}条"
    return label + (f"第（{chinese_numeral(int(match[2]))}）项" if match[2] else "")


def date_label(day: date) -> str:
    """2025-12-02 → 2025年12月2日 (GB/T 9704-2012 §7.3.5.2: no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def weekday_label(day: date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def score_label(score: float | None) -> str:
    """93.0 → 93, 81.17 → 81.17, 7.5 → 7.5; None → —."""
    if score is None:
        return "—"
    return f"{score:.2f}".rstrip("0").rstrip(".")


def percent_label(part: int, whole: int) -> str:
    """The share as a percentage with one decimal (21.9%); — when *whole* is 0."""
    return f"{100 * part / whole:.1f}%" if whole else "—"


def char_width(char: str) -> float:
    """The advance of *char* in em: full width for CJK and full-width forms, about half for Latin."""
    return 1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.55


def text_width(text: str) -> float:
    return sum(char_width(char) for char in text)


def issuer_size(mark: str, *, width_mm: float = 156.0, largest_pt: float = 30.0) -> float:
    """The font size (pt) at which *mark* fills at most *width_mm*, with some letter spacing, capped."""
    width_pt = width_mm / 25.4 * 72
    return round(min(largest_pt, width_pt / (text_width(mark) * 1.08)), 1)


def _tokens(text: str, keep: Sequence[str]) -> list[str]:
    """Units a line break may not split: kept substrings, Latin runs, single characters."""
    tokens: list[str] = []
    index = 0
    while index < len(text):
        kept = next((k for k in keep if k and text.startswith(k, index)), None)
        run = _ASCII_RUN.match(text, index)
        piece = kept or (run[0] if run else text[index])
        tokens.append(piece)
        index += len(piece)
    return tokens


def _breakable(tokens: Sequence[str], at: int) -> bool:
    """Whether a line may end after ``tokens[at - 1]`` and the next begin with ``tokens[at]``."""
    return tokens[at][0] not in NO_LINE_START and tokens[at - 1][-1] not in NO_LINE_END


def _split(tokens: Sequence[str], cuts: Sequence[int]) -> tuple[str, ...]:
    bounds = (0, *cuts, len(tokens))
    return tuple("".join(tokens[a:b]) for a, b in itertools.pairwise(bounds))


def _score(lines: Sequence[str]) -> tuple[float, float, int]:
    """Lower is better: the longest line, then the spread, then upper lines shorter (a trapezoid)."""
    widths = [text_width(line) for line in lines]
    return (max(widths), max(widths) - min(widths), int(widths[0] > widths[-1]))


def _fits(lines: Sequence[str], capacity: float) -> bool:
    return all(text_width(line) <= capacity and (len(line) > 1 or len(lines) == 1) for line in lines)


def title_lines(title: str, *, keep: Sequence[str] = (), capacity: float = TITLE_EM_PER_LINE) -> tuple[str, ...]:
    """*title* in the fewest lines that fit *capacity* em, as even as possible.

    No line holds a single character; no break splits a string of *keep*, a Latin
    run, or puts a closing mark first / an opening mark last on a line. A title
    that cannot be broken so (e.g. one long kept token) is returned whole.
    """
    tokens = _tokens(title, (*keep, *TITLE_WORDS))
    places = [at for at in range(1, len(tokens)) if _breakable(tokens, at)]
    least = max(1, math.ceil(text_width(title) / capacity))
    for count in range(least, MAX_TITLE_LINES + 1):
        splits = (_split(tokens, cuts) for cuts in itertools.combinations(places, count - 1))
        candidates = [lines for lines in splits if _fits(lines, capacity)]
        if candidates:
            return min(candidates, key=_score)
    return (title,)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyText:
    """A written reply as typed into the record, taken apart into the parts a letter lays out."""

    salutation: str | None  # the first line when it ends with a colon: 戴清华（示例）律师
    paragraphs: tuple[str, ...]
    signer: str | None  # a signature line typed at the end, dropped from the body
    date_text: str | None


def split_reply(text: str) -> ReplyText:
    """The salutation, paragraphs and typed signature of a free-text reply.

    The letter prints its own issuer and date at the end (GB/T 9704 §7.3.5), so
    a signature and a date typed as the last two lines are taken out of the body.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    salutation = None
    if lines and lines[0].endswith(("：", ":")) and len(lines[0]) <= 40:
        salutation = lines.pop(0).rstrip("：:")
    date_text = lines.pop() if lines and _DATE_LINE.match(lines[-1]) else None
    signer = None
    if date_text is not None and lines and len(lines[-1]) <= 30 and not lines[-1].endswith(("。", "：", "；")):
        signer = lines.pop()
    return ReplyText(salutation=salutation, paragraphs=tuple(lines), signer=signer, date_text=date_text)
