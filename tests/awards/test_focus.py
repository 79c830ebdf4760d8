"""Focus areas inferred from award texts by the keyword rules."""

from indusx.awards.focus import RULES, AwardText, award_scores, infer_focus
from indusx.orgs.taxonomy import SEED_FOCUS_AREAS

SONAR = AwardText("Broadband sonar array for submarines",
                  "A towed array and hydrophones for undersea surveillance.")
TURBINE = AwardText("Thermal barrier coatings for turbine blades",
                    "Coatings that extend the life of gas turbine engines.")
MEDICAL = AwardText("Hand-held blood analyser", "Measures lactate in the field.")


def test_every_seeded_focus_area_has_rules() -> None:
    assert set(RULES) == {slug for slug, _, _ in SEED_FOCUS_AREAS}


def test_a_phrase_in_the_title_counts_twice() -> None:
    assert award_scores(AwardText("Sonar", ""))["undersea"] == 2
    assert award_scores(AwardText("A device", "sonar"))["undersea"] == 1


def test_phrases_match_whole_words_plurals_and_hyphenated_forms() -> None:
    assert "undersea" in award_scores(AwardText("Torpedoes and UUVs", ""))
    assert "air-combat" in award_scores(AwardText("Air-to-air datalink", ""))
    # "sonar" inside another word is not the phrase
    assert "undersea" not in award_scores(AwardText("Sonarium lighting", ""))


def test_a_firm_whose_awards_are_about_sonar_is_undersea() -> None:
    assert infer_focus([SONAR]) == ["undersea"]  # "surveillance" alone scores too little


def test_one_passing_mention_is_not_enough() -> None:
    weak = AwardText("Power supply", "Could one day be used on a submarine.")
    assert infer_focus([weak]) == []


def test_an_area_needs_a_share_of_a_firms_awards() -> None:
    # one sonar award among ten others is not a focus; three among ten is
    assert "undersea" not in infer_focus([SONAR] + [MEDICAL] * 10)
    assert "undersea" in infer_focus([SONAR] * 3 + [MEDICAL] * 7)


def test_areas_come_strongest_first_and_only_known_ones() -> None:
    awards = [TURBINE, TURBINE, TURBINE, SONAR, SONAR]
    assert infer_focus(awards)[:2] == ["jet-propulsion", "undersea"]
    assert infer_focus(awards, known={"undersea"}) == ["undersea"]


def test_awards_outside_every_area_give_none() -> None:
    assert infer_focus([MEDICAL, MEDICAL]) == []
