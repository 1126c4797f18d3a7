"""Typed flashcards: numbers read as exercises read them, text folded (corpus/typed_cards.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gradeck.decks.cards import typed_matches
from gradeck.decks.loader import load_deck
from gradeck.problems import ProblemsError

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "typed_cards.yaml").read_text())


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: f"{c['accepted'][0]}:{c['typed']}")
def test_typed_card_answer(case: dict) -> None:
    assert typed_matches(case["typed"], case["accepted"]) is case["right"]


def _deck(tmp_path: Path, card: str) -> Path:
    path = tmp_path / "deck.yaml"
    path.write_text(
        "format: 1\nid: t\ntitle: T\ncards:\n" + card,
        encoding="utf-8",
    )
    return path


def test_a_card_lists_alternatives(tmp_path: Path) -> None:
    path = _deck(
        tmp_path,
        "  - id: step\n    type: typed\n    question: The direction of a descent step?\n"
        "    answer: the negative gradient\n    alternatives: [against the gradient, downhill]\n",
    )
    (card,) = load_deck(path).cards
    assert card.answers[0] == "the negative gradient"  # still the one shown
    for typed in ("negative gradient", "Against the gradient", "downhill"):
        assert typed_matches(typed, card.answers), typed
    assert not typed_matches("uphill", card.answers)


def test_alternatives_belong_to_typed_cards_only(tmp_path: Path) -> None:
    path = _deck(tmp_path, "  - id: b\n    front: F\n    back: B\n    alternatives: [x]\n")
    with pytest.raises(ProblemsError, match="'alternatives' does not apply to a basic card"):
        load_deck(path)
