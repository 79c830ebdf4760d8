"""Sealing stored files with AES-256-GCM: the format, the key ring and its refusals."""

import base64

import pytest
from pydantic import SecretStr, ValidationError

from indusx import filecrypt
from indusx.config import DEV_SECRET_KEY, Environment, Settings
from indusx.filecrypt import KeyRing, KeyRingError, Unreadable

KEY_A = "a" * 32
KEY_B = "b" * 32
PLAIN = b"%PDF-1.7 towed-array sonar drawing, Controlled Technical Data"


def ring(text: str) -> KeyRing:
    return filecrypt.parse_key_ring(text)


def entry(key_id: str, fill: bytes) -> str:
    return f"{key_id}:{base64.b64encode(fill * 32).decode()}"


ENTRY_A = entry("a", b"\x01")
ENTRY_B = entry("b", b"\x02")
RING_A = ring(ENTRY_A)


def test_a_sealed_file_starts_with_the_magic_and_holds_no_plaintext() -> None:
    blob = filecrypt.seal(RING_A, PLAIN, storage_key=KEY_A)

    assert blob.startswith(filecrypt.MAGIC + bytes([filecrypt.VERSION]))
    assert PLAIN not in blob and b"towed-array" not in blob
    assert filecrypt.key_id_of(blob) == "a"
    assert filecrypt.open_sealed(RING_A, blob, storage_key=KEY_A) == PLAIN


def test_sealing_the_same_file_twice_uses_a_fresh_nonce() -> None:
    first = filecrypt.seal(RING_A, PLAIN, storage_key=KEY_A)
    second = filecrypt.seal(RING_A, PLAIN, storage_key=KEY_A)

    header = len(filecrypt.MAGIC) + 2 + len("a")
    nonce = slice(header, header + filecrypt.NONCE_BYTES)
    assert first[nonce] != second[nonce] and first != second


@pytest.mark.parametrize("at", [0, 1, 3, 4, 5, 6, 8, 20, -1])
def test_a_flipped_byte_anywhere_is_refused(at: int) -> None:
    blob = bytearray(filecrypt.seal(RING_A, PLAIN, storage_key=KEY_A))
    blob[at] ^= 0x01

    with pytest.raises(Unreadable, match=KEY_A):
        filecrypt.open_sealed(RING_A, bytes(blob), storage_key=KEY_A)


def test_a_file_moved_to_another_storage_key_is_refused() -> None:
    blob = filecrypt.seal(RING_A, PLAIN, storage_key=KEY_A)

    with pytest.raises(Unreadable, match=f"stored file {KEY_B} fails authentication"):
        filecrypt.open_sealed(RING_A, blob, storage_key=KEY_B)


def test_a_truncated_file_is_refused() -> None:
    blob = filecrypt.seal(RING_A, PLAIN, storage_key=KEY_A)

    with pytest.raises(Unreadable, match="truncated"):
        filecrypt.open_sealed(RING_A, blob[:20], storage_key=KEY_A)


def test_a_key_ring_without_the_files_key_or_with_another_key_of_its_id_is_refused() -> None:
    blob = filecrypt.seal(RING_A, PLAIN, storage_key=KEY_A)

    with pytest.raises(Unreadable, match="sealed under key 'a', which INDUSX_FILE_KEYS lacks"):
        filecrypt.open_sealed(ring(ENTRY_B), blob, storage_key=KEY_A)
    with pytest.raises(Unreadable, match="fails authentication under key 'a'"):
        filecrypt.open_sealed(ring(entry("a", b"\x02")), blob, storage_key=KEY_A)


def test_the_first_key_seals_and_every_key_opens() -> None:
    old = filecrypt.seal(RING_A, PLAIN, storage_key=KEY_A)
    rotated = ring(f"{ENTRY_B}, {ENTRY_A}")

    assert rotated.current == "b" and rotated.ids == ("b", "a")
    assert filecrypt.open_sealed(rotated, old, storage_key=KEY_A) == PLAIN
    assert filecrypt.key_id_of(filecrypt.seal(rotated, PLAIN, storage_key=KEY_A)) == "b"


def test_legacy_plaintext_reads_as_it_is() -> None:
    assert not filecrypt.is_sealed(PLAIN)
    assert filecrypt.key_id_of(PLAIN) is None
    assert filecrypt.open_sealed(RING_A, PLAIN, storage_key=KEY_A) == PLAIN


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("", "holds no key"),
        ("no-colon", "entry 1 is not id:base64-key"),
        ("bad id!:AAAA", "entry 1 is not id:base64-key"),
        ("k:not base64!", "'k' is not base64"),
        (f"k:{base64.b64encode(b'short').decode()}", "'k' has 5 bytes; AES-256 needs 32"),
        (f"{entry('k', b'1')},{entry('k', b'2')}", "names key 'k' twice"),
    ],
)
def test_a_malformed_key_ring_is_refused_without_echoing_keys(text: str, fault: str) -> None:
    with pytest.raises(KeyRingError, match=fault) as refused:
        ring(text)
    assert base64.b64encode(b"1" * 32).decode() not in str(refused.value)


def test_a_new_entry_is_a_usable_random_key() -> None:
    first, second = filecrypt.new_entry("2026-11"), filecrypt.new_entry()

    assert first.startswith("2026-11:") and first != second
    made = ring(f"{first},{second}")
    assert len(made.keys[0][1]) == 32 and made.keys[0][1] != made.keys[1][1]
    assert "KeyRing(ids=('2026-11'," in repr(made) and first.split(":")[1] not in repr(made)


def test_production_refuses_to_start_without_file_keys() -> None:
    with pytest.raises(ValidationError, match="INDUSX_FILE_KEYS must be set in production"):
        Settings(env=Environment.PRODUCTION, secret_key="s" * 40)


def test_production_refuses_the_dev_key_and_a_malformed_ring() -> None:
    dev = filecrypt.dev_key_ring(DEV_SECRET_KEY).keys[0][1]
    dev_entry = f"old:{base64.b64encode(dev).decode()}"
    with pytest.raises(ValidationError, match="must not hold the dev key") as refused:
        Settings(env=Environment.PRODUCTION, secret_key="s" * 40,
                 file_keys=SecretStr(dev_entry))
    assert base64.b64encode(dev).decode() not in str(refused.value)
    with pytest.raises(ValidationError, match="'k' has 3 bytes"):
        Settings(env=Environment.PRODUCTION, secret_key="s" * 40, file_keys=SecretStr("k:AAAA"))


def test_production_reads_its_key_ring_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INDUSX_ENV", "production")
    monkeypatch.setenv("INDUSX_SECRET_KEY", "s" * 40)
    new, old = entry("new", b"\x02"), entry("old", b"\x01")
    monkeypatch.setenv("INDUSX_FILE_KEYS", f"{new},{old}")

    settings = Settings()

    assert settings.file_key_ring.ids == ("new", "old")
    assert new.split(":")[1] not in repr(settings) and new.split(":")[1] not in str(settings)


def test_dev_and_test_runs_without_the_setting_use_the_fixed_dev_ring() -> None:
    dev = Settings(env=Environment.DEV)
    test = Settings(env=Environment.TEST, secret_key="s" * 40)

    assert dev.file_key_ring == test.file_key_ring == filecrypt.dev_key_ring(DEV_SECRET_KEY)
    assert dev.file_key_ring.current == filecrypt.DEV_KEY_ID
