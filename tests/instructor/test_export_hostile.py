"""What an export carries cannot run: HTML escaped everywhere in an .apkg, formulas defused in
the CSV (issue 9, items 7 and 9)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

from gradeck.cli import main
from gradeck.decks.importer import import_file

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(document.cookie)</script>"

DECK = f"""format: 1
id: xss
title: "Nice {IMG}"
description: "About {SCRIPT} and <b>bold</b>"
tags: ["<svg onload=alert(1)>"]
cards:
  - {{id: a, front: "{IMG}", back: "{SCRIPT}", note: "<iframe src=javascript:alert(1)>"}}
  - {{id: f, front: "=HYPERLINK(\\"http://evil\\",\\"x\\")", back: "+1+cmd|' /C calc'!A0"}}
  - {{id: g, front: "-2+3", back: "@SUM(A1:A9)"}}
"""

# The only tags gradeck itself puts in a note's fields.
OURS = re.compile(r"</?(br|pre)>")


def _deck(tmp_path: Path) -> Path:
    path = tmp_path / "xss.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def _collection(path: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(path) as package:
        package.extract("collection.anki2", tmp_path / "unzipped")
    return sqlite3.connect(tmp_path / "unzipped" / "collection.anki2")


def test_apkg_escapes_the_deck_name_description_tags_and_fields(tmp_path: Path) -> None:
    out = tmp_path / "x.apkg"
    assert main(["export", str(_deck(tmp_path)), "--format", "apkg", "-o", str(out)]) == 0
    db = _collection(out, tmp_path)
    decks = json.loads(db.execute("select decks from col").fetchone()[0])
    [deck] = [d for d in decks.values() if d["name"] != "Default"]
    assert "<" not in deck["name"] and "Nice" in deck["name"]
    assert "<" not in deck["desc"]
    assert "&lt;script&gt;" in deck["desc"] and "&lt;b&gt;bold&lt;/b&gt;" in deck["desc"]
    for fields, tags in db.execute("select flds, tags from notes"):
        assert "<" not in OURS.sub("", fields), fields
        assert "<" not in tags, tags
    fronts = [row[0].split("\x1f")[0] for row in db.execute("select flds from notes")]
    assert "&lt;img src=x onerror=alert(1)&gt;" in fronts


def test_csv_defuses_formulas_and_imports_back_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert main(["export", str(_deck(tmp_path)), "--format", "csv", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if not line.startswith("#")]
    # The last column is Anki's guid: a hash of the ids, kept to the character.
    cells = [cell for row in csv.reader(io.StringIO("\n".join(body))) for cell in row[:-1]]
    assert cells, "the CSV has rows"
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@")), cell
    assert '\'=HYPERLINK("http://evil","x")' in cells and "'@SUM(A1:A9)" in cells
    back = {card["front"]: card["back"] for card in import_file(out).cards}
    assert back['=HYPERLINK("http://evil","x")'] == "+1+cmd|' /C calc'!A0"
    assert back["-2+3"] == "@SUM(A1:A9)"
