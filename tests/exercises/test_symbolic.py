"""Symbolic answers: the sympy translation and the equivalence verdict.

References are sympy expressions built here by hand, not through the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from gradeck.exercises.expr import ParseError
from gradeck.exercises.parse import parse
from gradeck.exercises.symbolic import MAX_POWER, equivalent, read
from gradeck.exercises.symbolic_proof import to_sympy

s, x, w, b, y, z = sympy.symbols("s x w b y z", real=True)
SYMBOLS = {"s": s, "x": x, "w": w, "b": b, "y": y, "z": z}


def same(text: str, reference: sympy.Expr) -> bool:
    built = to_sympy(parse(text, SYMBOLS), SYMBOLS)
    return sympy.simplify(built - reference) == 0


def test_decimals_become_exact_rationals() -> None:
    assert to_sympy(parse("0.0375")) == sympy.Rational(3, 80)
    assert to_sympy(parse("3.75e-2")) == sympy.Rational(3, 80)
    assert to_sympy(parse("1.5e3")) == sympy.Integer(1500)


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("s*(1-s)", s * (1 - s)),
        ("2*x*(w*x+b-y)", 2 * x * (w * x + b - y)),
        ("(w*x + b - y)^2", (w * x + b - y) ** 2),
        ("σ(z)", 1 / (1 + sympy.exp(-z))),
        ("1 - tanh(z)²", 1 - sympy.tanh(z) ** 2),
        ("e^-z", sympy.exp(-z)),
        ("ln(x) + log(y)", sympy.log(x) + sympy.log(y)),
        ("√x / 2", sympy.sqrt(x) / 2),
        ("relu(z)", sympy.Max(0, z)),
        ("abs(z) - pi", sympy.Abs(z) - sympy.pi),
        ("x / w / b", x / (w * b)),
        ("x - w - b", x - w - b),
    ],
)
def test_translation(text: str, reference: sympy.Expr) -> None:
    assert same(text, reference)


@pytest.mark.parametrize(
    ("a", "b", "names"),
    [
        ("s*(1-s)", "s - s^2", ("s",)),
        ("s*(1-s)", "-(s-1)*s", ("s",)),
        ("2*x*(w*x+b-y)", "2*w*x^2 + 2*b*x - 2*x*y", ("w", "x", "b", "y")),
        ("sigmoid(z)*(1-sigmoid(z))", "exp(-z)/(1+exp(-z))^2", ("z",)),
        ("1 - tanh(z)^2", "4/(exp(z)+exp(-z))^2", ("z",)),
        ("relu(z)", "max(z, 0)", ("z",)),
        ("(x+1)²", "x² + 2x + 1".replace("2x", "2*x"), ("x",)),
    ],
)
def test_equivalent_forms_are_accepted(a: str, b: str, names: tuple[str, ...]) -> None:
    assert equivalent(read(a, names), read(b, names), names, a, b)
    # and sympy agrees independently
    assert sympy.simplify(to_sympy(read(a, names)) - to_sympy(read(b, names))) == 0


@pytest.mark.parametrize(
    ("a", "b", "names"),
    [
        ("s*(1-s)", "s*(1+s)", ("s",)),
        ("s*(1-s)", "s", ("s",)),
        ("2*x*(w*x+b-y)", "2*(w*x+b-y)", ("w", "x", "b", "y")),
        ("2*x*(w*x+b-y)", "x*(w*x+b-y)", ("w", "x", "b", "y")),
        ("relu(z)", "z", ("z",)),
        ("abs(z)", "z", ("z",)),
        ("1 - tanh(z)^2", "1 - tanh(z)", ("z",)),
    ],
)
def test_different_expressions_are_rejected(a: str, b: str, names: tuple[str, ...]) -> None:
    assert not equivalent(read(a, names), read(b, names), names, a, b)


def test_limits_keep_sympy_quick() -> None:
    with pytest.raises(ParseError, match="exponent larger"):
        read("s^(9^9)", ("s",))
    with pytest.raises(ParseError, match="exponent larger"):
        read(f"s^{MAX_POWER + 1}", ("s",))
    with pytest.raises(ParseError, match="too large"):
        read("s + exp(1000)", ("s",))
    with pytest.raises(ParseError, match="too long"):
        read("s" + "*s" * 200, ("s",))
    with pytest.raises(ParseError, match="round"):
        read("round(s)", ("s",))
    with pytest.raises(ParseError, match="not a list"):
        read("s, s", ("s",))
    with pytest.raises(ParseError, match="log of zero"):
        read("s + log(0)", ("s",))


def test_unknown_names_list_the_allowed_ones() -> None:
    with pytest.raises(ParseError, match="the names you can use are s"):
        read("q*(1-q)", ("s",))


CORPUS = Path(__file__).parent / "corpus" / "hostile_symbolic.txt"
HOSTILE = [
    line
    for line in CORPUS.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_answers_are_refused_as_too_large_before_sympy(text: str) -> None:
    with pytest.raises(ParseError, match="too large to check"):
        read(text, ("s",))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_answers_get_a_too_large_verdict(text: str) -> None:
    from gradeck.exercises.check import check_part
    from gradeck.exercises.families.symbolic_derivs import generate

    part = generate(0, 1, item="sigmoid").parts[0]
    result = check_part(part, text)
    assert result.verdict == "unreadable"
    assert "too large to check" in result.message


def test_ordinary_answers_are_within_the_limits() -> None:
    for text in ("s*(1-s)", "(w*x + b - y)^2 * 2*x", "(x+1)^12", "exp(-z)/(1+exp(-z))^2"):
        read(text, ("s", "w", "x", "b", "y", "z"))


@pytest.mark.parametrize(
    ("typed", "reference"),
    [
        ("2x(wx+b-y)", 2 * x * (w * x + b - y)),
        ("s(1-s)", s * (1 - s)),
        ("s(1 − s)", s * (1 - s)),
        ("wx^2", w * x**2),
        ("2σ(z)", 2 / (1 + sympy.exp(-z))),
        ("x y", x * y),
        ("2(x+1)(x-1)", 2 * (x + 1) * (x - 1)),
        ("-2x", -2 * x),
        ("x/2y", x * y / 2),  # left to right, as written
    ],
)
def test_implicit_multiplication_is_a_product(typed: str, reference: sympy.Expr) -> None:
    built = to_sympy(read(typed, SYMBOLS), SYMBOLS)
    assert sympy.simplify(built - reference) == 0


def test_implicit_multiplication_keeps_function_names() -> None:
    assert same_read("exp(x)", sympy.exp(x))
    assert same_read("2exp(-z)", 2 * sympy.exp(-z))
    with pytest.raises(ParseError, match="unknown name"):
        read("2q", ("s",))


def same_read(text: str, reference: sympy.Expr) -> bool:
    return sympy.simplify(to_sympy(read(text, SYMBOLS), SYMBOLS) - reference) == 0


def test_numbers_stay_strict_without_implicit_multiplication() -> None:
    with pytest.raises(ParseError, match="missing operator"):
        parse("2 3")
