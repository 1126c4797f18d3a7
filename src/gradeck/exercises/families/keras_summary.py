"""Read a keras.Sequential listing: output shapes and parameters as model.summary() prints them.

Difficulty 1 is the notes' dense network (Dense, Dropout, Dense); difficulty 2 a small CNN
(Conv2D, MaxPooling2D, Flatten, Dropout, Dense), channels-last as Keras is.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import carry, check_difficulty, distinct, number_at, rng
from gradeck.exercises.families._stack import Layer, Stack, keras_listing
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "keras-summary"
DIFFICULTIES = (1, 2)


@dataclass(frozen=True)
class Values:
    stack: Stack


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    classes = r.choice((10, 3, 5, 2))
    out = Layer("dense", classes, activation="softmax" if classes > 2 else "sigmoid")
    if classes == 2:
        out = Layer("dense", 1, activation="sigmoid")
    dropout = Layer("dropout", rate=r.choice((0.2, 0.25, 0.5)))
    if difficulty == 1:
        inputs = r.choice((784, 3072, 100, 64, 20))
        hidden = Layer("dense", r.choice((512, 256, 128, 64, 32)), activation="relu")
        return Values(Stack((inputs,), (hidden, dropout, out)))
    side = r.choice((28, 32, 64))
    channels = 1 if side == 28 else r.choice((1, 3))
    conv = Layer("conv", r.choice((8, 16, 32, 64)), r.choice((3, 5)), r.random() < 0.4, 0.0, "relu")
    layers = (conv, Layer("pool"), Layer("flatten"), dropout, out)
    return Values(Stack((side, side, channels), layers))


def _names(stack: Stack) -> list[str]:
    return [
        {"conv": "Conv2D", "pool": "MaxPooling2D", "flatten": "Flatten", "dropout": "Dropout"}.get(
            layer.kind, "Dense"
        )
        for layer in stack.layers
    ]


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    stack = v.stack
    shapes, params = stack.shapes(), stack.params()
    total = sum(params)
    dense = [i for i, layer in enumerate(stack.layers) if layer.kind == "dense"]
    last = dense[-1]
    fan_in = shapes[last - 1][-1]
    units = stack.layers[last].size
    last_mistakes = [
        Mistake("biases-forgotten", fan_in * units, f"Add the {units} biases."),
        Mistake(
            "dropout-thins-weights",
            round(fan_in * (1 - stack.layers[last - 1].rate)) * units + units,
            "Dropout removes no weights: it zeroes activations at random during training only.",
        ),
    ]
    total_mistakes = [
        Mistake(
            "weights-only",
            total - sum(layer.size for layer in stack.layers if layer.kind in ("dense", "conv")),
            "Total params counts the biases too.",
        ),
        Mistake(
            "last-layer-only",
            params[last],
            "The total adds the parameters of every layer.",
        ),
    ]
    summary = "\n".join(
        f"{name:<13} output (None, {', '.join(map(str, shape))}), {count} params"
        for name, shape, count in zip(_names(stack), shapes, params, strict=True)
    )
    if difficulty == 1:
        first = dense[0]
        n_in, n_out = stack.input[0], stack.layers[first].size
        first_mistakes = [
            Mistake("biases-forgotten", n_in * n_out, f"Add the {n_out} biases."),
            Mistake("inputs-plus-units", n_in + n_out, "Each of the units has a weight per input."),
        ]
        parts: tuple[Part, ...] = (
            Part(
                "a",
                "parameters of the first Dense layer",
                params[first],
                kind="count",
                mistakes=distinct(params[first], first_mistakes, 0),
            ),
            Part(
                "b",
                "parameters of the last Dense layer",
                params[last],
                kind="count",
                mistakes=distinct(params[last], last_mistakes, 0),
            ),
            Part(
                "c",
                "Total params",
                total,
                kind="count",
                mistakes=distinct(total, total_mistakes, 0),
                carry=carry(
                    total, lambda ans: number_at(ans, 0, params[0]) + number_at(ans, 1, params[-1])
                ),
            ),
        )
        asked = (
            "(a) the parameters of the first Dense layer, (b) those of the last Dense layer and "
            "(c) the Total params line of model.summary()."
        )
    else:
        conv = stack.layers[0]
        h, w, c = stack.input
        conv_shape = shapes[0]
        k = conv.kernel
        other = (h, w, conv.size) if not conv.same else (h - k + 1, w - k + 1, conv.size)
        shape_mistakes = [
            Mistake(
                "same-vs-valid",
                other,
                'Keras\'s default padding is "valid": the size shrinks by k − 1.'
                if not conv.same
                else 'padding="same" keeps the height and width.',
            ),
            Mistake(
                "channels-first",
                (conv_shape[2], conv_shape[0], conv_shape[1]),
                "Keras is channels-last: (height, width, filters).",
            ),
        ]
        conv_mistakes = [
            Mistake(
                "biases-forgotten", params[0] - conv.size, f"Add one bias per filter ({conv.size})."
            ),
            Mistake(
                "input-channels-forgotten",
                k * k * conv.size + conv.size,
                f"Each filter spans all {c} input channels: k·k·C_in weights.",
            ),
        ]
        if c == 1:
            conv_mistakes = conv_mistakes[:1]
        flat_before_pool = conv_shape[0] * conv_shape[1] * conv_shape[2]
        last_mistakes.append(
            Mistake(
                "pooling-ignored",
                flat_before_pool * units + units,
                "MaxPooling2D(2) halves the height and width before Flatten.",
            )
        )
        parts = (
            Part(
                "a",
                "output shape of Conv2D (without the batch)",
                conv_shape,
                kind="vector",
                rel_tol=0.0,
                mistakes=distinct(conv_shape, shape_mistakes, 0),
            ),
            Part(
                "b",
                "parameters of Conv2D",
                params[0],
                kind="count",
                mistakes=distinct(params[0], conv_mistakes, 0),
            ),
            Part(
                "c",
                "parameters of the Dense layer",
                params[last],
                kind="count",
                mistakes=distinct(params[last], last_mistakes, 0),
            ),
            Part(
                "d",
                "Total params",
                total,
                kind="count",
                mistakes=distinct(total, total_mistakes, 0),
                carry=carry(
                    total,
                    lambda ans: number_at(ans, 1, params[0]) + number_at(ans, 2, params[last]),
                ),
            ),
        )
        asked = (
            "(a) the output shape of the Conv2D layer as model.summary() shows it, without the "
            "batch dimension (height, width, channels), (b) its parameters, (c) the parameters "
            "of the Dense layer and (d) Total params."
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Reading a Keras model",
        prompt=f"Read this Keras model and give {asked}",
        parts=parts,
        solution=(
            Step(
                "Layer by layer, as model.summary() prints it:",
                "Dense: in·units + units; Conv2D: k·k·C_in·filters + filters; the others: 0",
                summary,
            ),
            Step("Total params is the sum.", "", " + ".join(map(str, params)) + f" = {total}"),
        ),
        hints=(
            "A Dense layer has a weight per (input, unit) pair and a bias per unit.",
            "Dropout, Flatten and MaxPooling2D have no parameters; they change shapes at most.",
        ),
        code="\n".join(keras_listing(stack)),
    )
