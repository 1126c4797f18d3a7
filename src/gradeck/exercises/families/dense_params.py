"""Parameter counts of a stack of fully connected layers, such as 784 → 512 → 10."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from gradeck.exercises.families._draw import (
    apart,
    check_difficulty,
    counts_and_total,
    draw_or,
    rng,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "dense-param-count"
DIFFICULTIES = (1, 2)
INPUTS = (784, 3072, 1000, 512, 256, 100, 64, 32, 20, 10)
HIDDEN = (512, 300, 256, 200, 128, 100, 64, 32, 16)
OUTPUTS = (10, 1, 2, 3, 5, 100)
HIDDEN_LAYERS = {1: (1, 1), 2: (2, 3)}


@dataclass(frozen=True)
class Values:
    widths: tuple[int, ...]  # input, hidden..., output

    @property
    def layers(self) -> list[tuple[int, int]]:
        return list(pairwise(self.widths))

    @property
    def weights(self) -> int:
        return sum(n_in * n_out for n_in, n_out in self.layers)

    @property
    def biases(self) -> int:
        return sum(self.widths[1:])


def _mistakes(v: Values) -> dict[str, list[Mistake]]:
    input_biases = "The inputs are data, not units of a layer: they have no biases."
    return {
        "weights": [
            Mistake(
                "biases-included",
                v.weights + v.biases,
                "That counts the biases "
                "too; the weights alone are the entries of the weight matrices.",
            )
        ],
        "biases": [
            Mistake("input-biases", sum(v.widths), input_biases),
            Mistake(
                "output-biases-forgotten",
                sum(v.widths[1:-1]),
                "The output layer has a bias for each of its units too.",
            ),
        ],
        "total": [
            Mistake("biases-forgotten", v.weights, "Each layer also has one bias per output unit."),
            Mistake("input-biases", v.weights + sum(v.widths), input_biases),
        ],
    }


def _ok(v: Values) -> bool:
    right = {"weights": v.weights, "biases": v.biases, "total": v.weights + v.biases}
    wrong = _mistakes(v)
    return all(apart(right[k], wrong[k], rel=0) for k in right)


FALLBACK = {1: Values((100, 256, 1)), 2: Values((3072, 64, 256, 3))}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        hidden = [r.choice(HIDDEN) for _ in range(r.randint(*HIDDEN_LAYERS[difficulty]))]
        return Values((r.choice(INPUTS), *hidden, r.choice(OUTPUTS)))

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    arrows = " → ".join(str(n) for n in v.widths)
    total = v.weights + v.biases
    outputs = "1 output" if v.widths[-1] == 1 else f"{v.widths[-1]} outputs"
    hidden = "a hidden layer" if len(v.widths) == 3 else f"{len(v.widths) - 2} hidden layers"
    wrong = _mistakes(v)
    per_layer = "; ".join(
        f"{n_in}×{n_out} + {n_out} = {n_in * n_out + n_out}" for n_in, n_out in v.layers
    )
    prompt = (
        f"A fully connected network maps {v.widths[0]} inputs to {outputs} through "
        f"{hidden}: {arrows}. Each layer is like torch.nn.Linear: a weight for every "
        f"(input, output) pair and a bias for every output unit; activations have no parameters."
    )
    if difficulty > 1:
        prompt += " How many (a) weights, (b) biases and (c) parameters in all does it have?"
        parts: tuple[Part, ...] = counts_and_total(
            ("weights", "biases", "parameters in all"),
            v.weights,
            v.biases,
            (wrong["weights"], wrong["biases"], wrong["total"]),
        )
    else:
        prompt += " How many trainable parameters does it have?"
        parts = (Part("a", "parameters", total, kind="count", mistakes=tuple(wrong["total"])),)
    weights = " + ".join(f"{a}×{b}" for a, b in v.layers)
    biases = " + ".join(str(n) for n in v.widths[1:])
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Parameters of a dense network",
        prompt=prompt,
        parts=parts,
        solution=(
            Step(
                "A layer from n_in to n_out units has an n_out × n_in weight matrix.",
                "weights = Σ n_in·n_out",
                f"{weights} = {v.weights}",
            ),
            Step(
                "Each layer adds one bias per output unit; the input layer has none.",
                "biases = Σ n_out",
                f"{biases} = {v.biases}",
            ),
            Step(
                "Layer by layer, (n_in + 1)·n_out gives the same total.",
                "Σ (n_in·n_out + n_out)",
                f"{per_layer}; in all {total}",
            ),
        ),
        hints=(
            "Count layer by layer: the weights between two layers, then that layer's biases.",
            "The input layer only holds data: it has no weights or biases of its own.",
        ),
    )
