"""Answer forms that people type and the plain grammar would misread, read as they are meant.

The expression parser (`parse`) reads `0.1 -0.2` as a subtraction and `4,640` as a vector of two
values. Where the part makes the intent plain, these are read here first: numbers separated only
by spaces are a vector; digits grouped in threes by commas or spaces are one count where a count
is asked; and a decimal comma where one number is asked is refused with a message that names it.
Everything else goes to the parser unchanged.
"""

from __future__ import annotations

import re

from gradeck.exercises.expr import ParseError
from gradeck.exercises.model import AnswerKind, Value
from gradeck.exercises.parse import parse_value

_NUMBER = r"[+\-−]?(?:\d+\.?\d*|\.\d+)(?:[eE][+\-−]?\d+)?"
_SPACED = re.compile(rf"\s*(\[)?\s*({_NUMBER}(?:\s+{_NUMBER})+)\s*(?(1)\])\s*")
# Thousands grouped by commas, spaces, no-break or thin spaces: 4,640 or 4 640 or 12 000 000.
_GROUPED = re.compile(r"\s*\+?(\d{1,3})((?:[, \u00a0\u202f]\d{3})+)\s*")
_DECIMAL_COMMA = re.compile(r"\s*[+\-−]?(\d+),(\d+)\s*")


def read_answer(text: str, kind: AnswerKind, expected: Value) -> Value:
    """The learner's number, vector or matrix, as floats and tuples; ParseError if unreadable."""
    if kind == "count":
        grouped = _GROUPED.fullmatch(text)
        if grouped:
            return float(re.sub(r"\D", "", grouped.group(1) + grouped.group(2)))
    if not isinstance(expected, tuple):
        comma = _DECIMAL_COMMA.fullmatch(text)
        if comma and (comma.group(1).lstrip("0") == "" or len(comma.group(2)) != 3):
            point = f"{comma.group(1)}.{comma.group(2)}"
            raise ParseError(
                f"that looks like a decimal comma: write {point} with a point (a comma "
                "separates the values of a vector)",
                text.index(","),
                text,
            )
    spaced = _SPACED.fullmatch(text)
    if spaced:
        return parse_value("[" + ", ".join(spaced.group(2).split()) + "]")
    return parse_value(text)
