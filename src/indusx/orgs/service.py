"""The ecosystem directory: create, read, update and delete organisations and focus areas."""

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.errors import Conflict, Invalid, NotFound
from indusx.orgs import facets
from indusx.orgs.identifiers import IDENTIFIERS
from indusx.orgs.models import (
    MAX_FOCUS_AREAS,
    FocusArea,
    InvestorThesis,
    Offering,
    Organisation,
    OrgSeeking,
)
from indusx.orgs.schemas import (
    PRIVATE_FIELDS,
    FocusAreaIn,
    OrgCreate,
    OrgPublicRead,
    OrgRead,
    OrgSummary,
    OrgUpdate,
    ThesisIn,
    consistency_errors,
)
from indusx.orgs.taxonomy import SEED_FOCUS_AREAS, STAGED_KINDS, Country, OrgKind
from indusx.screening import service as screening_service

FULL_LOAD = (
    selectinload(Organisation.focus_areas),
    selectinload(Organisation.seeking_links),
    selectinload(Organisation.offerings),
    selectinload(Organisation.thesis),
)
SCALAR_FIELDS = (
    "name", "country", "kind", "description", "capabilities", "funding_stage", "headcount",
    "city", "state", "website", *IDENTIFIERS, *PRIVATE_FIELDS,
)


# Path words of the web UI that an organisation's slug must not shadow (/orgs/new).
RESERVED_SLUGS = frozenset({"new"})


# A change to any of these screens the organisation again.
SCREENED_FIELDS = ("name", "country", "contact_name")


def slugify(text: str) -> str:
    """Return a URL slug: ASCII, lower-case words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:100] or "org"


def _unique_slug(session: Session, name: str, exclude_id: int | None = None) -> str:
    base = slugify(name)
    taken = set(
        session.scalars(
            select(Organisation.slug).where(
                Organisation.slug.startswith(base),
                Organisation.id != (exclude_id or 0),
            )
        )
    )
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# --- focus areas ------------------------------------------------------------------------

def list_focus_areas(*, session: Session) -> Sequence[FocusArea]:
    """Return the focus-area taxonomy, by name."""
    return session.scalars(select(FocusArea).order_by(FocusArea.name)).all()


def create_focus_area(*, session: Session, area_in: FocusAreaIn, actor: Actor) -> FocusArea:
    """Add a focus area to the taxonomy."""
    slug = area_in.slug or slugify(area_in.name)
    clash = session.scalar(
        select(FocusArea).where(
            (FocusArea.slug == slug) | (func.lower(FocusArea.name) == area_in.name.lower())
        )
    )
    if clash is not None:
        raise Conflict(
            f"Focus area '{clash.name}' already exists",
            errors=[{"field": "name", "message": "already exists"}],
        )
    area = FocusArea(slug=slug, name=area_in.name, description=area_in.description,
                     bit=_free_bit(session))
    session.add(area)
    session.flush()
    audit.record(
        session=session, actor=actor, action="focus_area.create", object_type="focus_area",
        object_id=area.id, summary=area.name,
        after={"slug": slug, "name": area.name, "description": area.description},
    )
    return area


def _free_bit(session: Session) -> int:
    used = set(session.scalars(select(FocusArea.bit)))
    free = next((b for b in range(MAX_FOCUS_AREAS) if b not in used), None)
    if free is None:
        raise Conflict(f"The taxonomy holds at most {MAX_FOCUS_AREAS} focus areas")
    return free


def seed_focus_areas(*, session: Session) -> int:
    """Insert the roadmap's focus areas that are missing; return how many were added."""
    have = set(session.scalars(select(FocusArea.slug)))
    added = 0
    for slug, name, description in SEED_FOCUS_AREAS:
        if slug not in have:
            session.add(FocusArea(slug=slug, name=name, description=description,
                                  bit=_free_bit(session)))
            session.flush()
            added += 1
    return added


def _resolve_areas(session: Session, slugs: Iterable[str]) -> list[FocusArea]:
    slugs = list(slugs)
    if not slugs:
        return []
    found = {a.slug: a for a in session.scalars(select(FocusArea).where(FocusArea.slug.in_(slugs)))}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise Invalid.field("focus_areas", f"unknown focus area(s): {', '.join(unknown)}")
    return [found[s] for s in slugs]


# --- reading ----------------------------------------------------------------------------

def get_org(*, session: Session, org_id: int) -> Organisation:
    """Return an organisation with everything it shows, or raise NotFound."""
    org = session.scalar(select(Organisation).where(Organisation.id == org_id).options(*FULL_LOAD))
    if org is None:
        raise NotFound(f"No organisation with id {org_id}")
    return org


def get_org_by_slug(*, session: Session, slug: str) -> Organisation:
    """Return an organisation by slug (or numeric id), or raise NotFound."""
    where = Organisation.id == int(slug) if slug.isdigit() else Organisation.slug == slug
    org = session.scalar(select(Organisation).where(where).options(*FULL_LOAD))
    if org is None:
        raise NotFound(f"No organisation '{slug}'")
    return org


def summary(org: Organisation) -> OrgSummary:
    """Return the public directory row of a loaded organisation."""
    return OrgSummary.model_validate(
        {
            **{k: getattr(org, k) for k in OrgSummary.model_fields if hasattr(org, k)},
            "focus_areas": [a.slug for a in org.focus_areas],
            "seeking": org.seeking,
        }
    )


def read_for(org: Organisation, principal: Principal) -> OrgPublicRead:
    """Return what this principal may see of the organisation."""
    schema: type[OrgPublicRead] = (
        OrgRead if principal.can_view_private(org.id) else OrgPublicRead
    )
    data = {k: getattr(org, k) for k in schema.model_fields if hasattr(org, k)}
    data.update(
        focus_areas=[a.slug for a in org.focus_areas],
        seeking=org.seeking,
        offerings=list(org.offerings),
        thesis=org.thesis,
        can_edit=principal.can_edit_org(org.id),
        visibility="full" if schema is OrgRead else "public",
    )
    return schema.model_validate(data)


def snapshot(org: Organisation) -> dict[str, Any]:
    """Return every stored field of a loaded organisation, for the audit log and export."""
    data: dict[str, Any] = {k: getattr(org, k) for k in SCALAR_FIELDS}
    data["focus_areas"] = [a.slug for a in org.focus_areas]
    data["seeking"] = [s.value for s in org.seeking]
    data["offerings"] = [
        {"name": o.name, "description": o.description, "trl": o.trl,
         "export_control": o.export_control}
        for o in org.offerings
    ]
    data["thesis"] = (
        {
            "focus_areas": org.thesis.focus_areas, "stages": org.thesis.stages,
            "countries": org.thesis.countries, "ticket_min_usd": org.thesis.ticket_min_usd,
            "ticket_max_usd": org.thesis.ticket_max_usd,
        }
        if org.thesis is not None
        else None
    )
    return data


def orgs_of_user(*, session: Session, user_id: int) -> list[tuple[Organisation, OrgRole]]:
    """Return the organisations a user belongs to, with their role."""
    from indusx.accounts.models import Membership

    rows = session.execute(
        select(Organisation, Membership.role)
        .join(Membership, Membership.org_id == Organisation.id)
        .where(Membership.user_id == user_id)
        .order_by(Organisation.name)
        .options(selectinload(Organisation.focus_areas), selectinload(Organisation.seeking_links))
    ).all()
    return [(org, role) for org, role in rows]


# --- writing ----------------------------------------------------------------------------

def _check_identifiers_free(session: Session, values: dict[str, Any], exclude_id: int) -> None:
    errors = []
    for name in IDENTIFIERS:
        value = values.get(name)
        if value:
            other = session.scalar(
                select(Organisation.name).where(
                    getattr(Organisation, name) == value, Organisation.id != exclude_id
                )
            )
            if other is not None:
                errors.append({"field": name, "message": f"already registered to {other}"})
    if errors:
        raise Conflict("; ".join(f"{e['field']} {e['message']}" for e in errors), errors=errors)


def derive_fields(org: Organisation) -> None:
    """Recompute the derived columns from the loaded organisation."""
    org.max_trl = max((o.trl for o in org.offerings), default=None)
    org.focus_mask = facets.focus_mask(a.bit for a in org.focus_areas)
    org.facet_mask = facets.facet_mask(
        country=org.country, kind=org.kind, funding_stage=org.funding_stage,
        max_trl=org.max_trl, seeking=(link.seeking for link in org.seeking_links),
    )
    parts = [org.description, org.capabilities, " ".join(a.name for a in org.focus_areas)]
    parts += [f"{o.name}. {o.description}" for o in org.offerings]
    org.search_text = "\n".join(p for p in parts if p)


def _apply(
    session: Session, org: Organisation, values: dict[str, Any], fields_set: set[str]
) -> None:
    for name in SCALAR_FIELDS:
        if name in fields_set:
            value = values.get(name)
            if name in PRIVATE_FIELDS or name in ("description", "capabilities", "city",
                                                    "state", "website"):
                value = value or ""
            setattr(org, name, value)
    if org.kind is not OrgKind.INVESTOR:
        org.thesis = None
    if "focus_areas" in fields_set:
        org.focus_areas = _resolve_areas(session, values.get("focus_areas") or [])
    if "seeking" in fields_set:
        wanted = list(values.get("seeking") or [])
        keep = [link for link in org.seeking_links if link.seeking in wanted]
        have = {link.seeking for link in keep}
        org.seeking_links = keep + [OrgSeeking(seeking=s) for s in wanted if s not in have]
    if "offerings" in fields_set:
        org.offerings = [
            Offering(name=o.name, description=o.description, trl=o.trl,
                     export_control=o.export_control)
            for o in (values.get("offerings") or [])
        ]
    if "thesis" in fields_set and org.kind is OrgKind.INVESTOR:
        thesis_in: ThesisIn | None = values.get("thesis")
        if thesis_in is None:
            org.thesis = None
        else:
            _resolve_areas(session, thesis_in.focus_areas)
            data = thesis_in.model_dump(mode="json")
            if org.thesis is None:
                org.thesis = InvestorThesis(**data)
            else:
                for key, value in data.items():
                    setattr(org.thesis, key, value)


def _validate(
    session: Session, country: Country, kind: OrgKind, values: dict[str, Any], exclude_id: int
) -> None:
    errors = consistency_errors(country, kind, values)
    if errors:
        raise Invalid("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)
    _check_identifiers_free(session, values, exclude_id)


def _values(model: OrgCreate | OrgUpdate) -> tuple[dict[str, Any], set[str]]:
    fields_set = set(model.model_fields_set)
    values = {name: getattr(model, name) for name in fields_set}
    return values, fields_set


def create_org(
    *,
    session: Session,
    org_in: OrgCreate,
    actor: Actor,
    owner: User | None = None,
    is_demo: bool = False,
) -> Organisation:
    """Create an organisation; the owner (usually the creator) becomes its first owner."""
    values, fields_set = _values(org_in)
    fields_set |= {"name", "country", "kind"}
    _validate(session, org_in.country, org_in.kind, values, exclude_id=0)
    now = utcnow()
    org = Organisation(
        slug=_unique_slug(session, org_in.name), name=org_in.name, country=org_in.country,
        kind=org_in.kind, is_demo=is_demo, created_at=now, updated_at=now,
        focus_areas=[], seeking_links=[], offerings=[], thesis=None,
    )
    _apply(session, org, values, fields_set)
    derive_fields(org)
    session.add(org)
    session.flush()
    audit.record(
        session=session, actor=actor, action="org.create", object_type="organisation",
        object_id=org.id, summary=org.name, after=snapshot(org),
    )
    if owner is not None:
        account_service.add_member(
            session=session, org_id=org.id, user=owner, role=OrgRole.OWNER, actor=actor
        )
    screening_service.screen_org(session=session, org=org, actor=actor)
    return org


def update_org(
    *, session: Session, org: Organisation, org_in: OrgUpdate, actor: Actor
) -> Organisation:
    """Apply a partial update to a fully loaded organisation."""
    values, fields_set = _values(org_in)
    for required in ("name", "country", "kind"):
        if required in fields_set and values[required] is None:
            raise Invalid.field(required, "must not be empty")
    country = values.get("country") or org.country
    kind = values.get("kind") or org.kind
    if kind not in STAGED_KINDS and "funding_stage" not in fields_set:
        # Changing the kind away from a company clears a stage that no longer applies.
        values["funding_stage"] = None
        fields_set.add("funding_stage")
    merged = snapshot(org) | values
    if kind is not OrgKind.INVESTOR:
        merged["thesis"] = values.get("thesis")
    _validate(session, country, kind, merged, exclude_id=org.id)
    before = snapshot(org)
    _apply(session, org, values, fields_set)
    if "name" in fields_set and org.name != before["name"]:
        org.slug = _unique_slug(session, org.name, exclude_id=org.id)
    derive_fields(org)
    after = snapshot(org)
    if after != before:
        org.updated_at = utcnow()
        audit.record(
            session=session, actor=actor, action="org.update", object_type="organisation",
            object_id=org.id, summary=org.name, before=before, after=after,
        )
    session.flush()
    if any(before.get(k) != after.get(k) for k in SCREENED_FIELDS):
        screening_service.screen_org(session=session, org=org, actor=actor)
    return org


def delete_org(*, session: Session, org: Organisation, actor: Actor) -> None:
    """Delete an organisation, its offerings and memberships."""
    audit.record(
        session=session, actor=actor, action="org.delete", object_type="organisation",
        object_id=org.id, summary=org.name, before=snapshot(org),
    )
    session.delete(org)
    session.flush()


def iter_all(*, session: Session, batch: int = 500) -> Iterator[Organisation]:
    """Yield every organisation, fully loaded, in id order, a batch at a time."""
    last = 0
    while True:
        rows = session.scalars(
            select(Organisation).where(Organisation.id > last).order_by(Organisation.id)
            .limit(batch).options(*FULL_LOAD)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()

