"""Checking rewards the work and nothing else, swept over 2 000 seeds per family and difficulty.

An updated value (a part with a start value) is judged on its change: typing the start value is
the named mistake "no update", and no listed mistake (the limit it converges to, the weight before
every step, ...) is ever right or close. Every right answer rounded to three significant figures
(of the change, for an updated value) is still right.
"""

from __future__ import annotations

import math

import pytest

from gradeck.exercises import registry
from gradeck.exercises.check import check_part
from gradeck.exercises.model import Part, Value
from gradeck.exercises.render import format_value

SEEDS = 2000
CHUNK = 500  # seeds per test case, so that xdist spreads one family over both cores
CASES = [
    (name, difficulty, start)
    for name in sorted(registry.FAMILIES)
    for difficulty in registry.FAMILIES[name].difficulties
    for start in range(0, SEEDS, CHUNK)
]
# Families whose every exercise asks for at least one updated value.
UPDATING = {
    "update-rule",
    "sgd-momentum",
    "adam",
    "rmsprop",
    "weight-decay",
    "quadratic-learning-rate",
}

SHORTCUTS = {"minimum", "initial-weight"}


def _round_sig(x: float, figures: int = 3) -> float:
    if x == 0:
        return 0.0
    return round(x, figures - 1 - math.floor(math.log10(abs(x))))


def _rounded(expected: Value, start: Value | None) -> Value:
    """The right answer as a careful learner writes it: three significant figures of the change
    from the start value (of the value itself where there is none)."""
    if isinstance(expected, tuple):
        starts = start if isinstance(start, tuple) else (None,) * len(expected)
        return tuple(_rounded(e, s) for e, s in zip(expected, starts, strict=True))
    assert isinstance(expected, float | int)
    if start is None or isinstance(start, tuple | str):
        return _round_sig(expected)
    return start + _round_sig(expected - start)


def _text(value: Value) -> str:
    """A value typed in full, so that the test's own rounding is all the rounding there is."""
    if isinstance(value, tuple):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return f"{value:.12g}" if isinstance(value, float) else str(value)


def _assert_no_shortcut(part: Part, earlier: list, where: tuple) -> None:
    start = part.start
    assert start is not None
    result = check_part(part, format_value(start), earlier)
    assert result.verdict == "wrong", (where, part.label, start, result)
    assert result.mistake is not None, (where, part.label, result)
    named_start = {m.name for m in part.mistakes if m.value == start}
    assert result.mistake.name in named_start | {"no-update"}, (where, part.label, result)
    if result.mistake.name == "no-update":
        assert "no update" in result.message
    # The other shortcuts: the limit the iterates converge to, the weight before every step.
    # (Every listed mistake is checked over 500 seeds in test_families_common.)
    for mistake in part.mistakes:
        if mistake.name in SHORTCUTS:
            verdict = check_part(part, format_value(mistake.value), earlier).verdict
            assert verdict == "wrong", (where, part.label, mistake, verdict)


@pytest.mark.parametrize(("name", "difficulty", "first"), CASES)
def test_no_shortcut_is_accepted_and_rounded_answers_are(
    name: str, difficulty: int, first: int
) -> None:
    checked: set = set()
    for seed in range(first, first + CHUNK):
        exercise = registry.generate(name, seed, difficulty)
        if name in UPDATING:
            assert any(p.start is not None for p in exercise.parts), (seed, exercise.title)
        for i, part in enumerate(exercise.parts):
            if part.kind == "symbolic":
                continue  # answers are expressions: nothing to round (see test_symbolic)
            earlier = [p.expected for p in exercise.parts[:i]]
            where = (name, seed, difficulty)
            # Counts are checked exactly: a rounded count is a wrong count.
            rounded = part.expected if part.kind == "count" else _rounded(part.expected, part.start)
            key = (part.label, rounded, part.expected, part.start)
            if key not in checked:
                checked.add(key)
                result = check_part(part, _text(rounded), earlier)
                assert result.verdict == "right", (where, part.label, rounded, part, result)
            if part.start is not None:
                _assert_no_shortcut(part, earlier, where)
