"""Reading what a person types into tokens: numbers, names, operators and superscripts.

Typographic signs (−, ×, ·, ÷, √, x²) read as their ASCII counterparts; programming forms
(0x1f, 1_000) and stray characters (=, %, quotes) are refused with a message of their own.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from gradeck.exercises.expr import Num, ParseError

MAX_EXPONENT = 400  # the `e` part of a number literal such as 1e-400

_OPERATORS = {
    "+": "+",
    "-": "-",
    "−": "-",  # U+2212 minus sign
    "–": "-",  # en dash, as pasted from documents
    "*": "*",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∙": "*",
    "/": "/",
    "÷": "/",
    "∕": "/",
    "^": "^",
    "(": "(",
    ")": ")",
    "[": "[",
    "]": "]",
    ",": ",",
    ";": ";",
    "√": "√",
}
_SUPERSCRIPTS = {c: i for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
_CHAR_HINTS = {
    "=": "'=' is not needed: type just the value",
    "%": "'%' is not understood: write 5% as 0.05",
    "'": "quotes are not part of an answer",
    '"': "quotes are not part of an answer",
    "{": "use [ ] for vectors",
    "}": "use [ ] for vectors",
}
_DIGITS = "0123456789"
# Number forms from programming languages, refused with their own message rather than read as
# 0 times a variable: the prefix letter and the digits that may follow it.
_BASES = {
    "x": ("hex", "0123456789abcdefABCDEF"),
    "b": ("binary", "01"),
    "o": ("octal", "01234567"),
}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "num", "name", "op", "sup", "end"
    text: str  # canonical operator for "op"; the name for "name"
    pos: int
    number: Num | None = None
    power: int = 0  # for "sup"


def _char_name(ch: str) -> str:
    return f"'{ch}'" if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"


def _is_name_start(ch: str) -> bool:
    return ch == "_" or (ch.isalpha() and ch not in _SUPERSCRIPTS)


def _scan_digits(text: str, i: int) -> int:
    while i < len(text) and text[i] in _DIGITS:
        i += 1
    return i


def _refuse_separator(text: str, i: int) -> None:
    """A '_' between digits (1_000) is Python's separator, not multiplication by a name."""
    if text[i : i + 1] == "_" and i + 1 < len(text) and text[i + 1] in _DIGITS:
        raise ParseError("write numbers without '_' separators", i, text)


def _refuse_base(text: str, start: int, i: int) -> None:
    """0x10, 0b101 and 0o17 are numbers in other bases, which answers do not use."""
    prefix = text[i : i + 1].lower()
    if text[start:i] == "0" and prefix in _BASES and i + 1 < len(text):
        base, digits = _BASES[prefix]
        if text[i + 1] in digits:
            raise ParseError(
                f"{base} numbers are not accepted: write the number in decimal", i, text
            )


def _number(text: str, start: int) -> tuple[Token, int]:
    i = _scan_digits(text, start)
    whole = text[start:i]
    _refuse_separator(text, i)
    _refuse_base(text, start, i)
    frac = ""
    if i < len(text) and text[i] == ".":
        j = _scan_digits(text, i + 1)
        frac = text[i + 1 : j]
        i = j
        _refuse_separator(text, i)
        if not whole and not frac:
            raise ParseError("a lone '.' is not a number", start, text)
    exponent = 0
    if i < len(text) and text[i] in "eE":
        j = i + 1
        if j < len(text) and text[j] in "+-−":
            j += 1
        k = _scan_digits(text, j)
        if k > j:  # otherwise the `e` is the constant, and the missing '*' is reported later
            digits = text[j:k]
            if len(digits.lstrip("0")) > 3 or int(digits) > MAX_EXPONENT:
                raise ParseError("the number's exponent is out of range", i, text)
            exponent = -int(digits) if text[j - 1] in "-−" else int(digits)
            i = k
    if i < len(text) and text[i] == ".":
        raise ParseError("a number has at most one decimal point", i, text)
    mantissa = int(whole + frac or "0")
    value = float(f"{whole or 0}.{frac or 0}e{exponent}")
    if math.isinf(value):
        raise ParseError("this number is too large", start, text)
    num = Num(start, value, mantissa, exponent - len(frac))
    return Token("num", text[start:i], start, number=num), i


def tokens(text: str) -> Iterator[Token]:
    """Tokens one at a time, so that the first error in reading order is the one reported."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            token, i = _number(text, i)
            yield token
        elif ch == "*" and text.startswith("**", i):
            yield Token("op", "^", i)
            i += 2
        elif ch in _OPERATORS:
            yield Token("op", _OPERATORS[ch], i)
            i += 1
        elif ch in _SUPERSCRIPTS or ch == "⁻":
            j = i + 1 if ch == "⁻" else i
            k = j
            while k < n and text[k] in _SUPERSCRIPTS:
                k += 1
            if k == j or k - j > 3:
                raise ParseError("unexpected superscript", i, text)
            power = int("".join(str(_SUPERSCRIPTS[c]) for c in text[j:k]))
            yield Token("sup", text[i:k], i, power=-power if ch == "⁻" else power)
            i = k
        elif _is_name_start(ch):
            j = i + 1
            while j < n and (_is_name_start(text[j]) or text[j] in _DIGITS):
                j += 1
            yield Token("name", text[i:j], i)
            i = j
        else:
            hint = _CHAR_HINTS.get(ch, f"unexpected character {_char_name(ch)}")
            raise ParseError(hint, i, text)
    yield Token("end", "", n)
