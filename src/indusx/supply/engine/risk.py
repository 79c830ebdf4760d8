"""Risk analysis: each part's supply risk, rolled up to its system and its system's heat map.

Every figure is computed for all parts at once over the network's arrays (one pass over the
sources with numpy); Python loops run only over parts, to write their reasons, and over each
system's top-level rows.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from indusx.supply.engine.network import BoolArray, FloatArray, IntArray, SupplyNetwork, sums
from indusx.supply.engine.types import HeatCell, PartRisk, RiskPolicy, RiskReport, SystemRisk

# Criticality components and their default weights (points out of 100).
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "single_source": 25.0,
        "single_country": 10.0,
        "concentration": 15.0,
        "outside": 15.0,
        "watch": 15.0,
        "screening": 10.0,
        "lead_time": 10.0,
    }
)
COMPONENTS = tuple(DEFAULT_WEIGHTS)
# Heat map columns: the components that differ between parts of one row's subtree
# (single_country is implied by single_source or shown through concentration).
DIMENSIONS = ("single_source", "concentration", "outside", "watch", "screening", "lead_time")
SCREENING_LEVELS: Mapping[str, float] = MappingProxyType({"confirmed": 1.0, "review": 0.5})
TOP_PARTS = 10
NO_SOURCE = "no qualified source recorded"
# HHI bands of the US merger guidelines (2010): above 2,500 is highly concentrated.
CONCENTRATED = 2500.0
MODERATE = 1500.0


@dataclass(frozen=True)
class _CountryFigures:
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


def _country_figures(network: SupplyNetwork, policy: RiskPolicy) -> _CountryFigures:
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
    return _CountryFigures(
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


def _screening(
    network: SupplyNetwork, policy: RiskPolicy
) -> tuple[FloatArray, dict[int, list[int]]]:
    """Return each part's worst screening level and its flagged sources, worst first."""
    level = np.zeros(len(network.supplier_keys))
    for supplier, status in policy.flags.items():
        code = network.supplier_index.get(supplier)
        if code is not None:
            level[code] = SCREENING_LEVELS.get(status, 0.0)
    source_level = np.where(network.source_valid, level[network.source_supplier], 0.0)
    flagged = np.flatnonzero(source_level > 0)
    part_level = np.zeros(len(network))
    np.maximum.at(part_level, network.source_part[flagged], source_level[flagged])
    by_part: dict[int, list[int]] = {}
    for j in flagged[np.argsort(-source_level[flagged], kind="stable")].tolist():
        by_part.setdefault(int(network.source_part[j]), []).append(j)
    return part_level, by_part


def _weights(policy: RiskPolicy) -> FloatArray:
    """Return the component weights in COMPONENTS order, the policy's overrides applied."""
    unknown = set(policy.weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown criticality weights: {', '.join(sorted(unknown))}")
    merged = {**DEFAULT_WEIGHTS, **policy.weights}
    weights = np.array([float(merged[name]) for name in COMPONENTS])
    if (weights < 0).any():
        raise ValueError("criticality weights must be zero or more")
    return weights


def _critical_path(network: SupplyNetwork, system: int) -> tuple[int, list[int]]:
    """Return a system's longest lead-time path: its days and its part positions, top down."""
    tops = network.top_positions(system)
    if not tops:
        return 0, []
    node = max(tops, key=lambda i: int(network.path_lead[i]))
    longest = int(network.path_lead[node])
    if longest <= 0:
        return 0, []
    path = [node]
    while True:
        lo, hi = network.child_ptr[node], network.child_ptr[node + 1]
        if lo == hi:
            break
        kids = network.line_child[lo:hi]
        lead = network.path_lead[kids]
        best = int(np.argmax(lead))
        if lead[best] <= 0:
            break
        node = int(kids[best])
        path.append(node)
    return longest, path


def _heat(
    network: SupplyNetwork, system: int, values: FloatArray, criticality: FloatArray
) -> tuple[tuple[int, ...], tuple[HeatCell, ...]]:
    """Return a system's heat-map rows and cells: the worst value under each top-level part."""
    rows = network.top_positions(system)
    cells = []
    for row in rows:
        below = network.below(row)
        block = values[below]
        crit = criticality[below]
        for d, dimension in enumerate(DIMENSIONS):
            column = block[:, d]
            worst = float(column.max())
            part: int | None = None
            if worst > 0:
                # Among equal values the most critical part, then the first in BOM order.
                candidates = np.flatnonzero(column == worst)
                pick = candidates[int(np.argmax(crit[candidates]))]
                part = int(network.part_keys[below[pick]])
            cells.append(HeatCell(int(network.part_keys[row]), dimension, worst, part))
    return tuple(int(network.part_keys[r]) for r in rows), tuple(cells)


def _concentration_label(hhi: float) -> str:
    if hhi > CONCENTRATED:
        return "concentrated"
    if hhi > MODERATE:
        return "moderately concentrated"
    return "unconcentrated"


class _Reasons:
    """Writes the plain-words reasons behind each part's score.

    The figures are held as Python lists: 200,000 parts read one value at a time from
    numpy arrays would spend more time boxing scalars than writing sentences.
    """

    def __init__(
        self,
        network: SupplyNetwork,
        figures: _CountryFigures,
        flagged: dict[int, list[int]],
        longest: list[int],
        on_path: BoolArray,
        level: FloatArray,
    ) -> None:
        self.network = network
        self.flagged = flagged
        self.longest = longest
        self.countries = network.countries
        valid = np.flatnonzero(network.source_valid)
        first = np.ones(len(valid), dtype=bool)
        first[1:] = network.source_part[valid][1:] != network.source_part[valid][:-1]
        first_valid = np.full(len(network), -1, dtype=np.int64)
        first_valid[network.source_part[valid][first]] = valid[first]
        self.first_valid: list[int] = first_valid.tolist()
        self.hhi: list[float] = figures.hhi.tolist()
        self.outside: list[float] = figures.outside.tolist()
        self.outside_count: list[int] = figures.outside_count.tolist()
        self.outside_top: list[int] = figures.outside_top.tolist()
        self.outside_top_share: list[float] = figures.outside_top_share.tolist()
        self.watch: list[float] = figures.watch.tolist()
        self.watch_count: list[int] = figures.watch_count.tolist()
        self.watch_top: list[int] = figures.watch_top.tolist()
        self.watch_top_share: list[float] = figures.watch_top_share.tolist()
        self.path_lead: list[int] = network.path_lead.tolist()
        self.system: list[int] = network.part_system.tolist()
        self.on_path: list[bool] = on_path.tolist()
        self.level: list[float] = level.tolist()
        # In COMPONENTS order.
        self.texts = (
            self._single_source,
            self._single_country,
            self._concentration,
            self._outside,
            self._watch,
            self._screening,
            self._lead_time,
        )

    def write(self, i: int, contribution: list[float], order: list[int]) -> tuple[str, ...]:
        """Return part i's reasons, biggest contribution first."""
        texts = self.texts
        return tuple(texts[k](i) for k in order if contribution[k] > 0)

    def _supplier(self, j: int) -> str:
        network = self.network
        name = network.supplier_names[network.source_name[j]]
        shown = name or network.supplier_keys[network.source_supplier[j]]
        return f"{shown} ({self.countries[network.source_country[j]]})"

    def _single_source(self, i: int) -> str:
        return f"single source: {self._supplier(self.first_valid[i])}"

    def _single_country(self, i: int) -> str:
        country = self.countries[self.network.source_country[self.first_valid[i]]]
        return f"all supply from one country: {country}"

    def _concentration(self, i: int) -> str:
        hhi = self.hhi[i]
        return f"HHI {hhi:,.0f} ({_concentration_label(hhi)})"

    def _outside(self, i: int) -> str:
        top = self.countries[self.outside_top[i]]
        if self.outside_count[i] == 1:
            return f"{self.outside[i]:.0%} of supply from {top}, outside partners and allies"
        return (
            f"{self.outside[i]:.0%} of supply from outside partners and allies, "
            f"most from {top} ({self.outside_top_share[i]:.0%})"
        )

    def _watch(self, i: int) -> str:
        top = self.countries[self.watch_top[i]]
        if self.watch_count[i] == 1:
            return f"{self.watch[i]:.0%} of supply from {top}, a watched country"
        return (
            f"{self.watch[i]:.0%} of supply from watched countries, "
            f"most from {top} ({self.watch_top_share[i]:.0%})"
        )

    def _screening(self, i: int) -> str:
        sources = self.flagged[i]
        what = (
            "supplier with a confirmed screening hit"
            if self.level[i] >= 1.0
            else "supplier under screening review"
        )
        more = f" and {len(sources) - 1} more flagged" if len(sources) > 1 else ""
        return f"{what}: {self._supplier(sources[0])}{more}"

    def _lead_time(self, i: int) -> str:
        days = self.path_lead[i]
        if self.on_path[i]:
            return f"on the critical path: {days} days"
        longest = self.longest[self.system[i]]
        return f"{days} days of lead time down its BOM, against {longest} on the critical path"


def analyse(
    network: SupplyNetwork, policy: RiskPolicy, systems: Collection[int] | None = None
) -> RiskReport:
    """Return the risk of every part of `systems` (system keys; None = all) and their roll-up."""
    n = len(network)
    chosen = (
        list(range(len(network.system_keys)))
        if systems is None
        else [network.system_index(key) for key in systems]
    )
    figures = _country_figures(network, policy)
    level, flagged = _screening(network, policy)
    weights = _weights(policy)

    sourced = network.part_sources > 0
    leaf = network.child_ptr[1:] == network.child_ptr[:-1]
    unsourced_leaf = ~sourced & leaf
    single_source = network.part_sources == 1
    single_country = sourced & (figures.countries == 1)

    longest = [0] * len(network.system_keys)
    paths: dict[int, list[int]] = {}
    on_path = np.zeros(n, dtype=bool)
    for s in chosen:
        longest[s], paths[s] = _critical_path(network, s)
        on_path[paths[s]] = True
    system_longest = np.array(longest, dtype=np.float64)[network.part_system]
    lead_share = np.where(
        system_longest > 0,
        np.minimum(network.path_lead / np.maximum(system_longest, 1), 1.0),
        0.0,
    )

    components = np.column_stack(
        [
            single_source,
            single_country,
            figures.hhi / 10_000.0,
            figures.outside,
            figures.watch,
            level,
            lead_share,
        ]
    ).astype(np.float64)
    components[unsourced_leaf] = 0.0
    contribution = components * weights
    total = float(weights.sum())
    criticality = contribution.sum(axis=1) * (100.0 / total) if total > 0 else np.zeros(n)
    criticality = np.clip(criticality, 0.0, 100.0)

    selected = np.isin(network.part_system, chosen)
    positions = network.order[selected[network.order]]
    writer = _Reasons(network, figures, flagged, longest, on_path, level)
    ranking = np.argsort(-contribution[positions], axis=1, kind="stable").tolist()
    shares = contribution[positions].tolist()
    columns = [
        network.part_keys,
        network.system_keys[network.part_system],
        network.part_sources,
        figures.countries,
        single_source,
        single_country,
        figures.hhi,
        figures.outside,
        figures.watch,
        network.part_lead,
        network.path_lead,
        on_path,
        network.units,
        criticality,
        unsourced_leaf,
        level,
    ]
    parts: dict[int, PartRisk] = {}
    for row, (
        i,
        key,
        system,
        n_src,
        n_cty,
        ss,
        sc,
        hhi,
        out,
        watch,
        lead,
        path_lead,
        crit,
        units,
        score,
        gap,
        lvl,
    ) in enumerate(
        zip(positions.tolist(), *(column[positions].tolist() for column in columns), strict=True)
    ):
        reasons = (NO_SOURCE,) if gap else writer.write(i, shares[row], ranking[row])
        parts[key] = PartRisk(
            part=key,
            system=system,
            number=network.part_numbers[i],
            name=network.part_names[i],
            kind=network.part_kinds[i],
            sources=n_src,
            countries=n_cty,
            single_source=ss,
            single_country=sc,
            hhi=hhi,
            outside_share=out,
            watch_share=watch,
            flagged_suppliers=_flagged_keys(network, flagged[i]) if lvl else (),
            lead_days=lead,
            path_lead_days=path_lead,
            on_critical_path=crit,
            units_per_system=units,
            criticality=score,
            reasons=reasons,
        )

    heat_values = components[:, [COMPONENTS.index(d) for d in DIMENSIONS]]
    rollup = _rollup(
        network,
        figures,
        (sourced, unsourced_leaf, single_source, single_country, level > 0),
        criticality,
    )
    report_systems = {}
    for s in chosen:
        rows, cells = _heat(network, s, heat_values, criticality)
        key = int(network.system_keys[s])
        report_systems[key] = SystemRisk(
            system=key,
            name=network.system_names[s],
            longest_path_days=longest[s],
            critical_path=tuple(int(network.part_keys[i]) for i in paths[s]),
            heat_rows=rows,
            heat=cells,
            **rollup[s]._asdict(),
        )
    return RiskReport(systems=report_systems, parts=parts)


def _flagged_keys(network: SupplyNetwork, sources: list[int]) -> tuple[str, ...]:
    """Return the distinct supplier keys of flagged sources, in the order given."""
    keys = (network.supplier_keys[network.source_supplier[j]] for j in sources)
    return tuple(dict.fromkeys(keys))


class _Rollup(NamedTuple):
    parts: int
    sourced_parts: int
    unsourced_leaves: int
    single_source: int
    single_country: int
    mean_hhi: float
    max_hhi: float
    outside_share: float
    watch_share: float
    flagged_parts: int
    criticality: float
    top_parts: tuple[int, ...]


def _rollup(
    network: SupplyNetwork,
    figures: _CountryFigures,
    flags: tuple[BoolArray, BoolArray, BoolArray, BoolArray, BoolArray],
    criticality: FloatArray,
) -> list[_Rollup]:
    """Return each system's counts, means over sourced parts and most critical parts."""
    size = len(network.system_keys)
    system = network.part_system
    sourced = flags[0]

    def count(mask: BoolArray) -> list[int]:
        return [int(c) for c in np.bincount(system[mask], minlength=size)]

    def mean(values: FloatArray, over: list[int]) -> list[float]:
        totals = sums(system[sourced], values[sourced], size)
        return [float(t) / c if c else 0.0 for t, c in zip(totals, over, strict=True)]

    parts = count(np.ones(len(network), dtype=bool))
    counts = [count(mask) for mask in flags]
    with_sources = counts[0]
    max_hhi = np.zeros(size)
    np.maximum.at(max_hhi, system[sourced], figures.hhi[sourced])
    # Most critical first, then BOM order; grouped by system like network.order.
    ranked = np.lexsort((network.rank, -criticality, system))
    out = []
    for s, (total, hhi, outside, watch) in enumerate(
        zip(
            parts,
            mean(figures.hhi, with_sources),
            mean(figures.outside, with_sources),
            mean(figures.watch, with_sources),
            strict=True,
        )
    ):
        start = int(network.system_ptr[s])
        top = ranked[start : start + min(TOP_PARTS, total)]
        out.append(
            _Rollup(
                parts=total,
                sourced_parts=with_sources[s],
                unsourced_leaves=counts[1][s],
                single_source=counts[2][s],
                single_country=counts[3][s],
                mean_hhi=hhi,
                max_hhi=float(max_hhi[s]),
                outside_share=outside,
                watch_share=watch,
                flagged_parts=counts[4][s],
                criticality=float(criticality[top].mean()) if len(top) else 0.0,
                top_parts=tuple(int(k) for k in network.part_keys[top]),
            )
        )
    return out
