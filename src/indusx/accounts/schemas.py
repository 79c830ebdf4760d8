"""Account inputs and outputs for the API."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from indusx.accounts.models import OrgRole, PlatformRole, TokenKind
from indusx.accounts.passwords import MAX_PASSWORD_LENGTH
from indusx.schemas import Email, RequestModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# New passwords are checked by the service (accounts/passwords.py), which knows the user's
# name and e-mail and the configured minimum length.
NewPassword = Annotated[str, Field(max_length=MAX_PASSWORD_LENGTH)]


class LoginIn(RequestModel):
    email: Email
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    totp: str | None = Field(
        default=None, max_length=40,
        description="The current code of the authenticator app, or a recovery code; "
                    "required for accounts with two-factor authentication.",
    )


class AccessTokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class SignupIn(RequestModel):
    email: Email
    full_name: Name
    password: NewPassword


class UserCreate(RequestModel):
    email: Email
    full_name: Name
    platform_role: PlatformRole = PlatformRole.MEMBER
    password: NewPassword | None = Field(
        default=None, description="Omit to send an invitation instead."
    )


class UserUpdate(RequestModel):
    full_name: Name | None = None
    platform_role: PlatformRole | None = None
    is_active: bool | None = None


class MembershipRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    org_id: int
    role: OrgRole


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str
    platform_role: PlatformRole
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


class UserPage(BaseModel):
    items: list[UserRead]
    total: int
    page: int
    page_size: int


class TokenCreate(RequestModel):
    name: Name = "API token"
    expires_days: int | None = Field(default=90, ge=1, le=365)


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: TokenKind
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="Shown once; only its hash is stored.")


class PasswordResetRequest(RequestModel):
    email: Email


class PasswordResetIn(RequestModel):
    token: str = Field(min_length=10, max_length=200)
    password: NewPassword


class MemberAdd(RequestModel):
    email: Email
    role: OrgRole = OrgRole.VIEWER
    full_name: Name | None = None
