"""Interleaving: a deck written in blocks of one family is served family by family in turn."""

from __future__ import annotations

import itertools
import random
from datetime import UTC
from pathlib import Path

from gradeck.study import Profile
from gradeck.study.interleave import no_repeats, spread

BLOCKED = ["adam"] * 3 + ["conv-output-size"] * 3 + ["sgd-momentum"] * 3
BLOCKED += ["activation-derivative"] * 3


def _deck() -> str:
    lines = ["format: 1", "id: blocks", "title: Blocked exercises", "exercises:"]
    for n, family in enumerate(BLOCKED):
        lines.append(f"  - {{id: e{n:02d}, family: {family}, difficulty: 1}}")
    return "\n".join(lines) + "\n"


def test_a_blocked_deck_of_four_families_is_served_interleaved(tmp_path: Path, clock) -> None:
    home = tmp_path / "home"
    (home / "decks").mkdir(parents=True)
    (home / "decks" / "blocks.yaml").write_text(_deck(), encoding="utf-8")
    with Profile.open(home, ["blocks"], now=clock, tz=UTC, rng=random.Random(3)) as profile:
        session = profile.session()
        served = []
        while (shown := session.next()) is not None:
            served.append(shown.item.exercise.family)
            session.answer(shown, 4)  # Easy: nothing comes back today
    assert sorted(served) == sorted(BLOCKED)
    # Never two of one family back to back, though the deck lists them in blocks.
    assert all(a != b for a, b in itertools.pairwise(served))
    # Each family's turn comes round every four items: the first four are four families,
    # and the two optimizers (confusable) stand next to each other in the rotation.
    assert len(set(served[:4])) == 4
    first = served[:4]
    assert abs(first.index("adam") - first.index("sgd-momentum")) == 1


def test_spread_keeps_each_familys_own_order() -> None:
    items = [("a", 1), ("a", 2), ("b", 1), ("a", 3), ("b", 2), ("c", 1)]
    out = spread(items, lambda t: t[0])
    assert out == [("a", 1), ("b", 1), ("c", 1), ("a", 2), ("b", 2), ("a", 3)]


def test_confusable_families_join_their_group_in_the_rotation() -> None:
    items = ["adam", "conv-output-size", "rmsprop", "layer-norm"]
    assert spread(items, str) == ["adam", "rmsprop", "conv-output-size", "layer-norm"]


def test_no_repeats_moves_the_nearest_other_item_forward() -> None:
    # "" is a card: it never clashes, and it may step in between two items of one family.
    assert no_repeats(["a", "a", "", "b", "b", "a"], str) == ["a", "", "a", "b", "a", "b"]
    assert no_repeats(["a", "a", "a"], str) == ["a", "a", "a"]  # nothing else is waiting
