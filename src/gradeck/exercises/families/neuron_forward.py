"""A single neuron's forward pass: the weighted sum z = w·x + b, then the activation a = f(z)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from gradeck.exercises.families import _nets
from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choose_param,
    clean,
    decimal_where,
    decimals,
    draw_or,
    num,
    number_at,
    rng,
    signed,
    vec,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "neuron-forward"
DIFFICULTIES = (1, 2)
ACTIVATIONS = ("sigmoid", "tanh", "relu")
INPUTS = {1: 2, 2: 3}
BIAS_PLACES = {1: 1, 2: 2}


@dataclass(frozen=True)
class Values:
    activation: str
    w: tuple[float, ...]
    x: tuple[float, ...]
    b: float


def _z_mistakes(v: Values) -> list[Mistake]:
    dot = clean(sum(a * b for a, b in zip(v.w, v.x, strict=True)))
    return [
        Mistake("bias-forgotten", dot, "Add the bias b to the weighted sum."),
        Mistake(
            "bias-per-input",
            clean(dot + len(v.x) * v.b),
            "The bias is added once to the whole sum, not once per input.",
        ),
    ]


def _a_mistakes(v: Values, z: float) -> list[Mistake]:
    found = []
    if not (v.activation == "relu" and z > 0):
        found.append(Mistake("activation-forgotten", z, "That is z; the neuron's output is f(z)."))
    if v.activation == "sigmoid":
        found.append(
            Mistake(
                "exponent-sign",
                _nets.activate("sigmoid", -z),
                "That is 1/(1 + e^z): σ(z) = 1/(1 + e^(−z)) has a minus sign in the exponent.",
            )
        )
    if v.activation == "tanh":
        found.append(
            Mistake("sigmoid-for-tanh", _nets.activate("sigmoid", z), "That is σ(z), not tanh(z).")
        )
    return found


def z_fits(z: float, negative: bool) -> bool:
    """z on the side of 0 asked for, and neither next to 0 nor where f saturates."""
    return 0.2 <= abs(z) <= 3 and (z < 0) == negative


def _ok(v: Values, negative: bool) -> bool:
    z, a = _nets.neuron_forward(v.activation, v.w, v.x, v.b)
    if not z_fits(z, negative):
        return False
    return apart(z, _z_mistakes(v)) and apart(a, _a_mistakes(v, z))


# Keyed by the sign of z; acceptable with every activation (the tests check each).
FALLBACK = {
    (False, 1): Values("sigmoid", w=(0.9, -0.1), x=(1.9, -1.5), b=-0.4),
    (True, 1): Values("sigmoid", w=(-0.2, -1.0), x=(-1.8, 1.6), b=-0.5),
    (False, 2): Values("sigmoid", w=(0.1, 0.8, 0.3), x=(-0.6, 1.4, -1.4), b=0.72),
    (True, 2): Values("sigmoid", w=(-0.6, -1.0, -0.2), x=(0.2, 0.9, 1.1), b=-0.41),
}


def draw(seed: int, difficulty: int, activation: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    activation = choose_param("activation", activation, ACTIVATIONS, r)
    n = INPUTS[difficulty]
    negative = r.random() < 0.5  # for ReLU, both sides of 0 are worth practising

    def one() -> Values:
        w, x = decimals(r, n, -1, 1), decimals(r, n, -2, 2)
        dot = sum(wi * xi for wi, xi in zip(w, x, strict=True))
        # b among those that give z a side and a size _ok accepts.
        b = decimal_where(r, -1, 1, lambda b: z_fits(dot + b, negative), BIAS_PLACES[difficulty])
        return Values(activation, w, x, b)

    fallback = replace(FALLBACK[negative, difficulty], activation=activation)
    return draw_or(one, lambda v: _ok(v, negative), fallback)


FORMULAS = {
    "sigmoid": ("σ(z) = 1/(1 + e^(−z))", "σ"),
    "tanh": ("tanh(z) = (e^z − e^(−z))/(e^z + e^(−z))", "tanh"),
    "relu": ("relu(z) = max(0, z)", "relu"),
}


def generate(seed: int, difficulty: int, activation: str | None = None) -> Exercise:
    v = draw(seed, difficulty, activation)
    z, a = _nets.neuron_forward(v.activation, v.w, v.x, v.b)
    z = clean(z)
    formula, f = FORMULAS[v.activation]
    products = " + ".join(f"{signed(w)}×{signed(x)}" for w, x in zip(v.w, v.x, strict=True))
    prompt = (
        f"A neuron has weights w = {vec(v.w)} and bias b = {num(v.b)}, and uses the activation "
        f"{formula}. It receives the input x = {vec(v.x)}. Give (a) its weighted input "
        f"z = w·x + b and (b) its output a = {f}(z)."
    )
    if v.activation == "sigmoid":
        working = f"1/(1 + e^({num(-z)})) = {num(a)}"
    elif v.activation == "relu":
        working = f"max(0, {num(z)}) = {num(a)}"
    else:
        working = f"tanh({num(z)}) = {num(a)}"
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Forward pass of a neuron",
        prompt=prompt,
        parts=(
            Part("a", "weighted input z", z, mistakes=tuple(_z_mistakes(v))),
            Part(
                "b",
                f"output a = {f}(z)",
                a,
                mistakes=tuple(_a_mistakes(v, z)),
                carry=carry(a, lambda ans: _nets.activate(v.activation, number_at(ans, 0, z))),
            ),
        ),
        solution=(
            Step(
                "Multiply each input by its weight, add the products, then add the bias once.",
                "z = w·x + b = Σᵢ wᵢxᵢ + b",
                f"{products} + {signed(v.b)} = {num(z)}",
            ),
            Step("Apply the activation to z.", f"a = {formula}", working),
        ),
        hints=(
            "First the weighted sum: one product per input, then the bias.",
            f"Then the activation: {formula}.",
        ),
        network=(len(v.w), 1),
    )
