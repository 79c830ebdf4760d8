import random

import pytest

from indusx.supply.engine.network import SupplyNetwork
from indusx.supply.engine.simulate import simulate
from indusx.supply.engine.types import LineRow, Scenario, SystemRow
from tests.supply.engine.rows import part, source

# Demand 365 a year makes one system unit a day: d0 = units per system per day.


def one_part(*sources, demand=365.0, quantity=1.0):
    """A system whose in-house top assembly G-0 holds `quantity` x G-1, sourced as given."""
    return SupplyNetwork.build(
        [SystemRow(1, "Gun", demand)],
        [part(10, "G-0", kind="assembly"), part(11, "G-1")],
        [LineRow(None, 10, 1), LineRow(10, 11, quantity)],
        list(sources),
    )


BARREL = (
    source(1, 11, "Acme", "US", share=0.5, capacity=182.5, lead=20, stock=10),  # 0.5 a day
    source(2, 11, "Dragon", "CN", share=0.5, capacity=730.0, lead=30, stock=50),  # 2 a day
)


def test_a_country_out_leaves_the_survivors_stock_and_capacity():
    result = simulate(one_part(*BARREL), Scenario(countries_out=frozenset({"CN"}), days=30))

    # required 1/day x 30 = 30; available: Acme's stock 10 + 0.5/day x 30 = 25 (Dragon's 50
    # in stock is lost with it); shortfall 5.
    (short,) = result.shortfalls
    assert (short.part, short.number) == (11, "G-1")
    assert short.required == pytest.approx(30)
    assert short.available == pytest.approx(25)
    assert short.shortfall == pytest.approx(5)
    assert short.lost_sources == (2,)
    assert result.lost_sources == 1
    gun = result.systems[1]
    # planned 365 x 30 / 365 = 30; G-1 allows 25 / 1; the in-house G-0 is no limit.
    assert (gun.planned, gun.buildable, gun.bottlenecks, gun.short_parts) == (30, 25, (11,), 1)


def test_a_lost_source_resumes_after_its_lead_time_and_the_backlog_clears():
    result = simulate(one_part(*BARREL), Scenario(countries_out=frozenset({"CN"}), days=30))

    # After day 30 demand is 1/day against Acme's 0.5: the gap grows from 5 by 0.5 a day
    # until Dragon resumes at day 30 + 30 with 2/day: gap 5 + 0.5 x 30 = 20, then it falls
    # by 0.5 + 2 - 1 = 1.5 a day: 20 / 1.5 = 13.33 days more -> day 73.33.
    assert result.shortfalls[0].recovery_days == pytest.approx(30 + 30 + 20 / 1.5)
    assert result.systems[1].recovery_days == pytest.approx(73.333, abs=1e-3)


def test_taking_out_a_supplier_is_the_same_as_taking_out_its_country():
    by_country = simulate(one_part(*BARREL), Scenario(countries_out=frozenset({"CN"}), days=30))
    by_supplier = simulate(
        one_part(*BARREL), Scenario(suppliers_out=frozenset({"ext:dragon|CN"}), days=30)
    )

    assert by_supplier.shortfalls == by_country.shortfalls
    assert by_supplier.systems == by_country.systems


def test_a_single_source_back_without_spare_capacity_never_clears_the_backlog():
    # Unknown capacity: the source runs at its share of demand, exactly 3/day for 3 per unit.
    network = one_part(source(1, 11, "Dragon", "CN", lead=10, stock=40), quantity=3)
    result = simulate(network, Scenario(countries_out=frozenset({"CN"}), days=20))

    (short,) = result.shortfalls
    # required 3/day x 20 = 60, nothing available (the stock went with the source)
    assert (short.required, short.available, short.shortfall) == (60, 0, 60)
    assert short.recovery_days is None
    assert result.systems[1].recovery_days is None
    assert result.systems[1].buildable == 0


def test_raised_demand_alone_can_outrun_a_source_and_the_spare_capacity_catches_up():
    network = one_part(source(1, 11, "Acme", "US", capacity=547.5))  # 1.5 a day
    result = simulate(network, Scenario(demand_factor=2.0, days=10))

    (short,) = result.shortfalls
    # 2/day x 10 = 20 required, 1.5 x 10 = 15 made; afterwards 1.5 made against 1 needed
    # closes the 5 short in 10 days: day 20.
    assert (short.required, short.available, short.shortfall) == (20, 15, 5)
    assert short.lost_sources == ()
    assert short.recovery_days == pytest.approx(20)
    gun = result.systems[1]
    assert (gun.planned, gun.buildable) == (20, 15)
    assert result.lost_sources == 0


def test_units_per_system_scale_what_is_needed_and_what_can_be_built():
    network = one_part(source(1, 11, "Acme", "US", capacity=1460.0), quantity=3)  # 4 a day
    result = simulate(network, Scenario(demand_factor=1.5, days=20))

    (short,) = result.shortfalls
    # 3 per unit x 1.5/day = 4.5/day x 20 = 90 required; 4 x 20 = 80 made
    assert (short.required, short.available) == (pytest.approx(90), pytest.approx(80))
    # afterwards 4 made against 3 needed: 10 short cleared in 10 days
    assert short.recovery_days == pytest.approx(30)
    gun = result.systems[1]
    # planned 1.5 x 20 = 30 units; 80 / 3 = 26.7 -> 26 whole units
    assert (gun.planned, gun.buildable) == (pytest.approx(30), 26)


def test_recovery_walks_through_sources_resuming_one_after_another():
    network = one_part(
        source(1, 11, "Panda", "CN", capacity=365.0, lead=10),  # 1 a day from day T + 10
        source(2, 11, "Bear", "RU", capacity=730.0, lead=40),  # 2 a day from day T + 40
    )
    result = simulate(network, Scenario(countries_out=frozenset({"CN", "RU"}), days=10))

    (short,) = result.shortfalls
    # 10 short at day 10; +1/day until Panda is back (20 short), flat until Bear is back
    # at day 50, then -2/day: 20 / 2 = 10 more days -> day 60.
    assert short.shortfall == pytest.approx(10)
    assert short.lost_sources == (1, 2)
    assert short.recovery_days == pytest.approx(60)


def test_enough_stock_and_capacity_means_no_shortfall_and_no_recovery_time():
    network = one_part(*BARREL)
    result = simulate(network, Scenario(countries_out=frozenset({"CN"}), days=10))

    # 10 required; 10 in stock + 0.5 x 10 = 15 available
    assert result.shortfalls == ()
    gun = result.systems[1]
    assert (gun.buildable, gun.bottlenecks, gun.recovery_days, gun.short_parts) == (10, (), 0, 0)


def test_shortfalls_come_largest_share_of_need_first_and_only_for_the_systems_asked():
    network = SupplyNetwork.build(
        [SystemRow(1, "Gun", 365.0), SystemRow(2, "Radar", 365.0)],
        [part(1, "G-1"), part(2, "G-2"), part(3, "R-1", system=2)],
        [LineRow(None, 1, 1), LineRow(None, 2, 1), LineRow(None, 3, 1)],
        [
            source(1, 1, "Acme", "US", share=0.9, capacity=328.5),  # 0.9 a day survives
            source(2, 1, "Panda", "CN", share=0.1),
            source(3, 2, "Eagle", "US", share=0.5, capacity=182.5),  # 0.5 a day survives
            source(4, 2, "Dragon", "CN", share=0.5),
            source(5, 3, "Wok", "CN"),
        ],
    )
    result = simulate(
        network, Scenario(countries_out=frozenset({"CN"}), days=10, systems=frozenset({1}))
    )

    # G-1 short 1 of 10 (10%), G-2 short 5 of 10 (50%): G-2 first; the radar is not run.
    assert [s.number for s in result.shortfalls] == ["G-2", "G-1"]
    assert [s.shortfall for s in result.shortfalls] == [pytest.approx(5), pytest.approx(1)]
    assert list(result.systems) == [1]
    assert result.systems[1].bottlenecks == (2, 1)
    assert result.systems[1].buildable == 5
    assert result.lost_sources == 2


def recovery_by_hand(shortfall, d0, kept_rate, lost):
    """Walk the resumptions one by one: the scalar version of the model, for comparison."""
    gap, rate, t = shortfall, kept_rate, 0.0
    for lead, back in sorted(lost):
        if rate > d0 and t + gap / (rate - d0) <= lead:
            return t + gap / (rate - d0)
        gap -= (rate - d0) * (lead - t)
        t, rate = lead, rate + back
    return t + gap / (rate - d0) if rate > d0 else None


def test_recovery_matches_a_walk_through_the_resumptions_on_random_parts():
    rng = random.Random(11)
    sources, parts, lines, key = [], [], [], 0
    for p in range(1, 41):
        parts.append(part(p, f"P-{p}"))
        lines.append(LineRow(None, p, rng.choice((1.0, 2.0))))
        for country in rng.sample(["US", "IN", "CN", "RU"], k=rng.randint(1, 4)):
            key += 1
            capacity = rng.choice((None, rng.uniform(100, 1500)))
            sources.append(
                source(
                    key,
                    p,
                    f"S{key}",
                    country,
                    share=rng.uniform(0.1, 1),
                    lead=rng.randint(0, 60),
                    capacity=capacity,
                    stock=rng.uniform(0, 30),
                )
            )
    network = SupplyNetwork.build([SystemRow(1, "S", 365.0)], parts, lines, sources)
    result = simulate(
        network, Scenario(countries_out=frozenset({"CN", "RU"}), days=25, demand_factor=1.3)
    )

    assert len(result.shortfalls) >= 10
    for short in result.shortfalls:
        rows = network.sources_of(short.part)
        d0 = 365.0 * network.units[network.index(short.part)] / 365
        total = sum(r.share for r in rows)
        rates = {
            r.key: (r.capacity if r.capacity is not None else r.share / total * d0 * 365) / 365
            for r in rows
        }
        lost = [(r.lead_days, rates[r.key]) for r in rows if r.country in ("CN", "RU")]
        kept = sum(rates[r.key] for r in rows if r.country not in ("CN", "RU"))
        expected = recovery_by_hand(short.shortfall, d0, kept, lost)
        if expected is None:
            assert short.recovery_days is None
        else:
            assert short.recovery_days == pytest.approx(25 + expected)
