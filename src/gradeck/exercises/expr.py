"""The expression trees that answers and template expressions are read into, and their value.

Nodes are our own small dataclasses, evaluated with Python floats (nothing is handed to eval,
exec or sympify); `gradeck.exercises.scan` reads text into tokens and
`gradeck.exercises.parse` tokens into these trees. Every failure is a ParseError that says
where the text stops making sense.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

Value = float | tuple


class ParseError(ValueError):
    """Text that cannot be read or evaluated, with the offset where it stops making sense."""

    def __init__(self, message: str, offset: int, text: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.text = text

    def __str__(self) -> str:
        return self.message

    def render(self, width: int = 78) -> str:
        """The text on one line and a caret under the offending spot, followed by the message."""
        return _pointer(self.text, self.offset, self.message, width)


# ---------------------------------------------------------------------------------------------
# Nodes


@dataclass(frozen=True, slots=True)
class Num:
    pos: int
    value: float
    # Exact decimal form: value == mantissa * 10**exp10, for exact symbolic work.
    mantissa: int
    exp10: int


@dataclass(frozen=True, slots=True)
class Const:
    pos: int
    name: str  # "e" or "pi"


@dataclass(frozen=True, slots=True)
class Var:
    pos: int
    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    pos: int
    operand: Node


@dataclass(frozen=True, slots=True)
class Link:
    """One operator of a Chain with the operand after it."""

    op: str  # "+", "-", "*" or "/"
    pos: int
    operand: Node


@dataclass(frozen=True, slots=True)
class Chain:
    """A run of same-precedence operators, kept flat so long sums need no deep recursion."""

    pos: int
    first: Node
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Power:
    pos: int  # the operator (or the superscript)
    base: Node
    exponent: Node


@dataclass(frozen=True, slots=True)
class Call:
    pos: int
    func: str  # canonical name, a key of FUNCTIONS
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Vector:
    """A vector of scalar nodes, or a matrix: a vector of equally long row vectors."""

    pos: int
    items: tuple[Node, ...]


Node = Num | Const | Var | Neg | Chain | Power | Call | Vector


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        match current:
            case Neg(operand=operand):
                stack.append(operand)
            case Chain(first=first, links=links):
                stack.append(first)
                stack.extend(link.operand for link in links)
            case Power(base=base, exponent=exponent):
                stack += [base, exponent]
            case Call(args=items) | Vector(items=items):
                stack.extend(items)


# ---------------------------------------------------------------------------------------------
# Names


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _round(x: float, digits: float = 0.0) -> float:
    """Round half away from zero, as on paper (Python's round() goes to even)."""
    if not digits.is_integer() or not 0 <= digits <= 15:
        raise ArithmeticError("round's second value is a whole number of digits from 0 to 15")
    if not math.isfinite(x) or abs(x) >= 1e15:
        return x
    from decimal import ROUND_HALF_UP, Decimal, localcontext

    step = Decimal(1).scaleb(-int(digits))
    with localcontext(prec=40):  # 15 digits either side of the point, with room to spare
        return float(Decimal(repr(x)).quantize(step, rounding=ROUND_HALF_UP))


def _log(x: float) -> float:
    if x <= 0:
        raise ArithmeticError("log of zero" if x == 0 else "log of a negative number")
    return math.log(x)


def _sqrt(x: float) -> float:
    if x < 0:
        raise ArithmeticError("square root of a negative number")
    return math.sqrt(x)


@dataclass(frozen=True)
class Function:
    min_args: int
    max_args: int | None  # None: any number
    apply: Callable[..., float]


FUNCTIONS: dict[str, Function] = {
    "exp": Function(1, 1, math.exp),
    "log": Function(1, 1, _log),
    "sqrt": Function(1, 1, _sqrt),
    "abs": Function(1, 1, abs),
    "min": Function(1, None, lambda *xs: min(xs)),
    "max": Function(1, None, lambda *xs: max(xs)),
    "round": Function(1, 2, _round),
    "floor": Function(1, 1, lambda x: float(math.floor(x))),
    "ceil": Function(1, 1, lambda x: float(math.ceil(x))),
    "sigmoid": Function(1, 1, _sigmoid),
    "tanh": Function(1, 1, math.tanh),
    "relu": Function(1, 1, lambda x: max(0.0, x)),
    "sin": Function(1, 1, math.sin),
    "cos": Function(1, 1, math.cos),
}
FUNCTION_ALIASES = {"ln": "log", "σ": "sigmoid"}
CONSTANTS = {"e": math.e, "pi": math.pi}
CONSTANT_ALIASES = {"π": "pi"}

# ---------------------------------------------------------------------------------------------
# Evaluation


def evaluate(node: Node, env: Mapping[str, float] | None = None, text: str = "") -> Value:
    """The value of a tree with floats: a number, or a tuple for a vector, tuples for a matrix.

    `text` is the source, used only to draw the pointer of an error.
    """
    try:
        return _eval(node, env or {})
    except ParseError as exc:
        exc.text = text
        raise


def _finite(value: float, pos: int) -> float:
    if math.isfinite(value):
        return value
    message = "the result is not a number" if math.isnan(value) else "the result is too large"
    raise ParseError(message, pos)


def _eval(node: Node, env: Mapping[str, float]) -> Value:
    match node:
        case Num(value=value):
            return value
        case Const(name=name):
            return CONSTANTS[name]
        case Var(pos=pos, name=name):
            if name not in env:
                raise ParseError(f"no value for '{name}'", pos)
            return _finite(float(env[name]), pos)
        case Neg(operand=operand):
            return -_scalar(operand, env)
        case Chain(first=first, links=links):
            total = _scalar(first, env)
            for link in links:
                total = _finite(
                    _apply(link.op, total, _scalar(link.operand, env), link.pos), link.pos
                )
            return total
        case Power(pos=pos, base=base, exponent=exponent):
            return _finite(_power(_scalar(base, env), _scalar(exponent, env), pos), pos)
        case Call(pos=pos, func=func, args=args):
            values = [_scalar(arg, env) for arg in args]
            try:
                return _finite(float(FUNCTIONS[func].apply(*values)), pos)
            except OverflowError:
                raise ParseError(f"{func}(…) is too large", pos) from None
            except ArithmeticError as exc:
                raise ParseError(str(exc), pos) from None
        case Vector(items=items):
            return tuple(_eval(item, env) for item in items)
    raise ParseError("cannot evaluate this", getattr(node, "pos", 0))


def _scalar(node: Node, env: Mapping[str, float]) -> float:
    value = _eval(node, env)
    if isinstance(value, tuple):
        raise ParseError("expected a single value here", node.pos)
    return value


def _apply(op: str, a: float, b: float, pos: int) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise ParseError("division by zero", pos)
    return a / b


def _power(a: float, b: float, pos: int) -> float:
    if a == 0 and b < 0:
        raise ParseError("zero to a negative power divides by zero", pos)
    if a < 0 and not b.is_integer():
        raise ParseError("a negative number to a fractional power", pos)
    try:
        return math.pow(a, b)
    except OverflowError:
        raise ParseError("the power is too large to compute", pos) from None


# ---------------------------------------------------------------------------------------------
# Error pointer


def _cell(ch: str) -> tuple[str, int]:
    """How a character is shown on the pointer line, and how many columns it takes."""
    if ch.isspace():
        return " ", 1
    if not ch.isprintable() or unicodedata.category(ch).startswith("M"):
        return "?", 1
    return ch, 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _pointer(text: str, offset: int, message: str, width: int) -> str:
    offset = max(0, min(offset, len(text)))
    cells = [_cell(ch) for ch in text]
    # A window of the text around the offset, so long answers still fit on one line.
    start, end = offset, offset
    used = 1
    while start > 0 and used + cells[start - 1][1] <= width * 2 // 3:
        start -= 1
        used += cells[start][1]
    while end < len(text) and used + cells[end][1] <= width - 2:
        used += cells[end][1]
        end += 1
    left = "…" if start > 0 else ""
    right = "…" if end < len(text) else ""
    shown = left + "".join(c for c, _ in cells[start:end]) + right
    column = len(left) + sum(w for _, w in cells[start:offset])
    return f"{shown}\n{' ' * column}^ {message}"
