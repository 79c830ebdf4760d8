"""The partnership pipeline: the funnel of stages, stages by type, time in stage, value.

Partnerships count when created by the end of the range; time in stage counts the moves made
within the range. The funnel by type comes from partnerships.service.funnel; the furthest stage
reached, the median days in each stage and the value by focus area are computed here, in SQL,
and nowhere else.
"""

from sqlalchemy import ColumnElement, Integer, case, func, literal, select
from sqlalchemy.orm import Session

from indusx.dashboards import cache
from indusx.dashboards.charts import Chart, ChartKind, Dashboard, Figure, Series, count, usd
from indusx.dashboards.period import Column, Period, days_between
from indusx.orgs.models import FocusArea
from indusx.partnerships import dataroom_log
from indusx.partnerships import service as partnership_service
from indusx.partnerships.dataroom_models import AccessLog, DocumentVersion
from indusx.partnerships.markings import MARKING_LABELS, Marking
from indusx.partnerships.models import (
    STAGE_ORDER,
    Partnership,
    PartnershipType,
    Stage,
    StageChange,
)
from indusx.partnerships.service import STAGE_LABELS

NAME = "pipeline"
TITLE = "Partnership pipeline"
TYPE_LABELS = partnership_service.TYPE_LABELS
NO_AREA = "No focus area"


def _ordinal(column: Column) -> ColumnElement[int]:
    return case({s: i for i, s in enumerate(STAGE_ORDER)}, value=column, else_=-1)


def build(*, session: Session, period: Period) -> Dashboard:
    """Return the pipeline dashboard for a date range (cached while its tables are unchanged:
    see dashboards/cache.py)."""
    return cache.cached(session=session, name=NAME, start=period.start, end=period.end,
                        marker=_marker(session), build=lambda: _build(session, period))


def _marker(session: Session) -> tuple[object, ...]:
    """Return what changes whenever a table this dashboard reads changes."""
    return (
        *session.execute(select(func.count(), func.max(Partnership.id),
                                func.max(Partnership.updated_at))).one(),
        *session.execute(select(func.count(), func.max(StageChange.id))).one(),
        *session.execute(select(func.count(), func.max(DocumentVersion.id))).one(),
        *session.execute(select(func.count(), func.max(AccessLog.id))).one(),
        *session.execute(select(func.count(), func.max(FocusArea.id))).one(),
    )


def _build(session: Session, period: Period) -> Dashboard:
    listed = Partnership.created_at < period.end_before
    by_stage: dict[tuple[Stage, PartnershipType], int] = {
        (Stage(stage), PartnershipType(kind)): n
        for stage, kinds in partnership_service.funnel(
            session=session, date_to=period.end_before).items()
        for kind, n in kinds.items()
    }
    reached = _furthest_stages(session, period)
    medians = _median_days_in_stage(session, period)
    rooms = dataroom_log.room_stats(session=session, since=period.start, until=period.end)
    value: dict[tuple[str, PartnershipType], int] = {
        (area or NO_AREA, kind): int(total or 0)
        for area, kind, total in session.execute(
            select(FocusArea.name, Partnership.type, func.sum(Partnership.value_usd))
            .select_from(Partnership)
            .outerjoin(FocusArea, FocusArea.id == Partnership.focus_area_id)
            .where(listed, Partnership.stage != Stage.STOPPED,
                   Partnership.value_usd.is_not(None))
            .group_by(FocusArea.name, Partnership.type)
        )
    }
    new = session.scalar(
        select(func.count()).where(Partnership.created_at >= period.start_at, listed)
    ) or 0
    stages = [*STAGE_ORDER, Stage.STOPPED]
    kinds = list(PartnershipType)
    total = sum(by_stage.values())
    stopped = sum(by_stage.get((Stage.STOPPED, k), 0) for k in kinds)
    funnel = [sum(n for ordinal, n in reached.items() if ordinal >= i)
              for i in range(len(STAGE_ORDER))]
    agreed = funnel[STAGE_ORDER.index(Stage.AGREEMENT)]
    areas = sorted({a for a, _ in value}, key=lambda a: (a == NO_AREA, a))
    open_value = sum(value.values())
    timed = [s for s in STAGE_ORDER if s in medians]
    slowest = max(timed, key=lambda s: medians[s], default=None)
    charts = [
        Chart(
            "funnel", "Partnerships reaching each stage", ChartKind.FUNNEL, "stage",
            "partnerships", [STAGE_LABELS[s] for s in STAGE_ORDER],
            [Series("Partnerships", [float(n) for n in funnel])],
            f"Of {count(funnel[0])} partnerships, {count(agreed)} reached agreement and "
            f"{count(funnel[STAGE_ORDER.index(Stage.DELIVERED)])} delivered.",
        ),
        Chart(
            "stages", "Partnerships by stage today and type", ChartKind.STACKED, "stage",
            "partnerships", [STAGE_LABELS[s] for s in stages],
            [Series(TYPE_LABELS[k], [by_stage.get((s, k), 0) for s in stages]) for k in kinds],
            f"{count(total)} partnerships; {count(total - stopped)} are active or finished "
            f"and {count(stopped)} stopped.",
        ),
        Chart(
            "time-in-stage", "Median days spent in each stage", ChartKind.BAR, "stage", "days",
            [STAGE_LABELS[s] for s in timed],
            [Series("Median days", [round(medians[s], 1) for s in timed])],
            (f"Of the moves made in the range, partnerships spent longest in "
             f"{STAGE_LABELS[slowest].lower()} (median {medians[slowest]:.0f} days)."
             if slowest else "No partnership moved between stages in the range."),
        ),
        Chart(
            "value", "Value of partnerships by focus area and type", ChartKind.STACKED,
            "focus area", "USD", areas,
            [Series(TYPE_LABELS[k], [value.get((a, k), 0) for a in areas]) for k in kinds],
            f"{usd(open_value)} in partnerships that are not stopped, across "
            f"{len(areas)} focus areas.",
        ),
        Chart(
            "documents", "Data-room documents by marking", ChartKind.BAR, "marking",
            "documents", [MARKING_LABELS[Marking(m)] for m in rooms.documents_by_marking],
            [Series("Documents", list(rooms.documents_by_marking.values()))],
            f"{count(sum(rooms.documents_by_marking.values()))} documents in "
            f"{count(rooms.rooms)} data rooms, by the marking of their latest version.",
        ),
        Chart(
            "room-activity", "Data-room views and downloads in the range", ChartKind.BAR,
            "activity", "events", ["Views", "Downloads", "Refused"],
            [Series("Events", [rooms.views, rooms.downloads, rooms.denied])],
            f"Documents were viewed {count(rooms.views)} times and downloaded "
            f"{count(rooms.downloads)} times; {count(rooms.denied)} attempts were refused.",
        ),
    ]
    figures = [
        Figure("Partnerships", count(total)),
        Figure("New in the range", count(new)),
        Figure("Reached agreement", count(agreed)),
        Figure("Stopped", count(stopped)),
        Figure("Value (not stopped)", usd(open_value)),
        Figure("Data-room downloads", count(rooms.downloads)),
    ]
    notes = [
        "The funnel counts each partnership at the furthest stage it ever reached, so moving "
        "back or stopping does not hide that it got there.",
        "Time in stage: the days between a partnership's consecutive moves, for moves made "
        "within the range.",
    ]
    return Dashboard(NAME, TITLE, period, figures, charts, notes)


def _furthest_stages(session: Session, period: Period) -> dict[int, int]:
    """Return how many partnerships reached each stage ordinal at the furthest.

    The history alone answers it: the service records a partnership's first stage as a
    change too (from no stage), so every partnership has at least one row.
    """
    furthest = (
        select(func.max(_ordinal(StageChange.to_stage)).label("o"))
        .where(StageChange.changed_at < period.end_before)
        .group_by(StageChange.partnership_id)
        .subquery()
    )
    return {
        ordinal: n
        for ordinal, n in session.execute(
            select(furthest.c.o, func.count())
            .where(furthest.c.o >= literal(0, Integer))
            .group_by(furthest.c.o)
        )
    }


def _median_days_in_stage(session: Session, period: Period) -> dict[Stage, float]:
    """Return the median days partnerships spent in each stage they left within the range.

    Computed in SQL, so that it stays fast on a large history: only the partnerships that
    moved within the range are read.
    """
    previous = func.lag(StageChange.changed_at).over(
        partition_by=StageChange.partnership_id,
        order_by=(StageChange.changed_at, StageChange.id),
    )
    # Only partnerships that moved within the range need their history read.
    moved = select(StageChange.partnership_id).where(
        StageChange.changed_at >= period.start_at, StageChange.changed_at < period.end_before)
    moves = (
        select(
            StageChange.from_stage.label("stage"),
            StageChange.changed_at.label("at"),
            days_between(session, StageChange.changed_at, previous).label("days"),
        )
        .where(StageChange.partnership_id.in_(moved),
               StageChange.changed_at < period.end_before)
        .subquery()
    )
    in_range = (moves.c.stage.is_not(None), moves.c.days.is_not(None),
                moves.c.at >= period.start_at, moves.c.at < period.end_before)
    if session.get_bind().dialect.name == "postgresql":
        # One sort per stage inside the aggregate, where ranking rows needs a second window.
        return {
            Stage(stage): float(days)
            for stage, days in session.execute(
                select(moves.c.stage, func.percentile_cont(0.5).within_group(moves.c.days))
                .where(*in_range).group_by(moves.c.stage)
            )
        }
    ranked = (
        select(
            moves.c.stage,
            moves.c.days,
            func.row_number().over(partition_by=moves.c.stage, order_by=moves.c.days).label("rn"),
            func.count().over(partition_by=moves.c.stage).label("n"),
        )
        .where(*in_range)
        .subquery()
    )
    # SQLite has no percentile: the middle row, or the mean of the two middle rows.
    middle = ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    return {
        Stage(stage): float(days)
        for stage, days in session.execute(
            select(ranked.c.stage, func.avg(ranked.c.days)).where(middle)
            .group_by(ranked.c.stage)
        )
    }
