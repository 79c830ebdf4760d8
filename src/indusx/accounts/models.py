"""Users, memberships, sessions, API and one-time tokens, second factors and sign-in throttling."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from indusx.db import Base, UTCDateTime, utcnow


class PlatformRole(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    MEMBER = "member"


class OrgRole(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


class Eligibility(StrEnum):
    """A user's own declaration for export-controlled data (data rooms); None is undeclared."""

    US_PERSON = "us-person"
    INDIAN_NATIONAL = "indian-national"
    OTHER_FOREIGN_PERSON = "other-foreign-person"


class TokenKind(StrEnum):
    PERSONAL = "personal"
    ACCESS = "access"


class OneTimeKind(StrEnum):
    PASSWORD_RESET = "password_reset"
    INVITATION = "invitation"


def _enum(cls: type[StrEnum], name: str) -> Enum:
    """Return a portable enum column type that stores the members' values."""
    return Enum(
        cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
    )


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    platform_role: Mapped[PlatformRole] = mapped_column(
        _enum(PlatformRole, "platform_role"), default=PlatformRole.MEMBER
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A mentor offers their expertise to start-ups; matchmaking's mentoring mode suggests them.
    is_mentor: Mapped[bool] = mapped_column(default=False, index=True)
    expertise: Mapped[str] = mapped_column(Text, default="")
    # Declared by the user (audited); data rooms share Controlled Technical Data by it.
    eligibility: Mapped[Eligibility | None] = mapped_column(_enum(Eligibility, "eligibility"))
    eligibility_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def is_admin(self) -> bool:
        return self.platform_role is PlatformRole.ADMIN

    @property
    def is_officer(self) -> bool:
        return self.platform_role in (PlatformRole.ADMIN, PlatformRole.OFFICER)


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "org_id", name="uq_membership_user_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[OrgRole] = mapped_column(_enum(OrgRole, "org_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships", lazy="raise")


class WebSession(Base):
    """A server-side browser session; the cookie holds a secret whose hash is the key."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Idle expiry: refreshed at most once a minute, so that reading pages rarely writes.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After the password and before the second factor: signs nobody in.
    pending_second_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When the user last proved their password (and second factor) in this session: at sign-in,
    # and again on the "Confirm it's you" page; sensitive actions need it recent (step_up.py).
    authenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user_kind", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[TokenKind] = mapped_column(_enum(TokenKind, "token_kind"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OneTimeToken(Base):
    """A single-use secret for a password reset or an invitation; only its hash is stored."""

    __tablename__ = "one_time_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OneTimeKind] = mapped_column(_enum(OneTimeKind, "one_time_kind"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    org_role: Mapped[OrgRole | None] = mapped_column(_enum(OrgRole, "org_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SecondFactor(Base):
    """A user's TOTP authenticator (RFC 6238); confirmed once they typed a code from it.

    The secret itself is not stored: it is derived from the app's secret key and `salt`
    (see accounts/totp.py), so a copy of the database alone cannot produce codes.
    """

    __tablename__ = "second_factor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    salt: Mapped[str] = mapped_column(String(64))
    # How the secret is derived (accounts/totp.py: DERIVATION); 1 for enrolments from before.
    derivation: Mapped[int] = mapped_column(default=1, server_default="1")
    # The public id of the app key it was derived with (accounts/secrets.py: key_id); None for
    # enrolments from before, stamped at their next code.
    key_id: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last code accepted: a code works once (RFC 6238 section 5.2).
    last_step: Mapped[int | None] = mapped_column()


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator; stored as an argon2 hash."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInThrottle(Base):
    """Attempts and failures under one key (an account's e-mail, a client address) in a window.

    In the database so that several worker processes share the counts; rows idle for a day
    are pruned (accounts.throttle.prune).
    """

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Lockouts in a row: each one lasts twice as long as the last, up to a cap.
    lockouts: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
