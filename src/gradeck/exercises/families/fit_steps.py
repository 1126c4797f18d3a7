"""Read a Keras model.fit call: steps per epoch, total updates, the last batch, the split.

Keras keeps the last, smaller batch (steps = ⌈N/batch_size⌉) and, with validation_split,
holds out the last fraction of the samples before any shuffling; torch's DataLoader with
drop_last=True would instead round down (see the training-iterations family).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from gradeck.exercises.families._draw import (
    carry,
    check_difficulty,
    distinct,
    draw_or,
    number_at,
    rng,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "fit-steps"
DIFFICULTIES = (1, 2)
SAMPLES = (60000, 50000, 10000, 25000, 1000, 4500, 12800, 8000, 2500)
BATCHES = (32, 64, 100, 128, 256, 512)
SPLITS = ("0.1", "0.2", "0.25", "0.15")


@dataclass(frozen=True)
class Values:
    samples: int
    batch: int
    epochs: int
    split: float  # 0 at difficulty 1

    @property
    def train(self) -> int:
        """The samples left for training: exact, since the split is drawn to divide evenly."""
        return int(self.samples * (1 - Fraction(str(self.split))))

    @property
    def steps(self) -> int:
        return math.ceil(self.train / self.batch)

    @property
    def last(self) -> int:
        return self.train - (self.steps - 1) * self.batch


def _ok(v: Values) -> bool:
    exact = v.samples * (1 - Fraction(str(v.split)))
    keras = math.floor(v.samples * (1.0 - v.split))  # how Keras computes the split point
    return exact.denominator == 1 and keras == exact and v.train % v.batch != 0 and v.steps >= 3


FALLBACK = {1: Values(60000, 128, 5, 0.0), 2: Values(60000, 128, 5, 0.1)}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        split = 0.0 if difficulty == 1 else float(r.choice(SPLITS))
        return Values(r.choice(SAMPLES), r.choice(BATCHES), r.choice((3, 5, 10, 20, 50)), split)

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    n, b, e = v.samples, v.batch, v.epochs
    split = f", validation_split={v.split}" if v.split else ""
    code = "\n".join(
        [
            f"# x_train.shape == ({n}, 28, 28); y_train.shape == ({n},)",
            "history = model.fit(",
            f"    x_train, y_train, epochs={e}, batch_size={b}{split}",
            ")",
        ]
    )
    steps_mistakes = [
        Mistake("rounded-down", v.train // b, "Keras keeps the last, smaller batch: round up."),
        Mistake("epochs-multiplied", v.steps * e, "That is every epoch together; one epoch first."),
    ]
    if v.split:
        steps_mistakes.append(
            Mistake(
                "split-ignored",
                math.ceil(n / b),
                f"validation_split={v.split} holds out part of the data from training.",
            )
        )
    total_mistakes = [
        Mistake("rounded-down", (v.train // b) * e, "Each epoch has ⌈N/batch_size⌉ steps."),
        Mistake("samples-times-epochs", v.train * e, "An update is a batch, not a sample."),
    ]
    last_mistakes = [
        Mistake("full-batch", b, "The data does not divide evenly: the last is smaller.")
    ]
    steps_part = Part(
        "b" if v.split else "a",
        "steps (updates) per epoch",
        v.steps,
        kind="count",
        mistakes=distinct(v.steps, steps_mistakes, 0),
    )
    i = 1 if v.split else 0
    total_part = Part(
        "c" if v.split else "b",
        "updates over the whole fit",
        v.steps * e,
        kind="count",
        mistakes=distinct(v.steps * e, total_mistakes, 0),
        carry=carry(v.steps * e, lambda ans: number_at(ans, i, v.steps) * e),
    )
    last_part = Part(
        "d" if v.split else "c",
        "samples in the last batch of an epoch",
        v.last,
        kind="count",
        mistakes=distinct(v.last, last_mistakes, 0),
    )
    parts: tuple[Part, ...] = (steps_part, total_part, last_part)
    asked = "(a) the steps per epoch, (b) the updates over the whole fit and (c) the samples in "
    asked += "the last batch of each epoch"
    steps = [
        Step(
            "Steps per epoch: Keras keeps the last, smaller batch.",
            "⌈N/batch_size⌉",
            f"⌈{v.train}/{b}⌉ = {v.steps}",
        ),
        Step(
            "One update per step, every epoch.",
            "steps × epochs",
            f"{v.steps} × {e} = {v.steps * e}",
        ),
        Step(
            "The last batch holds what is left.",
            "N − (steps − 1)·batch_size",
            f"{v.train} − {v.steps - 1} × {b} = {v.last}",
        ),
    ]
    if v.split:
        held = n - v.train
        parts = (
            Part(
                "a",
                "training samples",
                v.train,
                kind="count",
                mistakes=distinct(
                    v.train,
                    [
                        Mistake("validation-count", held, "Those are the validation samples."),
                    ],
                    0,
                ),
            ),
            *parts,
        )
        asked = "(a) the samples used for training, (b) the steps per epoch, (c) the updates over "
        asked += "the whole fit and (d) the samples in the last batch of each epoch"
        steps.insert(
            0,
            Step(
                f"validation_split={v.split} holds out the last {v.split} of the samples.",
                "N_train = N·(1 − validation_split)",
                f"{n} × (1 − {v.split}) = {v.train} (validation: {held})",
            ),
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Steps and updates in model.fit",
        prompt=f"A Keras model is trained with the call below. Give {asked}.",
        parts=parts,
        solution=tuple(steps),
        hints=(
            "One step (one weight update) per batch; Keras keeps a last batch that is smaller.",
            "validation_split takes its samples out of the training set before batching.",
        ),
        code=code,
    )
