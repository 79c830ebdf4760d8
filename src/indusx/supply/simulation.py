"""Disruption scenarios: run one over the database, suggest alternate sources, save, compare.

Alternate sources for a short part come from the matching engine: directory organisations in
the partner countries whose capabilities fit the part, never one that is itself out in the
scenario, already a source of the part, or blocked by a confirmed screening hit.
"""

import csv
import io
import json
import logging
from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.csvcells import safe_cell
from indusx.errors import Forbidden, Invalid, NotFound
from indusx.matching import service as match_service
from indusx.orgs.models import Organisation
from indusx.supply import access, analysis
from indusx.supply import service as supply_service
from indusx.supply.engine.simulate import simulate
from indusx.supply.engine.types import Scenario as EngineScenario
from indusx.supply.models import Part, Scenario, Source, SupplySystem
from indusx.supply.regions import countries_of, is_country
from indusx.supply.schemas import (
    AlternateRead,
    ComparePartRow,
    CompareSystemCell,
    CompareSystemRow,
    CompareView,
    OutcomeRead,
    Page,
    PartRef,
    ScenarioRead,
    ScenarioSpec,
    ScenarioSummary,
    ShortfallRead,
    SimulationView,
)

log = logging.getLogger(__name__)

PARTNERS = ("US", "IN")
ALTERNATES_FOR = 10  # short parts (largest share short first) that get alternate sources
ALTERNATES_PER_PART = 5
MAX_COMPARE = 6


def resolve_systems(
    *, session: Session, principal: Principal | None, refs: Sequence[str | int]
) -> list[SupplySystem]:
    """Return the named systems (codes or ids), or every readable one when none are named."""
    if refs:
        found: dict[int, SupplySystem] = {}
        for ref in refs:
            system = supply_service.get_system_by_code(
                session=session, principal=principal, code=str(ref))
            found[system.id] = system
        return list(found.values())
    visible = access.visible_system_ids(session, principal)
    stmt = select(SupplySystem).order_by(SupplySystem.code)
    if visible is not None:
        stmt = stmt.where(SupplySystem.id.in_(sorted(visible) or [-1]))
    systems = list(session.scalars(stmt))
    if not systems:
        raise Invalid.field("systems", "there are no supply systems you may simulate")
    return systems


def resolve_suppliers(
    *, session: Session, refs: Sequence[str | int], system_ids: Collection[int]
) -> list[str]:
    """Return supplier keys for "org:12", "ext:name|CC", organisation ids or supplier names."""
    keys: list[str] = []
    errors: list[dict[str, str]] = []
    for i, ref in enumerate(refs):
        field = f"suppliers_out.{i}"
        text = str(ref).strip()
        if text.isdigit() or text.lower().startswith("org:"):
            digits = text.split(":", 1)[-1].strip()
            if not digits.isdigit() or session.get(Organisation, int(digits)) is None:
                errors.append({"field": field, "message": f"no organisation {text!r}"})
            else:
                keys.append(f"org:{int(digits)}")
            continue
        if text.lower().startswith("ext:"):
            name, _, country = text[4:].rpartition("|")
            if not name.strip() or not is_country(country.strip()):
                errors.append({"field": field,
                               "message": 'write an external supplier as "ext:<name>|<ISO2>"'})
            else:
                keys.append(supply_service.supplier_key(None, name, country.strip()))
            continue
        orgs = list(session.scalars(select(Organisation.id).where(
            func.lower(Organisation.name) == text.lower())))
        external = session.execute(
            select(Source.supplier_name, Source.country).distinct()
            .join(Part, Part.id == Source.part_id)
            .where(Source.supplier_org_id.is_(None),
                   func.lower(Source.supplier_name) == text.lower(),
                   Part.system_id.in_(list(system_ids)))
        ).all()
        if not orgs and not external:
            errors.append({"field": field, "message": f"no supplier named {text!r}"})
        keys += [f"org:{i}" for i in orgs]
        keys += [supply_service.supplier_key(None, n, c) for n, c in external]
    if errors:
        raise Invalid("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)
    return list(dict.fromkeys(keys))


def _alternates(
    session: Session, data: analysis.Loaded, view: SimulationView, k: int,
    out_keys: set[str], out_countries: set[str],
) -> str:
    """Fill in alternate sources for the worst short parts; return a note when unavailable."""
    out_orgs = {int(key[4:]) for key in out_keys if key.startswith("org:")}
    pending = 0
    view.alternates_pending = False  # a stored view may say True: this run decides anew
    for short in view.shortfalls[:ALTERNATES_FOR]:
        _, name, system_id, description = data.parts[short.part_id]
        current = {key for key, _ in data.part_sources.get(short.part_id, [])}
        skip = out_orgs | {int(key[4:]) for key in current if key.startswith("org:")}
        text = " ".join(p for p in (name, description, data.systems[system_id][1]) if p)
        try:
            found = match_service.solvers(
                session=session, text=text, k=k + len(skip), countries=list(PARTNERS))
        except Exception:  # the embedding model or vectors could not be loaded
            log.warning("alternate sources unavailable", exc_info=True)
            view.alternates_pending = True
            return "Alternate sources are unavailable: the matching index could not be loaded."
        pending = max(pending, found.index_pending)
        view.alternates_pending = pending > 0
        short.alternates = [
            AlternateRead(org_id=m.candidate.id, name=m.candidate.name,
                          country=m.candidate.country, slug=m.candidate.slug,
                          score=m.score, reason=m.reason)
            for m in found.items
            if m.candidate.id not in skip and (m.candidate.country or "") not in out_countries
        ][:k]
    if pending:
        return (f"{pending} directory profiles are still being indexed; alternate sources may "
                "miss them.")
    return ""


def run(
    *,
    session: Session,
    principal: Principal | None,
    settings: Settings | None = None,
    spec: ScenarioSpec,
    alternates: int = ALTERNATES_PER_PART,
) -> SimulationView:
    """Run a disruption scenario over the systems the caller may read, with alternates.

    `settings` is accepted for symmetry with the risk functions; a simulation needs no policy.
    """
    systems = resolve_systems(session=session, principal=principal, refs=spec.systems)
    ids = [s.id for s in systems]
    keys = resolve_suppliers(session=session, refs=spec.suppliers_out, system_ids=ids)
    countries = set(spec.countries_out) | set(countries_of(spec.regions_out))
    data = analysis.loaded(session=session, system_ids=ids)
    result = simulate(data.network, EngineScenario(
        suppliers_out=frozenset(keys), countries_out=frozenset(countries),
        demand_factor=spec.demand_factor, days=spec.days, systems=frozenset(ids),
    ))

    def ref(part_id: int) -> PartRef:
        number, name, _, _ = data.parts[part_id]
        return PartRef(id=part_id, number=number, name=name)

    view = SimulationView(
        spec=spec, countries_out=sorted(countries), suppliers_out=keys,
        systems=[
            OutcomeRead(system_id=o.system, code=data.systems[o.system][0], name=o.name,
                        planned=round(o.planned, 3), buildable=o.buildable,
                        recovery_days=o.recovery_days, short_parts=o.short_parts,
                        bottlenecks=[ref(p) for p in o.bottlenecks])
            for o in sorted(result.systems.values(), key=lambda o: data.systems[o.system][0])
        ],
        shortfalls=[
            ShortfallRead(
                part_id=s.part, number=s.number, name=s.name, system_id=s.system,
                system_code=data.systems[s.system][0], required=round(s.required, 3),
                available=round(s.available, 3), shortfall=round(s.shortfall, 3),
                short_share=round(s.shortfall / s.required, 4) if s.required else 0.0,
                recovery_days=s.recovery_days,
                lost_sources=[analysis.supplier_ref(data, data.source_keys[k])
                              for k in s.lost_sources if k in data.source_keys],
            )
            for s in result.shortfalls
        ],
        lost_sources=result.lost_sources,
    )
    if alternates > 0:
        view.alternates_note = _alternates(session, data, view, alternates, set(keys), countries)
    return view


# --- saved scenarios ------------------------------------------------------------------------


def refresh_pending_alternates(*, session: Session) -> int:
    """Fill in the alternates of saved scenarios kept before the matching index was ready.

    Only the alternates change: the stored shortfalls stay as they were when saved. Scenarios
    whose parts or systems have gone since are left as they are. Returns how many changed.
    """
    changed = 0
    for scenario in session.scalars(select(Scenario).order_by(Scenario.id)):
        if not scenario.result.get("alternates_pending"):
            continue
        view = SimulationView.model_validate(scenario.result)
        ids = _system_ids(session, _codes(scenario))
        if ids is None:
            continue
        data = analysis.loaded(session=session, system_ids=ids)
        if any(s.part_id not in data.parts for s in view.shortfalls):
            continue
        for short in view.shortfalls:
            short.alternates = []
        view.alternates_note = _alternates(
            session, data, view, ALTERNATES_PER_PART, set(view.suppliers_out),
            set(view.countries_out))
        if view.alternates_pending:
            continue  # still indexing: try again after the next round
        scenario.result = view.model_dump(mode="json")
        audit.record(session=session, actor=Actor.system("matching-indexer"),
                     action="supply.scenario.alternates", object_type="supply_scenario",
                     object_id=scenario.id,
                     summary=f"alternate sources filled in for scenario {scenario.name!r}")
        changed += 1
    return changed


def _codes(scenario: Scenario) -> list[str]:
    return [str(c) for c in scenario.spec.get("systems", [])]


def _system_ids(session: Session, codes: list[str]) -> list[int] | None:
    """Return the ids of the systems named by code; None when one no longer exists."""
    found = dict(session.execute(
        select(SupplySystem.code, SupplySystem.id).where(SupplySystem.code.in_(codes))).all())
    if len(found) != len(set(codes)):
        return None
    return list(found.values())


def _may_read(session: Session, principal: Principal | None, scenario: Scenario,
              visible: set[int] | None) -> bool:
    if visible is None:
        return True
    ids = _system_ids(session, _codes(scenario))
    return ids is not None and access.may_read_all(visible, ids)


def _may_change(session: Session, principal: Principal | None, scenario: Scenario) -> bool:
    if principal is None or principal.is_officer:
        return True
    if scenario.created_by_id == principal.user.id:
        return True
    ids = _system_ids(session, _codes(scenario)) or []
    systems = [session.get_one(SupplySystem, i) for i in ids]
    return bool(systems) and all(access.can_edit_system(principal, s) for s in systems)


def _summary(scenario: Scenario) -> ScenarioSummary:
    return ScenarioSummary(
        id=scenario.id, name=scenario.name, description=scenario.description,
        systems=_codes(scenario), short_parts=len(scenario.result.get("shortfalls", [])),
        created_at=scenario.created_at, created_by_id=scenario.created_by_id,
        is_demo=scenario.is_demo,
    )


def save_scenario(
    *,
    session: Session,
    principal: Principal | None,
    settings: Settings | None = None,
    spec: ScenarioSpec,
    view: SimulationView | None = None,
    is_demo: bool = False,
) -> Scenario:
    """Run (unless given the view) and keep a named scenario with its result."""
    if not spec.name:
        raise Invalid.field("name", "name the scenario to save it")
    systems = resolve_systems(session=session, principal=principal, refs=spec.systems)
    if not all(access.can_edit_system(principal, s) for s in systems):
        raise Forbidden("Saving a scenario needs the edit right on every system in it")
    if view is None:
        view = run(session=session, principal=principal, settings=settings, spec=spec)
    stored = spec.model_dump(mode="json")
    stored["systems"] = sorted(s.code for s in systems)
    scenario = Scenario(
        name=spec.name, description=spec.description, spec=stored,
        result=view.model_dump(mode="json"), is_demo=is_demo,
        created_by_id=principal.user.id if principal is not None else None,
    )
    session.add(scenario)
    session.flush()
    audit.record(session=session, actor=supply_service.actor_of(principal),
                 action="supply.scenario.create", object_type="supply_scenario",
                 object_id=scenario.id, summary=f"saved supply scenario {scenario.name!r}",
                 after={"spec": stored})
    return scenario


def list_scenarios(
    *, session: Session, principal: Principal | None, page: int = 1, page_size: int = 20
) -> Page[ScenarioSummary]:
    """Return saved scenarios, newest first, that cover only systems the caller may read."""
    visible = access.visible_system_ids(session, principal)
    rows = [s for s in session.scalars(
        select(Scenario).order_by(Scenario.created_at.desc(), Scenario.id.desc()))
        if _may_read(session, principal, s, visible)]
    start = (page - 1) * page_size
    return Page[ScenarioSummary](items=[_summary(s) for s in rows[start:start + page_size]],
                                 total=len(rows), page=page, page_size=page_size)


def _load(session: Session, principal: Principal | None, scenario_id: int) -> Scenario:
    scenario = session.get(Scenario, scenario_id)
    visible = access.visible_system_ids(session, principal)
    if scenario is None or not _may_read(session, principal, scenario, visible):
        raise NotFound("There is no such scenario")
    return scenario


def get_scenario(
    *, session: Session, principal: Principal | None, scenario_id: int
) -> ScenarioRead:
    """Return a saved scenario with its stored result."""
    scenario = _load(session, principal, scenario_id)
    return ScenarioRead(
        **_summary(scenario).model_dump(), spec=scenario.spec,
        result=SimulationView.model_validate(scenario.result),
        can_delete=_may_change(session, principal, scenario),
    )


def delete_scenario(*, session: Session, principal: Principal | None, scenario_id: int) -> None:
    """Delete a saved scenario (its author, officers, or editors of all its systems)."""
    scenario = _load(session, principal, scenario_id)
    if not _may_change(session, principal, scenario):
        raise Forbidden("Only the scenario's author, officers and the systems' editors may "
                        "delete it")
    name, spec = scenario.name, scenario.spec
    session.delete(scenario)
    session.flush()
    audit.record(session=session, actor=supply_service.actor_of(principal),
                 action="supply.scenario.delete", object_type="supply_scenario",
                 object_id=scenario_id, summary=f"deleted supply scenario {name!r}",
                 before={"name": name, "spec": spec})


def compare(
    *, session: Session, principal: Principal | None, ids: Sequence[int]
) -> CompareView:
    """Return saved scenarios side by side: per system and per short part."""
    wanted = list(dict.fromkeys(ids))
    if not 1 <= len(wanted) <= MAX_COMPARE:
        raise Invalid.field("ids", f"compare between 1 and {MAX_COMPARE} scenarios")
    scenarios = [_load(session, principal, i) for i in wanted]
    results = [SimulationView.model_validate(s.result) for s in scenarios]
    system_rows: dict[str, CompareSystemRow] = {}
    part_rows: dict[tuple[str, str], ComparePartRow] = {}
    n = len(results)
    for col, result in enumerate(results):
        for o in result.systems:
            row = system_rows.setdefault(
                o.code, CompareSystemRow(code=o.code, name=o.name, cells=[None] * n))
            row.cells[col] = CompareSystemCell(planned=o.planned, buildable=o.buildable,
                                               recovery_days=o.recovery_days)
        for s in result.shortfalls:
            part = part_rows.setdefault(
                (s.system_code, s.number),
                ComparePartRow(system_code=s.system_code, number=s.number, name=s.name,
                               shortfall=[None] * n))
            part.shortfall[col] = s.shortfall
    parts = sorted(part_rows.values(),
                   key=lambda r: (-max(v or 0.0 for v in r.shortfall), r.system_code, r.number))
    return CompareView(scenarios=[_summary(s) for s in scenarios],
                       systems=sorted(system_rows.values(), key=lambda r: r.code), parts=parts)


EXPORT_HEADER = [
    "row", "system", "system_name", "part_number", "part_name", "planned", "buildable",
    "required", "available", "shortfall", "short_share", "recovery_days", "lost_sources",
    "alternates",
]


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def export_scenario(
    *, session: Session, principal: Principal | None, scenario_id: int, fmt: str = "csv"
) -> tuple[str, str, str]:
    """Return (file name, media type, body) of a saved scenario as CSV or JSON."""
    scenario = _load(session, principal, scenario_id)
    stem = "".join(c if c.isalnum() else "-" for c in scenario.name.lower()).strip("-")
    stem = f"scenario-{scenario.id}-{stem[:60] or 'unnamed'}"
    if fmt == "json":
        body = json.dumps({"id": scenario.id, "name": scenario.name,
                           "description": scenario.description, "spec": scenario.spec,
                           "result": scenario.result,
                           "created_at": scenario.created_at.isoformat()}, indent=2)
        return f"{stem}.json", "application/json", body
    if fmt != "csv":
        raise Invalid.field("format", "export as csv or json")
    result = SimulationView.model_validate(scenario.result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    for o in result.systems:
        writer.writerow(["system", safe_cell(o.code), safe_cell(o.name), "", "",
                         _num(o.planned), _num(o.buildable), "", "", "", "",
                         _num(o.recovery_days), "", ""])
    names = {o.code: o.name for o in result.systems}
    for s in result.shortfalls:
        writer.writerow([
            "part", safe_cell(s.system_code), safe_cell(names.get(s.system_code, "")),
            safe_cell(s.number), safe_cell(s.name), "", "", _num(s.required),
            _num(s.available), _num(s.shortfall), _num(s.short_share), _num(s.recovery_days),
            safe_cell("; ".join(f"{r.name} ({r.country})" for r in s.lost_sources)),
            safe_cell("; ".join(f"{a.name} ({a.country})" for a in s.alternates)),
        ])
    return f"{stem}.csv", "text/csv; charset=utf-8", out.getvalue()
