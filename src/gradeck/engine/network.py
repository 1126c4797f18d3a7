"""A small dense network described as plain data, trained for a few steps with full records.

`NetworkSpec` says everything (input, target, layers, loss, optimizer, steps); `train(spec)`
returns a `Training` with the output and loss before any update, the loss before each step and
after the last, the gradients at the initial parameters, the parameters after all steps, the
trace of the first forward/backward pass (z, a, δ per layer) and the optimizer's step records.

Conventions (torch's): layer weights are (out, in), z = W x + b (for a batch, Z = X Wᵀ + b), a
single sample (in,) keeps vector shapes everywhere, losses as in `functional`.
`check(spec)` lists what is wrong with a spec as (path, message) pairs, path being the keys and
indices of the spec's YAML form (e.g. ("layers", 1, "weights")), so that a file reader can point
at the spot. Its parts that need only some of the spec, `layer_shape_problems` (shapes alone,
any of them unknown) and `optimizer_problems`, serve a reader that could not read everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from gradeck.engine import functional as F
from gradeck.engine.optim import (
    OPTIMIZERS,
    SGD,
    Adam,
    AdamW,
    Optimizer,
    ParamStep,
    RMSprop,
    setting_problems,
)
from gradeck.engine.tensor import Tensor

Path = tuple[str | int, ...]
Shape = tuple[int, ...]
LayerShapes = tuple[Shape | None, Shape | None]  # (weights, bias); None where unknown
PROBABILITIES = ("sigmoid", "softmax")  # activations whose outputs bce accepts


@dataclass
class LayerSpec:
    weights: np.ndarray  # (out, in)
    bias: np.ndarray  # (out,)
    activation: str = "linear"


@dataclass
class OptimizerSpec:
    """Settings for one of OPTIMIZERS; None means torch's default for that optimizer."""

    name: str = "sgd"
    lr: float | None = None
    momentum: float = 0.0
    dampening: float = 0.0
    nesterov: bool = False
    weight_decay: float | None = None
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    alpha: float = 0.99
    centered: bool = False


@dataclass
class NetworkSpec:
    input: np.ndarray  # (in,) one sample, or (batch, in)
    target: np.ndarray  # like the output; class indices (or one-hot rows) for cross_entropy
    layers: list[LayerSpec]
    loss: str = "mse"
    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)
    steps: int = 1


@dataclass(frozen=True)
class LayerTrace:
    """One layer in the first forward/backward pass; δ = ∂L/∂z, f′ = ∂a/∂z element-wise."""

    input: np.ndarray  # a of the layer before (the network's input for the first layer)
    z: np.ndarray
    a: np.ndarray
    delta: np.ndarray
    grad_a: np.ndarray  # ∂L/∂a
    derivative: np.ndarray | None  # f′(z) element-wise; None for softmax (not element-wise)


@dataclass(frozen=True)
class LayerParams:
    weights: np.ndarray
    bias: np.ndarray


@dataclass(frozen=True)
class Training:
    spec: NetworkSpec
    output: np.ndarray
    loss: float
    losses: tuple[float, ...]  # before each step, and after the last: steps + 1 values
    grads: tuple[LayerParams, ...]  # at the initial parameters
    updated: tuple[LayerParams, ...]  # after all steps
    trace: tuple[LayerTrace, ...]
    loss_node: Tensor  # the first pass's loss, with its whole recorded graph
    history: tuple[tuple[ParamStep | None, ...], ...]  # optimizer records; params W1, b1, W2 ...
    optimizer: Optimizer  # as run: its lr and weight_decay are the defaults filled in


def make_optimizer(spec: OptimizerSpec, params: list[Tensor]) -> Optimizer:
    wd = {} if spec.weight_decay is None else {"weight_decay": spec.weight_decay}
    lr = {} if spec.lr is None else {"lr": spec.lr}
    if spec.name == "sgd":
        return SGD(
            params,
            **lr,
            **wd,
            momentum=spec.momentum,
            dampening=spec.dampening,
            nesterov=spec.nesterov,
        )
    if spec.name == "rmsprop":
        return RMSprop(
            params,
            **lr,
            **wd,
            alpha=spec.alpha,
            eps=spec.eps,
            momentum=spec.momentum,
            centered=spec.centered,
        )
    if spec.name in ("adam", "adamw"):
        kind = Adam if spec.name == "adam" else AdamW
        return kind(params, **lr, **wd, betas=spec.betas, eps=spec.eps)
    raise ValueError(f"unknown optimizer {spec.name!r}; expected one of {', '.join(OPTIMIZERS)}")


def _target_shape_problem(spec: NetworkSpec, out_shape: tuple[int, ...]) -> str:
    t = np.asarray(spec.target)
    if spec.loss == "cross_entropy":
        if t.shape == out_shape:
            return ""
        if t.shape == out_shape[:-1]:
            bad = t[(t != np.round(t)) | (t < 0) | (t >= out_shape[-1])]
            if bad.size:
                return (
                    f"class index {bad.flat[0]:g} is not a whole number from 0 to "
                    f"{out_shape[-1] - 1}"
                )
            return ""
        if len(out_shape) == 1:
            return (
                f"target is {t.shape} but cross_entropy on one sample needs a class index "
                f"(e.g. target: 0) or a row of {out_shape[0]}"
            )
        return (
            f"target is {t.shape} but cross_entropy on {out_shape[0]} samples needs "
            f"{out_shape[0]} class indices or rows {out_shape}"
        )
    if t.shape != out_shape:
        return f"target is {t.shape} but the network's output is {out_shape}"
    if spec.loss == "bce" and ((t < 0) | (t > 1)).any():
        return "bce targets must lie between 0 and 1"
    return ""


def _grad(node: Tensor) -> np.ndarray:
    """A gradient that backward has filled in (every node of the network needs one)."""
    assert node.grad is not None
    return node.grad


def check(spec: NetworkSpec) -> list[tuple[Path, str]]:
    """Every inconsistency in `spec`, as (path, message); empty when `train` can run it."""
    x = np.asarray(spec.input)
    if x.ndim not in (1, 2) or x.size == 0:
        return [(("input",), "input must be one sample [..] or a list of samples")]
    shapes = [(np.shape(layer.weights), np.shape(layer.bias)) for layer in spec.layers]
    shape_problems = layer_shape_problems(shapes, x.shape[-1])
    problems = list(shape_problems)
    for i, layer in enumerate(spec.layers):
        if layer.activation not in F.ACTIVATIONS:
            message = f"unknown activation {layer.activation!r}"
            problems.append((("layers", i, "activation"), message))
    if not spec.layers:
        problems.append((("layers",), "the network needs at least one layer"))
    if spec.loss not in F.LOSSES:
        problems.append((("loss",), f"unknown loss {spec.loss!r}"))
    elif spec.loss == "bce" and spec.layers and spec.layers[-1].activation not in PROBABILITIES:
        where = ("layers", len(spec.layers) - 1, "activation")
        problems.append((where, "bce needs probabilities: end with a sigmoid or softmax layer"))
    elif spec.layers and not shape_problems:
        out_shape = (*x.shape[:-1], np.shape(spec.layers[-1].weights)[0])
        message = _target_shape_problem(spec, out_shape)
        if message:
            problems.append((("target",), message))
    problems.extend(optimizer_problems(spec.optimizer))
    if spec.steps < 1:
        problems.append((("steps",), "steps must be at least 1"))
    return problems


def optimizer_problems(o: OptimizerSpec) -> list[tuple[Path, str]]:
    """Settings of `o` that torch would refuse; they do not depend on the layers."""
    problems: list[tuple[Path, str]] = []
    if o.name not in OPTIMIZERS:
        problems.append((("optimizer", "name"), f"unknown optimizer {o.name!r}"))
    settings = setting_problems(
        0.0 if o.lr is None else o.lr,
        o.weight_decay or 0.0,
        o.momentum,
        o.dampening,
        o.nesterov,
        o.alpha,
        o.betas,
        o.eps,
    )
    problems.extend((("optimizer", key), message) for key, message in settings)
    return problems


def layer_shape_problems(
    shapes: Sequence[LayerShapes], width: int | None
) -> list[tuple[Path, str]]:
    """Weights (out, in) that chain from `width` inputs, each bias (out,).

    A shape of None (a part a file reader could not read) is skipped, and a width of None (the
    input or the layer before is unknown) skips that layer's chaining check, so that a reader can
    still check every part it did read.
    """
    problems: list[tuple[Path, str]] = []
    for i, (w, b) in enumerate(shapes):
        where = ("layers", i)
        if w is None or len(w) != 2 or 0 in w:
            if w is not None:
                problems.append(((*where, "weights"), "weights must be a matrix (out, in)"))
            width = None
            continue
        if width is not None and w[1] != width:
            source = "the input has" if i == 0 else f"layer {i} gives"
            unit = ("feature" if i == 0 else "output") + ("" if width == 1 else "s")
            message = f"layer {i + 1} weights are {w} but {source} {width} {unit}"
            problems.append(((*where, "weights"), message))
        if b is not None and b != (w[0],):
            message = f"layer {i + 1} bias is {b} but its weights {w} need ({w[0]},)"
            problems.append(((*where, "bias"), message))
        width = w[0]
    return problems


def _forward(
    x: Tensor, params: list[Tensor], layers: list[LayerSpec]
) -> tuple[Tensor, list[tuple[Tensor, Tensor]]]:
    a = x
    nodes = []
    for i, layer in enumerate(layers):
        z = F.linear(a, params[2 * i], params[2 * i + 1])
        out = F.activation(layer.activation)(z)
        nodes.append((z, out))
        a = out
    return a, nodes


def _derivative(a: Tensor) -> np.ndarray | None:
    """f′(z) as the activation recorded it: None for softmax, whose Jacobian is not diagonal."""
    return None if a.op == "softmax" else a.local[0]


def train(spec: NetworkSpec) -> Training:
    """Run `spec.steps` optimizer steps, recording the first pass in full."""
    problems = check(spec)
    if problems:
        raise ValueError("; ".join(message for _, message in problems))
    x = Tensor(spec.input, name="x")
    target = np.asarray(spec.target, dtype=np.float64)
    params: list[Tensor] = []
    for i, layer in enumerate(spec.layers, 1):
        params.append(Tensor(layer.weights, requires_grad=True, name=f"W{i}"))
        params.append(Tensor(layer.bias, requires_grad=True, name=f"b{i}"))
    optimizer = make_optimizer(spec.optimizer, params)
    loss_fn = F.loss(spec.loss)

    losses: list[float] = []
    first: tuple[Tensor, Tensor, list[tuple[Tensor, Tensor]]] | None = None
    with np.errstate(all="ignore"):  # a diverging run shows inf/nan rather than warnings
        for _ in range(spec.steps):
            optimizer.zero_grad()
            output, nodes = _forward(x, params, spec.layers)
            loss = loss_fn(output, target)
            loss.backward()
            losses.append(float(loss.data))
            if first is None:
                first = (output, loss, nodes)
                grads = tuple(
                    LayerParams(_grad(params[2 * i]), _grad(params[2 * i + 1]))
                    for i in range(len(spec.layers))
                )
            optimizer.step()
        final, _ = _forward(x, params, spec.layers)
        losses.append(float(loss_fn(final, target).data))
    assert first is not None
    output, loss, nodes = first
    trace = []
    previous = x
    for z, a in nodes:
        trace.append(LayerTrace(previous.data, z.data, a.data, _grad(z), _grad(a), _derivative(a)))
        previous = a
    updated = tuple(
        LayerParams(params[2 * i].data, params[2 * i + 1].data) for i in range(len(spec.layers))
    )
    return Training(
        spec=spec,
        output=output.data,
        loss=losses[0],
        losses=tuple(losses),
        grads=grads,
        updated=updated,
        trace=tuple(trace),
        loss_node=loss,
        history=tuple(optimizer.history),
        optimizer=optimizer,
    )
