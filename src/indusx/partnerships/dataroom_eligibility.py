"""A user's own declaration of export eligibility (US person, Indian national, other), which
data rooms read when deciding who opens Controlled Technical Data."""

from sqlalchemy.orm import Session

from indusx.accounts.models import Eligibility, User
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.errors import Invalid
from indusx.partnerships.dataroom_access import UNDECLARED


def declare_eligibility(
    *, session: Session, user: User, eligibility: str, actor: Actor
) -> User:
    """Record the user's own declaration (or "" to withdraw it), dated and audited."""
    try:
        value = Eligibility(eligibility) if eligibility else None
    except ValueError as exc:
        raise Invalid.field("eligibility", "choose one of the options") from exc
    before = {"eligibility": user.eligibility, "declared_at": user.eligibility_declared_at}
    user.eligibility = value
    user.eligibility_declared_at = utcnow() if value is not None else None
    session.flush()
    audit.record(session=session, actor=actor, action="user.eligibility", object_type="user",
                 object_id=user.id,
                 summary=f"declared eligibility: {value.value if value else UNDECLARED}",
                 before=before, after={"eligibility": user.eligibility,
                                       "declared_at": user.eligibility_declared_at})
    return user
