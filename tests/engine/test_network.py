"""`train` on the widely published 2-2-1 example, worked by hand, and `check`'s messages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradeck.engine import LayerSpec, NetworkSpec, OptimizerSpec, train
from gradeck.engine.network import check, layer_shape_problems

X = [0.05, 0.10]
W1 = [[0.15, 0.20], [0.25, 0.30]]
B1 = [0.35, 0.35]


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def published(
    out_weights: list[list[float]], out_bias: list[float], target: list[float]
) -> NetworkSpec:
    layers = [
        LayerSpec(np.array(W1), np.array(B1), "sigmoid"),
        LayerSpec(np.array(out_weights), np.array(out_bias), "sigmoid"),
    ]
    return NetworkSpec(np.array(X), np.array(target), layers, "mse", OptimizerSpec("sgd", 0.5))


def test_single_output_example_by_hand() -> None:
    # Forward pass, written out.
    h1 = sigma(0.15 * 0.05 + 0.20 * 0.10 + 0.35)  # σ(0.3775) = 0.5932699921
    h2 = sigma(0.25 * 0.05 + 0.30 * 0.10 + 0.35)  # σ(0.3925) = 0.5968843782
    o = sigma(0.40 * h1 + 0.45 * h2 + 0.60)  # σ(1.1059059674) = 0.7513650696
    loss = (o - 0.01) ** 2  # mean over one output: 0.7413650696² = 0.5496221664
    # Backward pass: δo = 2(o − t)·o(1 − o); δh = w·δo·h(1 − h).
    d_o = 2 * (o - 0.01) * o * (1 - o)
    d_h1, d_h2 = 0.40 * d_o * h1 * (1 - h1), 0.45 * d_o * h2 * (1 - h2)

    training = train(published([[0.40, 0.45]], [0.60], [0.01]))

    assert o == pytest.approx(0.7513651, abs=5e-8)
    assert loss == pytest.approx(0.5496222, abs=5e-8)  # the figure holds
    assert 0.5 * (o - 0.01) ** 2 == pytest.approx(0.274811083, abs=1e-9)  # the usual ½·error²
    assert training.output.shape == (1,)
    assert training.output[0] == pytest.approx(o, rel=1e-12)
    assert training.loss == pytest.approx(loss, rel=1e-12)
    hidden_grad, out_grad = training.grads
    np.testing.assert_allclose(out_grad.weights, [[d_o * h1, d_o * h2]], rtol=1e-12)
    np.testing.assert_allclose(out_grad.bias, [d_o], rtol=1e-12)
    np.testing.assert_allclose(
        hidden_grad.weights, [[d_h1 * 0.05, d_h1 * 0.10], [d_h2 * 0.05, d_h2 * 0.10]], rtol=1e-12
    )
    np.testing.assert_allclose(
        training.updated[1].weights, [[0.40 - 0.5 * d_o * h1, 0.45 - 0.5 * d_o * h2]]
    )
    # The trace holds the same numbers a worked solution shows.
    hidden, output = training.trace
    np.testing.assert_allclose(hidden.z, [0.3775, 0.3925])
    np.testing.assert_allclose(hidden.a, [h1, h2])
    np.testing.assert_allclose(output.delta, [d_o], rtol=1e-12)
    np.testing.assert_allclose(output.derivative, [o * (1 - o)], rtol=1e-12)
    np.testing.assert_allclose(output.grad_a, [2 * (o - 0.01)], rtol=1e-12)
    np.testing.assert_allclose(hidden.delta, [d_h1, d_h2], rtol=1e-12)
    np.testing.assert_allclose(output.input, [h1, h2])


def test_two_output_example_matches_the_published_figures() -> None:
    # Mean over two outputs = ½·∑ error², so the published total and updates carry over.
    training = train(published([[0.40, 0.45], [0.50, 0.55]], [0.60, 0.60], [0.01, 0.99]))
    np.testing.assert_allclose(training.output, [0.75136507, 0.772928465], atol=1e-8)
    assert training.loss == pytest.approx(0.298371109, abs=1e-9)
    out, hidden = training.updated[1], training.updated[0]
    np.testing.assert_allclose(
        out.weights, [[0.35891648, 0.408666186], [0.511301270, 0.561370121]], atol=1e-8
    )
    np.testing.assert_allclose(
        hidden.weights, [[0.149780716, 0.19956143], [0.24975114, 0.29950229]], atol=1e-8
    )


def test_losses_are_recorded_before_each_step_and_after_the_last() -> None:
    spec = published([[0.40, 0.45]], [0.60], [0.01])
    spec.steps = 3
    training = train(spec)
    assert len(training.losses) == 4 and training.losses[0] == training.loss
    assert list(training.losses) == sorted(training.losses, reverse=True)  # it learns
    after = train(published([[0.40, 0.45]], [0.60], [0.01]))  # one step from the start
    assert training.losses[1] == pytest.approx(after.losses[1], rel=1e-12)
    assert len(training.history) == 3


def test_a_batch_averages_over_samples() -> None:
    rng = np.random.default_rng(3)
    w, b = rng.normal(size=(2, 3)), rng.normal(size=2)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    spec = NetworkSpec(x, y, [LayerSpec(w, b, "linear")], "mse", OptimizerSpec("sgd", 0.1))
    training = train(spec)
    # By hand: L = mean over 8 entries of (XWᵀ + b − Y)²; ∂L/∂W = (2/8)·(XWᵀ + b − Y)ᵀ X.
    err = x @ w.T + b - y
    assert training.loss == pytest.approx(float((err**2).mean()), rel=1e-12)
    np.testing.assert_allclose(training.grads[0].weights, (2 / 8) * err.T @ x, rtol=1e-12)
    np.testing.assert_allclose(training.grads[0].bias, (2 / 8) * err.sum(axis=0), rtol=1e-12)
    assert training.output.shape == (4, 2)


def test_cross_entropy_indices_and_one_hot_agree() -> None:
    logits_layer = LayerSpec(np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.1]]), np.zeros(3))
    x = np.array([[1.0, 2.0], [0.5, -1.0]])
    by_index = NetworkSpec(x, np.array([2, 0]), [logits_layer], "cross_entropy", OptimizerSpec())
    by_rows = NetworkSpec(x, np.eye(3)[[2, 0]], [logits_layer], "cross_entropy", OptimizerSpec())
    a, b = train(by_index), train(by_rows)
    assert a.loss == pytest.approx(b.loss, rel=1e-12)
    z = x @ logits_layer.weights.T
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    assert a.loss == pytest.approx(-(log_p[0, 2] + log_p[1, 0]) / 2, rel=1e-12)
    # δ at the logits is (softmax − one-hot)/batch.
    np.testing.assert_allclose(a.trace[0].delta, (np.exp(log_p) - np.eye(3)[[2, 0]]) / 2)


def test_check_names_both_shapes() -> None:
    spec = published([[0.40, 0.45, 0.5]], [0.60], [0.01])
    assert check(spec) == [
        (("layers", 1, "weights"), "layer 2 weights are (1, 3) but layer 1 gives 2 outputs")
    ]
    spec = published([[0.40, 0.45]], [0.60, 0.1], [0.01])
    assert check(spec) == [
        (("layers", 1, "bias"), "layer 2 bias is (2,) but its weights (1, 2) need (1,)")
    ]
    spec = published([[0.40, 0.45]], [0.60], [0.01, 0.99])
    assert check(spec) == [(("target",), "target is (2,) but the network's output is (1,)")]


def test_check_refuses_bad_names_and_class_indices() -> None:
    spec = published([[0.40, 0.45]], [0.60], [0.01])
    spec.layers[0].activation = "sigmoidd"
    spec.loss = "cross_entropy"
    spec.target = np.array(1)
    assert check(spec) == [
        (("layers", 0, "activation"), "unknown activation 'sigmoidd'"),
        (("target",), "class index 1 is not a whole number from 0 to 0"),
    ]
    with pytest.raises(ValueError, match="unknown activation"):
        train(spec)


def test_shapes_are_checked_around_the_parts_a_reader_could_not_read() -> None:
    # Layer 1's bias is unknown but its weights give 2 outputs, so layer 2 (3 columns) is still
    # checked; layer 3 follows unknown weights, so only its own bias is checked.
    shapes = [((2, 2), None), ((1, 3), (1,)), (None, (1,)), ((1, 5), (2,))]
    assert layer_shape_problems(shapes, 2) == [
        (("layers", 1, "weights"), "layer 2 weights are (1, 3) but layer 1 gives 2 outputs"),
        (("layers", 3, "bias"), "layer 4 bias is (2,) but its weights (1, 5) need (1,)"),
    ]
    assert layer_shape_problems([((2, 3), (2,))], None) == []
