"""Time to response against the target: when a supplier's first answer is due, and the median.

`now()` is the one clock of the module: tests patch it to a fixed instant.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from statistics import median

from indusx.db import utcnow
from indusx.supply.sos.models import ACTIVE_STATUSES, RequestStatus, SosParty


def now() -> datetime:
    """Return the current time (UTC)."""
    return utcnow()


def due_at(routed_at: datetime, response_days: int) -> datetime:
    """Return when a supplier's first answer is due."""
    return routed_at + timedelta(days=response_days)


def response_hours(party: SosParty) -> float | None:
    """Return the hours from routing to the supplier's first answer, or None before it."""
    if party.first_response_at is None:
        return None
    return (party.first_response_at - party.routed_at).total_seconds() / 3600


def is_overdue(
    party: SosParty, status: RequestStatus, response_days: int, at: datetime | None = None
) -> bool:
    """Return whether a supplier has not answered an active request within the target."""
    if party.first_response_at is not None or status not in ACTIVE_STATUSES:
        return False
    return (at or now()) > due_at(party.routed_at, response_days)


def answered_late(party: SosParty, response_days: int) -> bool:
    """Return whether a supplier's first answer came after the target."""
    return (
        party.first_response_at is not None
        and party.first_response_at > due_at(party.routed_at, response_days)
    )


def median_hours(values: Iterable[float]) -> float | None:
    """Return the median of response times in hours, or None when there are none."""
    values = list(values)
    return round(median(values), 1) if values else None


def describe_hours(hours: float | None) -> str:
    """Return a response time in words a register reader scans ("5 h", "2.5 days")."""
    if hours is None:
        return "—"
    if hours < 48:
        return f"{hours:.0f} h" if hours >= 1 else "under 1 h"
    return f"{hours / 24:.1f} days"
