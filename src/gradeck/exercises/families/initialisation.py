"""Xavier/Glorot and He initialisation: the normal std or the uniform bound of a layer."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choose_param,
    draw_or,
    num,
    number_at,
    rng,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "init-scale"
DIFFICULTIES = (1, 2)
SCHEMES = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal")
WIDTHS = (10, 32, 50, 64, 100, 128, 200, 256, 300, 512, 784, 1024)
KERNELS = (3, 5)
CHANNELS = (3, 16, 32, 64, 128, 256)


@dataclass(frozen=True)
class Values:
    scheme: str
    fan_in: int
    fan_out: int
    conv: tuple[int, ...] = ()  # (k, C_in, C_out) for a convolutional layer


def scale(scheme: str, fan_in: float, fan_out: float) -> float:
    """The std of a normal scheme, or the bound a of a uniform U(−a, a) one."""
    family, shape = scheme.split("_")
    variance = 2 / (fan_in + fan_out) if family == "glorot" else 2 / fan_in
    return math.sqrt(3 * variance) if shape == "uniform" else math.sqrt(variance)


def _other(scheme: str, family: str | None = None, shape: str | None = None) -> str:
    mine, kind = scheme.split("_")
    return f"{family or mine}_{shape or kind}"


def _mistakes(v: Values) -> list[Mistake]:
    family, shape = v.scheme.split("_")
    right = scale(v.scheme, v.fan_in, v.fan_out)
    swapped_family = "he" if family == "glorot" else "glorot"
    swapped_shape = "normal" if shape == "uniform" else "uniform"
    what = "bound" if shape == "uniform" else "standard deviation"
    found = [
        Mistake(
            "glorot-he-confused",
            scale(_other(v.scheme, family=swapped_family), v.fan_in, v.fan_out),
            "That is the " + ("He" if family == "glorot" else "Glorot") + " value. Glorot "
            "averages both fans, Var = 2/(fan_in + fan_out); He (for ReLU) uses "
            "Var = 2/fan_in.",
        ),
        Mistake(
            "uniform-normal-confused",
            scale(_other(v.scheme, shape=swapped_shape), v.fan_in, v.fan_out),
            f"That is the {'normal std' if shape == 'uniform' else 'uniform bound'}. A "
            "uniform U(−a, a) has variance a²/3, so its bound is √3 times the std.",
        ),
        Mistake(
            "variance-not-std",
            right**2,
            f"That is the variance; the {what} is its "
            "square root" + (" (of 3·Var for the bound)." if shape == "uniform" else "."),
        ),
    ]
    if family == "he":
        found.append(
            Mistake(
                "fan-out-used",
                scale(v.scheme, v.fan_out, v.fan_in),
                "He "
                "initialisation in fan_in mode divides by fan_in, the number of "
                "inputs of each unit.",
            )
        )
    return found


def _fan_mistakes(v: Values) -> tuple[list[Mistake], list[Mistake]]:
    _, c_in, c_out = v.conv
    return (
        [
            Mistake(
                "kernel-forgotten",
                c_in,
                "Each output unit sees a k×k patch in every input channel: fan_in = k·k·C_in.",
            ),
            Mistake("fans-swapped", v.fan_out, "fan_in counts the inputs of a unit: k·k·C_in."),
        ],
        [
            Mistake(
                "kernel-forgotten",
                c_out,
                "fan_out counts k·k positions for every output channel: k·k·C_out.",
            ),
            Mistake("fans-swapped", v.fan_in, "fan_out uses the output channels: k·k·C_out."),
        ],
    )


def _ok(v: Values) -> bool:
    ok = apart(scale(v.scheme, v.fan_in, v.fan_out), _mistakes(v))
    if v.conv:
        fan_in_wrong, fan_out_wrong = _fan_mistakes(v)
        ok = ok and apart(v.fan_in, fan_in_wrong, rel=0)
        ok = ok and apart(v.fan_out, fan_out_wrong, rel=0)
    return ok


# Acceptable in every scheme (the tests check each).
FALLBACK = {
    1: Values("glorot_uniform", fan_in=1024, fan_out=256),
    2: Values("glorot_uniform", fan_in=576, fan_out=288, conv=(3, 64, 32)),
}


def draw(seed: int, difficulty: int, scheme: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    scheme = choose_param("scheme", scheme, SCHEMES, r)

    def one() -> Values:
        if difficulty == 1:
            return Values(scheme, r.choice(WIDTHS), r.choice(WIDTHS))
        k, c_in, c_out = r.choice(KERNELS), r.choice(CHANNELS), r.choice(CHANNELS)
        return Values(scheme, k * k * c_in, k * k * c_out, (k, c_in, c_out))

    return draw_or(one, _ok, replace(FALLBACK[difficulty], scheme=scheme))


NAMES = {
    "glorot_uniform": ("Glorot (Xavier) uniform", "the bound a of U(−a, a)"),
    "glorot_normal": ("Glorot (Xavier) normal", "the standard deviation"),
    "he_uniform": ("He (Kaiming) uniform", "the bound a of U(−a, a)"),
    "he_normal": ("He (Kaiming) normal", "the standard deviation"),
}


def _steps(v: Values) -> list[Step]:
    family, shape = v.scheme.split("_")
    right = scale(v.scheme, v.fan_in, v.fan_out)
    if family == "glorot":
        variance = Step(
            "Glorot keeps the signal's variance in both directions by averaging the fans.",
            "Var(W) = 2/(fan_in + fan_out)",
            f"2/({v.fan_in} + {v.fan_out}) = {num(2 / (v.fan_in + v.fan_out))}",
        )
    else:
        variance = Step(
            "He doubles the variance to make up for ReLU zeroing half its inputs (torch's gain for "
            "ReLU is √2, so the factor on the variance is gain² = 2).",
            "Var(W) = 2/fan_in",
            f"2/{v.fan_in} = {num(2 / v.fan_in)}",
        )
    if shape == "uniform":
        finish = Step(
            "U(−a, a) has variance a²/3, so a = √(3·Var).",
            "a = √(3·Var(W))",
            f"√(3 × {num(right**2 / 3)}) = {num(right)}",
        )
    else:
        finish = Step(
            "The standard deviation is the square root of the variance.",
            "std = √Var(W)",
            f"√{num(right**2)} = {num(right)}",
        )
    return [variance, finish]


def generate(seed: int, difficulty: int, scheme: str | None = None) -> Exercise:
    v = draw(seed, difficulty, scheme)
    name, quantity = NAMES[v.scheme]
    right = scale(v.scheme, v.fan_in, v.fan_out)
    conventions = (
        "Glorot keeps Var(W) = 2/(fan_in + fan_out); He (for ReLU, fan_in mode) keeps "
        "Var(W) = 2/fan_in; uniform schemes draw from U(−a, a), normal ones from N(0, std²)."
    )
    if difficulty == 1:
        prompt = (
            f"A fully connected layer maps {v.fan_in} inputs to {v.fan_out} outputs, so fan_in = "
            f"{v.fan_in} and fan_out = {v.fan_out}. Its weights are drawn with {name} "
            f"initialisation. {conventions} What is {quantity}?"
        )
        parts: tuple[Part, ...] = (Part("a", quantity, right, mistakes=tuple(_mistakes(v))),)
        steps = _steps(v)
    else:
        k, c_in, c_out = v.conv
        prompt = (
            f"A convolutional layer has {c_out} filters of size {k}×{k} over {c_in} input "
            f"channels. Its weights are drawn with {name} initialisation, with fans as PyTorch "
            f"counts them: fan_in = k·k·C_in, fan_out = k·k·C_out. {conventions} Give (a) fan_in, "
            f"(b) fan_out and (c) {quantity}."
        )
        fan_in_wrong, fan_out_wrong = _fan_mistakes(v)
        parts = (
            Part("a", "fan_in", v.fan_in, kind="count", mistakes=tuple(fan_in_wrong)),
            Part("b", "fan_out", v.fan_out, kind="count", mistakes=tuple(fan_out_wrong)),
            Part(
                "c",
                quantity,
                right,
                mistakes=tuple(_mistakes(v)),
                carry=carry(
                    right,
                    lambda ans: scale(
                        v.scheme, number_at(ans, 0, v.fan_in), number_at(ans, 1, v.fan_out)
                    ),
                ),
            ),
        )
        steps = [
            Step(
                "Each output unit sees a k×k patch in every input channel.",
                "fan_in = k·k·C_in",
                f"{k}×{k}×{c_in} = {v.fan_in}",
            ),
            Step(
                "Each input unit reaches a k×k patch in every output channel.",
                "fan_out = k·k·C_out",
                f"{k}×{k}×{c_out} = {v.fan_out}",
            ),
            *_steps(v),
        ]
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title=f"{name} initialisation",
        prompt=prompt,
        parts=parts,
        solution=tuple(steps),
        hints=(
            "Find the variance first, from the fans.",
            "A normal's std is √Var; a uniform U(−a, a) has variance a²/3, so a = √(3·Var).",
        ),
    )
