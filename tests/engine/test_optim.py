"""Each optimizer against steps worked by hand, with the arithmetic written out.

One parameter w = 1.0 receives the gradient 0.5 on step 1 and 0.3 on step 2 (set directly, so
that only the update rule is under test).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradeck.engine import SGD, Adam, AdamW, RMSprop, Tensor
from gradeck.engine.optim import Optimizer

GRADS = (0.5, 0.3)


def run(make: type[Optimizer], steps: int = 2, **kwargs: object) -> tuple[list[float], Optimizer]:
    w = Tensor([1.0], requires_grad=True)
    opt = make([w], **kwargs)
    values = []
    for g in GRADS[:steps]:
        opt.zero_grad()
        w.grad = np.array([g])
        opt.step()
        values.append(float(w.data[0]))
    return values, opt


def test_plain_sgd() -> None:
    values, opt = run(SGD, lr=0.1)
    assert values == pytest.approx([1.0 - 0.1 * 0.5, 0.95 - 0.1 * 0.3])  # 0.95, 0.92
    record = opt.history[0][0]
    assert record.before[0] == 1.0 and record.after[0] == pytest.approx(0.95)
    assert record.update[0] == pytest.approx(0.05)


def test_sgd_momentum_two_steps() -> None:
    # step 1: b = g = 0.5, w = 1 − 0.1·0.5 = 0.95
    # step 2: b = 0.9·0.5 + 0.3 = 0.75, w = 0.95 − 0.1·0.75 = 0.875
    values, opt = run(SGD, lr=0.1, momentum=0.9)
    assert values == pytest.approx([0.95, 0.875])
    assert opt.history[1][0].state["buf"][0] == pytest.approx(0.75)


def test_sgd_dampening_skips_the_first_step() -> None:
    # torch: the buffer starts as g itself; later b = μb + (1 − d)g = 0.45 + 0.5·0.3 = 0.6
    values, _ = run(SGD, lr=0.1, momentum=0.9, dampening=0.5)
    assert values == pytest.approx([0.95, 0.95 - 0.1 * 0.6])


def test_sgd_nesterov_two_steps() -> None:
    # step 1: b = 0.5, use g + μb = 0.5 + 0.45 = 0.95, w = 1 − 0.095 = 0.905
    # step 2: b = 0.75, use 0.3 + 0.675 = 0.975, w = 0.905 − 0.0975 = 0.8075
    values, _ = run(SGD, lr=0.1, momentum=0.9, nesterov=True)
    assert values == pytest.approx([0.905, 0.8075])


def test_sgd_weight_decay_adds_lambda_w() -> None:
    # g = 0.5 + 0.1·1.0 = 0.6, w = 1 − 0.1·0.6 = 0.94
    values, opt = run(SGD, steps=1, lr=0.1, weight_decay=0.1)
    assert values == pytest.approx([0.94])
    assert opt.history[0][0].state["g"][0] == pytest.approx(0.6)


def test_rmsprop_two_steps() -> None:
    # step 1: v = 0.01·0.25 = 0.0025, √v = 0.05, w = 1 − 0.01·0.5/0.05 = 0.9
    # step 2: v = 0.99·0.0025 + 0.01·0.09 = 0.003375, w = 0.9 − 0.01·0.3/√0.003375
    values, opt = run(RMSprop)
    assert values == pytest.approx([0.9, 0.9 - 0.003 / math.sqrt(0.003375)], rel=1e-7)
    assert opt.history[1][0].state["square_avg"][0] == pytest.approx(0.003375)


def test_rmsprop_centered_and_momentum() -> None:
    # centered: ḡ = 0.01·0.5 = 0.005, √(v − ḡ²) = √(0.0025 − 0.000025) = √0.002475
    values, _ = run(RMSprop, steps=1, centered=True)
    assert values == pytest.approx([1.0 - 0.005 / math.sqrt(0.002475)], rel=1e-7)
    # momentum 0.9: b₁ = 0.5/0.05 = 10, b₂ = 0.9·10 + 0.3/√0.003375
    values, _ = run(RMSprop, momentum=0.9)
    b2 = 9.0 + 0.3 / math.sqrt(0.003375)
    assert values == pytest.approx([0.9, 0.9 - 0.01 * b2], rel=1e-7)


def test_adam_first_step_moves_by_lr_times_sign() -> None:
    # m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025; m̂ = 0.5, v̂ = 0.25, step = 0.1·0.5/0.5
    values, opt = run(Adam, steps=1, lr=0.1)
    assert values == pytest.approx([0.9], rel=1e-7)
    state = opt.history[0][0].state
    assert state["m_hat"][0] == pytest.approx(0.5) and state["v_hat"][0] == pytest.approx(0.25)


def test_adam_second_step_with_bias_correction() -> None:
    # m = 0.9·0.05 + 0.1·0.3 = 0.075, v = 0.999·0.00025 + 0.001·0.09 = 0.00033975
    # m̂ = 0.075/(1 − 0.81) = 0.3947368…, v̂ = 0.00033975/(1 − 0.998001) = 0.1699600…
    values, opt = run(Adam, lr=0.1)
    w1 = 1.0 - 0.1 * 0.5 / (math.sqrt(0.25) + 1e-8)
    m_hat, v_hat = 0.075 / 0.19, 0.00033975 / 0.001999
    assert values[1] == pytest.approx(w1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8), rel=1e-12)
    state = opt.history[1][0].state
    assert state["m"][0] == pytest.approx(0.075) and state["v"][0] == pytest.approx(0.00033975)


def test_adam_weight_decay_is_l2_in_the_gradient() -> None:
    # g = 0.5 + 0.1·1 = 0.6; the first step is still lr·sign(g) = 0.1: w = 0.9
    values, opt = run(Adam, steps=1, lr=0.1, weight_decay=0.1)
    assert values == pytest.approx([0.9], rel=1e-7)
    assert opt.history[0][0].state["g"][0] == pytest.approx(0.6)


def test_adamw_decays_the_weight_separately() -> None:
    # w ← 1·(1 − 0.1·0.1) = 0.99, then the Adam step of 0.1: w = 0.89
    values, opt = run(AdamW, steps=1, lr=0.1, weight_decay=0.1)
    assert values == pytest.approx([0.89], rel=1e-7)
    assert opt.history[0][0].state["decay"][0] == pytest.approx(0.01)


def test_adamw_default_decay_is_torchs() -> None:
    # lr 1e-3, λ 0.01: w = 1·(1 − 1e-5) − 1e-3
    values, _ = run(AdamW, steps=1)
    assert values == pytest.approx([1.0 - 1e-5 - 1e-3], rel=1e-9)


def test_a_parameter_without_gradient_is_left_alone() -> None:
    w, frozen = Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    opt = SGD([w, frozen], lr=0.1)
    w.grad = np.array([1.0])
    opt.step()
    assert frozen.data[0] == 2.0 and opt.history[0][1] is None
    opt.zero_grad()
    assert w.grad is None


@pytest.mark.parametrize(
    ("make", "kwargs"),
    [
        (SGD, {"lr": -1.0}),
        (SGD, {"lr": 0.1, "nesterov": True}),
        (SGD, {"lr": 0.1, "momentum": -0.5}),
        (Adam, {"betas": (1.0, 0.999)}),
        (RMSprop, {"alpha": 1.5}),
        (RMSprop, {"eps": -1e-8}),
        (AdamW, {"weight_decay": -0.01}),
    ],
)
def test_invalid_settings_are_refused(make: type[Optimizer], kwargs: dict) -> None:
    with pytest.raises(ValueError):
        make([Tensor([1.0], requires_grad=True)], **kwargs)
