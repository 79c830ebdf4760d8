import numpy as np
import pytest

from indusx.matching.engine.lexical import BM25Index, merge

DOCS = {
    1: "Low-power acoustic modem for undersea communications.",
    2: "Composite airframes for small drones.",
    3: "Sonar arrays and acoustic signal processing for submarines.",
    4: "Precision machining of turbine blades.",
}


def _index() -> BM25Index:
    return BM25Index.build(DOCS.keys(), DOCS.values())


def _ranking(index: BM25Index, query: str) -> list[int]:
    scores = index.scores(query)
    return [int(index.ids[i]) for i in np.argsort(-scores, kind="stable")]


def test_the_document_sharing_the_rare_terms_ranks_first() -> None:
    assert _ranking(_index(), "acoustic modem")[0] == 1
    assert _ranking(_index(), "sonar for submarines")[0] == 3


def test_documents_without_query_terms_score_zero() -> None:
    index = _index()
    scores = dict(zip(index.ids.tolist(), index.scores("acoustic modem").tolist(), strict=True))
    assert scores[2] == 0.0 and scores[4] == 0.0
    assert scores[1] > scores[3] > 0.0


def test_a_batch_scores_like_single_queries() -> None:
    index = _index()
    batch = index.scores_many(["acoustic modem", "turbine blades", "nothing known"])
    assert batch[0] == pytest.approx(index.scores("acoustic modem"))
    assert batch[1] == pytest.approx(index.scores("turbine blades"))
    assert not batch[2].any()


def test_rarer_terms_weigh_more() -> None:
    index = _index()
    assert index.idf("modem") > index.idf("acoustic") > 0
    assert index.idf("unseen") == 0.0


def test_repeating_a_query_word_does_not_multiply_its_weight() -> None:
    weights = _index().query_weights("sonar sonar sonar sonar")
    assert 1.0 < weights["sonar"] < 2.2


def test_updates_take_effect_at_the_next_query() -> None:
    index = _index()
    index.replace([2], ["Acoustic modem testing"])
    index.remove([1])
    assert 1 not in index.ids.tolist()
    assert _ranking(index, "acoustic modem")[0] == 2
    index.add([5], ["hydrophone"])
    assert _ranking(index, "hydrophone")[0] == 5
    assert len(index) == 4


def test_no_document_reaches_the_score_bound() -> None:
    index = _index()
    weights = index.query_weights("acoustic modem undersea communications")
    assert index.scores(weights).max() < index.max_score(weights)


def test_explain_terms_names_the_overlap_rarest_first() -> None:
    terms = _index().explain_terms(
        "an acoustic modem for sonar", "Acoustic modems; sonar arrays; drones"
    )
    assert terms[0] == "acoustic modems"
    assert "sonar" in terms
    assert "drones" not in terms


def test_term_weights_collect_the_terms_of_given_documents() -> None:
    weights = _index().term_weights([2])
    assert set(weights) == {
        "composite",
        "airframe",
        "small",
        "drone",
        "composite_airframe",
        "airframe_small",
        "small_drone",
    }


def test_indexes_sharing_a_vocabulary_merge_documents_by_summing_counts() -> None:
    vocabulary: dict[str, int] = {}
    passages = BM25Index(vocabulary=vocabulary)
    profiles = BM25Index(vocabulary=vocabulary)
    a = passages.encode({"sonar": 2, "buoy": 1})
    b = passages.encode({"sonar": 1, "modem": 1})
    profiles.replace_encoded([1], [merge([a, b])])
    profiles.replace([2], ["radar radar"])
    assert profiles.term_weights([1]).keys() == {"sonar", "buoy", "modem"}
    assert profiles.idf("sonar") > 0
    assert passages.idf("radar") == 0.0  # a term only the other index holds weighs nothing


def test_words_used_together_outrank_the_same_words_apart() -> None:
    index = BM25Index.build(
        [1, 2],
        ["An acoustic modem link.", "An acoustic survey and a modem."],
    )
    assert _ranking(index, "acoustic modem")[0] == 1
