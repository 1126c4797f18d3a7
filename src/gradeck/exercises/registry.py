"""The catalogue of exercise families.

This module is static data so that listing families and validating decks that name them import
neither numpy nor sympy; a family's module is imported only when an exercise is generated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gradeck.exercises.model import Exercise


@dataclass(frozen=True)
class FamilyInfo:
    name: str
    description: str
    topic: str
    difficulties: tuple[int, ...]
    module: str  # under gradeck.exercises.families; it defines generate(seed, difficulty, **params)
    params: tuple[str, ...] = ()  # parameter names a deck may set for this family


FAMILIES: dict[str, FamilyInfo] = {
    info.name: info
    for info in (
        # Filled in as families are written; see gradeck/exercises/families/.
    )
}


class UnknownFamily(KeyError):
    pass


def family(name: str) -> FamilyInfo:
    try:
        return FAMILIES[name]
    except KeyError:
        raise UnknownFamily(name) from None


def generate(
    name: str, seed: int, difficulty: int = 1, params: Mapping[str, Any] | None = None
) -> Exercise:
    """The exercise of `name` for this seed and difficulty: the same inputs, the same exercise."""
    info = family(name)
    if difficulty not in info.difficulties:
        raise ValueError(f"{name} has difficulties {info.difficulties}, not {difficulty}")
    module = import_module(f"gradeck.exercises.families.{info.module}")
    return module.generate(seed, difficulty, **dict(params or {}))
