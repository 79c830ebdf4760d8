"""Small row builders for hand-made supply networks."""

from indusx.supply.engine.types import PartRow, SourceRow


def part(key: int, number: str, *, system: int = 1, kind: str = "part") -> PartRow:
    """Return a part row named after its number."""
    return PartRow(key, system, number, f"Part {number}", kind)


def source(
    key: int,
    part_key: int,
    name: str,
    country: str,
    *,
    share: float = 1.0,
    lead: int = 30,
    capacity: float | None = None,
    stock: float = 0.0,
) -> SourceRow:
    """Return an external supplier's source row ("ext:<name>|<COUNTRY>")."""
    supplier = f"ext:{name.lower()}|{country}"
    return SourceRow(key, part_key, supplier, name, country, share, lead, capacity, None, stock)
