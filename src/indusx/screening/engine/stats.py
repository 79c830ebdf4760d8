"""Token rarity from the list itself: words many listed names share tell parties apart less."""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

# A token in at most this many listed names counts fully; more common ones count less.
RARE_DF = 20
RARITY_MIN = 0.4  # "muhammad", "al", "trading" still count, at 0.4 or more


@dataclass(frozen=True, slots=True)
class TokenStats:
    """How many listed names each normalised token occurs in (document frequency)."""

    df: dict[str, int] = field(default_factory=dict)
    names: int = 0

    @classmethod
    def from_tokens(cls, names: Iterable[Iterable[str]]) -> "TokenStats":
        """Return the statistics of these names, each given as its tokens."""
        df: Counter[str] = Counter()
        n = 0
        for tokens in names:
            df.update(set(tokens))
            n += 1
        return cls(dict(df), n)

    def rarity(self, token: str) -> float:
        """Return how much a token tells parties apart: 1 for rare, down to RARITY_MIN.

        An inverse document frequency, log(N / df), scaled so that a token in RARE_DF names
        or fewer scores 1; without statistics (no index) every token scores 1.
        """
        df = self.df.get(token, 0)
        if df <= RARE_DF or self.names <= RARE_DF:
            return 1.0
        idf = math.log((self.names + 1) / (df + 1))
        full = math.log((self.names + 1) / (RARE_DF + 1))
        return max(RARITY_MIN, min(1.0, idf / full))


NO_STATS = TokenStats()
