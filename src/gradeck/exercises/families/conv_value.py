"""One output value of a small 2-D convolution (cross-correlation, as deep-learning libraries)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import chain
from operator import mul

from gradeck.exercises.families._draw import (
    apart,
    check_difficulty,
    clean,
    decimal_where,
    decimals,
    differs,
    draw_or,
    matrix_rows,
    num,
    rng,
    signed,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table

FAMILY = "conv2d-value"
DIFFICULTIES = (1, 2)
K = 3  # kernel size
SIZE = {1: 4, 2: 5}
STRIDE = {1: 1, 2: 2}
PADDING = {1: 0, 2: 1}

Grid = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Values:
    image: Grid
    kernel: Grid
    bias: float
    stride: int
    padding: int
    positions: tuple[tuple[int, int], ...]  # 0-based output (row, column) asked for

    @property
    def out(self) -> int:
        return (len(self.image) + 2 * self.padding - K) // self.stride + 1


@lru_cache(maxsize=8)  # the same image is padded for the output and for each mistake
def padded(image: Grid, p: int) -> Grid:
    width = len(image[0]) + 2 * p
    blank = tuple(0.0 for _ in range(width))
    rows = [(0.0,) * p + row + (0.0,) * p for row in image]
    return (blank,) * p + tuple(rows) + (blank,) * p


def window(grid: Grid, top: int, left: int) -> Grid:
    return tuple(row[left : left + K] for row in grid[top : top + K])


def dot(kernel: Grid, patch: Grid) -> float:
    """Σ k·x over the window, row by row (the same window size: `window` cuts it to K × K)."""
    return clean(sum(map(mul, chain.from_iterable(kernel), chain.from_iterable(patch))))


def flipped(kernel: Grid) -> Grid:
    return tuple(tuple(reversed(row)) for row in reversed(kernel))


def output(v: Values, i: int, j: int) -> float:
    patch = window(padded(v.image, v.padding), i * v.stride, j * v.stride)
    return clean(dot(v.kernel, patch) + v.bias)


def _mistakes(v: Values, i: int, j: int) -> list[Mistake]:
    s, p = v.stride, v.padding
    patch = window(padded(v.image, p), i * s, j * s)
    found = [
        Mistake(
            "kernel-flipped",
            clean(dot(flipped(v.kernel), patch) + v.bias),
            "That flips "
            "the kernel, as the mathematical convolution does. Deep-learning libraries "
            "compute cross-correlation: the kernel slides as it is.",
        ),
        Mistake("bias-forgotten", dot(v.kernel, patch), "The bias is added to every output value."),
    ]
    if p and i * s + K <= len(v.image) and j * s + K <= len(v.image):
        unpadded = window(v.image, i * s, j * s)
        found.append(
            Mistake(
                "padding-ignored",
                clean(dot(v.kernel, unpadded) + v.bias),
                "The "
                "window is placed on the zero-padded input, so it starts p rows "
                "and columns earlier.",
            )
        )
    if s > 1:
        unstrided = window(padded(v.image, p), i, j)
        found.append(
            Mistake(
                "stride-ignored",
                clean(dot(v.kernel, unstrided) + v.bias),
                "With "
                f"stride {s} the window of output (i, j) starts at row {s}·i and "
                f"column {s}·j of the padded input.",
            )
        )
    return found


def _bias_shows(sums: Sequence[float], bias: float) -> bool:
    return all(abs(x + bias) >= 0.5 and differs(x + bias, x) for x in sums)


def _ok(v: Values) -> bool:
    for i, j in v.positions:
        right = output(v, i, j)
        if abs(right) < 0.5 or not apart(right, _mistakes(v, i, j)):
            return False
    return True


FALLBACK = {
    1: Values(
        ((5.0, 0.0, 1.0, 2.0), (4.0, -2.0, 0.0, 4.0), (0.0, 4.0, 4.0, 1.0), (3.0, 1.0, 1.0, 0.0)),
        ((-1.0, 2.0, 2.0), (2.0, -1.0, -1.0), (-1.0, 0.0, 0.0)),
        0.8,
        1,
        0,
        ((0, 0),),
    ),
    2: Values(
        (
            (3.0, 2.0, -2.0, 1.0, 1.0),
            (4.0, -2.0, 1.0, 2.0, 2.0),
            (2.0, 3.0, 1.0, 1.0, 3.0),
            (5.0, 5.0, 4.0, 0.0, -1.0),
            (4.0, 3.0, 2.0, 0.0, 2.0),
        ),
        ((0.3, -0.9, -0.1), (0.3, 0.7, 0.0), (0.9, 0.0, 0.6)),
        0.4,
        2,
        1,
        ((0, 1), (2, 1)),
    ),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    n, s, p = SIZE[difficulty], STRIDE[difficulty], PADDING[difficulty]
    out = (n + 2 * p - K) // s + 1
    # With a stride, output (0, 0) is where ignoring the stride gives the right value: not asked.
    cells = [(i, j) for i in range(out) for j in range(out) if s == 1 or i or j]

    def one() -> Values:
        image = tuple(tuple(decimals(r, n, -2, 5, 0, nonzero=False)) for _ in range(n))
        if difficulty == 1:
            kernel = tuple(decimals(r, K, -1, 2, 0, nonzero=False) for _ in range(K))
        else:
            kernel = tuple(decimals(r, K, -1, 1, 1, nonzero=False) for _ in range(K))
        positions = tuple(r.sample(cells, difficulty))
        sums = [dot(kernel, window(padded(image, p), i * s, j * s)) for i, j in positions]
        # The bias among those that _ok asks of it: an output not next to 0, and apart from
        # the same sum without the bias.
        bias = decimal_where(r, -1, 1, partial(_bias_shows, sums))
        return Values(image, kernel, bias, s, p, positions)

    return draw_or(one, _ok, FALLBACK[difficulty])


def _grid(g: Grid) -> str:
    return "[" + ", ".join("[" + ", ".join(num(x) for x in row) + "]" for row in g) + "]"


def _value_steps(v: Values, i: int, j: int) -> list[Step]:
    s, p = v.stride, v.padding
    top, left = i * s, j * s
    patch = window(padded(v.image, p), top, left)
    products = " + ".join(
        f"{num(k)}×{signed(x)}"
        for kr, xr in zip(v.kernel, patch, strict=True)
        for k, x in zip(kr, xr, strict=True)
    )
    total = dot(v.kernel, patch)
    where = f"rows {top + 1}–{top + K}, columns {left + 1}–{left + K} of the " + (
        "zero-padded input" if p else "input"
    )
    return [
        Step(
            f"Output ({i + 1}, {j + 1}) sees the window at {where}.",
            "window = X[s·i + u, s·j + v], u, v = 0…k−1" if s > 1 else "",
            _grid(patch),
        ),
        Step(
            "Multiply the window by the kernel element by element, add up, add the bias.",
            "y = b + Σ K[u, v]·window[u, v]",
            f"{products} = {num(total)}; {num(total)} + {signed(v.bias)} = {num(output(v, i, j))}",
        ),
    ]


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    n = len(v.image)
    setting = (
        f"A 3×3 kernel K with bias b = {num(v.bias)} is applied to the {n}×{n} input X with "
        f"stride {v.stride} and "
        + (f"zero padding {v.padding} on each side" if v.padding else "no padding")
        + f", giving a {v.out}×{v.out} output. As in deep-learning libraries (torch.nn.Conv2d) "
        "this is cross-correlation: the kernel slides over the input without being flipped. "
        "Rows and columns count from 1 at the top left."
    )
    labels = "ab"
    questions = " and ".join(
        ("" if len(v.positions) == 1 else f"({labels[q]}) ")
        + f"the output at row {i + 1}, column {j + 1}"
        for q, (i, j) in enumerate(v.positions)
    )
    parts = tuple(
        Part(
            labels[q],
            f"output at row {i + 1}, column {j + 1}",
            output(v, i, j),
            mistakes=tuple(_mistakes(v, i, j)),
        )
        for q, (i, j) in enumerate(v.positions)
    )
    tables = (Table("Input X", matrix_rows(v.image)), Table("Kernel K", matrix_rows(v.kernel)))
    steps: list[Step] = []
    if v.padding:
        padded_input = padded(v.image, v.padding)
        steps.append(Step(f"Pad X with zeros ({v.padding} on each side).", "", _grid(padded_input)))
    for i, j in v.positions:
        steps += _value_steps(v, i, j)
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="A convolution output value",
        prompt=f"{setting} Give {questions}.",
        parts=parts,
        solution=tuple(steps),
        hints=(
            "Find the window of the input that the output position sees, then multiply it "
            "element by element with the kernel (not flipped), add up, and add the bias.",
            "With stride s the window of output (i, j) starts s·(i − 1) rows down and "
            "s·(j − 1) columns across (counting from 1)"
            + (", in the padded input." if v.padding else "."),
        ),
        tables=tables,
    )
