"""A minimal, complete and valid evaluation repository for rule tests.

Tests copy it into a temporary folder, change one line, and check that
exactly the expected problem appears at exactly the expected place.
"""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

SCHEME = """\
scheme:
  title: 泉州市法律援助案件质量评估方案
  issuer: 泉州市司法局
  effective: 2022-04-29
  valid_years: 5
panel: {min_members: 2}
review: {min_members: 2}
eligibility: {min_practice_years: 10}
deadlines:
  notify_after_evaluation: 10
  objection_window: 7
  reply_without_review: 5
  review_conclusion: 7
  notify_changed_review: 3
consequences: {handler_exclusion_years: 3, expert_bar_years: 2}
auto_fail:
  - {id: no_meeting, article: 15(1), title: 未会见受援人}
  - {id: loss_by_fault, article: 15(2), title: 因过错造成损失}
  - {id: charged_client, article: 15(3), title: 收取财物}
leading_group:
  - {id: L01, name: 组长（示例）, role: 组长}
office:
  - {id: O01, name: 工作人员（示例）, role: 评估办}
publication: {handler_names: true}
"""


def expert(number: int, *, since: str = "2005-03-01", firm: str = "QZLF0{n}", region: str = "鲤城区") -> str:
    return textwrap.dedent(
        f"""\
        id: E000{number}
        name: 专家{number}（示例）
        licence_no: "3505000000000000{number}"
        practising_since: {since}
        firm: {{name: 示例律所{number}, code: {firm.format(n=number)}}}
        region: {region}
        specialties: [criminal]
        legal_aid_record: [长期办理法律援助案件]
        penalties: []
        appointed: {{on: 2024-12-20, decision: 泉司〔2024〕88号}}
        """
    )


INDICATORS = """\
id: criminal-v1
case_type: criminal
version: 1
approved: {on: 2025-08-20, decision: 泉法援评〔2025〕2号}
items:
  - {id: meeting, title: 会见, points: 40}
  - {id: opinion, title: 辩护意见, points: 60}
grades: {excellent: 90, good: 80, pass: 60}
"""

ROUND = """\
id: "2025"
title: 2025年度评估（示例）
approved: {on: 2025-08-20, decision: 泉法援评〔2025〕1号}
population: closed-cases.csv
closed_between: {from: 2025-01-01, to: 2025-06-30}
sample: {ratio: 0.1, strata: type, min_per_stratum: 1}
seed: {source: 示例开奖号码, value: "01 02 03"}
panels: {cases_per_panel: 2, max_panels_per_expert: 2}
indicator_sets: {criminal: criminal-v1}
submission_deadline: 2025-10-31
evaluation_ended: 2025-11-28
notified_on: 2025-12-05
published: 2025-12-12
"""


def case(case_id: str, *, closed_on: str = "2025-03-01") -> str:
    return textwrap.dedent(
        f"""\
        id: {case_id}
        number: （2025）泉法援刑字第{case_id[-3:]}号
        type: criminal
        cause: 盗窃罪
        closed_on: {closed_on}
        handler: {{name: 承办人（示例）, licence_no: "35050000000009999"}}
        institution: {{name: 示例承办律所, code: QZLF99, region: 丰泽区}}
        client: {{name: 受援人（示例）}}
        """
    )


PANELS = """\
drawn_on: 2025-09-10
seed: "01 02 03"
panels:
  - id: P-criminal-1
    case_type: criminal
    method: random
    members: [E0001, E0002]
    writer: E0001
    cases: [QZ2025-001, QZ2025-002]
recusals: []
"""


def scoresheet(case_id: str, expert_id: str, meeting: float, opinion: float, auto_fail: str = "[]") -> str:
    return textwrap.dedent(
        f"""\
        case: {case_id}
        expert: {expert_id}
        indicator_set: criminal-v1
        scores:
          meeting: {meeting}
          opinion: {opinion}
        auto_fail: {auto_fail}
        comments: 工作规范（示例）
        no_conflict_declared: true
        submitted_on: 2025-10-20
        """
    )


def summary(case_id: str, grade: str, mean: float, reasons: str = "理由（示例）") -> str:
    return textwrap.dedent(
        f"""\
        case: {case_id}
        writer: E0001
        grade: {grade}
        mean_score: {mean}
        reasons: {reasons}
        agreed: true
        submitted_on: 2025-10-25
        """
    )


def files() -> dict[str, str]:
    """path → text of every file of the minimal repository."""
    return {
        "scheme.yaml": SCHEME,
        "calendar.yaml": "years: {}\n",
        "experts/E0001.yaml": expert(1),
        "experts/E0002.yaml": expert(2),
        "experts/E0003.yaml": expert(3),
        "scoresheets/indicators/criminal-v1.yaml": INDICATORS,
        "cases/2025/round.yaml": ROUND,
        "cases/2025/QZ2025-001.yaml": case("QZ2025-001"),
        "cases/2025/QZ2025-002.yaml": case("QZ2025-002"),
        "cases/2025/panels.yaml": PANELS,
        "scoresheets/2025/QZ2025-001/E0001.yaml": scoresheet("QZ2025-001", "E0001", 38, 55),
        "scoresheets/2025/QZ2025-001/E0002.yaml": scoresheet("QZ2025-001", "E0002", 36, 54),
        "scoresheets/2025/QZ2025-001/summary.yaml": summary("QZ2025-001", "excellent", 91.5),
        "scoresheets/2025/QZ2025-002/E0001.yaml": scoresheet("QZ2025-002", "E0001", 30, 40),
        "scoresheets/2025/QZ2025-002/E0002.yaml": scoresheet("QZ2025-002", "E0002", 30, 41),
        "scoresheets/2025/QZ2025-002/summary.yaml": summary("QZ2025-002", "pass", 70.5),
    }


def signed(contents: dict[str, str], *cases: str) -> dict[str, str]:
    """*contents* with every panel member's signature of the summary of *cases* (default: every summary, Art. 17)."""
    for case_id in cases or sorted(p.split("/")[2] for p in contents if p.endswith("/summary.yaml")):
        digest = hashlib.sha256(contents[f"scoresheets/2025/{case_id}/summary.yaml"].encode("utf-8")).hexdigest()
        for expert_id in ("E0001", "E0002"):
            contents[f"scoresheets/2025/{case_id}/signatures/{expert_id}.yaml"] = (
                f"summary_sha256: {digest}\nsigned_on: 2025-10-26\n"
            )
    return contents


def write(root: Path, contents: dict[str, str]) -> Path:
    for path, text in contents.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
