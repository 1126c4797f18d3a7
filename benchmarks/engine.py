"""Forward + backward of a 2-2-1 sigmoid network with mse: engine vs hand numpy vs torch.

Prints the median time per pass of each, side by side, measured in the same run. The goal
(issue 3): the engine within 3x of hand-written numpy, and faster than torch's autograd on a
network this small. Run: python benchmarks/engine.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from gradeck.engine import Tensor
from gradeck.engine import functional as F

X = np.array([0.05, 0.10])
W1 = np.array([[0.15, 0.20], [0.25, 0.30]])
B1 = np.array([0.35, 0.35])
W2 = np.array([[0.40, 0.45]])
B2 = np.array([0.60])
Y = np.array([0.01])

REPEATS = 7
LOOPS = 2000


def median_us(run: Callable[[], object]) -> float:
    """Median over REPEATS batches of LOOPS calls, in microseconds per call."""
    for _ in range(200):
        run()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(LOOPS):
            run()
        times.append((time.perf_counter() - start) / LOOPS * 1e6)
    return statistics.median(times)


def hand_numpy() -> tuple[np.ndarray, ...]:
    a1 = 1.0 / (1.0 + np.exp(-(W1 @ X + B1)))
    a2 = 1.0 / (1.0 + np.exp(-(W2 @ a1 + B2)))
    loss = np.mean((a2 - Y) ** 2)
    d2 = 2.0 * (a2 - Y) / a2.size * a2 * (1.0 - a2)
    d1 = (W2.T @ d2) * a1 * (1.0 - a1)
    return loss, np.outer(d2, a1), d2, np.outer(d1, X), d1


def engine_setup() -> Callable[[], object]:
    params = [Tensor(p, requires_grad=True) for p in (W1, B1, W2, B2)]
    w1, b1, w2, b2 = params

    def run() -> Tensor:
        for p in params:
            p.grad = None
        a1 = F.linear(X, w1, b1).sigmoid()
        loss = F.mse(F.linear(a1, w2, b2).sigmoid(), Y)
        loss.backward()
        return loss

    return run


def torch_setup() -> Callable[[], object] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    as_t = lambda a, g: torch.tensor(a, dtype=torch.float64, requires_grad=g)  # noqa: E731
    x, y = as_t(X, False), as_t(Y, False)
    params = [as_t(p, True) for p in (W1, B1, W2, B2)]
    w1, b1, w2, b2 = params

    def run() -> object:
        for p in params:
            p.grad = None
        a1 = torch.sigmoid(torch.nn.functional.linear(x, w1, b1))
        out = torch.sigmoid(torch.nn.functional.linear(a1, w2, b2))
        loss = torch.nn.functional.mse_loss(out, y)
        loss.backward()
        return loss

    return run


def main() -> None:
    hand = median_us(hand_numpy)
    engine = median_us(engine_setup())
    print("forward + backward, 2-2-1 sigmoid network, mse; median µs per pass")
    print(f"  hand-written numpy  {hand:8.1f}")
    print(f"  gradeck engine      {engine:8.1f}   ({engine / hand:.2f}x numpy; goal ≤ 3x)")
    torch_run = torch_setup()
    if torch_run is None:
        print("  torch autograd      torch not installed")
        return
    torch_time = median_us(torch_run)
    verdict = "faster" if engine < torch_time else "SLOWER"
    ratio = torch_time / engine
    print(f"  torch autograd      {torch_time:8.1f}   (engine is {verdict}: {ratio:.2f}x)")


if __name__ == "__main__":
    main()
