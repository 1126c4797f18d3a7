"""`gradeck decks`, `validate`, `show` and the common CLI error paths, as a user meets them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gradeck import __version__
from gradeck.cli import main

GOOD = """format: 1
id: mine
title: My deck
tags: [own]
cards:
  - {id: one, front: What is η?, back: the learning rate, tags: [lr]}
  - {id: two, type: cloze, text: "A {{c1::bias}} shifts the {{c2::activation::what?}}", tags: [x]}
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("GRADECK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"gradeck {__version__}"


def test_bad_flag_is_a_usage_error(capsys) -> None:
    assert main(["decks", "--no-such-flag"]) == 2
    assert "unrecognized arguments: --no-such-flag" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error(capsys) -> None:
    assert main(["frobnicate"]) == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_builtin_decks_are_listed_as_json(home: Path, capsys) -> None:
    assert main(["decks", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ids = {row["id"] for row in rows}
    assert {"nn-glossary", "hyperparameters", "frameworks", "pitfalls"} <= ids
    for row in rows:
        assert set(row) >= {"id", "title", "cards", "path"}
        assert Path(row["path"]).is_file()


def test_user_deck_in_data_dir_and_via_flag(home: Path, tmp_path: Path, capsys) -> None:
    (home / "decks").mkdir(parents=True)
    (home / "decks" / "mine.yaml").write_text(GOOD, encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(GOOD.replace("id: mine", "id: other"), encoding="utf-8")
    assert main(["decks", "--json", "--deck", str(other)]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["mine"]["cards"] == 2 and rows["other"]["cards"] == 2
    assert rows["other"]["path"] == str(other)


def test_clashing_deck_id_is_reported_not_shadowed(home: Path, capsys) -> None:
    (home / "decks").mkdir(parents=True)
    (home / "decks" / "a.yaml").write_text(GOOD, encoding="utf-8")
    (home / "decks" / "b.yaml").write_text(GOOD, encoding="utf-8")
    assert main(["decks", "--json"]) == 0
    captured = capsys.readouterr()
    assert [r["path"] for r in json.loads(captured.out) if r["id"] == "mine"] == [
        str(home / "decks" / "a.yaml")
    ]
    assert f"{home / 'decks' / 'b.yaml'}:1:1: error: deck id 'mine' is already used by" in (
        captured.err
    )


def test_validate_builtin_decks_is_clean(capsys) -> None:
    assert main(["validate"]) == 0
    assert "no problems" in capsys.readouterr().out


def test_validate_folder_and_missing_file(tmp_path: Path, capsys) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "ok.yml").write_text(GOOD, encoding="utf-8")
    assert main(["validate", str(tmp_path / "d")]) == 0
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert f"{tmp_path / 'nope.yaml'}:1:1: error: no such file or folder" in capsys.readouterr().out


def test_validate_reports_clashing_ids_across_files(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    assert "deck id 'mine' is already used by" in capsys.readouterr().out


def test_show_prints_cards_and_cloze_holes(home: Path, tmp_path: Path, capsys) -> None:
    deck = tmp_path / "mine.yaml"
    deck.write_text(GOOD, encoding="utf-8")
    assert main(["show", "mine", "--deck", str(deck)]) == 0
    out = capsys.readouterr().out
    assert "Q: What is η?" in out
    assert "c1: A [bias] shifts the activation" in out
    assert "c2: A bias shifts the [activation]" in out
    assert "2 cards, 0 exercises · " in out


def test_show_counts_one_of_a_kind_in_the_singular(home: Path, tmp_path: Path, capsys) -> None:
    deck = tmp_path / "one.yaml"
    deck.write_text(
        "format: 1\nid: one\ntitle: One\ncards:\n  - {id: a, front: A?, back: A.}\n"
        "exercises:\n  - {id: e, family: update-rule}\n",
        encoding="utf-8",
    )
    assert main(["show", "one", "--deck", str(deck)]) == 0
    assert "1 card, 1 exercise · " in capsys.readouterr().out


def test_show_unknown_deck_suggests(home: Path, capsys) -> None:
    assert main(["show", "nn-glosary"]) == 1
    assert "no deck 'nn-glosary'; did you mean 'nn-glossary'?" in capsys.readouterr().err


def test_missing_deck_file_flag(home: Path, tmp_path: Path, capsys) -> None:
    assert main(["decks", "--deck", str(tmp_path / "absent.yaml")]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_data_dir(tmp_path: Path, capsys) -> None:
    decks = tmp_path / "h" / "decks"
    decks.mkdir(parents=True)
    decks.chmod(0)
    try:
        assert main(["--data-dir", str(tmp_path / "h"), "decks"]) == 1
        assert "cannot read folder" in capsys.readouterr().err
    finally:
        decks.chmod(0o755)


def test_data_dir_that_is_a_file(tmp_path: Path, capsys) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    assert main(["--data-dir", str(not_a_dir), "decks"]) == 1
    assert capsys.readouterr().err == (
        f"gradeck: data folder {not_a_dir} (from --data-dir) is a file, not a folder\n"
    )


@pytest.mark.parametrize("command", [["--help"], ["decks"], ["validate"]])
def test_light_commands_import_no_heavy_modules(command: list[str], tmp_path: Path) -> None:
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['gradeck', *{command!r}]\n"
        "try:\n    runpy.run_module('gradeck', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('numpy', 'sympy', 'textual') if m in sys.modules)\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    env = {**os.environ, "GRADECK_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert "HEAVY=" in done.stderr
    assert done.stderr.rsplit("HEAVY=", 1)[1] == ""


def test_decks_counts_cards_exercises_and_the_items_scheduled(
    home: Path, tmp_path: Path, capsys
) -> None:
    """A reversible card is two items and a cloze card one per hole: the list says both
    counts, as the study app's Items column counts the second."""
    deck = tmp_path / "both.yaml"
    deck.write_text(
        "format: 1\nid: both\ntitle: Both\ncards:\n"
        "  - {id: r, type: reversible, front: epoch, back: one pass over the data}\n"
        '  - {id: c, type: cloze, text: "A {{c1::bias}} shifts the {{c2::activation}}"}\n'
        "exercises:\n  - {id: e, family: update-rule, difficulty: 1}\n",
        encoding="utf-8",
    )
    assert main(["--deck", str(deck), "decks"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("both "))
    assert "2 cards, 1 exercise, 5 items" in line
    assert main(["--deck", str(deck), "decks", "--json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == "both")
    assert (row["cards"], row["exercises"], row["items"]) == (2, 1, 5)
