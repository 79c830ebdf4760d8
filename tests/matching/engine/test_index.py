import numpy as np
import pytest

from indusx.matching.engine.index import VectorIndex, normalize


def _unit(*xs: float) -> np.ndarray:
    return normalize(np.array(xs, dtype=np.float32))[0]


def _index() -> VectorIndex:
    return VectorIndex.build(
        [10, 20, 30, 40],
        np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32),
    )


def test_top_k_returns_the_nearest_rows_best_first() -> None:
    ids, scores = _index().top_k(_unit(1, 0, 0), k=2)
    assert ids.tolist() == [10, 20]
    assert scores[0] == pytest.approx(1.0)
    assert scores[0] > scores[1]


def test_top_k_answers_a_batch_of_queries_row_by_row() -> None:
    ids, _ = _index().top_k(np.stack([_unit(0, 0, 1), _unit(0, 1, 0)]), k=1)
    assert ids.tolist() == [[40], [30]]


def test_top_k_keeps_only_masked_rows_and_drops_excluded_ids() -> None:
    index = _index()
    mask = index.mask_for([20, 30, 40])
    ids, _ = index.top_k(_unit(1, 0, 0), k=3, mask=mask, exclude_ids=[20])
    assert 10 not in ids and 20 not in ids
    assert ids.tolist() == [30, 40] or ids.tolist() == [40, 30]


def test_top_k_pads_a_batch_when_fewer_rows_qualify() -> None:
    index = _index()
    ids, scores = index.top_k(np.stack([_unit(1, 0, 0)] * 2), k=3, mask=index.mask_for([10]))
    assert ids.tolist() == [[10, -1, -1]] * 2
    assert np.isinf(scores[:, 1:]).all()


def test_replace_moves_an_id_to_its_new_vector() -> None:
    index = _index()
    index.replace([10], [[0, 0, 1]])
    ids, _ = index.top_k(_unit(0, 0, 1), k=2)
    assert set(ids.tolist()) == {10, 40}
    assert len(index) == 4


def test_remove_drops_an_id_from_results_and_ids() -> None:
    index = _index()
    index.remove([10, 99])
    ids, _ = index.top_k(_unit(1, 0, 0), k=1)
    assert ids.tolist() == [20]
    assert sorted(index.ids.tolist()) == [20, 30, 40]
    assert 10 not in index


def test_add_refuses_an_id_already_present() -> None:
    with pytest.raises(KeyError):
        _index().add([10], [[1, 1, 1]])


def test_many_updates_compact_and_keep_every_live_row_findable() -> None:
    rng = np.random.default_rng(1)
    vectors = normalize(rng.normal(size=(3000, 8)))
    index = VectorIndex.build(np.arange(3000), vectors)
    index.remove(range(0, 3000, 2))  # enough dead rows to trigger a compaction
    index.replace([1, 3], vectors[[3, 1]])
    assert len(index) == 1500
    ids, scores = index.top_k(vectors[3], k=1)
    assert ids.tolist() == [1] and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert index.scores(vectors[:1]).shape == (1, 1500)


def test_scores_for_gives_each_requested_ids_cosine() -> None:
    scores = _index().scores_for(_unit(1, 0, 0), [30, 10])
    assert scores.tolist() == pytest.approx([0.0, 1.0])


def test_vectors_are_stored_normalised() -> None:
    index = VectorIndex.build([1], [[3, 4, 0]])
    assert np.linalg.norm(index.vectors_for([1])[0]) == pytest.approx(1.0)


def test_top_k_matches_a_brute_force_ranking() -> None:
    rng = np.random.default_rng(7)
    vectors = normalize(rng.normal(size=(500, 16)))
    queries = normalize(rng.normal(size=(5, 16)))
    ids, _ = VectorIndex.build(np.arange(500) * 3, vectors).top_k(queries, k=10)
    expected = np.argsort(-(queries @ vectors.T), axis=1)[:, :10] * 3
    assert (ids == expected).all()
