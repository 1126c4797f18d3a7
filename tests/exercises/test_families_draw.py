"""The helpers the families share, on small hand-worked cases."""

from __future__ import annotations

import math
import random
from importlib import import_module

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradeck.exercises import registry
from gradeck.exercises.check import check_part
from gradeck.exercises.families import (
    _draw,
    activations,
    backprop_two_layer,
    initialisation,
    lr_schedule,
    momentum,
    neuron_backprop,
    neuron_forward,
    update_rule,
    vanishing,
)
from gradeck.exercises.families._draw import (
    apart,
    choose_param,
    counts_and_total,
    differs,
    num,
    spread,
)
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


def test_spread_of_plain_numbers_is_the_pairwise_rule() -> None:
    # Floats take a shortcut of their own; it must say what differs says for every pair.
    assert spread(1.0, [2.0, -1.0, 0.5])
    assert not spread(1.0, [2.0, 0.5, 2.05])  # the last two within 3 % of each other
    assert not spread(0.0, [5e-7])  # both next to 0: the checker's absolute tolerance
    assert spread(0.0, [5e-7], rel=0)  # counts: any difference
    assert not spread(1.0, [math.nan]) and not spread(math.inf, [math.inf])


@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=6),
    st.sampled_from([0.0, 0.03, 0.5]),
)
def test_spread_agrees_with_differs_on_every_pair(values: list[float], rel: float) -> None:
    pairwise = all(differs(values[i], values[j], rel) for i in range(len(values)) for j in range(i))
    assert spread(values[0], values[1:], rel) == pairwise


def test_num_writes_numbers_as_a_person_would() -> None:
    assert [num(0.47000000000000003), num(-0.0), num(1.5e-7), num(2.0)] == [
        "0.47",
        "0",
        "1.5e-7",
        "2",
    ]
    # Equal keys of other types are written their own way (the cache keeps them apart).
    assert (num(10**20), num(1e20), num(10**20)) == (
        "100000000000000000000",
        "1e20",
        "100000000000000000000",
    )
    assert (num(0.123456789, 3), num(0.123456789)) == ("0.123", "0.123457")


def test_decimal_where_draws_only_accepted_values_and_each_of_them() -> None:
    r = random.Random(3)
    # Of -0.5 … 0.5, only those at least 0.25 from -0.3 (|b + 0.3| ≥ 0.25): 0.0 … 0.5.
    drawn = {
        _draw.decimal_where(r, -0.5, 0.5, lambda b: abs(b + 0.3) >= 0.25, nonzero=False)
        for _ in range(400)
    }
    assert drawn == {0.0, 0.1, 0.2, 0.3, 0.4, 0.5}
    # None accepted: still a value of the range, for the family's check to refuse.
    assert -1 <= _draw.decimal_where(r, -1, 1, lambda b: False) <= 1


def test_choice_where_asks_only_until_one_is_accepted() -> None:
    asked: list[int] = []

    def keep(option: int) -> bool:
        asked.append(option)
        return option % 2 == 0

    picks = {_draw.choice_where(random.Random(seed), [1, 2, 3, 4], keep) for seed in range(50)}
    assert picks == {2, 4}
    assert len(asked) < 50 * 4  # never every option every time
    assert _draw.choice_where(random.Random(1), [1, 3], lambda o: False) in (1, 3)
    asked.clear()
    keep_all = lambda option: asked.append(option) or True  # noqa: E731
    everyone = {_draw.choice_where(random.Random(s), [1, 2, 3, 4], keep_all) for s in range(60)}
    assert everyone == {1, 2, 3, 4} and len(asked) == 60  # accepted at once: asked once each


def test_decimal_until_draws_accepted_values_uniformly() -> None:
    r = random.Random(3)
    drawn = [_draw.decimal_until(r, -1, 1, lambda x: x > 0.5) for _ in range(2000)]
    kept = [x for x in drawn if x > 0.5]
    assert len(kept) > 1700  # 8 tries of a 1-in-4 constraint miss 0.75⁸ ≈ 10 % of the time
    assert set(kept) == {0.6, 0.7, 0.8, 0.9, 1.0}
    assert min(kept.count(x) for x in set(kept)) > 0.15 * len(kept)


def test_decimal_until_gives_up_after_its_tries() -> None:
    asked: list[float] = []
    value = _draw.decimal_until(
        random.Random(1), -1, 1, lambda x: asked.append(x) or False, 1, True, 3
    )
    assert len(asked) == 2  # the third draw is returned unasked
    assert -1 <= value <= 1


def test_floats_apart_needs_every_pair_apart() -> None:
    assert _draw.floats_apart((1.0, 2.0, -1.0))
    assert not _draw.floats_apart((1.0, 2.0, 1.02))
    assert _draw.floats_apart((1.0, 1.05))
    assert not _draw.floats_apart((0.0, 0.0))


def test_draw_or_takes_the_first_accepted_draw() -> None:
    draws = iter(range(100))
    assert _draw.draw_or(lambda: next(draws), lambda x: x == 2, -1) == 2
    assert next(draws) == 3  # three draws, no more


def test_draw_or_gives_the_fallback_after_its_tries() -> None:
    """A constraint that can never hold still ends: after TRIES draws, with the fallback."""
    tries: list[int] = []
    value = _draw.draw_or(lambda: tries.append(1) or len(tries), lambda x: False, -1)
    assert value == -1
    assert len(tries) == _draw.TRIES


# Every value a deck may set, for the families that take a parameter and redraw.
PARAM_VALUES = {
    "activation-derivative": ("activation", activations.ACTIVATIONS),
    "backprop-two-layer": ("hidden", backprop_two_layer.HIDDEN),
    "init-scale": ("scheme", initialisation.SCHEMES),
    "lr-schedule": ("schedule", lr_schedule.SCHEDULES),
    "neuron-backprop": ("loss", neuron_backprop.LOSSES),
    "neuron-forward": ("activation", neuron_forward.ACTIVATIONS),
    "sgd-momentum": ("variant", momentum.VARIANTS),
    "update-rule": ("target", update_rule.TARGETS),
    "vanishing-gradients": ("activation", vanishing.ACTIVATIONS),
}
# Families whose values hold by construction: they never redraw.
NO_REDRAW = {"keras-summary", "loop-bug", "symbolic-derivative", "torch-sequential"}


def _module(name: str):
    return import_module(f"gradeck.exercises.families.{registry.FAMILIES[name].module}")


def _fallback_cases() -> list[tuple[str, int, dict[str, str]]]:
    cases = []
    for name in sorted(set(registry.FAMILIES) - NO_REDRAW):
        param, values = PARAM_VALUES.get(name, ("", ("",)))
        for difficulty in registry.FAMILIES[name].difficulties:
            for value in values:
                cases.append((name, difficulty, {param: value} if param else {}))
    return cases


def test_only_the_families_that_draw_by_construction_never_redraw() -> None:
    redrawing = {name for name in registry.FAMILIES if hasattr(_module(name), "draw_or")}
    assert redrawing == set(registry.FAMILIES) - NO_REDRAW


@pytest.mark.parametrize(("name", "difficulty", "params"), _fallback_cases())
def test_every_family_falls_back_after_its_tries(
    monkeypatch, name: str, difficulty: int, params: dict[str, str]
) -> None:
    """Were no draw ever accepted, each family still returns after TRIES draws, with a fallback
    that its own constraint accepts and whose every answer checks right."""
    module = _module(name)
    seen: dict[str, object] = {}

    def refusing(draw, ok, fallback):
        seen["accepted"] = ok(fallback)
        tries: list[int] = []
        value = _draw.draw_or(lambda: tries.append(1) or draw(), lambda v: False, fallback)
        seen["tries"] = len(tries)
        seen["fell back"] = value is fallback
        return value

    monkeypatch.setattr(module, "draw_or", refusing)
    exercise = registry.generate(name, 5, difficulty, params)
    assert seen == {"accepted": True, "tries": _draw.TRIES, "fell back": True}
    for i, part in enumerate(exercise.parts):
        earlier = [p.expected for p in exercise.parts[:i]]
        assert check_part(part, format_value(part.expected), earlier).verdict == "right"
