"""REST API for matchmaking: suggestions, solver search, opportunities, introductions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import StreamingResponse

from indusx.accounts.permissions import Principal
from indusx.deps import SessionDep, SignedIn
from indusx.matching import introductions as intro_service
from indusx.matching import opportunities
from indusx.matching import service as match_service
from indusx.matching.models import IntroductionStatus, MatchMode
from indusx.matching.schemas import (
    DismissIn,
    IntroductionAnswer,
    IntroductionCreate,
    IntroductionPage,
    IntroductionRead,
    MatchList,
    SolverQuery,
    SolverResult,
)
from indusx.ops import quotas
from indusx.orgs.taxonomy import Country, OrgKind

router = APIRouter(prefix="/api/v1", tags=["matchmaking"])


@router.get("/orgs/{org_id}/matches", response_model=MatchList)
def org_matches(
    org_id: int,
    principal: SignedIn,
    session: SessionDep,
    mode: MatchMode = MatchMode.CO_DEVELOPMENT,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    same_country: Annotated[
        bool, Query(description="also suggest organisations in the same country")
    ] = False,
    country: Annotated[list[Country], Query()] = [],  # noqa: B006
    kind: Annotated[list[OrgKind], Query()] = [],  # noqa: B006
    focus_area: Annotated[list[str], Query(description="focus-area slugs")] = [],  # noqa: B006
    trl_min: Annotated[int | None, Query(ge=1, le=9)] = None,
    trl_max: Annotated[int | None, Query(ge=1, le=9)] = None,
) -> MatchList:
    """Suggested partners for an organisation, by mode, each with a score, its components
    and the reason. Cross-border by default. The organisation's members and officers may
    read them; acting on them is for its owners and editors."""
    return match_service.suggestions(
        session=session, principal=principal, org_id=org_id, mode=mode, k=k,
        cross_border=not same_country, countries=country, kinds=kind, focus=focus_area,
        trl_min=trl_min, trl_max=trl_max,
    )


@router.post("/orgs/{org_id}/matches/dismiss", status_code=status.HTTP_204_NO_CONTENT)
def dismiss_match(
    org_id: int, body: DismissIn, principal: SignedIn, session: SessionDep
) -> Response:
    """Dismiss a suggestion: it never comes back for this organisation (owners/editors)."""
    intro_service.dismiss(
        session=session, principal=principal, org_id=org_id, mode=body.mode,
        candidate_org_id=body.candidate_org_id, candidate_user_id=body.candidate_user_id,
        reason=body.reason, note=body.note,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/match/solvers", response_model=SolverResult)
def solver_search(body: SolverQuery, principal: SignedIn, session: SessionDep) -> SolverResult:
    """The organisations best able to solve a problem statement, with the passages of their
    profiles that fit."""
    return match_service.solvers(
        session=session, text=body.text, k=body.k, countries=body.country, kinds=body.kind,
        focus=body.focus_area,
    )


@router.get("/match/opportunities", response_model=list[opportunities.AreaOpportunity])
def opportunity_map(
    principal: SignedIn, session: SessionDep, format: str = "json",
    _export: Annotated[None, Depends(quotas.Exporting("opportunities", when_format="csv"))] = None,
) -> list[opportunities.AreaOpportunity] | StreamingResponse:
    """Per focus area: capable and seeking organisations per country, partnerships, gaps.
    `format=csv` downloads the same table as CSV."""
    rows = opportunities.opportunity_map(session=session)
    if format == "csv":
        return StreamingResponse(
            opportunities.to_csv(rows), media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="opportunity-map.csv"'},
        )
    return rows


def _read(session: SessionDep, principal: Principal, intro_id: int) -> IntroductionRead:
    intro = intro_service.get(session=session, principal=principal, intro_id=intro_id)
    return match_service.introduction_read(
        intro_service.view(session=session, principal=principal, intro=intro)
    )


@router.post("/introductions", response_model=IntroductionRead,
             status_code=status.HTTP_201_CREATED)
def request_introduction(
    body: IntroductionCreate, principal: SignedIn, session: SessionDep,
    _quota: quotas.IntroductionQuota,
) -> IntroductionRead:
    """Ask for a double opt-in introduction on behalf of your organisation (owners/editors)."""
    intro = match_service.request_introduction(
        session=session, principal=principal, from_org_id=body.from_org_id, mode=body.mode,
        to_org_id=body.to_org_id, to_user_id=body.to_user_id, note=body.note,
    )
    return _read(session, principal, intro.id)


@router.get("/introductions", response_model=IntroductionPage)
def list_introductions(
    principal: SignedIn,
    session: SessionDep,
    org_id: int | None = None,
    direction: Annotated[str | None, Query(pattern="^(incoming|outgoing)$")] = None,
    status_: Annotated[IntroductionStatus | None, Query(alias="status")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> IntroductionPage:
    """Introductions you can see: your organisations' (and, for officers, all)."""
    rows, total = intro_service.list_for(
        session=session, principal=principal, org_id=org_id, direction=direction,
        status=status_, limit=page_size, offset=(page - 1) * page_size,
    )
    items = [
        match_service.introduction_read(
            intro_service.view(session=session, principal=principal, intro=r)
        )
        for r in rows
    ]
    return IntroductionPage(items=items, total=total, page=page, page_size=page_size)


@router.get("/introductions/{intro_id}", response_model=IntroductionRead)
def get_introduction(intro_id: int, principal: SignedIn, session: SessionDep) -> IntroductionRead:
    """One introduction; contact details appear only once it is accepted."""
    return _read(session, principal, intro_id)


@router.post("/introductions/{intro_id}/accept", response_model=IntroductionRead)
def accept_introduction(
    intro_id: int, principal: SignedIn, session: SessionDep, body: IntroductionAnswer | None = None
) -> IntroductionRead:
    """Accept: both sides now see each other's contact details (recipient's owners/editors)."""
    intro_service.respond(session=session, principal=principal, intro_id=intro_id, accept=True,
                          note=body.note if body else "")
    return _read(session, principal, intro_id)


@router.post("/introductions/{intro_id}/decline", response_model=IntroductionRead)
def decline_introduction(
    intro_id: int, principal: SignedIn, session: SessionDep, body: IntroductionAnswer | None = None
) -> IntroductionRead:
    """Decline: nothing is shared (recipient's owners/editors)."""
    intro_service.respond(session=session, principal=principal, intro_id=intro_id, accept=False,
                          note=body.note if body else "")
    return _read(session, principal, intro_id)


@router.post("/introductions/{intro_id}/withdraw", response_model=IntroductionRead)
def withdraw_introduction(
    intro_id: int, principal: SignedIn, session: SessionDep
) -> IntroductionRead:
    """Withdraw a pending request (sender's owners/editors)."""
    intro_service.withdraw(session=session, principal=principal, intro_id=intro_id)
    return _read(session, principal, intro_id)
