"""Write a valid synthetic evaluation repository with N sampled cases.

    python benchmarks/generate.py N OUT [--seed S] [--cases-per-round K]

The repository passes ``peereval check --as-of 2025-12-20`` with no problem and
looks like a real one in shape and size: scheme.yaml, calendar.yaml, an expert
pool of N/8 + 12 experts over firms, regions and the four case types, one
indicator set per type, and rounds of at most K sampled cases (default 1,000;
``--cases-per-round 0`` puts every case in one round). Each round has its
round.yaml, its closed-case export (closed-cases.csv, the population the sample
was drawn from: five closed cases per sampled one, ``sample.ratio`` 0.2), a
file per sampled case, panels.yaml (drawn by the real rule of ``peereval draw``,
so that ``check`` verifies it: panels of three experts for ten cases of a type,
a recusal with its replacement wherever a member's firm handled the case), one scoresheet per
expert per case, the summary sheet and a signature per expert (the SHA-256 of
the summary's bytes). Texts are Chinese, of typical length. Every YAML file
starts with the ``# yaml-language-server: $schema=…`` line pointing at
``schemas/`` (copied from the package, as ``peereval init`` does).

Everything comes from ``random.Random(seed)``: the same N, seed and K give
byte-identical trees. The data are fictional.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import itertools
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from peereval.cli.draw import panels_data, yaml_lines
from peereval.load import records
from peereval.load.yaml_strict import Document, load_text
from peereval.model import Expert as ExpertRecord
from peereval.model import ExpertId, Scheme, Source
from peereval.problems import Problem, Severity
from peereval.rules.draw import Draw, draw_panels
from peereval.rules.panels import scorers
from peereval.rules.recusal import Decisions

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "scripts" / "peereval" / "schemas"
AS_OF = date(2025, 12, 20)  # a day on which the generated repository is complete and valid
CASES_PER_ROUND = 1000
CASES_PER_PANEL = 10
PANEL_SIZE = 3
PANEL_CAP = 30  # max_panels_per_expert: the draw passes over an expert at the cap
DRAWN_ON = date(2025, 9, 10)
SAMPLE_RATIO = 0.2
MAX_EXPERTS = 9999  # expert ids are E####

TYPES = ("criminal", "civil", "administrative", "non_litigation")
TYPE_WEIGHTS = (40, 38, 8, 14)
TYPE_CHAR = {"criminal": "刑", "civil": "民", "administrative": "行", "non_litigation": "非诉"}
STAGES = {
    "criminal": ("investigation", "prosecution", "first_instance", "first_instance", "second_instance"),
    "civil": ("first_instance", "first_instance", "second_instance", "enforcement"),
    "administrative": ("first_instance", "second_instance"),
    "non_litigation": ("arbitration", "mediation", "other"),
}
CAUSES = {
    "criminal": (
        "盗窃罪 诈骗罪 故意伤害罪 危险驾驶罪 帮助信息网络犯罪活动罪 掩饰、隐瞒犯罪所得罪 开设赌场罪 寻衅滋事罪 "
        "非法吸收公众存款罪 交通肇事罪 贩卖毒品罪 抢劫罪 职务侵占罪"
    ).split(),
    "civil": (
        "追索劳动报酬纠纷 机动车交通事故责任纠纷 离婚纠纷 抚养费纠纷 赡养纠纷 民间借贷纠纷 提供劳务者受害责任纠纷 "
        "医疗损害责任纠纷 工伤保险待遇纠纷 确认劳动关系纠纷 继承纠纷"
    ).split(),
    "administrative": (
        "工伤认定行政纠纷 行政处罚纠纷 最低生活保障行政给付纠纷 房屋征收补偿纠纷 行政赔偿纠纷 政府信息公开纠纷"
    ).split(),
    "non_litigation": (
        "劳动争议仲裁代理 人民调解代理 工伤待遇协商 交通事故损害赔偿协商 追索劳动报酬调解 农民工欠薪协调"
    ).split(),
}
REGIONS = "鲤城区 丰泽区 洛江区 泉港区 石狮市 晋江市 南安市 惠安县 安溪县 永春县 德化县 泉州台商投资区".split()
# Experts and handlers (public) and aided persons and opponents (private) have surnames from disjoint pools,
# and no private surname occurs in any other text the generator or the site writes: so no private name can
# turn up inside a public text by chance (a client 江晓 inside a handler 江晓怡), which the privacy scan
# would rightly call a leak.
PUBLIC_SURNAMES = "陈林黄张许施周戴方江何高宋"
PRIVATE_SURNAMES = "吴王李刘蔡郑杨洪庄苏曾柯蒋叶谢傅卢颜骆邱潘姚郭徐罗梁唐韩冯邓曹彭萧田董袁"
GIVEN = "志明伟建华国强丽芳秀英文斌海燕婷晓辉俊杰艺鸿清源泉福荣德金水春雅琳静宏宇欣怡晨阳振东家豪思远佳慧鑫磊"
FIRM_WORDS = (
    "刺桐 清源 开元 海丝 闽南 东湖 泉鑫 温陵 桐城 紫帽 晋江 南安 石狮 洛阳 承天 崇武 安平 五里 九日 笋江 金鸡 鲤城 丰泽 "
    "惠泽 永宁 德政 天心 正和"
).split()
FIRM_STYLES = ("律师事务所", "律师事务所", "律师事务所", "法律服务所")
OPPONENT_ROLES = {"first_instance": "被告", "second_instance": "被上诉人", "enforcement": "被执行人"}
COMPANY_WORDS = "鞋业 纺织 石材 茶业 陶瓷 建筑工程 物流 食品 电子 服装".split()
MATERIALS = (
    "法律援助申请表及受援人身份证明 经济困难状况说明表 法律援助机构指派通知书 委托代理协议（援助） 授权委托书 "
    "会见笔录（第一次） 会见笔录（第二次） 阅卷笔录及案卷材料摘抄 调查取证申请及取证材料 证据目录 法律意见书 "
    "庭审笔录摘要 裁判文书 结案报告 受援人意见反馈表 案件承办情况报告 与受援人沟通记录 办案机关联系记录"
).split()

# Indicator sets modelled on the national peer-evaluation indicators: id, title, points by type, guidance.
ITEMS: tuple[tuple[str, str, tuple[int, int, int, int], str], ...] = (
    (
        "engagement",
        "接受指派与办理手续",
        (5, 5, 5, 6),
        "在规定期限内接受指派、与受援人签订委托协议并办理手续；手续齐全、时间清楚。",
    ),
    (
        "meeting",
        "会见或约见受援人",
        (15, 12, 12, 14),
        "依法及时会见或约见受援人，了解案情与诉求，告知权利义务；会见笔录完整并由受援人签字确认。",
    ),
    (
        "reading",
        "阅卷与审查材料",
        (15, 10, 12, 10),
        "全面查阅案卷或审查受援人提供的材料，摘录关键事实与证据，形成阅卷笔录。",
    ),
    (
        "evidence",
        "调查取证",
        (10, 18, 15, 15),
        "根据案情需要调查收集证据或申请调取证据，取证过程合法，证据与待证事实关联。",
    ),
    (
        "opinion",
        "辩护或代理意见",
        (20, 20, 22, 20),
        "辩护或代理意见观点明确、事实清楚、依据充分、说理透彻，并以书面形式提交。",
    ),
    (
        "hearing",
        "出庭、仲裁或调解",
        (15, 15, 14, 15),
        "按时参加庭审、仲裁或调解，发问、质证、辩论有针对性，充分维护受援人合法权益。",
    ),
    ("informing", "告知与沟通", (8, 8, 8, 8), "及时向受援人告知案件进展、诉讼风险与处理结果，沟通记录清楚。"),
    ("reporting", "报告与结案", (5, 5, 5, 5), "按规定报告重大事项，在结案后及时提交结案报告及相关材料。"),
    ("file", "卷宗归档完整规范", (7, 7, 7, 7), "卷宗材料齐全、排列有序、装订规范，文书签章完整，按期归档。"),
)
GOOD_REMARKS = (
    "承办人接受指派后及时会见受援人，会见笔录完整，记录了受援人的陈述和主要诉求",
    "阅卷细致，对案件事实和证据的摘录清楚，能够抓住争议焦点",
    "调查取证有针对性，取得的证据对案件处理起到了关键作用",
    "辩护（代理）意见观点明确、依据充分，论证较为透彻，部分意见被裁判机关采纳",
    "出庭表现良好，发问和质证有针对性，辩论意见紧扣争议焦点",
    "注重与受援人的沟通，及时告知案件进展和处理结果，受援人表示满意",
    "卷宗材料齐全、排列有序，文书签章完整，归档及时",
)
WEAK_REMARKS = (
    "会见次数偏少，会见笔录未完整体现对受援人权利义务的告知",
    "阅卷笔录较为简略，对关键证据的分析不够深入",
    "未根据案情需要申请调取对受援人有利的证据，调查取证工作有所欠缺",
    "辩护（代理）意见说理不够充分，对法律适用问题的论证较为笼统",
    "庭审中质证意见针对性不强，未能充分回应对方的主要观点",
    "与受援人的沟通记录不完整，未见告知诉讼风险的书面材料",
    "卷宗中部分文书缺少签章，结案报告提交时间偏晚",
)
CLOSINGS = (
    "总体而言，承办人能够依法履行法律援助义务，办案程序规范。",
    "建议今后进一步加强书面材料的规范性，提升办案质量。",
    "综合各项指标，本案办理质量符合法律援助服务标准的要求。",
    "希望承办人在今后的办案中注意总结经验，持续提高服务水平。",
)
AUTO_FAIL_EVIDENCE = {
    "no_meeting": "卷宗中无任何会见或约见受援人的记录，承办人亦未说明受援人自身原因，属于应当会见而未会见的情形。",
    "loss_by_fault": "承办人未在法定期限内提交上诉状，致使受援人丧失上诉权利并遭受经济损失，卷宗中有受援人投诉材料为证。",
    "charged_client": "受援人反馈表及转账记录显示，承办人以差旅费名义向受援人收取费用人民币二千元。",
}


@dataclass(frozen=True, slots=True)
class Firm:
    name: str
    code: str
    region: str


@dataclass(slots=True)
class Expert:
    id: str
    name: str
    licence_no: str
    since: date
    firm: Firm
    specialties: tuple[str, ...]
    appointed: date
    github: str
    key: str
    penalty: bool
    unavailable: bool


@dataclass(frozen=True, slots=True)
class Closed:
    """One row of a round's closed-case export."""

    case_id: str
    number: str
    type: str
    closed_on: date
    handler_name: str
    handler_licence_no: str
    firm: Firm


@dataclass(slots=True)
class Panel:
    id: str
    case_type: str
    members: list[str]
    cases: list[str]
    designated: bool


class Writer:
    """Writes files under a root, creating folders as needed, counting what it wrote."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.folders: set[str] = set()
        self.files = 0

    def write(self, relative: str, data: bytes) -> None:
        path = os.path.join(self.root, relative)
        folder = os.path.dirname(path)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        with open(path, "xb") as handle:
            handle.write(data)
        self.files += 1

    def yaml(self, relative: str, kind: str, comment: str, body: str) -> bytes:
        """Write a YAML file with the schema line and a comment; return its bytes."""
        schema = "../" * relative.count("/") + f"schemas/{kind}.schema.json"
        data = f"# yaml-language-server: $schema={schema}\n# {comment}\n{body}".encode()
        self.write(relative, data)
        return data


def _name(rng: random.Random, surnames: str = PUBLIC_SURNAMES) -> str:
    return rng.choice(surnames) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _number(value: float) -> str:
    """A score as YAML: ``12`` or ``12.5``."""
    return str(int(value)) if value == int(value) else repr(value)


def _firms(rng: random.Random, count: int) -> list[Firm]:
    names = [f"福建{a}{b}" for a in FIRM_WORDS for b in FIRM_WORDS if a != b]
    rng.shuffle(names)
    firms = []
    for k in range(count):
        name = names[k % len(names)] + ("" if k < len(names) else f"第{k // len(names) + 1}")
        firms.append(Firm(name + rng.choice(FIRM_STYLES), f"QZLF{k + 1:04d}", rng.choice(REGIONS)))
    return firms


def _experts(rng: random.Random, count: int, firms: Sequence[Firm]) -> list[Expert]:
    experts: list[Expert] = []
    specialties: tuple[str, ...]
    for k in range(count):
        if k < 12:  # the first twelve guarantee at least six experts per type
            specialties = (TYPES[k % 4], TYPES[(k + 1) % 4])
        else:
            first = rng.choices(TYPES, TYPE_WEIGHTS)[0]
            second = rng.choices(TYPES, TYPE_WEIGHTS)[0]
            specialties = (first,) if second == first or rng.random() < 0.5 else (first, second)
        since = _day(rng, date(1992, 1, 1), date(2014, 12, 31))
        key = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rng.randbytes(32)).decode()
        experts.append(
            Expert(
                id=f"E{k + 1:04d}",
                name=_name(rng),
                licence_no=f"1350{REGIONS.index(rng.choice(REGIONS)):02d}{since.year}1{k + 1:06d}",
                since=since,
                firm=rng.choice(firms),
                specialties=specialties,
                appointed=rng.choice((date(2022, 6, 15), date(2023, 7, 3), date(2024, 12, 20))),
                github=f"qz-expert-{k + 1:04d}",
                key=f"ssh-ed25519 {key} E{k + 1:04d}",
                penalty=rng.random() < 0.03,
                unavailable=rng.random() < 0.05,
            )
        )
    return experts


def _expert_yaml(expert: Expert) -> str:
    lines = [
        f"id: {expert.id}",
        f"name: {expert.name}",
        f'licence_no: "{expert.licence_no}"',
        f"practising_since: {expert.since.isoformat()}",
        "firm:",
        f"  name: {expert.firm.name}",
        f"  code: {expert.firm.code}",
        f"region: {expert.firm.region}",
        f"specialties: [{', '.join(expert.specialties)}]",
        "legal_aid_record:",
        f"  - {expert.since.year + 3}年起承办法律援助案件，累计办理{20 + len(expert.name) * 17}件",
        "  - 参与泉州市法律援助案件质量评估工作",
    ]
    if expert.penalty:
        lines += [
            "penalties:",
            "  - on: 2016-05-12",
            "    until: 2017-05-11",
            "    authority: 泉州市律师协会",
            "    description: 通报批评（执业过程中未及时告知委托人案件进展）",
        ]
    else:
        lines.append("penalties: []")
    decision = {
        date(2022, 6, 15): "泉司〔2022〕45号",
        date(2023, 7, 3): "泉司〔2023〕61号",
        date(2024, 12, 20): "泉司〔2024〕88号",
    }
    lines += ["appointed:", f"  on: {expert.appointed.isoformat()}", f"  decision: {decision[expert.appointed]}"]
    if expert.unavailable:
        lines += ["unavailable:", "  - from: 2025-01-20", "    to: 2025-02-10"]
    lines += [
        f"github: {expert.github}",
        "signing_keys:",
        f"  - key: {expert.key}",
        f"    valid_from: {expert.appointed.isoformat()}",
    ]
    return "\n".join(lines) + "\n"


def _scheme_yaml() -> str:
    return """\
scheme:
  title: 泉州市法律援助案件质量评估方案
  issuer: 泉州市司法局
  document_prefix: 泉法援评
  effective: 2022-04-29
  valid_years: 5
panel:
  min_members: 2
review:
  min_members: 2
eligibility:
  min_practice_years: 10
deadlines:
  notify_after_evaluation: 10
  objection_window: 7
  reply_without_review: 5
  review_conclusion: 7
  notify_changed_review: 3
consequences:
  handler_exclusion_years: 3
  expert_bar_years: 2
auto_fail:
  - id: no_meeting
    article: 15(1)
    title: 应当会见或约见受援人而未会见或约见（因受援人自身原因除外）
  - id: loss_by_fault
    article: 15(2)
    title: 因承办人过错导致受援人遭受经济损失或造成不良社会影响
  - id: charged_client
    article: 15(3)
    title: 承办人向受援人收取财物
leading_group:
  - id: L01
    name: 林志远（合成）
    role: 组长
  - id: L02
    name: 陈秀英（合成）
    role: 副组长
office:
  - id: O01
    name: 黄晓婷（合成）
    role: 评估办工作人员
publication:
  handler_names: true
  expert_names: false
  letters_on_site: true
"""


def _indicators_yaml(type_index: int, case_type: str) -> str:
    lines = [
        f"id: {case_type}-v1",
        f"title: {TYPE_CHAR[case_type]}事法律援助案件质量评估指标（第1版）",
        f"case_type: {case_type}",
        "version: 1",
        "approved:",
        "  on: 2025-08-20",
        "  decision: 泉法援评〔2025〕2号",
        "items:",
    ]
    for item_id, title, points, guidance in ITEMS:
        lines += [
            f"  - id: {item_id}",
            f"    title: {title}",
            f"    points: {points[type_index]}",
            f"    guidance: {guidance}",
        ]
    lines += ["grades:", "  excellent: 90", "  good: 80", "  pass: 60"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class RoundPlan:
    id: str
    index: int
    first_serial: int
    cases: int


def _population(rng: random.Random, plan: RoundPlan, firms: Sequence[Firm]) -> list[Closed]:
    rows = []
    for k in range(round(plan.cases / SAMPLE_RATIO)):
        serial = plan.first_serial + k
        case_type = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        closed_on = _day(rng, date(2024, 7, 1), date(2025, 6, 30))
        opened = closed_on.year - (1 if rng.random() < 0.3 else 0)
        rows.append(
            Closed(
                case_id=f"QZ2025-{serial:06d}",
                number=f"（{opened}）闽泉法援{TYPE_CHAR[case_type]}字第{serial:06d}号",
                type=case_type,
                closed_on=closed_on,
                handler_name=_name(rng),
                handler_licence_no=f"1350{rng.randrange(12):02d}{rng.randint(2000, 2022)}1{500000 + serial % 500000:06d}",
                firm=rng.choice(firms),
            )
        )
    return rows


def _csv(rows: Sequence[Closed]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        (
            "case_id",
            "number",
            "type",
            "closed_on",
            "handler_name",
            "handler_licence_no",
            "institution_name",
            "institution_code",
            "region",
        )
    )
    for row in rows:
        writer.writerow(
            (
                row.case_id,
                row.number,
                row.type,
                row.closed_on.isoformat(),
                row.handler_name,
                row.handler_licence_no,
                row.firm.name,
                row.firm.code,
                row.firm.region,
            )
        )
    return buffer.getvalue().encode()


def _case_yaml(rng: random.Random, row: Closed) -> str:
    stage = rng.choice(STAGES[row.type])
    lines = [
        f"id: {row.case_id}",
        f"number: {row.number}",
        f"type: {row.type}",
        f"stage: {stage}",
        f"cause: {rng.choice(CAUSES[row.type])}",
        f"closed_on: {row.closed_on.isoformat()}",
        "handler:",
        f"  name: {row.handler_name}",
        f'  licence_no: "{row.handler_licence_no}"',
        "institution:",
        f"  name: {row.firm.name}",
        f"  code: {row.firm.code}",
        f"  region: {row.firm.region}",
        "client:",
        f"  name: {_name(rng, PRIVATE_SURNAMES)}",
        f'  phone: "1{rng.choice("358")}{rng.randrange(10**9):09d}"',
    ]
    if row.type in ("civil", "administrative"):
        opponent = (
            f"泉州{rng.choice(FIRM_WORDS)}{rng.choice(COMPANY_WORDS)}有限公司"
            if rng.random() < 0.6
            else _name(rng, PRIVATE_SURNAMES)
        )
        if row.type == "administrative":
            opponent = f"{row.firm.region}人力资源和社会保障局"
        lines += ["parties:", f"  - name: {opponent}", f"    role: {OPPONENT_ROLES.get(stage, '被申请人')}"]
    lines.append(f"difficult: {'true' if rng.random() < 0.08 else 'false'}")
    lines.append("materials:")
    chosen = sorted(rng.sample(range(len(MATERIALS)), rng.randint(8, 14)))
    lines += [f"  - {MATERIALS[k]}" for k in chosen]
    return "\n".join(lines) + "\n"


def _parsed(path: str, data: bytes) -> Document:
    """*data* as the strict loader reads it (the generator writes only valid files)."""
    document = load_text(path, data)
    assert not isinstance(document, Problem), document
    return document


def _draw(
    folder: str, round_data: bytes, case_data: dict[str, bytes], scheme: Scheme, pool: dict[ExpertId, ExpertRecord]
) -> Draw:
    """The round's panels by the real rule (``peereval draw``), so that ``peereval check`` verifies them."""
    round_doc = _parsed(f"{folder}/round.yaml", round_data)
    round_record = records.build_round(round_doc.source, round_doc.data)
    cases = {}
    for path, data in case_data.items():
        document = _parsed(path, data)
        case = records.build_case(document.source, document.data, round_record.id)
        cases[case.id] = case
    assert round_record.seed_value is not None
    draw = draw_panels(
        round=round_record,
        cases=cases,
        experts=pool,
        scheme=scheme,
        drawn_on=DRAWN_ON,
        seed=round_record.seed_value,
        decisions=Decisions(),
    )
    errors = [problem for problem in draw.problems if problem.severity is Severity.ERROR]
    if errors:
        raise ValueError(f"round {round_record.id}: the expert pool is too small: {errors[0].message}")
    return draw


def _panels_yaml(draw: Draw) -> str:
    data = panels_data(draw)
    del data["pool"]  # optional; a pool list per panel would make large files huge
    return "\n".join(yaml_lines(data)) + "\n"


def _round_yaml(plan: RoundPlan, cap: int, seed_value: str, batches: int) -> str:
    batch = f"（第{plan.index}批）" if batches > 1 else ""
    sets = "\n".join(f"  {t}: {t}-v1" for t in TYPES)
    return f"""\
id: "{plan.id}"
title: 2025年度法律援助案件质量评估{batch}
approved:
  on: 2025-08-20
  decision: 泉法援评〔2025〕{1 if batches == 1 else 3 + plan.index}号
population: closed-cases.csv
closed_between:
  from: 2024-07-01
  to: 2025-06-30
sample:
  ratio: {SAMPLE_RATIO}
  strata: type
  min_per_stratum: 1
seed:
  source: 2025年9月9日中国福利彩票3D第2025241期开奖号码
  value: "{seed_value}"
panels:
  cases_per_panel: {CASES_PER_PANEL}
  size: {PANEL_SIZE}
  max_panels_per_expert: {cap}
  regional_recusal: false
indicator_sets:
{sets}
submission_deadline: 2025-10-31
evaluation_ended: 2025-11-28
notified_on: 2025-12-05
published: 2025-12-12
"""


def _remarks(rng: random.Random, ratio: float) -> str:
    good = rng.sample(GOOD_REMARKS, 2 if ratio < 0.75 else 3)
    weak = rng.sample(WEAK_REMARKS, 2 if ratio < 0.75 else 1)
    parts = good + weak if ratio >= 0.6 else weak + good[:1]
    return "；".join(parts) + "。" + rng.choice(CLOSINGS)


def _scores(rng: random.Random, type_index: int, quality: float) -> dict[str, float]:
    bias = rng.gauss(0, 0.03)
    scores = {}
    for item_id, _, points, _ in ITEMS:
        p = points[type_index]
        scores[item_id] = min(float(p), max(0.0, round(p * (quality + bias + rng.gauss(0, 0.06)) * 2) / 2))
    return scores


def _grade(mean: float, auto_fail: bool) -> str:
    if auto_fail or mean < 60:
        return "fail"
    return "excellent" if mean >= 90 else "good" if mean >= 80 else "pass"


REASONS = {
    "excellent": "各项指标完成出色，会见、阅卷、取证及辩护（代理）工作扎实，意见被采纳，受援人合法权益得到充分维护，专家组一致评定为优秀。",
    "good": "办案程序规范，主要指标完成较好，个别环节的书面材料尚可进一步完善。",
    "pass": "基本履行了法律援助义务，但在调查取证、意见论证或与受援人沟通方面存在明显不足。",
    "fail": "多项指标明显不达标，办案质量未达到法律援助服务标准的基本要求。",
}


def _evaluate(
    writer: Writer,
    rng: random.Random,
    round_id: str,
    row: Closed,
    scorers: Sequence[str],
    decisions: Iterator[int],
    summary_writer: str,
) -> None:
    """Scoresheets of *scorers*, the summary of the panel's *summary_writer* (Art. 17), every scorer's signature."""
    type_index = TYPES.index(row.type)
    quality = rng.gauss(0.52, 0.07) if rng.random() < 0.05 else rng.gauss(0.85, 0.06)
    quality = min(0.99, max(0.2, quality))
    auto_fail = rng.choice(sorted(AUTO_FAIL_EVIDENCE)) if rng.random() < 0.015 else None
    folder = f"scoresheets/{round_id}/{row.case_id}"
    totals: list[float] = []
    last_sheet = date(2025, 9, 10)
    for position, expert_id in enumerate(scorers):
        scores = _scores(rng, type_index, quality)
        totals.append(sum(scores.values()))
        submitted = _day(rng, date(2025, 9, 15), date(2025, 10, 24))
        last_sheet = max(last_sheet, submitted)
        lines = [f"case: {row.case_id}", f"expert: {expert_id}", f"indicator_set: {row.type}-v1", "scores:"]
        lines += [f"  {item}: {_number(value)}" for item, value in scores.items()]
        if auto_fail is not None and position == 0:
            lines += ["auto_fail:", f"  - id: {auto_fail}", f"    evidence: {AUTO_FAIL_EVIDENCE[auto_fail]}"]
        else:
            lines.append("auto_fail: []")
        lines += [
            f"comments: {_remarks(rng, totals[-1] / 100)}",
            "no_conflict_declared: true",
            f"submitted_on: {submitted.isoformat()}",
        ]
        writer.yaml(
            f"{folder}/{expert_id}.yaml", "scoresheet", "评估表：专家独立评分（第13条）", "\n".join(lines) + "\n"
        )
    mean = round(sum(totals) / len(totals), 2)
    grade = _grade(mean, auto_fail is not None)
    summary_day = min(date(2025, 10, 31), last_sheet + timedelta(days=rng.randint(0, 5)))
    # A panel can disagree only where its members' own grades differ (Art. 17; else W-ART17-NO-DISAGREEMENT).
    own_grades_differ = len({_grade(total, False) for total in totals}) > 1
    agreed = auto_fail is not None or rng.random() >= 0.01 or not own_grades_differ
    lines = [f"case: {row.case_id}", f"writer: {summary_writer}", f"grade: {grade}", f"mean_score: {mean!r}"]
    if auto_fail is not None:
        lines.append(f"auto_fail: [{auto_fail}]")
    if grade in ("excellent", "fail") or rng.random() < 0.5:
        lines.append(f"reasons: {REASONS[grade]}")
    lines.append(f"agreed: {'true' if agreed else 'false'}")
    if not agreed:
        lines += [
            "escalation:",
            f"  on: {(summary_day + timedelta(days=rng.randint(7, 20))).isoformat()}",
            f"  decision: 泉法援评〔2025〕{next(decisions)}号",
            f"  grade: {grade}",
            "  reasons: 专家组成员对个别指标的评分意见不一致，经领导小组审议，维持按平均分确定的等次。",
        ]
    lines.append(f"submitted_on: {summary_day.isoformat()}")
    data = writer.yaml(f"{folder}/summary.yaml", "summary", "评估结果汇总表（第16、17条）", "\n".join(lines) + "\n")
    digest = hashlib.sha256(data).hexdigest()
    for expert_id in scorers:
        signed = summary_day + timedelta(days=rng.randint(0, 3))
        body = f"summary_sha256: {digest}\nsigned_on: {signed.isoformat()}\n"
        writer.yaml(f"{folder}/signatures/{expert_id}.yaml", "signature", "汇总表签名（第17条）", body)


def _plans(n: int, per_round: int) -> list[RoundPlan]:
    per_round = per_round if per_round > 0 else max(n, 1)
    count = max(1, -(-n // per_round))
    width = max(2, len(str(count)))
    plans, serial = [], 1
    for index in range(1, count + 1):
        cases = min(per_round, n - (index - 1) * per_round)
        round_id = "2025" if count == 1 else f"2025-{index:0{width}d}"
        plans.append(RoundPlan(round_id, index, serial, cases))
        serial += round(cases / SAMPLE_RATIO)
    return plans


def _write_round(
    writer: Writer,
    rng: random.Random,
    plan: RoundPlan,
    firms: Sequence[Firm],
    registry: tuple[Scheme, dict[ExpertId, ExpertRecord]],
    batches: int,
    decisions: Iterator[int],
) -> None:
    folder = f"cases/{plan.id}"
    population = _population(rng, plan, firms)
    writer.write(f"{folder}/closed-cases.csv", _csv(population))
    sample = sorted(rng.sample(population, plan.cases), key=lambda row: row.case_id)
    case_data = {
        f"{folder}/{row.case_id}.yaml": writer.yaml(
            f"{folder}/{row.case_id}.yaml", "case", "抽查案件（合成数据，纯属虚构）", _case_yaml(rng, row)
        )
        for row in sample
    }
    seed_value = f"2025241 {plan.index % 10} 3 7"
    round_data = writer.yaml(
        f"{folder}/round.yaml",
        "round",
        "评估轮次：工作方案、抽样与期限（第5、16条）",
        _round_yaml(plan, PANEL_CAP, seed_value, batches),
    )
    draw = _draw(folder, round_data, case_data, *registry)
    writer.yaml(f"{folder}/panels.yaml", "panels", "专家组抽取结果（peereval draw 写入；合成数据）", _panels_yaml(draw))
    as_record = draw.as_panel_draw(Source(f"{folder}/panels.yaml"))
    rows = {row.case_id: row for row in sample}
    for panel in draw.panels:
        for case_id in panel.cases:
            sitting = scorers(as_record, case_id)
            _evaluate(writer, rng, plan.id, rows[case_id], sitting, decisions, panel.writer)


def generate(n: int, out: Path, seed: int = 2025, *, cases_per_round: int = CASES_PER_ROUND) -> int:
    """Write a valid repository with *n* sampled cases into *out*; return the number of files written.

    :raises FileExistsError: when *out* exists and is not an empty folder.
    :raises ValueError: when *n* is out of range.
    """
    if n < 1:
        raise ValueError("N must be at least 1")
    expert_count = n // 8 + 12
    if expert_count > MAX_EXPERTS:
        raise ValueError(f"N = {n} needs {expert_count} experts; expert ids E#### allow {MAX_EXPERTS}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty folder")
    rng = random.Random(seed)
    writer = Writer(out)
    for schema in sorted(SCHEMA_DIR.glob("*.schema.json")):
        writer.write(f"schemas/{schema.name}", schema.read_bytes())
    scheme_data = writer.yaml(
        "scheme.yaml", "scheme", "评估方案参数（合成基准数据，由 benchmarks/generate.py 生成）", _scheme_yaml()
    )
    scheme_doc = _parsed("scheme.yaml", scheme_data)
    scheme = records.build_scheme(scheme_doc.source, scheme_doc.data)
    writer.yaml("calendar.yaml", "calendar", "工作日补充：chinese-calendar 已收录 2025 年，无需补充", "years: {}\n")
    for index, case_type in enumerate(TYPES):
        writer.yaml(
            f"scoresheets/indicators/{case_type}-v1.yaml",
            "indicators",
            "评估指标：分值合计 100（第12条）",
            _indicators_yaml(index, case_type),
        )
    firms = _firms(rng, n // 50 + 24)
    experts = _experts(rng, expert_count, firms)
    plans = _plans(n, cases_per_round)
    decisions = itertools.count(4 + len(plans))  # 1: work plan, 2: indicator sets, 3: designations, then rounds
    pool: dict[ExpertId, ExpertRecord] = {}
    for expert in experts:
        path = f"experts/{expert.id}.yaml"
        document = _parsed(path, writer.yaml(path, "expert", "评估专家（合成数据，纯属虚构）", _expert_yaml(expert)))
        pool[ExpertId(expert.id)] = records.build_expert(document.source, document.data)
    for plan in plans:
        _write_round(writer, rng, plan, firms, (scheme, pool), len(plans), decisions)
    return writer.files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a valid synthetic evaluation repository with N cases.")
    parser.add_argument("n", type=int, metavar="N", help="number of sampled cases")
    parser.add_argument("out", type=Path, metavar="OUT", help="folder to create (must not exist or be empty)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument(
        "--cases-per-round",
        type=int,
        default=CASES_PER_ROUND,
        help=f"cases per round (default {CASES_PER_ROUND}; 0 = a single round)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        files = generate(args.n, args.out, args.seed, cases_per_round=args.cases_per_round)
    except (FileExistsError, ValueError) as error:
        print(f"generate.py: {error}", file=sys.stderr)
        return 2
    print(f"{files} files written to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
