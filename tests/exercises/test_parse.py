"""The answer parser against what people type, and against what an attacker might type.

Expected values are computed here with Python's math module, independently of the parser.
"""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradeck.exercises.expr import Call, ParseError, Var, evaluate, walk
from gradeck.exercises.parse import MAX_LENGTH, parse, parse_value


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


SQRT2 = math.sqrt(2)

NUMBERS = [
    ("0.0375", 0.0375),
    ("3.75e-2", 0.0375),
    ("3.75E-2", 0.0375),
    ("3/80", 3 / 80),
    ("-.02", -0.02),
    (".5", 0.5),
    ("5.", 5.0),
    ("1e3", 1000.0),
    ("1e+3", 1000.0),
    ("  0.25  ", 0.25),
    ("+0.25", 0.25),
    ("--1", 1.0),
    ("1 - -1", 2.0),
    ("0.1 + 0.2", 0.1 + 0.2),
    ("0.5*(1-0.5)*0.15", 0.5 * 0.5 * 0.15),
    ("(0.5 - 0.1)^2 / 2", 0.4**2 / 2),
    ("784*512 + 512", 784 * 512 + 512),
    ("2^-3", 0.125),
    ("2**-3", 0.125),
    ("2^3^2", 2.0**9),
    ("2**3**2", 512.0),
    ("-2^2", -4.0),
    ("-2**2", -4.0),
    ("(-2)^2", 4.0),
    ("-2^-2", -0.25),
    ("2^-2^2", 2.0**-4),
    ("exp(-1)", math.exp(-1)),
    ("e^-1", math.exp(-1)),
    ("e^-1*2", 2 * math.exp(-1)),
    ("sqrt(2)/2", SQRT2 / 2),
    ("1 - tanh(0.5)^2", 1 - math.tanh(0.5) ** 2),
    ("sigmoid(0.5)*(1-sigmoid(0.5))", sig(0.5) * (1 - sig(0.5))),
    ("sigmoid(-40)", sig(-40)),
    ("σ(0)", 0.5),
    ("σ(2)", sig(2)),
    ("ln(e)", 1.0),
    ("log(10)", math.log(10)),
    ("LN(10)", math.log(10)),
    ("abs(-3)", 3.0),
    ("min(3, 1, 2)", 1.0),
    ("max(1, 2)", 2.0),
    ("round(2.5)", 3.0),  # half away from zero, as on paper
    ("round(-2.5)", -3.0),
    ("round(0.125, 2)", 0.13),
    ("round(123456789012.5, 15)", 123456789012.5),  # 27 digits in all: no decimal overflow
    ("round(99999999999999.9, 15)", 99999999999999.9),
    ("floor(7/2)", 3.0),
    ("ceil(7/2)", 4.0),
    ("relu(-0.3)", 0.0),
    ("relu(0.3)", 0.3),
    ("tanh(0)", 0.0),
    ("sin(pi/2)", 1.0),
    ("cos(0)", 1.0),
    ("pi", math.pi),
    ("π", math.pi),
    ("−0.5", -0.5),  # Unicode minus
    ("–0.5", -0.5),  # en dash
    ("3×4", 12.0),
    ("3·4", 12.0),
    ("6÷4", 1.5),
    ("3²", 9.0),
    ("2³", 8.0),
    ("(1+2)²", 9.0),
    ("-3²", -9.0),
    ("2⁻¹", 0.5),
    ("√(4)", 2.0),
    ("√2/2", SQRT2 / 2),
    ("3.75×10^-2", 0.0375),
    ("3.75·10⁻²", 0.0375),
    ("1e-400", 0.0),
]

LISTS = [
    ("[0.1, -0.2]", (0.1, -0.2)),
    ("0.1, -0.2", (0.1, -0.2)),
    ("(0.1, -0.2)", (0.1, -0.2)),
    ("[−0.1, 2×3]", (-0.1, 6.0)),
    ("[0.5]", (0.5,)),
    ("[1/2, sqrt(4), e^0]", (0.5, 2.0, 1.0)),
    ("[[1,2],[3,4]]", ((1.0, 2.0), (3.0, 4.0))),
    ("[[1, 2], [3, 4]]", ((1.0, 2.0), (3.0, 4.0))),
    ("[1, 2; 3, 4]", ((1.0, 2.0), (3.0, 4.0))),
    ("1, 2; 3, 4", ((1.0, 2.0), (3.0, 4.0))),
    ("[1, 2], [3, 4]", ((1.0, 2.0), (3.0, 4.0))),
    ("[[0.1, -0.2, 0.3]]", ((0.1, -0.2, 0.3),)),
]

# (text, words the message must contain, offset or None)
ERRORS = [
    ("__import__('os')", "unknown name '__import__'", 0),
    ("().__class__", "empty brackets", 0),
    ("(1).__class__", "unexpected character '.'", 3),
    ("lambda: 1", "unknown name 'lambda'", 0),
    ("[x for x in y]", "unknown name 'x'", 1),
    ("import os", "unknown name 'import'", 0),
    ("eval('1')", "unknown name 'eval'", 0),
    ("open('f').read()", "unknown name 'open'", 0),
    ("os.system", "unknown name 'os'", 0),
    ("9**9**9", "too large", 1),
    ("10**400", "too large", 2),
    ("1e400", "too large", 0),
    ("1e9999", "out of range", 1),
    ("exp(1000)", "too large", 0),
    ("1e308*10", "too large", 5),
    ("1" * 10_000, "too long", MAX_LENGTH),
    ("(" * 100 + "1" + ")" * 100, "nested", None),
    ("-" * 100 + "1", "nested", None),
    ("2^" * 100 + "2", "nested", None),
    ("1\x002", "U+0000", 1),
    ("😀", "unexpected character", 0),
    ("0.5*(1-0.5", "missing ')'", 10),
    ("[1, 2", "missing ']'", 5),
    ("1)", "unmatched ')'", 1),
    ("log(-1)", "log of a negative number", 0),
    ("log(0)", "log of zero", 0),
    ("sqrt(-1)", "square root of a negative", 0),
    ("1/0", "division by zero", 1),
    ("1/(1-1)", "division by zero", 1),
    ("0^-1", "zero to a negative power", 1),
    ("(-8)^(1/3)", "fractional power", 4),
    ("2(3)", "missing operator", 1),
    ("2x", "missing operator", 1),
    ("1 2", "missing operator", 2),
    ("1_000", "write numbers without '_' separators", 1),
    ("2 * 0.000_5", "write numbers without '_' separators", 9),
    ("0x10", "hex numbers are not accepted: write the number in decimal", 1),
    ("0XfF", "hex numbers are not accepted: write the number in decimal", 1),
    ("0b101", "binary numbers are not accepted: write the number in decimal", 1),
    ("0o17", "octal numbers are not accepted: write the number in decimal", 1),
    ("0x", "missing operator", 1),
    ("1_", "missing operator", 1),
    ("10x", "missing operator", 2),
    ("sqrt 2", "needs brackets", 0),
    ("σ", "needs brackets", 0),
    ("", "empty", 0),
    ("   ", "empty", 0),
    ("1 +", "ends too early", 3),
    ("*2", "expected a value", 0),
    ("1,,2", "expected a value", 2),
    ("[1,[2]]", "mixes single values and vectors", 3),
    ("[[1],[2,3]]", "this row has 2 values", 5),
    ("[[[1]]]", "only vectors and matrices", 2),
    ("[]", "empty brackets", 0),
    ("[1,2]*2", "vector", 5),
    ("-[1,2]", "vector", 0),
    ("(1,2)^2", "vector", 5),
    ("exp(1, 2)", "exp takes one value, got 2", 0),
    ("min()", "needs a value", 3),
    ("round(1.5, 0.5)", "whole number of digits", 0),
    ("1.2.3", "one decimal point", 3),
    ("x", "unknown name 'x'", 0),
    ("sqr(2)", "did you mean sqrt", 0),
    ("1 = 1", "'=' is not needed", 2),
    ("5%", "'%'", 1),
    ("{1}", "use [ ] for vectors", 0),
    ("²", "superscript needs something before it", 0),
    ("2⁻", "superscript", 1),
    (".", "unexpected character '.'", 0),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_numbers(text: str, expected: float) -> None:
    assert parse_value(text) == pytest.approx(expected, rel=1e-12, abs=1e-300)


def close(a: float | tuple, b: float | tuple) -> bool:
    if isinstance(b, tuple):
        return isinstance(a, tuple) and len(a) == len(b) and all(map(close, a, b))
    return isinstance(a, float) and math.isclose(a, b, rel_tol=1e-12)


@pytest.mark.parametrize(("text", "expected"), LISTS)
def test_vectors_and_matrices(text: str, expected: tuple) -> None:
    assert close(parse_value(text), expected)


@pytest.mark.parametrize(("text", "words", "offset"), ERRORS)
def test_errors_say_what_and_where(text: str, words: str, offset: int | None) -> None:
    with pytest.raises(ParseError) as caught:
        parse_value(text)
    assert words in caught.value.message
    if offset is not None:
        assert caught.value.offset == offset
    assert 0 <= caught.value.offset <= len(text)


def test_corpus_size() -> None:
    assert len(NUMBERS) + len(LISTS) + len(ERRORS) >= 60


def test_pointer_rendering() -> None:
    with pytest.raises(ParseError) as caught:
        parse_value("0.5*(1-0.5")
    assert caught.value.render() == "0.5*(1-0.5\n          ^ missing ')'"


def test_pointer_on_long_text_stays_on_one_short_line() -> None:
    text = "1+" * 500 + "x"
    with pytest.raises(ParseError) as caught:
        parse_value(text)
    first, second = caught.value.render().split("\n")
    assert len(first) <= 80
    assert first[second.index("^")] == "x"


def test_pointer_counts_wide_characters_twice() -> None:
    with pytest.raises(ParseError) as caught:
        parse_value("漢+1")
    first, second = caught.value.render().split("\n")
    assert first == "漢+1"
    assert second.startswith("^")


def test_variables_only_when_allowed() -> None:
    tree = parse("s*(1-s)", names={"s"})
    assert evaluate(tree, {"s": 0.3}) == pytest.approx(0.3 * 0.7)
    assert {n.name for n in walk(tree) if isinstance(n, Var)} == {"s"}
    with pytest.raises(ParseError, match="the names you can use are s, z"):
        parse("q*2", names={"s", "z"})
    with pytest.raises(ParseError, match="no value for 's'"):
        evaluate(tree, {})


def test_a_variable_followed_by_a_bracket_is_not_a_call() -> None:
    with pytest.raises(ParseError, match=r"write s\*\( to multiply"):
        parse("s(1-s)", names={"s"})


def test_variables_shadow_constants() -> None:
    assert evaluate(parse("e*2", names={"e"}), {"e": 5.0}) == 10.0


def test_sqrt_sign_and_sigma_become_calls() -> None:
    assert isinstance(parse("√2"), Call)
    node = parse("σ(1)")
    assert isinstance(node, Call) and node.func == "sigmoid"


def test_walk_visits_every_node_of_a_long_sum_without_recursion() -> None:
    tree = parse("+".join(["1"] * 900))
    assert sum(1 for _ in walk(tree)) == 901
    assert parse_value("+".join(["1"] * 900)) == 900.0


ATOMS = st.sampled_from(
    [
        "1", "0", "2.5", ".5", "1e3", "1e-400", "9", "e", "pi", "x", "s", "exp", "log", "sqrt",
        "min", "round", "σ", "√", "(", ")", "[", "]", ",", ";", "+", "-", "−", "*", "**", "/", "^",
        "×", "²", "⁻", "¹", " ", ".", "e-", "_", "'", "\x00", "😀",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_value_or_a_parse_error(text: str) -> None:
    _value_or_error(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(ATOMS, max_size=60).map("".join))
def test_grammar_soup_gives_a_value_or_a_parse_error(text: str) -> None:
    _value_or_error(text)
    try:
        tree = parse(text, names=("x", "s"))
    except ParseError:
        return
    with contextlib.suppress(ParseError):
        evaluate(tree, {"x": 0.5, "s": -2.0})


def _value_or_error(text: str) -> None:
    try:
        value = parse_value(text)
    except ParseError as exc:
        assert 0 <= exc.offset <= len(text)
        assert exc.render()
        return
    assert isinstance(value, float | tuple)


PLAIN_ATOMS = st.sampled_from(
    ["1", "0", "07", "2.5", ".5", "5.", "-", "+", "[", "]", ",", " ", ";", "e3", "9" * 400]
)


@settings(max_examples=800, deadline=None)
@given(st.lists(PLAIN_ATOMS, max_size=30).map("".join))
def test_plain_numbers_read_without_the_parser_as_the_parser_reads_them(text: str) -> None:
    """parse_value reads plain numbers, vectors and matrices by a shortcut: it must give what
    the grammar gives (the same floats, -0.0 included), and refuse what the grammar refuses."""

    def outcome(read) -> str:
        try:
            return repr(read(text))
        except ParseError:
            return "refused"

    assert outcome(parse_value) == outcome(lambda t: evaluate(parse(t), text=t))


@pytest.mark.parametrize(
    "text", ["-0", "[1, -2.5]", " [ [1, 2] , [3, 4] ] ", "[[1]]", "[5]", "007", "+.5"]
)
def test_plain_forms_agree_with_the_grammar(text: str) -> None:
    assert repr(parse_value(text)) == repr(evaluate(parse(text), text=text))
