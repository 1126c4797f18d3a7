"""Short codes printed on worksheets, each of which regenerates its sheet's answer key.

A code holds a sheet's seed and a check over what the sheet was made from (the exercise sources
and how many of each), written in Crockford's base 32 so it reads aloud and survives a
handwritten copy: `gradeck worksheet ITEMS... --key CODE` gives the key again, and refuses a code
that was made for other exercises instead of printing a wrong key. A student's seed comes from
their name, so the same roster gives the same sheets every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from gradeck.errors import GradeckError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_READ_AS = {"O": "0", "I": "1", "L": "1"}
CHECK_DIGITS = 4  # 20 bits: a code typed for other exercises passes with odds of one in a million
STUDENT_SEEDS = 1 << 20
MAX_SEED = (1 << 40) - 1  # eight base-32 digits


def _digest(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def _base32(number: int, width: int = 1) -> str:
    digits = ""
    while number or len(digits) < width:
        number, rest = divmod(number, 32)
        digits = ALPHABET[rest] + digits
    return digits


def _check(seed: int, made_from: str) -> str:
    return _base32(_digest("check", str(seed), made_from) % (32**CHECK_DIGITS), CHECK_DIGITS)


def fingerprint(sources: Sequence[str], count: int) -> str:
    """What a sheet was made from, independent of where its deck files live."""
    return "\x1e".join([*sources, str(count)])


def student_seed(name: str, base_seed: int) -> int:
    """The seed of a student's sheet: from the name (and the sheet's --seed), never random."""
    return _digest("student", " ".join(name.split()).casefold(), str(base_seed)) % STUDENT_SEEDS


def encode(seed: int, made_from: str) -> str:
    """The code of the sheet with this seed, e.g. `3F-K7Q2`."""
    if not 0 <= seed <= MAX_SEED:
        raise GradeckError(f"a worksheet seed must be between 0 and {MAX_SEED}, not {seed}")
    return f"{_base32(seed)}-{_check(seed, made_from)}"


def decode(code: str, made_from: str) -> int:
    """The seed in `code`, after checking that it was made for these exercises."""
    cleaned = "".join(_READ_AS.get(c, c) for c in code.strip().upper())
    head, dash, check = cleaned.partition("-")
    if not dash or not head or len(head) > 8 or len(check) != CHECK_DIGITS:
        raise GradeckError(f"{code!r} is not a worksheet code (they look like 3F-K7Q2)")
    if any(c not in ALPHABET for c in head + check):
        raise GradeckError(f"{code!r} is not a worksheet code (they look like 3F-K7Q2)")
    seed = 0
    for c in head:
        seed = seed * 32 + ALPHABET.index(c)
    if _check(seed, made_from) != check:
        raise GradeckError(
            f"code {code!r} was not made for these exercises: give the same exercises and "
            "--count as on the worksheet"
        )
    return seed
