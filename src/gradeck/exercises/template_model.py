"""A validated template as plain objects: its variables, derived values, constraints and parts.

The deck reader (`gradeck.decks.templates`) builds these once; generation
(`gradeck.exercises.template`) draws variants from them, with nothing left to check.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gradeck.errors import GradeckError
from gradeck.exercises.expr import ParseError
from gradeck.exercises.template_expr import Expr

DEFAULT_TOLERANCE = 0.01

Scalar = float | str  # a drawn value: a number, or a text choice such as an activation name


class TemplateError(GradeckError):
    """A template that cannot give an exercise (validation should have caught it)."""


@dataclass(frozen=True)
class RangeVar:
    """Evenly spaced values low, low + step, ..., high, drawn with equal chance."""

    name: str
    low: Decimal
    high: Decimal
    step: Decimal

    @property
    def count(self) -> int:
        return int((self.high - self.low) / self.step) + 1

    def draw(self, rng: random.Random) -> Scalar:
        return float(self.low + self.step * rng.randrange(self.count))


@dataclass(frozen=True)
class ChoiceVar:
    name: str
    choices: tuple[Scalar, ...]

    def draw(self, rng: random.Random) -> Scalar:
        return self.choices[rng.randrange(len(self.choices))]


@dataclass(frozen=True)
class VectorVar:
    """`size` numbers, each drawn on its own from `element` (a range or numeric choices)."""

    name: str
    element: RangeVar | ChoiceVar
    size: int

    def draw(self, rng: random.Random) -> tuple[Scalar, ...]:
        return tuple(self.element.draw(rng) for _ in range(self.size))


Variable = RangeVar | ChoiceVar | VectorVar


@dataclass(frozen=True)
class Constraint:
    text: str
    left: Expr
    op: str
    right: Expr

    def holds(self, env: Mapping[str, Any], results: Mapping[str, Any] | None = None) -> bool:
        a, b = self.left.value(env, results), self.right.value(env, results)
        if not isinstance(a, float | int) or not isinstance(b, float | int):
            raise ParseError("a constraint compares single numbers", 0)
        return _COMPARE[self.op](a, b)


@dataclass(frozen=True)
class WordTest:
    """A condition on a word variable: `act == tanh` or `act != relu`."""

    text: str
    name: str
    op: str  # "==" or "!="
    word: str

    def holds(self, env: Mapping[str, Any], results: Mapping[str, Any] | None = None) -> bool:
        return (env[self.name] == self.word) == (self.op == "==")


Condition = Constraint | WordTest


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


@dataclass(frozen=True)
class Derived:
    """A value worked out from the variables; `step` says in words what the step does.

    With `by`, a word variable, the expression is the case of its drawn word (`cases`), so a
    word can drive a number (say the derivative of the chosen activation). A `late` value is
    worked out from the network's results, once the variant's network is solved."""

    name: str
    expr: Expr  # with `by`: the first case (its text stands for the whole in messages)
    step: str = ""
    by: str = ""
    cases: tuple[tuple[str, Expr], ...] = ()
    late: bool = False

    def chosen(self, env: Mapping[str, Any]) -> Expr:
        """The expression for this draw."""
        return dict(self.cases)[env[self.by]] if self.by else self.expr

    @property
    def names(self) -> frozenset[str]:
        """Every name it may use, whichever case is drawn."""
        if not self.by:
            return self.expr.names
        return frozenset({self.by}).union(*(e.names for _, e in self.cases))


@dataclass(frozen=True)
class MistakeSpec:
    name: str
    value: Expr
    feedback: str


@dataclass(frozen=True)
class OptionSpec:
    """One option of a choice part: its text, whether it is right (always, never, or when a
    condition on the draw holds) and, for a wrong one, what choosing it reveals."""

    text: str
    correct: bool | Condition
    name: str  # the mistake named when a wrong option is chosen
    feedback: str = ""


@dataclass(frozen=True)
class PartSpec:
    label: str
    prompt: str
    answer: Expr | None  # None for a choice part, whose options say what is right
    rel_tol: float = DEFAULT_TOLERANCE
    abs_tol: float = 1e-9
    mistakes: tuple[MistakeSpec, ...] = ()
    exact: bool = False  # the value to give exactly (a count, a size, a fraction)
    points: float = 1.0
    options: tuple[OptionSpec, ...] = ()  # a choice part's options, as the author wrote them
    multiple: bool = False  # several options may be right, and every right one is wanted
    shuffle: bool = True  # the options are shown in an order of each variant's own


@dataclass(frozen=True)
class Template:
    """A validated template: everything needed to draw variants, nothing left to check."""

    id: str
    title: str
    variables: tuple[Variable, ...]
    derived: tuple[Derived, ...]  # in an order where each uses only earlier names
    constraints: tuple[Constraint, ...]
    prompt: str
    parts: tuple[PartSpec, ...]
    hints: tuple[str, ...] = ()
    solution: str = ""
    # The network (a `template_network.NetworkPlan`), None when the template has none.
    network: Any = field(default=None, compare=False, repr=False)
    # Expression nodes evaluated for one draw (derived values and constraints), and for one
    # variant's answers and mistakes: what sampling and generation spend.
    draw_cost: int = 0
    parts_cost: int = 0
    # The template as read from its file (a located mapping), so that later checks such as
    # `gradeck validate --deep` can point at the field they are about.
    source: Any = field(default=None, compare=False, repr=False)
