"""Backprop through a dense layer for a whole batch, in matrix form, as torch.nn.Linear.

With Z = X Wᵀ + b (X is batch × in, W is out × in) and the upstream gradient G = ∂L/∂Z,
the engine's backward pass gives ∂L/∂W = Gᵀ X, ∂L/∂b = G summed over the batch and
∂L/∂X = G W. G already holds the loss's 1/N when the loss averages, so nothing is divided again.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

from gradeck.exercises.families._draw import (
    apart,
    check_difficulty,
    choice_where,
    cleaned,
    decimal_where,
    decimals,
    draw_or,
    matrix_rows,
    rng,
    vec,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table

FAMILY = "dense-batch-backprop"
DIFFICULTIES = (1, 2)
SHAPES = {1: (2, 2, 2), 2: (3, 3, 2)}  # batch, in, out
INTS = (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0)  # the entries of X

Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Values:
    x: Matrix  # (batch, in)
    w: Matrix  # (out, in)
    b: tuple[float, ...]
    g: Matrix  # ∂L/∂Z, (batch, out)


@dataclass(frozen=True)
class Grads:
    w: Matrix
    b: tuple[float, ...]
    x: Matrix


def _exact(xs) -> tuple[float, ...]:
    """Sums of products of one-decimal numbers, without float noise (1.3e-17 is 0)."""
    return tuple([round(x, 10) + 0.0 for x in xs])


def _rows(array) -> Matrix:
    return tuple(_exact(row) for row in array.tolist())


@lru_cache(maxsize=16)  # the accepted draw's record is reused by generate()
def grads(v: Values) -> Grads:
    """The engine's backward pass of Z = X Wᵀ + b, seeded with G."""
    from gradeck.engine import Tensor

    x = Tensor(v.x, requires_grad=True)
    w = Tensor(v.w, requires_grad=True)
    b = Tensor(v.b, requires_grad=True)
    z = x.linear(w, b)
    z.backward(v.g)
    assert w.grad is not None and b.grad is not None and x.grad is not None
    return Grads(_rows(w.grad), _exact(b.grad.tolist()), _rows(x.grad))


def _matmul(a: Matrix, b: Matrix) -> Matrix:
    cols = list(zip(*b, strict=True))
    return tuple(_exact([sum(map(operator.mul, row, col)) for col in cols]) for row in a)


def _t(m: Matrix) -> Matrix:
    return tuple(zip(*m, strict=True))


def _scaled(m: Matrix, k: float) -> Matrix:
    return tuple(_exact([x * k for x in row]) for row in m)


def _w_mistakes(v: Values, gr: Grads) -> list[Mistake]:
    n = len(v.x)
    return [
        Mistake(
            "transposed",
            _matmul(_t(v.x), v.g),
            "That is Xᵀ G, shaped (in, out); W is (out, in), so ∂L/∂W = Gᵀ X.",
        ),
        Mistake(
            "averaged-again",
            _scaled(gr.w, 1 / n),  # Gᵀ X, the right answer, divided by N
            "G already carries the loss's averaging: sum over the batch, do not divide by N.",
        ),
        Mistake(
            "first-sample-only",
            tuple(cleaned([gi * xj for xj in v.x[0]]) for gi in v.g[0]),
            "Every sample contributes: Gᵀ X sums the outer products over the batch.",
        ),
    ]


def _b_mistakes(v: Values) -> list[Mistake]:
    n = len(v.x)
    col_sums = tuple(sum(col) for col in zip(*v.g, strict=True))
    return [
        Mistake("averaged", cleaned([s / n for s in col_sums]), "Sum G over the batch, not mean."),
        Mistake("first-sample-only", v.g[0], "Every sample's gradient adds to ∂L/∂b."),
    ]


def _x_mistakes(v: Values, gr: Grads) -> list[Mistake]:
    return [
        Mistake(
            "averaged-again",
            _scaled(gr.x, 1 / len(v.x)),  # G W, the right answer, divided by N
            "∂L/∂X = G W, with no extra 1/N.",
        ),
    ]


def _ok(v: Values, difficulty: int) -> bool:
    gr = grads(v)
    if any(abs(x) < 0.05 for row in gr.w for x in row) or any(abs(x) < 0.05 for x in gr.b):
        return False
    # `apart`: every mistake kept (generate lists them all), all finite (sums of short decimals).
    ok = apart(gr.w, _w_mistakes(v, gr)) and apart(gr.b, _b_mistakes(v))
    return ok and (difficulty == 1 or apart(gr.x, _x_mistakes(v, gr)))


FALLBACK = {
    1: Values(
        ((1.0, 2.0), (-1.0, 0.5)), ((0.3, -0.2), (0.5, 0.4)), (0.1, -0.1), ((0.2, -0.4), (0.3, 0.1))
    ),
    2: Values(
        ((-1.0, 2.0, -2.0), (2.0, 0.0, -1.0), (0.0, 1.0, 3.0)),
        ((-1.0, -0.1, 0.7), (-0.1, 0.1, 0.8)),
        (0.5, -0.4),
        ((0.5, -0.2), (0.1, -0.2), (-0.5, 0.3)),
    ),
}


def _clear(known: Sequence[float], factors: Sequence[float], e: float) -> bool:
    """Whether every sum known[j] + factors[j]·e stays clear of 0 (as _ok wants gradients)."""
    return all(abs(s + f * e) >= 0.06 for s, f in zip(known, factors, strict=True))


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    n, n_in, n_out = SHAPES[difficulty]

    def one() -> Values:
        # G's last row and X's last row drawn so that no entry of ∂L/∂b = Σ G or of
        # ∂L/∂W = Gᵀ X is next to 0, the check most draws failed (exact sums of short
        # decimals, as the engine's).
        g = [decimals(r, n_out, -0.5, 0.5) for _ in range(n - 1)]
        sums = [sum(col) for col in zip(*g, strict=True)]
        g.append(tuple(decimal_where(r, -0.5, 0.5, partial(_clear, (s,), (1.0,))) for s in sums))
        x = [tuple(float(r.randint(-2, 3)) for _ in range(n_in)) for _ in range(n - 1)]
        last = []
        for k in range(n_in):
            known = [sum(gs[j] * xs[k] for gs, xs in zip(g, x, strict=False)) for j in range(n_out)]
            last.append(choice_where(r, INTS, partial(_clear, known, g[-1])))
        x.append(tuple(last))
        return Values(
            x=tuple(x),
            w=tuple(decimals(r, n_in, -1, 1) for _ in range(n_out)),
            b=decimals(r, n_out, -0.5, 0.5),
            g=tuple(g),
        )

    return draw_or(one, lambda v: _ok(v, difficulty), FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    gr = grads(v)
    n, n_in, n_out = len(v.x), len(v.x[0]), len(v.w)
    samples = tuple(f"sample {i + 1}" for i in range(n))
    tables = (
        Table(f"X ({n} × {n_in}, one sample per row)", matrix_rows(v.x), samples),
        Table(
            f"W ({n_out} × {n_in}, as nn.Linear)",
            matrix_rows(v.w),
            tuple(f"out {j + 1}" for j in range(n_out)),
        ),
        Table(f"G = ∂L/∂Z ({n} × {n_out})", matrix_rows(v.g), samples),
    )
    asked = "(a) ∂L/∂W (a matrix shaped like W) and (b) ∂L/∂b"
    if difficulty == 2:
        asked = "(a) ∂L/∂W (a matrix shaped like W), (b) ∂L/∂b and (c) ∂L/∂X (shaped like X)"
    prompt = (
        f"A dense layer, torch.nn.Linear({n_in}, {n_out}), maps a batch X of {n} samples to "
        f"Z = X Wᵀ + b, with W shaped (out, in) = ({n_out}, {n_in}) and b = {vec(v.b)}. The "
        f"backward pass brings G = ∂L/∂Z, one row per sample (any averaging over the batch is "
        f"already in G). Find {asked}. Type a matrix row by row, rows separated by ';'."
    )
    # Every listed mistake is kept: _ok (which the fallback passes too) holds them apart.
    parts: list[Part] = [
        Part("a", "∂L/∂W", gr.w, kind="matrix", mistakes=tuple(_w_mistakes(v, gr))),
        Part("b", "∂L/∂b", gr.b, kind="vector", mistakes=tuple(_b_mistakes(v))),
    ]
    steps = [
        Step(
            "Each weight's gradient sums input × upstream gradient over the batch.",
            "∂L/∂W = Gᵀ X, so ∂L/∂W[j][k] = Σᵢ G[i][j]·X[i][k]",
            "; ".join(f"row {j + 1}: " + vec(gr.w[j]) for j in range(n_out)),
        ),
        Step("The bias gradient sums G over the batch.", "∂L/∂b = Σᵢ G[i]", vec(gr.b)),
    ]
    if difficulty == 2:
        parts.append(Part("c", "∂L/∂X", gr.x, kind="matrix", mistakes=tuple(_x_mistakes(v, gr))))
        steps.append(
            Step(
                "The gradient for the layer's input goes back through W.",
                "∂L/∂X = G W",
                "; ".join(f"sample {i + 1}: {vec(gr.x[i])}" for i in range(n)),
            )
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Batch backprop through a dense layer",
        prompt=prompt,
        parts=tuple(parts),
        solution=tuple(steps),
        hints=(
            "Check the shapes: ∂L/∂W must be (out, in), so it is Gᵀ (out × batch) times X "
            "(batch × in).",
            "The bias is added to every sample, so its gradient is the column sums of G.",
        ),
        tables=tables,
    )
