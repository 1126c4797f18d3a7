"""Decks from anyone: code never runs, files are never touched, work is bounded, errors are clear.

Each hostile deck goes through `gradeck validate` (exit 1, a located message, no traceback). Time is
not measured; bounded work is asserted instead where it is not evident from the limits (the total
expression evaluation spent on a file full of templates).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks import template_reader
from gradeck.decks.loader import load_deck
from gradeck.exercises import expr
from gradeck.problems import ProblemsError

HEAD = "format: 1\nid: hostile\ntitle: Hostile\n"


def template_deck(template: str) -> str:
    body = textwrap.indent(textwrap.dedent(template).strip("\n"), " " * 6)
    return f"{HEAD}exercises:\n  - id: t\n    template:\n{body}\n"


def simple(**fields: str) -> str:
    """A template with one variable `a`, whose fields can be replaced one by one."""
    parts = {"variables": "{a: {min: 1, max: 3}}", "prompt": "'a = {a}'"}
    parts["parts"] = "[{prompt: p, answer: a}]"
    parts.update(fields)
    return template_deck("\n".join(f"{k}: {v}" for k, v in parts.items()))


BILLION_LAUGHS = HEAD + "\n".join(
    [
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
        *(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "cards: *i",
    ]
)

HOSTILE = {
    "python object tag": (
        HEAD + "cards:\n  - !!python/object/apply:os.system ['touch {marker}']\n",
        "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    "python tag in a template": (
        simple(prompt="!!python/object/apply:subprocess.call [['touch', '{marker}']]"),
        "is not allowed",
    ),
    "billion laughs": (BILLION_LAUGHS, "too many YAML nodes"),
    "deep YAML nesting": (HEAD + "cards: " + "[" * 5000 + "]" * 5000 + "\n", "nesting depth"),
    "huge range": (
        simple(variables="{a: {min: -1000000, max: 1000000, step: 0.000001}}"),
        "has 2,000,000,000,001 values; at most 1,000,000",
    ),
    "huge bound": (simple(variables="{a: {min: 0, max: 1.0e+300}}"), "limited to ±1e+06"),
    "infinite bound": (simple(variables="{a: {min: 0, max: .inf}}"), "must be a finite number"),
    "enormous integer": (simple(variables="{a: {min: 0, max: " + "9" * 5000 + "}}"), "cannot"),
    "too many choices": (
        simple(variables="{a: {choices: [" + ", ".join(["1"] * 1001) + "]}}"),
        "more than 1000 choices",
    ),
    "__import__": (
        simple(parts="[{prompt: p, answer: \"__import__('os').system('ls')\"}]"),
        "unknown function '__import__'",
    ),
    "attribute access": (
        simple(derived="{b: a.__class__}"),
        "derived value 'b': unexpected character '.'",
    ),
    "lambda": (simple(derived="{b: 'lambda: 1'}"), "unknown name 'lambda'"),
    "comprehension": (
        simple(parts="[{prompt: p, answer: '[a for a in a]'}]"),
        "missing operator",
    ),
    "dunder placeholder": (simple(prompt="'{a.__class__.__mro__}'"), "unexpected character"),
    "format spec injection": (simple(prompt="'{a:{a}}'"), "unmatched"),
    "9**9**9": (
        simple(parts="[{prompt: p, answer: 9**9**9}]"),
        "'9**9**9': the power is too large to compute",
    ),
    "huge exponent literal": (simple(derived="{b: 1e999 * a}"), "exponent is out of range"),
    "deep expression": (simple(derived="{b: " + "(" * 500 + "a" + ")" * 500 + "}"), "too deeply"),
    "long expression": (simple(derived="{b: " + "a+" * 3000 + "a}"), "too long"),
    "large expressions": (
        simple(derived="{" + ", ".join(f"b{i}: {'+'.join(['a'] * 60)}" for i in range(20)) + "}"),
        "the template's expressions are too large",
    ),
    "huge network": (
        simple(
            network="{input: [1, 2], target: [0], layers: ["
            + ", ".join(f"{{weights: [[{i}, a]]}}" for i in range(400))
            + "]}"
        ),
        "a template's network holds more than 300 values",
    ),
    "network steps": (
        simple(network="{input: [a], target: [0], layers: [{weights: [[1]]}], steps: 1000}"),
        "a template's network has 1000 steps",
    ),
    "code in a network": (
        simple(network="{input: [\"__import__('os')\"], target: [0], layers: [{weights: [[1]]}]}"),
        "input entry 1 is neither a number nor an expression of the values: unknown function",
    ),
    "long prompt": (simple(prompt="'" + "x" * 20_000 + "'"), "longer than 10,000 characters"),
    "long name": (simple(variables="{" + "a" * 1000 + ": 1}"), "must be a letter followed"),
    "too many variables": (
        simple(variables="{" + ", ".join(f"v{i}: 1" for i in range(60)) + "}"),
        "more than 50 variables",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_deck_is_rejected_with_a_clear_message(tmp_path: Path, capsys, name: str) -> None:
    marker = tmp_path / "pwned"
    text, message = HOSTILE[name]
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace("{marker}", str(marker)), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert f"{path}:" in out and message in out, out[:2000]
    assert "Traceback" not in out + err
    assert not marker.exists()
    assert max(len(line) for line in out.splitlines()) < 500  # messages stay readable


def test_a_file_of_many_templates_is_checked_with_bounded_work(tmp_path: Path, monkeypatch) -> None:
    """300 templates whose constraint never holds: sampling stops at the file's budget."""
    calls = 0
    real = expr._eval

    def counting(node, env):
        nonlocal calls
        calls += 1
        return real(node, env)

    monkeypatch.setattr(expr, "_eval", counting)
    item = (
        "  - id: t{i}\n    template:\n      variables: {{a: {{min: 0, max: 1, step: 0.5}}}}\n"
        "      constraints: ['a + a + a + a > 9']\n      prompt: x\n"
        "      parts: [{{prompt: p, answer: a}}]\n"
    )
    path = tmp_path / "many.yaml"
    path.write_text(HEAD + "exercises:\n" + "".join(item.format(i=i) for i in range(300)))
    with pytest.raises(ProblemsError) as info:
        load_deck(path)
    messages = [p.message for p in info.value.problems]
    assert "no usable values in 200 draws: constraint 'a + a + a + a > 9' fails" in messages[0]
    assert sum("take too long to check" in m for m in messages) == 1
    assert calls <= template_reader.FILE_SAMPLE_BUDGET + 1000
