"""Pooling, gradient clipping and learning-rate schedules: hand-worked cases (torch in
test_families_torch.py)."""

from __future__ import annotations

import math

import pytest

from gradeck.exercises import registry
from gradeck.exercises.check import check_part
from gradeck.exercises.families import grad_clipping, lr_schedule, pooling


def test_pooling_without_padding_by_hand() -> None:
    v = pooling.FALLBACK[1]  # 4×4, kernel 2, stride 2; output (1, 2) covers rows 1-2, cols 3-4
    assert v.out == 2
    cells = v.window(0, 1)
    assert cells == [2, 0, 4, 8]
    assert pooling.max_pool(cells) == 8 and pooling.avg_pool(cells) == 3.5


def test_pooling_with_padding_counts_the_zeros_in_the_average() -> None:
    v = pooling.FALLBACK[2]  # 5×5, kernel 3, stride 2, padding 1: output (1, 1) is the corner
    assert v.out == 3  # ⌊(5 + 2 − 3)/2⌋ + 1
    cells = v.window(0, 0)
    real = [c for c in cells if c is not None]
    assert sorted(real) == [-1, 1, 2, 5]  # rows 1-2, columns 1-2
    assert pooling.max_pool(cells) == 5
    assert pooling.avg_pool(cells) == 7 / 9
    assert pooling.avg_pool(cells, include_pad=False) == 7 / 4


@pytest.mark.parametrize(("n", "k", "s", "p", "out"), [(28, 2, 2, 0, 14), (7, 3, 2, 1, 4)])
def test_pooling_output_size(n, k, s, p, out) -> None:
    assert pooling.output_size(n, k, s, p) == out


def test_clipping_by_hand() -> None:
    v = grad_clipping.FALLBACK[2]  # w (-2, -9), b (-6): norm √(4 + 81 + 36) = 11
    assert v.norm == 11
    clipped = grad_clipping.by_norm(v.weight, v.norm, 2.2)  # × 0.2
    assert all(abs(a - b) < 1e-6 for a, b in zip(clipped, (-0.4, -1.8), strict=True))
    assert grad_clipping.by_value(v.weight, 5.0) == (-2.0, -5.0)


def test_clipping_each_tensor_alone_is_named() -> None:
    for seed in range(30):
        ex = registry.generate("grad-clipping", seed, 2)
        part = ex.parts[1]
        names = {m.name for m in part.mistakes}
        assert "per-tensor-norm" in names
        wrong = next(m for m in part.mistakes if m.name == "per-tensor-norm")
        assert check_part(part, str(list(wrong.value))).mistake.name == "per-tensor-norm"


@pytest.mark.parametrize(
    ("values", "t", "lr"),
    [
        (lr_schedule.Values("step", 0.1, 0.5, 5, (12,)), 12, 0.025),  # two decays
        (lr_schedule.Values("step", 0.1, 0.1, 30, (29,)), 29, 0.1),  # not yet
        (lr_schedule.Values("cosine", 0.1, 0.0, 12, (6,)), 6, 0.05),  # halfway
        (lr_schedule.Values("cosine", 0.1, 0.01, 12, (4,)), 4, 0.01 + 0.09 * 0.75),
        (lr_schedule.Values("cosine", 0.2, 0.0, 12, (3,)), 3, 0.1 * (1 + math.sqrt(0.5))),
        (lr_schedule.Values("warmup", 0.1, 0.2, 5, (2,)), 2, 0.1 * (0.2 + 0.8 * 2 / 5)),
        (lr_schedule.Values("warmup", 0.1, 0.2, 5, (7,)), 7, 0.1),  # held after warm-up
    ],
)
def test_schedule_rates_by_hand(values, t, lr) -> None:
    assert math.isclose(lr_schedule.rate(values, t), lr, rel_tol=1e-12)


@pytest.mark.parametrize("schedule", lr_schedule.SCHEDULES)
def test_schedule_parameter_picks_the_schedule(schedule: str) -> None:
    ex = registry.generate("lr-schedule", 3, 2, {"schedule": schedule})
    assert {"step": "StepLR", "cosine": "CosineAnnealingLR", "warmup": "LinearLR"}[
        schedule
    ] in ex.prompt


@pytest.mark.parametrize("module", [pooling, grad_clipping])
@pytest.mark.parametrize("difficulty", [1, 2])
def test_fallback_is_an_acceptable_variant(module, difficulty: int) -> None:
    assert module._ok(module.FALLBACK[difficulty])


def test_schedule_fallbacks_are_acceptable() -> None:
    assert all(lr_schedule._ok(v) for v in lr_schedule.FALLBACK.values())
