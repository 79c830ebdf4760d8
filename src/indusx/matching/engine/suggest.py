"""Partner suggestions by mode: dense retrieval, structured re-ranking, explained matches.

The engine holds each organisation's profile vector (computed and stored by the service; the
engine never embeds) and the fields the modes compare, as numpy columns. Vectors are kept in
one block per (country, kind), so a query scans only the blocks its mode and filters allow:
one matrix-vector product per block, the `top_n` nearest kept, then re-ranked by a weighted
sum of named components, each in [0, 1] (MODE_WEIGHTS is the one table of weights):

- semantic: cosine of the profile vectors, rescaled from [SEMANTIC_LOW, SEMANTIC_HIGH];
- focus: Dice overlap of focus areas, plus ADJACENT_BONUS of the rest for an adjacent area;
- complementarity: how the two kinds complement each other in the mode (COMPLEMENTARITY);
- trl: the readiness the mode wants (TRL_FIT; co-development and research read the less
  mature side, co-production wants both sides mature);
- seeking: whether each side seeks what the mode offers (WANTS); 1 when both do, 0.5 one;
- thesis (investment): the investor's thesis against the start-up (THESIS_WEIGHTS).

Feedback arrives as plain `Penalties`: ids never to return, and multiplicative down-weights
that `penalties_from_feedback` learns from repeated dismissals.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from indusx.matching.engine.explain import body, describe, keys
from indusx.matching.engine.index import normalize
from indusx.matching.engine.profile import Match, Mentor, Profile

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DIM = 384
MODES = ("co-development", "co-production", "investment", "research", "mentoring")
KINDS = (
    "startup", "msme", "large_company", "prime", "investor", "accelerator", "academic",
    "government", "test_facility", "mentor", "other",
)  # "mentor" stands for a person in mentoring mode; "other" for kinds added later
SEEKING = (
    "co_development", "co_production", "investment", "customers", "test_facilities",
    "mentoring", "research_partner",
)
STAGES = (
    "pre_seed", "seed", "series_a", "series_b", "series_c_plus", "growth", "public",
    "bootstrapped",
)
# Position on the funding ladder, for "one stage away"; a bootstrapped firm sits near seed.
_STAGE_POSITION = np.array([0, 1, 2, 3, 4, 5, 6, 1], dtype=np.int16)
# Typical cheque (USD) an investor writes at each stage: an assumption stated here, used for
# the ticket-size part of the thesis fit (the directory stores no round size).
STAGE_CHEQUE_USD: dict[str, tuple[float, float]] = {
    "pre_seed": (5e4, 5e5), "seed": (2.5e5, 3e6), "series_a": (2e6, 1.5e7),
    "series_b": (1e7, 4e7), "series_c_plus": (2.5e7, 1e8), "growth": (5e7, 3e8),
    "public": (1e7, 5e8), "bootstrapped": (1e5, 2e6),
}

SEMANTIC_LOW = 0.15  # cosine at which semantic fit is 0 (unrelated MiniLM profiles sit below)
SEMANTIC_HIGH = 0.75  # cosine at which it is 1
ADJACENT_BONUS = 0.3
LIKED_BOOST = 0.1  # at most +10% for candidates like those whose introductions were accepted

MODE_WEIGHTS: dict[str, dict[str, float]] = {
    "co-development": {
        "semantic": 0.40, "focus": 0.20, "complementarity": 0.20, "trl": 0.08, "seeking": 0.12,
    },
    "co-production": {
        "semantic": 0.30, "focus": 0.15, "complementarity": 0.20, "trl": 0.20, "seeking": 0.15,
    },
    "investment": {
        "semantic": 0.20, "focus": 0.10, "complementarity": 0.05, "thesis": 0.50, "seeking": 0.15,
    },
    "research": {
        "semantic": 0.40, "focus": 0.20, "complementarity": 0.20, "trl": 0.08, "seeking": 0.12,
    },
    "mentoring": {"semantic": 0.55, "focus": 0.20, "complementarity": 0.05, "seeking": 0.20},
}
THESIS_WEIGHTS = {"focus": 0.35, "stage": 0.30, "country": 0.20, "ticket": 0.15}

# Source kind x candidate kind (symmetric); a pair not listed is never suggested in the mode.
COMPLEMENTARITY: dict[str, dict[tuple[str, str], float]] = {
    "co-development": {
        ("startup", "prime"): 1.0, ("startup", "large_company"): 0.9,
        ("startup", "academic"): 0.7, ("startup", "msme"): 0.6, ("startup", "government"): 0.5,
        ("startup", "startup"): 0.4, ("startup", "test_facility"): 0.4,
        ("msme", "prime"): 0.9, ("msme", "large_company"): 0.8, ("msme", "academic"): 0.6,
        ("msme", "government"): 0.5, ("msme", "msme"): 0.4, ("msme", "test_facility"): 0.4,
        ("large_company", "academic"): 0.8, ("large_company", "prime"): 0.5,
        ("large_company", "government"): 0.5, ("large_company", "large_company"): 0.4,
        ("large_company", "test_facility"): 0.4,
        ("prime", "academic"): 0.8, ("prime", "government"): 0.5, ("prime", "test_facility"): 0.4,
        ("prime", "prime"): 0.3,
        ("academic", "government"): 0.6, ("academic", "academic"): 0.4,
        ("academic", "test_facility"): 0.4,
        ("government", "government"): 0.2, ("government", "test_facility"): 0.3,
    },
    # An owner of a mature system and a manufacturer: MSMEs, large companies and primes make.
    "co-production": {
        ("startup", "msme"): 0.9, ("startup", "large_company"): 0.9, ("startup", "prime"): 0.8,
        ("startup", "startup"): 0.2,
        ("msme", "prime"): 1.0, ("msme", "large_company"): 0.9, ("msme", "msme"): 0.5,
        ("large_company", "prime"): 0.7, ("large_company", "large_company"): 0.6,
        ("prime", "prime"): 0.5,
    },
    "investment": {("investor", "startup"): 1.0, ("investor", "msme"): 0.7},
    "research": {
        ("academic", "prime"): 1.0, ("academic", "startup"): 0.9,
        ("academic", "large_company"): 0.9, ("academic", "msme"): 0.7,
        ("academic", "government"): 0.7, ("academic", "academic"): 0.5,
        ("academic", "test_facility"): 0.5,
    },
    "mentoring": {
        ("mentor", "startup"): 1.0, ("mentor", "msme"): 0.7, ("mentor", "accelerator"): 0.5,
    },
}

# What a side's seeking must contain to count, by (own kind, partner kind); "*" is any kind,
# the most specific entry wins.
WANTS: dict[str, dict[tuple[str, str], dict[str, float]]] = {
    "co-development": {
        ("*", "*"): {"co_development": 1.0},
        ("*", "academic"): {"co_development": 1.0, "research_partner": 0.8},
        ("academic", "*"): {"co_development": 1.0, "research_partner": 0.8},
        ("*", "test_facility"): {"test_facilities": 1.0, "co_development": 0.5},
        ("test_facility", "*"): {"customers": 1.0, "co_development": 1.0},
    },
    "co-production": {("*", "*"): {"co_production": 1.0, "customers": 0.4}},
    "investment": {("*", "*"): {"investment": 1.0}},
    "research": {("*", "*"): {"research_partner": 1.0, "co_development": 0.5}},
    "mentoring": {("*", "*"): {"mentoring": 1.0}},
}
# Sides whose own seeking says nothing in the mode: the investor's thesis, the mentor's offer.
NO_SEEKING_SIDE: dict[str, frozenset[str]] = {
    "investment": frozenset({"investor"}),
    "mentoring": frozenset({"mentor"}),
}

# Fit by TRL 1..9 (index 0: unknown). "min": the less mature side sets the pace; "both": the
# geometric mean of both sides (co-production needs the owner and the maker ready).
TRL_FIT: dict[str, tuple[tuple[float, ...], str]] = {
    "co-development": ((0.5, 0.3, 0.3, 0.6, 1.0, 1.0, 1.0, 1.0, 0.6, 0.3), "min"),
    "co-production": ((0.5, 0.0, 0.0, 0.0, 0.1, 0.3, 0.6, 0.85, 1.0, 1.0), "both"),
    "research": ((0.5, 1.0, 1.0, 1.0, 1.0, 0.7, 0.4, 0.2, 0.1, 0.1), "min"),
}

# Focus areas next to each other: sharing one of these is a small bonus, and worth naming.
ADJACENT_AREAS: tuple[tuple[str, str], ...] = (
    ("undersea", "maritime-domain-awareness"),
    ("isr", "maritime-domain-awareness"),
    ("isr", "space"),
    ("isr", "ai-autonomy"),
    ("air-combat", "jet-propulsion"),
    ("artillery", "munitions"),
    ("armoured-vehicles", "land-mobility"),
    ("armoured-vehicles", "artillery"),
    ("cyber", "ai-autonomy"),
)

# Dense candidates re-ranked per query: investors are few and their thesis weighs most.
TOP_N = {"co-development": 300, "co-production": 300, "investment": 1000, "research": 300,
         "mentoring": 1000}

_KIND_CODE = {k: i for i, k in enumerate(KINDS)}
_OTHER_KIND = _KIND_CODE["other"]
_SEEKING_CODE = {s: i for i, s in enumerate(SEEKING)}
_STAGE_CODE = {s: i for i, s in enumerate(STAGES)}
_CHEQUE_LO = np.array([STAGE_CHEQUE_USD[s][0] for s in STAGES] + [np.nan])
_CHEQUE_HI = np.array([STAGE_CHEQUE_USD[s][1] for s in STAGES] + [np.nan])


def kind_code(kind: str) -> int:
    """Return the column code of an organisation kind (unknown kinds share one code)."""
    return _KIND_CODE.get(str(kind), _OTHER_KIND)


@dataclass(frozen=True, slots=True)
class ModeSpec:
    """One mode's tables as arrays over kind and seeking codes."""

    name: str
    weights: dict[str, float]
    complement: FloatArray  # (kinds, kinds)
    wants: FloatArray  # (kinds, kinds, seeking): own kind x partner kind
    has_seeking: BoolArray  # (kinds,)
    trl_fit: FloatArray | None
    trl_pair: str
    top_n: int

    def wanted(self, own_kind: str, partner_kind: str) -> dict[str, float]:
        """Return the seeking values that count for a side, with their weights."""
        row = self.wants[kind_code(own_kind), kind_code(partner_kind)]
        return {SEEKING[j]: float(w) for j, w in enumerate(row) if w > 0}


def _mode_spec(mode: str) -> ModeSpec:
    n = len(KINDS)
    complement = np.zeros((n, n), dtype=np.float32)
    for (a, b), value in COMPLEMENTARITY[mode].items():
        complement[_KIND_CODE[a], _KIND_CODE[b]] = complement[_KIND_CODE[b], _KIND_CODE[a]] = value
    table = WANTS[mode]
    wants = np.zeros((n, n, len(SEEKING)), dtype=np.float32)
    for own in KINDS:
        for partner in KINDS:
            for key in ((own, partner), (own, "*"), ("*", partner), ("*", "*")):
                if key in table:
                    for seek, w in table[key].items():
                        wants[_KIND_CODE[own], _KIND_CODE[partner], _SEEKING_CODE[seek]] = w
                    break
    has_seeking = np.array([k not in NO_SEEKING_SIDE.get(mode, ()) for k in KINDS])
    trl = TRL_FIT.get(mode)
    return ModeSpec(
        name=mode,
        weights=MODE_WEIGHTS[mode],
        complement=complement,
        wants=wants,
        has_seeking=has_seeking,
        trl_fit=np.array(trl[0], dtype=np.float32) if trl else None,
        trl_pair=trl[1] if trl else "",
        top_n=TOP_N[mode],
    )


MODE_SPECS: dict[str, ModeSpec] = {mode: _mode_spec(mode) for mode in MODES}


def modes_for_kind(kind: str) -> tuple[str, ...]:
    """Return the modes in which an organisation of `kind` gets suggestions."""
    code = kind_code(kind)
    out = [m for m in MODES if m != "mentoring" and MODE_SPECS[m].complement[code].any()]
    if MODE_SPECS["mentoring"].complement[_KIND_CODE["mentor"], code] > 0:
        out.append("mentoring")
    return tuple(out)


# --- feedback --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Penalties:
    """What an organisation's feedback does to its suggestions: plain data from the service.

    Factors multiply the score of candidates with that kind, country or focus area. A
    country factor applies to candidates of the source's own country only, and a focus factor
    to areas the source does not work in itself: dismissing partners across the border, or in
    one's own area, is what the default view offers and says nothing against them. `liked_ids`
    are candidates of accepted introductions: candidates close to them get up to LIKED_BOOST.
    """

    never_ids: frozenset[int] = frozenset()
    never_mentor_ids: frozenset[int] = frozenset()
    kind_factors: Mapping[str, float] = field(default_factory=dict)
    country_factors: Mapping[str, float] = field(default_factory=dict)
    focus_factors: Mapping[str, float] = field(default_factory=dict)
    liked_ids: frozenset[int] = frozenset()


def _factors(
    dismissed: Iterable[str], accepted: Iterable[str], min_count: int, step: float, floor: float
) -> dict[str, float]:
    net = Counter(dismissed)
    net.subtract(Counter(accepted))
    return {
        value: max(floor, 1.0 - step * (count - min_count + 1))
        for value, count in net.items()
        if count >= min_count
    }


def penalties_from_feedback(
    dismissed: Sequence[Profile] = (),
    declined_ids: Iterable[int] = (),
    *,
    dismissed_ids: Iterable[int] = (),
    dismissed_mentor_ids: Iterable[int] = (),
    declined_mentor_ids: Iterable[int] = (),
    introduced_ids: Iterable[int] = (),
    accepted: Sequence[Profile] = (),
    min_count: int = 2,
    step: float = 0.15,
    floor: float = 0.5,
) -> Penalties:
    """Return the penalties of an organisation's feedback.

    Dismissed, declined and already-introduced candidates never return. A kind, country or
    focus area among `dismissed` at least `min_count` times more often than among `accepted`
    (accepted introductions) is down-weighted: 0.85 at 2, 0.70 at 3, ... never below `floor`.
    Pass in `dismissed` only dismissals that say something about fit (not "already partners").
    """
    never = {p.id for p in dismissed} | set(dismissed_ids) | set(declined_ids)
    never |= set(introduced_ids)
    return Penalties(
        never_ids=frozenset(int(i) for i in never),
        never_mentor_ids=frozenset(int(i) for i in (*dismissed_mentor_ids, *declined_mentor_ids)),
        kind_factors=_factors(
            (str(p.kind) for p in dismissed), (str(p.kind) for p in accepted),
            min_count, step, floor,
        ),
        country_factors=_factors(
            (str(p.country) for p in dismissed), (str(p.country) for p in accepted),
            min_count, step, floor,
        ),
        focus_factors=_factors(
            (str(a) for p in dismissed for a in p.focus),
            (str(a) for p in accepted for a in p.focus),
            min_count, step, floor,
        ),
        liked_ids=frozenset(p.id for p in accepted),
    )


# --- storage ---------------------------------------------------------------------------------


class _Vocab:
    """Codes for values learnt from the data (countries, focus areas), shared by both stores."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self.codes: dict[str, int] = {}
        for value in values:
            self.code(value)

    def __len__(self) -> int:
        return len(self.codes)

    def code(self, value: str) -> int:
        return self.codes.setdefault(str(value), len(self.codes))

    def get(self, value: str) -> int | None:
        return self.codes.get(str(value))


@dataclass(slots=True)
class _Side:
    """The compared fields of one or many organisations; arrays broadcast against each other."""

    kind: npt.NDArray[np.int16]
    country: npt.NDArray[np.int16]
    stage: npt.NDArray[np.int16]
    trl: npt.NDArray[np.int8]
    focus: BoolArray  # (..., focus areas)
    seeking: BoolArray  # (..., SEEKING)
    th_focus: BoolArray  # (..., focus areas)
    th_stage: BoolArray  # (..., STAGES)
    th_country: BoolArray  # (..., countries)
    th_focus_any: BoolArray
    th_stage_any: BoolArray
    th_country_any: BoolArray
    t_lo: npt.NDArray[np.float64]
    t_hi: npt.NDArray[np.float64]


_SIDE_FIELDS = tuple(f.name for f in fields(_Side))
_FOCUS_WIDE = ("focus", "th_focus")
_DTYPES: dict[str, Any] = {
    "kind": np.int16, "country": np.int16, "stage": np.int16, "trl": np.int8,
    "th_focus_any": bool, "th_stage_any": bool, "th_country_any": bool,
    "t_lo": np.float64, "t_hi": np.float64,
}


class _Segment:
    """The vectors of one (country, kind): a slot is reused in place, so no other slot moves."""

    __slots__ = ("free", "rows", "used", "vectors")

    def __init__(self, dim: int, capacity: int = 16) -> None:
        self.vectors: FloatArray = np.zeros((capacity, dim), dtype=np.float32)
        self.rows: IntArray = np.full(capacity, -1, dtype=np.int64)  # store row; -1 free
        self.used = 0
        self.free: list[int] = []

    def put(self, row: int, vector: FloatArray) -> int:
        if self.free:
            slot = self.free.pop()
        else:
            if self.used == len(self.rows):
                grow = max(16, len(self.rows) // 2)
                self.vectors = np.concatenate(
                    [self.vectors, np.zeros((grow, self.vectors.shape[1]), np.float32)]
                )
                self.rows = np.concatenate([self.rows, np.full(grow, -1, np.int64)])
            slot = self.used
            self.used += 1
        self.vectors[slot] = vector
        self.rows[slot] = row
        return slot

    def clear(self, slot: int) -> None:
        self.vectors[slot] = 0.0
        self.rows[slot] = -1
        self.free.append(slot)

    def live(self) -> tuple[FloatArray, IntArray]:
        """Return the vectors and store rows of the occupied slots."""
        rows = self.rows[: self.used]
        if len(self.free) == 0:
            return self.vectors[: self.used], rows
        keep = rows >= 0
        return self.vectors[: self.used][keep], rows[keep]


class _Store:
    """Profiles (organisations or mentors) as columns over rows, vectors by segment."""

    def __init__(self, focus: _Vocab, countries: _Vocab, dim: int) -> None:
        self.focus_vocab = focus
        self.country_vocab = countries
        self.dim = dim
        self.row_of: dict[int, int] = {}
        self.profiles: list[Profile | None] = []
        self.free: list[int] = []
        self.segments: dict[tuple[int, int], _Segment] = {}
        self.seg_key: list[tuple[int, int]] = []
        self.slot: list[int] = []
        self.ids: IntArray = np.zeros(0, dtype=np.int64)
        self.cols: dict[str, np.ndarray] = {}
        self._alloc(0)

    def __len__(self) -> int:
        return len(self.row_of)

    def _alloc(self, rows: int) -> None:
        width = {"focus": len(self.focus_vocab), "th_focus": len(self.focus_vocab),
                 "seeking": len(SEEKING), "th_stage": len(STAGES),
                 "th_country": len(self.country_vocab)}
        self.cols = {}
        for name in _SIDE_FIELDS:
            if name in width:
                self.cols[name] = np.zeros((rows, width[name]), dtype=bool)
            else:
                self.cols[name] = np.zeros(rows, dtype=_DTYPES[name])
        self.ids = np.zeros(rows, dtype=np.int64)

    def _grow(self, rows: int) -> None:
        n = len(self.ids)
        for name, arr in self.cols.items():
            grown = np.zeros((rows, *arr.shape[1:]), dtype=arr.dtype)
            grown[:n] = arr
            self.cols[name] = grown
        ids = np.zeros(rows, dtype=np.int64)
        ids[:n] = self.ids
        self.ids = ids

    def sync_widths(self) -> None:
        """Widen the focus and country columns after the shared vocabularies grew."""
        for name, size in (("focus", len(self.focus_vocab)), ("th_focus", len(self.focus_vocab)),
                           ("th_country", len(self.country_vocab))):
            arr = self.cols[name]
            if arr.shape[1] < size:
                wide = np.zeros((arr.shape[0], size + 4), dtype=bool)
                wide[:, : arr.shape[1]] = arr
                self.cols[name] = wide

    def encode(self, p: Profile) -> dict[str, Any]:
        """Return a profile's column values (learning new countries and focus areas)."""
        focus = [self.focus_vocab.code(a) for a in p.focus]
        country = self.country_vocab.code(p.country or "")
        th = p.thesis
        th_focus = [self.focus_vocab.code(a) for a in th.focus] if th else []
        th_country = [self.country_vocab.code(c) for c in th.countries] if th else []
        self.sync_widths()
        values: dict[str, Any] = {
            "kind": kind_code(p.kind),
            "country": country,
            "stage": _STAGE_CODE.get(str(p.stage), -1),
            "trl": p.max_trl if p.max_trl is not None and 1 <= p.max_trl <= 9 else 0,
            "focus": focus,
            "seeking": [_SEEKING_CODE[s] for s in p.seeking if s in _SEEKING_CODE],
            "th_focus": th_focus,
            "th_stage": [_STAGE_CODE[s] for s in th.stages if s in _STAGE_CODE] if th else [],
            "th_country": th_country,
            "th_focus_any": not th_focus,
            "th_stage_any": th is None or not th.stages,
            "th_country_any": not th_country,
            "t_lo": th.ticket_min_usd if th and th.ticket_min_usd else np.nan,
            "t_hi": th.ticket_max_usd if th and th.ticket_max_usd else np.nan,
        }
        return values

    def _width(self, name: str) -> int:
        return len(self.country_vocab) if name == "th_country" else (
            len(self.focus_vocab) if name in _FOCUS_WIDE else self.cols[name].shape[1]
        )

    def side_of(self, p: Profile) -> _Side:
        """Return one profile's fields as a side of shape (1, 1)."""
        values = self.encode(p)
        out: dict[str, np.ndarray] = {}
        for name in _SIDE_FIELDS:
            template = self.cols[name]
            if template.ndim == 2:
                arr = np.zeros((1, 1, self._width(name)), dtype=bool)
                arr[0, 0, values[name]] = True
            else:
                arr = np.full((1, 1), values[name], dtype=template.dtype)
            out[name] = arr
        return _Side(**out)

    def side(self, rows: npt.NDArray[np.int64]) -> _Side:
        """Return the fields of the given store rows, in the shape of `rows`.

        Focus and country columns are cut to the shared vocabularies' size, so that the sides
        of both stores line up.
        """
        self.sync_widths()
        out: dict[str, np.ndarray] = {}
        for name in _SIDE_FIELDS:
            col = self.cols[name]
            out[name] = col[:, : self._width(name)][rows] if col.ndim == 2 else col[rows]
        return _Side(**out)

    def upsert(self, profile: Profile, vector: FloatArray) -> None:
        values = self.encode(profile)
        row = self.row_of.get(profile.id)
        if row is None:
            if self.free:
                row = self.free.pop()
            else:
                row = len(self.profiles)
                self.profiles.append(None)
                self.seg_key.append((-1, -1))
                self.slot.append(-1)
                if row >= len(self.ids):
                    self._grow(max(64, row + row // 2))
            self.row_of[profile.id] = row
        key = (values["country"], values["kind"])
        if self.seg_key[row] == key:
            self.segments[key].vectors[self.slot[row]] = vector
        else:
            if self.seg_key[row][0] >= 0:
                self.segments[self.seg_key[row]].clear(self.slot[row])
            segment = self.segments.get(key)
            if segment is None:
                segment = self.segments[key] = _Segment(self.dim)
            self.seg_key[row], self.slot[row] = key, segment.put(row, vector)
        self.profiles[row] = profile
        self.ids[row] = profile.id
        for name in _SIDE_FIELDS:
            col = self.cols[name]
            if col.ndim == 2:
                col[row] = False
                col[row, values[name]] = True
            else:
                col[row] = values[name]

    def remove(self, id_: int) -> bool:
        row = self.row_of.pop(id_, None)
        if row is None:
            return False
        self.segments[self.seg_key[row]].clear(self.slot[row])
        self.seg_key[row], self.slot[row] = (-1, -1), -1
        self.profiles[row] = None
        self.free.append(row)
        return True

    def vector(self, row: int) -> FloatArray:
        return self.segments[self.seg_key[row]].vectors[self.slot[row]]


# --- scoring ---------------------------------------------------------------------------------


def _focus_fit(a: BoolArray, b: BoolArray, adjacency: FloatArray) -> FloatArray:
    inter = np.count_nonzero(a & b, axis=-1)
    total = np.count_nonzero(a, axis=-1) + np.count_nonzero(b, axis=-1)
    dice = np.where(total > 0, 2.0 * inter / np.maximum(total, 1), 0.0)
    near_a = (a.astype(np.float32) @ adjacency) > 0
    near = np.any(near_a & b & ~a, axis=-1)
    return (dice + (1.0 - dice) * ADJACENT_BONUS * near).astype(np.float32)


def _trl_fit(spec: ModeSpec, s: np.ndarray, c: np.ndarray) -> FloatArray:
    assert spec.trl_fit is not None
    fit = spec.trl_fit
    if spec.trl_pair == "both":
        return np.sqrt(fit[s] * fit[c])
    lower = np.where(s == 0, c, np.where(c == 0, s, np.minimum(s, c)))
    return fit[lower]


def _seeking_fit(spec: ModeSpec, src: _Side, cand: _Side) -> FloatArray:
    s_side = np.max(spec.wants[src.kind, cand.kind] * src.seeking, axis=-1)
    c_side = np.max(spec.wants[cand.kind, src.kind] * cand.seeking, axis=-1)
    s_role = spec.has_seeking[src.kind]
    c_role = spec.has_seeking[cand.kind]
    roles = s_role.astype(np.float32) + c_role
    total = np.where(s_role, s_side, 0.0) + np.where(c_role, c_side, 0.0)
    return (total / np.maximum(roles, 1.0)).astype(np.float32)


def thesis_parts(inv: _Side, st: _Side, adjacency: FloatArray) -> dict[str, FloatArray]:
    """Return how an investor's thesis fits a start-up: focus, stage, country, ticket."""
    overlap = np.any(inv.th_focus & st.focus, axis=-1)
    near = np.any(((inv.th_focus.astype(np.float32) @ adjacency) > 0) & st.focus, axis=-1)
    has_focus = np.any(st.focus, axis=-1)
    focus = np.where(
        inv.th_focus_any, 1.0,
        np.where(~has_focus, 0.5, np.where(overlap, 1.0, np.where(near, 0.4, 0.0))),
    )
    stage_code = np.maximum(st.stage, 0)
    exact = np.any(inv.th_stage & (np.arange(len(STAGES)) == st.stage[..., None]), axis=-1)
    pos = _STAGE_POSITION[stage_code]
    dist = np.where(inv.th_stage, np.abs(_STAGE_POSITION - pos[..., None]), 99).min(axis=-1)
    stage = np.where(
        inv.th_stage_any, 1.0,
        np.where(st.stage < 0, 0.5, np.where(exact, 1.0, np.where(dist <= 1, 0.5, 0.0))),
    )
    width = inv.th_country.shape[-1]
    in_country = np.any(
        inv.th_country & (np.arange(width) == st.country[..., None]), axis=-1
    )
    country = np.where(inv.th_country_any, 1.0, np.where(in_country, 1.0, 0.0))
    lo = _CHEQUE_LO[np.where(st.stage < 0, len(STAGES), st.stage)]
    hi = _CHEQUE_HI[np.where(st.stage < 0, len(STAGES), st.stage)]
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.maximum(np.log10(lo / inv.t_hi), np.log10(inv.t_lo / hi))
        ticket = np.where(np.isnan(gap), 0.5, np.clip(1.0 - np.maximum(gap, 0.0), 0.0, 1.0))
    return {
        "focus": focus.astype(np.float32),
        "stage": stage.astype(np.float32),
        "country": country.astype(np.float32),
        "ticket": ticket.astype(np.float32),
    }


def _components(
    spec: ModeSpec, src: _Side, cand: _Side, cos: FloatArray, adjacency: FloatArray
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Return the named components (and the thesis parts) of every (source, candidate) pair."""
    out: dict[str, FloatArray] = {
        "semantic": np.clip((cos - SEMANTIC_LOW) / (SEMANTIC_HIGH - SEMANTIC_LOW), 0.0, 1.0),
        "focus": _focus_fit(src.focus, cand.focus, adjacency),
        "complementarity": spec.complement[src.kind, cand.kind],
        "seeking": _seeking_fit(spec, src, cand),
    }
    if "trl" in spec.weights:
        out["trl"] = _trl_fit(spec, src.trl, cand.trl)
    parts: dict[str, FloatArray] = {}
    if "thesis" in spec.weights:
        # A block of sources is one kind, so the investor is on one side for all of it.
        if int(src.kind.flat[0]) == _KIND_CODE["investor"]:
            parts = thesis_parts(src, cand, adjacency)
        else:
            parts = thesis_parts(cand, src, adjacency)
        out["thesis"] = sum(THESIS_WEIGHTS[k] * v for k, v in parts.items())  # type: ignore[assignment]
    shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()))
    return {k: np.broadcast_to(out[k], shape) for k in spec.weights}, parts


def _weighted(spec: ModeSpec, comps: Mapping[str, FloatArray]) -> FloatArray:
    return sum(spec.weights[k] * comps[k] for k in spec.weights)  # type: ignore[return-value]


def top_n_columns(scores: FloatArray, n: int, fold: int = 16) -> npt.NDArray[np.intp]:
    """Return, per row of `scores`, the columns of its `n` largest values (unordered).

    Exact, and cheaper than an argpartition of every full row: the row is folded into
    `fold` slices whose element-wise maximum is partitioned first; the n best values lie
    in the n best groups, so only those n * fold columns are partitioned again.
    """
    rows, m = scores.shape
    if m <= n:
        return np.broadcast_to(np.arange(m), (rows, m))
    fold = min(fold, m // n)
    if fold < 2:
        return np.argpartition(scores, m - n, axis=1)[:, m - n :]
    width = m // fold
    groups = scores[:, :width].copy()
    for j in range(1, fold):
        np.maximum(groups, scores[:, j * width : (j + 1) * width], out=groups)
    best = np.argpartition(groups, width - n, axis=1)[:, width - n :]
    cols = (best[:, :, None] + width * np.arange(fold)).reshape(rows, -1)
    rest = np.arange(width * fold, m)
    if len(rest):
        cols = np.concatenate([cols, np.broadcast_to(rest, (rows, len(rest)))], axis=1)
    values = np.take_along_axis(scores, cols, axis=1)
    keep = np.argpartition(values, values.shape[1] - n, axis=1)[:, values.shape[1] - n :]
    return np.take_along_axis(cols, keep, axis=1)


def _adjacency(vocab: _Vocab, width: int) -> FloatArray:
    adjacency = np.zeros((width, width), dtype=np.float32)
    for a, b in ADJACENT_AREAS:
        i, j = vocab.get(a), vocab.get(b)
        if i is not None and j is not None and i < width and j < width:
            adjacency[i, j] = adjacency[j, i] = 1.0
    return adjacency


def _top_rows(score: FloatArray, k: int, tiebreak: FloatArray) -> npt.NDArray[np.intp]:
    """Return the positions of the k best scores of a 1-d array, best first."""
    part = np.argpartition(-score, k - 1)[:k] if k < len(score) else np.arange(len(score))
    order = np.lexsort((-tiebreak[part], -score[part]))
    return part[order]


# --- the engine ------------------------------------------------------------------------------


def mentor_profile(mentor: Mentor) -> Profile:
    """Return a mentor as the engine compares it: a person of kind "mentor"."""
    return Profile(
        id=mentor.id, name=mentor.name, country=mentor.country or "", kind="mentor",
        focus=mentor.focus, capabilities=mentor.expertise,
    )


Source = Profile | Mentor | int


class SuggestionEngine:
    """Ranked, explained partner suggestions over profiles and their stored vectors.

    `focus_labels` names focus areas in reasons (slug -> label); `term_weight` weighs shared
    terms (e.g. a token's IDF, as `BM25Index.idf`; longer words weigh more by default) and
    terms weighing less than `min_term_weight` are not offered as evidence.
    """

    def __init__(
        self,
        profiles: Sequence[Profile] = (),
        vectors: npt.ArrayLike | None = None,
        *,
        mentors: Sequence[Mentor] = (),
        mentor_vectors: npt.ArrayLike | None = None,
        focus_labels: Mapping[str, str] | None = None,
        term_weight: Callable[[str], float] | None = None,
        min_term_weight: float = 0.0,
        dim: int = DIM,
    ) -> None:
        self.dim = dim
        self.focus_labels = dict(focus_labels or {})
        self.term_weight = term_weight
        self.min_term_weight = min_term_weight
        self._focus = _Vocab()
        self._countries = _Vocab()
        self._orgs = _Store(self._focus, self._countries, dim)
        self._mentors = _Store(self._focus, self._countries, dim)
        self._adjacency = np.zeros((0, 0), dtype=np.float32)
        if profiles:
            self.upsert_many(profiles, vectors)
        if mentors:
            self.set_mentors(mentors, mentor_vectors)

    def __len__(self) -> int:
        return len(self._orgs)

    def __contains__(self, org_id: object) -> bool:
        return org_id in self._orgs.row_of

    def profile(self, org_id: int) -> Profile | None:
        """Return the stored profile of an organisation."""
        row = self._orgs.row_of.get(org_id)
        return None if row is None else self._orgs.profiles[row]

    # updates

    def _vectors(self, vectors: npt.ArrayLike | None, n: int) -> FloatArray:
        if vectors is None:
            raise ValueError("profiles need their vectors")
        out = normalize(vectors)
        if out.shape != (n, self.dim):
            raise ValueError(f"expected {n} vectors of dimension {self.dim}, got {out.shape}")
        return out

    def upsert(self, profile: Profile, vector: npt.ArrayLike) -> None:
        """Add an organisation or replace its profile and vector."""
        self._orgs.upsert(profile, self._vectors(vector, 1)[0])

    def upsert_many(self, profiles: Sequence[Profile], vectors: npt.ArrayLike | None) -> None:
        """Add or replace many organisations; `vectors` is (len(profiles), dim)."""
        matrix = self._vectors(vectors, len(profiles))
        for profile, vector in zip(profiles, matrix, strict=True):
            self._orgs.upsert(profile, vector)

    def remove(self, org_id: int) -> bool:
        """Forget an organisation; return whether it was there."""
        return self._orgs.remove(org_id)

    def set_mentors(self, mentors: Sequence[Mentor], vectors: npt.ArrayLike | None) -> None:
        """Replace all mentors with `mentors` and their expertise vectors."""
        matrix = self._vectors(vectors, len(mentors)) if mentors else None
        self._mentors = _Store(self._focus, self._countries, self.dim)
        for i, mentor in enumerate(mentors):
            assert matrix is not None
            self._mentors.upsert(mentor_profile(mentor), matrix[i])

    def upsert_mentor(self, mentor: Mentor, vector: npt.ArrayLike) -> None:
        """Add a mentor or replace their expertise and vector."""
        self._mentors.upsert(mentor_profile(mentor), self._vectors(vector, 1)[0])

    def remove_mentor(self, user_id: int) -> bool:
        """Forget a mentor; return whether they were there."""
        return self._mentors.remove(user_id)

    # queries

    def suggest(
        self,
        source: Source,
        mode: str,
        k: int = 10,
        *,
        cross_border: bool = True,
        countries: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        focus: Iterable[str] | None = None,
        trl_min: int | None = None,
        trl_max: int | None = None,
        exclude_ids: Iterable[int] = (),
        penalties: Penalties | None = None,
        vector: npt.ArrayLike | None = None,
    ) -> list[Match]:
        """Return the k best partners of `source` in `mode`, best first, explained.

        `source` is an organisation (its id or profile) or, in mentoring mode, a Mentor (then
        the candidates are organisations seeking mentoring). Candidates are in the other
        country unless `cross_border` is false; filters narrow them (kind and TRL filters do
        not apply to mentors). `vector` stands in for a source the engine does not hold.
        """
        spec = self._spec(mode)
        src_profile, src_store, query = self._source(source, mode, vector)
        cand_store = self._candidate_store(mode, src_store)
        pen = penalties or Penalties()
        src = src_store.side_of(src_profile)
        blocked = set(pen.never_mentor_ids if cand_store is self._mentors else pen.never_ids)
        blocked |= set(exclude_ids)
        if cand_store is src_store:
            blocked.add(src_profile.id)
        queries = query[None, :]
        liked = [cand_store.row_of[i] for i in pen.liked_ids if i in cand_store.row_of]
        if liked:
            centroid = normalize(np.mean([cand_store.vector(r) for r in liked], axis=0))
            queries = np.vstack([queries, centroid])
        segments = self._eligible(
            spec, cand_store, src, cross_border, countries,
            None if cand_store is self._mentors else kinds,
        )
        scores, rows = _scan(
            segments, queries,
            self._filter(cand_store, focus, trl_min, trl_max),
            [cand_store.row_of[i] for i in blocked if i in cand_store.row_of],
        )
        if len(rows) == 0 or k <= 0:
            return []
        n = min(spec.top_n, len(rows))
        near = np.argpartition(-scores[0], n - 1)[:n] if n < len(rows) else np.arange(len(rows))
        cand = cand_store.side(rows[near][None, :])
        comps, parts = _components(spec, src, cand, scores[0][near][None, :], self._adjacent())
        total = _weighted(spec, comps)
        factor = _penalty_factors(pen, src, cand, self._countries, self._focus)
        if factor is not None:
            total = total * factor
        if liked:
            semantic = np.clip(
                (scores[1][near] - SEMANTIC_LOW) / (SEMANTIC_HIGH - SEMANTIC_LOW), 0.0, 1.0
            )
            total = np.minimum(total * (1.0 + LIKED_BOOST * semantic), 1.0)
        best = _top_rows(total[0], k, comps["semantic"][0])
        source_keys = keys(body(src_profile))
        return [
            self._match(
                spec, src_profile, cand_store, int(rows[near][i]), float(total[0, i]),
                {name: float(v[0, i]) for name, v in comps.items()},
                {name: float(v[0, i]) for name, v in parts.items()},
                source_keys=source_keys,
            )
            for i in best
        ]

    def explain_pair(
        self, source: Source, mode: str, *, candidate_id: int, mentor: bool = False
    ) -> Match | None:
        """Return the explained match of one candidate (None when either side is unknown).

        No filter or feedback applies: this is how the pair scores and why.
        """
        spec = self._spec(mode)
        try:
            src_profile, src_store, query = self._source(source, mode, None)
        except KeyError:
            return None
        cand_store = self._mentors if mentor else self._orgs
        row = cand_store.row_of.get(candidate_id)
        if row is None:
            return None
        src = src_store.side_of(src_profile)
        cand = cand_store.side(np.array([[row]]))
        cos = np.array([[float(cand_store.vector(row) @ query)]], dtype=np.float32)
        comps, parts = _components(spec, src, cand, cos, self._adjacent())
        return self._match(
            spec, src_profile, cand_store, row, float(_weighted(spec, comps)[0, 0]),
            {name: float(v[0, 0]) for name, v in comps.items()},
            {name: float(v[0, 0]) for name, v in parts.items()},
            source_keys=keys(body(src_profile)),
        )

    def suggest_all(
        self,
        mode: str,
        k: int = 20,
        *,
        cross_border: bool = True,
        penalties: Mapping[int, Penalties] | None = None,
        batch_size: int = 256,
        explain: bool = False,
    ) -> Iterator[tuple[int, list[Match]]]:
        """Yield (org id, its k best matches) for every organisation the mode applies to.

        Sources go in blocks of `batch_size` of one (country, kind): one matrix product
        against the candidate vectors the mode allows them, an exact top-n per row, then the
        same re-ranking as `suggest`. Reasons are left empty unless `explain` (they cost a
        text comparison per match; `explain_pair` gives one for display). `penalties` maps an
        organisation id to its feedback; the liked-candidate boost is not applied here.
        """
        spec = self._spec(mode)
        src_store = self._orgs
        cand_store = self._candidate_store(mode, src_store)
        pen_of = penalties or {}
        adjacency = self._adjacent()
        for key in sorted(src_store.segments):
            src_vecs, src_rows = src_store.segments[key].live()
            if len(src_rows) == 0:
                continue
            if not spec.complement[key[1]].any():
                continue
            src_first = src_store.side(src_rows[:1, None])
            segments = self._eligible(spec, cand_store, src_first, cross_border, None, None)
            if not any(len(s.live()[1]) for s in segments):
                for r in src_rows:
                    yield int(src_store.ids[r]), []
                continue
            matrix = np.concatenate([s.live()[0] for s in segments])
            cand_rows = np.concatenate([s.live()[1] for s in segments])
            col_of = np.full(len(cand_store.ids), -1, dtype=np.int64)
            col_of[cand_rows] = np.arange(len(cand_rows))
            n = min(spec.top_n, len(cand_rows))
            for start in range(0, len(src_rows), batch_size):
                rows = src_rows[start : start + batch_size]
                scores = src_vecs[start : start + batch_size] @ matrix.T
                self._block_out(scores, rows, src_store, cand_store, col_of, pen_of)
                cols = top_n_columns(scores, n)
                cos = np.take_along_axis(scores, cols, axis=1)
                crows = cand_rows[cols]
                src = src_store.side(rows[:, None])
                cand = cand_store.side(crows)
                comps, parts = _components(spec, src, cand, cos, adjacency)
                total = np.where(np.isfinite(cos), _weighted(spec, comps), -np.inf)
                for i, r in enumerate(rows):
                    pen = pen_of.get(int(src_store.ids[r]))
                    if pen is not None:
                        factor = _penalty_factors(
                            pen, src_store.side(rows[i : i + 1, None]),
                            cand_store.side(crows[i : i + 1]), self._countries, self._focus,
                        )
                        if factor is not None:
                            total[i] *= factor[0]
                yield from self._block_matches(
                    spec, src_store, cand_store, rows, crows, total, comps, parts, k, explain
                )

    # helpers

    def _spec(self, mode: str) -> ModeSpec:
        spec = MODE_SPECS.get(str(mode))
        if spec is None:
            raise ValueError(f"unknown mode {mode!r}; modes: {', '.join(MODES)}")
        return spec

    def _source(
        self, source: Source, mode: str, vector: npt.ArrayLike | None
    ) -> tuple[Profile, _Store, FloatArray]:
        if isinstance(source, Mentor):
            if mode != "mentoring":
                raise ValueError("a mentor gets suggestions in mentoring mode only")
            profile, store = mentor_profile(source), self._mentors
        elif isinstance(source, Profile):
            profile, store = source, self._orgs
        else:
            row = self._orgs.row_of.get(int(source))
            if row is None:
                raise KeyError(f"no organisation {source} in the engine")
            stored = self._orgs.profiles[row]
            assert stored is not None
            profile, store = stored, self._orgs
        if vector is not None:
            return profile, store, self._vectors(vector, 1)[0]
        row = store.row_of.get(profile.id)
        if row is None:
            raise KeyError(f"no stored vector for {profile.id}; pass vector=")
        return profile, store, store.vector(row).copy()

    def _candidate_store(self, mode: str, src_store: _Store) -> _Store:
        if mode != "mentoring":
            return self._orgs
        return self._orgs if src_store is self._mentors else self._mentors

    def _eligible(
        self,
        spec: ModeSpec,
        store: _Store,
        src: _Side,
        cross_border: bool,
        countries: Iterable[str] | None,
        kinds: Iterable[str] | None,
    ) -> list[_Segment]:
        src_kind, src_country = int(src.kind.flat[0]), int(src.country.flat[0])
        country_ok = None if countries is None else {
            c for c in (self._countries.get(x) for x in countries) if c is not None
        }
        kind_ok = None if kinds is None else {kind_code(x) for x in kinds}
        return [
            segment
            for (country, kind), segment in sorted(store.segments.items())
            if spec.complement[src_kind, kind] > 0
            and not (cross_border and country == src_country)
            and (country_ok is None or country in country_ok)
            and (kind_ok is None or kind in kind_ok)
        ]

    def _filter(
        self,
        store: _Store,
        focus: Iterable[str] | None,
        trl_min: int | None,
        trl_max: int | None,
    ) -> BoolArray | None:
        mask: BoolArray | None = None
        if focus is not None:
            codes = [c for c in (self._focus.get(a) for a in focus) if c is not None]
            cols = store.cols["focus"]
            codes = [c for c in codes if c < cols.shape[1]]
            mask = (
                np.asarray(cols[:, codes].any(axis=1)) if codes
                else np.zeros(len(cols), dtype=bool)
            )
        if store is self._orgs and (trl_min is not None or trl_max is not None):
            trl = store.cols["trl"]
            ok = trl > 0
            if trl_min is not None:
                ok &= trl >= trl_min
            if trl_max is not None:
                ok &= trl <= trl_max
            mask = ok if mask is None else mask & ok
        return mask

    def _adjacent(self) -> FloatArray:
        if self._adjacency.shape[0] != len(self._focus):
            self._adjacency = _adjacency(self._focus, len(self._focus))
        return self._adjacency

    def _block_out(
        self,
        scores: FloatArray,
        rows: IntArray,
        src_store: _Store,
        cand_store: _Store,
        col_of: IntArray,
        pen_of: Mapping[int, Penalties],
    ) -> None:
        """Set to -inf the scores of each source against itself and its never-suggest ids."""
        if cand_store is src_store:
            own = col_of[rows]
            hit = np.flatnonzero(own >= 0)
            scores[hit, own[hit]] = -np.inf
        if not pen_of:
            return
        mentors = cand_store is self._mentors
        for i, r in enumerate(rows):
            pen = pen_of.get(int(src_store.ids[r]))
            if pen is None:
                continue
            never = pen.never_mentor_ids if mentors else pen.never_ids
            cols = col_of[[cand_store.row_of[x] for x in never if x in cand_store.row_of]]
            scores[i, cols[cols >= 0]] = -np.inf

    def _block_matches(
        self,
        spec: ModeSpec,
        src_store: _Store,
        cand_store: _Store,
        rows: IntArray,
        crows: IntArray,
        total: FloatArray,
        comps: Mapping[str, FloatArray],
        parts: Mapping[str, FloatArray],
        k: int,
        explain: bool,
    ) -> Iterator[tuple[int, list[Match]]]:
        kk = min(k, total.shape[1])
        best = np.argpartition(-total, kk - 1, axis=1)[:, :kk]
        best_scores = np.take_along_axis(total, best, axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")
        best = np.take_along_axis(best, order, axis=1)
        scores_l = np.take_along_axis(best_scores, order, axis=1).tolist()
        cand_l = np.take_along_axis(crows, best, axis=1).tolist()
        comp_l = {n: np.take_along_axis(v, best, axis=1).tolist() for n, v in comps.items()}
        part_l = {n: np.take_along_axis(v, best, axis=1).tolist() for n, v in parts.items()}
        names = list(comp_l)
        for i, r in enumerate(rows.tolist()):
            src_profile = src_store.profiles[r]
            assert src_profile is not None
            source_keys = keys(body(src_profile)) if explain else None
            matches = []
            for j, score in enumerate(scores_l[i]):
                if score == -np.inf:
                    break
                components = {n: comp_l[n][i][j] for n in names}
                if explain:
                    matches.append(self._match(
                        spec, src_profile, cand_store, cand_l[i][j], score, components,
                        {n: v[i][j] for n, v in part_l.items()}, source_keys=source_keys,
                    ))
                    continue
                cand_profile = cand_store.profiles[cand_l[i][j]]
                assert cand_profile is not None
                matches.append(Match(
                    candidate_id=cand_profile.id, score=score, components=components,
                    shared_focus=tuple(sorted(src_profile.focus & cand_profile.focus)),
                ))
            yield src_profile.id, matches

    def _match(
        self,
        spec: ModeSpec,
        source: Profile,
        cand_store: _Store,
        row: int,
        score: float,
        components: dict[str, float],
        thesis: dict[str, float],
        *,
        source_keys: frozenset[tuple[str, ...]] | None,
    ) -> Match:
        """Return the explained match of a candidate row."""
        candidate = cand_store.profiles[row]
        assert candidate is not None
        seeks: list[str] = []
        if spec.has_seeking[kind_code(candidate.kind)]:
            wanted = spec.wanted(candidate.kind, source.kind)
            seeks = sorted((s for s in candidate.seeking if s in wanted), key=lambda s: -wanted[s])
        adjacent = [
            (theirs, yours)
            for a, b in ADJACENT_AREAS
            for theirs, yours in ((a, b), (b, a))
            if theirs in candidate.focus and yours in source.focus and theirs not in source.focus
        ]
        text = describe(
            spec.name, source, candidate, seeks=seeks, adjacent=adjacent, thesis=thesis,
            semantic=components["semantic"], focus_labels=self.focus_labels,
            term_weight=self.term_weight, min_term_weight=self.min_term_weight,
            source_keys=source_keys,
        )
        return Match(
            candidate_id=candidate.id,
            score=score,
            components=components,
            reason=text.reason,
            evidence=text.evidence,
            shared_focus=text.shared_focus,
            shared_terms=text.shared_terms,
        )


def _scan(
    segments: Sequence[_Segment],
    queries: FloatArray,
    mask: BoolArray | None,
    blocked: Sequence[int],
) -> tuple[FloatArray, IntArray]:
    """Return the cosine of each query to every allowed row of the segments, and the rows."""
    blocked_rows = np.asarray(blocked, dtype=np.int64)
    all_scores: list[FloatArray] = []
    all_rows: list[IntArray] = []
    for segment in segments:
        vecs, rows = segment.live()
        if len(rows) == 0:
            continue
        scores = (vecs @ queries.T).T
        keep: BoolArray | None = None
        if mask is not None:
            keep = mask[rows]
        if len(blocked_rows):
            free = ~np.isin(rows, blocked_rows)
            keep = free if keep is None else keep & free
        if keep is not None:
            scores, rows = scores[:, keep], rows[keep]
        all_scores.append(scores)
        all_rows.append(rows)
    if not all_rows:
        return np.zeros((len(queries), 0), np.float32), np.zeros(0, np.int64)
    return np.concatenate(all_scores, axis=1), np.concatenate(all_rows)


def _penalty_factors(
    pen: Penalties, src: _Side, cand: _Side, countries: _Vocab, focus: _Vocab
) -> FloatArray | None:
    """Return the multiplicative feedback factor of each candidate, or None for none."""
    if not (pen.kind_factors or pen.country_factors or pen.focus_factors):
        return None
    kinds = np.ones(len(KINDS), dtype=np.float32)
    for kind, f in pen.kind_factors.items():
        kinds[kind_code(kind)] = f
    out = kinds[cand.kind]
    if pen.country_factors:
        table = np.ones(max(len(countries), 1), dtype=np.float32)
        for country, f in pen.country_factors.items():
            code = countries.get(country)
            if code is not None:
                table[code] = f
        home = cand.country == src.country
        out = out * np.where(home, table[cand.country], 1.0)
    if pen.focus_factors:
        width = cand.focus.shape[-1]
        table = np.ones(width, dtype=np.float32)
        for area, f in pen.focus_factors.items():
            code = focus.get(area)
            if code is not None and code < width:
                table[code] = f
        others = cand.focus & ~src.focus
        out = out * np.where(others, table, 1.0).min(axis=-1, initial=1.0)
    return out
