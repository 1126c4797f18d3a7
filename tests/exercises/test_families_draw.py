"""The helpers the families share, on small hand-worked cases."""

from __future__ import annotations

import random

import pytest

from gradeck.exercises import registry
from gradeck.exercises.check import check_part
from gradeck.exercises.families import _draw
from gradeck.exercises.families._draw import apart, choose_param, counts_and_total
from gradeck.exercises.model import Mistake
from gradeck.exercises.render import format_value


def _mistake(value: float) -> Mistake:
    return Mistake("slip", value, "")


def test_counts_and_total_carries_the_learners_own_counts() -> None:
    parts = counts_and_total(
        ("weights", "biases", "in all"), 120, 12, ([_mistake(132)], [], [_mistake(144)])
    )
    assert [p.label for p in parts] == ["a", "b", "c"]
    assert [p.expected for p in parts] == [120, 12, 132]
    assert all(p.kind == "count" for p in parts)
    assert [p.value for p in parts[0].mistakes] == [132]
    assert parts[0].carry is None and parts[1].carry is None
    total = parts[2]
    assert total.carry is not None
    assert total.carry((100, 12)) == 112  # a wrong first count, carried into the sum
    assert total.carry((None, 10)) == 130  # an unreadable first count: the right 120 stands in
    assert total.carry(()) == 132


def test_choose_param_prefers_the_decks_value_then_the_default() -> None:
    allowed = ("sigmoid", "tanh", "relu")
    r = random.Random(7)
    state = r.getstate()
    assert choose_param("hidden", "relu", allowed, r, "sigmoid") == "relu"
    assert choose_param("hidden", None, allowed, r, "sigmoid") == "sigmoid"
    assert r.getstate() == state  # neither draws, so the later draws stay the same
    assert choose_param("hidden", None, allowed, r) == random.Random(7).choice(list(allowed))
    with pytest.raises(ValueError, match="hidden must be one of"):
        choose_param("hidden", "softmax", allowed, r, "sigmoid")


def test_apart_needs_every_mistake_clear_of_the_answer_and_of_each_other() -> None:
    assert apart(1.0, [_mistake(2.0), _mistake(-1.0)])
    assert not apart(1.0, [_mistake(1.01)])  # within 3 %: a rounded answer
    assert not apart(1.0, [_mistake(2.0), _mistake(2.02)])  # two mistakes too close
    assert apart(100, [_mistake(101)], rel=0)  # counts: any difference tells them apart
    assert not apart(100, [_mistake(100)], rel=0)


def test_redraw_stops_after_its_tries_and_falls_back() -> None:
    r = random.Random(1)
    calls: list[float] = []

    def draw() -> float:
        calls.append(r.random())
        return calls[-1]

    fallback_first = random.Random("gradeck/fallback/0").random()
    # Nothing from the seed's own stream is accepted: the fallback state's first draw is.
    value = _draw.redraw(draw, lambda x: x == fallback_first, r)
    assert value == fallback_first
    assert len(calls) == _draw.MAX_TRIES + 1
    calls.clear()
    with pytest.raises(RuntimeError):
        _draw.redraw(draw, lambda x: False, r)
    assert len(calls) == _draw.MAX_TRIES + _draw.MAX_FALLBACKS


FAMILY_CASES = [
    (n, d) for n in sorted(registry.FAMILIES) for d in registry.FAMILIES[n].difficulties
]


@pytest.mark.parametrize(("name", "difficulty"), FAMILY_CASES)
def test_every_family_has_an_acceptable_fallback(monkeypatch, name: str, difficulty: int) -> None:
    """With no tries of its own, each family still finds values among the fallback states."""
    monkeypatch.setattr(_draw, "MAX_TRIES", 0)
    exercise = registry.generate(name, 5, difficulty)
    for i, part in enumerate(exercise.parts):
        earlier = [p.expected for p in exercise.parts[:i]]
        assert check_part(part, format_value(part.expected), earlier).verdict == "right"
