"""One step of a one-unit GRU cell as torch.nn.GRU computes it: gates r, z, n in that order.

torch puts the reset gate inside the recurrent term, r·(W_hn h + b_hn), and keeps the old state
with z: h_t = (1 − z)·n + z·h_(t−1). Texts that swap z and 1 − z are a common source of slips.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, partial

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    clean,
    decimal_until,
    decimal_where,
    decimals,
    draw_or,
    floats_apart,
    matrix_rows,
    num,
    number_at,
    rng,
    signed,
    vec,
    vector_at,
)
from gradeck.exercises.families.lstm_step import sigmoid
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table

FAMILY = "gru-step"
DIFFICULTIES = (1, 2)
INPUTS = {1: 1, 2: 2}
GATES = ("r", "z", "n")  # torch's order

Vector = tuple[float, ...]


@dataclass(frozen=True)
class Values:
    w_x: tuple[Vector, ...]  # W_ih rows, one per gate in GATES order
    b_x: Vector  # b_ih
    w_h: Vector  # W_hh (hidden size 1)
    b_h: Vector  # b_hh
    x: Vector
    h: float

    def input_term(self, gate: int) -> float:
        return self._input_terms[gate]

    def hidden_term(self, gate: int) -> float:
        return self._hidden_terms[gate]

    @cached_property  # asked by the check, the cell and the mistakes of every draw
    def _input_terms(self) -> Vector:
        return tuple(
            clean(sum(w * x for w, x in zip(row, self.x, strict=True)) + b)
            for row, b in zip(self.w_x, self.b_x, strict=True)
        )

    @cached_property
    def _hidden_terms(self) -> Vector:
        return tuple(clean(w * self.h + b) for w, b in zip(self.w_h, self.b_h, strict=True))


def candidate(v: Values, r: float) -> float:
    return math.tanh(v.input_term(2) + r * v.hidden_term(2))


def new_state(z: float, n: float, h: float) -> float:
    return (1 - z) * n + z * h


@dataclass(frozen=True)
class Cell:
    r: float
    z: float
    n: float
    h: float


def step(v: Values) -> Cell:
    r = sigmoid(v.input_term(0) + v.hidden_term(0))
    z = sigmoid(v.input_term(1) + v.hidden_term(1))
    n = candidate(v, r)
    return Cell(r, z, n, new_state(z, n, v.h))


def _gate_mistakes(v: Values, s: Cell) -> list[Mistake]:
    pre = (v.input_term(0) + v.hidden_term(0), v.input_term(1) + v.hidden_term(1))
    return [
        Mistake("order-swapped", (s.z, s.r), "torch's order is r (reset) first, then z (update)."),
        Mistake("tanh-used", tuple(math.tanh(a) for a in pre), "The gates r and z use σ."),
        Mistake("pre-activations", pre, "Those are the pre-activations; apply σ to them."),
    ]


def _candidate_mistakes(v: Values, s: Cell) -> list[Mistake]:
    return [
        Mistake(
            "reset-outside-bias",
            math.tanh(v.input_term(2) + s.r * v.w_h[2] * v.h + v.b_h[2]),
            "In torch the reset gate multiplies the whole recurrent term, bias included: "
            "r·(W_hn h + b_hn).",
        ),
        Mistake(
            "reset-ignored",
            math.tanh(v.input_term(2) + v.hidden_term(2)),
            "Scale the recurrent term by the reset gate r.",
        ),
        Mistake(
            "sigmoid-used",
            sigmoid(v.input_term(2) + s.r * v.hidden_term(2)),
            "The candidate n uses tanh.",
        ),
    ]


def _state_mistakes(v: Values, s: Cell) -> list[Mistake]:
    return [
        Mistake(
            "z-swapped",
            s.z * s.n + (1 - s.z) * v.h,
            "In torch z keeps the old state: h_t = (1 − z)·n + z·h_(t−1).",
        ),
        Mistake("candidate-only", s.n, "Blend the candidate with the old state using z."),
        Mistake("old-state-added", (1 - s.z) * s.n + v.h, "The old state is weighted by z."),
    ]


def in_range(a: float) -> bool:
    """A gate's pre-activation worth squashing: not next to 0, not where σ saturates."""
    return 0.2 <= abs(a) <= 2.5


def _fits(s: float, b: float) -> bool:
    """Whether bias b brings the rest s of a gate's pre-activation in range."""
    return in_range(s + b)


def _fits_reset(s: float, b: float) -> bool:
    """Like `_fits`, for the reset gate: r ≤ 0.65, so that 1 − r is not small."""
    return in_range(s + b) and s + b <= 0.6


def _z_fits(pre_z: float, pre_r: float) -> bool:
    """z's pre-activation in range, apart from r's (else swapping r and z would not show) and
    at least 0.4 from 0 (z next to ½ would give the z-swapped blend the right state)."""
    return in_range(pre_z) and abs(pre_z) >= 0.4 and abs(pre_z - pre_r) >= 0.2


def _candidate_fits(a: float, r: float, z: float, product: float, b: float, h: float) -> bool:
    """n = tanh(a + r·(product + b)) clear of 0 and apart from its mistakes (a the input term),
    in plain floats with a margin (the terms unrounded: a screen, _ok decides), and
    apart from the old state h (the new state's mistakes differ from it by multiples of n − h),
    and the new state clear of 0 (z the update gate).
    """
    n = math.tanh(a + r * (product + b))
    if abs(n) < 0.12 or abs(n - h) < 0.3 or abs(new_state(z, n, h)) < 0.06:
        return False
    mistakes = (math.tanh(a + r * product + b), math.tanh(a + product + b))
    return floats_apart((n, *mistakes, sigmoid(a + r * (product + b))))


def _ok(v: Values) -> bool:
    pres = (v.input_term(0) + v.hidden_term(0), v.input_term(1) + v.hidden_term(1))
    if not all(map(in_range, pres)) or abs(v.hidden_term(2)) < 0.2:
        return False
    if abs(v.b_h[2]) < 0.1:  # the bias's place must matter
        return False
    s = step(v)
    if abs(s.n) < 0.1 or abs(s.h) < 0.05:
        return False
    return (
        apart((s.r, s.z), _gate_mistakes(v, s))
        and apart(s.n, _candidate_mistakes(v, s))
        and apart(s.h, _state_mistakes(v, s))
    )


FALLBACK = {
    1: Values(
        ((-0.9,), (-0.5,), (0.7,)),
        (-0.3, 0.4, -0.4),
        (0.2, -0.8, 1.0),
        (-0.5, -0.3, 0.1),
        (0.4,),
        -0.7,
    ),
    2: Values(
        ((-1.0, -0.1), (-0.4, -0.8), (0.1, 0.6)),
        (-0.3, 0.4, 0.5),
        (0.9, 0.1, -0.2),
        (0.2, -0.2, -0.4),
        (-0.4, -1.1),
        0.7,
    ),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    n = INPUTS[difficulty]

    def one() -> Values:
        # Drawn to pass _ok's checks by construction where one value decides, in plain floats
        # (_ok then decides on the rounded terms): the candidate's input term w·x at most 0.8
        # from 0 (where tanh is not flat), its recurrent product w_hn·h clear of 0 (the reset
        # gate's place, around the bias or not, shows only through it), its bias large enough
        # (|b| ≥ 0.3) that leaving it outside r·(…) can be told apart, the recurrent term not
        # next to 0; r's and z's pre-activations as `_fits_reset` and `_z_fits`; the
        # candidate's own bias so that n lies apart from its mistakes and from h.
        x = decimals(r, n, -2, 2)
        w_r, w_z, head = decimals(r, n, -1, 1), decimals(r, n, -1, 1), decimals(r, n - 1, -1, 1)
        known = sum(w * xi for w, xi in zip(head, x, strict=False))
        w_n = (*head, decimal_where(r, -1, 1, lambda w: abs(known + w * x[-1]) <= 0.8))
        h = decimal_where(r, -0.9, 0.9, lambda h: abs(h) >= 0.4)
        w_h = (*decimals(r, 2, -1, 1), decimal_where(r, -1, 1, lambda w: abs(w * h) >= 0.3))
        b_h = (
            *decimals(r, 2, -0.5, 0.5),
            decimal_where(r, -0.5, 0.5, lambda b: abs(b) >= 0.3 and abs(w_h[2] * h + b) >= 0.2),
        )
        w_x = (w_r, w_z, w_n)
        sums = [
            sum(w * xi for w, xi in zip(w_x[g], x, strict=True)) + w_h[g] * h + b_h[g]
            for g in (0, 1)
        ]
        b_r = decimal_where(r, -0.5, 0.5, partial(_fits_reset, sums[0]), nonzero=False)
        pre_r = sums[0] + b_r
        b_z = decimal_where(r, -0.5, 0.5, lambda b: _z_fits(sums[1] + b, pre_r), nonzero=False)
        reset, update, product = sigmoid(pre_r), sigmoid(sums[1] + b_z), w_h[2] * h
        b_n = decimal_until(  # redrawn, not listed: its check is the costliest of all
            r,
            -0.5,
            0.5,
            lambda b: _candidate_fits(
                known + w_n[-1] * x[-1] + b, reset, update, product, b_h[2], h
            ),
            nonzero=False,
            tries=4,
        )
        return Values(w_x, (b_r, b_z, b_n), w_h, b_h, x, h)

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    s = step(v)
    n_in = len(v.x)
    x_cols = ("w_x",) if n_in == 1 else tuple(f"w_x{j + 1}" for j in range(n_in))
    rows = matrix_rows(
        [(*row, bx, wh, bh) for row, bx, wh, bh in zip(v.w_x, v.b_x, v.w_h, v.b_h, strict=True)]
    )
    table = Table(
        "Weights and biases of each gate (torch's order)",
        rows,
        GATES,
        (*x_cols, "b_i", "w_h", "b_h"),
    )
    x_text = num(v.x[0]) if n_in == 1 else vec(v.x)
    prompt = (
        f"A torch.nn.GRU cell with {n_in} input{'s' if n_in > 1 else ''} and one hidden unit, "
        f"its weights in torch's gate order r, z, n (reset, update, candidate): "
        f"r = σ(w_x·x + b_i + w_h·h + b_h), z likewise with its own row, "
        f"n = tanh(w_x·x + b_i + r·(w_h·h + b_h)) and h_t = (1 − z)·n + z·h_(t−1). With "
        f"x_t = {x_text} and h_(t−1) = {num(v.h)}, find (a) the gates [r, z], (b) the "
        f"candidate n and (c) the new state h_t."
    )
    parts = (
        Part("a", "gates [r, z]", (s.r, s.z), kind="vector", mistakes=tuple(_gate_mistakes(v, s))),
        Part(
            "b",
            "candidate n",
            s.n,
            mistakes=tuple(_candidate_mistakes(v, s)),
            carry=carry(s.n, lambda ans: candidate(v, vector_at(ans, 0, (s.r, s.z))[0])),
        ),
        Part(
            "c",
            "new hidden state h_t",
            s.h,
            mistakes=tuple(_state_mistakes(v, s)),
            carry=carry(
                s.h,
                lambda ans: new_state(
                    vector_at(ans, 0, (s.r, s.z))[1], number_at(ans, 1, s.n), v.h
                ),
            ),
        ),
    )
    terms = [
        f"{g}: input {num(v.input_term(k))}, recurrent {num(v.hidden_term(k))}"
        for k, g in enumerate(GATES)
    ]
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="One step of a GRU cell",
        prompt=prompt,
        parts=parts,
        solution=(
            Step(
                "Each gate's input term w_x·x + b_i and recurrent term w_h·h + b_h.",
                "",
                "; ".join(terms),
            ),
            Step(
                "The reset and update gates: σ of the two terms' sum.",
                "r = σ(…), z = σ(…)",
                f"r = {num(s.r)}, z = {num(s.z)}",
            ),
            Step(
                "The candidate: the reset gate scales the recurrent term, bias and all.",
                "n = tanh(input term + r·recurrent term)",
                f"tanh({num(v.input_term(2))} + {num(s.r)} × {signed(v.hidden_term(2))}) = "
                f"{num(s.n)}",
            ),
            Step(
                "Blend: z keeps the old state, 1 − z takes the candidate.",
                "h_t = (1 − z)·n + z·h_(t−1)",
                f"{num(clean(1 - s.z))} × {signed(s.n)} + {num(s.z)} × {signed(v.h)} = {num(s.h)}",
            ),
        ),
        hints=(
            "torch's order is r, z, n; r and z use σ, n uses tanh.",
            "In torch, r multiplies (w_h·h + b_h), the recurrent bias included.",
            "z close to 1 keeps the old state: h_t = (1 − z)·n + z·h_(t−1).",
        ),
        tables=(table,),
    )
