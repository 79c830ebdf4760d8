"""Web pages for review: the reviewer's queue and review form, and for a challenge's managers
the review desk (pool, assignment matrix, progress), the ranking with decisions, and the
report."""

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from starlette.datastructures import FormData

from indusx import templating
from indusx.accounts.permissions import Principal
from indusx.audit import reads
from indusx.challenges import decisions, export, review, scoring
from indusx.challenges import reviewing as desk
from indusx.challenges.models import (
    Challenge,
    Criterion,
    Outcome,
    Proposal,
    ProposalStatus,
    Review,
    ReviewStatus,
)
from indusx.challenges.review_routes import FilterDep
from indusx.deps import SessionDep, SignedIn
from indusx.errors import DomainError, NotFound
from indusx.forms import field_errors

router = APIRouter(include_in_schema=False)

STATUS_LABELS = {
    ReviewStatus.ASSIGNED: "To declare",
    ReviewStatus.IN_PROGRESS: "In progress",
    ReviewStatus.SUBMITTED: "Submitted",
    ReviewStatus.CONFLICTED: "Conflicted",
}
QUEUE_PAGE_SIZE = 25


def has_review_assignments(principal: Principal | None) -> bool:
    """Return whether to show the Reviews item in the navigation (one indexed lookup)."""
    if principal is None or principal.via != "web":
        return False
    session = object_session(principal.user)
    if session is None or not session.is_active:
        return False
    return desk.has_assignments(session, principal.user.id)


templating.templates.env.globals["has_review_assignments"] = has_review_assignments
templating.templates.env.globals["REVIEW_STATUS_LABELS"] = {
    s.value: label for s, label in STATUS_LABELS.items()
}
templating.templates.env.globals["OUTCOME_LABELS"] = {
    o.value: label for o, label in decisions.OUTCOME_LABELS.items()
}


async def _form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def load_review(review_id: int, session: SessionDep) -> Review:
    """Return the review named in the path, or 404."""
    return review.get_review(session, review_id)


def load_challenge(slug: str, session: SessionDep) -> Challenge:
    """Return the challenge named in the path, or 404."""
    return review.challenge_by_slug(session, slug)


ChallengeBySlug = Annotated[Challenge, Depends(load_challenge)]
ReviewById = Annotated[Review, Depends(load_review)]


# --- the reviewer ---------------------------------------------------------------------------------


@router.get("/reviews")
def queue_page(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    status: Annotated[ReviewStatus | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Show the caller's review queue with status chips, deadlines and progress."""
    rows, total = desk.queue(
        session=session, principal=principal, status=status, page=page, page_size=QUEUE_PAGE_SIZE
    )
    counts = desk.queue_counts(session=session, user_id=principal.user.id)
    return templating.render(
        request,
        "reviews/queue.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, math.ceil(total / QUEUE_PAGE_SIZE)),
            "status": status,
            "counts": counts,
            "all_count": sum(counts.values()),
        },
    )


def _render_review(
    request: Request,
    session: Session,
    principal: Principal,
    item: Review,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = desk.reviewer_view(session=session, principal=principal, review=item)
    saved = {f"score-{cid}": _num(s.score) for cid, s in view.scores.items()}
    saved |= {f"comment-{cid}": s.comment for cid, s in view.scores.items()}
    saved["comment"] = item.comment
    return templating.render(
        request,
        "reviews/review.html",
        {
            "view": view,
            "errors": errors or {},
            "values": {**saved, **(values or {})},
            "mine": item.reviewer_id == principal.user.id,
            "editable": item.reviewer_id == principal.user.id
            and item.status is ReviewStatus.IN_PROGRESS
            and view.challenge.phase in review.REVIEW_PHASES,
        },
        status_code=status_code,
    )


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@router.get("/reviews/{review_id}")
def review_page(
    request: Request,
    principal: SignedIn,
    item: ReviewById,
    session: SessionDep,
) -> HTMLResponse:
    """Show a review: the conflict declaration first, then the proposal and the rubric."""
    return _render_review(request, session, principal, item)


@router.post("/reviews/{review_id}/declare")
def declare(
    request: Request,
    principal: SignedIn,
    item: ReviewById,
    form: FormDep,
    session: SessionDep,
) -> Response:
    """Record the conflict declaration and come back to the review."""
    conflict = _text(form, "conflict") == "yes"
    try:
        desk.declare(
            session=session,
            principal=principal,
            review=item,
            conflict=conflict,
            reason=_text(form, "reason"),
        )
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _render_review(
            request,
            session,
            principal,
            item,
            errors=field_errors(exc),
            values={"reason": _text(form, "reason")},
            status_code=422,
        )
    flash = (
        "Conflict declared: the challenge's managers will reassign this proposal"
        if conflict
        else "Thank you: the proposal is open for scoring"
    )
    return templating.redirect(f"/reviews/{item.id}", flash=flash, request=request)


def _scores_from(
    form: FormData, criteria: list[Criterion]
) -> tuple[list[desk.ScoreIn], dict[str, str]]:
    """Return the scores typed into the form, and errors for those that are not numbers."""
    scores: list[desk.ScoreIn] = []
    errors: dict[str, str] = {}
    for c in criteria:
        raw = _text(form, f"score-{c.id}")
        try:
            value = float(raw) if raw else None
        except ValueError:
            errors[f"score-{c.id}"] = f"Enter a number from 0 to {c.scale_max}"
            continue
        if value is not None and not math.isfinite(value):
            errors[f"score-{c.id}"] = f"Enter a number from 0 to {c.scale_max}"
            continue
        scores.append(desk.ScoreIn(c.id, value, _text(form, f"comment-{c.id}")))
    return scores, errors


@router.post("/reviews/{review_id}")
def save_review(
    request: Request,
    principal: SignedIn,
    item: ReviewById,
    form: FormDep,
    session: SessionDep,
) -> Response:
    """Save the scores (autosave and "save and return"), or go on to confirm submission."""
    action = _text(form, "action") or "save"
    proposal = review.get_proposal(session, item.proposal_id)
    criteria = review.criteria_of(session, proposal.challenge_id)
    scores, errors = _scores_from(form, criteria)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        if errors:
            raise DomainError(
                "Some scores are not numbers",
                status=422,
                errors=[{"field": k, "message": v} for k, v in errors.items()],
            )
        desk.save_scores(
            session=session,
            principal=principal,
            review=item,
            scores=scores,
            comment=_text(form, "comment"),
        )
        if action == "submit":
            missing = [c for c in criteria if c.id not in desk.scores_of(session, item.id)]
            if missing:
                raise DomainError(
                    "Score every criterion before submitting",
                    status=422,
                    errors=[
                        {"field": f"score-{c.id}", "message": "Score this criterion"}
                        for c in missing
                    ],
                )
    except DomainError as exc:
        if exc.status != 422:
            raise
        found = field_errors(exc)
        found = {k.replace("scores-", "score-"): v for k, v in found.items()}
        if templating.wants_partial(request) and action == "autosave":
            return templating.render(
                request, "reviews/_saved.html", {"errors": found, "saved_at": None}
            )
        return _render_review(
            request, session, principal, item, errors=found, values=values, status_code=422
        )
    if action == "autosave" and templating.wants_partial(request):
        return templating.render(
            request, "reviews/_saved.html", {"errors": {}, "saved_at": item.updated_at}
        )
    if action == "submit":
        return templating.redirect(f"/reviews/{item.id}/submit", request=request)
    return templating.redirect(
        "/reviews", flash="Your scores are saved; come back any time", request=request
    )


@router.get("/reviews/{review_id}/submit")
def confirm_submit(
    request: Request,
    principal: SignedIn,
    item: ReviewById,
    session: SessionDep,
) -> HTMLResponse:
    """Ask the reviewer to confirm the scores before submitting them for good."""
    view = desk.reviewer_view(session=session, principal=principal, review=item)
    if item.reviewer_id != principal.user.id or item.status is not ReviewStatus.IN_PROGRESS:
        raise NotFound("There is nothing to submit for this review")
    total = scoring.weighted_total(
        [scoring.CriterionSpec(c.id, c.weight, c.scale_max) for c in view.criteria],
        {cid: s.score for cid, s in view.scores.items()},
    )
    return templating.render(
        request,
        "reviews/confirm_submit.html",
        {"view": view, "total": total, "complete": all(c.id in view.scores for c in view.criteria)},
    )


@router.post("/reviews/{review_id}/submit")
def submit(
    request: Request,
    principal: SignedIn,
    item: ReviewById,
    session: SessionDep,
) -> Response:
    """Submit the review as saved."""
    desk.save_scores(session=session, principal=principal, review=item, scores=[], submit=True)
    return templating.redirect("/reviews", flash="Review submitted. Thank you!", request=request)


# --- the managers: review desk --------------------------------------------------------------------


def _desk_context(session: Session, challenge: Challenge) -> dict[str, Any]:
    members = review.pool(session=session, challenge=challenge)
    progress = review.progress(session=session, challenge=challenge)
    proposal_ids = [row.key for row in progress.proposals]
    reviewer_ids = [m.user.id for m in members]
    cells: dict[tuple[int, int], Any] = {}
    for r in session.scalars(
        select(Review)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED)
    ):
        cells[(r.proposal_id, r.reviewer_id)] = r
    return {
        "challenge": challenge,
        "members": members,
        "progress": progress,
        "cells": cells,
        "blocked": review.blocked_pairs(session, proposal_ids, reviewer_ids),
        "can_assign": challenge.phase in review.REVIEW_PHASES,
    }


@router.get("/challenges/{slug}/review")
def desk_page(
    request: Request, principal: SignedIn, challenge: ChallengeBySlug, session: SessionDep
) -> HTMLResponse:
    """Show the review desk: pool, assignment matrix with auto-assign, progress."""
    review.require_manager(session, principal, challenge)
    return templating.render(request, "reviews/desk.html", _desk_context(session, challenge))


def _back_to_desk(challenge: Challenge, request: Request, flash: str) -> Response:
    return templating.redirect(f"/challenges/{challenge.slug}/review", flash=flash, request=request)


def _desk_error(
    request: Request, session: Session, challenge: Challenge, exc: DomainError
) -> HTMLResponse:
    context = _desk_context(session, challenge)
    context["error"] = exc.message
    return templating.render(request, "reviews/desk.html", context, status_code=exc.status)


@router.post("/challenges/{slug}/review/reviewers")
def add_reviewers(
    request: Request,
    principal: SignedIn,
    challenge: ChallengeBySlug,
    form: FormDep,
    session: SessionDep,
) -> Response:
    """Add reviewers to the pool by e-mail (one per line or comma-separated)."""
    emails = [e for e in _text(form, "emails").replace(",", "\n").split() if e]
    try:
        added = review.add_reviewers(
            session=session, principal=principal, challenge=challenge, emails=emails
        )
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _desk_error(request, session, challenge, exc)
    return _back_to_desk(challenge, request, f"{len(added)} reviewer(s) added to the pool")


@router.post("/challenges/{slug}/review/reviewers/{user_id}/remove")
def remove_reviewer(
    request: Request,
    principal: SignedIn,
    challenge: ChallengeBySlug,
    user_id: int,
    session: SessionDep,
) -> Response:
    """Take a reviewer out of the pool."""
    review.remove_reviewer(
        session=session, principal=principal, challenge=challenge, user_id=user_id
    )
    return _back_to_desk(challenge, request, "Reviewer removed from the pool")


@router.post("/challenges/{slug}/review/assign")
def assign(
    request: Request,
    principal: SignedIn,
    challenge: ChallengeBySlug,
    form: FormDep,
    session: SessionDep,
) -> Response:
    """Assign one reviewer to one proposal from the matrix."""
    try:
        proposal = review.get_proposal(session, int(_text(form, "proposal_id") or 0))
        review.assign(
            session=session,
            principal=principal,
            challenge=challenge,
            proposal=proposal,
            reviewer_id=int(_text(form, "reviewer_id") or 0),
        )
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return _desk_error(request, session, challenge, exc)
    return _back_to_desk(challenge, request, "Reviewer assigned")


@router.post("/challenges/{slug}/review/unassign/{review_id}")
def unassign(
    request: Request,
    principal: SignedIn,
    challenge: ChallengeBySlug,
    item: ReviewById,
    session: SessionDep,
) -> Response:
    """Withdraw an assignment that is not submitted."""
    review.unassign(session=session, principal=principal, review=item)
    return _back_to_desk(challenge, request, "Assignment withdrawn")


@router.post("/challenges/{slug}/review/auto-assign")
def auto_assign(
    request: Request,
    principal: SignedIn,
    challenge: ChallengeBySlug,
    form: FormDep,
    session: SessionDep,
) -> Response:
    """Staff every proposal automatically with balanced load."""
    seed_text = _text(form, "seed")
    seed = int(seed_text) if seed_text.lstrip("-").isdigit() else 0
    try:
        result = review.auto_assign(
            session=session, principal=principal, challenge=challenge, seed=seed
        )
    except DomainError as exc:
        if exc.status != 409:
            raise
        return _desk_error(request, session, challenge, exc)
    short = (
        f"; {len(result.unstaffed)} proposal(s) could not be fully staffed"
        if result.unstaffed
        else ""
    )
    return _back_to_desk(
        challenge,
        request,
        f"{result.created} assignment(s) made, at most {result.max_load} per reviewer{short}",
    )


# --- the managers: ranking, decisions, report -----------------------------------------------------


def _ranking_context(
    session: Session, principal: Principal, challenge: Challenge, flt: export.RankingFilter
) -> dict[str, Any]:
    result = export.ranking(session=session, principal=principal, challenge=challenge, flt=flt)
    funding_left = None
    if challenge.funding_usd is not None:
        funding_left = challenge.funding_usd - decisions.awarded_total(
            session=session, challenge_id=challenge.id
        )
    return {
        "challenge": challenge,
        "result": result,
        "flt": flt,
        "funding_left": funding_left,
        "shortlist_open": challenge.phase
        in decisions.STAGE_PHASES[decisions.DecisionStage.SHORTLIST],
        "award_open": challenge.phase in decisions.STAGE_PHASES[decisions.DecisionStage.AWARD],
        "outcomes": [("", "Any outcome"), ("undecided", "Undecided")]
        + [(o.value, label) for o, label in decisions.OUTCOME_LABELS.items()],
    }


@router.get("/challenges/{slug}/ranking")
def ranking_page(
    request: Request,
    principal: SignedIn,
    challenge: ChallengeBySlug,
    flt: FilterDep,
    session: SessionDep,
) -> HTMLResponse:
    """Show the ranking with raw and normalised scores, filters, and decision actions."""
    context = _ranking_context(session, principal, challenge, flt)
    partial = templating.wants_partial(request)
    name = "reviews/_ranking_table.html" if partial else "reviews/ranking.html"
    return templating.render(request, name, context)


@router.post("/challenges/{slug}/ranking/decide")
def decide(
    request: Request,
    principal: SignedIn,
    challenge: ChallengeBySlug,
    form: FormDep,
    session: SessionDep,
) -> Response:
    """Record a shortlist or award decision and come back to the ranking."""
    back = _text(form, "back")
    back = back if back.startswith("?") else ""
    amount_text = _text(form, "award_usd").replace(",", "").replace("$", "")
    try:
        proposal = review.get_proposal(session, int(_text(form, "proposal_id") or 0))
        if proposal.challenge_id != challenge.id:
            raise NotFound("That proposal belongs to another challenge")
        try:
            outcome = Outcome(_text(form, "outcome"))
        except ValueError as exc:
            raise DomainError("Choose a decision", status=422) from exc
        if amount_text and not amount_text.isdigit():
            raise DomainError(
                "award_usd: enter a whole number of US dollars",
                status=422,
                errors=[{"field": "award_usd", "message": "enter a whole number of US dollars"}],
            )
        decisions.decide(
            session=session,
            principal=principal,
            proposal=proposal,
            outcome=outcome,
            reason=_text(form, "reason"),
            award_usd=int(amount_text) if amount_text else None,
        )
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        context = _ranking_context(session, principal, challenge, export.RankingFilter())
        context["error"] = exc.message
        return templating.render(request, "reviews/ranking.html", context, status_code=exc.status)
    label = decisions.OUTCOME_LABELS[outcome]
    return templating.redirect(
        f"/challenges/{challenge.slug}/ranking{back}",
        flash=f"Decision recorded: {label.lower()}",
        request=request,
    )


@router.get("/challenges/{slug}/report")
def report_page(
    request: Request, principal: SignedIn, challenge: ChallengeBySlug, session: SessionDep
) -> HTMLResponse:
    """Show the challenge report: counts and the score distribution, each as chart and table."""
    charts = export.report(session=session, principal=principal, challenge=challenge)
    return templating.render(
        request,
        "reviews/report.html",
        {
            "challenge": challenge,
            "charts": charts,
            "chart_data": {
                c.key: {
                    "labels": [k for k, _ in c.items],
                    "values": [v for _, v in c.items],
                    "title": c.title,
                }
                for c in charts
            },
        },
    )


@router.get("/challenges/{slug}/report/{key}.csv")
def report_csv(
    principal: SignedIn, challenge: ChallengeBySlug, key: str, session: SessionDep
) -> Response:
    """Return one report chart's numbers as CSV."""
    charts = {
        c.key: c for c in export.report(session=session, principal=principal, challenge=challenge)
    }
    if key not in charts:
        raise NotFound("No such chart in the report")
    reads.record_read(session=session, actor=principal.actor, object_type="challenge_report",
                      object_id=f"{challenge.id}/{key}"[:64], how="csv")
    return Response(
        export.chart_csv(charts[key]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{challenge.slug}-{key}.csv"'},
    )
