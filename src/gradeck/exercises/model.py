"""What an exercise is, whatever family made it and whichever front end shows it.

Everything here is plain data, so that the plain front end, the TUI, worksheets and exports all
render the same exercise, and so that an exercise can be regenerated exactly from
(family, seed, difficulty, params).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from gradeck.exercises.exact import ExactValue

# A number, a vector (tuple of numbers), a matrix (tuple of row tuples), or, for symbolic parts,
# the expected expression as text in the answer grammar (e.g. "s*(1 - s)"). A choice part's
# expected value is the number of the right option, counted from 1.
Value = float | tuple | str

AnswerKind = Literal["number", "vector", "matrix", "count", "symbolic", "choice"]


@dataclass(frozen=True)
class Mistake:
    """A classic wrong answer: the value it produces and what it reveals."""

    name: str
    value: Value
    feedback: str


@dataclass(frozen=True)
class Part:
    """One answer the learner types."""

    label: str
    prompt: str
    expected: Value
    kind: AnswerKind = "number"
    rel_tol: float = 0.01
    abs_tol: float = 1e-9
    mistakes: tuple[Mistake, ...] = ()
    # For error carried forward: given the learner's parsed answers to the earlier parts (None
    # where unreadable), the value this part should have. None when the part does not depend on
    # earlier ones.
    carry: Callable[[tuple[Value | None, ...]], Value] | None = field(default=None, compare=False)
    # Symbolic parts: the variable names the answer may use.
    symbols: tuple[str, ...] = ()
    # Choice parts: the options, shown numbered from 1; the learner types one number, and a
    # mistake's value is the number of the wrong option it explains.
    options: tuple[str, ...] = ()
    # What the part is worth in a worksheet's or an export's score.
    points: float = 1.0
    # An updated value (a start value plus a change, such as w after a step): the value before
    # the update. The tolerance is then relative to the change, not to the value, so typing the
    # start value, or a value next to it, is never right; the start value itself is the named
    # mistake "no-update".
    start: Value | None = None
    # An exact part (a template's `exact: true` on a value that is not a whole number): the
    # answer as fractions, which a typed answer must equal exactly (see gradeck.exercises.exact).
    exact: ExactValue | None = None


@dataclass(frozen=True)
class Step:
    """One line of a worked solution: what is done, the formula, the numbers put in."""

    text: str
    formula: str = ""
    working: str = ""


@dataclass(frozen=True)
class Table:
    """A small labelled grid of numbers, e.g. a weight matrix, for front ends to lay out."""

    title: str
    rows: tuple[tuple[str, ...], ...]
    row_labels: tuple[str, ...] = ()
    col_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exercise:
    family: str
    seed: int
    difficulty: int
    title: str
    prompt: str
    parts: tuple[Part, ...]
    solution: tuple[Step, ...]
    hints: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    # Layer widths of a network to draw (e.g. (2, 2, 1)); empty when there is no network.
    network: tuple[int, ...] = ()
    # A Python listing the prompt refers to (code-reading families), shown as code: with its
    # line numbers in plain text, highlighted in the app. Empty when there is none.
    code: str = ""
