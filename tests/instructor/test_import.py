"""`gradeck import`: Markdown notes and Anki-style CSV become valid decks with stable ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from gradeck.cli import main
from gradeck.decks.importer import import_file
from gradeck.decks.loader import load_deck
from gradeck.decks.notes import slug
from gradeck.decks.notes_csv import import_csv
from gradeck.decks.notes_markdown import import_markdown

SEED = Path("/work/shared/seed")
if not SEED.is_dir():  # a clone elsewhere: the notes sit beside the repository
    SEED = Path(__file__).resolve().parents[3] / "shared" / "seed"


def _load(tmp_path: Path, deck: dict, name: str = "deck.yaml"):
    """Write the imported deck and read it back through the real loader."""
    from gradeck.decks.notes import dump_deck

    path = tmp_path / name
    path.write_text(dump_deck(deck), encoding="utf-8")
    return load_deck(path)


def _fronts(deck: dict) -> dict[str, dict]:
    return {c.get("front", c.get("text", c.get("question"))): c for c in deck["cards"]}


@pytest.mark.skipif(not SEED.is_dir(), reason="seed notes not available")
def test_seed_notes_give_a_valid_deck_with_every_glossary_term(tmp_path: Path) -> None:
    for notes in sorted(SEED.glob("*.txt")):
        result = import_file(notes)
        deck = _load(tmp_path, result.deck)
        fronts = {card.front for card in deck.cards}
        # every glossary line of the notes (a term in backticks or bold, then a colon)
        text = notes.read_text(encoding="utf-8")
        terms = re.findall(r"^\W*(?:`{1,3}|\*\*)([^`*\n]+?)(?:`{1,3}|\*\*):", text, re.M)
        assert len(terms) >= 10
        assert set(terms) <= fronts
        by_front = {card.front: card for card in deck.cards}
        assert by_front["Bias"].back.startswith("A bias is a scalar value")
        assert by_front["Bias"].id == "bias"
        assert by_front["B-P working"].id == "b-p-working"
        assert "basic-terms-concepts-good-for-revision" in by_front["Bias"].tags
        # the list of hyperparameters under its heading is one card, the Q/A pair another
        listing = by_front["Hyperparameters you can define while defining a model"].back
        assert listing.count("• ") == 14 and "• Dropout Rate" in listing
        qa = by_front["How are parameters updated during backpropagation?"].back
        assert "parameter = parameter - learning_rate * gradient" in qa
        # code and prose are reported, with the lines a reader can check in the notes
        reasons = {(s.line, s.end): s.reason for s in result.skipped}
        assert reasons[(45, 72)].startswith("a code block")
        assert reasons[(221, 223)] == "a table"


def test_glossary_forms_headings_and_lists() -> None:
    notes = """# Neurons
**Bias**: shifts the activation
  without depending on the input.
- **Weight:** scales one input.
⭐```ReLU```: max(0, z)

## Activation functions
- sigmoid
- tanh
  (a scaled sigmoid)
* relu

# Training
**Steps of a training loop:**
1. forward pass
2. loss
"""
    result = import_markdown(notes, "notes.md")
    cards = _fronts(result.deck)
    assert cards["Bias"]["back"] == "shifts the activation without depending on the input."
    assert cards["Bias"]["tags"] == ["neurons"]
    assert cards["Weight"]["back"] == "scales one input."
    assert cards["ReLU"]["back"] == "max(0, z)"
    listed = cards["Activation functions"]
    assert listed["back"] == "• sigmoid\n• tanh (a scaled sigmoid)\n• relu"
    assert listed["tags"] == ["neurons", "activation-functions"]
    assert listed["id"] == "activation-functions"
    loop = cards["Steps of a training loop"]
    assert loop["back"] == "• forward pass\n• loss" and loop["tags"] == ["training"]
    assert result.deck["title"] == "Neurons"
    assert result.skipped == []


def test_question_answer_pairs_and_what_is_skipped() -> None:
    notes = """Q: What does the learning rate scale?
A: The step taken along the negative gradient.

**Q:** Which loss suits two classes?
**A:** Binary cross-entropy.

Q: A question nobody answered

- a list with no heading

Some prose.
A: an answer with no question
"""
    result = import_markdown(notes, "qa.md")
    cards = _fronts(result.deck)
    assert cards["What does the learning rate scale?"]["back"] == (
        "The step taken along the negative gradient."
    )
    assert cards["Which loss suits two classes?"]["back"] == "Binary cross-entropy."
    assert cards["Which loss suits two classes?"]["id"] == "which-loss-suits-two-classes"
    skipped = [(s.line, s.end, s.reason) for s in result.skipped]
    assert skipped == [
        (7, 7, "a Q: with no A: after it"),
        (9, 9, "a list with no heading or bold title above it"),
        (
            11,
            11,
            "a paragraph that is not a card form "
            "(**Term**: definition, Q:/A:, or a list under a heading)",
        ),
        (12, 12, "an A: line with no Q: before it"),
    ]


def test_ids_are_slugs_stable_across_reimports_and_deduplicated(tmp_path: Path) -> None:
    notes = "**Learning rate**: η, the step size.\n**Bias**: b\n**Bias**: the other b\n"
    first = import_markdown(notes, "n.md").deck
    assert [c["id"] for c in first["cards"]] == ["learning-rate", "bias", "bias-2"]
    # a card added in front leaves every existing id as it was
    again = import_markdown("**Epoch**: one pass\n" + notes, "n.md").deck
    assert [c["id"] for c in again["cards"]] == ["epoch", "learning-rate", "bias", "bias-2"]
    assert import_markdown(notes, "n.md").deck == first
    # the exact same card twice is reported, not duplicated
    twice = import_markdown("**Bias**: b\n\n**Bias**: b\n", "n.md")
    assert len(twice.cards) == 1
    assert twice.skipped[0].reason == "a repeat of the card on line 1"
    _load(tmp_path, first)


def test_slug_rules() -> None:
    assert slug("Back-Propagation") == "back-propagation"
    assert slug("Café: Über-fast") == "cafe-uber-fast"
    long = slug("word " * 40)
    assert len(long) <= 60 and not long.endswith("-")
    # no ASCII letters at all: a short stable hash, still a valid id
    assert slug("σ′") == slug("σ′") and slug("σ′").startswith("card-")


def test_csv_with_anki_headers(tmp_path: Path) -> None:
    text = (
        "#separator:tab\n"
        "#html:true\n"
        "#tags:imported nn\n"
        "#columns:Front\tBack\tTags\n"
        "#tags column:3\n"
        "Bias\tshifts the <b>activation</b><br>left or right\tneuron basics\n"
        'Learning rate\t"the step size;\nη in the update"\toptim\n'
        "Empty back\t\t\n"
        "Epoch\tone pass &amp; no more\t\n"
    )
    path = tmp_path / "cards.txt"
    path.write_text(text, encoding="utf-8")
    result = import_file(path)
    cards = _fronts(result.deck)
    assert cards["Bias"]["back"] == "shifts the activation\nleft or right"
    assert cards["Bias"]["tags"] == ["neuron", "basics"]
    assert cards["Learning rate"]["back"] == "the step size;\nη in the update"
    assert cards["Epoch"]["back"] == "one pass & no more"
    assert result.deck["tags"] == ["imported", "nn"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (9, "a row with an empty front or back")  # line 7 starts a two-line row
    ]
    _load(tmp_path, result.deck)


def test_csv_note_types_column(tmp_path: Path) -> None:
    text = (
        "#separator:Semicolon\n#html:false\n#notetype column:1\n"
        "Basic;front one;back one\n"
        "Cloze;w ← w − {{c1::η}}·g;the update rule\n"
        "Basic (and reversed card);σ;sigmoid\n"
        "Basic (type in the answer);One pass is an ...;epoch\n"
        "Image Occlusion;x;y\n"
        "Cloze;no holes here;z\n"
    )
    result = import_csv(text, "mixed.csv")
    cards = result.cards
    assert cards[0] == {"id": "front-one", "front": "front one", "back": "back one"}
    assert cards[1] == {
        "id": "w-w-g",
        "type": "cloze",
        "text": "w ← w − {{c1::η}}·g",
        "note": "the update rule",
    }
    assert cards[2]["type"] == "reversible"
    assert cards[3] == {
        "id": "one-pass-is-an",
        "type": "typed",
        "question": "One pass is an ...",
        "answer": "epoch",
    }
    assert [s.line for s in result.skipped] == [8, 9]
    assert "note type 'Image Occlusion'" in result.skipped[0].reason
    _load(tmp_path, result.deck)


def test_cli_import_to_file_reports_skips_and_validates(tmp_path: Path, capsys) -> None:
    notes = tmp_path / "week1.md"
    notes.write_text("# Week 1\n**Bias**: b\n\n```\ncode\n```\n", encoding="utf-8")
    out = tmp_path / "week1.yaml"
    assert main(["import", str(notes), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{notes}:4-6: skipped a code block" in err
    assert "imported 1 card(s)" in err and "skipped 1 block(s)" in err
    assert main(["validate", str(out)]) == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["id"] == "week1" and data["cards"][0]["id"] == "bias"


def test_cli_import_to_stdout(tmp_path: Path, capsys) -> None:
    notes = tmp_path / "n.md"
    notes.write_text("**σ′(z)**: σ(z)·(1 − σ(z))\n", encoding="utf-8")
    assert main(["import", str(notes)]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["cards"][0]["back"] == "σ(z)·(1 − σ(z))"  # Unicode kept, not escaped


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"\x00\x01binary", "is a binary file"),
        (b"**Bias**: \xff\xfe", ":1: not valid UTF-8"),
        (b"just prose, no cards\n", "no cards found in"),
    ],
)
def test_cli_import_errors(tmp_path: Path, capsys, content: bytes | None, message: str) -> None:
    path = tmp_path / "notes.md"
    if content is not None:
        path.write_bytes(content)
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gradeck: ") and message in err


def test_csv_export_imports_back(all_types: Path, tmp_path: Path) -> None:
    """What `gradeck export --format csv` writes, `gradeck import` reads back."""
    out = tmp_path / "all.csv"
    assert main(["export", str(all_types), "--format", "csv", "-o", str(out)]) == 0
    result = import_file(out)
    cards = _fronts(result.deck)
    assert cards["What does a bias do?"]["back"] == "It shifts the activation."
    assert cards["σ(z) = 1 / (1 + e^(−z))"]["type"] == "reversible"
    assert cards["w ← w − {{c1::η}}·{{c2::∂L/∂w::which derivative?}}"]["type"] == "cloze"
    assert cards["One pass over the whole training set is called an ..."]["answer"] == "epoch"
    assert result.deck["title"] == "All card types"
    _load(tmp_path, result.deck)


def test_a_headerless_tab_separated_txt_imports(tmp_path: Path, capsys) -> None:
    path = tmp_path / "vocab.txt"
    path.write_text("Bias\tshifts the activation\nEpoch\tone pass, over all data\n", "utf-8")
    assert main(["import", str(path)]) == 0
    cards = yaml.safe_load(capsys.readouterr().out)["cards"]
    assert [(c["front"], c["back"]) for c in cards] == [
        ("Bias", "shifts the activation"),
        ("Epoch", "one pass, over all data"),
    ]


@pytest.mark.parametrize("header", ["front,back", "Front,Back", "question,answer"])
def test_a_plain_column_row_is_a_header_not_a_card(tmp_path: Path, header: str) -> None:
    path = tmp_path / "cards.txt"  # no .csv suffix: sniffed as two comma-separated columns
    path.write_text(f"{header}\nBias,shifts the activation\n", "utf-8")
    result = import_file(path)
    assert result.cards == [{"id": "bias", "front": "Bias", "back": "shifts the activation"}]
    assert result.skipped == []


def test_a_column_row_can_name_the_columns_in_another_order() -> None:
    result = import_csv("Back;Front;Tags\nshifts it;Bias;nn basics\n", "cards.csv")
    assert result.cards == [
        {"id": "bias", "front": "Bias", "back": "shifts it", "tags": ["nn", "basics"]}
    ]


def test_a_csv_with_semicolons_in_its_text_is_split_on_its_commas() -> None:
    result = import_csv("η; the step size,learning rate\nσ; squashes,sigmoid\n", "c.csv")
    assert [c["front"] for c in result.cards] == ["η; the step size", "σ; squashes"]


def test_prose_in_a_txt_stays_markdown(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("A line, with a comma\nand one without\n\n**Bias**: b\n", "utf-8")
    result = import_file(path)
    assert result.cards[0]["front"] == "Bias"


def test_no_cards_says_why_each_block_was_skipped(tmp_path: Path, capsys) -> None:
    path = tmp_path / "notes.md"
    path.write_text("just prose\n\n```\ncode\n```\n", "utf-8")
    assert main(["import", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"gradeck: no cards found in {path}; 2 block(s) skipped:",
        f"{path}:1: skipped a paragraph that is not a card form "
        "(**Term**: definition, Q:/A:, or a list under a heading)",
        f"{path}:3-5: skipped a code block (code does not become cards)",
    ]
    path.write_text("# Only a heading\n", "utf-8")
    assert main(["import", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"gradeck: no cards found in {path} (it holds no card text: only headings, a header "
        "row or blank lines)\n"
    )
