"""Web pages for screening: the case queue, one case and its decision (lists: list_pages.py)."""

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import pycountry
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from indusx import templating
from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit import reads
from indusx.deps import Officer, SessionDep
from indusx.errors import DomainError
from indusx.forms import field_errors
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening import index as name_index
from indusx.screening.cases import CaseDetail, CaseFilter
from indusx.screening.engine import REVIEW_THRESHOLD, compare
from indusx.screening.engine.types import Query as NameQuery
from indusx.screening.lists.entry import ListEntry
from indusx.screening.models import (
    CaseStatus,
    ListVersion,
    ScreeningCase,
    SubjectKind,
)
from indusx.screening.schemas import DecisionIn

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
STATUS_LABELS = {
    CaseStatus.OPEN.value: "Open",
    CaseStatus.CONFIRMED.value: "Confirmed",
    CaseStatus.FALSE_POSITIVE.value: "False positive",
    CaseStatus.CLEARED.value: "Cleared",
    CaseStatus.WITHDRAWN.value: "Withdrawn",
}
TABS = (*STATUS_LABELS.items(), ("all", "All"))
SORT_LABELS = {"newest": "Newest first", "oldest": "Oldest first", "score": "Highest score"}
KIND_LABELS = {
    SubjectKind.ORGANISATION.value: "Organisation",
    SubjectKind.CONTACT.value: "Contact",
    SubjectKind.USER.value: "User",
}
DECISIONS = {
    CaseStatus.FALSE_POSITIVE.value: (
        "False positive \u2014 not the listed party",
        "The party is someone else. The decision holds until the list entry changes.",
    ),
    CaseStatus.CONFIRMED.value: (
        "Confirmed \u2014 this is the listed party (blocks introductions, suggestions and awards)",
        "The organisation is blocked until an officer clears the hit.",
    ),
    CaseStatus.CLEARED.value: (
        "Cleared \u2014 lift a confirmed hit",
        "For example: the party was delisted, or a licence was obtained.",
    ),
}


def country_name(code: str | None) -> str:
    """Return a country's short English name for an ISO-2 code (the code if unknown)."""
    if not code:
        return ""
    if code.upper() == "XK":
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def open_case_count(principal: Principal | None) -> int:
    """Return how many screening cases are open, for an officer's navigation badge."""
    if principal is None or not principal.is_officer or principal.via != "web":
        return 0
    # On error pages the request's session has been rolled back: the badge is left out.
    session = object_session(principal.user)
    if session is None or not session.is_active:
        return 0
    return screening_cases.case_counts(session=session)[CaseStatus.OPEN]


templating.templates.env.filters["country_name"] = country_name
templating.templates.env.globals["screening_open_cases"] = open_case_count


def _safe_back(url: str, default: str = "/screening") -> str:
    """Return a queue address to go back to; anything else falls back to the queue."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or parts.path != "/screening":
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- the queue ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueForm:
    """The queue's filters as asked for, read leniently: unknown values fall back."""

    status: str = CaseStatus.OPEN.value
    q: str = ""
    list_key: str = ""
    sort: str = "newest"
    page: int = 1

    def url(self, **changes: Any) -> str:
        """Return the queue's address with these filters, some of them changed."""
        values = {
            "status": self.status,
            "q": self.q.strip(),
            "list": self.list_key,
            "sort": self.sort,
            "page": self.page,
            **changes,
        }
        defaults = {"status": CaseStatus.OPEN.value, "sort": "newest", "page": 1}
        items = [(k, v) for k, v in values.items() if v and defaults.get(k) != v]
        return "/screening" + (f"?{urlencode(items)}" if items else "")


def queue_form(
    status: Annotated[str, Query(max_length=20)] = CaseStatus.OPEN.value,
    q: Annotated[str, Query(max_length=200)] = "",
    list_key: Annotated[str, Query(alias="list", max_length=64)] = "",
    sort: Annotated[str, Query(max_length=10)] = "newest",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> QueueForm:
    """Return the queue's filters from the query string."""
    return QueueForm(
        status=status if status in dict(TABS) else CaseStatus.OPEN.value,
        q=q,
        list_key=list_key,
        sort=sort if sort in SORT_LABELS else "newest",
        page=page,
    )


QueueFormDep = Annotated[QueueForm, Depends(queue_form)]


@router.get("/screening")
def queue(
    request: Request, principal: Officer, session: SessionDep, form: QueueFormDep
) -> HTMLResponse:
    """Show the screening cases by status, searchable and sortable; HTMX gets the results."""
    flt = CaseFilter(
        status=None if form.status == "all" else CaseStatus(form.status),
        q=form.q,
        list_key=form.list_key,
        sort=form.sort,
    )
    cases, total = screening_cases.list_cases(
        session=session, flt=flt, page=form.page, per_page=PAGE_SIZE
    )
    counts = {s.value: n for s, n in screening_cases.case_counts(session=session).items()}
    counts["all"] = sum(counts.values())
    first = (form.page - 1) * PAGE_SIZE + 1
    context = {
        "form": form,
        "rows": screening_cases.case_rows(session, cases),
        "total": total,
        "first": first,
        "last": min(first + len(cases) - 1, total),
        "pages": max(1, -(-total // PAGE_SIZE)),
        "counts": counts,
        "tabs": TABS,
        "lists": imports.list_summaries(session=session),
        "status_labels": STATUS_LABELS,
        "kind_labels": KIND_LABELS,
        "sort_labels": SORT_LABELS,
        "threshold": REVIEW_THRESHOLD,
    }
    name = "screening/_queue.html" if templating.wants_partial(request) else "screening/queue.html"
    return templating.render(request, name, context)


# --- one case -----------------------------------------------------------------------------


def load_case(case_id: int, principal: Officer, session: SessionDep) -> CaseDetail:
    """Return the case in the path with its subject and list entry, or 404."""
    return screening_cases.case_detail(session=session, case_id=case_id)


CaseDep = Annotated[CaseDetail, Depends(load_case)]


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision on this subject and entry, for the history."""

    case: ScreeningCase
    by: str | None
    version: int | None
    current: bool


def _history(session: Session, detail: CaseDetail) -> list[Decision]:
    """Return the decisions on this subject and list entry, newest first."""
    cases = [*detail.history, detail.case]
    users = {c.decided_by_id for c in cases if c.decided_by_id}
    versions = {v for c in cases for v in (c.decision_version_id, c.list_version_id) if v}
    names = (
        {
            i: n
            for i, n in session.execute(select(User.id, User.full_name).where(User.id.in_(users)))
        }
        if users
        else {}
    )
    numbers = {
        i: n
        for i, n in session.execute(
            select(ListVersion.id, ListVersion.number).where(ListVersion.id.in_(versions))
        )
    }
    out = [
        Decision(
            c,
            names.get(c.decided_by_id) if c.decided_by_id else None,
            numbers.get(c.decision_version_id or c.list_version_id),
            c.id == detail.case.id,
        )
        for c in cases
    ]
    return sorted(
        out, key=lambda d: (d.case.decided_at or d.case.created_at, d.case.id), reverse=True
    )


def _name_score(detail: CaseDetail, entry: ListEntry) -> float | None:
    """Return the names-only similarity of subject and entry, as the engine scores it now."""
    subject = detail.subject
    hit = compare(
        NameQuery(
            name=subject.name,
            country=subject.country,
            entity_type=name_index.entity_type(subject.entity_type),
            birth_date=subject.birth_date,
        ),
        name_index.index_entry(detail.entry.id, entry),
    )
    return hit.name_score if hit is not None else None


def _render_case(
    request: Request,
    session: Session,
    detail: CaseDetail,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    back: str = "/screening",
    status_code: int = 200,
) -> HTMLResponse:
    entry = ListEntry.from_json(detail.entry.data)
    context = {
        "d": detail,
        "c": detail.case,
        "entry": entry,
        "name_score": _name_score(detail, entry),
        "history": _history(session, detail),
        "decisions": [(s.value, *DECISIONS[s.value]) for s in detail.allowed],
        "values": values or {},
        "errors": errors or {},
        "back": back,
        "status_labels": STATUS_LABELS,
        "kind_labels": KIND_LABELS,
        "threshold": REVIEW_THRESHOLD,
        "entry_current": detail.entry.fingerprint == detail.case.entry_fingerprint,
    }
    return templating.render(request, "screening/case.html", context, status_code=status_code)


@router.get("/screening/cases/{case_id}")
def case_page(
    request: Request,
    principal: Officer,
    session: SessionDep,
    detail: CaseDep,
    back: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    """Show a case: the party beside the list entry, the evidence, and the decision form."""
    reads.record_read(session=session, actor=principal.actor, object_type="screening_case",
                      object_id=detail.case.id, how="view")
    return _render_case(request, session, detail, back=_safe_back(back))


def _decision_errors(exc: ValidationError) -> dict[str, str]:
    errors = field_errors(exc)
    if "decision" in errors:
        errors["decision"] = "Choose a decision"
    if "reason" in errors:
        errors["reason"] = "Give the reason for the decision (at least 5 characters)"
    return errors


@router.post("/screening/cases/{case_id}/decision")
def decide(
    request: Request,
    case_id: int,
    principal: Officer,
    session: SessionDep,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
    confirm_block: Annotated[str, Form()] = "",
    back: Annotated[str, Form(alias="next", max_length=500)] = "",
) -> Response:
    """Record a decision on a case; a confirmed hit needs the officer's explicit consent."""
    back = _safe_back(back)
    values = {"decision": decision, "reason": reason, "confirm_block": confirm_block}
    errors: dict[str, str] = {}
    try:
        body = DecisionIn(decision=decision, reason=reason.strip())  # type: ignore[arg-type]
    except ValidationError as exc:
        errors = _decision_errors(exc)
    if decision == CaseStatus.CONFIRMED.value and confirm_block != "yes":
        errors["confirm_block"] = (
            "Tick the box to confirm that you understand this blocks the party"
        )
    if not errors:
        try:
            screening_cases.decide(
                session=session,
                principal=principal,
                case_id=case_id,
                decision=body.decision,
                reason=body.reason,
            )
        except DomainError as exc:
            if exc.status in (401, 403, 404):
                raise
            session.rollback()
            errors = field_errors(exc)
    if errors:
        detail = screening_cases.case_detail(session=session, case_id=case_id)
        return _render_case(
            request,
            session,
            detail,
            values=values,
            errors=errors,
            back=back,
            status_code=409 if "__all__" in errors else 422,
        )
    detail = screening_cases.case_detail(session=session, case_id=case_id)
    label = STATUS_LABELS[body.decision.value].lower()
    return templating.redirect(
        back,
        request=request,
        flash=f"Case {case_id} marked {label}: {detail.case.subject_name} and "
        f"\u2018{detail.entry.name}\u2019 on {detail.list.name}.",
    )
