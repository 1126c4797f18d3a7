"""Symbolic answers: whether two expressions in the answer grammar are the same function.

Trees from `parse` are turned into sympy objects node by node, never by sympify on text. A quick
comparison at random points disproves most wrong answers before sympy runs; sympy then tries to
prove a - b == 0 within a time budget, and when it cannot, agreement at every random point decides.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Collection, Mapping, Sequence

import sympy

from gradeck.exercises.parse import (
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
    parse,
    walk,
)

MAX_NODES = 150
MAX_POWER = 64  # largest exponent, in absolute value, of a power without variables in it
SYMPY_SECONDS = 0.25
POINTS = 12
MIN_POINTS = 6  # points where both sides are defined, needed for a numeric verdict

_SYMPY_FUNCTIONS = {
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "min": sympy.Min,
    "max": sympy.Max,
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
    "tanh": sympy.tanh,
    "relu": lambda x: sympy.Max(0, x),
    "sin": sympy.sin,
    "cos": sympy.cos,
}


def read(text: str, names: Collection[str]) -> Node:
    """Parse a symbolic answer and hold it to the limits that keep sympy quick."""
    node = parse(text, names)
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
    return node


def _constant(node: Node) -> bool:
    return not any(isinstance(sub, Var) for sub in walk(node))


def to_sympy(node: Node, symbols: Mapping[str, sympy.Symbol] | None = None) -> sympy.Expr:
    """The sympy expression of a tree read by `read` (whose limits keep this quick)."""
    symbols = symbols or {}
    match node:
        case Num(mantissa=mantissa, exp10=exp10):
            if exp10 >= 0:
                return sympy.Integer(mantissa * 10**exp10)
            return sympy.Rational(mantissa, 10**-exp10)
        case Const(name=name):
            return sympy.E if name == "e" else sympy.pi
        case Var(name=name):
            return symbols.get(name) or sympy.Symbol(name, real=True)
        case Neg(operand=operand):
            return -to_sympy(operand, symbols)
        case Chain(first=first, links=links):
            terms = [to_sympy(first, symbols)]
            for link in links:
                operand = to_sympy(link.operand, symbols)
                if link.op == "-":
                    operand = -operand
                elif link.op == "/":
                    operand = 1 / operand
                terms.append(operand)
            return sympy.Add(*terms) if links[0].op in "+-" else sympy.Mul(*terms)
        case Power(base=base, exponent=exponent):
            return to_sympy(base, symbols) ** to_sympy(exponent, symbols)
        case Call(pos=pos, func=func, args=args):
            if func not in _SYMPY_FUNCTIONS:
                raise ParseError(f"{func}(…) cannot be part of a symbolic answer", pos)
            return _SYMPY_FUNCTIONS[func](*(to_sympy(arg, symbols) for arg in args))
    raise ParseError("expected one expression, not a list of values", node.pos)


def equivalent(a: Node, b: Node, names: Sequence[str]) -> bool:
    """Whether a and b agree for every value of the variables `names`."""
    numeric = _agree_numerically(a, b, names)
    if numeric is False:
        return False
    if _sympy_proves_equal(a, b, names):
        return True
    return bool(numeric)


def _agree_numerically(a: Node, b: Node, names: Sequence[str]) -> bool | None:
    """False at a point where both are defined and differ; None when too few points are usable."""
    rng = random.Random(",".join(sorted(names)))
    usable = 0
    for i in range(POINTS):
        # Values in (0, 1) suit probabilities such as σ; the others cover signs and larger inputs.
        low, high = ((0.05, 0.95), (-2.5, 2.5), (0.5, 3.0))[i % 3]
        env = {name: rng.uniform(low, high) for name in names}
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


def _sympy_proves_equal(a: Node, b: Node, names: Sequence[str]) -> bool:
    symbols = {name: sympy.Symbol(name, real=True) for name in names}
    try:
        difference = to_sympy(a, symbols) - to_sympy(b, symbols)
    except ParseError:
        return False
    if difference == 0:
        return True
    outcome: list[bool] = []

    def work() -> None:
        try:
            outcome.append(sympy.expand(difference) == 0 or sympy.simplify(difference) == 0)
        except Exception:  # sympy failing on an odd expression proves nothing either way
            outcome.append(False)

    # A daemon thread so that a slow simplification is abandoned, not waited for, at exit.
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(SYMPY_SECONDS)
    return bool(outcome and outcome[0])
