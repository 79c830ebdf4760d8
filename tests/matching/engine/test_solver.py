import zlib
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from indusx.matching.engine.profile import Evidence, Passage, Profile
from indusx.matching.engine.solver import (
    QUERY_WORDS,
    SolverEngine,
    Weights,
    embed_profiles,
    embedding_text,
    reason,
)
from indusx.matching.engine.text import tokenize


class WordHashEmbedder:
    """A stand-in for the model: a normalised bag of hashed words (same words, same vector)."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.texts: list[str] = []

    def embed(
        self,
        texts: Sequence[str],
        batch_size: int = 64,
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        self.calls.append(len(texts))
        self.texts += texts
        out = np.zeros((len(texts), 384), np.float32)
        for i, text in enumerate(texts):
            for word in tokenize(text):
                out[i, zlib.crc32(word.encode()) % 384] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


MODEM = Profile(
    id=1,
    name="Deep Blue Acoustics",
    country="US",
    kind="startup",
    focus=frozenset({"undersea"}),
    passages=(
        Passage(
            "Award 2012: Low-power acoustic modem",
            "Low-power acoustic modem for undersea communications between sonar buoys.",
        ),
        Passage("Capabilities", "Hydrophone arrays and signal processing."),
    ),
)
AIRFRAMES = Profile(
    id=2,
    name="Skyforge",
    country="IN",
    kind="msme",
    focus=frozenset({"air-combat"}),
    passages=(Passage("Capabilities", "Composite airframes and precision machining for drones."),),
)
TURBINES = Profile(
    id=3,
    name="Rotor Works",
    country="US",
    kind="prime",
    capabilities="Jet engine turbine blades, forging and casting.",
)
SONAR_PRIME = Profile(
    id=4,
    name="Ocean Systems",
    country="IN",
    kind="large_company",
    focus=frozenset({"undersea"}),
    passages=(
        Passage("Offering: Towed sonar (TRL 8)", "Towed sonar arrays for submarines."),
        Passage("Capabilities", "Naval shipbuilding."),
    ),
)
PROFILES = [MODEM, AIRFRAMES, TURBINES, SONAR_PRIME]
MODEM_PROBLEM = "We need an acoustic modem for undersea communications with sonar buoys."


def _engine(profiles: Sequence[Profile] = PROFILES) -> SolverEngine:
    embedder = WordHashEmbedder()
    engine = SolverEngine(embedder=embedder)
    vectors, passage_vectors = embed_profiles(profiles, embedder)
    engine.upsert_many(profiles, list(vectors), passage_vectors)
    return engine


def test_the_obvious_solver_ranks_first() -> None:
    matches = _engine().search(MODEM_PROBLEM, k=4)
    assert matches[0].candidate_id == MODEM.id
    assert matches[-1].candidate_id in (AIRFRAMES.id, TURBINES.id)


def test_scores_and_components_lie_in_the_unit_interval_best_first() -> None:
    matches = _engine().search(MODEM_PROBLEM, k=4)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    for m in matches:
        assert 0.0 <= m.score <= 1.0
        assert set(m.components) == {"semantic", "lexical", "record"}
        assert all(0.0 <= v <= 1.0 for v in m.components.values())
    assert matches[0].components["lexical"] > matches[-1].components["lexical"]


def test_the_evidence_is_the_passage_that_fits_with_its_real_words() -> None:
    best = _engine().search(MODEM_PROBLEM, k=1)[0]
    assert best.evidence[0].label == "Award 2012: Low-power acoustic modem"
    assert "acoustic modem" in best.evidence[0].text
    assert "acoustic modem" in best.shared_terms
    assert best.reason.startswith("Fits on ")
    assert "its 2012 award 'Low-power acoustic modem'" in best.reason
    for term in best.shared_terms:
        assert term in MODEM.text.lower()


def test_a_candidate_with_nothing_in_common_gets_a_weak_reason() -> None:
    matches = _engine().search(MODEM_PROBLEM, k=4)
    last = matches[-1]
    assert last.shared_terms == ()
    assert last.reason.startswith("Weak fit")


def test_filters_keep_only_matching_organisations() -> None:
    engine = _engine()
    indian = engine.search(MODEM_PROBLEM, k=4, countries=["IN"])
    assert [m.candidate_id for m in indian] == [SONAR_PRIME.id, AIRFRAMES.id]
    assert [m.candidate_id for m in engine.search(MODEM_PROBLEM, k=4, kinds=["prime"])] == [3]
    by_focus = engine.search(MODEM_PROBLEM, k=4, focus=["undersea"])
    assert {m.candidate_id for m in by_focus} == {MODEM.id, SONAR_PRIME.id}
    assert MODEM.id not in [m.candidate_id for m in engine.search(MODEM_PROBLEM, exclude_ids=[1])]


def test_a_filter_does_not_change_an_organisations_score() -> None:
    engine = _engine()
    everyone = {m.candidate_id: m.score for m in engine.search(MODEM_PROBLEM, k=4)}
    only_us = engine.search(MODEM_PROBLEM, k=4, countries=["US"])
    for m in only_us:
        assert m.score == pytest.approx(everyone[m.candidate_id])


def test_updates_and_removals_take_effect_at_once() -> None:
    engine = _engine()
    engine.remove(MODEM.id)
    assert MODEM.id not in [m.candidate_id for m in engine.search(MODEM_PROBLEM, k=4)]
    assert len(engine) == 3
    embedder = WordHashEmbedder()
    changed = Profile(
        id=TURBINES.id,
        name=TURBINES.name,
        country="US",
        kind="prime",
        passages=(Passage("Capabilities", "Acoustic modem for undersea communications."),),
    )
    vectors, passage_vectors = embed_profiles([changed], embedder)
    engine.upsert(changed, vectors[0], passage_vectors[0])
    assert engine.search(MODEM_PROBLEM, k=1)[0].candidate_id == TURBINES.id
    assert len(engine) == 3


def test_search_many_answers_in_order_and_embeds_in_batches() -> None:
    embedder = WordHashEmbedder()
    engine = SolverEngine(embedder=embedder)
    vectors, passage_vectors = embed_profiles(PROFILES, embedder)
    engine.upsert_many(PROFILES, list(vectors), passage_vectors)
    embedder.calls.clear()
    texts = [MODEM_PROBLEM, "composite airframes for drones", "turbine blades"] * 3
    seen: list[tuple[int, int]] = []
    results = engine.search_many(
        texts, k=1, batch_size=4, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(4, 9), (8, 9), (9, 9)]
    assert [r[0].candidate_id for r in results] == [1, 2, 3] * 3
    assert embedder.calls == [4, 4, 1]  # embedded a batch at a time, not one by one
    single = engine.search(texts[1], k=1)[0]
    assert results[1][0].score == pytest.approx(single.score)


def test_scores_many_exposes_the_ranking_search_uses() -> None:
    engine = _engine()
    scores = engine.scores_many([MODEM_PROBLEM])
    assert set(scores) >= {"fused", "lexical_profile", "semantic_passage"}
    best = int(engine.org_ids[int(np.argmax(scores["fused"][0]))])
    assert best == engine.search(MODEM_PROBLEM, k=1)[0].candidate_id


def test_the_weights_decide_which_signal_ranks() -> None:
    embedder = WordHashEmbedder()
    vectors, passage_vectors = embed_profiles(PROFILES, embedder)
    only_prior = SolverEngine(
        Weights(0, 0, 0, 0, prior=1.0), embedder=embedder
    )  # the organisation with the most passages wins whatever the text
    only_prior.upsert_many(PROFILES, list(vectors), passage_vectors)
    assert only_prior.search("turbine blades", k=1)[0].candidate_id in (MODEM.id, SONAR_PRIME.id)


def test_passage_vectors_must_match_the_passages() -> None:
    engine = SolverEngine(embedder=WordHashEmbedder())
    with pytest.raises(ValueError):
        engine.upsert(MODEM, None, np.ones((1, 384), np.float32))


def test_an_empty_engine_finds_nothing() -> None:
    assert SolverEngine(embedder=WordHashEmbedder()).search("anything") == []


def test_reason_names_terms_and_evidence() -> None:
    evidence = [
        Evidence("Award 2012: Low-power acoustic modem", "...", 0.9),
        Evidence("Capabilities", "...", 0.5),
    ]
    assert reason(["sonar", "acoustic modem", "undersea communications"], evidence, 0.7) == (
        "Fits on sonar, acoustic modem and undersea communications: its 2012 award "
        "'Low-power acoustic modem' and its capabilities."
    )


def test_a_rejected_update_leaves_the_engine_as_it_was() -> None:
    engine = _engine()
    broken = Profile(id=99, name="Broken", country="US", kind="startup", passages=MODEM.passages)
    with pytest.raises(ValueError):
        engine.upsert_many([TURBINES, broken], [None, None], [np.ones((1, 384)), np.ones((1, 384))])
    assert len(engine) == 4
    assert engine.search("turbine blades", k=1)[0].candidate_id == TURBINES.id


def test_only_the_first_words_of_a_long_statement_are_embedded() -> None:
    embedder = WordHashEmbedder()
    engine = SolverEngine(embedder=embedder)
    vectors, passage_vectors = embed_profiles(PROFILES, embedder)
    engine.upsert_many(PROFILES, list(vectors), passage_vectors)
    statement = MODEM_PROBLEM + " padding" * 300
    assert engine.search(statement, k=1)[0].candidate_id == MODEM.id
    assert embedder.texts[-1] == embedding_text(statement)
    assert len(embedder.texts[-1].split()) == QUERY_WORDS
