"""Small fictional restricted-party lists in the official formats, written for each test."""

import csv
from pathlib import Path

# OFAC sdn.csv rows: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
# Tonnage, GRT, Vess_flag, Vess_owner, Remarks ("-0-" is empty). All names are invented.
SDN_ROWS = [
    ["9001", "ZENITH STRIKE ARMAMENTS LIMITED", "-0-", "[NPWMD]", "-0-", "-0-", "-0-", "-0-",
     "-0-", "-0-", "-0-", "Website www.zenith-strike.example."],
    ["9002", "VOLKOV, Dmitri Arkadyevich", "individual", "[RUSSIA-EO14024]", "-0-", "-0-",
     "-0-", "-0-", "-0-", "-0-", "-0-", "DOB 12 Mar 1961; nationality Russia."],
    ["9003", "BLUE LAGOON SHIPPING CO", "-0-", "[IRAN]", "-0-", "-0-", "-0-", "-0-", "-0-",
     "-0-", "-0-", "-0-"],
]
ALT_ROWS = [["9001", "101", "aka", "ZSA ARMAMENTS", "-0-"]]
ADD_ROWS = [["9001", "201", "12 Foundry Road", "Minsk", "Belarus", "-0-"],
            ["9002", "202", "-0-", "Moscow", "Russia", "-0-"]]


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_ofac(folder: Path, sdn: list[list[str]] | None = None) -> list[Path]:
    """Write sdn.csv, alt.csv and add.csv (no header rows) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    sdn = SDN_ROWS if sdn is None else sdn
    present = {row[0] for row in sdn}  # alt and add rows must belong to an SDN entry
    return [write_rows(folder / "sdn.csv", sdn),
            write_rows(folder / "alt.csv", [r for r in ALT_ROWS if r[0] in present]),
            write_rows(folder / "add.csv", [r for r in ADD_ROWS if r[0] in present])]


def write_simple(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write a simple CSV list (header: schema,name,aliases,country,program,notes)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["schema", "name", "aliases", "country", "program",
                                     "notes"])
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path
