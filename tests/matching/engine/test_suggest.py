"""The suggestion engine on small hand-written ecosystems.

Vectors come from a deterministic stand-in for the model (hashed bags of tokens), so that
tests say exactly which texts are close; one test uses the real embedder.
"""

import zlib
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from indusx.matching.engine.profile import Match, Mentor, Profile, Thesis
from indusx.matching.engine.suggest import (
    MODE_WEIGHTS,
    MODES,
    Penalties,
    SuggestionEngine,
    modes_for_kind,
    penalties_from_feedback,
    top_n_columns,
)
from indusx.matching.engine.text import tokenize


def fake_vectors(texts: list[str]) -> np.ndarray:
    """Return hashed bag-of-token vectors: texts sharing words are close."""
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i, text in enumerate(texts):
        for token in tokenize(text):
            out[i, zlib.crc32(token.encode()) % 384] += 1.0
    return out


def org(
    id_: int,
    country: str,
    kind: str,
    text: str,
    *,
    focus: tuple[str, ...] = (),
    seeking: tuple[str, ...] = (),
    trl: int | None = None,
    stage: str | None = None,
    thesis: Thesis | None = None,
    name: str | None = None,
) -> Profile:
    return Profile(
        id=id_, name=name or f"Org {id_}", country=country, kind=kind, focus=frozenset(focus),
        seeking=frozenset(seeking), stage=stage, max_trl=trl, capabilities=text, thesis=thesis,
    )


SONAR = org(1, "IN", "startup", "Sonar signal processing, hydrophone arrays, acoustic detection.",
            focus=("undersea",), seeking=("co_development", "investment", "mentoring"),
            trl=5, stage="seed", name="Sagarika Acoustics")
UNDERSEA_PRIME = org(2, "US", "prime", "Integrates sonar hydrophone arrays into undersea vehicles.",
                     focus=("undersea",), seeking=("co_development",), trl=9,
                     name="Deepline Systems")
CYBER_STARTUP = org(3, "US", "startup", "Network intrusion detection and zero trust software.",
                    focus=("cyber",), seeking=("co_development",), trl=6)
IN_SONAR_PRIME = org(4, "IN", "prime", "Integrates sonar hydrophone arrays into submarines.",
                     focus=("undersea",), seeking=("co_development",), trl=9)
US_SONAR_MSME = org(5, "US", "msme", "Machines sonar hydrophone array housings and acoustic domes.",
                    focus=("undersea",), seeking=("co_production", "co_development"), trl=8)
US_LAB = org(6, "US", "academic", "Research on underwater acoustic propagation and sonar arrays.",
             focus=("undersea",), seeking=("research_partner",), trl=3)
US_SONAR_STARTUP = org(7, "US", "startup", "Low-cost sonar hydrophone arrays for small boats.",
                       focus=("undersea", "maritime-domain-awareness"),
                       seeking=("co_development",), trl=4)
US_LARGE = org(8, "US", "large_company", "Builds sonar domes and acoustic hydrophone arrays.",
               focus=("undersea",), seeking=("co_development",), trl=8)

ECOSYSTEM = [SONAR, UNDERSEA_PRIME, CYBER_STARTUP, IN_SONAR_PRIME, US_SONAR_MSME, US_LAB,
             US_SONAR_STARTUP, US_LARGE]


def engine_of(profiles: list[Profile], mentors: list[Mentor] | None = None) -> SuggestionEngine:
    mentors = mentors or []
    return SuggestionEngine(
        profiles, fake_vectors([p.text for p in profiles]),
        mentors=mentors, mentor_vectors=fake_vectors([m.expertise for m in mentors]),
    )


def ids(matches: list[Match]) -> list[int]:
    return [m.candidate_id for m in matches]


def test_a_sonar_start_up_seeking_co_development_gets_an_undersea_prime_before_a_cyber_start_up():
    result = ids(engine_of(ECOSYSTEM).suggest(SONAR.id, "co-development", k=10))

    assert result.index(UNDERSEA_PRIME.id) < result.index(CYBER_STARTUP.id)
    assert result[-1] == CYBER_STARTUP.id


def test_every_component_lies_in_the_unit_interval_and_the_weights_of_a_mode_sum_to_one():
    engine = engine_of(ECOSYSTEM)
    for mode in ("co-development", "co-production", "research"):
        for match in engine.suggest(US_SONAR_MSME.id, mode, cross_border=False):
            assert set(match.components) == set(MODE_WEIGHTS[mode])
            assert all(0.0 <= v <= 1.0 for v in match.components.values())
            assert 0.0 <= match.score <= 1.0
    for weights in MODE_WEIGHTS.values():
        assert sum(weights.values()) == pytest.approx(1.0)


def test_suggestions_are_cross_border_unless_the_same_country_is_asked_for():
    engine = engine_of(ECOSYSTEM)

    default = engine.suggest(SONAR.id, "co-development", k=10)
    both = engine.suggest(SONAR.id, "co-development", k=10, cross_border=False)

    assert {p.country for p in ECOSYSTEM if p.id in ids(default)} == {"US"}
    assert IN_SONAR_PRIME.id in ids(both)
    assert SONAR.id not in ids(both)


def test_filters_narrow_candidates_by_kind_focus_country_and_trl():
    engine = engine_of(ECOSYSTEM)

    def suggest(**filters: Any) -> set[int]:
        return set(ids(engine.suggest(SONAR.id, "co-development", k=10, **filters)))

    assert suggest(kinds=["msme", "large_company"]) == {US_SONAR_MSME.id, US_LARGE.id}
    assert suggest(focus=["cyber"]) == {CYBER_STARTUP.id}
    assert suggest(focus=["maritime-domain-awareness"]) == {US_SONAR_STARTUP.id}
    assert suggest(trl_min=8) == {UNDERSEA_PRIME.id, US_SONAR_MSME.id, US_LARGE.id}
    assert suggest(trl_max=4) == {US_LAB.id, US_SONAR_STARTUP.id}
    assert suggest(countries=["IN"]) == set()
    assert suggest(countries=["IN"], cross_border=False) == {IN_SONAR_PRIME.id}


def test_co_production_pairs_a_mature_owner_with_a_manufacturer_before_an_early_start_up():
    owner = org(10, "US", "prime", "Towed howitzer shell bodies and fuzes; artillery systems.",
                focus=("artillery",), seeking=("co_production",), trl=9)
    forge = org(11, "IN", "msme", "Forging and machining of artillery shell bodies and fuzes.",
                focus=("artillery",), seeking=("co_production",), trl=8)
    early = org(12, "IN", "startup", "Research prototype of artillery shell bodies and fuzes.",
                focus=("artillery",), seeking=("co_development",), trl=3)
    engine = engine_of([owner, forge, early])

    result = engine.suggest(owner.id, "co-production")

    assert ids(result) == [forge.id, early.id]
    assert result[0].components["trl"] > result[1].components["trl"]
    assert result[0].components["complementarity"] > result[1].components["complementarity"]


def test_research_pairs_an_academic_lab_with_companies_and_companies_with_labs():
    engine = engine_of(ECOSYSTEM)

    from_lab = ids(engine.suggest(US_LAB.id, "research", k=10))
    from_start_up = ids(engine.suggest(SONAR.id, "research", k=10))

    assert from_lab[0] in {SONAR.id, IN_SONAR_PRIME.id}
    assert from_start_up == [US_LAB.id]


FUND_TEXT = "Venture fund investing in sonar and undersea acoustic start-ups."


def investor(id_: int, **thesis: Any) -> Profile:
    base: dict[str, Any] = {
        "focus": frozenset({"undersea"}), "stages": frozenset({"seed", "series_a"}),
        "countries": frozenset({"IN"}), "ticket_min_usd": 250_000, "ticket_max_usd": 2_000_000,
    }
    return org(id_, "US", "investor", FUND_TEXT, focus=("undersea",),
               thesis=Thesis(**{**base, **thesis}))


def test_an_investor_whose_thesis_fits_ranks_above_those_missing_on_area_stage_country_or_ticket():
    fits = investor(20)
    wrong_area = investor(21, focus=frozenset({"cyber"}))
    wrong_stage = investor(22, stages=frozenset({"series_c_plus", "growth"}))
    wrong_country = investor(23, countries=frozenset({"US"}))
    wrong_ticket = investor(24, ticket_min_usd=50_000_000, ticket_max_usd=200_000_000)
    others = [wrong_area, wrong_stage, wrong_country, wrong_ticket]
    engine = engine_of([SONAR, fits, *others])

    result = engine.suggest(SONAR.id, "investment", k=10)
    thesis = {m.candidate_id: m.components["thesis"] for m in result}

    assert ids(result)[0] == fits.id
    assert thesis[fits.id] == pytest.approx(1.0)
    assert all(thesis[o.id] < thesis[fits.id] for o in others)
    assert "its thesis fits your" in result[0].reason


def test_an_investor_sees_start_ups_seeking_investment_that_fit_its_thesis():
    fund = org(30, "US", "investor", FUND_TEXT, focus=("undersea",),
               thesis=Thesis(focus=frozenset({"undersea"}), stages=frozenset({"seed"})))
    not_raising = org(31, "IN", "startup", SONAR.capabilities, focus=("undersea",),
                      seeking=("customers",), stage="seed")
    late = org(32, "IN", "startup", SONAR.capabilities, focus=("undersea",),
               seeking=("investment",), stage="growth")
    engine = engine_of([fund, SONAR, not_raising, late])

    result = ids(engine.suggest(fund.id, "investment"))

    assert result[0] == SONAR.id
    assert set(result) == {SONAR.id, not_raising.id, late.id}


def test_mentoring_suggests_mentors_by_user_id_and_mentors_see_start_ups_seeking_mentoring():
    sonar_mentor = Mentor(101, "Asha Rao", "US", "Sonar signal processing and hydrophone arrays.")
    cyber_mentor = Mentor(102, "Ben Cole", "US", "Zero trust networks and intrusion detection.")
    home_mentor = Mentor(103, "Dev Nair", "IN", "Sonar signal processing and acoustic detection.")
    engine = engine_of(ECOSYSTEM, [sonar_mentor, cyber_mentor, home_mentor])

    for_start_up = engine.suggest(SONAR.id, "mentoring")
    for_mentor = engine.suggest(sonar_mentor, "mentoring")

    assert ids(for_start_up) == [sonar_mentor.id, cyber_mentor.id]
    assert "Asha Rao" in for_start_up[0].reason
    assert for_start_up[0].components["seeking"] == 1.0
    assert ids(for_mentor)[0] == SONAR.id


def test_dismissed_declined_and_introduced_candidates_never_return():
    engine = engine_of(ECOSYSTEM)
    penalties = penalties_from_feedback(
        dismissed=[UNDERSEA_PRIME], declined_ids=[US_LARGE.id], introduced_ids=[US_LAB.id]
    )

    result = ids(engine.suggest(SONAR.id, "co-development", k=10, penalties=penalties))
    batch = dict(engine.suggest_all("co-development", k=10, penalties={SONAR.id: penalties}))

    for gone in (UNDERSEA_PRIME.id, US_LARGE.id, US_LAB.id):
        assert gone not in result
        assert gone not in ids(batch[SONAR.id])
    assert US_SONAR_MSME.id in result


def test_repeated_dismissals_of_a_kind_down_weight_that_kind_and_one_dismissal_does_not():
    msmes = [org(40 + i, "US", "msme", f"Sonar dome supplier {i}.", focus=("undersea",))
             for i in range(3)]
    engine = engine_of(ECOSYSTEM)
    before = {m.candidate_id: m.score for m in engine.suggest(SONAR.id, "co-development", k=10)}

    once = penalties_from_feedback(dismissed=msmes[:1])
    twice = penalties_from_feedback(dismissed=msmes[:2])
    thrice = penalties_from_feedback(dismissed=msmes)
    after = {m.candidate_id: m.score
             for m in engine.suggest(SONAR.id, "co-development", k=10, penalties=twice)}

    assert once.kind_factors == {}
    assert twice.kind_factors["msme"] < 1.0
    assert thrice.kind_factors["msme"] < twice.kind_factors["msme"]
    assert after[US_SONAR_MSME.id] == pytest.approx(before[US_SONAR_MSME.id] * 0.85)
    assert after[UNDERSEA_PRIME.id] == pytest.approx(before[UNDERSEA_PRIME.id])


def test_accepted_introductions_offset_dismissals_of_the_same_kind():
    msmes = [org(40 + i, "US", "msme", "Sonar dome supplier.") for i in range(2)]

    penalties = penalties_from_feedback(dismissed=msmes, accepted=[US_SONAR_MSME])

    assert penalties.kind_factors == {}
    assert penalties.liked_ids == {US_SONAR_MSME.id}


def test_candidates_like_an_accepted_introduction_get_a_small_boost():
    engine = engine_of(ECOSYSTEM)
    liked = penalties_from_feedback(accepted=[US_SONAR_MSME])

    before = {m.candidate_id: m.score for m in engine.suggest(SONAR.id, "co-development", k=10)}
    after = {m.candidate_id: m.score
             for m in engine.suggest(SONAR.id, "co-development", k=10, penalties=liked)}

    assert after[US_LARGE.id] > before[US_LARGE.id]
    assert after[US_LARGE.id] - before[US_LARGE.id] > after[CYBER_STARTUP.id] - before[
        CYBER_STARTUP.id]
    assert all(score <= 1.0 for score in after.values())


def test_upsert_and_remove_keep_suggestions_in_step_without_a_rebuild():
    engine = engine_of(ECOSYSTEM)
    newcomer = org(50, "US", "prime", SONAR.capabilities, focus=("undersea",),
                   seeking=("co_development",), trl=6)
    vector = fake_vectors([newcomer.text])[0]

    engine.upsert(newcomer, vector)
    assert ids(engine.suggest(SONAR.id, "co-development"))[0] == newcomer.id

    moved = org(50, "IN", "prime", newcomer.capabilities, focus=("undersea",), trl=6)
    engine.upsert(moved, vector)
    assert newcomer.id not in ids(engine.suggest(SONAR.id, "co-development", k=10))
    assert newcomer.id in ids(engine.suggest(SONAR.id, "co-development", k=10,
                                             cross_border=False))

    assert engine.remove(newcomer.id)
    assert newcomer.id not in ids(engine.suggest(SONAR.id, "co-development", k=10,
                                                 cross_border=False))
    assert newcomer.id not in engine
    assert len(engine) == len(ECOSYSTEM)


def test_removing_or_moving_one_organisation_leaves_the_scores_of_the_others_unchanged():
    engine = engine_of(ECOSYSTEM)
    before = {m.candidate_id: m.score
              for m in engine.suggest(SONAR.id, "co-development", k=10, cross_border=False)}

    engine.remove(UNDERSEA_PRIME.id)
    engine.upsert(replace(CYBER_STARTUP, country="IN"), fake_vectors([CYBER_STARTUP.text])[0])
    after = {m.candidate_id: m.score
             for m in engine.suggest(SONAR.id, "co-development", k=10, cross_border=False)}

    assert set(after) == set(before) - {UNDERSEA_PRIME.id}
    for candidate_id, score in after.items():
        assert score == pytest.approx(before[candidate_id])


def test_suggest_all_gives_every_organisation_the_same_ranking_as_suggest():
    engine = engine_of(ECOSYSTEM)

    for mode in ("co-development", "co-production", "research"):
        batch = dict(engine.suggest_all(mode, k=5, batch_size=2))
        for source in ECOSYSTEM:
            single = engine.suggest(source.id, mode, k=5)
            if mode not in modes_for_kind(source.kind):
                assert source.id not in batch
                continue
            assert ids(batch[source.id]) == ids(single)
            for a, b in zip(batch[source.id], single, strict=True):
                assert a.score == pytest.approx(b.score, abs=1e-6)
                assert a.reason == ""


def test_suggest_all_explains_when_asked():
    engine = engine_of(ECOSYSTEM)

    batch = dict(engine.suggest_all("co-development", k=3, explain=True))

    assert batch[SONAR.id][0].reason == engine.suggest(SONAR.id, "co-development", k=1)[0].reason


def test_top_n_columns_finds_exactly_the_largest_values_of_each_row():
    rng = np.random.default_rng(7)
    scores = rng.standard_normal((5, 1003)).astype(np.float32)
    scores[0, :500] = -np.inf

    cols = top_n_columns(scores, 20)

    for row, found in zip(scores, cols, strict=True):
        assert set(found.tolist()) == set(np.argsort(-row)[:20].tolist())


def test_explain_pair_scores_one_candidate_and_knows_no_stranger():
    engine = engine_of(ECOSYSTEM)

    pair = engine.explain_pair(SONAR, "co-development", candidate_id=UNDERSEA_PRIME.id)
    listed = next(m for m in engine.suggest(SONAR.id, "co-development", k=10)
                  if m.candidate_id == UNDERSEA_PRIME.id)

    assert pair is not None
    assert pair.score == pytest.approx(listed.score)
    assert pair.reason == listed.reason
    assert engine.explain_pair(SONAR, "co-development", candidate_id=999) is None


def test_a_mode_applies_only_to_the_kinds_it_pairs():
    assert "investment" in modes_for_kind("investor")
    assert "co-development" not in modes_for_kind("investor")
    assert "mentoring" in modes_for_kind("startup")
    assert modes_for_kind("prime") == ("co-development", "co-production", "research")
    assert engine_of(ECOSYSTEM).suggest(UNDERSEA_PRIME.id, "investment") == []


def test_an_unknown_mode_or_source_is_refused():
    engine = engine_of(ECOSYSTEM)

    with pytest.raises(ValueError, match="unknown mode"):
        engine.suggest(SONAR.id, "co-operation")
    with pytest.raises(KeyError):
        engine.suggest(999, "co-development")


def test_a_profile_the_engine_does_not_hold_can_ask_with_its_own_vector():
    engine = engine_of(ECOSYSTEM)
    visitor = replace(SONAR, id=60)

    result = engine.suggest(visitor, "co-development", vector=fake_vectors([visitor.text])[0])

    assert ids(result) == ids(engine.suggest(SONAR.id, "co-development"))


def test_the_real_embedder_puts_the_semantically_closest_partner_first():
    from indusx.matching.engine.embedder import get_embedder

    source = org(70, "IN", "startup", "We build passive sonar buoys that listen for submarines.")
    close = org(71, "US", "prime", "Anti-submarine warfare: acoustic detection of submerged "
                "boats with hydrophones.")
    far = org(72, "US", "prime", "Payroll software and human-resources consulting.")
    profiles = [source, close, far]
    engine = SuggestionEngine(profiles, get_embedder().embed([p.text for p in profiles]))

    result = engine.suggest(source.id, "co-development")

    assert ids(result) == [close.id, far.id]
    assert result[0].components["semantic"] > result[1].components["semantic"]
    assert result[0].components["semantic"] > 0.3


def test_modes_are_the_five_of_the_product():
    assert MODES == ("co-development", "co-production", "investment", "research", "mentoring")
    assert Penalties().never_ids == frozenset()
