"""Aggregate submitted reviews into scores and a ranking: plain data in, results out.

- A review's **weighted total** is the weighted mean of its criterion scores, each scaled to
  0..1 by its criterion's `scale_max`, the weights normalised to sum to 1. A criterion the
  review did not score (added to the rubric afterwards) is left out and the remaining weights
  renormalised, so that one missing score does not read as a zero.
- A proposal's **raw score** is the mean of the weighted totals of its submitted reviews.
- A proposal's **normalised score** is the mean, over its reviews, of each review's z-score
  within its reviewer: (total - the reviewer's mean) / the reviewer's standard deviation
  (population), over every proposal that reviewer reviewed. A harsh reviewer's 0.5 and a
  lenient reviewer's 0.9 both read as "one deviation above what this reviewer usually gives".
  Two cases carry no spread to divide by:
  * a reviewer with **one** review: their leniency cannot be estimated, so the review is
    placed against the whole panel instead (the mean and deviation of every submitted
    review's total); with no spread in the panel either, it counts 0;
  * a reviewer whose reviews all have the **same** total: they did not tell their proposals
    apart, so each of those reviews counts 0 (average for that reviewer).
- The **ranking** orders by normalised score, then raw score (both highest first), then
  proposal id (lowest first); proposals without a submitted review come last.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    id: int
    weight: float
    scale_max: int


@dataclass(frozen=True, slots=True)
class SubmittedReview:
    proposal_id: int
    reviewer_id: int
    scores: Mapping[int, float]  # criterion id -> score on 0..scale_max


@dataclass(frozen=True, slots=True)
class ReviewerStats:
    reviewer_id: int
    reviews: int
    mean: float
    spread: float  # population standard deviation of the reviewer's totals


@dataclass(frozen=True, slots=True)
class ProposalScore:
    proposal_id: int
    reviews: int  # submitted reviews counted
    raw: float | None  # 0..1; None without a submitted review
    normalised: float | None  # mean z-score; None without a submitted review
    criteria: Mapping[int, float]  # criterion id -> mean score on its own scale
    rank: int = 0


@dataclass(frozen=True, slots=True)
class Aggregation:
    ranking: tuple[ProposalScore, ...]  # best first
    reviewers: Mapping[int, ReviewerStats]

    def by_proposal(self) -> dict[int, ProposalScore]:
        """Return the scores keyed by proposal id."""
        return {row.proposal_id: row for row in self.ranking}


def weighted_total(criteria: Sequence[CriterionSpec], scores: Mapping[int, float]) -> float | None:
    """Return a review's weighted mean on 0..1, or None when it scored no criterion."""
    scored = [c for c in criteria if c.id in scores]
    weight = sum(c.weight for c in scored)
    if not scored or weight <= 0:
        return None
    return sum(c.weight * scores[c.id] / c.scale_max for c in scored) / weight


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _spread(values: Sequence[float], mean: float) -> float:
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def _z(value: float, mean: float, spread: float) -> float:
    # Totals computed in floating point differ in the last bits; treat those as no spread.
    return 0.0 if spread < 1e-12 else (value - mean) / spread


def aggregate(
    criteria: Sequence[CriterionSpec],
    reviews: Iterable[SubmittedReview],
    proposal_ids: Iterable[int] = (),
) -> Aggregation:
    """Return every proposal's raw and normalised score and the ranking.

    `proposal_ids` adds proposals without a submitted review, so that they are ranked (last).
    """
    totals: list[tuple[SubmittedReview, float]] = []
    for review in reviews:
        total = weighted_total(criteria, review.scores)
        if total is not None:
            totals.append((review, total))

    by_reviewer: dict[int, list[float]] = defaultdict(list)
    for review, total in totals:
        by_reviewer[review.reviewer_id].append(total)
    stats = {
        rid: ReviewerStats(rid, len(values), _mean(values), _spread(values, _mean(values)))
        for rid, values in by_reviewer.items()
    }
    panel = [total for _, total in totals]
    panel_mean = _mean(panel) if panel else 0.0
    panel_spread = _spread(panel, panel_mean) if panel else 0.0

    raw: dict[int, list[float]] = defaultdict(list)
    zs: dict[int, list[float]] = defaultdict(list)
    per_criterion: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for review, total in totals:
        own = stats[review.reviewer_id]
        if own.reviews == 1:
            z = _z(total, panel_mean, panel_spread)
        else:
            z = _z(total, own.mean, own.spread)
        raw[review.proposal_id].append(total)
        zs[review.proposal_id].append(z)
        for cid, score in review.scores.items():
            per_criterion[review.proposal_id][cid].append(score)

    rows = [
        ProposalScore(
            proposal_id=pid,
            reviews=len(raw.get(pid, ())),
            raw=_mean(raw[pid]) if pid in raw else None,
            normalised=_mean(zs[pid]) if pid in zs else None,
            criteria={cid: _mean(v) for cid, v in per_criterion[pid].items()}
            if pid in per_criterion
            else {},
        )
        for pid in sorted(set(raw) | set(proposal_ids))
    ]
    rows.sort(key=_rank_key)
    ranked = tuple(
        ProposalScore(r.proposal_id, r.reviews, r.raw, r.normalised, r.criteria, rank=i)
        for i, r in enumerate(rows, start=1)
    )
    return Aggregation(ranking=ranked, reviewers=stats)


def _rank_key(row: ProposalScore) -> tuple[int, float, float, int]:
    if row.normalised is None or row.raw is None:
        return (1, 0.0, 0.0, row.proposal_id)
    # Rounded so that equal scores reached by different float paths tie, as they should.
    return (0, -round(row.normalised, 9), -round(row.raw, 9), row.proposal_id)
