"""`gradeck export`: the .apkg is a real Anki package and the CSV carries Anki's headers."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from gradeck.cli import main
from gradeck.decks.library import review_items
from gradeck.decks.loader import load_deck


def open_apkg(path: Path, tmp_path: Path) -> sqlite3.Connection:
    """The package's collection: an .apkg is a zip holding the SQLite file collection.anki2."""
    with zipfile.ZipFile(path) as package:
        assert "collection.anki2" in package.namelist()
        package.extract("collection.anki2", tmp_path / "unzipped")
    return sqlite3.connect(tmp_path / "unzipped" / "collection.anki2")


def collection(db: sqlite3.Connection) -> tuple[dict, dict]:
    models_json, decks_json = db.execute("select models, decks from col").fetchone()
    return json.loads(models_json), json.loads(decks_json)


def test_apkg_holds_one_note_per_card_with_fitting_note_types(
    all_types: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "all.apkg"
    assert main(["export", str(all_types), "--format", "apkg", "-o", str(out)]) == 0
    assert "wrote 5 note(s)" in capsys.readouterr().err
    db = open_apkg(out, tmp_path)
    models, decks = collection(db)

    names = {m["name"] for m in models.values()}
    assert names == {"gradeck Basic", "gradeck Cloze", "gradeck Choice", "gradeck Typed"}
    by_name = {m["name"]: m for m in models.values()}
    assert by_name["gradeck Cloze"]["type"] == 1  # Anki's cloze model type
    # basic and reversible share a note type; its second card needs the Reverse field
    assert len(by_name["gradeck Basic"]["tmpls"]) == 2
    assert by_name["gradeck Basic"]["tmpls"][1]["qfmt"] == "{{#Reverse}}{{Back}}{{/Reverse}}"
    assert "{{type:Back}}" in by_name["gradeck Typed"]["tmpls"][0]["qfmt"]
    assert [d["name"] for d in decks.values() if d["name"] != "Default"] == ["All card types"]

    notes = {
        guid: (by_id["name"], flds.split("\x1f"), tags.split())
        for guid, mid, flds, tags in db.execute("select guid, mid, flds, tags from notes")
        for by_id in [models[str(mid)]]
    }
    # guids are genanki's hash of (deck id, card id): stable across exports
    expected = {genanki.guid_for("all-types", c) for c in ("bias", "sigmoid", "update")}
    expected |= {genanki.guid_for("all-types", c) for c in ("optimizers", "epoch")}
    assert set(notes) == expected

    name, fields, tags = notes[genanki.guid_for("all-types", "bias")]
    assert name == "gradeck Basic"
    assert fields == ["What does a bias do?", "It shifts the activation.", "", ""]
    name, fields, _ = notes[genanki.guid_for("all-types", "sigmoid")]
    assert name == "gradeck Basic" and fields[3] == "y"
    assert tags == ["demo", "two_words", "neuron"]
    name, fields, _ = notes[genanki.guid_for("all-types", "update")]
    assert fields[0] == "w ← w − {{c1::η}}·{{c2::∂L/∂w::which derivative?}}"
    name, fields, _ = notes[genanki.guid_for("all-types", "optimizers")]
    assert name == "gradeck Choice" and fields[0] == "Which of these are optimizers?"
    options = fields[1].split("<br>")
    assert sorted(o[3:] for o in options) == ["Adam", "Dropout", "RMSprop", "ReLU"]
    assert sorted(c[3:] for c in fields[2].split("<br>")) == ["Adam", "RMSprop"]
    name, fields, _ = notes[genanki.guid_for("all-types", "epoch")]
    assert name == "gradeck Typed"
    assert fields[:2] == ["One pass over the whole training set is called an ...", "epoch"]
    assert "an epoch" in fields[2]

    # Anki's cards match gradeck's review items: the reversible gives two, the cloze one per hole
    deck = load_deck(all_types)
    assert db.execute("select count(*) from cards").fetchone()[0] == len(list(review_items(deck)))


def test_apkg_ids_are_stable_and_note_types_shared(all_types: Path, tmp_path: Path) -> None:
    def ids(source: Path, label: str) -> tuple[set, set]:
        out = tmp_path / f"{label}.apkg"
        assert main(["export", str(source), "--format", "apkg", "-o", str(out)]) == 0
        models, decks = collection(open_apkg(out, tmp_path / label))
        return set(models), {k for k, d in decks.items() if d["name"] != "Default"}

    first, again = ids(all_types, "a"), ids(all_types, "b")
    assert first == again
    other = tmp_path / "other.yaml"
    other.write_text(
        all_types.read_text(encoding="utf-8").replace("id: all-types", "id: other"),
        encoding="utf-8",
    )
    second = ids(other, "c")
    # another deck: its own Anki deck, the same note types (not a set of them per deck)
    assert first[0] == second[0] and not (first[1] & second[1])


def test_csv_uses_anki_headers(all_types: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert main(["export", str(all_types), "--format", "csv", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:7] == [
        "#separator:Comma",
        "#html:false",
        "#deck:All card types",
        "#notetype column:1",
        "#tags column:4",
        "#guid column:5",
        "#columns:Note type,Front,Back,Tags,GUID",
    ]
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines(keepends=True)[7:]))
    assert [r[0] for r in rows] == [
        "Basic",
        "Basic (and reversed card)",
        "Cloze",
        "Basic",
        "Basic (type in the answer)",
    ]
    assert rows[0] == [
        "Basic",
        "What does a bias do?",
        "It shifts the activation.",
        "demo two_words neuron",
        genanki.guid_for("all-types", "bias"),  # the guid the .apkg gives the same note
    ]
    assert rows[1][2] == "the sigmoid function\n\nIts derivative is σ(z)(1 − σ(z))."
    assert rows[4][2] == "epoch"  # Anki compares the typed answer with the whole Back field


def test_export_errors(all_types: Path, tmp_path: Path, home: Path, capsys) -> None:
    assert main(["export", "no-such-deck", "--format", "csv", "-o", str(tmp_path / "x")]) == 1
    assert "no deck 'no-such-deck'" in capsys.readouterr().err
    missing_dir = tmp_path / "nowhere" / "x.apkg"
    assert main(["export", str(all_types), "--format", "apkg", "-o", str(missing_dir)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert main(["export", str(all_types), "--format", "xls", "-o", "x"]) == 2


@pytest.mark.parametrize("variants", ["-1", "51"])
def test_variants_are_bounded(all_types: Path, tmp_path: Path, variants: str, capsys) -> None:
    out = tmp_path / "x.csv"
    args = ["export", str(all_types), "--format", "csv", "-o", str(out), "--variants", variants]
    assert main(args) == 1
    assert "--variants must be between 0 and 50" in capsys.readouterr().err


EXERCISES = """format: 1
id: drills
title: Drills
tags: [week2]
exercises:
  - id: scale
    tags: [arithmetic]
    template:
      variables: {a: {min: 1, max: 9}}
      prompt: "Double {a}."
      parts: [{prompt: 2a?, answer: 2*a}]
  - id: update
    family: update-rule
"""


def test_exercise_items_export_as_generated_variants(tmp_path: Path) -> None:
    from gradeck.decks.export import variant_seed
    from gradeck.exercises.template import make_exercise
    from gradeck.exercises.worksheet import answer_text

    source = tmp_path / "drills.yaml"
    source.write_text(EXERCISES, encoding="utf-8")
    out = tmp_path / "drills.apkg"
    args = ["export", str(source), "--format", "apkg", "-o", str(out), "--variants", "3"]
    assert main(args) == 0
    db = open_apkg(out, tmp_path)
    models, decks = collection(db)
    assert [d["name"] for d in decks.values() if d["name"] != "Default"] == ["Drills"]
    rows = db.execute("select guid, mid, flds, tags from notes").fetchall()
    assert len(rows) == 6 and {models[str(mid)]["name"] for _, mid, _, _ in rows} == {
        "gradeck Exercise"
    }
    notes = {guid: (flds.split("\x1f"), tags.split()) for guid, _, flds, tags in rows}
    deck = load_deck(source)
    for item in deck.exercises:
        for index in range(3):
            seed = variant_seed("drills", item.id, index)
            fields, tags = notes[genanki.guid_for("drills", item.id, str(seed))]
            exercise = make_exercise(item.family, seed, item.difficulty, item.params, item.template)
            assert fields[2] == f"seed {seed}"
            assert html_text(fields[1]) == answer_text(exercise)
            assert html_text(fields[0]).startswith(f"{exercise.title}\n\n{exercise.prompt[:30]}")
            assert tags == (["week2", "arithmetic"] if item.id == "scale" else ["week2"])
    doubled = [html_text(f[1]) for f, _ in notes.values() if "Double" in f[0]]
    assert len(set(doubled)) > 1  # variants differ


def html_text(field: str) -> str:
    import html

    assert field.startswith("<pre>") and field.endswith("</pre>")
    return html.unescape(field[5:-6])


def test_several_decks_or_all_export_in_one_run(
    all_types: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("GRADECK_HOME", str(home))
    out = tmp_path / "out"
    assert main(["export", "nn-glossary", str(all_types), "--format", "csv", "-o", str(out)]) == 0
    glossary = load_deck(next(Path(__file__).parents[2].glob("cards/*glossary*.yaml")))
    typed = load_deck(all_types)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{glossary.id}.csv", f"{typed.id.replace('/', '_')}.csv"]
    )
    with (out / f"{glossary.id}.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle) if r and not r[0].startswith("#")]
    assert len(rows) == len(glossary.cards)
    capsys.readouterr()
    everything = tmp_path / "everything"
    assert main(["export", "--all", "--format", "csv", "-o", str(everything)]) == 0
    assert "exported" in capsys.readouterr().err
    builtin = list(Path(__file__).parents[2].glob("cards/*.yaml"))
    builtin += list(Path(__file__).parents[2].glob("quizzes/*.yaml"))
    assert len(list(everything.glob("*.csv"))) == len(builtin)


def test_export_wants_decks_or_all_not_both(all_types: Path, tmp_path: Path, capsys) -> None:
    out = str(tmp_path / "x")
    assert main(["export", "--format", "csv", "-o", out]) == 2
    assert main(["export", str(all_types), "--all", "--format", "csv", "-o", out]) == 2
    assert "--all" in capsys.readouterr().err
