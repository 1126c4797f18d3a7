"""Output size of a 2-D convolution from input size, kernel, stride, padding and dilation."""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    draw_or,
    number_at,
    rng,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "conv-output-size"
DIFFICULTIES = (1, 2)
KERNELS = {1: (1, 3, 5, 7), 2: (3, 5)}
STRIDES = {1: (1, 2), 2: (1, 2, 3)}
DILATIONS = {1: (1,), 2: (2, 3)}
SIZES = {1: (5, 64), 2: (7, 128)}


def out_size(n: int, k: int, s: int, p: int, d: int) -> int:
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def pooled(n: int) -> int:
    """2×2 max-pooling with stride 2, rounding down."""
    return (n - 2) // 2 + 1


@dataclass(frozen=True)
class Values:
    n: int
    k: int
    s: int
    p: int
    d: int

    @property
    def out(self) -> int:
        return out_size(self.n, self.k, self.s, self.p, self.d)


def _conv_mistakes(v: Values) -> list[Mistake]:
    n, k, s, p, d = v.n, v.k, v.s, v.p, v.d
    span = n + 2 * p - d * (k - 1) - 1
    found = [
        Mistake(
            "plus-one-forgotten",
            span // s,
            "Count the first position too: the formula ends with + 1.",
        )
    ]
    if p:
        found += [
            Mistake(
                "padding-forgotten",
                out_size(n, k, s, 0, d),
                "The padding widens the input before the kernel slides: use n + 2p.",
            ),
            Mistake(
                "padding-once",
                out_size(n + p, k, s, 0, d),
                "Padding is added on both sides: n + 2p, not n + p.",
            ),
        ]
    if d > 1:
        found.append(
            Mistake(
                "dilation-ignored",
                out_size(n, k, s, p, 1),
                "A dilated kernel spans d(k − 1) + 1 inputs, not k.",
            )
        )
    if s > 1:
        found += [
            Mistake(
                "ceiling",
                -(-span // s) + 1,
                "Positions where the kernel does not fit are dropped: the division rounds down.",
            ),
            Mistake(
                "stride-ignored",
                span + 1,
                "With stride s the kernel moves s steps at a time: divide by s.",
            ),
        ]
    return found


def _pool_mistakes(a: int) -> list[Mistake]:
    found = [
        Mistake("plus-one-forgotten", (a - 2) // 2, "Count the first window too: ⌊(n − 2)/2⌋ + 1.")
    ]
    if a % 2:
        found.append(
            Mistake(
                "ceiling",
                -(-(a - 2) // 2) + 1,
                "Max-pooling rounds down here "
                "(ceil_mode=False): the last, incomplete window is dropped.",
            )
        )
    return found


def _ok(v: Values, difficulty: int) -> bool:
    if v.out < (2 if difficulty > 1 else 1):
        return False
    ok = apart(v.out, _conv_mistakes(v), rel=0)
    if difficulty > 1:
        ok = ok and apart(pooled(v.out), _pool_mistakes(v.out), rel=0)
    return ok


FALLBACK = {1: Values(n=43, k=3, s=1, p=0, d=1), 2: Values(n=25, k=3, s=1, p=3, d=3)}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        k, d = r.choice(KERNELS[difficulty]), r.choice(DILATIONS[difficulty])
        return Values(
            n=r.randint(*SIZES[difficulty]),
            k=k,
            s=r.choice(STRIDES[difficulty]),
            p=r.randint(0, d * (k - 1) // 2),
            d=d,
        )

    return draw_or(one, lambda v: _ok(v, difficulty), FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    n, k, s, p, d = v.n, v.k, v.s, v.p, v.d
    span = n + 2 * p - d * (k - 1) - 1
    padding = f"padding p = {p} (zeros on each side)" if p else "padding p = 0"
    settings = f"kernel size k = {k}, stride s = {s}, {padding}"
    settings += f" and dilation d = {d}" if difficulty > 1 else " and no dilation"
    prompt = (
        f"A 2-D convolution (as torch.nn.Conv2d) is applied to a {n}×{n} input with {settings}. "
        f"Sizes round down (floor) where the kernel does not fit evenly. "
    )
    steps = [
        Step(
            "Padding adds p on each side; the kernel covers d(k − 1) + 1 inputs; it moves s at "
            "a time, and positions where it does not fit are dropped.",
            "out = ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1",
            f"⌊({n} + 2×{p} − {d}×{k - 1} − 1)/{s}⌋ + 1 = ⌊{span}/{s}⌋ + 1 = {v.out}",
        ),
    ]
    conv = Part(
        "a", "output height (= width)", v.out, kind="count", mistakes=tuple(_conv_mistakes(v))
    )
    if difficulty > 1:
        prompt += (
            "(a) What is the output's height (= width)? (b) A 2×2 max-pooling with stride 2 "
            "(rounding down) follows: what is its output's height?"
        )
        after = pooled(v.out)
        parts: tuple[Part, ...] = (
            conv,
            Part(
                "b",
                "height after pooling",
                after,
                kind="count",
                mistakes=tuple(_pool_mistakes(v.out)),
                carry=carry(after, lambda ans: pooled(int(number_at(ans, 0, v.out)))),
            ),
        )
        steps.append(
            Step(
                "Pooling is a 2×2 window with stride 2 and no padding.",
                "⌊(n − 2)/2⌋ + 1",
                f"⌊({v.out} − 2)/2⌋ + 1 = {after}",
            )
        )
    else:
        prompt += "What is the output's height (= width)?"
        parts = (conv,)
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Convolution output size",
        prompt=prompt,
        parts=parts,
        solution=tuple(steps),
        hints=(
            "Pad the input first, then count how many places the kernel fits.",
            "With stride s the kernel jumps s positions at a time; count the first position too.",
        ),
    )
