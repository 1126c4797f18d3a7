"""Exercise templates: drawing, constraints, answers, mistakes, and located validation errors."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.exercises.check import check_exercise, check_part
from gradeck.exercises.template import generate
from gradeck.problems import ProblemsError

NEURON = """
variables:
  x1: {min: -2, max: 2, step: 0.5}
  x2: {choices: [-1, 1]}
  w1: {min: -1, max: 1, step: 0.1}
  w2: {min: -1, max: 1, step: 0.1}
  b: 0.5
derived:
  z: w1*x1 + w2*x2 + b
constraints:
  - z >= 0.3
  - x1 != 0
prompt: "x = ({x1}, {x2}), w = ({w1}, {w2}), b = {b}; z is about {z:.1f}."
parts:
  - prompt: What is relu(z)?
    answer: relu(z)
  - prompt: What is ∂relu(z)/∂w1?
    answer: x1
    tolerance: 0.001
    mistakes:
      - value: w1
        feedback: "the derivative of w1·x1 by w1 is x1 = {x1}, not w1"
hints:
  - z = {z:.2f}
solution: "Since z > 0, the gradient is x1 = {x1}."
"""

PROMPT = re.compile(r"x = \((\S+), (\S+)\), w = \((\S+), (\S+)\), b = (\S+); z is about (\S+)\.")


def deck_text(template: str, item_id: str = "neuron") -> str:
    body = textwrap.indent(textwrap.dedent(template).strip("\n"), " " * 6)
    return (
        "format: 1\nid: tpl\ntitle: Templates\nexercises:\n"
        f"  - id: {item_id}\n    title: A neuron\n    template:\n{body}\n"
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, template: str) -> tuple[str, list[str]]:
    """The deck text and its problems as `line:col: message`."""
    text = deck_text(template)
    with pytest.raises(ProblemsError) as info:
        load_deck(write(tmp_path, text))
    return text, [f"{p.line}:{p.col}: {p.message}" for p in info.value.problems]


def at(text: str, needle: str) -> str:
    """`line:col` of the first character of `needle` in `text`."""
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    return f"{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


@pytest.fixture
def neuron(tmp_path: Path):
    return load_deck(write(tmp_path, deck_text(NEURON))).exercises[0].template


def test_variants_follow_the_ranges_constraints_and_hand_computed_answers(neuron) -> None:
    grid = {k / 2 for k in range(-4, 5)}
    seen_x1 = set()
    for seed in range(60):
        exercise = generate(neuron, seed)
        match = PROMPT.search(exercise.prompt)
        assert match, exercise.prompt
        x1, x2, w1, w2, b = (float(v) for v in match.groups()[:5])
        seen_x1.add(x1)
        assert x1 in grid and x1 != 0 and x2 in (-1, 1) and b == 0.5
        assert -1 <= w1 <= 1 and round(w1 * 10) == pytest.approx(w1 * 10)
        z = w1 * x1 + w2 * x2 + b
        assert z >= 0.3 - 1e-12
        assert match.group(6) == f"{z:.1f}"
        relu, grad = exercise.parts
        assert relu.expected == pytest.approx(max(0.0, z))
        assert grad.expected == x1 and grad.rel_tol == 0.001
        assert exercise.hints == (f"z = {z:.2f}",)
        assert exercise.solution[-1].text == f"Since z > 0, the gradient is x1 = {x1:g}."
    assert len(seen_x1) >= 5  # the draws really vary


def test_same_seed_same_exercise_and_mistakes_are_diagnosed(neuron) -> None:
    assert generate(neuron, 7) == generate(neuron, 7)
    assert generate(neuron, 7) != generate(neuron, 8)
    grad = generate(neuron, 7).parts[1]
    (mistake,) = grad.mistakes
    result = check_part(grad, repr(mistake.value))
    assert result.verdict == "wrong" and result.mistake == mistake
    assert result.message.startswith("the derivative of w1·x1 by w1 is x1 = ")
    assert check_part(grad, repr(grad.expected)).verdict == "right"


def test_a_mistake_that_coincides_is_not_named_and_the_draw_is_kept(tmp_path: Path) -> None:
    """A draw where a listed mistake gives the right answer (x = 2: 2x = x + 2) is kept, as the
    author's distribution says, and that mistake is not diagnosed in it."""
    template = """
    variables:
      x: {choices: [1, 2]}
    prompt: "x = {x}"
    parts:
      - prompt: 2x?
        answer: 2*x
        mistakes:
          - {value: x + 2, feedback: added instead of multiplied}
    """
    item = load_deck(write(tmp_path, deck_text(template))).exercises[0]
    drawn = set()
    for seed in range(30):
        part = generate(item.template, seed).parts[0]
        drawn.add(part.expected)
        if part.expected == 4.0:
            assert part.mistakes == ()
        else:
            assert part.expected == 2.0 and part.mistakes[0].value == 3.0
    assert drawn == {2.0, 4.0}


def test_solution_shows_the_working_with_the_numbers(neuron) -> None:
    exercise = generate(neuron, 3)
    match = PROMPT.search(exercise.prompt)
    assert match
    x1, x2, w1, w2, _ = match.groups()[:5]
    z_step = exercise.solution[0]
    assert z_step.formula == "z = w1*x1 + w2*x2 + b"
    shown = [f"({v})" if v.startswith("-") else v for v in (w1, x1, w2, x2)]
    assert z_step.working.startswith(f"= {shown[0]}*{shown[1]} + {shown[2]}*{shown[3]} + 0.5 = ")


@pytest.mark.parametrize(
    ("template", "needle", "message"),
    [
        (
            'variables: {a: {min: 2, max: 1}}\nprompt: "{a}"\nparts: [{prompt: p, answer: a}]',
            "1}}",
            "variable 'a' is an empty range: max 1 is below min 2",
        ),
        (
            'variables: {a: {min: 0, max: 1}}\nprompt: "{b}"\nparts: [{prompt: p, answer: a}]',
            '"{b}"',
            "placeholder {b} in 'prompt': unknown name 'b': declare it under 'variables' or "
            "'derived' (declared: a)",
        ),
        (
            "variables: {a: 1}\nderived: {p: q + a, q: 2*p}\nprompt: x\n"
            "parts: [{prompt: p, answer: a}]",
            "q + a",
            "derived values depend on each other in a cycle: p → q → p",
        ),
        (
            "variables: {a: 1}\nderived: {p: softplus(a)}\nprompt: x\n"
            "parts: [{prompt: p, answer: a}]",
            "softplus(a)",
            "derived value 'p': unknown function 'softplus'",
        ),
        (
            "variables: {a: {min: 0, max: 1, step: 0.1}}\nconstraints: [a > 2]\nprompt: x\n"
            "parts: [{prompt: p, answer: a}]",
            "a > 2",
            "no usable values in 200 draws: constraint 'a > 2' fails",
        ),
        (
            "variables: {a: {min: 0, max: 3}}\nprompt: x\nparts: [{prompt: p, answer: log(a - 5)}]",
            "log(a - 5)",
            "this cannot be computed in any of 200 draws: 'log(a - 5)': log of a negative",
        ),
        (
            "variables: {a: 1}\nprompt: x\nparts: [{prompt: p, answer: 'output[0]'}]",
            "'output[0]'",
            "the answer of part 1: 'output[0]' is a network result, but the template has no",
        ),
        (
            "variables: {a: 1}\nprompt: x\nparts: [{prompt: p, answer: a, tolerance: 5}]",
            "5}",
            "'tolerance' of part 1 is 5: it is relative, so this accepts answers off by 500%",
        ),
        (
            "variables: {a: 1}\nprompt: x\nparts: [{prompt: p, answer: a, abs_tolerance: -1}]",
            "-1}",
            "'abs_tolerance' of part 1 is negative",
        ),
        (
            "variables: {a: 1}\nprompt: x\nparts: [{prompt: p, answer: a, tolerance: 1%}]",
            "1%",
            "'tolerance' of part 1: write 1% as a fraction",
        ),
        (
            "variables: {a: {min: 0, max: 1, step: 1e-9}}\nprompt: x\n"
            "parts: [{prompt: p, answer: a}]",
            "1e-9",
            "variable 'a' has 1,000,000,001 values; at most 1,000,000",
        ),
        (
            "variables: {a: {min: 0, max: 1, step: 0.0000001}}\nprompt: x\n"
            "parts: [{prompt: p, answer: a}]",
            "0.0000001",
            "variable 'a' has 10,000,001 values; at most 1,000,000",
        ),
        (
            "variables: {act: {choices: [relu, tanh]}}\nprompt: x\n"
            "parts: [{prompt: p, answer: act + 1}]",
            "act + 1",
            "the answer of part 1: 'act' is text (one of relu, tanh), not a number",
        ),
        (
            'variables: {a: 1}\nprompt: "{a:>10s}"\nparts: [{prompt: p, answer: a}]',
            '"{a:>10s}"',
            "placeholder {a:>10s} in 'prompt': format '>10s' is not supported",
        ),
        (
            'variables: {a: 1}\nprompt: "a { b"\nparts: [{prompt: p, answer: a}]',
            '"a { b"',
            "'prompt' has an unmatched '{'; write {{ for a brace",
        ),
        (
            'variables: {a: 1}\nprompt: "a {} b"\nparts: [{prompt: p, answer: a}]',
            '"a {} b"',
            "'prompt' has an empty placeholder {}; write {{ and }} for braces",
        ),
        (
            "variables: {a: 1}\nprompt: x\nparts: [{prompt: p, answer: [a, 1]}]",
            "[a, 1]",
            'the answer of part 1: write a vector as text in quotes, as in "[a, b]"',
        ),
        (
            "variables: {a: 1}\nprompt: x\nparts: [{prompt: p, answer: a, tolerance: .nan}]",
            ".nan",
            "'tolerance' of part 1 must be a finite number, not nan",
        ),
        (
            "variables: {a: 1}\nconstraints: ['0 < a < 2']\nprompt: x\n"
            "parts: [{prompt: p, answer: a}]",
            "'0 < a < 2'",
            "constraint '0 < a < 2' must compare two expressions with one of <, <=, >, >=",
        ),
        (
            "variables: {loss: 1}\nprompt: x\nparts: [{prompt: p, answer: 1}]",
            "loss",
            "variable name 'loss' is an engine result; choose another name",
        ),
        (
            "variables: {a: 1}\nprompt: x\nparts: [{prompt: p, answer: a, tolerence: 0.1}]",
            "tolerence",
            "unknown key 'tolerence' in part 1; did you mean 'tolerance'?",
        ),
        (
            "variables: {a: 1}\nprompt: x\nparts: []",
            "[]",
            "'parts' is empty; give at least one answer part",
        ),
    ],
)
def test_validation_errors_point_at_the_spot(
    tmp_path: Path, template: str, needle: str, message: str
) -> None:
    text, found = problems(tmp_path, template)
    assert any(f.startswith(f"{at(text, needle)}: {message}") for f in found), found


def test_validate_command_reports_template_problems(tmp_path: Path, capsys) -> None:
    bad = write(tmp_path, deck_text("variables: {a: {min: 3, max: 1}}\nprompt: x\n"
                                    "parts: [{prompt: p, answer: a}]"))  # fmt: skip
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{bad}:8:36: error: variable 'a' is an empty range")
    assert "1 problem(s) in 1 file(s)" in out
    good = tmp_path / "good.yaml"
    good.write_text(deck_text(NEURON), encoding="utf-8")
    assert main(["validate", str(good)]) == 0


def test_a_later_part_worked_from_a_wrong_earlier_answer_is_carried(tmp_path: Path) -> None:
    template = """
    variables:
      a: {min: 1, max: 9}
    derived:
      s: a + 1
      t: 2*s
    prompt: "a = {a}"
    parts:
      - {prompt: s = a + 1?, answer: s}
      - {prompt: t = 2s?, answer: t}
      - {prompt: a + t?, answer: a + t}
      - {prompt: 3a?, answer: 3*a}
    """
    item = load_deck(write(tmp_path, deck_text(template))).exercises[0]
    exercise = generate(item.template, 5)
    a = float(exercise.prompt.split("= ")[1])
    s_wrong = a + 2  # one too many
    result = check_exercise(exercise, [str(s_wrong), str(2 * s_wrong), str(a + 2 * s_wrong)])
    verdicts = [r.verdict for r in result.parts]
    assert verdicts == ["wrong", "carried", "carried", "blank"]
    assert "right given your answer to part a" in result.parts[1].message
    assert exercise.parts[3].carry is None  # 3a depends on no earlier answer
    # the right t after a wrong s is still right
    assert check_exercise(exercise, [str(s_wrong), str(2 * (a + 1))]).parts[1].verdict == "right"
