"""Web pages for the directory: search, profiles, the organisation form, members, focus areas."""

import logging
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from indusx import templating
from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole
from indusx.accounts.permissions import EDIT_ROLES, Principal
from indusx.accounts.schemas import MemberAdd
from indusx.awards import service as award_service
from indusx.deps import Admin, SessionDep, SettingsDep, SignedIn, check_step_up
from indusx.errors import DomainError
from indusx.forms import FormDep, field_errors, form_text
from indusx.matching import service as match_service
from indusx.matching.models import MatchMode
from indusx.matching.schemas import MatchList
from indusx.orgs import reads as org_reads
from indusx.orgs import service as org_service
from indusx.orgs.facets import TRL_BANDS
from indusx.orgs.identifiers import EXPORT_CONTROL_HELP, IDENTIFIERS, normalise_identifier
from indusx.orgs.models import Organisation
from indusx.orgs.routes import OrgQueryDep
from indusx.orgs.schemas import (
    PRIVATE_FIELDS,
    FocusAreaIn,
    OrgCreate,
    OrgUpdate,
    consistency_errors,
)
from indusx.orgs.search import SORT_LABELS, OrgQuery, SearchResult, search_orgs
from indusx.orgs.taxonomy import (
    COUNTRY_LABELS,
    KIND_LABELS,
    SEEKING_LABELS,
    STAGE_LABELS,
    STAGED_KINDS,
    Country,
    FundingStage,
    OrgKind,
    Seeking,
)
from indusx.screening import service as screening_service

router = APIRouter(include_in_schema=False)

TRL_LABELS = {
    1: "Basic principles observed",
    2: "Technology concept formulated",
    3: "Experimental proof of concept",
    4: "Technology validated in a laboratory",
    5: "Technology validated in a relevant environment",
    6: "Technology demonstrated in a relevant environment",
    7: "System prototype demonstrated in an operational environment",
    8: "System complete and qualified",
    9: "System proven in an operational environment",
}
AWARDS_SHOWN = 10  # on a profile, before "Show all"
ORG_ROLE_LABELS = {OrgRole.OWNER.value: "Owner", OrgRole.EDITOR.value: "Editor",
                   OrgRole.VIEWER.value: "Viewer"}
FACETS = (
    ("country", "country", "Country"),
    ("kind", "kind", "Kind of organisation"),
    ("focus_area", "focus_area", "Focus area"),
    ("seeking", "seeking", "Seeking"),
    ("stage", "stage", "Funding stage"),
    ("trl", "trl_band", "Technology readiness"),
)
FIELD_LABELS = {
    "name": "Name", "country": "Country", "kind": "Kind of organisation",
    "description": "Short description", "capabilities": "Capabilities",
    "focus_areas": "Focus areas", "seeking": "Seeking", "funding_stage": "Funding stage",
    "headcount": "Headcount", "city": "City", "state": "State / region", "website": "Website",
    **{name: spec[0] for name, spec in IDENTIFIERS.items()},
    "contact_name": "Contact name", "contact_email": "Contact e-mail",
    "contact_phone": "Contact phone", "needs": "What you need", "private_notes": "Private notes",
    "offerings": "Offerings", "thesis": "Investment thesis",
    "thesis-focus_areas": "Thesis focus areas", "thesis-stages": "Thesis stages",
    "thesis-countries": "Thesis countries", "thesis-ticket_min_usd": "Minimum ticket",
    "thesis-ticket_max_usd": "Maximum ticket",
}
OFFERING_FIELD_LABELS = {"name": "name", "description": "description", "trl": "TRL",
                         "export_control": "export control"}
TEXT_FIELDS = ("name", "country", "kind", "description", "capabilities", "funding_stage",
               "headcount", "city", "state", "website", *IDENTIFIERS, *PRIVATE_FIELDS)
_OFFERING_KEY = re.compile(r"offerings-(\d+)-(name|description|trl|export_control)")
DIRECTORY_PAGE_SIZES = (10, 20, 50, 100)
PROFILE_SUGGESTIONS = 3
log = logging.getLogger(__name__)


def load_org(slug: str, session: SessionDep) -> Organisation:
    """Return the organisation named in the path, fully loaded, or 404."""
    return org_service.get_org_by_slug(session=session, slug=slug)


OrgBySlug = Annotated[Organisation, Depends(load_org)]


# --- directory ----------------------------------------------------------------------------

def _apply_trl_bands(query: OrgQuery, bands: list[str]) -> None:
    chosen = [(lo, hi) for label, lo, hi in TRL_BANDS if label in bands]
    if chosen:
        query.trl_min = min(lo for lo, _ in chosen)
        query.trl_max = max(hi for _, hi in chosen)


def _directory_url(request: Request, drop: set[tuple[str, str | None]]) -> str:
    """Return the directory URL without some parameters (value None drops every value)."""
    items = [
        (k, v) for k, v in request.query_params.multi_items()
        if v and k != "page" and (k, v) not in drop and (k, None) not in drop
    ]
    return "/orgs" + (f"?{urlencode(items)}" if items else "")


def _chips(
    request: Request, query: OrgQuery, result: SearchResult
) -> list[tuple[str, str]]:
    """Return (label, url without it) for every active filter."""
    labels = {key: {v: label for v, label, _ in values} for key, values in result.facets.items()}
    chips = []
    if query.q.strip():
        chips.append((f"“{query.q.strip()}”", _directory_url(request, {("q", None)})))
    for key, param, title in FACETS[:-1]:
        for value in getattr(query, param):
            label = labels.get(key, {}).get(str(value), str(value))
            chips.append((f"{title}: {label}",
                          _directory_url(request, {(param, str(value))})))
    if query.trl_min is not None or query.trl_max is not None:
        lo, hi = query.trl_min or 1, query.trl_max or 9
        chips.append((f"TRL {lo}\u2013{hi}", _directory_url(
            request, {("trl_band", None), ("trl_min", None), ("trl_max", None)})))
    return chips


def _selected(query: OrgQuery) -> dict[str, set[str]]:
    selected = {key: {str(v) for v in getattr(query, param)} for key, param, _ in FACETS[:-1]}
    lo, hi = query.trl_min, query.trl_max
    selected["trl"] = set()
    if lo is not None or hi is not None:
        lo, hi = lo or 1, hi or 9
        selected["trl"] = {label for label, b_lo, b_hi in TRL_BANDS if b_lo >= lo and b_hi <= hi}
    return selected


@router.get("/orgs")
def directory(
    request: Request, principal: SignedIn, session: SessionDep, query: OrgQueryDep,
    trl_band: Annotated[list[str], Query()] = [],  # noqa: B006
) -> HTMLResponse:
    """Search the directory; HTMX requests get just the results and facet counts."""
    _apply_trl_bands(query, trl_band)
    result = search_orgs(session=session, query=query)
    page_size = max(1, min(query.page_size, 100))
    first = (query.page - 1) * page_size + 1
    context = {
        "query": query,
        "result": result,
        "facets": FACETS,
        "selected": _selected(query),
        "chips": _chips(request, query, result),
        "sort_labels": {s.value: label for s, label in SORT_LABELS.items()},
        "sort": query.sort.value if query.sort else "relevance",
        "page_size": page_size,
        "page_sizes": DIRECTORY_PAGE_SIZES,
        "first": first,
        "last": min(first + len(result.items) - 1, result.total),
        "pages": max(1, -(-result.total // page_size)),
        "clear_url": _directory_url(request, {(k, None) for _, k, _ in FACETS}
                                    | {("trl_min", None), ("trl_max", None)}),
    }
    name = "orgs/_results.html" if templating.wants_partial(request) else "orgs/list.html"
    return templating.render(request, name, context)


# --- my organisations -------------------------------------------------------------------

@router.get("/my-org")
def my_orgs(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """List the organisations the user belongs to."""
    rows = org_service.orgs_of_user(session=session, user_id=principal.user.id)
    return templating.render(
        request, "orgs/my.html",
        {"rows": [(org, role, role in EDIT_ROLES or principal.is_admin) for org, role in rows],
         "role_labels": ORG_ROLE_LABELS},
    )


# --- the organisation form ----------------------------------------------------------------

def _list(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def _form_values(form: FormData) -> dict[str, Any]:
    """Return what the user typed, as the form shows it again."""
    values: dict[str, Any] = {name: form_text(form, name) for name in TEXT_FIELDS}
    values["focus_areas"] = _list(form, "focus_areas")
    values["seeking"] = _list(form, "seeking")
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        match = _OFFERING_KEY.fullmatch(key)
        if match:
            rows.setdefault(int(match[1]), {})[match[2]] = form_text(form, key)
    values["offerings"] = [
        {f: row.get(f, "") for f in OFFERING_FIELD_LABELS}
        for _, row in sorted(rows.items()) if any(row.values())
    ]
    values["thesis"] = {
        "focus_areas": _list(form, "thesis-focus_areas"),
        "stages": _list(form, "thesis-stages"),
        "countries": _list(form, "thesis-countries"),
        "ticket_min_usd": form_text(form, "thesis-ticket_min_usd"),
        "ticket_max_usd": form_text(form, "thesis-ticket_max_usd"),
    }
    return values


def _org_values(org: Organisation) -> dict[str, Any]:
    """Return an organisation's stored values as the form shows them."""
    snap = org_service.snapshot(org)
    values: dict[str, Any] = {
        name: "" if snap[name] is None else str(snap[name]) for name in TEXT_FIELDS
    }
    values["focus_areas"] = snap["focus_areas"]
    values["seeking"] = snap["seeking"]
    values["offerings"] = [
        {k: "" if v is None else str(v) for k, v in o.items()} for o in snap["offerings"]
    ]
    thesis = snap["thesis"] or {}
    values["thesis"] = {
        "focus_areas": thesis.get("focus_areas", []),
        "stages": thesis.get("stages", []),
        "countries": thesis.get("countries", []),
        "ticket_min_usd": "" if thesis.get("ticket_min_usd") is None
        else str(thesis["ticket_min_usd"]),
        "ticket_max_usd": "" if thesis.get("ticket_max_usd") is None
        else str(thesis["ticket_max_usd"]),
    }
    return values


def _payload(values: dict[str, Any]) -> dict[str, Any]:
    """Return the schema input for the form's values: blanks become None where optional."""
    data: dict[str, Any] = {name: values[name] for name in TEXT_FIELDS}
    for name in ("funding_stage", "headcount", *IDENTIFIERS):
        data[name] = values[name] or None
    data["focus_areas"] = values["focus_areas"]
    data["seeking"] = values["seeking"]
    data["offerings"] = [
        {**o, "trl": o["trl"] or None, "export_control": o["export_control"] or None}
        for o in values["offerings"]
    ]
    thesis = values["thesis"]
    data["thesis"] = None
    if values["kind"] == OrgKind.INVESTOR.value and any(thesis.values()):
        data["thesis"] = {
            **thesis,
            "ticket_min_usd": thesis["ticket_min_usd"].replace(",", "") or None,
            "ticket_max_usd": thesis["ticket_max_usd"].replace(",", "") or None,
        }
    return data


def _error_labels(errors: dict[str, str]) -> dict[str, str]:
    labels = {}
    for key in errors:
        parts = key.split("-")
        if parts[0] == "offerings" and len(parts) == 3 and parts[1].isdigit():
            labels[key] = f"Offering {int(parts[1]) + 1}, {OFFERING_FIELD_LABELS[parts[2]]}"
        else:
            labels[key] = FIELD_LABELS.get(key, key.replace("_", " ").capitalize())
    return labels


def _render_form(
    request: Request, session: SessionDep, *, values: dict[str, Any],
    errors: dict[str, str] | None = None, org: Organisation | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    errors = errors or {}
    return templating.render(
        request, "orgs/form.html",
        {
            "org": org,
            "values": values,
            "errors": errors,
            "error_labels": _error_labels(errors),
            "areas": org_service.list_focus_areas(session=session),
            "countries": [(c.value, COUNTRY_LABELS[c]) for c in Country],
            "kinds": [(k.value, KIND_LABELS[k]) for k in OrgKind],
            "stages": [(s.value, STAGE_LABELS[s]) for s in FundingStage],
            "seeking_options": [(s.value, SEEKING_LABELS[s]) for s in Seeking],
            "staged_kinds": " ".join(sorted(k.value for k in STAGED_KINDS)),
            "identifiers": IDENTIFIERS,
            "trl_labels": TRL_LABELS,
            "export_control_help": EXPORT_CONTROL_HELP,
        },
        status_code=status_code,
    )


def _empty_values() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(TEXT_FIELDS, "")
    values.update(focus_areas=[], seeking=[], offerings=[],
                  thesis={"focus_areas": [], "stages": [], "countries": [],
                          "ticket_min_usd": "", "ticket_max_usd": ""})
    return values


def _form_errors(
    exc: ValidationError | DomainError, payload: dict[str, Any], org: Organisation | None = None
) -> dict[str, str]:
    """Return every problem of the form at once: field errors plus the country/kind rules.

    The service checks identifiers against the country only once the fields themselves are
    valid; running those rules here too spares the user a second round of corrections.
    """
    errors = field_errors(exc)
    if isinstance(exc, ValidationError):
        try:
            country = Country(payload.get("country") or (org.country if org else ""))
            kind = OrgKind(payload.get("kind") or (org.kind if org else ""))
        except ValueError:
            return errors
        values = {name: normalise_identifier(payload.get(name)) for name in IDENTIFIERS}
        values["funding_stage"] = payload.get("funding_stage") or None
        values["thesis"] = payload.get("thesis")
        for problem in consistency_errors(country, kind, values):
            message = problem["message"]
            errors.setdefault(problem["field"], message[:1].upper() + message[1:])
    return errors


@router.get("/orgs/new")
def new_org_form(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Show the form for adding an organisation."""
    return _render_form(request, session, values=_empty_values())


@router.post("/orgs/new")
def create_org(
    request: Request, principal: SignedIn, session: SessionDep, form: FormDep
) -> Response:
    """Create the organisation with the user as its owner."""
    values = _form_values(form)
    try:
        org_in = OrgCreate.model_validate(_payload(values))
        org = org_service.create_org(
            session=session, org_in=org_in, actor=principal.actor, owner=principal.user
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        return _render_form(request, session, values=values,
                            errors=_form_errors(exc, _payload(values)), status_code=422)
    return templating.redirect(f"/orgs/{org.slug}", flash=f"{org.name} is in the directory.",
                               request=request)


@router.get("/orgs/{slug}/edit")
def edit_org_form(
    request: Request, principal: SignedIn, session: SessionDep, org: OrgBySlug
) -> HTMLResponse:
    """Show the form for changing an organisation (its owners and editors, and admins)."""
    principal.require(principal.can_edit_org(org.id), "Only the organisation's owners and "
                      "editors (or an admin) may edit it")
    org_reads.record_private_read(session=session, principal=principal, org=org)
    return _render_form(request, session, values=_org_values(org), org=org)


@router.post("/orgs/{slug}/edit")
def update_org(
    request: Request, principal: SignedIn, session: SessionDep, org: OrgBySlug, form: FormDep
) -> Response:
    """Save every field of the form (a cleared field is cleared)."""
    principal.require(principal.can_edit_org(org.id), "Only the organisation's owners and "
                      "editors (or an admin) may edit it")
    values = _form_values(form)
    try:
        org_in = OrgUpdate.model_validate(_payload(values))
        org = org_service.update_org(session=session, org=org, org_in=org_in,
                                     actor=principal.actor)
    except (ValidationError, DomainError) as exc:
        # Nothing half-applied may be committed with the re-rendered form.
        session.rollback()
        return _render_form(request, session, values=values,
                            errors=_form_errors(exc, _payload(values), org), org=org,
                            status_code=422)
    return templating.redirect(f"/orgs/{org.slug}", flash="Changes saved.", request=request)


# --- profile, deletion and members --------------------------------------------------------

def _suggested_partners(
    session: SessionDep, principal: Principal, org: Organisation
) -> MatchList | None:
    """Return the top co-development partners for the profile, or None if matchmaking fails.

    Suggestions are a sidebar: a failing engine is logged and hides the card, never the page.
    A savepoint keeps whatever it wrote before failing out of the request's transaction.
    """
    if not principal.can_view_suggestions(org.id):
        return None
    try:
        with session.begin_nested():
            return match_service.suggestions(
                session=session, principal=principal, org_id=org.id,
                mode=MatchMode.CO_DEVELOPMENT, k=PROFILE_SUGGESTIONS,
            )
    except Exception:
        log.exception("suggestions for organisation %s failed; the card is hidden", org.id)
        return None


def _render_profile(
    request: Request, session: SessionDep, principal: Principal, org: Organisation, *,
    invite_values: dict[str, str] | None = None, invite_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    can_view_private = principal.can_view_private(org.id)
    members = (account_service.members_of(session=session, org_id=org.id)
               if can_view_private else [])
    areas = {a.slug: a.name for a in org_service.list_focus_areas(session=session)}
    awards, awards_total = award_service.list_for_org(
        session=session, org_id=org.id,
        limit=None if request.query_params.get("awards") == "all" else AWARDS_SHOWN,
    )
    return templating.render(
        request, "orgs/profile.html",
        {
            "org": org,
            "view": org_service.read_for(org, principal),
            "can_view_private": can_view_private,
            "can_edit": principal.can_edit_org(org.id),
            "can_delete": principal.can_delete_org(org.id),
            "can_manage": principal.can_manage_members(org.id),
            "members": members,
            "area_names": areas,
            "identifiers": IDENTIFIERS,
            "trl_labels": TRL_LABELS,
            "role_labels": ORG_ROLE_LABELS,
            "invite_values": invite_values or {"role": OrgRole.VIEWER.value},
            "invite_errors": invite_errors or {},
            "suggestions": _suggested_partners(session, principal, org),
            "awards": awards,
            "awards_total": awards_total,
            # The organisation's screening standing: for its members and officers only.
            "screening": (screening_service.org_statuses(session=session,
                                                         org_ids=[org.id])[org.id]
                          if can_view_private else None),
        },
        status_code=status_code,
    )


@router.get("/orgs/{slug}")
def profile(
    request: Request, principal: SignedIn, session: SessionDep, org: OrgBySlug
) -> HTMLResponse:
    """Show an organisation; private details only to its members and officers."""
    org_reads.record_private_read(session=session, principal=principal, org=org)
    return _render_profile(request, session, principal, org)


@router.get("/orgs/{slug}/delete")
def delete_org_confirm(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    org: OrgBySlug,
) -> HTMLResponse:
    """Ask for confirmation before deleting an organisation."""
    principal.require(principal.can_delete_org(org.id), "Only the organisation's owners "
                      "(or an admin) may delete it")
    # After the rule: someone who may not delete is refused, never asked for a password.
    check_step_up(request=request, session=session, settings=settings, principal=principal)
    return templating.render(
        request, "confirm.html",
        {
            "heading": f"Delete {org.name}?",
            "body": "The profile, its offerings and every membership are removed from the "
                    "directory. The audit log keeps a record. This cannot be undone.",
            "action": f"/orgs/{org.slug}/delete",
            "confirm_label": "Delete organisation",
            "cancel_url": f"/orgs/{org.slug}",
        },
    )


@router.post("/orgs/{slug}/delete")
def delete_org(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    org: OrgBySlug,
) -> Response:
    """Delete an organisation (its owners, and admins)."""
    principal.require(principal.can_delete_org(org.id), "Only the organisation's owners "
                      "(or an admin) may delete it")
    check_step_up(request=request, session=session, settings=settings, principal=principal)
    name = org.name
    org_service.delete_org(session=session, org=org, actor=principal.actor)
    return templating.redirect("/orgs", flash=f"{name} was deleted.", request=request)


@router.post("/orgs/{slug}/members")
def invite_member(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    org: OrgBySlug, email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = OrgRole.VIEWER.value,
) -> Response:
    """Add an existing user, or invite a new one, to the organisation (owners and admins)."""
    principal.require(principal.can_manage_members(org.id), "Only owners may manage members")
    values = {"email": email, "role": role}
    try:
        member_in = MemberAdd.model_validate({"email": email, "role": role})
        user = account_service.invite_user(
            session=session, email=member_in.email, settings=settings, actor=principal.actor,
            org_id=org.id, org_name=org.name, org_role=member_in.role,
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        return _render_profile(request, session, principal, org, invite_values=values,
                               invite_errors=field_errors(exc), status_code=422)
    role_label = ORG_ROLE_LABELS[member_in.role.value].lower()
    return templating.redirect(
        f"/orgs/{org.slug}#members",
        flash=f"Invitation sent to {user.email} to join as {role_label}; they become a member "
              "when they accept it.",
        request=request,
    )


@router.post("/orgs/{slug}/members/{user_id}/role")
def change_member_role(
    request: Request, principal: SignedIn, session: SessionDep, org: OrgBySlug, user_id: int,
    role: Annotated[str, Form()] = "",
) -> Response:
    """Change a member's role (owners and admins)."""
    principal.require(principal.can_manage_members(org.id), "Only owners may manage members")
    membership = account_service.get_membership(session=session, org_id=org.id, user_id=user_id)
    try:
        new_role = OrgRole(role)
        account_service.change_member_role(
            session=session, membership=membership, role=new_role, actor=principal.actor
        )
    except (ValueError, DomainError) as exc:
        session.rollback()
        message = exc.message if isinstance(exc, DomainError) else "Choose a role"
        return _render_profile(request, session, principal, org,
                               invite_errors={"__all__": message}, status_code=409)
    return templating.redirect(f"/orgs/{org.slug}#members", flash="Role changed.",
                               request=request)


@router.get("/orgs/{slug}/members/{user_id}/remove")
def remove_member_confirm(
    request: Request, principal: SignedIn, session: SessionDep, org: OrgBySlug, user_id: int
) -> HTMLResponse:
    """Ask for confirmation before removing a member."""
    principal.require(principal.can_manage_members(org.id) or principal.user.id == user_id,
                      "Only owners may manage members")
    account_service.get_membership(session=session, org_id=org.id, user_id=user_id)
    user = account_service.get_user(session=session, user_id=user_id)
    return templating.render(
        request, "confirm.html",
        {
            "heading": f"Remove {user.full_name} from {org.name}?",
            "body": f"{user.email} loses access to the organisation's private details and "
                    "can no longer edit it.",
            "action": f"/orgs/{org.slug}/members/{user_id}/remove",
            "confirm_label": "Remove member",
            "cancel_url": f"/orgs/{org.slug}#members",
        },
    )


@router.post("/orgs/{slug}/members/{user_id}/remove")
def remove_member(
    request: Request, principal: SignedIn, session: SessionDep, org: OrgBySlug, user_id: int
) -> Response:
    """Remove a member (owners and admins; members may leave)."""
    principal.require(principal.can_manage_members(org.id) or principal.user.id == user_id,
                      "Only owners may manage members")
    membership = account_service.get_membership(session=session, org_id=org.id, user_id=user_id)
    try:
        account_service.remove_member(session=session, membership=membership,
                                      actor=principal.actor)
    except DomainError as exc:
        session.rollback()
        return _render_profile(request, session, principal, org,
                               invite_errors={"__all__": exc.message}, status_code=exc.status)
    return templating.redirect(f"/orgs/{org.slug}#members", flash="Member removed.",
                               request=request)


# --- focus areas (admins) -----------------------------------------------------------------

def _focus_areas_page(
    request: Request, session: SessionDep, *, values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None, status_code: int = 200,
) -> HTMLResponse:
    return templating.render(
        request, "orgs/focus_areas.html",
        {"areas": org_service.list_focus_areas(session=session), "values": values or {},
         "errors": errors or {}},
        status_code=status_code,
    )


@router.get("/admin/focus-areas")
def focus_areas(request: Request, principal: Admin, session: SessionDep) -> HTMLResponse:
    """List the focus-area taxonomy (admins)."""
    return _focus_areas_page(request, session)


@router.post("/admin/focus-areas")
def create_focus_area(
    request: Request, principal: Admin, session: SessionDep,
    name: Annotated[str, Form()] = "", slug: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    """Add a focus area (admins)."""
    values = {"name": name, "slug": slug, "description": description}
    try:
        area_in = FocusAreaIn.model_validate(
            {"name": name, "slug": slug.strip() or None, "description": description}
        )
        area = org_service.create_focus_area(session=session, area_in=area_in,
                                             actor=principal.actor)
    except (ValidationError, DomainError) as exc:
        session.rollback()
        return _focus_areas_page(request, session, values=values, errors=field_errors(exc),
                                 status_code=422)
    return templating.redirect("/admin/focus-areas", flash=f"Focus area '{area.name}' added.",
                               request=request)
