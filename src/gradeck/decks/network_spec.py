"""Read a network spec (the YAML of `gradeck solve`, docs/solve-format.md) into a NetworkSpec.

    load_spec(path) -> NetworkSpec
    read_spec(data, path, number=None) -> NetworkSpec

`data` is the located YAML (`gradeck.decks.source.load_file`: LocDict/LocList with positions);
`path` names the file in messages. Every problem is collected and raised together as a
`ProblemsError` of `path:line:col` problems: unknown keys (with a did-you-mean), values of the
wrong kind, names that are not an activation/loss/optimizer, sizes over the limits, and the
engine's own consistency checks (`gradeck.engine.network.check`: shapes, naming both, targets,
optimizer settings) placed at the key they concern.

Parts that could not be read do not hide the rest: the shapes of every layer whose numbers were
read are still checked (each against the layer before, when that one's size is known), and so
are the optimizer settings, which depend on no layer.

`number(value) -> float` turns each numeric leaf into a float and raises ValueError with a
message when it cannot. The default accepts YAML numbers, and also a float literal with an
exponent that YAML 1.1 reads as text (`1e-3`, `1.0e300`: YAML wants a dot and a signed
exponent), parsed strictly by `float_text`; a template can pass a hook that also resolves its
variables (e.g. "{w1}"), so the same reader and the same checks serve both.
Whole-number settings (steps, class indices) go through the hook too and are then checked to be
whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradeck.decks.checker import kind
from gradeck.decks.source import LocDict, LocList, Pos, load_file
from gradeck.problems import Problem, ProblemsError
from gradeck.text import did_you_mean

if TYPE_CHECKING:
    import numpy as np

    from gradeck.engine.network import LayerShapes, LayerSpec, NetworkSpec, OptimizerSpec

Number = Callable[[Any], float]

SPEC_KEYS = ("input", "target", "layers", "loss", "optimizer", "steps")
LAYER_KEYS = ("weights", "bias", "activation")
OPTIMIZER_KEYS = (
    "name",
    "lr",
    "momentum",
    "dampening",
    "nesterov",
    "weight_decay",
    "betas",
    "eps",
    "alpha",
    "centered",
)
DIVIDING = ("rmsprop", "adam", "adamw")  # optimizers whose update divides by √v + eps
MAX_SIZE = 64  # samples in a batch, inputs per sample, units per layer
MAX_LAYERS = 16
MAX_STEPS = 1000
MAX_MAGNITUDE = 1e6

# A float literal with an exponent, as YAML 1.1 leaves it as text when the dot or the exponent's
# sign is missing (1e-3, 1.0e300, 2E5); nothing else (no expressions, names, inf or nan).
_FLOAT_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d{1,4}")


def float_text(value: str) -> float | None:
    """The float `value` spells when it is such a literal, else None."""
    text = value.strip()
    return float(text) if _FLOAT_TEXT.fullmatch(text) else None


def show(x: float) -> str:
    """A number for a message: whole numbers in full (1000000, not 1e+06)."""
    return str(int(x)) if x.is_integer() else f"{x:g}"


def plain_number(value: Any) -> float:
    """The default hook: a YAML number, or a float literal that YAML 1.1 read as text."""
    if isinstance(value, str) and (x := float_text(value)) is not None:
        return x
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"must be a number, not {kind(value)}")
    return float(value)


def load_spec(path: Path) -> NetworkSpec:
    return read_spec(load_file(path), str(path))


def read_spec(data: Any, path: str, number: Number | None = None) -> NetworkSpec:
    """The NetworkSpec `data` describes, or a ProblemsError listing everything wrong."""
    return _Reader(path, number or plain_number).spec(data)


class _Reader:
    def __init__(self, path: str, number: Number) -> None:
        self.path = path
        self.number_hook = number
        self.problems: list[Problem] = []

    def error(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.path, pos[0], pos[1], message))

    def known_keys(self, mapping: LocDict, allowed: tuple[str, ...], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed)
                self.error(mapping.key_pos[key], f"unknown key {key!r} in {where}{hint}")

    # -- leaves ---------------------------------------------------------------------------------

    def number(self, value: Any, pos: Pos, what: str) -> float | None:
        try:
            x = float(self.number_hook(value))
        except OverflowError:
            x = math.inf
        except (ValueError, TypeError) as exc:
            self.error(pos, f"{what} {exc}")
            return None
        if not math.isfinite(x) or abs(x) > MAX_MAGNITUDE:
            limit = show(MAX_MAGNITUDE)
            self.error(pos, f"{what} must be a finite number of at most {limit} in size")
            return None
        return x

    def whole(self, value: Any, pos: Pos, what: str, low: int, high: int) -> int | None:
        x = self.number(value, pos, what)
        if x is None:
            return None
        if not x.is_integer() or not low <= x <= high:
            self.error(pos, f"{what} must be a whole number from {low} to {high}, not {show(x)}")
            return None
        return int(x)

    def flag(self, mapping: LocDict, key: str) -> bool:
        value = mapping.get(key, False)
        if not isinstance(value, bool):
            self.error(mapping.at(key), f"{key} must be true or false, not {kind(value)}")
            return False
        return value

    def name(
        self, mapping: LocDict, key: str, choices: tuple[str, ...], default: str, what: str = ""
    ) -> str:
        """mapping[key], one of `choices` (`what` names it in messages; default: the key)."""
        what = what or key
        value = mapping.get(key, default)
        if not isinstance(value, str):
            self.error(mapping.at(key), f"{what} must be a name, not {kind(value)}")
            return default
        if value not in choices:
            hint = did_you_mean(value, choices) or f" (expected {', '.join(choices)})"
            self.error(mapping.at(key), f"unknown {what} {value!r}{hint}")
            return default
        return value

    def array(self, value: Any, pos: Pos, what: str, max_depth: int = 2) -> np.ndarray | None:
        """A number, a list of numbers or a list of equally long lists, as a float array."""
        import numpy as np

        if not isinstance(value, LocList):
            x = self.number(value, pos, what)
            return None if x is None else np.array(x)
        if not value or len(value) > MAX_SIZE:
            self.error(pos, f"{what} must have 1 to {MAX_SIZE} entries, not {len(value)}")
            return None
        if isinstance(value[0], LocList):
            if max_depth < 2:
                self.error(pos, f"{what} must be a list of numbers, not a list of lists")
                return None
            rows = [
                self.row(item, value.at(i), f"{what} row {i + 1}") for i, item in enumerate(value)
            ]
            if any(r is None for r in rows):
                return None
            widths = {len(r) for r in rows}
            if len(widths) > 1:
                lengths = ", ".join(str(len(r)) for r in rows)
                self.error(pos, f"{what} rows differ in length ({lengths})")
                return None
            return np.array(rows)
        row = self.row(value, pos, what)
        return None if row is None else np.array(row)

    def row(self, value: Any, pos: Pos, what: str) -> list[float] | None:
        if not isinstance(value, LocList):
            self.error(pos, f"{what} must be a list of numbers, not {kind(value)}")
            return None
        if not value or len(value) > MAX_SIZE:
            self.error(pos, f"{what} must have 1 to {MAX_SIZE} numbers, not {len(value)}")
            return None
        numbers = [
            self.number(x, value.at(i), f"{what} entry {i + 1}") for i, x in enumerate(value)
        ]
        return None if any(x is None for x in numbers) else numbers  # type: ignore[return-value]

    # -- structure ------------------------------------------------------------------------------

    def spec(self, data: Any) -> NetworkSpec:
        from gradeck.engine.functional import LOSSES
        from gradeck.engine.network import (
            NetworkSpec,
            check,
            layer_shape_problems,
            optimizer_problems,
        )

        if not isinstance(data, LocDict):
            self.error(getattr(data, "pos", (1, 1)), f"a spec must be a mapping, not {kind(data)}")
            raise ProblemsError(self.problems)
        self.known_keys(data, SPEC_KEYS, "the spec")
        for key in ("input", "target", "layers"):
            if key not in data:
                self.error(data.pos, f"the spec is missing required key {key!r}")
        x = self.array(data["input"], data.at("input"), "input") if "input" in data else None
        target = None
        if "target" in data:
            target = self.array(data["target"], data.at("target"), "target")
        loss = self.name(data, "loss", LOSSES, "mse")
        steps = 1
        if "steps" in data:
            steps = self.whole(data["steps"], data.at("steps"), "steps", 1, MAX_STEPS) or 1
        read = self.layers(data["layers"], data.at("layers")) if "layers" in data else []
        layers = [layer for layer, _ in read]
        optimizer = self.optimizer(data.get("optimizer", "sgd"), data.at("optimizer"))
        # The engine's checks run even when other problems (a misspelt key, a bad name, a word
        # for a number) were found, so that one run reports everything: all of them when every
        # part was read, else those that need only the parts that were.
        spec = None
        if x is not None and target is not None and layers and None not in layers:
            spec = NetworkSpec(x, target, layers, loss, optimizer, steps)  # type: ignore[arg-type]
            found = check(spec)
        else:
            width = x.shape[-1] if x is not None and x.ndim in (1, 2) else None
            shapes = [shape for _, shape in read]
            found = layer_shape_problems(shapes, width) + optimizer_problems(optimizer)
        for where, message in found:
            self.error(_position(data, where), message)
        if spec is None or self.problems:
            raise ProblemsError(self.problems)
        return spec

    def layers(self, value: Any, pos: Pos) -> list[tuple[LayerSpec | None, LayerShapes]]:
        """Each layer (None if it could not be read) with the shapes of the parts that could."""
        if not isinstance(value, LocList):
            self.error(pos, f"layers must be a list, not {kind(value)}")
            return []
        if not value or len(value) > MAX_LAYERS:
            self.error(pos, f"layers must list 1 to {MAX_LAYERS} layers, not {len(value)}")
            return []
        return [self.layer(item, value.at(i), f"layer {i + 1}") for i, item in enumerate(value)]

    def layer(self, item: Any, pos: Pos, where: str) -> tuple[LayerSpec | None, LayerShapes]:
        import numpy as np

        from gradeck.engine.functional import ACTIVATIONS
        from gradeck.engine.network import LayerSpec

        if not isinstance(item, LocDict):
            self.error(pos, f"{where} must be a mapping, not {kind(item)}")
            return None, (None, None)
        self.known_keys(item, LAYER_KEYS, where)
        activation = self.name(item, "activation", ACTIVATIONS, "linear")
        w = None
        if "weights" not in item:
            self.error(item.pos, f"{where} is missing required key 'weights'")
        else:
            w = self.array(item["weights"], item.at("weights"), f"{where} weights")
            if w is not None and w.ndim != 2:
                self.error(item.at("weights"), f"{where} weights must be a list of rows (out, in)")
                w = None
        if "bias" in item:
            b = self.array(item["bias"], item.at("bias"), f"{where} bias", max_depth=1)
        else:
            b = None if w is None else np.zeros(w.shape[0])
        shapes = (None if w is None else w.shape, None if b is None else b.shape)
        layer = None if w is None or b is None else LayerSpec(w, b, activation)
        return layer, shapes

    def optimizer(self, value: Any, pos: Pos) -> OptimizerSpec:
        from gradeck.engine.network import OptimizerSpec
        from gradeck.engine.optim import OPTIMIZERS

        if isinstance(value, str):
            mapping = LocDict()
            mapping.pos = pos
            mapping["name"] = value
            mapping.value_pos["name"] = pos
            value = mapping
        if not isinstance(value, LocDict):
            self.error(pos, f"optimizer must be a name or a mapping, not {kind(value)}")
            return OptimizerSpec()
        self.known_keys(value, OPTIMIZER_KEYS, "optimizer")
        settings: dict[str, Any] = {
            "name": self.name(value, "name", OPTIMIZERS, "sgd", "optimizer")
        }
        for key in ("lr", "momentum", "dampening", "weight_decay", "eps", "alpha"):
            if key in value:
                settings[key] = self.number(value[key], value.at(key), key)
        for key in ("nesterov", "centered"):
            settings[key] = self.flag(value, key)
        if settings.get("eps") == 0 and settings["name"] in DIVIDING:
            self.error(
                value.at("eps"),
                f"eps 0: {settings['name']} divides by √v + eps, so a weight whose gradient is 0 "
                "gets 0/0 = NaN; use a small eps such as 1e-8",
            )
        if "betas" in value:
            betas = value["betas"]
            if isinstance(betas, LocList) and len(betas) == 2:
                pair = [
                    self.number(b, betas.at(i), f"betas entry {i + 1}") for i, b in enumerate(betas)
                ]
                if None not in pair:
                    settings["betas"] = tuple(pair)
            else:
                self.error(value.at("betas"), "betas must be a list of two numbers [β₁, β₂]")
        return OptimizerSpec(**{k: v for k, v in settings.items() if v is not None})


def _position(data: LocDict, path: tuple[str | int, ...]) -> Pos:
    """Where the value at `path` (keys and list indices) is, or the nearest enclosing value."""
    node: Any = data
    pos = data.pos
    for key in path:
        if (isinstance(node, LocDict) and key in node) or (
            isinstance(node, LocList) and isinstance(key, int) and 0 <= key < len(node)
        ):
            pos, node = node.at(key), node[key]
        else:
            break
    return pos
