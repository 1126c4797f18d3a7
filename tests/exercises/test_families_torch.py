"""The newer families' expected answers against PyTorch itself, where torch is installed (it is
not a dependency: CI skips this file, as it does the engine's parity test)."""

from __future__ import annotations

import numpy as np
import pytest

from gradeck.exercises import registry
from gradeck.exercises.families import attention, gru_step, layer_norm, lstm_step, mha_params

torch = pytest.importorskip("torch")
F = torch.nn.functional
SEEDS = range(40)


def t(values) -> torch.Tensor:
    return torch.tensor(np.asarray(values, dtype=float), dtype=torch.float64)


def expected(name: str, seed: int, difficulty: int) -> list:
    return [p.expected for p in registry.generate(name, seed, difficulty).parts]


def assert_close(ours, theirs, rtol: float = 1e-9) -> None:
    np.testing.assert_allclose(np.asarray(ours, dtype=float), theirs, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("difficulty", [1, 2])
def test_attention(difficulty: int) -> None:
    for seed in SEEDS:
        v = attention.draw(seed, difficulty)
        q, k, val = t(v.q), t(v.k), t(v.v)
        out = F.scaled_dot_product_attention(q[None], k[None], val[None])[0]
        weights = torch.softmax(q @ k.T / attention.D**0.5, dim=-1)
        scores, w, o = expected("attention", seed, difficulty)
        assert_close(scores, (q @ k.T / 2)[v.row].numpy())
        assert_close(w, weights[v.row].numpy())
        assert_close(o, out[v.row].numpy())


@pytest.mark.parametrize("difficulty", [1, 2])
def test_multihead_attention_parameters(difficulty: int) -> None:
    for seed in range(15):
        v = mha_params.draw(seed, difficulty)
        layer = torch.nn.MultiheadAttention(v.embed, v.heads, kdim=v.kdim, vdim=v.vdim)
        head, inputs, total = expected("mha-param-count", seed, difficulty)
        named = dict(layer.named_parameters())
        assert inputs == sum(p.numel() for n, p in named.items() if not n.startswith("out_proj"))
        assert total == sum(p.numel() for p in layer.parameters())
        assert head == layer.head_dim


@pytest.mark.parametrize("difficulty", [1, 2])
def test_layer_norm(difficulty: int) -> None:
    for seed in SEEDS:
        v = layer_norm.draw(seed, difficulty)
        x = t(v.x)
        norm = torch.nn.LayerNorm(len(v.x), dtype=torch.float64)
        with torch.no_grad():
            norm.weight.copy_(t(v.gamma))
            norm.bias.copy_(t(v.beta))
        y = norm(x).detach().numpy()
        parts = expected("layer-norm", seed, difficulty)
        assert_close(parts[0], x.mean().item())
        assert_close(parts[1], x.var(unbiased=False).item())
        assert_close(parts[2], y[v.index] if difficulty == 1 else y)


@pytest.mark.parametrize("difficulty", [1, 2])
def test_lstm_step(difficulty: int) -> None:
    for seed in SEEDS:
        v = lstm_step.draw(seed, difficulty)
        cell = torch.nn.LSTMCell(len(v.x), 1, dtype=torch.float64)
        with torch.no_grad():
            cell.weight_ih.copy_(t(v.w_x))
            cell.weight_hh.copy_(t(v.w_h).reshape(4, 1))
            cell.bias_ih.copy_(t(v.b))
            cell.bias_hh.zero_()
        h, c = cell(t(v.x)[None], (t([[v.h]]), t([[v.c]])))
        gates_pre = cell.weight_ih @ t(v.x) + cell.weight_hh[:, 0] * v.h + cell.bias_ih
        i, f, g, o = gates_pre.detach().numpy()
        gates, c_t, h_t = expected("lstm-step", seed, difficulty)
        sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
        assert_close(gates, [sig(i), sig(f), np.tanh(g), sig(o)])
        assert_close(c_t, c.item())
        assert_close(h_t, h.item())


@pytest.mark.parametrize("difficulty", [1, 2])
def test_gru_step(difficulty: int) -> None:
    for seed in SEEDS:
        v = gru_step.draw(seed, difficulty)
        cell = torch.nn.GRUCell(len(v.x), 1, dtype=torch.float64)
        with torch.no_grad():
            cell.weight_ih.copy_(t(v.w_x))
            cell.bias_ih.copy_(t(v.b_x))
            cell.weight_hh.copy_(t(v.w_h).reshape(3, 1))
            cell.bias_hh.copy_(t(v.b_h))
        h = cell(t(v.x)[None], t([[v.h]])).item()
        gates, n, h_t = expected("gru-step", seed, difficulty)
        pre = cell.weight_ih @ t(v.x) + cell.bias_ih + cell.weight_hh[:, 0] * v.h + cell.bias_hh
        assert_close(gates, torch.sigmoid(pre[:2]).detach().numpy())
        assert_close(h_t, h)
        # n from torch's h' = (1 − z) n + z h, solved for n
        z = gates[1]
        assert_close(n, (h - z * v.h) / (1 - z))
