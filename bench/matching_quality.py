"""Benchmark: solver-search quality on real SBIR awards (problem statement -> awardee firm).

Protocol of ../shared/data/MANIFEST.md for dod_sbir_phase2_2001-2014_masked.jsonl.gz: firm
names normalised (case, punctuation, legal suffixes); each firm's profile is built from its
2001-2012 awards only; the queries are the 2013-2014 awards whose firm has a profile (title +
abstract); every profiled firm is ranked; Recall@1, Recall@10 and MRR of the awardee.

    .venv/bin/python bench/matching_quality.py [--data PATH] [--cache var/bench-cache]

Methods, all computed in the same run: BM25 over the concatenated profile, TF-IDF cosine,
MiniLM alone (mean-of-awards and max-over-awards), and the product's `SolverEngine`.
The engine's fusion weights are tuned here on a validation split made of earlier years only
(profiles 2001-2010, queries 2011-2012) and then fixed for the 2013-2014 test figures.
Award embeddings are cached under --cache, keyed by model and text hash.
"""

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_DATA = ROOT.parent / "shared/data/sbir/dod_sbir_phase2_2001-2014_masked.jsonl.gz"
DEFAULT_CACHE = ROOT / "var/bench-cache"

_LEGAL = re.compile(
    r"\b(inc|incorporated|llc|l l c|corp|corporation|co|company|ltd|limited|lp|llp|plc|pc"
    r"|pllc|the)\b"
)


def firm_key(name: str) -> str:
    """Return a firm name normalised: lower case, no punctuation, no legal suffixes."""
    s = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and "))
    return " ".join(_LEGAL.sub(" ", s).split())


@dataclass(frozen=True, slots=True)
class Award:
    year: int
    firm: str
    title: str
    abstract: str

    @property
    def text(self) -> str:
        """Return the award as a passage text (as the service builds award passages)."""
        return f"{self.title}. {self.abstract}".strip()


def load_awards(path: Path) -> list[Award]:
    """Return the awards of the SBIR JSON-lines file."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [
        Award(int(r["year"]), firm_key(r["firm"]), r["title"] or "", r["abstract"] or "")
        for r in rows
    ]


def embed_cached(texts: Sequence[str], cache_dir: Path) -> np.ndarray:
    """Return the embeddings of `texts`, computing only those not cached yet."""
    from indusx.matching.engine.embedder import MODEL_NAME, get_embedder

    cache_dir.mkdir(parents=True, exist_ok=True)
    store = cache_dir / f"{MODEL_NAME}.npz"
    keys = [hashlib.sha256(t.encode()).hexdigest()[:32] for t in texts]
    known: dict[str, np.ndarray] = {}
    if store.exists():
        with np.load(store) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if todo:
        print(f"embedding {len(todo)} texts (cached: {len(known)}) ...", file=sys.stderr)
        started = time.perf_counter()
        fresh = get_embedder().embed([t for _, t in todo], batch_size=32)
        rate = len(todo) / (time.perf_counter() - started)
        print(f"  {rate:.0f} texts/s", file=sys.stderr)
        known.update(zip([k for k, _ in todo], fresh, strict=True))
        all_keys = sorted(known)
        tmp = store.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(all_keys), vectors=np.stack([known[k] for k in all_keys]))
        tmp.replace(store)
    return np.stack([known[k] for k in keys]).astype(np.float32)
