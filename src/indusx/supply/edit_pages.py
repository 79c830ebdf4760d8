"""Web pages that change a supply system by hand: its details, parts and sources, deletions.

Only those who may change the system open them (officers, the integrator's owners and
editors): a system the caller may not read is 404, one they may only read 403. The writes
are the service's (supply/service.py), which checks the same rights again and audits them.
Forms work without script; with HTMX the sources panel of a part is swapped in place.
"""

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from indusx import templating
from indusx.accounts.permissions import Principal
from indusx.deps import SessionDep, SignedIn
from indusx.errors import DomainError, NotFound
from indusx.forms import FormDep, field_errors, form_text
from indusx.orgs.models import Organisation
from indusx.supply import access, service
from indusx.supply.models import BomLine, Part, PartKind, Source, SupplySystem
from indusx.supply.schemas import (
    PartCreate,
    PartUpdate,
    SourceCreate,
    SourceUpdate,
    SystemUpdate,
)

router = APIRouter(include_in_schema=False)

M = TypeVar("M", bound=BaseModel)

KIND_OPTIONS = [(k.value, k.value.capitalize()) for k in PartKind]
SYSTEM_FIELDS = ("name", "description", "annual_demand", "integrator")
PART_FIELDS = ("number", "name", "kind", "unit", "description")
NEW_PART_FIELDS = (*PART_FIELDS, "parent_id", "quantity")
SOURCE_FIELDS = ("supplier", "supplier_name", "country", "share", "lead_time_days",
                 "annual_capacity", "unit_cost", "stock_on_hand")
LABELS = {
    "name": "Name", "description": "Description", "annual_demand": "Annual demand",
    "integrator": "Integrator", "number": "Part number", "kind": "Kind", "unit": "Unit",
    "parent_id": "Parent", "quantity": "Quantity per parent", "supplier": "Directory supplier",
    "supplier_name": "External supplier", "country": "Country", "share": "Share",
    "lead_time_days": "Lead time", "annual_capacity": "Annual capacity",
    "unit_cost": "Unit cost", "stock_on_hand": "Stock on hand",
}
# The service names a few fields as the API does; the forms name them for people.
FORM_FIELD = {"supplier_org_id": "supplier", "integrator_org_id": "integrator",
              "child_id": "parent_id"}
SHARE_MESSAGE = "Enter a fraction 0-1 or a percent such as 60%"


# --- loading what may be changed ------------------------------------------------------------


def _part(session: Session, principal: Principal, part_id: int) -> tuple[Part, SupplySystem]:
    part = session.get(Part, part_id)
    if part is None:
        raise NotFound("There is no such part")
    return part, access.require_edit(session=session, principal=principal,
                                     system_id=part.system_id)


def _source(
    session: Session, principal: Principal, source_id: int
) -> tuple[Source, Part, SupplySystem]:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound("There is no such source")
    part, system = _part(session, principal, source.part_id)
    return source, part, system


# --- form values ----------------------------------------------------------------------------


def _values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    return {name: form_text(form, name) for name in names}


def _errors(exc: ValidationError | DomainError) -> dict[str, str]:
    return {FORM_FIELD.get(key, key): message for key, message in field_errors(exc).items()}


def _validated(model: type[M], data: dict[str, Any], errors: dict[str, str]) -> M | None:
    """Return the model, or None with its problems added to `errors` (those already there win)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for key, message in _errors(exc).items():
            errors.setdefault(key, SHARE_MESSAGE if key == "share" else message)
        return None


def _optional(text: str) -> str | None:
    return text or None


def _share(text: str, errors: dict[str, str]) -> float | str | None:
    """Return a share typed as a fraction (0.6) or a percent (60%) as a fraction."""
    if not text:
        return None
    number = text.removesuffix("%").strip()
    try:
        value = float(number)
    except ValueError:
        errors["share"] = SHARE_MESSAGE
        return text
    return value / 100 if text.endswith("%") else value


def _org(session: Session, ref: str) -> Organisation | None:
    """Return the directory organisation typed by slug, exact name (any case) or id."""
    clauses = [Organisation.slug == ref, func.lower(Organisation.name) == ref.lower()]
    if ref.isdigit():
        clauses.append(Organisation.id == int(ref))
    return session.scalars(select(Organisation).where(or_(*clauses)).order_by(Organisation.id)
                           ).first()


# --- the system -----------------------------------------------------------------------------


def _system_values(session: Session, system: SupplySystem) -> dict[str, str]:
    integrator = session.get(Organisation, system.integrator_org_id) \
        if system.integrator_org_id is not None else None
    return {"name": system.name, "description": system.description,
            "annual_demand": f"{system.annual_demand:g}",
            "integrator": integrator.name if integrator is not None else ""}


def _system_form(request: Request, system: SupplySystem, values: dict[str, str],
                 errors: dict[str, str], status_code: int = 200) -> HTMLResponse:
    return templating.render(request, "supply/system_edit.html", {
        "system": system, "values": values, "errors": errors, "labels": LABELS,
    }, status_code=status_code)


@router.get("/supply/systems/{system_id}/edit")
def edit_system_form(
    request: Request, principal: SignedIn, session: SessionDep, system_id: int
) -> HTMLResponse:
    """Show the form that changes a system's name, description, demand and integrator."""
    system = access.require_edit(session=session, principal=principal, system_id=system_id)
    return _system_form(request, system, _system_values(session, system), {})


@router.post("/supply/systems/{system_id}/edit")
def edit_system(
    request: Request, principal: SignedIn, session: SessionDep, system_id: int, form: FormDep
) -> Response:
    """Save a system's details; the form comes back with its problems."""
    system = access.require_edit(session=session, principal=principal, system_id=system_id)
    values = _values(form, SYSTEM_FIELDS)
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"name": values["name"], "description": values["description"]}
    if values["annual_demand"]:
        data["annual_demand"] = values["annual_demand"]
    else:
        errors["annual_demand"] = "Enter the planned units a year (0 for none)"
    integrator = _org(session, values["integrator"]) if values["integrator"] else None
    if values["integrator"] and integrator is None:
        errors["integrator"] = f"No directory organisation “{values['integrator']}”"
    new_id = integrator.id if integrator is not None else None
    if "integrator" not in errors and new_id != system.integrator_org_id:
        if access.can_create_system(principal, new_id):
            data["integrator_org_id"] = new_id
        else:
            errors["integrator"] = ("You may only hand the system to an organisation you are "
                                    "an owner or editor of")
    system_in = _validated(SystemUpdate, data, errors)
    if system_in is None or errors:
        return _system_form(request, system, values, errors, 422)
    service.update_system(session=session, principal=principal, system_id=system.id,
                          system_in=system_in)
    return templating.redirect(f"/supply/systems/{system.id}", flash="System saved.",
                               request=request)


@router.get("/supply/systems/{system_id}/delete")
def confirm_delete_system(
    request: Request, principal: SignedIn, session: SessionDep, system_id: int
) -> HTMLResponse:
    """Ask before deleting a system with its BOM and sources."""
    system = access.require_edit(session=session, principal=principal, system_id=system_id)
    parts = session.scalar(select(func.count()).where(Part.system_id == system.id)) or 0
    return templating.render(request, "confirm.html", {
        "heading": f"Delete the system “{system.name}”?",
        "body": f"Its bill of materials ({parts} part{'' if parts == 1 else 's'}) and every "
                "source go with it. Saved scenarios keep the results they gave.",
        "action": f"/supply/systems/{system.id}/delete",
        "confirm_label": "Delete system",
        "cancel_url": f"/supply/systems/{system.id}",
    })


@router.post("/supply/systems/{system_id}/delete")
def delete_system(
    request: Request, principal: SignedIn, session: SessionDep, system_id: int
) -> Response:
    """Delete a system with its BOM and sources."""
    system = access.require_edit(session=session, principal=principal, system_id=system_id)
    name = system.name
    service.delete_system(session=session, principal=principal, system_id=system.id)
    return templating.redirect("/supply", flash=f"System “{name}” deleted.", request=request)


# --- parts ----------------------------------------------------------------------------------


def _part_options(session: Session, system_id: int) -> list[tuple[int, str]]:
    rows = session.execute(select(Part.id, Part.number, Part.name)
                           .where(Part.system_id == system_id).order_by(Part.number))
    return [(r.id, f"{r.number} · {r.name}") for r in rows]


def _new_part_form(request: Request, session: Session, system: SupplySystem,
                   values: dict[str, str], errors: dict[str, str],
                   status_code: int = 200) -> HTMLResponse:
    return templating.render(request, "supply/part_new.html", {
        "system": system, "values": values, "errors": errors, "labels": LABELS,
        "kind_options": KIND_OPTIONS, "parent_options": _part_options(session, system.id),
    }, status_code=status_code)


@router.get("/supply/systems/{system_id}/parts/new")
def new_part_form(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    system_id: int,
    parent: Annotated[int | None, Query()] = None,
) -> HTMLResponse:
    """Show the form that adds a part under a parent (or at the top level)."""
    system = access.require_edit(session=session, principal=principal, system_id=system_id)
    values = dict.fromkeys(NEW_PART_FIELDS, "")
    values.update(kind=PartKind.PART.value, unit="ea", quantity="1",
                  parent_id=str(parent) if parent is not None else "")
    return _new_part_form(request, session, system, values, {})


@router.post("/supply/systems/{system_id}/parts/new")
def add_part(
    request: Request, principal: SignedIn, session: SessionDep, system_id: int, form: FormDep
) -> Response:
    """Add a part to the BOM, then open its sources."""
    system = access.require_edit(session=session, principal=principal, system_id=system_id)
    values = _values(form, NEW_PART_FIELDS)
    errors: dict[str, str] = {}
    data: dict[str, Any] = {k: values[k] for k in PART_FIELDS if values[k]}
    data.update(parent_id=_optional(values["parent_id"]), quantity=values["quantity"] or "1")
    part_in = _validated(PartCreate, data, errors)
    if part_in is not None:
        try:
            part = service.add_part(session=session, principal=principal, system_id=system.id,
                                    part_in=part_in)
        except DomainError as exc:
            if exc.status != 422:
                raise
            session.rollback()
            errors = _errors(exc)
        else:
            return templating.redirect(f"/supply/parts/{part.id}/sources",
                                       flash=f"Part {part.number} added.", request=request)
    return _new_part_form(request, session, system, values, errors, 422)


def _part_context(session: Session, principal: Principal, part: Part,
                  system: SupplySystem) -> dict[str, Any]:
    """Return what the part page shows: the part, its sources, where it is used."""
    sources = service.source_reads(session=session, principal=principal, system=system,
                                   part_ids=[part.id]).get(part.id, [])
    parents = session.execute(
        select(BomLine.quantity, Part.id, Part.number, Part.name)
        .outerjoin(Part, Part.id == BomLine.parent_id)
        .where(BomLine.child_id == part.id).order_by(Part.number)
    ).all()
    children = session.scalar(
        select(func.count()).where(BomLine.parent_id == part.id)) or 0
    return {
        "system": system, "part": part, "sources": sources,
        "share_total": sum(s.share for s in sources),
        "parents": parents, "children": children, "labels": LABELS,
        "kind_options": KIND_OPTIONS,
    }


def _part_page(
    request: Request, session: Session, principal: Principal, part: Part,
    system: SupplySystem, *, source_values: dict[str, str] | None = None,
    source_errors: dict[str, str] | None = None, part_values: dict[str, str] | None = None,
    part_errors: dict[str, str] | None = None, status_code: int = 200, panel: bool = False,
    added: str = "",
) -> HTMLResponse:
    context = _part_context(session, principal, part, system)
    context.update(
        values=source_values or dict.fromkeys(SOURCE_FIELDS, "") | {"stock_on_hand": "0"},
        errors=source_errors or {},
        part_values=part_values or {f: str(getattr(part, f).value if f == "kind"
                                               else getattr(part, f)) for f in PART_FIELDS},
        part_errors=part_errors or {},
        added=added,
    )
    name = "supply/_part_sources.html" if panel else "supply/part.html"
    return templating.render(request, name, context, status_code=status_code)


@router.get("/supply/parts/{part_id}/sources")
def part_page(
    request: Request, principal: SignedIn, session: SessionDep, part_id: int
) -> HTMLResponse:
    """Show a part's sources with edit and delete, a form to add one, and its details."""
    part, system = _part(session, principal, part_id)
    return _part_page(request, session, principal, part, system)


@router.post("/supply/parts/{part_id}/edit")
def edit_part(
    request: Request, principal: SignedIn, session: SessionDep, part_id: int, form: FormDep
) -> Response:
    """Save a part's number, name, kind, unit and description."""
    part, system = _part(session, principal, part_id)
    values = _values(form, PART_FIELDS)
    errors: dict[str, str] = {}
    part_in = _validated(PartUpdate, {k: v for k, v in values.items()
                                      if v or k == "description"}, errors)
    for required in ("number", "name", "unit"):
        if not values[required]:
            errors[required] = "This field is required"
    if part_in is not None and not errors:
        try:
            service.update_part(session=session, principal=principal, part_id=part.id,
                                part_in=part_in)
        except DomainError as exc:
            if exc.status != 422:
                raise
            session.rollback()
            errors = _errors(exc)
        else:
            return templating.redirect(f"/supply/parts/{part.id}/sources",
                                       flash="Part saved.", request=request)
    part, system = _part(session, principal, part_id)
    return _part_page(request, session, principal, part, system, part_values=values,
                      part_errors=errors, status_code=422)


@router.get("/supply/parts/{part_id}/delete")
def confirm_delete_part(
    request: Request, principal: SignedIn, session: SessionDep, part_id: int
) -> HTMLResponse:
    """Ask before removing a part with its sources (an assembly must be emptied first)."""
    part, system = _part(session, principal, part_id)
    if session.scalar(select(BomLine.id).where(BomLine.parent_id == part.id).limit(1)):
        return _part_page(request, session, principal, part, system, status_code=409,
                          part_errors={"__all__": "Remove or move the parts under this "
                                                  "assembly before deleting it."})
    return templating.render(request, "confirm.html", {
        "heading": f"Delete part {part.number} “{part.name}”?",
        "body": f"It is taken out of the bill of materials of {system.name} wherever it is "
                "used, with its sources.",
        "action": f"/supply/parts/{part.id}/delete",
        "confirm_label": "Delete part",
        "cancel_url": f"/supply/parts/{part.id}/sources",
    })


@router.post("/supply/parts/{part_id}/delete")
def delete_part(
    request: Request, principal: SignedIn, session: SessionDep, part_id: int
) -> Response:
    """Remove a part with its lines and sources."""
    part, system = _part(session, principal, part_id)
    number = part.number
    service.delete_part(session=session, principal=principal, part_id=part.id)
    return templating.redirect(f"/supply/systems/{system.id}#pane-bom",
                               flash=f"Part {number} deleted.", request=request)


# --- sources --------------------------------------------------------------------------------


def _numbers(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """Return the source's figures as the schemas take them (blank capacity/cost: unknown)."""
    return {
        "share": _share(values["share"], errors),
        "lead_time_days": _optional(values["lead_time_days"]),
        "annual_capacity": _optional(values["annual_capacity"]),
        "unit_cost": _optional(values["unit_cost"]),
        "stock_on_hand": values["stock_on_hand"] or "0",
    }


@router.post("/supply/parts/{part_id}/sources")
def add_source(
    request: Request, principal: SignedIn, session: SessionDep, part_id: int, form: FormDep
) -> Response:
    """Add a source to a part: a directory organisation or an external supplier."""
    part, system = _part(session, principal, part_id)
    partial = templating.wants_partial(request)
    values = _values(form, SOURCE_FIELDS)
    errors: dict[str, str] = {}
    data = _numbers(values, errors)
    data["country"] = _optional(values["country"])
    if values["supplier"]:
        org = _org(session, values["supplier"])
        if org is None:
            errors["supplier"] = f"No directory organisation “{values['supplier']}”"
        else:
            data["supplier_org_id"] = org.id
    elif values["supplier_name"]:
        data["supplier_name"] = values["supplier_name"]
        if not values["country"]:
            errors["country"] = "An external supplier needs its country"
    else:
        errors["supplier"] = "Choose a directory organisation or name an external supplier"
    source_in = _validated(SourceCreate, {k: v for k, v in data.items() if v is not None},
                           errors)
    if source_in is not None and not errors:
        try:
            service.add_source(session=session, principal=principal, part_id=part.id,
                               source_in=source_in)
        except DomainError as exc:
            if exc.status != 422:
                raise
            session.rollback()
            errors = _errors(exc)
        else:
            if partial:
                return _part_page(request, session, principal, part, system, panel=True,
                                  added="Source added.")
            return templating.redirect(f"/supply/parts/{part.id}/sources",
                                       flash="Source added.", request=request)
        part, system = _part(session, principal, part_id)
    # HTMX swaps only 2xx answers: the panel comes back in place with its problems.
    return _part_page(request, session, principal, part, system, source_values=values,
                      source_errors=errors, panel=partial, status_code=200 if partial else 422)


def _source_values(source: Source) -> dict[str, str]:
    def text(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    return {"country": source.country, "share": text(source.share),
            "lead_time_days": str(source.lead_time_days),
            "annual_capacity": text(source.annual_capacity), "unit_cost": text(source.unit_cost),
            "stock_on_hand": text(source.stock_on_hand)}


def _source_form(request: Request, session: Session, source: Source, part: Part,
                 system: SupplySystem, values: dict[str, str], errors: dict[str, str],
                 status_code: int = 200) -> HTMLResponse:
    supplier = session.get(Organisation, source.supplier_org_id) \
        if source.supplier_org_id is not None else None
    return templating.render(request, "supply/source_edit.html", {
        "system": system, "part": part, "source": source,
        "supplier_name": supplier.name if supplier is not None else source.supplier_name,
        "values": values, "errors": errors, "labels": LABELS,
    }, status_code=status_code)


@router.get("/supply/sources/{source_id}/edit")
def edit_source_form(
    request: Request, principal: SignedIn, session: SessionDep, source_id: int
) -> HTMLResponse:
    """Show the form that changes a source's country, share, lead time and figures."""
    source, part, system = _source(session, principal, source_id)
    return _source_form(request, session, source, part, system, _source_values(source), {})


@router.post("/supply/sources/{source_id}/edit")
def edit_source(
    request: Request, principal: SignedIn, session: SessionDep, source_id: int, form: FormDep
) -> Response:
    """Save a source; blank capacity or cost means unknown."""
    source, part, system = _source(session, principal, source_id)
    values = _values(form, SOURCE_FIELDS)
    errors: dict[str, str] = {}
    data = _numbers(values, errors)
    data["country"] = _optional(values["country"])
    for required in ("share", "lead_time_days"):
        if not values[required]:
            errors[required] = "This field is required"
    source_in = _validated(SourceUpdate, data, errors)
    if source_in is None or errors:
        return _source_form(request, session, source, part, system, values, errors, 422)
    service.update_source(session=session, principal=principal, source_id=source.id,
                          source_in=source_in)
    return templating.redirect(f"/supply/parts/{part.id}/sources", flash="Source saved.",
                               request=request)


@router.get("/supply/sources/{source_id}/delete")
def confirm_delete_source(
    request: Request, principal: SignedIn, session: SessionDep, source_id: int
) -> HTMLResponse:
    """Ask before removing a source from its part."""
    source, part, _ = _source(session, principal, source_id)
    supplier = session.get(Organisation, source.supplier_org_id) \
        if source.supplier_org_id is not None else None
    name = supplier.name if supplier is not None else source.supplier_name
    return templating.render(request, "confirm.html", {
        "heading": f"Remove {name} as a source of {part.number}?",
        "body": "The part's risk is worked out again without it.",
        "action": f"/supply/sources/{source.id}/delete",
        "confirm_label": "Remove source",
        "cancel_url": f"/supply/parts/{part.id}/sources",
    })


@router.post("/supply/sources/{source_id}/delete")
def delete_source(
    request: Request, principal: SignedIn, session: SessionDep, source_id: int
) -> Response:
    """Remove a source from its part."""
    source, part, _ = _source(session, principal, source_id)
    service.delete_source(session=session, principal=principal, source_id=source.id)
    return templating.redirect(f"/supply/parts/{part.id}/sources", flash="Source removed.",
                               request=request)
