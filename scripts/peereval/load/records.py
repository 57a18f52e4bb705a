"""From schema-valid data to the frozen records of :mod:`peereval.model`.

Each builder trusts the schema: it runs only on data that validated, so it
indexes required fields directly and uses ``.get`` for optional ones. JSON
Schema counts ``7.0`` as an integer, so integer fields pass through ``int()``:
a count of years or days is always a Python int downstream.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from peereval.model import (
    AutoFailCondition,
    AutoFailFinding,
    CalendarYear,
    Case,
    CaseId,
    Deadlines,
    Decision,
    DeclaredInterest,
    Designation,
    Dismissal,
    Escalation,
    Expert,
    ExpertId,
    Grade,
    IndicatorSet,
    IndicatorSetId,
    Item,
    Misconduct,
    Objection,
    OfficeDecision,
    Panel,
    PanelDraw,
    PanelId,
    Penalty,
    Period,
    Person,
    Publication,
    Recusal,
    Relative,
    ReviewPanel,
    Round,
    RoundId,
    Scheme,
    Scoresheet,
    Signature,
    SigningKey,
    Source,
    Summary,
)

Data = dict[str, Any]


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _maybe_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _decision(data: Data | None) -> Decision | None:
    return None if data is None else Decision(on=_date(data["on"]), decision=data["decision"])


def _required_decision(data: Data) -> Decision:
    return Decision(on=_date(data["on"]), decision=data["decision"])


def _period(data: Data) -> Period:
    return Period(start=_date(data["from"]), end=_date(data["to"]))


def _keys(items: list[Data] | None) -> tuple[SigningKey, ...]:
    return tuple(
        SigningKey(
            key=item["key"],
            valid_from=_date(item["valid_from"]),
            valid_until=_maybe_date(item.get("valid_until")),
            revoked=_decision(item.get("revoked")),
        )
        for item in items or ()
    )


def _person(data: Data) -> Person:
    return Person(
        id=data["id"],
        name=data["name"],
        role=data["role"],
        github=data.get("github"),
        signing_keys=_keys(data.get("signing_keys")),
    )


def build_scheme(source: Source, data: Data) -> Scheme:
    scheme, publication = data["scheme"], data["publication"]
    return Scheme(
        source=source,
        title=scheme["title"],
        issuer=scheme["issuer"],
        document_prefix=scheme.get("document_prefix"),
        effective=_date(scheme["effective"]),
        valid_years=int(scheme["valid_years"]),
        panel_min_members=int(data["panel"]["min_members"]),
        review_min_members=int(data["review"]["min_members"]),
        min_practice_years=int(data["eligibility"]["min_practice_years"]),
        deadlines=Deadlines(**{name: int(days) for name, days in data["deadlines"].items()}),
        handler_exclusion_years=int(data["consequences"]["handler_exclusion_years"]),
        expert_bar_years=int(data["consequences"]["expert_bar_years"]),
        auto_fail=tuple(AutoFailCondition(**item) for item in data["auto_fail"]),
        leading_group=tuple(_person(item) for item in data["leading_group"]),
        office=tuple(_person(item) for item in data["office"]),
        publication=Publication(
            handler_names=publication["handler_names"],
            expert_names=publication.get("expert_names", False),
            letters_on_site=publication.get("letters_on_site", True),
            office_address=publication.get("office_address"),
        ),
    )


def build_calendar(source: Source, data: Data) -> tuple[CalendarYear, ...]:
    years = []
    for year, entry in sorted(data["years"].items()):
        holidays: list[date] = []
        for item in entry["holidays"]:
            if isinstance(item, str):
                holidays.append(_date(item))
            else:
                period = _period(item)
                holidays.extend(
                    date.fromordinal(day) for day in range(period.start.toordinal(), period.end.toordinal() + 1)
                )
        years.append(
            CalendarYear(
                source=source,
                year=int(year),
                notice=entry["notice"],
                holidays=tuple(holidays),
                workdays=tuple(_date(day) for day in entry["workdays"]),
            )
        )
    return tuple(years)


def build_expert(source: Source, data: Data) -> Expert:
    return Expert(
        source=source,
        id=ExpertId(data["id"]),
        name=data["name"],
        licence_no=data["licence_no"],
        practising_since=_date(data["practising_since"]),
        firm_name=data["firm"]["name"],
        firm_code=data["firm"]["code"],
        region=data["region"],
        specialties=tuple(data["specialties"]),
        legal_aid_record=tuple(data["legal_aid_record"]),
        penalties=tuple(
            Penalty(
                on=_date(p["on"]),
                until=_maybe_date(p.get("until")),
                authority=p["authority"],
                description=p["description"],
            )
            for p in data["penalties"]
        ),
        appointed=_required_decision(data["appointed"]),
        dismissed=_decision(data.get("dismissed")),
        misconduct=tuple(
            Misconduct(on=_date(m["on"]), ground=m["ground"], severity=m["severity"], decision=m["decision"])
            for m in data.get("misconduct", ())
        ),
        unavailable=tuple(_period(p) for p in data.get("unavailable", ())),
        relatives=tuple(Relative(name=r["name"], relation=r["relation"]) for r in data.get("relatives", ())),
        declared_interests=tuple(
            DeclaredInterest(
                ground=i["ground"],
                case=CaseId(i["case"]) if "case" in i else None,
                institution_code=i.get("institution_code"),
                description=i["description"],
            )
            for i in data.get("declared_interests", ())
        ),
        github=data.get("github"),
        signing_keys=_keys(data.get("signing_keys")),
    )


def build_round(source: Source, data: Data) -> Round:
    sample, seed, panels = data["sample"], data["seed"], data["panels"]
    return Round(
        source=source,
        id=RoundId(data["id"]),
        title=data["title"],
        approved=_required_decision(data["approved"]),
        population=data["population"],
        closed_between=_period(data["closed_between"]),
        sample_ratio=float(sample["ratio"]),
        sample_strata=sample["strata"],
        min_per_stratum=int(sample["min_per_stratum"]),
        seed_source=seed["source"],
        seed_value=seed.get("value"),
        cases_per_panel=int(panels["cases_per_panel"]),
        panel_size=None if panels.get("size") is None else int(panels["size"]),
        max_panels_per_expert=int(panels["max_panels_per_expert"]),
        regional_recusal=panels.get("regional_recusal", False),
        indicator_sets={case_type: IndicatorSetId(set_id) for case_type, set_id in data["indicator_sets"].items()},
        submission_deadline=_date(data["submission_deadline"]),
        evaluation_ended=_maybe_date(data.get("evaluation_ended")),
        notified_on=_maybe_date(data.get("notified_on")),
        published=_maybe_date(data.get("published")),
        document_number=data.get("document_number"),
    )


def build_case(source: Source, data: Data, round_id: RoundId) -> Case:
    handler, institution = data["handler"], data["institution"]
    return Case(
        source=source,
        round=round_id,
        id=CaseId(data["id"]),
        number=data["number"],
        type=data["type"],
        stage=data.get("stage"),
        cause=data["cause"],
        closed_on=_date(data["closed_on"]),
        handler_name=handler["name"],
        handler_licence_no=handler["licence_no"],
        institution_name=institution["name"],
        institution_code=institution["code"],
        institution_region=institution["region"],
        client_name=data["client"]["name"],
        parties=tuple(party["name"] for party in data.get("parties", ())),
        difficult=data.get("difficult", False),
    )


def build_draw(source: Source, data: Data, round_id: RoundId) -> PanelDraw:
    panels = tuple(
        Panel(
            index=index,
            id=PanelId(panel["id"]),
            case_type=panel["case_type"],
            method=panel["method"],
            designation=Designation(
                on=_date(panel["designation"]["on"]),
                decision=panel["designation"]["decision"],
                reason=panel["designation"]["reason"],
            )
            if "designation" in panel
            else None,
            members=tuple(ExpertId(e) for e in panel["members"]),
            writer=ExpertId(panel["writer"]),
            cases=tuple(CaseId(c) for c in panel["cases"]),
        )
        for index, panel in enumerate(data["panels"])
    )
    recusals = tuple(
        Recusal(
            index=index,
            case=CaseId(r["case"]),
            expert=ExpertId(r["expert"]),
            ground=r["ground"],
            source=r["source"],
            evidence=r["evidence"],
            decision=_decision(r.get("decision")),
            replacement=ExpertId(r["replacement"]) if "replacement" in r else None,
        )
        for index, r in enumerate(data["recusals"])
    )
    dismissals = tuple(
        Dismissal(
            index=index,
            case=CaseId(d["case"]),
            expert=ExpertId(d["expert"]),
            ground=d["ground"],
            decision=_required_decision(d["decision"]),
            reason=d["reason"],
        )
        for index, d in enumerate(data.get("dismissed", ()))
    )
    panels_by_case: dict[CaseId, tuple[Panel, ...]] = {}
    for panel in panels:
        for case in panel.cases:
            panels_by_case[case] = panels_by_case.get(case, ()) + (panel,)
    recusals_by_case: dict[CaseId, tuple[Recusal, ...]] = {}
    for recusal in recusals:
        recusals_by_case[recusal.case] = recusals_by_case.get(recusal.case, ()) + (recusal,)
    return PanelDraw(
        source=source,
        round=round_id,
        drawn_on=_date(data["drawn_on"]),
        seed=data["seed"],
        pool={name: tuple(ExpertId(e) for e in members) for name, members in data.get("pool", {}).items()},
        panels=panels,
        recusals=recusals,
        dismissals=dismissals,
        panels_by_case=panels_by_case,
        recusals_by_case=recusals_by_case,
    )


def build_indicator_set(source: Source, data: Data) -> IndicatorSet:
    grades = data["grades"]
    return IndicatorSet(
        source=source,
        id=IndicatorSetId(data["id"]),
        title=data.get("title"),
        case_type=data["case_type"],
        version=int(data["version"]),
        approved=_required_decision(data["approved"]),
        items=tuple(
            Item(id=i["id"], title=i["title"], points=float(i["points"]), guidance=i.get("guidance"))
            for i in data["items"]
        ),
        excellent=float(grades["excellent"]),
        good=float(grades["good"]),
        pass_=float(grades["pass"]),
    )


def build_scoresheet(source: Source, data: Data, round_id: RoundId, *, review: bool) -> Scoresheet:
    return Scoresheet(
        source=source,
        round=round_id,
        review=review,
        case=CaseId(data["case"]),
        expert=ExpertId(data["expert"]),
        indicator_set=IndicatorSetId(data["indicator_set"]),
        scores={item: float(points) for item, points in data["scores"].items()},
        auto_fail=tuple(AutoFailFinding(id=f["id"], evidence=f["evidence"]) for f in data["auto_fail"]),
        comments=data.get("comments"),
        submitted_on=_date(data["submitted_on"]),
        late=_decision(data.get("late")),
    )


def build_summary(source: Source, data: Data, round_id: RoundId, *, review: bool) -> Summary:
    escalation = data.get("escalation")
    return Summary(
        source=source,
        round=round_id,
        review=review,
        case=CaseId(data["case"]),
        writer=ExpertId(data["writer"]),
        grade=Grade(data["grade"]),
        mean_score=float(data["mean_score"]),
        auto_fail=tuple(data.get("auto_fail", ())),
        reasons=data.get("reasons"),
        agreed=data["agreed"],
        escalation=Escalation(
            on=_date(escalation["on"]),
            decision=escalation["decision"],
            grade=Grade(escalation["grade"]),
            reasons=escalation["reasons"],
        )
        if escalation
        else None,
        submitted_on=_date(data["submitted_on"]),
    )


def build_signature(
    source: Source, data: Data, round_id: RoundId, case_id: CaseId, expert_id: ExpertId, *, review: bool
) -> Signature:
    return Signature(
        source=source,
        round=round_id,
        review=review,
        case=case_id,
        expert=expert_id,
        summary_sha256=data["summary_sha256"],
        signed_on=_date(data["signed_on"]),
    )


def build_objection(source: Source, data: Data, round_id: RoundId) -> Objection:
    office, panel, result = data.get("office_decision"), data.get("review_panel"), data.get("result")
    return Objection(
        source=source,
        round=round_id,
        case=CaseId(data["case"]),
        filed_on=_date(data["filed_on"]),
        applicant=data["applicant"],
        grounds=tuple(data["grounds"]),
        statement=data["statement"],
        late=_decision(data.get("late")),
        office_decision=OfficeDecision(
            on=_date(office["on"]),
            review=office["review"],
            reply=office.get("reply"),
            replied_on=_maybe_date(office.get("replied_on")),
        )
        if office
        else None,
        supplement_received_on=_maybe_date(data.get("supplement", {}).get("received_on")),
        review_panel=ReviewPanel(
            assigned_on=_date(panel["assigned_on"]),
            members=tuple(ExpertId(e) for e in panel["members"]),
            writer=ExpertId(panel["writer"]),
            seed=panel.get("seed"),
        )
        if panel
        else None,
        concluded_on=_maybe_date(data.get("concluded_on")),
        result_grade=Grade(result["grade"]) if result else None,
        result_reasons=result["reasons"] if result else None,
        delivered_on=_maybe_date(data.get("delivered_on")),
        notified_on=_maybe_date(data.get("notified_on")),
    )
