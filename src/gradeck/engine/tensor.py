"""A reverse-mode autodiff value: micrograd's idea, on float64 numpy arrays.

Each operation makes a new `Tensor` that remembers the operation's name (`op`), its inputs
(`parents`) and its local gradients (`local`), so that a worked solution can be rendered from the
very numbers that produced an answer. `backward()` walks the recorded graph once, newest node
first, and leaves `.grad` (∂root/∂node) on every node that requires a gradient, intermediate ones
included (unlike torch, which keeps only leaf gradients): the δ of a layer is simply `z.grad`.

What `local` holds, per op:

- element-wise ops (add, sub, mul, div, neg, pow, identity, exp, log, sigmoid, tanh, relu,
  leaky_relu, clamp): ∂out/∂parent element by element, one entry per parent (a number or an
  array that broadcasts to the output's shape); the backward pass multiplies and sums out
  broadcast axes;
- matmul: (bᵀ, aᵀ), the matrices the incoming gradient is multiplied by (∂L/∂a = g bᵀ,
  ∂L/∂b = aᵀ g);
- linear (z = x Wᵀ + b): (W, x), as ∂L/∂x = g W, ∂L/∂W = gᵀ x, ∂L/∂b = g summed over the batch;
- mse: (2(ŷ − y)/n, None), the derivative with respect to the prediction;
- bce (made by `functional.bce`): (1/p, 1/(1 − p)) where the logs were not clamped (0 where
  they were), then log p and log(1 − p); meta holds n;
- nll (made by `functional.cross_entropy` after its log_softmax node): (−y/batch,);
- sum, mean: (1,) and (1/n,), the factor spread back over the summed elements;
- softmax, log_softmax: (softmax(x),), from which the Jacobian-vector product is formed;
- transpose: ().

Leaf tensors accumulate gradients across `backward()` calls, as in torch; optimizers clear them
with `zero_grad()`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

ArrayLike = Any
Backward = Callable[["Tensor", np.ndarray], tuple[np.ndarray | None, ...]]

# Creation order: a node is always newer than its parents, so sorting the reachable nodes by id,
# newest first, is a topological order (no recursive search needed).
_ids = itertools.count()


def _array(value: ArrayLike) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` down to `shape`, undoing numpy broadcasting."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def _elementwise_backward(node: Tensor, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    out: list[np.ndarray | None] = []
    for parent, local in zip(node.parents, node.local, strict=True):
        if not parent.requires_grad:
            out.append(None)
        elif type(local) is float:
            out.append(unbroadcast(grad if local == 1.0 else grad * local, parent.data.shape))
        else:
            out.append(unbroadcast(grad * local, parent.data.shape))
    return tuple(out)


def _matmul_backward(node: Tensor, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    """Only 1-D and 2-D operands, as in a dense layer."""
    a, b = node.parents
    bt, at = node.local
    ga = gb = None
    if a.requires_grad:
        if b.data.ndim == 1:
            ga = np.outer(grad, bt) if a.data.ndim == 2 else grad * bt
        else:
            ga = grad @ bt
    if b.requires_grad:
        if a.data.ndim == 1:
            gb = np.outer(at, grad) if b.data.ndim == 2 else at * grad
        else:
            gb = at @ grad
    return ga, gb


def _linear_backward(node: Tensor, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    x, w, b = node.parents
    gx = grad @ w.data if x.requires_grad else None
    gw = gb = None
    if w.requires_grad:
        gw = np.outer(grad, x.data) if grad.ndim == 1 else grad.T @ x.data
    if b.requires_grad:
        gb = grad if grad.ndim == 1 else grad.sum(axis=0)
    return gx, gw, gb


def _reduce_backward(node: Tensor, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    (parent,) = node.parents
    axis, keepdims = node.meta
    if axis is None:
        return (np.full(parent.data.shape, grad * node.local[0]),)
    if not keepdims:
        grad = np.expand_dims(grad, axis)
    return (np.broadcast_to(grad * node.local[0], parent.data.shape).copy(),)


def _mse_backward(node: Tensor, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    prediction, target = node.parents
    local = grad * node.local[0]
    return (local if prediction.requires_grad else None, -local if target.requires_grad else None)


def _softmax_backward(node: Tensor, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    (s,) = node.local
    return (s * (grad - (grad * s).sum(axis=-1, keepdims=True)),)


def _log_softmax_backward(node: Tensor, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    (s,) = node.local
    return (grad - s * grad.sum(axis=-1, keepdims=True),)


def _transpose_backward(node: Tensor, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    return (grad.T,)


class Tensor:
    """A float64 array that records how it was computed, for gradients and worked solutions."""

    __slots__ = (
        "_back",
        "_id",
        "data",
        "grad",
        "local",
        "meta",
        "name",
        "op",
        "parents",
        "requires_grad",
    )
    __array_priority__ = 100  # numpy scalars/arrays defer to our operators

    def __init__(self, data: ArrayLike, requires_grad: bool = False, name: str = "") -> None:
        self.data: np.ndarray = _array(data)
        self.grad: np.ndarray | None = None
        self.requires_grad = requires_grad
        self.name = name
        self.op = ""
        self.parents: tuple[Tensor, ...] = ()
        self.local: tuple[Any, ...] = ()
        self.meta: Any = None
        self._back: Backward | None = None
        self._id = next(_ids)

    # -- construction ---------------------------------------------------------------------------

    @staticmethod
    def _result(
        data: np.ndarray,
        op: str,
        parents: tuple[Tensor, ...],
        local: tuple[Any, ...],
        back: Backward = _elementwise_backward,
        meta: Any = None,
    ) -> Tensor:
        out = Tensor.__new__(Tensor)
        out.data = data
        out.grad = None
        out.name = ""
        out.op = op
        out.parents = parents
        out.local = local
        out.meta = meta
        out._id = next(_ids)
        needs = False
        for p in parents:
            needs = needs or p.requires_grad
        out.requires_grad = needs
        out._back = back
        return out

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def __repr__(self) -> str:
        label = f" name={self.name!r}" if self.name else ""
        return f"Tensor({self.data!r}{label}, op={self.op or 'leaf'!r})"

    # -- arithmetic -----------------------------------------------------------------------------

    def __add__(self, other: ArrayLike) -> Tensor:
        o = _tensor(other)
        return Tensor._result(self.data + o.data, "add", (self, o), (1.0, 1.0))

    def __radd__(self, other: ArrayLike) -> Tensor:
        return _tensor(other) + self

    def __sub__(self, other: ArrayLike) -> Tensor:
        o = _tensor(other)
        return Tensor._result(self.data - o.data, "sub", (self, o), (1.0, -1.0))

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return _tensor(other) - self

    def __mul__(self, other: ArrayLike) -> Tensor:
        o = _tensor(other)
        return Tensor._result(self.data * o.data, "mul", (self, o), (o.data, self.data))

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return _tensor(other) * self

    def __truediv__(self, other: ArrayLike) -> Tensor:
        o = _tensor(other)
        inv = 1.0 / o.data
        out = self.data * inv
        return Tensor._result(out, "div", (self, o), (inv, -out * inv))

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return _tensor(other) / self

    def __neg__(self) -> Tensor:
        return Tensor._result(-self.data, "neg", (self,), (-1.0,))

    def __pow__(self, exponent: ArrayLike) -> Tensor:
        """x ** p; p may be a number or a tensor (then ∂/∂p = xᵖ ln x, for x > 0)."""
        if not isinstance(exponent, Tensor):
            p = float(exponent)
            local = p * self.data ** (p - 1.0)
            return Tensor._result(self.data**p, "pow", (self,), (local,), meta=p)
        out = self.data**exponent.data
        d_base = exponent.data * self.data ** (exponent.data - 1.0)
        d_exponent = out * np.log(self.data) if exponent.requires_grad else 0.0
        return Tensor._result(out, "pow", (self, exponent), (d_base, d_exponent))

    def __matmul__(self, other: ArrayLike) -> Tensor:
        o = _tensor(other)
        return Tensor._result(
            self.data @ o.data, "matmul", (self, o), (o.data.T, self.data.T), _matmul_backward
        )

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return _tensor(other) @ self

    @property
    def T(self) -> Tensor:
        return Tensor._result(self.data.T, "transpose", (self,), (), _transpose_backward)

    def linear(self, weight: Tensor, bias: Tensor) -> Tensor:
        """z = x Wᵀ + b with W (out, in), as torch.nn.Linear; for one sample (in,), z = W x + b.

        One node rather than three (transpose, matmul, add): it is what a worked solution shows,
        and it keeps the graph of a network small.
        """
        z = self.data @ weight.data.T + bias.data
        return Tensor._result(
            z, "linear", (self, weight, bias), (weight.data, self.data), _linear_backward
        )

    def mse(self, target: ArrayLike) -> Tensor:
        """Mean of (self − target)² over all elements; ∂/∂self = 2(self − target)/n."""
        t = _tensor(target)
        diff = self.data - t.data
        out = np.asarray(np.dot(diff.ravel(), diff.ravel()) / diff.size)
        return Tensor._result(
            out, "mse", (self, t), (diff * (2.0 / diff.size), None), _mse_backward
        )

    # -- element-wise functions -----------------------------------------------------------------

    def identity(self) -> Tensor:
        """The same values as a node of their own, so that a linear activation, like the
        others, records its derivative f′(z) = 1 in `local`."""
        return Tensor._result(self.data, "identity", (self,), (np.ones_like(self.data),))

    def exp(self) -> Tensor:
        out = np.exp(self.data)
        return Tensor._result(out, "exp", (self,), (out,))

    def log(self) -> Tensor:
        return Tensor._result(np.log(self.data), "log", (self,), (1.0 / self.data,))

    def sigmoid(self) -> Tensor:
        # 1/(1 + e⁻ˣ) without overflow for very negative x.
        s = np.exp(-np.logaddexp(0.0, -self.data))
        return Tensor._result(s, "sigmoid", (self,), (s * (1.0 - s),))

    def tanh(self) -> Tensor:
        t = np.tanh(self.data)
        return Tensor._result(t, "tanh", (self,), (1.0 - t * t,))

    def relu(self) -> Tensor:
        positive = self.data > 0.0
        out = np.maximum(self.data, 0.0)
        return Tensor._result(out, "relu", (self,), (positive * 1.0,))

    def leaky_relu(self, slope: float = 0.01) -> Tensor:
        d = np.where(self.data > 0.0, 1.0, slope)
        return Tensor._result(self.data * d, "leaky_relu", (self,), (d,), meta=slope)

    def clamp(self, low: float | None = None, high: float | None = None) -> Tensor:
        """Clip into [low, high]; the gradient passes only where the value was not clipped."""
        out = np.clip(self.data, low, high)
        return Tensor._result(out, "clamp", (self,), ((out == self.data) * 1.0,), meta=(low, high))

    # -- reductions and normalisations ----------------------------------------------------------

    def sum(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        out = np.asarray(self.data.sum(axis=axis, keepdims=keepdims))
        return Tensor._result(out, "sum", (self,), (1.0,), _reduce_backward, (axis, keepdims))

    def mean(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        n = self.data.size if axis is None else self.data.shape[axis]
        # numpy's mean is this sum divided by n, behind a slower Python wrapper
        out = np.asarray(self.data.sum(axis=axis, keepdims=keepdims) / n)
        return Tensor._result(out, "mean", (self,), (1.0 / n,), _reduce_backward, (axis, keepdims))

    def softmax(self) -> Tensor:
        """Softmax over the last axis, shifted by the maximum so that exp cannot overflow."""
        e = np.exp(self.data - self.data.max(axis=-1, keepdims=True))
        s = e / e.sum(axis=-1, keepdims=True)
        return Tensor._result(s, "softmax", (self,), (s,), _softmax_backward)

    def log_softmax(self) -> Tensor:
        """log softmax over the last axis, computed stably as x − max − log ∑ exp(x − max)."""
        shifted = self.data - self.data.max(axis=-1, keepdims=True)
        log_sum = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        out = shifted - log_sum
        return Tensor._result(out, "log_softmax", (self,), (np.exp(out),), _log_softmax_backward)

    # -- gradients ------------------------------------------------------------------------------

    def nodes(self) -> list[Tensor]:
        """Every node this one depends on, itself included, in the order they were computed."""
        return self._reachable(grad_only=False)

    def _reachable(self, grad_only: bool) -> list[Tensor]:
        """This node and those it depends on (with `grad_only`, through nodes that need a
        gradient alone), oldest first. A flag rather than a predicate: backward runs this at every
        draw of an exercise, and a flag keeps a function call per node out of it."""
        seen = {self._id: self}
        stack = [self]
        while stack:
            for parent in stack.pop().parents:
                if (parent.requires_grad or not grad_only) and parent._id not in seen:
                    seen[parent._id] = parent
                    stack.append(parent)
        return [seen[i] for i in sorted(seen)]

    def backward(self, grad: ArrayLike | None = None) -> None:
        """Fill `.grad` with ∂self/∂node for every node that requires a gradient.

        `grad` defaults to ones (for a scalar loss, the usual dL/dL = 1).
        """
        seed = np.ones(self.data.shape) if grad is None else _array(grad)
        order = self._reachable(grad_only=True)
        order.reverse()  # newest first: a topological order
        for node in order:
            if node.parents:
                node.grad = None  # intermediate gradients are recomputed, never accumulated
        self.grad = seed if self.grad is None else self.grad + seed
        for node in order:
            if node.parents and node.grad is not None and node._back is not None:
                for parent, g in zip(node.parents, node._back(node, node.grad), strict=True):
                    if g is not None:
                        parent.grad = g if parent.grad is None else parent.grad + g


def _tensor(value: ArrayLike) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor(value)
