"""A network worked through step by step: forward pass, loss, backpropagation and updates.

    solve(spec: NetworkSpec) -> Solved

The steps are rendered from the engine's records of the very computation that produced the
numbers (`Training.trace`, the loss graph, the optimizer's history), so the explanation cannot
disagree with the answer. `Solved.results` is a flat mapping for templates and `--json`:

- "loss" (before any update), "losses" (before each step and after the last), "output";
- "grad.layers[i].weights", "grad.layers[i].bias" (at the initial parameters);
- "updated.layers[i].weights", "updated.layers[i].bias" (after all steps);
- "z.layers[i]", "a.layers[i]", "delta.layers[i]" (first forward/backward pass);

with i counted from 0 as in the spec's `layers` list, numbers as floats, vectors and matrices as
(nested) tuples mirroring the spec's shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, SupportsFloat

from gradeck.exercises.model import Step, Table, Value
from gradeck.exercises.render import format_number, format_value

if TYPE_CHECKING:
    import numpy as np

    from gradeck.engine.network import LayerTrace, NetworkSpec, Training
    from gradeck.engine.optim import ParamStep

MAX_EXPANDED_TERMS = 6  # beyond this, a sum is shown by its result only

ACTIVATION_TEXT = {
    "linear": ("a = z (linear)", "f′(z) = 1, so δ = ∂L/∂a"),
    "sigmoid": ("a = σ(z) = 1/(1 + e^(−z))", "σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)"),
    "tanh": ("a = tanh(z)", "tanh′(z) = 1 − tanh²(z) = 1 − a²"),
    "relu": ("a = max(0, z)", "ReLU′(z) = 1 if z > 0, else 0"),
    "leaky_relu": ("a = z if z > 0, else 0.01·z", "f′(z) = 1 if z > 0, else 0.01"),
    "softmax": ("a = softmax(z) = e^z / ∑ e^z", "softmax is not element-wise: δ = J(z)ᵀ ∂L/∂a"),
}
LOSS_TEXT = {
    "mse": ("L = (1/n) ∑ (ŷ − y)²  (mean over all n elements)", "∂L/∂ŷ = 2(ŷ − y)/n"),
    "bce": (
        "L = −(1/n) ∑ [y ln ŷ + (1 − y) ln(1 − ŷ)]  (ŷ are probabilities)",
        "∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)·n)",
    ),
    "cross_entropy": (
        "L = −(1/N) ∑ ln softmax(ŷ)[class]  (ŷ are logits; mean over N samples)",
        "∂L/∂ŷ = (softmax(ŷ) − one_hot(y)) / N",
    ),
}
UPDATE_TEXT = {
    "sgd": "w ← w − η·g",
    "sgd_momentum": "b = g on step 1, then b = μb + (1 − dampening)g;  w ← w − η·b",
    "sgd_nesterov": "b = μb + g (b = g on step 1);  w ← w − η·(g + μb)",
    "rmsprop": "v = αv + (1 − α)g²;  w ← w − η·g/(√v + ε)",
    "adam": "m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ);"
    "  w ← w − η·m̂/(√v̂ + ε)",
    "adamw": "w ← w(1 − ηλ), then Adam's step with m̂, v̂:  w ← w − η·m̂/(√v̂ + ε)",
}
STATE_NAMES = {
    "g": "g",
    "buf": "b",
    "square_avg": "v",
    "grad_avg": "ḡ",
    "avg": "√v + ε",
    "m": "m",
    "v": "v",
    "m_hat": "m̂",
    "v_hat": "v̂",
    "decay": "ηλw",
}


@dataclass(frozen=True)
class Section:
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Solved:
    training: Training
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    results: dict[str, Value]

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for section in self.sections for step in section.steps)


def value(array: np.ndarray | float) -> Value:
    """A float, or nested tuples of floats mirroring the array's shape."""
    import numpy as np

    a = np.asarray(array, dtype=float)
    return float(a) if a.ndim == 0 else tuple(value(row) for row in a)


def _fmt(array: np.ndarray | float) -> str:
    """For reading: rounding noise such as 3e-18 (for an exact 0) is shown as 0."""
    import numpy as np

    return format_value(value(np.round(array, 12)))


def _num(x: SupportsFloat) -> str:
    return format_number(round(float(x), 12))


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def sub(i: int) -> str:
    return str(i).translate(_SUBSCRIPTS)


def sup(layer: int) -> str:
    return f"⁽{str(layer).translate(_SUPERSCRIPTS)}⁾"


def solve(spec: NetworkSpec) -> Solved:
    """Train `spec` with the engine and explain every number it produced."""
    from gradeck.engine.network import train

    training = train(spec)
    sections = (
        Section("Forward pass", tuple(_forward_steps(training))),
        Section("Loss", (_loss_step(training),)),
        Section("Backward pass", tuple(_backward_steps(training))),
        Section("Update", tuple(_update_steps(training))),
    )
    return Solved(training, sections, _tables(training), results(training))


def results(training: Training) -> dict[str, Value]:
    """The flat mapping described in the module docstring."""
    out: dict[str, Value] = {
        "loss": training.loss,
        "losses": tuple(training.losses),
        "output": value(training.output),
    }
    for i, (grad, new, trace) in enumerate(
        zip(training.grads, training.updated, training.trace, strict=True)
    ):
        out[f"grad.layers[{i}].weights"] = value(grad.weights)
        out[f"grad.layers[{i}].bias"] = value(grad.bias)
        out[f"updated.layers[{i}].weights"] = value(new.weights)
        out[f"updated.layers[{i}].bias"] = value(new.bias)
        out[f"z.layers[{i}]"] = value(trace.z)
        out[f"a.layers[{i}]"] = value(trace.a)
        out[f"delta.layers[{i}]"] = value(trace.delta)
    return out


# -- forward -------------------------------------------------------------------------------------


def _forward_steps(training: Training) -> list[Step]:
    steps = []
    for n, (layer, trace) in enumerate(zip(training.spec.layers, training.trace, strict=True), 1):
        previous = "x" if n == 1 else f"a{sup(n - 1)}"
        if trace.input.ndim == 1:
            formula = f"z{sup(n)} = W{sup(n)} {previous} + b{sup(n)}"
            working = _weighted_sums(layer.weights, layer.bias, trace.input, trace.z)
        else:
            formula = f"Z{sup(n)} = {previous.upper()} W{sup(n)}ᵀ + b{sup(n)}  (one row per sample)"
            working = f"Z{sup(n)} = {_fmt(trace.z)}"
        steps.append(Step(f"Layer {n}: weighted sums", formula, working))
        rule, _ = ACTIVATION_TEXT[layer.activation]
        steps.append(
            Step(
                f"Layer {n}: activation ({layer.activation})", rule, f"a{sup(n)} = {_fmt(trace.a)}"
            )
        )
    return steps


def _weighted_sums(w: np.ndarray, b: np.ndarray, x: np.ndarray, z: np.ndarray) -> str:
    if w.shape[1] + 1 > MAX_EXPANDED_TERMS:
        return f"z = {_fmt(z)}"
    lines = []
    for j in range(w.shape[0]):
        terms = [f"{_num(w[j, k])}·{_num(x[k])}" for k in range(w.shape[1])]
        terms.append(_num(b[j]))
        lines.append(f"z{sub(j + 1)} = {' + '.join(terms)} = {_num(z[j])}")
    return "\n".join(lines)


# -- loss ----------------------------------------------------------------------------------------


def _loss_step(training: Training) -> Step:
    import numpy as np

    spec = training.spec
    formula, _ = LOSS_TEXT[spec.loss]
    y, out = np.asarray(spec.target, dtype=float), training.output
    if spec.loss == "mse" and out.size <= MAX_EXPANDED_TERMS:
        terms = " + ".join(
            f"({_num(a)} − {_num(t)})²" for a, t in zip(out.ravel(), y.ravel(), strict=True)
        )
        working = f"L = ({terms}) / {out.size} = {_num(training.loss)}"
    elif spec.loss == "cross_entropy":
        probabilities = _recorded_softmax(training)
        working = f"softmax(ŷ) = {_fmt(probabilities)}\nL = {_num(training.loss)}"
    else:
        working = f"ŷ = {_fmt(out)}, y = {_fmt(y)}\nL = {_num(training.loss)}"
    if spec.loss == "cross_entropy" and spec.layers[-1].activation == "softmax":
        working += (
            "\nNote: cross_entropy applies softmax itself, so the softmax layer before it makes"
            " softmax apply twice (torch's nn.CrossEntropyLoss does the same): give it logits."
        )
    return Step(f"Loss ({spec.loss})", formula, working)


def _recorded_softmax(training: Training) -> np.ndarray:
    """The probabilities the loss computed, read back from its recorded log-softmax node."""
    node = next(n for n in training.loss_node.nodes() if n.op == "log_softmax")
    return node.local[0]


# -- backward ------------------------------------------------------------------------------------


def _backward_steps(training: Training) -> list[Step]:
    spec = training.spec
    last = len(spec.layers)
    _, grad_formula = LOSS_TEXT[spec.loss]
    out_grad = training.trace[-1].grad_a
    steps = [
        Step(
            "Gradient of the loss with respect to the output",
            grad_formula,
            f"∂L/∂ŷ = {_fmt(out_grad)}",
        )
    ]
    for n in range(last, 0, -1):
        trace = training.trace[n - 1]
        layer = spec.layers[n - 1]
        if n < last:
            upper = spec.layers[n]
            formula = f"∂L/∂a{sup(n)} = W{sup(n + 1)}ᵀ δ{sup(n + 1)}"
            if trace.delta.ndim == 2:
                formula = f"∂L/∂A{sup(n)} = Δ{sup(n + 1)} W{sup(n + 1)}  (one row per sample)"
            working = f"W{sup(n + 1)} = {_fmt(upper.weights)}, ∂L/∂a{sup(n)} = {_fmt(trace.grad_a)}"
            steps.append(Step(f"Layer {n}: gradient reaching its output", formula, working))
        steps.append(_delta_step(n, layer.activation, trace))
        steps.append(_param_grad_step(n, training))
    return steps


def _delta_step(n: int, activation: str, trace: LayerTrace) -> Step:
    _, derivative_rule = ACTIVATION_TEXT[activation]
    if trace.derivative is None or activation == "linear":
        formula = f"δ{sup(n)} = ∂L/∂z{sup(n)};  {derivative_rule}"
        working = f"δ{sup(n)} = {_fmt(trace.delta)}"
    else:
        formula = f"δ{sup(n)} = ∂L/∂a{sup(n)} ⊙ f′(z{sup(n)});  {derivative_rule}"
        working = (
            f"f′(z{sup(n)}) = {_fmt(trace.derivative)}\n"
            f"δ{sup(n)} = {_fmt(trace.grad_a)} ⊙ {_fmt(trace.derivative)} = {_fmt(trace.delta)}"
        )
    return Step(f"Layer {n}: error signal δ = ∂L/∂z", formula, working)


def _param_grad_step(n: int, training: Training) -> Step:
    trace, grads = training.trace[n - 1], training.grads[n - 1]
    previous = "x" if n == 1 else f"a{sup(n - 1)}"
    if trace.delta.ndim == 1:
        formula = (
            f"∂L/∂W{sup(n)} = δ{sup(n)} {previous}ᵀ (outer product);  ∂L/∂b{sup(n)} = δ{sup(n)}"
        )
    else:
        formula = (
            f"∂L/∂W{sup(n)} = Δ{sup(n)}ᵀ {previous.upper()} (summed over samples);  "
            f"∂L/∂b{sup(n)} = ∑ rows of Δ{sup(n)}"
        )
    working = f"∂L/∂W{sup(n)} = {_fmt(grads.weights)}\n∂L/∂b{sup(n)} = {_fmt(grads.bias)}"
    return Step(f"Layer {n}: gradients of its weights and bias", formula, working)


# -- update --------------------------------------------------------------------------------------


def _update_rule(training: Training) -> str:
    o = training.spec.optimizer
    rule = UPDATE_TEXT[o.name]
    if o.name == "sgd" and o.momentum:
        rule = UPDATE_TEXT["sgd_nesterov" if o.nesterov else "sgd_momentum"]
    if training.optimizer.weight_decay and o.name != "adamw":
        rule = f"g = ∂L/∂w + λw (weight decay);  {rule}"
    return rule


def _settings(training: Training) -> str:
    o, run = training.spec.optimizer, training.optimizer
    decay = run.weight_decay
    # A setting the spec left out is torch's default, and says so.
    parts = [("default " if o.lr is None else "") + f"η = {format_number(run.lr)}"]
    if o.name == "sgd" and o.momentum:
        parts.append(f"μ = {format_number(o.momentum)}")
    if o.name == "rmsprop":
        parts.append(f"α = {format_number(o.alpha)}, ε = {format_number(o.eps)}")
    if o.name in ("adam", "adamw"):
        b1, b2 = o.betas
        parts.append(f"β₁ = {format_number(b1)}, β₂ = {format_number(b2)}, ε = {o.eps:g}")
    if decay:
        parts.append(("default " if o.weight_decay is None else "") + f"λ = {format_number(decay)}")
    return ", ".join(parts)


def _update_steps(training: Training) -> list[Step]:
    steps = [
        Step(
            f"Optimizer: {training.spec.optimizer.name} ({_settings(training)})",
            _update_rule(training),
        )
    ]
    first = training.history[0]
    for n in range(1, len(training.spec.layers) + 1):
        for name, record in ((f"W{sup(n)}", first[2 * n - 2]), (f"b{sup(n)}", first[2 * n - 1])):
            if record is not None:
                steps.append(_param_update_step(name, record))
    n = training.spec.steps
    losses = ", ".join(_shortened([_num(x) for x in training.losses]))
    text = "Loss before each step and after the last" if n > 1 else "Loss before and after"
    tail = f"Steps 2 to {n} repeat step 1 from the new parameters." if n > 1 else ""
    steps.append(Step(text, tail, f"L: {losses}"))
    return steps


def _param_update_step(name: str, record: ParamStep) -> Step:
    lines = [
        f"{STATE_NAMES.get(key, key)} = {_fmt(array)}"
        for key, array in record.state.items()
        if key != "g" or array is not record.grad  # g shown only when weight decay changed it
    ]
    lines.append(f"{name} ← {_fmt(record.before)} − {_fmt(record.update)} = {_fmt(record.after)}")
    return Step(f"Step 1: update {name}", f"∂L/∂{name} = {_fmt(record.grad)}", "\n".join(lines))


def _shortened(losses: list[str], head: int = 10, tail: int = 5) -> list[str]:
    if len(losses) <= head + tail:
        return list(losses)
    return [*losses[:head], "…", *losses[-tail:]]


# -- tables --------------------------------------------------------------------------------------


def _tables(training: Training) -> tuple[Table, ...]:
    """Per layer: each weight and bias at the start, its gradient, and its value at the end."""
    import numpy as np

    tables = []
    after = "after 1 step" if training.spec.steps == 1 else f"after {training.spec.steps} steps"
    for n, (layer, grad, new) in enumerate(
        zip(training.spec.layers, training.grads, training.updated, strict=True), 1
    ):
        labels, rows = [], []
        for j, k in np.ndindex(layer.weights.shape):
            labels.append(f"w{sub(j + 1)}{sub(k + 1)}")
            trio = (layer.weights[j, k], grad.weights[j, k], new.weights[j, k])
            rows.append(tuple(_num(x) for x in trio))
        for j, b in enumerate(layer.bias):
            labels.append(f"b{sub(j + 1)}")
            rows.append((_num(b), _num(grad.bias[j]), _num(new.bias[j])))
        tables.append(
            Table(
                f"Layer {n} ({layer.weights.shape[0]} × {layer.weights.shape[1]} weights, "
                "w_jk joins input k to unit j)",
                tuple(rows),
                tuple(labels),
                ("start", "∂L/∂·", after),
            )
        )
    return tuple(tables)
