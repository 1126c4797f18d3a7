"""Checking a learner's answers: verdicts, error carried forward, and the mistake named.

A part's verdict is decided in this order: right, carried (right given the learner's own wrong
earlier answer), a known mistake (the family's own, then "no update at all" for an updated value,
then slips of sign and decimal point), close (outside the tolerance but within CLOSE_FACTOR times
it: a true rounding), wrong. Text that cannot be read is "unreadable" and an empty answer is
"blank" (I don't know). An updated value (`Part.start`) is judged on its change: the tolerance is
relative to the step, so the start value, or the point it converges to, is never taken as right.
An exact part (`Part.exact`) is right only when the typed value equals the answer as fractions;
within three significant figures of it is "close", and its mistakes are matched up to float noise.
A choice part takes one option's number (from 1): that option is right, a named mistake or
wrong, and anything else is unreadable; where several may be right, it takes every right
option's number, and is right only with all of them and no other.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from gradeck.exercises.check_choice import check_choice
from gradeck.exercises.expr import Node, ParseError
from gradeck.exercises.forms import read_answer
from gradeck.exercises.model import Exercise, Mistake, Part, Value

Verdict = Literal["right", "carried", "close", "wrong", "unreadable", "blank"]

CLOSE_FACTOR = 5.0
SIGNIFICANT_FIGURES = 3
FLOAT_NOISE = 1e-12  # how far an exact part's float values may be apart and still be one value
NOT_EXACT = "close, but not exact: give the value without rounding (a fraction such as 3/8 works)"

_GROUPED_THOUSANDS = re.compile(r"\s*[+-]?\d{1,3}(,\d{3})+\s*")


@dataclass(frozen=True)
class PartResult:
    verdict: Verdict
    message: str = ""
    mistake: Mistake | None = None
    # The learner's answer as read: floats and tuples, or the text of a symbolic answer. None
    # when blank or unreadable. Later parts' error carried forward starts from it.
    value: Value | None = None
    # For a wrong vector answer of the right length: which elements (from 0) are wrong.
    wrong_elements: tuple[int, ...] = ()

    @property
    def credited(self) -> bool:
        """Right, or right given an earlier answer: the part's own working was sound."""
        return self.verdict in ("right", "carried")


@dataclass(frozen=True)
class ExerciseResult:
    parts: tuple[PartResult, ...]

    @property
    def all_right(self) -> bool:
        return all(p.verdict == "right" for p in self.parts)

    @property
    def any_right(self) -> bool:
        return any(p.credited for p in self.parts)


def tolerance(part: Part, target: float, scale: float | None = None) -> float:
    """How far a number may be from `target` and still count as right for this part.

    The part's relative or absolute tolerance, or being correct to three significant figures,
    whichever is wider, taken of `scale` (the change, for an updated value; else the target
    itself); counts and exact parts have none.
    """
    if part.kind in ("count", "choice") or part.exact is not None:
        return 0.0
    size = target if scale is None else scale
    return max(part.abs_tol, part.rel_tol * abs(size), _half_unit(size))


def _half_unit(x: float) -> float:
    """Half a unit in the last of SIGNIFICANT_FIGURES digits of x (with room for float error)."""
    if x == 0 or not math.isfinite(x):
        return 0.0
    digit = math.floor(math.log10(abs(x))) - SIGNIFICANT_FIGURES + 1
    return 0.5 * 10.0**digit * (1 + 1e-9)


def matches(part: Part, answer: Value, target: Value) -> bool:
    """Whether `answer` counts as `target` under this part's tolerance (used for mistakes too).

    For an updated value the tolerance is relative to the change from the start value that
    `target` stands for (the start value itself: to its own size).
    """
    if part.kind == "symbolic":
        return (
            isinstance(answer, str)
            and isinstance(target, str)
            and _same_expression(part, answer, target)
        )
    return _within(part, target, _conform(target, answer), 1.0, _change(target, part.start))


def _change(value: Value, start: Value | None) -> Value:
    """What the tolerance of `value` is taken of: its change from `start` where it has one."""
    if start is None or isinstance(value, str) or isinstance(start, str):
        return value
    if isinstance(value, tuple):
        starts = start if isinstance(start, tuple) and len(start) == len(value) else None
        return tuple(_change(v, None if starts is None else starts[i]) for i, v in enumerate(value))
    if isinstance(start, tuple) or value == start:
        return value
    return value - start


def _within(part: Part, target: Value, answer: Value, factor: float, scale: Value) -> bool:
    if isinstance(target, tuple):
        scales = scale if isinstance(scale, tuple) and len(scale) == len(target) else target
        return (
            isinstance(answer, tuple)
            and len(answer) == len(target)
            and all(
                _within(part, t, a, factor, c)
                for t, a, c in zip(target, answer, scales, strict=True)
            )
        )
    if isinstance(answer, tuple | str) or isinstance(target, str):
        return False
    if part.kind in ("count", "choice"):
        return answer == target
    if part.exact is not None:
        return math.isclose(answer, target, rel_tol=FLOAT_NOISE, abs_tol=1e-300)
    size = scale if isinstance(scale, float | int) else target
    return abs(answer - target) <= factor * tolerance(part, target, size)


def _conform(target: Value, answer: Value) -> Value:
    """Let one number stand for a one-element vector and a vector for a one-row matrix."""
    if isinstance(target, tuple) and len(target) == 1:
        if not isinstance(answer, tuple):
            return (answer,) if not isinstance(target[0], tuple) else answer
        if isinstance(target[0], tuple) and answer and not isinstance(answer[0], tuple):
            return (answer,)
    if not isinstance(target, tuple) and isinstance(answer, tuple) and len(answer) == 1:
        return answer[0] if not isinstance(answer[0], tuple) else answer
    return answer


def _shape(value: Value) -> str:
    if not isinstance(value, tuple):
        return "one number"
    if value and isinstance(value[0], tuple):
        return f"a {len(value)}×{len(value[0])} matrix"
    return f"{len(value)} values" if len(value) != 1 else "1 value"


def _flat(*values: Value) -> bool:
    """Whether all are vectors of numbers."""
    return all(isinstance(v, tuple) and not any(isinstance(x, tuple) for x in v) for v in values)


def _same_shape(target: Value, answer: Value) -> bool:
    if isinstance(target, tuple) != isinstance(answer, tuple):
        return False
    if not isinstance(target, tuple):
        return True
    assert isinstance(answer, tuple)
    return len(target) == len(answer) and all(
        _same_shape(t, a) for t, a in zip(target, answer, strict=True)
    )


def _integral(value: Value) -> bool:
    if isinstance(value, tuple):
        return all(_integral(v) for v in value)
    return isinstance(value, float | int) and float(value).is_integer()


def _carried(part: Part, earlier: tuple[Value | None, ...]) -> Value | None:
    """What this part would be, worked from the learner's own earlier answers."""
    if part.carry is None or not earlier:
        return None
    try:
        return part.carry(earlier)
    except (ArithmeticError, TypeError, ValueError, IndexError):
        return None  # the earlier answers do not fit the formula (blank, wrong shape, ...)


NO_UPDATE = (
    "That is the value before the update, unchanged: no update at all. Work out the change "
    "and apply it to the start value."
)


def _no_update(part: Part) -> tuple[Mistake, ...]:
    """The start value of an updated value, typed as the answer."""
    if part.start is None or isinstance(part.start, str):
        return ()
    return (Mistake("no-update", part.start, NO_UPDATE),)


def _generic_mistakes(part: Part) -> tuple[Mistake, ...]:
    """Slips any number can suffer; checked after the family's own mistakes."""
    expected = part.expected
    if part.kind not in ("number", "vector", "matrix") or not _nonzero(expected):
        return ()
    return (
        Mistake("sign", _scale(expected, -1.0), "the sign is flipped"),
        Mistake("decimal", _scale(expected, 10.0), "ten times too large: check the decimal point"),
        Mistake("decimal", _scale(expected, 0.1), "ten times too small: check the decimal point"),
    )


def _nonzero(value: Value) -> bool:
    if isinstance(value, tuple):
        return any(_nonzero(v) for v in value)
    return isinstance(value, float | int) and value != 0


def _scale(value: Value, factor: float) -> Value:
    if isinstance(value, tuple):
        return tuple(_scale(v, factor) for v in value)
    assert isinstance(value, float | int)
    return value * factor


def check_part(part: Part, text: str, earlier: Sequence[Value | None] = ()) -> PartResult:
    """The verdict on one answer; `earlier` are the learner's values for the earlier parts."""
    if not text.strip():
        return PartResult("blank", "no answer")
    if part.kind == "symbolic":
        return _check_symbolic(part, text, tuple(earlier))
    if part.kind == "choice":
        verdict, message, mistake, value = check_choice(part, text)
        return PartResult(verdict, message, mistake, value)  # type: ignore[arg-type]
    try:
        value = read_answer(text, part.kind, part.expected)
    except ParseError as exc:
        return PartResult("unreadable", exc.render())
    answer = _conform(part.expected, value)
    scale = _change(part.expected, part.start)
    if part.exact is not None:
        from gradeck.exercises.exact import read_exact, same

        right = same(read_exact(text, value), part.exact)
    else:
        right = _within(part, part.expected, answer, 1.0, scale)
    if right:
        return PartResult("right", value=value)
    carried = _carried(part, tuple(earlier))
    # Worked from the learner's own start, an updated value is still judged on the step's size.
    carried_scale = carried if part.start is None else scale
    if carried is not None and _within(part, carried, _conform(carried, value), 1.0, carried_scale):
        return PartResult("carried", "right given your earlier answer", value=value)
    for mistake in part.mistakes:
        if matches(part, value, mistake.value):
            return PartResult("wrong", mistake.feedback, mistake, value)
    for mistake in _no_update(part):
        if _within(part, mistake.value, _conform(mistake.value, value), 1.0, mistake.value):
            return PartResult("wrong", mistake.feedback, mistake, value)
    for mistake in _generic_mistakes(part):
        if matches(part, value, mistake.value):
            return PartResult("wrong", mistake.feedback, mistake, value)
    if not _same_shape(part.expected, answer):
        got = _shape(answer).removesuffix(" values") if _flat(part.expected, answer) else None
        message = f"expected {_shape(part.expected)}, got {got or _shape(answer)}"
        if _GROUPED_THOUSANDS.fullmatch(text):
            message += " (commas separate values: write 1,000 as 1000)"
        return PartResult("unreadable", message)
    if part.kind == "count" and not _integral(answer):
        return PartResult("wrong", "a count is a whole number", value=value)
    loose = replace(part, exact=None)  # the tolerance the part would have without `exact`
    if part.exact is not None and _within(loose, part.expected, answer, 1.0, scale):
        return PartResult("close", NOT_EXACT, value=value)
    if part.kind != "count" and _within(part, part.expected, answer, CLOSE_FACTOR, scale):
        return PartResult("close", "close: did you round an intermediate value?", value=value)
    wrong = _wrong_elements(part, answer, scale)
    return PartResult("wrong", _elements_message(wrong, answer), value=value, wrong_elements=wrong)


def _wrong_elements(part: Part, answer: Value, scale: Value) -> tuple[int, ...]:
    """Which elements of a vector answer are outside the tolerance (close ones count as wrong)."""
    expected = part.expected
    if not (_flat(expected, answer) and isinstance(scale, tuple)):
        return ()
    assert isinstance(expected, tuple) and isinstance(answer, tuple)
    return tuple(
        i
        for i, (t, a, c) in enumerate(zip(expected, answer, scale, strict=True))
        if not _within(part, t, a, 1.0, c)
    )


def _elements_message(wrong: tuple[int, ...], answer: Value) -> str:
    if not wrong or not isinstance(answer, tuple):
        return ""
    numbers = [str(i + 1) for i in wrong]
    if len(numbers) == len(answer):
        return "every element is wrong"
    if len(numbers) == 1:
        return f"element {numbers[0]} of {len(answer)} is wrong; the others are right"
    listed = ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
    return f"elements {listed} of {len(answer)} are wrong; the others are right"


@lru_cache(maxsize=64)  # one answer is compared with the expected value, then each mistake
def _read_symbolic(text: str, symbols: tuple[str, ...]) -> Node:
    from gradeck.exercises import symbolic

    return symbolic.read(text, symbols)


def _same_expression(part: Part, answer: str, target: str, deadline: float | None = None) -> bool:
    from gradeck.exercises import symbolic

    try:
        learner = _read_symbolic(answer, part.symbols)
    except ParseError:
        return False
    expected = _read_symbolic(target, part.symbols)
    return symbolic.equivalent(expected, learner, part.symbols, target, answer, deadline)


def _check_symbolic(part: Part, text: str, earlier: tuple[Value | None, ...]) -> PartResult:
    from gradeck.exercises import symbolic

    try:
        _read_symbolic(text, part.symbols)
    except ParseError as exc:
        return PartResult("unreadable", exc.render())
    answer = text.strip()
    # One time budget for every comparison of this answer (right, carried, each mistake).
    deadline = time.monotonic() + symbolic.PROOF_SECONDS
    if _same_expression(part, answer, part.expected, deadline):
        return PartResult("right", value=answer)
    carried = _carried(part, earlier)
    if isinstance(carried, str) and _same_expression(part, answer, carried, deadline):
        return PartResult("carried", "right given your earlier answer", value=answer)
    for mistake in part.mistakes:
        if isinstance(mistake.value, str) and _same_expression(
            part, answer, mistake.value, deadline
        ):
            return PartResult("wrong", mistake.feedback, mistake, answer)
    return PartResult("wrong", value=answer)


def prepare(exercise: Exercise) -> None:
    """Called by a front end when `exercise` is shown: readies what its checks will need.

    For symbolic parts that is the sympy worker, started in the background, so that the first
    check of a session does not wait for sympy to load.
    """
    if any(part.kind == "symbolic" for part in exercise.parts):
        from gradeck.exercises import symbolic

        symbolic.warm_up()


def check_next(exercise: Exercise, done: Sequence[PartResult], text: str) -> PartResult:
    """The result for the part after `done`, as a quiz asks parts one at a time."""
    parts = exercise.parts
    result = check_part(parts[len(done)], text, [r.value for r in done])
    if result.verdict != "carried":
        return result
    missed = [p.label for p, r in zip(parts, done, strict=False) if r.verdict != "right"]
    if not missed:  # earlier answers were right but rounded, and this follows from them
        return replace(result, verdict="right", message="")
    which = f"part {missed[0]}" if len(missed) == 1 else f"parts {', '.join(missed)}"
    return replace(result, message=f"right given your answer to {which} (error carried forward)")


def check_exercise(exercise: Exercise, answers: Sequence[str]) -> ExerciseResult:
    """Every part checked in order; a missing answer counts as blank."""
    done: list[PartResult] = []
    for i in range(len(exercise.parts)):
        done.append(check_next(exercise, done, answers[i] if i < len(answers) else ""))
    return ExerciseResult(tuple(done))
