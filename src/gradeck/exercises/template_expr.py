"""Template expressions: text compiled once by the whitelist parser, with engine results named.

An expression may name the template's variables and derived values, and results of the engine
(`loss`, `output[0]`, `grad.layers[0].weights[1][0]`): each such reference is replaced by a
name of its own (`_r0`, `_r1`, ...) before parsing and looked up when the value is wanted, so
the parser of `gradeck.exercises.parse` reads every expression and Python evaluates none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gradeck.exercises.expr import CONSTANTS, FUNCTIONS, Node, ParseError, Var, evaluate
from gradeck.exercises.expr import walk as walk_nodes
from gradeck.exercises.model import Value
from gradeck.exercises.parse import parse
from gradeck.exercises.template_base import Ref

ENGINE_ROOTS = ("loss", "losses", "output", "grad", "updated")
UNICODE_COMPARISONS = {"≤": "<=", "≥": ">=", "≠": "!="}
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
RESERVED = frozenset({*FUNCTIONS, *CONSTANTS, *ENGINE_ROOTS, "ln", "pi"})


class ExprError(ValueError):
    """An expression that cannot be read, with the offset in the text where it goes wrong."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


_REF = re.compile(
    r"(?<![\w.])(losses|loss|output|grad|updated)\b"
    r"((?:\s*\.\s*[A-Za-z_]\w*|\s*\[\s*\d{1,4}\s*\])*)"
)
_REF_STEP = re.compile(r"\.\s*([A-Za-z_]\w*)|\[\s*(\d+)\s*\]")


@dataclass(frozen=True)
class Expr:
    """A parsed expression: its text, tree, the names it uses and the engine results it reads."""

    text: str
    node: Node = field(compare=False, repr=False)
    names: frozenset[str]
    refs: tuple[Ref, ...] = ()
    source: str = ""  # the text as parsed, with each reference replaced by _r0, _r1, ...

    def value(self, env: Mapping[str, Any], results: Mapping[str, Any] | None = None) -> Value:
        """The value with these variables (and engine results); ParseError when undefined."""
        text = next((n for n in self.names if isinstance(env.get(n), str)), None)
        if text is not None:
            raise ParseError(f"{text!r} is text, not a number", 0)
        vector = next((n for n in self.names if isinstance(env.get(n), tuple)), None)
        if vector is not None:
            if isinstance(self.node, Var):
                return env[vector]  # a whole vector, named on its own
            raise ParseError(
                f"{vector!r} is a vector, not a number: name it alone as a whole answer", 0
            )
        if not self.refs:
            return evaluate(self.node, env, self.source)
        scope = {n: env[n] for n in self.names if n in env}
        scope.update(self.lookups(env, results))
        if isinstance(self.node, Var) and isinstance(scope[self.node.name], tuple):
            return scope[self.node.name]  # a whole vector or matrix, named on its own
        return evaluate(self.node, scope, self.source)

    def lookups(
        self, env: Mapping[str, Any], results: Mapping[str, Any] | None = None
    ) -> dict[str, Value]:
        """The value of each reference, by its parsed name (`_r0`, ...): an element of a vector
        variable from `env`, an engine result from `results`."""
        return {
            f"_r{i}": resolve(ref, env if ref.root in env else results or {})
            for i, ref in enumerate(self.refs)
        }


def compile_expr(
    text: str,
    names: frozenset[str],
    allow_refs: bool = True,
    vectors: Mapping[str, int] | None = None,
) -> Expr:
    """Parse `text` with these names allowed; ExprError (with an offset) when it cannot be.

    `vectors` are the vector variables and their sizes: `x[i]` is an element, and `sum(x)`,
    `mean(x)`, `norm(x)`, `max(x)`, `min(x)` and `dot(x, y)` are written out element by
    element before parsing (so the parser reads only numbers, and the worked solution shows
    each term)."""
    if isinstance(text, list):
        raise ExprError('write a vector as text in quotes, as in "[a, b]"')
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise ExprError("expected an expression (text or a number)")
    text = str(text).strip()
    vectors = vectors or {}
    refs: list[Ref] = []
    pieces: list[str] = []
    last = 0
    expanded = _expand(text, vectors) if vectors else text
    if vectors:
        for match in _elements(vectors).finditer(expanded):
            index, size = int(match.group(2)), vectors[match.group(1)]
            if index >= size:
                raise ExprError(
                    f"{match.group(0)!r}: {match.group(1)} has {size} values, "
                    f"{match.group(1)}[0] to {match.group(1)}[{size - 1}]"
                )
            refs.append(Ref(match.group(1), (index,), f"{match.group(1)}[{index}]"))
            pieces += [expanded[last : match.start()], f"_r{len(refs) - 1}"]
            last = match.end()
        expanded = "".join([*pieces, expanded[last:]])
        pieces, last = [], 0
    for match in _REF.finditer(expanded):
        if not allow_refs:
            raise ExprError(f"{match.group(0).strip()!r}: engine results cannot be used here")
        if match.group(1) in names:
            continue  # a variable named after an engine result: reported by the reader
        steps = tuple(
            int(index) if index else attr for attr, index in _REF_STEP.findall(match.group(2))
        )
        refs.append(Ref(match.group(1), steps, re.sub(r"\s+", "", match.group(0))))
        pieces += [expanded[last : match.start()], f"_r{len(refs) - 1}"]
        last = match.end()
    source = "".join([*pieces, expanded[last:]])
    allowed = names | {f"_r{i}" for i in range(len(refs))}
    try:
        node = parse(source, allowed)
    except ParseError as exc:
        raise ExprError(_friendly(exc, source, names), exc.offset) from None
    used = frozenset(n.name for n in walk_nodes(node) if isinstance(n, Var)) & names
    return Expr(text, node, used, tuple(refs), source)


VECTOR_FUNCTIONS = ("sum", "mean", "norm", "max", "min", "dot")
_AGGREGATE = re.compile(
    r"(?<![\w.])(sum|mean|norm|max|min|dot)\s*\(\s*([A-Za-z]\w*)\s*(?:,\s*([A-Za-z]\w*)\s*)?\)"
)


def _expand(text: str, vectors: Mapping[str, int]) -> str:
    """`sum(x)` and its kin written out over the elements of vector variables."""

    def write(match: re.Match[str]) -> str:
        func, first, second = match.groups()
        if first not in vectors or (second is not None and second not in vectors):
            return match.group(0)  # a function of numbers, left to the parser
        size = vectors[first]
        if (func == "dot") != (second is not None):
            raise ExprError(f"{match.group(0)!r}: dot takes two vectors; {func} takes one")
        if func == "dot":
            if vectors[second] != size:
                raise ExprError(f"{match.group(0)!r}: {first} has {size} values and {second} "
                                f"{vectors[second]}")  # fmt: skip
            return "(" + " + ".join(f"{first}[{i}]*{second}[{i}]" for i in range(size)) + ")"
        items = [f"{first}[{i}]" for i in range(size)]
        if func in ("max", "min"):
            return f"{func}({', '.join(items)})"
        if func == "norm":
            return "sqrt(" + " + ".join(f"{item}^2" for item in items) + ")"
        total = "(" + " + ".join(items) + ")"
        return total if func == "sum" else f"({total}/{size})"

    return _AGGREGATE.sub(write, text)


def _elements(vectors: Mapping[str, int]) -> re.Pattern[str]:
    alternatives = "|".join(sorted(map(re.escape, vectors), key=len, reverse=True))
    return re.compile(rf"(?<![\w.])({alternatives})\s*\[\s*(\d{{1,4}})\s*\]")


def _friendly(exc: ParseError, source: str, names: frozenset[str]) -> str:
    """The parser's message, said for a template: an unknown name before a '(' is an unknown
    function, else a name to declare; engine results are not called _r0, _r1, ..."""
    match = re.match(r"unknown name '([^']*)'", exc.message)
    if match and source[exc.offset + len(match.group(1)) :].lstrip().startswith("("):
        known = ", ".join(sorted(FUNCTIONS))
        return f"unknown function {match.group(1)!r} (functions: {known})"
    if match:
        known = ", ".join(sorted(names)) if names else "none yet"
        return (
            f"unknown name {match.group(1)!r}: declare it under 'variables' or 'derived' "
            f"(declared: {known})"
        )
    return re.sub(r"_r(\d+)", "an engine result", exc.message)


def resolve(ref: Ref, results: Mapping[str, Any]) -> Value:
    """The engine result `ref` names, as a float or nested tuples."""
    value: Any = results[ref.root]
    for step in ref.path:
        value = value[step]
    return _tupled(value)


def _tupled(value: Any) -> Value:
    if isinstance(value, list | tuple):
        return tuple(_tupled(v) for v in value)
    return float(value)
