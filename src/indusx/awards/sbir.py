"""Read SBIR award data: JSON Lines (optionally gzipped), one award per line, checked per line.

Each line is an object with `year`, `firm` and `title` (required) and `agency`, `branch`,
`phase`, `program`, `research_institution`, `link` and `abstract` (optional, may be null),
as in the public sbir.gov award data. Bad lines are reported with their number and reason;
the caller decides whether they stop the import.
"""

import gzip
import hashlib
import html
import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from indusx.awards.names import firm_key
from indusx.errors import DomainError

SOURCE = "sbir"
REF_PREFIX = "sbir:"
MIN_YEAR, MAX_YEAR = 1982, 2100  # the SBIR programme began in 1982
# Optional text fields and the longest value each column holds.
OPTIONAL_FIELDS = {
    "agency": 100, "branch": 100, "program": 32, "phase": 32, "research_institution": 300,
    "link": 500,
}
MAX_FIRM = 200
MAX_KEY = 200 - len(REF_PREFIX)
ABSTRACT_PREFIX = 200
# The source writes this where no research institution was involved.
PLACEHOLDERS = frozenset({"stub"})


class SbirFileError(DomainError):
    status = 422


@dataclass(frozen=True, slots=True)
class SbirAward:
    """One award as read from a line of the file, text tidied, ready to store."""

    line: int
    year: int
    firm: str  # as spelt on this line
    firm_key: str
    title: str
    abstract: str
    agency: str
    branch: str
    program: str
    phase: str
    research_institution: str
    link: str
    source_key: str


@dataclass(slots=True)
class SbirFile:
    awards: list[SbirAward] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (line, first line)
    lines: int = 0  # non-blank lines read


def source_key(*, year: int, key: str, title: str, abstract: str, link: str) -> str:
    """Return the stable key of an award: a hash of source, year, firm, title and more.

    The abstract's start and the award's link tell apart the awards that a firm won in one
    year under the same title (the data holds dozens of such pairs).
    """
    parts = [SOURCE, str(year), key, " ".join(title.casefold().split()),
             " ".join(abstract.casefold().split())[:ABSTRACT_PREFIX], link.strip()]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name}: must be text")
    return html.unescape(value).strip()


def parse_award(line: int, data: Any) -> SbirAward:
    """Return the award of one decoded line, or raise ValueError naming the problem."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    missing = [name for name in ("year", "firm", "title") if data.get(name) in (None, "")]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    year = data["year"]
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year: must be a year between {MIN_YEAR} and {MAX_YEAR}")
    firm = " ".join(_text(data["firm"], "firm").split())
    key = firm_key(firm)
    if not key:
        raise ValueError("firm: has no letters or digits")
    if len(firm) > MAX_FIRM or len(key) > MAX_KEY:
        raise ValueError(f"firm: longer than {MAX_FIRM} characters")
    title = " ".join(_text(data["title"], "title").split())
    if not title:
        raise ValueError("missing title")
    values = {}
    for name, limit in OPTIONAL_FIELDS.items():
        value = _text(data.get(name), name)
        if len(value) > limit:
            raise ValueError(f"{name}: longer than {limit} characters")
        values[name] = value
    if values["research_institution"].casefold() in PLACEHOLDERS:
        values["research_institution"] = ""
    link = values["link"]
    if link and not link.lower().startswith(("https://", "http://")):
        raise ValueError("link: must be an http(s) address")
    abstract = _text(data.get("abstract"), "abstract")
    return SbirAward(
        line=line, year=year, firm=firm, firm_key=key, title=title, abstract=abstract,
        source_key=source_key(year=year, key=key, title=title, abstract=abstract, link=link),
        **values,
    )


@contextmanager
def _open(path: Path) -> Iterator[TextIO]:
    name = path.name.lower()
    if not name.endswith((".jsonl", ".jsonl.gz")):
        raise SbirFileError(f"{path.name}: use a .jsonl or .jsonl.gz file")
    if not path.is_file():
        raise SbirFileError(f"{path}: no such file")
    if name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
            yield handle
    else:
        with path.open(encoding="utf-8-sig") as handle:
            yield handle


def read_sbir(path: Path) -> SbirFile:
    """Read every line of an award file; raise SbirFileError if the file itself is unusable."""
    result = SbirFile()
    first_line: dict[str, int] = {}
    try:
        with _open(path) as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                result.lines += 1
                try:
                    award = parse_award(number, json.loads(raw))
                except json.JSONDecodeError as exc:
                    result.errors.append((number, f"not valid JSON ({exc.msg})"))
                    continue
                except ValueError as exc:
                    result.errors.append((number, str(exc)))
                    continue
                if award.source_key in first_line:
                    result.duplicates.append((number, first_line[award.source_key]))
                    continue
                first_line[award.source_key] = number
                result.awards.append(award)
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, FileNotFoundError):
            raise SbirFileError(f"{path}: no such file") from exc
        raise SbirFileError(f"{path.name}: cannot be read ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise SbirFileError(f"{path.name}: not UTF-8 text (byte {exc.start})") from exc
    if result.lines == 0:
        raise SbirFileError(f"{path.name}: holds no awards")
    return result
