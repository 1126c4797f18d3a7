"""Layers, activations and losses on `Tensor`s, with torch.nn.functional's conventions.

- `linear(x, w, b)` is x wᵀ + b with w shaped (out, in), as `torch.nn.Linear`; x may be one
  sample (in,) or a batch (batch, in).
- `leaky_relu` has slope 0.01 by default; `softmax` works over the last axis.
- `mse` is the mean of the squared errors over all elements (torch's reduction="mean").
- `bce` takes probabilities; each log is clamped at −100 as torch does, so a saturated output
  gives a large finite loss rather than infinity.
- `cross_entropy` takes logits (it applies log-softmax itself, stably) and class indices or
  one-hot / probability rows, and averages over the batch.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from gradeck.engine.tensor import ArrayLike, Tensor, unbroadcast

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")
LOSSES = ("mse", "bce", "cross_entropy")

_LOG_FLOOR = math.exp(-100.0)  # log(p) is clamped at −100 (torch's BCELoss)


def _tensor(value: ArrayLike) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor(value)


def linear(x: ArrayLike, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """z = x Wᵀ + b: for one sample (in,) this is W x + b."""
    x = _tensor(x)
    if bias is None:
        return x @ weight.T
    return x.linear(weight, bias)


def sigmoid(x: Tensor) -> Tensor:
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def relu(x: Tensor) -> Tensor:
    return x.relu()


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    return x.leaky_relu(negative_slope)


def softmax(x: Tensor) -> Tensor:
    return x.softmax()


def identity(x: Tensor) -> Tensor:
    """The linear activation; a node of its own, recording f′(z) = 1 like every activation."""
    return x.identity()


def activation(name: str) -> Callable[..., Tensor]:
    """The activation function called `name` (one of ACTIVATIONS)."""
    return _ACTIVATION_FUNCTIONS[name]


_ACTIVATION_FUNCTIONS = {
    "linear": identity,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "softmax": softmax,
}


def mse(prediction: Tensor, target: ArrayLike) -> Tensor:
    """Mean of (ŷ − y)² over every element."""
    return prediction.mse(target)


def bce(probability: Tensor, target: ArrayLike) -> Tensor:
    """−mean(y log p + (1 − y) log(1 − p)), p a probability, each log clamped at −100.

    One node (as `mse`), computed as the graph clamp → log → · y → + → mean → − would be: the
    gradient passes through a log only where it was not clamped.
    """
    y = _tensor(target)
    p, t = probability.data, y.data
    kept_p, kept_q = np.maximum(p, _LOG_FLOOR), np.maximum(1.0 - p, _LOG_FLOOR)
    log_p, log_q = np.log(kept_p), np.log(kept_q)
    terms = t * log_p + (1.0 - t) * log_q
    size = terms.size
    out = np.asarray(-(np.add.reduce(terms, axis=None) / size))
    local = ((1.0 / kept_p) * (kept_p == p), (1.0 / kept_q) * (kept_q == 1.0 - p), log_p, log_q)
    return Tensor._result(out, "bce", (probability, y), local, _bce_backward, size)


def _bce_backward(node: Tensor, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    """∂L/∂p = −(y/p − (1 − y)/(1 − p))/n where the logs were not clamped; ∂L/∂y likewise."""
    probability, target = node.parents
    d_p, d_q, log_p, log_q = node.local
    c = -grad * (1.0 / node.meta)  # the mean's 1/n and the minus sign, spread over the elements
    t = target.data
    gp = gt = None
    if probability.requires_grad:
        gp = unbroadcast(c * t * d_p - c * (1.0 - t) * d_q, probability.data.shape)
    if target.requires_grad:
        gt = unbroadcast(c * log_p - c * log_q, t.shape)
    return gp, gt


def one_hot(indices: ArrayLike, classes: int) -> np.ndarray:
    """Rows of zeros with a one at each class index (a single index gives one row, unbatched)."""
    idx = np.asarray(indices, dtype=np.int64)
    return np.eye(classes)[idx]


def cross_entropy(logits: Tensor, target: ArrayLike) -> Tensor:
    """−mean over the batch of ∑ y log softmax(z); `target` as class indices or as rows.

    Indices are recognised by shape: one fewer axis than the logits (a single index for a
    single sample (C,), a list of indices for a batch (N, C)).
    """
    target_array = np.asarray(target.data if isinstance(target, Tensor) else target)
    if target_array.ndim == logits.data.ndim - 1:
        target_array = one_hot(target_array, logits.data.shape[-1])
    log_p = logits.log_softmax()
    rows = np.asarray(target_array, dtype=np.float64)
    # −(log p · y) summed over the classes, averaged over the batch: one node after the
    # log-softmax (which a worked solution reads its probabilities from).
    batch = math.prod(log_p.data.shape[:-1])
    per_sample = np.add.reduce(log_p.data * rows, axis=-1)
    out = np.asarray(-(np.add.reduce(per_sample, axis=None) / batch))
    return Tensor._result(out, "nll", (log_p,), (rows * (-1.0 / batch),))


def loss(name: str) -> Callable[..., Tensor]:
    """The loss function called `name` (one of LOSSES)."""
    return _LOSS_FUNCTIONS[name]


_LOSS_FUNCTIONS = {"mse": mse, "bce": bce, "cross_entropy": cross_entropy}
