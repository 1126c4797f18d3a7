"""Softmax and cross-entropy on logits: the probabilities, the loss, and ∂L/∂z = p − y."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from gradeck.exercises.families import _nets
from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    choice_where,
    clean,
    decimals,
    draw_or,
    num,
    rng,
    signed,
    vec,
    vector_at,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "softmax-cross-entropy"
DIFFICULTIES = (1, 2)
CLASSES = {1: 3, 2: 4}
PLACES = {1: 1, 2: 2}
ORDINALS = ("first", "second", "third", "fourth")

Vector = tuple[float, ...]


@dataclass(frozen=True)
class Values:
    logits: Vector
    target: int  # class index, counted from 0 as torch does


@lru_cache(maxsize=16)  # the accepted draw's record is reused by generate()
def record(v: Values) -> _nets.SoftmaxCE:
    return _nets.softmax_cross_entropy(v.logits, v.target)


def one_hot(v: Values) -> Vector:
    return tuple(1.0 if c == v.target else 0.0 for c in range(len(v.logits)))


def _probability_mistakes(v: Values, s: _nets.SoftmaxCE) -> list[Mistake]:
    inverse = [math.exp(-z) for z in v.logits]
    return [
        Mistake(
            "not-normalised",
            tuple(math.exp(z) for z in v.logits),
            "Those are the exponentials e^zᵢ; divide each by their sum so that they add up to 1.",
        ),
        Mistake(
            "exponent-sign",
            tuple(e / sum(inverse) for e in inverse),
            "Softmax uses e^(+zᵢ): a larger logit gets a larger probability.",
        ),
    ]


def _loss_mistakes(v: Values, s: _nets.SoftmaxCE) -> list[Mistake]:
    p_y = s.probabilities[v.target]
    found = [
        Mistake(
            "log10",
            -math.log10(p_y),
            "Cross-entropy uses the natural logarithm, ln, not log base 10.",
        ),
        Mistake(
            "logit-not-probability",
            -v.logits[v.target],
            "That is −z_y, the raw logit; the loss is −ln of the softmax probability p_y.",
        ),
    ]
    best = max(range(len(v.logits)), key=lambda c: v.logits[c])
    if best != v.target:
        found.append(
            Mistake(
                "wrong-class",
                -math.log(s.probabilities[best]),
                "The loss takes the probability of the true class, not of the most likely one.",
            )
        )
    return found


def _gradient_mistakes(v: Values, s: _nets.SoftmaxCE) -> list[Mistake]:
    y = one_hot(v)
    return [
        Mistake(
            "one-hot-forgotten",
            s.probabilities,
            "Subtract the one-hot target: ∂L/∂zᵢ = pᵢ − yᵢ.",
        ),
        Mistake(
            "target-minus-p",
            tuple(t - p for p, t in zip(s.probabilities, y, strict=True)),
            "The gradient is p − y, prediction minus target; y − p points the wrong way.",
        ),
        Mistake(
            "only-true-class",
            tuple(p - t if t else 0.0 for p, t in zip(s.probabilities, y, strict=True)),
            "Every logit gets a gradient: pᵢ − yᵢ is pᵢ for the other classes, not 0.",
        ),
    ]


def _ok(v: Values) -> bool:
    s = record(v)
    if not 0.05 <= s.probabilities[v.target] <= 0.9 or min(s.probabilities) < 0.02:
        return False
    return (
        apart(s.probabilities, _probability_mistakes(v, s))
        and apart(s.loss, _loss_mistakes(v, s))
        and apart(s.grad, _gradient_mistakes(v, s))
    )


FALLBACK = {1: Values((1.3, 0.9, 0.6), 0), 2: Values((0.28, -0.31, -0.48, 1.4), 2)}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    n = CLASSES[difficulty]

    def one() -> Values:
        logits = decimals(r, n, -2, 2, PLACES[difficulty])
        # The true class among those whose probability _ok accepts (in plain floats; _ok
        # decides on the engine's): the check most draws failed.
        exps = [math.exp(z) for z in logits]
        total = sum(exps)
        target = choice_where(r, range(n), lambda c: 0.06 <= exps[c] / total <= 0.89)
        return Values(logits, target)

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    s = record(v)
    y = one_hot(v)
    p_y = s.probabilities[v.target]
    exps = [math.exp(z) for z in v.logits]
    total = sum(exps)
    prompt = (
        f"A classifier outputs the logits z = {vec(v.logits)} for {len(v.logits)} classes, and "
        f"the true class is the {ORDINALS[v.target]} one (index {v.target} counting from 0, as "
        f"torch does). Softmax gives pᵢ = e^zᵢ / Σⱼ e^zⱼ, and the cross-entropy loss is "
        f"L = −ln p_y (natural log; torch.nn.CrossEntropyLoss takes the logits and applies "
        f"softmax itself). Give (a) the probabilities p, (b) the loss L and (c) the gradient "
        f"∂L/∂z."
    )
    parts = (
        Part(
            "a",
            "the probabilities p (a vector)",
            s.probabilities,
            kind="vector",
            mistakes=tuple(_probability_mistakes(v, s)),
        ),
        Part(
            "b",
            "the loss L",
            clean(s.loss),
            mistakes=tuple(_loss_mistakes(v, s)),
            carry=carry(
                s.loss, lambda ans: -math.log(vector_at(ans, 0, s.probabilities)[v.target])
            ),
        ),
        Part(
            "c",
            "the gradient ∂L/∂z (a vector)",
            s.grad,
            kind="vector",
            mistakes=tuple(_gradient_mistakes(v, s)),
            carry=carry(
                s.grad,
                lambda ans: tuple(
                    p - t for p, t in zip(vector_at(ans, 0, s.probabilities), y, strict=True)
                ),
            ),
        ),
    )
    steps = (
        Step(
            "Exponentiate each logit and add them up.",
            "Σⱼ e^zⱼ",
            " + ".join(f"e^{signed(z)}" for z in v.logits)
            + " = "
            + " + ".join(num(e) for e in exps)
            + f" = {num(total)}",
        ),
        Step(
            "Divide each exponential by the sum.",
            "pᵢ = e^zᵢ / Σⱼ e^zⱼ",
            "\n".join(
                f"p{c + 1} = {num(e)} / {num(total)} = {num(p)}"
                for c, (e, p) in enumerate(zip(exps, s.probabilities, strict=True))
            ),
        ),
        Step(
            "The loss is minus the log of the true class's probability.",
            "L = −ln p_y",
            f"−ln {num(p_y)} = {num(s.loss)}",
        ),
        Step(
            "Softmax followed by cross-entropy has the gradient p − y, with y the one-hot target.",
            "∂L/∂zᵢ = pᵢ − yᵢ",
            f"{vec(s.probabilities)} − {vec(y)} = {vec(s.grad)}",
        ),
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Softmax and cross-entropy",
        prompt=prompt,
        parts=parts,
        solution=steps,
        hints=(
            "Softmax: exponentiate every logit, then divide by the sum of the exponentials.",
            "Only the true class's probability enters the loss, but every logit gets a gradient: "
            "pᵢ − yᵢ.",
        ),
    )
