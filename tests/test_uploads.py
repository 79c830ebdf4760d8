"""Stored uploads are readable by the app's own user only."""

import stat
from pathlib import Path

import pytest

from indusx import uploads
from tests.challenges.conftest import pdf_bytes
from tests.conftest import make_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_stored_file_and_its_folders_are_private_to_the_app(tmp_path: Path) -> None:
    settings = make_settings("sqlite://", upload_dir=tmp_path / "uploads")

    stored = uploads.store(settings, pdf_bytes())

    path = uploads.path_for(settings, stored.key)
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(tmp_path / "uploads") == 0o700


def test_a_shard_folder_left_open_by_an_older_version_is_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings("sqlite://", upload_dir=tmp_path / "uploads")
    keys = iter(["ab" + "0" * 30, "ab" + "1" * 30])
    monkeypatch.setattr(uploads.secrets, "token_hex", lambda _: next(keys))
    first = uploads.store(settings, pdf_bytes())
    shard = uploads.path_for(settings, first.key).parent
    shard.chmod(0o755)

    second = uploads.store(settings, pdf_bytes())

    assert uploads.path_for(settings, second.key).parent == shard
    assert _mode(shard) == 0o700
