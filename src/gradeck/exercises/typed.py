"""Whether a typed flashcard answer is one of the card's accepted answers.

Numbers are read by the exercises' own answer reader, so `0.250`, `1/4`, `2.5e-1` and `.25` are
all 0.25, and `4,640` and `4 640` are 4640, as in an exercise. Other text is compared after
folding away what does not change its meaning: case, runs of spaces, hyphens versus spaces
(`early-stopping`), the spelling of "by" in a size (`24 x 24`, `24×24`, `24x24`), a leading
article (`the chain rule`) and a full stop at the end.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from gradeck.exercises.expr import ParseError, Value
from gradeck.exercises.forms import read_answer

_DASHES = re.compile(r"[-‐‑‒–—_]+")
_BY = re.compile(r"(?<=\d)\s*[x×✕*]\s*(?=\d)")
_ARTICLE = re.compile(r"^(?:a|an|the)\s+")


def normalise(text: str) -> str:
    """The text with case, spacing, hyphens, size notation and a leading article folded away."""
    folded = _BY.sub("x", _DASHES.sub(" ", text.casefold()))
    folded = " ".join(folded.split()).rstrip(".").strip()
    return _ARTICLE.sub("", folded)


def number(text: str) -> Value | None:
    """The number (or vector) a text spells, read as exercise answers are; None if it is not one.

    Only text with a digit in it counts, so that a word such as `e` or `pi` stays a word.
    """
    if not any(ch.isdigit() for ch in text):
        return None
    try:
        return read_answer(text, "count", 0.0)
    except ParseError:
        return None


def _same_number(a: Value, b: Value) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (
            isinstance(a, tuple)
            and isinstance(b, tuple)
            and len(a) == len(b)
            and all(_same_number(x, y) for x, y in zip(a, b, strict=True))
        )
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def matches(given: str, accepted: Sequence[str]) -> bool:
    """Whether `given` is one of `accepted`, as a number or as text."""
    wanted = normalise(given)
    value = number(given)
    for answer in accepted:
        if wanted == normalise(answer):
            return True
        if value is not None:
            target = number(answer)
            if target is not None and _same_number(value, target):
                return True
    return False
