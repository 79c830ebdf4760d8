"""Disruption simulation: a fluid model of supply against demand, solved exactly.

For each part, cumulative supply and cumulative demand are piecewise linear in time, so the
shortfall at the end of the disruption and the day supply catches up again are found segment
by segment, for every part at once, without stepping through days.
"""

import math

import numpy as np

from indusx.supply.engine.network import BoolArray, FloatArray, IntArray, SupplyNetwork, sums
from indusx.supply.engine.types import PartShortfall, Scenario, SimulationResult, SystemOutcome

DAYS_PER_YEAR = 365.0
BOTTLENECKS = 5
# Relative tolerance under which a shortfall is rounding, not a shortage.
TOLERANCE = 1e-9


def _codes(index: dict[str, int], wanted: frozenset[str], size: int) -> BoolArray:
    """Return, per code, whether its key is among `wanted`."""
    mask = np.zeros(size, dtype=bool)
    for key in wanted:
        code = index.get(key)
        if code is not None:
            mask[code] = True
    return mask


def _group_starts(groups: IntArray) -> BoolArray:
    """Return where each run of equal values in sorted `groups` begins."""
    first = np.ones(len(groups), dtype=bool)
    first[1:] = groups[1:] != groups[:-1]
    return first


def _recovery(
    short: IntArray,
    shortfall: FloatArray,
    demand: FloatArray,
    slack: FloatArray,
    lost_part: IntArray,
    lost_lead: FloatArray,
    lost_rate: FloatArray,
) -> FloatArray:
    """Return for each short part the days after the disruption until supply catches up.

    `demand` is d0, the daily demand after the disruption; `slack` is d0 - a1, how much
    faster demand runs than the surviving supply. The gap (demand minus supply) starts at the
    shortfall and changes with slope slack - (rates resumed so far); each lost source resuming
    bends it down at its lead time. Slopes only fall, so the first segment that reaches zero
    holds the answer. Returns inf where the gap never closes.
    """
    m = len(short)
    where = np.searchsorted(short, lost_part)
    keep = (where < m) & (short[np.minimum(where, m - 1)] == lost_part) if m else where < 0
    # One segment per short part starting at 0, one per lost source starting at its lead time.
    seg_part = np.concatenate((np.arange(m), where[keep]))
    seg_start = np.concatenate((np.zeros(m), lost_lead[keep]))
    seg_rate = np.concatenate((np.zeros(m), lost_rate[keep]))
    order = np.lexsort((seg_start, seg_part))
    seg_part, seg_start, seg_rate = seg_part[order], seg_start[order], seg_rate[order]
    first = _group_starts(seg_part)
    group = np.cumsum(first) - 1
    cum_rate = np.cumsum(seg_rate)
    cum_area = np.cumsum(seg_rate * seg_start)
    # Cumulative sums within each part: subtract what came before its first segment.
    heads = np.flatnonzero(first)
    rate = cum_rate - (cum_rate[heads] - seg_rate[heads])[group]
    area = cum_area - (cum_area[heads] - (seg_rate * seg_start)[heads])[group]
    gap = shortfall[seg_part] + slack[seg_part] * seg_start - (rate * seg_start - area)
    slope = slack[seg_part] - rate
    end = np.full(len(seg_part), np.inf)
    end[:-1] = np.where(first[1:], np.inf, seg_start[1:])
    # Supply that only matches demand up to rounding (sources of unknown capacity run at
    # exactly their share of it) never clears a backlog.
    falling = slope < -TOLERANCE * demand[seg_part]
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(gap <= 0, seg_start, np.where(falling, seg_start + gap / -slope, np.inf))
    # Rounding can put a root a hair past its segment's end; the next segment then has it.
    root = np.where(root <= end * (1 + TOLERANCE), root, np.inf)
    best = np.full(m, np.inf)
    np.minimum.at(best, seg_part, root)
    return best


def simulate(network: SupplyNetwork, scenario: Scenario) -> SimulationResult:
    """Return what each system can still build under a disruption, and the parts short."""
    n = len(network)
    chosen = (
        list(range(len(network.system_keys)))
        if scenario.systems is None
        else [network.system_index(key) for key in sorted(scenario.systems)]
    )
    in_scope = np.zeros(len(network.system_keys), dtype=bool)
    in_scope[chosen] = True
    days = float(scenario.days)
    factor = float(scenario.demand_factor)

    need = network.system_demand[network.part_system] * network.units  # R, units a year
    d0 = need / DAYS_PER_YEAR
    d1 = d0 * factor

    counted = network.source_valid & in_scope[network.part_system[network.source_part]]
    part = network.source_part[counted]
    capacity = network.source_capacity[counted]
    rate = (
        np.where(
            np.isnan(capacity),
            network.source_norm[counted] * need[part],
            capacity,
        )
        / DAYS_PER_YEAR
    )
    lost = (
        _codes(network.supplier_index, scenario.suppliers_out, len(network.supplier_keys))[
            network.source_supplier[counted]
        ]
        | _codes(
            network.country_index,
            frozenset(c.upper() for c in scenario.countries_out),
            len(network.countries),
        )[network.source_country[counted]]
    )
    kept = ~lost
    stock = sums(part[kept], network.source_stock[counted][kept], n)
    kept_rate = sums(part[kept], rate[kept], n)
    available = stock + kept_rate * days
    required = d1 * days
    shortfall = required - available
    sourced = np.zeros(n, dtype=bool)
    sourced[part] = True
    is_short = sourced & (shortfall > TOLERANCE * np.maximum(required, 1.0))
    short = np.flatnonzero(is_short)

    after = _recovery(
        short,
        shortfall[short],
        d0[short],
        (d0 - kept_rate)[short],
        part[lost],
        network.source_lead[counted][lost].astype(np.float64),
        rate[lost],
    )
    recovery = np.full(n, np.nan)
    recovery[short] = np.where(np.isinf(after), np.nan, days + after)

    lost_keys: list[int] = network.source_keys[counted][lost].tolist()
    lost_part = part[lost]
    ratio = shortfall[short] / np.maximum(required[short], 1e-300)
    ranked = short[np.lexsort((network.part_keys[short], -shortfall[short], -ratio))]
    back = recovery[ranked]
    # Python lists in result order: a hundred thousand short parts read one numpy scalar
    # at a time would cost more than the simulation itself.
    shortfalls = [
        PartShortfall(
            part=key,
            system=system,
            number=network.part_numbers[i],
            name=network.part_names[i],
            required=need_,
            available=have,
            shortfall=gap,
            recovery_days=when if when == when else None,  # NaN = never
            lost_sources=tuple(lost_keys[lo:hi]),
        )
        for i, key, system, need_, have, gap, when, lo, hi in zip(
            ranked.tolist(),
            network.part_keys[ranked].tolist(),
            network.system_keys[network.part_system[ranked]].tolist(),
            required[ranked].tolist(),
            available[ranked].tolist(),
            shortfall[ranked].tolist(),
            back.tolist(),
            np.searchsorted(lost_part, ranked, side="left").tolist(),
            np.searchsorted(lost_part, ranked, side="right").tolist(),
            strict=True,
        )
    ]

    outcomes = {}
    limits = sourced & (network.units > 0)
    for s in chosen:
        outcomes[int(network.system_keys[s])] = _outcome(
            network, s, factor, days, limits, available, is_short, recovery
        )
    return SimulationResult(
        scenario=scenario,
        systems=outcomes,
        shortfalls=tuple(shortfalls),
        lost_sources=int(lost.sum()),
    )


def _outcome(
    network: SupplyNetwork,
    system: int,
    factor: float,
    days: float,
    limits: BoolArray,
    available: FloatArray,
    is_short: BoolArray,
    recovery: FloatArray,
) -> SystemOutcome:
    """Return how many units of one system can be built and what holds it back."""
    planned = float(network.system_demand[system]) * factor * days / DAYS_PER_YEAR
    members = network.order[network.system_ptr[system] : network.system_ptr[system + 1]]
    limiting = members[limits[members]]
    can_make = available[limiting] / network.units[limiting]
    buildable = min(planned, float(can_make.min())) if len(limiting) else planned
    # Whole units; the tolerance keeps 49.999999 (rounding) from costing a unit.
    buildable = float(math.floor(buildable * (1 + TOLERANCE) + TOLERANCE))
    below = np.flatnonzero(can_make < planned * (1 - TOLERANCE))
    # Worst first, then BOM order (members are in BOM order and the sort is stable).
    worst = below[np.argsort(can_make[below], kind="stable")][:BOTTLENECKS]
    short = members[is_short[members]]
    back = recovery[short]
    return SystemOutcome(
        system=int(network.system_keys[system]),
        name=network.system_names[system],
        planned=planned,
        buildable=buildable,
        bottlenecks=tuple(int(k) for k in network.part_keys[limiting[worst]]),
        recovery_days=(None if np.isnan(back).any() else float(back.max()) if len(back) else 0.0),
        short_parts=len(short),
    )
