"""Plain data shared by the engine's parts and by the service that feeds them.

Vocabulary values are plain strings (the values of the enums in `indusx.orgs.taxonomy`),
so that the engine stays independent of the directory's code.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of a profile that evidence can point to, e.g. one offering or one award."""

    label: str  # "Capabilities", "Offering: Sonar buoy", "Award 2012: Low-noise receiver"
    text: str


@dataclass(frozen=True, slots=True)
class Thesis:
    """What an investor invests in; empty sets mean "any"."""

    focus: frozenset[str] = frozenset()  # focus area slugs
    stages: frozenset[str] = frozenset()  # FundingStage values
    countries: frozenset[str] = frozenset()  # "IN", "US"
    ticket_min_usd: int | None = None
    ticket_max_usd: int | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """An organisation as the engine sees it: public profile fields only."""

    id: int
    name: str
    country: str  # "IN" or "US"
    kind: str  # OrgKind value: startup, msme, large_company, prime, investor, ...
    focus: frozenset[str] = frozenset()  # focus area slugs
    seeking: frozenset[str] = frozenset()  # Seeking values: co_development, investment, ...
    stage: str | None = None  # FundingStage value
    max_trl: int | None = None
    description: str = ""
    capabilities: str = ""
    passages: tuple[Passage, ...] = ()  # offerings, awards, ... (description and capabilities
    # are passages too when the service builds them)
    thesis: Thesis | None = None

    @property
    def text(self) -> str:
        """Return the whole profile as one text (what the profile vector embeds)."""
        parts = [self.name, self.description, self.capabilities]
        parts += [p.text for p in self.passages]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Mentor:
    """A person who offers mentoring, with their expertise."""

    id: int  # user id
    name: str
    country: str | None
    expertise: str
    focus: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage of a candidate's profile that supports a match, with how well it fits."""

    label: str
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked result: the candidate, its score in [0, 1], the parts and the reason."""

    candidate_id: int
    score: float
    components: dict[str, float] = field(default_factory=dict)  # name -> value in [0, 1]
    reason: str = ""
    evidence: tuple[Evidence, ...] = ()
    shared_focus: tuple[str, ...] = ()
    shared_terms: tuple[str, ...] = ()
