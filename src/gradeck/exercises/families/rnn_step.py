"""One step of a vanilla RNN cell: h_t = tanh(W_h h_(t−1) + W_x x_t + b)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import cast

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    cleaned,
    decimal_where,
    decimals,
    draw_or,
    matrix_rows,
    num,
    number_at,
    rng,
    signed,
    vec,
    vector_at,
)
from gradeck.exercises.model import AnswerKind, Exercise, Mistake, Part, Step, Table, Value

FAMILY = "rnn-step"
DIFFICULTIES = (1, 2)
HIDDEN = {1: 1, 2: 2}

Vector = tuple[float, ...]
Matrix = tuple[Vector, ...]


@dataclass(frozen=True)
class Values:
    w_h: Matrix  # (hidden, hidden)
    w_x: Matrix  # (hidden, input)
    b: Vector
    h: Vector  # previous hidden state
    x: Vector


def matvec(m: Matrix, v: Vector) -> Vector:
    return tuple(sum(a * b for a, b in zip(row, v, strict=True)) for row in m)


def transposed(m: Matrix) -> Matrix:
    return tuple(zip(*m, strict=True))


def pre_activation(w_h: Matrix, w_x: Matrix, b: Vector, h: Vector, x: Vector) -> Vector:
    return cleaned([r + i + c for r, i, c in zip(matvec(w_h, h), matvec(w_x, x), b, strict=True)])


def _sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a))


def _tanh(v: Vector) -> Vector:
    return tuple(math.tanh(a) for a in v)


def _no_recurrence(v: Values) -> Vector:
    return pre_activation(v.w_h, v.w_x, v.b, (0.0,) * len(v.h), v.x)


def _pre_mistakes(v: Values) -> list[Mistake]:
    found = [
        Mistake(
            "recurrent-term-forgotten",
            _no_recurrence(v),
            "The previous hidden state feeds back in: add W_h h_(t−1).",
        ),
        Mistake(
            "bias-forgotten",
            pre_activation(v.w_h, v.w_x, (0.0,) * len(v.b), v.h, v.x),
            "Add the bias b.",
        ),
    ]
    if len(v.h) > 1:
        found.append(
            Mistake(
                "w_h-transposed",
                pre_activation(transposed(v.w_h), v.w_x, v.b, v.h, v.x),
                "Row i of W_h holds the weights into unit i: (W_h h)_i = Σ_j W_h[i, j]·h_j.",
            )
        )
    return found


def _state_mistakes(v: Values, a: Vector) -> list[Mistake]:
    return [
        Mistake("tanh-forgotten", a, "That is the pre-activation; the new state is its tanh."),
        Mistake(
            "recurrent-term-forgotten",
            _tanh(_no_recurrence(v)),
            "The previous hidden state feeds back in: add W_h h_(t−1) before the tanh.",
        ),
        Mistake(
            "sigmoid-used",
            tuple(_sigmoid(x) for x in a),
            "A vanilla RNN squashes with tanh, not the sigmoid.",
        ),
    ]


def _bias_fits(rest: float, b: float) -> bool:
    return abs(b) >= 0.1 and 0.31 <= abs(rest + b) <= 2.49


def _ok(v: Values) -> bool:
    a = pre_activation(v.w_h, v.w_x, v.b, v.h, v.x)
    if any(abs(x) < 0.3 or abs(x) > 2.5 for x in a):
        return False
    return apart(a, _pre_mistakes(v)) and apart(_tanh(a), _state_mistakes(v, a))


FALLBACK = {
    1: Values(w_h=((-0.1,),), w_x=((0.8,),), b=(-0.4,), h=(0.9,), x=(-0.7,)),
    2: Values(
        w_h=((0.1, -0.4), (-0.1, -0.8)),
        w_x=((1.0, 0.8), (0.7, 0.7)),
        b=(-0.1, -0.3),
        h=(0.6, -0.4),
        x=(0.6, 0.7),
    ),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    n = HIDDEN[difficulty]

    def one() -> Values:
        # Drawn to pass _ok's first checks by construction: with one unit, W_h h clear of 0
        # (else forgetting the recurrent term would not show); each bias putting its unit's
        # pre-activation in range, and not next to 0 (else forgetting it would not show).
        h, x = decimals(r, n, -0.9, 0.9), decimals(r, n, -2, 2)
        if n == 1:
            w_h: Matrix = ((decimal_where(r, -1, 1, lambda w: abs(w * h[0]) >= 0.15),),)
        else:
            w_h = tuple(decimals(r, n, -1, 1) for _ in range(n))
        w_x = tuple(decimals(r, n, -1, 1) for _ in range(n))
        sums = [a + c for a, c in zip(matvec(w_h, h), matvec(w_x, x), strict=True)]
        b = tuple(decimal_where(r, -0.5, 0.5, partial(_bias_fits, s), nonzero=False) for s in sums)
        return Values(w_h=w_h, w_x=w_x, b=b, h=h, x=x)

    return draw_or(one, _ok, FALLBACK[difficulty])


def _scalar(v: Vector) -> float | Vector:
    return v[0] if len(v) == 1 else v


def _learner_a(answers: Sequence[Value | None], a: Vector) -> Vector:
    """The learner's pre-activation from part (a), as a vector even for a single unit."""
    if len(a) == 1:
        return (number_at(answers, 0, a[0]),)
    return vector_at(answers, 0, a)


def _mistakes(found: list[Mistake], scalar: bool) -> tuple[Mistake, ...]:
    if not scalar:
        return tuple(found)
    return tuple(Mistake(m.name, cast(tuple, m.value)[0], m.feedback) for m in found)


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    a = pre_activation(v.w_h, v.w_x, v.b, v.h, v.x)
    h_new = _tanh(a)
    scalar = len(a) == 1
    kind: AnswerKind = "number" if scalar else "vector"
    tables: tuple[Table, ...] = ()
    if scalar:
        given = (
            f"w_h = {num(v.w_h[0][0])}, w_x = {num(v.w_x[0][0])}, b = {num(v.b[0])}, "
            f"h_(t−1) = {num(v.h[0])} and x_t = {num(v.x[0])}"
        )
        sums = (
            f"{num(v.w_h[0][0])} × {signed(v.h[0])} + {num(v.w_x[0][0])} × {signed(v.x[0])} + "
            f"{signed(v.b[0])} = {num(a[0])}"
        )
        inside = "w_h·h_(t−1) + w_x·x_t + b"
        cell = f"h_t = tanh({inside}), all scalars"
    else:
        given = (
            f"W_h and W_x as in the tables, b = {vec(v.b)}, h_(t−1) = {vec(v.h)} and "
            f"x_t = {vec(v.x)}"
        )
        rows = []
        for i in range(len(a)):
            terms = [f"{signed(w)}×{signed(h)}" for w, h in zip(v.w_h[i], v.h, strict=True)]
            terms += [f"{signed(w)}×{signed(x)}" for w, x in zip(v.w_x[i], v.x, strict=True)]
            rows.append(f"a{i + 1} = {' + '.join(terms)} + {signed(v.b[i])} = {num(a[i])}")
        sums = "\n".join(rows)
        inside = "W_h h_(t−1) + W_x x_t + b"
        cell = f"h_t = tanh({inside}), with matrix–vector products"
        labels = tuple(f"{i + 1}" for i in range(len(a)))
        tables = (
            Table("W_h (row i: weights into unit i)", matrix_rows(v.w_h), labels, labels),
            Table("W_x (row i: weights into unit i)", matrix_rows(v.w_x), labels, labels),
        )
    prompt = (
        f"A vanilla RNN cell computes {cell}. Given {given}, find (a) the pre-activation "
        f"a = {inside} and (b) the new hidden state h_t."
    )
    parts = (
        Part(
            "a",
            "pre-activation a",
            _scalar(a),
            kind=kind,
            mistakes=_mistakes(_pre_mistakes(v), scalar),
        ),
        Part(
            "b",
            "new hidden state h_t",
            _scalar(h_new),
            kind=kind,
            mistakes=_mistakes(_state_mistakes(v, a), scalar),
            carry=carry(_scalar(h_new), lambda ans: _scalar(_tanh(_learner_a(ans, a)))),
        ),
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="One step of an RNN cell",
        prompt=prompt,
        parts=parts,
        solution=(
            Step(
                "Mix the previous state and the new input, then add the bias.",
                "a = W_h h_(t−1) + W_x x_t + b",
                sums,
            ),
            Step(
                "Squash with tanh, element by element.",
                "h_t = tanh(a)",
                "\n".join(f"tanh({num(x)}) = {num(y)}" for x, y in zip(a, h_new, strict=True)),
            ),
        ),
        hints=(
            "The same weights are used at every time step; the previous hidden state is an "
            "input like x_t.",
            "Compute the sum inside the tanh first, then apply tanh to each entry.",
        ),
        tables=tables,
    )
