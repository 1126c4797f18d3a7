"""PDF worksheets (Typst), per-student sheets from a roster, and the codes that give keys back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.errors import GradeckError
from gradeck.exercises import sheetcode
from gradeck.exercises.registry import FAMILIES
from gradeck.exercises.render import format_value
from gradeck.exercises.template import make_exercise
from gradeck.exercises.worksheet_typst import math_lines, math_tokens

EXAMPLES = Path(__file__).parents[2] / "quizzes" / "examples"
HOSTILE = """format: 1
id: hostile
title: Hostile
exercises:
  - id: markup
    title: "#import \\"x\\": * $a$ ]"
    template:
      variables:
        x: {min: 1, max: 3, step: 1}
      prompt: "Typst code #read(\\"/etc/passwd\\") and [brackets] $x^2$ <label> @ref x = {x}."
      parts:
        - prompt: "What is 2·x? #pagebreak()"
          answer: 2*x
"""

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext")


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with form feeds)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode().split("\f")[:-1]


# ---------------------------------------------------------------- codes


def test_code_round_trip_and_refusals() -> None:
    made = sheetcode.fingerprint(["adam", "relu/template/1"], 3)
    for seed in (0, 1, 31, 32, 123_456, sheetcode.MAX_SEED):
        code = sheetcode.encode(seed, made)
        assert sheetcode.decode(code, made) == seed
        assert sheetcode.decode(code.lower().replace("1", "l"), made) == seed
    code = sheetcode.encode(42, made)
    with pytest.raises(GradeckError, match="not made for these exercises"):
        sheetcode.decode(code, sheetcode.fingerprint(["adam", "relu/template/1"], 4))
    for bad in ("", "-", "ABC", "AB-CDE", "UU-0000", "123456789-0000"):
        with pytest.raises(GradeckError, match="not a worksheet code"):
            sheetcode.decode(bad, made)


def test_student_seeds_follow_the_name_not_its_spacing_or_case() -> None:
    assert sheetcode.student_seed("Ada  Lovelace", 1) == sheetcode.student_seed("ada lovelace", 1)
    seeds = {sheetcode.student_seed(f"student {n}", 1) for n in range(200)}
    assert len(seeds) > 195  # 20-bit seeds: collisions are rare
    assert sheetcode.student_seed("Ada", 1) != sheetcode.student_seed("Ada", 2)


# ---------------------------------------------------------------- formulas


def test_math_tokens_make_scripts_of_groups() -> None:
    tokens = math_tokens("σ(z) = 1/(1 + e^(-z))")
    assert tokens[0] == {"k": "v", "s": "σ"}
    script = tokens[-2]
    assert script["k"] == "att" and script["base"] == {"k": "v", "s": "e"}
    assert script["t"] == [{"k": "t", "s": "−"}, {"k": "v", "s": "z"}]
    assert tokens[-1] == {"k": "t", "s": ")"}
    words = math_tokens("x_1 where")
    assert words[0] == {"k": "att", "base": {"k": "v", "s": "x"}, "b": [{"k": "t", "s": "1"}]}
    assert words[-1] == {"k": "t", "s": "where"}


def _depth(tokens: list) -> int:
    deepest = 0
    for token in tokens:
        if token["k"] == "att":
            inner = [token["base"], *token.get("t", []), *token.get("b", [])]
            deepest = max(deepest, 1 + _depth(inner))
    return deepest


def _letters(tokens: list) -> str:
    out = ""
    for token in tokens:
        if token["k"] == "att":
            out += _letters([token["base"], *token.get("t", []), *token.get("b", [])])
        else:
            out += "".join(c for c in token["s"] if c.isalnum())
    return out


def test_math_tokens_survive_hostile_text() -> None:
    texts = ["^", "x^", "x^(", "x^)" * 3, "(" * 5000 + "x^(" * 5000, "a^" * 20000, "_" * 9]
    texts += ["x^(" * 50 + "y" + ")" * 50, "a^b^c^d_e_f"]
    for text in texts:
        lines = math_lines(text)
        assert all(_depth(chunk) <= 5 for line in lines for chunk in line)
        shown = "".join(_letters(chunk) for line in lines for chunk in line)
        assert shown == "".join(c for c in text if c.isalnum())  # nothing is lost
    # a script is not stacked on a script: a^b^c reads (a^b) then ^c as text
    tokens = math_tokens("a^b^c")
    assert tokens[0]["k"] == "att" and tokens[1] == {"k": "t", "s": "^"}


# ---------------------------------------------------------------- PDF worksheets


def test_pdf_is_reproducible_and_holds_no_paths(tmp_path: Path, home: Path, capsys) -> None:
    items = [str(EXAMPLES / "two-layer-network.yaml"), str(EXAMPLES / "relu-neuron.yaml")]
    items += ["backprop-two-layer", "conv-output-size", "adam"]
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert main(["worksheet", *items, "--count", "1", "-o", str(first)]) == 0
    assert main(["worksheet", *items, "--count", "1", "--format", "pdf", "-o", str(second)]) == 0
    assert first.read_bytes().startswith(b"%PDF")
    assert first.read_bytes() == second.read_bytes()
    assert "(code " in capsys.readouterr().err


@needs_pdftotext
def test_pdf_key_starts_on_its_own_page_with_every_answer(tmp_path: Path, home: Path) -> None:
    out = tmp_path / "w.pdf"
    families = ["backprop-two-layer", "conv-output-size", "adam"]
    assert main(["worksheet", str(EXAMPLES / "relu-neuron.yaml"), *families,
                 "--count", "1", "--seed", "3", "-o", str(out)]) == 0  # fmt: skip
    pages = pdf_pages(out)
    first_key = next(n for n, page in enumerate(pages) if "Answer key" in page)
    assert first_key > 0
    questions, key = "".join(pages[:first_key]), "".join(pages[first_key:])
    assert "Answer key" not in questions and "Worked solution" not in questions
    assert [f"Exercise {n}." in questions for n in (1, 2, 3, 4)] == [True] * 4
    assert str(tmp_path) not in questions + key and ".yaml" not in questions + key
    for family in families:
        exercise = make_exercise(family, 3, min(FAMILIES[family].difficulties))
        assert exercise.title in questions
        for part in exercise.parts:
            assert format_value(part.expected) in key
    assert "Answer" in questions  # the boxes to write in


@needs_pdftotext
def test_deck_text_is_printed_never_run(tmp_path: Path, home: Path) -> None:
    deck = tmp_path / "hostile.yaml"
    deck.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "h.pdf"
    assert main(["worksheet", str(deck), "--count", "1", "-o", str(out)]) == 0
    text = " ".join(" ".join(pdf_pages(out)).split())
    assert '#read("/etc/passwd") and [brackets] $x^2$ <label> @ref' in text
    assert "What is 2·x? #pagebreak()" in text
    assert "root:" not in text


# ---------------------------------------------------------------- a class


def test_roster_gives_each_student_a_sheet_and_codes_give_keys(
    tmp_path: Path, home: Path, capsys
) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("# class 3B\nAda Lovelace\n\nAlan Turing\nChloé Dubois\n", encoding="utf-8")
    items = [str(EXAMPLES / "relu-neuron.yaml"), "update-rule"]
    folder = tmp_path / "class"
    argv = ["worksheet", *items, "--count", "2", "--students", str(roster)]
    assert main([*argv, "--format", "md", "-o", str(folder)]) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["ada-lovelace.md", "alan-turing.md", "chloe-dubois.md", "keys.md"]
    ada = (folder / "ada-lovelace.md").read_text(encoding="utf-8")
    assert "Name: Ada Lovelace" in ada and "Answer key" not in ada
    assert ada != (folder / "alan-turing.md").read_text(encoding="utf-8")
    code = ada.split("Code ")[1].split(".")[0]
    seed = sheetcode.student_seed("Ada Lovelace", 1)
    assert f"update-rule, seed {seed}" in (folder / "keys.md").read_text(encoding="utf-8")

    key = tmp_path / "ada-key.md"
    assert main(["worksheet", *items, "--count", "2", "--key", code, "-o", str(key)]) == 0
    regenerated = key.read_text(encoding="utf-8")
    assert "## Exercise 1" not in regenerated.split("# Answer key")[0]
    keys = (folder / "keys.md").read_text(encoding="utf-8")
    ada_key = keys.split("# Answer key of Ada Lovelace")[1].split("# Answer key of")[0]
    body = regenerated.split("# Answer key")[1]
    assert body.split("## Exercise 1", 1)[1].strip() in ada_key
    # Another count is another sheet: its key is refused, not guessed.
    capsys.readouterr()
    assert main(["worksheet", *items, "--count", "3", "--key", code, "-o", str(key)]) == 1
    assert "not made for these exercises" in capsys.readouterr().err
    # The same roster gives the same sheets.
    again = tmp_path / "again"
    assert main([*argv, "--format", "md", "-o", str(again)]) == 0
    assert (again / "ada-lovelace.md").read_bytes() == (folder / "ada-lovelace.md").read_bytes()


def test_roster_pdf_and_bad_rosters(tmp_path: Path, home: Path, capsys) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("Ada\nBob\n", encoding="utf-8")
    folder = tmp_path / "class"
    argv = ["worksheet", "update-rule", "--count", "1", "--students", str(roster)]
    assert main([*argv, "--format", "pdf", "-o", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["ada.pdf", "bob.pdf", "keys.pdf"]
    assert (folder / "ada.pdf").read_bytes() != (folder / "bob.pdf").read_bytes()
    capsys.readouterr()
    roster.write_text("Ada\nBob\n  ada \n", encoding="utf-8")
    assert main([*argv, "-o", str(tmp_path / "x")]) == 1
    assert f"{roster}:3: 'ada' is already on line 1" in capsys.readouterr().err
    roster.write_text("# nobody\n", encoding="utf-8")
    assert main([*argv, "-o", str(tmp_path / "x")]) == 1
    assert "names no students" in capsys.readouterr().err
    roster.write_text("Ada\x1b]0;x\x07\n", encoding="utf-8")
    assert main([*argv, "-o", str(tmp_path / "x")]) == 1
    assert f"{roster}:1:" in capsys.readouterr().err


@needs_pdftotext
def test_the_lines_of_a_block_prompt_stay_lines_in_the_pdf(tmp_path: Path, home: Path) -> None:
    """A `|` prompt keeps its line breaks on paper, as on screen; a blank line still parts
    paragraphs."""
    deck = tmp_path / "lines.yaml"
    deck.write_text(
        "format: 1\nid: lines\ntitle: Lines\nexercises:\n  - id: t\n    template:\n"
        "      variables:\n        x: {min: 1, max: 3, step: 1}\n"
        "      prompt: |\n        Given the layer\n        h = relu(W x + b)\n"
        "        with x = {x}.\n\n        A second paragraph.\n"
        "      parts:\n        - prompt: What is 2·x?\n          answer: 2*x\n",
        encoding="utf-8",
    )
    out = tmp_path / "l.pdf"
    assert main(["worksheet", str(deck), "--count", "1", "-o", str(out)]) == 0
    lines = [line.strip() for line in pdf_pages(out)[0].splitlines() if line.strip()]
    start = lines.index("Given the layer")
    assert lines[start + 1] == "h = relu(W x + b)"
    assert lines[start + 2].startswith("with x = ")
    assert lines[start + 3] == "A second paragraph."
