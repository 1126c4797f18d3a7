"""Gradient clipping as torch.nn.utils does it: by the global norm, and by value.

clip_grad_norm_ measures one norm over every parameter's gradient together and, when it exceeds
max_norm, scales them all by max_norm/(norm + 10⁻⁶); clip_grad_value_ clamps each entry into
[−c, c]. The gradients are drawn from Pythagorean quadruples so that the norm is a short number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    clean,
    cleaned,
    draw_or,
    num,
    number_at,
    rng,
    signed,
    vec,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "grad-clipping"
DIFFICULTIES = (1, 2)
EPS = 1e-6  # torch adds it to the norm before dividing
# Whole-number vectors with a whole-number length: (a, b, c) with a² + b² + c² = d².
TRIPLES = (
    (1, 2, 2),
    (2, 3, 6),
    (1, 4, 8),
    (4, 4, 7),
    (2, 6, 9),
    (6, 6, 7),
    (3, 4, 12),
    (2, 10, 11),
    (1, 12, 12),
    (8, 9, 12),
    (2, 5, 14),
)
SCALES = (0.1, 0.5, 1.0, 2.0)

Vector = tuple[float, ...]


@dataclass(frozen=True)
class Values:
    weight: Vector  # the weight's gradient
    bias: Vector  # the bias's gradient; empty at difficulty 1 (one tensor)
    max_norm: float
    clip_value: float

    @property
    def norm(self) -> float:
        return clean(math.sqrt(sum(g * g for g in (*self.weight, *self.bias))))

    @property
    def coef(self) -> float:
        return min(1.0, self.max_norm / (self.norm + EPS))


def by_norm(grad: Vector, norm: float, max_norm: float) -> Vector:
    return tuple(g * min(1.0, max_norm / (norm + EPS)) for g in grad)


def by_value(grad: Vector, c: float) -> Vector:
    return tuple(min(c, max(-c, g)) for g in grad)


def _norm_mistakes(v: Values) -> list[Mistake]:
    found = [
        Mistake(
            "l1-norm",
            clean(sum(abs(g) for g in (*v.weight, *v.bias))),
            "clip_grad_norm_ uses the 2-norm: the square root of the sum of squares.",
        ),
        Mistake(
            "squared-norm",
            clean(v.norm**2),
            "Take the square root of the sum of squares.",
        ),
    ]
    if v.bias:
        found.append(
            Mistake(
                "weight-only",
                clean(math.sqrt(sum(g * g for g in v.weight))),
                "The norm is global: it runs over every parameter's gradient, the bias's too.",
            )
        )
    return found


def _clipped_mistakes(v: Values, grad: Vector, own_norm: float) -> list[Mistake]:
    found = [
        Mistake(
            "ratio-inverted",
            tuple(g * v.norm / v.max_norm for g in grad),
            "Scale by max_norm/norm, which shrinks the gradient.",
        ),
        Mistake(
            "normalised-to-one",
            tuple(g / v.norm for g in grad),
            f"The clipped gradient has norm max_norm = {num(v.max_norm)}, not 1.",
        ),
        Mistake(
            "value-clipped",
            by_value(grad, v.max_norm),
            "That clamps each entry; clip_grad_norm_ rescales the whole vector.",
        ),
    ]
    if v.bias:
        found.append(
            Mistake(
                "per-tensor-norm",
                by_norm(grad, own_norm, v.max_norm),
                "The scale comes from the global norm over all gradients, not this tensor's own.",
            )
        )
    return found


def _value_mistakes(v: Values) -> list[Mistake]:
    g = v.weight
    return [
        Mistake(
            "positive-side-only",
            tuple(min(v.clip_value, x) for x in g),
            f"Entries below −{num(v.clip_value)} are raised to −{num(v.clip_value)} too.",
        ),
        Mistake(
            "norm-clipped",
            by_norm(g, math.sqrt(sum(x * x for x in g)), v.clip_value),
            "clip_grad_value_ clamps each entry on its own; it does not rescale the vector.",
        ),
    ]


def clips_some(weight: Vector, c: float) -> bool:
    """Clipping at ±c changes some entries, not all, and a negative one among them: else the
    clipped vector is the gradient itself, c everywhere, or what clipping at +c alone gives."""
    return any(g < -c for g in weight) and not all(abs(g) > c for g in weight)


def _ok(v: Values) -> bool:
    if v.norm <= v.max_norm * 1.2:
        return False
    if not clips_some(v.weight, v.clip_value):
        return False
    clipped = by_value(v.weight, v.clip_value)
    w_norm = math.sqrt(sum(g * g for g in v.weight))
    return (
        apart(v.norm, _norm_mistakes(v))
        and apart(by_norm(v.weight, v.norm, v.max_norm), _clipped_mistakes(v, v.weight, w_norm))
        and apart(clipped, _value_mistakes(v))
    )


FALLBACK = {
    1: Values((0.2, -0.6, 0.9), (), 0.5, 0.5),
    2: Values((-2.0, -9.0), (-6.0,), 2.2, 5.0),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        scale = r.choice(SCALES)
        entries = [clean(e * scale * r.choice((-1, 1))) for e in r.choice(TRIPLES)]
        r.shuffle(entries)
        norm = math.sqrt(sum(e * e for e in entries))
        max_norm = clean(r.choice((0.2, 0.25, 0.4, 0.5)) * round(norm))
        weight = cleaned(entries if difficulty == 1 else entries[:2])
        # The clip value among those that clip some entries (see clips_some), the weight's
        # signs flipped if that is what it takes (the norms stay the same).
        clips = [clean(scale * k) for k in (1, 2, 3, 4, 5, 6)]
        fit = [c for c in clips if clips_some(weight, c)]
        if not fit:
            weight = tuple(-g for g in weight)
            fit = [c for c in clips if clips_some(weight, c)]
        clip = r.choice(fit or clips)
        return Values(weight, cleaned(entries[len(weight) :]), max_norm or scale, clip)

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    w_norm = math.sqrt(sum(g * g for g in v.weight))
    clipped_w = by_norm(v.weight, v.norm, v.max_norm)
    valued = by_value(v.weight, v.clip_value)
    squares = " + ".join(f"{signed(g)}²" for g in (*v.weight, *v.bias))
    if v.bias:
        given = (
            f"A model has two parameters, a weight with gradient {vec(v.weight)} and a bias with "
            f"gradient {vec(v.bias)}."
        )
        asked = "the weight's gradient"
    else:
        given = f"A model's only parameter has the gradient g = {vec(v.weight)}."
        asked = "the gradient"
    prompt = (
        f"{given} torch.nn.utils.clip_grad_norm_(params, max_norm={num(v.max_norm)}) computes "
        f"the 2-norm of all the gradients together and, if it is above max_norm, multiplies "
        f"every gradient by max_norm/(norm + 10⁻⁶). torch.nn.utils.clip_grad_value_(params, "
        f"clip_value={num(v.clip_value)}) instead clamps each entry into "
        f"[−{num(v.clip_value)}, {num(v.clip_value)}]. Find (a) the total norm, (b) {asked} "
        f"after clip_grad_norm_ and (c) {asked} after clip_grad_value_ (each applied to the "
        f"original gradients)."
    )
    parts = (
        Part("a", "total gradient norm", v.norm, mistakes=tuple(_norm_mistakes(v))),
        Part(
            "b",
            f"{asked} after clip_grad_norm_",
            clipped_w,
            kind="vector",
            mistakes=tuple(_clipped_mistakes(v, v.weight, w_norm)),
            carry=carry(
                clipped_w, lambda ans: by_norm(v.weight, number_at(ans, 0, v.norm), v.max_norm)
            ),
        ),
        Part(
            "c",
            f"{asked} after clip_grad_value_",
            valued,
            kind="vector",
            mistakes=tuple(_value_mistakes(v)),
        ),
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Gradient clipping",
        prompt=prompt,
        parts=parts,
        solution=(
            Step(
                "One norm over every gradient entry.",
                "‖g‖ = √(Σ gᵢ²)",
                f"√({squares}) = {num(v.norm)}",
            ),
            Step(
                "It is above max_norm, so every gradient is scaled by the same factor.",
                "g ← g · max_norm/(‖g‖ + 10⁻⁶)",
                f"factor {num(v.max_norm)}/{num(v.norm)} = {num(v.coef)}; "
                f"{vec(v.weight)} → {vec(clipped_w)}",
            ),
            Step(
                "Clipping by value clamps each entry on its own; the direction may change.",
                "gᵢ ← min(c, max(−c, gᵢ))",
                f"{vec(v.weight)} → {vec(valued)}",
            ),
        ),
        hints=(
            "The norm is the square root of the sum of the squares of all entries, across "
            "parameters.",
            "Norm clipping keeps the direction and sets the length to max_norm.",
            "Value clipping touches only the entries outside [−c, c].",
        ),
    )
