"""The raising form's data: its values, the proposed routing, and the API body it stands for."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from indusx.accounts.permissions import Principal
from indusx.errors import Invalid
from indusx.forms import form_text
from indusx.orgs.models import Organisation
from indusx.supply import access as supply_access
from indusx.supply.models import Part, SupplySystem
from indusx.supply.sos import service


def systems(session: Session, principal: Principal) -> list[SupplySystem]:
    """Return the supply systems the principal may read, by name."""
    visible = supply_access.visible_system_ids(session, principal)
    query = select(SupplySystem).order_by(SupplySystem.name)
    if visible is not None:
        query = query.where(SupplySystem.id.in_(visible or [-1]))
    return list(session.scalars(query))


def find_part(session: Session, principal: Principal, system_id: str, number: str) -> Part | None:
    """Return the part with this number in the system, if the principal may read it."""
    if not system_id.isdigit() or not number:
        return None
    system = session.get(SupplySystem, int(system_id))
    if system is None or not supply_access.can_read_system(session, principal, system):
        return None
    return session.scalar(select(Part).where(Part.system_id == system.id, Part.number == number))


def routing_context(
    session: Session, principal: Principal, system_id: str, number: str, chosen: list[str]
) -> dict[str, Any]:
    """Return the suppliers proposed for the part and those already chosen, for the form."""
    part = find_part(session, principal, system_id, number)
    routing = service.routing_for_part(session=session, part_id=part.id) if part else None
    proposed = routing.directory if routing else []
    ids = {o.id for o in proposed}
    extra = [int(v) for v in chosen if v.isdigit() and int(v) not in ids]
    others = list(session.scalars(select(Organisation).where(Organisation.id.in_(extra)))) \
        if extra else []
    return {
        "part": part,
        "proposed": proposed + others,
        "external": routing.external if routing else [],
        "chosen_suppliers": chosen if chosen else [str(o.id) for o in proposed],
    }


FORM_FIELDS = ("requester_org_id", "requesting_country", "item", "supply_system_id", "part",
               "quantity", "unit", "needed_on", "justification", "marking", "routed_part")


def form_values(form: FormData) -> dict[str, Any]:
    """Return the raising form's values as typed (lists for the suppliers)."""
    values: dict[str, Any] = {name: form_text(form, name) for name in FORM_FIELDS}
    values["supplier_org_ids"] = [v for v in form.getlist("supplier_org_ids")
                                  if isinstance(v, str)]
    values["add_supplier"] = [v.strip() for v in form.getlist("add_supplier")
                              if isinstance(v, str)] or ["", ""]
    return values


def added_suppliers(session: Session, typed: list[str]) -> list[int]:
    """Return the ids of the organisations typed in by slug or exact name."""
    ids = []
    for value in (v for v in typed if v):
        org = session.scalar(select(Organisation).where(
            (Organisation.slug == value) | (Organisation.name == value)))
        if org is None:
            raise Invalid.field("add_supplier", f"no directory organisation '{value}'")
        ids.append(org.id)
    return ids


def create_payload(
    session: Session, principal: Principal, values: dict[str, Any]
) -> dict[str, Any]:
    """Return the API body the raising form stands for."""
    part = find_part(session, principal, values["supply_system_id"], values["part"])
    if values["part"] and part is None:
        raise Invalid.field("part", "no such part in the chosen system")
    chosen = [int(v) for v in values["supplier_org_ids"] if v.isdigit()]
    if part is not None and values["routed_part"] != values["part"]:
        # The proposed suppliers were not shown for this part (no script, or it changed):
        # route to its directory sources, as the form would have proposed.
        chosen = [o.id for o in service.routing_for_part(session=session, part_id=part.id)
                  .directory]
    return {
        "requester_org_id": values["requester_org_id"] or None,
        "requesting_country": values["requesting_country"] or None,
        "item": values["item"],
        "supply_system_id": values["supply_system_id"] or None,
        "supply_part_id": part.id if part is not None else None,
        "quantity": values["quantity"] or None,
        "unit": values["unit"],
        "needed_on": values["needed_on"] or None,
        "justification": values["justification"],
        "marking": values["marking"] or None,
        "supplier_org_ids": chosen + added_suppliers(session, values["add_supplier"]),
    }
