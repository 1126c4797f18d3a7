"""Same numbers as PyTorch, where torch is installed (it is not a dependency; CI skips this)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gradeck.engine import LayerSpec, NetworkSpec, OptimizerSpec, Tensor, train
from gradeck.engine import functional as F

torch = pytest.importorskip("torch")

OPTIMIZERS = [
    OptimizerSpec("sgd", lr=0.3),
    OptimizerSpec("sgd", lr=0.1, momentum=0.9, weight_decay=0.05),
    OptimizerSpec("sgd", lr=0.1, momentum=0.8, nesterov=True),
    OptimizerSpec("sgd", lr=0.1, momentum=0.9, dampening=0.3),
    OptimizerSpec("rmsprop", lr=0.01),
    OptimizerSpec("rmsprop", lr=0.01, momentum=0.5, centered=True, weight_decay=0.1),
    OptimizerSpec("adam", lr=0.05),
    OptimizerSpec("adam", lr=0.05, betas=(0.8, 0.9), weight_decay=0.1),
    OptimizerSpec("adamw", lr=0.05),
    OptimizerSpec("adamw", lr=0.05, weight_decay=0.2, eps=1e-6),
]
TORCH_ACTIVATIONS = {
    "linear": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": torch.nn.functional.leaky_relu,
    "softmax": lambda z: torch.softmax(z, dim=-1),
}


def _torch_optimizer(spec: OptimizerSpec, params: list):
    o = torch.optim
    wd = {} if spec.weight_decay is None else {"weight_decay": spec.weight_decay}
    if spec.name == "sgd":
        return o.SGD(
            params,
            lr=spec.lr,
            momentum=spec.momentum,
            dampening=spec.dampening,
            nesterov=spec.nesterov,
            **wd,
        )
    if spec.name == "rmsprop":
        return o.RMSprop(
            params,
            lr=spec.lr,
            alpha=spec.alpha,
            eps=spec.eps,
            momentum=spec.momentum,
            centered=spec.centered,
            **wd,
        )
    make = o.Adam if spec.name == "adam" else o.AdamW
    return make(params, lr=spec.lr, betas=spec.betas, eps=spec.eps, **wd)


def _torch_losses(spec: NetworkSpec) -> tuple[list[float], list, list]:
    as_t = lambda a: torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64)  # noqa: E731
    params = [as_t(p).requires_grad_() for lay in spec.layers for p in (lay.weights, lay.bias)]
    opt = _torch_optimizer(spec.optimizer, params)
    x = as_t(spec.input)

    def loss_now():
        a = x
        for i, layer in enumerate(spec.layers):
            z = torch.nn.functional.linear(a, params[2 * i], params[2 * i + 1])
            a = TORCH_ACTIVATIONS[layer.activation](z)
        if spec.loss == "mse":
            return torch.nn.functional.mse_loss(a, as_t(spec.target))
        if spec.loss == "bce":
            return torch.nn.functional.binary_cross_entropy(a, as_t(spec.target))
        return torch.nn.functional.cross_entropy(a, torch.tensor(spec.target, dtype=torch.long))

    losses, grads = [], None
    for _ in range(spec.steps):
        opt.zero_grad()
        loss = loss_now()
        loss.backward()
        losses.append(loss.item())
        grads = grads or [p.grad.clone().numpy() for p in params]
        opt.step()
    losses.append(loss_now().item())
    return losses, grads, [p.detach().numpy() for p in params]


def _random_spec(seed: int, loss: str, optimizer: OptimizerSpec) -> NetworkSpec:
    rng = np.random.default_rng(seed)
    widths = [3, 4, 2]
    batch = (5,) if seed % 2 else ()
    acts = ["tanh", "leaky_relu", "relu", "sigmoid"]
    layers = [
        LayerSpec(rng.normal(size=(o, i)), rng.normal(size=o), acts[(seed + k) % 4])
        for k, (i, o) in enumerate(itertools.pairwise(widths))
    ]
    if loss == "bce":
        layers[-1].activation, target = "sigmoid", rng.uniform(size=(*batch, 2))
    elif loss == "cross_entropy":
        layers[-1].activation = "linear"
        target = rng.integers(0, 2, size=batch)
    else:
        target = rng.normal(size=(*batch, 2))
    return NetworkSpec(rng.normal(size=(*batch, 3)), target, layers, loss, optimizer, steps=4)


@pytest.mark.parametrize("loss", F.LOSSES)
@pytest.mark.parametrize("which", range(len(OPTIMIZERS)))
def test_training_matches_torch(loss: str, which: int) -> None:
    spec = _random_spec(which, loss, OPTIMIZERS[which])
    training = train(spec)
    losses, grads, params = _torch_losses(spec)
    np.testing.assert_allclose(training.losses, losses, rtol=1e-10, atol=1e-12)
    ours = [g for layer in training.grads for g in (layer.weights, layer.bias)]
    for a, b in zip(ours, grads, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    after = [p for layer in training.updated for p in (layer.weights, layer.bias)]
    for a, b in zip(after, params, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_saturated_bce_is_finite_like_torch() -> None:
    p = np.array([0.0, 1.0, 1e-50, 0.5])
    y = np.array([1.0, 0.0, 1.0, 0.5])
    ours = F.bce(Tensor(p), y).data
    theirs = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(y)).item()
    assert float(ours) == pytest.approx(theirs, rel=1e-12)
