"""Binary cross-entropy on logits, as torch.nn.BCEWithLogitsLoss: σ inside the loss, stably.

The loss takes the raw score z; its gradient is σ(z) − y, the same tidy form as softmax with
cross-entropy. At difficulty 2 a batch of two with pos_weight, which scales the positive term:
ℓ = −[p·y·ln σ(z) + (1 − y)·ln(1 − σ(z))], averaged over the batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

from gradeck.exercises.families._draw import (
    carry,
    check_difficulty,
    decimal,
    distinct,
    draw_or,
    num,
    number_at,
    rng,
    vec,
)
from gradeck.exercises.families.lstm_step import sigmoid
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "bce-logits"
DIFFICULTIES = (1, 2)
POS_WEIGHTS = (2.0, 3.0, 0.5, 4.0)


@dataclass(frozen=True)
class Values:
    z: tuple[float, ...]  # logits
    y: tuple[float, ...]  # targets, 0 or 1
    pos_weight: float  # 1 at difficulty 1


def sample_loss(z: float, y: float, pw: float = 1.0) -> float:
    s = sigmoid(z)
    return -(pw * y * math.log(s) + (1 - y) * math.log(1 - s))


def sample_grad(z: float, y: float, pw: float = 1.0) -> float:
    """∂ℓ/∂z = p·y·(σ − 1) + (1 − y)·σ, which is σ − y when p = 1."""
    s = sigmoid(z)
    return pw * y * (s - 1) + (1 - y) * s


def mean_loss(v: Values, pw: float | None = None) -> float:
    p = v.pos_weight if pw is None else pw
    return sum(sample_loss(z, y, p) for z, y in zip(v.z, v.y, strict=True)) / len(v.z)


def grads(v: Values, pw: float | None = None, n: int | None = None) -> tuple[float, ...]:
    p = v.pos_weight if pw is None else pw
    count = len(v.z) if n is None else n
    return tuple(sample_grad(z, y, p) / count for z, y in zip(v.z, v.y, strict=True))


def _loss_mistakes(v: Values) -> list[Mistake]:
    found = [
        Mistake(
            "log10-used",
            mean_loss(v) / math.log(10),
            "Cross-entropy uses the natural log.",
        ),
        Mistake(
            "log-of-wrong-side",
            sum(sample_loss(-z, y, v.pos_weight) for z, y in zip(v.z, v.y, strict=True)) / len(v.z),
            "For y = 1 the loss is −ln σ(z); for y = 0 it is −ln(1 − σ(z)).",
        ),
    ]
    if len(v.z) > 1:
        found += [
            Mistake("pos-weight-ignored", mean_loss(v, 1.0), "pos_weight scales the y = 1 term."),
            Mistake("summed", mean_loss(v) * len(v.z), "The default reduction is the mean."),
        ]
    return found


def _grad_mistakes(v: Values) -> list[Mistake]:
    found = [
        Mistake(
            "target-minus-prediction",
            tuple(-g for g in grads(v)),
            "The gradient is σ(z) − y, not y − σ(z).",
        ),
        Mistake(
            "extra-sigmoid-slope",
            tuple(g * sigmoid(z) * (1 - sigmoid(z)) for g, z in zip(grads(v), v.z, strict=True)),
            "On logits the σ′ factor cancels against the log: the gradient is σ(z) − y.",
        ),
    ]
    if len(v.z) > 1:
        found += [
            Mistake("pos-weight-ignored", grads(v, 1.0), "pos_weight scales the y = 1 term."),
            Mistake("not-averaged", grads(v, n=1), "The mean over the batch divides by N."),
        ]
    return found


def _scalar(xs: tuple[float, ...]) -> float | tuple[float, ...]:
    return xs[0] if len(xs) == 1 else xs


def _ok(v: Values) -> bool:
    g = grads(v)
    if any(abs(x) < 0.02 for x in g):
        return False
    loss = mean_loss(v)
    ok_loss = len(distinct(loss, _loss_mistakes(v))) == len(_loss_mistakes(v))
    lm = [Mistake(m.name, _scalar(cast(tuple, m.value)), "") for m in _grad_mistakes(v)]
    return ok_loss and len(distinct(_scalar(g), lm)) == len(lm)


FALLBACK = {1: Values((1.5,), (0.0,), 1.0), 2: Values((0.8, -1.2), (1.0, 0.0), 3.0)}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        if difficulty == 1:
            return Values((decimal(r, -3, 3),), (float(r.randint(0, 1)),), 1.0)
        ys = (1.0, 0.0) if r.random() < 0.5 else (0.0, 1.0)
        return Values((decimal(r, -3, 3), decimal(r, -3, 3)), ys, r.choice(POS_WEIGHTS))

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    loss, g = mean_loss(v), grads(v)
    probs = tuple(sigmoid(z) for z in v.z)
    if difficulty == 1:
        z, y = v.z[0], v.y[0]
        s = probs[0]
        prompt = (
            f"torch.nn.BCEWithLogitsLoss() takes a logit z and a target y and computes "
            f"−[y·ln σ(z) + (1 − y)·ln(1 − σ(z))] in one stable step, so the model has no "
            f"sigmoid layer of its own. For z = {num(z)} and y = {num(y)}, find (a) σ(z), (b) the "
            f"loss and (c) ∂loss/∂z."
        )
        parts: tuple[Part, ...] = (
            Part(
                "a",
                "σ(z)",
                s,
                mistakes=distinct(s, [Mistake("sign-of-z", sigmoid(-z), "σ(z) = 1/(1 + e^(−z)).")]),
            ),
            Part(
                "b",
                "loss",
                loss,
                mistakes=distinct(loss, _loss_mistakes(v)),
                carry=carry(
                    loss,
                    lambda ans: (
                        -math.log(number_at(ans, 0, s))
                        if y
                        else -math.log(1 - number_at(ans, 0, s))
                    ),
                ),
            ),
            Part(
                "c",
                "∂loss/∂z",
                g[0],
                mistakes=distinct(
                    g[0],
                    [
                        Mistake(m.name, cast(tuple, m.value)[0], m.feedback)
                        for m in _grad_mistakes(v)
                    ],
                ),
                carry=carry(g[0], lambda ans: number_at(ans, 0, s) - y),
            ),
        )
        steps = (
            Step("The probability.", "σ(z) = 1/(1 + e^(−z))", f"σ({num(z)}) = {num(s)}"),
            Step(
                "Only the term of the true label is left.",
                "−ln σ(z) if y = 1, −ln(1 − σ(z)) if y = 0",
                f"{num(loss)}",
            ),
            Step("The gradient on the logit.", "σ(z) − y", f"{num(s)} − {num(y)} = {num(g[0])}"),
        )
    else:
        pw = v.pos_weight
        prompt = (
            f"torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([{pw:.1f}])) takes logits and "
            f"targets and averages ℓ = −[p·y·ln σ(z) + (1 − y)·ln(1 − σ(z))] over the batch, "
            f"with p = {num(pw)} the pos_weight. For the batch z = {vec(v.z)}, y = {vec(v.y)}, "
            f"find (a) the loss and (b) its gradient on the two logits "
            f"(∂ℓ/∂z = p·y·(σ(z) − 1) + (1 − y)·σ(z), divided by the batch size)."
        )
        parts = (
            Part(
                "a", "loss (mean over the batch)", loss, mistakes=distinct(loss, _loss_mistakes(v))
            ),
            Part(
                "b",
                "gradient on the logits (a vector)",
                g,
                kind="vector",
                mistakes=distinct(g, _grad_mistakes(v)),
            ),
        )
        steps = (
            Step("The probabilities.", "σ(z)", f"σ = {vec(probs)}"),
            Step(
                "Each sample's loss: the positive term weighted by p; then the mean.",
                "ℓᵢ = −[p·yᵢ·ln σ(zᵢ) + (1 − yᵢ)·ln(1 − σ(zᵢ))]",
                f"ℓ = {vec([sample_loss(z, y, pw) for z, y in zip(v.z, v.y, strict=True)])}; "
                f"mean {num(loss)}",
            ),
            Step(
                "Each logit's gradient, divided by N = 2 for the mean.",
                "(p·y·(σ − 1) + (1 − y)·σ)/N",
                f"{vec(g)}",
            ),
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Binary cross-entropy with logits",
        prompt=prompt,
        parts=parts,
        solution=steps,
        hints=(
            "Turn the logit into a probability with σ first; the loss is then ordinary binary "
            "cross-entropy.",
            "On logits the gradient is σ(z) − y (with pos_weight, the y = 1 term is scaled by p).",
        ),
    )
