"""Symbolic answers: whether two expressions in the answer grammar are the same function.

A comparison at random points decides almost every answer: a wrong one differs somewhere, and
agreement at every usable point is taken as equality. Only when too few points are usable (an
expression defined on a narrow domain) does sympy try to prove a − b == 0, and it does so in a
separate process that is killed when it runs over time (`symbolic_worker`), so no input can hold
the caller. Before anything is evaluated, `read` holds the tree to limits on its size, on constant
exponents, and on the degree and number of terms it would expand to, and refuses what is larger
with a message that says so. This module does not import sympy.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

from gradeck.exercises import symbolic_worker
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
    evaluate,
    walk,
)
from gradeck.exercises.parse import parse

MAX_NODES = 150
MAX_POWER = 64  # largest exponent, in absolute value, of a power without variables in it
MAX_DEGREE = 16  # of the answer as a polynomial in its variables and function calls
MAX_TERMS = 10_000  # terms it would have if every product of sums were multiplied out
PROOF_SECONDS = 0.6  # for every sympy proof of one check together
MIN_PROOF_SECONDS = 0.05  # less left than this: no proof is started
POINTS = 12
MIN_POINTS = 6  # points where both sides are defined, needed for a numeric verdict

# Forms that work, for prompts: what a learner may type in a symbolic part.
FORMS_HELP = (
    "write a product as 2*x*(1 − x) or 2x(1 − x), a power with ^ or ², e^u as exp(u), σ(u) as "
    "sigmoid(u) or σ(u), and log for the natural logarithm"
)


def warm_up() -> None:
    """Get sympy ready in the background; front ends call it when a symbolic part is shown."""
    symbolic_worker.warm_up()


def read(text: str, names: Collection[str]) -> Node:
    """Parse a symbolic answer and hold it to the limits that keep checking it quick."""
    node = parse(text, names, implicit=True)
    nodes = list(walk(node))
    if len(nodes) > MAX_NODES:
        raise ParseError("too long for a symbolic answer; simplify it first", 0, text)
    if isinstance(node, Vector):
        raise ParseError("expected one expression, not a list of values", node.pos, text)
    for sub in nodes:
        if isinstance(sub, Call) and sub.func == "round":
            raise ParseError("round(…) cannot be part of a symbolic answer", sub.pos, text)
        if isinstance(sub, Power) and _constant(sub.exponent):
            exponent = evaluate(sub.exponent, text=text)
            if isinstance(exponent, float) and abs(exponent) > MAX_POWER:
                raise ParseError(f"exponent larger than {MAX_POWER}", sub.pos, text)
        if isinstance(sub, Power | Call) and _constant(sub):
            evaluate(sub, text=text)  # constants must be finite and defined before sympy sees them
    degree, terms = _size(node, text)
    if degree > MAX_DEGREE:
        raise ParseError(
            f"too large to check: degree {_count(degree)} when multiplied out (at most "
            f"{MAX_DEGREE}); simplify it first",
            0,
            text,
        )
    if terms > MAX_TERMS:
        raise ParseError(
            f"too large to check: {_count(terms)} terms when multiplied out (at most "
            f"{MAX_TERMS:,}); simplify it first",
            0,
            text,
        )
    return node


def _count(n: float) -> str:
    return f"{n:,.0f}" if n < 1e9 else "over a billion"


def _constant(node: Node) -> bool:
    return not any(isinstance(sub, Var) for sub in walk(node))


def _size(node: Node, text: str) -> tuple[float, float]:
    """(degree, terms) of the tree multiplied out, counting each function call as a variable.

    Floats, so that a tower of powers grows to inf instead of to a huge integer; the depth is
    bounded by the parser, so the recursion is too.
    """
    match node:
        case Num() | Const():
            return 0.0, 1.0
        case Var():
            return 1.0, 1.0
        case Neg(operand=operand):
            return _size(operand, text)
        case Chain(first=first, links=links):
            sizes = [_size(first, text), *(_size(link.operand, text) for link in links)]
            if links[0].op in "+-":
                return max(d for d, _ in sizes), sum(t for _, t in sizes)
            return sum(d for d, _ in sizes), math.prod(t for _, t in sizes)
        case Power(base=base, exponent=exponent):
            (d_base, t_base), (d_exp, t_exp) = _size(base, text), _size(exponent, text)
            if not _constant(exponent):
                return d_base + d_exp + 1, t_base * t_exp
            n = abs(float(evaluate(exponent, text=text)))  # type: ignore[arg-type]
            power = math.ceil(n)
            return d_base * power, _power(t_base, power)
        case Call(args=args):
            sizes = [_size(arg, text) for arg in args]
            return max(1.0, *(d for d, _ in sizes)), max(1.0, *(t for _, t in sizes))
    return 0.0, 1.0


def _power(terms: float, n: int) -> float:
    """terms**n, or inf where a float would overflow."""
    if terms <= 1:
        return 1.0
    return math.inf if n * math.log(terms) > 700 else terms**n


def equivalent(
    a: Node,
    b: Node,
    names: Sequence[str],
    a_text: str,
    b_text: str,
    deadline: float | None = None,
) -> bool:
    """Whether a and b (read from a_text and b_text) agree for every value of `names`.

    A proof by sympy, when one is needed, must be done by `deadline` (time.monotonic()), or
    within PROOF_SECONDS; with too little time left none is tried, and the answer is taken as
    not shown to be equal.
    """
    numeric = _agree_numerically(a, b, names)
    if numeric is not None:
        return numeric
    seconds = PROOF_SECONDS if deadline is None else deadline - time.monotonic()
    if seconds < MIN_PROOF_SECONDS:
        return False
    return bool(symbolic_worker.prove_equal(a_text, b_text, names, seconds))


def _agree_numerically(a: Node, b: Node, names: Sequence[str]) -> bool | None:
    """False at a point where both are defined and differ; None when too few points are usable."""
    usable = 0
    for env in _points(tuple(names)):
        try:
            x, y = evaluate(a, env), evaluate(b, env)
        except ParseError:
            continue
        if not (isinstance(x, float) and isinstance(y, float)):
            return False
        if abs(x - y) > 1e-8 * max(1.0, abs(x), abs(y)):
            return False
        usable += 1
    return True if usable >= MIN_POINTS else None


@lru_cache(maxsize=16)
def _points(names: tuple[str, ...]) -> tuple[Mapping[str, float], ...]:
    """The POINTS values of `names` where expressions are compared, the same for every check."""
    rng = random.Random(",".join(sorted(names)))
    points = []
    for i in range(POINTS):
        # Values in (0, 1) suit probabilities such as σ; the others cover signs and larger inputs.
        low, high = ((0.05, 0.95), (-2.5, 2.5), (0.5, 3.0))[i % 3]
        points.append(MappingProxyType({name: rng.uniform(low, high) for name in names}))
    return tuple(points)
