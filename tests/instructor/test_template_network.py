"""Templates with a network: answers from the engine agree with a hand-written computation, and
references to results the network does not have are validation errors at their spot."""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

import pytest

from gradeck.decks.loader import load_deck
from gradeck.exercises.template import generate
from gradeck.problems import ProblemsError

NETWORK = """
variables:
  x1: {min: 0.1, max: 1, step: 0.1}
  x2: {min: -1, max: 1, step: 0.1}
  a: {min: -0.8, max: 0.8, step: 0.1}
  b: {min: -0.8, max: 0.8, step: 0.1}
  c: {min: -0.8, max: 0.8, step: 0.1}
  d: {min: -0.8, max: 0.8, step: 0.1}
  v1: {min: -1, max: 1, step: 0.1}
  v2: {min: -1, max: 1, step: 0.1}
  y: {choices: [0, 1]}
  lr: {choices: [0.1, 0.5]}
  act: {choices: [sigmoid, tanh]}
network:
  input: [x1, x2]
  target: [y]
  layers:
    - weights: [[a, b], [c, "{d}"]]
      bias: [0.1, -0.1]
      activation: act
    - weights: [[v1, v2]]
      bias: ["2*0.05"]
      activation: sigmoid
  loss: mse
  optimizer: {name: sgd, lr: lr}
prompt: "x=[{x1},{x2}] W=[{a},{b},{c},{d}] V=[{v1},{v2}] y={y} lr={lr} act={act}"
parts:
  - prompt: output
    answer: output[0]
  - prompt: loss
    answer: loss
  - prompt: dL/dv2
    answer: grad.layers[1].weights[0][1]
  - prompt: dL/db
    answer: grad.layers[0].weights[0][1]
  - prompt: b after the step
    answer: updated.layers[0].weights[0][1]
  - prompt: the output bias after the step, doubled
    answer: 2 * updated.layers[1].bias[0]
  - prompt: all output weight gradients
    answer: grad.layers[1].weights
solution: "The loss fell from {losses[0]:.4f} to {losses[1]:.4f}."
"""


def deck_text(template: str) -> str:
    body = textwrap.indent(textwrap.dedent(template).strip("\n"), " " * 6)
    return f"format: 1\nid: net\ntitle: Net\nexercises:\n  - id: two-layer\n    template:\n{body}\n"


def load(tmp_path: Path, template: str):
    path = tmp_path / "net.yaml"
    text = deck_text(template)
    path.write_text(text, encoding="utf-8")
    return path, text


def by_hand(x, w, v, y, lr, act):
    """The 2-2-1 network of NETWORK, forward and backward, with plain floats."""
    sig = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
    f = sig if act == "sigmoid" else math.tanh
    df = (lambda h: h * (1 - h)) if act == "sigmoid" else (lambda h: 1 - h * h)
    z = [w[0][0] * x[0] + w[0][1] * x[1] + 0.1, w[1][0] * x[0] + w[1][1] * x[1] - 0.1]
    h = [f(z[0]), f(z[1])]
    out = sig(v[0] * h[0] + v[1] * h[1] + 0.1)
    loss = (out - y) ** 2
    delta_out = 2 * (out - y) * out * (1 - out)
    grad_v = [delta_out * h[0], delta_out * h[1]]
    delta_h = [delta_out * v[0] * df(h[0]), delta_out * v[1] * df(h[1])]
    grad_b = delta_h[0] * x[1]
    return out, loss, grad_v, grad_b, w[0][1] - lr * grad_b, 2 * (0.1 - lr * delta_out)


def test_network_answers_agree_with_a_hand_computation(tmp_path: Path) -> None:
    path, _ = load(tmp_path, NETWORK)
    template = load_deck(path).exercises[0].template
    activations = set()
    for seed in range(12):
        exercise = generate(template, seed)
        numbers = re.findall(r"-?[\d.]+", exercise.prompt)
        x1, x2, a, b, c, d, v1, v2, y, lr = (float(n) for n in numbers[:10])
        act = exercise.prompt.rsplit("act=", 1)[1]
        activations.add(act)
        out, loss, grad_v, grad_b, new_b, new_bias = by_hand(
            (x1, x2), ((a, b), (c, d)), (v1, v2), y, lr, act
        )
        expected = [p.expected for p in exercise.parts]
        assert expected[:6] == pytest.approx([out, loss, grad_v[1], grad_b, new_b, new_bias])
        (row,) = expected[6]
        assert row == pytest.approx(tuple(grad_v))
        assert exercise.parts[6].kind == "matrix"
        assert exercise.network == (2, 2, 1)
        assert exercise.tables[1].rows[0] == (f"{a:g}", f"{b:g}", "0.1")
        assert any(s.text.startswith("Layer 1: weighted sums") for s in exercise.solution)
        assert re.fullmatch(r"The loss fell from [\d.]+ to [\d.]+\.", exercise.solution[-1].text)
    assert activations == {"sigmoid", "tanh"}  # a word variable picks the activation per draw


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (
            ("answer: grad.layers[1].weights[0][1]", "answer: grad.layers[2].weights[0][1]"),
            "grad.layers[2]",
            "the answer of part 3: 'grad.layers[2].weights[0][1]': the network has 2 layer(s), "
            "numbered 0 to 1",
        ),
        (
            ("answer: output[0]", "answer: output[1]"),
            "output[1]",
            "the answer of part 1: 'output[1]': index 1 is out of range: the output has 1",
        ),
        (
            ("{losses[1]:.4f}", "{losses[2]:.4f}"),
            '"The loss',
            "placeholder {losses[2]:.4f} in 'solution': 'losses[2]': index 2 is out of range",
        ),
        (
            ("answer: grad.layers[0].weights[0][1]", "answer: grad.layers[0].weight[0][1]"),
            "grad.layers[0].weight[",
            "the answer of part 4: 'grad.layers[0].weight[0][1]': a layer has 'weights' and "
            "'bias', not 'weight'",
        ),
        (
            ("answer: loss", "answer: loss[0]"),
            "loss[0]",
            "the answer of part 2: 'loss[0]': 'loss' is one number",
        ),
        (
            ("answer: 2 * updated.layers[1].bias[0]", "answer: 2 * updated.layers[1].bias"),
            "2 * updated",
            "the answer of part 6: 'updated.layers[1].bias' is a vector or matrix: name it alone",
        ),
        (
            ("[[v1, v2]]", "[[v1, q]]"),
            "q]]",
            "layer 2 weights row 1 entry 2 is neither a number nor an expression of the values: "
            "unknown name 'q'",
        ),
        (
            ("bias: [0.1, -0.1]", "bias: [act, -0.1]"),
            "act, -0.1",
            "layer 1 bias entry 1 uses 'act', a word, where a number is needed",
        ),
        (
            ("input: [x1, x2]", "input: [x1, x2, x1]"),
            "[[a, b]",
            "layer 1 weights are (2, 2) but the input has 3 features",
        ),
        (
            ("  loss: mse", "  loss: mse\n  steps: 50"),
            "50",
            "a template's network has 50 steps; at most 100 weights and biases, 8 samples and 20",
        ),
        (
            ("  loss: mse", "  loss: bce"),
            "[y]",
            "",  # y = 0 or 1 suits bce: no problem, checked below
        ),
    ],
)
def test_network_problems_point_at_the_spot(
    tmp_path: Path, change: tuple[str, str], needle: str, message: str
) -> None:
    assert change[0] in NETWORK
    path, text = load(tmp_path, NETWORK.replace(*change))
    if not message:
        load_deck(path)
        return
    with pytest.raises(ProblemsError) as info:
        load_deck(path)
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    col = index - text.rfind("\n", 0, index)
    found = [f"{p.line}:{p.col}: {p.message}" for p in info.value.problems]
    assert any(f.startswith(f"{line}:{col}: {message}") for f in found), found


def test_a_draw_that_makes_no_valid_network_is_drawn_again(tmp_path: Path) -> None:
    """bce needs targets in 0..1: with y from {0, 1, 3}, the y = 3 draws are refused; with only
    y = 3 the template is invalid and validation says why."""
    template = NETWORK.replace("y: {choices: [0, 1]}", "y: {choices: [0, 1, 3]}")
    template = template.replace("  loss: mse", "  loss: bce")
    path, _ = load(tmp_path, template)
    loaded = load_deck(path).exercises[0].template  # validation tries a few draws, too
    targets = {re.search(r"y=(\S+)", generate(loaded, s).prompt).group(1) for s in range(20)}
    assert targets == {"0", "1"}
    always_bad = template.replace("y: {choices: [0, 1, 3]}", "y: 3")
    path, _ = load(tmp_path, always_bad)
    with pytest.raises(ProblemsError, match="bce targets must lie between 0 and 1"):
        load_deck(path)
