"""Cross-entropy with label smoothing, as torch.nn.CrossEntropyLoss(label_smoothing=ε).

torch mixes the one-hot target with the uniform distribution: q = (1 − ε)·y + ε/C for all C
classes (the true class included), so the gradient on the logits is p − q. The softmax
probabilities are given, so the numbers stay short.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choice_where,
    clean,
    cleaned,
    draw_or,
    num,
    rng,
    vec,
    vector_at,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "label-smoothing"
DIFFICULTIES = (1, 2)
CLASSES = {1: 3, 2: 4}
EPSILONS = {3: (0.15, 0.3, 0.06), 4: (0.1, 0.2, 0.4)}

Vector = tuple[float, ...]


@dataclass(frozen=True)
class Values:
    p: Vector  # softmax of the logits
    target: int  # the true class, 0-based
    eps: float


@lru_cache(maxsize=64)  # a handful of (C, target, ε), asked many times for every draw
def smoothed(c: int, target: int, eps: float, others: int | None = None) -> Vector:
    """(1 − ε)·one-hot + ε/C; with `others`, the other convention ε/(C − 1) off the target."""
    if others is None:
        return cleaned([(1 - eps) * (j == target) + eps / c for j in range(c)])
    return cleaned([(1 - eps) if j == target else eps / others for j in range(c)])


def loss(p: Vector, q: Vector) -> float:
    return -sum(qj * math.log(pj) for pj, qj in zip(p, q, strict=True))


def _q_mistakes(v: Values) -> list[Mistake]:
    c = len(v.p)
    return [
        Mistake(
            "others-only",
            smoothed(c, v.target, v.eps, c - 1),
            "torch spreads ε over all C classes, the true one included: q = (1 − ε)·y + ε/C.",
        ),
        Mistake(
            "not-reduced",
            cleaned([(j == v.target) + v.eps / c for j in range(c)]),
            "The true class keeps 1 − ε of its weight before ε/C is added, so q sums to 1.",
        ),
        Mistake("one-hot", tuple(float(j == v.target) for j in range(c)), "Smooth the target."),
    ]


def _loss_mistakes(v: Values) -> list[Mistake]:
    c = len(v.p)
    q = smoothed(c, v.target, v.eps)
    return [
        Mistake("unsmoothed", -math.log(v.p[v.target]), "That is the loss without smoothing."),
        Mistake(
            "others-only",
            loss(v.p, smoothed(c, v.target, v.eps, c - 1)),
            "torch's smoothed target puts ε/C on every class.",
        ),
        Mistake(
            "log10-used",
            -sum(qj * math.log10(pj) for pj, qj in zip(v.p, q, strict=True)),
            "Cross-entropy uses the natural log.",
        ),
    ]


def _grad_mistakes(v: Values) -> list[Mistake]:
    c = len(v.p)
    return [
        Mistake(
            "unsmoothed",
            cleaned([pj - (j == v.target) for j, pj in enumerate(v.p)]),
            "Subtract the smoothed target q, not the one-hot y.",
        ),
        Mistake(
            "others-only",
            cleaned(
                [pj - qj for pj, qj in zip(v.p, smoothed(c, v.target, v.eps, c - 1), strict=True)]
            ),
            "torch's q puts ε/C on every class.",
        ),
    ]


def _gradient(v: Values) -> Vector:
    q = smoothed(len(v.p), v.target, v.eps)
    return cleaned([pj - qj for pj, qj in zip(v.p, q, strict=True)])


def _fits(v: Values) -> bool:
    """The checks that ε decides most often: no gradient entry next to 0 (a probability equal
    to ε/C), and the loss slips apart."""
    return all(abs(g) >= 0.01 for g in _gradient(v)) and _loss_apart(v)


def _stands_out(p: Vector, target: int) -> bool:
    others = [math.log(pj) for j, pj in enumerate(p) if j != target]
    return abs(math.log(p[target]) - sum(others) / len(others)) >= 0.7


def _ok(v: Values) -> bool:
    grad = _gradient(v)
    if any(abs(g) < 0.01 for g in grad):
        return False
    q = smoothed(len(v.p), v.target, v.eps)
    return apart(q, _q_mistakes(v)) and _loss_apart(v) and apart(grad, _grad_mistakes(v))


@lru_cache(maxsize=8)  # asked when ε is drawn, then again by _ok
def _loss_apart(v: Values) -> bool:
    """Every slip in the loss can be told from the answer and from each other."""
    # `apart`: every slip kept (all finite: each probability is at least 0.05).
    return apart(loss(v.p, smoothed(len(v.p), v.target, v.eps)), _loss_mistakes(v))


FALLBACK = {1: Values((0.15, 0.3, 0.55), 2, 0.3), 2: Values((0.4, 0.3, 0.2, 0.1), 0, 0.2)}


def _probabilities(r: random.Random, c: int) -> Vector:
    """C probabilities of two decimals, each at least 0.05, summing to 1."""
    cuts = sorted(r.sample(range(1, 20), c - 1))
    edges = [0, *cuts, 20]
    return tuple(clean((b - a) * 0.05) for a, b in pairwise(edges))


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    c = CLASSES[difficulty]

    def one() -> Values:
        p = _probabilities(r, c)
        # The true class among those whose log-probability stands out from the others' mean:
        # the others-only slip differs from the loss by ε/C times that gap (else only a large ε,
        # or none, would tell them apart).
        target = choice_where(r, range(c), lambda t: _stands_out(p, t))
        # ε among those that pass the checks most draws failed (`_fits`).
        return choice_where(r, [Values(p, target, eps) for eps in EPSILONS[c]], _fits)

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    c, y, eps = len(v.p), v.target, v.eps
    q = smoothed(c, y, eps)
    value = loss(v.p, q)
    grad = cleaned([pj - qj for pj, qj in zip(v.p, q, strict=True)])
    prompt = (
        f"A classifier over {c} classes gives logits whose softmax is p = {vec(v.p)}; the true "
        f"class is class {y + 1}. torch.nn.CrossEntropyLoss(label_smoothing={num(eps)}) compares "
        f"p with the smoothed target q = (1 − ε)·y + ε/C, where y is the one-hot target and "
        f"ε/C goes to every class, the true one included; the loss is −Σ qⱼ·ln pⱼ and its "
        f"gradient on the logits is p − q. Find (a) q, (b) the loss and (c) the gradient on "
        f"the logits."
    )
    # Every listed mistake is kept: _ok (which the fallback passes too) holds them apart.
    parts = (
        Part(
            "a",
            "smoothed target q (a vector)",
            q,
            kind="vector",
            mistakes=tuple(_q_mistakes(v)),
        ),
        Part(
            "b",
            "loss",
            value,
            mistakes=tuple(_loss_mistakes(v)),
            carry=carry(value, lambda ans: loss(v.p, vector_at(ans, 0, q))),
        ),
        Part(
            "c",
            "gradient on the logits (a vector)",
            grad,
            kind="vector",
            mistakes=tuple(_grad_mistakes(v)),
            carry=carry(
                grad,
                lambda ans: tuple(
                    pj - qj for pj, qj in zip(v.p, vector_at(ans, 0, q), strict=True)
                ),
            ),
        ),
    )
    terms = " + ".join(f"{num(qj)}·ln {num(pj)}" for pj, qj in zip(v.p, q, strict=True))
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Cross-entropy with label smoothing",
        prompt=prompt,
        parts=parts,
        solution=(
            Step(
                f"Give ε/C = {num(eps)}/{c} = {num(clean(eps / c))} to every class, and 1 − ε "
                f"= {num(clean(1 - eps))} more to the true class.",
                "q = (1 − ε)·y + ε/C",
                f"q = {vec(q)}",
            ),
            Step("The cross-entropy against q.", "L = −Σ qⱼ·ln pⱼ", f"−({terms}) = {num(value)}"),
            Step(
                "The gradient on the logits.",
                "∂L/∂z = p − q",
                f"{vec(v.p)} − {vec(q)} = {vec(grad)}",
            ),
        ),
        hints=(
            "The smoothed target still sums to 1: the true class gets 1 − ε + ε/C.",
            "Every class contributes qⱼ·ln pⱼ to the loss now, not only the true class.",
            "As without smoothing, the gradient on the logits is p minus the target.",
        ),
    )
