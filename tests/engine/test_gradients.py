"""Two independent references for the engine's gradients: central differences and sympy.

`engine_grads` runs the engine on L = ∑ out ⊙ C (C a fixed random array, so that non-scalar
outputs are checked against an arbitrary upstream gradient); `numeric_grads` differentiates the
same L by central differences of the forward pass alone; `symbolic_grads` builds L from sympy
symbols with numpy object arrays (so broadcasting is numpy's own) and differentiates exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradeck.engine import LayerSpec, NetworkSpec, OptimizerSpec, Tensor, train
from gradeck.engine import functional as F

H = 1e-6


def upstream(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.5, 1.5, size=shape)


def engine_grads(
    fn: Callable[..., Tensor], arrays: Sequence[np.ndarray]
) -> tuple[np.ndarray, list[np.ndarray]]:
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    c = upstream(out.data.shape)
    (out * c).sum().backward()
    return out.data, [t.grad for t in tensors]


def numeric_grads(fn: Callable[..., Tensor], arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
    arrays = [np.array(a, dtype=float) for a in arrays]
    c = upstream(fn(*[Tensor(a) for a in arrays]).data.shape)

    def loss() -> float:
        return float((fn(*[Tensor(a) for a in arrays]).data * c).sum())

    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            keep = a[i]
            a[i] = keep + H
            up = loss()
            a[i] = keep - H
            down = loss()
            a[i] = keep
            g[i] = (up - down) / (2 * H)
        grads.append(g)
    return grads


def symbols_like(a: np.ndarray, prefix: str) -> np.ndarray:
    names = [f"{prefix}{i}" for i in range(a.size)]
    flat = np.empty(a.size, dtype=object)
    flat[:] = [sp.Symbol(n, real=True) for n in names]
    return flat.reshape(a.shape)


def symbolic_grads(
    sym_fn: Callable[..., np.ndarray], arrays: Sequence[np.ndarray]
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The value of sym_fn and the exact gradient of ∑ out ⊙ C, evaluated at `arrays`."""
    syms = [symbols_like(np.asarray(a), f"s{k}_") for k, a in enumerate(arrays)]
    out = np.asarray(sym_fn(*syms), dtype=object)
    c = upstream(out.shape)
    total = sp.Add(*np.asarray(out * c, dtype=object).ravel().tolist())
    values = {
        s: sp.Float(float(v), 30)
        for sa, a in zip(syms, arrays, strict=True)
        for s, v in zip(sa.ravel(), np.asarray(a).ravel(), strict=True)
    }
    value = np.array([float(e.xreplace(values).evalf(30)) for e in out.ravel()]).reshape(out.shape)
    grads = []
    for sa in syms:
        g = [float(sp.diff(total, s).xreplace(values).evalf(30)) for s in sa.ravel()]
        grads.append(np.array(g).reshape(sa.shape))
    return value, grads


def vectorized(f: Callable[[sp.Expr], sp.Expr]) -> Callable[[np.ndarray], np.ndarray]:
    return np.vectorize(f, otypes=[object])


def assert_close(
    actual: Sequence[np.ndarray], expected: Sequence[np.ndarray], rtol: float, atol: float = 1e-8
) -> None:
    for a, e in zip(actual, expected, strict=True):
        assert np.shape(a) == np.shape(e)
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


# -- strategies -----------------------------------------------------------------------------------

SETTINGS = settings(max_examples=10, deadline=None)


@st.composite
def matrices(draw: st.DrawFn, shape: tuple[int, ...], low: float = -2.0, high: float = 2.0):
    """An array of `shape` with entries a person might use, kept away from zero (kinks, 1/x)."""
    magnitude = st.floats(0.05, max(abs(low), abs(high)), allow_nan=False)
    values = []
    for _ in range(int(np.prod(shape))):
        x = draw(magnitude)
        if low < 0 and (high <= 0 or draw(st.booleans())):
            x = -min(x, -low)
        values.append(min(max(x, low), high))
    return np.array(values, dtype=float).reshape(shape)


dims = st.integers(1, 3)
shapes = st.sampled_from([(), (1,), (3,), (2, 3), (3, 1)])


@st.composite
def broadcast_pairs(draw: st.DrawFn, low: float = -2.0, high: float = 2.0):
    """Two operands whose shapes broadcast against each other in the usual ways."""
    r, c = draw(dims), draw(dims)
    other = draw(st.sampled_from([(r, c), (c,), (1, c), (r, 1), ()]))
    first, second = ((r, c), other) if draw(st.booleans()) else (other, (r, c))
    return draw(matrices(first)), draw(matrices(second, low, high))


def check_both(fn, sym_fn, arrays, rtol: float = 1e-6) -> None:
    """The engine's value and gradients agree with sympy exactly and with central differences."""
    value, grads = engine_grads(fn, arrays)
    sym_value, sym_grads = symbolic_grads(sym_fn, arrays)
    np.testing.assert_allclose(value, sym_value, rtol=1e-9, atol=1e-12)
    assert_close(grads, sym_grads, rtol=1e-9)
    # Central differences carry truncation error where the loss curves sharply (a saturated
    # sigmoid under bce), so they get an absolute allowance; sympy above is held exactly.
    assert_close(grads, numeric_grads(fn, arrays), rtol=rtol, atol=1e-5)


# -- binary ops with broadcasting -----------------------------------------------------------------

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(pair=broadcast_pairs())
def test_binary_op_gradients(name: str, pair: tuple[np.ndarray, np.ndarray]) -> None:
    fn, sym_fn = BINARY[name]
    check_both(fn, sym_fn, pair)


@SETTINGS
@given(pair=broadcast_pairs(low=0.5, high=2.0))
def test_div_gradients(pair: tuple[np.ndarray, np.ndarray]) -> None:
    numerator, denominator = pair
    denominator = np.abs(denominator) + 0.5  # away from zero, whichever operand was drawn first
    check_both(lambda a, b: a / b, lambda a, b: a / b, [numerator, denominator])


@SETTINGS
@given(shape=shapes, data=st.data())
def test_neg_gradients(shape: tuple[int, ...], data: st.DataObject) -> None:
    check_both(lambda a: -a, lambda a: -a, [data.draw(matrices(shape))])


@SETTINGS
@given(shape=shapes, p=st.sampled_from([2.0, 3.0, 0.5, -1.0, 1.5]), data=st.data())
def test_pow_by_a_number(shape: tuple[int, ...], p: float, data: st.DataObject) -> None:
    x = data.draw(matrices(shape, 0.2, 2.0))
    check_both(lambda a: a**p, lambda a: a ** sp.Float(p), [x])


@SETTINGS
@given(pair=broadcast_pairs(low=0.2, high=2.0))
def test_pow_by_a_tensor(pair: tuple[np.ndarray, np.ndarray]) -> None:
    base, exponent = np.abs(pair[0]) + 0.2, pair[1]
    check_both(lambda a, b: a**b, lambda a, b: a**b, [base, exponent])


@SETTINGS
@given(n=dims, k=dims, m=dims, kind=st.sampled_from(["mm", "vm", "mv", "vv"]), data=st.data())
def test_matmul_gradients(n: int, k: int, m: int, kind: str, data: st.DataObject) -> None:
    left = (k,) if kind[0] == "v" else (n, k)
    right = (k,) if kind[1] == "v" else (k, m)
    a, b = data.draw(matrices(left)), data.draw(matrices(right))
    check_both(lambda x, y: x @ y, lambda x, y: np.asarray(x @ y, dtype=object), [a, b])


@SETTINGS
@given(r=dims, c=dims, data=st.data())
def test_transpose_gradients(r: int, c: int, data: st.DataObject) -> None:
    check_both(
        lambda a: a.T * np.arange(1.0, r + 1),
        lambda a: a.T * np.arange(1.0, r + 1),
        [data.draw(matrices((r, c)))],
    )


# -- unary functions and reductions ---------------------------------------------------------------


def _sigmoid(x: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-x))


UNARY = {
    "exp": (lambda a: a.exp(), vectorized(sp.exp), (-2.0, 2.0)),
    "log": (lambda a: a.log(), vectorized(sp.log), (0.1, 3.0)),
    "sigmoid": (lambda a: a.sigmoid(), vectorized(_sigmoid), (-3.0, 3.0)),
    "tanh": (lambda a: a.tanh(), vectorized(sp.tanh), (-3.0, 3.0)),
    "relu": (
        lambda a: a.relu(),
        vectorized(lambda x: sp.Piecewise((x, x > 0), (0, True))),
        (-2.0, 2.0),
    ),
    "leaky_relu": (
        lambda a: a.leaky_relu(),
        vectorized(lambda x: sp.Piecewise((x, x > 0), (sp.Float(0.01) * x, True))),
        (-2.0, 2.0),
    ),
    "leaky_relu_0.2": (
        lambda a: a.leaky_relu(0.2),
        vectorized(lambda x: sp.Piecewise((x, x > 0), (sp.Float(0.2) * x, True))),
        (-2.0, 2.0),
    ),
    "clamp": (
        lambda a: a.clamp(-1.0, 1.0),
        vectorized(lambda x: sp.Piecewise((-1, x < -1), (1, x > 1), (x, True))),
        (-2.0, 2.0),
    ),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(shape=shapes, data=st.data())
def test_unary_gradients(name: str, shape: tuple[int, ...], data: st.DataObject) -> None:
    fn, sym_fn, (low, high) = UNARY[name]
    x = data.draw(matrices(shape, low, high))
    if name == "clamp":
        x = np.where(np.abs(np.abs(x) - 1.0) < 0.05, 1.2 * x, x)  # away from the clip points
    check_both(fn, sym_fn, [x])


def _sym_sum(a: np.ndarray, axis: int | None, keepdims: bool) -> np.ndarray:
    return np.asarray(np.sum(a, axis=axis, keepdims=keepdims), dtype=object)


@SETTINGS
@given(
    shape=st.sampled_from([(3,), (2, 3), (3, 1)]),
    axis=st.sampled_from([None, 0, -1]),
    keepdims=st.booleans(),
    mean=st.booleans(),
    data=st.data(),
)
def test_sum_and_mean_gradients(
    shape: tuple[int, ...], axis: int | None, keepdims: bool, mean: bool, data: st.DataObject
) -> None:
    x = data.draw(matrices(shape))
    n = x.size if axis is None else x.shape[axis]
    if mean:
        fn = lambda a: a.mean(axis=axis, keepdims=keepdims)  # noqa: E731
        sym_fn = lambda a: _sym_sum(a, axis, keepdims) / n  # noqa: E731
    else:
        fn = lambda a: a.sum(axis=axis, keepdims=keepdims)  # noqa: E731
        sym_fn = lambda a: _sym_sum(a, axis, keepdims)  # noqa: E731
    check_both(fn, sym_fn, [x])


def _sym_softmax(a: np.ndarray) -> np.ndarray:
    e = vectorized(sp.exp)(a)
    return e / np.sum(e, axis=-1, keepdims=True)


def _sym_log_softmax(a: np.ndarray) -> np.ndarray:
    return a - vectorized(sp.log)(np.sum(vectorized(sp.exp)(a), axis=-1, keepdims=True))


@SETTINGS
@given(shape=st.sampled_from([(3,), (2, 3), (1, 4)]), log=st.booleans(), data=st.data())
def test_softmax_gradients(shape: tuple[int, ...], log: bool, data: st.DataObject) -> None:
    x = data.draw(matrices(shape, -3.0, 3.0))
    if log:
        check_both(lambda a: a.log_softmax(), _sym_log_softmax, [x])
    else:
        check_both(lambda a: a.softmax(), _sym_softmax, [x])


@SETTINGS
@given(batch=st.booleans(), n_in=dims, n_out=dims, data=st.data())
def test_linear_gradients(batch: bool, n_in: int, n_out: int, data: st.DataObject) -> None:
    x = data.draw(matrices((2, n_in) if batch else (n_in,)))
    w, b = data.draw(matrices((n_out, n_in))), data.draw(matrices((n_out,)))
    check_both(F.linear, lambda x, w, b: np.asarray(x @ w.T + b, dtype=object), [x, w, b])


# -- losses ---------------------------------------------------------------------------------------


@SETTINGS
@given(shape=st.sampled_from([(1,), (3,), (2, 2)]), data=st.data())
def test_mse_gradients(shape: tuple[int, ...], data: st.DataObject) -> None:
    p, y = data.draw(matrices(shape)), data.draw(matrices(shape))
    check_both(F.mse, lambda p, y: np.sum((p - y) ** 2) / p.size, [p, y])


@SETTINGS
@given(shape=st.sampled_from([(1,), (3,), (2, 2)]), data=st.data())
def test_bce_gradients(shape: tuple[int, ...], data: st.DataObject) -> None:
    p, y = data.draw(matrices(shape, 0.05, 0.95)), data.draw(matrices(shape, 0.0, 1.0))
    log = vectorized(sp.log)
    check_both(F.bce, lambda p, y: -np.sum(y * log(p) + (1 - y) * log(1 - p)) / p.size, [p, y])


@SETTINGS
@given(shape=st.sampled_from([(3,), (2, 3), (4, 2)]), data=st.data())
def test_cross_entropy_gradients_with_probability_rows(
    shape: tuple[int, ...], data: st.DataObject
) -> None:
    logits = data.draw(matrices(shape, -3.0, 3.0))
    rows = data.draw(matrices(shape, 0.05, 1.0))
    rows = rows / rows.sum(axis=-1, keepdims=True)
    batch = 1 if len(shape) == 1 else shape[0]
    check_both(
        lambda z: F.cross_entropy(z, rows),
        lambda z: -np.sum(rows * _sym_log_softmax(z)) / batch,
        [logits],
    )


@SETTINGS
@given(shape=st.sampled_from([(3,), (2, 3), (4, 2)]), data=st.data())
def test_cross_entropy_gradients_with_class_indices(
    shape: tuple[int, ...], data: st.DataObject
) -> None:
    logits = data.draw(matrices(shape, -3.0, 3.0))
    classes = shape[-1]
    indices = np.array(
        data.draw(st.lists(st.integers(0, classes - 1), min_size=1, max_size=1))[0]
        if len(shape) == 1
        else data.draw(st.lists(st.integers(0, classes - 1), min_size=shape[0], max_size=shape[0]))
    )
    one_hot = np.eye(classes)[indices]
    batch = 1 if len(shape) == 1 else shape[0]
    check_both(
        lambda z: F.cross_entropy(z, indices),
        lambda z: -np.sum(one_hot * _sym_log_softmax(z)) / batch,
        [logits],
    )


# -- random small networks ------------------------------------------------------------------------

SYM_ACTIVATIONS = {
    "linear": lambda z: z,
    "sigmoid": vectorized(_sigmoid),
    "tanh": vectorized(sp.tanh),
    "relu": UNARY["relu"][1],
    "leaky_relu": UNARY["leaky_relu"][1],
    "softmax": _sym_softmax,
}


def _sym_loss(name: str, out: np.ndarray, target: np.ndarray) -> sp.Expr:
    if name == "mse":
        return np.sum((out - target) ** 2) / out.size
    if name == "bce":
        log = vectorized(sp.log)
        return -np.sum(target * log(out) + (1 - target) * log(1 - out)) / out.size
    rows = 1 if out.ndim == 1 else out.shape[0]
    return -np.sum(target * _sym_log_softmax(out)) / rows


@st.composite
def networks(draw: st.DrawFn) -> NetworkSpec:
    """A random network of one to three layers, with a loss its output suits."""
    loss = draw(st.sampled_from(F.LOSSES))
    widths = [draw(dims) for _ in range(draw(st.integers(2, 4)))]
    if loss == "cross_entropy":
        widths[-1] = max(widths[-1], 2)
    batch = draw(st.sampled_from([None, 2]))
    x = draw(matrices((widths[0],) if batch is None else (batch, widths[0])))
    layers = []
    for n_in, n_out in itertools.pairwise(widths):
        activation = draw(st.sampled_from(["linear", "sigmoid", "tanh", "relu", "leaky_relu"]))
        w, b = draw(matrices((n_out, n_in))), draw(matrices((n_out,)))
        layers.append(LayerSpec(w, b, activation))
    out_shape = (widths[-1],) if batch is None else (batch, widths[-1])
    if loss == "bce":
        layers[-1].activation = "sigmoid"
        target = draw(matrices(out_shape, 0.0, 1.0))
    elif loss == "cross_entropy":
        layers[-1].activation = draw(st.sampled_from(["linear", "softmax"]))
        target = np.eye(widths[-1])[draw(st.integers(0, widths[-1] - 1))]
        target = target if batch is None else np.stack([target, target[::-1]])
    else:
        target = draw(matrices(out_shape))
    return NetworkSpec(x, target, layers, loss, OptimizerSpec("sgd", lr=0.1), steps=1)


@settings(max_examples=10, deadline=None)
@given(spec=networks())
def test_network_gradients_against_sympy_and_differences(spec: NetworkSpec) -> None:
    def fn(*params: Tensor) -> Tensor:
        a = Tensor(spec.input)
        for i, layer in enumerate(spec.layers):
            a = F.activation(layer.activation)(F.linear(a, params[2 * i], params[2 * i + 1]))
        return F.loss(spec.loss)(a, spec.target)

    def sym_fn(*params: np.ndarray) -> sp.Expr:
        a = spec.input
        for i, layer in enumerate(spec.layers):
            z = np.asarray(a @ params[2 * i].T + params[2 * i + 1], dtype=object)
            a = SYM_ACTIVATIONS[layer.activation](z)
        return _sym_loss(spec.loss, np.asarray(a, dtype=object), spec.target)

    params = [p for layer in spec.layers for p in (layer.weights, layer.bias)]
    # relu kinks: a pre-activation at exactly 0 has no derivative; skip such draws.
    z_values = [t.z for t in train(spec).trace]
    assume(all(np.abs(z).min() > 1e-3 for z in z_values))
    # bce on probabilities loses digits in log(1 − p) once a sigmoid saturates (so does torch's);
    # such draws test float rounding, not the derivatives.
    if spec.loss == "bce":
        p = np.asarray(train(spec).output)
        assume(bool(np.all((p > 1e-3) & (p < 1 - 1e-3))))
    check_both(fn, sym_fn, params, rtol=1e-5)
    # train() must report exactly the gradients just checked, at the initial parameters.
    tensors = [Tensor(p, requires_grad=True) for p in params]
    loss = fn(*tensors)
    loss.backward()
    training = train(spec)
    trained = [g for layer in training.grads for g in (layer.weights, layer.bias)]
    assert_close(trained, [t.grad for t in tensors], rtol=1e-12)
    assert training.loss == float(loss.data)
