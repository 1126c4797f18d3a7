"""Obsidian and Logseq flashcards, Anki's plain-text export headers and HTML, and exports that
Anki updates in place: CSV guids and note types shared across decks."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from pathlib import Path

import genanki

from gradeck.cli import main
from gradeck.decks.html_text import html_to_text
from gradeck.decks.importer import import_file
from gradeck.decks.loader import load_deck
from gradeck.decks.notes_logseq import read_logseq
from gradeck.decks.notes_obsidian import read_obsidian

ROOT = Path(__file__).parents[2]

OBSIDIAN = """---
tags: [flashcards]
---
# Week 1 #flashcards/nn/week-1

Epoch::One pass over the whole training set
Sigmoid:::σ(z) = 1/(1 + e^(−z)) <!--SR:!2024-01-01,3,250-->

What does backpropagation compute?
?
The gradient of the loss
with respect to every weight.

ReLU
??
max(0, z)

The ==learning rate== scales each ==gradient== step.

Just some prose.
"""

LOGSEQ = """- What does the chain rule give for ∂L/∂w? #card
  card-last-interval:: 4
  card-repeats:: 1
\t- ∂L/∂ŷ · ∂ŷ/∂z
\t\t- times ∂z/∂w
- {{cloze Dropout}} is only active while {{cloze training}} #card
- A note, not a card
- A lonely question #card
"""


def test_obsidian_cards() -> None:
    found = read_obsidian(OBSIDIAN)
    cards = [(c.line, c.fields) for c in found.cards]
    assert cards == [
        (6, {"front": "Epoch", "back": "One pass over the whole training set"}),
        (7, {"type": "reversible", "front": "Sigmoid", "back": "σ(z) = 1/(1 + e^(−z))"}),
        (9, {"front": "What does backpropagation compute?",
             "back": "The gradient of the loss\nwith respect to every weight."}),
        (14, {"type": "reversible", "front": "ReLU", "back": "max(0, z)"}),
        (18, {"type": "cloze",
              "text": "The {{c1::learning rate}} scales each {{c2::gradient}} step."}),
    ]  # fmt: skip
    assert found.tags == ("flashcards", "nn-week-1")
    assert [(line, reason) for line, _, reason in found.skipped] == [
        (4, "text without '::', '?' or ==highlights=="),
        (20, "text without '::', '?' or ==highlights=="),
    ]


def test_logseq_cards() -> None:
    found = read_logseq(LOGSEQ)
    assert [(c.line, c.fields) for c in found.cards] == [
        (1, {"front": "What does the chain rule give for ∂L/∂w?",
             "back": "- ∂L/∂ŷ · ∂ŷ/∂z\n  - times ∂z/∂w"}),
        (6, {"type": "cloze", "text": "{{c1::Dropout}} is only active while {{c2::training}}"}),
    ]  # fmt: skip
    assert found.skipped == [(8, 8, "a #card block without child blocks")]


def test_a_card_nested_in_an_answer_is_a_card_too() -> None:
    text = "- Outer #card\n  - inner question #card\n    - inner answer\n"
    found = read_logseq(text)
    assert [c.fields for c in found.cards] == [
        {"front": "Outer", "back": "- inner question\n  - inner answer"},
        {"front": "inner question", "back": "inner answer"},
    ]


def test_import_command_knows_each_format(tmp_path: Path, capsys) -> None:
    for name, text, count in (("obs.md", OBSIDIAN, 5), ("page.md", LOGSEQ, 2)):
        source = tmp_path / name
        source.write_text(text, encoding="utf-8")
        out = tmp_path / f"{name}.yaml"
        assert main(["import", str(source), "-o", str(out)]) == 0
        assert f"imported {count} card(s)" in capsys.readouterr().err
        assert main(["validate", str(out)]) == 0, capsys.readouterr().out
        capsys.readouterr()


def test_parsers_stay_linear_on_hostile_notes() -> None:
    # Each would take hours with a backtracking pattern; here they finish and find what is there.
    assert len(read_obsidian("==a" * 3_000).cards) == 1
    assert read_obsidian(":" * 9_000 + "x").cards == []
    deep = "".join(f"{'  ' * i}- q{i} #card\n" for i in range(3000))
    assert len(read_logseq(deep).cards) >= 1
    assert read_logseq("{{cloze " * 20_000 + " #card").cards == []


def test_html_keeps_its_meaning() -> None:
    assert html_to_text("σ(z) = 1/(1 + e<sup>−z</sup>)") == "σ(z) = 1/(1 + e^(−z))"
    assert html_to_text("x<sup>2</sup> + W<sub>1</sub>&nbsp;&amp;&lt;") == "x^2 + W_1 &<"
    assert html_to_text("Steps:<ol><li>forward</li><li>backward</li></ol>") == (
        "Steps:\n1. forward\n2. backward"
    )
    assert html_to_text("<ul><li>a<ul><li>b</li></ul></li></ul>") == "- a\n  - b"
    assert html_to_text("<pre><code>y = model(x)\n  loss.backward()</code></pre>") == (
        "y = model(x)\n  loss.backward()"
    )
    assert html_to_text("a<br>b<div>c</div><script>alert(1)</script>") == "a\nb\nc"
    assert html_to_text("<b>bold</b> <i>it</i> <unclosed") == "bold it <unclosed"
    assert len(html_to_text("<sup>" * 100_000 + "x")) < 20


ANKI_EXPORT = """#separator:tab
#html:true
#guid column:1
#notetype column:2
#deck column:3
#tags column:6
Ab1$xY\tBasic\tNN::Week 1\tWhat is σ(z)?\t1/(1 + e<sup>−z</sup>)\tactivations
Cd2!zQ\tBasic (and reversed card)\tNN::Week 2\tReLU\t<ul><li>max(0, z)</li><li>cheap</li></ul>\t
Ef3#wR\tCloze\tNN\t{{c1::Adam}} keeps two moments\t\tmarked
"""


def test_anki_text_export_keeps_its_columns(tmp_path: Path) -> None:
    source = tmp_path / "anki.txt"
    source.write_text(ANKI_EXPORT, encoding="utf-8")
    cards = import_file(source).cards
    assert [c["front" if "front" in c else "text"] for c in cards] == [
        "What is σ(z)?",
        "ReLU",
        "{{c1::Adam}} keeps two moments",
    ]
    assert cards[0]["back"] == "1/(1 + e^(−z))"
    assert cards[1]["type"] == "reversible" and cards[1]["back"] == "- max(0, z)\n- cheap"
    assert cards[0]["tags"] == ["activations", "nn/week-1"]
    assert cards[2]["tags"] == ["marked", "nn"]
    # ids come from the guids: an edited note keeps its id, and its progress
    edited = ANKI_EXPORT.replace("What is σ(z)?", "What does σ(z) compute?")
    source.write_text(edited, encoding="utf-8")
    again = import_file(source).cards
    assert [c["id"] for c in again] == [c["id"] for c in cards]
    assert len({c["id"] for c in cards}) == 3 and all(c["id"].startswith("anki-") for c in cards)


def test_csv_export_carries_the_apkg_guids_and_imports_back(
    all_types: Path, tmp_path: Path
) -> None:
    out = tmp_path / "all.csv"
    assert main(["export", str(all_types), "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8").split("\n", 7)[7])))
    deck = load_deck(all_types)
    assert [r[4] for r in rows] == [genanki.guid_for("all-types", c.id) for c in deck.cards]
    back = import_file(out).cards
    assert len(back) == 5 and len({c["id"] for c in back}) == 5


def _model_ids(path: Path, tmp_path: Path) -> set[str]:
    with zipfile.ZipFile(path) as package:
        package.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        return {str(mid) for (mid,) in db.execute("select distinct mid from notes")}
    finally:
        db.close()


def test_every_built_in_deck_shares_the_same_note_types(tmp_path: Path, home: Path) -> None:
    decks = sorted((ROOT / "cards").glob("*.yaml")) + sorted((ROOT / "quizzes").glob("*.yaml"))
    used: set[str] = set()
    for n, path in enumerate(decks):
        out = tmp_path / f"{n}.apkg"
        assert (
            main(["export", str(path), "--format", "apkg", "--variants", "1", "-o", str(out)]) == 0
        )
        folder = tmp_path / str(n)
        folder.mkdir()
        used |= _model_ids(out, folder)
    assert len(decks) >= 9
    assert len(used) <= 5  # basic (with reversible), cloze, choice, typed, exercise


def test_a_card_turned_reversible_keeps_its_note_and_note_type(tmp_path: Path) -> None:
    basic = tmp_path / "d.yaml"
    basic.write_text(
        "format: 1\nid: d\ntitle: D\ncards:\n  - id: relu\n    front: ReLU\n    back: max(0, z)\n",
        encoding="utf-8",
    )
    reversible = tmp_path / "r" / "d.yaml"
    reversible.parent.mkdir()
    reversible.write_text(
        basic.read_text(encoding="utf-8").replace("id: relu\n", "id: relu\n    type: reversible\n"),
        encoding="utf-8",
    )
    seen = []
    for n, path in enumerate((basic, reversible)):
        out = tmp_path / f"{n}.apkg"
        assert main(["export", str(path), "--format", "apkg", "-o", str(out)]) == 0
        folder = tmp_path / f"x{n}"
        folder.mkdir()
        with zipfile.ZipFile(out) as package:
            package.extract("collection.anki2", folder)
        db = sqlite3.connect(folder / "collection.anki2")
        seen.append(db.execute("select guid, mid from notes").fetchall())
        db.close()
    assert seen[0] == seen[1] == [(genanki.guid_for("d", "relu"), seen[0][0][1])]
