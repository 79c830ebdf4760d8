"""Benchmark: screening 10,000+ names against OFAC SDN (with aliases) and the DoD lists.

    .venv/bin/python bench/screening_speed.py [--data ../shared/data] [--queries 10000]
        [--brute 1000]

The index holds every OFAC SDN entry of January 2022 (primary name, a.k.a./f.k.a./n.k.a.
aliases, the weak a.k.a.s of the remarks, countries of address and nationality, dates of
birth) plus the DoD Section 1260H Chinese military companies and the Section 1286 list.
Queries: a seeded mix of ordinary people's names from Faker in twelve locales with the
locale's country (60%), real US defence firms from the DoD SBIR awards with country US (30%)
and listed names with a typo (10%), each with its entity type, as the platform screens them.

Printed: index build time, `search_many` names/s over the whole batch (one process, the
machine's two cores shared), the candidates scored per query, and beside it a brute-force
scan (rapidfuzz `process.cdist`, token_sort_ratio, both cores) over `--brute` queries: the
limit a plain fuzzy scan without an index reaches. The data is read from shared/, never
copied into the repository.
"""

import argparse
import csv
import gzip
import json
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from indusx.screening.engine import (  # noqa: E402
    EntityType,
    IndexEntry,
    Query,
    ScreeningIndex,
)

DEFAULT_DATA = ROOT.parent / "shared" / "data"
TARGET = 2000.0
LOCALES = ["en_US", "en_GB", "en_IN", "hi_IN", "ru_RU", "ar_AA", "zh_CN", "de_DE", "fr_FR"]
LOCALES += ["es_ES", "tr_TR", "fa_IR"]
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_TYPES = {"individual": EntityType.PERSON, "vessel": EntityType.VESSEL}
_TYPES["aircraft"] = EntityType.AIRCRAFT


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value == "-0-" else value


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        return [row for row in csv.reader(f) if row]


def _country_code(name: str, cache: dict[str, str | None]) -> str | None:
    if name not in cache:
        try:
            import pycountry

            cache[name] = pycountry.countries.search_fuzzy(name)[0].alpha_2
        except (ImportError, LookupError):
            cache[name] = None
    return cache[name]


def _birth_dates(remarks: str) -> tuple[str, ...]:
    out = []
    for day, month, year in re.findall(r"DOB (?:(\d{1,2}) )?(?:([A-Z][a-z]{2}) )?(\d{4})", remarks):
        if day and month.lower() in _MONTHS:
            out.append(f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}")
        else:
            out.append(year)
    return tuple(out)


def read_ofac(data: Path) -> list[IndexEntry]:
    """Return the OFAC SDN entries of the January 2022 files, aliases and facts included."""
    folder = data / "sanctions"
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in _rows(folder / "edu777art_2022-01_alt.csv"):
        if len(row) >= 4 and _clean(row[3]):
            aliases[row[0].strip()].append(_clean(row[3]))
    countries: dict[str, set[str]] = defaultdict(set)
    cache: dict[str, str | None] = {}
    for row in _rows(folder / "edu777art_2022-01_add.csv"):
        if len(row) >= 5 and _clean(row[4]):
            code = _country_code(_clean(row[4]), cache)
            if code:
                countries[row[0].strip()].add(code)
    entries = []
    for row in _rows(folder / "edu777art_2022-01_sdn.csv"):
        if len(row) < 12 or not row[0].strip().isdigit():
            continue
        ent, remarks = row[0].strip(), _clean(row[11])
        for nat in re.findall(r"(?:nationality|citizen) ([A-Za-z ,]+?);", remarks):
            code = _country_code(nat.strip(), cache)
            if code:
                countries[ent].add(code)
        entries.append(
            IndexEntry(
                key=int(ent),
                names=(_clean(row[1]), *aliases.get(ent, ())),
                entity_type=_TYPES.get(_clean(row[2]), EntityType.ENTITY),
                countries=frozenset(countries.get(ent, ())),
                birth_dates=_birth_dates(remarks),
                weak_names=tuple(re.findall(r"a\.k\.a\. '([^']+)'", remarks)),
            )
        )
    return entries


def read_dod(data: Path, first_key: int) -> list[IndexEntry]:
    """Return the DoD Section 1260H and Section 1286 entries."""
    folder = data / "sanctions"
    entries = []
    key = first_key
    with (folder / "us__dod_chinese_milcorps__sanctions.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names = [row["Clean Name"] or row["Name"]]
            names += [n for n in (row["Alias"], row["Previous Name"]) if n]
            entries.append(IndexEntry(key, tuple(names), EntityType.ENTITY, frozenset({"CN"})))
            key += 1
    with (folder / "us__special_leg__section_1286.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names = [row["name"], *(a for a in row["aliases"].split(";") if a.strip())]
            entries.append(IndexEntry(key, tuple(n.strip() for n in names), EntityType.ENTITY))
            key += 1
    return entries


def read_sbir_firms(data: Path) -> list[str]:
    """Return the distinct firm names of the DoD SBIR Phase II awards, 2001-2014."""
    firms: dict[str, None] = {}
    with gzip.open(data / "sbir" / "dod_sbir_phase2_2001-2014.jsonl.gz", "rt") as f:
        for line in f:
            firm = (json.loads(line).get("firm") or "").strip()
            if firm:
                firms.setdefault(firm, None)
    return list(firms)


def faker_people(n: int, seed: int) -> list[tuple[str, str, str]]:
    """Return (name, country, birth date) of generated people across locales."""
    from faker import Faker

    fake = Faker(LOCALES)
    Faker.seed(seed)
    out = []
    for i in range(n):
        locale = LOCALES[i % len(LOCALES)]
        gen = fake[locale]
        country = locale.split("_")[1].replace("AA", "SA").replace("UK", "GB")
        out.append((gen.name(), country, gen.date_of_birth(minimum_age=18).isoformat()))
    return out


def typo(name: str, rng: random.Random) -> str:
    """Return the name with one letter of its longest word changed, dropped or doubled."""
    words = name.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    if len(w) < 4:
        return name
    p = rng.randrange(1, len(w) - 1)
    op = rng.choice(["sub", "del", "dup", "swap"])
    if op == "sub":
        w = w[:p] + rng.choice("aeioulnrst") + w[p + 1 :]
    elif op == "del":
        w = w[:p] + w[p + 1 :]
    elif op == "dup":
        w = w[:p] + w[p] + w[p:]
    else:
        w = w[: p - 1] + w[p] + w[p - 1] + w[p + 1 :]
    words[i] = w
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--brute", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    entries = read_ofac(args.data)
    entries += read_dod(args.data, first_key=10_000_000)
    read_s = time.perf_counter() - t0
    n_names = sum(len(e.names) + len(e.weak_names) for e in entries)
    t0 = time.perf_counter()
    index = ScreeningIndex(entries)
    build_s = time.perf_counter() - t0

    n_people, n_firms = int(args.queries * 0.6), int(args.queries * 0.3)
    people = faker_people(n_people, args.seed)
    firms = read_sbir_firms(args.data)
    queries = [Query(n, country=c, entity_type=EntityType.PERSON) for n, c, _ in people]
    firm_names = rng.choices(firms, k=n_firms)  # US firms, screened with their country
    queries += [Query(f, country="US", entity_type=EntityType.ENTITY) for f in firm_names]
    listed = rng.sample(entries, args.queries - len(queries))
    queries += [Query(typo(e.names[0], rng), entity_type=e.entity_type) for e in listed]
    rng.shuffle(queries)

    index.search_many(queries[:200])  # warm the normalisation caches' code paths
    t0 = time.perf_counter()
    results = index.search_many(queries)
    search_s = time.perf_counter() - t0
    rate = len(queries) / search_s
    hits = sum(1 for r in results if r)

    brute_rate = None
    if args.brute:
        from rapidfuzz import fuzz, process

        choices = [n for e in entries for n in e.names]
        sample = [q.name for q in queries[: args.brute]]
        t0 = time.perf_counter()
        process.cdist(sample, choices, scorer=fuzz.token_sort_ratio, workers=2, dtype="uint8")
        brute_rate = len(sample) / (time.perf_counter() - t0)

    print(f"Screening speed: {len(entries):,} list entries ({n_names:,} names and aliases)")
    print(f"  read the list files            {read_s:8.1f} s")
    print(f"  build the index                {build_s:8.1f} s")
    print(f"  queries                        {len(queries):8,d}")
    print(f"  search_many                    {search_s:8.1f} s")
    print(f"  names/s (target >= {TARGET:,.0f})     {rate:8,.0f}")
    print(f"  queries with a hit             {hits:8,d}")
    if brute_rate is not None:
        print(f"  brute-force cdist token_sort   {brute_rate:8,.0f} names/s (no index, 2 workers)")
    print("Target met." if rate >= TARGET else "Target NOT met.")


if __name__ == "__main__":
    main()
