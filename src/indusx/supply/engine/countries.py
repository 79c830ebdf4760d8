"""Where a part's supply comes from: country concentration, outside and watched shares."""

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from indusx.supply.engine.network import BoolArray, FloatArray, IntArray, SupplyNetwork, sums
from indusx.supply.engine.types import RiskPolicy


@dataclass(frozen=True)
class CountryFigures:
    """Per-part country figures, each an array indexed by part position."""

    hhi: FloatArray
    countries: IntArray
    outside: FloatArray
    watch: FloatArray
    outside_count: IntArray  # distinct outside countries
    outside_top: IntArray  # country code of the largest outside country, -1 if none
    outside_top_share: FloatArray
    watch_count: IntArray
    watch_top: IntArray
    watch_top_share: FloatArray


def _country_mask(network: SupplyNetwork, countries: Collection[str]) -> BoolArray:
    """Return, per country code, whether the country is in `countries`."""
    wanted = {country.upper() for country in countries}
    return np.array([c in wanted for c in network.countries], dtype=bool).reshape(-1)


def _largest(
    part: IntArray, country: IntArray, share: FloatArray, n: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Return per part: how many countries, the largest one's code (-1) and its share."""
    order = np.lexsort((country, -share, part))
    part, country, share = part[order], country[order], share[order]
    first = np.ones(len(part), dtype=bool)
    first[1:] = part[1:] != part[:-1]
    top = np.full(n, -1, dtype=np.int64)
    top[part[first]] = country[first]
    top_share = np.zeros(n)
    top_share[part[first]] = share[first]
    return np.bincount(part, minlength=n), top, top_share


def country_figures(network: SupplyNetwork, policy: RiskPolicy) -> CountryFigures:
    """Return each part's country concentration and its outside and watched shares."""
    n = len(network)
    valid = network.source_valid
    width = max(len(network.countries), 1)
    pair = network.source_part[valid] * width + network.source_country[valid]
    pairs, inverse = np.unique(pair, return_inverse=True)
    share = sums(inverse, network.source_norm[valid], len(pairs))
    part = pairs // width
    country = pairs % width
    outside_mask = ~_country_mask(network, policy.partners | policy.allies)[country]
    watch_mask = _country_mask(network, policy.watch)[country]
    outside_count, outside_top, outside_top_share = _largest(
        part[outside_mask], country[outside_mask], share[outside_mask], n
    )
    watch_count, watch_top, watch_top_share = _largest(
        part[watch_mask], country[watch_mask], share[watch_mask], n
    )
    return CountryFigures(
        hhi=sums(part, (100.0 * share) ** 2, n),
        countries=np.bincount(part, minlength=n),
        outside=sums(part, share * outside_mask, n),
        watch=sums(part, share * watch_mask, n),
        outside_count=outside_count,
        outside_top=outside_top,
        outside_top_share=outside_top_share,
        watch_count=watch_count,
        watch_top=watch_top,
        watch_top_share=watch_top_share,
    )
