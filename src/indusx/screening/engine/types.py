"""Plain data that goes into and comes out of the name-matching engine."""

from dataclasses import dataclass
from enum import StrEnum


class EntityType(StrEnum):
    PERSON = "person"
    ENTITY = "entity"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One list entry as the engine indexes it; `key` is the caller's own identifier."""

    key: int
    names: tuple[str, ...]  # primary name first, then aliases
    entity_type: EntityType | None = None
    countries: frozenset[str] = frozenset()  # ISO 3166-1 alpha-2, upper case
    birth_dates: tuple[str, ...] = ()  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    weak_names: tuple[str, ...] = ()  # OFAC "weak" aliases: searched, but scored down


@dataclass(frozen=True, slots=True)
class Query:
    """A name to screen, with whatever facts the caller knows about it."""

    name: str
    country: str | None = None  # ISO 3166-1 alpha-2
    entity_type: EntityType | None = None
    birth_date: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class Hit:
    """A list entry that may be the queried party, with the evidence for it."""

    key: int
    matched_name: str  # the name or alias of the entry that matched best
    score: float  # 0..1 after the facts' adjustments
    name_score: float  # 0..1 from the names alone
    reasons: tuple[str, ...]  # one sentence each, e.g. "name tokens match in another order"
    matched_fields: tuple[str, ...]  # from "name", "alias", "country", "birth_date", "type"
