import random

import pytest

from indusx.supply.engine.network import BomError, SupplyNetwork
from indusx.supply.engine.types import LineRow, SourceRow, SystemRow
from tests.supply.engine.rows import part, source

SYSTEMS = [SystemRow(1, "Engine", 10.0), SystemRow(2, "Radar", 5.0)]


def build(lines, parts=None, sources=(), systems=SYSTEMS):
    parts = parts or [part(k, f"P-{k}") for k in range(1, 6)]
    return SupplyNetwork.build(systems, parts, lines, sources)


def test_a_shared_sub_part_counts_once_for_every_path_to_it():
    # 2 x P-1 per engine; P-1 holds 3 x P-2 and 1 x P-3; P-2 holds 2 x P-4, P-3 holds 5 x P-4.
    # P-4 per engine = 2 x (3 x 2 + 1 x 5) = 22; P-2 = 6; P-3 = 2.
    network = build(
        [
            LineRow(None, 1, 2),
            LineRow(1, 2, 3),
            LineRow(1, 3, 1),
            LineRow(2, 4, 2),
            LineRow(3, 4, 5),
        ]
    )

    assert [network.units[network.index(k)] for k in (1, 2, 3, 4)] == [2, 6, 2, 22]
    assert network.units[network.index(5)] == 0  # on no path


def test_units_per_system_match_a_walk_over_every_path_of_a_random_bom():
    rng = random.Random(3)
    parts = [part(k, f"P-{k}") for k in range(1, 31)]
    lines = [LineRow(None, 1, 1.0), LineRow(None, 2, 2.0)]
    for child in range(3, 31):  # parents always have smaller keys, so no cycle
        for parent in rng.sample(range(1, child), k=min(child - 1, rng.choice((1, 1, 2)))):
            lines.append(LineRow(parent, child, float(rng.randint(1, 3))))
    network = build(lines, parts=parts)

    def walk(key: int) -> float:  # units per system unit: sum over parents of parent units x qty
        above = [ln for ln in lines if ln.child == key]
        return sum(ln.quantity * (1.0 if ln.parent is None else walk(ln.parent)) for ln in above)

    for k in range(1, 31):
        assert network.units[network.index(k)] == pytest.approx(walk(k))


def test_a_systems_parts_come_parents_first_in_the_order_given():
    # P-3 is given before its parent P-5; everything else keeps its place.
    parts = [part(3, "C"), part(1, "A"), part(5, "E"), part(2, "B"), part(4, "D", system=2)]
    network = build(
        [LineRow(None, 1, 1), LineRow(None, 5, 1), LineRow(5, 3, 1), LineRow(1, 2, 1)],
        parts=parts,
    )

    assert network.system_parts(1) == [1, 5, 3, 2]
    assert network.system_parts(2) == [4]
    assert network.top_level(1) == [1, 5]
    assert network.children(5) == [(3, 1.0)]
    assert network.part(4).system == 2


def test_it_takes_plain_tuples_and_gives_back_named_rows():
    network = SupplyNetwork.build(
        [(1, "Engine", 10.0)],
        [(7, 1, "E-7", "Shaft", "part")],
        [(None, 7, 1.0)],
        [(70, 7, "org:3", "Forge Ltd", "us", 0.5, 45, None, 12.5, 4.0)],
    )

    assert network.system(1) == SystemRow(1, "Engine", 10.0)
    assert network.part(7).number == "E-7"
    assert network.sources_of(7) == [
        SourceRow(70, 7, "org:3", "Forge Ltd", "US", 0.5, 45, None, 12.5, 4.0)
    ]


def test_a_parts_sources_keep_the_order_given():
    sources = [source(9, 2, "B", "IN"), source(3, 1, "A", "US"), source(4, 2, "C", "US")]
    network = build([LineRow(None, 1, 1), LineRow(None, 2, 1)], sources=sources)

    assert [s.key for s in network.sources_of(2)] == [9, 4]


@pytest.mark.parametrize(
    ("lines", "sources", "expected"),
    [
        (
            [LineRow(None, 1, 1), LineRow(1, 2, 1), LineRow(2, 3, 1), LineRow(3, 1, 1)],
            [],
            "cycle: P-1 -> P-2 -> P-3 -> P-1",
        ),
        ([LineRow(None, 1, 1), LineRow(2, 2, 1)], [], "cycle: P-2 -> P-2"),
        ([LineRow(99, 2, 1)], [], "unknown part: unknown key 99 -> P-2"),
        ([LineRow(1, 98, 1)], [], "unknown part: P-1 -> unknown key 98"),
        ([LineRow(1, 4, 1)], [], "two systems: P-1 -> P-4"),
        ([LineRow(1, 2, 0)], [], "above zero: P-1 -> P-2 (0)"),
        ([LineRow(None, 3, -2)], [], "above zero: top -> P-3 (-2)"),
        ([], [source(1, 77, "A", "US")], "unknown part: source 1 (part key 77)"),
        ([], [source(1, 2, "A", "US", share=1.5)], "between 0 and 1: P-2 (source 1)"),
        ([], [source(1, 2, "A", "US", share=-0.1)], "between 0 and 1: P-2 (source 1)"),
        ([], [source(1, 3, "A", "US", lead=-1)], "lead times must be zero or more: P-3"),
        ([], [source(1, 3, "A", "US", stock=-5)], "stock must be zero or more: P-3"),
        ([], [source(1, 5, "A", "US", capacity=-1)], "capacity must be zero or more: P-5"),
    ],
)
def test_it_refuses_a_bad_bom_naming_the_parts(lines, sources, expected):
    parts = [part(k, f"P-{k}", system=2 if k == 4 else 1) for k in range(1, 6)]

    with pytest.raises(BomError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        build(lines, parts=parts, sources=sources)


def test_it_names_the_first_few_offenders_and_counts_the_rest():
    sources = [source(k, 1, "A", "US", share=2.0) for k in range(1, 7)]

    with pytest.raises(BomError, match="and 3 more"):
        build([], sources=sources)


def test_it_refuses_a_part_key_given_twice_and_a_part_of_an_unknown_system():
    with pytest.raises(BomError, match="twice: P-1, P-1"):
        build([], parts=[part(1, "P-1"), part(1, "P-1")])
    with pytest.raises(BomError, match="unknown system: P-9"):
        build([], parts=[part(9, "P-9", system=42)])
