"""Restricted-party name matching: normalise, retrieve by index, score, explain."""

from indusx.screening.engine.compare import compare
from indusx.screening.engine.index import REVIEW_THRESHOLD, ScreeningIndex
from indusx.screening.engine.names import name_key, normalise_name
from indusx.screening.engine.types import EntityType, Hit, IndexEntry, Query

__all__ = [
    "REVIEW_THRESHOLD",
    "EntityType",
    "Hit",
    "IndexEntry",
    "Query",
    "ScreeningIndex",
    "compare",
    "name_key",
    "normalise_name",
]
