"""Which letters a round issues, what each says, and their numbers (Art. 18, 20, 21, 23, 24); no rendering."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from peereval.calendar import build_work_calendar
from peereval.load.repo import load_repository
from peereval.load.visibility import field_visibility
from peereval.model import Repository, Scheme
from peereval.publish.letter_models import (
    ChangedBody,
    ConclusionBody,
    Letter,
    LetterKind,
    NoticeBody,
    ReplyBody,
    ReviewBody,
)
from peereval.publish.letter_views import LETTER_FIELDS, number_letters, round_letters
from peereval.rules.ownership import State, ownership_map

ROOT = Path(__file__).resolve().parents[2]
AFTER_EVERYTHING = date(2026, 1, 31)


@cache
def demo() -> Repository:
    return load_repository(ROOT).repository


def letters(
    *, as_of: date = AFTER_EVERYTHING, scheme: Scheme | None = None, signatures: dict[str, State] | None = None
) -> dict[str, Letter]:
    repository = demo()
    assert repository.scheme is not None
    issued = round_letters(
        repository.rounds["2025"],  # type: ignore[index]
        scheme=scheme or repository.scheme,
        indicator_sets=repository.indicator_sets,
        calendar=build_work_calendar(repository.calendar),
        experts=repository.experts,
        as_of=as_of,
        signatures=signatures,
    )
    return {letter.name: letter for letter in issued}


@pytest.mark.parametrize(("kind", "pointer"), LETTER_FIELDS, ids=[f"{k}{p}" for k, p in LETTER_FIELDS])
def test_letters_read_only_public_or_handler_fields(kind: str, pointer: str) -> None:
    assert field_visibility(kind, pointer) in {"public", "handler"}


@pytest.mark.article("17")
def test_a_case_held_back_for_a_stale_signature_gets_no_letter_and_renumbers_no_other() -> None:
    states = dict.fromkeys(ownership_map(demo()), State.VALID)
    states["scoresheets/2025/QZ2025-001/signatures/E0002.yaml"] = State.STALE
    held, everything = letters(signatures=states), letters()
    assert "QZ2025-001-conclusion" not in held and "QZ2025-001-conclusion" in everything
    assert {name: letter.head.number for name, letter in held.items()} == {
        name: everything[name].head.number for name in held
    }
    notice = held["2025-notice"].body
    assert isinstance(notice, NoticeBody) and all(case.id != "QZ2025-001" for case in notice.cases)


def test_the_demo_round_issues_every_kind_of_letter() -> None:
    found = letters()
    assert {letter.kind for letter in found.values()} == set(LetterKind)
    assert sum(letter.kind is LetterKind.CONCLUSION for letter in found.values()) == 32
    assert {"2025-notice", "QZ2025-030-reply", "QZ2025-078-review", "QZ2025-078-changed"} <= set(found)


@pytest.mark.article("20")
def test_the_conclusion_letter_gives_the_last_day_to_object() -> None:
    body = letters()["QZ2025-236-conclusion"].body
    assert isinstance(body, ConclusionBody)
    assert body.published == date(2025, 12, 12)
    assert body.letter.objection_deadline == date(2025, 12, 23)  # 7 working days after publication
    assert body.letter.office_address is not None and "评估工作办公室" in body.letter.office_address


@pytest.mark.article("15(1)")
def test_an_art15_fail_carries_each_experts_evidence_anonymised() -> None:
    body = letters()["QZ2025-030-conclusion"].body
    assert isinstance(body, ConclusionBody)
    [finding] = body.findings
    assert finding.article == "第十五条第（一）项"
    assert [label for label, _ in finding.evidence] == ["专家一", "专家二", "专家三"]
    assert body.exclusion_years == 3


def test_experts_are_named_in_the_letters_only_where_the_publication_policy_says_so() -> None:
    scheme = demo().scheme
    assert scheme is not None and not scheme.publication.expert_names
    named = dataclasses.replace(scheme, publication=dataclasses.replace(scheme.publication, expert_names=True))
    body = letters(scheme=named)["QZ2025-030-conclusion"].body
    assert isinstance(body, ConclusionBody)
    names = {expert.name for expert in demo().experts.values()}
    assert [comment.label for comment in body.letter.comments] and all(
        comment.label in names for comment in body.letter.comments
    )
    [finding] = body.findings
    assert all(label in names for label, _ in finding.evidence)


@pytest.mark.article("17")
def test_an_escalated_case_states_the_leading_groups_decision() -> None:
    body = letters()["QZ2025-035-conclusion"].body
    assert isinstance(body, ConclusionBody)
    assert (body.grade_label, body.decision) == ("良好", "泉法援评〔2025〕9号")
    assert body.reasons is not None and body.reasons.startswith("领导小组审议认为")


@pytest.mark.article("24")
def test_a_changed_result_keeps_the_first_conclusion_in_its_own_letter() -> None:
    found = letters()
    conclusion, review, changed = (found[f"QZ2025-078-{kind}"].body for kind in ("conclusion", "review", "changed"))
    assert isinstance(conclusion, ConclusionBody) and conclusion.grade_label == "不合格"
    assert isinstance(review, ReviewBody) and (review.changed, review.grade_label, review.mean_score) == (
        True,
        "合格",
        68.25,
    )
    assert isinstance(changed, ChangedBody) and changed.exclusion_lifted and not changed.exclusion_applies


@pytest.mark.article("21")
def test_the_reply_is_the_recorded_text_without_its_typed_signature() -> None:
    letter = letters()["QZ2025-030-reply"]
    assert isinstance(letter.body, ReplyBody)
    assert letter.head.addressee == "戴清华（示例）律师"
    assert letter.head.dated == date(2025, 12, 19)
    assert not any(
        p.startswith(("泉州市法律援助案件质量评估工作办公室", "2025年12月19日")) for p in letter.body.paragraphs
    )


def test_the_notice_counts_the_first_conclusions() -> None:
    letter = letters()["2025-notice"]
    assert isinstance(letter.body, NoticeBody)
    assert letter.head.number == "泉法援评〔2025〕12号"
    assert letter.body.total == 32 and letter.body.pending == 0
    assert sum(count.count for count in letter.body.counts) == 32
    assert "（2024）泉法援民字第321号" in [case.number for case in letter.body.failing]  # QZ2025-078, as published


def test_the_notices_attachment_note_wraps_without_a_line_of_one_character() -> None:
    body = letters()["2025-notice"].body
    assert isinstance(body, NoticeBody)
    assert "".join(body.attachment_note) == f"{body.round_title}结果一览表"
    assert len(body.attachment_note) == 2 and all(len(line) > 1 for line in body.attachment_note)


def test_letters_dated_after_as_of_are_not_issued_yet() -> None:
    assert letters(as_of=date(2025, 12, 11)) == {}
    found = letters(as_of=date(2025, 12, 20))
    assert "QZ2025-030-reply" in found and "QZ2025-078-review" not in found


def test_letters_are_numbered_after_the_notice_in_issue_order() -> None:
    found = letters()
    ordered = sorted(found.values(), key=lambda letter: int(letter.head.number.split("〕")[1].rstrip("号")))
    assert [letter.head.number for letter in ordered] == [f"泉法援评〔2025〕{n}号" for n in range(12, 12 + len(found))]
    assert [letter.name for letter in ordered[-3:]] == ["QZ2025-030-reply", "QZ2025-078-review", "QZ2025-078-changed"]


def test_without_a_prefix_letters_carry_no_number() -> None:
    unnumbered = number_letters(
        [dataclasses.replace(letter) for letter in letters().values()], prefix=None, notice_number=None
    )
    assert {letter.head.number for letter in unnumbered} == {""}


def test_withheld_handler_names_are_not_in_letters_either() -> None:
    scheme = demo().scheme
    assert scheme is not None
    private = dataclasses.replace(scheme, publication=dataclasses.replace(scheme.publication, handler_names=False))
    letter = letters(scheme=private)["QZ2025-236-conclusion"]
    assert letter.head.addressee == "示例福建南安水头律师事务所及本案承办人"
    assert isinstance(letter.body, ConclusionBody) and letter.body.letter.case.handler is None
