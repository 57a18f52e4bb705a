"""``peereval sample`` and ``peereval draw``: the verifiable sample (Art. 5), panels and recusal (Art. 9, 10, 21).

The rules are in :mod:`peereval.rules.draw`; this module reads the repository,
calls them, writes what they computed (never over an existing file without
being asked, always atomically) and reports. docs/draw.md explains the rules.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from peereval.cli.new import schema_header
from peereval.cli.params import as_of_option, format_option, repo_option, today_if_none
from peereval.cli.report import REPORTER_BY_NAME, exit_code
from peereval.cli.tables import render
from peereval.cli.verdicts import selected_rounds
from peereval.load.population import (
    Population,
    read_population,
    read_sample_record,
    sample_record_path,
)
from peereval.load.repo import LoadResult, load_repository
from peereval.load.schema import validate
from peereval.load.yaml_strict import load_text
from peereval.model import CASE_TYPE_LABELS, CaseId, PanelDraw, Repository, RoundRecords, Scheme, Source
from peereval.problems import PeerevalError, Problem, Severity
from peereval.publish.files import create_exclusive, write_text_atomic
from peereval.rules.draw import Draw, draw_panels, expert_loads
from peereval.rules.draw_checks import draw_problems
from peereval.rules.draw_verify import verify_draw
from peereval.rules.recusal import Decisions, decisions_of
from peereval.rules.review_draw import ReviewDraw, review_draw_for
from peereval.rules.sample import ClosedCase, Sample, draw_sample, sample_problems

# --- YAML out: plain where the strict loader reads the same string back, JSON-quoted otherwise ------

_RESERVED = re.compile(
    r"(?i:null|true|false|yes|no|on|off|y|n|~|[-+]?\.(?:inf|nan))\Z"
    r"|[-+]?[0-9][0-9_]*(?:[.:][0-9_]*)*(?:[eE][-+]?[0-9]+)?\Z|[-+]?\.[0-9]+\Z|0[xXoObB][0-9a-fA-F_]+\Z"
)
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^\s:#]| (?=[^#])|:(?=[^\s])|(?<=[^\s])#)*\Z")
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")


def _scalar(value: Any, *, flow: bool = False) -> str:
    """*value* as a YAML scalar: plain when the strict loader reads it back as the same string, else JSON-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    dated = re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None
    plain = _PLAIN.match(text) and not _RESERVED.match(text) and text == text.strip() and text.isprintable()
    if dated or (plain and not (flow and _FLOW_INDICATORS.search(text))):
        return text
    return "".join(_escaped(c) for c in json.dumps(text, ensure_ascii=False))


def _escaped(character: str) -> str:
    """JSON leaves some non-printable characters as they are; YAML readers refuse them raw."""
    if character.isprintable():
        return character
    code = ord(character)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def yaml_lines(data: Any, indent: int = 0) -> list[str]:
    """Block YAML for *data* (dicts, lists, scalars); lists of scalars in flow style."""
    pad, lines = "  " * indent, []
    if isinstance(data, list):
        for item in data:
            inner = yaml_lines(item, indent + 1) if not _is_scalar(item) else [f"{pad}  {_scalar(item)}"]
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines.extend(inner[1:])
        return lines
    for key, value in data.items():
        if isinstance(value, list) and all(_is_scalar(v) for v in value):
            lines.append(f"{pad}{key}: [{', '.join(_scalar(v, flow=True) for v in value)}]")
        elif isinstance(value, dict | list) and value:
            lines.append(f"{pad}{key}:")
            lines.extend(yaml_lines(value, indent + 1))
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}: {{}}")
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    return lines


def _checked_body(path: str, data: Mapping[str, Any]) -> str:
    text = "\n".join(yaml_lines(data)) + "\n"
    document = load_text(path, text.encode("utf-8"))
    if isinstance(document, Problem) or document.data != json.loads(json.dumps(data, default=str)):
        raise PeerevalError(f"internal error: {path} would not read back as written")
    return text


def yaml_text(path: str, data: Mapping[str, Any], header: str, kind: str) -> str:
    """*header* + the YAML of *data*, checked: the strict loader and *kind*'s schema read *data* back."""
    text = header + _checked_body(path, data)
    document = load_text(path, text.encode("utf-8"))
    assert not isinstance(document, Problem)
    problems = validate(document, kind)
    if problems:
        raise PeerevalError(f"internal error: {path} would not validate: {problems[0].as_text()}")
    return text


# --- peereval sample ---------------------------------------------------------------------------


def _round(repository: Repository, round_id: str) -> RoundRecords:
    [records] = selected_rounds(repository, round_id)
    return records


def _seed(records: RoundRecords) -> str:
    if records.round.seed_value is None:
        raise PeerevalError(
            f"round.yaml 尚未填入种子（seed.value，来源：{records.round.seed_source}）；公开事件发生后再抽取"
        )
    return records.round.seed_value


def case_text(repo: Path, row: ClosedCase, round_id: str) -> str:
    """A new case file from an export row: what the export knows, and the fields staff must add."""
    target = repo / "cases" / round_id / f"{row.case_id}.yaml"
    label = CASE_TYPE_LABELS.get(row.type, row.type)
    data = {
        "id": row.case_id,
        "number": row.number,
        "type": row.type,
        "closed_on": row.closed_on,
        "handler": {"name": row.handler_name, "licence_no": row.handler_licence_no},
        "institution": {"name": row.institution_name, "code": row.institution_code, "region": row.region},
    }
    body = _checked_body(f"cases/{round_id}/{row.case_id}.yaml", data)
    todo = (
        "# 以下由评估办补填后再运行 peereval check（cause、client 必填；client、parties 为个人信息，绝不公开）：\n"
        "# stage: first_instance  # investigation、prosecution、first_instance、second_instance…\n"
        "# cause: 案由或罪名\n"
        "# client: {name: 受援人姓名}\n"
        "# parties: [{name: 当事人姓名, role: 诉讼地位}]\n"
        "# difficult: false  # 重大疑难复杂或特殊案件（第9条）\n"
        "# materials: [卷宗材料]\n"
    )
    heading = (
        f"# 抽查案件：{row.case_id} {row.number}（{label}），由 peereval sample 按结案案件清单第 {row.line} 行生成\n"
    )
    return schema_header(repo, target, "case") + heading + body + todo


def sample_text(repo: Path, sample: Sample) -> str:
    path = sample_record_path(sample.round)
    data = {
        "round": sample.round,
        "seed": sample.seed,
        "population": sample.population,
        "population_sha256": sample.population_sha256,
        "ratio": sample.ratio,
        "strata_by": sample.strata_by,
        "min_per_stratum": sample.min_per_stratum,
        "strata": [{"name": s.name, "size": s.size, "take": s.take, "picks": list(s.picks)} for s in sample.strata],
    }
    header = schema_header(repo, repo / path, "sample")
    header += f"# 抽样结果：第 {sample.round} 轮，由 peereval sample 生成；peereval sample {sample.round} --verify 可复算（第5条）\n"
    return yaml_text(path, data, header, "sample")


def _fail(problems: Sequence[Problem], output_format: str) -> int:
    REPORTER_BY_NAME[output_format](problems, sys.stdout)
    return exit_code(problems)


@click.command()
@repo_option
@format_option("text", "json")
@click.option("--verify", is_flag=True, help="重新计算抽查结果并报告每一处差异；不写任何文件。")
@click.argument("round_id")
def sample(repo: Path, output_format: str, verify: bool, round_id: str) -> int:
    """从结案案件清单中抽查本轮案件（第五条），写出案件文件与 sample.yaml；--verify 只核验。

    Draw the round's sample from its closed-case export (Art. 5); write the case files and sample.yaml.

    Existing files are never overwritten. With --verify, exit 1 on any difference.
    """
    loaded = load_repository(repo)
    records = _round(loaded.repository, round_id)
    seed = _seed(records)
    if verify:
        recorded, record_problems = read_sample_record(repo, round_id)
        return _fail([*record_problems, *verify_sample(repo, loaded, records, recorded)], output_format)
    population = read_population(repo, records.round)
    if any(p.severity is Severity.ERROR for p in population.problems):
        return _fail(population.problems, output_format)
    computed = draw_sample(population.rows, round=records.round, seed=seed, population_sha256=population.sha256)
    recorded, record_problems = read_sample_record(repo, round_id)
    return _write_sample(repo, computed, population, recorded, record_problems, output_format)


def verify_sample(repo: Path, loaded: LoadResult, records: RoundRecords, recorded: Sample | None) -> list[Problem]:
    """Every difference between the round's sample as recomputed from its export and its files (Art. 5).

    The export's own problems come first; with an error in it nothing is
    recomputed. Case files of the sample that failed to load are reported by
    the loader and not compared again. Used by ``sample --verify`` and ``check``.
    """
    seed = records.round.seed_value
    population = read_population(repo, records.round)
    if seed is None or any(p.severity is Severity.ERROR for p in population.problems):
        return list(population.problems)
    computed = draw_sample(population.rows, round=records.round, seed=seed, population_sha256=population.sha256)
    rows = {row.case_id: row for row in population.rows}
    files = {f"cases/{records.round.id}/{case_id}.yaml": case_id for case_id in computed.picks}
    unloaded = [p for p in loaded.problems if p.path in files]
    unreadable = {files[p.path] for p in unloaded}
    path = sample_record_path(records.round.id)
    found = sample_problems(computed, recorded, records=records, rows=rows, path=path, unreadable=unreadable)
    return [*population.problems, *unloaded, *found]


def _write_sample(
    repo: Path,
    computed: Sample,
    population: Population,
    recorded: Sample | None,
    problems: list[Problem],
    output_format: str,
) -> int:
    rows = {row.case_id: row for row in population.rows}
    created: list[CaseId] = []
    existing: list[CaseId] = []
    for case_id in computed.picks:
        target = repo / "cases" / computed.round / f"{case_id}.yaml"
        wrote = create_exclusive(target, case_text(repo, rows[case_id], computed.round))
        (created if wrote else existing).append(case_id)
    path = sample_record_path(computed.round)
    if recorded is None and not problems:
        create_exclusive(repo / path, sample_text(repo, computed))
    elif recorded is not None and recorded != computed:
        problems.append(Problem(path, 0, 0, "E-SAMPLE-RECORD", "已有的抽样记录与本次计算不符，未覆盖；请核对后处理"))
    _show_sample(computed, created, existing, problems, output_format)
    return exit_code(problems)


def _show_sample(
    computed: Sample, created: list[CaseId], existing: list[CaseId], problems: list[Problem], output_format: str
) -> None:
    if output_format == "json":
        payload = {
            "round": computed.round,
            "seed": computed.seed,
            "population": computed.population,
            "population_sha256": computed.population_sha256,
            "strata": [
                {"name": s.name, "size": s.size, "take": s.take, "picks": list(s.picks)} for s in computed.strata
            ],
            "created": created,
            "existing": existing,
            "problems": [p.as_json() for p in problems],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    rows = [{"name": s.name, "size": s.size, "take": s.take, "picks": list(s.picks)} for s in computed.strata]
    click.echo(
        render(rows, {"name": "分层", "size": "结案数", "take": "抽取数", "picks": "抽中案件"}, "text"), nl=False
    )
    click.echo(
        f"新建案件文件 {len(created)} 个，已存在未覆盖 {len(existing)} 个；请补填案由与受援人后运行 peereval check"
    )
    for problem in problems:
        click.echo(problem.as_text(), err=True)


# --- peereval draw -----------------------------------------------------------------------------


def panels_data(draw: Draw) -> dict[str, Any]:
    """panels.yaml's content for *draw* (the field names of panels.schema.json)."""
    panels = []
    for panel in draw.panels:
        item: dict[str, Any] = {"id": panel.id, "case_type": panel.case_type, "method": panel.method}
        if panel.designation is not None:
            d = panel.designation
            item["designation"] = {"on": d.on, "decision": d.decision, "reason": d.reason}
        item.update(members=list(panel.members), writer=panel.writer, cases=list(panel.cases))
        panels.append(item)
    recusals = []
    for r in draw.recusals:
        entry: dict[str, Any] = {"case": r.case, "expert": r.expert, "ground": r.ground, "source": r.source}
        entry["evidence"] = r.evidence
        if r.decision is not None:
            entry["decision"] = {"on": r.decision.on, "decision": r.decision.decision}
        if r.replacement is not None:
            entry["replacement"] = r.replacement
        recusals.append(entry)
    pool = {name: list(members) for name, members in draw.pool.items()}
    data = {"drawn_on": draw.drawn_on, "seed": draw.seed, "pool": pool, "panels": panels, "recusals": recusals}
    if draw.dismissals:
        data["dismissed"] = [
            {
                "case": d.case,
                "expert": d.expert,
                "ground": d.ground,
                "decision": {"on": d.decision.on, "decision": d.decision.decision},
                "reason": d.reason,
            }
            for d in draw.dismissals
        ]
    return data


def panels_text(repo: Path, draw: Draw) -> str:
    path = f"cases/{draw.round}/panels.yaml"
    header = schema_header(repo, repo / path, "panels")
    header += f"# 专家组抽取结果：第 {draw.round} 轮，由 peereval draw 生成；peereval draw {draw.round} --verify 可复算（第9、10条）\n"
    header += "# pool：各组按排序列出的候选专家（擅长该类型、符合第七条、未被禁止、抽取日可参加、未达组数上限）\n"
    return yaml_text(path, panels_data(draw), header, "panels")


def _loaded_round(repo: Path, round_id: str) -> tuple[LoadResult, RoundRecords, Scheme]:
    loaded = load_repository(repo)
    records = _round(loaded.repository, round_id)
    if loaded.repository.scheme is None:
        raise PeerevalError("scheme.yaml 无法读取，不能抽取；先运行 peereval check")
    return loaded, records, loaded.repository.scheme


def _panels_problems(loaded: LoadResult, round_id: str) -> list[Problem]:
    return [p for p in loaded.problems if p.path == f"cases/{round_id}/panels.yaml"]


@click.command()
@repo_option
@as_of_option
@format_option("text", "json")
@click.option("--verify", is_flag=True, help="根据已提交的数据重新计算抽取结果；有差异时退出码为 1。")
@click.option("--report", is_flag=True, help="列出每位专家所在的专家组、评估案件与复查。")
@click.option("--review", "review_case", metavar="CASE", help="抽取案件 CASE 的复查小组（第二十一条）。")
@click.option("--seed", "review_seed", help="与 --review 同用：复查抽取的随机种子（默认：本轮的种子）。")
@click.option("--update", is_flag=True, help="用重新计算的抽取结果改写已有的 panels.yaml。")
@click.argument("round_id")
def draw(
    repo: Path,
    as_of: datetime.date | None,
    output_format: str,
    verify: bool,
    report: bool,
    review_case: str | None,
    review_seed: str | None,
    update: bool,
    round_id: str,
) -> int:
    """抽取本轮专家组并处理回避（第九、十条），写入 panels.yaml；或核验、列出抽取结果。

    Draw the round's panels and recusals (Art. 9, 10) into panels.yaml, or verify or report them.

    An existing panels.yaml is completed or rewritten only with --update: its
    designated panels and leading-group recusals are kept as decisions.
    """
    loaded, records, scheme = _loaded_round(repo, round_id)
    if verify:
        return _verify(loaded, records, scheme, output_format)
    if report:
        return _report(loaded.repository, records, output_format)
    if review_case is not None:
        return _review(repo, loaded, records, scheme, CaseId(review_case), as_of, review_seed, output_format)
    return _draw(repo, loaded, records, scheme, as_of, update, output_format)


def _verify(loaded: LoadResult, records: RoundRecords, scheme: Scheme, output_format: str) -> int:
    if records.draw is None:
        own = _panels_problems(loaded, records.round.id)
        if own:
            return _fail(own, output_format)
        raise PeerevalError(
            f"第 {records.round.id} 轮还没有 panels.yaml，无从核对；先运行 peereval draw {records.round.id}"
        )
    experts = loaded.repository.experts
    problems = [
        *draw_problems(records, records.draw, experts=experts, scheme=scheme),
        *verify_draw(records, experts=experts, scheme=scheme),
    ]
    return _fail(problems, output_format)


def _draw(
    repo: Path,
    loaded: LoadResult,
    records: RoundRecords,
    scheme: Scheme,
    as_of: datetime.date | None,
    update: bool,
    output_format: str,
) -> int:
    seed, existing, own = _seed(records), records.draw, _panels_problems(loaded, records.round.id)
    if own:
        return _fail(own, output_format)
    drawn_on = _drawn_on(existing, as_of)
    decisions = decisions_of(existing) if existing is not None else Decisions()
    computed = draw_panels(
        round=records.round,
        cases=records.cases,
        experts=loaded.repository.experts,
        scheme=scheme,
        drawn_on=drawn_on,
        seed=seed,
        decisions=decisions,
    )
    path = f"cases/{records.round.id}/panels.yaml"
    problems = [*computed.problems, *_draft_problems(records, computed, loaded, scheme, path)]
    if any(p.severity is Severity.ERROR for p in problems):
        click.echo("抽取结果不符合方案，未写入 panels.yaml：", err=True)
        return _fail(problems, output_format)
    text = panels_text(repo, computed)
    target = repo / path
    if existing is None:
        if not create_exclusive(target, text):
            raise PeerevalError(f"{path} 已存在（但未能读取）；未覆盖")
    elif target.read_text(encoding="utf-8") == text:
        click.echo(f"{path} 与复算结果一致，无需改动", err=True)
    elif not update:
        click.echo(f"{path} 已存在且与复算结果不同；核对差异后用 --update 重写：", err=True)
        return _fail(list(verify_draw(records, experts=loaded.repository.experts, scheme=scheme)), output_format)
    else:
        write_text_atomic(target, text)
    _show_draw(computed, problems, output_format)
    return 0


def _drawn_on(existing: PanelDraw | None, as_of: datetime.date | None) -> datetime.date:
    if existing is None:
        return today_if_none(as_of)
    if as_of is not None and as_of != existing.drawn_on:
        raise PeerevalError(f"panels.yaml 已记录抽取日期 {existing.drawn_on}；复算与重写都以该日期为准")
    return existing.drawn_on


def _draft_problems(
    records: RoundRecords, computed: Draw, loaded: LoadResult, scheme: Scheme, path: str
) -> list[Problem]:
    as_record = computed.as_panel_draw(Source(path))
    return list(draw_problems(records, as_record, experts=loaded.repository.experts, scheme=scheme))


PANEL_COLUMNS = {
    "id": "专家组",
    "case_type": "类型",
    "method": "方式",
    "members": "成员",
    "writer": "出具汇总表",
    "cases": "案件",
}
RECUSAL_COLUMNS = {"case": "案件", "expert": "回避专家", "ground": "情形", "source": "来源", "replacement": "递补"}


def _show_draw(computed: Draw, problems: list[Problem], output_format: str) -> None:
    data = panels_data(computed)
    if output_format == "json":
        data["problems"] = [p.as_json() for p in problems]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"抽取日期 {computed.drawn_on}，种子 {computed.seed}")
    click.echo(render(data["panels"], PANEL_COLUMNS, "text"), nl=False)
    if data["recusals"]:
        rows = [{**r, "replacement": r.get("replacement")} for r in data["recusals"]]
        click.echo(render(rows, RECUSAL_COLUMNS, "text"), nl=False)
    for problem in problems:
        click.echo(problem.as_text(), err=True)


LOAD_COLUMNS = {
    "expert": "专家",
    "name": "姓名",
    "panels": "专家组",
    "panel_count": "组数",
    "cap": "上限",
    "case_count": "案件数",
    "cases": "案件",
    "reviews": "复查",
}


def _report(repository: Repository, records: RoundRecords, output_format: str) -> int:
    cap = records.round.max_panels_per_expert
    rows: list[dict[str, Any]] = [
        {
            "expert": load.expert,
            "name": expert.name if (expert := repository.experts.get(load.expert)) else None,
            "panels": list(load.panels),
            "panel_count": len(load.panels),
            "cap": cap,
            "case_count": len(load.cases),
            "cases": list(load.cases),
            "reviews": list(load.reviews),
        }
        for load in expert_loads(records)
    ]
    click.echo(render(rows, LOAD_COLUMNS, output_format), nl=False)
    return 1 if any(row["panel_count"] > cap for row in rows) else 0


# --- peereval draw --review CASE ---------------------------------------------------------------


def _review(
    repo: Path,
    loaded: LoadResult,
    records: RoundRecords,
    scheme: Scheme,
    case_id: CaseId,
    as_of: datetime.date | None,
    seed: str | None,
    output_format: str,
) -> int:
    objection = records.objections.get(case_id)
    path = f"cases/{records.round.id}/objections/{case_id}.yaml"
    if case_id not in records.cases or objection is None:
        raise PeerevalError(f"第 {records.round.id} 轮没有案件 {case_id} 的复查申请（{path}）")
    if objection.office_decision is None or not objection.office_decision.review:
        raise PeerevalError(f"评估办尚未决定复查（{path} 的 office_decision.review 不是 true）")
    if objection.review_panel is not None:
        raise PeerevalError(f"{path} 已有复查组（review_panel）；用 peereval draw {records.round.id} --verify 核对")
    assigned_on = today_if_none(as_of)
    received = objection.supplement_received_on
    if "22(2)" in objection.grounds and (received is None or received > assigned_on):
        raise PeerevalError(
            f"按第二十二条第（二）项申请复查的，须在补交材料后才能复查：{path} 未记录 supplement.received_on"
            f"（或晚于 {assigned_on}）"
        )
    result = review_draw_for(
        records,
        case_id,
        experts=loaded.repository.experts,
        scheme=scheme,
        assigned_on=assigned_on,
        seed=seed or _seed(records),
    )
    if result.problems:
        return _fail(result.problems, output_format)
    _append_review_panel(repo / path, path, result)
    _show_review(result, output_format)
    return 0


def _append_review_panel(target: Path, path: str, result: ReviewDraw) -> None:
    """Add ``review_panel`` to the end of the objection file, checked by the strict loader and the schema."""
    before = target.read_text(encoding="utf-8")
    panel = {"assigned_on": result.assigned_on, "members": list(result.members), "writer": result.writer}
    panel["seed"] = result.seed
    block = (
        "# 复查组：由 peereval draw --review 抽取（第21条）\n" + "\n".join(yaml_lines({"review_panel": panel})) + "\n"
    )
    text = before + ("" if before.endswith("\n") else "\n") + block
    document = load_text(path, text.encode("utf-8"))
    if isinstance(document, Problem) or document.data.get("review_panel", {}).get("members") != list(result.members):
        raise PeerevalError(f"无法在 {path} 末尾追加 review_panel；请手工写入：\n{block}")
    problems = validate(document, "objection")
    if problems:
        raise PeerevalError(f"追加 review_panel 后 {path} 不合模式：{problems[0].as_text()}")
    write_text_atomic(target, text)


def _show_review(result: ReviewDraw, output_format: str) -> None:
    if output_format == "json":
        payload = {
            "case": result.case,
            "assigned_on": result.assigned_on.isoformat(),
            "seed": result.seed,
            "members": list(result.members),
            "writer": result.writer,
            "excluded": sorted(result.excluded),
            "pool": list(result.pool),
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"案件 {result.case} 复查组（{result.assigned_on}，review:{result.case}）：{'、'.join(result.members)}")
    click.echo(f"出具复查结论：{result.writer}；不得参加（原评估）：{'、'.join(sorted(result.excluded)) or '无'}")
