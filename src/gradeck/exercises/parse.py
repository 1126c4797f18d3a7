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
from collections.abc import Callable, Collection, Iterator

from gradeck.exercises.expr import (
    CONSTANT_ALIASES,
    CONSTANTS,
    FUNCTION_ALIASES,
    FUNCTIONS,
    Call,
    Chain,
    Const,
    Link,
    Neg,
    Node,
    Num,
    ParseError,
    Power,
    Value,
    Var,
    Vector,
    evaluate,
)
from gradeck.exercises.scan import Token, tokens

MAX_LENGTH = 2000
MAX_DEPTH = 40


def _starts_value(token: Token) -> bool:
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


def _implicit_tokens(tokens: Iterator[Token], names: Collection[str]) -> Iterator[Token]:
    """Names like `wx` that are no known name but a run of variables, split into those."""
    for token in tokens:
        pieces = None
        if token.kind == "name" and not _known(token.text, names) and len(token.text) <= 20:
            pieces = _split_name(token.text, names)
        if not pieces:
            yield token
            continue
        for offset, name in pieces:
            yield Token("name", name, token.pos + offset)


class _Parser:
    def __init__(self, text: str, names: Collection[str], implicit: bool = False) -> None:
        self.text = text
        self.names = frozenset(names)
        self.implicit = implicit
        self.tokens = tokens(text)
        if implicit:
            self.tokens = _implicit_tokens(self.tokens, self.names)
        self.next: Token | None = None  # read only when needed, so errors come in text order
        self.depth = 0

    # -- helpers
    def fail(self, message: str, pos: int) -> ParseError:
        return ParseError(message, pos, self.text)

    def peek(self) -> Token:
        if self.next is None:
            self.next = next(self.tokens)
        return self.next

    def at(self, op: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text == op

    def take(self) -> Token:
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

    def call(self, token: Token, func: str) -> Node:
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
