"""The opportunity map counts capability against stated needs per area and country."""

from collections.abc import Callable

from sqlalchemy.orm import Session

from indusx.matching import opportunities
from indusx.matching.models import Introduction, IntroductionStatus, MatchMode
from indusx.orgs.models import Organisation


def _row(session: Session, slug: str) -> opportunities.AreaOpportunity:
    return next(r for r in opportunities.opportunity_map(session=session) if r.slug == slug)


def test_it_reports_a_gap_when_one_side_seeks_and_the_other_has_no_capable_partner(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    make_org(country="IN", kind="startup", focus_areas=["space"], seeking=["co_development"])

    row = _row(session, "space")

    assert (row.seeking_in, row.capable_us) == (1, 0)
    assert row.status == "gap"
    assert "no US organisation is capable" in row.note


def test_it_counts_complementary_capability_across_the_border(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    for _ in range(3):
        make_org(country="IN", kind="startup", focus_areas=["cyber"], seeking=["co_development"])
    for _ in range(3):
        make_org(country="US", kind="prime", focus_areas=["cyber"], seeking=["customers"])
    # A US start-up with no offering at TRL 6+ is not counted as capable.
    make_org(country="US", kind="startup", focus_areas=["cyber"], seeking=["investment"])

    row = _row(session, "cyber")

    assert (row.seeking_in, row.capable_us, row.seeking_us, row.capable_in) == (3, 3, 0, 0)
    assert row.complementarity == 3
    assert row.status == "complementary"


def test_an_offering_at_trl_6_makes_any_organisation_capable(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    make_org(country="US", kind="startup", focus_areas=["artillery"], seeking=["investment"],
             offerings=[{"name": "Shell tracer", "trl": 6}])
    make_org(country="US", kind="startup", focus_areas=["artillery"], seeking=["investment"],
             offerings=[{"name": "Fuze concept", "trl": 3}])

    assert _row(session, "artillery").capable_us == 1


def test_it_counts_accepted_and_pending_introductions_within_an_area(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    a = make_org(country="IN", focus_areas=["isr", "space"])
    b = make_org(country="US", kind="prime", focus_areas=["isr"])
    c = make_org(country="US", kind="prime", focus_areas=["isr"])
    session.add_all([
        Introduction(mode=MatchMode.CO_DEVELOPMENT, from_org_id=a.id, to_org_id=b.id,
                     status=IntroductionStatus.ACCEPTED),
        Introduction(mode=MatchMode.CO_DEVELOPMENT, from_org_id=a.id, to_org_id=c.id),
    ])
    session.flush()

    isr, space = _row(session, "isr"), _row(session, "space")

    assert (isr.partnerships, isr.pending) == (1, 1)
    assert (space.partnerships, space.pending) == (0, 0)  # b and c are not in space


def test_every_focus_area_has_a_row_and_the_csv_has_a_header(session: Session) -> None:
    rows = opportunities.opportunity_map(session=session)
    text = "".join(opportunities.to_csv(rows))

    assert len(rows) >= 12
    assert all(r.status == "quiet" for r in rows)
    assert text.splitlines()[0].startswith("slug,name,capable_in,capable_us")
    assert len(text.splitlines()) == len(rows) + 1
