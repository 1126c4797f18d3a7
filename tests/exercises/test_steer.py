"""The draw helpers of families/_steer.py: bounded redraws, a plain choice first, a float screen."""

from __future__ import annotations

import random

from gradeck.exercises.families import _steer


def test_decimal_until_draws_accepted_values_uniformly() -> None:
    r = random.Random(3)
    drawn = [_steer.decimal_until(r, -1, 1, lambda x: x > 0.5) for _ in range(2000)]
    kept = [x for x in drawn if x > 0.5]
    assert len(kept) > 1700  # 8 tries of a 1-in-4 constraint miss 0.75⁸ ≈ 10 % of the time
    assert set(kept) == {0.6, 0.7, 0.8, 0.9, 1.0}
    assert min(kept.count(x) for x in set(kept)) > 0.15 * len(kept)


def test_decimal_until_gives_up_after_its_tries() -> None:
    asked: list[float] = []
    value = _steer.decimal_until(
        random.Random(1), -1, 1, lambda x: asked.append(x) or False, 1, True, 3
    )
    assert len(asked) == 2  # the third draw is returned unasked
    assert -1 <= value <= 1


def test_choice_first_takes_an_accepted_option_and_each_of_them() -> None:
    picks = {
        _steer.choice_first(random.Random(s), (1, 2, 3, 4), lambda o: o % 2 == 0) for s in range(60)
    }
    assert picks == {2, 4}
    assert _steer.choice_first(random.Random(0), (1, 3), lambda o: False) in (1, 3)


def test_floats_apart_needs_every_pair_apart() -> None:
    assert _steer.floats_apart((1.0, 2.0, -1.0))
    assert not _steer.floats_apart((1.0, 2.0, 1.02))
    assert _steer.floats_apart((1.0, 1.05))
    assert not _steer.floats_apart((0.0, 0.0))
