"""Encryption of reporter identities and of raw mail from pseudonymous and anonymous reporters.

Keys come from ``TAPECUT_IDENTITY_KEYS`` (comma-separated Fernet keys, newest first) or the file
named by ``TAPECUT_IDENTITY_KEYS_FILE``. With several keys, the first encrypts and all decrypt, so
``tapecut rotate-keys`` can re-encrypt everything under a new key. Without a configured key a
development key is derived from SECRET_KEY (tapecut.W010 warns about it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from tapecut.envconf import env_list


def configured_keys() -> list[bytes]:
    keys = [k.encode() for k in env_list("TAPECUT_IDENTITY_KEYS")]
    if keys:
        return keys
    derived = hashlib.sha256(b"tapecut-identity:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(derived)]


def uses_derived_key() -> bool:
    return not env_list("TAPECUT_IDENTITY_KEYS")


@lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def encrypt(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return fernet().decrypt(bytes(token))


def rotate(token: bytes) -> bytes:
    return fernet().rotate(bytes(token))


def _hmac_key() -> bytes:
    # Bound to the oldest configured key so that rotation does not change pseudonyms.
    return hashlib.sha256(b"tapecut-hmac:" + configured_keys()[-1]).digest()


def keyed_hash(value: str | bytes) -> str:
    """A stable, keyed digest: finds equal values without revealing them."""
    data = value.encode() if isinstance(value, str) else value
    return hmac.new(_hmac_key(), data, hashlib.sha256).hexdigest()
