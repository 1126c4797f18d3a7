"""Read an exercise template from a deck file into a validated Template.

Every problem is reported with the line and column of the offending key or value, as the deck
loader does for cards: unknown keys, bad names, undefined or cyclic variables, unknown functions,
empty or inverted ranges, constraints that sampling cannot satisfy, answers that refer to
results the network does not have, and tolerances that make no sense. A template without a
network needs neither numpy nor sympy, so `gradeck validate` stays fast; a network is read by
`gradeck solve`'s own spec reader (numpy), and solved as validation samples the template.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from gradeck.decks.checker import Checker, kind
from gradeck.decks.network_spec import float_text, plain_number
from gradeck.decks.source import LocDict, LocList, Pos
from gradeck.exercises import template as tpl
from gradeck.exercises.parse import ParseError, Var, walk
from gradeck.exercises.template_network import NetworkPlan
from gradeck.problems import Problem, ProblemsError

if TYPE_CHECKING:
    from gradeck.engine.network import NetworkSpec

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
DERIVED_KEYS = ("value", "step")
PART_KEYS = ("label", "prompt", "answer", "tolerance", "abs_tolerance", "exact", "points",
             "mistakes")  # fmt: skip
MAX_POINTS = 100
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
# Expression nodes in one template (derived values, constraints, answers, mistakes and
# placeholders), and those that sampling may evaluate for one deck file: validating a file,
# however hostile, stays well under a second.
MAX_TEMPLATE_NODES = 500
FILE_SAMPLE_BUDGET = 150_000
READ_COST = 300  # reading and compiling one template, in the same units (measured)
MAX_TOLERANCE = 0.5
# A template's network is solved at every review and stays paper-sized.
MAX_NETWORK_PARAMS = 100
MAX_NETWORK_SAMPLES = 8
MAX_NETWORK_STEPS = 20
MAX_NETWORK_VALUES = 300  # every number and name in it, checked before anything is read
PROBES = 5  # draws tried when checking a network whose numbers come from variables
WORD_SETTINGS = ("activation", "loss", "name", "optimizer")  # network keys holding a name
LETTERS = "abcdefghijklmnopqrstuvwxyz"

_COMPARISON = re.compile(r"<=|>=|!=|==|<|>|≤|≥|≠")


def read_template(item: LocDict, check: Checker) -> tpl.Template | None:
    """The template of an exercise item (its `template:` mapping), or None after adding to the
    checker's problems everything that is wrong with it."""
    return _TemplateReader(check).read(item)


class _TemplateReader:
    def __init__(self, check: Checker) -> None:
        self.check = check
        self.problems: list[Problem] = check.problems
        self.text_names: dict[str, tuple[str, ...]] = {}  # variables whose choices are text
        self.draw_nodes = 0  # evaluated at every draw: derived values and constraints
        self.parts_nodes = 0  # evaluated for every variant: answers, mistakes, placeholders
        self.has_network = False
        self.plan: NetworkPlan | None = None  # None also when the network could not be read

    def error(self, pos: Pos, message: str) -> None:
        self.check.error(pos, message)

    # -- the whole template

    def read(self, item: LocDict) -> tpl.Template | None:
        body = item["template"]
        if not isinstance(body, LocDict):
            self.error(item.at("template"), f"'template' must be a mapping, not {kind(body)}")
            return None
        if self.check.sample_work + READ_COST > FILE_SAMPLE_BUDGET:
            self.over_budget(item.at("template"))
            return None
        self.check.sample_work += READ_COST
        before = len(self.problems)
        item_id = str(item.get("id", "template"))
        self.check.known_keys(body, TEMPLATE_KEYS, "the template")
        variables = self.variables(body)
        # Every well-formed declared name, read or not, so that a bad variable gives one error,
        # not one at each use.
        declared = body.get("variables")
        names = (
            frozenset(n for n in declared if tpl.NAME_PATTERN.fullmatch(str(n)))
            if isinstance(declared, LocDict)
            else frozenset()
        )
        derived_names = self.derived_names(body, names)
        all_names = names | frozenset(derived_names)
        derived = self.derived(body, names, derived_names)
        constraints = self.constraints(body, all_names)
        self.has_network = "network" in body
        if self.has_network and len(self.problems) == before:
            probe = tpl.Template(
                item_id, "", tuple(variables), tuple(derived), tuple(constraints), "", ()
            )
            self.plan = self.network(body, all_names, probe)
        prompt = self.check.text(body, "prompt", "the template", required=True)
        self.placeholders(body, "prompt", prompt, all_names)
        parts = self.parts(body, all_names)
        hints = self.check.text_list(body, "hints", "the template")
        if len(hints) > MAX_HINTS:
            self.error(body.at("hints"), f"more than {MAX_HINTS} hints")
        for index, hint in enumerate(hints):
            self.placeholders(body["hints"], index, hint, all_names)
        solution = self.check.text(body, "solution", "the template") if "solution" in body else ""
        self.placeholders(body, "solution", solution, all_names)
        size = self.draw_nodes + self.parts_nodes
        if size > MAX_TEMPLATE_NODES:
            self.error(
                item.at("template"),
                f"the template's expressions are too large ({size:,} terms in all; "
                f"at most {MAX_TEMPLATE_NODES:,})",
            )
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
            network=self.plan,
            draw_cost=self.draw_nodes,
            parts_cost=self.parts_nodes,
        )
        self.satisfiable(body, template)
        return None if len(self.problems) > before else template

    # -- names, variables and derived values

    def name_ok(self, name: Any, pos: Pos, what: str) -> bool:
        if not isinstance(name, str) or not tpl.NAME_PATTERN.fullmatch(name):
            self.error(
                pos,
                f"{what} name {_short(name)} must be a letter followed by letters, digits or '_' "
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
            self.error(body.at("variables"), f"'variables' must be a mapping, not {kind(spec)}")
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

    def choices(self, name: str, spec: LocDict) -> tpl.Variable | None:
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

    def expression(
        self,
        text: Any,
        pos: Pos,
        names: frozenset[str],
        what: str,
        refs: bool = False,
        per_draw: bool = False,
    ) -> tpl.Expr | None:
        """The compiled expression, counted against the template's size; None after an error.

        `per_draw`: evaluated at every draw (derived values, constraints), not per variant.
        """
        try:
            expr = tpl.compile_expr(text, names, allow_refs=refs)
        except tpl.ExprError as exc:
            self.error(pos, f"{what}: {exc}")
            return None
        if per_draw:
            self.draw_nodes += _nodes(expr)
        else:
            self.parts_nodes += _nodes(expr)
        text_used = sorted(expr.names & frozenset(self.text_names))
        if text_used:
            used = text_used[0]
            options = ", ".join(self.text_names[used])
            self.error(pos, f"{what}: {used!r} is text (one of {options}), not a number")
            return None
        return expr

    def derived(
        self, body: LocDict, variables: frozenset[str], names: list[str]
    ) -> list[tpl.Derived]:
        """Each derived value: an expression, or {value: expression, step: text}."""
        spec = body.get("derived")
        all_names = variables | frozenset(names)
        read: dict[str, tpl.Derived] = {}
        for name in names:
            what = f"derived value {name!r}"
            where, key, step = spec, name, ""
            if isinstance(spec[name], LocDict):
                where, key = spec[name], "value"
                self.check.known_keys(where, DERIVED_KEYS, what)
                if "value" not in where:
                    self.error(where.pos, f"{what} is missing required field 'value'")
                    continue
                if "step" in where:
                    step = self.check.text(where, "step", what)
                    self.placeholders(where, "step", step, all_names)
            expr = self.expression(where[key], where.at(key), all_names, what, per_draw=True)
            if expr is not None:
                read[name] = tpl.Derived(name, expr, step)
        order, cycle = _evaluation_order({n: d.expr for n, d in read.items()}, names)
        if not cycle:
            return [read[n] for n in order]
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
            found = list(_COMPARISON.finditer(text))
            if len(found) != 1:
                self.error(
                    pos,
                    f"constraint {text!r} must compare two expressions with one of "
                    "<, <=, >, >=, ==, != (as in 'a - b > 0.1')",
                )
                continue
            match = found[0]
            op = tpl.UNICODE_COMPARISONS.get(match.group(0), match.group(0))
            what = f"constraint {text!r}"
            left = self.expression(text[: match.start()], pos, names, what, per_draw=True)
            right = self.expression(text[match.end() :], pos, names, what, per_draw=True)
            if left and right:
                out.append(tpl.Constraint(text, left, op, right))
        return out

    # -- the network

    def network(
        self, body: LocDict, names: frozenset[str], probe: tpl.Template
    ) -> NetworkPlan | None:
        """The network read by `gradeck solve`'s own reader, its numbers taken from one draw.

        Its shape is fixed by the file; the numbers vary per draw and are read again, through
        the same reader, when an exercise is generated.
        """
        from gradeck.decks.network_spec import read_spec

        tree = body["network"]
        if not isinstance(tree, LocDict):
            self.error(body.at("network"), f"'network' must be a mapping, not {kind(tree)}")
            return None
        if _leaf_count(tree) > MAX_NETWORK_VALUES:
            self.error(
                body.at("network"),
                f"a template's network holds more than {MAX_NETWORK_VALUES} values; "
                f"at most {MAX_NETWORK_PARAMS} weights and biases, {MAX_NETWORK_SAMPLES} samples "
                f"and {MAX_NETWORK_STEPS} steps",
            )
            return None
        steps = self.steps_range(tree, probe)
        if steps is None:
            return None
        report = tpl.sample(probe, FILE_SAMPLE_BUDGET - self.check.sample_work, PROBES)
        self.check.sample_work += report.work
        if not report.usable:
            self.sampling_problem(body, report)
            return None
        leaves: dict[str, tpl.Expr] = {}
        failures: list[Problem] = []
        for env in report.usable:  # a few draws: one whose numbers suit the network will do

            def number(value: Any, env: dict[str, Any] = env) -> float:
                if not isinstance(value, str):
                    return plain_number(value)
                text = _leaf_text(value)
                if text not in leaves:
                    leaves[text] = self.leaf(text, names)
                return _leaf_value(leaves[text], env)

            words = {n: env[n] for n in self.text_names}
            try:
                spec = read_spec(_with_words(tree, words), self.check.path, number)
                break
            except ProblemsError as exc:
                failures = failures or exc.problems
        else:
            self.problems.extend(failures)
            return None
        if not self.small_enough(tree, spec, steps[1]):
            return None
        return NetworkPlan(
            tuple(spec.input.shape),
            tuple(layer.weights.shape for layer in spec.layers),
            steps[0],
            _builder(tree, self.check.path, leaves, frozenset(self.text_names)),
            max_steps=steps[1],
        )

    def steps_range(self, tree: LocDict, probe: tpl.Template) -> tuple[int, int] | None:
        """The fewest and the most steps any draw can ask for, from the declared values (the
        worst case, never one draw's); None after an error.

        `steps` is a whole number or one variable, whose every declared value is checked. The
        shapes (layer sizes, batch) need no such care: they are lists in the file, the same for
        every draw.
        """
        value = tree.get("steps", 1)
        if not isinstance(value, str):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.error(tree.at("steps"), f"steps must be a whole number of at least 1, "
                           f"not {_short(value)}")  # fmt: skip
                return None
            return value, value
        name = _leaf_text(value)
        variable = next((v for v in probe.variables if v.name == name), None)
        extremes = None if variable is None else _extremes(variable)
        if extremes is None:
            self.error(
                tree.at("steps"),
                f"steps {name!r} must be a whole number or one numeric variable (not a derived "
                "value or an expression), so that its largest value can be checked",
            )
            return None
        least, most, whole = extremes
        if not whole or least < 1:
            self.error(tree.at("steps"), f"steps {name!r} can be {_short(least)}; each of its "
                       "values must be a whole number of at least 1")  # fmt: skip
            return None
        return int(least), int(most)

    def leaf(self, text: str, names: frozenset[str]) -> tpl.Expr:
        """A number of the network written as a variable or an expression (ValueError if not)."""
        try:
            expr = tpl.compile_expr(text, names, allow_refs=False)
        except tpl.ExprError as exc:
            raise ValueError(
                f"is neither a number nor an expression of the values: {exc}"
            ) from None
        words = sorted(expr.names & frozenset(self.text_names))
        if words:
            raise ValueError(f"uses {words[0]!r}, a word, where a number is needed")
        self.parts_nodes += _nodes(expr)
        return expr

    def small_enough(self, tree: LocDict, spec: NetworkSpec, steps: int) -> bool:
        """A template's network is solved at every review: keep it to paper-sized work, with
        `steps` the most that any draw can ask for."""
        weights = sum(layer.weights.size + layer.bias.size for layer in spec.layers)
        samples = spec.input.shape[0] if spec.input.ndim == 2 else 1
        most = "" if isinstance(tree.get("steps"), int) else "up to "
        for too_big, key, message in (
            (weights > MAX_NETWORK_PARAMS, "layers", f"{weights} weights and biases"),
            (samples > MAX_NETWORK_SAMPLES, "input", f"{samples} samples"),
            (steps > MAX_NETWORK_STEPS, "steps", f"{most}{steps} steps"),
        ):
            if too_big:
                limits = (
                    f"at most {MAX_NETWORK_PARAMS} weights and biases, {MAX_NETWORK_SAMPLES} "
                    f"samples and {MAX_NETWORK_STEPS} steps"
                )
                self.error(tree.at(key), f"a template's network has {message}; {limits}")
                return False
        return True

    # -- texts with placeholders

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
            body, spec = tpl.split_placeholder(match.group(1))
            if not body.strip():
                self.error(
                    pos, f"{label} has an empty placeholder {token}; write {{{{ and }}}} for braces"
                )
                continue
            if not tpl.FORMAT_SPEC.fullmatch(spec):
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

    # -- parts

    def parts(self, body: LocDict, names: frozenset[str]) -> list[tpl.PartSpec]:
        if "parts" not in body:
            self.error(body.pos, "the template is missing required field 'parts'")
            return []
        spec = body["parts"]
        if not isinstance(spec, LocList) or not spec:
            what = "empty" if isinstance(spec, LocList) else f"not a list but {kind(spec)}"
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
            read = self.part(part, index, names)
            if read is not None:
                out.append(read)
        return out

    def part(self, part: LocDict, index: int, names: frozenset[str]) -> tpl.PartSpec | None:
        where = f"part {index + 1}"
        self.check.known_keys(part, PART_KEYS, where)
        label = self.check.text(part, "label", where) if "label" in part else LETTERS[index]
        prompt = self.check.text(part, "prompt", where, required=True)
        self.placeholders(part, "prompt", prompt, names)
        if "answer" not in part:
            self.error(part.pos, f"{where} is missing required field 'answer'")
            return None
        answer = self.answer(part, "answer", names, f"the answer of {where}")
        rel_tol = self.tolerance(part, "tolerance", where, tpl.DEFAULT_TOLERANCE)
        abs_tol = self.tolerance(part, "abs_tolerance", where, 1e-9)
        mistakes = self.mistakes(part, where, names)
        exact = self.exact(part, where, rel_tol)
        points = self.points(part, where)
        if None in (answer, rel_tol, abs_tol, mistakes, exact, points):
            return None
        assert answer is not None and rel_tol is not None and abs_tol is not None
        assert mistakes is not None and exact is not None and points is not None
        return tpl.PartSpec(label, prompt, answer, rel_tol, abs_tol, tuple(mistakes), exact,
                            points)  # fmt: skip

    def exact(self, part: LocDict, where: str, rel_tol: float | None) -> bool | None:
        """`exact: true`, or `tolerance: 0`: the answer is a whole number given exactly."""
        value = part.get("exact", False)
        if not isinstance(value, bool):
            self.error(part.at("exact"), f"'exact' of {where} must be true or false")
            return None
        return value or rel_tol == 0

    def points(self, part: LocDict, where: str) -> float | None:
        if "points" not in part:
            return 1.0
        number = self.number(part["points"], part.at("points"), f"'points' of {where}")
        if number is None:
            return None
        if not 0 < number <= MAX_POINTS:
            self.error(part.at("points"), f"'points' of {where} must be above 0 and at most "
                       f"{MAX_POINTS}")  # fmt: skip
            return None
        return number

    def answer(self, where: LocDict, key: str, names: frozenset[str], what: str) -> tpl.Expr | None:
        pos = where.at(key)
        expr = self.expression(where[key], pos, names, what, refs=True)
        return expr if expr is not None and self.refs(expr, pos, what) else None

    def refs(self, expr: tpl.Expr, pos: Pos, what: str) -> bool:
        """Whether every engine result `expr` uses exists in the network (checked when the
        network could be read), else a problem."""
        for ref in expr.refs:
            problem = ""
            if not self.has_network:
                problem = f"{ref.text!r} is a network result, but the template has no 'network'"
            elif self.plan:
                problem = self.plan.check_ref(ref)
                alone = isinstance(expr.node, Var) and not problem
                if not alone and not problem and self.plan.dims(ref):
                    problem = (
                        f"{ref.text!r} is a vector or matrix: name it alone as the whole answer, "
                        "or index one number of it for arithmetic"
                    )
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
        self, part: LocDict, where: str, names: frozenset[str]
    ) -> list[tpl.MistakeSpec] | None:
        spec = part.get("mistakes")
        if spec is None:
            return []
        if not isinstance(spec, LocList):
            self.error(part.at("mistakes"), f"'mistakes' must be a list, not {kind(spec)}")
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
            self.placeholders(mistake, "feedback", feedback, names)
            name = self.check.text(mistake, "name", what) if "name" in mistake else what
            if "value" not in mistake:
                self.error(mistake.pos, f"{what} is missing required field 'value'")
                ok = False
                continue
            value = self.answer(mistake, "value", names, f"the value of {what}")
            if value is None or not feedback:
                ok = False
                continue
            out.append(tpl.MistakeSpec(name, value, feedback))
        return out if ok else None

    # -- sampling

    def satisfiable(self, body: LocDict, template: tpl.Template) -> None:
        """Draw as generation would, and report where and why too few draws are usable."""
        report = tpl.sample(template, FILE_SAMPLE_BUDGET - self.check.sample_work)
        self.check.sample_work += report.work
        if report.accepted < tpl.MIN_ACCEPTED:
            self.sampling_problem(body, report)

    def over_budget(self, pos: Pos) -> None:
        """Say, once per file, that its templates take more checking than a file may cost."""
        if self.check.sample_work <= FILE_SAMPLE_BUDGET:
            self.error(
                pos,
                "this file's templates take too long to check; split the deck into smaller files",
            )
        self.check.sample_work = FILE_SAMPLE_BUDGET + 1

    def sampling_problem(self, body: LocDict, report: tpl.SampleReport) -> None:
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
        if report.accepted == 0 and constraint:
            message = f"no usable values in {report.draws:,} draws: {failure.reason}; {advice}"
        elif report.accepted == 0:
            message = f"this cannot be computed in any of {report.draws:,} draws: {failure.reason}"
        else:
            message = (
                f"only {report.accepted} of {report.draws:,} draws give usable values (first "
                f"failure: {failure.reason}); at least {tpl.MIN_ACCEPTED} are needed, so {advice}"
            )
        self.error(_locate(body, failure.where), message)


def _leaf_count(node: Any) -> int:
    """How many plain values a located tree holds, without recursion."""
    count, stack = 0, [node]
    while stack:
        current = stack.pop()
        if isinstance(current, LocDict):
            stack.extend(current.values())
        elif isinstance(current, LocList):
            stack.extend(current)
        else:
            count += 1
    return count


def _leaf_text(value: str) -> str:
    """A network number written as `w1`, `2*w1` or `{w1}`: the expression's text."""
    text = value.strip()
    return text[1:-1] if text.startswith("{") and text.endswith("}") else text


def _leaf_value(expr: tpl.Expr, env: dict[str, Any]) -> float:
    try:
        value = expr.value(env)
    except ParseError as exc:
        raise ValueError(f"({expr.text}) cannot be computed: {exc.message}") from None
    if isinstance(value, tuple):
        raise ValueError(f"({expr.text}) must be one number, not a list")
    return value


def _with_words(node: Any, words: dict[str, Any]) -> Any:
    """A copy of the located tree where a setting that names a word variable (an activation, the
    loss, the optimizer) holds its drawn word; the tree itself when there are no words."""
    if not words:
        return node
    if isinstance(node, LocDict):
        copy = LocDict()
        copy.pos, copy.key_pos, copy.value_pos = node.pos, node.key_pos, node.value_pos
        for key, value in node.items():
            named = key in WORD_SETTINGS and isinstance(value, str)
            copy[key] = words.get(value.strip(), value) if named else _with_words(value, words)
        return copy
    if isinstance(node, LocList):
        items = LocList()
        items.pos, items.item_pos = node.pos, node.item_pos
        items.extend(_with_words(value, words) for value in node)
        return items
    return node


def _builder(
    tree: LocDict, path: str, leaves: dict[str, tpl.Expr], words: frozenset[str]
) -> Callable[[Mapping[str, Any]], NetworkSpec]:
    """The function that reads the network again with one draw's values."""
    from gradeck.decks.network_spec import read_spec

    def build(env: Mapping[str, Any]) -> NetworkSpec:
        def number(value: Any) -> float:
            if not isinstance(value, str):
                return plain_number(value)
            return _leaf_value(leaves[_leaf_text(value)], dict(env))

        drawn = {name: env[name] for name in words}
        try:
            return read_spec(_with_words(tree, drawn), path, number)
        except ProblemsError as exc:
            raise ValueError("; ".join(p.message for p in exc.problems)) from None

    return build


def _locate(body: LocDict, where: tuple[str | int, ...]) -> Pos:
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


def _extremes(variable: tpl.Variable) -> tuple[float, float, bool] | None:
    """(least, most, whether every value is whole) of a numeric variable; None for words."""
    if isinstance(variable, tpl.RangeVar):
        top = variable.low + variable.step * (variable.count - 1)
        whole = variable.low == int(variable.low) and (
            variable.count == 1 or variable.step == int(variable.step)
        )
        return float(variable.low), float(top), whole
    numbers = [float(c) for c in variable.choices if not isinstance(c, str)]
    if len(numbers) < len(variable.choices):
        return None
    return min(numbers), max(numbers), all(x.is_integer() for x in numbers)


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
