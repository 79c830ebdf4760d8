"""REST API for the directory: organisations, their members, and focus areas."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole
from indusx.accounts.schemas import MemberAdd
from indusx.deps import Admin, SessionDep, SettingsDep, SignedIn, check_step_up
from indusx.orgs import reads as org_reads
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.schemas import (
    FacetValue,
    FocusAreaIn,
    FocusAreaRead,
    OrgCreate,
    OrgPage,
    OrgPublicRead,
    OrgRead,
    OrgUpdate,
)
from indusx.orgs.search import OrgQuery, Sort, search_orgs
from indusx.orgs.taxonomy import Country, FundingStage, OrgKind, Seeking

router = APIRouter(prefix="/api/v1", tags=["directory"])


def org_query(
    q: Annotated[str, Query(max_length=200, description="Full-text search")] = "",
    country: Annotated[list[Country], Query()] = [],  # noqa: B006
    kind: Annotated[list[OrgKind], Query()] = [],  # noqa: B006
    focus_area: Annotated[list[str], Query(description="focus-area slugs")] = [],  # noqa: B006
    seeking: Annotated[list[Seeking], Query()] = [],  # noqa: B006
    stage: Annotated[list[FundingStage], Query()] = [],  # noqa: B006
    trl_min: Annotated[int | None, Query(ge=1, le=9)] = None,
    trl_max: Annotated[int | None, Query(ge=1, le=9)] = None,
    sort: Sort | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> OrgQuery:
    """Return the directory query from the request's query string."""
    return OrgQuery(
        q=q, country=country, kind=kind, focus_area=focus_area, seeking=seeking, stage=stage,
        trl_min=trl_min, trl_max=trl_max, sort=sort, page=page, page_size=page_size,
    )


OrgQueryDep = Annotated[OrgQuery, Depends(org_query)]


def load_org(org_id: int, session: SessionDep, _: SignedIn) -> Organisation:
    """Return the organisation named in the path, fully loaded, or 404 (after sign-in)."""
    return org_service.get_org(session=session, org_id=org_id)


OrgDep = Annotated[Organisation, Depends(load_org)]


@router.get("/orgs", response_model=OrgPage)
def list_orgs(
    principal: SignedIn, session: SessionDep, query: OrgQueryDep,
    facets: bool = True,
) -> OrgPage:
    """Search and filter the directory; every signed-in user sees the public fields."""
    result = search_orgs(session=session, query=query, with_facets=facets)
    return OrgPage(
        items=[org_service.summary(o) for o in result.items],
        total=result.total,
        page=query.page,
        page_size=query.page_size,
        facets={
            name: [FacetValue(value=v, label=label, count=n) for v, label, n in values]
            for name, values in result.facets.items()
        },
    )


@router.post("/orgs", response_model=OrgRead, status_code=status.HTTP_201_CREATED)
def create_org(org_in: OrgCreate, principal: SignedIn, session: SessionDep) -> OrgPublicRead:
    """Create an organisation; the caller becomes its owner."""
    org = org_service.create_org(
        session=session, org_in=org_in, actor=principal.actor, owner=principal.user
    )
    principal.org_roles[org.id] = OrgRole.OWNER
    return org_service.read_for(org_service.get_org(session=session, org_id=org.id), principal)


@router.get("/orgs/{org_id}", response_model=OrgRead | OrgPublicRead)
def get_org(org: OrgDep, principal: SignedIn, session: SessionDep) -> OrgPublicRead:
    """Return an organisation; private fields only to its members and officers."""
    org_reads.record_private_read(session=session, principal=principal, org=org)
    return org_service.read_for(org, principal)


@router.patch("/orgs/{org_id}", response_model=OrgRead)
def update_org(
    org: OrgDep, org_in: OrgUpdate, principal: SignedIn, session: SessionDep
) -> OrgPublicRead:
    """Change an organisation (its owners and editors, and admins)."""
    principal.require(principal.can_edit_org(org.id), "Only the organisation's owners and "
                      "editors (or an admin) may edit it")
    org = org_service.update_org(session=session, org=org, org_in=org_in, actor=principal.actor)
    return org_service.read_for(org, principal)


@router.delete("/orgs/{org_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_org(
    org: OrgDep, request: Request, principal: SignedIn, session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Delete an organisation (its owners, and admins; a recent password sign-in)."""
    principal.require(principal.can_delete_org(org.id), "Only the organisation's owners "
                      "(or an admin) may delete it")
    # After the rule: someone who may not delete is refused, never asked for a password.
    check_step_up(request=request, session=session, settings=settings, principal=principal)
    org_service.delete_org(session=session, org=org, actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/orgs/{org_id}/members")
def list_members(org: OrgDep, principal: SignedIn, session: SessionDep) -> list[dict[str, object]]:
    """Return an organisation's members (to its members and officers)."""
    principal.require(principal.can_view_private(org.id), "Only members and officers may see "
                      "an organisation's members")
    org_reads.record_private_read(session=session, principal=principal, org=org, how="members")
    return [
        {"user_id": u.id, "email": u.email, "full_name": u.full_name, "role": m.role.value}
        for m, u in account_service.members_of(session=session, org_id=org.id)
    ]


@router.post("/orgs/{org_id}/members", status_code=status.HTTP_201_CREATED)
def add_member(
    org: OrgDep, member_in: MemberAdd, principal: SignedIn, session: SessionDep,
    settings: SettingsDep,
) -> dict[str, object]:
    """Invite someone by e-mail (owners and admins); they join when they accept."""
    principal.require(principal.can_manage_members(org.id), "Only owners may manage members")
    user = account_service.invite_user(
        session=session, email=member_in.email, settings=settings, actor=principal.actor,
        full_name=member_in.full_name or "", org_id=org.id, org_name=org.name,
        org_role=member_in.role,
    )
    return {"user_id": user.id, "email": user.email, "role": member_in.role.value,
            "status": "invited"}


@router.patch("/orgs/{org_id}/members/{user_id}")
def change_member(
    org: OrgDep, user_id: int, role: Annotated[OrgRole, Query()], principal: SignedIn,
    session: SessionDep,
) -> dict[str, object]:
    """Change a member's role (owners and admins)."""
    principal.require(principal.can_manage_members(org.id), "Only owners may manage members")
    membership = account_service.get_membership(session=session, org_id=org.id, user_id=user_id)
    account_service.change_member_role(
        session=session, membership=membership, role=role, actor=principal.actor
    )
    return {"user_id": user_id, "role": membership.role.value}


@router.delete("/orgs/{org_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_member(
    org: OrgDep, user_id: int, principal: SignedIn, session: SessionDep
) -> Response:
    """Remove a member (owners and admins; members may leave)."""
    principal.require(
        principal.can_manage_members(org.id) or principal.user.id == user_id,
        "Only owners may manage members",
    )
    membership = account_service.get_membership(session=session, org_id=org.id,
                                                 user_id=user_id)
    account_service.remove_member(session=session, membership=membership, actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/focus-areas", response_model=list[FocusAreaRead])
def list_focus_areas(principal: SignedIn, session: SessionDep) -> list[FocusAreaRead]:
    """Return the focus-area taxonomy."""
    return [FocusAreaRead.model_validate(a) for a in org_service.list_focus_areas(session=session)]


@router.post("/focus-areas", response_model=FocusAreaRead, status_code=status.HTTP_201_CREATED)
def create_focus_area(
    area_in: FocusAreaIn, principal: Admin, session: SessionDep
) -> FocusAreaRead:
    """Add a focus area (admins)."""
    area = org_service.create_focus_area(session=session, area_in=area_in, actor=principal.actor)
    return FocusAreaRead.model_validate(area)
