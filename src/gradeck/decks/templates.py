"""Read an exercise template from a deck file into a validated Template.

Every problem is reported with the line and column of the offending key or value, as the deck
loader does for cards: unknown keys, bad names, undefined or cyclic variables, unknown functions,
empty or inverted ranges, constraints that sampling cannot satisfy, answers that refer to
results the network does not have, and tolerances that make no sense. Reading needs neither
numpy nor sympy, so `gradeck validate` stays fast; the network is checked for its structure
here, and solved only when an exercise is generated.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from gradeck.decks.loader import _Checker, _kind
from gradeck.decks.source import LocDict, LocList, Pos
from gradeck.exercises import template as tpl
from gradeck.exercises.parse import walk
from gradeck.problems import Problem

TEMPLATE_KEYS = (
    "variables",
    "constraints",
    "derived",
    "network",
    "prompt",
    "parts",
    "hints",
    "solution",
)
VARIABLE_KEYS = ("min", "max", "step", "choices")
PART_KEYS = ("label", "prompt", "answer", "tolerance", "abs_tolerance", "mistakes")
MISTAKE_KEYS = ("name", "value", "feedback")

MAX_VARIABLES = 50
MAX_DERIVED = 50
MAX_CONSTRAINTS = 50
MAX_PARTS = 20
MAX_MISTAKES = 20
MAX_HINTS = 20
MAX_CHOICES = 1000
MAX_RANGE_VALUES = 1_000_000
MAX_MAGNITUDE = 1e6
# Expression nodes evaluated at every draw (derived values and constraints), so that sampling a
# template stays well under a second even at the limit.
MAX_DRAW_NODES = 1000
MAX_TOLERANCE = 0.5
LETTERS = "abcdefghijklmnopqrstuvwxyz"

_COMPARISON = re.compile(r"<=|>=|!=|==|<|>|≤|≥|≠")


def read_template(item: LocDict, path: str, problems: list[Problem]) -> tpl.Template | None:
    """The template of an exercise item (its `template:` mapping), or None after adding to
    `problems` everything that is wrong with it."""
    reader = _TemplateReader(path, problems)
    return reader.read(item)


class _TemplateReader:
    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.check = _Checker(path)
        self.check.problems = problems
        self.problems = problems
        self.text_names: dict[str, tuple[str, ...]] = {}  # variables whose choices are text
        self.draw_nodes = 0

    def error(self, pos: Pos, message: str) -> None:
        self.check.error(pos, message)

    # -- the whole template

    def read(self, item: LocDict) -> tpl.Template | None:
        body = item["template"]
        if not isinstance(body, LocDict):
            self.error(item.at("template"), f"'template' must be a mapping, not {_kind(body)}")
            return None
        before = len(self.problems)
        item_id = str(item.get("id", "template"))
        self.check.known_keys(body, TEMPLATE_KEYS, "the template")
        variables = self.variables(body)
        names = frozenset(v.name for v in variables)
        derived_names = self.derived_names(body, names)
        all_names = names | frozenset(derived_names)
        derived = self.derived(body, names, derived_names)
        constraints = self.constraints(body, all_names)
        network = self.network(body, all_names)
        prompt = self.check.text(body, "prompt", "the template", required=True)
        self.placeholders(body, "prompt", prompt, all_names, network)
        parts = self.parts(body, all_names, network)
        hints = self.check.text_list(body, "hints", "the template")
        if len(hints) > MAX_HINTS:
            self.error(body.at("hints"), f"more than {MAX_HINTS} hints")
        for index, hint in enumerate(hints):
            self.placeholders(body["hints"], index, hint, all_names, network)
        solution = self.check.text(body, "solution", "the template") if "solution" in body else ""
        self.placeholders(body, "solution", solution, all_names, network)
        if len(self.problems) > before:
            return None
        title = str(item.get("title") or item_id)
        template = tpl.Template(
            id=item_id,
            title=title,
            variables=tuple(variables),
            derived=tuple(derived),
            constraints=tuple(constraints),
            prompt=prompt,
            parts=tuple(parts),
            hints=hints,
            solution=solution,
            network=network.tree if network else None,
        )
        self.satisfiable(body, template)
        return None if len(self.problems) > before else template

    # -- names, variables and derived values

    def name_ok(self, name: Any, pos: Pos, what: str) -> bool:
        if not isinstance(name, str) or not tpl.NAME_PATTERN.fullmatch(name):
            self.error(
                pos,
                f"{what} name {name!r} must be a letter followed by letters, digits or '_' "
                "(at most 32)",
            )
            return False
        if name in tpl.RESERVED:
            role = "an engine result" if name in tpl.ENGINE_ROOTS else "a function or constant"
            self.error(pos, f"{what} name {name!r} is {role}; choose another name")
            return False
        return True

    def variables(self, body: LocDict) -> list[tpl.Variable]:
        spec = body.get("variables")
        if spec is None:
            return []
        if not isinstance(spec, LocDict):
            self.error(body.at("variables"), f"'variables' must be a mapping, not {_kind(spec)}")
            return []
        if len(spec) > MAX_VARIABLES:
            self.error(body.at("variables"), f"more than {MAX_VARIABLES} variables")
            return []
        out: list[tpl.Variable] = []
        for name, value in spec.items():
            if not self.name_ok(name, spec.key_pos[name], "variable"):
                continue
            variable = self.variable(name, value, spec.at(name))
            if variable is not None:
                out.append(variable)
        return out

    def variable(self, name: str, value: Any, pos: Pos) -> tpl.Variable | None:
        if not isinstance(value, LocDict):
            number = self.number(value, pos, f"variable {name!r}")
            return None if number is None else tpl.ChoiceVar(name, (number,))
        self.check.known_keys(value, VARIABLE_KEYS, f"variable {name!r}")
        has_range = "min" in value or "max" in value or "step" in value
        if "choices" in value:
            if has_range:
                self.error(pos, f"variable {name!r} has 'choices' or min/max/step, not both")
                return None
            return self.choices(name, value)
        if not has_range:
            self.error(pos, f"variable {name!r} needs 'min' and 'max' (and 'step'), or 'choices'")
            return None
        return self.range(name, value)

    def number(self, value: Any, pos: Pos, what: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(pos, f"{what} must be a number, not {_kind(value)}")
            return None
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            self.error(pos, f"{what} is {_short(value)}; numbers are limited to ±{MAX_MAGNITUDE:g}")
            return None
        return float(value)

    def choices(self, name: str, spec: LocDict) -> tpl.Variable | None:
        items = spec["choices"]
        where = f"variable {name!r}"
        if not isinstance(items, LocList):
            self.error(spec.at("choices"), f"'choices' must be a list, not {_kind(items)}")
            return None
        if not items:
            self.error(spec.at("choices"), f"{where}: 'choices' is empty")
            return None
        if len(items) > MAX_CHOICES:
            self.error(spec.at("choices"), f"{where} has more than {MAX_CHOICES} choices")
            return None
        if all(isinstance(c, str) for c in items):
            for index, choice in enumerate(items):
                if not tpl.NAME_PATTERN.fullmatch(choice):
                    self.error(items.at(index), f"text choice {choice!r} must be a single word")
                    return None
            self.text_names[name] = tuple(items)
            return tpl.ChoiceVar(name, tuple(items))
        values = [self.number(c, items.at(i), f"a choice of {where}") for i, c in enumerate(items)]
        if any(v is None for v in values):
            return None
        return tpl.ChoiceVar(name, tuple(v for v in values if v is not None))

    def range(self, name: str, spec: LocDict) -> tpl.Variable | None:
        where = f"variable {name!r}"
        bounds: dict[str, float] = {}
        for key in ("min", "max"):
            if key not in spec:
                self.error(spec.pos, f"{where} is missing {key!r}")
                continue
            value = self.number(spec[key], spec.at(key), f"{key!r} of {where}")
            if value is not None:
                bounds[key] = value
        step_value: float | None
        if "step" in spec:
            step_value = self.number(spec["step"], spec.at("step"), f"'step' of {where}")
            if step_value is not None and step_value <= 0:
                self.error(spec.at("step"), f"'step' of {where} must be above 0")
                step_value = None
        elif all(float(spec.get(k, 0.5)).is_integer() for k in ("min", "max")):
            step_value = 1.0
        else:
            self.error(spec.pos, f"{where} needs a 'step' (such as 0.1) for its fractional range")
            step_value = None
        if len(bounds) < 2 or step_value is None:
            return None
        low, high, step = (_decimal(bounds["min"]), _decimal(bounds["max"]), _decimal(step_value))
        if low > high:
            self.error(
                spec.at("max"),
                f"{where} is an empty range: max {_short(high)} is below min {_short(low)}",
            )
            return None
        variable = tpl.RangeVar(name, low, high, step)
        if variable.count > MAX_RANGE_VALUES:
            self.error(
                spec.at("step"),
                f"{where} has {variable.count:,} values; at most {MAX_RANGE_VALUES:,} "
                "(use a larger step)",
            )
            return None
        return variable

    def derived_names(self, body: LocDict, variables: frozenset[str]) -> list[str]:
        spec = body.get("derived")
        if spec is None:
            return []
        if not isinstance(spec, LocDict):
            self.error(body.at("derived"), f"'derived' must be a mapping, not {_kind(spec)}")
            return []
        if len(spec) > MAX_DERIVED:
            self.error(body.at("derived"), f"more than {MAX_DERIVED} derived values")
            return []
        names = []
        for name in spec:
            if not self.name_ok(name, spec.key_pos[name], "derived value"):
                continue
            if name in variables:
                self.error(spec.key_pos[name], f"{name!r} is already a variable")
                continue
            names.append(name)
        return names

    def expression(
        self, text: Any, pos: Pos, names: frozenset[str], what: str, refs: bool = False
    ) -> tpl.Expr | None:
        try:
            expr = tpl.compile_expr(text, names, allow_refs=refs)
        except tpl.ExprError as exc:
            self.error(pos, f"{what}: {exc}")
            return None
        text_used = sorted(expr.names & frozenset(self.text_names))
        if text_used:
            used = text_used[0]
            options = ", ".join(self.text_names[used])
            self.error(pos, f"{what}: {used!r} is text (one of {options}), not a number")
            return None
        return expr

    def derived(
        self, body: LocDict, variables: frozenset[str], names: list[str]
    ) -> list[tuple[str, tpl.Expr]]:
        spec = body.get("derived")
        all_names = variables | frozenset(names)
        exprs: dict[str, tpl.Expr] = {}
        for name in names:
            expr = self.expression(spec[name], spec.at(name), all_names, f"derived value {name!r}")
            if expr is not None:
                exprs[name] = expr
                self.draw_nodes += _nodes(expr)
        order, cycle = _evaluation_order(exprs, names)
        if not cycle:
            return [(n, exprs[n]) for n in order]
        self.error(
            spec.at(cycle[0]),
            "derived values depend on each other in a cycle: " + " → ".join([*cycle, cycle[0]]),
        )
        return []

    def constraints(self, body: LocDict, names: frozenset[str]) -> list[tpl.Constraint]:
        spec = body.get("constraints")
        if spec is None:
            return []
        if not isinstance(spec, LocList):
            self.error(body.at("constraints"), f"'constraints' must be a list, not {_kind(spec)}")
            return []
        if len(spec) > MAX_CONSTRAINTS:
            self.error(body.at("constraints"), f"more than {MAX_CONSTRAINTS} constraints")
            return []
        out = []
        for index, text in enumerate(spec):
            pos = spec.at(index)
            if not isinstance(text, str):
                self.error(
                    pos, f"a constraint must be text such as 'a - b > 0.1', not {_kind(text)}"
                )
                continue
            found = list(_COMPARISON.finditer(text))
            if len(found) != 1:
                self.error(
                    pos,
                    f"constraint {text!r} must compare two expressions with one of "
                    "<, <=, >, >=, ==, != (as in 'a - b > 0.1')",
                )
                continue
            match = found[0]
            op = tpl._UNICODE_COMPARISONS.get(match.group(0), match.group(0))
            what = f"constraint {text!r}"
            left = self.expression(text[: match.start()], pos, names, what)
            right = self.expression(text[match.end() :], pos, names, what)
            if left and right:
                out.append(tpl.Constraint(text, left, op, right))
                self.draw_nodes += _nodes(left) + _nodes(right)
        if self.draw_nodes > MAX_DRAW_NODES:
            self.error(
                body.pos,
                f"the derived values and constraints are too large ({self.draw_nodes:,} "
                f"terms; at most {MAX_DRAW_NODES:,})",
            )
        return out

    # -- the network

    def network(self, body: LocDict, names: frozenset[str]):
        if "network" not in body:
            return None
        from gradeck.decks.template_network import read_network

        return read_network(body, names, self)

    # -- texts with placeholders

    def placeholders(
        self, where: Any, key: Any, text: str, names: frozenset[str], network: Any
    ) -> None:
        """Check every `{expr}` / `{expr:spec}` of a text, and that braces are balanced."""
        if not text:
            return
        pos = where.at(key)
        label = f"{key!r}" if isinstance(key, str) else f"hint {key + 1}"
        for match in re.finditer(r"\{\{|\}\}|\{([^{}]*)\}|[{}]", text):
            token = match.group(0)
            if token in ("{{", "}}"):
                continue
            if token in "{}":
                self.error(
                    pos, f"{label} has an unmatched {token!r}; write {token * 2} for a brace"
                )
                return
            body, spec = tpl.split_placeholder(match.group(1))
            if not tpl.FORMAT_SPEC.fullmatch(spec):
                self.error(
                    pos,
                    f"placeholder {token} in {label}: format {spec!r} is not supported "
                    "(use .2f, .3g, .1%, +.2f and the like)",
                )
                continue
            if body.strip() in self.text_names:
                continue  # a text choice, shown as it is
            expr = self.expression(
                body, pos, names, f"placeholder {token} in {label}", refs=network is not None
            )
            if expr is not None and network is not None:
                self.refs(expr, pos, network, f"placeholder {token} in {label}")

    # -- parts

    def parts(self, body: LocDict, names: frozenset[str], network: Any) -> list[tpl.PartSpec]:
        if "parts" not in body:
            self.error(body.pos, "the template is missing required field 'parts'")
            return []
        spec = body["parts"]
        if not isinstance(spec, LocList) or not spec:
            what = "empty" if isinstance(spec, LocList) else f"not a list but {_kind(spec)}"
            self.error(body.at("parts"), f"'parts' is {what}; give at least one answer part")
            return []
        if len(spec) > MAX_PARTS:
            self.error(body.at("parts"), f"more than {MAX_PARTS} parts")
            return []
        out = []
        for index, part in enumerate(spec):
            if not isinstance(part, LocDict):
                self.error(spec.at(index), "each part must be a mapping with 'prompt' and 'answer'")
                continue
            read = self.part(part, index, names, network)
            if read is not None:
                out.append(read)
        return out

    def part(
        self, part: LocDict, index: int, names: frozenset[str], network: Any
    ) -> tpl.PartSpec | None:
        where = f"part {index + 1}"
        self.check.known_keys(part, PART_KEYS, where)
        label = self.check.text(part, "label", where) if "label" in part else LETTERS[index]
        prompt = self.check.text(part, "prompt", where, required=True)
        self.placeholders(part, "prompt", prompt, names, network)
        if "answer" not in part:
            self.error(part.pos, f"{where} is missing required field 'answer'")
            return None
        answer = self.answer(part, "answer", names, network, f"the answer of {where}")
        rel_tol = self.tolerance(part, "tolerance", where, tpl.DEFAULT_TOLERANCE)
        abs_tol = self.tolerance(part, "abs_tolerance", where, 1e-9)
        mistakes = self.mistakes(part, where, names, network)
        if answer is None or rel_tol is None or abs_tol is None or mistakes is None:
            return None
        return tpl.PartSpec(label, prompt, answer, rel_tol, abs_tol, tuple(mistakes))

    def answer(
        self, where: LocDict, key: str, names: frozenset[str], network: Any, what: str
    ) -> tpl.Expr | None:
        pos = where.at(key)
        expr = self.expression(where[key], pos, names, what, refs=True)
        if expr is None:
            return None
        if expr.refs and network is None:
            self.error(
                pos,
                f"{what}: {expr.refs[0].text!r} is a network result, but the template has no "
                "'network'",
            )
            return None
        if network is not None and not self.refs(expr, pos, network, what):
            return None
        return expr

    def refs(self, expr: tpl.Expr, pos: Pos, network: Any, what: str) -> bool:
        for ref in expr.refs:
            problem = network.check_ref(ref)
            if problem:
                self.error(pos, f"{what}: {problem}")
                return False
        return True

    def tolerance(self, part: LocDict, key: str, where: str, default: float) -> float | None:
        if key not in part:
            return default
        value = part[key]
        pos = part.at(key)
        if isinstance(value, str) and value.strip().endswith("%"):
            self.error(pos, f"{key!r} of {where}: write {value.strip()} as a fraction, e.g. 0.01")
            return None
        number = self.number(value, pos, f"{key!r} of {where}")
        if number is None:
            return None
        if number < 0:
            self.error(pos, f"{key!r} of {where} is negative")
            return None
        if key == "tolerance" and number > MAX_TOLERANCE:
            self.error(
                pos,
                f"'tolerance' of {where} is {_short(number)}: it is relative, so this accepts "
                f"answers off by {number:.0%}; use a fraction such as 0.01 (1%)",
            )
            return None
        return number

    def mistakes(
        self, part: LocDict, where: str, names: frozenset[str], network: Any
    ) -> list[tpl.MistakeSpec] | None:
        spec = part.get("mistakes")
        if spec is None:
            return []
        if not isinstance(spec, LocList):
            self.error(part.at("mistakes"), f"'mistakes' must be a list, not {_kind(spec)}")
            return None
        if len(spec) > MAX_MISTAKES:
            self.error(part.at("mistakes"), f"more than {MAX_MISTAKES} mistakes")
            return None
        out = []
        ok = True
        for index, mistake in enumerate(spec):
            what = f"mistake {index + 1} of {where}"
            if not isinstance(mistake, LocDict):
                self.error(spec.at(index), f"{what} must be a mapping with 'value' and 'feedback'")
                ok = False
                continue
            self.check.known_keys(mistake, MISTAKE_KEYS, what)
            feedback = self.check.text(mistake, "feedback", what, required=True)
            self.placeholders(mistake, "feedback", feedback, names, network)
            name = self.check.text(mistake, "name", what) if "name" in mistake else what
            if "value" not in mistake:
                self.error(mistake.pos, f"{what} is missing required field 'value'")
                ok = False
                continue
            value = self.answer(mistake, "value", names, network, f"the value of {what}")
            if value is None or not feedback:
                ok = False
                continue
            out.append(tpl.MistakeSpec(name, value, feedback))
        return out if ok else None

    # -- sampling

    def satisfiable(self, body: LocDict, template: tpl.Template) -> None:
        if not template.constraints and not template.derived:
            return
        accepted, reason = tpl.sample(template)
        if accepted >= tpl.MIN_ACCEPTED:
            return
        key = "constraints" if template.constraints else "derived"
        pos = body.key_pos.get(key, body.pos)
        if accepted == 0:
            self.error(
                pos,
                f"no usable values in {tpl.SAMPLE_DRAWS:,} draws: {reason}; "
                "widen the ranges or loosen the constraints",
            )
        else:
            self.error(
                pos,
                f"only {accepted} of {tpl.SAMPLE_DRAWS:,} draws give usable values "
                f"(first failure: {reason}); at least {tpl.MIN_ACCEPTED} are needed, "
                "so widen the ranges or loosen the constraints",
            )


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value)) if not float(value).is_integer() else Decimal(int(value))


def _short(value: Any) -> str:
    text = f"{float(value):g}" if isinstance(value, int | float | Decimal) else repr(value)
    return text if len(text) <= 24 else text[:24] + "…"


def _nodes(expr: tpl.Expr) -> int:
    return sum(1 for _ in walk(expr.node))


def _evaluation_order(
    exprs: dict[str, tpl.Expr], names: list[str]
) -> tuple[list[str], tuple[str, ...]]:
    """(names in an order where each follows those it uses, ()) or ([], a cycle among them)."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(name: str, trail: list[str]) -> tuple[str, ...]:
        if state.get(name) == 2:
            return ()
        if state.get(name) == 1:
            return tuple(trail[trail.index(name) :])
        state[name] = 1
        for used in sorted(exprs[name].names & exprs.keys()):
            cycle = visit(used, [*trail, name])
            if cycle:
                return cycle
        state[name] = 2
        order.append(name)
        return ()

    for name in names:
        if name in exprs:
            cycle = visit(name, [])
            if cycle:
                return [], cycle
    return order, ()
