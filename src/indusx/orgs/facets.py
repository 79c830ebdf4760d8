"""Bit layout of an organisation's facet values, so one pass can count every facet.

Each organisation stores `facet_mask`: one bit per country, kind, funding stage, TRL band
and seeking value it has, and `focus_mask`: one bit per focus area (FocusArea.bit). Testing
a value is then an integer AND, which keeps counting every facet over 100,000 organisations
cheap. Each group has a fixed slot so that adding a value to one vocabulary (append-only)
does not move the bits of another; changing the layout needs a migration that recomputes
the masks.
"""

from collections.abc import Iterable
from enum import StrEnum

from indusx.orgs.taxonomy import Country, FundingStage, OrgKind, Seeking

TRL_BANDS: tuple[tuple[str, int, int], ...] = (("1-3", 1, 3), ("4-6", 4, 6), ("7-9", 7, 9))

# group -> (first bit, width, values in their stored order)
_SLOTS: dict[str, tuple[int, int, list[str]]] = {
    "country": (0, 4, [c.value for c in Country]),
    "kind": (4, 16, [k.value for k in OrgKind]),
    "stage": (20, 12, [s.value for s in FundingStage]),
    "trl": (32, 4, [label for label, _, _ in TRL_BANDS]),
    "seeking": (36, 16, [s.value for s in Seeking]),
}
for _group, (_first, _width, _values) in _SLOTS.items():
    assert len(_values) <= _width, f"facet group {_group} outgrew its slot"


def bit(group: str, value: str | StrEnum) -> int:
    """Return the bit of one facet value."""
    first, _, values = _SLOTS[group]
    return 1 << (first + values.index(str(getattr(value, "value", value))))


def bits(group: str, values: Iterable[str | StrEnum]) -> int:
    """Return the OR of the bits of several values of one group."""
    out = 0
    for value in values:
        out |= bit(group, value)
    return out


def trl_band(max_trl: int | None) -> str | None:
    """Return the TRL band label of an organisation's most mature offering."""
    if max_trl is None:
        return None
    return next(label for label, lo, hi in TRL_BANDS if lo <= max_trl <= hi)


def facet_mask(
    *,
    country: Country,
    kind: OrgKind,
    funding_stage: FundingStage | None,
    max_trl: int | None,
    seeking: Iterable[Seeking],
) -> int:
    """Return the facet bits of one organisation."""
    mask = bit("country", country) | bit("kind", kind) | bits("seeking", seeking)
    if funding_stage is not None:
        mask |= bit("stage", funding_stage)
    band = trl_band(max_trl)
    if band is not None:
        mask |= bit("trl", band)
    return mask


def focus_mask(area_bits: Iterable[int]) -> int:
    """Return the focus-area bits from the areas' bit positions."""
    out = 0
    for position in area_bits:
        out |= 1 << position
    return out
