"""The sympy side of symbolic checking: trees to sympy, and the proof that a difference is 0.

It runs inside the worker process of `symbolic_worker` (started as
`python -m gradeck.exercises.symbolic_proof`), where a memory limit and a kill on timeout bound
whatever sympy does. The protocol is one JSON object a line each way, never pickle: a request
{"a": text, "b": text, "names": [...]} is answered {"equal": true|false}.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence

import sympy

from gradeck.exercises.expr import Call, Chain, Const, Neg, Node, Num, ParseError, Power, Var

# Address space the worker may take beyond what it holds once sympy is imported.
EXTRA_BYTES = 100 * 1024 * 1024

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


def to_sympy(node: Node, symbols: Mapping[str, sympy.Symbol] | None = None) -> sympy.Expr:
    """The sympy expression of a tree read by `symbolic.read` (whose limits keep this small)."""
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


def proves_equal(a: str, b: str, names: Sequence[str]) -> bool:
    """Whether sympy shows a − b == 0; texts are re-read here through the same limits."""
    from gradeck.exercises.symbolic import read

    symbols = {name: sympy.Symbol(name, real=True) for name in names}
    try:
        difference = to_sympy(read(a, names), symbols) - to_sympy(read(b, names), symbols)
        return bool(
            difference == 0 or sympy.expand(difference) == 0 or sympy.simplify(difference) == 0
        )
    except Exception:  # sympy failing on an odd expression (or out of memory) proves nothing
        return False


def _limit_memory() -> None:
    """Cap the address space at what the worker holds now plus EXTRA_BYTES."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            size = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (size + EXTRA_BYTES, size + EXTRA_BYTES))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or no rlimits here: the kill on timeout still bounds the work


def main() -> None:
    """Serve requests on stdin until it closes."""
    _limit_memory()
    out = sys.stdout
    out.write('{"ready": true}\n')
    out.flush()
    for line in sys.stdin:
        try:
            request = json.loads(line)
            equal = proves_equal(
                str(request["a"]), str(request["b"]), [str(n) for n in request["names"]]
            )
        except (ValueError, KeyError, TypeError, MemoryError):
            equal = False
        out.write(json.dumps({"equal": equal}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
