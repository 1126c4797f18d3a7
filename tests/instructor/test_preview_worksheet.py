"""`gradeck preview` and `gradeck worksheet` agree with `gradeck generate` and with each other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.exercises.render import display_value, format_value, minus_signs
from gradeck.exercises.template import generate
from gradeck.exercises.worksheet import answer_text

DECK = """format: 1
id: neurons
title: Neurons
exercises:
  - id: weighted-sum
    title: Weighted sum
    template:
      variables:
        x: {min: -2, max: 2, step: 0.5}
        w: {min: -1, max: 1, step: 0.1}
      constraints: ["abs(w*x) > 0.05"]
      prompt: "A neuron has input x = {x} and weight w = {w}, no bias."
      parts:
        - prompt: What is z = w·x?
          answer: w*x
          mistakes: [{value: w + x, feedback: "z multiplies, it does not add"}]
      hints: ["Multiply {w} by {x}."]
  - id: update
    family: update-rule
    difficulty: 2
"""


@pytest.fixture
def deck_path(tmp_path: Path, home: Path) -> Path:
    path = tmp_path / "neurons.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_preview_shows_answers_solution_hints_and_mistakes(deck_path: Path, capsys) -> None:
    out = run(capsys, "preview", f"{deck_path}:weighted-sum", "--seed", "4")
    template = load_deck(deck_path).exercises[0].template
    exercise = generate(template, 4)
    x, w = (float(v) for v in re.findall(r"= (-?[\d.]+)", exercise.prompt)[:2])
    assert exercise.parts[0].expected == pytest.approx(w * x)
    assert out.startswith(f"{deck_path}:weighted-sum · seed 4\n\nWeighted sum\n")
    assert f"Answer: {display_value(exercise.parts[0].expected)}" in out
    assert "Worked solution" in out and "w*x" in out
    assert minus_signs(f"Hint 1 of 1: Multiply {w:g} by {x:g}.") in out
    assert minus_signs(f"Known mistakes\n  (a) {format_value(w + x)}: z multiplies") in out
    assert "again with" not in out  # only said when the seed was drawn


def test_preview_names_a_deck_file_a_deck_id_or_a_family(deck_path: Path, capsys) -> None:
    assert main(["preview", str(deck_path), "--seed", "2"]) == 0
    by_file, err = capsys.readouterr()
    assert by_file.startswith(f"{deck_path}:weighted-sum · seed 2")
    assert f"previewing the first of 2 exercises; the others: {deck_path}:update" in err
    by_id = run(capsys, "--deck", str(deck_path), "preview", "neurons:weighted-sum", "--seed", "2")
    assert by_id.split("\n", 1)[1] == by_file.split("\n", 1)[1]
    family = run(capsys, "preview", "update-rule", "--seed", "9")
    generated = run(capsys, "generate", "update-rule", "--seed", "9")
    assert family.split("\n", 1)[1].startswith(generated.split("\n", 1)[1])
    drawn = run(capsys, "preview", f"{deck_path}:update")
    seed = re.search(r"seed (\d+)", drawn).group(1)
    assert f"again with: gradeck preview {deck_path}:update --seed {seed}" in drawn


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("{deck}:nope", "deck 'neurons' has no exercise 'nope' (its exercises: weighted-sum, upd"),
        ("update-rul", "'update-rul' is neither an exercise family nor a deck; did you mean"),
        ("no-deck:item", "no deck 'no-deck'"),
    ],
)
def test_preview_errors(deck_path: Path, capsys, name: str, message: str) -> None:
    assert main(["preview", name.format(deck=deck_path)]) == 1
    assert message in capsys.readouterr().err


def _key_blocks(text: str) -> list[str]:
    key = text.split("# Answer key", 1)[1]
    return re.findall(r"```text\n(.*?)\n```", key, flags=re.DOTALL)


def test_worksheet_is_reproducible_and_its_key_agrees_with_preview_and_generate(
    deck_path: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "a.md"
    argv = ["worksheet", str(deck_path), "update-rule", "--count", "2", "--seed", "5", "-o"]
    assert main([*argv, str(out)]) == 0
    again = tmp_path / "b.md"
    assert main([*argv, str(again)]) == 0
    assert out.read_bytes() == again.read_bytes()
    other = tmp_path / "c.md"
    assert main([*argv[:-2], "6", "-o", str(other)]) == 0
    assert other.read_bytes() != out.read_bytes()
    capsys.readouterr()

    text = out.read_text(encoding="utf-8")
    questions, key = text.split("# Answer key")
    assert [
        int(n) for n in re.findall(r"^## Exercise (\d+) \([\d.]+ points?\)$", questions, re.M)
    ] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    headings = re.findall(r"^## Exercise \d+ \((.*)\)$", key, re.M)
    assert headings == [
        f"{deck_path}:weighted-sum, seed 5",
        f"{deck_path}:weighted-sum, seed 6",
        f"{deck_path}:update, seed 5",
        f"{deck_path}:update, seed 6",
        "update-rule, seed 5",
        "update-rule, seed 6",
    ]
    blocks = _key_blocks(text)
    for heading, block in zip(headings, blocks, strict=True):
        source, seed = heading.rsplit(", seed ", 1)
        command = "generate" if source == "update-rule" else "preview"
        shown = run(capsys, command, source, "--seed", seed)
        assert block in shown
    # the key is the same computation as the learner's exercise
    template = load_deck(deck_path).exercises[0].template
    assert blocks[0] == answer_text(generate(template, 5))
    assert "Answer: ____" in questions and "Worked solution" not in questions


def test_worksheet_count_is_bounded(deck_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "w.md"
    assert main(["worksheet", "update-rule", "--count", "0", "-o", str(out)]) == 1
    assert main(["worksheet", str(deck_path), "--count", "150", "-o", str(out)]) == 1
    assert "at most 200 exercises in all" in capsys.readouterr().err
    assert not out.exists()
