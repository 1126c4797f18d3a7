"""Scaled dot-product attention for two or three tokens: scores, weights and one output row.

The engine computes softmax(Q Kᵀ/√d) V, as torch.nn.functional.scaled_dot_product_attention
does, and the worked solution reads its numbers from that computation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    decimals,
    draw_or,
    matrix_rows,
    num,
    rng,
    vec,
    vector_at,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table

FAMILY = "attention"
DIFFICULTIES = (1, 2)
INTS = (-1.0, 0.0, 1.0, 2.0)  # the entries of Q and K
TOKENS = {1: 2, 2: 3}
D = 4  # query/key size: √d = 2 keeps the scaling easy
DV = 2  # value size

Vector = tuple[float, ...]
Matrix = tuple[Vector, ...]


@dataclass(frozen=True)
class Values:
    q: Matrix  # (tokens, D), one query per row
    k: Matrix  # (tokens, D)
    v: Matrix  # (tokens, DV)
    row: int  # the query asked about, 0-based


def _softmax(xs: Vector) -> Vector:
    top = max(xs)
    e = [math.exp(x - top) for x in xs]
    return tuple(x / sum(e) for x in e)


def _dot(a: Vector, b: Vector) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _mix(weights: Vector, v: Matrix) -> Vector:
    return tuple(sum(w * row[c] for w, row in zip(weights, v, strict=True)) for c in range(DV))


@dataclass(frozen=True)
class Attention:
    """The engine's forward pass for every query, and the asked row picked out of it."""

    scores: Matrix  # Q Kᵀ/√d
    weights: Matrix  # softmax over the keys (last axis)
    output: Matrix  # weights @ V


@lru_cache(maxsize=16)  # the accepted draw's pass is reused by generate()
def attend(values: Values) -> Attention:
    from gradeck.engine import Tensor

    q, k, v = Tensor(values.q), Tensor(values.k), Tensor(values.v)
    scores = q @ k.T / math.sqrt(D)
    weights = scores.softmax()
    out = weights @ v

    def rows(t: Tensor) -> Matrix:
        return tuple(map(tuple, t.data.tolist()))

    return Attention(rows(scores), rows(weights), rows(out))


def _score_mistakes(v: Values) -> list[Mistake]:
    q = v.q[v.row]
    return [
        Mistake(
            "not-scaled",
            tuple(_dot(q, k) for k in v.k),
            f"Scale the dot products by 1/√d = 1/√{D} = 0.5.",
        ),
        Mistake(
            "scaled-by-d",
            tuple(_dot(q, k) / D for k in v.k),
            f"The scale is 1/√d, not 1/d: divide by √{D} = 2.",
        ),
        Mistake(
            "column-not-row",
            tuple(_dot(qj, v.k[v.row]) / math.sqrt(D) for qj in v.q),
            "That is a column of QKᵀ: row i holds query i against every key, qᵢ·kⱼ.",
        ),
    ]


def _weight_mistakes(v: Values, a: Attention) -> list[Mistake]:
    q = v.q[v.row]
    column = tuple(a.scores[j][v.row] for j in range(len(v.q)))
    return [
        Mistake(
            "not-scaled",
            _softmax(tuple(_dot(q, k) for k in v.k)),
            "Take the softmax of the scaled scores, QKᵀ/√d.",
        ),
        Mistake(
            "column-softmax",
            _softmax(column),
            "The softmax runs over the keys: across row i of the score matrix.",
        ),
        Mistake(
            "scores-not-weights",
            a.scores[v.row],
            "Those are the scores; the weights are their softmax, which sums to 1.",
        ),
    ]


def _output_mistakes(v: Values, a: Attention) -> list[Mistake]:
    n = len(v.q)
    q = v.q[v.row]
    return [
        Mistake(
            "plain-average",
            _mix((1 / n,) * n, v.v),
            "Weight each value row by its attention weight, not equally.",
        ),
        Mistake(
            "not-scaled",
            _mix(_softmax(tuple(_dot(q, k) for k in v.k)), v.v),
            "The weights come from the scaled scores QKᵀ/√d.",
        ),
        Mistake(
            "scores-not-weights",
            _mix(a.scores[v.row], v.v),
            "Mix the values with the softmax weights, not the raw scores.",
        ),
    ]


def _ok(v: Values) -> bool:
    a = attend(v)
    i = v.row
    scores, weights, out = a.scores[i], a.weights[i], a.output[i]
    if len(set(scores)) < len(scores) or any(abs(x) < 0.1 for x in out):
        return False
    if max(weights) > 0.9:  # a saturated softmax hides the scaling
        return False
    return (
        apart(scores, _score_mistakes(v))
        and apart(weights, _weight_mistakes(v, a))
        and apart(out, _output_mistakes(v, a))
    )


FALLBACK = {
    1: Values(
        q=((2.0, -1.0, -1.0, -1.0), (1.0, 1.0, 1.0, 0.0)),
        k=((-1.0, -1.0, 1.0, 0.0), (1.0, 1.0, 1.0, 0.0)),
        v=((1.9, -0.2), (-0.9, -0.3)),
        row=1,
    ),
    2: Values(
        q=((1.0, 1.0, -1.0, 2.0), (-1.0, 2.0, 1.0, 0.0), (-1.0, 0.0, 1.0, 2.0)),
        k=((1.0, 0.0, 1.0, -1.0), (-1.0, -1.0, 0.0, -1.0), (2.0, 0.0, -1.0, 2.0)),
        v=((-0.9, -1.0), (0.1, -1.8), (-1.9, 1.0)),
        row=1,
    ),
}


REDRAWS = 4  # redraws of the asked query, and of V, to meet their part of _ok


def _query_fits(scores: Vector) -> bool:
    """The asked row's scores as _ok's first checks want them: distinct, and a softmax that is
    not saturated (in plain floats, as the engine: small integers over √d = 2 are exact)."""
    return len(set(scores)) == len(scores) and max(_softmax(scores)) <= 0.9


def _values_fit(weights: Vector, v: Matrix) -> bool:
    """The output row clear of 0 (_ok's first check), from weights in plain floats."""
    return all(abs(x) >= 0.11 for x in _mix(weights, v))


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    n = TOKENS[difficulty]

    def ints(count: int) -> Vector:
        return tuple(r.choices(INTS, k=count))  # one call for all: drawn at every try

    def one() -> Values:
        # The asked query is redrawn a few times until its scores fit, V likewise until the
        # output row is clear of 0, in plain floats; _ok then checks all on the engine's numbers.
        row = r.randrange(n)
        k = tuple(ints(D) for _ in range(n))
        for _ in range(REDRAWS):
            query = ints(D)
            scores = tuple([_dot(query, key) / 2 for key in k])
            if _query_fits(scores):
                break
        weights = _softmax(scores)
        for _ in range(REDRAWS):
            vs = tuple(decimals(r, DV, -2, 2) for _ in range(n))
            if _values_fit(weights, vs):
                break
        # The other queries, redrawn until the column of QKᵀ differs from the asked row (else
        # the column-not-row mistake, and the column's softmax, could not be told apart).
        for _ in range(REDRAWS):
            q = tuple(query if j == row else ints(D) for j in range(n))
            if any(_dot(q[j], k[row]) != _dot(query, k[j]) for j in range(n)):
                break
        return Values(q=q, k=k, v=vs, row=row)

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    a = attend(v)
    n, i = len(v.q), v.row
    scores, weights, out = a.scores[i], a.weights[i], a.output[i]
    token = f"token {i + 1}"
    labels = tuple(f"t{j + 1}" for j in range(n))
    tables = (
        Table("Q (one query per row)", matrix_rows(v.q), labels),
        Table("K (one key per row)", matrix_rows(v.k), labels),
        Table("V (one value per row)", matrix_rows(v.v), labels),
    )
    prompt = (
        f"Self-attention over {n} tokens, as torch.nn.functional.scaled_dot_product_attention "
        f"computes it: softmax(Q Kᵀ/√d) V, with the softmax over the keys (the last axis) and "
        f"d = {D} the size of a query. Rows are tokens. For the query of {token}, find (a) its "
        f"scores against the {n} keys, (b) its attention weights and (c) its output row."
    )
    dots = "; ".join(f"q{i + 1}·k{j + 1} = {num(_dot(v.q[i], k))}" for j, k in enumerate(v.k))
    parts = (
        Part(
            "a",
            f"scores of {token} (a vector)",
            scores,
            kind="vector",
            mistakes=tuple(_score_mistakes(v)),
        ),
        Part(
            "b",
            f"attention weights of {token} (a vector)",
            weights,
            kind="vector",
            mistakes=tuple(_weight_mistakes(v, a)),
            carry=carry(weights, lambda ans: _softmax(vector_at(ans, 0, scores))),
        ),
        Part(
            "c",
            f"output row of {token} (a vector of {DV})",
            out,
            kind="vector",
            mistakes=tuple(_output_mistakes(v, a)),
            carry=carry(out, lambda ans: _mix(vector_at(ans, 1, weights), v.v)),
        ),
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Scaled dot-product attention",
        prompt=prompt,
        parts=parts,
        solution=(
            Step(
                f"Dot the query of {token} with every key, then divide by √d = √{D} = 2.",
                "sᵢⱼ = qᵢ·kⱼ/√d",
                f"{dots}; scores = {vec(scores)}",
            ),
            Step(
                "Softmax over the keys turns the scores into weights that sum to 1.",
                "wᵢⱼ = exp(sᵢⱼ)/Σₖ exp(sᵢₖ)",
                f"weights = {vec(weights)}",
            ),
            Step(
                "The output is the weighted sum of the value rows.",
                "oᵢ = Σⱼ wᵢⱼ vⱼ",
                " + ".join(f"{num(w)}×{vec(row)}" for w, row in zip(weights, v.v, strict=True))
                + f" = {vec(out)}",
            ),
        ),
        hints=(
            f"Only row {i + 1} of QKᵀ is needed: the query of {token} against each key.",
            "Scale before the softmax, and the softmax runs along the row (over the keys).",
            "The output mixes the rows of V with the weights as coefficients.",
        ),
        tables=tables,
    )
