"""The hostile corpus in `hostile/`, tried as an attacker would (issue 9, item 10).

Every deck goes through `validate`, `show`, `preview`, `worksheet` and `export` (apkg, csv);
every note file through `import`; every network spec through `solve`. A deck named `ok-*` is
valid but carries payloads (HTML, spreadsheet formulas, Textual markup) that must come out
harmless; every other file must be refused with a located message. Nothing may print a
traceback or a raw control character. Work is bounded by the limits each refusal names (the
2 MB import cases are timed under a CPU limit in test_import_hostile.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
import yaml

from gradeck.cli import main
from gradeck.text import control_chars

CORPUS = Path(__file__).parent / "hostile"
DECKS = sorted((CORPUS / "decks").glob("*.yaml"))
NOTES = sorted((CORPUS / "notes").iterdir())
SPECS = sorted((CORPUS / "specs").glob("*.yaml"))
OUR_TAGS = re.compile(r"</?(br|pre)>")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    for stream in (out, err):
        assert "Traceback" not in stream and "internal error" not in stream, stream
        assert control_chars(stream) == [], repr(stream)
    return code, out, err


def _located(path: Path, text: str) -> bool:
    return re.search(rf"{re.escape(str(path))}:\d+:\d+: error: ", text) is not None


def _has_exercises(path: Path) -> bool:
    return "exercises:" in path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.name)
def test_hostile_deck_through_every_command(path: Path, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("GRADECK_HOME", str(tmp_path / "home"))
    valid = path.name.startswith("ok-")
    code, out, _ = _run(capsys, "validate", str(path))
    assert code == (0 if valid else 1)
    assert valid or _located(path, out), out
    commands = [
        ["show", str(path)],
        ["export", str(path), "--format", "csv", "-o", str(tmp_path / "d.csv")],
        ["export", str(path), "--format", "apkg", "-o", str(tmp_path / "d.apkg")],
    ]
    if _has_exercises(path):
        commands += [
            ["preview", str(path), "--seed", "1"],
            ["worksheet", str(path), "--count", "1", "-o", str(tmp_path / "w.md")],
        ]
    for argv in commands:
        code, out, err = _run(capsys, *argv)
        assert code == (0 if valid else 1), (argv, err)
        assert valid or _located(path, err), err
    if valid:
        _csv_is_defused(tmp_path / "d.csv")
        _apkg_is_escaped(tmp_path / "d.apkg", tmp_path)
        if _has_exercises(path):
            assert control_chars((tmp_path / "w.md").read_text(encoding="utf-8")) == []


def _csv_is_defused(path: Path) -> None:
    body = "\n".join(x for x in path.read_text(encoding="utf-8").splitlines() if x[:1] != "#")
    for row in csv.reader(io.StringIO(body)):
        for cell in row[:-1]:  # the last is Anki's guid: a hash, kept to the character
            assert not cell.startswith(("=", "+", "-", "@")), cell


def _apkg_is_escaped(path: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(path) as package:
        package.extract("collection.anki2", tmp_path / "apkg")
    db = sqlite3.connect(tmp_path / "apkg" / "collection.anki2")
    decks = json.loads(db.execute("select decks from col").fetchone()[0])
    for deck in decks.values():
        assert "<" not in deck["name"] and "<" not in deck.get("desc", ""), deck
    for fields, tags in db.execute("select flds, tags from notes"):
        assert "<" not in OUR_TAGS.sub("", fields), fields
        assert "<" not in tags


@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.name)
def test_hostile_notes_import_harmlessly_or_are_refused(path: Path, tmp_path: Path, capsys):
    out_file = tmp_path / "deck.yaml"
    code, _, err = _run(capsys, "import", str(path), "-o", str(out_file))
    assert code in (0, 1)
    if code == 1:
        assert err.startswith("gradeck: ") and str(path) in err, err
        return
    deck = yaml.safe_load(out_file.read_text(encoding="utf-8"))
    texts = [v for card in deck["cards"] for v in card.values() if isinstance(v, str)]
    assert texts and all(control_chars(t) == [] for t in texts)
    code, _, _ = _run(capsys, "validate", str(out_file))
    assert code == 0


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_hostile_specs_are_refused_where_they_go_wrong(path: Path, capsys) -> None:
    code, _, err = _run(capsys, "solve", str(path))
    assert code == 1 and _located(path, err), err


def test_the_corpus_covers_each_kind() -> None:
    assert len(DECKS) >= 15 and len(NOTES) >= 5 and len(SPECS) >= 3
    assert sum(p.name.startswith("ok-") for p in DECKS) >= 3
