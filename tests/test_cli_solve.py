"""`gradeck solve` as a learner uses it, the spec reader's messages, and the solve results.

Expected numbers are derived by hand below (σ(z) = 1/(1 + e^(−z)), mse = mean of squares).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.network_spec import read_spec
from gradeck.decks.source import load_yaml
from gradeck.exercises.solve import solve
from gradeck.problems import ProblemsError

ISSUE_SPEC = """\
input: [0.05, 0.10]                # one sample, or a list of samples (a batch)
target: [0.01]                     # a class index (or list of them) for cross_entropy
layers:
  - weights: [[0.15, 0.20], [0.25, 0.30]]   # (out, in)
    bias: [0.35, 0.35]
    activation: sigmoid            # linear | sigmoid | tanh | relu | leaky_relu | softmax
  - weights: [[0.40, 0.45]]
    bias: [0.60]
    activation: sigmoid
loss: mse                          # mse | bce | cross_entropy
optimizer: {name: sgd, lr: 0.5}    # sgd (momentum, nesterov, weight_decay) | rmsprop | adam | adamw
steps: 1
"""


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# The issue's spec by hand: forward, loss, δ and one SGD step with η = 0.5.
H1, H2 = sigma(0.3775), sigma(0.3925)
OUT = sigma(0.40 * H1 + 0.45 * H2 + 0.60)
LOSS = (OUT - 0.01) ** 2
D_O = 2 * (OUT - 0.01) * OUT * (1 - OUT)
D_H = (0.40 * D_O * H1 * (1 - H1), 0.45 * D_O * H2 * (1 - H2))


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_output_matches_the_hand_derivation(tmp_path: Path, capsys) -> None:
    assert main(["solve", str(write(tmp_path, ISSUE_SPEC)), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"loss", "output", "losses", "layers"}
    assert doc["output"] == [pytest.approx(0.7513651, abs=5e-8)]
    assert doc["loss"] == pytest.approx(0.5496222, abs=5e-8)
    assert doc["loss"] == pytest.approx(LOSS, rel=1e-12)
    assert len(doc["losses"]) == 2 and doc["losses"][0] == doc["loss"]
    hidden, out = doc["layers"]
    assert set(out) == {"grad_weights", "grad_bias", "weights", "bias"}
    assert out["grad_weights"] == [[pytest.approx(D_O * H1), pytest.approx(D_O * H2)]]
    assert out["grad_bias"] == [pytest.approx(D_O)]
    assert out["weights"] == [
        [pytest.approx(0.40 - 0.5 * D_O * H1), pytest.approx(0.45 - 0.5 * D_O * H2)]
    ]
    assert out["bias"] == [pytest.approx(0.60 - 0.5 * D_O)]
    assert hidden["grad_weights"] == [
        [pytest.approx(D_H[0] * 0.05), pytest.approx(D_H[0] * 0.10)],
        [pytest.approx(D_H[1] * 0.05), pytest.approx(D_H[1] * 0.10)],
    ]
    assert hidden["bias"] == [
        pytest.approx(0.35 - 0.5 * D_H[0]),
        pytest.approx(0.35 - 0.5 * D_H[1]),
    ]


def test_plain_output_walks_through_every_stage_in_80_columns(tmp_path: Path, capsys) -> None:
    assert main(["solve", str(write(tmp_path, ISSUE_SPEC))]) == 0
    out = capsys.readouterr().out
    for heading in ("Forward pass", "Loss", "Backward pass", "Update"):
        assert f"\n{heading}\n" in out
    assert "z₁ = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775" in out
    assert "((0.751365 − 0.01)²) / 1 = 0.549622" in out
    assert f"δ⁽²⁾ = [1.48273] ⊙ [0.186816] = [{D_O:.6g}]" in out
    assert f"b⁽²⁾ ← [0.6] − [{0.5 * D_O:.6g}] = [{0.60 - 0.5 * D_O:.6g}]" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_a_batch_with_class_indices_and_adam(tmp_path: Path, capsys) -> None:
    spec = """\
input: [[1.0, 2.0], [0.5, -1.0]]
target: [1, 0]
layers:
  - weights: [[0.1, 0.2], [-0.3, 0.4]]
loss: cross_entropy
optimizer: {name: adam, lr: 0.1}
"""
    assert main(["solve", str(write(tmp_path, spec)), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # Logits z = W x (bias 0): sample 1 (0.5, 0.5), sample 2 (−0.15, −0.55).
    # L = ½[(ln 2) + ln(1 + e^(−0.4))]; Adam's first step moves each weight by η·sign(g).
    expected = 0.5 * (math.log(2.0) + math.log(1.0 + math.exp(-0.4)))
    assert doc["loss"] == pytest.approx(expected, rel=1e-12)
    moved = [
        [abs(a - b) for a, b in zip(row, start, strict=True)]
        for row, start in zip(doc["layers"][0]["weights"], [[0.1, 0.2], [-0.3, 0.4]], strict=True)
    ]
    assert moved == [[pytest.approx(0.1, rel=1e-6)] * 2] * 2


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["solve", str(tmp_path / "nope.yaml")]) == 1
    err = capsys.readouterr().err
    assert err == f"gradeck: cannot read {tmp_path / 'nope.yaml'}: no such file\n"


BAD_SPEC = """\
input: [0.05, 0.10]
target: [0.01]
layer_count: 2
layers:
  - weights: [[0.15, 0.20], [0.25, 0.30]]
    bias: [0.35, 0.35]
    activaton: sigmoid
  - weights: [[0.40, 0.45, 0.50]]
    bias: [0.60]
    activation: sigmod
loss: mse
optimizer: {name: sgd, lr: -0.5, nesterov: true}
steps: 0
"""


def test_bad_spec_lists_every_problem_with_its_position(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, BAD_SPEC)
    assert main(["solve", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:3:1: error: unknown key 'layer_count' in the spec",
        f"{path}:7:5: error: unknown key 'activaton' in layer 1; did you mean 'activation'?",
        f"{path}:8:14: error: layer 2 weights are (1, 3) but layer 1 gives 2 outputs",
        f"{path}:10:17: error: unknown activation 'sigmod'; did you mean 'sigmoid'?",
        f"{path}:12:28: error: lr must be at least 0, not -0.5",
        f"{path}:12:44: error: Nesterov momentum needs momentum > 0 and dampening 0",
        f"{path}:13:8: error: steps must be a whole number from 1 to 1000, not 0",
    ]


MANY_PROBLEMS = """\
input: [0.5, 0.1, 0.2]
target: [1]
layers:
  - weights: [[0.1, 0.2], [0.3, 0.4]]
    bias: [0.1, 0.2, 0.3]
    activation: sigmoid
  - weights: [[0.5, half]]
    bias: [0]
    activation: sigmod
  - weights: [[0.5, 0.5]]
    bias: [0, 0]
optimizer: {name: adam, lr: -1, betas: [0.9]}
"""


def test_problems_in_one_part_do_not_hide_those_in_others(tmp_path: Path, capsys) -> None:
    # Layer 2 cannot be read (a word for a weight), yet layer 1's shapes, layer 3's bias and the
    # optimizer are checked; layer 3's columns are not, as layer 2's size is unknown.
    path = write(tmp_path, MANY_PROBLEMS)
    assert main(["solve", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:4:14: error: layer 1 weights are (2, 2) but the input has 3 features",
        f"{path}:5:11: error: layer 1 bias is (3,) but its weights (2, 2) need (2,)",
        f"{path}:7:21: error: layer 2 weights row 1 entry 2 must be a number, not text",
        f"{path}:9:17: error: unknown activation 'sigmod'; did you mean 'sigmoid'?",
        f"{path}:11:11: error: layer 3 bias is (2,) but its weights (1, 2) need (1,)",
        f"{path}:12:29: error: lr must be at least 0, not -1",
        f"{path}:12:40: error: betas must be a list of two numbers [β₁, β₂]",
    ]


def test_exponents_yaml_reads_as_text_are_numbers(tmp_path: Path) -> None:
    # YAML 1.1 reads 1e-3 (no dot) and 1.5e2 (no sign) as text; they are plain numbers here.
    text = "input: [1e0, 2]\ntarget: [1.5e2]\nlayers: [{weights: [[1E-1, -2.5e-1]]}]\n"
    spec = read_spec(load_yaml("s.yaml", text + "optimizer: {lr: 1e-3}\nsteps: 1e1\n"), "s.yaml")
    assert spec.input.tolist() == [1.0, 2.0]
    assert spec.target.tolist() == [150.0]
    assert spec.layers[0].weights.tolist() == [[0.1, -0.25]]
    assert (spec.optimizer.lr, spec.steps) == (0.001, 10)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "input: [1, 2]\ntarget: [1]\nlayers:\n  - weights: [[1, 2]]\n    bias: [0, 1]\n",
            "5:11: error: layer 1 bias is (2,) but its weights (1, 2) need (1,)",
        ),
        (
            "input: [1, x]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\n",
            "1:12: error: input entry 2 must be a number, not text",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2], [3]]}]\n",
            "3:20: error: layer 1 weights rows differ in length (2, 1)",
        ),
        (
            "input: [1, 2]\ntarget: [1, 0]\nlayers: [{weights: [[1, 2]]}]\n",
            "2:9: error: target is (2,) but the network's output is (1,)",
        ),
        (
            "input: [1, 2]\ntarget: 3\nlayers: [{weights: [[1, 2], [3, 4]]}]\n"
            "loss: cross_entropy\n",
            "2:9: error: class index 3 is not a whole number from 0 to 1",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2], [3, 4]]}]\n"
            "loss: cross_entropy\n",
            "2:9: error: target is (1,) but cross_entropy on one sample needs a class index "
            "(e.g. target: 0) or a row of 2",
        ),
        (
            "input: [1, 2]\ntarget: [0.5]\nlayers: [{weights: [[1, 2]]}]\nloss: bce\n",
            "3:10: error: bce needs probabilities: end with a sigmoid or softmax layer",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\nloss: mae\n",
            "4:7: error: unknown loss 'mae'; did you mean 'mse'?",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\noptimizer: adagrad\n",
            "4:12: error: unknown optimizer 'adagrad' (expected sgd, rmsprop, adam, adamw)",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\nsteps: 1001\n",
            "4:8: error: steps must be a whole number from 1 to 1000, not 1001",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\nsteps: 1.5\n",
            "4:8: error: steps must be a whole number from 1 to 1000, not 1.5",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\nsteps: 1000000\n",
            "4:8: error: steps must be a whole number from 1 to 1000, not 1000000",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\noptimizer: {lr: 1.0e300}\n",
            "4:17: error: lr must be a finite number of at most 1000000 in size",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\noptimizer: {lr: 1e-3x}\n",
            "4:17: error: lr must be a number, not text",
        ),
        (
            "input: [" + ", ".join(["1"] * 65) + "]\ntarget: [1]\nlayers: []\n",
            "1:8: error: input must have 1 to 64 entries, not 65",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\noptimizer: {lr: .inf}\n",
            "4:17: error: lr must be a finite number of at most 1000000 in size",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\noptimizer: {lr: 1"
            + "0" * 400
            + "}\n",
            "4:17: error: lr must be a finite number of at most 1000000 in size",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]], bias: [0], activation: 3}]\n",
            "3:53: error: activation must be a name, not a number",
        ),
        (
            "input: [1, 2]\ntarget: [1]\nlayers: [{weights: [[1, 2]]}]\n"
            "optimizer: {name: sgd, nesterov: 1}\n",
            "4:34: error: nesterov must be true or false, not a number",
        ),
        ("- 1\n- 2\n", "1:1: error: a spec must be a mapping, not a list"),
    ],
)
def test_bad_specs(tmp_path: Path, capsys, text: str, message: str) -> None:
    path = write(tmp_path, text)
    assert main(["solve", str(path)]) == 1
    assert f"{path}:{message}" in capsys.readouterr().err.splitlines()


def test_a_template_can_supply_the_numbers_through_the_hook() -> None:
    data = load_yaml("t.yaml", "input: [x1, x2]\ntarget: [t]\nlayers: [{weights: [[w, 0.5]]}]\n")
    env = {"x1": 1.0, "x2": 2.0, "t": 0.0, "w": 0.25}

    def number(value: object) -> float:
        if isinstance(value, str):
            if value not in env:
                raise ValueError(f"uses unknown variable {value!r}")
            return env[value]
        return float(value)  # type: ignore[arg-type]

    spec = read_spec(data, "t.yaml", number)
    assert spec.input.tolist() == [1.0, 2.0]
    assert spec.layers[0].weights.tolist() == [[0.25, 0.5]]
    bad = load_yaml("t.yaml", "input: [x1, y]\ntarget: [t]\nlayers: [{weights: [[w, 0.5]]}]\n")
    with pytest.raises(ProblemsError) as caught:
        read_spec(bad, "t.yaml", number)
    assert [str(p) for p in caught.value.problems] == [
        "t.yaml:1:13: error: input entry 2 uses unknown variable 'y'"
    ]


def test_results_and_steps_come_from_the_same_computation() -> None:
    solved = solve(read_spec(load_yaml("s.yaml", ISSUE_SPEC), "s.yaml"))
    r = solved.results
    assert r["loss"] == pytest.approx(LOSS, rel=1e-12)
    assert r["output"] == (pytest.approx(OUT, rel=1e-12),)
    assert r["a.layers[0]"] == (pytest.approx(H1), pytest.approx(H2))
    assert r["delta.layers[1]"] == (pytest.approx(D_O),)
    assert r["grad.layers[1].bias"] == (pytest.approx(D_O),)
    assert r["updated.layers[0].weights"][0][0] == pytest.approx(0.15 - 0.5 * D_H[0] * 0.05)
    assert [s.title for s in solved.sections] == ["Forward pass", "Loss", "Backward pass", "Update"]
    delta_steps = [s for s in solved.steps if s.text.startswith("Layer 1: error signal")]
    assert f"{D_H[0]:.6g}" in delta_steps[0].working
    assert solved.tables[1].rows[0] == ("0.4", f"{D_O * H1:.6g}", f"{0.40 - 0.5 * D_O * H1:.6g}")


def test_a_diverging_run_reports_null_in_json_and_says_so_in_text(tmp_path: Path, capsys) -> None:
    spec = "input: [1.0]\ntarget: [1.0]\nlayers: [{weights: [[2.0]]}]\n"
    path = write(tmp_path, spec + "optimizer: {name: sgd, lr: 100}\nsteps: 1000\n")
    assert main(["solve", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["loss"] == 1.0 and doc["losses"][-1] is None
    assert main(["solve", str(path)]) == 0
    assert "training diverged" in capsys.readouterr().out


def test_settings_left_out_are_shown_as_torchs_defaults(tmp_path: Path, capsys) -> None:
    declared = ISSUE_SPEC
    left_out = ISSUE_SPEC.replace("optimizer: {name: sgd, lr: 0.5}", "optimizer: adamw")
    assert main(["solve", str(write(tmp_path, declared))]) == 0
    assert "Optimizer: sgd (η = 0.5)" in capsys.readouterr().out
    assert main(["solve", str(write(tmp_path, left_out))]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Optimizer: adamw (default η = 0.001," in out  # torch.optim.AdamW's lr
    assert "default λ = 0.01)" in out  # and its weight decay
