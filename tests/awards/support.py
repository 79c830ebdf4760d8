"""Small hand-written SBIR award files for the tests."""

import gzip
import json
from pathlib import Path
from typing import Any


def award(n: int = 1, **fields: Any) -> dict[str, Any]:
    """Return one award line's data; `n` makes title and link distinct."""
    data: dict[str, Any] = {
        "year": 2010, "firm": "ACME SONAR, INC.", "title": f"Broadband sonar array {n}",
        "agency": "Department of Defense", "branch": "Navy", "phase": "Phase II",
        "program": "SBIR", "research_institution": None,
        "link": f"https://www.sbir.gov/sbirsearch/detail/{n}",
        "abstract": "Towed array sonar and hydrophones for submarines.",
    }
    data.update(fields)
    return data


def write_jsonl(path: Path, rows: list[Any], gz: bool = False) -> Path:
    """Write rows (dicts as JSON, strings as they are) one a line; gzip if asked."""
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path
