"""Risk analysis: each part's supply risk, rolled up to its system and its system's heat map.

Every figure is computed for all parts at once over the network's arrays (one pass over the
sources with numpy); Python loops run only over parts, to write their reasons, and over each
system's top-level rows.
"""

from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from indusx.supply.engine.countries import CountryFigures, country_figures
from indusx.supply.engine.network import BoolArray, FloatArray, SupplyNetwork, sums
from indusx.supply.engine.reasons import NO_SOURCE, ReasonWriter
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
    figures = country_figures(network, policy)
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
    writer = ReasonWriter(network, figures, flagged, longest, on_path, level)
    written = writer.write(positions, contribution[positions])
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
    for reasons, (
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
    ) in zip(
        written,
        zip(positions.tolist(), *(column[positions].tolist() for column in columns), strict=True),
        strict=True,
    ):
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
            reasons=(NO_SOURCE,) if gap else reasons,
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
    figures: CountryFigures,
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
