"""Comments on a partnership, with @mentions of people who may see it."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.notifications import service as notifications
from indusx.partnerships import access
from indusx.partnerships.models import Partnership, PartnershipComment
from indusx.partnerships.service import link

MENTION = re.compile(r"(?<![\w.+-])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


@dataclass(frozen=True, slots=True)
class CommentView:
    id: int
    author_id: int | None
    author: str | None
    body: str
    mentions: list[str]
    created_at: datetime
    edited_at: datetime | None
    deleted: bool


def mentioned_emails(body: str) -> list[str]:
    """Return the e-mail addresses a text mentions as @email, in order, without repeats."""
    return list(dict.fromkeys(m.lower().rstrip(".") for m in MENTION.findall(body)))


def _resolve(session: Session, partnership: Partnership, body: str) -> list[User]:
    emails = mentioned_emails(body)
    if not emails:
        return []
    users = {u.email.lower(): u for u in session.scalars(
        select(User).where(func.lower(User.email).in_(emails)))}
    unknown = [e for e in emails if e not in users]
    if unknown:
        raise Invalid.field("body", f"No user {unknown[0]}: mention people by their e-mail")
    outsiders = [e for e in emails if not access.user_can_view(session, users[e], partnership)]
    if outsiders:
        raise Invalid.field("body", f"{', '.join(outsiders)} cannot see this partnership, so "
                                    "cannot be mentioned; only members of the parties and "
                                    "officers can")
    return [users[e] for e in emails]


def _notify(session: Session, partnership: Partnership, principal: Principal,
            users: list[User]) -> None:
    for user in users:
        if user.id == principal.user.id:
            continue
        notifications.enqueue(
            session=session, to_email=user.email, kind="partnership_mention",
            subject=f"{principal.user.email} mentioned you on {partnership.title}",
            body=f"{principal.user.email} mentioned you in a comment on the partnership "
                 f"{partnership.title}.", user_id=user.id, link=link(partnership.id))


def add(*, session: Session, principal: Principal, partnership_id: int,
        body: str) -> PartnershipComment:
    """Comment on a partnership the principal may see; notify whom it mentions."""
    partnership = access.viewable(session, principal, partnership_id)
    body = body.strip()
    if not body:
        raise Invalid.field("body", "Write something")
    mentioned = _resolve(session, partnership, body)
    comment = PartnershipComment(partnership_id=partnership.id, author_id=principal.user.id,
                                 body=body, mentions=[u.id for u in mentioned])
    session.add(comment)
    session.flush()
    audit.record(session=session, actor=principal.actor, action="partnership.comment.create",
                 object_type="partnership_comment", object_id=comment.id,
                 summary=f"commented on '{partnership.title}'",
                 after={"partnership_id": partnership.id, "body": body,
                        "mentions": [u.email for u in mentioned]})
    _notify(session, partnership, principal, mentioned)
    return comment


def _own(session: Session, principal: Principal, partnership_id: int,
         comment_id: int) -> tuple[Partnership, PartnershipComment]:
    partnership = access.viewable(session, principal, partnership_id)
    comment = session.get(PartnershipComment, comment_id)
    if comment is None or comment.partnership_id != partnership.id:
        raise NotFound("No such comment")
    if comment.author_id != principal.user.id:
        raise Forbidden("Only its author may change a comment")
    if comment.deleted_at is not None:
        raise Conflict("This comment was deleted")
    return partnership, comment


def edit(*, session: Session, principal: Principal, partnership_id: int, comment_id: int,
         body: str) -> PartnershipComment:
    """Change one's own comment; people newly mentioned are notified."""
    partnership, comment = _own(session, principal, partnership_id, comment_id)
    body = body.strip()
    if not body:
        raise Invalid.field("body", "Write something")
    mentioned = _resolve(session, partnership, body)
    before = comment.body
    new = [u for u in mentioned if u.id not in set(comment.mentions)]
    comment.body, comment.mentions, comment.edited_at = body, [u.id for u in mentioned], utcnow()
    session.flush()
    audit.record(session=session, actor=principal.actor, action="partnership.comment.update",
                 object_type="partnership_comment", object_id=comment.id,
                 summary=f"edited a comment on '{partnership.title}'",
                 before={"body": before}, after={"body": body})
    _notify(session, partnership, principal, new)
    return comment


def delete(*, session: Session, principal: Principal, partnership_id: int,
           comment_id: int) -> PartnershipComment:
    """Delete one's own comment; the record is kept, its text no longer shown."""
    partnership, comment = _own(session, principal, partnership_id, comment_id)
    comment.deleted_at = utcnow()
    session.flush()
    audit.record(session=session, actor=principal.actor, action="partnership.comment.delete",
                 object_type="partnership_comment", object_id=comment.id,
                 summary=f"deleted a comment on '{partnership.title}'",
                 before={"body": comment.body})
    return comment


def list_for(*, session: Session, partnership_id: int) -> list[CommentView]:
    """Return the partnership's comments, oldest first, deleted ones without their text."""
    rows = list(session.scalars(select(PartnershipComment)
                                .where(PartnershipComment.partnership_id == partnership_id)
                                .order_by(PartnershipComment.created_at, PartnershipComment.id)))
    ids = {r.author_id for r in rows if r.author_id} | {i for r in rows for i in r.mentions}
    emails = dict(session.execute(select(User.id, User.email)
                                  .where(User.id.in_(list(ids) or [-1]))).all())
    return [CommentView(r.id, r.author_id, emails.get(r.author_id or 0),
                        "" if r.deleted_at else r.body,
                        [] if r.deleted_at else [emails[i] for i in r.mentions if i in emails],
                        r.created_at, r.edited_at, r.deleted_at is not None) for r in rows]


def mention_candidates(*, session: Session, partnership_id: int, typed: str = "",
                       limit: int = 10) -> list[str]:
    """Return e-mails of party members and assigned officers starting with what is typed."""
    orgs = access.party_org_ids(session, partnership_id)
    members = select(Membership.user_id).where(Membership.org_id.in_(orgs or [-1]))
    ids = set(session.scalars(members)) | set(access.assigned_officer_ids(session,
                                                                         partnership_id))
    stmt = select(User.email).where(User.id.in_(list(ids) or [-1]), User.is_active)
    if typed:
        stmt = stmt.where(func.lower(User.email).startswith(typed.lower().lstrip("@")))
    return list(session.scalars(stmt.order_by(User.email).limit(limit)))
