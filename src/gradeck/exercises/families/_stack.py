"""A small layer stack described once, printed as Keras or PyTorch code, and measured.

The code-reading families draw a `Stack`, print it with `keras_listing` or `torch_listing`, and
take every shape and parameter count they ask about from the same `Stack`, so what is asked
always matches what is shown. Keras is channels-last, (H, W, C); torch channels-first, (C, H, W).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Layer:
    kind: str  # "conv", "pool", "flatten", "dropout", "dense", "relu"
    size: int = 0  # conv: filters; dense: units
    kernel: int = 0
    same: bool = False  # conv: padding that keeps the size ("same", or padding=k//2 in torch)
    rate: float = 0.0  # dropout
    activation: str = ""  # Keras's activation argument


@dataclass(frozen=True)
class Stack:
    input: tuple[int, ...]  # (features,) or (H, W, C), without the batch
    layers: tuple[Layer, ...]

    def shapes(self) -> list[tuple[int, ...]]:
        """Each layer's output shape, channels-last, without the batch."""
        out, shape = [], self.input
        for layer in self.layers:
            shape = _out_shape(layer, shape)
            out.append(shape)
        return out

    def params(self) -> list[int]:
        """Each layer's parameter count, as model.summary() lists them."""
        counts, shape = [], self.input
        for layer in self.layers:
            counts.append(_params(layer, shape))
            shape = _out_shape(layer, shape)
        return counts


def _out_shape(layer: Layer, shape: tuple[int, ...]) -> tuple[int, ...]:
    if layer.kind == "conv":
        h, w, _ = shape
        cut = 0 if layer.same else layer.kernel - 1
        return (h - cut, w - cut, layer.size)
    if layer.kind == "pool":
        h, w, c = shape
        return (h // 2, w // 2, c)
    if layer.kind == "flatten":
        return (math.prod(shape),)
    if layer.kind == "dense":
        return (*shape[:-1], layer.size)
    return shape


def _params(layer: Layer, shape: tuple[int, ...]) -> int:
    if layer.kind == "conv":
        return layer.kernel * layer.kernel * shape[-1] * layer.size + layer.size
    if layer.kind == "dense":
        return shape[-1] * layer.size + layer.size
    return 0


def keras_listing(stack: Stack) -> list[str]:
    lines = [
        "from tensorflow import keras",
        "from tensorflow.keras import layers",
        "",
        "model = keras.Sequential([",
        f"    keras.Input(shape={_tuple(stack.input)}),",
    ]
    for layer in stack.layers:
        lines.append(f"    {_keras_layer(layer)},")
    return [*lines, "])", "model.summary()"]


def _keras_layer(layer: Layer) -> str:
    act = f', activation="{layer.activation}"' if layer.activation else ""
    if layer.kind == "conv":
        pad = ', padding="same"' if layer.same else ""
        return f"layers.Conv2D({layer.size}, {layer.kernel}{pad}{act})"
    if layer.kind == "pool":
        return "layers.MaxPooling2D(2)"
    if layer.kind == "flatten":
        return "layers.Flatten()"
    if layer.kind == "dropout":
        return f"layers.Dropout({layer.rate})"
    return f"layers.Dense({layer.size}{act})"


def torch_listing(stack: Stack, batch: int) -> list[str]:
    lines = ["import torch", "from torch import nn", "", "model = nn.Sequential("]
    shape = stack.input
    for layer in stack.layers:
        lines.append(f"    {_torch_layer(layer, shape)},")
        shape = _out_shape(layer, shape)
    dims = ", ".join(map(str, channels_first(stack.input)))
    return [*lines, ")", f"x = torch.randn({batch}, {dims})", "y = model(x)"]


def _torch_layer(layer: Layer, shape: tuple[int, ...]) -> str:
    if layer.kind == "conv":
        pad = f", padding={layer.kernel // 2}" if layer.same else ""
        return f"nn.Conv2d({shape[-1]}, {layer.size}, kernel_size={layer.kernel}{pad})"
    if layer.kind == "pool":
        return "nn.MaxPool2d(2)"
    if layer.kind == "flatten":
        return "nn.Flatten()"
    if layer.kind == "dropout":
        return f"nn.Dropout({layer.rate})"
    if layer.kind == "relu":
        return "nn.ReLU()"
    return f"nn.Linear({shape[0]}, {layer.size})"


def _tuple(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def channels_first(shape: tuple[int, ...]) -> tuple[int, ...]:
    """(H, W, C) as torch orders it, (C, H, W); other shapes unchanged."""
    return (shape[2], shape[0], shape[1]) if len(shape) == 3 else shape
