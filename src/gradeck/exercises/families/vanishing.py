"""Vanishing and exploding gradients: the product of weights and activation slopes along a chain.

A chain of one-unit layers hᵢ = f(wᵢ·hᵢ₋₁ + bᵢ) passes back ∂h_k/∂h_0 = Π wᵢ·f′(zᵢ). Each slope is
read from the layer's output, σ′ = a(1 − a) ≤ 0.25 and tanh′ = 1 − a², so a deep sigmoid chain
shrinks the gradient unless its weights are large, and large weights can make it explode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choose_param,
    clean,
    cleaned,
    decimal,
    distinct,
    draw_or,
    num,
    number_at,
    rng,
    signed,
    vec,
    vector_at,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "vanishing-gradients"
DIFFICULTIES = (1, 2)
ACTIVATIONS = ("sigmoid", "tanh")
OUTPUTS = {
    "sigmoid": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "tanh": (-0.9, -0.8, -0.6, -0.5, -0.3, 0.2, 0.4, 0.5, 0.6, 0.8, 0.9),
}

Vector = tuple[float, ...]


def slope(activation: str, a: float) -> float:
    return clean(a * (1 - a) if activation == "sigmoid" else 1 - a * a)


@dataclass(frozen=True)
class Values:
    activation: str
    outputs: Vector  # aᵢ of each layer
    weights: Vector

    @property
    def slopes(self) -> Vector:
        return tuple(slope(self.activation, a) for a in self.outputs)

    @property
    def factor(self) -> float:
        return math.prod(w * s for w, s in zip(self.weights, self.slopes, strict=True))


def _other(activation: str) -> str:
    return "tanh" if activation == "sigmoid" else "sigmoid"


def _slope_mistakes(v: Values) -> list[Mistake]:
    rule = "a(1 − a)" if v.activation == "sigmoid" else "1 − a²"
    return [
        Mistake(
            "wrong-activation",
            tuple(slope(_other(v.activation), a) for a in v.outputs),
            f"For {v.activation} the slope from its output a is {rule}.",
        ),
        Mistake("output-not-slope", v.outputs, f"Those are the outputs; the slope is {rule}."),
    ]


def _factor_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "weights-forgotten",
            math.prod(v.slopes),
            "Each layer multiplies by its weight wᵢ as well as its slope.",
        ),
        Mistake(
            "sum-not-product",
            sum(w * s for w, s in zip(v.weights, v.slopes, strict=True)),
            "The chain rule multiplies the factors of successive layers.",
        ),
        Mistake(
            "wrong-activation",
            math.prod(
                w * slope(_other(v.activation), a)
                for w, a in zip(v.weights, v.outputs, strict=True)
            ),
            f"Use {v.activation}'s slope.",
        ),
    ]


def _ok(v: Values) -> bool:
    f = v.factor
    if not 1e-4 <= abs(f) <= 1e4:
        return False
    slopes_ok = len(set(v.outputs)) == 1 or apart(v.slopes, _slope_mistakes(v))
    return slopes_ok and apart(f, _factor_mistakes(v))


FALLBACK = {
    1: Values("sigmoid", (0.5,) * 4, (2.0,) * 4),
    2: Values("tanh", (0.5, -0.8, 0.6), (1.5, -2.0, 0.8)),
}


def draw(seed: int, difficulty: int, activation: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    act = choose_param("activation", activation, ACTIVATIONS, r)

    def one() -> Values:
        if difficulty == 1:  # k identical layers
            k = r.randint(3, 6)
            return Values(act, (r.choice(OUTPUTS[act]),) * k, (decimal(r, 0.5, 4),) * k)
        k = r.randint(3, 4)
        outputs = tuple(r.choice(OUTPUTS[act]) for _ in range(k))
        weights = tuple(decimal(r, -3, 3) for _ in range(k))
        return Values(act, outputs, cleaned(weights))

    fallback = FALLBACK[difficulty]
    if fallback.activation != act:
        fallback = Values(act, fallback.outputs, fallback.weights)
    return draw_or(one, _ok, fallback)


def generate(seed: int, difficulty: int, activation: str | None = None) -> Exercise:
    v = draw(seed, difficulty, activation)
    k, act = len(v.outputs), v.activation
    rule = "σ′(z) = a(1 − a)" if act == "sigmoid" else "tanh′(z) = 1 − a²"
    chain = (
        f"A chain of {k} one-unit {act} layers, hᵢ = {act}(wᵢ·hᵢ₋₁ + bᵢ), passes the gradient "
        f"back as ∂h_{k}/∂h_0 = Π wᵢ·f′(zᵢ), where each slope follows from the layer's output "
        f"a: {rule}."
    )
    if difficulty == 1:
        a, w = v.outputs[0], v.weights[0]
        s = v.slopes[0]
        one_layer = clean(w * s)
        prompt = (
            f"{chain} Every layer has weight w = {num(w)} and output a = {num(a)}. Find (a) one "
            f"layer's slope f′(z), (b) one layer's factor w·f′(z) and (c) ∂h_{k}/∂h_0 through "
            f"all {k} layers."
        )
        parts: tuple[Part, ...] = (
            Part(
                "a",
                "slope f′(z) of one layer",
                s,
                mistakes=distinct(
                    s,
                    [
                        Mistake(
                            "wrong-activation", slope(_other(act), a), f"Use {act}'s slope: {rule}."
                        ),
                        Mistake("output-not-slope", a, f"That is the output; the slope is {rule}."),
                    ],
                ),
            ),
            Part(
                "b",
                "one layer's factor w·f′(z)",
                one_layer,
                mistakes=distinct(
                    one_layer,
                    [Mistake("weight-forgotten", s, "Multiply the slope by the weight w.")],
                ),
                carry=carry(one_layer, lambda ans: w * number_at(ans, 0, s)),
            ),
            Part(
                "c",
                f"∂h_{k}/∂h_0 through {k} layers",
                v.factor,
                mistakes=distinct(
                    v.factor,
                    [
                        Mistake(
                            "weights-forgotten", s**k, "Each layer contributes w·f′, not f′ alone."
                        ),
                        Mistake(
                            "not-raised", k * one_layer, f"Multiply the {k} factors, do not add."
                        ),
                        Mistake("one-layer-short", one_layer ** (k - 1), f"There are {k} layers."),
                    ],
                ),
                carry=carry(v.factor, lambda ans: number_at(ans, 1, one_layer) ** k),
            ),
        )
        working = f"({num(w)} × {num(s)})^{k} = {num(one_layer)}^{k} = {num(v.factor)}"
        slope_work = (
            f"{num(a)} × (1 − {num(a)}) = {num(s)}"
            if act == "sigmoid"
            else f"1 − {signed(a)}² = {num(s)}"
        )
    else:
        prompt = (
            f"{chain} The layers' outputs are a = {vec(v.outputs)} and their weights "
            f"w = {vec(v.weights)}. Find (a) the slopes f′(zᵢ) of the {k} layers and (b) "
            f"∂h_{k}/∂h_0."
        )
        parts = (
            Part(
                "a",
                "slopes f′(zᵢ) (a vector)",
                v.slopes,
                kind="vector",
                mistakes=tuple(_slope_mistakes(v)),
            ),
            Part(
                "b",
                f"∂h_{k}/∂h_0",
                v.factor,
                mistakes=tuple(_factor_mistakes(v)),
                carry=carry(
                    v.factor,
                    lambda ans: math.prod(
                        w * s for w, s in zip(v.weights, vector_at(ans, 0, v.slopes), strict=True)
                    ),
                ),
            ),
        )
        working = (
            " × ".join(f"({num(w)}×{num(s)})" for w, s in zip(v.weights, v.slopes, strict=True))
            + f" = {num(v.factor)}"
        )
        slope_work = f"slopes = {vec(v.slopes)}"
    trend = "shrinks (vanishing)" if abs(v.factor) < 1 else "grows (exploding)"
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Vanishing and exploding gradients",
        prompt=prompt,
        parts=parts,
        solution=(
            Step("Each layer's slope from its output.", rule, slope_work),
            Step(
                f"Multiply weight × slope over the {k} layers: the gradient {trend}.",
                f"∂h_{k}/∂h_0 = Π wᵢ·f′(zᵢ)",
                working,
            ),
        ),
        hints=(
            "The chain rule multiplies one factor wᵢ·f′(zᵢ) per layer.",
            f"{rule}: the slope follows from the output alone.",
        ),
    )
