"""`indusx uploads`: new keys, and sealing legacy files and rotating keys on disk."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from indusx import filecrypt, uploads
from indusx.cli import app
from indusx.config import Settings, get_settings
from tests.challenges.conftest import pdf_bytes
from tests.conftest import SECRET, make_settings

runner = CliRunner()
PLAIN = b"Hull-mounted array drawing list\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the command line at an upload folder (the commands need no database)."""
    monkeypatch.setenv("INDUSX_ENV", "test")
    monkeypatch.setenv("INDUSX_SECRET_KEY", SECRET)
    monkeypatch.setenv("INDUSX_UPLOAD_DIR", str(tmp_path / "uploads"))
    get_settings.cache_clear()
    yield tmp_path / "uploads"
    get_settings.cache_clear()


def _use_keys(monkeypatch: pytest.MonkeyPatch, folder: Path, keys: str) -> Settings:
    monkeypatch.setenv("INDUSX_FILE_KEYS", keys)
    get_settings.cache_clear()
    return make_settings("sqlite://", upload_dir=folder, file_keys=SecretStr(keys))


def _new_key(key_id: str) -> str:
    result = runner.invoke(app, ["uploads", "new-key", "--id", key_id])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_new_key_prints_an_entry_the_settings_accept() -> None:
    first, second = _new_key("2026a"), _new_key("2026a")

    assert first.startswith("2026a:") and first != second
    assert filecrypt.parse_key_ring(first).current == "2026a"
    refused = runner.invoke(app, ["uploads", "new-key", "--id", "no spaces"])
    assert refused.exit_code == 1 and "a key id is" in refused.output


def test_encrypt_seals_legacy_files_once_and_a_dry_run_only_counts(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _use_keys(monkeypatch, folder, _new_key("k1"))
    legacy = [uploads.path_for(settings, key) for key in ("aa" * 16, "ab" * 16)]
    for path in legacy:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PLAIN)
    sealed = uploads.store(settings, pdf_bytes())

    counted = runner.invoke(app, ["uploads", "encrypt", "--dry-run"])
    assert counted.exit_code == 0, counted.output
    assert "3 stored files; first key 'k1'" in counted.stdout
    assert "2 would be encrypted (were plaintext)" in counted.stdout
    assert "1 already under the first key" in counted.stdout
    assert all(path.read_bytes() == PLAIN for path in legacy)

    done = runner.invoke(app, ["uploads", "encrypt"])
    assert done.exit_code == 0, done.output
    assert "2 encrypted (were plaintext)" in done.stdout
    assert all(filecrypt.key_id_of(path.read_bytes()) == "k1" for path in legacy)
    assert uploads.read(settings, "aa" * 16, sha256=hashlib.sha256(PLAIN).hexdigest()) == PLAIN
    assert uploads.read(settings, sealed.key, sha256=sealed.sha256) == pdf_bytes()

    again = runner.invoke(app, ["uploads", "encrypt"])
    assert again.exit_code == 0 and "3 already under the first key" in again.stdout
    assert "encrypted (were" not in again.stdout


def test_rotation_add_the_key_first_encrypt_then_drop_the_old_key(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = _new_key("old"), _new_key("new")
    stored = uploads.store(_use_keys(monkeypatch, folder, old), pdf_bytes())

    _use_keys(monkeypatch, folder, f"{new},{old}")
    rotated = runner.invoke(app, ["uploads", "encrypt"])

    assert rotated.exit_code == 0, rotated.output
    assert "1 re-encrypted from an older key" in rotated.stdout
    only_new = _use_keys(monkeypatch, folder, new)
    assert uploads.read(only_new, stored.key, sha256=stored.sha256) == pdf_bytes()
    assert old.split(":")[1] not in rotated.output and new.split(":")[1] not in rotated.output


def test_encrypt_fails_naming_files_no_key_opens_and_leaves_them(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = uploads.store(_use_keys(monkeypatch, folder, _new_key("lost")), pdf_bytes())
    path = uploads.path_for(make_settings("sqlite://", upload_dir=folder), stored.key)
    before = path.read_bytes()

    _use_keys(monkeypatch, folder, _new_key("other"))
    result = runner.invoke(app, ["uploads", "encrypt"])

    assert result.exit_code == 1
    assert "1 unreadable (left as they were)" in result.stdout
    assert f"unreadable under INDUSX_FILE_KEYS: {stored.key}" in result.output
    assert path.read_bytes() == before


def test_production_without_file_keys_refuses_to_run(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INDUSX_ENV", "production")
    monkeypatch.delenv("INDUSX_FILE_KEYS", raising=False)
    get_settings.cache_clear()

    result = runner.invoke(app, ["uploads", "encrypt"])

    assert result.exit_code == 2
    assert "INDUSX_FILE_KEYS must be set in production" in result.output
