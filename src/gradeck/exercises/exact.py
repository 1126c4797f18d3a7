"""Exact values: an answer worked out as a fraction, and a typed answer read as one.

A part marked `exact` is right only when the learner's value equals the answer exactly, as
rational numbers: `0.375` and `3/8` are both exactly three eighths, `0.333` is not a third.
Floats cannot say that (0.1 + 0.2 is not 0.3 in floats), so the answer is worked out again here
with `fractions.Fraction`, from the drawn values as the decimals they were declared as, through
the same parsed tree; and the typed text is read the same way. Only rational steps are exact:
+, −, ×, ÷, whole powers, abs, min, max, floor, ceil and round. Anything else (exp, sigmoid, e,
an engine result) raises Inexact. Sizes are bounded, so a hostile expression cannot make the
fractions grow without end.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from gradeck.exercises.expr import (
    Call,
    Chain,
    Const,
    Neg,
    Node,
    Num,
    ParseError,
    Power,
    Var,
    Vector,
)
from gradeck.exercises.parse import parse

ExactValue = Fraction | tuple  # a fraction, or a tuple of exact values

MAX_POWER = 64  # the largest whole exponent worked out exactly
MAX_BITS = 4096  # the largest numerator or denominator, in bits
DECIMAL_DIGITS = 12  # an exact value with a terminating decimal this short is shown as one


class Inexact(ValueError):
    """A value that has no exact rational form (or one too large to work with)."""


def from_float(x: float) -> Fraction:
    """A drawn or typed number as the decimal it was written as (0.1 is one tenth)."""
    if not math.isfinite(x):
        raise Inexact("not a finite number")
    return Fraction(Decimal(repr(float(x))))


def exact_value(node: Node, env: Mapping[str, ExactValue]) -> ExactValue:
    """The value of a parsed tree as fractions; Inexact when a step is not rational."""
    match node:
        case Num(mantissa=mantissa, exp10=exp10):
            return _bounded(Fraction(mantissa) * Fraction(10) ** exp10)
        case Const(name=name):
            raise Inexact(f"the constant {name} is not a fraction")
        case Var(name=name):
            if name not in env:
                raise Inexact(f"{name!r} has no exact value")
            return env[name]
        case Neg(operand=operand):
            return -_scalar(operand, env)
        case Chain(first=first, links=links):
            total = _scalar(first, env)
            for link in links:
                term = _scalar(link.operand, env)
                if link.op == "/" and term == 0:
                    raise Inexact("division by zero")
                total = _bounded(_OPS[link.op](total, term))
            return total
        case Power(base=base, exponent=exponent):
            return _power(_scalar(base, env), _scalar(exponent, env))
        case Call(func=func, args=args):
            return _call(func, [_scalar(arg, env) for arg in args])
        case Vector(items=items):
            return tuple(exact_value(item, env) for item in items)
    raise Inexact("cannot work this out exactly")


_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


def _scalar(node: Node, env: Mapping[str, ExactValue]) -> Fraction:
    value = exact_value(node, env)
    if isinstance(value, tuple):
        raise Inexact("expected a single value")
    return value


def _bounded(value: Fraction) -> Fraction:
    if value.numerator.bit_length() > MAX_BITS or value.denominator.bit_length() > MAX_BITS:
        raise Inexact("too large to work out exactly")
    return value


def _power(base: Fraction, exponent: Fraction) -> Fraction:
    if exponent.denominator != 1 or abs(exponent) > MAX_POWER:
        raise Inexact("only whole powers up to 64 are exact")
    if base == 0 and exponent < 0:
        raise Inexact("zero to a negative power")
    return _bounded(base ** int(exponent))


def _call(func: str, values: list[Fraction]) -> Fraction:
    if func == "abs":
        return abs(values[0])
    if func == "min":
        return min(values)
    if func == "max":
        return max(values)
    if func == "floor":
        return Fraction(math.floor(values[0]))
    if func == "ceil":
        return Fraction(math.ceil(values[0]))
    if func == "round":
        digits = values[1] if len(values) > 1 else Fraction(0)
        if digits.denominator != 1 or not 0 <= digits <= 15:
            raise Inexact("round's second value is a whole number of digits from 0 to 15")
        step = Fraction(10) ** -int(digits)
        # half away from zero, as gradeck's round does
        units = math.floor(abs(values[0]) / step + Fraction(1, 2))
        return (1 if values[0] >= 0 else -1) * units * step
    raise Inexact(f"{func}(…) gives no exact fraction")


def read_exact(text: str, read: object) -> ExactValue | None:
    """A typed answer as fractions: the text itself when it is rational arithmetic (`3/8`);
    when the plain grammar cannot read it (numbers separated by spaces), the numbers `read`
    (the forms reader's reading of it) as the decimals they were typed as; None for an
    irrational expression such as sqrt(2)."""
    try:
        return exact_value(parse(text), {})
    except Inexact:
        return None
    except ParseError:
        pass
    try:
        return _from_read(read)
    except Inexact:
        return None


def _from_read(value: object) -> ExactValue:
    if isinstance(value, tuple):
        return tuple(_from_read(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_float(float(value))
    raise Inexact("not a number")


def same(answer: ExactValue | None, target: ExactValue) -> bool:
    """Whether two exact values are equal, a lone number standing for a one-element vector."""
    if answer is None:
        return False
    if isinstance(target, tuple) and len(target) == 1 and not isinstance(answer, tuple):
        answer = (answer,)
    if isinstance(answer, tuple) != isinstance(target, tuple):
        return False
    if isinstance(target, tuple):
        assert isinstance(answer, tuple)
        return len(answer) == len(target) and all(
            same(a, t) for a, t in zip(answer, target, strict=True)
        )
    return answer == target


def whole(value: ExactValue) -> bool:
    if isinstance(value, tuple):
        return all(whole(v) for v in value)
    return value.denominator == 1


def as_float(value: ExactValue) -> float | tuple:
    if isinstance(value, tuple):
        return tuple(as_float(v) for v in value)
    return float(value)


def exact_text(value: ExactValue) -> str:
    """An exact value as a person writes it: a short decimal where it has one (0.375), else a
    fraction (1/3)."""
    if isinstance(value, tuple):
        return "[" + ", ".join(exact_text(v) for v in value) + "]"
    twos = fives = 0
    rest = value.denominator
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    places = max(twos, fives)
    if rest == 1 and places <= DECIMAL_DIGITS:
        scaled = abs(value.numerator) * 10**places // value.denominator
        digits = str(scaled).rjust(places + 1, "0")
        shown = digits[: len(digits) - places] + ("." + digits[-places:] if places else "")
        return ("-" if value < 0 else "") + shown
    return f"{value.numerator}/{value.denominator}"
