"""API shapes for privacy: the erasure request and the consent answer."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from indusx.schemas import RequestModel


class ErasureIn(RequestModel):
    """Confirm the erasure of one's own account with its password."""

    password: str = Field(min_length=1, max_length=1024)


class ConsentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    notice_version: str
    accepted_at: datetime
    via: str
