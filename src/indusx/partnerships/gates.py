"""The gates of the pipeline, computed from plain facts: which requirements a move lacks.

Entering *agreement* or any later stage needs (1) a saved regulatory-pathway assessment for
the partnership whose verdict (the newest one's: it reflects the current facts) is neither
blocked nor incomplete, and (2) every party clear of screening hits: an open case (review)
and a confirmed match both block.
"""

from dataclasses import dataclass

from indusx.partnerships.models import STAGE_ORDER, Stage

GATED_FROM = Stage.AGREEMENT
FAILING_VERDICTS = frozenset({"blocked", "incomplete"})
BLOCKING_SCREENING = frozenset({"review", "confirmed"})


@dataclass(frozen=True, slots=True)
class PartyFact:
    org_id: int
    name: str
    screening: str  # a ScreeningStatus value: clear, review, confirmed, not screened
    case_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class GateFacts:
    """What the gates look at: the newest saved assessment's verdict and the parties."""

    latest_verdict: str | None
    parties: tuple[PartyFact, ...]


@dataclass(frozen=True, slots=True)
class Missing:
    """A requirement the move lacks, with what it concerns so that a page can link a fix."""

    code: str
    message: str
    org_id: int | None = None
    case_ids: tuple[int, ...] = ()


def is_gated(stage: Stage) -> bool:
    """Return whether entering the stage passes the gates."""
    return stage in STAGE_ORDER and STAGE_ORDER.index(stage) >= STAGE_ORDER.index(GATED_FROM)


def missing(facts: GateFacts) -> list[Missing]:
    """Return the requirements a gated stage needs that the facts do not meet."""
    out: list[Missing] = []
    if facts.latest_verdict is None:
        out.append(Missing("assessment-missing",
                           "No regulatory-pathway assessment has been saved for this partnership"))
    elif facts.latest_verdict in FAILING_VERDICTS:
        out.append(Missing(f"assessment-{facts.latest_verdict}",
                           f"The latest regulatory-pathway assessment is {facts.latest_verdict}: "
                           "resolve it and run the assessment again"))
    for party in facts.parties:
        if party.screening == "confirmed":
            out.append(Missing("party-confirmed-hit",
                               f"{party.name} has a confirmed restricted-party match",
                               party.org_id, party.case_ids))
        elif party.screening == "review":
            out.append(Missing("party-open-case",
                               f"{party.name} has an open screening case awaiting an officer",
                               party.org_id, party.case_ids))
    return out


def missing_for(target: Stage, facts: GateFacts) -> list[Missing]:
    """Return what entering the target stage lacks (nothing for ungated stages)."""
    return missing(facts) if is_gated(target) else []
