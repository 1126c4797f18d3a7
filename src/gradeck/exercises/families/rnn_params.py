"""Parameter counts of vanilla RNN layers: H·H recurrent + H·D input weights + H biases."""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    check_difficulty,
    counts_and_total,
    draw_or,
    rng,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "rnn-param-count"
DIFFICULTIES = (1, 2)
INPUTS = (1, 3, 8, 10, 16, 20, 32, 50, 64, 100, 128, 300)
HIDDEN = (4, 8, 16, 20, 32, 50, 64, 100, 128, 256)


def count(d: int, h: int) -> int:
    """One cell with input size d and hidden size h, with a single bias vector."""
    return h * h + h * d + h


@dataclass(frozen=True)
class Values:
    d: int  # input size
    h: int  # hidden size
    layers: int


def _mistakes(d: int, h: int) -> list[Mistake]:
    return [
        Mistake("bias-forgotten", h * h + h * d, "Add the bias vector b: H more parameters."),
        Mistake(
            "recurrent-forgotten",
            h * d + h,
            "The recurrent matrix W_h (H×H) maps the "
            "previous hidden state: count its H·H weights too.",
        ),
        Mistake(
            "two-biases",
            count(d, h) + h,
            "That counts two bias vectors, as PyTorch's "
            "nn.RNN stores (b_ih and b_hh); this cell has a single b.",
        ),
    ]


def _second_mistakes(v: Values) -> list[Mistake]:
    return [
        *_mistakes(v.h, v.h),
        Mistake(
            "input-size-reused",
            count(v.d, v.h),
            "The second layer's input is the first "
            "layer's hidden state, of size H, not the original input.",
        ),
    ]


def _total_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "bias-forgotten",
            count(v.d, v.h) + count(v.h, v.h) - 2 * v.h,
            "Each layer has its own bias vector of H entries.",
        )
    ]


def _ok(v: Values) -> bool:
    ok = apart(count(v.d, v.h), _mistakes(v.d, v.h), rel=0)
    if v.layers > 1:
        total = count(v.d, v.h) + count(v.h, v.h)
        ok = ok and apart(count(v.h, v.h), _second_mistakes(v), rel=0)
        ok = ok and apart(total, _total_mistakes(v), rel=0)
    return ok


FALLBACK = {1: Values(d=64, h=50, layers=1), 2: Values(d=300, h=20, layers=2)}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    return draw_or(
        lambda: Values(r.choice(INPUTS), r.choice(HIDDEN), difficulty), _ok, FALLBACK[difficulty]
    )


def _working(d: int, h: int) -> str:
    return f"{h}×{h} + {h}×{d} + {h} = {h * h} + {h * d} + {h} = {count(d, h)}"


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    cell = (
        "Each vanilla RNN cell computes h_t = tanh(W_h h_(t−1) + W_x x_t + b) with one bias "
        "vector b, and the same weights at every time step."
    )
    rule = Step(
        "W_h maps the previous state (H×H), W_x maps the input (H×D), and b has one "
        "entry per hidden unit. The sequence length does not matter: the weights are "
        "shared across time.",
        "params = H·H + H·D + H",
    )
    first = count(v.d, v.h)
    if difficulty == 1:
        prompt = (
            f"{cell} A layer reads inputs of size D = {v.d} into a hidden state of size "
            f"H = {v.h}, over sequences of 25 steps. How many trainable parameters does it have?"
        )
        parts: tuple[Part, ...] = (
            Part("a", "parameters", first, kind="count", mistakes=tuple(_mistakes(v.d, v.h))),
        )
        steps: tuple[Step, ...] = (rule, Step("Put in the numbers.", "", _working(v.d, v.h)))
    else:
        second = count(v.h, v.h)
        total = first + second
        prompt = (
            f"{cell} Two such layers are stacked: the first reads inputs of size D = {v.d}, the "
            f"second reads the first one's hidden states, and both have hidden size H = {v.h}. "
            f"How many trainable parameters have (a) the first layer, (b) the second layer, "
            f"(c) both together?"
        )
        parts = counts_and_total(
            (
                "parameters of the first layer",
                "parameters of the second layer",
                "parameters of both layers",
            ),
            first,
            second,
            (_mistakes(v.d, v.h), _second_mistakes(v), _total_mistakes(v)),
        )
        steps = (
            rule,
            Step("First layer: D is the input size.", "", _working(v.d, v.h)),
            Step(
                "Second layer: its input is the first layer's state, so D = H.",
                "",
                _working(v.h, v.h),
            ),
            Step("Add the layers.", "", f"{first} + {second} = {total}"),
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Parameters of an RNN layer",
        prompt=prompt,
        parts=parts,
        solution=steps,
        hints=(
            "Write down the shape of each of W_h, W_x and b.",
            "The number of time steps does not change the count: the same weights are reused.",
        ),
    )
