"""Read an nn.Sequential listing: the shape of a batch after a layer, and the parameters.

torch is channels-first and keeps the batch dimension in every shape, (N, C, H, W); parameters
are counted as sum(p.numel() for p in model.parameters()).
"""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import carry, check_difficulty, distinct, number_at, rng
from gradeck.exercises.families._stack import Layer, Stack, channels_first, torch_listing
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "torch-sequential"
DIFFICULTIES = (1, 2)


@dataclass(frozen=True)
class Values:
    stack: Stack
    batch: int


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    batch = r.choice((16, 32, 64, 128))
    classes = r.choice((10, 3, 5, 2))
    if difficulty == 1:
        inputs = r.choice((784, 3072, 100, 64, 20))
        hidden = r.choice((512, 256, 128, 64))
        layers: tuple[Layer, ...] = (Layer("dense", hidden), Layer("relu"), Layer("dense", classes))
        return Values(Stack((inputs,), layers), batch)
    side = r.choice((28, 32, 64))
    channels = 1 if side == 28 else r.choice((1, 3))
    conv = Layer("conv", r.choice((8, 16, 32)), r.choice((3, 5)), r.random() < 0.5)
    layers = (conv, Layer("relu"), Layer("pool"), Layer("flatten"), Layer("dense", classes))
    return Values(Stack((side, side, channels), layers), batch)


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    stack, n = v.stack, v.batch
    shapes, params = stack.shapes(), stack.params()
    total = sum(params)
    dense = [i for i, layer in enumerate(stack.layers) if layer.kind == "dense"]
    first, last = dense[0], dense[-1]
    total_mistakes = [
        Mistake(
            "weights-only",
            total - sum(layer.size for layer in stack.layers if layer.kind in ("dense", "conv")),
            "nn.Linear and nn.Conv2d have biases by default (bias=True).",
        ),
        Mistake("relu-counted", total + 1, "nn.ReLU has no parameters."),
    ]
    if difficulty == 1:
        out = (n, shapes[-1][0])
        n_in, n_out = stack.input[0], stack.layers[first].size
        parts: tuple[Part, ...] = (
            Part(
                "a",
                "shape of y (a vector of dimensions)",
                out,
                kind="vector",
                rel_tol=0.0,
                mistakes=distinct(
                    out,
                    [
                        Mistake(
                            "batch-dropped",
                            (shapes[-1][0], 1),
                            "The batch dimension stays first: (N, classes).",
                        ),
                        Mistake(
                            "transposed",
                            (shapes[-1][0], n),
                            "torch puts the batch first: (N, out).",
                        ),
                    ],
                    0,
                ),
            ),
            Part(
                "b",
                "parameters of the first nn.Linear",
                params[first],
                kind="count",
                mistakes=distinct(
                    params[first],
                    [
                        Mistake("biases-forgotten", n_in * n_out, f"Add the {n_out} biases."),
                        Mistake(
                            "batch-counted",
                            n * n_in * n_out + n_out,
                            "The batch size does not change the number of parameters.",
                        ),
                    ],
                    0,
                ),
            ),
            Part(
                "c",
                "parameters in all",
                total,
                kind="count",
                mistakes=distinct(total, total_mistakes, 0),
                carry=carry(total, lambda ans: number_at(ans, 1, params[first]) + params[last]),
            ),
        )
        asked = (
            "(a) the shape of y, (b) the parameters of the first nn.Linear and (c) the "
            "parameters in all, sum(p.numel() for p in model.parameters())."
        )
    else:
        pool = stack.layers.index(Layer("pool"))
        pooled = (n, *channels_first(shapes[pool]))
        conv = stack.layers[0]
        c = stack.input[2]
        unpooled = (n, *channels_first(shapes[0]))
        parts = (
            Part(
                "a",
                "shape after nn.MaxPool2d (N, C, H, W)",
                pooled,
                kind="vector",
                rel_tol=0.0,
                mistakes=distinct(
                    pooled,
                    [
                        Mistake(
                            "pool-ignored", unpooled, "MaxPool2d(2) halves the height and width."
                        ),
                        Mistake(
                            "channels-last",
                            (n, *shapes[pool]),
                            "torch is channels-first: (N, C, H, W).",
                        ),
                    ],
                    0,
                ),
            ),
            Part(
                "b",
                "parameters of nn.Conv2d",
                params[0],
                kind="count",
                mistakes=distinct(
                    params[0],
                    [
                        Mistake(
                            "biases-forgotten",
                            params[0] - conv.size,
                            f"Add one bias per output channel ({conv.size}).",
                        ),
                        Mistake(
                            "input-channels-forgotten",
                            conv.kernel**2 * conv.size + conv.size,
                            f"Each filter spans the {c} input channels.",
                        )
                        if c > 1
                        else Mistake(
                            "kernel-not-squared",
                            conv.kernel * conv.size + conv.size,
                            "A k×k kernel has k² weights per input channel.",
                        ),
                    ],
                    0,
                ),
            ),
            Part(
                "c",
                "parameters in all",
                total,
                kind="count",
                mistakes=distinct(total, total_mistakes, 0),
                carry=carry(total, lambda ans: number_at(ans, 1, params[0]) + params[last]),
            ),
        )
        asked = (
            "(a) the shape of the batch after nn.MaxPool2d, (b) the parameters of nn.Conv2d and "
            "(c) the parameters in all, sum(p.numel() for p in model.parameters())."
        )
    names = {"conv": "Conv2d", "pool": "MaxPool2d", "flatten": "Flatten", "relu": "ReLU"}
    rows = "\n".join(
        f"{names.get(layer.kind, 'Linear'):<10} → {(n, *channels_first(shape))}, {count} params"
        for layer, shape, count in zip(stack.layers, shapes, params, strict=True)
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Reading a PyTorch model",
        prompt=f"Read this PyTorch model and give {asked}",
        parts=parts,
        solution=(
            Step(
                "The batch through each layer, with the layer's parameters:",
                "Linear: in·out + out; Conv2d: k·k·C_in·C_out + C_out; ReLU, pooling, Flatten: 0",
                rows,
            ),
            Step("The parameters in all.", "", " + ".join(map(str, params)) + f" = {total}"),
        ),
        hints=(
            "Shapes keep the batch first; a convolution's output is (N, C_out, H, W).",
            "Only nn.Linear and nn.Conv2d hold parameters here: weights and one bias per output.",
        ),
        code="\n".join(torch_listing(stack, n)),
    )
