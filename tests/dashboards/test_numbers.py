"""Each dashboard's numbers equal counts made here from the rows each test creates."""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from indusx.challenges.models import Outcome, Phase, ProposalStatus
from indusx.dashboards import service
from indusx.dashboards.charts import Dashboard
from indusx.matching.models import FeedbackAction, IntroductionStatus, MatchMode
from indusx.orgs.models import Organisation
from indusx.partnerships.models import PartnershipType, Stage, StageChange
from indusx.roadmap.models import MilestoneStatus
from indusx.screening.models import CaseStatus
from indusx.supply.sos.models import RequestStatus
from tests.conftest import make_settings
from tests.dashboards import support as s

SETTINGS = make_settings("sqlite://")

MakeOrg = Callable[..., Organisation]


def table(board: Dashboard, key: str, series: str | None = None) -> dict[str, float]:
    """Return one series of a chart as {category: value} (the first series by default)."""
    chart = board.chart(key)
    assert chart is not None, key
    found = next(x for x in chart.series if series is None or x.name == series)
    return dict(zip(chart.categories, found.values, strict=True))


def figures(board: Dashboard) -> dict[str, str]:
    return {f.label: f.value for f in board.figures}


def build(session: Session, name: str) -> Dashboard:
    return service.dashboard(session=session, name=name, period=s.PERIOD, settings=SETTINGS)


def test_the_ecosystem_counts_organisations_by_kind_country_area_and_month(
    session: Session, make_org: MakeOrg
) -> None:
    plan = [("US", "startup", s.BEFORE), ("US", "startup", s.MARCH), ("US", "prime", s.MAY),
            ("IN", "startup", s.MARCH), ("IN", "msme", s.MARCH), ("IN", "msme", s.AFTER)]
    for country, kind, when in plan:
        s.backdate(session, make_org(country=country, kind=kind,
                                     focus_areas=["undersea", "isr"]), when)
    listed = [(c, k, w) for c, k, w in plan if w < s.PERIOD.end_before]

    board = build(session, "ecosystem")

    assert table(board, "kinds", "United States") == {
        "Start-up": 2, "MSME": 0, "Prime contractor": 1}
    assert table(board, "kinds", "India") == {"Start-up": 1, "MSME": 1, "Prime contractor": 0}
    areas = table(board, "focus-areas", "India")
    assert areas["Undersea domain"] == areas["ISR"] == 2 and areas["Munitions"] == 0
    joined = Counter(w.strftime("%Y-%m") for _, _, w in listed if w >= s.PERIOD.start_at)
    assert {m: v for m, v in table(board, "joined", "United States").items() if v} == {
        "2026-03": 1, "2026-05": 1}
    growth = table(board, "growth")
    assert growth["2026-01"] == 1 and growth["2026-03"] == 1 + joined["2026-03"]
    assert growth["2026-06"] == len(listed)
    assert figures(board) == {"Organisations": "5", "In the United States": "3",
                              "In India": "2", "Joined in the range": "4"}


def test_matchmaking_counts_introductions_by_month_and_outcome_and_the_acceptance_rate(
    session: Session, make_org: MakeOrg
) -> None:
    a, b = make_org(country="US"), make_org(country="IN")
    plan = [(IntroductionStatus.ACCEPTED, s.MARCH), (IntroductionStatus.ACCEPTED, s.MARCH),
            (IntroductionStatus.DECLINED, s.MARCH), (IntroductionStatus.PENDING, s.MAY),
            (IntroductionStatus.ACCEPTED, s.BEFORE), (IntroductionStatus.DECLINED, s.AFTER)]
    for status, when in plan:
        s.introduction(session, a, b, status, when)
    s.introduction(session, a, b, IntroductionStatus.WITHDRAWN, s.MAY, mode=MatchMode.INVESTMENT)
    for action, when in [(FeedbackAction.DISMISSED, s.MARCH), (FeedbackAction.DISMISSED, s.MAY),
                         (FeedbackAction.REQUESTED, s.MAY), (FeedbackAction.DISMISSED, s.AFTER)]:
        s.feedback(session, a, b, action, when)

    board = build(session, "matchmaking")

    assert table(board, "introductions", "Accepted")["2026-03"] == 2
    assert table(board, "introductions", "Declined")["2026-03"] == 1
    assert table(board, "introductions", "Awaiting an answer")["2026-05"] == 1
    assert sum(table(board, "introductions", "Accepted").values()) == 2  # not December's
    assert table(board, "acceptance")["2026-03"] == round(100 * 2 / 3, 1)
    assert table(board, "modes", "Withdrawn") == {
        "Co-development": 0, "Co-production": 0, "Investment": 1, "Research": 0,
        "Mentoring": 0}
    assert table(board, "suggestions") == {"Introduction requested": 1, "Dismissed": 2,
                                           "Accepted": 0, "Declined": 0}
    assert figures(board)["Introductions requested"] == "5"
    assert figures(board)["Acceptance rate"] == "67%"


def test_challenges_count_applications_and_awards_in_force_by_lead_country(
    session: Session, make_org: MakeOrg
) -> None:
    us, us2 = make_org(country="US"), make_org(country="US")
    in1, in2, in3, in4 = (make_org(country="IN") for _ in range(4))
    ch = s.challenge(session, us, s.MARCH)
    s.challenge(session, us, s.MARCH, phase=Phase.REVIEW)
    s.challenge(session, us, s.AFTER)
    p1 = s.proposal(session, ch, us, s.MARCH)
    p2 = s.proposal(session, ch, in1, s.MAY)
    p3 = s.proposal(session, ch, in2, s.MAY)
    s.proposal(session, ch, in3, s.MARCH, status=ProposalStatus.WITHDRAWN)
    s.proposal(session, ch, in4, None, status=ProposalStatus.DRAFT)
    s.proposal(session, ch, us2, s.AFTER)
    s.decide(session, p1, Outcome.AWARDED, s.MAY, award_usd=100_000)
    s.decide(session, p2, Outcome.AWARDED, s.MAY, award_usd=50_000)
    s.decide(session, p2, Outcome.NOT_AWARDED, s.MAY)  # reversed: no longer in force
    s.decide(session, p3, Outcome.SHORTLISTED, s.MAY)
    s.decide(session, p3, Outcome.AWARDED, s.MAY, award_usd=70_000)

    board = build(session, "challenges")

    assert table(board, "countries", "Applications") == {"United States": 1, "India": 3}
    assert table(board, "countries", "Awards") == {"United States": 1, "India": 1}
    assert table(board, "award-value") == {"United States": 100_000, "India": 70_000}
    assert table(board, "applications", "India")["2026-05"] == 2
    phases = table(board, "phases")
    assert phases["Open"] == 1 and phases["Review"] == 1 and sum(phases.values()) == 2
    assert figures(board)["Awarded"] == "$170.0k"


def test_the_pipeline_counts_the_furthest_stage_stages_by_type_time_in_stage_and_value(
    session: Session,
) -> None:
    area = s.focus_area_id(session, "undersea")
    jan = datetime(2026, 1, 10, tzinfo=UTC)
    s.partnership(session, PartnershipType.CO_PRODUCTION,
                  [(Stage.IDENTIFIED, jan), (Stage.NDA, s.at(jan, 10)),
                   (Stage.AGREEMENT, s.at(jan, 40))], value_usd=5_000_000, area_id=area)
    s.partnership(session, PartnershipType.CO_PRODUCTION,
                  [(Stage.IDENTIFIED, jan), (Stage.NDA, s.at(jan, 20)),
                   (Stage.STOPPED, s.at(jan, 30))], value_usd=9_000_000, area_id=area)
    s.partnership(session, PartnershipType.RESEARCH,
                  [(Stage.IDENTIFIED, jan), (Stage.NDA, s.at(jan, 30)),
                   (Stage.PROPOSAL, s.at(jan, 31)), (Stage.NDA, s.at(jan, 35))],
                  value_usd=1_000_000)
    s.partnership(session, PartnershipType.INVESTMENT, [(Stage.IDENTIFIED, s.AFTER)])

    board = build(session, "pipeline")

    funnel = table(board, "funnel")
    assert funnel["Identified"] == 3 and funnel["NDA"] == 3
    assert funnel["Proposal"] == 2  # the research one went back to NDA; it still got there
    assert funnel["Agreement"] == 1 and funnel["Execution"] == 0
    assert table(board, "stages", "Co-production")["Agreement"] == 1
    assert table(board, "stages", "Co-production")["Stopped"] == 1
    assert table(board, "stages", "Research")["NDA"] == 1
    # Days in "identified": 10, 20, 30 -> median 20; in NDA: 30, 10, 1 -> median 10.
    days = table(board, "time-in-stage")
    assert days["Identified"] == 20 and days["NDA"] == 10 and days["Proposal"] == 4
    assert table(board, "value", "Co-production") == {"Undersea domain": 5_000_000,
                                                      "No focus area": 0}
    assert table(board, "value", "Research")["No focus area"] == 1_000_000
    assert figures(board)["Partnerships"] == "3" and figures(board)["Stopped"] == "1"


def test_screening_counts_cases_by_status_month_and_the_open_backlog_by_age(
    session: Session, make_org: MakeOrg
) -> None:
    org = make_org()
    now = datetime.now(UTC)
    s.screening_cases(session, org, [
        (CaseStatus.OPEN, s.MARCH), (CaseStatus.CONFIRMED, s.MARCH),
        (CaseStatus.FALSE_POSITIVE, s.MAY), (CaseStatus.OPEN, s.BEFORE),
        (CaseStatus.OPEN, s.at(now, -3)), (CaseStatus.OPEN, s.at(now, -20)),
    ])

    board = build(session, "screening")

    assert table(board, "statuses") == {"Open": 1, "False positive": 1, "Confirmed hit": 1,
                                        "Cleared": 0, "Withdrawn": 0}
    assert table(board, "monthly", "Confirmed hit")["2026-03"] == 1
    backlog = table(board, "backlog")
    assert backlog["Up to a week"] == 1 and backlog["8 to 30 days"] == 1
    assert backlog["Over 90 days"] == 2  # March 2026 and December 2025
    assert figures(board)["Open today"] == "4"
    assert figures(board)["Decided in the range"] == "2"


def test_an_empty_range_shows_zeros_not_errors(session: Session) -> None:
    for board in service.every_dashboard(session=session, period=s.PERIOD, settings=SETTINGS):
        assert board.charts and all(c.total() == 0 for c in board.charts), board.name


def test_roadmap_progress_rolls_up_by_area_and_counts_overdue_milestones(
    session: Session,
) -> None:
    undersea, isr = s.focus_area_id(session, "undersea"), s.focus_area_id(session, "isr")
    early, late = date(2026, 2, 1), date(2026, 12, 1)
    s.initiative(session, undersea, [(MilestoneStatus.DONE, early),
                                     (MilestoneStatus.IN_PROGRESS, early),
                                     (MilestoneStatus.PLANNED, late)])
    s.initiative(session, isr, [(MilestoneStatus.DONE, early), (MilestoneStatus.DONE, late)])

    board = build(session, "roadmap")  # as of 30 June 2026, the end of the range

    # Undersea: (1 + 0.5 + 0) / 3 = 50%; ISR: 100%.
    assert table(board, "progress") == {"Undersea domain": 50.0, "ISR": 100.0}
    assert table(board, "milestones", "Done") == {"Undersea domain": 1, "ISR": 2}
    assert table(board, "milestones", "Overdue") == {"Undersea domain": 1, "ISR": 0}
    assert table(board, "overdue") == {"Up to 30 days": 0, "31 to 90 days": 0,
                                       "Over 90 days": 1}  # due 1 Feb, 149 days before
    assert table(board, "overdue-areas") == {"Undersea domain": 1}
    assert figures(board)["Overdue"] == "1" and figures(board)["Initiatives"] == "2"


def test_supply_risk_counts_single_source_parts_flagged_suppliers_and_sos_requests(
    session: Session, make_org: MakeOrg
) -> None:
    clean, flagged = make_org(country="US"), make_org(country="US")
    s.screening_cases(session, flagged, [(CaseStatus.OPEN, s.MARCH)])
    s.system(session, "SYS-A", [[(clean.id, "")], [(clean.id, ""), (None, "Other Co")],
                                [(flagged.id, "")]])
    s.system(session, "SYS-B", [[(None, "Solo Ltd")]])
    s.sos_request(session, clean, RequestStatus.OPEN, s.MARCH, answered=False)
    s.sos_request(session, clean, RequestStatus.FULFILLED, s.MAY, country="US")
    s.sos_request(session, clean, RequestStatus.ACKNOWLEDGED, s.AFTER)
    session.commit()

    board = build(session, "supply")

    assert table(board, "weak-parts", "Single-source parts") == {"SYS-A": 2, "SYS-B": 1}
    assert table(board, "weak-parts", "Parts with a flagged supplier") == {"SYS-A": 1,
                                                                            "SYS-B": 0}
    assert set(table(board, "criticality")) == {"SYS-A", "SYS-B"}
    assert table(board, "sos", "Requested by India")["Open"] == 1
    assert table(board, "sos", "Requested by United States")["Fulfilled"] == 1
    assert sum(table(board, "sos", "Requested by India").values()) == 1  # July's is out
    # Open today: the March and July requests; overdue: March's, never answered.
    assert figures(board)["SoS requests open"] == "2"
    assert figures(board)["SoS requests overdue"] == "1"


def test_the_cached_pipeline_changes_as_soon_as_a_partnership_moves(session: Session) -> None:
    jan = datetime(2026, 1, 10, tzinfo=UTC)
    row = s.partnership(session, PartnershipType.RESEARCH, [(Stage.IDENTIFIED, jan)])
    assert table(build(session, "pipeline"), "funnel")["NDA"] == 0
    assert build(session, "pipeline") is build(session, "pipeline")  # served from the cache

    session.add(StageChange(partnership_id=row.id, from_stage=Stage.IDENTIFIED,
                            to_stage=Stage.NDA, changed_at=s.at(jan, 5)))
    session.flush()

    assert table(build(session, "pipeline"), "funnel")["NDA"] == 1
