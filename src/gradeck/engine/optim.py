"""Optimizers with torch.optim's formulas and defaults, keeping a record of every step.

Each `step()` appends to `history` one tuple per step, holding for every parameter a `ParamStep`
(None for a parameter without a gradient): the value before, the gradient, the optimizer's
intermediate quantities by name, the update and the value after (after = before − update). Worked
solutions are rendered from these records, so they show exactly what the answer came from.

Formulas (g is the gradient, plus λw when weight_decay λ is set, except in AdamW):

- SGD: with momentum μ, b = g on the first step, then b = μb + (1 − dampening)g; Nesterov uses
  g + μb, plain momentum b; w ← w − η·(that). Without momentum, w ← w − ηg.
- RMSprop: v = αv + (1 − α)g²; w ← w − η g / (√v + ε) (centered: √(v − ḡ²) with ḡ = αḡ + (1 − α)g;
  with momentum μ: b = μb + g/(√v + ε), w ← w − ηb).
- Adam: m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ),
  w ← w − η m̂/(√v̂ + ε).
- AdamW: w ← w(1 − ηλ) first (decoupled decay, λ = 0.01 by default), then Adam's step without λ.

State names in `ParamStep.state`: "g" (the gradient used, after weight decay), and "buf" (SGD,
RMSprop momentum), "square_avg", "grad_avg", "avg" (RMSprop), "m", "v", "m_hat", "v_hat" (Adam).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradeck.engine.tensor import Tensor

OPTIMIZERS = ("sgd", "rmsprop", "adam", "adamw")


@dataclass(frozen=True)
class ParamStep:
    """What one step did to one parameter: after = before − update."""

    before: np.ndarray
    grad: np.ndarray
    update: np.ndarray
    after: np.ndarray
    state: dict[str, np.ndarray] = field(default_factory=dict)


def setting_problems(
    lr: float,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    alpha: float = 0.99,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> list[tuple[str, str]]:
    """Settings torch.optim would refuse, as (setting name, message); empty when all are fine."""
    problems = []
    for name, value in (
        ("lr", lr),
        ("weight_decay", weight_decay),
        ("momentum", momentum),
        ("eps", eps),
    ):
        if value < 0:
            problems.append((name, f"{name} must be at least 0, not {value:g}"))
    if nesterov and (momentum <= 0 or dampening != 0):
        problems.append(("nesterov", "Nesterov momentum needs momentum > 0 and dampening 0"))
    if not 0.0 <= alpha <= 1.0:
        problems.append(("alpha", f"alpha must be between 0 and 1, not {alpha:g}"))
    if not all(0.0 <= b < 1.0 for b in betas):
        problems.append(("betas", "betas must each be at least 0 and below 1"))
    return problems


class Optimizer:
    """Holds the parameters, per-parameter state, and the history of steps."""

    def __init__(
        self, params: Iterable[Tensor], lr: float, weight_decay: float, **settings: Any
    ) -> None:
        # Refused as torch.optim refuses them; `settings` are the subclass's own (setting_problems).
        problems = setting_problems(lr, weight_decay, **settings)
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        self.params = list(params)
        self.lr = lr
        self.weight_decay = weight_decay
        self.state: list[dict[str, np.ndarray | int]] = [{} for _ in self.params]
        self.history: list[tuple[ParamStep | None, ...]] = []

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        records: list[ParamStep | None] = []
        for p, state in zip(self.params, self.state, strict=True):
            if p.grad is None:
                records.append(None)
                continue
            state["step"] = int(state.get("step", 0)) + 1
            seen: dict[str, np.ndarray] = {}
            before = p.data
            if before.size == 1 and before.ndim:
                # One weight (the exercises' usual case): the same formulas on numpy float64
                # scalars, the same IEEE operations in the same order, so the same bits, at a
                # tenth of the cost of one-element arrays; the records are arrays again, rows
                # of one array made at once.
                w = before.reshape(-1)[0]
                update = self._update(w, p.grad.reshape(-1)[0], state, seen)
                rows = np.array([w - update, update, *seen.values()], dtype=np.float64)
                after, update, *values = rows.reshape(-1, *before.shape)
                seen = dict(zip(seen, values, strict=True))
            else:
                update = self._update(before, p.grad, state, seen)
                after = before - update
            p.data = after
            records.append(ParamStep(before, p.grad, update, after, seen))
        self.history.append(tuple(records))

    def _decayed(self, w: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return grad + self.weight_decay * w if self.weight_decay else grad

    def _update(self, w: np.ndarray, grad: np.ndarray, state: dict, seen: dict) -> np.ndarray:
        raise NotImplementedError


class SGD(Optimizer):
    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(
            params, lr, weight_decay, momentum=momentum, dampening=dampening, nesterov=nesterov
        )
        self.momentum, self.dampening, self.nesterov = momentum, dampening, nesterov

    def _update(self, w: np.ndarray, grad: np.ndarray, state: dict, seen: dict) -> np.ndarray:
        g = seen["g"] = self._decayed(w, grad)
        if self.momentum:
            buf = state.get("buf")
            buf = g if buf is None else self.momentum * buf + (1.0 - self.dampening) * g
            state["buf"] = seen["buf"] = buf
            g = g + self.momentum * buf if self.nesterov else buf
        return self.lr * g


class RMSprop(Optimizer):
    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay, momentum=momentum, alpha=alpha, eps=eps)
        self.alpha, self.eps, self.momentum, self.centered = alpha, eps, momentum, centered

    def _update(self, w: np.ndarray, grad: np.ndarray, state: dict, seen: dict) -> np.ndarray:
        a = self.alpha
        g = seen["g"] = self._decayed(w, grad)
        square_avg = a * state.get("square_avg", 0.0) + (1.0 - a) * g * g
        state["square_avg"] = seen["square_avg"] = square_avg
        if self.centered:
            grad_avg = a * state.get("grad_avg", 0.0) + (1.0 - a) * g
            state["grad_avg"] = seen["grad_avg"] = grad_avg
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + self.eps
        else:
            avg = np.sqrt(square_avg) + self.eps
        seen["avg"] = avg
        if self.momentum:
            buf = self.momentum * state.get("buf", 0.0) + g / avg
            state["buf"] = seen["buf"] = buf
            return self.lr * buf
        return self.lr * g / avg


class Adam(Optimizer):
    decoupled = False

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay, betas=betas, eps=eps)
        self.betas, self.eps = betas, eps

    def _update(self, w: np.ndarray, grad: np.ndarray, state: dict, seen: dict) -> np.ndarray:
        b1, b2 = self.betas
        t = state["step"]
        decay: float | np.ndarray = 0.0
        if self.decoupled:
            g = seen["g"] = grad
            decay = self.lr * self.weight_decay * w
        else:
            g = seen["g"] = self._decayed(w, grad)
        m = state["m"] = seen["m"] = b1 * state.get("m", 0.0) + (1.0 - b1) * g
        v = state["v"] = seen["v"] = b2 * state.get("v", 0.0) + (1.0 - b2) * g * g
        correction1, correction2 = 1.0 - b1**t, 1.0 - b2**t
        seen["m_hat"] = m / correction1
        seen["v_hat"] = v / correction2
        # torch's arrangement of the same formula: (η/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
        step = (self.lr / correction1) * m / (np.sqrt(v) / np.sqrt(correction2) + self.eps)
        if self.decoupled:
            # torch shrinks w first, then subtracts the step: the total update is both.
            seen["decay"] = decay
            return decay + step
        return step


class AdamW(Adam):
    decoupled = True

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)
