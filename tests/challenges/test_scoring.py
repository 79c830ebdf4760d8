"""Aggregation arithmetic, checked against figures worked out by hand."""

import math

import pytest

from indusx.challenges.scoring import (
    CriterionSpec,
    SubmittedReview,
    aggregate,
    weighted_total,
)

ONE = [CriterionSpec(id=1, weight=1.0, scale_max=10)]


def _reviews(*rows: tuple[int, int, float]) -> list[SubmittedReview]:
    """(proposal, reviewer, score on criterion 1 out of 10) -> submitted reviews."""
    return [SubmittedReview(p, r, {1: s}) for p, r, s in rows]


def test_a_review_total_is_the_weighted_mean_of_scores_scaled_by_each_criterion() -> None:
    criteria = [CriterionSpec(1, weight=2, scale_max=10), CriterionSpec(2, weight=1, scale_max=5)]

    # (2 * 8/10 + 1 * 4/5) / 3 = 0.8 and (2 * 5/10 + 1 * 5/5) / 3 = 2/3
    assert weighted_total(criteria, {1: 8, 2: 4}) == pytest.approx(0.8)
    assert weighted_total(criteria, {1: 5, 2: 5}) == pytest.approx(2 / 3)


def test_weights_need_not_sum_to_one() -> None:
    a = [CriterionSpec(1, 30, 10), CriterionSpec(2, 70, 10)]
    b = [CriterionSpec(1, 0.3, 10), CriterionSpec(2, 0.7, 10)]

    assert weighted_total(a, {1: 10, 2: 0}) == pytest.approx(0.3)
    assert weighted_total(b, {1: 10, 2: 0}) == pytest.approx(0.3)


def test_a_criterion_left_unscored_is_left_out_rather_than_counted_as_zero() -> None:
    criteria = [CriterionSpec(1, 1, 10), CriterionSpec(2, 3, 10)]

    assert weighted_total(criteria, {1: 6}) == pytest.approx(0.6)
    assert weighted_total(criteria, {}) is None


def test_the_raw_score_averages_the_reviews_of_a_proposal() -> None:
    result = aggregate(ONE, _reviews((1, 10, 4), (1, 11, 8), (1, 12, 9))).by_proposal()

    assert result[1].raw == pytest.approx(0.7)
    assert result[1].reviews == 3
    assert result[1].criteria == {1: pytest.approx(7.0)}


def test_normalisation_corrects_a_harsh_and_a_lenient_reviewer() -> None:
    # Harsh reviewer 10: P1 4, P2 6 -> mean 0.5, deviation 0.1 -> z -1, +1.
    # Lenient reviewer 11: P1 8, P2 9, P3 10 -> mean 0.9, deviation sqrt(0.02/3) = 0.08165
    #   -> z -1.2247, 0, +1.2247.
    result = aggregate(ONE, _reviews((1, 10, 4), (2, 10, 6), (1, 11, 8), (2, 11, 9), (3, 11, 10)))
    by_id = result.by_proposal()
    z = 0.1 / math.sqrt(0.02 / 3)

    assert by_id[1].normalised == pytest.approx((-1 - z) / 2)
    assert by_id[2].normalised == pytest.approx((1 + 0) / 2)
    assert by_id[3].normalised == pytest.approx(z)
    assert by_id[1].raw == pytest.approx(0.6)
    assert [row.proposal_id for row in result.ranking] == [3, 2, 1]
    assert result.reviewers[10].mean == pytest.approx(0.5)
    assert result.reviewers[10].spread == pytest.approx(0.1)


def test_equal_normalised_scores_are_ordered_by_raw_score_then_by_id() -> None:
    # Harsh: P1 3, P2 5 (z -1, +1); lenient: P3 7, P4 9 (z -1, +1); P5 and P6 identical.
    rows = _reviews(
        (1, 10, 3),
        (2, 10, 5),
        (3, 11, 7),
        (4, 11, 9),
        (6, 12, 2),
        (5, 12, 2),
        (6, 13, 8),
        (5, 13, 8),
        (7, 13, 5),
    )
    result = aggregate(ONE, rows)

    order = [row.proposal_id for row in result.ranking]
    # P2 and P4 share z = +1: P4's raw 0.9 beats P2's 0.5; P1 and P3 share z = -1 likewise.
    assert order.index(4) < order.index(2) < order.index(3) < order.index(1)
    # P5 and P6 have the same scores from the same reviewers: the lower id first.
    assert order.index(5) == order.index(6) - 1
    assert [row.rank for row in result.ranking] == list(range(1, 8))


def test_normalisation_can_reverse_the_raw_order() -> None:
    # Lenient reviewer 11 gives everyone 8-10; harsh reviewer 10 gives 2-4.
    # P1 is the harsh reviewer's best (4), P2 the lenient reviewer's worst (8).
    rows = _reviews((1, 10, 4), (3, 10, 2), (2, 11, 8), (4, 11, 10))
    result = aggregate(ONE, rows)
    by_id = result.by_proposal()

    assert by_id[2].raw is not None and by_id[1].raw is not None
    assert by_id[2].raw > by_id[1].raw
    assert by_id[1].normalised == pytest.approx(1.0)
    assert by_id[2].normalised == pytest.approx(-1.0)
    assert result.ranking[0].proposal_id in (1, 4) and by_id[1].rank < by_id[2].rank


def test_a_reviewer_with_one_review_is_placed_against_the_whole_panel() -> None:
    # Panel totals 0.3, 0.5, 1.0: mean 0.6, deviation sqrt(0.26/3) = 0.29439.
    result = aggregate(ONE, _reviews((1, 10, 3), (2, 10, 5), (3, 11, 10)))

    assert result.by_proposal()[3].normalised == pytest.approx(0.4 / math.sqrt(0.26 / 3))
    assert result.reviewers[11].reviews == 1


def test_a_reviewer_who_gives_everyone_the_same_total_counts_zero() -> None:
    result = aggregate(ONE, _reviews((1, 10, 6), (2, 10, 6), (1, 11, 2), (2, 11, 8)))
    by_id = result.by_proposal()

    assert by_id[1].normalised == pytest.approx((0 + -1) / 2)
    assert by_id[2].normalised == pytest.approx((0 + 1) / 2)


def test_a_lone_review_in_a_panel_without_spread_counts_zero() -> None:
    result = aggregate(ONE, _reviews((1, 10, 7)))

    assert result.by_proposal()[1].normalised == 0.0
    assert result.by_proposal()[1].raw == pytest.approx(0.7)


def test_proposals_without_a_submitted_review_are_ranked_last_by_id() -> None:
    result = aggregate(ONE, _reviews((5, 10, 1), (6, 10, 3)), proposal_ids=[9, 2, 5, 6])

    assert [row.proposal_id for row in result.ranking] == [6, 5, 2, 9]
    unreviewed = result.by_proposal()[2]
    assert (unreviewed.reviews, unreviewed.raw, unreviewed.normalised) == (0, None, None)


def test_nothing_in_gives_an_empty_ranking() -> None:
    assert aggregate(ONE, []).ranking == ()
