"""The network and optimizer families against hand-worked numbers and independent references.

Hand-worked examples put chosen values through each family's engine computation, with the
arithmetic written out. The references recompute every generated exercise's answers without the
engine: central finite differences of the loss for the backprop families, and plain-Python
versions of torch.optim's update formulas for the optimizer families.
"""

from __future__ import annotations

import math
from functools import partial

import pytest

from gradeck.exercises import registry
from gradeck.exercises.families import (
    adam,
    backprop_two_layer,
    momentum,
    neuron_backprop,
    neuron_forward,
    rmsprop,
    softmax_ce,
    weight_decay,
)

SEEDS = range(200)
H = 1e-6  # finite-difference step


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def central(f, x: float) -> float:
    return (f(x + H) - f(x - H)) / (2 * H)


def close(a: float, b: float, rel: float = 1e-6, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def numbers(value) -> list[float]:
    return list(value) if isinstance(value, tuple) else [value]


def expected(ex) -> list:
    return [p.expected for p in ex.parts]


# -- neuron forward -------------------------------------------------------------------------------


def test_neuron_forward_by_hand() -> None:
    # z = 0.5×1 + (−0.2)×2 + 0.1 = 0.2; σ(0.2) = 1/(1 + e^(−0.2)) = 1/1.818731 = 0.549834
    v = neuron_forward.Values("sigmoid", (0.5, -0.2), (1.0, 2.0), 0.1)
    z, a = neuron_forward._nets.neuron_forward(v.activation, v.w, v.x, v.b)
    assert close(z, 0.2) and close(a, 0.549834, rel=1e-5)
    # z = 0.5×(−1) + 0.2 = −0.3, relu(−0.3) = 0
    assert neuron_forward._nets.neuron_forward("relu", (0.5,), (-1.0,), 0.2)[1] == 0.0


@pytest.mark.parametrize("difficulty", (1, 2))
def test_neuron_forward_matches_plain_python(difficulty: int) -> None:
    f = {"sigmoid": sigmoid, "tanh": math.tanh, "relu": lambda z: max(0.0, z)}
    for seed in SEEDS:
        v = neuron_forward.draw(seed, difficulty)
        z = sum(w * x for w, x in zip(v.w, v.x, strict=True)) + v.b
        got_z, got_a = expected(registry.generate("neuron-forward", seed, difficulty))
        assert close(got_z, z) and close(got_a, f[v.activation](z)), seed


# -- single-neuron backprop -----------------------------------------------------------------------


def test_neuron_backprop_mse_by_hand() -> None:
    # z = 0.5×1 + 0 = 0.5, ŷ = σ(0.5) = 0.622459; ∂L/∂ŷ = 2(0.622459 − 1) = −0.755081;
    # σ' = 0.622459 × 0.377541 = 0.235004; ∂L/∂z = −0.755081 × 0.235004 = −0.177447 = ∂L/∂w = ∂L/∂b
    v = neuron_backprop.Values("mse", (0.5,), 0.0, ((1.0,),), (1.0,))
    g = neuron_backprop.grads(v)
    assert close(g.a[0], 0.622459, rel=1e-5)
    assert close(g.dl_dw[0], -0.177447, rel=1e-5) and close(g.dl_db, -0.177447, rel=1e-5)


def test_neuron_backprop_bce_batch_by_hand() -> None:
    # Two samples, x₁ = 2 then −1, w = 0.5, b = 0: ŷ = σ(1) = 0.731059 and σ(−0.5) = 0.377541.
    # With bce after a sigmoid ∂L/∂z = (ŷ − y)/m: (0.731059 − 1)/2 = −0.134471 and
    # (0.377541 − 0)/2 = 0.188771. ∂L/∂w = −0.134471×2 + 0.188771×(−1) = −0.457712;
    # ∂L/∂b = −0.134471 + 0.188771 = 0.054300.
    v = neuron_backprop.Values("bce", (0.5, 0.1), 0.0, ((2.0, 0.0), (-1.0, 0.0)), (1.0, 0.0))
    g = neuron_backprop.grads(v)
    assert close(g.dl_dw[0], -0.457712, rel=1e-5) and close(g.dl_db, 0.054300, rel=1e-4)


def _neuron_loss(v: neuron_backprop.Values, w1: float, b: float) -> float:
    """The mean loss with the first weight and the bias set to w1 and b."""
    total = 0.0
    for x, y in zip(v.xs, v.ys, strict=True):
        a = sigmoid(w1 * x[0] + sum(w * xi for w, xi in zip(v.w[1:], x[1:], strict=True)) + b)
        total += (a - y) ** 2 if v.loss == "mse" else -(y * math.log(a) + (1 - y) * math.log(1 - a))
    return total / len(v.xs)


@pytest.mark.parametrize("difficulty", (1, 2))
def test_neuron_backprop_matches_finite_differences(difficulty: int) -> None:
    for seed in SEEDS:
        v = neuron_backprop.draw(seed, difficulty)
        _, dw, db = expected(registry.generate("neuron-backprop", seed, difficulty))
        by_w, by_b = (partial(_neuron_loss, v, b=v.b), partial(_neuron_loss, v, v.w[0]))
        assert close(dw, central(by_w, v.w[0]), rel=1e-5), seed
        assert close(db, central(by_b, v.b), rel=1e-5), seed


def test_neuron_backprop_sum_instead_of_mean_is_twice_the_answer() -> None:
    ex = registry.generate("neuron-backprop", 3, 2)
    for part in ex.parts[1:]:
        wrong = {m.name: m.value for m in part.mistakes}["sum-instead-of-mean"]
        assert close(wrong, 2 * part.expected)


# -- two-layer backprop ---------------------------------------------------------------------------

# The widely published 2-2-1 example (inputs 0.05, 0.10; its first output unit only).
PUBLISHED = backprop_two_layer.Values(
    "sigmoid", ((0.15, 0.20), (0.25, 0.30)), (0.35, 0.35), ((0.40, 0.45),), (0.60,),
    (0.05, 0.10), 0.01, j=0, i=0, k=0,
)  # fmt: skip


def test_two_layer_published_example_by_hand() -> None:
    t = backprop_two_layer.forward_backward(PUBLISHED)
    # h₁ = σ(0.15×0.05 + 0.20×0.10 + 0.35) = σ(0.3775) = 0.593270, h₂ = σ(0.3925) = 0.596884
    assert close(t.h[0], 0.593270, rel=1e-5) and close(t.h[1], 0.596884, rel=1e-5)
    # ŷ = σ(0.40×0.593270 + 0.45×0.596884 + 0.60) = σ(1.105906) = 0.7513651
    assert close(t.out, 0.7513651, rel=1e-7)
    # L = (0.7513651 − 0.01)² = 0.5496222
    assert close(t.loss, 0.5496222, rel=1e-6)
    # δ₂ = 2 × 0.7413651 × 0.7513651 × 0.2486349 = 0.276997; ∂L/∂W₂[1,1] = δ₂ × h₁ = 0.164334,
    # twice the 0.082167 of the write-up, whose loss is ½(ŷ − y)².
    assert close(t.grad_w2[0][0], 0.164334, rel=1e-5)
    # δ₁[1] = 0.276997 × 0.40 × 0.593270 × 0.406730 = 0.0267358; × x₁ = 0.05 → 0.00133679
    assert close(t.delta_hidden[0], 0.0267358, rel=1e-5)
    assert close(t.grad_w1[0][0], 0.00133679, rel=1e-5)


def _network_loss(v: backprop_two_layer.Values, where: str, r: int, c: int, value: float) -> float:
    """The loss with one parameter (`where` = w1, b1 or w2, at row r, column c) set to value."""
    params = {"w1": [list(row) for row in v.w1], "b1": [list(v.b1)], "w2": [list(v.w2[0])]}
    params[where][r][c] = value
    f = sigmoid if v.hidden == "sigmoid" else math.tanh
    h = [
        f(sum(w * x for w, x in zip(row, v.x, strict=True)) + b)
        for row, b in zip(params["w1"], params["b1"][0], strict=True)
    ]
    out = sigmoid(sum(w * hi for w, hi in zip(params["w2"][0], h, strict=True)) + v.b2[0])
    return (out - v.y) ** 2


@pytest.mark.parametrize("difficulty", (1, 2))
def test_two_layer_matches_finite_differences(difficulty: int) -> None:
    for seed in SEEDS:
        v = backprop_two_layer.draw(seed, difficulty)
        answers = expected(registry.generate("backprop-two-layer", seed, difficulty))
        d_out = central(partial(_network_loss, v, "w2", 0, v.j), v.w2[0][v.j])
        d_hidden = central(partial(_network_loss, v, "w1", v.i, v.k), v.w1[v.i][v.k])
        assert close(answers[1], d_out, rel=1e-5), seed
        assert close(answers[2], d_hidden, rel=1e-4, abs_=1e-9), seed
        if difficulty > 1:
            d_bias = central(partial(_network_loss, v, "b1", 0, v.i), v.b1[v.i])
            assert close(answers[3], d_bias, rel=1e-4), seed


def test_two_layer_describes_its_network() -> None:
    ex = registry.generate("backprop-two-layer", 1, 1)
    assert ex.network == (2, 2, 1)
    assert [t.title.split()[0] for t in ex.tables] == ["W₁", "b₁", "W₂", "b₂"]


# -- softmax and cross-entropy --------------------------------------------------------------------


def test_softmax_cross_entropy_by_hand() -> None:
    # e¹ + e² + e⁰ = 2.718282 + 7.389056 + 1 = 11.107338; p = (0.244728, 0.665241, 0.090031);
    # L = −ln 0.665241 = 0.407606; ∂L/∂z = p − (0, 1, 0) = (0.244728, −0.334759, 0.090031)
    s = softmax_ce.record(softmax_ce.Values((1.0, 2.0, 0.0), 1))
    assert all(
        close(a, b, rel=1e-5)
        for a, b in zip(s.probabilities, (0.244728, 0.665241, 0.090031), strict=True)
    )
    assert close(s.loss, 0.407606, rel=1e-5)
    assert all(
        close(a, b, rel=1e-5) for a, b in zip(s.grad, (0.244728, -0.334759, 0.090031), strict=True)
    )


def _cross_entropy(logits: list[float], target: int) -> float:
    return -logits[target] + math.log(sum(math.exp(z) for z in logits))


def _moved_cross_entropy(v: softmax_ce.Values, c: int, z: float) -> float:
    logits = list(v.logits)
    logits[c] = z
    return _cross_entropy(logits, v.target)


@pytest.mark.parametrize("difficulty", (1, 2))
def test_softmax_cross_entropy_matches_finite_differences(difficulty: int) -> None:
    for seed in SEEDS:
        v = softmax_ce.draw(seed, difficulty)
        p, loss, grad = expected(registry.generate("softmax-cross-entropy", seed, difficulty))
        assert close(sum(p), 1.0) and close(loss, _cross_entropy(list(v.logits), v.target))
        for c in range(len(v.logits)):
            moved = partial(_moved_cross_entropy, v, c)
            assert close(grad[c], central(moved, v.logits[c]), rel=1e-5, abs_=1e-8), seed


# -- optimizers: plain-Python versions of torch.optim's formulas ----------------------------------


def torch_sgd(w: float, grads, lr: float, mu: float, nesterov: bool) -> list[tuple[float, float]]:
    """(w, buffer) after each step."""
    out, buf = [], None
    for g in grads:
        buf = g if buf is None else mu * buf + g
        w -= lr * (g + mu * buf if nesterov else buf)
        out.append((w, buf))
    return out


def torch_adam(w: float, grads, lr: float, b1: float, b2: float, eps: float = 1e-8) -> list:
    """(w, m, m̂, v̂) after each step."""
    out, m, s = [], 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), s / (1 - b2**t)
        w -= lr * m_hat / (math.sqrt(v_hat) + eps)
        out.append((w, m, m_hat, v_hat))
    return out


def torch_rmsprop(w: float, grads, lr: float, alpha: float, eps: float = 1e-8) -> list:
    out, s = [], 0.0
    for g in grads:
        s = alpha * s + (1 - alpha) * g * g
        w -= lr * g / (math.sqrt(s) + eps)
        out.append((s, w))
    return out


def test_momentum_by_hand() -> None:
    # Classical: v₁ = 0.5, w₁ = 1 − 0.1×0.5 = 0.95; v₂ = 0.9×0.5 − 0.2 = 0.25, w₂ = 0.95 − 0.025
    v = momentum.Values("classical", 0.1, 0.9, 1.0, 0.5, -0.2)
    assert momentum.answers(v) == (0.95, 0.25, 0.925)
    # Nesterov: w₁ = 1 − 0.1×(0.5 + 0.9×0.5) = 0.905; v₂ = 0.25;
    # w₂ = 0.905 − 0.1×(−0.2 + 0.9×0.25) = 0.905 − 0.0025 = 0.9025
    v = momentum.Values("nesterov", 0.1, 0.9, 1.0, 0.5, -0.2)
    assert momentum.answers(v) == (0.905, 0.25, 0.9025)


@pytest.mark.parametrize("difficulty", (1, 2))
def test_momentum_matches_torch_formulas(difficulty: int) -> None:
    for seed in SEEDS:
        v = momentum.draw(seed, difficulty)
        (w1, _), (w2, buf2) = torch_sgd(v.w0, (v.g1, v.g2), v.lr, v.mu, v.variant == "nesterov")
        got = expected(registry.generate("sgd-momentum", seed, difficulty))
        assert all(close(a, b) for a, b in zip(got, (w1, buf2, w2), strict=True)), seed


def test_adam_by_hand() -> None:
    # m₁ = 0.1×0.5 = 0.05, v₁ = 0.001×0.25 = 0.00025; m̂₁ = 0.5, v̂₁ = 0.25: w₁ = 1 − 0.1×0.5/0.5
    # m₂ = 0.9×0.05 + 0.1×0.3 = 0.075, v₂ = 0.999×0.00025 + 0.001×0.09 = 0.00033975;
    # m̂₂ = 0.075/0.19 = 0.394737, v̂₂ = 0.00033975/0.001999 = 0.169960;
    # w₂ = 0.9 − 0.1×0.394737/√0.169960 = 0.9 − 0.1×0.394737/0.412262 = 0.804251
    a = adam.answers(adam.Values(0.1, 0.9, 0.999, 1.0, 0.5, 0.3))
    assert close(a.w1, 0.9, rel=1e-7) and close(a.m2, 0.075)
    assert close(a.m_hat2, 0.394737, rel=1e-5) and close(a.v_hat2, 0.169960, rel=1e-5)
    assert close(a.w2, 0.804251, rel=1e-6)


@pytest.mark.parametrize("difficulty", (1, 2))
def test_adam_matches_torch_formulas(difficulty: int) -> None:
    for seed in SEEDS:
        v = adam.draw(seed, difficulty)
        (w1, *_), (w2, m2, m_hat2, v_hat2) = torch_adam(v.w0, (v.g1, v.g2), v.lr, v.beta1, v.beta2)
        got = expected(registry.generate("adam", seed, difficulty))
        want = (w1, m2, w2) if difficulty == 1 else (w1, m_hat2, v_hat2, w2)
        assert all(close(a, b) for a, b in zip(got, want, strict=True)), seed


def test_adam_without_bias_correction_is_named() -> None:
    ex = registry.generate("adam", 0, 1)
    v = adam.draw(0, 1)
    m1, s1 = (1 - v.beta1) * v.g1, (1 - v.beta2) * v.g1**2
    wrong = {m.name: m.value for m in ex.parts[0].mistakes}["no-bias-correction"]
    assert close(wrong, v.w0 - v.lr * m1 / (math.sqrt(s1) + 1e-8))


def test_rmsprop_by_hand() -> None:
    # α = 0.9: v₁ = 0.1×0.25 = 0.025, w₁ = 1 − 0.01×0.5/0.158114 = 0.968377;
    # v₂ = 0.9×0.025 + 0.1×0.04 = 0.0265, w₂ = 0.968377 + 0.01×0.2/0.162788 = 0.980663
    path = rmsprop.trajectory(rmsprop.Values(0.01, 0.9, 1.0, (0.5, -0.2)))
    assert close(path[0][0], 0.025) and close(path[0][1], 0.968377, rel=1e-6)
    assert close(path[1][0], 0.0265) and close(path[1][1], 0.980663, rel=1e-6)


@pytest.mark.parametrize("difficulty", (1, 2))
def test_rmsprop_matches_torch_formulas(difficulty: int) -> None:
    for seed in SEEDS:
        v = rmsprop.draw(seed, difficulty)
        want = [x for step in torch_rmsprop(v.w0, v.grads, v.lr, v.alpha) for x in step]
        got = expected(registry.generate("rmsprop", seed, difficulty))
        assert all(close(a, b) for a, b in zip(got, want, strict=True)), seed


def test_weight_decay_by_hand() -> None:
    # SGD: g + λw = 1.8 + 0.5×0.6 = 2.1; w₁ = 0.6 − 0.2×2.1 = 0.18
    assert weight_decay.answers(weight_decay.Values("sgd", 0.2, 0.5, 0.6, 1.8)) == (2.1, 0.18)
    # AdamW: −1.7×(1 − 0.5×0.5) = −1.275; then −1.275 − 0.5×(−2)/2 = −0.775
    first, after = weight_decay.answers(weight_decay.Values("adamw", 0.5, 0.5, -1.7, -2.0))
    assert first == -1.275 and close(after, -0.775)


@pytest.mark.parametrize("difficulty", (1, 2))
def test_weight_decay_matches_torch_formulas(difficulty: int) -> None:
    for seed in SEEDS:
        v = weight_decay.draw(seed, difficulty)
        if v.optimizer == "sgd":
            g = v.g + v.decay * v.w
            want = (g, v.w - v.lr * g)
        else:
            decayed = v.w * (1 - v.lr * v.decay)
            want = (decayed, torch_adam(decayed, (v.g,), v.lr, 0.9, 0.999)[0][0])
        got = expected(registry.generate("weight-decay", seed, difficulty))
        assert all(close(a, b) for a, b in zip(got, want, strict=True)), seed


# -- error carried forward -----------------------------------------------------------------------


def test_two_layer_carries_a_wrong_output_forward() -> None:
    from gradeck.exercises.check import check_exercise

    def carried_apart(seed: int) -> bool:  # where carrying shows: the wrong ŷ changes b and c
        ex = registry.generate("backprop-two-layer", seed, 1)
        wrong = ex.parts[0].expected + 0.1
        return all(not close(p.carry((wrong,)), p.expected, rel=0.05) for p in ex.parts[1:])

    ex = registry.generate("backprop-two-layer", next(filter(carried_apart, range(50))), 1)
    wrong_out = ex.parts[0].expected + 0.1
    carried = [part.carry((wrong_out,)) for part in ex.parts[1:]]
    result = check_exercise(ex, [str(wrong_out), *(f"{c:.8g}" for c in carried)])
    assert [r.verdict for r in result.parts] == ["wrong", "carried", "carried"]
    assert "error carried forward" in result.parts[1].message
    for value, part in zip(carried, ex.parts[1:], strict=True):
        assert not close(value, part.expected, rel=0.01)
