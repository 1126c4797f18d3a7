"""`gradeck solve SPEC.yaml [--json]`: a small network worked through, to check homework by.

Plain output is the worked solution (forward pass, loss, backward pass, update) and a table of
every parameter at the start, its gradient and its value at the end, in 80 columns. `--json`
prints one object: loss, output, losses and, per layer, grad_weights, grad_bias, weights, bias
(after all steps); a number that overflowed during training is null.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from gradeck.errors import GradeckError


def run_solve(args: argparse.Namespace) -> int:
    from gradeck.decks.network_spec import load_spec
    from gradeck.exercises.solve import solve

    path = Path(args.spec)
    if not path.exists():
        raise GradeckError(f"cannot read {args.spec}: no such file")
    solved = solve(load_spec(path))
    print(_json(solved) if args.json else _plain(solved))
    return 0


def _finite(value: Any) -> Any:
    """JSON-ready: tuples to lists, inf and nan to null."""
    if isinstance(value, tuple):
        return [_finite(v) for v in value]
    return value if math.isfinite(value) else None


def _json(solved: Any) -> str:
    r = solved.results
    layers = [
        {
            "grad_weights": _finite(r[f"grad.layers[{i}].weights"]),
            "grad_bias": _finite(r[f"grad.layers[{i}].bias"]),
            "weights": _finite(r[f"updated.layers[{i}].weights"]),
            "bias": _finite(r[f"updated.layers[{i}].bias"]),
        }
        for i in range(len(solved.training.spec.layers))
    ]
    document = {
        "loss": _finite(r["loss"]),
        "output": _finite(r["output"]),
        "losses": _finite(r["losses"]),
        "layers": layers,
    }
    return json.dumps(document, indent=2, allow_nan=False)


def _plain(solved: Any) -> str:
    from gradeck.exercises.render import (
        format_number,
        format_value,
        render_network,
        render_step,
        render_table,
        wrap,
    )

    training = solved.training
    spec = training.spec
    widths = (spec.input.shape[-1], *(layer.weights.shape[0] for layer in spec.layers))
    batch = "one sample" if spec.input.ndim == 1 else f"a batch of {spec.input.shape[0]} samples"
    steps = "1 step" if spec.steps == 1 else f"{spec.steps} steps"
    blocks = [
        render_network(widths),
        wrap(f"Input: {batch}. Loss: {spec.loss}. Optimizer: {spec.optimizer.name}, {steps}."),
    ]
    number = 1
    for section in solved.sections:
        lines = [section.title]
        for step in section.steps:
            lines.append(render_step(step, number))
            number += 1
        blocks.append("\n".join(lines))
    blocks.extend(render_table(table) for table in solved.tables)
    summary = (
        f"Output ŷ = {format_value(solved.results['output'])}\n"
        f"Loss L = {format_number(training.loss)} before the update, "
        f"{format_number(training.losses[-1])} after {steps}"
    )
    if not all(math.isfinite(x) for x in training.losses):
        summary += "\nThe loss overflowed: training diverged; try a smaller learning rate."
    blocks.append(wrap(summary, hang="  "))
    return "\n\n".join(blocks)
