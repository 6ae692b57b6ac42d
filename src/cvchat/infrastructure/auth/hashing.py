"""Token secrets hashed with Argon2id (pwdlib), the ``SecretHasher`` port.

The parameters are OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane): a secret has
256 random bits, so a costlier hash adds no protection against guessing, only CPU per check
(the library defaults, 64 MiB × 3 passes × 4 lanes, took ~0.6 s on the 2-core test box).
Each hash records its parameters, so changing them later keeps old tokens valid.
"""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19_456, "parallelism": 1}


class Argon2SecretHasher:
    def __init__(self) -> None:
        self._hash = PasswordHash((Argon2Hasher(**ARGON2_PARAMETERS),))

    def hash(self, secret: str) -> str:
        return self._hash.hash(secret)

    def verify(self, secret: str, hashed: str) -> bool:
        try:
            return self._hash.verify(secret, hashed)
        except UnknownHashError:
            return False
