"""Answer checking: tolerance, the close band, error carried forward, mistakes, shapes, ratings."""

from __future__ import annotations

import pytest

from gradeck.exercises.check import (
    PartResult,
    check_exercise,
    check_next,
    check_part,
    matches,
    tolerance,
)
from gradeck.exercises.model import Exercise, Mistake, Part


def exercise(*parts: Part) -> Exercise:
    return Exercise("test", 1, 1, "A test", "Work it out.", parts, ())


# -- numbers and tolerance ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("0.5", "right"),
        ("1/2", "right"),
        ("0.504", "right"),  # 0.8% off: inside the default 1%
        ("0.496", "right"),
        ("0.506", "close"),  # 1.2% off
        ("0.524", "close"),  # 4.8% off: inside five times the tolerance
        ("0.476", "close"),
        ("0.53", "wrong"),  # 6% off
        ("0.3", "wrong"),
    ],
)
def test_default_tolerance_and_close_band(text: str, verdict: str) -> None:
    assert check_part(Part("a", "x", 0.5), text).verdict == verdict


def test_close_says_why() -> None:
    result = check_part(Part("a", "x", 0.5), "0.51")
    assert result.message == "close: did you round an intermediate value?"


def test_three_significant_figures_are_enough_even_with_a_tight_tolerance() -> None:
    part = Part("a", "output", 0.7513651, rel_tol=1e-6)
    # Half a unit in the third figure of 0.751 is 0.0005.
    assert tolerance(part, 0.7513651) == pytest.approx(0.0005)
    assert check_part(part, "0.751").verdict == "right"
    assert check_part(part, "0.7514").verdict == "right"
    assert check_part(part, "0.752").verdict == "close"  # 0.00063 away
    assert check_part(part, "0.750").verdict == "close"


def test_rounding_half_up_at_the_third_figure_is_right() -> None:
    part = Part("a", "x", 0.1235, rel_tol=1e-6)
    assert check_part(part, "0.124").verdict == "right"
    assert check_part(part, "0.123").verdict == "right"


def test_absolute_tolerance_around_zero() -> None:
    part = Part("a", "relu'(-1)", 0.0)
    assert check_part(part, "0").verdict == "right"
    assert check_part(part, "1e-12").verdict == "right"
    assert check_part(part, "0.001").verdict == "wrong"
    loose = Part("a", "x", 0.0, abs_tol=0.01)
    assert check_part(loose, "0.009").verdict == "right"
    assert check_part(loose, "0.04").verdict == "close"


def test_blank_and_unreadable() -> None:
    part = Part("a", "x", 0.5)
    assert check_part(part, "").verdict == "blank"
    assert check_part(part, "   \t").verdict == "blank"
    result = check_part(part, "0.5*(1-0.5")
    assert result.verdict == "unreadable"
    assert result.message == "0.5*(1-0.5\n          ^ missing ')'"
    assert result.value is None
    assert check_part(part, "__import__('os')").verdict == "unreadable"
    assert check_part(part, "9**9**9").verdict == "unreadable"


# -- mistakes --------------------------------------------------------------------------------


def test_a_known_mistake_is_named() -> None:
    # w = 0.4, ∂L/∂w = 0.25, η = 0.1: right 0.375, sign flipped 0.425, η forgotten 0.15.
    part = Part(
        "a",
        "w after the update",
        0.375,
        mistakes=(
            Mistake("sign", 0.425, "you moved uphill"),
            Mistake("no-lr", 0.15, "the learning rate is missing"),
        ),
    )
    for text, name in (("0.425", "sign"), ("0.424", "sign"), ("0.15", "no-lr")):
        result = check_part(part, text)
        assert result.verdict == "wrong"
        assert result.mistake is not None and result.mistake.name == name
        assert result.message == result.mistake.feedback
    assert check_part(part, "0.375").mistake is None


def test_mistakes_come_before_the_close_band() -> None:
    part = Part("a", "x", 1.0, mistakes=(Mistake("slip", 1.03, "a named slip"),))
    result = check_part(part, "1.03")
    assert (result.verdict, result.message) == ("wrong", "a named slip")
    assert check_part(part, "0.97").verdict == "close"


def test_common_slips_are_named_when_the_family_lists_nothing() -> None:
    part = Part("a", "x", 0.0375)
    assert check_part(part, "-0.0375").message == "the sign is flipped"
    assert "decimal point" in check_part(part, "0.375").message
    assert "decimal point" in check_part(part, "0.00375").message


# -- error carried forward -------------------------------------------------------------------

# z = 2·x with x = 0.3, then a = z², so the right answers are 0.6 and 0.36.
CHAIN = exercise(
    Part("a", "z", 0.6),
    Part("b", "z squared", 0.36, carry=lambda earlier: earlier[0] ** 2),
)


def test_a_later_part_that_follows_from_a_wrong_earlier_one_is_carried() -> None:
    result = check_exercise(CHAIN, ["0.7", "0.49"])
    assert [p.verdict for p in result.parts] == ["wrong", "carried"]
    assert result.parts[1].message == "right given your answer to part a (error carried forward)"
    assert result.any_right and not result.all_right


def test_carried_needs_the_learner_to_follow_their_own_answer() -> None:
    result = check_exercise(CHAIN, ["0.7", "0.5"])
    assert [p.verdict for p in result.parts] == ["wrong", "wrong"]


def test_carry_from_a_rounded_right_answer_counts_as_right() -> None:
    part = Part("b", "z squared", 0.3600, rel_tol=1e-4, carry=lambda earlier: earlier[0] ** 2)
    rounded = exercise(Part("a", "z", 0.6012, rel_tol=1e-4), part)
    # 0.601 is right to three figures; 0.601² = 0.361201, which is 0.33% from 0.3614.
    result = check_exercise(rounded, ["0.601", "0.361201"])
    assert [p.verdict for p in result.parts] == ["right", "right"]


def test_carry_ignores_blank_and_unreadable_earlier_answers() -> None:
    for first in ("", "((("):
        result = check_exercise(CHAIN, [first, "0.49"])
        assert result.parts[1].verdict == "wrong"


def test_check_next_matches_check_exercise() -> None:
    done: list[PartResult] = []
    for text in ("0.7", "0.49"):
        done.append(check_next(CHAIN, done, text))
    assert tuple(done) == check_exercise(CHAIN, ["0.7", "0.49"]).parts


def test_missing_answers_are_blank() -> None:
    assert [p.verdict for p in check_exercise(CHAIN, ["0.6"]).parts] == ["right", "blank"]


# -- vectors, matrices, counts ---------------------------------------------------------------


def test_vectors_element_wise_with_the_length_checked() -> None:
    part = Part("a", "w", (0.1, -0.2, 0.3), kind="vector")
    assert check_part(part, "[0.1, -0.2, 0.3]").verdict == "right"
    assert check_part(part, "0.1, −0.2, 0.3").verdict == "right"
    assert check_part(part, "[0.1, -0.2, 0.31]").verdict == "close"
    assert check_part(part, "[0.1, 0.2, 0.3]").verdict == "wrong"
    short = check_part(part, "[0.1, -0.2]")
    assert (short.verdict, short.message) == ("unreadable", "expected 3 values, got 2")
    assert check_part(part, "0.1").message == "expected 3 values, got one number"


def test_one_value_stands_for_a_one_element_vector_and_back() -> None:
    assert check_part(Part("a", "b", (0.5,), kind="vector"), "0.5").verdict == "right"
    assert check_part(Part("a", "b", 0.5), "[0.5]").verdict == "right"


def test_matrices_shape_checked_and_a_transpose_diagnosed() -> None:
    weights = ((0.1, 0.2, 0.3), (0.4, 0.5, 0.6))
    transposed = ((0.1, 0.4), (0.2, 0.5), (0.3, 0.6))
    part = Part(
        "a",
        "W",
        weights,
        kind="matrix",
        mistakes=(Mistake("transpose", transposed, "weights are (out, in)"),),
    )
    assert check_part(part, "[[0.1,0.2,0.3],[0.4,0.5,0.6]]").verdict == "right"
    assert check_part(part, "0.1, 0.2, 0.3; 0.4, 0.5, 0.6").verdict == "right"
    result = check_part(part, "[[0.1,0.4],[0.2,0.5],[0.3,0.6]]")
    assert (result.verdict, result.message) == ("wrong", "weights are (out, in)")
    other = check_part(part, "[[1,2],[3,4]]")
    assert (other.verdict, other.message) == (
        "unreadable",
        "expected a 2×3 matrix, got a 2×2 matrix",
    )


def test_counts_are_exact() -> None:
    # 784·512 + 512 weights and biases
    part = Part("a", "parameters", 401920, kind="count")
    assert check_part(part, "401920").verdict == "right"
    assert check_part(part, "784*512 + 512").verdict == "right"
    assert check_part(part, "401921").verdict == "wrong"
    assert check_part(part, "401000").verdict == "wrong"  # within 1%, still wrong
    assert check_part(part, "401920.5").message == "a count is a whole number"


def test_grouped_thousands_are_a_count_where_a_count_is_asked() -> None:
    assert check_part(Part("a", "n", 1000, kind="count"), "1,000").verdict == "right"
    assert check_part(Part("a", "n", 1000, kind="count"), "1 000").verdict == "right"
    result = check_part(Part("a", "x", 1000.0), "1,000")  # a number: a comma is ambiguous
    assert result.verdict == "unreadable"
    assert "write 1,000 as 1000" in result.message


def test_matches_uses_the_same_rule_as_checking() -> None:
    part = Part("a", "x", 0.5)
    assert matches(part, 0.504, 0.5) and not matches(part, 0.51, 0.5)
    assert matches(part, (0.5,), 0.5)
    assert not matches(Part("a", "n", 10, kind="count"), 10.5, 10)


# -- symbolic --------------------------------------------------------------------------------

SIGMA_PRIME = Part(
    "a",
    "dσ/dz in terms of s = σ(z)",
    "s*(1-s)",
    kind="symbolic",
    symbols=("s",),
    mistakes=(Mistake("sigma-for-derivative", "s", "that is σ(z) itself, not its derivative"),),
)
SQUARE_GRAD = Part(
    "a", "∂/∂w of (wx + b − y)²", "2*x*(w*x+b-y)", kind="symbolic", symbols=("w", "x", "b", "y")
)


def test_symbolic_equivalence() -> None:
    assert check_part(SIGMA_PRIME, "s - s^2").verdict == "right"
    assert check_part(SIGMA_PRIME, "s*(1−s)").verdict == "right"
    assert check_part(SIGMA_PRIME, "s*(1+s)").verdict == "wrong"
    assert check_part(SQUARE_GRAD, "2*w*x^2 + 2*b*x - 2*x*y").verdict == "right"
    assert check_part(SQUARE_GRAD, "2*x*(w*x + b - y)").verdict == "right"
    assert check_part(SQUARE_GRAD, "2*(w*x + b - y)").verdict == "wrong"


def test_symbolic_mistake_is_named() -> None:
    result = check_part(SIGMA_PRIME, "s")
    assert result.verdict == "wrong"
    assert result.mistake is not None and result.mistake.name == "sigma-for-derivative"


def test_symbolic_unknown_names_are_unreadable_and_list_the_allowed() -> None:
    result = check_part(SIGMA_PRIME, "z*(1-z)")
    assert result.verdict == "unreadable"
    assert "the names you can use are s" in result.message
    assert check_part(SIGMA_PRIME, "s^(9^9)").verdict == "unreadable"
    assert check_part(SIGMA_PRIME, "").verdict == "blank"


# -- updated values: judged on the change -----------------------------------------------------

# w = 1.5 with gradient 0.4 and η = 0.05: w₁ = 1.5 − 0.02 = 1.48.
STEP = Part("a", "w after one step", 1.48, start=1.5)


def test_the_start_value_is_no_update_not_close() -> None:
    for typed in ("1.5", "1.50", "1.502"):
        result = check_part(STEP, typed)
        assert result.verdict == "wrong", typed
        assert result.mistake is not None and result.mistake.name == "no-update"
        assert "no update" in result.message
    # Judged on its own value, 1.5 is within 1.4 % of 1.48: "close" before this rule.
    assert abs(1.5 - 1.48) / 1.48 < 5 * 0.01


def test_an_updated_value_is_judged_on_its_change() -> None:
    assert check_part(STEP, "1.48").verdict == "right"
    assert check_part(STEP, "1.4802").verdict == "right"  # 1 % of the change 0.02
    assert check_part(STEP, "1.479").verdict == "close"  # 5 % of the change: a rounding
    assert check_part(STEP, "1.47").verdict == "wrong"  # half the step again
    assert tolerance(STEP, 1.48, -0.02) == pytest.approx(0.0002)


def test_the_change_rounded_to_three_figures_is_right() -> None:
    # w = 2, step −0.012345: w₁ = 1.987655; the change to 3 figures, −0.0123, gives 1.9877.
    part = Part("a", "w", 1.987655, start=2.0)
    assert check_part(part, "1.9877").verdict == "right"
    assert check_part(part, "1.99").verdict == "wrong"  # the value to 3 figures hides the step


def test_a_family_mistake_at_the_start_value_keeps_its_own_name() -> None:
    forgot = Mistake("decay-forgotten", 0.8, "add λw")
    part = Part("a", "g + λw", 0.815, start=0.8, mistakes=(forgot,))
    result = check_part(part, "0.8")
    assert result.mistake is not None and result.mistake.name == "decay-forgotten"
