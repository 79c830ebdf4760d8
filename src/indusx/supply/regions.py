"""Named regions of the world for disruption scenarios (a region out = its countries out)."""

from functools import cache
from importlib import resources

import pycountry
import yaml


class RegionFileError(ValueError):
    """The packaged region map is malformed."""


@cache
def regions() -> dict[str, frozenset[str]]:
    """Return the packaged map of region names to ISO 3166-1 alpha-2 codes, checked once."""
    text = resources.files("indusx.supply").joinpath("regions.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise RegionFileError("regions.yaml: expected a mapping of region names to code lists")
    out: dict[str, frozenset[str]] = {}
    for name, codes in data.items():
        if not isinstance(codes, list) or not codes:
            raise RegionFileError(f"regions.yaml: {name}: expected a list of country codes")
        bad = [c for c in codes if not is_country(str(c))]
        if bad:
            raise RegionFileError(f"regions.yaml: {name}: not ISO country codes: {bad}")
        out[str(name)] = frozenset(str(c).upper() for c in codes)
    return out


def region_named(name: str) -> str | None:
    """Return the region's canonical name for a name in any letter case, or None."""
    wanted = name.strip().casefold()
    return next((r for r in regions() if r.casefold() == wanted), None)


def countries_of(names: list[str]) -> frozenset[str]:
    """Return the countries of the named regions (names must be known)."""
    table = regions()
    out: set[str] = set()
    for name in names:
        canonical = region_named(name)
        if canonical is not None:
            out |= table[canonical]
    return frozenset(out)


def is_country(code: str) -> bool:
    """Return whether the text is an ISO 3166-1 alpha-2 country code."""
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def country_name(code: str) -> str:
    """Return a country's short English name, or the code if unknown."""
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return str(getattr(country, "common_name", None) or country.name) if country else code
