"""The built-in exercise decks in quizzes/: valid, covering every family, and every item usable."""

from __future__ import annotations

from collections import defaultdict

import pytest

from gradeck import paths
from gradeck.cli import main
from gradeck.decks.library import builtin_files, deck_files
from gradeck.decks.loader import load_deck
from gradeck.exercises import registry
from gradeck.exercises.check import check_exercise
from gradeck.exercises.render import format_value

QUIZ_FILES = deck_files(paths.builtin_dir("quizzes"))
DECKS = [load_deck(path, builtin=True) for path in QUIZ_FILES]


def test_there_are_quiz_decks_with_exercises_only() -> None:
    assert len(DECKS) >= 5
    for deck in DECKS:
        assert deck.exercises, deck.id
        assert not deck.cards, deck.id
        assert deck.id.startswith("quiz-") and deck.title and deck.description


def test_validate_is_clean(capsys) -> None:
    assert main(["validate", str(paths.builtin_dir("quizzes"))]) == 0
    assert "no problems" in capsys.readouterr().out


def test_deck_ids_are_unique_among_builtin_decks() -> None:
    ids = [load_deck(path, builtin=True).id for path in builtin_files()]
    assert len(ids) == len(set(ids))


def test_every_family_is_covered_at_two_difficulties_or_more() -> None:
    levels: dict[str, set[int]] = defaultdict(set)
    for deck in DECKS:
        for item in deck.exercises:
            levels[item.family].add(item.difficulty)
    missing = sorted(set(registry.FAMILIES) - set(levels))
    assert not missing, f"families in no built-in quiz deck: {missing}"
    for name, info in registry.FAMILIES.items():
        assert len(levels[name]) >= 2, name
        assert levels[name] <= set(info.difficulties), name


@pytest.mark.parametrize("deck", DECKS, ids=lambda d: d.id)
def test_every_item_generates_and_checks_its_own_answers(deck) -> None:
    for item in deck.exercises:
        for seed in range(5):
            ex = registry.generate(item.family, seed, item.difficulty, item.params)
            answers = [format_value(part.expected) for part in ex.parts]
            assert check_exercise(ex, answers).all_right, (deck.id, item.id, seed)
