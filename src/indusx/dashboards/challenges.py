"""Joint challenges: challenges run, applications by lead country, and awards."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.challenges.models import (
    Challenge,
    Decision,
    DecisionStage,
    Outcome,
    Phase,
    Proposal,
    ProposalStatus,
)
from indusx.dashboards.charts import (
    Chart,
    ChartKind,
    Dashboard,
    Figure,
    Series,
    count,
    usd,
)
from indusx.dashboards.period import Period, month_of
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import COUNTRY_LABELS, Country

NAME = "challenges"
TITLE = "Joint challenges"
COUNTRIES = (Country.US, Country.IN)


def build(*, session: Session, period: Period) -> Dashboard:
    """Return the challenges dashboard for a date range."""
    phases: dict[Phase, int] = {
        phase: n
        for phase, n in session.execute(
            select(Challenge.phase, func.count())
            .where(Challenge.created_at >= period.start_at,
                   Challenge.created_at < period.end_before)
            .group_by(Challenge.phase)
        )
    }
    submitted_in_range = (Proposal.submitted_at >= period.start_at,
                          Proposal.submitted_at < period.end_before)
    applications: dict[tuple[Country, ProposalStatus], int] = {
        (country, status): n
        for country, status, n in session.execute(
            select(Organisation.country, Proposal.status, func.count())
            .join(Organisation, Organisation.id == Proposal.lead_org_id)
            .where(*submitted_in_range)
            .group_by(Organisation.country, Proposal.status)
        )
    }
    month = month_of(session, Proposal.submitted_at)
    monthly: dict[tuple[str, Country], int] = {
        (m, country): n
        for m, country, n in session.execute(
            select(month, Organisation.country, func.count())
            .join(Organisation, Organisation.id == Proposal.lead_org_id)
            .where(*submitted_in_range)
            .group_by(month, Organisation.country)
        )
    }
    # The award in force is a proposal's latest award-stage decision.
    latest = (
        select(func.max(Decision.id).label("id"))
        .where(Decision.stage == DecisionStage.AWARD)
        .group_by(Decision.proposal_id)
        .subquery()
    )
    awards: dict[Country, tuple[int, int]] = {
        country: (n, int(total or 0))
        for country, n, total in session.execute(
            select(Organisation.country, func.count(), func.sum(Decision.award_usd))
            .join(latest, latest.c.id == Decision.id)
            .join(Proposal, Proposal.id == Decision.proposal_id)
            .join(Organisation, Organisation.id == Proposal.lead_org_id)
            .where(Decision.outcome == Outcome.AWARDED,
                   Decision.decided_at >= period.start_at,
                   Decision.decided_at < period.end_before)
            .group_by(Organisation.country)
        )
    }
    months = period.months()
    statuses = (ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN)
    applied = {c: sum(applications.get((c, s), 0) for s in statuses) for c in COUNTRIES}
    won = {c: awards.get(c, (0, 0))[0] for c in COUNTRIES}
    money = {c: awards.get(c, (0, 0))[1] for c in COUNTRIES}
    n_applied, n_won, n_money = sum(applied.values()), sum(won.values()), sum(money.values())
    country_names = [COUNTRY_LABELS[c] for c in COUNTRIES]
    shown_phases = list(Phase)
    charts = [
        Chart(
            "countries", "Applications and awards by lead country", ChartKind.BAR,
            "lead country", "proposals", country_names,
            [Series("Applications", [applied[c] for c in COUNTRIES]),
             Series("Awards", [won[c] for c in COUNTRIES])],
            f"{count(n_applied)} proposals were submitted in the range "
            f"({count(applied[Country.US])} led from the United States, "
            f"{count(applied[Country.IN])} from India) and {count(n_won)} were awarded.",
        ),
        Chart(
            "applications", "Applications submitted each month, by lead country",
            ChartKind.STACKED, "month", "proposals", months,
            [Series(COUNTRY_LABELS[c], [monthly.get((m, c), 0) for m in months])
             for c in COUNTRIES],
            f"{count(n_applied)} applications in the range, counted in the month submitted.",
        ),
        Chart(
            "award-value", "Award value by lead country", ChartKind.BAR, "lead country", "USD",
            country_names, [Series("Awarded (USD)", [money[c] for c in COUNTRIES])],
            f"{usd(n_money)} was awarded in the range: {usd(money[Country.US])} to US-led and "
            f"{usd(money[Country.IN])} to India-led proposals.",
        ),
        Chart(
            "phases", "Challenges created in the range, by phase today", ChartKind.BAR,
            "phase", "challenges", [p.value.replace("-", " ").capitalize() for p in shown_phases],
            [Series("Challenges", [phases.get(p, 0) for p in shown_phases])],
            f"{count(sum(phases.values()))} challenges were created in the range; "
            f"{count(phases.get(Phase.OPEN, 0))} are open for proposals.",
        ),
    ]
    figures = [
        Figure("Challenges created", count(sum(phases.values()))),
        Figure("Applications", count(n_applied)),
        Figure("Awards", count(n_won)),
        Figure("Awarded", usd(n_money)),
    ]
    notes = [
        "Applications are proposals submitted in the range (withdrawn ones included); "
        "awards are the award decisions in force, dated in the range.",
    ]
    return Dashboard(NAME, TITLE, period, figures, charts, notes)
