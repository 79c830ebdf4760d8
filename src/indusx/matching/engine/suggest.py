"""Partner suggestions by mode: dense retrieval, structured re-ranking, explained matches.

The engine holds each organisation's profile vector (computed and stored by the service; the
engine never embeds) in one dense matrix per country, and the fields the modes compare as
numpy columns (sets as bit masks). A query masks the rows its mode and filters allow, takes
the `top_n` nearest by a matrix-vector product over the countries it may see (one, across
the border), and re-ranks them by a weighted sum of named components, each in [0, 1]
(MODE_WEIGHTS is the one table of weights):

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

from indusx.matching.engine.explain import describe, keys
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

SEMANTIC_LOW = 0.20  # cosine at which semantic fit is 0: median of unrelated MiniLM profiles
SEMANTIC_HIGH = 0.75  # cosine at which it is 1: about the 95th percentile of top-10 neighbours
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
TOP_N = {"co-development": 200, "co-production": 200, "investment": 1000, "research": 200,
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
    seeks: FloatArray  # (kinds, kinds, 2**seeking): the same for a side's seeking bit mask
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
    masks = np.arange(1 << len(SEEKING))
    held = ((masks[:, None] >> np.arange(len(SEEKING))) & 1).astype(np.float32)  # (2**S, S)
    seeks = (wants[:, :, None, :] * held).max(axis=-1)
    trl = TRL_FIT.get(mode)
    return ModeSpec(
        name=mode,
        weights=MODE_WEIGHTS[mode],
        complement=complement,
        wants=wants,
        seeks=seeks,
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
    introduced_mentor_ids: Iterable[int] = (),
    accepted: Sequence[Profile] = (),
    min_count: int = 2,
    step: float = 0.15,
    floor: float = 0.5,
) -> Penalties:
    """Return the penalties of an organisation's feedback.

    Dismissed, declined and already-introduced candidates (organisations and mentors) never
    return. A kind, country or
    focus area among `dismissed` at least `min_count` times more often than among `accepted`
    (accepted introductions) is down-weighted: 0.85 at 2, 0.70 at 3, ... never below `floor`.
    Pass in `dismissed` only dismissals that say something about fit (not "already partners").
    """
    never = {p.id for p in dismissed} | set(dismissed_ids) | set(declined_ids)
    never |= set(introduced_ids)
    return Penalties(
        never_ids=frozenset(int(i) for i in never),
        never_mentor_ids=frozenset(
            int(i)
            for i in (*dismissed_mentor_ids, *declined_mentor_ids, *introduced_mentor_ids)
        ),
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

U64 = npt.NDArray[np.uint64]
_ONE = np.uint64(1)


class _Vocab:
    """Codes for values learnt from the data (countries, focus areas), shared by both stores."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.codes)

    def code(self, value: str) -> int:
        return self.codes.setdefault(str(value), len(self.codes))

    def get(self, value: str) -> int | None:
        return self.codes.get(str(value))

    @property
    def words(self) -> int:
        """Return how many 64-bit words a set of these values takes."""
        return max(1, -(-len(self.codes) // 64))


def _bits(codes: Iterable[int], words: int) -> U64:
    out = np.zeros(words, dtype=np.uint64)
    for c in codes:
        out[c // 64] |= _ONE << np.uint64(c % 64)
    return out


def _has(bits: U64, code: int) -> BoolArray:
    """Return whether each (..., words) bit set holds `code`."""
    if code // 64 >= bits.shape[-1]:
        return np.zeros(bits.shape[:-1], dtype=bool)
    return ((bits[..., code // 64] >> np.uint64(code % 64)) & _ONE) != 0


@dataclass(slots=True)
class _Side:
    """The compared fields of one or many profiles; arrays broadcast against each other."""

    kind: npt.NDArray[np.int16]
    country: npt.NDArray[np.int16]
    stage: npt.NDArray[np.int16]  # STAGES code, -1 unknown
    trl: npt.NDArray[np.int8]  # 0 unknown
    seeking: npt.NDArray[np.uint8]  # bit per SEEKING value
    th_stage: npt.NDArray[np.uint16]  # bit per STAGES value; 0: any
    th_country: U64  # bit per country code; 0: any
    t_lo: npt.NDArray[np.float64]  # NaN unknown
    t_hi: npt.NDArray[np.float64]
    focus: U64  # (..., words): bit per focus area
    th_focus: U64  # (..., words); all 0: any


_SIDE_FIELDS = tuple(f.name for f in fields(_Side))
_WIDE = ("focus", "th_focus")
_DTYPES: dict[str, Any] = {
    "kind": np.int16, "country": np.int16, "stage": np.int16, "trl": np.int8,
    "seeking": np.uint8, "th_stage": np.uint16, "th_country": np.uint64,
    "t_lo": np.float64, "t_hi": np.float64, "focus": np.uint64, "th_focus": np.uint64,
}


class _Block:
    """The vectors of one country's profiles, dense: a removal moves the last one into the gap.

    Cross-border is the default, so a query scans the block of the other country only, with
    one matrix-vector product.
    """

    __slots__ = ("rows", "used", "vectors")

    def __init__(self, dim: int) -> None:
        self.vectors: FloatArray = np.zeros((0, dim), dtype=np.float32)
        self.rows: IntArray = np.zeros(0, dtype=np.int64)  # store row of each slot
        self.used = 0

    def add(self, row: int, vector: FloatArray) -> int:
        if self.used == len(self.rows):
            grow = max(64, self.used // 2)
            self.vectors = np.concatenate(
                [self.vectors, np.zeros((grow, self.vectors.shape[1]), np.float32)]
            )
            self.rows = np.concatenate([self.rows, np.zeros(grow, np.int64)])
        slot = self.used
        self.vectors[slot], self.rows[slot] = vector, row
        self.used += 1
        return slot

    def pop(self, slot: int) -> int | None:
        """Remove a slot; return the row moved into it (None if it was the last)."""
        self.used -= 1
        last = self.used
        if slot == last:
            return None
        self.vectors[slot], self.rows[slot] = self.vectors[last], self.rows[last]
        return int(self.rows[slot])


class _Store:
    """Profiles (organisations or mentors) as rows of field columns, vectors by country.

    A removed row is reused by the next new profile, so updates never move other rows.
    """

    def __init__(self, focus: _Vocab, countries: _Vocab, dim: int) -> None:
        self.focus_vocab = focus
        self.country_vocab = countries
        self.row_of: dict[int, int] = {}
        self.profiles: list[Profile | None] = []
        self.free: list[int] = []
        self.dim = dim
        self.blocks: dict[int, _Block] = {}  # country code -> vectors
        self.slot: IntArray = np.zeros(0, dtype=np.int64)  # row -> slot in its country block
        self.ids: IntArray = np.zeros(0, dtype=np.int64)
        self.alive: BoolArray = np.zeros(0, dtype=bool)
        self.cols: dict[str, np.ndarray] = {
            name: np.zeros((0, focus.words) if name in _WIDE else 0, dtype=_DTYPES[name])
            for name in _SIDE_FIELDS
        }

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def rows(self) -> int:
        """Return the number of rows in use, live or free."""
        return len(self.profiles)

    def reserve(self, rows: int) -> None:
        """Make room for `rows` rows."""
        have = len(self.ids)
        if rows <= have:
            return

        def grown(arr: np.ndarray) -> np.ndarray:
            out = np.zeros((rows, *arr.shape[1:]), dtype=arr.dtype)
            out[:have] = arr
            return out

        self.slot, self.ids, self.alive = grown(self.slot), grown(self.ids), grown(self.alive)
        self.cols = {name: grown(arr) for name, arr in self.cols.items()}

    def _sync_words(self) -> None:
        """Widen the focus columns after the shared focus vocabulary grew past a word."""
        words = self.focus_vocab.words
        for name in _WIDE:
            arr = self.cols[name]
            if arr.shape[1] < words:
                wide = np.zeros((arr.shape[0], words), dtype=np.uint64)
                wide[:, : arr.shape[1]] = arr
                self.cols[name] = wide

    def encode(self, p: Profile) -> dict[str, Any]:
        """Return a profile's column values (learning new countries and focus areas)."""
        th = p.thesis
        countries = [self.country_vocab.code(c) for c in th.countries] if th else []
        if len(self.country_vocab) > 64:
            raise ValueError("the engine holds at most 64 countries")
        focus = [self.focus_vocab.code(a) for a in p.focus]
        th_focus = [self.focus_vocab.code(a) for a in th.focus] if th else []
        self._sync_words()
        words = self.focus_vocab.words
        return {
            "kind": kind_code(p.kind),
            "country": self.country_vocab.code(p.country or ""),
            "stage": _STAGE_CODE.get(str(p.stage), -1),
            "trl": p.max_trl if p.max_trl is not None and 1 <= p.max_trl <= 9 else 0,
            "seeking": sum(1 << _SEEKING_CODE[s] for s in set(p.seeking) if s in _SEEKING_CODE),
            "th_stage": sum(1 << _STAGE_CODE[s] for s in set(th.stages) if s in _STAGE_CODE)
            if th else 0,
            "th_country": int(_bits(countries, 1)[0]),
            "t_lo": th.ticket_min_usd if th and th.ticket_min_usd else np.nan,
            "t_hi": th.ticket_max_usd if th and th.ticket_max_usd else np.nan,
            "focus": _bits(focus, words),
            "th_focus": _bits(th_focus, words),
        }

    def side_of(self, p: Profile) -> _Side:
        """Return one profile's fields as a side of shape (1, 1)."""
        values = self.encode(p)
        return _Side(**{
            name: np.asarray(values[name], dtype=_DTYPES[name]).reshape(
                (1, 1, -1) if name in _WIDE else (1, 1)
            )
            for name in _SIDE_FIELDS
        })

    def side(self, rows: npt.NDArray[np.int64]) -> _Side:
        """Return the fields of the given rows, in the shape of `rows`."""
        self._sync_words()
        return _Side(**{name: self.cols[name][rows] for name in _SIDE_FIELDS})

    def upsert(self, profile: Profile, vector: FloatArray) -> None:
        values = self.encode(profile)
        country = values["country"]
        row = self.row_of.get(profile.id)
        if row is not None and int(self.cols["country"][row]) == country:
            self.blocks[country].vectors[self.slot[row]] = vector
        else:
            if row is not None:
                self._unblock(row)
            else:
                row = self._new_row()
                self.row_of[profile.id] = row
            block = self.blocks.get(country)
            if block is None:
                block = self.blocks[country] = _Block(self.dim)
            self.slot[row] = block.add(row, vector)
        self.profiles[row] = profile
        self.ids[row] = profile.id
        self.alive[row] = True
        for name in _SIDE_FIELDS:
            self.cols[name][row] = values[name]

    def remove(self, id_: int) -> bool:
        row = self.row_of.pop(id_, None)
        if row is None:
            return False
        self._unblock(row)
        self.profiles[row] = None
        self.alive[row] = False
        self.free.append(row)
        return True

    def _new_row(self) -> int:
        if self.free:
            return self.free.pop()
        row = len(self.profiles)
        self.profiles.append(None)
        if row >= len(self.ids):
            self.reserve(max(64, row + row // 2))
        return row

    def _unblock(self, row: int) -> None:
        moved = self.blocks[int(self.cols["country"][row])].pop(int(self.slot[row]))
        if moved is not None:
            self.slot[moved] = self.slot[row]

    def vectors_of(self, rows: IntArray) -> FloatArray:
        """Return the vectors of the given rows, in their order."""
        out = np.empty((len(rows), self.dim), dtype=np.float32)
        countries = self.cols["country"][rows]
        for country, block in self.blocks.items():
            at = np.flatnonzero(countries == country)
            if len(at):
                out[at] = block.vectors[self.slot[rows[at]]]
        return out

    def allowed(self, table: BoolArray) -> BoolArray:
        """Return which rows in use are live and of a (kind, country) the table allows."""
        n = self.rows
        return table[self.cols["kind"][:n], self.cols["country"][:n]] & self.alive[:n]


# --- scoring ---------------------------------------------------------------------------------

_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(x: U64) -> np.ndarray:
    if hasattr(np, "bitwise_count"):  # numpy >= 2
        return np.bitwise_count(x)
    return _BYTE_BITS[x.view(np.uint8)].reshape(*x.shape, 8).sum(axis=-1)


def _adjacency(vocab: _Vocab) -> U64:
    """Return, per focus area code, the bit set of the areas adjacent to it."""
    out = np.zeros((len(vocab), vocab.words), dtype=np.uint64)
    for a, b in ADJACENT_AREAS:
        i, j = vocab.get(a), vocab.get(b)
        if i is not None and j is not None:
            out[i] |= _bits([j], vocab.words)
            out[j] |= _bits([i], vocab.words)
    return out


def _near(bits: U64, adjacency: U64) -> U64:
    """Return the bit sets of the areas adjacent to any area in `bits`."""
    out = np.zeros_like(bits)
    for code in np.flatnonzero(adjacency.any(axis=1)):
        out |= np.where(_has(bits, int(code))[..., None], adjacency[code], np.uint64(0))
    return out


def _focus_fit(a: U64, b: U64, near_a: U64) -> FloatArray:
    inter = _popcount(a & b).sum(axis=-1)
    total = _popcount(a).sum(axis=-1) + _popcount(b).sum(axis=-1)
    dice = np.where(total > 0, 2.0 * inter / np.maximum(total, 1), 0.0)
    near = np.any(b & near_a & ~a, axis=-1)
    return (dice + (1.0 - dice) * ADJACENT_BONUS * near).astype(np.float32)


def _trl_fit(spec: ModeSpec, s: np.ndarray, c: np.ndarray) -> FloatArray:
    assert spec.trl_fit is not None
    fit = spec.trl_fit
    if spec.trl_pair == "both":
        return np.sqrt(fit[s] * fit[c])
    lower = np.where(s == 0, c, np.where(c == 0, s, np.minimum(s, c)))
    return fit[lower]


def _seeking_fit(spec: ModeSpec, src: _Side, cand: _Side) -> FloatArray:
    s_role, c_role = spec.has_seeking[src.kind], spec.has_seeking[cand.kind]
    total = (np.where(s_role, spec.seeks[src.kind, cand.kind, src.seeking], 0.0)
             + np.where(c_role, spec.seeks[cand.kind, src.kind, cand.seeking], 0.0))
    return (total / np.maximum(s_role.astype(np.float32) + c_role, 1.0)).astype(np.float32)


def thesis_parts(inv: _Side, st: _Side, adjacency: U64) -> dict[str, FloatArray]:
    """Return how an investor's thesis fits a start-up: focus, stage, country, ticket."""
    any_focus = ~np.any(inv.th_focus, axis=-1)
    overlap = np.any(inv.th_focus & st.focus, axis=-1)
    near = np.any(_near(inv.th_focus, adjacency) & st.focus, axis=-1)
    focus = np.where(
        any_focus, 1.0,
        np.where(~np.any(st.focus, axis=-1), 0.5,
                 np.where(overlap, 1.0, np.where(near, 0.4, 0.0))),
    )
    code = np.maximum(st.stage, 0).astype(np.int64)
    stages = inv.th_stage.astype(np.int64)
    exact = ((stages >> code) & 1) != 0
    dist = np.full(np.broadcast_shapes(stages.shape, code.shape), 99, dtype=np.int64)
    for s, pos in enumerate(_STAGE_POSITION.tolist()):
        gap = np.abs(pos - _STAGE_POSITION[code])
        dist = np.where((stages >> s) & 1, np.minimum(dist, gap), dist)
    stage = np.where(
        stages == 0, 1.0,
        np.where(st.stage < 0, 0.5, np.where(exact, 1.0, np.where(dist <= 1, 0.5, 0.0))),
    )
    home = (inv.th_country >> st.country.astype(np.uint64)) & _ONE
    country = np.where((inv.th_country == 0) | (home != 0), 1.0, 0.0)
    known = np.where(st.stage < 0, len(STAGES), st.stage)
    lo, hi = _CHEQUE_LO[known], _CHEQUE_HI[known]
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
    spec: ModeSpec, src: _Side, cand: _Side, cos: FloatArray, adjacency: U64
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Return the named components (and the thesis parts) of every (source, candidate) pair.

    A block of sources is of one kind, so in investment mode the investor is on one side.
    """
    out: dict[str, np.ndarray] = {
        "semantic": np.clip((cos - SEMANTIC_LOW) / (SEMANTIC_HIGH - SEMANTIC_LOW), 0.0, 1.0),
        "focus": _focus_fit(src.focus, cand.focus, _near(src.focus, adjacency)),
        "complementarity": spec.complement[src.kind, cand.kind],
        "seeking": _seeking_fit(spec, src, cand),
    }
    if "trl" in spec.weights:
        out["trl"] = _trl_fit(spec, src.trl, cand.trl)
    parts: dict[str, FloatArray] = {}
    if "thesis" in spec.weights:
        if int(src.kind.flat[0]) == _KIND_CODE["investor"]:
            parts = thesis_parts(src, cand, adjacency)
        else:
            parts = thesis_parts(cand, src, adjacency)
        out["thesis"] = np.zeros(np.shape(parts["focus"]), dtype=np.float32)
        for name, part in parts.items():
            out["thesis"] += np.float32(THESIS_WEIGHTS[name]) * part
    shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()))
    return {k: np.broadcast_to(out[k], shape).astype(np.float32) for k in spec.weights}, parts


def _weighted(spec: ModeSpec, comps: Mapping[str, FloatArray]) -> FloatArray:
    total = np.zeros(next(iter(comps.values())).shape, dtype=np.float32)
    for name, weight in spec.weights.items():
        total += np.float32(weight) * comps[name]
    return total


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
    home = cand.country == src.country
    for country, f in pen.country_factors.items():
        code = countries.get(country)
        if code is not None:
            out = out * np.where(home & (cand.country == code), np.float32(f), np.float32(1))
    others = cand.focus & ~src.focus
    lowest = np.ones(out.shape, dtype=np.float32)
    for area, f in pen.focus_factors.items():
        code = focus.get(area)
        if code is not None:
            lowest = np.minimum(lowest, np.where(_has(others, code), np.float32(f), 1))
    return (out * lowest).astype(np.float32)


def top_n_columns(scores: FloatArray, n: int, fold: int = 16) -> npt.NDArray[np.intp]:
    """Return, per row of `scores`, the columns of its `n` largest values (unordered).

    Exact, and cheaper than an argpartition of every full row: the row is folded into
    `fold` slices whose element-wise maximum is partitioned first; the n best values lie
    in the n best groups, so only those n * fold columns are partitioned again.
    """
    rows, m = scores.shape
    if m <= n:
        return np.broadcast_to(np.arange(m), (rows, m))
    fold = min(fold, m // (4 * n))
    if fold < 2:
        return np.argpartition(scores, m - n, axis=1)[:, m - n :]
    width = m // fold
    groups = scores[:, :width].copy()
    for j in range(1, fold):
        np.maximum(groups, scores[:, j * width : (j + 1) * width], out=groups)
    best = np.sort(np.argpartition(groups, width - n, axis=1)[:, width - n :], axis=1)
    cols = (best[:, None, :] + width * np.arange(fold)[None, :, None]).reshape(rows, -1)
    rest = np.arange(width * fold, m)
    if len(rest):
        cols = np.concatenate([cols, np.broadcast_to(rest, (rows, len(rest)))], axis=1)
    # A flat take with linear indices gathers about twice as fast as take_along_axis here.
    values = np.take(scores.reshape(-1), cols + (np.arange(rows) * m)[:, None])
    keep = np.argpartition(values, values.shape[1] - n, axis=1)[:, values.shape[1] - n :]
    return np.take_along_axis(cols, keep, axis=1)


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
        self._adjacency: U64 = np.zeros((0, 1), dtype=np.uint64)
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
        self._orgs.reserve(self._orgs.rows + len(profiles))
        for profile, vector in zip(profiles, matrix, strict=True):
            self._orgs.upsert(profile, vector)

    def remove(self, org_id: int) -> bool:
        """Forget an organisation; return whether it was there."""
        return self._orgs.remove(org_id)

    def set_mentors(self, mentors: Sequence[Mentor], vectors: npt.ArrayLike | None) -> None:
        """Replace all mentors with `mentors` and their expertise vectors."""
        matrix = self._vectors(vectors, len(mentors)) if mentors else None
        self._mentors = _Store(self._focus, self._countries, self.dim)
        self._mentors.reserve(len(mentors))
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
        the candidates are start-ups, MSMEs and accelerators; those seeking mentoring rank
        higher). Candidates are in the other
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
            centroid = normalize(cand_store.vectors_of(np.array(liked)).mean(axis=0))
            queries = np.vstack([queries, centroid])
        table = self._table(
            spec, src, cross_border, countries, None if cand_store is self._mentors else kinds
        )
        scores, rows = _scan(
            cand_store, table, self._filter(cand_store, focus, trl_min, trl_max),
            [cand_store.row_of[i] for i in blocked if i in cand_store.row_of], queries,
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
        source_keys = keys(src_profile)
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
        cos = cand_store.vectors_of(np.array([row])) @ query[:, None]
        comps, parts = _components(spec, src, cand, cos, self._adjacent())
        return self._match(
            spec, src_profile, cand_store, row, float(_weighted(spec, comps)[0, 0]),
            {name: float(v[0, 0]) for name, v in comps.items()},
            {name: float(v[0, 0]) for name, v in parts.items()},
            source_keys=keys(src_profile),
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
        n_src = src_store.rows
        kinds, countries = src_store.cols["kind"][:n_src], src_store.cols["country"][:n_src]
        applies = spec.complement[kinds].any(axis=1) & src_store.alive[:n_src]
        groups = np.unique(np.stack([kinds[applies], countries[applies]], axis=1), axis=0)
        cached: tuple[bytes, FloatArray, IntArray] | None = None
        for kind, country in groups.tolist():
            src_rows = np.flatnonzero(applies & (kinds == kind) & (countries == country))
            table = self._table(spec, src_store.side(src_rows[:1, None]), cross_border)
            if cached is None or cached[0] != table.tobytes():
                cand_rows = np.flatnonzero(cand_store.allowed(table))
                cached = (table.tobytes(), cand_store.vectors_of(cand_rows), cand_rows)
            _, matrix, cand_rows = cached
            if len(cand_rows) == 0:
                for r in src_rows.tolist():
                    yield int(src_store.ids[r]), []
                continue
            col_of = np.full(cand_store.rows, -1, dtype=np.int64)
            col_of[cand_rows] = np.arange(len(cand_rows))
            n = min(spec.top_n, len(cand_rows))
            for start in range(0, len(src_rows), batch_size):
                rows = src_rows[start : start + batch_size]
                scores = src_store.vectors_of(rows) @ matrix.T
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
        return profile, store, store.vectors_of(np.array([row]))[0]

    def _candidate_store(self, mode: str, src_store: _Store) -> _Store:
        if mode != "mentoring":
            return self._orgs
        return self._orgs if src_store is self._mentors else self._mentors

    def _table(
        self,
        spec: ModeSpec,
        src: _Side,
        cross_border: bool,
        countries: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
    ) -> BoolArray:
        """Return which (candidate kind, candidate country) pairs the source may be shown."""
        src_kind, src_country = int(src.kind.flat[0]), int(src.country.flat[0])
        table = np.zeros((len(KINDS), len(self._countries)), dtype=bool)
        table[spec.complement[src_kind] > 0] = True
        if cross_border:
            table[:, src_country] = False
        if countries is not None:
            keep = [c for c in (self._countries.get(x) for x in countries) if c is not None]
            table[:, np.setdiff1d(np.arange(table.shape[1]), keep)] = False
        if kinds is not None:
            table[np.setdiff1d(np.arange(len(KINDS)), [kind_code(x) for x in kinds])] = False
        return table

    def _filter(
        self,
        store: _Store,
        focus: Iterable[str] | None,
        trl_min: int | None,
        trl_max: int | None,
    ) -> BoolArray | None:
        mask: BoolArray | None = None
        if focus is not None:
            areas = store.cols["focus"][: store.rows]
            mask = np.zeros(len(areas), dtype=bool)
            for code in (self._focus.get(a) for a in focus):
                if code is not None:
                    mask |= _has(areas, code)
        if store is self._orgs and (trl_min is not None or trl_max is not None):
            trl = store.cols["trl"][: store.rows]
            ok = trl > 0
            if trl_min is not None:
                ok &= trl >= trl_min
            if trl_max is not None:
                ok &= trl <= trl_max
            mask = ok if mask is None else mask & ok
        return mask

    def _adjacent(self) -> U64:
        if self._adjacency.shape != (len(self._focus), self._focus.words):
            self._adjacency = _adjacency(self._focus)
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
        """Yield each source of a block with its k best candidates, as matches."""
        kk = min(k, total.shape[1])
        best = np.argpartition(-total, kk - 1, axis=1)[:, :kk]
        best = np.take_along_axis(
            best, np.argsort(-np.take_along_axis(total, best, axis=1), axis=1), axis=1
        )
        names = list(comps)
        picked = np.take_along_axis(
            np.stack([comps[n] for n in names], axis=-1), best[..., None], axis=1
        ).tolist()
        scores = np.take_along_axis(total, best, axis=1).tolist()
        cand_rows = np.take_along_axis(crows, best, axis=1).tolist()
        part_l = {n: np.take_along_axis(v, best, axis=1).tolist() for n, v in parts.items()}
        profiles = cand_store.profiles
        for i, r in enumerate(rows.tolist()):
            source = src_store.profiles[r]
            assert source is not None
            source_keys = keys(source) if explain else None
            matches: list[Match] = []
            for j, (score, row, values) in enumerate(
                zip(scores[i], cand_rows[i], picked[i], strict=True)
            ):
                if score == -np.inf:
                    break
                components = dict(zip(names, values, strict=True))
                if explain:
                    thesis = {n: v[i][j] for n, v in part_l.items()}
                    matches.append(self._match(
                        spec, source, cand_store, row, score, components, thesis,
                        source_keys=source_keys,
                    ))
                    continue
                candidate = profiles[row]
                assert candidate is not None
                matches.append(Match(
                    candidate_id=candidate.id, score=score, components=components,
                    shared_focus=tuple(sorted(source.focus & candidate.focus)),
                ))
            yield source.id, matches

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
    store: _Store,
    table: BoolArray,
    mask: BoolArray | None,
    blocked: Sequence[int],
    queries: FloatArray,
) -> tuple[FloatArray, IntArray]:
    """Return the cosine of each query to every row allowed, and those rows.

    One product per country block the table allows (cross-border: one block): over all of
    the block, or over a gathered copy of its allowed rows when they are few.
    """
    blocked_rows = np.asarray(blocked, dtype=np.int64)
    blocked_country = store.cols["country"][blocked_rows]
    all_scores: list[FloatArray] = []
    all_rows: list[IntArray] = []
    kinds = store.cols["kind"]
    for country, block in store.blocks.items():
        if block.used == 0 or country >= table.shape[1] or not table[:, country].any():
            continue
        rows = block.rows[: block.used]
        ok = table[kinds[rows], country]
        if mask is not None:
            ok &= mask[rows]
        ok[store.slot[blocked_rows[blocked_country == country]]] = False
        at = np.flatnonzero(ok)
        if len(at) * 4 < block.used:
            scores = queries @ block.vectors[at].T
        elif len(queries) == 1:
            scores = (block.vectors[: block.used] @ queries[0])[at][None, :]
        else:
            scores = (queries @ block.vectors[: block.used].T)[:, at]
        all_scores.append(scores)
        all_rows.append(rows[at])
    if not all_rows:
        return np.zeros((len(queries), 0), np.float32), np.zeros(0, np.int64)
    return np.concatenate(all_scores, axis=1), np.concatenate(all_rows)
