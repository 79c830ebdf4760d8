"""Web pages for the restricted-party lists (versions, their changes, import) and a name check."""

import tempfile
from pathlib import Path
from typing import Annotated, cast

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from indusx import templating
from indusx.deps import Admin, Officer, SessionDep, SignedIn, StepUp
from indusx.errors import DomainError, NotFound
from indusx.forms import FormDep, field_errors, form_text
from indusx.screening import imports
from indusx.screening import service as screening_service
from indusx.screening.engine import REVIEW_THRESHOLD
from indusx.screening.engine.types import EntityType
from indusx.screening.engine.types import Query as NameQuery
from indusx.screening.lists import ListFormat
from indusx.screening.lists.entry import ListEntry
from indusx.screening.models import (
    ChangeKind,
    ScreeningList,
)
from indusx.screening.routes import LIST_FIELD_MAX, ListImporter, save_uploads
from indusx.screening.schemas import CheckIn

router = APIRouter(include_in_schema=False)
CHANGES_PAGE_SIZE = 50
FORMATS = {
    ListFormat.OFAC.value: (
        "OFAC SDN (CSV)",
        "Three files from OFAC: sdn.csv, alt.csv (aliases) and add.csv (addresses).",
    ),
    ListFormat.CSL.value: (
        "US Consolidated Screening List",
        "One file: the CSL download as JSON or CSV.",
    ),
    ListFormat.UN.value: (
        "UN Security Council list (XML)",
        "One file: the UN consolidated list as XML.",
    ),
    ListFormat.CSV.value: (
        "Simple CSV",
        "One file with the columns schema, name, aliases, country, program, "
        "notes. Give the list a key and a display name.",
    ),
}
ENTITY_TYPES = {
    "": "Any type",
    EntityType.PERSON.value: "Person",
    EntityType.ENTITY.value: "Entity (company, organisation)",
    EntityType.VESSEL.value: "Vessel",
    EntityType.AIRCRAFT.value: "Aircraft",
}
ENTRY_FIELDS = {
    "name": "Primary name",
    "entity_type": "Type",
    "aliases": "Aliases",
    "programs": "Programmes",
    "countries": "Countries",
    "addresses": "Addresses",
    "birth_dates": "Birth dates",
    "listed_on": "Listed on",
    "end_date": "End date",
    "remarks": "Remarks",
    "extra": "Other details",
    "source": "Source list",
}


# --- lists --------------------------------------------------------------------------------


def _render_lists(
    request: Request,
    session: Session,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "summaries": imports.list_summaries(session=session),
        "formats": FORMATS,
        "values": values or {"format": ListFormat.OFAC.value},
        "errors": errors or {},
    }
    return templating.render(request, "screening/lists.html", context, status_code=status_code)


@router.get("/screening/lists")
def lists_page(request: Request, principal: Officer, session: SessionDep) -> HTMLResponse:
    """Show the loaded lists; administrators also get the import form."""
    return _render_lists(request, session)


def _import_errors(
    session: Session, fmt: str, files: list[UploadFile], list_key: str, name: str
) -> dict[str, str]:
    """Return what is missing from the import form, before any file is read."""
    errors: dict[str, str] = {}
    if fmt not in FORMATS:
        errors["format"] = "Choose the list's format"
    if not files:
        errors["files"] = "Choose the list's file or files"
    elif fmt == ListFormat.OFAC.value and len(files) > 3:
        errors["files"] = "OFAC takes at most three files: sdn.csv, alt.csv and add.csv"
    elif fmt in FORMATS and fmt != ListFormat.OFAC.value and len(files) > 1:
        errors["files"] = f"{FORMATS[fmt][0]} takes one file, not {len(files)}"
    if fmt == ListFormat.CSV.value:
        if not list_key:
            errors["list"] = "Give the list a key, e.g. dod-1260h"
        elif (
            not name
            and session.scalar(select(ScreeningList.id).where(ScreeningList.key == list_key))
            is None
        ):
            errors["name"] = "Give the new list a display name"
    return errors


@router.post("/screening/lists")
def import_list(
    _importer: ListImporter,
    request: Request,
    principal: Admin,
    _step_up: StepUp,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Import a list's files as its next version (administrators)."""
    # Fields of the form, not Form parameters: FastAPI reads a form body before every
    # dependency, so before the access rule could keep the list-import limit from strangers.
    fmt, list_key, name = (form_text(form, f) for f in ("format", "list", "name"))
    # A file input left empty arrives as an empty string, not as a file.
    chosen = [
        cast(UploadFile, f)
        for f in form.getlist("files")
        if isinstance(f, StarletteUpload) and f.filename
    ]
    values = {"format": fmt, "list": list_key, "name": name}
    errors = _import_errors(session, fmt, chosen, list_key, name)
    for field, most in LIST_FIELD_MAX.items():
        if len(values[field]) > most:
            errors[field] = f"At most {most} characters"
    if not errors:
        with tempfile.TemporaryDirectory(prefix="indusx-list-") as tmp:
            try:
                paths = save_uploads(chosen, Path(tmp))
                result = imports.import_list(
                    session=session,
                    fmt=ListFormat(fmt),
                    paths=paths,
                    actor=principal.actor,
                    key=list_key or None,
                    name=name or None,
                )
            except DomainError as exc:
                session.rollback()
                # Name the uploaded files, not where they were kept for the import.
                errors = {k: v.replace(f"{tmp}/", "") for k, v in field_errors(exc).items()}
    if errors:
        return _render_lists(request, session, values=values, errors=errors, status_code=422)
    if result.version is None:
        flash = (
            f"{result.list_name}: {result.entries:,} entries, unchanged since the last "
            "import. No new version was recorded."
        )
    else:
        flash = (
            f"{result.list_name} version {result.version}: {result.entries:,} entries; "
            f"{result.added:,} added, {result.changed:,} changed, {result.removed:,} "
            f"removed. {result.cases_opened} case(s) opened, {result.cases_withdrawn} "
            "withdrawn."
        )
    return templating.redirect("/screening/lists", flash=flash, request=request)


def load_list(key: str, principal: Officer, session: SessionDep) -> ScreeningList:
    """Return the list in the path, or 404."""
    return imports.get_list(session=session, key=key)


ListDep = Annotated[ScreeningList, Depends(load_list)]


@router.get("/screening/lists/{key}")
def list_page(
    request: Request, principal: Officer, session: SessionDep, lst: ListDep
) -> HTMLResponse:
    """Show a list's version history."""
    versions = imports.versions_of(session=session, list_id=lst.id)
    summary = next(s for s in imports.list_summaries(session=session) if s.list.id == lst.id)
    return templating.render(
        request,
        "screening/list.html",
        {"lst": lst, "versions": versions, "summary": summary, "formats": FORMATS},
    )


def _text(field: str, value: object) -> str:
    """Return an entry field's value as one line of text."""
    if value in (None, "", [], {}):
        return ""
    if field == "aliases" and isinstance(value, list):
        return "; ".join(
            f"{a.get('name')} ({a.get('kind', 'aka')}{', weak' if a.get('weak') else ''})"
            for a in value
            if isinstance(a, dict)
        )
    if field == "addresses" and isinstance(value, list):
        return "; ".join(
            ", ".join(
                str(p)
                for p in (a.get("text"), a.get("city"), a.get("country_name") or a.get("country"))
                if p
            )
            for a in value
            if isinstance(a, dict)
        )
    if field == "extra" and isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def entry_diff(before: dict[str, object], after: dict[str, object]) -> list[tuple[str, str, str]]:
    """Return (field label, before, after) for each field an entry changed."""
    return [
        (label, _text(field, before.get(field)), _text(field, after.get(field)))
        for field, label in ENTRY_FIELDS.items()
        if _text(field, before.get(field)) != _text(field, after.get(field))
    ]


@router.get("/screening/lists/{key}/versions/{number}")
def version_page(
    request: Request,
    number: int,
    principal: Officer,
    session: SessionDep,
    lst: ListDep,
    kind: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Show what one version of a list added, changed and removed."""
    version = next(
        (v for v in imports.versions_of(session=session, list_id=lst.id) if v.number == number),
        None,
    )
    if version is None:
        raise NotFound(f"{lst.name} has no version {number}")
    chosen = ChangeKind(kind) if kind in {k.value for k in ChangeKind} else None
    changes, total = imports.changes_in(
        session=session, version_id=version.id, page=page, per_page=CHANGES_PAGE_SIZE, kind=chosen
    )
    rows = [
        (
            change,
            record,
            ListEntry.from_json(change.before or record.data),
            entry_diff(change.before, record.data)
            if change.kind is ChangeKind.CHANGED and change.before
            else [],
        )
        for change, record in changes
    ]
    first = (page - 1) * CHANGES_PAGE_SIZE + 1
    return templating.render(
        request,
        "screening/version.html",
        {
            "lst": lst,
            "ver": version,
            "rows": rows,
            "kind": chosen.value if chosen else "",
            "total": total,
            "page": page,
            "first": first,
            "last": min(first + len(rows) - 1, total),
            "pages": max(1, -(-total // CHANGES_PAGE_SIZE)),
        },
    )


# --- a name check -------------------------------------------------------------------------


def _render_check(
    request: Request,
    session: Session,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    hits: list[screening_service.HitView] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "values": values or {},
        "errors": errors or {},
        "hits": hits,
        "list_names": [s.list.name for s in imports.list_summaries(session=session)],
        "entity_types": ENTITY_TYPES,
        "threshold": REVIEW_THRESHOLD,
    }
    if templating.wants_partial(request):
        # htmx swaps only successful responses: the form with its errors comes back as 200.
        return templating.render(request, "screening/_check.html", context)
    return templating.render(request, "screening/check.html", context, status_code=status_code)


@router.get("/screening/check")
def check_page(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Show the form to screen a name against the loaded lists."""
    return _render_check(request, session)


@router.post("/screening/check")
def check(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    name: Annotated[str, Form(max_length=500)] = "",
    country: Annotated[str, Form(max_length=100)] = "",
    entity_type: Annotated[str, Form(alias="type", max_length=16)] = "",
    birth_date: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    """Screen a name against the loaded lists; nothing is recorded."""
    values = {"name": name, "country": country, "type": entity_type, "birth_date": birth_date}
    try:
        body = CheckIn(
            name=name,
            country=country or None,
            type=entity_type or None,  # type: ignore[arg-type]
            birth_date=birth_date or None,
        )
    except ValidationError as exc:
        return _render_check(
            request, session, values=values, errors=field_errors(exc), status_code=422
        )
    hits = screening_service.check(
        session=session,
        query=NameQuery(
            name=body.name, country=body.country, entity_type=body.type, birth_date=body.birth_date
        ),
    )
    return _render_check(request, session, values=values, hits=hits)
