"""Gradient checking, vanishing gradients, batch backprop, label smoothing and BCE with logits:
hand-worked cases, and every gradient held to a central finite difference taken here."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest

from gradeck.exercises import registry
from gradeck.exercises.families import (
    bce_logits,
    dense_batch,
    grad_check,
    label_smoothing,
    vanishing,
)

H = 1e-6
SEEDS = range(40)


def fd(f, x: float) -> float:
    return (f(x + H) - f(x - H)) / (2 * H)


def parts(name: str, seed: int, difficulty: int) -> list:
    return [p.expected for p in registry.generate(name, seed, difficulty).parts]


def test_grad_check_cubic_by_hand() -> None:
    v = grad_check.Values(2.0, 0.0, 1.5, 0.1)  # f = 2w³ at 1.5: f′ = 6·2.25 = 13.5
    assert math.isclose(grad_check.analytic(v), 13.5)
    assert math.isclose(grad_check.central(v), 13.5 + 2 * 0.01)  # a(3w² + h²)
    assert math.isclose(grad_check.relative_error(13.52, 13.5), 0.02 / 13.52)


@pytest.mark.parametrize("difficulty", [1, 2])
def test_grad_check_analytic_is_the_derivative(difficulty: int) -> None:
    for seed in SEEDS:
        v = grad_check.draw(seed, difficulty)
        assert math.isclose(grad_check.analytic(v), fd(v.f, v.w), rel_tol=1e-6)


def test_vanishing_sigmoid_chain_by_hand() -> None:
    v = vanishing.Values("sigmoid", (0.5,) * 4, (2.0,) * 4)  # (2 × 0.25)⁴
    assert v.factor == 0.0625
    t = vanishing.Values("tanh", (0.5, -0.8, 0.6), (1.5, -2.0, 0.8))
    assert t.slopes == (0.75, 0.36, 0.64)
    assert math.isclose(t.factor, 1.5 * 0.75 * -2.0 * 0.36 * 0.8 * 0.64)


@pytest.mark.parametrize("difficulty", [1, 2])
def test_vanishing_factor_is_the_chains_derivative(difficulty: int) -> None:
    """Build the chain with biases that give the stated outputs, then differentiate it."""
    for seed in SEEDS:
        v = vanishing.draw(seed, difficulty)
        f = (lambda z: 1 / (1 + math.exp(-z))) if v.activation == "sigmoid" else math.tanh
        inverse = (lambda a: math.log(a / (1 - a))) if v.activation == "sigmoid" else math.atanh
        h0 = 0.3
        biases, h = [], h0
        for w, a in zip(v.weights, v.outputs, strict=True):
            biases.append(inverse(a) - w * h)
            h = a
        chain = partial(_chain, f=f, weights=v.weights, biases=tuple(biases))
        expected = parts("vanishing-gradients", seed, difficulty)[-1]
        assert math.isclose(expected, fd(chain, h0), rel_tol=1e-5), seed


def _chain(x: float, f, weights, biases) -> float:
    for w, b in zip(weights, biases, strict=True):
        x = f(w * x + b)
    return x


def test_dense_batch_by_hand() -> None:
    v = dense_batch.Values(
        ((1.0, 2.0), (-1.0, 0.5)), ((0.3, -0.2), (0.5, 0.4)), (0.1, -0.1), ((0.2, -0.4), (0.3, 0.1))
    )
    g = dense_batch.grads(v)
    # Gᵀ X: row j = Σ_i G[i][j]·X[i]
    # Gᵀ X, row j = Σ_i G[i][j]·X[i]: (0.2 − 0.3, 0.4 + 0.15) and (−0.4 − 0.1, −0.8 + 0.05)
    assert g.w == ((-0.1, 0.55), (-0.5, -0.75))
    assert g.b == (0.5, -0.3)
    # G W, row i = Σ_j G[i][j]·W[j]: (0.06 − 0.2, −0.04 − 0.16) and (0.09 + 0.05, −0.06 + 0.04)
    assert g.x == ((-0.14, -0.2), (0.14, -0.02))


@pytest.mark.parametrize("difficulty", [1, 2])
def test_dense_batch_gradients_by_finite_differences(difficulty: int) -> None:
    """L = Σ G ⊙ Z has ∂L/∂Z = G; perturb each W, b and X entry."""
    for seed in range(15):
        v = dense_batch.draw(seed, difficulty)
        arrays = {
            k: np.array(a, dtype=float) for k, a in zip("xwbg", (v.x, v.w, v.b, v.g), strict=True)
        }

        def numeric(key: str, arrays=arrays) -> np.ndarray:
            out = np.zeros_like(arrays[key])
            for idx in np.ndindex(out.shape):
                up, down = dict(arrays), dict(arrays)
                up[key] = arrays[key].copy()
                up[key][idx] += H
                down[key] = arrays[key].copy()
                down[key][idx] -= H
                out[idx] = (_sum_gz(**up) - _sum_gz(**down)) / (2 * H)
            return out

        found = parts("dense-batch-backprop", seed, difficulty)
        np.testing.assert_allclose(found[0], numeric("w"), atol=1e-6)
        np.testing.assert_allclose(found[1], numeric("b"), atol=1e-6)
        if difficulty == 2:
            np.testing.assert_allclose(found[2], numeric("x"), atol=1e-6)


def _sum_gz(x, w, b, g) -> float:
    return float(np.sum(g * (x @ w.T + b)))


def test_label_smoothing_by_hand() -> None:
    v = label_smoothing.Values((0.5, 0.3, 0.2), 1, 0.3)  # q = (0.1, 0.8, 0.1)
    q = label_smoothing.smoothed(3, 1, 0.3)
    assert q == (0.1, 0.8, 0.1)
    assert math.isclose(
        label_smoothing.loss(v.p, q),
        -(0.1 * math.log(0.5) + 0.8 * math.log(0.3) + 0.1 * math.log(0.2)),
    )


@pytest.mark.parametrize("difficulty", [1, 2])
def test_label_smoothing_gradient_by_finite_differences(difficulty: int) -> None:
    for seed in SEEDS:
        v = label_smoothing.draw(seed, difficulty)
        q, value, grad = parts("label-smoothing", seed, difficulty)
        logits = [math.log(p) for p in v.p]  # softmax(ln p) = p

        assert math.isclose(value, _smoothed_ce(logits[0], 0, logits, q), rel_tol=1e-9)
        for k in range(len(logits)):
            at_k = partial(_smoothed_ce, k=k, logits=logits, q=q)
            assert math.isclose(grad[k], fd(at_k, logits[k]), abs_tol=1e-6)


def _smoothed_ce(z: float, k: int, logits: list, q: tuple) -> float:
    """−Σ q log softmax, with logit k replaced by z."""
    zs = [*logits[:k], z, *logits[k + 1 :]]
    top = max(zs)
    log_sum = top + math.log(sum(math.exp(t - top) for t in zs))
    return -sum(qj * (t - log_sum) for qj, t in zip(q, zs, strict=True))


def test_bce_logits_by_hand() -> None:
    # z = 1.5, y = 0: loss = −ln(1 − σ(1.5)) = ln(1 + e^1.5); gradient σ(1.5)
    s = 1 / (1 + math.exp(-1.5))
    assert math.isclose(bce_logits.sample_loss(1.5, 0.0), math.log(1 + math.exp(1.5)))
    assert math.isclose(bce_logits.sample_grad(1.5, 0.0), s)
    # pos_weight 3 on y = 1 at z = 0.8: 3·(σ − 1)
    assert math.isclose(bce_logits.sample_grad(0.8, 1.0, 3.0), 3 * (1 / (1 + math.exp(-0.8)) - 1))


@pytest.mark.parametrize("difficulty", [1, 2])
def test_bce_logits_gradient_by_finite_differences(difficulty: int) -> None:
    for seed in SEEDS:
        v = bce_logits.draw(seed, difficulty)
        grad = parts("bce-logits", seed, difficulty)[-1]
        grad = grad if isinstance(grad, tuple) else (grad,)
        for k in range(len(v.z)):
            at_k = partial(_bce_at, k=k, v=v)
            assert math.isclose(grad[k], fd(at_k, v.z[k]), rel_tol=1e-5)


def _bce_at(z: float, k: int, v) -> float:
    zs = (*v.z[:k], z, *v.z[k + 1 :])
    return bce_logits.mean_loss(bce_logits.Values(zs, v.y, v.pos_weight))


@pytest.mark.parametrize("module", [grad_check, dense_batch, bce_logits])
@pytest.mark.parametrize("difficulty", [1, 2])
def test_fallback_is_an_acceptable_variant(module, difficulty: int) -> None:
    fallback = module.FALLBACK[difficulty]
    try:
        assert module._ok(fallback, difficulty)
    except TypeError:
        assert module._ok(fallback)


@pytest.mark.parametrize("module", [vanishing, label_smoothing])
@pytest.mark.parametrize("difficulty", [1, 2])
def test_fallback_is_acceptable(module, difficulty: int) -> None:
    assert module._ok(module.FALLBACK[difficulty])
