"""REST API for privacy: a user's own data export, account erasure and notice consent."""

from typing import Any

from fastapi import APIRouter, Response, status

from indusx.accounts import step_up, throttle
from indusx.accounts.routes import refuse
from indusx.deps import SessionDep, SettingsDep, SignedIn
from indusx.errors import Invalid
from indusx.privacy import service as privacy_service
from indusx.privacy.schemas import ConsentRead, ErasureIn

router = APIRouter(prefix="/api/v1", tags=["privacy"])


@router.get("/me/data")
def my_data(principal: SignedIn, session: SessionDep) -> dict[str, Any]:
    """Return everything the platform holds about the caller (no secrets)."""
    return privacy_service.export_data(session=session, user=principal.user)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
def erase_me(
    body: ErasureIn, principal: SignedIn, session: SessionDep, settings: SettingsDep
) -> Response:
    """Erase the caller's account and personal data, proven with its password.

    Refused (409) while the caller is the last owner of an organisation or the last admin;
    wrong passwords count towards the account's sign-in lockout (429 with Retry-After).
    """
    user = principal.user
    result = step_up.recheck_password(session=session, settings=settings, user=user,
                                      password=body.password, actor=principal.actor)
    if result.wait:
        refuse(session, throttle.TooManyAttempts(result.wait))
    if not result.proven:
        refuse(session, Invalid.field("password", "that is not your password"))
    privacy_service.erase_account(session=session, user=user, confirm_email=user.email,
                                  actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/consents", response_model=list[ConsentRead])
def my_consents(principal: SignedIn, session: SessionDep) -> list[ConsentRead]:
    """Return the caller's acceptances of the privacy notice, oldest first."""
    return [ConsentRead.model_validate(c)
            for c in privacy_service.consents_of(session=session, user_id=principal.user.id)]


@router.post("/me/consents", response_model=ConsentRead, status_code=status.HTTP_201_CREATED)
def accept_notice(principal: SignedIn, session: SessionDep) -> ConsentRead:
    """Accept the current privacy notice (the version is in GET /privacy)."""
    consent = privacy_service.record_consent(session=session, user=principal.user,
                                             actor=principal.actor, via="api")
    return ConsentRead.model_validate(consent)
