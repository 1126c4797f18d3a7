"""Backpropagation through a 2-2-1 network: an output and a hidden weight by the chain rule."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from gradeck.exercises.families import _nets
from gradeck.exercises.families._draw import (
    carry,
    check_difficulty,
    choice_where,
    choose_param,
    clean,
    decimal,
    decimal_until,
    decimals,
    draw_or,
    floats_apart,
    num,
    number_at,
    rng,
    spread,
    vec,
)
from gradeck.exercises.families._two_layer_text import ACTIVATION_TEXT, SUBSCRIPT, steps, tables
from gradeck.exercises.model import Exercise, Mistake, Part, Value

FAMILY = "backprop-two-layer"
DIFFICULTIES = (1, 2)
HIDDEN = ("sigmoid", "tanh")
PLACES = {1: 1, 2: 2}
TARGETS = (0.0, 0.1, 0.2, 0.8, 0.9, 1.0)  # away from the middle, where ŷ tends to start
FAR = 0.15  # ŷ at least this far from the target, so that the error signal is not tiny
SMALL = 0.002  # gradients asked are at least this large
PATHS = ((0, 0), (0, 1), (1, 0), (1, 1))  # (i, k) of the hidden weight W₁[i, k] asked

Vector = tuple[float, ...]
Matrix = tuple[Vector, ...]


@dataclass(frozen=True)
class Values:
    hidden: str
    w1: Matrix  # (2, 2): row i holds the weights into hidden unit i
    b1: Vector
    w2: Matrix  # (1, 2)
    b2: Vector
    x: Vector
    y: float
    j: int  # the output weight asked: W₂[0, j]
    i: int  # the hidden weight asked: W₁[i, k]
    k: int


def forward_backward(v: Values) -> _nets.TwoLayer:
    return _network(v.hidden, v.w1, v.b1, v.w2, v.b2, v.x, v.y)


@lru_cache(maxsize=16)  # one network serves every weight asked, and generate() reuses it
def _network(
    hidden: str, w1: Matrix, b1: Vector, w2: Matrix, b2: Vector, x: Vector, y: float
) -> _nets.TwoLayer:
    return _nets.two_layer(hidden, "mse", w1, b1, w2, b2, x, y)


def _output_slips(v: Values, t: _nets.TwoLayer) -> list[float]:
    """The values of the output weight's mistakes (checked at every try, so without their
    names and feedback, which `_output_weight_mistakes` adds in the same order)."""
    h = t.h[v.j]
    return [
        clean(t.dl_dout * h),
        clean(t.dl_dout * t.out * h),
        clean(t.delta_out * t.h[1 - v.j]),
        clean(t.delta_out * t.h_pre[v.j]),
        clean(t.delta_out * h / 2),
    ]


def _output_weight_mistakes(v: Values, t: _nets.TwoLayer) -> list[Mistake]:
    unit = f"h{SUBSCRIPT[v.j + 1]}"
    said = (
        (
            "output-derivative-forgotten",
            "The output goes through a sigmoid: multiply ∂L/∂ŷ by σ'(z₂) = ŷ(1 − ŷ).",
        ),
        (
            "sigma-for-derivative",
            "That uses σ(z₂) = ŷ where the chain rule needs σ'(z₂) = ŷ(1 − ŷ).",
        ),
        (
            "wrong-hidden-unit",
            f"W₂[1,{v.j + 1}] multiplies {unit}, so its gradient carries {unit}, not the other "
            "hidden unit's activation.",
        ),
        (
            "pre-activation-used",
            "The output layer's input is the hidden activation h = f(z₁), not z₁.",
        ),
        (
            "factor-two-forgotten",
            "The derivative of (ŷ − y)² is 2(ŷ − y): the 2 stays (this loss has no ½).",
        ),
    )
    return [
        Mistake(name, x, text) for (name, text), x in zip(said, _output_slips(v, t), strict=True)
    ]


def _hidden_slips(v: Values, t: _nets.TwoLayer, bias: bool) -> list[float]:
    """The values of the hidden weight's (or, with `bias`, its bias's) mistakes, in the order
    `_hidden_weight_mistakes` names them."""
    i, k = v.i, v.k
    v_i, v_other = v.w2[0][i], v.w2[0][1 - i]
    slope, delta = t.hidden_slope[i], t.delta_out
    x_k = 1.0 if bias else v.x[k]
    last = v.x[k] if bias else v.x[1 - k]  # the input multiplied, or the other input
    return [
        clean(delta * v_i * 1.0 * x_k),
        clean(delta * v_other * slope * x_k),
        clean(t.dl_dout * v_i * slope * x_k),
        clean(delta * v_i * t.h[i] * x_k),
        clean(delta * v_i * slope * last),
    ]


def _hidden_weight_mistakes(v: Values, t: _nets.TwoLayer, bias: bool) -> list[Mistake]:
    i, k = v.i, v.k
    said = (
        (
            "hidden-derivative-forgotten",
            f"The path passes through the hidden activation: multiply by f'(z₁) at unit {i + 1}.",
        ),
        (
            "wrong-weight-on-path",
            f"The error reaches h{SUBSCRIPT[i + 1]} through the weight W₂[1,{i + 1}] that "
            "leaves it, not through the other output weight.",
        ),
        (
            "output-derivative-forgotten",
            "The output's sigmoid is on the path too: δ₂ = ∂L/∂ŷ · ŷ(1 − ŷ).",
        ),
        (
            "hidden-activation-used",
            "That uses the hidden activation f(z₁) where the chain rule needs its slope f'(z₁).",
        ),
        (
            (
                "input-multiplied",
                "A bias is added with slope 1: its gradient is δ₁ itself, with no input factor.",
            )
            if bias
            else (
                "wrong-input",
                f"W₁[{i + 1},{k + 1}] multiplies x{SUBSCRIPT[k + 1]}, so its gradient carries "
                f"x{SUBSCRIPT[k + 1]}.",
            )
        ),
    )
    values = _hidden_slips(v, t, bias)
    return [Mistake(name, x, text) for (name, text), x in zip(said, values, strict=True)]


def _answers(v: Values, t: _nets.TwoLayer) -> tuple[float, float, float]:
    """(∂L/∂W₂[0,j], ∂L/∂W₁[i,k], ∂L/∂b₁[i]) as the engine computed them."""
    return t.grad_w2[0][v.j], t.grad_w1[v.i][v.k], t.delta_hidden[v.i]


@lru_cache(maxsize=16)  # asked while drawing j, then again by _ok for the draw
def _output_ok(v: Values) -> bool:
    """The output weight asked (W₂[0, j]) has a gradient clear of 0 and of its mistakes."""
    t = forward_backward(v)
    d_out = _answers(v, t)[0]
    return abs(d_out) >= SMALL and spread(d_out, _output_slips(v, t))


@lru_cache(maxsize=16)
def _hidden_ok(v: Values, difficulty: int) -> bool:
    """The same for the hidden weight asked (W₁[i, k]) and, at difficulty 2, its bias."""
    t = forward_backward(v)
    _d_out, d_hidden, d_bias = _answers(v, t)
    if min(abs(d_hidden), abs(d_bias)) < SMALL:
        return False
    ok = spread(d_hidden, _hidden_slips(v, t, False))
    return ok and (difficulty == 1 or spread(d_bias, _hidden_slips(v, t, True)))


def _ok(v: Values, difficulty: int) -> bool:
    t = forward_backward(v)
    if abs(t.out - v.y) < FAR or not spread(t.out, [t.out_pre, 1 - t.out]):
        return False
    return _output_ok(v) and _hidden_ok(v, difficulty)


# Acceptable with either hidden activation (the tests check both).
FALLBACK = {
    1: Values("sigmoid", ((-0.3, -0.6), (0.9, 0.9)), (0.4, -0.5), ((-0.7, -0.2),), (0.5,),
              (-0.6, -0.8), y=0.8, j=0, i=1, k=1),
    2: Values("sigmoid", ((-0.09, 0.58), (-0.13, 0.22)), (0.5, 0.48), ((-0.45, -0.79),), (0.41,),
              (-1.2, 0.4), y=0.0, j=1, i=0, k=0),
}  # fmt: skip


def _apart(hidden: str, z1: float, z2: float) -> bool:
    """Whether two hidden units' activations lie clearly apart (plain floats, with a margin)."""
    f = math.tanh if hidden == "tanh" else _sigmoid
    return floats_apart((f(z1), f(z2)))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _pair(r: random.Random, lo: float, hi: float, places: int) -> Vector:
    """Two values clearly apart, so that a slip taking one for the other can be told."""
    first = decimal(r, lo, hi, places)
    return first, decimal_until(r, lo, hi, lambda x: floats_apart((first, x)), places)


def _asking(v: Values, j: int, i: int, k: int) -> Values:
    """The same network asking for W₂[0, j], W₁[i, k] and b₁[i] (dataclasses.replace, faster:
    the draw tries several)."""
    return Values(v.hidden, v.w1, v.b1, v.w2, v.b2, v.x, v.y, j, i, k)


def draw(seed: int, difficulty: int, hidden: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    hidden = choose_param("hidden", hidden, HIDDEN, r, "sigmoid" if difficulty == 1 else None)
    p = PLACES[difficulty]

    def one() -> Values:
        """A network, then the target and the weights asked among those its checks accept:
        they do not change the network's values, so one forward and backward pass serves."""
        w1 = (decimals(r, 2, -1, 1, p), decimals(r, 2, -1, 1, p))
        x = _pair(r, -2, 2, 1)  # the two inputs apart: taking the other one is a slip
        z = [w1[n][0] * x[0] + w1[n][1] * x[1] for n in (0, 1)]  # W₁x, before the biases
        first = decimal(r, -0.5, 0.5, p)
        # The second unit's bias keeps its activation apart from the first's, or the slip of
        # taking the other unit's activation could not be told from the answer (a screen in
        # plain floats: _ok decides with the engine's values).
        second = decimal_until(r, -0.5, 0.5, lambda b: _apart(hidden, z[0] + first, z[1] + b), p)
        v = Values(
            hidden,
            w1=w1,
            b1=(first, second),
            w2=(_pair(r, -1.5, 1.5, p),),  # apart: the weight on the other path is a slip
            b2=(decimal(r, -0.5, 0.5, p),),
            x=x,
            y=r.choice(TARGETS),
            j=0,
            i=0,
            k=0,
        )
        out = forward_backward(v).out  # ŷ does not depend on y
        if abs(out - v.y) < FAR:
            v = replace(v, y=choice_where(r, TARGETS, lambda y: abs(out - y) >= FAR))
        t = forward_backward(v)
        if not spread(t.out, [t.out_pre, 1 - t.out]):
            return v  # _ok refuses it: no weight is worth choosing
        j = choice_where(r, (0, 1), lambda j: _output_ok(_asking(v, j, 0, 0)))
        if not _output_ok(_asking(v, j, 0, 0)):
            return _asking(v, j, 0, 0)  # refused too (the answer is cached)
        i, k = choice_where(r, PATHS, lambda ik: _hidden_ok(_asking(v, j, *ik), difficulty))
        return _asking(v, j, i, k)

    fallback = replace(FALLBACK[difficulty], hidden=hidden)
    return draw_or(one, lambda v: _ok(v, difficulty), fallback)


def generate(seed: int, difficulty: int, hidden: str | None = None) -> Exercise:
    v = draw(seed, difficulty, hidden)
    t = forward_backward(v)
    d_out, d_hidden, d_bias = _answers(v, t)
    f = ACTIVATION_TEXT[v.hidden][0]
    i, j, k = v.i, v.j, v.k

    def from_output(answers: Sequence[Value | None]) -> float:
        """δ₂ from the learner's ŷ."""
        out = number_at(answers, 0, t.out)
        return _nets.output_grads("mse", (out,), (v.y,))[0] * out * (1 - out)

    def hidden_delta(answers: Sequence[Value | None]) -> float:
        return from_output(answers) * v.w2[0][i] * t.hidden_slope[i]

    parts = [
        Part(
            "a",
            "the output ŷ",
            clean(t.out),
            mistakes=(
                Mistake(
                    "activation-forgotten", clean(t.out_pre), "That is z₂; the output is σ(z₂)."
                ),
                Mistake(
                    "exponent-sign",
                    clean(1 - t.out),
                    "That is 1/(1 + e^z): σ(z) = 1/(1 + e^(−z)) has a minus sign in the exponent.",
                ),
            ),
        ),
        Part(
            "b",
            f"∂L/∂W₂[1,{j + 1}]",
            clean(d_out),
            mistakes=tuple(_output_weight_mistakes(v, t)),
            carry=carry(d_out, lambda ans: from_output(ans) * t.h[j]),
        ),
        Part(
            "c",
            f"∂L/∂W₁[{i + 1},{k + 1}]",
            clean(d_hidden),
            mistakes=tuple(_hidden_weight_mistakes(v, t, False)),
            carry=carry(d_hidden, lambda ans: hidden_delta(ans) * v.x[k]),
        ),
    ]
    if difficulty > 1:
        parts.append(
            Part(
                "d",
                f"∂L/∂b₁[{i + 1}]",
                clean(d_bias),
                mistakes=tuple(_hidden_weight_mistakes(v, t, True)),
                carry=carry(d_bias, hidden_delta),
            )
        )
    asked = f"(a) the output ŷ, (b) ∂L/∂W₂[1,{j + 1}] and (c) ∂L/∂W₁[{i + 1},{k + 1}]"
    if difficulty > 1:
        asked = asked.replace(" and (c)", ", (c)") + f" and (d) ∂L/∂b₁[{i + 1}]"
    prompt = (
        f"A 2-2-1 network computes h = {f}(W₁x + b₁) and ŷ = σ(W₂h + b₂), with σ the sigmoid "
        f"1/(1 + e^(−z)). Weights are stored as in torch.nn.Linear, (out, in): W[r,c] (counted "
        f"from 1) is the weight from input c into unit r. The weights and biases are in the "
        f"tables; the input is x = {vec(v.x)} and the target y = {num(v.y)}. The loss is the "
        f"squared error L = (ŷ − y)² (torch.nn.MSELoss on one output: no ½). Give {asked}."
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Backpropagation through two layers",
        prompt=prompt,
        parts=tuple(parts),
        solution=steps(v, t, difficulty, (d_out, d_hidden, d_bias)),
        hints=(
            "Do the whole forward pass first and keep z₁, h, z₂ and ŷ.",
            "δ₂ = 2(ŷ − y)·ŷ(1 − ŷ); an output weight's gradient is δ₂ times its hidden "
            "activation.",
            "A hidden unit's δ is δ₂ times the weight leaving it times its activation's slope; "
            "a hidden weight's gradient is that δ times its input.",
        ),
        tables=tables(v),
        network=(2, 2, 1),
    )
