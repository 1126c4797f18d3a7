"""The network of an exercise template: which results exist, and solving it for one draw.

A template's network is written in the `gradeck solve` format with variables in place of numbers.
The deck reader (`gradeck.decks.templates`) checks it once and hands over a `NetworkPlan`: the
network's shape, so that answer references such as `grad.layers[0].weights[1][0]` can be checked
without running anything, and a `build` function that turns one draw's values into an engine
`NetworkSpec` (through the same spec reader `gradeck solve` uses). Solving is then
`gradeck.exercises.solve`, so the worked solution is the engine's own record of the computation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gradeck.exercises.families._draw import finite
from gradeck.exercises.model import Step, Table, Value
from gradeck.exercises.render import format_number
from gradeck.exercises.template_base import Ref, Rejected

if TYPE_CHECKING:
    from gradeck.engine.network import NetworkSpec

# What a network run costs, in the expression-node units that bound a template's sampling
# (measured: a 2-2-1 network's one step costs about as much as 1200 expression nodes).
RUN_COST, STEP_COST = 1000, 300


@dataclass(frozen=True)
class NetworkPlan:
    """A template's network: its shape, and how to build the engine's spec from a draw.

    `build(env)` raises ValueError, with a message, when the drawn numbers make no valid network
    (say a bce target outside 0..1).
    """

    input_shape: tuple[int, ...]  # (in,) for one sample, (batch, in) for a batch
    layers: tuple[tuple[int, int], ...]  # (out, in) of each layer's weights
    steps: int  # the fewest steps a draw can ask for: `losses` has at least steps + 1 values
    build: Callable[[Mapping[str, Any]], NetworkSpec]
    max_steps: int = 0  # the most steps a draw can ask for (0: as `steps`)

    @property
    def cost(self) -> int:
        """The work of one run in the worst case over the declared values."""
        return RUN_COST + STEP_COST * max(self.steps, self.max_steps)

    @property
    def output_shape(self) -> tuple[int, ...]:
        return (*self.input_shape[:-1], self.layers[-1][0])

    @property
    def widths(self) -> tuple[int, ...]:
        return (self.input_shape[-1], *(out for out, _ in self.layers))

    def dims(self, ref: Ref) -> int:
        """How many indices a reference leaves unused: 0 for one number, 1 for a vector..."""
        if ref.root == "loss":
            return 0
        if ref.root == "losses":
            return 1 - len(ref.path)
        if ref.root == "output":
            return len(self.output_shape) - len(ref.path)
        return (2 if ref.path[2] == "weights" else 1) - len(ref.path[3:])

    def check_ref(self, ref: Ref) -> str:
        """Why `ref` names no result of this network ('' when it names one)."""
        if ref.root == "loss":
            return f"{ref.text!r}: 'loss' is one number" if ref.path else ""
        if ref.root == "losses":
            return _indices(ref, ref.path, (self.steps + 1,), "losses (one per step, and after)")
        if ref.root == "output":
            return _indices(ref, ref.path, self.output_shape, "the output")
        path = ref.path
        if len(path) < 3 or path[0] != "layers" or not isinstance(path[1], int):
            return (
                f"{ref.text!r}: write {ref.root}.layers[L].weights[i][j] or "
                f"{ref.root}.layers[L].bias[i]"
            )
        layer, kind = path[1], path[2]
        if layer >= len(self.layers):
            count = len(self.layers)
            return f"{ref.text!r}: the network has {count} layer(s), numbered 0 to {count - 1}"
        if kind not in ("weights", "bias"):
            return f"{ref.text!r}: a layer has 'weights' and 'bias', not {kind!r}"
        out, inputs = self.layers[layer]
        shape = (out, inputs) if kind == "weights" else (out,)
        return _indices(ref, path[3:], shape, f"layer {layer}'s {kind}")


def _indices(ref: Ref, path: tuple[str | int, ...], shape: tuple[int, ...], what: str) -> str:
    if len(path) > len(shape) or not all(isinstance(i, int) for i in path):
        dims = " × ".join(str(n) for n in shape)
        return f"{ref.text!r}: {what} is {dims}; use at most {len(shape)} index(es)"
    for index, size in zip(path, shape, strict=False):
        if not 0 <= int(index) < size:
            return f"{ref.text!r}: index {index} is out of range: {what} has {size}, from 0"
    return ""


@dataclass(frozen=True)
class SolvedNetwork:
    results: dict[str, Any]  # nested as the references read: results["grad"]["layers"][0]...
    steps: tuple[Step, ...]
    widths: tuple[int, ...]
    tables: tuple[Table, ...]


def solve_network(plan: NetworkPlan, env: Mapping[str, Any]) -> SolvedNetwork:
    """The engine's solution for these values; Rejected when they give no usable network."""
    from gradeck.exercises.solve import solve

    try:
        spec = plan.build(env)
    except ValueError as exc:
        raise Rejected(("network",), f"the network for this draw: {exc}") from None
    solved = solve(spec)
    if not finite(tuple(solved.results.values())):
        raise Rejected(("network",), "the network's numbers overflow for this draw")
    return SolvedNetwork(nest(solved.results), solved.steps, plan.widths, _given(spec))


def nest(flat: Mapping[str, Value]) -> dict[str, Any]:
    """The solver's flat results ("grad.layers[0].weights") as the nested mapping references
    walk: {"grad": {"layers": [{"weights": ..., "bias": ...}]}, ...}."""
    out: dict[str, Any] = {key: flat[key] for key in ("loss", "losses", "output")}
    count = sum(1 for key in flat if key.startswith("grad.layers[") and key.endswith("].weights"))
    for root in ("grad", "updated"):
        out[root] = {
            "layers": [
                {kind: flat[f"{root}.layers[{i}].{kind}"] for kind in ("weights", "bias")}
                for i in range(count)
            ]
        }
    return out


def _given(spec: NetworkSpec) -> tuple[Table, ...]:
    """What the learner is given: the data, then each layer's weights and bias."""
    import numpy as np

    x, y = np.atleast_2d(spec.input), np.atleast_2d(spec.target)
    data_rows = [tuple(format_number(v) for v in row) for row in (*x, *y)]
    labels = [f"x{_n(i, len(x))}" for i in range(len(x))] + [
        f"y{_n(i, len(y))}" for i in range(len(y))
    ]
    tables = [Table("Input and target", tuple(data_rows), tuple(labels))]
    for n, layer in enumerate(spec.layers, 1):
        inputs = layer.weights.shape[1]
        rows = tuple(
            (*(format_number(w) for w in layer.weights[j]), format_number(layer.bias[j]))
            for j in range(layer.weights.shape[0])
        )
        tables.append(
            Table(
                f"Layer {n} ({layer.activation}): weights W (one row per unit) and bias b",
                rows,
                tuple(f"unit {j + 1}" for j in range(len(rows))),
                (*(f"in {k + 1}" for k in range(inputs)), "b"),
            )
        )
    return tuple(tables)


def _n(index: int, count: int) -> str:
    """A sample's number in a label, only when there are several samples."""
    return f"[{index + 1}]" if count > 1 else ""
