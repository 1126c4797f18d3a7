"""Imports of hostile notes: harmless text, bounded work, clear messages (issue 9, items 2, 5, 8).

Work is bounded by running each 2 MB file in a child process with a limit on its CPU time (not
the clock, which a loaded machine stretches): a generous guard that a quadratic parser fails by
orders of magnitude (the 80 kB `**a ` line alone took 164 s) while a linear one needs a small
part of it.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gradeck.cli import main
from gradeck.decks.importer import import_file
from gradeck.decks.loader import load_deck

MB2 = 2 * 1024 * 1024 - 64
CPU_SECONDS = 10
HANG_SECONDS = 300  # only so that a hang ends the test run


def _cpu_limit() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def test_control_characters_in_notes_become_visible(tmp_path: Path) -> None:
    notes = tmp_path / "n.md"
    notes.write_text("**Term\x1b]0;x\x07**: a definition\x1b[2J\r\n", encoding="utf-8")
    result = import_file(notes)
    [card] = result.cards
    assert card["front"] == "Term␛]0;x␇" and card["back"] == "a definition␛[2J"
    deck = tmp_path / "d.yaml"
    deck.write_text(yaml.safe_dump(result.deck, allow_unicode=True), encoding="utf-8")
    assert load_deck(deck).cards[0].front == "Term␛]0;x␇"


def _line(pattern: str) -> str:
    return (pattern * (MB2 // len(pattern) + 1))[:MB2]


def _lines(pattern: str) -> str:
    return _line(pattern)


HOSTILE_NOTES = {
    "one line of **a": ("n.md", _line("**a ")),
    "one line of `a": ("n.md", _line("`a ")),
    "one line of __a": ("n.md", _line("__a ")),
    "one line of *a": ("n.md", _line("*a ")),
    "heading of spaces": ("n.md", "# " + " " * (MB2 - 4) + "a"),
    "heading of hashes and spaces": ("n.md", "# a" + "# " * (MB2 // 2 - 4)),
    "term then spaces": ("n.md", "**a**" + " " * (MB2 - 8) + ":"),
    "bold title of spaces": ("n.md", "**a" + " " * (MB2 - 8) + "**x"),
    "many glossary lines": ("n.md", "**a**: b\n" * (MB2 // 9)),
    "many repeated names": ("n.md", "".join(f"**a**: {i}\n" for i in range(MB2 // 14))),
    "many lists under a title": ("n.md", "**T**\n- x\n\n" * (MB2 // 12)),
    "many questions": ("n.md", "Q: q\n\n" * (MB2 // 6)),
    "one paragraph of many lines": ("n.md", "a\n" * (MB2 // 2)),
    "a term with many lines": ("n.md", "**T**: d\n" + "Quite\n" * (MB2 // 6 - 2)),
    "blank runs after answers": ("n.md", ("Q: q\nA: a:\n" + "\n" * 1000) * (MB2 // 1012)),
    "unclosed fences": ("n.md", "```\n" * (MB2 // 4)),
    "html cell of <": ("n.csv", "front,back\n" + _line("<")[:-20] + ",b\n"),
    "many rows": ("n.csv", "a,b\n" * (MB2 // 4)),
    "one unbalanced quote": ("n.csv", 'f,b\n"a,b\n' + "c,d\n" * (MB2 // 4 - 4)),
    "a field over 131072": ("n.csv", "f,b\n" + "x" * 200_000 + ",y\n"),
    "tabs": ("n.txt", "\t" * MB2),
    "obsidian pairs": ("n.md", "#flashcards\n" + "a::b\n" * (MB2 // 5 - 4)),
    "obsidian one line of ::": ("n.md", "#flashcards\n" + _line(":: ")[:-20]),
    "obsidian lone ?": ("n.md", "#flashcards\n" + "q\n?\n" * (MB2 // 4 - 4)),
    "logseq cards": ("n.md", "- q #card\n  - a\n" * (MB2 // 18)),
    "logseq deep": ("n.md", "- q #card\n" + "".join("  " * i + "- a\n" for i in range(1000))),
    "long glossary lines of bold": ("n.md", (("**a**: " + "**b " * 2240)[:9000] + "\n") * 232),
    "long question lines of bold": ("n.md", (("Q: " + "**a " * 2250)[:9000] + "\n") * 232),
    "quotes": ("n.txt", '"' * MB2),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_NOTES))
def test_two_megabytes_import_or_are_refused_in_bounded_time(tmp_path: Path, name: str) -> None:
    file_name, text = HOSTILE_NOTES[name]
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size <= 2 * 1024 * 1024
    done = subprocess.run(
        [sys.executable, "-m", "gradeck", "import", str(path), "-o", str(tmp_path / "o.yaml")],
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        preexec_fn=_cpu_limit,
    )
    assert done.returncode >= 0, f"stopped by signal {-done.returncode} (over {CPU_SECONDS} s CPU)"
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr
    if done.returncode == 0:
        load_deck(tmp_path / "o.yaml")  # what was written is a valid deck
    else:
        assert done.stderr.startswith("gradeck: ")


def test_a_csv_field_over_the_csv_limit_is_a_located_skip(tmp_path: Path, capsys) -> None:
    path = tmp_path / "n.csv"
    path.write_text("front,back\nq,a\n" + "x" * 131_073 + ",y\nq2,a2\n", encoding="utf-8")
    assert main(["import", str(path), "-o", str(tmp_path / "o.yaml")]) == 0
    err = capsys.readouterr().err
    assert f"{path}:3: skipped a row longer than 10,000 characters" in err
    assert [c.front for c in load_deck(tmp_path / "o.yaml").cards] == ["q", "q2"]


def test_an_unbalanced_quote_says_where_it_opens(tmp_path: Path, capsys) -> None:
    path = tmp_path / "n.csv"
    path.write_text('front,back\nq,a\n"oops,b\nq2,a2\n', encoding="utf-8")
    assert main(["import", str(path), "-o", str(tmp_path / "o.yaml")]) == 0
    err = capsys.readouterr().err
    assert f'{path}:3-4: skipped a row whose quote (") is never closed' in err
