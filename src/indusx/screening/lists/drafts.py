"""A list entry while a reader gathers it, before it is frozen into a `ListEntry`."""

from dataclasses import dataclass, field

from indusx.screening.engine.types import EntityType
from indusx.screening.lists.entry import Address, Alias, ListEntry


@dataclass(slots=True)
class Draft:
    """The mutable twin of `ListEntry`; `add_*` methods skip blanks and repeats."""

    entry_id: str
    name: str
    entity_type: EntityType | None
    source: str
    line: int | None = None  # where the entry starts in its file
    aliases: list[Alias] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    listed_on: str | None = None
    end_date: str | None = None
    remarks: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def add_alias(self, name: str, kind: str = "aka", *, weak: bool = False) -> None:
        """Add an alias unless it is blank, the primary name, or already there.

        The same name given once weak and once strong stays strong.
        """
        name = " ".join(name.split())
        if not name or name.casefold() == self.name.casefold():
            return
        for i, alias in enumerate(self.aliases):
            if alias.name.casefold() == name.casefold():
                if alias.weak and not weak:
                    self.aliases[i] = Alias(name=alias.name, kind=alias.kind, weak=False)
                return
        self.aliases.append(Alias(name=name, kind=kind, weak=weak))

    def add_program(self, program: str) -> None:
        """Add a programme name unless blank or already there."""
        program = " ".join(program.split())
        if program and program not in self.programs:
            self.programs.append(program)

    def add_country(self, code: str | None) -> None:
        """Add an ISO-2 code unless None or already there."""
        if code and code not in self.countries:
            self.countries.append(code)

    def add_address(self, address: Address) -> None:
        """Add an address (and its country) unless it says nothing or is already there."""
        if not (address.text or address.city or address.country_name):
            return
        self.add_country(address.country)
        if address not in self.addresses:
            self.addresses.append(address)

    def add_birth_dates(self, dates: tuple[str, ...]) -> None:
        """Add normalised birth dates unless already there."""
        for value in dates:
            if value not in self.birth_dates:
                self.birth_dates.append(value)

    def add_extra(self, key: str, value: str | None) -> None:
        """Set a fact; a second, different value for the same key is appended after "; "."""
        value = " ".join((value or "").split())
        if not value:
            return
        known = self.extra.get(key)
        if not known:
            self.extra[key] = value
        elif value not in known.split("; "):
            self.extra[key] = f"{known}; {value}"

    def add_remarks(self, text: str | None) -> None:
        """Append a remark paragraph unless blank or already there."""
        text = (text or "").strip()
        if not text:
            return
        if not self.remarks:
            self.remarks = text
        elif text not in self.remarks.split("\n"):
            self.remarks = f"{self.remarks}\n{text}"

    def freeze(self) -> ListEntry:
        """Return the finished, immutable entry."""
        return ListEntry(
            entry_id=self.entry_id,
            name=self.name,
            entity_type=self.entity_type,
            source=self.source,
            aliases=tuple(self.aliases),
            programs=tuple(self.programs),
            countries=tuple(self.countries),
            addresses=tuple(self.addresses),
            birth_dates=tuple(self.birth_dates),
            listed_on=self.listed_on,
            end_date=self.end_date,
            remarks=self.remarks,
            extra=dict(self.extra),
        )
