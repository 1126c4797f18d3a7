"""Max and average pooling: the output size, and one output value of each.

torch pads max pooling with −∞ (padding never wins) and, by default, counts the padded zeros in
an average (count_include_pad=True), so a border average divides by the whole window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    check_difficulty,
    distinct,
    draw_or,
    num,
    rng,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table

FAMILY = "pooling"
DIFFICULTIES = (1, 2)
# (input sizes, kernel, stride, padding) per difficulty
SETTINGS = {1: ((4, 6), 2, 2, 0), 2: ((5, 7), 3, 2, 1)}

Grid = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Values:
    x: Grid  # square input, one channel
    kernel: int
    stride: int
    padding: int
    row: int  # output position asked about, 0-based
    col: int

    @property
    def size(self) -> int:
        return len(self.x)

    @property
    def out(self) -> int:
        return output_size(self.size, self.kernel, self.stride, self.padding)

    def window(self, row: int, col: int, stride: int | None = None) -> list[float | None]:
        """The window's cells, None where it lies on the padding."""
        s = self.stride if stride is None else stride
        cells: list[float | None] = []
        for i in range(row * s - self.padding, row * s - self.padding + self.kernel):
            for j in range(col * s - self.padding, col * s - self.padding + self.kernel):
                inside = 0 <= i < self.size and 0 <= j < self.size
                cells.append(self.x[i][j] if inside else None)
        return cells


def output_size(n: int, kernel: int, stride: int, padding: int) -> int:
    return (n + 2 * padding - kernel) // stride + 1


def max_pool(cells: list[float | None]) -> float:
    return max(c for c in cells if c is not None)


def avg_pool(cells: list[float | None], include_pad: bool = True) -> float:
    real = [c for c in cells if c is not None]
    return sum(real) / (len(cells) if include_pad else len(real))


def _size_mistakes(v: Values) -> list[Mistake]:
    n, k, s, p = v.size, v.kernel, v.stride, v.padding
    return [
        Mistake(
            "padding-forgotten",
            output_size(n, k, s, 0),
            f"Add the padding on both sides: n + 2p = {n + 2 * p}.",
        ),
        Mistake("plus-one-forgotten", (n + 2 * p - k) // s, "Count the first window too: + 1."),
        Mistake(
            "stride-ignored",
            n + 2 * p - k + 1,
            f"The window moves {s} cells at a time: divide by the stride.",
        ),
        Mistake("rounded-up", math.ceil((n + 2 * p - k) / s) + 1, "torch rounds down (floor)."),
    ]


def _max_mistakes(v: Values) -> list[Mistake]:
    cells = v.window(v.row, v.col)
    return [
        Mistake(
            "padding-as-zero",
            max(0.0 if c is None else c for c in cells),
            "Max pooling pads with −∞, so the padding never wins.",
        ),
        Mistake(
            "stride-one-window",
            max_pool(v.window(v.row, v.col, 1)),
            f"Output (i, j) starts at input row {v.stride}·i − p, column {v.stride}·j − p.",
        ),
        Mistake("mean-not-max", avg_pool(cells), "That is the average; max pooling takes the max."),
    ]


def _avg_mistakes(v: Values) -> list[Mistake]:
    cells = v.window(v.row, v.col)
    return [
        Mistake(
            "padding-not-counted",
            avg_pool(cells, include_pad=False),
            "torch counts the padded zeros (count_include_pad=True): divide by k² = "
            f"{v.kernel**2}.",
        ),
        Mistake("sum-not-mean", sum(c for c in cells if c is not None), "Divide by the window."),
        Mistake(
            "stride-one-window",
            avg_pool(v.window(v.row, v.col, 1)),
            f"Output (i, j) starts at input row {v.stride}·i − p, column {v.stride}·j − p.",
        ),
        Mistake("max-not-mean", max_pool(cells), "That is the maximum; average the window."),
    ]


def _ok(v: Values) -> bool:
    cells = v.window(v.row, v.col)
    mx, avg = max_pool(cells), avg_pool(cells)
    if abs(avg) < 0.5 or abs(mx) < 1:
        return False
    # The two named mistakes that teach the most must be diagnosable here.
    names = {m.name for m in distinct(avg, _avg_mistakes(v))}
    return "max-not-mean" in names and (v.padding == 0 or "padding-not-counted" in names)


FALLBACK = {
    1: Values(((1, 5, 2, 0), (3, 7, 4, 8), (6, 2, 9, 1), (0, 4, 3, 5)), 2, 2, 0, 0, 1),
    2: Values(
        ((2, -1, 4, 0, 3), (5, 1, -2, 6, 1), (0, 3, 7, 2, -1), (4, -3, 1, 5, 2), (1, 6, 0, -2, 3)),
        3,
        2,
        1,
        0,
        0,
    ),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    sizes, k, s, p = SETTINGS[difficulty]

    def one() -> Values:
        n = r.randint(*sizes)
        lo = 0 if difficulty == 1 else -3
        x = tuple(tuple(float(r.randint(lo, 9)) for _ in range(n)) for _ in range(n))
        out = output_size(n, k, s, p)
        if difficulty == 2:  # a border window, where the padding matters
            row, col = r.choice([(0, r.randrange(out)), (r.randrange(out), 0)])
        else:
            row, col = r.randrange(out), r.randrange(out)
        return Values(x, k, s, p, row, col)

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    n, k, s, p = v.size, v.kernel, v.stride, v.padding
    cells = v.window(v.row, v.col)
    mx, avg = max_pool(cells), avg_pool(cells)
    at = f"row {v.row + 1}, column {v.col + 1}"
    labels = tuple(str(i + 1) for i in range(n))
    table = Table(
        f"Input ({n}×{n}, one channel)",
        tuple(tuple(num(c) for c in row) for row in v.x),
        labels,
        labels,
    )
    layers = f"nn.MaxPool2d(kernel_size={k}, stride={s}"
    layers += f", padding={p})" if p else ")"
    avg_layer = layers.replace("MaxPool2d", "AvgPool2d")
    pad_rule = (
        f" The input is padded by {p} on every side: max pooling ignores the padding (torch pads "
        f"with −∞) while average pooling counts the padded zeros (count_include_pad=True, the "
        f"default)."
        if p
        else ""
    )
    prompt = (
        f"The input below goes through {layers} and, separately, {avg_layer}.{pad_rule} Rows and "
        f"columns are counted from 1. Find (a) the height (= width) of each output, (b) the max "
        f"pool's output at {at} and (c) the average pool's output at {at}."
    )
    shown = ", ".join("pad" if c is None else num(c) for c in cells)
    r0, c0 = v.row * s - p, v.col * s - p
    parts = (
        Part(
            "a",
            "output height (= width)",
            v.out,
            kind="count",
            mistakes=distinct(v.out, _size_mistakes(v), 0),
        ),
        Part("b", f"max-pool output at {at}", mx, mistakes=distinct(mx, _max_mistakes(v))),
        Part("c", f"average-pool output at {at}", avg, mistakes=distinct(avg, _avg_mistakes(v))),
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Max and average pooling",
        prompt=prompt,
        parts=parts,
        solution=(
            Step(
                "The output size, as for a convolution (rounded down).",
                "⌊(n + 2p − k)/s⌋ + 1",
                f"⌊({n} + {2 * p} − {k})/{s}⌋ + 1 = {v.out}",
            ),
            Step(
                f"Output {at} reads the {k}×{k} window from input row {r0 + 1}, column "
                f"{c0 + 1} (counted from 1; 0 or less is padding).",
                "",
                f"window: {shown}",
            ),
            Step("The max of the real cells.", "max", f"{num(mx)}"),
            Step(
                "The average over the whole window, padded zeros included.",
                "sum / k²",
                f"{num(sum(c for c in cells if c is not None))}/{k * k} = {num(avg)}",
            ),
        ),
        hints=(
            "The output size follows the convolution formula ⌊(n + 2p − k)/s⌋ + 1.",
            f"Output (i, j) (from 0) starts at input (s·i − p, s·j − p) and spans {k}×{k} cells.",
            "Max pooling never picks the padding; average pooling (torch's default) divides by "
            "the whole window.",
        ),
        tables=(table,),
    )
