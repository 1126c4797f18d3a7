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


@pytest.mark.parametrize("difficulty", [1, 2])
def test_pooling(difficulty: int) -> None:
    from gradeck.exercises.families import pooling

    for seed in SEEDS:
        v = pooling.draw(seed, difficulty)
        x = t(v.x)[None, None]
        k, s, p = v.kernel, v.stride, v.padding
        mx = F.max_pool2d(x, k, s, p)[0, 0]
        avg = F.avg_pool2d(x, k, s, p)[0, 0]  # count_include_pad=True by default
        size, m, a = expected("pooling", seed, difficulty)
        assert size == mx.shape[0] == avg.shape[0]
        assert_close(m, mx[v.row, v.col].item())
        assert_close(a, avg[v.row, v.col].item())


@pytest.mark.parametrize("difficulty", [1, 2])
def test_grad_clipping(difficulty: int) -> None:
    from gradeck.exercises.families import grad_clipping

    for seed in SEEDS:
        v = grad_clipping.draw(seed, difficulty)
        params = [torch.zeros(len(g), dtype=torch.float64) for g in (v.weight, v.bias) if g]
        for p, g in zip(params, (v.weight, v.bias), strict=False):
            p.grad = t(g)
        norm = torch.nn.utils.clip_grad_norm_(params, v.max_norm)
        clipped = params[0].grad.clone()
        params[0].grad = t(v.weight)
        torch.nn.utils.clip_grad_value_(params[:1], v.clip_value)
        total, by_norm, by_value = expected("grad-clipping", seed, difficulty)
        assert_close(total, norm.item())
        assert_close(by_norm, clipped.numpy())
        assert_close(by_value, params[0].grad.numpy())


@pytest.mark.parametrize("schedule", ["step", "cosine", "warmup"])
@pytest.mark.parametrize("difficulty", [1, 2])
def test_lr_schedule(schedule: str, difficulty: int) -> None:
    from gradeck.exercises.families import lr_schedule

    sched = torch.optim.lr_scheduler
    for seed in range(25):
        v = lr_schedule.draw(seed, difficulty, schedule)
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=v.lr)
        if schedule == "step":
            s = sched.StepLR(opt, step_size=v.n, gamma=v.a)
        elif schedule == "cosine":
            s = sched.CosineAnnealingLR(opt, T_max=v.n, eta_min=v.a)
        else:
            s = sched.LinearLR(opt, start_factor=v.a, total_iters=v.n)
        rates = []
        for _ in range(max(v.epochs) + 1):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            s.step()
        ex = registry.generate("lr-schedule", seed, difficulty, {"schedule": schedule})
        for part, epoch in zip(ex.parts, v.epochs, strict=True):
            assert_close(part.expected, rates[epoch], rtol=1e-9)


@pytest.mark.parametrize("difficulty", [1, 2])
def test_dense_batch_backprop(difficulty: int) -> None:
    from gradeck.exercises.families import dense_batch

    for seed in SEEDS:
        v = dense_batch.draw(seed, difficulty)
        layer = torch.nn.Linear(len(v.w[0]), len(v.w), dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(t(v.w))
            layer.bias.copy_(t(v.b))
        x = t(v.x).requires_grad_()
        layer(x).backward(t(v.g))
        found = expected("dense-batch-backprop", seed, difficulty)
        assert_close(found[0], layer.weight.grad.numpy())
        assert_close(found[1], layer.bias.grad.numpy())
        if difficulty == 2:
            assert_close(found[2], x.grad.numpy())


@pytest.mark.parametrize("difficulty", [1, 2])
def test_label_smoothing(difficulty: int) -> None:
    from gradeck.exercises.families import label_smoothing

    for seed in SEEDS:
        v = label_smoothing.draw(seed, difficulty)
        z = t(v.p).log().requires_grad_()
        loss = F.cross_entropy(z[None], torch.tensor([v.target]), label_smoothing=v.eps)
        loss.backward()
        _, value, grad = expected("label-smoothing", seed, difficulty)
        assert_close(value, loss.item())
        assert_close(grad, z.grad.numpy(), rtol=1e-7)


@pytest.mark.parametrize("difficulty", [1, 2])
def test_bce_with_logits(difficulty: int) -> None:
    from gradeck.exercises.families import bce_logits

    for seed in SEEDS:
        v = bce_logits.draw(seed, difficulty)
        z = t(v.z).requires_grad_()
        loss = F.binary_cross_entropy_with_logits(z, t(v.y), pos_weight=t([v.pos_weight]))
        loss.backward()
        found = expected("bce-logits", seed, difficulty)
        assert_close(found[-2], loss.item())
        assert_close(found[-1], z.grad.numpy() if difficulty == 2 else z.grad.item())


def _run_listing(code: str) -> tuple[dict, list]:
    """Run a listing that gradeck generated (never deck or learner text) under real torch,
    collecting what it prints."""
    printed: list = []
    # Read each value as it is printed: .grad is one tensor that backward() keeps adding to.
    scope: dict = {"print": lambda *args: printed.append(tuple(float(a) for a in args))}
    exec(compile(code, "<listing>", "exec"), scope)
    return scope, printed


@pytest.mark.parametrize("difficulty", [1, 2])
def test_autograd_listing_prints_the_expected_grads(difficulty: int) -> None:
    for seed in range(25):
        ex = registry.generate("autograd-backward", seed, difficulty)
        _, printed = _run_listing(ex.code)
        found = [p.expected for p in ex.parts]
        if difficulty == 1:
            assert_close(found, [args[1] for args in printed], rtol=1e-6)
        else:
            g1, w1, g2, w2 = found
            assert_close([g1, w1, g2, w2], [x for args in printed for x in args], rtol=1e-5)


@pytest.mark.parametrize("difficulty", [1, 2])
def test_torch_sequential_listing_runs_with_those_shapes(difficulty: int) -> None:
    for seed in range(15):
        ex = registry.generate("torch-sequential", seed, difficulty)
        scope, _ = _run_listing(ex.code)
        model, x = scope["model"], scope["x"]
        found = [p.expected for p in ex.parts]
        assert found[-1] == sum(p.numel() for p in model.parameters())
        if difficulty == 1:
            assert tuple(found[0]) == tuple(scope["y"].shape)
            assert found[1] == sum(p.numel() for p in model[0].parameters())
        else:
            pool = next(i for i, m in enumerate(model) if isinstance(m, torch.nn.MaxPool2d))
            assert tuple(found[0]) == tuple(model[: pool + 1](x).shape)
            assert found[1] == sum(p.numel() for p in model[0].parameters())
