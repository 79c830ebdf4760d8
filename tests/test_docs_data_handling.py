"""docs/data-handling.md names every retention and deletion setting, and no setting that does
not exist, so that it cannot drift from config.Settings."""

import re
from pathlib import Path

from indusx.config import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-handling.md"
SETTING = re.compile(r"\bINDUSX_[A-Z0-9_]*[A-Z0-9]")
# Deletion settings that are not named retention_*: sessions expire and are purged by them.
DELETION = frozenset({"session_days", "session_idle_minutes"})


def env_name(field: str) -> str:
    """Return a setting's environment variable name."""
    return f"INDUSX_{field.upper()}"


def retention_settings() -> set[str]:
    """Return the environment names of the settings that decide when data is deleted."""
    return {env_name(f) for f in Settings.model_fields
            if f.startswith("retention_") or f in DELETION}


def unknown_settings(text: str) -> set[str]:
    """Return the INDUSX_ names in a text that are not settings."""
    return set(SETTING.findall(text)) - {env_name(f) for f in Settings.model_fields}


def test_the_document_names_every_retention_and_deletion_setting() -> None:
    text = DOC.read_text(encoding="utf-8")

    assert len(retention_settings()) >= 6  # the four retention_* settings and the session two
    assert sorted(n for n in retention_settings() if n not in text) == []


def test_every_setting_the_document_names_exists() -> None:
    text = DOC.read_text(encoding="utf-8")

    assert len(SETTING.findall(text)) >= 6
    assert sorted(unknown_settings(text)) == []


def test_a_misspelt_or_retired_setting_is_caught() -> None:
    text = "Kept `INDUSX_RETENTION_DAYS` days; files in `INDUSX_UPLOAD_DIR`."

    assert unknown_settings(text) == {"INDUSX_RETENTION_DAYS"}
