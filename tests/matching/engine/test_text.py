from indusx.matching.engine.text import (
    index_terms,
    join_words,
    phrase_keys,
    shared_terms,
    snippet,
    stem,
    tokenize,
)


def test_tokenize_lowercases_drops_stop_words_and_folds_plurals() -> None:
    assert tokenize("The Acoustic Modems of the fleet's batteries") == [
        "acoustic",
        "modem",
        "fleet",
        "battery",
    ]


def test_stem_leaves_words_that_only_look_plural() -> None:
    assert [stem(w) for w in ("gas", "radius", "analysis", "class")] == [
        "gas",
        "radius",
        "analysis",
        "class",
    ]


def test_shared_terms_prefers_the_phrase_to_its_words() -> None:
    terms = shared_terms(
        "an acoustic modem for undersea communications",
        "Low-power acoustic modems for undersea communications networks.",
    )
    assert set(terms) == {"acoustic modems", "undersea communications"}


def test_shared_terms_never_offers_generic_words() -> None:
    terms = shared_terms("develop an innovative system", "We develop an innovative system.")
    assert terms == []


def test_shared_terms_orders_by_the_given_weight() -> None:
    rare_first = {"sonar": 5.0, "radar": 1.0}
    terms = shared_terms("radar and sonar", "sonar; radar", weight=lambda t: rare_first[t])
    assert terms == ["sonar", "radar"]


def test_shared_terms_accepts_precomputed_query_keys() -> None:
    keys = phrase_keys("hydrophone arrays")
    assert shared_terms(keys, "Towed hydrophone arrays.") == ["hydrophone arrays"]


def test_phrases_do_not_span_punctuation() -> None:
    assert ("sonar", "radar") not in phrase_keys("sonar. radar")
    assert ("sonar", "radar") in phrase_keys("sonar radar")


def test_snippet_shows_the_part_of_a_long_text_that_holds_the_terms() -> None:
    text = "filler " * 100 + "the acoustic modem works underwater " + "padding " * 100
    cut = snippet(text, ["acoustic modem"], width=80)
    assert "acoustic modem" in cut
    assert cut.startswith("...") and cut.endswith("...")
    assert len(cut) <= 86


def test_snippet_returns_a_short_text_whole() -> None:
    assert snippet("Sonar  buoys.", ["sonar"]) == "Sonar buoys."


def test_join_words_reads_as_an_english_list() -> None:
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b and c"


def test_index_terms_add_adjacent_token_pairs() -> None:
    assert index_terms("Acoustic modems for undersea use") == [
        "acoustic",
        "modem",
        "undersea",
        "use",
        "acoustic_modem",
        "modem_undersea",
        "undersea_use",
    ]


def test_shared_terms_do_not_repeat_a_word_in_another_form() -> None:
    terms = shared_terms("interacting with interact sonar", "Interacting sonar; interact.")
    assert len([t for t in terms if t.startswith("interact")]) == 1
