"""Interleaved practice: exercise families mixed in the queue rather than served in blocks.

Choosing the method is part of what a learner must learn, and a block of one family hides that
choice: after the second Adam step in a row nobody asks which update rule applies. Practice that
interleaves confusable problem types beats blocked practice on a delayed test (Rohrer, Dedrick
and Stershic 2019, a classroom study: 61% against 38% a month later). So the queue serves
exercises family by family in turn, puts families that are easily confused next to one another
in that rotation, and never serves two items of one family back to back while another family
is waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

# Families that ask for similar work with different rules; each group is served side by side.
CONFUSABLE: tuple[frozenset[str], ...] = (
    frozenset({"update-rule", "sgd-momentum", "rmsprop", "adam", "weight-decay"}),
    frozenset({"activation-derivative", "symbolic-derivative", "neuron-backprop"}),
    frozenset({"conv-output-size", "conv-param-count", "conv2d-value"}),
    frozenset({"dense-param-count", "rnn-param-count", "mha-param-count"}),
    frozenset({"rnn-step", "lstm-step", "gru-step"}),
    frozenset({"batch-norm", "layer-norm"}),
)

T = TypeVar("T")


def _group(family: str) -> int:
    return next((i for i, g in enumerate(CONFUSABLE) if family in g), -1)


def spread(items: Sequence[T], family: Callable[[T], str]) -> list[T]:
    """`items` served one family at a time in turn, each family's own items in their order.

    The rotation follows the families' first appearance, except that a family joins the rest
    of its confusable group where the group first appeared. Items whose family is '' (cards)
    keep no rotation of their own: callers pass exercises only."""
    queues: dict[str, list[T]] = {}
    for item in items:
        queues.setdefault(family(item), []).append(item)
    first_of_group: dict[int, int] = {}
    order: list[tuple[int, int, str]] = []
    for n, name in enumerate(queues):
        group = _group(name)
        at = n if group < 0 else first_of_group.setdefault(group, n)
        order.append((at, n, name))
    rotation = [name for _, _, name in sorted(order)]
    out: list[T] = []
    depth = 0
    while len(out) < len(items):
        out.extend(queues[name][depth] for name in rotation if depth < len(queues[name]))
        depth += 1
    return out


def no_repeats(items: list[T], family: Callable[[T], str], reach: int = 200) -> list[T]:
    """`items` with any item that repeats its predecessor's family swapped for the nearest later
    item of another family (looking at most `reach` ahead); items of family '' never clash."""
    out = list(items)
    for i in range(1, len(out)):
        here = family(out[i])
        if not here or here != family(out[i - 1]):
            continue
        for j in range(i + 1, min(len(out), i + 1 + reach)):
            if family(out[j]) != here:
                out.insert(i, out.pop(j))
                break
    return out
