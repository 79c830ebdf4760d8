"""Solver search: the organisations best able to solve a problem statement, with evidence.

Every organisation is scored on five signals, each computed for all organisations at once:

- `lexical_profile`: BM25 of the statement against the whole profile text;
- `lexical_passage`: the best BM25 of the statement against one passage (one award, one
  offering, the capabilities), so a firm that did exactly this once is not drowned by the
  rest of its profile;
- `semantic_passage`: the best cosine between the statement's embedding and a passage's;
- `semantic_profile`: the cosine with the profile vector (the mean of the passages);
- `prior`: log(1 + number of passages): an organisation with a longer record of relevant
  work is more likely to be the solver (a structured signal, known before the query).

Each signal is turned into z-scores over all organisations (so signals of different scales
add up, and an organisation's score does not depend on the filters), and the ranking is the
weighted sum (`Weights`, chosen with bench/matching_quality.py on SBIR awards: profiles from
2001-2010, queries from 2011-2012). On that data, where firms reuse their own words, the
semantic signal adds under 0.002 MRR either way; it keeps weight 0.5 because it is what
finds a solver whose profile words the problem differently. A signal with weight 0 is not
computed: by default `semantic_passage`, whose scan of every passage vector costs about 3.5
times the profile scan on SBIR data and gained 0.001 MRR on the validation split.
The displayed score maps that sum into [0, 1]; the components are absolute, each in [0, 1]:
`semantic` (best passage cosine), `lexical` (the profile's BM25 as a share of the most a
document could score for this statement) and `record` (passages, saturating at 40).

The vectors are given to the engine (the service stores them); `embed_profiles` computes
them. Only the query is embedded here, through the embedder handed in or the shared one.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Protocol

import numpy as np
import numpy.typing as npt

from indusx.matching.engine.index import VectorIndex, normalize
from indusx.matching.engine.lexical import BM25Index, Doc, merge
from indusx.matching.engine.profile import Evidence, Match, Passage, Profile
from indusx.matching.engine.text import (
    index_terms,
    join_words,
    phrase_keys,
    root,
    shared_terms,
    snippet,
    stem,
)

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Progress = Callable[[int, int], None]

DIM = 384
EVIDENCE_PASSAGES = 2
REASON_TERMS = 3
CLOSE_IN_MEANING = 0.4  # a passage cosine from which a text reads as about the same thing
QUERY_WORDS = 100  # a statement's words embedded (see `embedding_text`)
RECORD_SATURATION = 40  # passages; the service keeps an organisation's 40 latest awards


class TextEmbedder(Protocol):
    """What the engine needs of an embedder (`indusx.matching.engine.embedder.Embedder`)."""

    def embed(
        self, texts: Sequence[str], batch_size: int = 64, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]: ...


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each signal's z-score counts in the ranking."""

    lexical_profile: float = 1.0
    lexical_passage: float = 0.5
    semantic_passage: float = 0.0
    semantic_profile: float = 0.5
    prior: float = 0.3

    def items(self) -> list[tuple[str, float]]:
        """Return (signal, weight) pairs, in the order of the fields."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


SIGNALS = tuple(f.name for f in fields(Weights))
DEFAULT_WEIGHTS = Weights()


def embed_profiles(
    profiles: Sequence[Profile],
    embedder: TextEmbedder,
    batch_size: int = 64,
    progress: Progress | None = None,
) -> tuple[FloatArray, list[FloatArray]]:
    """Return the profile vectors (n, d) and the passage vectors of each profile.

    A profile vector is the normalised mean of its passage vectors (as the service stores it).
    """
    texts = [p.text for prof in profiles for p in passages_of(prof)]
    flat = embedder.embed(texts, batch_size=batch_size, progress=progress)
    out: list[FloatArray] = []
    start = 0
    for prof in profiles:
        n = len(passages_of(prof))
        out.append(flat[start : start + n])
        start += n
    vectors = normalize(np.stack([v.mean(axis=0) for v in out])) if out else flat[:0]
    return vectors, out


def embedding_text(statement: str) -> str:
    """Return the part of a problem statement that is embedded: its first words.

    The model reads at most 256 word pieces anyway; the first QUERY_WORDS words (about 130
    pieces) embed in about half the time, and cost 0.003 MRR on the validation split.
    """
    words = statement.split()
    return statement if len(words) <= QUERY_WORDS else " ".join(words[:QUERY_WORDS])


def passages_of(profile: Profile) -> tuple[Passage, ...]:
    """Return the passages the engine indexes: the profile's, or its texts as one passage."""
    if profile.passages:
        return profile.passages
    body = "\n".join(t for t in (profile.description, profile.capabilities) if t)
    return (Passage("Profile", body or profile.name),)


def zscores(x: FloatArray) -> FloatArray:
    """Return each row of `x` as z-scores (a constant row becomes zeros)."""
    mean = x.mean(axis=1, keepdims=True)
    std = x.std(axis=1, keepdims=True)
    return np.asarray((x - mean) / np.where(std > 0, std, 1.0), dtype=np.float32)


def fuse(signals: Mapping[str, FloatArray], weights: Weights) -> FloatArray:
    """Return the ranking scores: the weighted sum of the signals' z-scores."""
    total: FloatArray | None = None
    for name, w in weights.items():
        if w:
            part = w * zscores(signals[name])
            total = part if total is None else total + part
    if total is None:
        raise ValueError("all weights are zero")
    return total


def display_score(fused: FloatArray) -> FloatArray:
    """Return ranking scores mapped into [0, 1] (monotone: the order is kept)."""
    # Calibrated on the SBIR validation split: a median organisation fuses to about 0, the
    # 50th best to 5, the 10th best to 7 and the best to 11, which this logistic shows as
    # about 0.05, 0.4, 0.6 and 0.9. The scale is relative to the other organisations: the
    # absolute fit is in the components.
    return np.asarray(1.0 / (1.0 + np.exp(-(fused - 6.0) / 2.0)), dtype=np.float32)


@dataclass(slots=True)
class _Layout:
    """Positions that turn per-index score arrays into per-organisation arrays."""

    org_ids: IdArray  # the organisations, in score-array order
    pos_of: dict[int, int]
    profile_lex: npt.NDArray[np.intp]  # BM25 column of each organisation
    passage_vec_order: npt.NDArray[np.intp] | None  # vector columns grouped by organisation
    passage_vec_starts: npt.NDArray[np.intp]
    passage_lex_order: npt.NDArray[np.intp] | None
    passage_lex_starts: npt.NDArray[np.intp]
    lex_col_of_key: npt.NDArray[np.intp]  # passage key -> column of passage BM25 scores
    prior: FloatArray  # (1, n)
    country: npt.NDArray[np.str_]
    kind: npt.NDArray[np.str_]
    masks: dict[tuple[object, ...], BoolArray]


@dataclass(frozen=True, slots=True)
class _Scored:
    """The signals of a batch of queries, and what explanations need of them."""

    signals: dict[str, FloatArray]
    fused: FloatArray
    queries: FloatArray  # (m, d) the query vectors
    passage_lex: FloatArray  # (m, passages) in passage-BM25 order
    lex_bound: FloatArray  # (m,) the most a document could score, per query


class SolverEngine:
    """Ranks organisations against problem statements; updated one organisation at a time."""

    def __init__(
        self,
        weights: Weights = DEFAULT_WEIGHTS,
        embedder: TextEmbedder | None = None,
        dim: int = DIM,
    ) -> None:
        self.weights = weights
        self._embedder = embedder
        self._profiles: dict[int, Profile] = {}
        self._keys: dict[int, IdArray] = {}  # organisation -> its passage keys
        self._passage: dict[int, tuple[int, Passage]] = {}  # passage key -> (org, passage)
        self._next_key = 0
        self._profile_vectors = VectorIndex(dim)
        self._passage_vectors = VectorIndex(dim)
        vocabulary: dict[str, int] = {}  # shared, so a profile's counts merge its passages'
        self._profile_lex = BM25Index(vocabulary=vocabulary)
        self._passage_lex = BM25Index(vocabulary=vocabulary)
        self._layout: _Layout | None = None

    def __len__(self) -> int:
        return len(self._profiles)

    def term_idf(self, token: str) -> float:
        """Return how rare a retrieval token is across the profiles (BM25's IDF; 0 if unseen)."""
        return self._profile_lex.idf(token)

    @property
    def passage_count(self) -> int:
        """Return how many passages the engine holds (what a query scans)."""
        return len(self._passage)

    @property
    def org_ids(self) -> IdArray:
        """Return the organisation ids, in the column order of `scores_many`."""
        return self._ensure_layout().org_ids

    def upsert(
        self, profile: Profile, vector: npt.ArrayLike | None, passage_vectors: npt.ArrayLike
    ) -> None:
        """Add or update an organisation with its stored profile and passage vectors."""
        self.upsert_many([profile], [vector], [passage_vectors])

    def upsert_many(
        self,
        profiles: Sequence[Profile],
        vectors: Sequence[npt.ArrayLike | None],
        passage_vectors: Sequence[npt.ArrayLike],
    ) -> None:
        """Add or update organisations; a missing profile vector is the passages' mean."""
        if not profiles:
            return
        org_vectors, new_keys, pass_vectors, pass_docs = [], [], [], []
        # Passages repeat across organisations (shared boilerplate, copied profiles): tokenize
        # each distinct text once per call.
        encoded: dict[str, Doc] = {}

        def encode(text: str) -> Doc:
            doc = encoded.get(text)
            if doc is None:
                doc = encoded[text] = self._passage_lex.encode(Counter(index_terms(text)))
            return doc

        checked = [
            self._checked(profile, vector, pv)
            for profile, vector, pv in zip(profiles, vectors, passage_vectors, strict=True)
        ]
        if len({p.id for p in profiles}) != len(profiles):
            raise ValueError("an organisation appears twice in one update")
        self.remove(p.id for p in profiles if p.id in self._profiles)
        for profile, (vector, pv_arr) in zip(profiles, checked, strict=True):
            passages = passages_of(profile)
            keys = np.arange(self._next_key, self._next_key + len(passages), dtype=np.int64)
            self._next_key += len(passages)
            self._profiles[profile.id] = profile
            self._keys[profile.id] = keys
            docs = []
            for key, passage in zip(keys.tolist(), passages, strict=True):
                self._passage[key] = (profile.id, passage)
                docs.append(encode(passage.text))
            pass_docs += docs
            # The service makes the description and capabilities passages; other callers may
            # not, and the profile's text includes them either way.
            texts = {p.text.strip() for p in passages}
            extra = [t for t in (profile.description, profile.capabilities) if t.strip()]
            extra = [t for t in extra if t.strip() not in texts]
            if extra:
                docs.append(encode("\n".join(extra)))
            self._profile_lex.replace_encoded([profile.id], [merge(docs)])
            org_vectors.append(vector)
            new_keys.append(keys)
            pass_vectors.append(pv_arr)
        all_keys = np.concatenate(new_keys)
        self._profile_vectors.replace([p.id for p in profiles], np.stack(org_vectors))
        self._passage_vectors.add(all_keys, np.concatenate(pass_vectors))
        self._passage_lex.replace_encoded(all_keys.tolist(), pass_docs)
        self._layout = None

    def _checked(
        self, profile: Profile, vector: npt.ArrayLike | None, passage_vectors: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """Return the profile vector and passage vectors, normalised, or raise ValueError."""
        n = len(passages_of(profile))
        pv = (
            normalize(passage_vectors)
            if np.size(passage_vectors)
            else np.zeros((0, self._dim()), np.float32)
        )
        if pv.shape[1] != self._dim() or (len(pv) != n and (profile.passages or len(pv))):
            raise ValueError(
                f"organisation {profile.id}: {pv.shape} passage vectors for {n} passages"
            )
        if vector is None:
            if not len(pv):
                raise ValueError(f"organisation {profile.id} has no vectors")
            vector = pv.mean(axis=0)
        org_vector = normalize(vector)[0]
        if not len(pv):  # a profile with no passages: its text is one passage
            pv = org_vector[None, :]
        return org_vector, pv

    def remove(self, org_ids: int | Iterable[int]) -> None:
        """Remove organisations; unknown ids are ignored."""
        ids = [org_ids] if isinstance(org_ids, int) else list(org_ids)
        keys: list[int] = []
        for org_id in ids:
            if self._profiles.pop(org_id, None) is None:
                continue
            org_keys = self._keys.pop(org_id).tolist()
            for key in org_keys:
                del self._passage[key]
            keys += org_keys
        if not keys:
            return
        self._profile_vectors.remove(ids)
        self._profile_lex.remove(ids)
        self._passage_vectors.remove(keys)
        self._passage_lex.remove(keys)
        self._layout = None

    def search(
        self,
        text: str,
        k: int = 10,
        *,
        countries: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        focus: Sequence[str] | None = None,
        allowed_ids: Iterable[int] | None = None,
        exclude_ids: Iterable[int] = (),
        query_vector: npt.ArrayLike | None = None,
    ) -> list[Match]:
        """Return the `k` organisations that best fit a problem statement, explained.

        Filters keep organisations of the given countries, kinds, or any of the focus areas,
        and (`allowed_ids`) only those ids; `exclude_ids` drops some.
        """
        vectors = None if query_vector is None else normalize(query_vector)
        return self.search_many(
            [text],
            k,
            countries=countries,
            kinds=kinds,
            focus=focus,
            allowed_ids=allowed_ids,
            exclude_ids=exclude_ids,
            query_vectors=vectors,
        )[0]

    def search_many(
        self,
        texts: Sequence[str],
        k: int = 10,
        batch_size: int = 64,
        *,
        countries: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        focus: Sequence[str] | None = None,
        allowed_ids: Iterable[int] | None = None,
        exclude_ids: Iterable[int] = (),
        query_vectors: npt.ArrayLike | None = None,
        explain: bool = True,
        progress: Progress | None = None,
    ) -> list[list[Match]]:
        """Return the `k` best organisations for each statement, in the order given.

        The statements are embedded (unless `query_vectors` are given) and scored
        `batch_size` at a time, so memory stays flat over thousands of statements and
        `progress(done, total)` moves. `explain=False` skips reasons and evidence.
        """
        if not texts or not self._profiles:
            return [[] for _ in texts]
        given = None if query_vectors is None else normalize(query_vectors)
        layout = self._ensure_layout()
        blocked = ~self._mask(layout, countries, kinds, focus, allowed_ids)
        excluded = [layout.pos_of[i] for i in exclude_ids if i in layout.pos_of]
        out: list[list[Match]] = []
        for start in range(0, len(texts), batch_size):
            batch = list(texts[start : start + batch_size])
            if given is None:
                qv = self._embed(batch, batch_size)
            else:
                qv = given[start : start + batch_size]
            scored = self._score(batch, qv, layout)
            ranking = scored.fused.copy()
            ranking[:, blocked] = -np.inf
            ranking[:, excluded] = -np.inf
            for row, text in enumerate(batch):
                top = _top(ranking[row], k)
                keys = phrase_keys(text) if explain else None
                out.append([self._match(scored, row, pos, keys) for pos in top])
            if progress is not None:
                progress(min(start + batch_size, len(texts)), len(texts))
        return out

    def scores_many(
        self, texts: Sequence[str], query_vectors: npt.ArrayLike | None = None
    ) -> dict[str, FloatArray]:
        """Return every signal and the fused ranking score ("fused") of all organisations.

        Arrays are (queries, organisations), columns in `org_ids` order: what `search_many`
        ranks by, for evaluation and tuning.
        """
        qv = self._embed(texts, 64) if query_vectors is None else normalize(query_vectors)
        scored = self._score(list(texts), qv, self._ensure_layout(), every_signal=True)
        return {**scored.signals, "fused": scored.fused}

    def _embed(self, texts: Sequence[str], batch_size: int) -> FloatArray:
        if self._embedder is None:
            from indusx.matching.engine.embedder import get_embedder

            self._embedder = get_embedder()
        return normalize(
            self._embedder.embed([embedding_text(t) for t in texts], batch_size=batch_size)
        )

    def _dim(self) -> int:
        return self._profile_vectors.dim

    def _score(
        self, texts: list[str], qv: FloatArray, layout: _Layout, every_signal: bool = False
    ) -> _Scored:
        weights = [self._profile_lex.query_weights(t) for t in texts]
        profile_lex = self._profile_lex.scores_many(weights)[:, layout.profile_lex]
        passage_lex = self._passage_lex.scores_many(weights)  # evidence reads it too
        signals = {
            "lexical_profile": profile_lex,
            "lexical_passage": _group_max(
                passage_lex, layout.passage_lex_order, layout.passage_lex_starts
            ),
            "prior": np.broadcast_to(layout.prior, profile_lex.shape),
        }
        # The dense scans are the costliest steps (the passages outnumber the organisations
        # about 3.5 to 1 on SBIR data): each is made only when its signal counts.
        if every_signal or self.weights.semantic_passage:
            passage_cos = self._passage_vectors.scores(qv)
            signals["semantic_passage"] = _group_max(
                passage_cos, layout.passage_vec_order, layout.passage_vec_starts
            )
        if every_signal or self.weights.semantic_profile:
            signals["semantic_profile"] = self._profile_vectors.scores(qv)
        bound = np.array([self._profile_lex.max_score(w) for w in weights], dtype=np.float32)
        return _Scored(
            signals=signals,
            fused=fuse(signals, self.weights),
            queries=qv,
            passage_lex=passage_lex,
            lex_bound=bound,
        )

    def _match(
        self, scored: _Scored, row: int, pos: int, query_keys: frozenset[tuple[str, ...]] | None
    ) -> Match:
        layout = self._ensure_layout()
        org_id = int(layout.org_ids[pos])
        bound = float(scored.lex_bound[row]) or 1.0
        cosines = self._passage_vectors.vectors_for(self._keys[org_id]) @ scored.queries[row]
        components = {
            "semantic": _unit(cosines.max()),
            "lexical": _unit(scored.signals["lexical_profile"][row, pos] / bound),
            "record": _unit(np.expm1(layout.prior[0, pos]) / RECORD_SATURATION),
        }
        score = float(display_score(scored.fused[row, pos : pos + 1])[0])
        if query_keys is None:
            return Match(candidate_id=org_id, score=score, components=components)
        evidence, terms = self._evidence(scored, row, org_id, cosines, query_keys)
        return Match(
            candidate_id=org_id,
            score=score,
            components=components,
            reason=reason(terms, evidence, components["semantic"]),
            evidence=evidence,
            shared_terms=tuple(terms),
        )

    def _evidence(
        self,
        scored: _Scored,
        row: int,
        org_id: int,
        cosines: FloatArray,
        query_keys: frozenset[tuple[str, ...]],
    ) -> tuple[tuple[Evidence, ...], list[str]]:
        """Return the org's passages that fit the statement best, and the terms they share."""
        keys = self._keys[org_id]
        layout = self._ensure_layout()
        lex_pos = layout.lex_col_of_key[keys]
        bound = float(scored.lex_bound[row]) or 1.0
        fit = 0.5 * np.clip(cosines, 0, 1) + 0.5 * np.clip(
            scored.passage_lex[row, lex_pos] / bound * 4, 0, 1
        )
        chosen: list[Evidence] = []
        terms: list[str] = []
        covered: set[str] = set()
        for i in np.argsort(-fit, kind="stable")[:EVIDENCE_PASSAGES]:
            if fit[i] <= 0:
                break
            passage = self._passage[int(keys[i])][1]
            found = shared_terms(query_keys, passage.text, weight=self._passage_lex.idf)
            if chosen and not found:
                continue
            chosen.append(Evidence(passage.label, snippet(passage.text, found), float(fit[i])))
            for term in found:  # a term already said, in these or other words, is not repeated
                words = {root(stem(w)) for w in term.split()}
                if not words <= covered:
                    terms.append(term)
                    covered |= words
        return tuple(chosen), terms[:5]

    def _mask(
        self,
        layout: _Layout,
        countries: Sequence[str] | None,
        kinds: Sequence[str] | None,
        focus: Sequence[str] | None,
        allowed_ids: Iterable[int] | None,
    ) -> BoolArray:
        allowed = None if allowed_ids is None else frozenset(allowed_ids)
        key = (
            frozenset(countries or ()),
            frozenset(kinds or ()),
            frozenset(focus or ()),
            allowed,
        )
        cached = layout.masks.get(key)
        if cached is not None:
            return cached
        mask = np.ones(len(layout.org_ids), dtype=bool)
        if countries:
            mask &= np.isin(layout.country, list(countries))
        if kinds:
            mask &= np.isin(layout.kind, list(kinds))
        if focus:
            wanted = frozenset(focus)
            mask &= np.fromiter(
                (not wanted.isdisjoint(self._profiles[int(i)].focus) for i in layout.org_ids),
                dtype=bool,
                count=len(layout.org_ids),
            )
        if allowed is not None:
            mask &= np.isin(layout.org_ids, np.fromiter(allowed, dtype=np.int64))
        if len(layout.masks) > 64:
            layout.masks.clear()
        layout.masks[key] = mask
        return mask

    def _ensure_layout(self) -> _Layout:
        if self._layout is not None:
            return self._layout
        org_ids = self._profile_vectors.ids
        pos_of = {int(i): p for p, i in enumerate(org_ids)}
        org_pos_of_key = np.full(self._next_key, -1, dtype=np.intp)
        for org_id, keys in self._keys.items():
            org_pos_of_key[keys] = pos_of[org_id]
        vec_keys, lex_keys = self._passage_vectors.ids, self._passage_lex.ids
        vec_order, vec_starts = _groups(org_pos_of_key[vec_keys])
        lex_order, lex_starts = _groups(org_pos_of_key[lex_keys])
        lex_col_of_key = np.full(self._next_key, -1, dtype=np.intp)
        lex_col_of_key[lex_keys] = np.arange(len(lex_keys))
        counts = np.fromiter(
            (len(self._keys[int(i)]) for i in org_ids), dtype=np.float32, count=len(org_ids)
        )
        profiles = [self._profiles[int(i)] for i in org_ids]
        self._layout = _Layout(
            org_ids=org_ids,
            pos_of=pos_of,
            profile_lex=_positions(self._profile_lex.ids, org_ids),
            passage_vec_order=vec_order,
            passage_vec_starts=vec_starts,
            passage_lex_order=lex_order,
            passage_lex_starts=lex_starts,
            lex_col_of_key=lex_col_of_key,
            prior=np.log1p(counts)[None, :],
            country=np.array([p.country for p in profiles], dtype=str),
            kind=np.array([p.kind for p in profiles], dtype=str),
            masks={},
        )
        return self._layout


def reason(terms: Sequence[str], evidence: Sequence[Evidence], semantic: float) -> str:
    """Return the one-sentence reason of a match, from its shared terms and evidence."""
    where = join_words([_evidence_phrase(e.label) for e in evidence])
    if terms:
        return f"Fits on {join_words(list(terms[:REASON_TERMS]))}: {where}."
    if evidence and semantic >= CLOSE_IN_MEANING:
        return f"Close in meaning, with no distinctive words in common: {where}."
    return "Weak fit: no passage of its profile shares the statement's terms or meaning."


def _evidence_phrase(label: str) -> str:
    kind, _, rest = label.partition(":")
    rest = rest.strip()
    if kind.startswith("Award") and rest:
        year = kind.removeprefix("Award").strip()
        return f"its {year} award '{rest}'" if year else f"its award '{rest}'"
    if kind == "Offering" and rest:
        name = rest.rsplit(" (TRL", 1)[0]
        return f"its offering '{name}'"
    return f"its {label.lower()}"


def _unit(x: float | np.floating) -> float:
    return float(min(1.0, max(0.0, float(x))))


def _top(scores: FloatArray, k: int) -> list[int]:
    finite = np.isfinite(scores)
    n = int(finite.sum())
    k = min(k, n)
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    part = part[np.isfinite(scores[part])]
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]


def _groups(
    group_of: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.intp] | None, npt.NDArray[np.intp]]:
    """Return the column order that groups columns by group (None: already grouped), and
    where each group starts."""
    order = np.argsort(group_of, kind="stable")
    sorted_groups = group_of[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    # Columns loaded organisation by organisation are grouped already: no gather needed.
    in_place = bool((order == np.arange(len(order))).all())
    return (None if in_place else order), starts


def _group_max(
    scores: FloatArray, order: npt.NDArray[np.intp] | None, starts: npt.NDArray[np.intp]
) -> FloatArray:
    """Return the maximum of each group of columns, (m, groups)."""
    grouped = scores if order is None else scores[:, order]
    return np.asarray(np.maximum.reduceat(grouped, starts, axis=1), dtype=np.float32)


def _positions(haystack: IdArray, needles: IdArray) -> npt.NDArray[np.intp]:
    """Return where each of `needles` sits in `haystack` (all of them must be there)."""
    sorter = np.argsort(haystack, kind="stable")
    return sorter[np.searchsorted(haystack, needles, sorter=sorter)]
