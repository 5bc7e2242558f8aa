"""Encryption of reporter identities and of raw mail from pseudonymous and anonymous reporters.

Keys come from ``TAPECUT_IDENTITY_KEYS`` (Fernet keys separated by commas or new lines, newest
first) or the file named by ``TAPECUT_IDENTITY_KEYS_FILE``. With several keys, the first encrypts
and all decrypt, so ``tapecut rotate-keys`` can re-encrypt everything under a new key and the old
one can then be dropped. Without a configured key a development key is derived from SECRET_KEY
(tapecut.W010 warns about it).

Keyed hashes (to find the same sender again, to deduplicate protected mail, to hash message-ids
and client addresses) use ``TAPECUT_IDENTITY_HMAC_KEY``, a separate secret that is never rotated:
rotating it would change every pseudonym. Unset, it is derived from SECRET_KEY (tapecut.W011).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = [
    "InvalidToken",
    "configured_keys",
    "decrypt",
    "decrypt_text",
    "encrypt",
    "encrypt_text",
    "generate_key",
    "is_token",
    "keyed_hash",
    "rotate",
    "uses_derived_hmac_key",
    "uses_derived_key",
]


def _split(raw: str) -> list[str]:
    return [k.strip() for k in raw.replace("\n", ",").split(",") if k.strip()]


def configured_keys() -> list[bytes]:
    keys = [k.encode() for k in _split(settings.TAPECUT_IDENTITY_KEYS)]
    if keys:
        return keys
    derived = hashlib.sha256(b"tapecut-identity:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(derived)]


def uses_derived_key() -> bool:
    return not _split(settings.TAPECUT_IDENTITY_KEYS)


def uses_derived_hmac_key() -> bool:
    return not settings.TAPECUT_IDENTITY_HMAC_KEY


def generate_key() -> str:
    return Fernet.generate_key().decode()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def encrypt(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return fernet().decrypt(bytes(token))


def encrypt_text(text: str) -> str:
    return encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    return decrypt(token.encode()).decode()


def rotate(token: bytes) -> bytes:
    """The same plaintext under the newest key (raises InvalidToken when no key fits)."""
    return fernet().rotate(bytes(token))


def is_token(value: object) -> bool:
    """Does this look like a Fernet token? (Version byte 0x80 encodes to "gAAAAA".)"""
    return isinstance(value, str | bytes) and bytes(
        value.encode() if isinstance(value, str) else value
    ).startswith(b"gAAAAA")


def _hmac_key() -> bytes:
    secret = settings.TAPECUT_IDENTITY_HMAC_KEY or settings.SECRET_KEY
    return hashlib.sha256(b"tapecut-hmac:" + secret.encode()).digest()


def keyed_hash(value: str | bytes) -> str:
    """A stable, keyed digest: finds equal values without revealing them."""
    data = value.encode() if isinstance(value, str) else value
    return hmac.new(_hmac_key(), data, hashlib.sha256).hexdigest()
