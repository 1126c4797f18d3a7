"""Attention, multi-head attention's parameters, layer norm, LSTM and GRU steps: hand-worked cases.

The expected numbers here are worked from the formulas written out in each test, not from the
families' own helpers; tests/exercises/test_families_torch.py holds the same families to torch.
"""

from __future__ import annotations

import math

import pytest

from gradeck.exercises import registry
from gradeck.exercises.check import check_part
from gradeck.exercises.families import attention, gru_step, layer_norm, lstm_step, mha_params


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _close(a, b, tol: float = 1e-6) -> bool:
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b, strict=True))
    return abs(a - b) <= tol


def test_attention_two_tokens_by_hand() -> None:
    v = attention.FALLBACK[1]  # q2 = (1,1,1,0); k1 = (-1,-1,1,0), k2 = (1,1,1,0)
    a = attention.attend(v)
    assert _close(a.scores[1], (-0.5, 1.5))  # (-1, 3)/√4
    w1 = 1 / (1 + math.e**2)
    assert _close(a.weights[1], (w1, 1 - w1))
    assert _close(a.output[1], (w1 * 1.9 - (1 - w1) * 0.9, -w1 * 0.2 - (1 - w1) * 0.3))


def test_attention_mistake_of_skipping_the_scale_is_named() -> None:
    ex = registry.generate("attention", 4, 1)
    scores = ex.parts[0]
    unscaled = tuple(2 * s for s in scores.expected)
    result = check_part(scores, ", ".join(str(x) for x in unscaled))
    assert result.mistake is not None and result.mistake.name == "not-scaled"


@pytest.mark.parametrize(
    ("values", "head", "inputs", "total"),
    [
        # 512, 8 heads: 3·512² + 3·512 = 787968; out 512² + 512 = 262656 (torch prints 1050624)
        (mha_params.Values(512, 8, 512, 512), 64, 787968, 1050624),
        # 256, kdim 128, vdim 64: 256·(256+128+64) + 768 = 115456; + 65792
        (mha_params.Values(256, 4, 128, 64), 64, 115456, 181248),
    ],
)
def test_multihead_attention_counts_by_hand(values, head, inputs, total) -> None:
    assert (values.head_size, values.in_params, values.total) == (head, inputs, total)


def test_layer_norm_by_hand() -> None:
    v = layer_norm.FALLBACK[1]  # x = (-2, 5, 0, 5): μ = 2, deviations -4, 3, -2, 3
    assert v.mean == 2 and v.variance() == 9.5  # 38/4
    assert _close(v.variance(unbiased=True), 38 / 3)
    y = layer_norm.outputs(v)
    assert _close(y[2], 1.2 * -2 / math.sqrt(9.5 + 1e-5) + 1.0)
    assert _close(y[3], 2.0 * 3 / math.sqrt(9.5 + 1e-5) + 0.3)


def test_lstm_step_by_hand() -> None:
    v = lstm_step.FALLBACK[1]  # x = 1.4, h = 0.8, c = -0.8
    a = (0.98 + 0.72 + 0.1, -0.7 + 0.08 - 0.2, 0.56 + 0.56 + 0.5, -1.12 + 0.4)
    i, f, g, o = sig(a[0]), sig(a[1]), math.tanh(a[2]), sig(a[3])
    c = f * -0.8 + i * g
    s = lstm_step.step(v)
    assert _close(s.gates, (i, f, g, o))
    assert _close(s.c, c) and _close(s.h, o * math.tanh(c))


def test_gru_step_by_hand() -> None:
    v = gru_step.FALLBACK[1]  # x = 0.4, h = -0.7
    r = sig(-0.36 - 0.3 + (-0.14 - 0.5))
    z = sig(-0.2 + 0.4 + (0.56 - 0.3))
    n = math.tanh(0.28 - 0.4 + r * (-0.7 + 0.1))
    s = gru_step.step(v)
    assert _close((s.r, s.z, s.n), (r, z, n))
    assert _close(s.h, (1 - z) * n + z * -0.7)


@pytest.mark.parametrize("module", [attention, mha_params, layer_norm, lstm_step, gru_step])
@pytest.mark.parametrize("difficulty", [1, 2])
def test_fallback_is_an_acceptable_variant(module, difficulty: int) -> None:
    """The bounded draw falls back to a fixed variant; it must meet the family's own bar."""
    fallback = module.FALLBACK[difficulty]
    try:
        ok = module._ok(fallback, difficulty)
    except TypeError:
        ok = module._ok(fallback)
    assert ok
