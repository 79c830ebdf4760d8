"""REST API for supply-chain resilience: systems, BOMs, risk, simulations, saved scenarios."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from indusx.audit import reads
from indusx.deps import Officer, SessionDep, SettingsDep, SignedIn
from indusx.errors import Invalid
from indusx.supply import analysis, imports, service, simulation
from indusx.supply.schemas import (
    BomView,
    CompareView,
    Page,
    RiskView,
    ScenarioRead,
    ScenarioSummary,
    SimulationRequest,
    SimulationView,
    SystemCreate,
    SystemRead,
    SystemSummary,
    SystemUpdate,
)
from indusx.uploads import megabytes

router = APIRouter(prefix="/api/v1/supply", tags=["supply chain"])

PageNo = Annotated[int, Query(ge=1, le=10_000)]
PageSize = Annotated[int, Query(ge=1, le=200)]


@router.get("/systems", response_model=Page[SystemSummary])
def list_systems(
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(pattern="^(name|criticality|parts)$")] = "name",
    page: PageNo = 1,
    page_size: PageSize = 20,
) -> Page[SystemSummary]:
    """Systems you may read: integrator members, suppliers' members, officers see all."""
    return service.list_systems(session=session, principal=principal, q=q, sort=sort, page=page,
                                page_size=page_size, settings=settings)


@router.post("/systems", response_model=SystemRead, status_code=status.HTTP_201_CREATED)
def create_system(body: SystemCreate, principal: SignedIn, session: SessionDep) -> SystemRead:
    """Add a system (officers, or owners and editors of its integrator organisation)."""
    system = service.create_system(session=session, principal=principal, system_in=body)
    return service.system_read(session=session, principal=principal, system=system)


@router.get("/systems/{system_id}", response_model=SystemRead)
def get_system(system_id: int, principal: SignedIn, session: SessionDep) -> SystemRead:
    """One system's details."""
    system = service.get_system(session=session, principal=principal, system_id=system_id)
    return service.system_read(session=session, principal=principal, system=system)


@router.patch("/systems/{system_id}", response_model=SystemRead)
def update_system(
    system_id: int, body: SystemUpdate, principal: SignedIn, session: SessionDep
) -> SystemRead:
    """Change a system's details; fields left out are kept."""
    system = service.update_system(session=session, principal=principal, system_id=system_id,
                                   system_in=body)
    return service.system_read(session=session, principal=principal, system=system)


@router.delete("/systems/{system_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_system(system_id: int, principal: SignedIn, session: SessionDep) -> Response:
    """Delete a system with its BOM and sources (saved scenarios keep their results)."""
    service.delete_system(session=session, principal=principal, system_id=system_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/systems/{system_id}/bom", response_model=BomView)
def get_bom(
    system_id: int, principal: SignedIn, session: SessionDep, settings: SettingsDep
) -> BomView:
    """The bill of materials: parts with sources (suppliers see others' commercial fields
    masked), parent-child lines, and depth-first tree rows."""
    return service.bom_view(session=session, principal=principal, system_id=system_id,
                            settings=settings)


@router.get("/systems/{system_id}/risk", response_model=RiskView)
def get_risk(
    system_id: int,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    sort: Annotated[str, Query(pattern="^(criticality|hhi|lead|outside|watch|number)$")] = (
        "criticality"
    ),
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> RiskView:
    """Per-part risk (sortable, paged), the system's roll-up and its heat map."""
    return analysis.system_risk(session=session, principal=principal, settings=settings,
                                system_id=system_id, sort=sort, page=page, page_size=page_size)


@router.post("/simulations", response_model=SimulationView | ScenarioRead)
def run_simulation(
    body: SimulationRequest,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> SimulationView | ScenarioRead:
    """Run a disruption scenario; with `save: true` (and a name) keep it: 201 and the saved
    scenario."""
    spec = simulation.ScenarioSpec.model_validate(body.model_dump(exclude={"save"}))
    view = simulation.run(session=session, principal=principal, settings=settings, spec=spec)
    if not body.save:
        return view
    saved = simulation.save_scenario(session=session, principal=principal, settings=settings,
                                     spec=spec, view=view)
    response.status_code = status.HTTP_201_CREATED
    return simulation.get_scenario(session=session, principal=principal, scenario_id=saved.id)


@router.get("/scenarios", response_model=Page[ScenarioSummary])
def list_scenarios(
    principal: SignedIn, session: SessionDep, page: PageNo = 1, page_size: PageSize = 20
) -> Page[ScenarioSummary]:
    """Saved scenarios over systems you may read, newest first."""
    return simulation.list_scenarios(session=session, principal=principal, page=page,
                                     page_size=page_size)


@router.get("/scenarios/compare", response_model=CompareView)
def compare_scenarios(
    principal: SignedIn,
    session: SessionDep,
    ids: Annotated[str, Query(description="comma-separated scenario ids, e.g. 1,2")],
) -> CompareView:
    """Saved scenarios side by side: per system and per short part."""
    try:
        wanted = [int(i) for i in ids.split(",") if i.strip()]
    except ValueError as exc:
        raise Invalid.field("ids", "give scenario ids separated by commas") from exc
    return simulation.compare(session=session, principal=principal, ids=wanted)


@router.get("/scenarios/{scenario_id}", response_model=ScenarioRead)
def get_scenario(scenario_id: int, principal: SignedIn, session: SessionDep) -> ScenarioRead:
    """A saved scenario with the result it gave when saved."""
    return simulation.get_scenario(session=session, principal=principal,
                                   scenario_id=scenario_id)


@router.delete("/scenarios/{scenario_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_scenario(scenario_id: int, principal: SignedIn, session: SessionDep) -> Response:
    """Delete a saved scenario (its author, officers, or editors of all its systems)."""
    simulation.delete_scenario(session=session, principal=principal, scenario_id=scenario_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/scenarios/{scenario_id}/export")
def export_scenario(
    scenario_id: int,
    principal: SignedIn,
    session: SessionDep,
    fmt: Annotated[str, Query(alias="format", pattern="^(csv|json)$")] = "csv",
) -> Response:
    """Download a saved scenario as CSV (systems and short parts) or JSON (as stored)."""
    filename, media_type, body = simulation.export_scenario(
        session=session, principal=principal, scenario_id=scenario_id, fmt=fmt)
    reads.record_read(session=session, actor=principal.actor, object_type="supply_scenario",
                      object_id=scenario_id, how=fmt)
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.post("/import")
def import_bundle(
    principal: Officer,
    session: SessionDep,
    settings: SettingsDep,
    systems: Annotated[UploadFile | None, File(description="systems.csv")] = None,
    bom: Annotated[UploadFile | None, File(description="bom.csv")] = None,
    sources: Annotated[UploadFile | None, File(description="sources.csv")] = None,
    dry_run: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Import systems.csv, bom.csv and sources.csv (officers): every problem is reported as
    file:row: field: reason, and nothing is written if there is any."""
    texts: dict[str, str] = {}
    for name, upload in ((imports.SYSTEMS, systems), (imports.BOM, bom),
                         (imports.SOURCES, sources)):
        if upload is not None:
            # At most one byte past the limit: enough to refuse, never a whole huge file.
            data = upload.file.read(settings.upload_max_bytes + 1)
            if len(data) > settings.upload_max_bytes:
                raise Invalid.field(name, f"larger than {megabytes(settings.upload_max_bytes)}")
            try:
                texts[name] = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise Invalid.field(name, "not UTF-8 text") from exc
    if not texts:
        raise Invalid.field("files", "upload systems.csv, bom.csv and/or sources.csv")
    summary = imports.import_texts(session=session, principal=principal, texts=texts,
                                   dry_run=dry_run)
    return {"systems_created": summary.systems_created,
            "systems_updated": summary.systems_updated, "parts": summary.parts,
            "lines": summary.lines, "sources": summary.sources, "dry_run": summary.dry_run}
