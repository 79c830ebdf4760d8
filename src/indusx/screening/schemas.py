"""API shapes for screening checks, cases and lists."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from indusx.screening.engine.types import EntityType
from indusx.screening.facts import parse_birth_date, parse_country
from indusx.screening.models import CaseStatus, SubjectKind


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    country: str | None = Field(
        None, max_length=100, description="ISO code or English country name"
    )
    type: EntityType | None = None
    birth_date: str | None = Field(
        None, max_length=40, description="a year (1960) or a date (1960-05-31)"
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return parse_country(value)

    @field_validator("birth_date")
    @classmethod
    def _birth_date(cls, value: str | None) -> str | None:
        return parse_birth_date(value)


class HitRead(BaseModel):
    list_name: str = Field(serialization_alias="list",
                           description="the source list, e.g. 'OFAC SDN'")
    list_key: str
    entry_id: str = Field(description="the list's own identifier (OFAC ent_num, UN DATAID...)")
    name: str = Field(description="the entry's primary name")
    matched_name: str
    score: float
    reasons: list[str]
    matched_fields: list[str]
    programs: list[str] = []


class CheckResult(BaseModel):
    name: str
    threshold: float
    hits: list[HitRead]


class CaseRead(BaseModel):
    id: int
    status: CaseStatus
    subject_kind: SubjectKind
    subject_name: str
    org_id: int | None
    list_name: str = Field(serialization_alias="list")
    list_key: str
    list_version: int
    entry_id: str
    entry_name: str
    matched_name: str
    score: float
    reasons: list[str]
    matched_fields: list[str]
    decision_reason: str
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime


class CasePage(BaseModel):
    items: list[CaseRead]
    total: int
    page: int
    per_page: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: CaseStatus = Field(description="false-positive, confirmed or cleared")
    reason: str = Field(min_length=5, max_length=2000)


class VersionRead(BaseModel):
    number: int
    imported_at: datetime
    imported_by: str
    entry_count: int
    added: int
    removed: int
    changed: int
    files: list[dict[str, object]]


class ListRead(BaseModel):
    key: str
    name: str
    format: str
    live_entries: int
    versions: list[VersionRead]
