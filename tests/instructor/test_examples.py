"""The example template decks in quizzes/examples/ are valid and give exercises at every seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.exercises.check import check_part
from gradeck.exercises.render import format_value
from gradeck.exercises.template import generate

EXAMPLES = Path(__file__).resolve().parents[2] / "quizzes" / "examples"
FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_examples_validate_clean(capsys) -> None:
    assert len(FILES) >= 2
    assert main(["validate", str(EXAMPLES)]) == 0
    assert f"{len(FILES)} deck(s) checked, no problems." in capsys.readouterr().out


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_example_exercises_accept_their_own_answers(path: Path) -> None:
    deck = load_deck(path)
    assert deck.exercises and all(item.template is not None for item in deck.exercises)
    for item in deck.exercises:
        for seed in range(15):
            exercise = generate(item.template, seed)
            for part in exercise.parts:
                assert check_part(part, format_value(part.expected)).verdict == "right"
                for mistake in part.mistakes:
                    verdict = check_part(part, format_value(mistake.value))
                    assert verdict.mistake == mistake, (seed, part.label, mistake.name)


DOC = Path(__file__).resolve().parents[2] / "docs" / "exercise-authoring.md"


def test_the_tutorial_starts_from_a_valid_deck(tmp_path: Path, capsys) -> None:
    first = DOC.read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "relu-neuron.yaml"
    path.write_text(first, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert main(["preview", str(path), "--seed", "1"]) == 0
    assert "Answer: 2" in capsys.readouterr().out


def test_the_reference_names_every_template_field() -> None:
    from gradeck.decks import template_options, template_parts, template_variables, templates

    text = DOC.read_text(encoding="utf-8")
    keys = {*templates.TEMPLATE_KEYS, *template_variables.VARIABLE_KEYS}
    keys |= {*template_variables.DERIVED_KEYS, *template_parts.PART_KEYS}
    keys |= {*template_parts.MISTAKE_KEYS, *template_options.OPTION_KEYS}
    assert [key for key in sorted(keys) if f"`{key}" not in text and f"{key}:" not in text] == []
