"""A tiny reverse-mode autodiff on float64 numpy arrays, with torch's conventions.

It computes the expected answers of network exercises *and* records every forward value and local
gradient, so that worked solutions are rendered from the same computation. It imports nothing
else of gradeck.

- `Tensor(data, requires_grad=False, name="")`: ops + - * / @ ** and unary -, `.T`, `.exp()`,
  `.log()`, `.sigmoid()`, `.tanh()`, `.relu()`, `.leaky_relu(slope)`, `.clamp(low, high)`,
  `.sum(axis, keepdims)`, `.mean(axis, keepdims)`, `.softmax()`, `.log_softmax()` (last axis),
  and two fused ops that keep a network's graph small: `.linear(w, b)` and `.mse(target)`.
  Numpy broadcasting is undone in the backward pass. `.backward()` fills `.grad` on every node
  that needs one (intermediate nodes too: a layer's δ is `z.grad`); leaf gradients accumulate
  as in torch. Each node keeps `.data`, `.op`, `.parents`, `.local` (local gradients), `.name`;
  `.nodes()` lists the recorded graph oldest first (a topological order).
- `functional` (F): `linear(x, w, b)` (w is (out, in); x Wᵀ + b), `sigmoid`, `tanh`, `relu`,
  `leaky_relu` (slope 0.01), `softmax`, `mse` (mean over all elements), `bce` (mean, on
  probabilities, logs clamped at −100), `cross_entropy` (on logits, mean over the batch, class
  indices or one-hot rows); `activation(name)`, `loss(name)`, `ACTIVATIONS`, `LOSSES`.
- `optim`: `SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False)`,
  `RMSprop(params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)`,
  `Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)` (L2 in the gradient),
  `AdamW(..., weight_decay=0.01)` (decoupled). `zero_grad()`, `step()`; `history[t][i]` is a
  `ParamStep(before, grad, update, after, state)` for parameter i at step t + 1, `state` holding
  the named intermediates (g, buf, square_avg, avg, m, v, m_hat, v_hat, decay).
- `network`: `LayerSpec(weights, bias, activation)`, `OptimizerSpec(name, lr, momentum, ...)`,
  `NetworkSpec(input, target, layers, loss, optimizer, steps)`; `check(spec)` lists problems as
  (yaml path, message); `train(spec) -> Training` with `output`, `loss`, `losses` (before each
  step and after the last), `grads` and `updated` (per layer `LayerParams(weights, bias)`),
  `trace` (per layer `LayerTrace(input, z, a, delta, grad_a, derivative)` of the first pass),
  `loss_node` (the first pass's loss with its graph), the optimizer's `history` and the
  `optimizer` as run (its `lr`, `weight_decay` with defaults filled in). Parameters are ordered
  W1, b1, W2, b2, ... in `history`.
"""

from gradeck.engine import functional, network, optim
from gradeck.engine.network import (
    LayerParams,
    LayerSpec,
    LayerTrace,
    NetworkSpec,
    OptimizerSpec,
    Training,
    train,
)
from gradeck.engine.optim import SGD, Adam, AdamW, ParamStep, RMSprop
from gradeck.engine.tensor import Tensor

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "LayerParams",
    "LayerSpec",
    "LayerTrace",
    "NetworkSpec",
    "OptimizerSpec",
    "ParamStep",
    "RMSprop",
    "Tensor",
    "Training",
    "functional",
    "network",
    "optim",
    "train",
]
