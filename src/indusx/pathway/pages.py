"""Web pages for the regulatory pathway: the assessment form and result, saved assessments,
the rule set (officers) and the hurdle register."""

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from indusx import templating
from indusx.accounts.permissions import Principal
from indusx.deps import Officer, SessionDep, SignedIn
from indusx.errors import DomainError
from indusx.forms import FormDep, field_errors, form_text
from indusx.partnerships import access as partnership_access
from indusx.partnerships import service as partnership_service
from indusx.pathway import service
from indusx.pathway.engine.facts import (
    Activity,
    DapCategory,
    EndCustomer,
    PartyKind,
    ProcurementRoute,
    SpSegment,
)
from indusx.pathway.models import HURDLE_STATUS_LABELS
from indusx.pathway.schemas import AssessmentIn, AssessmentResult

router = APIRouter(include_in_schema=False)

ACTIVITY_LABELS = {
    Activity.CO_DEVELOPMENT: "Co-development",
    Activity.CO_PRODUCTION: "Co-production / manufacture",
    Activity.TECHNOLOGY_TRANSFER: "Technology transfer",
    Activity.HARDWARE_EXPORT: "Hardware export",
    Activity.INVESTMENT: "Investment / equity",
    Activity.RESEARCH: "Research",
}
PARTY_KIND_LABELS = {
    PartyKind.COMPANY: "Company",
    PartyKind.GOVERNMENT: "Government body",
    PartyKind.ACADEMIC: "Academic institution",
    PartyKind.INVESTOR: "Investor",
    PartyKind.INDIVIDUAL: "Individual",
    PartyKind.OTHER: "Other",
}
END_CUSTOMER_LABELS = {
    EndCustomer.INDIAN_MOD: "Indian Ministry of Defence",
    EndCustomer.US_DOD: "US Department of Defense",
    EndCustomer.OTHER_GOVERNMENT: "Another government",
    EndCustomer.COMMERCIAL: "Commercial customers",
}
DAP_LABELS = {
    DapCategory.BUY_INDIAN_IDDM: "Buy (Indian-IDDM)",
    DapCategory.BUY_INDIAN: "Buy (Indian)",
    DapCategory.BUY_AND_MAKE_INDIAN: "Buy and Make (Indian)",
    DapCategory.BUY_GLOBAL: "Buy (Global)",
    DapCategory.BUY_GLOBAL_MANUFACTURE_IN_INDIA: "Buy (Global-Manufacture in India)",
}
ROUTE_LABELS = {
    ProcurementRoute.COMPETITIVE: "Competitive",
    ProcurementRoute.SINGLE_VENDOR: "Single vendor",
    ProcurementRoute.INTER_GOVERNMENTAL: "Inter-governmental agreement",
    ProcurementRoute.GOVERNMENT_TO_GOVERNMENT: "Government to government",
    ProcurementRoute.FMS: "US Foreign Military Sales",
}
SP_LABELS = {
    SpSegment.FIGHTER_AIRCRAFT: "Fighter aircraft",
    SpSegment.HELICOPTERS: "Helicopters",
    SpSegment.SUBMARINES: "Submarines",
    SpSegment.ARMOURED_VEHICLES: "Armoured vehicles / main battle tanks",
}
KIND_LABELS = {
    "block": "Blocks",
    "determination": "To determine",
    "authorisation": "Authorisation",
    "condition": "Conditions",
    "no-licence": "No licence",
    "hurdle": "Open hurdle",
    "note": "Note",
}
SIDE_LABELS = {"US": "United States", "IN": "India", "both": "Both sides"}
PARTY_ROWS, ITEM_ROWS = 2, 1  # blank rows a new form starts with
_ROW_KEY = re.compile(r"(parties|items)-(\d+)-([a-z_]+)")
PARTY_FIELDS = ("org", "name", "country", "kind", "role")
ITEM_FIELDS = ("name", "classification", "origin", "missile_technology", "temporary")
FRIENDLIER = {
    "activity": "Choose at least one activity",
    "parties": "Add at least one party: a directory organisation or a name and country",
}


def _options(labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(str(k.value if hasattr(k, "value") else k), v) for k, v in labels.items()]


def common() -> dict[str, Any]:
    return {
        "activity_labels": _options(ACTIVITY_LABELS),
        "party_kinds": _options(PARTY_KIND_LABELS),
        "end_customers": _options(END_CUSTOMER_LABELS),
        "dap_categories": _options(DAP_LABELS),
        "routes": _options(ROUTE_LABELS),
        "sp_segments": _options(SP_LABELS),
        "kind_labels": KIND_LABELS,
        "side_labels": SIDE_LABELS,
        "status_labels": {s.value: label for s, label in HURDLE_STATUS_LABELS.items()},
    }


# --- the assessment form ----------------------------------------------------------------------


def _empty_values() -> dict[str, Any]:
    return {
        "title": "",
        "activity": [],
        "notes": "",
        "red_flags": "",
        "end_customer": "",
        "sp_segment": "",
        "investor_country": "",
        "investee_country": "",
        "equity_share": "",
        "category": "",
        "value_inr_crore": "",
        "route": "",
        "parties": [dict.fromkeys(PARTY_FIELDS, "") for _ in range(PARTY_ROWS)],
        "items": [dict.fromkeys(ITEM_FIELDS, "") for _ in range(ITEM_ROWS)],
    }


def _form_values(form: FormData) -> dict[str, Any]:
    """Return what the user typed, as the form shows it again."""
    values = _empty_values()
    for name in (
        "title",
        "notes",
        "red_flags",
        "end_customer",
        "sp_segment",
        "investor_country",
        "investee_country",
        "equity_share",
        "category",
        "value_inr_crore",
        "route",
    ):
        values[name] = form_text(form, name)
    values["activity"] = [v for v in form.getlist("activity") if isinstance(v, str)]
    rows: dict[str, dict[int, dict[str, str]]] = {"parties": {}, "items": {}}
    for key in form:
        if match := _ROW_KEY.fullmatch(key):
            rows[match[1]].setdefault(int(match[2]), {})[match[3]] = form_text(form, key)
    values["parties"] = [
        {f: r.get(f, "") for f in PARTY_FIELDS} for _, r in sorted(rows["parties"].items())
    ] or values["parties"]
    values["items"] = [
        {f: r.get(f, "") for f in ITEM_FIELDS} for _, r in sorted(rows["items"].items())
    ]
    values["save"] = form_text(form, "save") == "on"
    return values


def _payload(values: dict[str, Any]) -> dict[str, Any]:
    """Return the assessment input of the form's values; blank rows are left out."""
    parties = [
        {
            "org": p["org"] or None,
            "name": p["name"] or None,
            "country": p["country"] or None,
            "kind": p["kind"] or None,
            "role": p["role"],
        }
        for p in values["parties"]
        if any(p[f] for f in ("org", "name", "country"))
    ]
    items = [
        {
            "name": i["name"],
            "classification": i["classification"] or None,
            "origin": i["origin"] or None,
            "temporary": i["temporary"] == "on",
            "missile_technology": {"yes": True, "no": False}.get(i["missile_technology"]),
        }
        for i in values["items"]
        if i["name"] or i["classification"]
    ]
    data: dict[str, Any] = {
        "title": values["title"],
        "activity": values["activity"],
        "parties": parties,
        "items": items,
        "notes": values["notes"],
        "red_flags": [line for line in values["red_flags"].splitlines() if line.strip()],
        "end_customer": values["end_customer"] or None,
        "sp_segment": values["sp_segment"] or None,
    }
    if values["investor_country"] or values["investee_country"] or values["equity_share"]:
        data["investment"] = {
            "investor_country": values["investor_country"] or None,
            "investee_country": values["investee_country"] or None,
            "equity_share": values["equity_share"] or None,
        }
    if values["category"] or values["value_inr_crore"] or values["route"]:
        data["procurement"] = {
            "category": values["category"] or None,
            "value_inr_crore": values["value_inr_crore"].replace(",", "") or None,
            "route": values["route"] or None,
        }
    return data


def _error_labels(errors: dict[str, str]) -> dict[str, str]:
    labels = {}
    for key in errors:
        parts = key.split("-")
        if parts[0] in ("parties", "items") and len(parts) >= 2 and parts[1].isdigit():
            thing = "Party" if parts[0] == "parties" else "Item"
            field = f", {parts[2].replace('_', ' ')}" if len(parts) > 2 else ""
            labels[key] = f"{thing} {int(parts[1]) + 1}{field}"
        else:
            labels[key] = key.replace("_", " ").replace("-", ", ").capitalize()
    return labels


def _map_errors(errors: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
    """Point errors on the payload's rows back at the form's rows (blank rows were skipped)."""
    kept = {
        "parties": [
            n
            for n, p in enumerate(values["parties"])
            if any(p[f] for f in ("org", "name", "country"))
        ],
        "items": [n for n, i in enumerate(values["items"]) if i["name"] or i["classification"]],
    }
    out = {}
    for key, message in errors.items():
        parts = key.split("-")
        if (
            parts[0] in kept
            and len(parts) >= 2
            and parts[1].isdigit()
            and int(parts[1]) < len(kept[parts[0]])
        ):
            parts[1] = str(kept[parts[0]][int(parts[1])])
        elif parts[0] in ("investment", "procurement") and len(parts) == 2:
            parts = parts[1:]
        out["-".join(parts)] = message
    return out


def _render_form(
    request: Request,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    errors = errors or {}
    return templating.render(
        request,
        "pathway/assess.html",
        {
            **common(),
            "values": values,
            "errors": errors,
            "error_labels": _error_labels(errors),
        },
        status_code=status_code,
    )


def _for_partnership(session: Session, principal: Principal, partnership_id: int) -> dict[str, Any]:
    """Return the form's values prefilled from a partnership the caller may edit."""
    partnership = partnership_access.editable(session, principal, partnership_id)
    values = _empty_values()
    values["title"] = f"Regulatory review: {partnership.title}"
    values["activity"] = [partnership.type.value]
    values["parties"] = [
        {"org": p.slug, "name": "", "country": "", "kind": "", "role": p.role.value}
        for p in partnership_service.parties(session, partnership.id)
    ]
    items = [line.strip() for line in partnership.items.splitlines() if line.strip()]
    values["items"] = [
        {
            "name": name[:200],
            "classification": "",
            "origin": "",
            "missile_technology": "",
            "temporary": "",
        }
        for name in items
    ] or values["items"]
    values["partnership_id"] = str(partnership.id)
    values["partnership_title"] = partnership.title
    return values


@router.get("/pathway")
def assess_form(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    partnership: Annotated[int | None, Query()] = None,
) -> HTMLResponse:
    """Show the form for assessing a proposed collaboration (prefilled for a partnership)."""
    if partnership is not None:
        return _render_form(request, values=_for_partnership(session, principal, partnership))
    return _render_form(request, values=_empty_values())


@router.get("/pathway/org-options")
def org_options(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Return <option>s of directory organisations whose name matches what is typed."""
    # The party's input sends its own (row-numbered) field name: take whichever was sent.
    typed = next((v for v in request.query_params.values() if v.strip()), "").strip()
    found = service.org_choices(session=session, typed=typed) if len(typed) >= 2 else []
    return templating.render(request, "pathway/_org_options.html", {"found": found})


def _render_result(
    request: Request,
    result: AssessmentResult,
    *,
    assessment_in: AssessmentIn | None = None,
) -> HTMLResponse:
    payload = assessment_in.model_dump_json() if assessment_in is not None else ""
    return templating.render(
        request,
        "pathway/result.html",
        {
            **common(),
            "result": result,
            "payload": payload,
            "can_see_rules": getattr(request.state, "principal", None) is not None
            and request.state.principal.is_officer,
        },
    )


@router.post("/pathway")
def assess(request: Request, principal: SignedIn, session: SessionDep, form: FormDep) -> Response:
    """Assess the collaboration; show the result, or keep it and show the saved one."""
    values = _form_values(form)
    payload = _payload(values)
    partnership_id = None
    if form_text(form, "partnership_id").isdigit():
        partnership_id = partnership_access.editable(
            session, principal, int(form_text(form, "partnership_id"))
        ).id
        # An assessment run for a partnership is its regulatory review: always kept.
        values["save"] = True
        values["partnership_id"] = str(partnership_id)
    try:
        assessment_in = AssessmentIn.model_validate(payload)
        result = service.run_assessment(
            session=session,
            assessment_in=assessment_in,
            actor=principal.actor,
            save=values["save"],
            partnership_id=partnership_id,
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors = _map_errors(field_errors(exc), values)
        for name, message in FRIENDLIER.items():
            if name in errors and errors[name].startswith("List should have"):
                errors[name] = message
        return _render_form(request, values=values, errors=errors, status_code=422)
    if result.id is not None and partnership_id is not None:
        return templating.redirect(
            f"/partnerships/{partnership_id}",
            flash="Assessment saved for the partnership.",
            request=request,
        )
    if result.id is not None:
        return templating.redirect(
            f"/pathway/assessments/{result.id}", flash="Assessment saved.", request=request
        )
    return _render_result(request, result, assessment_in=assessment_in)


@router.post("/pathway/assessments")
def save_assessment(
    request: Request, principal: SignedIn, session: SessionDep, form: FormDep
) -> Response:
    """Assess again and keep an assessment shown on the result page."""
    try:
        assessment_in = AssessmentIn.model_validate(json.loads(form_text(form, "payload") or "{}"))
    except (ValueError, ValidationError):
        return _render_form(
            request,
            values=_empty_values(),
            errors={
                "__all__": "The assessment to save was not understood; fill in the form again."
            },
            status_code=422,
        )
    result = service.run_assessment(
        session=session, assessment_in=assessment_in, actor=principal.actor, save=True
    )
    return templating.redirect(
        f"/pathway/assessments/{result.id}", flash="Assessment saved.", request=request
    )


@router.get("/pathway/assessments")
def assessments(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """List saved assessments: your own; officers see all."""
    result = service.list_assessments(session=session, principal=principal, page=page)
    return templating.render(
        request,
        "pathway/assessments.html",
        {
            **common(),
            "page_data": result,
            "pages": max(1, -(-result.total // result.page_size)),
        },
    )


@router.get("/pathway/assessments/{assessment_id}")
def assessment(
    request: Request, principal: SignedIn, session: SessionDep, assessment_id: int
) -> HTMLResponse:
    """Show a saved assessment (its author and officers)."""
    row = service.get_assessment(session=session, principal=principal, assessment_id=assessment_id)
    return _render_result(request, service.assessment_read(session, row))


@router.get("/pathway/rules")
def rules(request: Request, principal: Officer) -> HTMLResponse:
    """Show the rule set in force, rule by rule with its source (officers)."""
    ruleset = service.rules_read(service.ruleset())
    return templating.render(request, "pathway/rules.html", {**common(), "ruleset": ruleset})
