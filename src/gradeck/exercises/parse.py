"""A small whitelist expression language for what people type: answers and template expressions.

Text is tokenised and parsed by recursive descent into nodes of our own, then evaluated with
Python floats; nothing is handed to eval, exec or sympify. Sizes, nesting and magnitudes are
bounded so that any input gets a verdict at once, and every failure is a ParseError that says
where the text stops making sense.

Grammar (lowest precedence first):

    top     := row (';' row)*              several rows make a matrix
    row     := item (',' item)*            several items make a vector
    item    := sum
    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/') unary)*   with `implicit`, also unary (power)*
    unary   := ('+' | '-') unary | power    so -2^2 is -(2^2)
    power   := postfix ('^' unary)?         right-associative; 2^-3 and e^-1 work
    postfix := atom superscript*            x² and x³
    atom    := number | constant | variable | function '(' args ')' | '√' postfix
             | '(' top ')' | '[' top ']'
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_EXPONENT = 400  # the `e` part of a number literal such as 1e-400

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
# Tokens

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
class _Token:
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


def _number(text: str, start: int) -> tuple[_Token, int]:
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
    return _Token("num", text[start:i], start, number=num), i


def _tokens(text: str) -> Iterator[_Token]:
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
            yield _Token("op", "^", i)
            i += 2
        elif ch in _OPERATORS:
            yield _Token("op", _OPERATORS[ch], i)
            i += 1
        elif ch in _SUPERSCRIPTS or ch == "⁻":
            j = i + 1 if ch == "⁻" else i
            k = j
            while k < n and text[k] in _SUPERSCRIPTS:
                k += 1
            if k == j or k - j > 3:
                raise ParseError("unexpected superscript", i, text)
            power = int("".join(str(_SUPERSCRIPTS[c]) for c in text[j:k]))
            yield _Token("sup", text[i:k], i, power=-power if ch == "⁻" else power)
            i = k
        elif _is_name_start(ch):
            j = i + 1
            while j < n and (_is_name_start(text[j]) or text[j] in _DIGITS):
                j += 1
            yield _Token("name", text[i:j], i)
            i = j
        else:
            hint = _CHAR_HINTS.get(ch, f"unexpected character {_char_name(ch)}")
            raise ParseError(hint, i, text)
    yield _Token("end", "", n)


# ---------------------------------------------------------------------------------------------
# Parser


def _starts_value(token: _Token) -> bool:
    return token.kind in ("num", "name") or (token.kind == "op" and token.text in "([√")


def _known(name: str, names: Collection[str]) -> bool:
    folded = name.lower() if name.isascii() else name
    return (
        name in names
        or FUNCTION_ALIASES.get(folded, folded) in FUNCTIONS
        or CONSTANT_ALIASES.get(name, name) in CONSTANTS
    )


def _split_name(name: str, names: Collection[str]) -> list[tuple[int, str]] | None:
    """`wx` as the variables w and x (offsets within the name), or None when it does not split.

    Longest names first, by dynamic programming from the end, so any name splits in linear time.
    """
    n = len(name)
    rest: list[list[tuple[int, str]] | None] = [None] * n + [[]]
    for i in range(n - 1, -1, -1):
        for j in range(n, i, -1):
            tail = rest[j]
            if tail is not None and name[i:j] in names:
                rest[i] = [(i, name[i:j]), *tail]
                break
    return rest[0]


def _implicit_tokens(tokens: Iterator[_Token], names: Collection[str]) -> Iterator[_Token]:
    """Names like `wx` that are no known name but a run of variables, split into those."""
    for token in tokens:
        pieces = None
        if token.kind == "name" and not _known(token.text, names) and len(token.text) <= 20:
            pieces = _split_name(token.text, names)
        if not pieces:
            yield token
            continue
        for offset, name in pieces:
            yield _Token("name", name, token.pos + offset)


class _Parser:
    def __init__(self, text: str, names: Collection[str], implicit: bool = False) -> None:
        self.text = text
        self.names = frozenset(names)
        self.implicit = implicit
        self.tokens = _tokens(text)
        if implicit:
            self.tokens = _implicit_tokens(self.tokens, self.names)
        self.next: _Token | None = None  # read only when needed, so errors come in text order
        self.depth = 0

    # -- helpers
    def fail(self, message: str, pos: int) -> ParseError:
        return ParseError(message, pos, self.text)

    def peek(self) -> _Token:
        if self.next is None:
            self.next = next(self.tokens)
        return self.next

    def at(self, op: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text == op

    def take(self) -> _Token:
        token = self.peek()
        if token.kind != "end":
            self.next = None
        return token

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("too deeply nested", pos)

    def leave(self) -> None:
        self.depth -= 1

    def scalar(self, node: Node, pos: int) -> Node:
        if isinstance(node, Vector):
            raise self.fail("arithmetic on a vector is not supported: type each value", pos)
        return node

    def unexpected(self, closer: str | None) -> ParseError:
        token = self.peek()
        if _starts_value(token):
            return self.fail("missing operator: write '*' to multiply", token.pos)
        if closer is not None:
            return self.fail(f"missing '{closer}'", token.pos)
        if token.kind == "op" and token.text in ")]":
            return self.fail(f"unmatched '{token.text}'", token.pos)
        return self.fail(f"unexpected '{token.text}'", token.pos)

    # -- grammar
    def parse(self) -> Node:
        node = self.group(self.peek().pos, brackets=False)
        if self.peek().kind != "end":
            raise self.unexpected(None)
        return node

    def rows(self) -> list[list[Node]]:
        """Items separated by commas, in rows separated by semicolons."""
        rows = [self.row()]
        while self.at(";"):
            self.take()
            rows.append(self.row())
        return rows

    def group(self, pos: int, brackets: bool) -> Node:
        """A single item as itself (unless in brackets), else a vector or matrix."""
        rows = self.rows()
        if len(rows) > 1:
            return self.vector(pos, [self.vector(r[0].pos, r) for r in rows])
        if len(rows[0]) == 1 and not brackets:
            return rows[0][0]
        return self.vector(pos, rows[0])

    def row(self) -> list[Node]:
        items = [self.sum()]
        while self.at(","):
            self.take()
            items.append(self.sum())
        return items

    def vector(self, pos: int, items: list[Node]) -> Vector:
        nested = [isinstance(item, Vector) for item in items]
        if any(nested) and not all(nested):
            bad = items[nested.index(not nested[0])]
            raise self.fail("mixes single values and vectors", bad.pos)
        if all(nested):
            rows = [item for item in items if isinstance(item, Vector)]
            for row in rows:
                for cell in row.items:
                    if isinstance(cell, Vector):
                        raise self.fail("only vectors and matrices are supported", cell.pos)
            for row in rows[1:]:
                if len(row.items) != len(rows[0].items):
                    raise self.fail(
                        f"this row has {len(row.items)} values, the first has {len(rows[0].items)}",
                        row.pos,
                    )
        return Vector(pos, tuple(items))

    def chain(self, ops: str, operand: Callable[[], Node]) -> Node:
        first = operand()
        links: list[Link] = []
        while self.peek().kind == "op" and self.peek().text in ops:
            op = self.take()
            if not links:
                self.scalar(first, op.pos)
            links.append(Link(op.text, op.pos, self.scalar(operand(), op.pos)))
        return Chain(first.pos, first, tuple(links)) if links else first

    def sum(self) -> Node:
        return self.chain("+-", self.product)

    def product(self) -> Node:
        if not self.implicit:
            return self.chain("*/", self.unary)
        # Implicit multiplication: a value right after a value, as in 2x(wx + b − y).
        first = self.unary()
        links: list[Link] = []
        while True:
            token = self.peek()
            if token.kind == "op" and token.text in "*/":
                op = self.take().text
                operand = self.unary()
            elif _starts_value(token):
                op, operand = "*", self.power()
            else:
                break
            if not links:
                self.scalar(first, token.pos)
            links.append(Link(op, token.pos, operand))
            self.scalar(operand, token.pos)
        return Chain(first.pos, first, tuple(links)) if links else first

    def unary(self) -> Node:
        if self.at("+") or self.at("-"):
            op = self.take()
            self.enter(op.pos)
            operand = self.scalar(self.unary(), op.pos)
            self.leave()
            return Neg(op.pos, operand) if op.text == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if not self.at("^"):
            return base
        op = self.take()
        self.scalar(base, op.pos)
        self.enter(op.pos)
        exponent = self.scalar(self.unary(), op.pos)
        self.leave()
        return Power(op.pos, base, exponent)

    def postfix(self) -> Node:
        node = self.atom()
        while self.peek().kind == "sup":
            sup = self.take()
            self.scalar(node, sup.pos)
            node = Power(sup.pos, node, Num(sup.pos, float(sup.power), sup.power, 0))
        return node

    def atom(self) -> Node:
        token = self.peek()
        if token.kind == "num":
            self.take()
            assert token.number is not None
            return token.number
        if token.kind == "name":
            return self.name()
        if token.kind == "op" and token.text in "([":
            self.take()
            closer = ")" if token.text == "(" else "]"
            self.enter(token.pos)
            if self.at(closer):
                raise self.fail("empty brackets", token.pos)
            node = self.group(token.pos, brackets=closer == "]")
            if not self.at(closer):
                raise self.unexpected(closer)
            self.take()
            self.leave()
            return node
        if token.kind == "op" and token.text == "√":
            self.take()
            self.enter(token.pos)
            operand = self.scalar(self.postfix(), token.pos)
            self.leave()
            return Call(token.pos, "sqrt", (operand,))
        if token.kind == "end":
            raise self.fail("the expression ends too early: a value is missing", token.pos)
        if token.kind == "sup":
            raise self.fail("a superscript needs something before it", token.pos)
        raise self.fail(f"expected a value before '{self.text[token.pos]}'", token.pos)

    def name(self) -> Node:
        token = self.take()
        name = token.text
        if name in self.names:
            if self.at("(") and not self.implicit:
                raise self.fail(f"missing operator: write {name}*( to multiply", self.peek().pos)
            return Var(token.pos, name)
        folded = name.lower() if name.isascii() else name
        func = FUNCTION_ALIASES.get(folded, folded)
        if func in FUNCTIONS:
            return self.call(token, func)
        const = CONSTANT_ALIASES.get(name, name)
        if const in CONSTANTS:
            return Const(token.pos, const)
        raise self.fail(self.unknown_name(name), token.pos)

    def unknown_name(self, name: str) -> str:
        shown = name if len(name) <= 20 else name[:20] + "…"
        if self.names:
            allowed = ", ".join(sorted(self.names))
            return f"unknown name '{shown}': the names you can use are {allowed}"
        known = [*FUNCTIONS, *FUNCTION_ALIASES, *CONSTANTS]
        close = difflib.get_close_matches(name.lower(), known, n=1) if len(name) <= 20 else []
        if close:
            return f"unknown name '{shown}': did you mean {close[0]}?"
        return f"unknown name '{shown}': the answer should be a number"

    def call(self, token: _Token, func: str) -> Node:
        if not self.at("("):
            raise self.fail(f"{token.text} needs brackets, as in {token.text}(x)", token.pos)
        paren = self.take()
        self.enter(paren.pos)
        if self.at(")"):
            raise self.fail(f"{token.text}() needs a value inside", paren.pos)
        args = [self.scalar(self.sum(), paren.pos)]
        while self.at(","):
            comma = self.take()
            args.append(self.scalar(self.sum(), comma.pos))
        if not self.at(")"):
            raise self.unexpected(")")
        self.take()
        self.leave()
        spec = FUNCTIONS[func]
        if len(args) < spec.min_args or (spec.max_args is not None and len(args) > spec.max_args):
            if spec.max_args is None:
                wanted = f"at least {spec.min_args}"
            elif spec.min_args == spec.max_args:
                wanted = "one value" if spec.min_args == 1 else f"{spec.min_args} values"
            else:
                wanted = f"{spec.min_args} or {spec.max_args} values"
            raise self.fail(f"{token.text} takes {wanted}, got {len(args)}", token.pos)
        return Call(token.pos, func, tuple(args))


def parse(text: str, names: Collection[str] = (), implicit: bool = False) -> Node:
    """Read `text` into a tree; `names` are the variables it may use (none for plain answers).

    With `implicit`, for symbolic answers, a value right after another is multiplied by it
    (`2x`, `s(1 − s)`), and a name made of variables (`wx`) is their product.
    """
    if not isinstance(text, str):
        raise ParseError("expected text", 0, "")
    if len(text) > MAX_LENGTH:
        raise ParseError(
            f"answer too long ({len(text)} characters; at most {MAX_LENGTH})", MAX_LENGTH, text
        )
    if not text.strip():
        raise ParseError("empty answer", 0, text)
    return _Parser(text, names, implicit).parse()


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


def parse_value(text: str) -> Value:
    """A number, vector or matrix typed by a person, as floats and tuples."""
    plain = _plain_value(text)
    if plain is not None:
        return plain
    return evaluate(parse(text), text=text)


# Plain decimals (no exponent, at most a leading ASCII sign), alone, as a vector in brackets or
# as a matrix of rows in brackets: what a learner types most, read here without the parser and
# to the same floats (`float` of the same digits). Anything else goes to the parser, which also
# gives the messages for what it refuses (rows of unequal length, numbers too large).
_PLAIN_NUMBER = r" *[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+) *"
_PLAIN_ROW = rf"\[{_PLAIN_NUMBER}(?:,{_PLAIN_NUMBER})*\]"
_PLAIN_MATRIX = rf" *\[ *{_PLAIN_ROW} *(?:, *{_PLAIN_ROW} *)*\] *"
_PLAIN = re.compile(rf"{_PLAIN_NUMBER}| *{_PLAIN_ROW} *|{_PLAIN_MATRIX}")
_PLAIN_ROWS = re.compile(r"\[([^\[\]]*)\]")


def _plain_value(text: str) -> Value | None:
    if len(text) > MAX_LENGTH or not _PLAIN.fullmatch(text):
        return None
    rows = [[float(x) for x in row.split(",")] for row in _PLAIN_ROWS.findall(text)] or [
        [float(text)]
    ]
    if any(len(row) != len(rows[0]) or not all(map(math.isfinite, row)) for row in rows):
        return None
    if "[" not in text:
        return rows[0][0]
    vectors = tuple(tuple(row) for row in rows)
    return vectors if text.count("[") > 1 else vectors[0]


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
