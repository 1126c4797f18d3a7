"""Choice parts inside a template: options right always, never or by a condition on the draw,
one or several right, shuffled per variant from its seed, graded by the attempt model, and
carried into worksheets and Moodle."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.decks.moodle import moodle_export
from gradeck.exercises.attempt import ExerciseRun
from gradeck.exercises.check import check_part
from gradeck.exercises.template import generate
from gradeck.exercises.worksheet import Document, Sheet, worksheet_markdown
from gradeck.exercises.worksheet_typst import document_data

DECK = """format: 1
id: choice-demo
title: Choice demo
exercises:
  - id: pick
    template:
      variables:
        z: {min: -2, max: 2, step: 0.5}
        act: {choices: [sigmoid, tanh]}
      prompt: "z = {z}, the unit uses {act}"
      parts:
        - prompt: Which activations are bounded?
          multiple: true
          options:
            - {text: sigmoid, correct: true}
            - {text: tanh, correct: true}
            - {text: relu, feedback: "relu grows without bound", name: relu-bounded}
        - prompt: "Is relu({z}) zero?"
          shuffle: false
          options:
            - {text: "yes", correct: "z <= 0"}
            - {text: "no", correct: "z > 0", feedback: "relu is 0 for z <= 0"}
        - prompt: Which range does the unit's output lie in?
          options:
            - {text: "0 to 1", correct: "act == sigmoid"}
            - {text: "-1 to 1", correct: "act == tanh"}
"""


@pytest.fixture
def template(tmp_path: Path):
    path = tmp_path / "choice.yaml"
    path.write_text(DECK, encoding="utf-8")
    return load_deck(path).exercises[0].template


def _drawn(exercise) -> tuple[float, str]:
    found = re.fullmatch(r"z = (\S+), the unit uses (\w+)", exercise.prompt)
    assert found
    return float(found.group(1)), found.group(2)


def _numbers(part, texts: set[str]) -> tuple[int, ...]:
    return tuple(n for n, option in enumerate(part.options, 1) if option in texts)


def test_the_right_options_follow_the_draw(template) -> None:
    for seed in range(30):
        exercise = generate(template, seed)
        z, act = _drawn(exercise)
        bounded, zero, output = exercise.parts
        assert sorted(bounded.options) == ["relu", "sigmoid", "tanh"]
        assert bounded.expected == _numbers(bounded, {"sigmoid", "tanh"})
        assert zero.options == ("yes", "no")  # shuffle: false keeps the author's order
        assert zero.expected == (1 if z <= 0 else 2)
        assert output.expected == _numbers(output, {"0 to 1" if act == "sigmoid" else "-1 to 1"})[0]


def test_the_order_is_the_seeds_own_and_leaves_the_draw_alone(template, tmp_path: Path) -> None:
    orders = {generate(template, seed).parts[0].options for seed in range(40)}
    assert len(orders) > 1  # shuffled
    assert generate(template, 5) == generate(template, 5)
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(DECK.replace("multiple: true", "multiple: true\n          shuffle: false"))
    unshuffled = load_deck(fixed).exercises[0].template
    for seed in range(10):
        a, b = generate(template, seed), generate(unshuffled, seed)
        assert a.prompt == b.prompt  # the same z and act whatever the order
        assert b.parts[0].options == ("sigmoid", "tanh", "relu")


def test_several_right_options_are_all_wanted(template) -> None:
    part = generate(template, 1).parts[0]
    sigmoid, tanh = _numbers(part, {"sigmoid"})[0], _numbers(part, {"tanh"})[0]
    relu = _numbers(part, {"relu"})[0]
    assert check_part(part, f"{tanh} {sigmoid}").verdict == "right"
    assert check_part(part, f"{sigmoid},{tanh}").verdict == "right"
    missing = check_part(part, f"{sigmoid}")
    assert missing.verdict == "wrong" and "some are missing" in missing.message
    named = check_part(part, f"{sigmoid} {tanh} {relu}")
    assert named.verdict == "wrong" and named.mistake is not None
    assert named.mistake.name == "relu-bounded" and named.message == "relu grows without bound"
    assert check_part(part, "4").verdict == "unreadable"
    assert check_part(part, "one").verdict == "unreadable"


def test_the_attempt_model_grades_a_choice_part_with_two_tries(template) -> None:
    exercise = generate(template, 2)
    z, _ = _drawn(exercise)
    run = ExerciseRun(exercise)
    part = exercise.parts[0]
    wrong = run.submit(str(_numbers(part, {"relu"})[0]))
    assert wrong is not None and wrong.verdict == "wrong" and wrong.mistake == "relu-bounded"
    assert not wrong.closes
    right = run.submit(" ".join(str(n) for n in part.expected))
    assert right is not None and right.verdict == "right" and right.closes
    run.submit("2" if z <= 0 else "1")  # the wrong one of yes/no
    assert run.part == 1


def test_worksheets_list_the_options_and_key_the_right_ones(template) -> None:
    exercise = generate(template, 3)
    doc = Document([Sheet("choice-demo/pick", 3, exercise)], code="ABC")
    text = worksheet_markdown([doc])
    part = exercise.parts[0]
    for n, option in enumerate(part.options, 1):
        assert f"    {n}. {option}" in text
    assert "(several may be right: give the number of each, such as 1 3)" in text
    right = "; ".join(f"{n}. {part.options[n - 1]}" for n in part.expected)
    assert f"(a) {right}" in text
    data = document_data([doc])
    typeset = str(data)
    assert all(f"{n}. {option}" in typeset for n, option in enumerate(part.options, 1))


def test_moodle_multichoice_and_multiresponse(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "format: 1\nid: m\ntitle: M\nexercises:\n  - id: alone\n    template:\n"
        "      prompt: Bounded?\n      parts:\n        - prompt: pick\n"
        "          multiple: true\n          shuffle: false\n          options:\n"
        "            - {text: sigmoid, correct: true}\n            - {text: tanh, correct: true}\n"
        "            - {text: relu, feedback: unbounded}\n",
        encoding="utf-8",
    )
    export = moodle_export(load_deck(path), variants=1)
    [question] = [q for q in ET.fromstring(export.xml) if q.get("type") == "multichoice"]
    assert question.findtext("single") == "false"
    answers = [(a.findtext("text"), a.get("fraction")) for a in question.iter("answer")]
    # two right options share 100%; the one wrong option takes it all back
    assert answers == [("sigmoid", "50"), ("tanh", "50"), ("relu", "-100")]
    feedback = [a.findtext("feedback/text") for a in question.iter("answer")]
    assert feedback[2] == "unbounded"


def test_moodle_cloze_keeps_a_choice_part_beside_a_number(template, tmp_path: Path) -> None:
    path = tmp_path / "choice.yaml"
    path.write_text(DECK, encoding="utf-8")
    deck = load_deck(path)
    xml = moodle_export(deck, variants=2).xml
    texts = [
        q.findtext("questiontext/text") for q in ET.fromstring(xml) if q.get("type") == "cloze"
    ]
    assert len(texts) == 2
    assert all("MULTIRESPONSE:" in t and ":MULTICHOICE:" in t for t in texts)
    assert all("%-100%relu#relu grows without bound" in t for t in texts)


BAD = {
    "two right without multiple": (
        "        - prompt: p\n          options:\n            - {text: a, correct: true}\n"
        "            - {text: b, correct: true}\n",
        "13:34: error: part 1 has 2 correct options; write 'multiple: true'",
    ),
    "none right": (
        "        - prompt: p\n          options:\n            - {text: a}\n"
        "            - {text: b}\n",
        "12:13: error: no option of part 1 is correct",
    ),
    "an answer beside options": (
        "        - prompt: p\n          answer: 1\n          options:\n"
        "            - {text: a, correct: true}\n            - {text: b}\n",
        "11:11: error: part 1 has 'options', so it takes no 'answer'",
    ),
    "a word not among its choices": (
        "        - prompt: p\n          options:\n            - {text: a, correct: act == gelu}\n"
        "            - {text: b, correct: act == tanh}\n",
        "12:34: error: 'correct' of option 1 of part 1: 'act' is a word; compare it with == "
        "or != to one of its choices (sigmoid, tanh)",
    ),
    "a condition that picks two in a draw": (
        "        - prompt: p\n          options:\n            - {text: a, correct: 'x > 0'}\n"
        "            - {text: b, correct: 'x > 1'}\n",
        "12:13: error: 2 options are right for this draw",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_choice_parts_are_located(name: str, tmp_path: Path, capsys) -> None:
    part, expected = BAD[name]
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: 1\nid: bad\ntitle: Bad\nexercises:\n  - id: t\n    template:\n"
        "      variables: {act: {choices: [sigmoid, tanh]}, x: {choices: [2]}}\n"
        "      prompt: p\n      parts:\n" + part,
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 1
    said = capsys.readouterr()
    assert f"{path}:{expected}" in said.out + said.err
