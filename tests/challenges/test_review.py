"""Review service: pool, assignment (by hand and balanced), conflicts, scoring, progress."""

import itertools
import random
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.challenges import assignment, review
from indusx.challenges import reviewing as desk
from indusx.challenges.models import (
    Attachment,
    Phase,
    Proposal,
    Review,
    ReviewerConflict,
    ReviewScore,
    ReviewStatus,
)
from indusx.errors import Conflict, Forbidden, Invalid
from indusx.notifications.models import Notification
from tests.challenges.review_support import give_review, principal
from tests.challenges.review_support import reviewing as reviewing


def _pairs(session: Session, challenge_id: int) -> set[tuple[int, int]]:
    rows = session.execute(
        select(Review.proposal_id, Review.reviewer_id)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.challenge_id == challenge_id)
    )
    return {(pid, rid) for pid, rid in rows}


# --- the planner, without a database ------------------------------------------------------------


def _brute_force(needs: list[assignment.Need], load: dict[int, int]) -> tuple[int, int]:
    """Return (most slots staffable, smallest maximum load doing so) by trying everything."""
    options = []
    for need in needs:
        choices = [
            c for k in range(need.missing + 1) for c in itertools.combinations(need.eligible, k)
        ]
        options.append(choices)
    best = (-1, 0)
    for combo in itertools.product(*options):
        counts = dict(load)
        for chosen in combo:
            for r in chosen:
                counts[r] = counts.get(r, 0) + 1
        filled = sum(len(c) for c in combo)
        key = (filled, -max(counts.values(), default=0))
        if key > (best[0], -best[1]):
            best = (filled, max(counts.values(), default=0))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_the_plan_staffs_the_most_slots_with_the_smallest_maximum_load(seed: int) -> None:
    rnd = random.Random(seed)
    reviewers = list(range(1, rnd.randint(2, 4) + 1))
    needs = [
        assignment.Need(pid, rnd.randint(1, 2), tuple(r for r in reviewers if rnd.random() < 0.7))
        for pid in range(100, 100 + rnd.randint(2, 4))
    ]
    load = {r: rnd.choice([0, 0, 1, 2]) for r in reviewers}

    result = assignment.plan(needs, load, seed=seed)

    filled, max_load = _brute_force(needs, load)
    assert len(result.pairs) == filled
    assert result.max_load == max_load
    eligible = {n.proposal_id: set(n.eligible) for n in needs}
    assert all(r in eligible[p] for p, r in result.pairs)
    assert len(set(result.pairs)) == len(result.pairs)
    missing = {n.proposal_id: n.missing for n in needs}
    for pid in missing:
        assert missing[pid] - sum(1 for p, _ in result.pairs if p == pid) == result.unstaffed.get(
            pid, 0
        )


def test_the_plan_spreads_work_evenly_and_is_the_same_for_the_same_seed() -> None:
    needs = [assignment.Need(pid, 3, (1, 2, 3, 4, 5)) for pid in range(10)]

    first = assignment.plan(needs, {}, seed=7)

    assert first.max_load == 6  # 30 reviews over 5 reviewers
    assert first == assignment.plan(needs, {}, seed=7)
    assert first.unstaffed == {}


def test_the_plan_moves_earlier_choices_to_make_room() -> None:
    # Reviewer 1 alone may review P2; a greedy first pass gives P1 to reviewer 1 too.
    needs = [assignment.Need(1, 1, (1, 2)), assignment.Need(2, 1, (1,))]

    result = assignment.plan(needs, {1: 0, 2: 0}, seed=0)

    assert set(result.pairs) == {(1, 2), (2, 1)} and result.max_load == 1


# --- pool and assignment ------------------------------------------------------------------------


def test_auto_assign_never_gives_a_reviewer_their_own_organisations_proposal(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    result = review.auto_assign(
        session=session, principal=principal(session, c.manager), challenge=c.challenge, seed=1
    )

    pairs = _pairs(session, c.challenge.id)
    assert (c.joint.id, c.reviewers[2].id) not in pairs
    assert result.created == 6 and result.unstaffed == {}
    loads = [sum(1 for _, r in pairs if r == u.id) for u in c.reviewers]
    assert sorted(loads) == [2, 2, 2] and result.max_load == 2
    assert c.draft.id not in {p for p, _ in pairs}
    # Each reviewer is told once, with the number of proposals.
    notes = session.scalars(
        select(Notification).where(Notification.kind == "challenge_review_assigned")
    ).all()
    assert sorted(n.user_id for n in notes) == sorted(u.id for u in c.reviewers)


def test_auto_assign_respects_standing_and_declared_conflicts_and_reports_the_shortfall(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    a, b, _ = c.reviewers
    session.add(ReviewerConflict(user_id=a.id, org_id=c.partner.id, reason="Former employer"))
    give_review(session, c.single, b, status=ReviewStatus.CONFLICTED)
    c.challenge.reviews_per_proposal = 3

    result = review.auto_assign(
        session=session, principal=principal(session, c.manager), challenge=c.challenge, seed=3
    )

    pairs = _pairs(session, c.challenge.id)
    assert (c.joint.id, a.id) not in pairs  # conflict with the co-applicant
    assert {r for p, r in pairs if p == c.joint.id} == {b.id}
    # joint: only B is eligible (A conflicted, C a member): 2 short; single: B declared a
    # conflict, so A and C only: 1 short; us: all three.
    assert result.unstaffed == {c.joint.id: 2, c.single.id: 1}


def test_auto_assign_is_for_managers_in_the_review_phases(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    for user in (c.other_officer, c.reviewers[0], c.applicant):
        with pytest.raises(Forbidden):
            review.auto_assign(
                session=session, principal=principal(session, user), challenge=c.challenge
            )
    c.challenge.phase = Phase.SHORTLIST
    with pytest.raises(Conflict, match="shortlist phase"):
        review.auto_assign(
            session=session, principal=principal(session, c.manager), challenge=c.challenge
        )


def test_a_manual_assignment_refuses_a_member_a_stranger_and_a_draft(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    manager = principal(session, c.manager)
    with pytest.raises(Conflict, match="member of an applicant"):
        review.assign(
            session=session,
            principal=manager,
            challenge=c.challenge,
            proposal=c.joint,
            reviewer_id=c.reviewers[2].id,
        )
    with pytest.raises(Invalid, match="pool"):
        review.assign(
            session=session,
            principal=manager,
            challenge=c.challenge,
            proposal=c.joint,
            reviewer_id=c.outsider.id,
        )
    with pytest.raises(Conflict, match="submitted"):
        review.assign(
            session=session,
            principal=manager,
            challenge=c.challenge,
            proposal=c.draft,
            reviewer_id=c.reviewers[0].id,
        )

    made = review.assign(
        session=session,
        principal=manager,
        challenge=c.challenge,
        proposal=c.joint,
        reviewer_id=c.reviewers[0].id,
    )

    assert made.status is ReviewStatus.ASSIGNED
    with pytest.raises(Conflict, match="already assigned"):
        review.assign(
            session=session,
            principal=manager,
            challenge=c.challenge,
            proposal=c.joint,
            reviewer_id=c.reviewers[0].id,
        )


def test_reviewers_join_the_pool_by_email_and_leave_it_with_their_open_assignments(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    manager = principal(session, c.manager)
    added = review.add_reviewers(
        session=session,
        principal=manager,
        challenge=c.challenge,
        emails=[c.outsider.email.upper(), c.reviewers[0].email],
    )
    assert [u.id for u in added] == [c.outsider.id]  # reviewer A was in the pool already
    with pytest.raises(Invalid, match=r"no account for nobody@example\.org"):
        review.add_reviewers(
            session=session, principal=manager, challenge=c.challenge, emails=["nobody@example.org"]
        )
    give_review(session, c.us, c.outsider, status=ReviewStatus.IN_PROGRESS)

    review.remove_reviewer(
        session=session, principal=manager, challenge=c.challenge, user_id=c.outsider.id
    )

    assert c.outsider.id not in {
        m.user.id for m in review.pool(session=session, challenge=c.challenge)
    }
    assert session.scalar(select(Review).where(Review.reviewer_id == c.outsider.id)) is None


# --- declaring and scoring ----------------------------------------------------------------------


def test_an_assigned_reviewer_sees_only_a_placeholder_until_declaring_no_conflict(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    a = c.reviewers[0]
    assigned = give_review(session, c.joint, a, status=ReviewStatus.ASSIGNED)
    me = principal(session, a)

    before = desk.reviewer_view(session=session, principal=me, review=assigned)
    assert not before.readable and before.proposal is None
    assert before.title == f"Proposal #{c.joint.id}" and before.parties == []
    rows, total = desk.queue(session=session, principal=me)
    assert total == 1 and rows[0].title == f"Proposal #{c.joint.id}"

    desk.declare(session=session, principal=me, review=assigned, conflict=False)
    after = desk.reviewer_view(session=session, principal=me, review=assigned)

    assert after.readable and after.title == "Joint acoustic mesh"
    assert [p.label for p in after.parties] == ["Sagar Acoustics Pvt Ltd", "Bluefin Robotics Inc"]


def test_declaring_a_conflict_blocks_the_content_drops_scores_and_tells_the_manager(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    a = c.reviewers[0]
    started = give_review(
        session, c.single, a, {c.criteria[0].id: 7}, status=ReviewStatus.IN_PROGRESS
    )
    me = principal(session, a)
    with pytest.raises(Invalid, match="reason"):
        desk.declare(session=session, principal=me, review=started, conflict=True)

    desk.declare(
        session=session,
        principal=me,
        review=started,
        conflict=True,
        reason="I advised Kaveri Sonar last year",
    )

    assert started.status is ReviewStatus.CONFLICTED
    view = desk.reviewer_view(session=session, principal=me, review=started)
    assert not view.readable and view.proposal is None and view.answers == []
    assert session.scalar(select(ReviewScore).where(ReviewScore.review_id == started.id)) is None
    note = session.scalar(
        select(Notification).where(Notification.kind == "challenge_review_conflict")
    )
    assert note is not None and note.user_id == c.manager.id
    assert "I advised Kaveri Sonar" in note.body
    with pytest.raises(Conflict):
        desk.save_scores(
            session=session,
            principal=me,
            review=started,
            scores=[desk.ScoreIn(c.criteria[0].id, 5)],
        )


def test_a_reviewer_saves_a_draft_and_submits_once_every_criterion_is_scored(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    a = c.reviewers[0]
    mine = give_review(session, c.us, a, status=ReviewStatus.IN_PROGRESS)
    me = principal(session, a)
    merit, team = c.criteria
    with pytest.raises(Invalid, match="from 0 to 5"):
        desk.save_scores(
            session=session, principal=me, review=mine, scores=[desk.ScoreIn(team.id, 6)]
        )

    desk.save_scores(
        session=session,
        principal=me,
        review=mine,
        scores=[desk.ScoreIn(merit.id, 8, "Sound physics")],
        comment="Promising",
    )
    assert mine.status is ReviewStatus.IN_PROGRESS
    assert desk.scores_of(session, mine.id)[merit.id].comment == "Sound physics"
    with pytest.raises(Invalid, match="Score every criterion before submitting: Team"):
        desk.save_scores(session=session, principal=me, review=mine, scores=[], submit=True)

    desk.save_scores(
        session=session, principal=me, review=mine, scores=[desk.ScoreIn(team.id, 4)], submit=True
    )

    assert mine.status is ReviewStatus.SUBMITTED and mine.submitted_at is not None
    with pytest.raises(Conflict, match="submitted"):
        desk.save_scores(
            session=session, principal=me, review=mine, scores=[desk.ScoreIn(team.id, 1)]
        )
    with pytest.raises(Forbidden):
        desk.save_scores(
            session=session, principal=principal(session, c.reviewers[1]), review=mine, scores=[]
        )


def test_blind_review_hides_names_and_file_names_from_the_reviewer_but_not_the_manager(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    c.challenge.blind_review = True
    mine = give_review(session, c.joint, c.reviewers[0], status=ReviewStatus.IN_PROGRESS)
    session.add(
        Attachment(
            proposal_id=c.joint.id,
            filename="sagar-acoustics-deck.pdf",
            content_type="application/pdf",
            size_bytes=2048,
            sha256="0" * 64,
            storage_key="k" * 32,
        )
    )
    session.flush()

    blind = desk.reviewer_view(
        session=session, principal=principal(session, c.reviewers[0]), review=mine
    )
    full = desk.reviewer_view(session=session, principal=principal(session, c.manager), review=mine)

    assert [(p.label, p.country, p.slug) for p in blind.parties] == [
        ("Lead applicant", "IN", None),
        ("Co-applicant 1", "US", None),
    ]
    assert [a.label for a in blind.attachments] == ["Attachment 1.pdf"]
    assert not blind.see_identity
    assert full.parties[0].label == "Sagar Acoustics Pvt Ltd"
    assert [a.label for a in full.attachments] == ["sagar-acoustics-deck.pdf"]


def test_another_reviewer_and_an_outsider_may_not_open_a_review(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    mine = give_review(session, c.us, c.reviewers[0], status=ReviewStatus.IN_PROGRESS)
    for user in (c.reviewers[1], c.outsider, c.applicant, c.other_officer):
        with pytest.raises(Forbidden):
            desk.reviewer_view(session=session, principal=principal(session, user), review=mine)


def test_a_standing_conflict_turns_open_assignments_on_that_organisation_conflicted(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    a = c.reviewers[0]
    on_partner = give_review(session, c.joint, a, status=ReviewStatus.IN_PROGRESS)
    elsewhere = give_review(session, c.us, a, status=ReviewStatus.ASSIGNED)

    review.add_standing_conflict(
        session=session,
        principal=principal(session, a),
        org_id=c.partner.id,
        reason="My brother works there",
    )

    assert on_partner.status is ReviewStatus.CONFLICTED
    assert elsewhere.status is ReviewStatus.ASSIGNED
    with pytest.raises(Forbidden):
        review.add_standing_conflict(
            session=session,
            principal=principal(session, a),
            org_id=c.solo.id,
            reason="for someone else",
            user_id=c.reviewers[1].id,
        )


def test_progress_counts_reviews_per_proposal_and_per_reviewer(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    a, b, _ = c.reviewers
    give_review(session, c.us, a, {})
    give_review(session, c.us, b, status=ReviewStatus.IN_PROGRESS)
    give_review(session, c.single, a, status=ReviewStatus.CONFLICTED)

    result = review.progress(session=session, challenge=c.challenge)

    rows = {r.key: r for r in result.proposals}
    assert set(rows) == {c.joint.id, c.single.id, c.us.id}  # no draft
    assert (rows[c.us.id].active, rows[c.us.id].submitted, rows[c.us.id].needed) == (2, 1, 2)
    assert rows[c.single.id].active == 0
    per_reviewer = {r.key: r for r in result.reviewers}
    assert per_reviewer[a.id].counts[ReviewStatus.CONFLICTED] == 1
    assert per_reviewer[a.id].active == 1
    assert result.totals[ReviewStatus.SUBMITTED] == 1
