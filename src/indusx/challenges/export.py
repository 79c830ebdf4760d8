"""The ranking table, its CSV export and the challenge report, filtered and blind-aware.

Who sees what:
- the challenge's **managers** see every proposal with the aggregated scores (raw and
  normalised), each criterion's mean, the decisions in force, and the applicants' identity;
- a **reviewer** of the challenge sees only the proposals they reviewed after declaring no
  conflict, with their own scores only and no decisions; under blind review the applicants'
  names are replaced by "hidden" in the table and the CSV, and search does not look at names.

Filters: proposal status, the lead organisation's country and kind, the outcome in force
("undecided" for none), a raw-score range in percent, and text in the title and summary (and
the organisations' names for callers who may see them).
"""

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.challenges import access, decisions, review, scoring
from indusx.challenges.models import (
    Challenge,
    Criterion,
    Outcome,
    Proposal,
    ProposalParty,
    ProposalStatus,
    Review,
    ReviewScore,
    ReviewStatus,
)
from indusx.csvcells import safe_cell as _cell
from indusx.errors import Forbidden
from indusx.orgs.models import Organisation

HIDDEN = "hidden (blind review)"
UNDECIDED = "undecided"
STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN)
SCORE_BINS = 10


@dataclass(frozen=True, slots=True)
class RankingFilter:
    status: ProposalStatus | None = ProposalStatus.SUBMITTED  # None: submitted and withdrawn
    country: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    outcome: str = ""  # an Outcome value, or "undecided"
    score_min: float | None = None  # raw score, percent
    score_max: float | None = None
    q: str = ""


@dataclass(slots=True)
class RankingRow:
    rank: int
    proposal_id: int
    title: str
    lead: str
    lead_country: str
    lead_kind: str
    co_applicants: list[str]
    status: ProposalStatus
    reviews: int  # submitted reviews counted
    assigned: int  # assignments that count (all but conflicted)
    raw: float | None  # percent
    normalised: float | None
    criteria: dict[int, float] = field(default_factory=dict)
    shortlist: Outcome | None = None
    award: Outcome | None = None
    award_usd: int | None = None
    reason: str = ""

    @property
    def outcome(self) -> Outcome | None:
        return self.award or self.shortlist


@dataclass(frozen=True, slots=True)
class Ranking:
    challenge: Challenge
    criteria: list[Criterion]
    rows: list[RankingRow]  # filtered, best first
    total: int  # rows before filtering
    manage: bool
    see_identity: bool


def _viewer(
    session: Session, principal: Principal | None, challenge: Challenge
) -> tuple[bool, bool]:
    """Return (manages, sees identity), or raise Forbidden for anyone else. No principal is
    the operator at the command line, who sees what managers see."""
    if principal is None or access.can_manage(session, principal, challenge):
        return True, True
    if access.is_reviewer(session, principal, challenge.id):
        return False, not challenge.blind_review
    raise Forbidden("Only the challenge's managers and reviewers see its scores")


def _lead_and_parties(
    session: Session, proposals: Sequence[Proposal]
) -> tuple[dict[int, Organisation], dict[int, list[str]]]:
    lead_ids = {p.lead_org_id for p in proposals}
    orgs = {
        o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(lead_ids)))
    }
    co: dict[int, list[str]] = defaultdict(list)
    for pid, name in session.execute(
        select(ProposalParty.proposal_id, Organisation.name)
        .join(Organisation, Organisation.id == ProposalParty.org_id)
        .join(Proposal, Proposal.id == ProposalParty.proposal_id)
        .where(
            Proposal.id.in_([p.id for p in proposals]),
            ProposalParty.org_id != Proposal.lead_org_id,
            ProposalParty.declined_at.is_(None),
        )
        .order_by(ProposalParty.proposal_id, Organisation.name)
    ):
        co[pid].append(name)
    return orgs, co


def _own_scores(
    session: Session,
    principal: Principal,
    challenge: Challenge,
    criteria: list[scoring.CriterionSpec],
) -> tuple[list[int], dict[int, scoring.ProposalScore]]:
    """Return the proposals the reviewer may read and their own scores, ranked by total."""
    mine = session.execute(
        select(Review.id, Review.proposal_id)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(
            Proposal.challenge_id == challenge.id,
            Review.reviewer_id == principal.user.id,
            Review.status.in_((ReviewStatus.IN_PROGRESS, ReviewStatus.SUBMITTED)),
        )
    ).all()
    scores: dict[int, dict[int, float]] = defaultdict(dict)
    for rid, cid, value in session.execute(
        select(ReviewScore.review_id, ReviewScore.criterion_id, ReviewScore.score).where(
            ReviewScore.review_id.in_([rid for rid, _ in mine])
        )
    ):
        scores[rid][cid] = value
    rows = []
    for rid, pid in mine:
        total = scoring.weighted_total(criteria, scores[rid])
        rows.append(
            scoring.ProposalScore(pid, 1 if total is not None else 0, total, None, scores[rid])
        )
    rows.sort(key=lambda r: (r.raw is None, -(r.raw or 0), r.proposal_id))
    ranked = {
        r.proposal_id: scoring.ProposalScore(
            r.proposal_id, r.reviews, r.raw, None, r.criteria, rank=i
        )
        for i, r in enumerate(rows, start=1)
    }
    return [pid for _, pid in mine], ranked


def ranking(
    *,
    session: Session,
    principal: Principal | None,
    challenge: Challenge,
    flt: RankingFilter = RankingFilter(),
) -> Ranking:
    """Return the proposals the caller may rank, scored, decided and filtered."""
    manage, see_identity = _viewer(session, principal, challenge)
    criteria = review.criteria_of(session, challenge.id)
    specs = [scoring.CriterionSpec(c.id, c.weight, c.scale_max) for c in criteria]
    statuses = (flt.status,) if flt.status else STATUSES
    query = select(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.status.in_(statuses)
    )
    if manage:
        _, submitted = review.scoring_input(session, challenge.id)
        proposals = list(session.scalars(query))
        scores = scoring.aggregate(specs, submitted, [p.id for p in proposals]).by_proposal()
    else:
        assert principal is not None  # without one, the operator sees what managers see
        readable, scores = _own_scores(session, principal, challenge, specs)
        proposals = list(session.scalars(query.where(Proposal.id.in_(readable))))
    leads, co = _lead_and_parties(session, proposals)
    active: Counter[int] = Counter(
        pid
        for (pid,) in session.execute(
            select(Review.proposal_id).where(
                Review.proposal_id.in_([p.id for p in proposals]),
                Review.status != ReviewStatus.CONFLICTED,
            )
        )
    )
    states = (
        decisions.current(session=session, proposal_ids=[p.id for p in proposals]) if manage else {}
    )
    rows = []
    for proposal in proposals:
        lead = leads[proposal.lead_org_id]
        score = scores.get(proposal.id)
        state = states.get(proposal.id, decisions.Current())
        latest = state.award or state.shortlist
        rows.append(
            RankingRow(
                rank=score.rank if score else 0,
                proposal_id=proposal.id,
                title=proposal.title or review.placeholder(proposal.id),
                lead=lead.name if see_identity else HIDDEN,
                lead_country=lead.country.value,
                lead_kind=lead.kind.value,
                co_applicants=co[proposal.id] if see_identity else [HIDDEN] * len(co[proposal.id]),
                status=proposal.status,
                reviews=score.reviews if score else 0,
                assigned=active[proposal.id],
                raw=score.raw * 100 if score and score.raw is not None else None,
                normalised=score.normalised if score else None,
                criteria=dict(score.criteria) if score else {},
                shortlist=state.shortlist.outcome if state.shortlist else None,
                award=state.award.outcome if state.award else None,
                award_usd=(
                    state.award.award_usd
                    if state.award and state.award.outcome is Outcome.AWARDED
                    else None
                ),
                reason=latest.reason if latest else "",
            )
        )
    rows.sort(key=lambda r: (r.rank == 0, r.rank, r.proposal_id))
    total = len(rows)
    names = {p.id: [leads[p.lead_org_id].name, *co[p.id]] for p in proposals}
    texts = {p.id: f"{p.title} {p.summary}" for p in proposals}
    rows = [
        r
        for r in rows
        if _keep(r, flt, texts[r.proposal_id], names[r.proposal_id] if see_identity else [])
    ]
    return Ranking(challenge, criteria, rows, total, manage, see_identity)


def _keep(row: RankingRow, flt: RankingFilter, text: str, names: list[str]) -> bool:
    if flt.country and row.lead_country not in flt.country:
        return False
    if flt.kind and row.lead_kind not in flt.kind:
        return False
    if flt.outcome:
        current = row.outcome.value if row.outcome else UNDECIDED
        if current != flt.outcome:
            return False
    if flt.score_min is not None and (row.raw is None or row.raw < flt.score_min - 1e-9):
        return False
    if flt.score_max is not None and (row.raw is None or row.raw > flt.score_max + 1e-9):
        return False
    if flt.q.strip():
        haystack = " ".join([text, *names]).lower()
        if not all(word in haystack for word in flt.q.lower().split()):
            return False
    return True


# --- CSV ------------------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def csv_header(result: Ranking) -> list[str]:
    """Return the export's column names."""
    head = [
        "rank",
        "proposal_id",
        "title",
        "lead_organisation",
        "lead_country",
        "lead_kind",
        "co_applicants",
        "status",
        "reviews_submitted",
        "reviewers_assigned",
        "raw_score_pct" if result.manage else "my_score_pct",
        "normalised_score",
    ]
    head += [f"{c.name} (0-{c.scale_max})" for c in result.criteria]
    if result.manage:
        head += ["shortlist", "award", "award_usd", "decision_reason"]
    return head


def csv_lines(result: Ranking) -> Iterator[str]:
    """Yield the ranking as CSV text, a header then one line per proposal."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_header(result))
    for row in result.rows:
        line: list[object] = [
            row.rank or "",
            row.proposal_id,
            row.title,
            row.lead,
            row.lead_country,
            row.lead_kind,
            "; ".join(row.co_applicants),
            row.status.value,
            row.reviews,
            row.assigned,
            _fmt(row.raw, 1),
            _fmt(row.normalised, 3),
        ]
        line += [_fmt(row.criteria.get(c.id), 2) for c in result.criteria]
        if result.manage:
            line += [
                row.shortlist.value if row.shortlist else "",
                row.award.value if row.award else "",
                row.award_usd or "",
                row.reason,
            ]
        writer.writerow([_cell(v) for v in line])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- the report -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    label: str  # what the categories are
    items: list[tuple[str, int]]


def report(*, session: Session, principal: Principal, challenge: Challenge) -> list[Chart]:
    """Return the report's charts: proposals by status, country and kind, review progress,
    outcomes, and the distribution of raw scores (managers only)."""
    review.require_manager(session, principal, challenge)
    all_rows = session.execute(
        select(Proposal.status, Organisation.country, Organisation.kind)
        .join(Organisation, Organisation.id == Proposal.lead_org_id)
        .where(Proposal.challenge_id == challenge.id)
    ).all()
    by_status = Counter(s.value for s, _, _ in all_rows)
    submitted = [(c.value, k.value) for s, c, k in all_rows if s is ProposalStatus.SUBMITTED]
    progress = review.progress(session=session, challenge=challenge)
    outcomes = decisions.counts(session=session, challenge_id=challenge.id)
    result = ranking(session=session, principal=principal, challenge=challenge)
    bins = [0] * SCORE_BINS
    for row in result.rows:
        if row.raw is not None:
            bins[min(int(row.raw // (100 / SCORE_BINS)), SCORE_BINS - 1)] += 1
    width = 100 // SCORE_BINS
    return [
        Chart(
            "status",
            "Proposals by status",
            "status",
            [(s.value, by_status.get(s.value, 0)) for s in ProposalStatus],
        ),
        Chart(
            "country",
            "Submitted proposals by lead country",
            "country",
            sorted(Counter(c for c, _ in submitted).items()),
        ),
        Chart(
            "kind",
            "Submitted proposals by lead organisation kind",
            "kind",
            sorted(Counter(k for _, k in submitted).items()),
        ),
        Chart(
            "reviews",
            "Reviews by status",
            "review status",
            [(s.value, n) for s, n in progress.totals.items()],
        ),
        Chart(
            "outcome",
            "Submitted proposals by decision",
            "outcome",
            [
                (o.value if o else UNDECIDED, outcomes.get(o, 0))
                for o in (None, *decisions.OUTCOME_LABELS)
            ],
        ),
        Chart(
            "scores",
            "Distribution of raw scores (submitted proposals)",
            "raw score %",
            [(f"{i * width}-{(i + 1) * width}", n) for i, n in enumerate(bins)],
        ),
    ]


def chart_csv(chart: Chart) -> str:
    """Return one chart's numbers as CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([chart.label, "proposals" if chart.key != "reviews" else "reviews"])
    writer.writerows(chart.items)
    return buffer.getvalue()
