"""The two small types that template generation and the template's network solver share.

Kept apart so that `template` (generation) can call `template_network` (solving) without the
network module importing generation back.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """A reference to an engine result: a root and a path of attribute names and indices."""

    root: str
    path: tuple[str | int, ...]
    text: str


class Rejected(Exception):
    """A draw that gives no exercise: where in the template it failed, and why."""

    def __init__(self, where: tuple[str | int, ...], reason: str) -> None:
        super().__init__(reason)
        self.where = where  # a path in the template, e.g. ("parts", 0, "mistakes", 1, "value")
        self.reason = reason
