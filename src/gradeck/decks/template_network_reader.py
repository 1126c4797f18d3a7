"""Reading a template's network: the `gradeck solve` format with variables for numbers, read by
that command's own reader for a few draws, with its size bounded by the worst case over the
declared values (never one draw's), and the builder that reads it again for each variant."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from gradeck.decks.checker import kind
from gradeck.decks.network_spec import plain_number
from gradeck.decks.source import LocDict, LocList
from gradeck.decks.template_reader import FILE_SAMPLE_BUDGET, ReaderBase, _nodes, _short
from gradeck.exercises.expr import ParseError
from gradeck.exercises.template import sample
from gradeck.exercises.template_expr import (
    Expr,
    ExprError,
    compile_expr,
)
from gradeck.exercises.template_model import (
    RangeVar,
    Template,
    Variable,
    VectorVar,
)
from gradeck.exercises.template_network import NetworkPlan
from gradeck.problems import Problem, ProblemsError

if TYPE_CHECKING:
    from gradeck.engine.network import NetworkSpec

# A template's network is solved at every review and stays paper-sized.
MAX_NETWORK_PARAMS = 100
MAX_NETWORK_SAMPLES = 8
MAX_NETWORK_STEPS = 20
MAX_NETWORK_VALUES = 300  # every number and name in it, checked before anything is read
PROBES = 5  # draws tried when checking a network whose numbers come from variables
WORD_SETTINGS = ("activation", "loss", "name", "optimizer")  # network keys holding a name


class NetworkReader(ReaderBase):
    """The network, read by `gradeck solve`'s own reader."""

    def network(self, body: LocDict, names: frozenset[str], probe: Template) -> NetworkPlan | None:
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
        report = sample(probe, FILE_SAMPLE_BUDGET - self.check.sample_work, PROBES)
        self.check.sample_work += report.work
        if not report.usable:
            self.sampling_problem(body, report)
            return None
        leaves: dict[str, Expr] = {}
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

    def steps_range(self, tree: LocDict, probe: Template) -> tuple[int, int] | None:
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

    def leaf(self, text: str, names: frozenset[str]) -> Expr:
        """A number of the network written as a variable or an expression (ValueError if not)."""
        try:
            expr = compile_expr(text, names, allow_refs=False, vectors=self.vectors)
        except ExprError as exc:
            raise ValueError(
                f"is neither a number nor an expression of the values: {self.said(exc)}"
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


def _leaf_value(expr: Expr, env: dict[str, Any]) -> float:
    try:
        value = expr.value(env)
    except ParseError as exc:
        raise ValueError(f"({expr.text}) cannot be computed: {exc.message}") from None
    if not isinstance(value, float | int):
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
    tree: LocDict, path: str, leaves: dict[str, Expr], words: frozenset[str]
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


def _extremes(variable: Variable) -> tuple[float, float, bool] | None:
    """(least, most, whether every value is whole) of a numeric variable; None for words."""
    if isinstance(variable, RangeVar):
        top = variable.low + variable.step * (variable.count - 1)
        whole = variable.low == int(variable.low) and (
            variable.count == 1 or variable.step == int(variable.step)
        )
        return float(variable.low), float(top), whole
    if isinstance(variable, VectorVar):
        return None
    numbers = [float(c) for c in variable.choices if not isinstance(c, str)]
    if len(numbers) < len(variable.choices):
        return None
    return min(numbers), max(numbers), all(x.is_integer() for x in numbers)
