"""Proposals: drafts that are never lost, consortia that confirm, eligibility and screening on
submission, the deadline enforced at the challenge's time, attachments, withdrawal."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.challenges import access, files
from indusx.challenges import service as challenge_service
from indusx.challenges.models import (
    Attachment,
    Challenge,
    Decision,
    DecisionStage,
    Outcome,
    PartyRole,
    Phase,
    Proposal,
    ProposalParty,
    ProposalStatus,
)
from indusx.challenges.schemas import (
    AttachmentRead,
    CheckRead,
    PartyRead,
    ProposalRead,
    ProposalSummary,
    ProposalUpdate,
)
from indusx.config import Settings
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.notifications import service as notifications
from indusx.ops import quotas
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import COUNTRY_LABELS, KIND_LABELS, Country, OrgKind
from indusx.screening import service as screening_service

_EDITORS = (OrgRole.OWNER, OrgRole.EDITOR)


class StaleSave(Conflict):
    """A save based on an older version than the one stored: refused, nothing overwritten."""

    def __init__(self, proposal: Proposal, sent: int) -> None:
        when = proposal.updated_at.strftime("%H:%M:%S UTC")
        super().__init__(
            f"This proposal was changed elsewhere (version {proposal.version}, saved {when}) "
            f"after the version {sent} you edited. Your text was not saved and nothing was "
            "overwritten: copy your changes, reload, and apply them again.",
            errors=[
                {"field": "version", "message": f"stale: the stored version is {proposal.version}"}
            ],
        )
        self.proposal = proposal


# --- loading and access -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Loaded:
    """A proposal with its challenge and what the caller may do with it."""

    proposal: Proposal
    challenge: Challenge
    can: access.ProposalAccess


def load(*, session: Session, principal: Principal, proposal_id: int) -> Loaded:
    """Return a proposal the caller may read, else raise NotFound."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"No proposal with id {proposal_id}")
    challenge = session.get_one(Challenge, proposal.challenge_id)
    can = access.proposal_access(session, principal, challenge, proposal)
    if not can.read and not can.confirm_org_ids:
        raise NotFound(f"No proposal with id {proposal_id}")
    return Loaded(proposal, challenge, can)


def parties_of(session: Session, proposal_id: int) -> list[tuple[ProposalParty, Organisation]]:
    """Return the proposal's organisations, the lead first."""
    rows = session.execute(
        select(ProposalParty, Organisation)
        .join(Organisation, Organisation.id == ProposalParty.org_id)
        .where(ProposalParty.proposal_id == proposal_id)
        .order_by(ProposalParty.invited_at, Organisation.name)
    ).all()
    out = [(p, o) for p, o in rows]
    out.sort(key=lambda row: row[0].role is not PartyRole.LEAD)
    return out


def attachments_of(session: Session, proposal_id: int) -> list[Attachment]:
    """Return the proposal's files, oldest first."""
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.proposal_id == proposal_id)
            .order_by(Attachment.created_at, Attachment.id)
        )
    )


def party_state(party: ProposalParty) -> str:
    """Return lead, confirmed, declined or invited."""
    if party.role is PartyRole.LEAD:
        return "lead"
    if party.confirmed_at is not None:
        return "confirmed"
    return "declined" if party.declined_at is not None else "invited"


def blind_filename(a: Attachment, number: int) -> str:
    """Return the name a blind reviewer sees for a proposal's n-th file (its type kept)."""
    return f"Attachment {number}{PurePath(a.filename).suffix.lower()}"


def shown_filename(session: Session, loaded: Loaded, a: Attachment) -> str:
    """Return an attachment's name as the caller may see it."""
    if loaded.can.see_identity:
        return a.filename
    ids = [x.id for x in attachments_of(session, a.proposal_id)]
    return blind_filename(a, ids.index(a.id) + 1)


def attachment_read(a: Attachment, filename: str | None = None) -> AttachmentRead:
    """Return the API view of an attachment (under another name for a blind reviewer)."""
    return AttachmentRead(
        id=a.id,
        proposal_id=a.proposal_id,
        filename=filename or a.filename,
        content_type=a.content_type,
        size_bytes=a.size_bytes,
        sha256=a.sha256,
        created_at=a.created_at,
        download_url=f"/api/v1/attachments/{a.id}",
    )


def read(session: Session, loaded: Loaded) -> ProposalRead:
    """Return everything about a proposal that the caller may see."""
    proposal, challenge = loaded.proposal, loaded.challenge
    parties = parties_of(session, proposal.id)
    # Reviewers see the content, not the applicants' to-do list.
    applicant = loaded.can.review is None or loaded.can.manage or loaded.can.edit
    blind = not loaded.can.see_identity
    co_number = iter(range(1, len(parties) + 1))

    def party_name(p: ProposalParty, o: Organisation) -> str:
        if not blind:
            return o.name
        return "Lead applicant" if p.role is PartyRole.LEAD else f"Co-applicant {next(co_number)}"

    return ProposalRead(
        id=proposal.id,
        challenge_id=challenge.id,
        challenge_title=challenge.title,
        lead_org_id=None if blind else proposal.lead_org_id,
        title=proposal.title,
        summary=proposal.summary,
        answers=dict(proposal.answers or {}),
        trl=proposal.trl,
        requested_usd=proposal.requested_usd,
        status=proposal.status,
        version=proposal.version,
        parties=[
            PartyRead(
                org_id=None if blind else o.id,
                name=party_name(p, o),
                slug=None if blind else o.slug,
                country=o.country.value,
                kind=o.kind.value,
                role=p.role,
                state=party_state(p),
                invited_at=p.invited_at,
                confirmed_at=p.confirmed_at,
                declined_at=p.declined_at,
            )
            for p, o in parties
        ],
        attachments=[
            attachment_read(a, blind_filename(a, n) if blind else None)
            for n, a in enumerate(attachments_of(session, proposal.id), start=1)
        ],
        created_at=proposal.created_at,
        updated_at=proposal.updated_at,
        submitted_at=proposal.submitted_at,
        withdrawn_at=proposal.withdrawn_at,
        checklist=[
            CheckRead(field=c.field, label=c.label, ok=c.ok, message=c.message)
            for c in checklist(session, challenge, proposal, parties)
        ]
        if applicant
        else [],
    )


def summaries(session: Session, proposals: Sequence[Proposal]) -> list[ProposalSummary]:
    """Return listing rows of proposals."""
    lead_ids = list({p.lead_org_id for p in proposals}) or [-1]
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(lead_ids))
    ).all()
    names = {org_id: name for org_id, name in rows}
    return [
        ProposalSummary(
            id=p.id,
            challenge_id=p.challenge_id,
            lead_org_id=p.lead_org_id,
            lead=names.get(p.lead_org_id, ""),
            title=p.title,
            status=p.status,
            version=p.version,
            updated_at=p.updated_at,
            submitted_at=p.submitted_at,
        )
        for p in proposals
    ]


def list_for_challenge(
    *, session: Session, principal: Principal, challenge: Challenge
) -> list[Proposal]:
    """Return the challenge's proposals: all for its managers, else the caller's own."""
    query = select(Proposal).where(Proposal.challenge_id == challenge.id)
    if not access.can_manage(session, principal, challenge):
        query = query.where(_mine(principal))
    return list(session.scalars(query.order_by(Proposal.updated_at.desc(), Proposal.id.desc())))


def _mine(principal: Principal) -> Any:
    return Proposal.id.in_(
        select(ProposalParty.proposal_id).where(
            ProposalParty.org_id.in_(list(principal.org_roles) or [-1])
        )
    )


def my_proposals(*, session: Session, principal: Principal) -> list[tuple[Proposal, Challenge]]:
    """Return the proposals of every organisation the caller belongs to, newest first."""
    rows = session.execute(
        select(Proposal, Challenge)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(_mine(principal))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    ).all()
    return [(p, c) for p, c in rows]


def existing_for(*, session: Session, challenge_id: int, org_ids: list[int]) -> dict[int, Proposal]:
    """Return the challenge's proposals led by these organisations, by lead."""
    if not org_ids:
        return {}
    rows = session.scalars(
        select(Proposal).where(
            Proposal.challenge_id == challenge_id, Proposal.lead_org_id.in_(org_ids)
        )
    )
    return {p.lead_org_id: p for p in rows}


# --- notifications ----------------------------------------------------------------------------


def _notify_org(
    session: Session,
    org_id: int,
    *,
    kind: str,
    subject: str,
    body: str,
    link: str,
    roles: tuple[OrgRole, ...] = _EDITORS,
    skip_user_id: int | None = None,
) -> int:
    sent = 0
    for membership, user in account_service.members_of(session=session, org_id=org_id):
        if membership.role in roles and user.id != skip_user_id and user.is_active:
            notifications.enqueue(
                session=session,
                to_email=user.email,
                user_id=user.id,
                kind=kind,
                subject=subject,
                body=body,
                link=link,
            )
            sent += 1
    return sent


# --- the deadline and edits -------------------------------------------------------------------


def deadline_text(challenge: Challenge) -> str:
    """Return the deadline in the challenge's time zone and in UTC."""
    tz_text = challenge_service.local(challenge.deadline_at, challenge.timezone)
    utc_text = challenge_service.local(challenge.deadline_at, "UTC", "%H:%M UTC")
    return tz_text if challenge.timezone == "UTC" else f"{tz_text} ({utc_text})"


def past_deadline(challenge: Challenge) -> bool:
    """Return whether the challenge's deadline has passed (by the server's clock)."""
    return challenge.deadline_at is not None and challenge_service.now() > challenge.deadline_at


def _require_open(challenge: Challenge, doing: str) -> None:
    if past_deadline(challenge):
        raise Conflict(
            f"The deadline for '{challenge.title}' was {deadline_text(challenge)}; {doing} is "
            "no longer possible. Your draft is kept.",
            errors=[
                {"field": "deadline_at", "message": f"the deadline was {deadline_text(challenge)}"}
            ],
        )
    if challenge.phase is not Phase.OPEN:
        raise Conflict(
            f"'{challenge.title}' is not open for proposals "
            f"({challenge_service.PHASE_LABELS[challenge.phase].lower()}); {doing} is not "
            "possible now",
            errors=[{"field": "phase", "message": "the challenge is not open"}],
        )


def _require_edit(loaded: Loaded, doing: str) -> None:
    if not loaded.can.edit:
        raise Forbidden(f"Only the lead organisation's owners and editors may {doing}")
    if loaded.proposal.status is ProposalStatus.WITHDRAWN:
        raise Conflict("This proposal was withdrawn; start it again from the challenge page")


def _touch(proposal: Proposal) -> None:
    proposal.version += 1
    proposal.updated_at = utcnow()


def start(
    *,
    session: Session,
    principal: Principal,
    challenge: Challenge,
    lead_org_id: int,
    title: str = "",
) -> Proposal:
    """Start a draft led by one of the caller's organisations (or return the one it has)."""
    if principal.role_in(lead_org_id) not in _EDITORS:
        raise Forbidden(
            "You may start a proposal only for an organisation you own or edit",
            errors=[{"field": "lead_org_id", "message": "you are not an owner or editor of it"}],
        )
    org = session.get_one(Organisation, lead_org_id)
    if org.kind is OrgKind.GOVERNMENT:
        raise Invalid.field(
            "lead_org_id", "government agencies sponsor challenges; they do not apply to them"
        )
    _require_open(challenge, "starting a proposal")
    existing = existing_for(session=session, challenge_id=challenge.id, org_ids=[lead_org_id])
    proposal = existing.get(lead_org_id)
    if proposal is not None:
        if proposal.status is ProposalStatus.WITHDRAWN:
            proposal.status = ProposalStatus.DRAFT
            proposal.withdrawn_at = None
            _touch(proposal)
            audit.record(
                session=session,
                actor=principal.actor,
                action="proposal.reopen",
                object_type="proposal",
                object_id=proposal.id,
                summary=f"reopened the withdrawn proposal of {org.name}",
            )
        return proposal
    proposal = Proposal(
        challenge_id=challenge.id,
        lead_org_id=lead_org_id,
        title=title.strip(),
        answers={},
        created_by_id=principal.user.id,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    session.add(proposal)
    session.flush()
    session.add(
        ProposalParty(
            proposal_id=proposal.id,
            org_id=lead_org_id,
            role=PartyRole.LEAD,
            invited_by_id=principal.user.id,
            confirmed_by_id=principal.user.id,
            confirmed_at=utcnow(),
        )
    )
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="proposal.create",
        object_type="proposal",
        object_id=proposal.id,
        summary=f"{org.name} started a proposal to '{challenge.title}'",
        after={"challenge_id": challenge.id, "lead_org_id": lead_org_id},
    )
    return proposal


def save(
    *, session: Session, principal: Principal, loaded: Loaded, update_in: ProposalUpdate
) -> Proposal:
    """Save the draft (autosave): refused if based on an older version, or after the deadline."""
    _require_edit(loaded, "edit this proposal")
    proposal, challenge = loaded.proposal, loaded.challenge
    if update_in.version != proposal.version:
        raise StaleSave(proposal, update_in.version)
    _require_open(challenge, "editing the proposal")
    changes = update_in.model_dump(exclude_unset=True, exclude={"version"})
    if "answers" in changes:
        known = {str(q.id) for q in challenge_service.questions_of(session, challenge.id)}
        unknown = sorted(set(changes["answers"] or {}) - known)
        if unknown:
            raise Invalid(
                "Answers name questions this challenge does not ask",
                errors=[{"field": f"answers.{k}", "message": "no such question"} for k in unknown],
            )
        changes["answers"] = {**(proposal.answers or {}), **(changes["answers"] or {})}
    before = {k: getattr(proposal, k) for k in changes}
    for name, value in changes.items():
        if value is None and name in ("title", "summary"):
            value = ""
        setattr(proposal, name, value)
    changed = [k for k in changes if before[k] != getattr(proposal, k)]
    if not changed:
        return proposal
    if proposal.status is ProposalStatus.SUBMITTED:
        # A submitted proposal stays submittable: an edit may not break what was checked.
        problems = [c for c in content_checks(session, challenge, proposal) if not c.ok]
        if problems:
            raise Invalid(
                "A submitted proposal must stay complete: "
                + "; ".join(c.message for c in problems),
                errors=[{"field": c.field, "message": c.message} for c in problems],
            )
    _touch(proposal)
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="proposal.update",
        object_type="proposal",
        object_id=proposal.id,
        summary=f"saved version {proposal.version} of proposal {proposal.id}",
        # Long texts are not copied into the log: which fields changed is what matters.
        after={"version": proposal.version, "fields": sorted(changed)},
    )
    return proposal


# --- consortia --------------------------------------------------------------------------------


def invite(*, session: Session, principal: Principal, loaded: Loaded, org_id: int) -> ProposalParty:
    """Add a co-applicant organisation; its owners and editors are asked to confirm."""
    _require_edit(loaded, "invite co-applicants")
    proposal, challenge = loaded.proposal, loaded.challenge
    _require_open(challenge, "inviting a co-applicant")
    org = session.get(Organisation, org_id)
    if org is None:
        raise Invalid.field("org_id", f"there is no organisation with id {org_id}")
    if org.kind is OrgKind.GOVERNMENT:
        raise Invalid.field("org_id", f"{org.name} is a government agency, not an applicant")
    if session.get(ProposalParty, (proposal.id, org_id)) is not None:
        raise Conflict(
            f"{org.name} is already part of this proposal",
            errors=[{"field": "org_id", "message": "already a party"}],
        )
    party = ProposalParty(
        proposal_id=proposal.id,
        org_id=org_id,
        role=PartyRole.CO_APPLICANT,
        invited_by_id=principal.user.id,
        invited_at=utcnow(),
    )
    session.add(party)
    _touch(proposal)
    session.flush()
    lead = session.get_one(Organisation, proposal.lead_org_id)
    audit.record(
        session=session,
        actor=principal.actor,
        action="proposal.co_applicant.invite",
        object_type="proposal",
        object_id=proposal.id,
        summary=f"{lead.name} invited {org.name} to co-apply to '{challenge.title}'",
        after={"org_id": org_id},
    )
    _notify_org(
        session,
        org_id,
        kind="challenge_co_applicant_invited",
        subject=f"{lead.name} invites {org.name} to a joint proposal",
        body=f"{lead.name} names {org.name} as a co-applicant in its proposal to the challenge "
        f"'{challenge.title}'. Confirm or decline your participation; the proposal cannot be "
        f"submitted until you do. Deadline: {deadline_text(challenge)}.",
        link=f"/proposals/{proposal.id}/confirm",
    )
    return party


def remove_party(*, session: Session, principal: Principal, loaded: Loaded, org_id: int) -> None:
    """Take a co-applicant off the proposal (the lead stays)."""
    _require_edit(loaded, "change the consortium")
    proposal = loaded.proposal
    _require_open(loaded.challenge, "changing the consortium")
    party = session.get(ProposalParty, (proposal.id, org_id))
    if party is None or party.role is PartyRole.LEAD:
        raise NotFound("That organisation is not a co-applicant of this proposal")
    session.delete(party)
    _touch(proposal)
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="proposal.co_applicant.remove",
        object_type="proposal",
        object_id=proposal.id,
        summary=f"removed organisation {org_id} from proposal {proposal.id}",
        before={"org_id": org_id, "state": party_state(party)},
    )


def respond(
    *,
    session: Session,
    principal: Principal,
    loaded: Loaded,
    accept: bool,
    org_id: int | None = None,
) -> ProposalParty:
    """Confirm or decline participation for one of the caller's co-applicant organisations."""
    choices = loaded.can.confirm_org_ids
    if org_id is None and len(choices) == 1:
        org_id = choices[0]
    if org_id is None or org_id not in choices:
        raise Forbidden(
            "Only a co-applicant's owners and editors may confirm or decline for it",
            errors=[{"field": "org_id", "message": "not one of your co-applicant organisations"}],
        )
    proposal, challenge = loaded.proposal, loaded.challenge
    if accept:
        _require_open(challenge, "confirming participation")
    party = session.get_one(ProposalParty, (proposal.id, org_id))
    party.confirmed_at = utcnow() if accept else None
    party.confirmed_by_id = principal.user.id if accept else None
    party.declined_at = None if accept else utcnow()
    _touch(proposal)
    session.flush()
    org = session.get_one(Organisation, org_id)
    verb = "confirmed" if accept else "declined"
    audit.record(
        session=session,
        actor=principal.actor,
        action=f"proposal.co_applicant.{'confirm' if accept else 'decline'}",
        object_type="proposal",
        object_id=proposal.id,
        summary=f"{org.name} {verb} participation in proposal {proposal.id}",
        after={"org_id": org_id, "state": verb},
    )
    _notify_org(
        session,
        proposal.lead_org_id,
        kind=f"challenge_co_applicant_{verb}",
        subject=f"{org.name} {verb} your joint proposal",
        body=f"{org.name} {verb} participation in your proposal to '{challenge.title}'.",
        link=f"/proposals/{proposal.id}",
    )
    return party


# --- eligibility ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    field: str
    label: str
    ok: bool
    message: str


def _list_text(values: list[str], labels: dict[Any, str]) -> str:
    return ", ".join(labels.get(v, v) for v in values)


def content_checks(session: Session, challenge: Challenge, proposal: Proposal) -> list[Check]:
    """Return the checks on what the proposal says: title, answers, TRL."""
    out = [
        Check(
            "title",
            "The proposal has a title",
            bool(proposal.title.strip()),
            "give the proposal a title",
        )
    ]
    answers = proposal.answers or {}
    for n, q in enumerate(challenge_service.questions_of(session, challenge.id), start=1):
        text = (answers.get(str(q.id)) or "").strip()
        if q.required and not text:
            out.append(
                Check(
                    f"answers.{q.id}",
                    f"Question {n} is answered",
                    False,
                    f"answer question {n}: {q.prompt}",
                )
            )
        elif len(text) > q.max_chars:
            out.append(
                Check(
                    f"answers.{q.id}",
                    f"Question {n} fits its limit",
                    False,
                    f"shorten the answer to question {n} to {q.max_chars} characters "
                    f"(it has {len(text)})",
                )
            )
        else:
            label = f"Question {n} is answered" if text else f"Question {n} (optional)"
            out.append(Check(f"answers.{q.id}", label, True, ""))
    if challenge.trl_min is not None or challenge.trl_max is not None:
        low, high = challenge.trl_min or 1, challenge.trl_max or 9
        if proposal.trl is None:
            out.append(
                Check(
                    "trl",
                    f"TRL within {low} to {high}",
                    False,
                    f"state the proposal's TRL (this challenge accepts {low} to {high})",
                )
            )
        else:
            out.append(
                Check(
                    "trl",
                    f"TRL within {low} to {high}",
                    low <= proposal.trl <= high,
                    f"the proposal's TRL {proposal.trl} is outside the challenge's "
                    f"range {low} to {high}",
                )
            )
    return out


def party_checks(
    challenge: Challenge, parties: list[tuple[ProposalParty, Organisation]]
) -> list[Check]:
    """Return the checks on who applies: countries, kinds, joint team, confirmations."""
    out: list[Check] = []
    countries = list(challenge.eligible_countries or [])
    kinds = list(challenge.eligible_kinds or [])
    for party, org in parties:
        who = "lead" if party.role is PartyRole.LEAD else f"co_applicants.{org.id}"
        if party.role is not PartyRole.LEAD and party.declined_at is not None:
            out.append(
                Check(
                    f"{who}.confirmed",
                    f"{org.name} takes part",
                    False,
                    f"{org.name} declined: remove it from the proposal",
                )
            )
            continue
        if countries:
            out.append(
                Check(
                    f"{who}.country",
                    f"{org.name}: country",
                    org.country.value in countries,
                    f"{org.name} is in {COUNTRY_LABELS[org.country]}; this challenge is "
                    f"open to organisations in {_list_text(countries, _COUNTRY_TEXT)}",
                )
            )
        if kinds:
            out.append(
                Check(
                    f"{who}.kind",
                    f"{org.name}: kind of organisation",
                    org.kind.value in kinds,
                    f"{org.name} is a {KIND_LABELS[org.kind].lower()}; this challenge is "
                    f"open to {_list_text(kinds, _KIND_TEXT).lower()}",
                )
            )
        if party.role is not PartyRole.LEAD:
            out.append(
                Check(
                    f"{who}.confirmed",
                    f"{org.name} confirmed",
                    party.confirmed_at is not None,
                    f"{org.name} has not confirmed its participation yet",
                )
            )
    if challenge.joint_team_required:
        present = {org.country for party, org in parties if party.declined_at is None}
        out.append(
            Check(
                "joint_team",
                "A joint US-India team",
                {Country.IN, Country.US} <= present,
                "this challenge needs a joint team: add a co-applicant from "
                + ("the United States" if Country.IN in present else "India")
                if present
                else "this challenge needs a joint US-India team",
            )
        )
    return out


_COUNTRY_TEXT = {k.value: v for k, v in COUNTRY_LABELS.items()}
_KIND_TEXT = {k.value: v for k, v in KIND_LABELS.items()}


def checklist(
    session: Session,
    challenge: Challenge,
    proposal: Proposal,
    parties: list[tuple[ProposalParty, Organisation]] | None = None,
) -> list[Check]:
    """Return every rule a submission must pass, each with whether it does now."""
    if parties is None:
        parties = parties_of(session, proposal.id)
    out = []
    if challenge.phase is not Phase.OPEN or past_deadline(challenge):
        out.append(
            Check(
                "deadline_at",
                "The challenge is open",
                False,
                f"the deadline was {deadline_text(challenge)}"
                if past_deadline(challenge)
                else "the challenge is not open",
            )
        )
    return out + content_checks(session, challenge, proposal) + party_checks(challenge, parties)


def submit(*, session: Session, principal: Principal, loaded: Loaded) -> Proposal:
    """Submit: before the deadline, eligible, every co-applicant confirmed, every party clear."""
    _require_edit(loaded, "submit this proposal")
    proposal, challenge = loaded.proposal, loaded.challenge
    if proposal.status is ProposalStatus.SUBMITTED:
        raise Conflict(
            "This proposal is already submitted; you may still edit it until the "
            f"deadline ({deadline_text(challenge)})"
        )
    _require_open(challenge, "submitting")
    parties = parties_of(session, proposal.id)
    problems = [c for c in checklist(session, challenge, proposal, parties) if not c.ok]
    if problems:
        raise Invalid(
            "The proposal cannot be submitted yet: " + "; ".join(c.message for c in problems),
            errors=[{"field": c.field, "message": c.message} for c in problems],
        )
    screening_service.ensure_clear(
        session=session,
        org_ids=[org.id for _, org in parties],
        action="submitting a proposal",
        actor=principal.actor,
    )
    proposal.status = ProposalStatus.SUBMITTED
    proposal.submitted_at = challenge_service.now()
    _touch(proposal)
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="proposal.submit",
        object_type="proposal",
        object_id=proposal.id,
        summary=f"submitted proposal {proposal.id} to '{challenge.title}'",
        after={
            "status": "submitted",
            "version": proposal.version,
            "parties": [org.id for _, org in parties],
        },
    )
    for _, org in parties:
        _notify_org(
            session,
            org.id,
            kind="challenge_proposal_submitted",
            subject=f"Proposal submitted: {proposal.title}",
            body=f"The proposal '{proposal.title}' to '{challenge.title}' was submitted by "
            f"{principal.user.full_name or principal.user.email}. It can be edited until the "
            f"deadline ({deadline_text(challenge)}).",
            link=f"/proposals/{proposal.id}",
            roles=tuple(OrgRole),
        )
    return proposal


def withdraw_refusal(session: Session, loaded: Loaded) -> str | None:
    """Return why the proposal can no longer be withdrawn, or None while it can."""
    if loaded.challenge.phase in (Phase.AWARDED, Phase.CLOSED):
        return (f"The challenge is {loaded.challenge.phase.value}: its proposals can no longer "
                "be withdrawn")
    latest_award = session.scalar(
        select(Decision.outcome)
        .where(Decision.proposal_id == loaded.proposal.id, Decision.stage == DecisionStage.AWARD)
        .order_by(Decision.id.desc()).limit(1))
    if latest_award is Outcome.AWARDED:
        return "The proposal has been awarded: it can no longer be withdrawn"
    return None


def withdraw(
    *, session: Session, principal: Principal, loaded: Loaded, reason: str = ""
) -> Proposal:
    """Withdraw the proposal (it is kept, and may be started again before the deadline)."""
    _require_edit(loaded, "withdraw this proposal")
    refusal = withdraw_refusal(session, loaded)
    if refusal:
        raise Conflict(refusal)
    proposal = loaded.proposal
    before = proposal.status
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.withdrawn_at = utcnow()
    _touch(proposal)
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="proposal.withdraw",
        object_type="proposal",
        object_id=proposal.id,
        summary=f"withdrew proposal {proposal.id}"
        + (f": {reason.strip()}" if reason.strip() else ""),
        before={"status": before.value},
        after={"status": "withdrawn"},
    )
    return proposal


# --- attachments ------------------------------------------------------------------------------


def attach(
    *,
    session: Session,
    settings: Settings,
    principal: Principal,
    loaded: Loaded,
    filename: str,
    data: bytes,
) -> Attachment:
    """Check a file by its content and size, store it outside the web root, and list it."""
    _require_edit(loaded, "attach files")
    _require_open(loaded.challenge, "attaching files")
    count = session.scalar(
        select(func.count())
        .select_from(Attachment)
        .where(Attachment.proposal_id == loaded.proposal.id)
    )
    if (count or 0) >= MAX_ATTACHMENTS:
        raise Conflict(f"A proposal holds at most {MAX_ATTACHMENTS} files; remove one first")
    quotas.ensure_storage(session=session, settings=settings,
                          org_ids=[loaded.proposal.lead_org_id], adding=len(data))
    stored = files.store(settings, data)
    attachment = Attachment(
        proposal_id=loaded.proposal.id,
        filename=files.safe_filename(filename or "attachment", stored.mime),
        content_type=stored.mime,
        size_bytes=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
        uploaded_by_id=principal.user.id,
        created_at=utcnow(),
    )
    session.add(attachment)
    _touch(loaded.proposal)
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="proposal.attachment.add",
        object_type="proposal",
        object_id=loaded.proposal.id,
        summary=f"attached {attachment.filename} ({files.megabytes(stored.size)})",
        after={
            "attachment_id": attachment.id,
            "filename": attachment.filename,
            "sha256": stored.sha256,
            "content_type": stored.mime,
        },
    )
    return attachment


MAX_ATTACHMENTS = 20


def load_attachment(
    *, session: Session, principal: Principal, attachment_id: int
) -> tuple[Attachment, Loaded]:
    """Return an attachment of a proposal the caller may read, else raise NotFound."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(f"No attachment with id {attachment_id}")
    try:
        loaded = load(session=session, principal=principal, proposal_id=attachment.proposal_id)
    except NotFound as exc:
        raise NotFound(f"No attachment with id {attachment_id}") from exc
    if not loaded.can.read:
        raise NotFound(f"No attachment with id {attachment_id}")
    return attachment, loaded


def delete_attachment(
    *,
    session: Session,
    settings: Settings,
    principal: Principal,
    attachment: Attachment,
    loaded: Loaded,
) -> None:
    """Remove a file from a proposal, and from storage."""
    _require_edit(loaded, "remove files")
    _require_open(loaded.challenge, "removing files")
    key, name = attachment.storage_key, attachment.filename
    session.delete(attachment)
    _touch(loaded.proposal)
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="proposal.attachment.delete",
        object_type="proposal",
        object_id=loaded.proposal.id,
        summary=f"removed {name}",
        before={"attachment_id": attachment.id, "filename": name},
    )
    files.remove(settings, key)
