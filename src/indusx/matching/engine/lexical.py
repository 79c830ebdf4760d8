"""BM25 lexical relevance over documents (whole profiles or single passages).

Each document is kept as its token counts (vocabulary column ids and counts). Scoring reads a
sparse matrix of per-(document, term) BM25 weights: the scores of one query against every
document are one sparse matrix-vector product, and a batch of queries one sparse-sparse
product; no Python loop over documents.

Updates (`add`, `replace`, `remove`) cost the tokens of the documents they touch; the weight
matrix is rebuilt lazily at the next query, from the stored counts with vectorised numpy (no
re-tokenising): about a second per ten million stored (document, term) pairs, so a burst of
updates pays once. The vocabulary only grows (a removed document's terms keep their column).
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

from indusx.matching.engine.text import index_terms, shared_terms

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]
Doc = tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]  # vocabulary columns, counts


def merge(docs: Sequence[Doc]) -> Doc:
    """Return the documents of one vocabulary as one document (their counts summed)."""
    if len(docs) == 1:
        return docs[0]
    cols, inverse = np.unique(np.concatenate([c for c, _ in docs]), return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([v for _, v in docs]))
    return cols.astype(np.int32), counts.astype(np.float32)


class BM25Index:
    """Okapi BM25 (Lucene's IDF) over documents identified by int ids.

    `k1` is how fast repeated terms saturate in a document, `b` how much long documents are
    discounted, `k3` how fast repeated terms saturate in the query (Robertson's k3: a problem
    statement that says "sensor" ten times is not ten times about sensors).
    """

    def __init__(
        self,
        k1: float = 1.2,
        b: float = 0.75,
        k3: float = 1.2,
        vocabulary: dict[str, int] | None = None,
    ) -> None:
        self.k1 = k1
        self.b = b
        self.k3 = k3
        # token -> column; indexes over the same texts may share one (see `encode`).
        self._vocab: dict[str, int] = {} if vocabulary is None else vocabulary
        self._docs: dict[int, Doc] = {}
        self._matrix: sparse.csr_array | None = None  # (terms, docs) BM25 weights
        self._ids: IdArray = np.zeros(0, dtype=np.int64)
        self._idf: FloatArray = np.zeros(0, dtype=np.float32)
        self._norm: FloatArray = np.zeros(0, dtype=np.float32)
        self._pos: dict[int, int] = {}

    @classmethod
    def build(
        cls,
        ids: Iterable[int],
        texts: Iterable[str],
        k1: float = 1.2,
        b: float = 0.75,
        k3: float = 1.2,
    ) -> "BM25Index":
        """Return an index of `texts` under `ids`."""
        index = cls(k1=k1, b=b, k3=k3)
        index.replace(ids, texts)
        return index

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def ids(self) -> IdArray:
        """Return the document ids in the order of the score arrays."""
        self._ensure_built()
        return self._ids

    def replace(self, ids: Iterable[int], texts: Iterable[str]) -> None:
        """Index `texts` under `ids`, replacing what those ids held."""
        self.replace_counts(ids, (Counter(index_terms(text)) for text in texts))

    def replace_counts(self, ids: Iterable[int], counts: Iterable[Mapping[str, int]]) -> None:
        """Index documents given as token counts (from `text.index_terms`) under `ids`."""
        self.replace_encoded(ids, (self.encode(c) for c in counts))

    def replace_encoded(self, ids: Iterable[int], docs: Iterable[Doc]) -> None:
        """Index documents given as `encode` returned them (or merged with `merge`)."""
        for id_, doc in zip(ids, docs, strict=True):
            self._docs[int(id_)] = doc
        self._matrix = None

    def encode(self, counts: Mapping[str, int]) -> Doc:
        """Return token counts as (vocabulary columns, counts), growing the vocabulary."""
        vocab = self._vocab
        cols = [vocab.setdefault(token, len(vocab)) for token in counts]
        return np.asarray(cols, np.int32), np.fromiter(counts.values(), np.float32, len(cols))

    add = replace

    def remove(self, ids: Iterable[int]) -> None:
        """Drop the documents `ids`; unknown ids are ignored."""
        for id_ in ids:
            self._docs.pop(int(id_), None)
        self._matrix = None

    def idf(self, token: str) -> float:
        """Return the inverse document frequency of a retrieval token (0 if never seen)."""
        self._ensure_built()
        col = self._vocab.get(token)
        return float(self._idf[col]) if col is not None and col < len(self._idf) else 0.0

    def query_weights(self, query: str) -> dict[str, float]:
        """Return the weight of each token of a query: its count, saturated by `k3`."""
        k3 = self.k3
        return {t: c * (k3 + 1) / (c + k3) for t, c in Counter(index_terms(query)).items()}

    def max_score(self, weights: Mapping[str, float]) -> float:
        """Return the bound no document's score reaches for these query weights."""
        self._ensure_built()
        total = sum(w * self.idf(t) for t, w in weights.items())
        return total * (self.k1 + 1)

    def query_vector(self, query: str | Mapping[str, float]) -> sparse.csr_array:
        """Return a query as a (1, terms) sparse row: saturated token counts, or given weights."""
        weights = self.query_weights(query) if isinstance(query, str) else query
        cols, vals = [], []
        for token, w in weights.items():
            col = self._vocab.get(token)
            if col is not None and w:
                cols.append(col)
                vals.append(float(w))
        n_terms = len(self._vocab)
        return sparse.csr_array(
            (np.asarray(vals, np.float32), (np.zeros(len(cols), np.int32), cols)),
            shape=(1, n_terms),
        )

    def scores(self, query: str | Mapping[str, float]) -> FloatArray:
        """Return the BM25 score of every document (in `ids` order) for one query."""
        return self.scores_many([query])[0]

    def scores_many(self, queries: Sequence[str | Mapping[str, float]]) -> FloatArray:
        """Return the (queries, documents) BM25 scores of a batch of queries."""
        matrix = self._ensure_built()
        out = np.zeros((len(queries), matrix.shape[1]), dtype=np.float32)
        for row, query in enumerate(queries):
            weights = self.query_weights(query) if isinstance(query, str) else query
            cols, vals = [], []
            for token, w in weights.items():
                col = self._vocab.get(token)
                if col is not None and col < matrix.shape[0] and w:
                    cols.append(col)
                    vals.append(w)
            if cols:
                # The postings of the query's terms only, summed with the query's weights.
                out[row] = matrix[np.asarray(cols)].T @ np.asarray(vals, dtype=np.float32)
        return out

    def explain_terms(self, query: str, doc: str, limit: int = 5) -> list[str]:
        """Return the salient terms `query` and `doc` share, rarest first (as `doc` writes them)."""
        return shared_terms(query, doc, weight=self.idf, limit=limit)

    def term_weights(self, doc_ids: Iterable[int]) -> dict[str, float]:
        """Return the summed BM25 weights of the terms of `doc_ids` (for query expansion)."""
        self._ensure_built()
        summed = np.zeros(len(self._idf), dtype=np.float32)
        for id_ in doc_ids:
            if int(id_) not in self._pos:
                continue
            cols, tf = self._docs[int(id_)]
            norm = self._norm[self._pos[int(id_)]]
            summed[cols] += self._idf[cols] * tf * (self.k1 + 1) / (tf + norm)
        words = self._words()
        return {words[t]: float(summed[t]) for t in np.flatnonzero(summed)}

    def _words(self) -> list[str]:
        words = [""] * len(self._vocab)
        for word, col in self._vocab.items():
            words[col] = word
        return words

    def _ensure_built(self) -> sparse.csr_array:
        if self._matrix is not None:
            return self._matrix
        ids = np.fromiter(self._docs.keys(), dtype=np.int64, count=len(self._docs))
        per_doc = list(self._docs.values())
        n_docs, n_terms = len(per_doc), len(self._vocab)
        lengths = np.fromiter((len(c) for c, _ in per_doc), dtype=np.int64, count=n_docs)
        cols = np.concatenate([c for c, _ in per_doc]) if n_docs else np.zeros(0, np.int32)
        tf = np.concatenate([v for _, v in per_doc]) if n_docs else np.zeros(0, np.float32)
        doc_of = np.repeat(np.arange(n_docs), lengths)
        doc_len = np.bincount(doc_of, weights=tf, minlength=n_docs)
        avg_len = float(doc_len.mean()) if n_docs else 1.0
        df = np.bincount(cols, minlength=n_terms)
        # A term no document holds (removed, or from an index sharing the vocabulary) weighs 0.
        idf = np.where(df > 0, np.log1p((n_docs - df + 0.5) / (df + 0.5)), 0).astype(np.float32)
        norm = self.k1 * (1 - self.b + self.b * doc_len / max(avg_len, 1e-9))
        weights = idf[cols] * tf * (self.k1 + 1) / (tf + norm[doc_of])
        self._matrix = sparse.csr_array(
            (weights.astype(np.float32), (cols, doc_of)), shape=(n_terms, n_docs)
        )
        self._ids, self._idf, self._pos = ids, idf, {int(i): p for p, i in enumerate(ids)}
        self._norm = norm.astype(np.float32)
        return self._matrix
