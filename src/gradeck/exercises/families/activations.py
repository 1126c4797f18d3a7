"""An activation's value and derivative at a point: sigmoid, tanh, ReLU and leaky ReLU."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choose_param,
    clean,
    decimal,
    draw_or,
    num,
    number_at,
    rng,
    signed,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "activation-derivative"
DIFFICULTIES = (1, 2)
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
SLOPES = (0.01, 0.05, 0.1, 0.2, 0.3)
NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU"}


@dataclass(frozen=True)
class Values:
    activation: str
    z: float
    slope: float = 0.0  # leaky ReLU's α


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def value(v: Values) -> float:
    if v.activation == "sigmoid":
        return sigmoid(v.z)
    if v.activation == "tanh":
        return math.tanh(v.z)
    if v.z > 0:
        return v.z
    return clean(v.slope * v.z) if v.activation == "leaky_relu" else 0.0


def derivative(v: Values) -> float:
    if v.activation == "sigmoid":
        return sigmoid(v.z) * (1 - sigmoid(v.z))
    if v.activation == "tanh":
        return 1 - math.tanh(v.z) ** 2
    return 1.0 if v.z > 0 else v.slope


def _value_mistakes(v: Values) -> list[Mistake]:
    if v.activation == "sigmoid":
        return [
            Mistake(
                "exponent-sign",
                sigmoid(-v.z),
                "That is 1/(1 + e^z): the exponent in σ(z) = 1/(1 + e^(−z)) carries a minus sign.",
            )
        ]
    if v.activation == "tanh":
        return [Mistake("sigmoid-for-tanh", sigmoid(v.z), "That is σ(z), the sigmoid, not tanh.")]
    if v.z > 0:
        return []
    found = [
        Mistake(
            "not-clipped",
            v.z,
            "Negative inputs do not pass through unchanged: "
            + (
                "ReLU outputs 0 for them."
                if v.activation == "relu"
                else "leaky ReLU multiplies them by α."
            ),
        )
    ]
    if v.activation == "leaky_relu":
        found.append(
            Mistake(
                "plain-relu", 0.0, "That is plain ReLU. Leaky ReLU lets αz through for negative z."
            )
        )
    return found


def _derivative_mistakes(v: Values) -> list[Mistake]:
    used_value = Mistake(
        "value-for-derivative",
        value(v),
        "That is the activation's value f(z), not its slope f'(z).",
    )
    if v.activation == "sigmoid":
        return [
            used_value,
            Mistake(
                "formula-on-z",
                clean(v.z * (1 - v.z)),
                "σ'(z) = σ(z)(1 − σ(z)) uses σ(z), not z itself.",
            ),
        ]
    if v.activation == "tanh":
        t = math.tanh(v.z)
        return [
            used_value,
            Mistake(
                "formula-on-z",
                clean(1 - v.z**2),
                "tanh'(z) = 1 − tanh²(z) uses tanh(z), not z itself.",
            ),
            Mistake("square-forgotten", 1 - t, "tanh'(z) = 1 − tanh(z)²: the tanh is squared."),
        ]
    if v.z > 0:
        found = [used_value]
        if v.activation == "leaky_relu":
            found.append(
                Mistake(
                    "wrong-branch",
                    v.slope,
                    "For z > 0 leaky ReLU is z itself, "
                    "so its slope is 1; α is the slope for negative z.",
                )
            )
        else:
            found.append(
                Mistake("wrong-branch", 0.0, "For z > 0 ReLU is z itself, so its slope is 1.")
            )
        return found
    found = [
        Mistake(
            "negative-slope-one",
            1.0,
            "For negative z the "
            + (
                "ReLU is flat: its slope is 0, not 1."
                if v.activation == "relu"
                else "slope of leaky ReLU is α, not 1."
            ),
        )
    ]
    if v.activation == "leaky_relu":
        found += [
            Mistake(
                "plain-relu",
                0.0,
                "That is plain ReLU's slope. Leaky ReLU has slope α for negative z.",
            ),
            used_value,
        ]
    return found


def _apart(v: Values, both: bool) -> bool:
    ok = apart(derivative(v), _derivative_mistakes(v))
    if both:
        ok = ok and apart(value(v), _value_mistakes(v))
    return ok


FALLBACK = {
    **{(a, 1): Values(a, -1.5) for a in ("sigmoid", "tanh", "relu")},
    ("leaky_relu", 1): Values("leaky_relu", -1.5, 0.05),
    ("sigmoid", 2): Values("sigmoid", 0.17),
    ("tanh", 2): Values("tanh", 1.04),
    ("relu", 2): Values("relu", 0.17),
    ("leaky_relu", 2): Values("leaky_relu", 0.17, 0.3),
}


def draw(seed: int, difficulty: int, activation: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    activation = choose_param("activation", activation, ACTIVATIONS, r)
    places = difficulty  # 1 decimal, then 2

    def one() -> Values:
        z = decimal(r, -3, 3, places)
        if activation in ("relu", "leaky_relu") and r.random() < 0.5:
            z = -abs(z)  # negative inputs are where the classic slips happen
        slope = r.choice(SLOPES) if activation == "leaky_relu" else 0.0
        return Values(activation, z, slope)

    fallback = FALLBACK[activation, difficulty]
    return draw_or(one, lambda v: _apart(v, both=difficulty > 1), fallback)


def _derivative_carry(v: Values) -> Callable | None:
    """Part (b) from the learner's own f(z): both derivatives are written through f(z)."""
    if v.activation == "sigmoid":
        through = lambda s: s * (1 - s)  # noqa: E731
    elif v.activation == "tanh":
        through = lambda t: 1 - t**2  # noqa: E731
    else:
        return None
    return carry(derivative(v), lambda a: through(number_at(a, 0, value(v))))


def _steps(v: Values) -> tuple[Step, ...]:
    z, a, d = num(v.z), num(value(v)), num(derivative(v))
    if v.activation == "sigmoid":
        return (
            Step(
                "Evaluate the sigmoid.",
                "σ(z) = 1/(1 + e^(−z))",
                f"1/(1 + e^({num(-v.z)})) = 1/(1 + {num(math.exp(-v.z))}) = {a}",
            ),
            Step(
                "The sigmoid's slope is written through its own value.",
                "σ'(z) = σ(z)·(1 − σ(z))",
                f"{a} × (1 − {a}) = {d}",
            ),
        )
    if v.activation == "tanh":
        return (
            Step("Evaluate tanh.", "tanh(z) = (e^z − e^(−z))/(e^z + e^(−z))", f"tanh({z}) = {a}"),
            Step(
                "tanh's slope is written through its own value.",
                "tanh'(z) = 1 − tanh²(z)",
                f"1 − {signed(value(v))}² = 1 − {num(value(v) ** 2)} = {d}",
            ),
        )
    if v.activation == "relu":
        branch = (
            ("z > 0, so ReLU passes z through", "slope 1")
            if v.z > 0
            else ("z < 0, so ReLU outputs 0", "slope 0: the function is flat there")
        )
        return (
            Step("ReLU is max(0, z).", "relu(z) = max(0, z)", f"{branch[0]}: relu({z}) = {a}"),
            Step(
                "Its slope is 1 for z > 0 and 0 for z < 0.",
                "relu'(z) = 1 if z > 0 else 0",
                f"{branch[1]}: relu'({z}) = {d}",
            ),
        )
    alpha = num(v.slope)
    if v.z > 0:
        return (
            Step(
                "Leaky ReLU is z for z > 0 and αz otherwise.",
                "f(z) = z if z > 0 else αz",
                f"z > 0, so f({z}) = {a}",
            ),
            Step("Its slope is 1 for z > 0.", "f'(z) = 1 if z > 0 else α", f"f'({z}) = {d}"),
        )
    return (
        Step(
            "Leaky ReLU is z for z > 0 and αz otherwise.",
            "f(z) = z if z > 0 else αz",
            f"z < 0, so f({z}) = {alpha} × {signed(v.z)} = {a}",
        ),
        Step("For negative z the slope is α.", "f'(z) = 1 if z > 0 else α", f"f'({z}) = {d}"),
    )


def generate(seed: int, difficulty: int, activation: str | None = None) -> Exercise:
    v = draw(seed, difficulty, activation)
    name = NAMES[v.activation]
    conventions = {
        "sigmoid": "σ(z) = 1/(1 + e^(−z))",
        "tanh": "the hyperbolic tangent",
        "relu": "relu(z) = max(0, z)",
        "leaky_relu": f"f(z) = z for z > 0 and αz otherwise, with α = {num(v.slope)}",
    }[v.activation]
    derivative_part = Part(
        "b" if difficulty > 1 else "a",
        f"the derivative of the {name} at z = {num(v.z)}",
        derivative(v),
        mistakes=tuple(_derivative_mistakes(v)),
        carry=_derivative_carry(v) if difficulty > 1 else None,
    )
    if difficulty > 1:
        prompt = (
            f"Consider the {name} activation ({conventions}) at z = {num(v.z)}. Give (a) its "
            f"value and (b) its derivative with respect to z there."
        )
        parts: tuple[Part, ...] = (
            Part(
                "a", f"the {name} at z = {num(v.z)}", value(v), mistakes=tuple(_value_mistakes(v))
            ),
            derivative_part,
        )
    else:
        prompt = (
            f"Consider the {name} activation ({conventions}). What is its derivative with "
            f"respect to z at z = {num(v.z)}?"
        )
        parts = (derivative_part,)
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title=f"Derivative of {name}",
        prompt=prompt,
        parts=parts,
        solution=_steps(v),
        hints=(
            "The derivative is the activation's slope at z, not its value.",
            {
                "sigmoid": "σ'(z) = σ(z)(1 − σ(z)): first compute σ(z).",
                "tanh": "tanh'(z) = 1 − tanh²(z): first compute tanh(z).",
                "relu": "ReLU is a straight line on each side of 0: what is its slope on the side "
                "where z lies?",
                "leaky_relu": "Leaky ReLU is a straight line on each side of 0, with slope 1 on "
                "the right and α on the left.",
            }[v.activation],
        ),
    )
