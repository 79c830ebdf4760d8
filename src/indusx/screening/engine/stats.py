"""Token rarity from the list itself: words many listed names share tell parties apart less."""

import math
from collections import Counter
from collections.abc import Iterable, Mapping

# A token in at most this many listed names counts fully; more common ones count less.
RARE_DF = 20
RARITY_MIN = 0.4  # "muhammad", "al", "trading" still count, at 0.4 or more


class TokenStats:
    """How many listed names each normalised token occurs in (document frequency).

    A token's rarity is an inverse document frequency, log(N / df), scaled so that a token
    in RARE_DF names or fewer scores 1 and bounded below by RARITY_MIN; without statistics
    (`compare` without an index) every token scores 1.
    """

    __slots__ = ("_rarity", "df", "names")

    def __init__(self, df: Mapping[str, int] | None = None, names: int = 0) -> None:
        self.df: Mapping[str, int] = df or {}
        self.names = names
        full = math.log((names + 1) / (RARE_DF + 1)) if names > RARE_DF else 0.0
        self._rarity = {
            t: max(RARITY_MIN, math.log((names + 1) / (n + 1)) / full)
            for t, n in self.df.items()
            if n > RARE_DF and full > 0
        }

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
        """Return how much a token tells parties apart: 1 for rare, down to RARITY_MIN."""
        return self._rarity.get(token, 1.0)


NO_STATS = TokenStats()
