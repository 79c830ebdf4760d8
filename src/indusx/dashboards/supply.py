"""Supply risk: each system's criticality, single-source parts and flagged suppliers (from
the supply analysis, cached per process on the data it reads), and Security of Supply
requests raised in the range, with the open and overdue ones."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.config import Settings
from indusx.dashboards.charts import Chart, ChartKind, Dashboard, Figure, Series, count
from indusx.dashboards.period import Period
from indusx.db import utcnow
from indusx.orgs.taxonomy import COUNTRY_LABELS, Country
from indusx.supply import analysis
from indusx.supply.models import SupplySystem
from indusx.supply.sos.models import ACTIVE_STATUSES, STATUS_LABELS, RequestStatus, SosRequest
from indusx.supply.sos.register import overdue_condition

NAME = "supply"
TITLE = "Supply risk"
TOP_SYSTEMS = 15  # the most critical systems charted; the figures count them all


def build(*, session: Session, period: Period, settings: Settings,
          now: datetime | None = None) -> Dashboard:
    """Return the supply-risk dashboard (systems as they are now; requests in the range)."""
    systems: dict[int, str] = {
        i: code for i, code in session.execute(select(SupplySystem.id, SupplySystem.code))
    }
    risks = []
    for system_id, code in systems.items():
        _, report = analysis.report_for(session=session, settings=settings,
                                        system_ids=[system_id])
        risk = report.systems.get(system_id)
        if risk is not None:
            risks.append((code, risk))
    risks.sort(key=lambda r: (-r[1].criticality, r[0]))
    shown = risks[:TOP_SYSTEMS]
    requests: dict[tuple[RequestStatus, Country], int] = {
        (status, country): n
        for status, country, n in session.execute(
            select(SosRequest.status, SosRequest.requesting_country, func.count())
            .where(SosRequest.created_at >= period.start_at,
                   SosRequest.created_at < period.end_before)
            .group_by(SosRequest.status, SosRequest.requesting_country)
        )
    }
    open_now = session.scalar(
        select(func.count()).where(SosRequest.status.in_(ACTIVE_STATUSES))
    ) or 0
    overdue = session.scalar(
        select(func.count()).select_from(SosRequest)
        .where(overdue_condition(settings.supply_response_days, now or utcnow()))
    ) or 0
    statuses = list(RequestStatus)
    countries = (Country.US, Country.IN)
    raised = sum(requests.values())
    single = sum(r.single_source for _, r in risks)
    flagged = sum(r.flagged_parts for _, r in risks)
    labels = [code for code, _ in shown]
    charts = [
        Chart(
            "criticality", "Systems by criticality (0 to 100)", ChartKind.BAR, "system",
            "criticality", labels, [Series("Criticality", [round(r.criticality, 1)
                                                           for _, r in shown])],
            (f"The most critical system is {shown[0][0]} ({shown[0][1].criticality:.0f} of "
             f"100), of {len(risks)} systems." if shown else "No supply system is recorded."),
        ),
        Chart(
            "weak-parts", "Single-source parts and parts with flagged suppliers, by system",
            ChartKind.BAR, "system", "parts", labels,
            [Series("Single-source parts", [r.single_source for _, r in shown]),
             Series("Parts with a flagged supplier", [r.flagged_parts for _, r in shown])],
            f"{count(single)} parts have a single source and {count(flagged)} depend on a "
            "supplier with an open or confirmed screening hit.",
        ),
        Chart(
            "sos", "Security of Supply requests raised in the range, by status",
            ChartKind.STACKED, "status", "requests", [STATUS_LABELS[s] for s in statuses],
            [Series(f"Requested by {COUNTRY_LABELS[c]}",
                    [requests.get((s, c), 0) for s in statuses]) for c in countries],
            f"{count(raised)} requests were raised in the range; {count(open_now)} requests "
            f"are open today and {count(overdue)} wait past the "
            f"{settings.supply_response_days}-day response target.",
        ),
    ]
    figures = [
        Figure("Systems", count(len(risks))),
        Figure("Single-source parts", count(single)),
        Figure("Parts with a flagged supplier", count(flagged)),
        Figure("SoS requests open", count(open_now)),
        Figure("SoS requests overdue", count(overdue)),
    ]
    notes = [
        "Systems and their risk are as they stand today; Security of Supply requests are "
        "counted when raised in the range, with their status today.",
        f"Only the {TOP_SYSTEMS} most critical systems are charted." if len(risks) > TOP_SYSTEMS
        else "Every system is charted.",
    ]
    return Dashboard(NAME, TITLE, period, figures, charts, notes)
