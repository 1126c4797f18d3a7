"""Batch normalisation of one feature over a small batch, in training mode."""

from __future__ import annotations

import math
from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choice_where,
    clean,
    decimal,
    decimal_until,
    draw_or,
    floats_apart,
    num,
    number_at,
    rng,
    signed,
    spread,
    vec,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "batch-norm"
DIFFICULTIES = (1, 2)
EPS = 1e-5  # PyTorch's default
BATCH = {1: 4, 2: 5}
REDRAWS = 4  # of the batch, until its mean and variance can be told from their slips


@dataclass(frozen=True)
class Values:
    xs: tuple[float, ...]
    gamma: float
    beta: float
    index: int  # the sample asked about at difficulty 1, 0-based

    @property
    def mean(self) -> float:
        return clean(sum(self.xs) / len(self.xs))

    def variance(self, unbiased: bool = False) -> float:
        mean = self.mean  # once, not once per element
        squares = sum((x - mean) ** 2 for x in self.xs)
        return clean(squares / (len(self.xs) - unbiased))


def normalised(x: float, mean: float, variance: float) -> float:
    return (x - mean) / math.sqrt(variance + EPS)


def _variance_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "unbiased-variance",
            v.variance(unbiased=True),
            "Batch norm uses the biased variance in training: divide by m, not m − 1.",
        ),
        Mistake(
            "std-not-variance",
            math.sqrt(v.variance()),
            "That is the standard deviation; the variance is the mean of the squared deviations.",
        ),
        Mistake(
            "mean-not-subtracted",
            clean(sum(x * x for x in v.xs) / len(v.xs)),
            "Subtract the mean before squaring: Var = mean of (x − μ)².",
        ),
    ]


def _normalised_mistakes(v: Values, x: float) -> list[Mistake]:
    return [
        Mistake(
            "unbiased-variance",
            normalised(x, v.mean, v.variance(unbiased=True)),
            "Batch norm divides by the biased standard deviation (variance over m, not m − 1).",
        ),
        Mistake(
            "variance-not-std",
            (x - v.mean) / (v.variance() + EPS),
            "Divide by the standard deviation √(σ² + ε), not by the variance.",
        ),
        Mistake(
            "not-centred",
            x / math.sqrt(v.variance() + EPS),
            "Subtract the batch mean first: x̂ = (x − μ)/√(σ² + ε).",
        ),
    ]


def _output_mistakes(v: Values, x: float) -> list[Mistake]:
    xhat = normalised(x, v.mean, v.variance())
    return [
        Mistake(
            "gamma-beta-swapped", v.beta * xhat + v.gamma, "γ scales and β shifts: y = γ·x̂ + β."
        ),
        Mistake("beta-forgotten", v.gamma * xhat, "Add the shift β after scaling."),
        Mistake(
            "not-normalised",
            clean(v.gamma * x + v.beta),
            "γ and β act on the normalised value x̂, not on x.",
        ),
    ]


def _vector_mistakes(v: Values) -> list[Mistake]:
    mean, var, unbiased = v.mean, v.variance(), v.variance(unbiased=True)
    return [
        Mistake(
            "unbiased-variance",
            tuple(v.gamma * normalised(x, mean, unbiased) + v.beta for x in v.xs),
            "Batch norm uses the biased variance in training: divide by m, not m − 1.",
        ),
        Mistake(
            "variance-not-std",
            tuple(v.gamma * (x - mean) / (var + EPS) + v.beta for x in v.xs),
            "Divide by the standard deviation √(σ² + ε), not by the variance.",
        ),
        Mistake(
            "gamma-beta-swapped",
            tuple(v.beta * normalised(x, mean, var) + v.gamma for x in v.xs),
            "γ scales and β shifts: y = γ·x̂ + β.",
        ),
        Mistake(
            "beta-forgotten",
            tuple(v.gamma * normalised(x, mean, var) for x in v.xs),
            "Add the shift β after scaling.",
        ),
    ]


def outputs(v: Values) -> tuple[float, ...]:
    mean, var = v.mean, v.variance()  # once, not once per element
    return tuple([v.gamma * normalised(x, mean, var) + v.beta for x in v.xs])


def _ok(v: Values, difficulty: int) -> bool:
    var = v.variance()
    if not 0.2 <= var <= 20:
        return False
    ok = spread(v.mean, [clean(sum(v.xs))]) and apart(var, _variance_mistakes(v))
    if difficulty == 1:
        x = v.xs[v.index]
        xhat = normalised(x, v.mean, var)
        y = v.gamma * xhat + v.beta
        return (
            ok
            and abs(xhat) >= 0.3
            and abs(y) >= 0.2
            and apart(xhat, _normalised_mistakes(v, x))
            and apart(y, _output_mistakes(v, x))
        )
    ys = outputs(v)
    # Outputs near 0 are small differences that any rounding swamps.
    return ok and min(abs(y) for y in ys) >= 0.1 and apart(ys, _vector_mistakes(v))


# Screens for the draw: _ok's checks stage by stage, in plain floats with a margin (cheaper
# than the check itself, which then decides).


def stats(xs: tuple[float, ...]) -> tuple[float, float]:
    mean = sum(xs) / len(xs)
    return mean, sum((x - mean) ** 2 for x in xs) / len(xs)


def stats_fit(xs: tuple[float, ...]) -> bool:
    """The variance in range and apart from its slips; the mean not 0 (else the sum is too).
    Layer norm's features are screened by it too."""
    m, (mean, var) = len(xs), stats(xs)
    if not 0.21 <= var <= 19 or abs(mean) < 0.01:
        return False
    return floats_apart((var, var * m / (m - 1), math.sqrt(var), var + mean * mean))


def _sample_fits(xs: tuple[float, ...], i: int) -> bool:
    """x̂ of sample i clear of 0 and apart from its slips."""
    m, (mean, var) = len(xs), stats(xs)
    xhat = normalised(xs[i], mean, var)
    slips = (normalised(xs[i], mean, var * m / (m - 1)), (xs[i] - mean) / (var + EPS))
    return abs(xhat) >= 0.31 and floats_apart((xhat, *slips, xs[i] / math.sqrt(var + EPS)))


def _output_fits(xs: tuple[float, ...], gamma: float, beta: float, i: int | None) -> bool:
    """y of sample i (None: every y) clear of 0; sample i's y apart from its slips."""
    mean, var = stats(xs)
    if i is None:
        return all(abs(gamma * normalised(x, mean, var) + beta) >= 0.11 for x in xs)
    xhat = normalised(xs[i], mean, var)
    y = gamma * xhat + beta
    slips = (beta * xhat + gamma, gamma * xhat, gamma * xs[i] + beta)
    return abs(y) >= 0.21 and floats_apart((y, *slips))


FALLBACK = {
    1: Values(xs=(-1.0, -2.0, 0.0, -1.0), gamma=1.7, beta=0.4, index=1),
    2: Values(xs=(-0.1, 2.0, -1.9, 0.7, 1.8), gamma=1.4, beta=0.2, index=0),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    m = BATCH[difficulty]

    def batch() -> tuple[float, ...]:
        if difficulty == 1:  # whole numbers with a whole mean
            xs = tuple(float(r.randint(-3, 6)) for _ in range(m))
            if sum(xs) % m:
                xs = (*xs[:-1], xs[-1] - sum(xs) % m)
            return xs
        # one decimal place, with a mean of one decimal place
        xs = tuple(decimal(r, -2, 3, 1, nonzero=False) for _ in range(m))
        excess = round(sum(xs) * 10) % m
        return (*xs[:-1], clean(xs[-1] - excess / 10))

    def one() -> Values:
        # Each stage redrawn (a few times) until its screen passes, in the order they chain:
        # the batch, the sample asked about (difficulty 1), then β.
        for _ in range(REDRAWS):
            xs = batch()
            if stats_fit(xs):
                break
        if difficulty == 1:
            index = choice_where(r, range(m), lambda i: _sample_fits(xs, i))
        else:
            index = r.randrange(m)  # not asked about at difficulty 2
        gamma = decimal(r, 0.5, 2, 1)
        asked = index if difficulty == 1 else None
        beta = decimal_until(r, -1, 1, lambda b: _output_fits(xs, gamma, b, asked), tries=4)
        return Values(xs, gamma, beta, index)

    return draw_or(one, lambda v: _ok(v, difficulty), FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    m, mean, var = len(v.xs), v.mean, v.variance()
    conventions = (
        f"A batch-normalisation layer in training mode (as torch.nn.BatchNorm1d) sees one "
        f"feature over a batch of m = {m} samples: x = {vec(v.xs)}. It normalises with the "
        f"batch mean and the biased batch variance (dividing by m), with ε = 10⁻⁵ added to the "
        f"variance, then scales by γ = {num(v.gamma)} and shifts by β = {num(v.beta)}."
    )
    deviations = " + ".join(f"{signed(clean(x - mean))}²" for x in v.xs)
    steps = [
        Step("The batch mean.", "μ = (1/m)·Σ xᵢ", f"{num(clean(sum(v.xs)))}/{m} = {num(mean)}"),
        Step(
            "The biased variance: the mean squared deviation from μ.",
            "σ² = (1/m)·Σ (xᵢ − μ)²",
            f"({deviations})/{m} = {num(var)}",
        ),
    ]
    mean_part = Part(
        "a",
        "batch mean μ",
        mean,
        mistakes=(
            Mistake("sum-not-mean", clean(sum(v.xs)), f"Divide the sum by the batch size m = {m}."),
        ),
    )
    var_part = Part("b", "batch variance σ²", var, mistakes=tuple(_variance_mistakes(v)))
    std = math.sqrt(var + EPS)
    if difficulty == 1:
        i, x = v.index, v.xs[v.index]
        xhat = normalised(x, mean, var)
        y = v.gamma * xhat + v.beta
        prompt = (
            f"{conventions} Give (a) the batch mean μ, (b) the batch variance σ², (c) the "
            f"normalised value x̂ of sample {i + 1} (x = {num(x)}) and (d) the layer's output "
            f"y for that sample."
        )
        parts: tuple[Part, ...] = (
            mean_part,
            var_part,
            Part(
                "c",
                f"x̂ of sample {i + 1}",
                xhat,
                mistakes=tuple(_normalised_mistakes(v, x)),
                carry=carry(
                    xhat, lambda ans: normalised(x, number_at(ans, 0, mean), number_at(ans, 1, var))
                ),
            ),
            Part(
                "d",
                f"output y of sample {i + 1}",
                y,
                mistakes=tuple(_output_mistakes(v, x)),
                carry=carry(y, lambda ans: v.gamma * number_at(ans, 2, xhat) + v.beta),
            ),
        )
        steps += [
            Step(
                "Centre and scale the sample.",
                "x̂ = (x − μ)/√(σ² + ε)",
                f"({num(x)} − {signed(mean)})/√({num(var)} + 0.00001) = "
                f"{num(clean(x - mean))}/{num(std)} = {num(xhat)}",
            ),
            Step(
                "Scale by γ and shift by β.",
                "y = γ·x̂ + β",
                f"{num(v.gamma)} × {signed(xhat)} + {signed(v.beta)} = {num(y)}",
            ),
        ]
    else:
        ys = outputs(v)
        prompt = (
            f"{conventions} Give (a) the batch mean μ, (b) the batch variance σ² and (c) the "
            f"layer's outputs y for the whole batch (a vector)."
        )
        parts = (
            mean_part,
            var_part,
            Part(
                "c",
                "outputs y (a vector)",
                ys,
                kind="vector",
                mistakes=tuple(_vector_mistakes(v)),
                carry=carry(
                    ys,
                    lambda ans: tuple(
                        v.gamma * normalised(x, number_at(ans, 0, mean), number_at(ans, 1, var))
                        + v.beta
                        for x in v.xs
                    ),
                ),
            ),
        )
        xhats = [normalised(x, mean, var) for x in v.xs]
        steps += [
            Step(
                "Centre and scale every sample by the same μ and √(σ² + ε).",
                "x̂ᵢ = (xᵢ − μ)/√(σ² + ε)",
                f"√({num(var)} + 0.00001) = {num(std)}; x̂ = {vec(xhats)}",
            ),
            Step("Scale by γ and shift by β.", "yᵢ = γ·x̂ᵢ + β", f"y = {vec(ys)}"),
        ]
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Batch normalisation",
        prompt=prompt,
        parts=parts,
        solution=tuple(steps),
        hints=(
            "In training mode the statistics come from the batch itself, and the variance "
            "divides by m.",
            "Normalise first, x̂ = (x − μ)/√(σ² + ε); then y = γ·x̂ + β. ε barely changes the "
            "numbers here.",
        ),
    )
