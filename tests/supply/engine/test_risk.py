import pytest

from indusx.supply.engine.network import SupplyNetwork
from indusx.supply.engine.risk import analyse
from indusx.supply.engine.types import HeatCell, LineRow, RiskPolicy, SystemRow
from tests.supply.engine.rows import part, source

# Radar (system 1):
#   R-100 antenna assembly, made in-house       x1 at the top
#     R-110 T/R module: Acme US 60% (120 d), Dragon CN 40% (200 d)       x4
#       R-120 GaN wafer: Wafer Co TW, single source (300 d)             x1
#   R-200 power supply: Volt Inc US, single source (90 d)               x1 at the top
#     R-210 capacitor: no source recorded                               x10
POLICY = RiskPolicy(
    partners=frozenset({"US", "IN"}), allies=frozenset({"GB"}), watch=frozenset({"CN"})
)


def radar(*extra_sources):
    return SupplyNetwork.build(
        [SystemRow(1, "Radar", 100.0)],
        [
            part(1, "R-100", kind="assembly"),
            part(2, "R-110"),
            part(3, "R-120", kind="material"),
            part(4, "R-200", kind="assembly"),
            part(5, "R-210"),
        ],
        [
            LineRow(None, 1, 1),
            LineRow(1, 2, 4),
            LineRow(2, 3, 1),
            LineRow(None, 4, 1),
            LineRow(4, 5, 10),
        ],
        [
            source(21, 2, "Acme", "US", share=0.6, lead=120),
            source(22, 2, "Dragon", "CN", share=0.4, lead=200),
            source(31, 3, "Wafer Co", "TW", lead=300),
            source(41, 4, "Volt Inc", "US", lead=90),
            *extra_sources,
        ],
    )


def test_a_part_split_60_40_between_us_and_cn_has_hhi_5200():
    part = analyse(radar(), POLICY).parts[2]

    # 60^2 + 40^2 = 3,600 + 1,600
    assert part.hhi == pytest.approx(5200)
    assert (part.sources, part.countries, part.single_source, part.single_country) == (
        2,
        2,
        False,
        False,
    )
    # CN is neither a partner nor an ally, and it is watched.
    assert part.outside_share == pytest.approx(0.4)
    assert part.watch_share == pytest.approx(0.4)


def test_a_single_source_part_is_single_country_with_hhi_10000():
    part = analyse(radar(), POLICY).parts[3]

    assert (part.sources, part.single_source, part.single_country) == (1, True, True)
    assert part.hhi == pytest.approx(10_000)
    assert (part.outside_share, part.watch_share) == (pytest.approx(1.0), 0.0)


def test_units_per_system_multiply_down_the_bom():
    parts = analyse(radar(), POLICY).parts

    assert [parts[k].units_per_system for k in (1, 2, 3, 4, 5)] == [1, 4, 4, 1, 10]


def test_shares_that_do_not_sum_to_one_are_normalised_and_zero_shares_do_not_count():
    network = SupplyNetwork.build(
        [SystemRow(1, "S", 1.0)],
        [part(1, "P-1")],
        [LineRow(None, 1, 1)],
        [
            source(1, 1, "A", "US", share=0.3),
            source(2, 1, "B", "CN", share=0.3),
            source(3, 1, "C", "RU", share=0.0),
        ],
    )
    part_risk = analyse(network, POLICY).parts[1]

    # 0.3 / 0.6 = 50% each: 50^2 + 50^2 = 5,000; the 0% RU source is no source.
    assert part_risk.hhi == pytest.approx(5000)
    assert (part_risk.sources, part_risk.countries) == (2, 2)
    assert part_risk.outside_share == pytest.approx(0.5)


def test_allies_and_the_watch_list_come_from_the_policy():
    policy = RiskPolicy(allies=frozenset({"TW"}), watch=frozenset({"TW", "CN"}))
    parts = analyse(radar(), policy).parts

    assert parts[3].outside_share == 0.0  # TW is now an ally...
    assert parts[3].watch_share == pytest.approx(1.0)  # ...and watched as well
    assert parts[2].watch_share == pytest.approx(0.4)


def test_screening_flags_mark_the_supplier_and_raise_the_score():
    plain = analyse(radar(), POLICY).parts[2]
    flagged = analyse(
        radar(), RiskPolicy(watch=frozenset({"CN"}), flags={"ext:acme|US": "review"})
    ).parts[2]
    confirmed = analyse(radar(), RiskPolicy(flags={"ext:dragon|CN": "confirmed"})).parts[2]

    assert plain.flagged_suppliers == ()
    assert flagged.flagged_suppliers == ("ext:acme|US",)
    # review counts 0.5 of the 10 screening points
    assert flagged.criticality == pytest.approx(plain.criticality + 5)
    assert "supplier under screening review: Acme (US)" in flagged.reasons
    assert confirmed.reasons[0] == "supplier with a confirmed screening hit: Dragon (CN)"


def test_lead_times_add_up_the_longest_path_and_mark_the_critical_path():
    report = analyse(radar(), POLICY)
    parts, radar_risk = report.parts, report.systems[1]

    # R-120 300; R-110 200 + 300 = 500; R-100 (in-house) 0 + 500; R-200 90 + 0 (R-210 unsourced)
    assert [parts[k].lead_days for k in (1, 2, 3, 4, 5)] == [0, 200, 300, 90, 0]
    assert [parts[k].path_lead_days for k in (1, 2, 3, 4, 5)] == [500, 500, 300, 90, 0]
    assert radar_risk.longest_path_days == 500
    assert radar_risk.critical_path == (1, 2, 3)
    assert [parts[k].on_critical_path for k in (1, 2, 3, 4, 5)] == [True, True, True, False, False]


def test_criticality_ranks_parts_and_gives_the_reasons_biggest_first():
    report = analyse(radar(), POLICY)
    parts = report.parts

    # single source 25 + one country 10 + HHI 15 x 1 + outside 15 x 1 + lead 10 x 300/500
    assert parts[3].criticality == pytest.approx(71.0)
    assert parts[3].reasons == (
        "single source: Wafer Co (TW)",
        "HHI 10,000 (concentrated)",
        "100% of supply from TW, outside partners and allies",
        "all supply from one country: TW",
        "on the critical path: 300 days",
    )
    # 25 + 10 + 15 + lead 10 x 90/500 = 51.8
    assert parts[4].criticality == pytest.approx(51.8)
    assert (
        parts[4].reasons[-1]
        == "90 days of lead time down its BOM, against 500 on the critical path"
    )
    # HHI 15 x 0.52 = 7.8 + outside 15 x 0.4 + watch 15 x 0.4 + lead 10 x 500/500 = 29.8
    assert parts[2].criticality == pytest.approx(29.8)
    assert parts[2].reasons == (
        "on the critical path: 500 days",
        "HHI 5,200 (concentrated)",
        "40% of supply from CN, outside partners and allies",
        "40% of supply from CN, a watched country",
    )
    # R-100 (in-house): only its lead path, 10; R-210: no source, no score.
    assert parts[1].criticality == pytest.approx(10.0)
    assert parts[5].criticality == 0.0
    assert parts[5].reasons == ("no qualified source recorded",)
    assert report.systems[1].top_parts == (3, 4, 2, 1, 5)
    # mean of the five (fewer than ten): (71 + 51.8 + 29.8 + 10 + 0) / 5
    assert report.systems[1].criticality == pytest.approx(32.52)


def test_several_outside_countries_are_summed_and_the_largest_named():
    extra = [
        source(51, 5, "Eagle", "US", share=0.5),
        source(52, 5, "Panda", "CN", share=0.3),
        source(53, 5, "Bear", "RU", share=0.2),
    ]
    policy = RiskPolicy(watch=frozenset({"CN", "RU"}))
    part = analyse(radar(*extra), policy).parts[5]

    assert part.hhi == pytest.approx(50**2 + 30**2 + 20**2)  # 3,800
    assert "50% of supply from outside partners and allies, most from CN (30%)" in part.reasons
    assert "50% of supply from watched countries, most from CN (30%)" in part.reasons


def test_policy_weights_override_the_defaults_and_the_score_is_rescaled():
    policy = RiskPolicy(watch=frozenset({"CN"}), weights={"lead_time": 0})
    parts = analyse(radar(), policy).parts

    assert parts[1].criticality == 0.0  # the in-house assembly scored only on lead time
    # (7.8 + 6 + 6) out of the 90 weight points left
    assert parts[2].criticality == pytest.approx(19.8 / 90 * 100)
    with pytest.raises(ValueError, match="unknown criticality weights: speed"):
        analyse(radar(), RiskPolicy(weights={"speed": 1}))


def test_the_system_rolls_up_counts_and_means_over_sourced_parts():
    radar_risk = analyse(radar(), POLICY).systems[1]

    assert (radar_risk.parts, radar_risk.sourced_parts, radar_risk.unsourced_leaves) == (5, 3, 1)
    assert (radar_risk.single_source, radar_risk.single_country) == (2, 2)
    assert radar_risk.mean_hhi == pytest.approx((5200 + 10_000 + 10_000) / 3)
    assert radar_risk.max_hhi == pytest.approx(10_000)
    assert radar_risk.outside_share == pytest.approx((0.4 + 1.0 + 0.0) / 3)
    assert radar_risk.watch_share == pytest.approx(0.4 / 3)
    assert radar_risk.flagged_parts == 0


def test_each_heat_map_row_shows_the_worst_part_below_it():
    radar_risk = analyse(radar(), POLICY).systems[1]
    cells = {(c.row, c.dimension): c for c in radar_risk.heat}

    assert radar_risk.heat_rows == (1, 4)
    assert len(radar_risk.heat) == 12
    # Under R-100 the wafer is single-source, concentrated and outside; the T/R module watched.
    assert cells[1, "single_source"] == HeatCell(1, "single_source", 1.0, 3)
    assert cells[1, "outside"] == HeatCell(1, "outside", 1.0, 3)
    assert cells[1, "watch"] == HeatCell(1, "watch", pytest.approx(0.4), 2)
    assert cells[1, "screening"] == HeatCell(1, "screening", 0.0, None)
    # both sit on the whole 500-day path: the more critical one is named.
    assert cells[1, "lead_time"] == HeatCell(1, "lead_time", 1.0, 2)
    # Under R-200 only the power supply itself is sourced: 90 of 500 days.
    assert cells[4, "lead_time"] == HeatCell(4, "lead_time", pytest.approx(0.18), 4)
    assert cells[4, "outside"] == HeatCell(4, "outside", 0.0, None)


def test_it_analyses_only_the_systems_asked_for():
    network = SupplyNetwork.build(
        [SystemRow(1, "A", 1.0), SystemRow(2, "B", 1.0)],
        [part(1, "A-1"), part(2, "B-1", system=2)],
        [LineRow(None, 1, 1), LineRow(None, 2, 1)],
        [source(1, 1, "X", "US"), source(2, 2, "Y", "IN")],
    )
    report = analyse(network, POLICY, systems=[2])

    assert list(report.systems) == [2]
    assert list(report.parts) == [2]
