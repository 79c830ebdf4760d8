"""The facet bit layout (a pure module: no database)."""

from indusx.orgs import facets
from indusx.orgs.taxonomy import Country, FundingStage, OrgKind, Seeking


def test_every_value_of_every_group_has_its_own_bit() -> None:
    seen: set[int] = set()
    groups = {"country": list(Country), "kind": list(OrgKind), "stage": list(FundingStage),
              "seeking": list(Seeking), "trl": [label for label, _, _ in facets.TRL_BANDS]}
    for group, values in groups.items():
        for value in values:
            b = facets.bit(group, value)
            assert b & (b - 1) == 0 and b not in seen and b < 1 << 63
            seen.add(b)
    assert len(seen) == sum(len(v) for v in groups.values())


def test_a_mask_holds_exactly_the_organisations_values() -> None:
    mask = facets.facet_mask(country=Country.IN, kind=OrgKind.MSME,
                             funding_stage=FundingStage.SEED, max_trl=5,
                             seeking=[Seeking.INVESTMENT, Seeking.MENTORING])
    assert mask & facets.bit("country", Country.IN)
    assert not mask & facets.bit("country", Country.US)
    assert mask & facets.bit("trl", "4-6") and not mask & facets.bit("trl", "7-9")
    assert mask & facets.bits("seeking", [Seeking.CUSTOMERS, Seeking.MENTORING])
    assert not mask & facets.bits("kind", [OrgKind.PRIME, OrgKind.STARTUP])
    bare = facets.facet_mask(country=Country.US, kind=OrgKind.INVESTOR, funding_stage=None,
                             max_trl=None, seeking=[])
    assert bare == facets.bit("country", "US") | facets.bit("kind", "investor")


def test_trl_bands_cover_one_to_nine() -> None:
    assert [facets.trl_band(t) for t in range(1, 10)] == ["1-3"] * 3 + ["4-6"] * 3 + ["7-9"] * 3
    assert facets.trl_band(None) is None
    assert facets.focus_mask([0, 3]) == 0b1001
