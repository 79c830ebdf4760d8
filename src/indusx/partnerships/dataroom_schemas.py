"""Request and response bodies of the data-room API."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from indusx.accounts.models import Eligibility
from indusx.partnerships import markings
from indusx.partnerships.dataroom_documents import DocumentRow
from indusx.partnerships.dataroom_log import LogRow
from indusx.partnerships.dataroom_models import AccessAction, AccessOutcome, DocumentVersion
from indusx.partnerships.dataroom_service import MemberRow, RoomContext
from indusx.partnerships.markings import Marking


class DecisionRead(BaseModel):
    allowed: bool
    reasons: list[str]


class VersionRead(BaseModel):
    number: int
    title: str
    description: str
    marking: Marking
    marking_label: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    download_url: str

    @classmethod
    def of(cls, partnership_id: int, version: DocumentVersion) -> "VersionRead":
        """Return the API view of a version."""
        return cls(
            number=version.number, title=version.title, description=version.description,
            marking=version.marking, marking_label=markings.label(version.marking),
            filename=version.filename, content_type=version.content_type,
            size_bytes=version.size_bytes, sha256=version.sha256,
            uploaded_at=version.created_at,
            download_url=f"/api/v1/partnerships/{partnership_id}/documents/"
                         f"{version.document_id}/download?version={version.number}",
        )


class DocumentRead(BaseModel):
    id: int
    latest: VersionRead
    may_open: bool = Field(description="whether the caller may view and download it now")
    reasons: list[str] = Field(description="why not, when may_open is false")

    @classmethod
    def of(cls, partnership_id: int, row: DocumentRow) -> "DocumentRead":
        """Return the API view of a listed document."""
        return cls(id=row.document.id, latest=VersionRead.of(partnership_id, row.latest),
                   may_open=row.decision.allowed, reasons=list(row.decision.reasons))


class DocumentDetail(BaseModel):
    id: int
    partnership_id: int
    version: VersionRead = Field(description="the version asked for (the latest by default)")
    versions: list[VersionRead]
    banner: str


class RoomRead(BaseModel):
    partnership_id: int
    is_member: bool
    manager: bool
    allowed_countries: list[str]
    allowed_eligibilities: list[str]
    authorisation_reference: str
    authorisation_expires_on: date | None
    controlled_data_covered: DecisionRead
    documents: list[DocumentRead]

    @classmethod
    def of(cls, ctx: RoomContext, rows: list[DocumentRow]) -> "RoomRead":
        """Return the API view of a room and its documents."""
        coverage = ctx.coverage()
        return cls(
            partnership_id=ctx.partnership.id, is_member=ctx.is_member, manager=ctx.manager,
            allowed_countries=list(ctx.room.allowed_countries),
            allowed_eligibilities=list(ctx.room.allowed_eligibilities),
            authorisation_reference=ctx.room.authorisation_reference,
            authorisation_expires_on=ctx.room.authorisation_expires_on,
            controlled_data_covered=DecisionRead(allowed=coverage.allowed,
                                                 reasons=list(coverage.reasons)),
            documents=[DocumentRead.of(ctx.partnership.id, r) for r in rows],
        )


class MemberRead(BaseModel):
    user_id: int
    name: str
    email: str
    organisations: str
    eligibility: str
    active: bool = Field(description="false once they leave the party or are unassigned")
    officer: bool

    @classmethod
    def of(cls, row: MemberRow) -> "MemberRead":
        """Return the API view of a member."""
        return cls(user_id=row.user_id, name=row.name, email=row.email, organisations=row.orgs,
                   eligibility=row.eligibility, active=row.active, officer=row.officer)


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int


class AuthorisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(max_length=120, description="e.g. a DSP-5, TAA or SCOMET licence "
                                                        "number; empty clears it")
    expires_on: date | None = None


class RulesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    allowed_countries: list[Annotated[str, StringConstraints(max_length=2)]] = Field(
        min_length=1, max_length=250
    )
    allowed_eligibilities: list[Eligibility] = Field(min_length=1, max_length=len(Eligibility))


class LogEntryRead(BaseModel):
    at: datetime
    user: str
    document_id: int
    title: str
    version: int
    marking: Marking
    action: AccessAction
    outcome: AccessOutcome
    reason: str

    @classmethod
    def of(cls, row: LogRow) -> "LogEntryRead":
        """Return the API view of an access-log entry."""
        return cls(at=row.at, user=row.email, document_id=row.document_id, title=row.title,
                   version=row.version, marking=row.marking, action=row.action,
                   outcome=row.outcome, reason=row.reason)


class EligibilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    eligibility: Eligibility | None = Field(description="null withdraws the declaration")


class EligibilityRead(BaseModel):
    eligibility: Eligibility | None
    declared_at: datetime | None
