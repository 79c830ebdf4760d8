"""What every list reader yields: one entry of a restricted-party list, in one shape."""

import hashlib
import json
from dataclasses import asdict, dataclass, field

from indusx.screening.engine.types import EntityType


class ListFormatError(ValueError):
    """A list file that cannot be read; says where."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.reason = message


@dataclass(frozen=True, slots=True)
class Alias:
    name: str
    kind: str = "aka"  # aka, fka (formerly known as), nka (now known as), or the list's own word
    weak: bool = False  # OFAC marks some aliases "weak": low quality, scored down


@dataclass(frozen=True, slots=True)
class Address:
    text: str = ""  # street lines
    city: str = ""
    country: str | None = None  # ISO 3166-1 alpha-2 when known
    country_name: str = ""  # as the list wrote it


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One restricted party as a list describes it."""

    entry_id: str  # the list's own identifier: OFAC ent_num, UN DATAID, CSL id, CSV key
    name: str  # primary name
    entity_type: EntityType | None
    source: str  # the list it comes from, e.g. "OFAC SDN", "Entity List (EL) - BIS"
    aliases: tuple[Alias, ...] = ()
    programs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO-2: addresses, nationality, citizenship, place
    addresses: tuple[Address, ...] = ()
    birth_dates: tuple[str, ...] = ()  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    listed_on: str | None = None  # ISO date the party was listed
    end_date: str | None = None
    remarks: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # title, call sign, FR notice, URL...

    def fingerprint(self) -> str:
        """Return a hash of everything the entry says (a re-import compares these)."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def to_json(self) -> dict[str, object]:
        """Return the entry as JSON-ready data (stored with the entry)."""
        return json.loads(json.dumps(asdict(self), default=str))

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "ListEntry":
        """Rebuild an entry stored by `to_json`."""
        raw = dict(data)
        entity_type = raw.get("entity_type")
        return cls(
            entry_id=str(raw["entry_id"]),
            name=str(raw["name"]),
            entity_type=EntityType(str(entity_type)) if entity_type else None,
            source=str(raw["source"]),
            aliases=tuple(Alias(**a) for a in raw.get("aliases", ())),  # type: ignore[attr-defined]
            programs=tuple(raw.get("programs", ())),  # type: ignore[arg-type]
            countries=tuple(raw.get("countries", ())),  # type: ignore[arg-type]
            addresses=tuple(Address(**a) for a in raw.get("addresses", ())),  # type: ignore[attr-defined]
            birth_dates=tuple(raw.get("birth_dates", ())),  # type: ignore[arg-type]
            listed_on=raw.get("listed_on"),  # type: ignore[arg-type]
            end_date=raw.get("end_date"),  # type: ignore[arg-type]
            remarks=str(raw.get("remarks", "")),
            extra=dict(raw.get("extra", {})),  # type: ignore[call-overload]
        )
