"""The open data (Art. 3): every graded case of the published rounds as results.json and results.csv.

Public fields only: each row is built from a :class:`~peereval.publish.views.PublicCase`,
field by field, in the order of :data:`OPEN_DATA_FIELDS`, which docs/open-data.md and
the site's data page describe. Pure: view models in, bytes out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from peereval.cli.tables import csv_text
from peereval.publish.site_views import RoundView
from peereval.publish.views import PublicCase

# The open data, field by field, with what each means (docs/open-data.md and the site's data page show it).
OPEN_DATA_FIELDS: dict[str, str] = {
    "round": "评估轮次编号",
    "case": "评估编号（本站案件页面的编号）",
    "number": "法律援助案件编号",
    "type": "案件类型代码：criminal 刑事、civil 民事、administrative 行政、non_litigation 非诉讼",
    "type_label": "案件类型",
    "cause": "案由或罪名",
    "closed_on": "结案日期（YYYY-MM-DD）",
    "institution": "承办机构",
    "institution_code": "承办机构代码",
    "region": "承办机构所在县（市、区）",
    "handler": "承办人；按公示政策不公开姓名时为空",
    "grade": "最终评估等次代码：excellent 优秀、good 良好、pass 合格、fail 不合格",
    "grade_label": "最终评估等次（复查后以复查结论为准）",
    "first_grade_label": "初次评估等次（专家组或领导小组评定）",
    "mean_score": "专家组评分平均分（初次评估）",
    "auto_fail": "直接评定为不合格的情形（方案第十五条）；CSV 中以“；”分隔",
    "escalated": "专家组意见不一致、由评估领导小组决定等次（方案第十七条）",
    "objected": "承办人提出过复查申请（方案第二十条）",
    "changed_on_review": "复查后等次变更（方案第二十四条）",
    "reasons": "评估理由",
    "review_mean_score": "复查小组评分平均分（复查结束后）",
}


def open_data_row(case: PublicCase) -> dict[str, Any]:
    """One case in the open data: exactly the fields of :data:`OPEN_DATA_FIELDS`, in that order."""
    row: dict[str, Any] = {
        "round": case.round, "case": case.id, "number": case.number, "type": case.type,
        "type_label": case.type_label, "cause": case.cause, "closed_on": case.closed_on.isoformat(),
        "institution": case.institution, "institution_code": case.institution_code, "region": case.region,
        "handler": case.handler, "grade": case.grade, "grade_label": case.grade_label,
        "first_grade_label": case.first_grade_label, "mean_score": case.mean_score,
        "auto_fail": list(case.auto_fail), "escalated": case.escalated, "objected": case.objected,
        "changed_on_review": case.changed_on_review, "reasons": case.reasons,
        "review_mean_score": case.review_mean_score,
    }  # fmt: skip
    assert tuple(row) == tuple(OPEN_DATA_FIELDS)
    return row


def _round_meta(view: RoundView) -> dict[str, Any]:
    deadline = view.objection_deadline
    return {
        "id": view.id, "title": view.title, "document_number": view.document_number,
        "published": view.published.isoformat(), "objection_deadline": deadline.isoformat() if deadline else None,
    }  # fmt: skip


def results_json(rounds: Iterable[RoundView]) -> bytes:
    """The rounds (number, dates, objection deadline), the fields with their meaning, and the cases."""
    chosen = tuple(rounds)
    payload = {
        "rounds": [_round_meta(r) for r in chosen],
        "fields": OPEN_DATA_FIELDS,
        "cases": [open_data_row(c) for r in chosen for c in r.cases],
    }
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _csv_cell(value: Any) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return "；".join(value) if isinstance(value, list) else value


def results_csv(rounds: Iterable[RoundView]) -> bytes:
    """The same rows as CSV: UTF-8 with a byte-order mark (the commands' one CSV writer), booleans true/false."""
    rows = ([_csv_cell(v) for v in open_data_row(case).values()] for view in rounds for case in view.cases)
    return csv_text(list(OPEN_DATA_FIELDS), rows).encode("utf-8")
