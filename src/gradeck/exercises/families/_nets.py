"""The computations the network and optimizer families share, done by gradeck.engine.

Each function runs the engine once and returns every intermediate value a worked solution
needs, so that the numbers a learner is shown are the very ones that produced the expected
answer, and the classic wrong answers are built from those same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Vector = tuple[float, ...]
Matrix = tuple[Vector, ...]


def _floats(array) -> Vector:
    """The elements as Python floats (tolist: one call, not one float() per element); the
    engine's arrays are float64 already, and mostly vectors."""
    if array.dtype.char != "d":  # not float64
        array = array.astype(float)
    return tuple((array if array.ndim == 1 else array.reshape(-1)).tolist())


def _rows(array) -> Matrix:
    if array.dtype.char != "d":  # not float64
        array = array.astype(float)
    return tuple(map(tuple, array.tolist()))


def activate(activation: str, z: float) -> float:
    """f(z) for one number."""
    from gradeck.engine.functional import activation as function
    from gradeck.engine.tensor import Tensor

    return float(function(activation)(Tensor(z)).data)


def neuron_forward(activation: str, w: Vector, x: Vector, b: float) -> tuple[float, float]:
    """(z, a) for z = w·x + b and a = f(z)."""
    from gradeck.engine import functional as F
    from gradeck.engine.tensor import Tensor

    z = F.linear(x, Tensor([w]), Tensor([b]))
    return float(z.data[0]), float(F.activation(activation)(z).data[0])


@dataclass(frozen=True)
class NeuronGrads:
    """A sigmoid neuron on a batch: per-sample values, the mean loss and its gradients."""

    z: Vector
    a: Vector
    loss: float
    dl_da: Vector  # ∂L/∂aᵢ, the 1/m of the mean included
    dl_dz: Vector
    dl_dw: Vector
    dl_db: float


def neuron_grads(loss: str, w: Vector, xs: Sequence[Vector], b: float, ys: Vector) -> NeuronGrads:
    from gradeck.engine import functional as F
    from gradeck.engine.tensor import Tensor

    weight, bias = Tensor([w], requires_grad=True), Tensor([b], requires_grad=True)
    z = F.linear(xs, weight, bias)  # (m, 1)
    a = F.sigmoid(z)
    value = F.loss(loss)(a, [[y] for y in ys])
    value.backward()
    return NeuronGrads(
        _floats(z.data),
        _floats(a.data),
        float(value.data),
        _floats(a.grad),
        _floats(z.grad),
        _floats(weight.grad),
        _floats(bias.grad)[0],
    )


def output_grads(loss: str, outputs: Vector, targets: Vector) -> Vector:
    """∂L/∂ŷᵢ for the mean loss over the given outputs (a learner's, for carried answers).

    A learner's wild answer may overflow; the caller falls back when the result is not finite.
    """
    import numpy as np

    from gradeck.engine import functional as F
    from gradeck.engine.tensor import Tensor

    a = Tensor(outputs, requires_grad=True)
    with np.errstate(all="ignore"):
        F.loss(loss)(a, targets).backward()
    return _floats(a.grad)


@dataclass(frozen=True)
class TwoLayer:
    """A 2-layer network on one sample: every forward value and gradient, torch's shapes."""

    h_pre: Vector  # z₁ = W₁x + b₁
    h: Vector  # f(z₁)
    out_pre: float  # z₂ = W₂h + b₂
    out: float  # σ(z₂)
    loss: float
    dl_dout: float
    delta_out: float  # ∂L/∂z₂
    delta_hidden: Vector  # ∂L/∂z₁
    grad_w2: Matrix
    grad_w1: Matrix
    hidden_slope: Vector  # f'(z₁)


def two_layer(
    hidden: str,
    loss: str,
    w1: Matrix,
    b1: Vector,
    w2: Matrix,
    b2: Vector,
    x: Vector,
    y: float,
) -> TwoLayer:
    from gradeck.engine import functional as F
    from gradeck.engine.tensor import Tensor

    weights1, weights2 = Tensor(w1, requires_grad=True), Tensor(w2, requires_grad=True)
    bias1, bias2 = Tensor(b1, requires_grad=True), Tensor(b2, requires_grad=True)
    z1 = F.linear(x, weights1, bias1)
    h = F.activation(hidden)(z1)
    z2 = F.linear(h, weights2, bias2)
    out = F.sigmoid(z2)
    value = F.loss(loss)(out, [y])
    value.backward()
    return TwoLayer(
        _floats(z1.data),
        _floats(h.data),
        float(z2.data[0]),
        float(out.data[0]),
        float(value.data),
        _floats(out.grad)[0],
        _floats(z2.grad)[0],
        _floats(z1.grad),
        _rows(weights2.grad),
        _rows(weights1.grad),
        _floats(h.local[0]),
    )


@dataclass(frozen=True)
class SoftmaxCE:
    probabilities: Vector
    loss: float
    grad: Vector  # ∂L/∂z


def softmax_cross_entropy(logits: Vector, target: int) -> SoftmaxCE:
    from gradeck.engine import functional as F
    from gradeck.engine.tensor import Tensor

    z = Tensor(logits, requires_grad=True)
    value = F.cross_entropy(z, target)
    value.backward()
    return SoftmaxCE(_floats(F.softmax(z).data), float(value.data), _floats(z.grad))


@dataclass(frozen=True)
class OptimizerStep:
    """One optimizer step on a vector of parameters, every quantity as plain floats."""

    before: Vector
    grad: Vector  # the gradient given to the optimizer (before any weight decay)
    after: Vector
    state: dict[str, Vector]  # the optimizer's named intermediates (g, buf, m, v_hat, ...)


def optimizer_steps(
    name: str, w0: Vector, grads: Sequence[Vector], **settings: object
) -> tuple[OptimizerStep, ...]:
    """Run torch.optim's `name` (sgd, rmsprop, adam, adamw) with each given gradient in turn."""
    import numpy as np

    from gradeck.engine import optim
    from gradeck.engine.tensor import Tensor

    kind = {"sgd": optim.SGD, "rmsprop": optim.RMSprop, "adam": optim.Adam, "adamw": optim.AdamW}
    param = Tensor(w0, requires_grad=True)
    opt = kind[name]([param], **settings)
    for g in grads:
        param.grad = np.asarray(g, dtype=np.float64)
        opt.step()
    return tuple(
        OptimizerStep(
            _floats(s.before),
            _floats(s.grad),
            _floats(s.after),
            {key: _floats(np.asarray(value)) for key, value in s.state.items()},
        )
        for (s,) in opt.history
    )
