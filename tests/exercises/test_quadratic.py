"""quadratic-learning-rate: the loss written so it cannot be misread, every symbol defined."""

from __future__ import annotations

import pytest

from gradeck.exercises.check import check_part
from gradeck.exercises.families import quadratic
from gradeck.exercises.families._draw import num


@pytest.mark.parametrize("difficulty", quadratic.DIFFICULTIES)
def test_the_prompt_defines_every_symbol_it_uses(difficulty: int) -> None:
    for seed in range(60):
        v = quadratic.draw(seed, difficulty)
        ex = quadratic.generate(seed, difficulty)
        assert "L(w) = (a/2)·(w − c)²" in ex.prompt
        for definition in (f"a = {num(v.a)}", f"c = {num(v.c)}", f"η = {num(v.lr)}"):
            assert definition in ex.prompt, (seed, definition)
        assert f"w₀ = {num(v.w0)}" in ex.prompt
        # The same loss with the numbers put in: a/2 written out, so 1/2 · a cannot be misread.
        assert f"L(w) = {num(v.a / 2)}·(" in ex.prompt


def test_a_hand_worked_variant() -> None:
    """a = 0.5, c = 1.9, η = 0.4 from w₀ = −0.1: factor 1 − 0.2 = 0.8, and after k steps
    w = 1.9 + 0.8^k · (−2)."""
    v = quadratic.Values(a=0.5, c=1.9, w0=-0.1, lr=0.4, k=3)
    assert v.factor == pytest.approx(0.8)
    assert quadratic.iterate(v.c, v.w0, v.factor, v.k) == pytest.approx(1.9 - 2 * 0.512)


@pytest.mark.parametrize("difficulty", quadratic.DIFFICULTIES)
def test_the_minimum_and_the_start_are_named_not_accepted(difficulty: int) -> None:
    for seed in range(200):
        v = quadratic.draw(seed, difficulty)
        part = quadratic.generate(seed, difficulty).parts[1]
        earlier = [quadratic.generate(seed, difficulty).parts[0].expected]
        at_minimum = check_part(part, num(v.c, 12), earlier)
        assert at_minimum.mistake is not None and at_minimum.mistake.name == "minimum", seed
        at_start = check_part(part, num(v.w0, 12), earlier)
        assert at_start.mistake is not None and at_start.mistake.name == "no-update", seed
