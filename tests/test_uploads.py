"""Stored uploads: readable by the app's own user only, and sealed with AES-256-GCM so that a
copied upload folder or backup reveals nothing."""

import base64
import hashlib
import logging
import stat
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from indusx import filecrypt, uploads
from indusx.accounts.models import User
from indusx.config import Settings
from indusx.errors import Invalid
from indusx.orgs.models import Organisation
from tests.challenges.conftest import pdf_bytes
from tests.conftest import make_settings
from tests.partnerships.dataroom_support import build, name_members, put

OLD = "old:" + base64.b64encode(bytes([1]) * 32).decode()
NEW = "new:" + base64.b64encode(bytes([2]) * 32).decode()
SECRET_TEXT = b"Sonar dome acoustic window: 38 mm, Controlled Technical Data.\n"
SECRET_SHA = hashlib.sha256(SECRET_TEXT).hexdigest()


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


def _keyed(tmp_path: Path, keys: str | None) -> Settings:
    return make_settings("sqlite://", upload_dir=tmp_path / "uploads",
                         file_keys=SecretStr(keys) if keys else None)


def _legacy(settings: Settings, key: str, data: bytes) -> Path:
    """Write a file as versions before sealing did: plaintext."""
    path = uploads.path_for(settings, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_stored_file_is_sealed_on_disk_and_reads_back(tmp_path: Path) -> None:
    settings = _keyed(tmp_path, NEW)
    data = pdf_bytes()

    stored = uploads.store(settings, data)

    on_disk = uploads.path_for(settings, stored.key).read_bytes()
    assert on_disk.startswith(filecrypt.MAGIC) and filecrypt.key_id_of(on_disk) == "new"
    assert data not in on_disk and b"/Type /Catalog" not in on_disk
    assert uploads.read(settings, stored.key, sha256=stored.sha256) == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert not list((tmp_path / "uploads").rglob("*.part"))


def test_a_missing_file_is_gone_not_a_server_error(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="missing from storage") as missing:
        uploads.read(_keyed(tmp_path, NEW), "ab" * 16, sha256="0" * 64)
    assert missing.value.status == 410


def test_a_tampered_or_swapped_file_is_refused_and_logged_by_its_storage_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _keyed(tmp_path, NEW)
    first, second = uploads.store(settings, pdf_bytes()), uploads.store(settings, pdf_bytes())
    first_path, second_path = (uploads.path_for(settings, s.key) for s in (first, second))
    second_path.write_bytes(first_path.read_bytes())  # one record's file under another's key
    damaged = bytearray(first_path.read_bytes())
    damaged[-5] ^= 0x40
    first_path.write_bytes(bytes(damaged))

    with caplog.at_level(logging.ERROR, logger="indusx.uploads"):
        for stored in (first, second):
            with pytest.raises(filecrypt.Unreadable, match=f"stored file {stored.key} fails"):
                uploads.read(settings, stored.key, sha256=stored.sha256)

    assert f"stored file {first.key} cannot be read" in caplog.text
    assert f"stored file {second.key} cannot be read" in caplog.text


def test_a_wrong_key_ring_is_refused(tmp_path: Path) -> None:
    stored = uploads.store(_keyed(tmp_path, OLD), pdf_bytes())

    with pytest.raises(filecrypt.Unreadable, match="under key 'old', which INDUSX_FILE_KEYS"):
        uploads.read(_keyed(tmp_path, NEW), stored.key, sha256=stored.sha256)


def test_a_legacy_plaintext_file_reads_and_is_then_sealed_once(tmp_path: Path) -> None:
    settings = _keyed(tmp_path, NEW)
    key = "cd" * 16
    path = _legacy(settings, key, SECRET_TEXT)

    assert uploads.read(settings, key, sha256=SECRET_SHA) == SECRET_TEXT
    assert uploads.reseal(settings, key, dry_run=True) is uploads.Resealed.PLAINTEXT
    assert path.read_bytes() == SECRET_TEXT  # a dry run writes nothing
    assert uploads.reseal(settings, key) is uploads.Resealed.PLAINTEXT
    sealed = path.read_bytes()
    assert sealed.startswith(filecrypt.MAGIC) and b"Sonar" not in sealed
    assert uploads.reseal(settings, key) is uploads.Resealed.CURRENT
    assert path.read_bytes() == sealed
    assert uploads.read(settings, key, sha256=SECRET_SHA) == SECRET_TEXT
    assert _mode(path) == 0o600


def test_plaintext_put_in_place_of_a_sealed_file_is_refused_even_once_resealed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _keyed(tmp_path, NEW)
    stored = uploads.store(settings, pdf_bytes())
    path = _legacy(settings, stored.key, b"%PDF-1.7 a document someone else wrote")

    with caplog.at_level(logging.ERROR, logger="indusx.uploads"):
        with pytest.raises(filecrypt.Unreadable, match="not the file uploaded"):
            uploads.read(settings, stored.key, sha256=stored.sha256)
        # `uploads encrypt` seals what it finds; the recorded digest still tells it apart.
        assert uploads.reseal(settings, stored.key) is uploads.Resealed.PLAINTEXT
        with pytest.raises(filecrypt.Unreadable, match="not the file uploaded"):
            uploads.read(settings, stored.key, sha256=stored.sha256)

    assert path.read_bytes().startswith(filecrypt.MAGIC)
    assert f"stored file {stored.key} cannot be read" in caplog.text


def test_store_keeps_only_the_bytes_check_accepted(tmp_path: Path) -> None:
    settings = _keyed(tmp_path, NEW)
    checked = uploads.check(settings, pdf_bytes())
    other = pdf_bytes() + b"%% appended after the check\n"

    assert checked == uploads.Checked(mime="application/pdf",
                                      sha256=hashlib.sha256(pdf_bytes()).hexdigest())
    with pytest.raises(ValueError, match="not the ones `check` accepted"):
        uploads.store(settings, other, checked=checked)
    with pytest.raises(ValueError, match="not the ones `check` accepted"):
        uploads.store(settings, pdf_bytes(), checked="application/pdf")  # type: ignore[arg-type]
    assert uploads.stored_keys(settings) == []
    assert uploads.store(settings, pdf_bytes(), checked=checked).mime == "application/pdf"


def test_a_rewrite_leaves_another_writers_temporary_file_alone(tmp_path: Path) -> None:
    settings = _keyed(tmp_path, NEW)
    key = "ef" * 16
    path = _legacy(settings, key, SECRET_TEXT)
    # What the fixed `<key>.part` name of a concurrent `uploads encrypt` run would be.
    theirs = path.with_suffix(".part")
    theirs.write_bytes(b"another writer's half-written blob")

    assert uploads.reseal(settings, key) is uploads.Resealed.PLAINTEXT

    assert theirs.read_bytes() == b"another writer's half-written blob"
    assert uploads.read(settings, key, sha256=SECRET_SHA) == SECRET_TEXT
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([key, theirs.name])


def test_rotation_reseals_under_the_new_key_and_the_old_key_can_then_be_dropped(
    tmp_path: Path,
) -> None:
    stored = uploads.store(_keyed(tmp_path, OLD), pdf_bytes())
    both = _keyed(tmp_path, f"{NEW},{OLD}")

    assert uploads.reseal(both, stored.key) is uploads.Resealed.OLDER_KEY

    path = uploads.path_for(both, stored.key)
    assert filecrypt.key_id_of(path.read_bytes()) == "new"
    assert uploads.read(_keyed(tmp_path, NEW), stored.key, sha256=stored.sha256) == pdf_bytes()


def test_an_unreadable_file_is_reported_and_left_as_it_is(tmp_path: Path) -> None:
    stored = uploads.store(_keyed(tmp_path, OLD), pdf_bytes())
    path = uploads.path_for(_keyed(tmp_path, OLD), stored.key)
    before = path.read_bytes()

    assert uploads.reseal(_keyed(tmp_path, NEW), stored.key) is uploads.Resealed.UNREADABLE
    assert path.read_bytes() == before


def test_stored_keys_lists_only_stored_files(tmp_path: Path) -> None:
    settings = _keyed(tmp_path, NEW)
    stored = uploads.store(settings, pdf_bytes())
    shard = uploads.path_for(settings, stored.key).parent
    (shard / f"{stored.key[:-2]}xx.part").write_bytes(b"half")
    (tmp_path / "uploads" / "README").write_bytes(b"not a stored file")

    assert uploads.stored_keys(settings) == [stored.key]
    assert uploads.stored_keys(_keyed(tmp_path / "none", NEW)) == []


@pytest.fixture
def w(
    session: Session,
    people: SimpleNamespace,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    tmp_path: Path,
    database_url: str,
) -> SimpleNamespace:
    return build(session, people, make_user, make_org, tmp_path, database_url)


@pytest.fixture
def settings(w: SimpleNamespace) -> Settings:
    """The app stores uploads in the test's folder."""
    settings: Settings = w.settings
    return settings


def test_a_data_room_file_is_sealed_on_disk_and_a_tampered_one_is_a_server_error(
    session: Session, w: SimpleNamespace, client: TestClient,
    bearer: Callable[[User], dict[str, str]], caplog: pytest.LogCaptureFixture,
) -> None:
    name_members(session, w, w.alice)
    version = put(session, w, w.alice, marking="public", data=SECRET_TEXT)
    path = uploads.path_for(w.settings, version.storage_key)
    assert b"Sonar" not in path.read_bytes()
    url = f"/api/v1/partnerships/{w.pact.id}/documents/{version.document_id}/download"

    opened = client.get(url, headers=bearer(w.alice))
    assert opened.status_code == 200 and SECRET_TEXT.decode().strip() in opened.text

    damaged = bytearray(path.read_bytes())
    damaged[-1] ^= 0x01
    path.write_bytes(bytes(damaged))
    with caplog.at_level(logging.ERROR):
        refused = client.get(url, headers=bearer(w.alice))

    assert refused.status_code == 500
    assert "Sonar" not in refused.text and "quote this id" in refused.json()["detail"]
    assert f"stored file {version.storage_key} cannot be read" in caplog.text


def test_a_data_room_file_replaced_by_plaintext_is_a_server_error_not_the_new_bytes(
    session: Session, w: SimpleNamespace, client: TestClient,
    bearer: Callable[[User], dict[str, str]], caplog: pytest.LogCaptureFixture,
) -> None:
    name_members(session, w, w.alice)
    version = put(session, w, w.alice, marking="public", data=SECRET_TEXT)
    # Someone with write access to the upload volume puts plaintext in the sealed file's place.
    _legacy(w.settings, version.storage_key, b"Wire the payment to account 0042.\n")
    url = f"/api/v1/partnerships/{w.pact.id}/documents/{version.document_id}/download"

    with caplog.at_level(logging.ERROR):
        refused = client.get(url, headers=bearer(w.alice))

    assert refused.status_code == 500 and "0042" not in refused.text
    assert f"stored file {version.storage_key} cannot be read" in caplog.text
