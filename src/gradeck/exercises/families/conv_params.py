"""Parameter counts of 2-D convolutional layers: k·k·C_in·C_out weights plus C_out biases."""

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

FAMILY = "conv-param-count"
DIFFICULTIES = (1, 2)
KERNELS = (3, 5, 7)
IMAGE_CHANNELS = (1, 3)
CHANNELS = (8, 16, 32, 64, 128, 256)
IMAGE_SIZES = (28, 32, 64, 224)


@dataclass(frozen=True)
class Layer:
    k: int
    c_in: int
    c_out: int

    @property
    def count(self) -> int:
        return self.k * self.k * self.c_in * self.c_out + self.c_out

    @property
    def weights(self) -> int:
        return self.k * self.k * self.c_in * self.c_out


@dataclass(frozen=True)
class Values:
    image: int  # height = width of the input images; it does not change the count
    layers: tuple[Layer, ...]


def _layer_mistakes(layer: Layer, image_channels: int | None = None) -> list[Mistake]:
    k, c_in, c_out = layer.k, layer.c_in, layer.c_out
    found = [
        Mistake("bias-forgotten", layer.weights, "Each filter also has one bias: add C_out."),
        Mistake(
            "input-channels-forgotten",
            k * k * c_out + c_out,
            "Each filter spans all input channels: it has k·k·C_in weights, not k·k.",
        ),
        Mistake(
            "kernel-not-squared",
            k * c_in * c_out + c_out,
            f"A {k}×{k} kernel has {k * k} weights per input channel: k·k, not k.",
        ),
    ]
    if image_channels is not None:
        wrong_in = Layer(k, image_channels, c_out).count
        found.append(
            Mistake(
                "image-channels",
                wrong_in,
                "The second layer's input channels are "
                "the first layer's output channels, not the image's.",
            )
        )
    return found


def _total_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "bias-forgotten",
            sum(layer.weights for layer in v.layers),
            "Each filter of each layer also has a bias: add every layer's C_out.",
        )
    ]


def _ok(v: Values) -> bool:
    first = v.layers[0]
    ok = apart(first.count, _layer_mistakes(first), rel=0)
    if len(v.layers) > 1:
        second = v.layers[1]
        mistakes = _layer_mistakes(second, first.c_in)
        total = sum(layer.count for layer in v.layers)
        ok = ok and apart(second.count, mistakes, rel=0)
        ok = ok and apart(total, _total_mistakes(v), rel=0)
    return ok


FALLBACK = {
    1: Values(28, (Layer(7, 3, 32),)),
    2: Values(224, (Layer(5, 3, 16), Layer(5, 16, 8))),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        # Never one input channel, nor a kernel as wide as the input channels are many: there
        # forgetting C_in, or squaring k, gives the right count, and _ok refuses them.
        inputs = IMAGE_CHANNELS if difficulty > 1 else (*IMAGE_CHANNELS, *CHANNELS)
        channels = [r.choice([c for c in inputs if c > 1])]
        channels += [r.choice(CHANNELS) for _ in range(difficulty)]
        layers = tuple(
            Layer(r.choice([k for k in KERNELS if k != c_in]), c_in, c_out)
            for c_in, c_out in pairwise(channels)
        )
        return Values(r.choice(IMAGE_SIZES), layers)

    return draw_or(one, _ok, FALLBACK[difficulty])


def _working(layer: Layer) -> str:
    k, c_in, c_out = layer.k, layer.c_in, layer.c_out
    return f"{k}×{k}×{c_in}×{c_out} + {c_out} = {layer.weights} + {c_out} = {layer.count}"


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    first = v.layers[0]
    conventions = (
        "Layers are like torch.nn.Conv2d with bias=True: each filter has a k×k kernel for every "
        "input channel and one bias."
    )
    formula = Step(
        "A filter covers k×k positions in each of the C_in input channels and has one bias; "
        "there are C_out filters. The image size does not matter: the same filters slide over "
        "every position.",
        "params = k·k·C_in·C_out + C_out",
    )
    if difficulty == 1:
        prompt = (
            f"A convolutional layer takes {first.c_in}-channel {v.image}×{v.image} inputs and "
            f"applies {first.c_out} filters of size {first.k}×{first.k}. {conventions} How many "
            f"trainable parameters does it have?"
        )
        parts: tuple[Part, ...] = (
            Part(
                "a", "parameters", first.count, kind="count", mistakes=tuple(_layer_mistakes(first))
            ),
        )
        steps: tuple[Step, ...] = (formula, Step("Put in the numbers.", "", _working(first)))
    else:
        second = v.layers[1]
        total = first.count + second.count
        prompt = (
            f"A small CNN takes {first.c_in}-channel {v.image}×{v.image} images. Its first "
            f"convolutional layer applies {first.c_out} filters of size {first.k}×{first.k}, and "
            f"its second applies {second.c_out} filters of size {second.k}×{second.k} to the "
            f"first layer's output. {conventions} How many trainable parameters have (a) the "
            f"first layer, (b) the second layer, (c) both together?"
        )
        parts = counts_and_total(
            (
                "parameters of the first layer",
                "parameters of the second layer",
                "parameters of both layers",
            ),
            first.count,
            second.count,
            (_layer_mistakes(first), _layer_mistakes(second, first.c_in), _total_mistakes(v)),
        )
        steps = (
            formula,
            Step("First layer: C_in is the image's channels.", "", _working(first)),
            Step(
                f"Second layer: its input channels are the first layer's {first.c_out} outputs.",
                "",
                _working(second),
            ),
            Step("Add the two layers.", "", f"{first.count} + {second.count} = {total}"),
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Parameters of a convolutional layer",
        prompt=prompt,
        parts=parts,
        solution=steps,
        hints=(
            "Count one filter's weights first: it spans the kernel's area in every input channel.",
            "Then multiply by the number of filters and add one bias per filter.",
        ),
    )
