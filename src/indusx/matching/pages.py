"""Web pages for matchmaking: suggestions, solver search and the opportunity map."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape
from pydantic import ValidationError
from starlette.datastructures import MultiDict

from indusx import pacing, templating
from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.deps import Officer, SessionDep, SignedIn
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.forms import field_errors
from indusx.matching import introductions as intro_service
from indusx.matching import opportunities
from indusx.matching import service as match_service
from indusx.matching.engine.text import shared_terms
from indusx.matching.models import DismissReason, MatchMode
from indusx.matching.schemas import DismissIn, IntroductionCreate, MatchRead, SolverQuery
from indusx.ops import quotas
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.search import OrgQuery, search_orgs
from indusx.orgs.taxonomy import COUNTRY_LABELS, KIND_LABELS, Country, OrgKind

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class ModeInfo:
    label: str
    icon: str
    blurb: str


MODES: dict[MatchMode, ModeInfo] = {
    MatchMode.CO_DEVELOPMENT: ModeInfo(
        "Co-development", "bi-diagram-3",
        "Work on the same or adjacent problems, with strengths that complement yours."),
    MatchMode.CO_PRODUCTION: ModeInfo(
        "Co-production", "bi-gear-wide-connected",
        "Mature systems on one side, matching production capabilities on the other."),
    MatchMode.INVESTMENT: ModeInfo(
        "Investment", "bi-cash-coin",
        "Investors whose thesis fits, or start-ups that fit an investor's thesis."),
    MatchMode.RESEARCH: ModeInfo(
        "Research", "bi-mortarboard",
        "Academic research institutions and the companies that can use their work."),
    MatchMode.MENTORING: ModeInfo(
        "Mentoring", "bi-person-video3",
        "Mentors whose expertise fits the organisation's work."),
}
COMPONENT_LABELS = {
    "semantic": "Capability fit",
    "lexical": "Shared vocabulary",
    "focus": "Shared focus areas",
    "complementarity": "Complementary roles",
    "trl": "Readiness (TRL) fit",
    "seeking": "What each side seeks",
    "thesis": "Investment thesis fit",
    "expertise": "Mentor expertise",
    "record": "Track record",
}
DISMISS_LABELS = {
    DismissReason.NOT_RELEVANT: "Not relevant to us",
    DismissReason.ALREADY_PARTNERS: "Already partners",
    DismissReason.WRONG_STAGE: "Wrong stage or size",
    DismissReason.NOT_NOW: "Not now",
    DismissReason.OTHER: "Other reason",
}
K_CHOICES = (5, 10, 20, 50)
SOLVER_TEXT_MAX: int = next(
    m.max_length for m in SolverQuery.model_fields["text"].metadata if hasattr(m, "max_length")
)
STATUS_ORDER = {"gap": 0, "complementary": 1, "thin": 2, "quiet": 3}
STATUS_LABELS = {"gap": "Gap", "complementary": "Complementary", "thin": "Thin",
                 "quiet": "Quiet"}
OPPORTUNITY_COLUMNS = {
    "name": "Focus area",
    "capable_in": "Capable in India",
    "capable_us": "Capable in the US",
    "seeking_in": "Seeking in India",
    "seeking_us": "Seeking in the US",
    "complementarity": "Possible pairings",
    "partnerships": "Partnerships",
    "pending": "Pending",
    "status": "Status",
}


def highlight(text: str, terms: Iterable[str]) -> Markup:
    """Return `text` escaped, with every term (or its plural) wrapped in <mark>."""
    keys = sorted({t.strip().lower() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not keys:
        return escape(text)
    # Words of a phrase may be spaced or hyphenated ("post-quantum").
    alternatives = (r"[\s-]+".join(re.escape(w) for w in key.split()) + r"(?:e?s)?"
                    for key in keys)
    pattern = re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)
    parts: list[Markup] = []
    pos = 0
    for found in pattern.finditer(text):
        parts += [escape(text[pos:found.start()]),
                  Markup("<mark>%s</mark>") % found.group()]
        pos = found.end()
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


templating.templates.env.filters["highlight"] = highlight


def _int(value: str | None, lo: int, hi: int) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return min(max(number, lo), hi)


def _choices(params: MultiDict, key: str, allowed: Iterable[str]) -> tuple[str, ...]:
    known = set(allowed)
    return tuple(dict.fromkeys(v for v in params.getlist(key) if v in known))


def _taxonomy(session: SessionDep) -> dict[str, Any]:
    areas = org_service.list_focus_areas(session=session)
    return {
        "areas": [(a.slug, a.name) for a in areas],
        "area_names": {a.slug: a.name for a in areas},
        "countries": [(c.value, COUNTRY_LABELS[c]) for c in Country],
        "kinds": [(k.value, KIND_LABELS[k]) for k in OrgKind],
    }


# --- suggestions ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SuggestionForm:
    """What the suggestions page was asked for, read leniently from its query string."""

    org_id: int | None = None
    mode: MatchMode = MatchMode.CO_DEVELOPMENT
    k: int = 10
    cross_border: bool = True
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    trl_min: int | None = None
    trl_max: int | None = None

    @classmethod
    def parse(cls, params: MultiDict, focus_slugs: Iterable[str]) -> "SuggestionForm":
        """Return the form's values; unknown values are dropped rather than refused."""
        try:
            mode = MatchMode(params.get("mode") or MatchMode.CO_DEVELOPMENT)
        except ValueError:
            mode = MatchMode.CO_DEVELOPMENT
        # The "Cross-border only" checkbox follows a hidden 0, so its last value wins;
        # `same_country=1` is the API's spelling of the same choice.
        flags = params.getlist("cross_border")
        cross = flags[-1] in ("1", "on", "true") if flags else (
            params.get("same_country") not in ("1", "on", "true"))
        lo, hi = _int(params.get("trl_min"), 1, 9), _int(params.get("trl_max"), 1, 9)
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        return cls(
            org_id=_int(params.get("org"), 1, 2**62), mode=mode,
            k=_int(params.get("k"), 1, max(K_CHOICES)) or 10, cross_border=cross,
            countries=_choices(params, "country", (c.value for c in Country)),
            kinds=_choices(params, "kind", (k.value for k in OrgKind)),
            focus=_choices(params, "focus_area", focus_slugs), trl_min=lo, trl_max=hi,
        )

    def url(self, **changes: Any) -> str:
        """Return the page's address for these values, with some of them changed."""
        form = replace(self, **changes)
        items: list[tuple[str, Any]] = []
        if form.org_id is not None:
            items.append(("org", form.org_id))
        items.append(("mode", form.mode.value))
        if form.k != 10:
            items.append(("k", form.k))
        if not form.cross_border:
            items.append(("cross_border", 0))
        items += [("country", c) for c in form.countries]
        items += [("kind", k) for k in form.kinds]
        items += [("focus_area", f) for f in form.focus]
        items += [(n, v) for n, v in (("trl_min", form.trl_min), ("trl_max", form.trl_max))
                  if v is not None]
        return "/matchmaking?" + urlencode(items)

    @property
    def filtered(self) -> bool:
        return bool(self.countries or self.kinds or self.focus or self.trl_min or self.trl_max)


def _candidate_key(match: MatchRead) -> str:
    return f"{match.candidate.kind}-{match.candidate.id}"


def _render_suggestions(
    request: Request, session: SessionDep, principal: Principal, form: SuggestionForm, *,
    intro_errors: Mapping[str, dict[str, str]] | None = None,
    intro_note: str = "", status_code: int = 200,
) -> HTMLResponse:
    mine = [org for org, _ in org_service.orgs_of_user(session=session, user_id=principal.user.id)]
    org: Organisation | None = None
    if form.org_id is not None:
        if not principal.can_view_suggestions(form.org_id):
            raise Forbidden("You see suggestions for your own organisations; programme "
                            "officers may look at any organisation's")
        org = session.get(Organisation, form.org_id)
        if org is None:
            raise NotFound(f"No organisation with id {form.org_id}")
    elif mine:
        org = mine[0]
    form = replace(form, org_id=org.id if org else None)
    picker = [(o.id, o.name) for o in mine]
    if org is not None and org.id not in {o.id for o in mine}:
        picker.insert(0, (org.id, org.name))
    result = None
    if org is not None:
        result = match_service.suggestions(
            session=session, principal=principal, org_id=org.id, mode=form.mode, k=form.k,
            cross_border=form.cross_border, countries=form.countries, kinds=form.kinds,
            focus=form.focus, trl_min=form.trl_min, trl_max=form.trl_max,
        )
    # An error about a candidate no longer listed (say, already introduced) shows above the list.
    listed = {_candidate_key(m) for m in result.items} if result else set()
    stray = [message for key, errs in (intro_errors or {}).items() if key not in listed
             for message in errs.values()]
    context = {
        **_taxonomy(session),
        "form": form,
        "org": org,
        "picker": picker,
        "can_act": org is not None and principal.can_edit_org(org.id),
        "result": result,
        "modes": MODES,
        "component_labels": COMPONENT_LABELS,
        "dismiss_reasons": [(r.value, label) for r, label in DISMISS_LABELS.items()],
        "k_choices": K_CHOICES,
        "next_url": form.url(),
        "intro_errors": intro_errors or {},
        "stray_errors": stray,
        "intro_note": intro_note,
        "candidate_key": _candidate_key,
    }
    partial = templating.wants_partial(request) and request.method == "GET"
    name = "matching/_suggestions.html" if partial else "matching/suggestions.html"
    return templating.render(request, name, context, status_code=status_code)


def _form_from_next(session: SessionDep, next_url: str) -> SuggestionForm:
    """Return the suggestion form a POST came from (only this page's own addresses)."""
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc or parts.path != "/matchmaking":
        parts = urlsplit("/matchmaking")
    slugs = [slug for slug, _ in _taxonomy(session)["areas"]]
    return SuggestionForm.parse(MultiDict(parse_qsl(parts.query)), slugs)


@router.get("/matchmaking")
def suggestions_page(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Show an organisation's suggested partners; HTMX requests get just the results."""
    slugs = [slug for slug, _ in _taxonomy(session)["areas"]]
    form = SuggestionForm.parse(MultiDict(request.query_params.multi_items()), slugs)
    return _render_suggestions(request, session, principal, form)


@router.get("/matchmaking/org-lookup")
def org_lookup(
    request: Request, principal: Officer, session: SessionDep,
    find: Annotated[str, Query(max_length=200)] = "",
    mode: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """Find any organisation by name to see its suggestions (officers and admins)."""
    found = (search_orgs(session=session, query=OrgQuery(q=find, page_size=10),
                         with_facets=False).items if find.strip() else [])
    context = {"find": find, "found": found,
               "mode": mode if mode in {m.value for m in MatchMode} else ""}
    partial = templating.wants_partial(request)
    name = "matching/_org_lookup.html" if partial else "matching/org_lookup.html"
    return templating.render(request, name, context)


def _candidate_name(session: SessionDep, org_id: int | None, user_id: int | None) -> str:
    if org_id is not None:
        org = session.get(Organisation, org_id)
        return org.name if org else f"organisation {org_id}"
    user = session.get(User, user_id)
    return user.full_name if user else f"mentor {user_id}"


@router.post("/matchmaking/dismiss")
def dismiss(
    request: Request, principal: SignedIn, session: SessionDep,
    org: Annotated[int, Form()], mode: Annotated[str, Form()],
    candidate_org: Annotated[int | None, Form()] = None,
    candidate_user: Annotated[int | None, Form()] = None,
    reason: Annotated[str, Form()] = DismissReason.NOT_RELEVANT.value,
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form(alias="next")] = "/matchmaking",
) -> Response:
    """Dismiss a suggestion for good (owners and editors); HTMX gets the row that replaces it."""
    principal.require(principal.can_edit_org(org),
                      "Only the organisation's owners and editors can dismiss suggestions")
    try:
        body = DismissIn(mode=MatchMode(mode), candidate_org_id=candidate_org,
                         candidate_user_id=candidate_user, reason=DismissReason(reason),
                         note=note)
    except (ValueError, ValidationError) as exc:
        raise Invalid(f"The dismissal could not be read: {exc}") from exc
    intro_service.dismiss(
        session=session, principal=principal, org_id=org, mode=body.mode,
        candidate_org_id=body.candidate_org_id, candidate_user_id=body.candidate_user_id,
        reason=body.reason, note=body.note,
    )
    name = _candidate_name(session, candidate_org, candidate_user)
    if templating.wants_partial(request):
        return templating.render(request, "matching/_dismissed.html", {"name": name})
    return templating.redirect(_form_from_next(session, back).url(),
                               flash=f"Dismissed {name}: it won't be suggested again.")


@router.post("/matchmaking/introductions")
def request_introduction(
    request: Request, principal: SignedIn, session: SessionDep, _quota: quotas.IntroductionQuota,
    org: Annotated[int, Form()], mode: Annotated[str, Form()],
    to_org: Annotated[int | None, Form()] = None,
    to_user: Annotated[int | None, Form()] = None,
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form(alias="next")] = "/matchmaking",
    form_stamp: Annotated[str, Form()] = "",
) -> Response:
    """Ask for a double opt-in introduction to a suggestion (owners and editors)."""
    principal.require(principal.can_edit_org(org),
                      "Only the organisation's owners and editors can request introductions")
    form = _form_from_next(session, back)
    key = f"org-{to_org}" if to_org is not None else f"mentor-{to_user}"
    try:
        pacing.check(request, pacing.Flow.INTRODUCTION, form_stamp)
        body = IntroductionCreate(from_org_id=org, mode=MatchMode(mode), to_org_id=to_org,
                                  to_user_id=to_user, note=note)
        match_service.request_introduction(
            session=session, principal=principal, from_org_id=body.from_org_id, mode=body.mode,
            to_org_id=body.to_org_id, to_user_id=body.to_user_id, note=body.note,
        )
    except (ValidationError, Invalid, Conflict) as exc:
        session.rollback()
        errors = field_errors(exc)
        if "__all__" not in errors and "note" not in errors:
            errors = {"__all__": next(iter(errors.values()), "The request could not be sent")}
        status = exc.status if isinstance(exc, Conflict | Invalid) else 422
        return _render_suggestions(
            request, session, principal, replace(form, org_id=org),
            intro_errors={key: errors}, intro_note=note, status_code=status,
        )
    except ValueError as exc:  # an unknown mode: only a hand-made request sends one
        raise Invalid("mode: choose one of the matchmaking modes") from exc
    name = _candidate_name(session, to_org, to_user)
    return templating.redirect(
        replace(form, org_id=org).url(),
        flash=f"Introduction requested: {name} will be asked to accept. Contact details are "
              "shared only once they do.",
    )


# --- solver search --------------------------------------------------------------------------

@router.get("/matchmaking/solvers")
def solvers_page(
    request: Request, principal: SignedIn, session: SessionDep,
    q: str = "",
    k: Annotated[str, Query(max_length=4)] = "10",
    country: Annotated[list[str], Query()] = [],  # noqa: B006
    kind: Annotated[list[str], Query()] = [],  # noqa: B006
    focus_area: Annotated[list[str], Query()] = [],  # noqa: B006
) -> HTMLResponse:
    """Find the organisations best able to solve a pasted problem statement."""
    taxonomy = _taxonomy(session)
    params = MultiDict([*(("country", c) for c in country), *(("kind", x) for x in kind),
                        *(("focus_area", f) for f in focus_area)])
    chosen = {
        "country": _choices(params, "country", (c.value for c in Country)),
        "kind": _choices(params, "kind", (x.value for x in OrgKind)),
        "focus_area": _choices(params, "focus_area", (s for s, _ in taxonomy["areas"])),
    }
    size = _int(k, 1, max(K_CHOICES)) or 10
    errors: dict[str, str] = {}
    result = None
    evidence_terms: dict[str, list[list[str]]] = {}
    if q.strip():
        try:
            query = SolverQuery(text=q.strip(), k=size, country=list(chosen["country"]),
                                kind=list(chosen["kind"]), focus_area=list(chosen["focus_area"]))
        except ValidationError as exc:
            errors = _solver_errors(exc, q)
        else:
            result = match_service.solvers(
                session=session, text=query.text, k=query.k, countries=query.country,
                kinds=query.kind, focus=query.focus_area,
            )
            evidence_terms = {
                _candidate_key(m): [sorted({*m.shared_terms, *shared_terms(query.text, e.text,
                                                                          limit=8)})
                                    for e in m.evidence]
                for m in result.items
            }
    context = {
        **taxonomy, "q": q, "k": size, "chosen": chosen, "errors": errors, "result": result,
        "evidence_terms": evidence_terms, "k_choices": K_CHOICES, "text_max": SOLVER_TEXT_MAX,
        "candidate_key": _candidate_key, "component_labels": COMPONENT_LABELS,
    }
    return templating.render(request, "matching/solvers.html", context,
                             status_code=422 if errors else 200)


def _solver_errors(exc: ValidationError, q: str) -> dict[str, str]:
    errors = {}
    for name, message in field_errors(exc).items():
        if name == "text" and len(q.strip()) > SOLVER_TEXT_MAX:
            message = (f"The problem statement is {len(q.strip()):,} characters long; the limit "
                       f"is {SOLVER_TEXT_MAX:,}. Shorten it to its key requirements.")
        elif name == "text":
            message = "Describe the problem in a few words at least (3 characters or more)."
        errors["q" if name == "text" else name] = message
    return errors


# --- opportunity map ------------------------------------------------------------------------

def _sorted(rows: Sequence[opportunities.AreaOpportunity], sort: str, descending: bool
            ) -> list[opportunities.AreaOpportunity]:
    def key(row: opportunities.AreaOpportunity) -> tuple[Any, str]:
        if sort == "status":
            return STATUS_ORDER.get(row.status, 9), row.name.lower()
        if sort == "name":
            return row.name.lower(), ""
        return getattr(row, sort), row.name.lower()

    ordered = sorted(rows, key=key, reverse=descending)
    return ordered


@router.get("/matchmaking/opportunities")
def opportunities_page(
    request: Request, principal: SignedIn, session: SessionDep,
    sort: str = "name", dir: str = "",
) -> HTMLResponse:
    """Show where the two ecosystems complement each other, area by area."""
    sort = sort if sort in OPPORTUNITY_COLUMNS else "name"
    # Names and statuses read best ascending; counts read best largest first.
    descending = dir == "desc" if dir in ("asc", "desc") else sort not in ("name", "status")
    rows = opportunities.opportunity_map(session=session)
    counts = {status: sum(r.status == status for r in rows) for status in STATUS_ORDER}
    chart = {
        "areas": [r.name for r in rows],
        "series": {key: [getattr(r, key) for r in rows]
                   for key in ("capable_in", "capable_us", "seeking_in", "seeking_us",
                               "partnerships")},
    }
    context = {
        "rows": _sorted(rows, sort, descending), "sort": sort, "descending": descending,
        "columns": OPPORTUNITY_COLUMNS, "status_labels": STATUS_LABELS, "counts": counts,
        "chart": chart,
    }
    return templating.render(request, "matching/opportunities.html", context)


@router.get("/matchmaking/opportunities.csv")
def opportunities_csv(
    principal: SignedIn, session: SessionDep,
    _export: Annotated[None, Depends(quotas.Exporting("opportunities"))],
) -> Response:
    """Download the opportunity map as CSV."""
    rows = opportunities.opportunity_map(session=session)
    return Response(
        "".join(opportunities.to_csv(rows)), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="opportunity-map.csv"'},
    )
