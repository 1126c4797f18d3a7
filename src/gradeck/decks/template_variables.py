"""Reading a template's variables, derived values and constraints, with their line and column:
bad names, empty or inverted ranges, text used as a number, cycles among derived values."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from gradeck.decks.checker import kind
from gradeck.decks.source import LocDict, LocList, Pos
from gradeck.decks.template_reader import ReaderBase, _short
from gradeck.exercises.template_expr import (
    ENGINE_ROOTS,
    NAME_PATTERN,
    RESERVED,
    Expr,
)
from gradeck.exercises.template_model import (
    ChoiceVar,
    Condition,
    Derived,
    RangeVar,
    Variable,
    VectorVar,
)

VARIABLE_KEYS = ("min", "max", "step", "choices", "size")
MAX_SIZE = 10  # the most numbers in a vector variable
DERIVED_KEYS = ("value", "step", "by", "cases")
MAX_VARIABLES = 50
MAX_DERIVED = 50
MAX_CONSTRAINTS = 50
MAX_CHOICES = 1000
MAX_RANGE_VALUES = 1_000_000


class VariablesReader(ReaderBase):
    """Variables, derived values and constraints."""

    def name_ok(self, name: Any, pos: Pos, what: str) -> bool:
        if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
            self.error(
                pos,
                f"{what} name {_short(name)} must be a letter followed by letters, digits or '_' "
                "(at most 32)",
            )
            return False
        if name in RESERVED:
            role = "an engine result" if name in ENGINE_ROOTS else "a function or constant"
            self.error(pos, f"{what} name {name!r} is {role}; choose another name")
            return False
        return True

    def variables(self, body: LocDict) -> list[Variable]:
        spec = body.get("variables")
        if spec is None:
            return []
        if not isinstance(spec, LocDict):
            self.error(body.at("variables"), f"'variables' must be a mapping, not {kind(spec)}")
            return []
        if len(spec) > MAX_VARIABLES:
            self.error(body.at("variables"), f"more than {MAX_VARIABLES} variables")
            return []
        out: list[Variable] = []
        for name, value in spec.items():
            if not self.name_ok(name, spec.key_pos[name], "variable"):
                continue
            variable = self.variable(name, value, spec.at(name))
            if variable is not None:
                out.append(variable)
        return out

    def variable(self, name: str, value: Any, pos: Pos) -> Variable | None:
        if not isinstance(value, LocDict):
            number = self.number(value, pos, f"variable {name!r}")
            return None if number is None else ChoiceVar(name, (number,))
        self.check.known_keys(value, VARIABLE_KEYS, f"variable {name!r}")
        if "size" in value:
            return self.vector(name, value)
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

    def vector(self, name: str, spec: LocDict) -> Variable | None:
        """`size` numbers drawn each on its own, from a range or from numeric choices."""
        size = spec["size"]
        if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= MAX_SIZE:
            self.error(spec.at("size"), f"'size' of variable {name!r} must be a whole number "
                       f"from 2 to {MAX_SIZE}")  # fmt: skip
            return None
        element_spec = LocDict()
        element_spec.update({k: v for k, v in spec.items() if k != "size"})
        element_spec.pos, element_spec.key_pos = spec.pos, spec.key_pos
        element_spec.value_pos, element_spec.raw = spec.value_pos, spec.raw
        element = self.variable(name, element_spec, spec.pos)
        if element is None:
            return None
        if not isinstance(element, RangeVar | ChoiceVar) or name in self.text_names:
            self.error(spec.pos, f"a vector variable's values are numbers: {name!r} is not")
            self.text_names.pop(name, None)
            return None
        self.vectors[name] = size
        return VectorVar(name, element, size)

    def choices(self, name: str, spec: LocDict) -> Variable | None:
        items = spec["choices"]
        where = f"variable {name!r}"
        if not isinstance(items, LocList):
            self.error(spec.at("choices"), f"'choices' must be a list, not {kind(items)}")
            return None
        if not items:
            self.error(spec.at("choices"), f"{where}: 'choices' is empty")
            return None
        if len(items) > MAX_CHOICES:
            self.error(spec.at("choices"), f"{where} has more than {MAX_CHOICES} choices")
            return None
        if all(isinstance(c, str) for c in items):
            for index, choice in enumerate(items):
                if not NAME_PATTERN.fullmatch(choice):
                    self.error(items.at(index), f"text choice {choice!r} must be a single word")
                    return None
            self.text_names[name] = tuple(items)
            return ChoiceVar(name, tuple(items))
        values = [self.number(c, items.at(i), f"a choice of {where}") for i, c in enumerate(items)]
        if any(v is None for v in values):
            return None
        return ChoiceVar(name, tuple(v for v in values if v is not None))

    def range(self, name: str, spec: LocDict) -> Variable | None:
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
        elif len(bounds) < 2 or all(bounds[k].is_integer() for k in ("min", "max")):
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
        variable = RangeVar(name, low, high, step)
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
            self.error(body.at("derived"), f"'derived' must be a mapping, not {kind(spec)}")
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

    def derived(self, body: LocDict, variables: frozenset[str], names: list[str]) -> list[Derived]:
        """Each derived value: an expression, {value: expression, step: text}, or a case per
        word of a word variable, {by: name, cases: {word: expression, ...}}. A value that uses
        the network's results (itself or through another) is late: worked out once the network
        is solved, so constraints and the network's numbers cannot use it."""
        spec = body.get("derived")
        if not isinstance(spec, LocDict):
            return []
        all_names = variables | frozenset(names)
        read: dict[str, Derived] = {}
        for name in names:
            what = f"derived value {name!r}"
            where, key, step = spec, name, ""
            if isinstance(spec[name], LocDict):
                where, key = spec[name], "value"
                self.check.known_keys(where, DERIVED_KEYS, what)
                if "step" in where:
                    step = self.check.text(where, "step", what)
                    self.placeholders(where, "step", step, all_names)
                if "by" in where or "cases" in where:
                    cases = self.cases(where, all_names, what)
                    if cases:
                        read[name] = Derived(name, cases[0][1], step, where["by"], cases)
                    continue
                if "value" not in where:
                    self.error(where.pos, f"{what} is missing required field 'value'")
                    continue
            expr = self.expression(
                where[key], where.at(key), all_names, what, refs=self.has_network, per_draw=True
            )
            if expr is not None and self.refs(expr, where.at(key), what, alone=False):
                read[name] = Derived(name, expr, step)
        order, cycle = _evaluation_order({n: d.names for n, d in read.items()}, names)
        if cycle:
            self.error(
                spec.at(cycle[0]),
                "derived values depend on each other in a cycle: " + " → ".join([*cycle, cycle[0]]),
            )
            return []
        out: list[Derived] = []
        for n in order:
            d = read[n]
            exprs = [e for _, e in d.cases] or [d.expr]
            engine = any(r.root in ENGINE_ROOTS for e in exprs for r in e.refs)
            if engine or d.names & self.late_names:
                self.late_names.add(n)
                d = replace(d, late=True)
            out.append(d)
        return out

    def cases(
        self, where: LocDict, names: frozenset[str], what: str
    ) -> tuple[tuple[str, Expr], ...]:
        """The cases of a value chosen by a word variable, one per word; () after an error."""
        by, cases = where.get("by"), where.get("cases")
        if "value" in where:
            self.error(where.key_pos["value"], f"{what} has 'by' and 'cases': its value is "
                       "the case of the drawn word, so it takes no 'value'")  # fmt: skip
            return ()
        if by not in self.text_names:
            self.error(where.at("by") if "by" in where else where.pos,
                       f"{what}: 'by' must name a variable whose choices are words")  # fmt: skip
            return ()
        if not isinstance(cases, LocDict):
            self.error(where.at("cases") if "cases" in where else where.pos,
                       f"{what}: 'cases' maps each word of {by!r} to an expression")  # fmt: skip
            return ()
        words = self.text_names[by]
        for word in cases:
            if word not in words:
                self.error(cases.key_pos[word], f"{what}: {word!r} is not one of the "
                           f"choices of {by!r} ({', '.join(words)})")  # fmt: skip
                return ()
        missing = [w for w in words if w not in cases]
        if missing:
            self.error(where.at("cases"), f"{what}: no case for {', '.join(map(repr, missing))}")
            return ()
        out = []
        for word in words:
            expr = self.expression(
                cases[word], cases.at(word), names, f"{what}, case {word!r}",
                refs=self.has_network, per_draw=True,
            )  # fmt: skip
            if expr is None or not self.refs(expr, cases.at(word), what, alone=False):
                return ()
            out.append((word, expr))
        return tuple(out)

    def constraints(self, body: LocDict, names: frozenset[str]) -> list[Condition]:
        spec = body.get("constraints")
        if spec is None:
            return []
        if not isinstance(spec, LocList):
            self.error(body.at("constraints"), f"'constraints' must be a list, not {kind(spec)}")
            return []
        if len(spec) > MAX_CONSTRAINTS:
            self.error(body.at("constraints"), f"more than {MAX_CONSTRAINTS} constraints")
            return []
        out = []
        for index, text in enumerate(spec):
            pos = spec.at(index)
            if not isinstance(text, str):
                self.error(
                    pos, f"a constraint must be text such as 'a - b > 0.1', not {kind(text)}"
                )
                continue
            condition = self.condition(text, pos, names, f"constraint {text!r}")
            if condition is not None:
                out.append(condition)
        return out


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value)) if not float(value).is_integer() else Decimal(int(value))


def _evaluation_order(
    exprs: dict[str, frozenset[str]], names: list[str]
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
        for used in sorted(exprs[name] & exprs.keys()):
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
