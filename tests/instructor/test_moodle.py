"""Moodle XML export: it parses, and every question's answer and named mistakes are the ones
`gradeck generate` / `gradeck preview` give for the same seed."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.exercises.check import check_part
from gradeck.exercises.render import format_number
from gradeck.exercises.template import make_exercise

ROOT = Path(__file__).parents[2]
EXERCISE_DECKS = sorted((ROOT / "quizzes").glob("*.yaml")) + sorted(
    (ROOT / "quizzes" / "examples").glob("*.yaml")
)
BLANK = re.compile(r"\{\d+:(NUMERICAL|SHORTANSWER|MULTICHOICE):((?:\\.|[^\\}])*)\}")


def export(capsys, deck: Path | str, out: Path, *extra: str) -> ET.Element:
    assert main(["export", str(deck), "--format", "moodle", "-o", str(out), *extra]) == 0, (
        capsys.readouterr().err
    )
    return ET.parse(out).getroot()


def _split(text: str, sep: str) -> list[str]:
    """Split at `sep` not escaped by a backslash, and drop the escapes."""
    pieces, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current += text[i + 1]
            i += 2
            continue
        if text[i] == sep:
            pieces.append(current)
            current = ""
        else:
            current += text[i]
        i += 1
    return [*pieces, current]


def answers_of(question: ET.Element) -> list[list[tuple[float, str, float, str]]]:
    """Per blank: (fraction, value, tolerance, feedback) of each answer."""
    if question.get("type") == "numerical":
        return [
            [
                (
                    float(a.get("fraction", "")),
                    a.findtext("text", ""),
                    float(a.findtext("tolerance", "")),
                    html.unescape(a.findtext("feedback/text", "")),
                )
                for a in question.findall("answer")
            ]
        ]
    blanks = []
    for kind, body in BLANK.findall(question.findtext("questiontext/text", "")):
        assert kind == "NUMERICAL"
        answers = []
        for piece in re.split(r"(?<!\\)~", body):
            head, _, feedback = piece.partition("#")
            fraction = 100.0 if head.startswith("=") else float(head.split("%")[1])
            value, _, tol = head.lstrip("=").split("%")[-1].partition(":")
            answers.append((fraction, value, float(tol), html.unescape(_split(feedback, "~")[0])))
        blanks.append(answers)
    return blanks


def _numbers(value: object) -> list[float]:
    if isinstance(value, list | tuple):
        return [x for v in value for x in _numbers(v)]
    assert isinstance(value, int | float)
    return [float(value)]


@pytest.mark.parametrize("deck_path", EXERCISE_DECKS, ids=lambda p: p.stem)
def test_every_question_matches_gradeck_for_its_seed(
    deck_path: Path, tmp_path: Path, home: Path, capsys
) -> None:
    quiz = export(capsys, deck_path, tmp_path / "quiz.xml", "--variants", "2")
    deck = load_deck(deck_path)
    items = {item.id: item for item in deck.exercises}
    questions = [q for q in quiz if q.get("type") != "category"]
    symbolic = {i.id for i in deck.exercises if i.family == "symbolic-derivative"}
    assert len(questions) == 2 * (len(items) - len(symbolic))
    for question in questions:
        deck_id, item_id, seed = question.findtext("idnumber", "").split("/")
        assert deck_id == deck.id
        item = items[item_id]
        # The same numbers as gradeck's own commands give for this seed.
        if item.template is None and not item.params:
            capsys.readouterr()
            argv = ["generate", item.family, "--seed", seed, "--difficulty", str(item.difficulty)]
            assert main([*argv, "--json"]) == 0
            parts = json.loads(capsys.readouterr().out)["parts"]
        else:
            exercise = make_exercise(
                item.family, int(seed), item.difficulty, item.params, item.template
            )
            capsys.readouterr()
            assert main(["preview", f"{deck_path}:{item_id}", "--seed", seed]) == 0
            shown = capsys.readouterr().out.replace("\N{MINUS SIGN}", "-")  # shown with U+2212
            for part in exercise.parts:
                for x in _numbers(part.expected):
                    assert format_number(x) in shown
            parts = [
                {
                    "kind": part.kind,
                    "expected": part.expected,
                    "mistakes": [{"value": m.value, "feedback": m.feedback} for m in part.mistakes],
                }
                for part in exercise.parts
            ]
        if any(part.get("kind") == "choice" or part.get("options") for part in parts):
            continue  # choice parts: test_choice_parts_are_multichoice
        blanks = iter(answers_of(question))
        for part in parts:
            expected = _numbers(part["expected"])
            for index, value in enumerate(expected):
                answers = next(blanks)
                fraction, text, _, _ = answers[0]
                assert fraction == 100 and float(text) == pytest.approx(value, rel=1e-10)
                wrong = {(float(v), f) for fr, v, _, f in answers[1:] if fr == 0}
                for mistake in part["mistakes"]:
                    if isinstance(mistake["value"], str):
                        continue
                    mistaken = _numbers(mistake["value"])
                    if len(mistaken) == len(expected) and mistaken[index] != value:
                        close = [v for v, f in wrong if f == mistake["feedback"]]
                        assert any(v == pytest.approx(mistaken[index], rel=1e-10) for v in close), (
                            item_id,
                            seed,
                            mistake,
                            wrong,
                        )
        assert next(blanks, None) is None


def test_choice_parts_are_multichoice(tmp_path: Path, home: Path, capsys) -> None:
    deck = tmp_path / "code.yaml"
    deck.write_text(
        "format: 1\nid: code\ntitle: Code\nexercises:\n"
        "  - {id: bug, family: loop-bug, difficulty: 1}\n",
        encoding="utf-8",
    )
    quiz = export(capsys, deck, tmp_path / "q.xml", "--variants", "3")
    questions = [q for q in quiz if q.get("type") != "category"]
    assert len(questions) == 3
    for question in questions:
        seed = int(question.findtext("idnumber", "").split("/")[-1])
        capsys.readouterr()
        assert main(["generate", "loop-bug", "--seed", str(seed), "--json"]) == 0
        parts = json.loads(capsys.readouterr().out)["parts"]
        index, choice = next((i, p) for i, p in enumerate(parts) if p["kind"] == "choice")
        options = list(make_exercise("loop-bug", seed, 1).parts[index].options)
        if question.get("type") == "multichoice":
            answers = [
                (
                    a.get("fraction"),
                    a.findtext("text"),
                    html.unescape(a.findtext("feedback/text", "")),
                )
                for a in question.findall("answer")
            ]
        else:
            [body] = [b for k, b in BLANK.findall(question.findtext("questiontext/text", ""))
                      if k == "MULTICHOICE"]  # fmt: skip
            answers = []
            for piece in re.split(r"(?<!\\)~", body):
                head, _, why = piece.partition("#")
                right = head.startswith("=")
                text = head[1:] if right else head.split("%", 2)[2]
                answers.append(("100" if right else "0", html.unescape(_split(text, "~")[0]),
                                html.unescape(_split(why, "~")[0])))  # fmt: skip
        assert [html.unescape(t) for _, t, _ in answers] == options
        right = [n for n, (fraction, _, _) in enumerate(answers, 1) if fraction == "100"]
        assert right == [choice["expected"]]
        for mistake in choice["mistakes"]:
            assert answers[mistake["value"] - 1][2] == mistake["feedback"]


def test_tolerance_is_gradecks_own(tmp_path: Path, home: Path, capsys) -> None:
    deck_path = ROOT / "quizzes" / "examples" / "two-layer-network.yaml"
    quiz = export(capsys, deck_path, tmp_path / "quiz.xml", "--variants", "1")
    question = next(q for q in quiz if q.get("type") == "cloze")
    item = load_deck(deck_path).exercises[0]
    seed = int(question.findtext("idnumber", "").split("/")[-1])
    exercise = make_exercise(item.family, seed, item.difficulty, item.params, item.template)
    for part, answers in zip(exercise.parts, answers_of(question), strict=True):
        _, value, tol, _ = answers[0]
        assert tol > 0
        # just inside Moodle's tolerance gradeck says right; just outside it does not
        inside = float(value) + 0.98 * tol
        outside = float(value) + 1.02 * tol
        assert check_part(part, repr(inside)).verdict == "right"
        assert check_part(part, repr(outside)).verdict != "right"
    shapes = export(capsys, ROOT / "quizzes" / "5-shapes.yaml", tmp_path / "s.xml")
    counts = [q for q in shapes if "/dense-params/" in q.findtext("idnumber", "")]
    assert counts and all(answers_of(q)[0][0][2] == 0 for q in counts)  # counts are exact


def test_cards_become_the_question_types_that_fit(
    all_types: Path, tmp_path: Path, home: Path, capsys
) -> None:
    quiz = export(capsys, all_types, tmp_path / "cards.xml")
    err = capsys.readouterr().err
    assert "left out 1: basic card" in err and "left out 1: reversible card" in err
    by_name = {q.findtext("name/text"): q for q in quiz if q.get("type") != "category"}
    assert sorted(by_name) == ["epoch", "optimizers", "update"]
    typed = by_name["epoch"]
    assert typed.get("type") == "shortanswer"
    assert [(a.get("fraction"), a.findtext("text")) for a in typed.findall("answer")] == [
        ("100", "epoch"),
        ("100", "an epoch"),
    ]
    choice = by_name["optimizers"]
    assert choice.get("type") == "multichoice" and choice.findtext("single") == "false"
    fractions = {a.findtext("text"): float(a.get("fraction", "")) for a in choice.findall("answer")}
    assert fractions == {"Adam": 50, "RMSprop": 50, "ReLU": -50, "Dropout": -50}
    cloze = by_name["update"]
    assert cloze.get("type") == "cloze"
    blanks = BLANK.findall(cloze.findtext("questiontext/text", ""))
    assert [(k, _split(b, "~")[0]) for k, b in blanks] == [
        ("SHORTANSWER", "=η"),
        ("SHORTANSWER", "=∂L/∂w"),
    ]
    assert r"∂L\/∂w" in cloze.findtext("questiontext/text", "")


def test_hostile_card_text_still_gives_valid_xml(tmp_path: Path, home: Path, capsys) -> None:
    deck = tmp_path / "bad.yaml"
    deck.write_text(
        "format: 1\nid: bad\ntitle: Bad\ncards:\n"
        '  - {id: t, type: typed, question: "a {1:NUMERICAL:=5} <b>]]></b>", answer: ["x}~#"]}\n'
        '  - {id: c, type: cloze, text: "{{c1::a}b~c}} and {2:SHORTANSWER:=z}"}\n',
        encoding="utf-8",
    )
    quiz = export(capsys, deck, tmp_path / "bad.xml")
    typed = next(q for q in quiz if q.findtext("name/text") == "t")
    assert "&lt;b&gt;]]&gt;&lt;/b&gt;" in typed.findtext("questiontext/text", "")
    assert typed.findtext("answer/text") == "x}~#"
    cloze = next(q for q in quiz if q.findtext("name/text") == "c")
    text = cloze.findtext("questiontext/text", "")
    assert [b for _, b in BLANK.findall(text)] == [r"=a\}b\~c"]  # the deck's brace is no blank
