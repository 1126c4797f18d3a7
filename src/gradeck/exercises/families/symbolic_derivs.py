"""Derivatives written as expressions, checked for equivalence (the checker uses sympy).

The expected answers are fixed text in the answer grammar; generating an exercise needs no sympy.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._derivatives import ITEMS, Item
from gradeck.exercises.families._draw import check_difficulty, choose_param, rng
from gradeck.exercises.model import Exercise, Mistake, Part, Step
from gradeck.exercises.symbolic import FORMS_HELP

FAMILY = "symbolic-derivative"
DIFFICULTIES = (1, 2)


POLYNOMIAL = "polynomial"
LEVELS = {
    1: ("sigmoid", "tanh", POLYNOMIAL, "quadratic-symbols", "squared-error-bias"),
    2: (
        "squared-error-weight",
        "half-squared-error",
        "softplus",
        "bce-logit",
        "bce-probability",
        "log-sigmoid",
        "swish",
        "exp-decay",
    ),
}
KEYS = (*LEVELS[1], *LEVELS[2])


@dataclass(frozen=True)
class Values:
    key: str
    coefficients: tuple[int, ...] = ()  # (c2, c1, c0) of the polynomial item


def draw(seed: int, difficulty: int, item: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    key = choose_param("item", item, LEVELS[difficulty] if item is None else KEYS, r)
    if key != POLYNOMIAL:
        return Values(key)
    nonzero = [k for k in range(-9, 10) if k]
    c2 = r.choice([k for k in range(-6, 7) if abs(k) > 1])
    return Values(key, (c2, r.choice(nonzero), r.choice(nonzero)))


def linear(terms: list[tuple[int, str]]) -> str:
    """Integer-coefficient terms as answer-grammar text: [(6, 'w'), (-2, '')] -> '6*w - 2'."""
    text = ""
    for coefficient, factor in terms:
        body = f"{abs(coefficient)}*{factor}" if factor else str(abs(coefficient))
        if not text:
            text = body if coefficient > 0 else f"-{body}"
        else:
            text += f" + {body}" if coefficient > 0 else f" - {body}"
    return text


def _polynomial(c2: int, c1: int, c0: int) -> Item:
    shown = linear([(c2, "w^2"), (c1, "w"), (c0, "")]).replace("*", "·").replace("^2", "²")
    return Item(
        POLYNOMIAL,
        "Power rule",
        f"Let L(w) = {shown}. Find dL/dw.",
        linear([(2 * c2, "w"), (c1, "")]),
        ("w",),
        (
            Mistake(
                "power-rule-factor",
                linear([(c2, "w"), (c1, "")]),
                "The power rule brings the exponent down: d(w²)/dw = 2w.",
            ),
            Mistake(
                "constant-kept",
                linear([(2 * c2, "w"), (c1, ""), (c0, "")]),
                "A constant term does not change with w: its derivative is 0.",
            ),
            Mistake(
                "power-not-lowered",
                linear([(2 * c2, "w^2"), (c1, "")]),
                "The power rule lowers the exponent by one: d(w²)/dw = 2w¹.",
            ),
        ),
        (
            Step(
                "Differentiate term by term: d(wⁿ)/dw = n·wⁿ⁻¹, and constants give 0.",
                "dL/dw = 2·c₂·w + c₁",
                linear([(2 * c2, "w"), (c1, "")]).replace("*", "·"),
            ),
        ),
        "Use d(wⁿ)/dw = n·wⁿ⁻¹ on each term.",
    )


def generate(seed: int, difficulty: int, item: str | None = None) -> Exercise:
    v = draw(seed, difficulty, item)
    it = _polynomial(*v.coefficients) if v.key == POLYNOMIAL else ITEMS[v.key]
    names = ", ".join(it.symbols)
    prompt = f"{it.question} Type an expression using only {names}: {FORMS_HELP}."
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title=it.title,
        prompt=prompt,
        parts=(
            Part(
                "a",
                "the derivative",
                it.expected,
                kind="symbolic",
                mistakes=it.mistakes,
                symbols=it.symbols,
            ),
        ),
        solution=it.steps,
        hints=(it.hint,),
    )
