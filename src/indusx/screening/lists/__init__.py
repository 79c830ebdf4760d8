"""Pure readers for the official restricted-party list formats: files in, `ListEntry`s out."""

import re
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from indusx.screening.lists.csl import read_csl
from indusx.screening.lists.entry import Address, Alias, ListEntry, ListFormatError
from indusx.screening.lists.ofac import ADD_COLUMNS, ALT_COLUMNS, SDN_COLUMNS, read_ofac
from indusx.screening.lists.reading import csv_records, read_text
from indusx.screening.lists.simple_csv import read_simple_csv
from indusx.screening.lists.un import read_un

__all__ = [
    "Address",
    "Alias",
    "ListEntry",
    "ListFormat",
    "ListFormatError",
    "read_csl",
    "read_list",
    "read_ofac",
    "read_simple_csv",
    "read_un",
]


class ListFormat(StrEnum):
    OFAC = "ofac"
    CSL = "csl"
    UN = "un"
    CSV = "csv"


_OFAC_ROLES = ("sdn", "alt", "add")
_ROLE_BY_COLUMNS = {SDN_COLUMNS: "sdn", ALT_COLUMNS: "alt", ADD_COLUMNS: "add"}


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".csv", ".txt"):
        name = name.removesuffix(suffix)
    return name


def _ofac_role(path: Path) -> str:
    """Return "sdn", "alt" or "add": by a word of the file name, else by the column count."""
    words = set(re.split(r"[^0-9a-z]+", _stem(path).casefold()))
    named = [role for role in _OFAC_ROLES if role in words]
    if len(named) == 1:
        return named[0]
    for _, fields in csv_records(path, read_text(path)):
        role = _ROLE_BY_COLUMNS.get(len(fields))
        if role is None:
            raise ListFormatError(
                str(path), None, f"not an OFAC sdn/alt/add file ({len(fields)} columns)"
            )
        return role
    raise ListFormatError(str(path), None, "the file is empty")


def _read_ofac(paths: Sequence[Path], skipped: list[ListFormatError] | None) -> list[ListEntry]:
    if not 1 <= len(paths) <= 3:
        raise ListFormatError(
            ", ".join(map(str, paths)) or "-",
            None,
            f"OFAC takes 1 to 3 files (sdn, alt, add), got {len(paths)}",
        )
    by_role: dict[str, Path] = {}
    for path in paths:
        role = _ofac_role(path)
        if role in by_role:
            raise ListFormatError(
                str(path), None, f"two {role} files given ({by_role[role].name} and {path.name})"
            )
        by_role[role] = path
    if "sdn" not in by_role:
        raise ListFormatError(
            ", ".join(map(str, paths)), None, "OFAC needs its sdn file (main entries)"
        )
    return read_ofac(by_role["sdn"], by_role.get("alt"), by_role.get("add"), skipped=skipped)


def read_list(
    fmt: ListFormat,
    paths: Sequence[Path],
    *,
    source: str | None = None,
    skipped: list[ListFormatError] | None = None,
) -> list[ListEntry]:
    """Return the entries of a list given in `fmt`, with entry ids unique within the result.

    OFAC takes one to three files (sdn, alt, add), known by a word of their name or else by
    their column count; CSL, UN and CSV take one file. `source` names a CSV list (default: the
    file's stem). Bad rows raise ListFormatError, or go to `skipped` when one is given.
    """
    paths = [Path(p) for p in paths]
    if fmt is ListFormat.OFAC:
        entries = _read_ofac(paths, skipped)
    else:
        if len(paths) != 1:
            where = ", ".join(map(str, paths)) or "-"
            raise ListFormatError(where, None, f"{fmt.value} takes one file, got {len(paths)}")
        path = paths[0]
        if fmt is ListFormat.CSL:
            entries = read_csl(path, skipped=skipped)
        elif fmt is ListFormat.UN:
            entries = read_un(path, skipped=skipped)
        else:
            entries = read_simple_csv(path, source=source or _stem(path), skipped=skipped)
    ids = [entry.entry_id for entry in entries]
    if len(set(ids)) != len(ids):  # each reader already refuses or merges repeats
        raise ListFormatError(", ".join(map(str, paths)), None, "entry ids are not unique")
    return entries
