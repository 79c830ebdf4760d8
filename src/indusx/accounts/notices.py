"""Credential-change notices (ASVS 2.2.3, 2.5.x): the owner hears of each change to how they
sign in, in the app and by e-mail, with what to do if it was not them.

The kind `account_security` belongs to no notification topic, so nobody can turn these off
(notifications/preferences.py). A notice names the change, when and through which address it
was made; never a password, code, token or link that grants anything.
"""

from enum import StrEnum

from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.notifications import service as outbox
from indusx.notifications.models import Notification

KIND = "account_security"


class Change(StrEnum):
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    TWO_FACTOR_ON = "two_factor_on"
    TWO_FACTOR_OFF = "two_factor_off"
    TWO_FACTOR_RESET = "two_factor_reset"
    RECOVERY_CODES = "recovery_codes"
    TOKEN_CREATED = "token_created"


# What changed (a sentence), the e-mail's subject, and the page where the owner can look.
_WHAT: dict[Change, tuple[str, str, str]] = {
    Change.PASSWORD_CHANGED: ("Your password was changed", "password changed",
                              "/account/password"),
    Change.PASSWORD_RESET: ("Your password was reset with a link from a reset e-mail",
                            "password reset", "/account/password"),
    Change.TWO_FACTOR_ON: ("Two-factor authentication was turned on",
                           "two-factor authentication on", "/account/2fa"),
    Change.TWO_FACTOR_OFF: ("Two-factor authentication was turned off",
                            "two-factor authentication off", "/account/2fa"),
    Change.TWO_FACTOR_RESET: ("Your two-factor authentication (authenticator and recovery "
                              "codes) was removed and you were signed out everywhere",
                              "two-factor authentication reset", "/account/2fa"),
    Change.RECOVERY_CODES: ("New recovery codes were made; the old ones no longer work",
                            "new recovery codes", "/account/2fa"),
    Change.TOKEN_CREATED: ("A personal API token was created", "new personal API token",
                           "/account/tokens"),
}


def credential_changed(
    *, session: Session, user: User, change: Change, actor: Actor, detail: str = ""
) -> Notification:
    """Tell the account's owner that a credential changed, and what to do if it was not them."""
    what, subject, link = _WHAT[change]
    when = utcnow().strftime("%d %b %Y at %H:%M UTC")
    by = ""
    if actor.user_id is not None and actor.user_id != user.id:
        by = f" by {actor.email}"
    elif actor.ip:
        by = f" from the address {actor.ip}"
    body = (
        f"Hello {user.full_name},\n\n{what}{f' ({detail})' if detail else ''} on {when}{by}."
        "\n\nIf this was you, there is nothing to do.\n\n"
        "If it was not you, someone may have your password or a signed-in browser: reset your "
        "password at once (Forgot password on the sign-in page), which signs you out "
        "everywhere; revoke personal tokens you do not know on the API tokens page; and tell "
        "a platform administrator, who can check the account's audit log."
    )
    return outbox.enqueue(
        session=session, to_email=user.email, user_id=user.id, kind=KIND,
        subject=f"INDUS-X security notice: {subject}", body=body, link=link,
    )
