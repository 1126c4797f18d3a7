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

from gradeck.engine.tensor import ArrayLike, Tensor

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
    """−mean(y log p + (1 − y) log(1 − p)), p a probability, each log clamped at −100."""
    y = _tensor(target)
    log_p = probability.clamp(low=_LOG_FLOOR).log()
    log_q = (1.0 - probability).clamp(low=_LOG_FLOOR).log()
    return -(y * log_p + (1.0 - y) * log_q).mean()


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
    per_sample = -(logits.log_softmax() * Tensor(target_array)).sum(axis=-1)
    return per_sample.mean()


def loss(name: str) -> Callable[..., Tensor]:
    """The loss function called `name` (one of LOSSES)."""
    return _LOSS_FUNCTIONS[name]


_LOSS_FUNCTIONS = {"mse": mse, "bce": bce, "cross_entropy": cross_entropy}
