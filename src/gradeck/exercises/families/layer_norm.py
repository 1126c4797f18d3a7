"""Layer normalisation of one sample's feature vector, as torch.nn.LayerNorm.

Unlike batch normalisation the statistics come from the features of one sample, so the layer
behaves the same in training and evaluation and works for a batch of one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choice_where,
    clean,
    decimal,
    decimal_until,
    decimals,
    draw_or,
    floats_apart,
    num,
    number_at,
    rng,
    signed,
    spread,
    vec,
)
from gradeck.exercises.families.batchnorm import EPS, normalised, stats, stats_fit
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "layer-norm"
DIFFICULTIES = (1, 2)
FEATURES = {1: 4, 2: 5}
REDRAWS = 4  # of each stage, until its part of _ok passes

Vector = tuple[float, ...]


@dataclass(frozen=True)
class Values:
    x: Vector
    gamma: Vector  # one per feature (elementwise_affine=True)
    beta: Vector
    index: int  # the feature asked about at difficulty 1, 0-based

    @property
    def mean(self) -> float:
        return clean(sum(self.x) / len(self.x))

    def variance(self, unbiased: bool = False) -> float:
        mean = self.mean  # once, not once per element
        squares = sum((x - mean) ** 2 for x in self.x)
        return clean(squares / (len(self.x) - unbiased))


def outputs(v: Values, variance: float | None = None, mean: float | None = None) -> Vector:
    var = v.variance() if variance is None else variance
    mu = v.mean if mean is None else mean
    return tuple(
        g * normalised(x, mu, var) + b for x, g, b in zip(v.x, v.gamma, v.beta, strict=True)
    )


def _variance_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "unbiased-variance",
            v.variance(unbiased=True),
            "LayerNorm uses the biased variance: divide by the number of features, not n − 1 "
            "(torch.var's default).",
        ),
        Mistake(
            "std-not-variance",
            math.sqrt(v.variance()),
            "That is the standard deviation; the variance is the mean squared deviation.",
        ),
        Mistake(
            "mean-not-subtracted",
            clean(sum(x * x for x in v.x) / len(v.x)),
            "Subtract the mean before squaring: Var = mean of (x − μ)².",
        ),
    ]


def _element_mistakes(v: Values, i: int) -> list[Mistake]:
    x, g, b = v.x[i], v.gamma[i], v.beta[i]
    mean, var = v.mean, v.variance()
    return [
        Mistake(
            "unbiased-variance",
            g * normalised(x, mean, v.variance(unbiased=True)) + b,
            "Normalise with the biased variance (divide by n, not n − 1).",
        ),
        Mistake(
            "variance-not-std",
            g * (x - mean) / (var + EPS) + b,
            "Divide by the standard deviation √(σ² + ε), not by the variance.",
        ),
        Mistake(
            "gamma-beta-swapped",
            b * normalised(x, mean, var) + g,
            "γ scales and β shifts: y = γ·x̂ + β.",
        ),
        Mistake("affine-forgotten", normalised(x, mean, var), "Scale by γ and shift by β."),
    ]


def _vector_mistakes(v: Values) -> list[Mistake]:
    mean, var = v.mean, v.variance()
    xhat = tuple(normalised(x, mean, var) for x in v.x)
    return [
        Mistake(
            "unbiased-variance",
            outputs(v, v.variance(unbiased=True)),
            "Normalise with the biased variance (divide by n, not n − 1).",
        ),
        Mistake(
            "variance-not-std",
            tuple(
                g * (x - mean) / (var + EPS) + b
                for x, g, b in zip(v.x, v.gamma, v.beta, strict=True)
            ),
            "Divide by the standard deviation √(σ² + ε), not by the variance.",
        ),
        Mistake(
            "gamma-beta-swapped",
            tuple(b * xh + g for xh, g, b in zip(xhat, v.gamma, v.beta, strict=True)),
            "γ scales and β shifts: y = γ·x̂ + β.",
        ),
        Mistake("affine-forgotten", xhat, "Scale by γ and shift by β, feature by feature."),
    ]


def _ok(v: Values, difficulty: int) -> bool:
    var = v.variance()
    if not 0.2 <= var <= 20:
        return False
    ok = spread(v.mean, [clean(sum(v.x))]) and apart(var, _variance_mistakes(v))
    if difficulty == 1:
        y = outputs(v)[v.index]
        return ok and abs(y) >= 0.2 and apart(y, _element_mistakes(v, v.index))
    ys = outputs(v)
    return ok and min(abs(y) for y in ys) >= 0.1 and apart(ys, _vector_mistakes(v))


def _output_fits(x: Vector, gamma: float, beta: float, i: int) -> bool:
    """A screen for the draw (plain floats, a margin; _ok decides): output i clear of 0 and
    apart from its slips."""
    n, (mean, var) = len(x), stats(x)
    xhat = normalised(x[i], mean, var)
    y = gamma * xhat + beta
    slips = (
        gamma * normalised(x[i], mean, var * n / (n - 1)) + beta,
        gamma * (x[i] - mean) / (var + EPS) + beta,
        beta * xhat + gamma,
        xhat,
    )
    return abs(y) >= 0.21 and floats_apart((y, *slips))


def _spread_enough(x: Vector) -> bool:
    """A variance that keeps the normalised slips apart, for the draw to aim at: √σ² not next
    to σ² (dividing by the variance instead would not show) nor to √(σ²·n/(n − 1)) (the
    unbiased variance would give the same x̂ as dividing by σ²)."""
    n, var = len(x), Values(x, (), (), 0).variance()
    return abs(math.sqrt(var) - 1) >= 0.12 and abs(math.sqrt(var * n / (n - 1)) - var) >= 0.12 * var


FALLBACK = {
    1: Values((-2.0, 5.0, 0.0, 5.0), (1.0, 1.2, 1.2, 2.0), (0.7, -0.6, 1.0, 0.3), 2),
    2: Values(
        (-1.2, 0.2, 0.0, 0.2, -0.2), (1.8, 2.0, 1.9, 2.0, 1.7), (-0.4, 1.0, 0.8, -0.5, 0.6), 1
    ),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    n = FEATURES[difficulty]

    def features() -> Vector:
        if difficulty == 1:  # whole numbers with a whole mean
            x = tuple(float(r.randint(-3, 6)) for _ in range(n))
            return (*x[:-1], x[-1] - sum(x) % n)
        # one decimal place with a mean of one decimal place
        x = tuple(decimal(r, -2, 3, 1, nonzero=False) for _ in range(n))
        return (*x[:-1], clean(x[-1] - (round(sum(x) * 10) % n) / 10))

    def one() -> Values:
        # Each stage redrawn (a few times) until its screen passes: the features, then β (at
        # difficulty 1 only the asked feature's; at 2, every output clear of 0).
        for _ in range(REDRAWS):
            x = features()
            if stats_fit(x) and _spread_enough(x):
                break
        gamma = decimals(r, n, 0.5, 2)
        if difficulty == 1:
            # The feature asked about well away from the mean: its x̂ carries the slips.
            index = choice_where(r, range(n), lambda i: abs(x[i] - sum(x) / n) >= 0.5)
            beta = list(decimals(r, n, -1, 1))
            fits = partial(_output_fits, x, gamma[index], i=index)
            beta[index] = decimal_until(r, -1, 1, lambda b: fits(beta=b), tries=REDRAWS)
            return Values(x, gamma, tuple(beta), index)
        mean, var = stats(x)
        xhat = [normalised(xi, mean, var) for xi in x]
        for _ in range(REDRAWS):
            betas = decimals(r, n, -1, 1)
            if all(abs(g * h + b) >= 0.11 for g, h, b in zip(gamma, xhat, betas, strict=True)):
                break
        return Values(x, gamma, betas, r.randrange(n))  # the index is not asked about at 2

    return draw_or(one, lambda v: _ok(v, difficulty), FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    n, mean, var = len(v.x), v.mean, v.variance()
    std = math.sqrt(var + EPS)
    ys = outputs(v)
    deviations = " + ".join(f"{signed(clean(x - mean))}²" for x in v.x)
    prompt = (
        f"torch.nn.LayerNorm({n}) normalises one sample's {n} features x = {vec(v.x)} with "
        f"their own mean and biased variance (dividing by {n}, not {n - 1}), with ε = 10⁻⁵ "
        f"added to the variance, then scales feature by feature by γ = {vec(v.gamma)} and "
        f"shifts by β = {vec(v.beta)}: y = γ·(x − μ)/√(σ² + ε) + β."
    )
    mean_part = Part(
        "a",
        "mean μ of the features",
        mean,
        mistakes=(Mistake("sum-not-mean", clean(sum(v.x)), f"Divide the sum by n = {n}."),),
    )
    var_part = Part("b", "variance σ²", var, mistakes=tuple(_variance_mistakes(v)))
    steps = [
        Step(
            "The mean over the features.",
            "μ = (1/n)·Σ xᵢ",
            f"{num(clean(sum(v.x)))}/{n} = {num(mean)}",
        ),
        Step(
            "The biased variance over the features.",
            "σ² = (1/n)·Σ (xᵢ − μ)²",
            f"({deviations})/{n} = {num(var)}",
        ),
    ]
    if difficulty == 1:
        i = v.index
        x, g, b = v.x[i], v.gamma[i], v.beta[i]
        xhat = normalised(x, mean, var)
        prompt += f" Give (a) μ, (b) σ² and (c) the output y of feature {i + 1}."
        parts: tuple[Part, ...] = (
            mean_part,
            var_part,
            Part(
                "c",
                f"output y of feature {i + 1}",
                ys[i],
                mistakes=tuple(_element_mistakes(v, i)),
                carry=carry(
                    ys[i],
                    lambda ans: (
                        g * normalised(x, number_at(ans, 0, mean), number_at(ans, 1, var)) + b
                    ),
                ),
            ),
        )
        steps.append(
            Step(
                f"Normalise feature {i + 1}, then scale by its γ and shift by its β.",
                "y = γ·(x − μ)/√(σ² + ε) + β",
                f"x̂ = ({num(x)} − {signed(mean)})/{num(std)} = {num(xhat)}; "
                f"y = {num(g)} × {signed(xhat)} + {signed(b)} = {num(ys[i])}",
            )
        )
    else:
        prompt += " Give (a) μ, (b) σ² and (c) the output y (a vector)."
        parts = (
            mean_part,
            var_part,
            Part(
                "c",
                "output y (a vector)",
                ys,
                kind="vector",
                mistakes=tuple(_vector_mistakes(v)),
                carry=carry(
                    ys, lambda ans: outputs(v, number_at(ans, 1, var), number_at(ans, 0, mean))
                ),
            ),
        )
        xhats = [normalised(x, mean, var) for x in v.x]
        steps += [
            Step(
                "Centre and scale every feature by the same μ and √(σ² + ε).",
                "x̂ᵢ = (xᵢ − μ)/√(σ² + ε)",
                f"√({num(var)} + 0.00001) = {num(std)}; x̂ = {vec(xhats)}",
            ),
            Step("Scale and shift feature by feature.", "yᵢ = γᵢ·x̂ᵢ + βᵢ", f"y = {vec(ys)}"),
        ]
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Layer normalisation",
        prompt=prompt,
        parts=parts,
        solution=tuple(steps),
        hints=(
            "The statistics are taken across the features of this one sample, not across a batch.",
            "The variance divides by the number of features n (biased), as in batch norm.",
            "Normalise, then y = γ·x̂ + β with each feature's own γ and β.",
        ),
    )
