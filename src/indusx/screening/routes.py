"""REST API for screening: checks (signed-in), cases and adjudication (officers), lists."""

import tempfile
from pathlib import Path
from typing import Annotated, cast

from fastapi import APIRouter, Depends, Query, Request, UploadFile
from starlette.datastructures import UploadFile as StarletteUpload

from indusx.accounts import service as account_service
from indusx.accounts.models import PlatformRole
from indusx.accounts.permissions import Principal
from indusx.audit import reads
from indusx.deps import (
    SESSION_COOKIE,
    Admin,
    Officer,
    SessionDep,
    SettingsDep,
    SignedIn,
    StepUp,
    _bearer,
    client_ip,
    require_step_up,
)
from indusx.errors import Invalid
from indusx.forms import FormDep, form_text
from indusx.ops import limits
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening import service as screening_service
from indusx.screening.cases import CaseRow
from indusx.screening.engine import REVIEW_THRESHOLD
from indusx.screening.engine.types import Query as NameQuery
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus
from indusx.screening.schemas import (
    CasePage,
    CaseRead,
    CheckIn,
    CheckResult,
    DecisionIn,
    HitRead,
    ListRead,
    VersionRead,
)
from indusx.screening.service import HitView

router = APIRouter(prefix="/api/v1/screening", tags=["screening"])
# An upload larger than this is refused (the OFAC trio is about 4 MB, the CSL JSON ~60 MB).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def hit_read(hit: HitView) -> HitRead:
    """Return the API shape of a hit."""
    return HitRead(list_name=hit.source, list_key=hit.list_key, entry_id=hit.entry_id,
                   name=hit.name, matched_name=hit.matched_name, score=hit.score,
                   reasons=list(hit.reasons), matched_fields=list(hit.matched_fields),
                   programs=list(hit.programs))


def case_read(row: CaseRow) -> CaseRead:
    """Return the API shape of a case."""
    c = row.case
    return CaseRead(
        id=c.id, status=c.status, subject_kind=row.kind, subject_name=c.subject_name,
        org_id=row.org_id, list_name=row.list_name, list_key=row.list_key,
        list_version=row.version_number, entry_id=row.entry_id, entry_name=row.entry_name,
        matched_name=c.matched_name, score=round(c.score, 4), reasons=list(c.reasons),
        matched_fields=list(c.matched_fields), decision_reason=c.decision_reason,
        decided_by=row.decided_by, decided_at=c.decided_at, created_at=c.created_at,
    )


def _one(session: SessionDep, case_id: int) -> CaseRead:
    case = screening_cases.get_case(session=session, case_id=case_id)
    return case_read(screening_cases.case_rows(session, [case])[0])


@router.post("/check", response_model=CheckResult)
def check(body: CheckIn, principal: SignedIn, session: SessionDep) -> CheckResult:
    """Screen a name against the loaded lists; nothing is recorded."""
    hits = screening_service.check(session=session, query=NameQuery(
        name=body.name, country=body.country, entity_type=body.type,
        birth_date=body.birth_date))
    return CheckResult(name=body.name, threshold=REVIEW_THRESHOLD,
                       hits=[hit_read(h) for h in hits])


@router.get("/cases", response_model=CasePage)
def cases(
    principal: Officer,
    session: SessionDep,
    status: Annotated[CaseStatus | None, Query(description="omit for every status")] = None,
    q: Annotated[str, Query(max_length=200)] = "",
    list_key: Annotated[str, Query(alias="list", max_length=64)] = "",
    sort: Annotated[str, Query(pattern="^(newest|oldest|score)$")] = "newest",
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 25,
) -> CasePage:
    """List screening cases (officers)."""
    flt = screening_cases.CaseFilter(status=status, q=q, list_key=list_key, sort=sort)
    rows, total = screening_cases.list_cases(session=session, flt=flt, page=page,
                                               per_page=per_page)
    items = [case_read(r) for r in screening_cases.case_rows(session, rows)]
    return CasePage(items=items, total=total, page=page, per_page=per_page)


@router.get("/cases/{case_id}", response_model=CaseRead)
def case(case_id: int, principal: Officer, session: SessionDep) -> CaseRead:
    """Return one screening case (officers)."""
    read = _one(session, case_id)
    reads.record_read(session=session, actor=principal.actor, object_type="screening_case",
                      object_id=case_id, how="view")
    return read


@router.post("/cases/{case_id}/decision", response_model=CaseRead)
def decide(case_id: int, body: DecisionIn, principal: Officer, session: SessionDep) -> CaseRead:
    """Decide a case: false-positive or confirmed; a confirmed hit can later be cleared."""
    screening_cases.decide(session=session, principal=principal, case_id=case_id,
                             decision=body.decision, reason=body.reason)
    return _one(session, case_id)


def _list_read(session: SessionDep, summary: imports.ListSummary) -> ListRead:
    versions = imports.versions_of(session=session, list_id=summary.list.id)
    return ListRead(
        key=summary.list.key, name=summary.list.name, format=summary.list.format,
        live_entries=summary.live_entries,
        versions=[VersionRead(number=v.number, imported_at=v.imported_at,
                              imported_by=v.imported_by, entry_count=v.entry_count,
                              added=v.added, removed=v.removed, changed=v.changed,
                              files=v.files) for v in versions],
    )


@router.get("/lists", response_model=list[ListRead])
def lists(principal: Officer, session: SessionDep) -> list[ListRead]:
    """Return the loaded lists with their version history (officers)."""
    return [_list_read(session, s) for s in imports.list_summaries(session=session)]


def save_uploads(files: list[UploadFile], folder: Path) -> list[Path]:
    """Write uploaded files to a folder, refusing empty and oversized ones."""
    paths = []
    for upload in files:
        name = Path(upload.filename or "upload").name
        target = folder / name
        size = 0
        with target.open("wb") as out:
            while block := upload.file.read(1 << 20):
                size += len(block)
                if size > MAX_UPLOAD_BYTES:
                    raise Invalid.field("files", f"{name} is larger than "
                                                 f"{MAX_UPLOAD_BYTES // (1 << 20)} MB")
                out.write(block)
        if size == 0:
            raise Invalid.field("files", f"{name} is empty")
        paths.append(target)
    return paths


def recognise_list_importer(request: Request, session: SessionDep, settings: SettingsDep) -> None:
    """Give a stepped-up administrator's request the list-import body limit (ops/limits.py).

    The access dependencies read the form (for its CSRF token) before they know who calls, so
    this looks at the credential first, with the same step-up rule (deps.require_step_up).
    An administrator without a recent password proof is asked for it here, before a byte of
    the body is read: read at the ordinary limit, a large list would be refused with 413,
    which reads as "the file is too big". Anyone else keeps the ordinary body limit, and the
    access dependencies that follow answer them as usual.
    """
    ip = client_ip(request)
    raw_bearer = _bearer(request)
    raw_cookie = request.cookies.get(SESSION_COOKIE) or ""
    if raw_bearer is not None:
        user = account_service.user_for_bearer(session=session, raw=raw_bearer, actor_ip=ip)
    elif raw_cookie:
        user = account_service.user_for_web_session(
            session=session, raw=raw_cookie, idle_minutes=settings.session_idle_minutes)
    else:
        user = None
    if user is None or user.platform_role is not PlatformRole.ADMIN:
        return
    principal = Principal.load(session=session, user=user, via="api", ip=ip)
    require_step_up(request, session, settings, principal)
    limits.allow_list_import(request)


# Declared before the access rule, so that it runs before the form is read.
ListImporter = Annotated[None, Depends(recognise_list_importer)]
LIST_FIELD_MAX = {"list": 64, "name": 200}
# The upload form, described by hand: the route reads the form itself, after its access rule.
IMPORT_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "files"],
        "properties": {
            "format": {"type": "string", "enum": [f.value for f in ListFormat]},
            "files": {"type": "array", "maxItems": 3, "description":
                      "OFAC: sdn.csv, alt.csv, add.csv; other formats one file",
                      "items": {"type": "string", "format": "binary",
                                "maxLength": MAX_UPLOAD_BYTES}},
            "list": {"type": "string", "maxLength": LIST_FIELD_MAX["list"]},
            "name": {"type": "string", "maxLength": LIST_FIELD_MAX["name"]},
        },
    }}},
}


def _import_form(form: FormDep) -> tuple[ListFormat, list[UploadFile], str | None, str | None]:
    raw_format = form_text(form, "format")
    try:
        fmt = ListFormat(raw_format)
    except ValueError:
        choices = ", ".join(f.value for f in ListFormat)
        raise Invalid.field("format", f"Give the list's format: one of {choices}") from None
    files = [cast(UploadFile, f) for f in form.getlist("files")
             if isinstance(f, StarletteUpload) and f.filename]
    if not files:
        raise Invalid.field("files", "Give the list's file or files")
    texts: dict[str, str | None] = {}
    for field, most in LIST_FIELD_MAX.items():
        value = form_text(form, field)
        if len(value) > most:
            raise Invalid.field(field, f"At most {most} characters")
        texts[field] = value or None
    return fmt, files, texts["list"], texts["name"]


@router.post("/lists/import", response_model=ListRead, openapi_extra={"requestBody": IMPORT_BODY})
def import_list(
    _importer: ListImporter,
    principal: Admin,
    _step_up: StepUp,
    session: SessionDep,
    form: FormDep,
) -> ListRead:
    """Import a list's files as its next version (admins); returns the list's history."""
    fmt, files, list_key, name = _import_form(form)
    with tempfile.TemporaryDirectory(prefix="indusx-list-") as tmp:
        paths = save_uploads(files, Path(tmp))
        result = imports.import_list(session=session, fmt=fmt, paths=paths,
                                     actor=principal.actor, key=list_key or None,
                                     name=name or None)
    summary = next(s for s in imports.list_summaries(session=session)
                   if s.list.key == result.list_key)
    return _list_read(session, summary)
