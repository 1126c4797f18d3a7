"""Shared pieces of the exercise families: nice numbers, the bounded redraw, carried answers.

Every family draws short decimals a person can work with on paper, then redraws (at most TRIES
times, then takes a fixed variant of its own) until each classic wrong answer it lists lies
clearly away from the right answer and from the other wrong answers, so that a learner's mistake
can be named without ambiguity.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import repeat
from typing import TypeVar

from gradeck.exercises.model import Mistake, Part, Value

T = TypeVar("T")

# Listed mistakes lie at least this far (relative) from the answer and from each other: three
# times the default checking tolerance, so a rounded answer is never taken for a mistake.
SEPARATION = 0.03
FLOOR = 1e-6
TRIES = 6  # draws from a seed's own stream before its family's fallback variant
VALUE_TRIES = 8  # redraws of one value (decimal_until)
LETTERS = "abcdefgh"


def rng(family: str, seed: int, difficulty: int) -> random.Random:
    """A generator fixed by (family, seed, difficulty); string seeds hash the same everywhere."""
    return random.Random(f"gradeck/{family}/{seed}/{difficulty}")


def decimal(r: random.Random, lo: float, hi: float, places: int = 1, nonzero: bool = True) -> float:
    """A multiple of 10^-places in [lo, hi], never 0 when `nonzero`."""
    return decimals(r, 1, lo, hi, places, nonzero)[0]


def decimal_where(
    r: random.Random,
    lo: float,
    hi: float,
    keep: Callable[[float], bool],
    places: int = 1,
    nonzero: bool = True,
) -> float:
    """Like `decimal`, drawn among the values that `keep` accepts: a constraint on one value met
    by construction, not by redrawing everything. When none is accepted, any value (the family's
    check then refuses the draw).

    One plain draw first, kept when accepted, else a uniform choice among the accepted ones:
    still uniform over them (1/n + (n − m)/n · 1/m = 1/m), and `keep` is mostly asked once.
    """
    first = decimal(r, lo, hi, places, nonzero)
    if keep(first):
        return first
    scale = 10**places
    lo_k, hi_k = math.ceil(lo * scale - 1e-9), math.floor(hi * scale + 1e-9)
    kept = [k / scale for k in range(lo_k, hi_k + 1) if (k or not nonzero) and keep(k / scale)]
    return r.choice(kept) if kept else first


def choice_where(r: random.Random, options: Sequence[T], keep: Callable[[T], bool]) -> T:
    """A choice among the options that `keep` accepts, any one when none does. One plain choice
    first, kept when accepted (uniform over the accepted ones, as in `decimal_where`; most are,
    and a plain choice costs a tenth of a shuffle); else the options in a random order, so that
    the first accepted is as likely to be any of them, and `keep` is asked only until one is
    found."""
    first = options[int(r.random() * len(options))]
    if keep(first):
        return first
    order = r.sample(options, len(options))
    return next((option for option in order if keep(option)), order[-1])


def decimal_until(
    r: random.Random,
    lo: float,
    hi: float,
    keep: Callable[[float], bool],
    places: int = 1,
    nonzero: bool = True,
    tries: int = VALUE_TRIES,
) -> float:
    """Like `decimal`, redrawn (at most `tries` times) until `keep` accepts it: for a value on
    a grid too fine for `decimal_where` to list (two places over [−2, 2] is 400 values, each
    asked to `keep`). Rejection sampling, so uniform over the accepted values, and bounded: a
    rare constraint costs a few draws of one number. When none is accepted, the last draw
    (which the family's check may then refuse)."""
    x = decimal(r, lo, hi, places, nonzero)
    for _ in range(tries - 1):
        if keep(x):
            return x
        x = decimal(r, lo, hi, places, nonzero)
    return x


def floats_apart(values: Sequence[float], rel: float = 0.035) -> bool:
    """A cheap screen for a draw: every pair of plain numbers more than `rel` apart, a margin
    over SEPARATION (the family's own check then decides, with `apart`)."""
    for i in range(1, len(values)):
        a = values[i]
        for b in values[:i]:
            if abs(a - b) <= rel * max(abs(a), abs(b)):
                return False
    return True


def decimals(
    r: random.Random, n: int, lo: float, hi: float, places: int = 1, nonzero: bool = True
) -> tuple[float, ...]:
    """n draws of `decimal`, its bounds worked out once (families draw many at every try)."""
    scale = 10**places
    lo_k, hi_k = math.ceil(lo * scale - 1e-9), math.floor(hi * scale + 1e-9)
    if nonzero and lo_k <= 0 <= hi_k:
        ks = [r.randrange(lo_k, hi_k) for _ in range(n)]
        return tuple([(k + (k >= 0)) / scale for k in ks])
    return tuple([r.randrange(lo_k, hi_k + 1) / scale for _ in range(n)])


def differs(a: Value, b: Value, rel: float = SEPARATION) -> bool:
    """Whether a checker could tell a from b: some element is more than `rel` apart.

    With rel = 0 (counts, checked exactly) any difference is enough. Two numbers both next to 0
    (within FLOOR) cannot be told apart whatever their ratio: the checker's absolute tolerance
    takes them for the same.
    """
    if isinstance(a, float) and isinstance(b, float):  # the common case, checked first
        gap = abs(a - b)
        return gap > rel * abs(a) and gap > rel * abs(b) and (rel == 0 or gap > FLOOR)
    if isinstance(a, tuple) or isinstance(b, tuple):
        if not (isinstance(a, tuple) and isinstance(b, tuple)) or len(a) != len(b):
            return True
        return any(map(differs, a, b, repeat(rel, len(a))))  # map: this runs for every draw
    if isinstance(a, str) or isinstance(b, str):
        return a != b
    gap = abs(a - b)
    return gap > rel * max(abs(a), abs(b)) and (rel == 0 or gap > FLOOR)


def spread(answer: Value, mistakes: Sequence[Value], rel: float = SEPARATION) -> bool:
    """Every mistake lies apart from the answer and from every other mistake."""
    values = [answer, *mistakes]
    numbers = [v for v in values if isinstance(v, float)]
    if len(numbers) == len(values):  # every draw asks this: `differs` inlined
        sizes = [rel * abs(v) for v in numbers]
        floor = FLOOR if rel else 0.0
        for i in range(1, len(numbers)):
            a, size_a = numbers[i], sizes[i]
            for j in range(i):
                gap = abs(a - numbers[j])
                if not (gap > size_a and gap > sizes[j] and gap > floor):  # NaN: not apart
                    return False
        return True
    for i in range(1, len(values)):
        for j in range(i):
            if not differs(values[i], values[j], rel):
                return False
    return True


def apart(
    answer: Value, mistakes: Sequence[Mistake], rel: float = SEPARATION, start: Value | None = None
) -> bool:
    """`spread` over the values of a part's listed mistakes; with `start`, `updated_spread`."""
    values = [m.value for m in mistakes]
    if start is None:
        return spread(answer, values, rel)
    return updated_spread(start, answer, values, rel)


def updated_spread(
    start: Value,
    answer: Value,
    mistakes: Sequence[Value],
    rel: float = SEPARATION,
    named_start: bool = False,
) -> bool:
    """`spread` for an updated value, which the checker judges on its change from `start`.

    The answer, the start value ("no update") and the mistakes lie apart in their changes from
    the start, and each mistake lies apart from the start value as a value too (the checker
    takes a number next to the start value for "no update"). With `named_start`, a mistake may
    be the start value itself: the family's own name for leaving it unchanged.
    """
    others = [m for m in mistakes if not (named_start and m == start)]
    changes = [_minus(v, start) for v in (answer, start, *others)]
    return spread(changes[0], changes[1:], rel) and all(differs(m, start, rel) for m in others)


def initial_weight(w0: float, t: int) -> Mistake:
    """w₀ typed for the weight after step t > 1: a shortcut as much as the step's own start."""
    return Mistake(
        "initial-weight",
        w0,
        f"That is w₀, the weight before any step; the question asks for w after {t} steps.",
    )


def _minus(a: Value, b: Value) -> Value:
    if isinstance(a, float) and isinstance(b, float):  # the common case, checked first
        return a - b
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return tuple(_minus(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, tuple | str) or isinstance(b, tuple | str):
        return a
    return a - b


def finite(value: Value) -> bool:
    if isinstance(value, float):  # the common case, checked first
        return math.isfinite(value)
    if isinstance(value, tuple):
        return all(map(finite, value))
    return isinstance(value, int) and math.isfinite(value)


def number_at(answers: Sequence[Value | None], index: int, default: float) -> float:
    """The learner's earlier number, or the right one where it is missing or not a number."""
    value = answers[index] if index < len(answers) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return default
    return float(value)


def vector_at(
    answers: Sequence[Value | None], index: int, default: tuple[float, ...]
) -> tuple[float, ...]:
    """The learner's earlier vector, or the right one where it is missing or the wrong length."""
    value = answers[index] if index < len(answers) else None
    if not isinstance(value, tuple) or len(value) != len(default):
        return default
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return default
    if not finite(value):
        return default
    return tuple(float(v) for v in value)


def carry(
    fallback: Value, rule: Callable[[Sequence[Value | None]], Value]
) -> Callable[[tuple[Value | None, ...]], Value]:
    """A part's carry: `rule` applied to the learner's earlier answers, never raising.

    A learner's wild earlier answer can overflow the rule; the part then falls back to its
    right value, which is what an unreadable earlier answer would give too.
    """

    def carried(answers: tuple[Value | None, ...]) -> Value:
        try:
            value = rule(answers)
        except (ArithmeticError, ValueError, TypeError):
            return fallback
        return value if finite(value) else fallback

    return carried


def counts_and_total(
    asked: tuple[str, str, str],
    first: int,
    second: int,
    mistakes: tuple[Sequence[Mistake], Sequence[Mistake], Sequence[Mistake]],
) -> tuple[Part, Part, Part]:
    """Parts (a) and (b), two counts, and (c) their total, carried from the learner's own two."""
    total = first + second
    return (
        Part("a", asked[0], first, kind="count", mistakes=tuple(mistakes[0])),
        Part("b", asked[1], second, kind="count", mistakes=tuple(mistakes[1])),
        Part(
            "c",
            asked[2],
            total,
            kind="count",
            mistakes=tuple(mistakes[2]),
            carry=carry(total, lambda ans: number_at(ans, 0, first) + number_at(ans, 1, second)),
        ),
    )


@lru_cache(maxsize=1024, typed=True)  # an exercise writes its numbers dozens of times
def num(x: float, sig: int = 6) -> str:
    """A number as a person would write it: short, no float noise, no '-0'."""
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    text = f"{x:.{sig}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return "0" if text == "-0" else text


def vec(xs: Sequence[float], sig: int = 6) -> str:
    return "[" + ", ".join(num(x, sig) for x in xs) + "]"


def signed(x: float) -> str:
    """A number written after an operator: a negative one goes in brackets, 0.5 − (-0.3)."""
    text = num(x)
    return f"({text})" if x < 0 else text


def matrix_rows(m: Sequence[Sequence[float]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(num(v) for v in row) for row in m)


def choose_param(
    name: str, value: object, allowed: Sequence[str], r: random.Random, default: str | None = None
) -> str:
    """A family parameter from a deck, checked; when it is not set, `default` (a family's easiest
    level fixes the simplest choice) or else a seeded choice."""
    if value is None:
        value = default
    if value is None:
        return r.choice(list(allowed))
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def clean(x: float) -> float:
    """Float noise removed (0.47000000000000003 -> 0.47), so shown answers read as written."""
    return float(f"{x:.12g}")


def cleaned(xs: Sequence[float]) -> tuple[float, ...]:
    return tuple([clean(x) for x in xs])


def check_difficulty(family: str, difficulty: int, allowed: Sequence[int]) -> None:
    if difficulty not in allowed:
        levels = ", ".join(str(d) for d in allowed)
        raise ValueError(f"{family} has difficulties {levels}, not {difficulty!r}")


def draw_or(draw: Callable[[], T], ok: Callable[[T], bool], fallback: T) -> T:
    """Draw until `ok` accepts, at most TRIES times, then the family's fixed `fallback`.

    The fallback is a variant that `ok` accepts (the tests hold every family's to that), so
    drawing costs at most TRIES draws and checks whatever the seed: families draw their values
    so that most are accepted at once, and the fallback is a rare way out, not a search.
    """
    for _ in range(TRIES):
        values = draw()
        if ok(values):
            return values
    return fallback


def distinct(answer: Value, mistakes: Sequence[Mistake], rel: float = SEPARATION) -> tuple:
    """The mistakes that a checker can tell from the answer and from the mistakes kept before
    them: one that coincides in this variant is left undiagnosed rather than redrawn."""
    kept: list[Mistake] = []
    values = [answer]  # pairwise apart already: each new one is compared with these alone
    for mistake in mistakes:
        value = mistake.value
        if finite(value) and all(differs(value, v, rel) for v in values):
            kept.append(mistake)
            values.append(value)
    return tuple(kept)


def float_literal(x: float) -> str:
    """x as a Python float literal in a listing (2.0, not 2: torch.tensor(2) is an integer
    tensor that cannot require gradients, and tf.Variable(2) an int32 one)."""
    text = num(x)
    return text if any(c in text for c in ".e") else text + ".0"
