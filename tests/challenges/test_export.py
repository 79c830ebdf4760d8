"""Ranking, CSV export and report: filters, blind rules for the caller, the figures."""

import csv
import io
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from indusx.challenges import decisions, export
from indusx.challenges.export import RankingFilter
from indusx.challenges.models import Outcome, Phase, ProposalStatus, ReviewStatus
from indusx.errors import Forbidden
from tests.challenges.review_support import give_review, principal
from tests.challenges.review_support import reviewing as reviewing


@pytest.fixture
def scored(session: Session, reviewing: SimpleNamespace) -> SimpleNamespace:
    """Reviewers A and B score all three proposals (merit /10 weight 2, team /5 weight 1)."""
    c = reviewing
    merit, team = (x.id for x in c.criteria)
    a, b, _ = c.reviewers
    # Totals: joint (2*0.9 + 1*0.8)/3 = 0.8667 and 0.8; single 0.5 and 0.4; us 0.2 and 0.3.
    for reviewer, rows in (
        (a, ((c.joint, 9, 4), (c.single, 5, 2.5), (c.us, 2, 1))),
        (b, ((c.joint, 8, 4), (c.single, 4, 2), (c.us, 3, 1.5))),
    ):
        for proposal, m, t in rows:
            give_review(session, proposal, reviewer, {merit: m, team: t})
    session.commit()
    return c


def _csv(result: export.Ranking) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(export.csv_lines(result)))))


def test_the_managers_ranking_orders_by_normalised_score_with_raw_scores_in_percent(
    session: Session, scored: SimpleNamespace
) -> None:
    c = scored
    result = export.ranking(
        session=session, principal=principal(session, c.manager), challenge=c.challenge
    )

    assert [r.proposal_id for r in result.rows] == [c.joint.id, c.single.id, c.us.id]
    assert result.rows[0].raw == pytest.approx((2.6 / 3 + 0.8) / 2 * 100)
    assert result.rows[0].reviews == 2 and result.rows[0].lead == "Sagar Acoustics Pvt Ltd"
    assert result.rows[0].co_applicants == ["Bluefin Robotics Inc"]
    assert c.draft.id not in {r.proposal_id for r in result.rows}
    rows = _csv(result)
    assert rows[0]["lead_organisation"] == "Sagar Acoustics Pvt Ltd"
    assert rows[0]["Technical merit (0-10)"] == "8.50"
    assert rows[2]["rank"] == "3" and rows[2]["raw_score_pct"] == "25.0"


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (RankingFilter(country=("US",)), ["us"]),
        (RankingFilter(kind=("msme",)), ["single"]),
        (RankingFilter(score_min=40, score_max=70), ["single"]),
        (RankingFilter(q="acoustic mesh"), ["joint"]),
        (RankingFilter(q="bluefin"), ["joint"]),  # a co-applicant's name
        (RankingFilter(outcome="shortlisted"), ["joint"]),
        (RankingFilter(outcome="undecided"), ["single", "us"]),
        (RankingFilter(status=ProposalStatus.WITHDRAWN), []),
        (RankingFilter(status=None, q="unfinished"), []),  # drafts are never ranked
    ],
)
def test_the_ranking_and_its_export_keep_only_what_the_filters_ask_for(
    session: Session, scored: SimpleNamespace, flt: RankingFilter, expected: list[str]
) -> None:
    c = scored
    c.challenge.phase = Phase.SHORTLIST
    decisions.decide(
        session=session,
        principal=principal(session, c.manager),
        proposal=c.joint,
        outcome=Outcome.SHORTLISTED,
        reason="Best in class",
    )

    result = export.ranking(
        session=session, principal=principal(session, c.manager), challenge=c.challenge, flt=flt
    )

    ids = {getattr(c, name).id: name for name in ("joint", "single", "us")}
    assert [ids[r.proposal_id] for r in result.rows] == expected
    assert [int(row["proposal_id"]) for row in _csv(result)] == [r.proposal_id for r in result.rows]
    assert result.total == (
        3 if flt.status is ProposalStatus.SUBMITTED else (0 if flt.status else 3)
    )


def test_a_blind_reviewers_export_hides_names_and_holds_only_their_own_reviews(
    session: Session, scored: SimpleNamespace
) -> None:
    c = scored
    c.challenge.blind_review = True
    c_reviewer = c.reviewers[2]
    give_review(session, c.us, c_reviewer, status=ReviewStatus.ASSIGNED)  # not yet declared

    mine = export.ranking(
        session=session, principal=principal(session, c.reviewers[0]), challenge=c.challenge
    )
    text = "".join(export.csv_lines(mine))

    assert "Sagar" not in text and "Bluefin" not in text and "Kaveri" not in text
    rows = _csv(mine)
    assert {row["lead_organisation"] for row in rows} == {export.HIDDEN}
    assert "normalised_score" in rows[0] and "shortlist" not in rows[0]
    # Their own totals: joint (2*0.9+0.8)/3 = 86.7%.
    assert rows[0]["my_score_pct"] == "86.7"
    assert (
        export.ranking(
            session=session,
            principal=principal(session, c.reviewers[0]),
            challenge=c.challenge,
            flt=RankingFilter(q="sagar"),
        ).rows
        == []
    )
    assert (
        export.ranking(
            session=session, principal=principal(session, c_reviewer), challenge=c.challenge
        ).rows
        == []
    )


def test_only_managers_and_reviewers_see_scores(session: Session, scored: SimpleNamespace) -> None:
    for user in (scored.other_officer, scored.applicant, scored.outsider):
        with pytest.raises(Forbidden):
            export.ranking(
                session=session, principal=principal(session, user), challenge=scored.challenge
            )


def test_a_title_that_looks_like_a_formula_is_exported_as_text(
    session: Session, scored: SimpleNamespace
) -> None:
    scored.us.title = '=HYPERLINK("http://evil.example")'
    result = export.ranking(
        session=session, principal=principal(session, scored.manager), challenge=scored.challenge
    )

    assert _csv(result)[2]["title"].startswith("'=HYPERLINK")


def test_the_report_counts_by_status_country_kind_and_scores(
    session: Session, scored: SimpleNamespace
) -> None:
    charts = {
        chart.key: chart
        for chart in export.report(
            session=session,
            principal=principal(session, scored.manager),
            challenge=scored.challenge,
        )
    }

    assert dict(charts["status"].items) == {"draft": 1, "submitted": 3, "withdrawn": 0}
    assert dict(charts["country"].items) == {"IN": 2, "US": 1}
    assert dict(charts["kind"].items) == {"msme": 1, "startup": 2}
    assert dict(charts["reviews"].items)["submitted"] == 6
    assert dict(charts["outcome"].items)["undecided"] == 3
    # Raw scores 83.3, 45.0 and 25.0.
    assert dict(charts["scores"].items) == {
        "0-10": 0,
        "10-20": 0,
        "20-30": 1,
        "30-40": 0,
        "40-50": 1,
        "50-60": 0,
        "60-70": 0,
        "70-80": 0,
        "80-90": 1,
        "90-100": 0,
    }
    assert export.chart_csv(charts["country"]) == "country,proposals\r\nIN,2\r\nUS,1\r\n"
    with pytest.raises(Forbidden):
        export.report(
            session=session,
            principal=principal(session, scored.reviewers[0]),
            challenge=scored.challenge,
        )
