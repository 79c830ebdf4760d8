"""What an export-control classification says: its regime, category and the country it binds.

Input is the canonical form that `indusx.orgs.identifiers.normalise_export_control` writes
("EAR99", "ECCN 9A619", "USML Cat. XIX", "SCOMET 6A", "Not controlled"), or None when the
classification is not known.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class Regime(StrEnum):
    USML = "usml"  # ITAR, US Munitions List
    ECCN = "eccn"  # EAR, a Commerce Control List entry
    EAR99 = "ear99"  # EAR, subject to it but not listed
    SCOMET = "scomet"  # India's SCOMET list
    NOT_CONTROLLED = "not-controlled"
    UNKNOWN = "unknown"


class EccnSeries(StrEnum):
    SERIES_600 = "600"  # military items moved off the USML, e.g. 9A619
    SERIES_515 = "515"  # spacecraft items, e.g. 9A515
    OTHER = "other"


# Which country's controls a regime applies to (the item's origin for export purposes).
REGIME_ORIGIN = {Regime.USML: "US", Regime.ECCN: "US", Regime.EAR99: "US", Regime.SCOMET: "IN"}

_ECCN = re.compile(r"ECCN (\d)([A-E])(\d)(\d\d)")
_USML = re.compile(r"USML Cat\. ([IVX]+)")
_SCOMET = re.compile(r"SCOMET ([0-8])")


@dataclass(frozen=True, slots=True)
class Classification:
    """A parsed classification; fields that do not apply to its regime are None."""

    text: str  # the canonical form, or "unknown"
    regime: Regime
    usml_category: str | None = None  # "I".."XXI"
    eccn: str | None = None  # "9A619"
    eccn_series: EccnSeries | None = None
    # From the ECCN's reason-for-control digit (the third character): 1 = missile technology.
    eccn_missile_technology: bool = False
    scomet_category: str | None = None  # "0".."8"

    @property
    def origin(self) -> str | None:
        """Return the country whose export controls the classification belongs to."""
        return REGIME_ORIGIN.get(self.regime)


def parse(canonical: str | None) -> Classification:
    """Return what a canonical classification says; None or blank is unknown."""
    if canonical is None or not canonical.strip():
        return Classification(text="unknown", regime=Regime.UNKNOWN)
    text = canonical.strip()
    if text == "EAR99":
        return Classification(text=text, regime=Regime.EAR99)
    if text == "Not controlled":
        return Classification(text=text, regime=Regime.NOT_CONTROLLED)
    if match := _USML.match(text):
        return Classification(text=text, regime=Regime.USML, usml_category=match[1])
    if match := _ECCN.match(text):
        number = "".join(match.groups())
        # 600-series are xY6zz (e.g. 9A619); spacecraft items are xY515.
        if match[3] == "5" and match[4] == "15":
            series = EccnSeries.SERIES_515
        elif match[3] == "6":
            series = EccnSeries.SERIES_600
        else:
            series = EccnSeries.OTHER
        return Classification(
            text=text,
            regime=Regime.ECCN,
            eccn=number,
            eccn_series=series,
            eccn_missile_technology=match[3] == "1",
        )
    if match := _SCOMET.match(text):
        return Classification(text=text, regime=Regime.SCOMET, scomet_category=match[1])
    raise ValueError(f"not a canonical classification: {canonical!r}")
