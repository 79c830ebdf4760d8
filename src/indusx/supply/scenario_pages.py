"""Web pages of disruption scenarios: the form, run and save, saved results, compare, export."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from starlette.datastructures import FormData

from indusx import templating
from indusx.accounts.models import User
from indusx.audit import reads
from indusx.deps import SessionDep, SettingsDep, SignedIn
from indusx.errors import DomainError
from indusx.forms import FormDep, field_errors, form_text
from indusx.supply import analysis, service, simulation
from indusx.supply.regions import regions
from indusx.supply.schemas import ScenarioSpec

router = APIRouter(include_in_schema=False)

FIELD_LABELS = {
    "systems": "Systems",
    "suppliers_out": "Suppliers out",
    "countries_out": "Countries out",
    "regions_out": "Regions out",
    "demand_factor": "Demand factor",
    "days": "Period in days",
    "name": "Name",
    "description": "Description",
}
SYSTEM_OPTIONS = 500


def _values(form: FormData | None = None, systems: list[str] | None = None) -> dict[str, Any]:
    """Return the form's values as the template shows them (defaults when no form)."""
    if form is None:
        return {"systems": systems or [], "suppliers_out": [], "countries_out": "",
                "regions_out": [], "demand_factor": "1", "days": "90", "name": "",
                "description": ""}

    def many(name: str) -> list[str]:
        return [v for v in form.getlist(name) if isinstance(v, str) and v]

    values: dict[str, Any] = {name: form_text(form, name) for name in FIELD_LABELS}
    values.update(systems=many("systems"), suppliers_out=many("suppliers_out"),
                  regions_out=many("regions_out"))
    return values


def _spec(values: dict[str, Any]) -> ScenarioSpec:
    """Return the scenario the form describes, or raise ValidationError."""
    countries = [c for c in re.split(r"[\s,;]+", values["countries_out"]) if c]
    data: dict[str, Any] = {
        "name": values["name"], "description": values["description"],
        "systems": [int(s) if s.isdigit() else s for s in values["systems"]],
        "suppliers_out": values["suppliers_out"], "countries_out": countries,
        "regions_out": values["regions_out"],
    }
    # Blank numbers fall back to the defaults; anything else is validated as typed.
    if values["demand_factor"]:
        data["demand_factor"] = values["demand_factor"]
    if values["days"]:
        data["days"] = values["days"]
    return ScenarioSpec.model_validate(data)


def _errors(exc: ValidationError | DomainError) -> dict[str, str]:
    """Return field errors keyed by the form's field names (list items fold into their list)."""
    out: dict[str, str] = {}
    for key, message in field_errors(exc).items():
        out.setdefault(key.split("-", 1)[0], message)
    return out


def _supplier_options(
    session: SessionDep, principal: SignedIn, system_ids: list[int]
) -> list[tuple[str, str]]:
    """Return (supplier key, label) of the suppliers of the chosen (or all visible) systems."""
    ids = system_ids or [s.id for s in simulation.resolve_systems(
        session=session, principal=principal, refs=[])]
    data = analysis.loaded(session=session, system_ids=ids)
    return sorted(
        ((key, f"{who.name} ({who.country})") for key, who in data.suppliers.items()),
        key=lambda option: option[1].lower(),
    )


def _authors(session: SessionDep, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.full_name, User.email).where(User.id.in_(wanted)))
    return {r.id: r.full_name or r.email for r in rows}


def _page(
    request: Request,
    session: SessionDep,
    principal: SignedIn,
    settings: SettingsDep,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    view: Any = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render the scenarios page: the form (with values and errors), a result, saved list."""
    found = service.list_systems(session=session, principal=principal,
                                 page_size=SYSTEM_OPTIONS)
    chosen = [int(s) for s in values["systems"] if s.isdigit()]
    saved = simulation.list_scenarios(session=session, principal=principal, page_size=200).items
    context = {
        "values": values,
        "errors": errors or {},
        "field_labels": FIELD_LABELS,
        "system_options": found.items,
        "supplier_options": _supplier_options(session, principal, chosen) if found.items else [],
        "region_options": sorted(regions()),
        "saved": saved,
        "authors": _authors(session, {s.created_by_id for s in saved}),
        "view": view,
        "scenario": None,
    }
    return templating.render(request, "supply/scenarios.html", context, status_code=status_code)


@router.get("/supply/scenarios")
def scenarios(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    system: Annotated[list[int], Query()] = [],  # noqa: B006
) -> HTMLResponse:
    """Show the new-scenario form (prefilled with `system`) and the saved scenarios."""
    values = _values(systems=[str(s) for s in system])
    return _page(request, session, principal, settings, values=values)


@router.get("/supply/scenarios/suppliers")
def supplier_options(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    systems: Annotated[list[int], Query()] = [],  # noqa: B006
    suppliers_out: Annotated[list[str], Query()] = [],  # noqa: B006
) -> HTMLResponse:
    """Return the suppliers-out field for the chosen systems (HTMX, when systems change)."""
    return templating.render(request, "supply/_supplier_options.html", {
        "supplier_options": _supplier_options(session, principal, systems),
        "values": {"suppliers_out": suppliers_out},
        "errors": {},
    })


@router.post("/supply/scenarios/run")
def run_scenario(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Run the scenario without saving it; HTMX gets the result, or the form with errors."""
    values = _values(form)
    partial = templating.wants_partial(request)
    try:
        view = simulation.run(session=session, principal=principal, settings=settings,
                              spec=_spec(values))
    except (ValidationError, DomainError) as exc:
        errors = _errors(exc)
        if not partial:
            return _page(request, session, principal, settings, values=values, errors=errors,
                         status_code=422)
        chosen = [int(s) for s in values["systems"] if s.isdigit()]
        response = templating.render(request, "supply/_scenario_form.html", {
            "values": values, "errors": errors, "field_labels": FIELD_LABELS,
            "system_options": service.list_systems(
                session=session, principal=principal, page_size=SYSTEM_OPTIONS).items,
            "supplier_options": _supplier_options(session, principal, chosen),
            "region_options": sorted(regions()),
        })
        # HTMX swaps only 2xx answers: the form comes back in place with its errors.
        response.headers["HX-Retarget"] = "#scenario-form-wrap"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    if partial:
        return templating.render(request, "supply/_result.html", {"view": view,
                                                                  "scenario": None})
    return _page(request, session, principal, settings, values=values, view=view)


@router.post("/supply/scenarios")
def save_scenario(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Run and save a named scenario, then show its result."""
    values = _values(form)
    try:
        scenario = simulation.save_scenario(session=session, principal=principal,
                                            settings=settings, spec=_spec(values))
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, DomainError) and exc.status == 403:
            raise
        session.rollback()
        return _page(request, session, principal, settings, values=values,
                     errors=_errors(exc), status_code=422)
    return templating.redirect(f"/supply/scenarios/{scenario.id}",
                               flash=f"Scenario “{scenario.name}” saved.", request=request)


@router.get("/supply/scenarios/compare")
def compare(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    ids: Annotated[list[int], Query()] = [],  # noqa: B006
) -> HTMLResponse:
    """Compare two to four saved scenarios side by side."""
    view = simulation.compare(session=session, principal=principal, ids=ids)
    chart = {
        "kind": "compare", "unit": "buildable units",
        "categories": [row.code for row in view.systems],
        "series": [
            {"name": s.name,
             "values": [cell.buildable if (cell := row.cells[i]) else 0 for row in view.systems]}
            for i, s in enumerate(view.scenarios)
        ],
    }
    return templating.render(request, "supply/compare.html", {"view": view, "chart": chart})


@router.get("/supply/scenarios/{scenario_id}")
def scenario_page(
    request: Request, principal: SignedIn, session: SessionDep, scenario_id: int
) -> HTMLResponse:
    """Show a saved scenario: what it took out and the result it gave."""
    scenario = simulation.get_scenario(session=session, principal=principal,
                                       scenario_id=scenario_id)
    return templating.render(request, "supply/scenario.html", {
        "scenario": scenario,
        "view": scenario.result,
        "author": _authors(session, {scenario.created_by_id}).get(scenario.created_by_id or 0),
    })


@router.get("/supply/scenarios/{scenario_id}/export.{fmt}")
def export(principal: SignedIn, session: SessionDep, scenario_id: int, fmt: str) -> Response:
    """Download a saved scenario's result as CSV or JSON."""
    filename, media_type, body = simulation.export_scenario(
        session=session, principal=principal, scenario_id=scenario_id, fmt=fmt)
    reads.record_read(session=session, actor=principal.actor, object_type="supply_scenario",
                      object_id=scenario_id, how=fmt)
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/supply/scenarios/{scenario_id}/delete")
def confirm_delete(
    request: Request, principal: SignedIn, session: SessionDep, scenario_id: int
) -> HTMLResponse:
    """Ask before deleting a saved scenario."""
    scenario = simulation.get_scenario(session=session, principal=principal,
                                       scenario_id=scenario_id)
    return templating.render(request, "confirm.html", {
        "heading": f"Delete the scenario “{scenario.name}”?",
        "body": "Its saved result goes with it. The systems and their sources are not changed.",
        "action": f"/supply/scenarios/{scenario.id}/delete",
        "confirm_label": "Delete scenario",
        "cancel_url": f"/supply/scenarios/{scenario.id}",
    })


@router.post("/supply/scenarios/{scenario_id}/delete")
def delete(
    request: Request, principal: SignedIn, session: SessionDep, scenario_id: int
) -> Response:
    """Delete a saved scenario (its author, officers, the systems' editors)."""
    simulation.delete_scenario(session=session, principal=principal, scenario_id=scenario_id)
    return templating.redirect("/supply/scenarios", flash="Scenario deleted.", request=request)
