"""Print how long generating and checking one exercise takes, and the parser's worst case.

Goals: a numeric exercise generated and checked in under 1 ms (median over every registered
family), a symbolic one in under 50 ms, and any answer, however hostile, read within 100 ms.
Each exercise is answered with its own expected values, typed as text, so the checker does its
full work (parsing, tolerance, and for symbolic parts the equivalence check).
"""

from __future__ import annotations

import contextlib
import statistics
import time

from gradeck.exercises.check import check_exercise
from gradeck.exercises.parse import ParseError, parse_value
from gradeck.exercises.registry import FAMILIES, generate
from gradeck.exercises.render import format_value

SEEDS = 40
HOSTILE = [
    "1" * 10_000,
    "(" * 1999,
    "1+" * 999 + "1",
    "2^" * 999 + "2",
    "9**9**9",
    "10**400",
    "min(" + "1," * 998 + "1)",
    "[" + "1," * 998 + "1]",
    "__import__('os').system('ls')",
    "\x00" * 2000,
    "😀" * 2000,
    "-" * 1999 + "1",
]


def _time_family(name: str) -> list[float]:
    times = []
    for difficulty in FAMILIES[name].difficulties:
        for seed in range(SEEDS):
            start = time.perf_counter()
            exercise = generate(name, seed, difficulty)
            check_exercise(exercise, [format_value(p.expected) for p in exercise.parts])
            times.append((time.perf_counter() - start) * 1000)
    return times


def _is_symbolic(name: str) -> bool:
    exercise = generate(name, 0, FAMILIES[name].difficulties[0])
    return any(p.kind == "symbolic" for p in exercise.parts)


def _hostile_ms() -> tuple[float, str]:
    worst, which = 0.0, ""
    for text in HOSTILE:
        start = time.perf_counter()
        with contextlib.suppress(ParseError):
            parse_value(text)
        took = (time.perf_counter() - start) * 1000
        if took > worst:
            worst, which = took, text[:20]
    return worst, which


def main() -> None:
    if not FAMILIES:
        print("no families registered")
        return
    import sympy  # noqa: F401  (imported once up front: its start-up is not a check's cost)

    numeric: list[float] = []
    symbolic: list[float] = []
    print(f"median over {SEEDS} seeds x each difficulty, generate + check, ms")
    for name in sorted(FAMILIES):
        times = _time_family(name)
        kind = "symbolic" if _is_symbolic(name) else "numeric"
        (symbolic if kind == "symbolic" else numeric).extend(times)
        print(f"  {name:<28} {statistics.median(times):8.3f}  ({kind})")
    if numeric:
        print(f"numeric exercise   {statistics.median(numeric):8.3f} ms median  (goal: < 1 ms)")
    if symbolic:
        print(f"symbolic exercise  {statistics.median(symbolic):8.3f} ms median  (goal: < 50 ms)")
    worst, which = _hostile_ms()
    print(f"hostile answers    {worst:8.3f} ms worst, on {which!r}…  (goal: < 100 ms)")


if __name__ == "__main__":
    main()
