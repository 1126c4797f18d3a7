"""Training arithmetic: mini-batch iterations per epoch and total updates, with drop_last."""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    draw_or,
    num,
    number_at,
    rng,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "training-iterations"
DIFFICULTIES = (1, 2)
BATCHES = {1: (16, 32, 50, 64, 100, 128), 2: (32, 64, 100, 128, 200, 256, 512)}
SIZES = {1: (30, 500), 2: (10, 600)}  # dataset size / its unit, below
UNITS = {1: 10, 2: 100}
EPOCHS = {1: (2, 20), 2: (3, 50)}


@dataclass(frozen=True)
class Values:
    n: int  # samples
    batch: int
    epochs: int

    @property
    def per_epoch(self) -> int:
        return -(-self.n // self.batch)

    @property
    def full_batches(self) -> int:
        return self.n // self.batch


def _one_stream(v: Values, rounding_up: bool) -> int:
    total, b = v.n * v.epochs, v.batch
    return -(-total // b) if rounding_up else total // b


def _mistakes(v: Values) -> dict[str, list[Mistake]]:
    stream = "That treats all epochs as one long stream of samples; each epoch starts afresh and "
    return {
        "a": [
            Mistake(
                "no-ceiling",
                v.full_batches,
                "The last, partial batch is still a batch: round N/B up, not down.",
            )
        ],
        "b": [
            Mistake(
                "no-ceiling",
                v.full_batches * v.epochs,
                "The last, partial batch of each epoch is still an update: round N/B up.",
            ),
            Mistake(
                "one-stream", _one_stream(v, True), stream + "ends with its own partial batch."
            ),
            Mistake(
                "epochs-forgotten",
                v.per_epoch,
                "That is one epoch's count; multiply by the number of epochs.",
            ),
        ],
        "c": [
            Mistake(
                "shortfall",
                v.batch - v.n % v.batch,
                "That is how many samples the last "
                "batch lacks; it holds what is left over, N − (⌈N/B⌉ − 1)·B.",
            ),
            Mistake(
                "full-batch",
                v.batch,
                "N is not a multiple of B, so the last batch holds only the samples left over.",
            ),
        ],
        "d": [
            Mistake(
                "kept-last",
                v.per_epoch * v.epochs,
                "With drop_last=True the partial batch is skipped: ⌊N/B⌋ updates per epoch.",
            ),
            Mistake("one-stream", _one_stream(v, False), stream + "drops its own partial batch."),
        ],
    }


def _answers(v: Values) -> dict[str, int]:
    return {
        "a": v.per_epoch,
        "b": v.per_epoch * v.epochs,
        "c": v.n % v.batch,
        "d": v.full_batches * v.epochs,
    }


def _ok(v: Values) -> bool:
    if v.n % v.batch == 0 or v.n < 2 * v.batch:
        return False
    right, wrong = _answers(v), _mistakes(v)
    return all(apart(right[k], wrong[k], rel=0) for k in right)


FALLBACK = {1: Values(n=2670, batch=50, epochs=8), 2: Values(n=11600, batch=512, epochs=18)}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        return Values(
            n=UNITS[difficulty] * r.randint(*SIZES[difficulty]),
            batch=r.choice(BATCHES[difficulty]),
            epochs=r.randint(*EPOCHS[difficulty]),
        )

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    right, wrong = _answers(v), _mistakes(v)
    quotient = num(v.n / v.batch, 10)
    prompt = (
        f"A training set of N = {v.n} samples is cut into mini-batches of B = {v.batch} "
        f"(as PyTorch's DataLoader does), and the model takes one optimiser step per mini-batch "
        f"for E = {v.epochs} epochs. With the last, partial batch of each epoch kept "
        f"(drop_last=False): (a) how many updates happen per epoch, and (b) how many in total?"
    )
    if difficulty > 1:
        prompt += (
            " (c) How many samples are in the last batch of an epoch? (d) With drop_last=True, "
            "how many updates happen in total?"
        )
    labels = {
        "a": "updates per epoch",
        "b": "updates in total",
        "c": "samples in the last batch",
        "d": "updates in total with drop_last=True",
    }

    def part(key: str) -> Part:
        follows = None
        if key == "b":
            follows = carry(right["b"], lambda ans: number_at(ans, 0, v.per_epoch) * v.epochs)
        return Part(
            key, labels[key], right[key], kind="count", mistakes=tuple(wrong[key]), carry=follows
        )

    steps = [
        Step(
            "Each epoch goes through all N samples, B at a time; the samples left over still "
            "make one last, smaller batch, so the count rounds up.",
            "⌈N/B⌉",
            f"⌈{v.n}/{v.batch}⌉ = ⌈{quotient}⌉ = {v.per_epoch}",
        ),
        Step(
            "One update per batch, every epoch.",
            "⌈N/B⌉ · E",
            f"{v.per_epoch} × {v.epochs} = {right['b']}",
        ),
    ]
    if difficulty > 1:
        steps += [
            Step(
                "The full batches use (⌈N/B⌉ − 1)·B samples; the last batch gets the rest.",
                "N − (⌈N/B⌉ − 1)·B = N mod B",
                f"{v.n} − {v.per_epoch - 1} × {v.batch} = {right['c']}",
            ),
            Step(
                "drop_last=True skips the partial batch, so each epoch has only the full ones.",
                "⌊N/B⌋ · E",
                f"⌊{quotient}⌋ × {v.epochs} = {v.full_batches} × {v.epochs} = {right['d']}",
            ),
        ]
    keys = "abcd" if difficulty > 1 else "ab"
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Iterations and updates",
        prompt=prompt,
        parts=tuple(part(k) for k in keys),
        solution=tuple(steps),
        hints=(
            "One iteration = one mini-batch = one optimiser update.",
            "N is not a multiple of B: what happens to the samples left over at the end of an "
            "epoch?",
        ),
    )
