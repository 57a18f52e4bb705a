"""The letters' typesetting decisions made before HTML: numerals, dates, title lines, replies."""

from __future__ import annotations

from datetime import date

import pytest

from peereval.publish.letter_layout import (
    article_label,
    chinese_numeral,
    date_label,
    percent_label,
    score_label,
    split_reply,
    text_width,
    title_lines,
    weekday_label,
)

NUMBER = "（2024）泉法援刑字第320号"


@pytest.mark.parametrize(
    ("number", "numeral"),
    [(1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (21, "二十一"), (99, "九十九"), (100, "100")],
)
def test_numbers_below_a_hundred_are_written_in_chinese(number: int, numeral: str) -> None:
    assert chinese_numeral(number) == numeral


@pytest.mark.parametrize(
    ("article", "label"), [("15(1)", "第十五条第（一）项"), ("22(3)", "第二十二条第（三）项"), ("24", "第二十四条")]
)
def test_articles_are_cited_as_in_the_scheme(article: str, label: str) -> None:
    assert article_label(article) == label


def test_dates_have_no_leading_zeros_and_weekdays_are_chinese() -> None:
    assert date_label(date(2025, 1, 3)) == "2025年1月3日"
    assert weekday_label(date(2025, 12, 23)) == "星期二"


def test_scores_drop_trailing_zeros() -> None:
    assert [score_label(s) for s in (93.0, 81.17, 7.5, None)] == ["93", "81.17", "7.5", "—"]
    assert percent_label(21, 32) == "65.6%"
    assert percent_label(0, 0) == "—"


TITLES = [
    (f"关于{NUMBER}案件质量评估结论的反馈函", (NUMBER,)),
    ("关于2025年度法律援助案件质量评估（示例）结果的通报", ()),
    ("关于法律援助案件质量评估复查结果变更的通知", ()),
    ("关于变更（2024）泉法援民字第1020号案件评估等次的通知", ("（2024）泉法援民字第1020号",)),
    ("一二三四五六七八九十一二三四五六七八九十一", ()),  # 21 characters: never 20 + 1
    ("关于反馈评估结论的函", ()),
]


@pytest.mark.parametrize(("title", "keep"), TITLES, ids=[t for t, _ in TITLES])
def test_a_title_line_never_holds_a_single_character_and_fits(title: str, keep: tuple[str, ...]) -> None:
    lines = title_lines(title, keep=keep)
    assert "".join(lines) == title
    assert all(len(line) > 1 for line in lines)
    assert all(text_width(line) <= 19.5 for line in lines)
    assert all(any(k in line for line in lines) for k in keep)


def test_a_short_title_stays_on_one_line_and_a_long_one_is_balanced() -> None:
    assert title_lines("关于反馈评估结论的函") == ("关于反馈评估结论的函",)
    first, second = title_lines("一二三四五六七八九十一二三四五六七八九十一")
    assert abs(len(first) - len(second)) <= 1


def test_a_line_never_starts_with_a_closing_mark_nor_ends_with_an_opening_one() -> None:
    for line in title_lines("关于二〇二五年度法律援助案件质量评估（第二批次示例）结果的通报"):
        assert line[0] not in "）》，。" and line[-1] not in "（《"


REPLY = """戴清华（示例）律师：
你于2025年12月16日提交的复查申请收悉。经审查，答复如下：
一、本案专家组由随机抽取产生。
综上，决定不予复查。
泉州市法律援助案件质量评估工作办公室
2025年12月19日"""


def test_a_typed_salutation_and_signature_are_taken_out_of_a_reply() -> None:
    reply = split_reply(REPLY)
    assert reply.salutation == "戴清华（示例）律师"
    assert reply.paragraphs == (
        "你于2025年12月16日提交的复查申请收悉。经审查，答复如下：",
        "一、本案专家组由随机抽取产生。",
        "综上，决定不予复查。",
    )
    assert (reply.signer, reply.date_text) == ("泉州市法律援助案件质量评估工作办公室", "2025年12月19日")


def test_a_reply_without_salutation_or_signature_is_all_body() -> None:
    reply = split_reply("经审查，决定不予复查。\n")
    assert (reply.salutation, reply.paragraphs, reply.signer, reply.date_text) == (
        None,
        ("经审查，决定不予复查。",),
        None,
        None,
    )
