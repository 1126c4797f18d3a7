"""What every section of a template's reader shares: the problems found so far, the size
spent, and the checks of numbers, expressions, engine references and texts with placeholders,
each reported with its line and column.

The reader of a whole template (`gradeck.decks.templates`) is built from the readers of its
sections (`template_variables`, `template_parts`, `template_network_reader`), which all extend
`ReaderBase`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from gradeck.decks.checker import Checker, kind
from gradeck.decks.network_spec import float_text
from gradeck.decks.source import LocDict, LocList, Pos
from gradeck.exercises.expr import Var, walk
from gradeck.exercises.template import MIN_ACCEPTED, SampleReport
from gradeck.exercises.template_expr import (
    ENGINE_ROOTS,
    UNICODE_COMPARISONS,
    Expr,
    ExprError,
    compile_expr,
)
from gradeck.exercises.template_model import Condition, Constraint, WordTest
from gradeck.exercises.template_network import NetworkPlan
from gradeck.exercises.template_text import FORMAT_SPEC, split_placeholder
from gradeck.problems import Problem

MAX_MAGNITUDE = 1e6
_COMPARISON = re.compile(r"<=|>=|!=|==|<|>|≤|≥|≠")
# The expression nodes that sampling may evaluate for one deck file (reading, probing the
# network and checking that draws are usable): a file, however hostile, is checked in well
# under a second.
FILE_SAMPLE_BUDGET = 150_000
# Fields whose failure in a draw is said as it is: the field, not the draw, is at fault.
SAID_AS_IS = ("exact", "options")


class ReaderBase:
    """The state of reading one template, and the checks every section of it uses."""

    def __init__(self, check: Checker) -> None:
        self.check = check
        self.problems: list[Problem] = check.problems
        self.text_names: dict[str, tuple[str, ...]] = {}  # variables whose choices are text
        self.draw_nodes = 0  # evaluated at every draw: derived values and constraints
        self.parts_nodes = 0  # evaluated for every variant: answers, mistakes, placeholders
        self.has_network = False
        self.vectors: dict[str, int] = {}  # vector variables and their sizes
        self.late_names: set[str] = set()  # derived values worked out from the network's results
        self.plan: NetworkPlan | None = None  # None also when the network could not be read

    def error(self, pos: Pos, message: str) -> None:
        self.check.error(pos, message)

    def number(self, value: Any, pos: Pos, what: str) -> float | None:
        if isinstance(value, str) and (spelled := float_text(value)) is not None:
            value = spelled  # 1e-9: YAML 1.1 reads it as text; it means the number
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(pos, f"{what} must be a number, not {kind(value)}")
            return None
        if not math.isfinite(value):
            self.error(pos, f"{what} must be a finite number, not {value}")
            return None
        if abs(value) > MAX_MAGNITUDE:
            self.error(pos, f"{what} is {_short(value)}; numbers are limited to ±{MAX_MAGNITUDE:g}")
            return None
        return float(value)

    def expression(
        self,
        text: Any,
        pos: Pos,
        names: frozenset[str],
        what: str,
        refs: bool = False,
        per_draw: bool = False,
    ) -> Expr | None:
        """The compiled expression, counted against the template's size; None after an error.

        `per_draw`: evaluated at every draw (derived values, constraints), not per variant.
        """
        try:
            expr = compile_expr(text, names, allow_refs=refs, vectors=self.vectors)
        except ExprError as exc:
            self.error(pos, f"{what}: {self.said(exc)}")
            return None
        if per_draw:
            self.draw_nodes += _nodes(expr)
        else:
            self.parts_nodes += _nodes(expr)
        bare = sorted(expr.names & self.vectors.keys())
        if bare and (per_draw or not isinstance(expr.node, Var)):
            self.error(pos, f"{what}: {bare[0]!r} is a vector: use one element ({bare[0]}[0]), "
                       f"or sum, mean, norm, max or min of it, or dot({bare[0]}, other); "
                       "name it alone only as a whole answer")  # fmt: skip
            return None
        text_used = sorted(expr.names & frozenset(self.text_names))
        if text_used:
            used = text_used[0]
            options = ", ".join(self.text_names[used])
            self.error(pos, f"{what}: {used!r} is text (one of {options}), not a number")
            return None
        return expr

    def said(self, exc: ExprError) -> str:
        """An expression's error; an unknown name that is a late derived value says why."""
        late = next((n for n in sorted(self.late_names) if f"name {n!r}" in str(exc)), None)
        if late is None:
            return str(exc)
        return (
            f"{late!r} is worked out from the network's results, after the draw: constraints "
            "and the network's own numbers cannot use it"
        )

    def placeholders(self, where: Any, key: Any, text: str, names: frozenset[str]) -> None:
        """Check every `{expr}` / `{expr:spec}` of a text, and that braces are balanced."""
        if not text:
            return
        pos = where.at(key)
        label = f"{key!r}" if isinstance(key, str) else f"hint {key + 1}"
        for match in re.finditer(r"\{\{|\}\}|\{([^{}]*)\}|[{}]", text):
            token = match.group(0)
            if token in ("{{", "}}"):
                continue
            if token in ("{", "}"):
                self.error(
                    pos, f"{label} has an unmatched {token!r}; write {token * 2} for a brace"
                )
                return
            body, spec = split_placeholder(match.group(1))
            if not body.strip():
                self.error(
                    pos, f"{label} has an empty placeholder {token}; write {{{{ and }}}} for braces"
                )
                continue
            if not FORMAT_SPEC.fullmatch(spec):
                self.error(
                    pos,
                    f"placeholder {token} in {label}: format {spec!r} is not supported "
                    "(use .2f, .3g, .1%, +.2f and the like)",
                )
                continue
            if body.strip() in self.text_names:
                continue  # a text choice, shown as it is
            what = f"placeholder {token} in {label}"
            expr = self.expression(body, pos, names, what, refs=self.has_network)
            if expr is not None:
                self.refs(expr, pos, what)

    def answer(self, where: LocDict, key: str, names: frozenset[str], what: str) -> Expr | None:
        pos = where.at(key)
        expr = self.expression(where[key], pos, names, what, refs=True)
        return expr if expr is not None and self.refs(expr, pos, what) else None

    def refs(self, expr: Expr, pos: Pos, what: str, alone: bool = True) -> bool:
        """Whether every engine result `expr` uses exists in the network (checked when the
        network could be read), else a problem. `alone`: a whole vector or matrix may be the
        expression on its own (an answer), not where one number is needed."""
        for ref in expr.refs:
            if ref.root not in ENGINE_ROOTS:
                continue  # an element of a vector variable, checked when compiled
            problem = ""
            if not self.has_network:
                problem = f"{ref.text!r} is a network result, but the template has no 'network'"
            elif self.plan:
                problem = self.plan.check_ref(ref)
                whole = alone and isinstance(expr.node, Var) and not problem
                if not whole and not problem and self.plan.dims(ref):
                    problem = (
                        f"{ref.text!r} is a vector or matrix: name it alone as the whole answer, "
                        "or index one number of it for arithmetic"
                    )
            if problem:
                self.error(pos, f"{what}: {problem}")
                return False
        return True

    def condition(
        self, text: Any, pos: Pos, names: frozenset[str], what: str, per_variant: bool = False
    ) -> Condition | None:
        """A comparison such as 'a - b > 0.1', or a word variable's test such as
        'act == tanh'; None after an error. `per_variant`: tested once a variant is solved (an
        option's `correct`), so it may use the network's results; else at every draw."""
        if not isinstance(text, str):
            self.error(pos, f"{what} must be text such as 'a - b > 0.1', not {kind(text)}")
            return None
        found = list(_COMPARISON.finditer(text))
        if len(found) != 1:
            self.error(
                pos,
                f"{what} must compare two expressions with one of <, <=, >, >=, ==, != "
                "(as in 'a - b > 0.1' or 'act == tanh')",
            )
            return None
        match = found[0]
        op = UNICODE_COMPARISONS.get(match.group(0), match.group(0))
        left, right = text[: match.start()].strip(), text[match.end() :].strip()
        if left in self.text_names:
            choices = self.text_names[left]
            if op not in ("==", "!=") or right not in choices:
                self.error(pos, f"{what}: {left!r} is a word; compare it with == or != to one "
                           f"of its choices ({', '.join(choices)})")  # fmt: skip
                return None
            return WordTest(text, left, op, right)
        late = per_variant and self.has_network
        first = self.expression(left, pos, names, what, refs=late, per_draw=not per_variant)
        second = self.expression(right, pos, names, what, refs=late, per_draw=not per_variant)
        if first is None or second is None:
            return None
        if not (self.refs(first, pos, what) and self.refs(second, pos, what)):
            return None
        return Constraint(text, first, op, second)

    def over_budget(self, pos: Pos) -> None:
        """Say, once per file, that its templates take more checking than a file may cost."""
        if self.check.sample_work <= FILE_SAMPLE_BUDGET:
            self.error(
                pos,
                "this file's templates take too long to check; split the deck into smaller files",
            )
        self.check.sample_work = FILE_SAMPLE_BUDGET + 1

    def sampling_problem(self, body: LocDict, report: SampleReport) -> None:
        if report.out_of_budget and (report.accepted or report.failure is None):
            self.over_budget(body.pos)
            return
        failure = report.failure
        if failure is None:
            return
        constraint = failure.where[0] == "constraints"
        advice = (
            "widen the ranges or loosen the constraints"
            if constraint
            else "add a constraint that keeps the draws away from it"
        )
        if failure.where[-1] in SAID_AS_IS:
            message = failure.reason  # a field that does not fit the values it gets
        elif report.accepted == 0 and constraint:
            message = f"no usable values in {report.draws:,} draws: {failure.reason}; {advice}"
        elif report.accepted == 0:
            message = f"this cannot be computed in any of {report.draws:,} draws: {failure.reason}"
        else:
            message = (
                f"only {report.accepted} of {report.draws:,} draws give usable values (first "
                f"failure: {failure.reason}); at least {MIN_ACCEPTED} are needed, so {advice}"
            )
        self.error(locate(body, failure.where), message)


def _short(value: Any) -> str:
    text = f"{float(value):g}" if isinstance(value, int | float | Decimal) else repr(value)
    return text if len(text) <= 24 else text[:24] + "…"


def _nodes(expr: Expr) -> int:
    return sum(1 for _ in walk(expr.node))


def locate(body: LocDict, where: tuple[str | int, ...]) -> Pos:
    """The position of the value at `where`, a path of keys and indices under the template."""
    node: Any = body
    pos = body.pos
    for step in where:
        in_dict = isinstance(node, LocDict) and step in node
        in_list = isinstance(node, LocList) and isinstance(step, int) and 0 <= step < len(node)
        if not (in_dict or in_list):
            break
        pos, node = node.at(step), node[step]
    return pos
