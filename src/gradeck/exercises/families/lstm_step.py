"""One step of a one-unit LSTM cell in torch's gate order: input, forget, cell (g), output.

torch.nn.LSTM stacks the four gates' weights as (W_ii|W_if|W_ig|W_io); a learner reading torch's
weights must know that order, and that g goes through tanh while the other three use σ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    clean,
    decimal,
    decimal_until,
    decimal_where,
    decimals,
    draw_or,
    num,
    number_at,
    rng,
    signed,
    vec,
    vector_at,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table

FAMILY = "lstm-step"
DIFFICULTIES = (1, 2)
INPUTS = {1: 1, 2: 2}
GATES = ("i", "f", "g", "o")  # torch's order

Vector = tuple[float, ...]


def sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a))


@dataclass(frozen=True)
class Values:
    w_x: tuple[Vector, ...]  # one row per gate, in GATES order: W_ih
    w_h: Vector  # W_hh, one weight per gate (hidden size 1)
    b: Vector  # b_ih + b_hh per gate
    x: Vector
    h: float
    c: float

    @cached_property  # asked by the check, the cell and the mistakes of every draw
    def pre(self) -> Vector:
        """The four pre-activations W_ih x + W_hh h + b."""
        return tuple(
            clean(sum(w * x for w, x in zip(row, self.x, strict=True)) + wh * self.h + b)
            for row, wh, b in zip(self.w_x, self.w_h, self.b, strict=True)
        )


@dataclass(frozen=True)
class Cell:
    gates: Vector  # i, f, g, o
    c: float
    h: float


def cell(gates: Vector, c_prev: float) -> tuple[float, float]:
    i, f, g, o = gates
    c = f * c_prev + i * g
    return c, o * math.tanh(c)


def step(v: Values) -> Cell:
    a = v.pre
    gates = (sigmoid(a[0]), sigmoid(a[1]), math.tanh(a[2]), sigmoid(a[3]))
    c, h = cell(gates, v.c)
    return Cell(gates, c, h)


def _gate_mistakes(v: Values, s: Cell) -> list[Mistake]:
    i, f, g, o = s.gates
    a = v.pre
    return [
        Mistake("g-sigmoid", (i, f, sigmoid(a[2]), o), "The cell candidate g uses tanh, not σ."),
        Mistake(
            "order-ifog",
            (i, f, o, g),
            "torch orders the gates input, forget, cell (g), output: i, f, g, o.",
        ),
        Mistake(
            "all-tanh",
            tuple(math.tanh(x) for x in a),
            "Only g uses tanh; the gates i, f and o are sigmoids, between 0 and 1.",
        ),
        Mistake("pre-activations", a, "Those are the pre-activations; apply σ or tanh to them."),
    ]


def _cell_mistakes(v: Values, s: Cell) -> list[Mistake]:
    i, f, g, _ = s.gates
    return [
        Mistake("gates-swapped", i * v.c + f * g, "The forget gate keeps the old cell: f·c + i·g."),
        Mistake(
            "forget-gate-ignored",
            v.c + i * g,
            "The old cell state is scaled by the forget gate f.",
        ),
        Mistake("old-cell-dropped", i * g, "Add the kept part of the old cell, f·c_(t−1)."),
    ]


def _hidden_mistakes(v: Values, s: Cell) -> list[Mistake]:
    o = s.gates[3]
    return [
        Mistake("tanh-forgotten", o * s.c, "h = o·tanh(c): squash the new cell state first."),
        Mistake("output-gate-forgotten", math.tanh(s.c), "Multiply tanh(c) by the output gate o."),
        Mistake("old-cell-used", o * math.tanh(v.c), "Use the new cell state c_t."),
    ]


def in_range(a: float) -> bool:
    """A pre-activation worth squashing: not next to 0, not where σ and tanh saturate."""
    return 0.2 <= abs(a) <= 2.5


def _pre(row: tuple[Vector, float], x: Vector, h: float, b: float) -> float:
    w_x, w_h = row
    return sum(w * xi for w, xi in zip(w_x, x, strict=True)) + w_h * h + b


def _cell_fits(i: float, f: float, g: float, o: float, c_prev: float) -> bool:
    """The old cell state apart from g (the swapped gates differ by (f − i)(c − g)) and from
    the new one, the new one clear of 0 and large enough that tanh(c) ≠ c shows, and h's
    slips (o·c, tanh c, o·tanh c_prev) apart from each other."""
    c = f * c_prev + i * g
    if abs(c_prev - g) < 0.3 or abs(c) < 0.35 or abs(c - c_prev) < 0.1:
        return False
    slips = (o * c, math.tanh(c), o * math.tanh(c_prev))
    return all(abs(a - b) >= 0.04 * max(abs(a), abs(b)) for a, b in combinations(slips, 2))


def _ok(v: Values) -> bool:
    if not all(map(in_range, v.pre)):
        return False
    s = step(v)
    if abs(s.c) < 0.1 or abs(s.h) < 0.05:
        return False
    return (
        apart(s.gates, _gate_mistakes(v, s))
        and apart(s.c, _cell_mistakes(v, s))
        and apart(s.h, _hidden_mistakes(v, s))
    )


FALLBACK = {
    1: Values(
        ((0.7,), (-0.5,), (0.4,), (-0.8,)),
        (0.9, 0.1, 0.7, 0.5),
        (0.1, -0.2, 0.5, 0.0),
        (1.4,),
        0.8,
        -0.8,
    ),
    2: Values(
        ((-0.6, 0.4), (-1.0, -0.3), (-0.7, 0.5), (0.5, -0.4)),
        (0.3, 0.7, -0.7, 0.1),
        (0.3, -0.2, -0.2, 0.2),
        (1.2, 1.3),
        0.4,
        0.1,
    ),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    n = INPUTS[difficulty]

    def bias(row: Vector, w_h: float, x: Vector, h: float, fits=in_range) -> float:
        """A gate's bias among those that put its pre-activation where `fits` wants it."""
        s = sum(w * xi for w, xi in zip(row, x, strict=True)) + w_h * h
        return decimal_where(r, -0.5, 0.5, lambda b: fits(s + b), nonzero=False)

    def one() -> Values:
        # Drawn to pass _ok's checks by construction where one value decides (plain floats;
        # _ok decides on the rounded pre-activations): every pre-activation in range; f apart
        # from i (else swapping them in the cell update would not show), g apart from σ of its
        # pre-activation (else the g-sigmoid slip would not); the old cell as `_cell_fits`,
        # redrawn a few times rather than listed (its check asks three tanh).
        w_x = tuple(decimals(r, n, -1, 1) for _ in GATES)
        w_h, x, h = decimals(r, 4, -1, 1), decimals(r, n, -2, 2), decimal(r, -0.9, 0.9)
        rows = tuple(zip(w_x, w_h, strict=True))
        b_i = bias(*rows[0], x, h)
        i = sigmoid(_pre(rows[0], x, h, b_i))
        b_f = bias(*rows[1], x, h, lambda a: in_range(a) and abs(sigmoid(a) - i) >= 0.1)
        b_g = bias(*rows[2], x, h, lambda a: in_range(a) and abs(math.tanh(a) - sigmoid(a)) >= 0.05)
        b_o = bias(*rows[3], x, h)
        b = (b_i, b_f, b_g, b_o)
        f, g = sigmoid(_pre(rows[1], x, h, b_f)), math.tanh(_pre(rows[2], x, h, b_g))
        o = sigmoid(_pre(rows[3], x, h, b_o))
        c = decimal_until(r, -1.5, 1.5, lambda c: _cell_fits(i, f, g, o, c))
        return Values(w_x, w_h, b, x, h, c)

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    s = step(v)
    a = v.pre
    n = len(v.x)
    x_cols = ("w_x",) if n == 1 else tuple(f"w_x{j + 1}" for j in range(n))
    table = Table(
        "Weights and bias of each gate (torch's order)",
        tuple(
            tuple(num(w) for w in (*row, wh, b))
            for row, wh, b in zip(v.w_x, v.w_h, v.b, strict=True)
        ),
        GATES,
        (*x_cols, "w_h", "b"),
    )
    x_text = num(v.x[0]) if n == 1 else vec(v.x)
    prompt = (
        f"A torch.nn.LSTM cell with {n} input{'s' if n > 1 else ''} and one hidden unit. Its "
        f"weights are stacked in torch's gate order i, f, g, o (input, forget, cell candidate, "
        f"output); each row of the table gives a gate's input weights, recurrent weight w_h "
        f"and bias b (b_ih + b_hh). With x_t = {x_text}, h_(t−1) = {num(v.h)} and "
        f"c_(t−1) = {num(v.c)}: i, f, o = σ(w_x·x + w_h·h + b), g = tanh(w_x·x + w_h·h + b), "
        f"c_t = f·c_(t−1) + i·g and h_t = o·tanh(c_t). Find (a) the gates [i, f, g, o], "
        f"(b) c_t and (c) h_t."
    )
    sums = "; ".join(f"a_{name} = {num(x)}" for name, x in zip(GATES, a, strict=True))
    i, f, g, o = s.gates
    parts = (
        Part(
            "a", "gates [i, f, g, o]", s.gates, kind="vector", mistakes=tuple(_gate_mistakes(v, s))
        ),
        Part(
            "b",
            "new cell state c_t",
            s.c,
            mistakes=tuple(_cell_mistakes(v, s)),
            carry=carry(s.c, lambda ans: cell(vector_at(ans, 0, s.gates), v.c)[0]),
        ),
        Part(
            "c",
            "new hidden state h_t",
            s.h,
            mistakes=tuple(_hidden_mistakes(v, s)),
            carry=carry(
                s.h,
                lambda ans: vector_at(ans, 0, s.gates)[3] * math.tanh(number_at(ans, 1, s.c)),
            ),
        ),
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="One step of an LSTM cell",
        prompt=prompt,
        parts=parts,
        solution=(
            Step("Each gate's pre-activation.", "a = w_x·x_t + w_h·h_(t−1) + b", sums),
            Step(
                "σ for the gates i, f, o; tanh for the candidate g.",
                "i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)",
                f"[i, f, g, o] = {vec(s.gates)}",
            ),
            Step(
                "Forget part of the old cell and add the gated candidate.",
                "c_t = f·c_(t−1) + i·g",
                f"{num(f)} × {signed(v.c)} + {num(i)} × {signed(g)} = {num(s.c)}",
            ),
            Step(
                "The output gate lets through the squashed cell.",
                "h_t = o·tanh(c_t)",
                f"{num(o)} × tanh({num(s.c)}) = {num(s.h)}",
            ),
        ),
        hints=(
            "torch's gate order is i, f, g, o; only g uses tanh.",
            "The forget gate multiplies the old cell state, the input gate the candidate g.",
            "The hidden state is o·tanh(c_t), with the new c_t.",
        ),
        tables=(table,),
    )
