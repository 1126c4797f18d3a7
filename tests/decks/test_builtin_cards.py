"""The built-in flashcard decks: complete, readable in a terminal, and right on the facts.

Facts are recomputed here from first principles (layer sizes, formulas), not copied from the decks.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections import Counter

import pytest

from gradeck import paths
from gradeck.decks.cards import cloze_answer, hole_ids, normalise, parse_holes, typed_matches
from gradeck.decks.library import deck_files
from gradeck.decks.loader import load_deck
from gradeck.decks.model import CARD_TYPES, Card, Deck

DECK_IDS = ("nn-glossary", "hyperparameters", "frameworks", "pitfalls")

# Every term the decks must teach, by deck. A tuple lists accepted spellings of one term.
REQUIRED_TERMS: dict[str, list[str | tuple[str, ...]]] = {
    "nn-glossary": [
        "bias",
        "weight",
        "learning rate",
        "epoch",
        "batch size",
        "activation function",
        "gradient",
        "loss function",
        "predicted",
        ("actual", "target"),
        "backpropagation",
        "from the output",
        "θ ← θ − η",
        "forward pass",
        "backward pass",
        "update",
        "repeat",
        ("iteration", "step"),
        "mini-batch",
        "overfitting",
        "underfitting",
        "validation set",
        "test set",
        "sigmoid",
        "tanh",
        "relu",
        "softmax",
        "mean squared error",
        "cross-entropy",
        "chain rule",
        "vanishing",
        "hyperparameter",
        "one-hot",
        "logits",
        "dropout",
        "early stopping",
        ("regularisation", "regularization"),
    ],
    "hyperparameters": [
        "loss function",
        "epochs",
        "optimizer",
        "learning rate",
        "dropout rate",
        "batch size",
        "hidden layers",
        "neurons",
        "activation",
        ("initialisation", "initialization"),
        ("normalisation", "normalization"),
        "kernel size",
        "stride",
        "padding",
        "hidden size",
        "sequence length",
        "num_layers",
        "lstm",
        "gru",
        "momentum",
        "weight decay",
        "bias",
    ],
    "frameworks": [
        "keras.sequential",
        "dense",
        "dropout",
        "compile",
        "fit",
        "to_categorical",
        "gradienttape",
        "nn.module",
        "forward",
        "nn.sequential",
        "nn.linear",
        "crossentropyloss",
        "zero_grad",
        "backward",
        "step",
        "784",
        "255",
        "one-hot",
        "adam",
        "sgd",
        "momentum",
        "onnx",
    ],
    "pitfalls": [
        "crossentropyloss",
        "zero_grad",
        "model.eval()",
        "too high",
        "hyperparameter",
        "mse",
        "shuffle",
        "leakage",
        "training set",
        "nan",
    ],
}

# Hyperparameters whose cards must say what goes wrong at either extreme.
EXTREMES = [
    "epochs",
    "learning rate",
    "dropout rate",
    "batch size",
    "hidden layers",
    "weight initialisation",
    "kernel size",
    "stride",
    "hidden size",
    "sequence length",
    "number of rnn layers",
    "weight decay",
]

MAX_LINES = 6  # a back, answer or note must fit a small terminal
WIDTH = 76  # 80 columns minus the reviewer's indent


@pytest.fixture(scope="module")
def decks() -> dict[str, Deck]:
    files = deck_files(paths.builtin_dir("cards"))
    loaded = [load_deck(path, builtin=True) for path in files]
    return {deck.id: deck for deck in loaded}


def card_text(card: Card) -> str:
    """Everything a learner can read on a card, with cloze holes filled in."""
    parts = [card.front, card.back, card.question, *card.correct, *card.wrong]
    parts += [*card.answers, card.note]
    if card.type == "cloze":
        parts += [cloze_answer(card.text, hole) for hole in hole_ids(card.text)]
    return "\n".join(p for p in parts if p)


def deck_text(deck: Deck) -> str:
    return "\n".join(card_text(c) for c in deck.cards).casefold()


def find(deck: Deck, card_id: str) -> Card:
    matches = [c for c in deck.cards if c.id == card_id]
    assert matches, f"{deck.id} has no card {card_id!r}"
    return matches[0]


def dense_params(sizes: list[int]) -> int:
    """Weights plus biases of a chain of fully connected layers."""
    return sum(n_in * n_out + n_out for n_in, n_out in itertools.pairwise(sizes))


def spaced(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def test_the_four_builtin_decks_load(decks: dict[str, Deck]) -> None:
    assert set(DECK_IDS) <= set(decks)
    for deck_id in DECK_IDS:
        assert decks[deck_id].builtin
        assert decks[deck_id].path.name.endswith(f"-{deck_id}.yaml")
    # Files are numbered in study order: a new learner meets the glossary first.
    first = min(decks[d].path.name for d in DECK_IDS)
    assert first == "1-nn-glossary.yaml"


def test_enough_cards_and_every_type_in_every_deck(decks: dict[str, Deck]) -> None:
    total = sum(len(decks[d].cards) for d in DECK_IDS)
    assert total >= 120
    for deck_id in DECK_IDS:
        types = Counter(card.type for card in decks[deck_id].cards)
        assert set(types) == set(CARD_TYPES), (deck_id, types)
        assert len(decks[deck_id].cards) >= 25


def test_every_card_has_its_own_tags(decks: dict[str, Deck]) -> None:
    for deck_id in DECK_IDS:
        for card in decks[deck_id].cards:
            assert card.tags, f"{deck_id}/{card.id} has no tags"


def test_richer_card_features_are_used(decks: dict[str, Deck]) -> None:
    cards = [c for d in DECK_IDS for c in decks[d].cards]
    cloze_hints = [h for c in cards if c.type == "cloze" for h in parse_holes(c.text) if h.hint]
    assert len(cloze_hints) >= 5
    assert sum(c.type == "choice" and len(c.correct) > 1 for c in cards) >= 5
    assert sum(c.type == "typed" and len(c.answers) > 1 for c in cards) >= 5
    assert sum(bool(c.note) for c in cards) >= 40


@pytest.mark.parametrize("deck_id", DECK_IDS)
def test_required_terms_are_covered(decks: dict[str, Deck], deck_id: str) -> None:
    text = deck_text(decks[deck_id])
    missing = []
    for term in REQUIRED_TERMS[deck_id]:
        spellings = term if isinstance(term, tuple) else (term,)
        if not any(s.casefold() in text for s in spellings):
            missing.append(term)
    assert missing == []


def test_hyperparameter_cards_say_what_goes_wrong_at_the_extremes(
    decks: dict[str, Deck],
) -> None:
    cards = [card_text(c).casefold() for c in decks["hyperparameters"].cards]
    for name in EXTREMES:
        words = name.split()
        assert any(all(w in t for w in words) and "too " in t for t in cards), name


def test_texts_fit_a_small_terminal(decks: dict[str, Deck]) -> None:
    for deck_id in DECK_IDS:
        for card in decks[deck_id].cards:
            for field in (card.front, card.back, card.question, card.note, card.text):
                lines = textwrap.wrap(field, WIDTH)
                assert len(lines) <= MAX_LINES, f"{deck_id}/{card.id}: {field[:40]}..."


def test_typed_answers_are_distinct(decks: dict[str, Deck]) -> None:
    for deck_id in DECK_IDS:
        for card in decks[deck_id].cards:
            if card.type == "typed":
                normalised = [normalise(a) for a in card.answers]
                assert len(set(normalised)) == len(normalised), card.id


@pytest.mark.parametrize(
    ("card_id", "sizes"),
    [
        ("mnist-params-one-hidden", [784, 512, 10]),
        ("mnist-params-two-hidden", [784, 512, 512, 10]),
        ("mnist-params-torch", [784, 512, 256, 10]),
    ],
)
def test_mlp_parameter_counts(decks: dict[str, Deck], card_id: str, sizes: list[int]) -> None:
    card = find(decks["frameworks"], card_id)
    count = dense_params(sizes)
    assert typed_matches(str(count), card.answers)
    assert typed_matches(spaced(count), card.answers)
    assert spaced(count) in card.note
    assert " → ".join(str(s) for s in sizes) in card.question


def test_the_seed_keras_model_has_407050_parameters(decks: dict[str, Deck]) -> None:
    # Dense(512) on 784 inputs, Dropout (no parameters), Dense(10).
    count = 784 * 512 + 512 + 512 * 10 + 10
    assert count == dense_params([784, 512, 10]) == 407_050
    assert spaced(count) in deck_text(decks["frameworks"])
    assert spaced(count) in find(decks["pitfalls"], "keras-notes-layer-count").back
    # The two-hidden-layer network is a different, larger model.
    assert dense_params([784, 512, 512, 10]) == 669_706


def test_bias_is_a_parameter_not_a_hyperparameter(decks: dict[str, Deck]) -> None:
    card = find(decks["hyperparameters"], "bias-is-a-parameter")
    assert card.back.startswith("No.")
    assert "parameter" in card.back and "learned" in card.back
    choice = find(decks["hyperparameters"], "which-are-hyperparameters")
    assert any("bias" in option for option in choice.wrong)
    assert not any("bias" in option for option in choice.correct)
    glossary_bias = find(decks["nn-glossary"], "bias")
    assert "not a hyperparameter" in glossary_bias.note
    pitfall = find(decks["pitfalls"], "bias-not-hyperparameter")
    assert pitfall.back.startswith("A bias is a parameter")
    for deck_id in DECK_IDS:
        for c in decks[deck_id].cards:
            if c.type == "choice" and "hyperparameter" in c.question.casefold():
                assert not any("bias" in o.casefold() for o in c.correct), c.id


def test_softmax_before_cross_entropy_pitfall(decks: dict[str, Deck]) -> None:
    card = find(decks["pitfalls"], "softmax-before-cross-entropy")
    assert "nn.Softmax" in card.front and "nn.CrossEntropyLoss" in card.front
    assert "log-softmax" in card.back and "logits" in card.back
    choice = find(decks["pitfalls"], "softmax-before-ce-choice")
    assert [o for o in choice.correct if "logits" in o] == list(choice.correct)
    assert "softmax probabilities" in choice.wrong
    # With a softmax in front, the loss of a 10-class model is bounded below by the
    # cross-entropy of softmax(one-hot): −log(e / (e + 9)).
    floor = -math.log(math.e / (math.e + 9))
    floor_card = find(decks["pitfalls"], "symptom-loss-floor")
    assert f"{floor:.2f}" in floor_card.front
    assert f"{floor:.3f}" in floor_card.note


def test_other_classic_pitfalls_are_present(decks: dict[str, Deck]) -> None:
    pitfalls = decks["pitfalls"]
    assert "adds the new gradients" in find(pitfalls, "forgot-zero-grad").back
    assert "Dropout" in find(pitfalls, "eval-mode").back
    assert "too high" in find(pitfalls, "lr-too-high").back
    assert "σ′(z)" in find(pitfalls, "sigmoid-mse-classification").back
    assert "shuffle=True" in find(pitfalls, "no-shuffle").note
    assert "training split only" in find(pitfalls, "data-leakage").note


def test_worked_numbers(decks: dict[str, Deck]) -> None:
    glossary, hyper = decks["nn-glossary"], decks["hyperparameters"]
    sigmoid_slopes = [s * (1 - s) for s in (1 / (1 + math.exp(-z / 100)) for z in range(-500, 501))]
    assert typed_matches(f"{max(sigmoid_slopes):.2f}", find(glossary, "sigmoid-derivative").answers)
    assert typed_matches(f"{0.5 - 0.1 * 2:.1f}", find(glossary, "update-rule-numbers").answers)
    assert typed_matches(str(math.ceil(60_000 / 100)), find(glossary, "steps-per-epoch").answers)
    assert f"⌈{60_000 / 128}⌉ = {math.ceil(60_000 / 128)}" in find(glossary, "steps-per-epoch").note

    def conv_out(w: int, k: int, p: int, s: int) -> int:
        return (w - k + 2 * p) // s + 1

    assert typed_matches(str(conv_out(28, 5, 0, 1)), find(hyper, "conv-output-example").answers)
    assert typed_matches(str(conv_out(32, 3, 1, 2)), find(hyper, "conv-output-example-2").answers)
    assert typed_matches(str(3 * 3 * 16 * 32 + 32), find(hyper, "conv-params").answers)
    assert typed_matches("32", find(hyper, "fit-default-batch-size").answers)
