"""Instructor templates: parametric exercises written in YAML, turned into exercises.

A template declares variables (ranges or choices), constraints between them, derived values,
optionally a network in the `gradeck solve` format whose numbers may be variables, and answer
parts that are expressions over all of these and over the engine's results (`loss`,
`output[0]`, `grad.layers[0].weights[1][0]`, `updated.layers[1].bias[0]`). Every expression
goes through the whitelist parser of `gradeck.exercises.parse`; nothing is ever evaluated by
Python itself. Drawing is bounded: a template whose constraints cannot be met gives a clear
error, never a hang.

The reading and validation of the YAML lives in `gradeck.decks.templates`; this module holds the
validated objects and the generation, so it knows nothing of files.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from gradeck.errors import GradeckError
from gradeck.exercises.check import matches
from gradeck.exercises.families._draw import SEPARATION, differs, finite
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table, Value
from gradeck.exercises.parse import CONSTANTS, FUNCTIONS, Node, ParseError, Var, evaluate, parse
from gradeck.exercises.parse import walk as walk_nodes
from gradeck.exercises.render import format_value
from gradeck.exercises.template_base import Ref, Rejected

# Drawing budgets. Validation samples until MIN_ACCEPTED draws are usable, giving up after
# SAMPLE_DRAWS (so at least about 1% of draws must be usable); generation then tries up to
# GENERATE_DRAWS draws, which at 1% fails with odds below 1e-20.
SAMPLE_DRAWS = 200
MIN_ACCEPTED = 2
DRAW_OVERHEAD = 20  # the fixed work of one draw, in expression nodes (measured)
GENERATE_DRAWS = 5000
# Engine runs per exercise: a variant whose answers are not finite numbers is redrawn at most
# this many times (a mistake that coincides with the answer is no reason to redraw).
ENGINE_DRAWS = 25

DEFAULT_TOLERANCE = 0.01

ENGINE_ROOTS = ("loss", "losses", "output", "grad", "updated")
UNICODE_COMPARISONS = {"≤": "<=", "≥": ">=", "≠": "!="}
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
RESERVED = frozenset({*FUNCTIONS, *CONSTANTS, *ENGINE_ROOTS, "ln", "pi"})

Scalar = float | str  # a drawn value: a number, or a text choice such as an activation name


class TemplateError(GradeckError):
    """A template that cannot give an exercise (validation should have caught it)."""


class ExprError(ValueError):
    """An expression that cannot be read, with the offset in the text where it goes wrong."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


# ---------------------------------------------------------------- expressions


_REF = re.compile(
    r"(?<![\w.])(losses|loss|output|grad|updated)\b"
    r"((?:\s*\.\s*[A-Za-z_]\w*|\s*\[\s*\d{1,4}\s*\])*)"
)
_REF_STEP = re.compile(r"\.\s*([A-Za-z_]\w*)|\[\s*(\d+)\s*\]")


@dataclass(frozen=True)
class Expr:
    """A parsed expression: its text, tree, the names it uses and the engine results it reads."""

    text: str
    node: Node = field(compare=False, repr=False)
    names: frozenset[str]
    refs: tuple[Ref, ...] = ()
    source: str = ""  # the text as parsed, with each reference replaced by _r0, _r1, ...

    def value(self, env: Mapping[str, Any], results: Mapping[str, Any] | None = None) -> Value:
        """The value with these variables (and engine results); ParseError when undefined."""
        text = next((n for n in self.names if isinstance(env.get(n), str)), None)
        if text is not None:
            raise ParseError(f"{text!r} is text, not a number", 0)
        vector = next((n for n in self.names if isinstance(env.get(n), tuple)), None)
        if vector is not None:
            if isinstance(self.node, Var):
                return env[vector]  # a whole vector, named on its own
            raise ParseError(
                f"{vector!r} is a vector, not a number: name it alone as a whole answer", 0
            )
        if not self.refs:
            return evaluate(self.node, env, self.source)
        scope = {n: env[n] for n in self.names if n in env}
        scope.update({f"_r{i}": resolve(ref, results or {}) for i, ref in enumerate(self.refs)})
        if isinstance(self.node, Var) and isinstance(scope[self.node.name], tuple):
            return scope[self.node.name]  # a whole vector or matrix, named on its own
        return evaluate(self.node, scope, self.source)


def compile_expr(text: str, names: frozenset[str], allow_refs: bool = True) -> Expr:
    """Parse `text` with these names allowed; ExprError (with an offset) when it cannot be."""
    if isinstance(text, list):
        raise ExprError('write a vector as text in quotes, as in "[a, b]"')
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise ExprError("expected an expression (text or a number)")
    text = str(text).strip()
    refs: list[Ref] = []
    pieces: list[str] = []
    last = 0
    for match in _REF.finditer(text):
        if not allow_refs:
            raise ExprError(f"{match.group(0).strip()!r}: engine results cannot be used here")
        if match.group(1) in names:
            continue  # a variable named after an engine result: reported by the reader
        steps = tuple(
            int(index) if index else attr for attr, index in _REF_STEP.findall(match.group(2))
        )
        refs.append(Ref(match.group(1), steps, re.sub(r"\s+", "", match.group(0))))
        pieces += [text[last : match.start()], f"_r{len(refs) - 1}"]
        last = match.end()
    source = "".join([*pieces, text[last:]])
    allowed = names | {f"_r{i}" for i in range(len(refs))}
    try:
        node = parse(source, allowed)
    except ParseError as exc:
        raise ExprError(_friendly(exc, source, names), exc.offset) from None
    used = frozenset(n.name for n in walk_nodes(node) if isinstance(n, Var)) & names
    return Expr(text, node, used, tuple(refs), source)


def _friendly(exc: ParseError, source: str, names: frozenset[str]) -> str:
    """The parser's message, said for a template: an unknown name before a '(' is an unknown
    function, else a name to declare; engine results are not called _r0, _r1, ..."""
    match = re.match(r"unknown name '([^']*)'", exc.message)
    if match and source[exc.offset + len(match.group(1)) :].lstrip().startswith("("):
        known = ", ".join(sorted(FUNCTIONS))
        return f"unknown function {match.group(1)!r} (functions: {known})"
    if match:
        known = ", ".join(sorted(names)) if names else "none yet"
        return (
            f"unknown name {match.group(1)!r}: declare it under 'variables' or 'derived' "
            f"(declared: {known})"
        )
    return re.sub(r"_r(\d+)", "an engine result", exc.message)


def resolve(ref: Ref, results: Mapping[str, Any]) -> Value:
    """The engine result `ref` names, as a float or nested tuples."""
    value: Any = results[ref.root]
    for step in ref.path:
        value = value[step]
    return _tupled(value)


def _tupled(value: Any) -> Value:
    if isinstance(value, list | tuple):
        return tuple(_tupled(v) for v in value)
    return float(value)


# ---------------------------------------------------------------- the template


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


Variable = RangeVar | ChoiceVar


@dataclass(frozen=True)
class Constraint:
    text: str
    left: Expr
    op: str
    right: Expr

    def holds(self, env: Mapping[str, Any]) -> bool:
        a, b = self.left.value(env), self.right.value(env)
        if isinstance(a, tuple) or isinstance(b, tuple):
            raise ParseError("a constraint compares single numbers", 0)
        return _COMPARE[self.op](a, b)


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
    """A value worked out from the variables; `step` says in words what the step does."""

    name: str
    expr: Expr
    step: str = ""


@dataclass(frozen=True)
class MistakeSpec:
    name: str
    value: Expr
    feedback: str


@dataclass(frozen=True)
class PartSpec:
    label: str
    prompt: str
    answer: Expr
    rel_tol: float = DEFAULT_TOLERANCE
    abs_tol: float = 1e-9
    mistakes: tuple[MistakeSpec, ...] = ()
    exact: bool = False  # a whole number to give exactly (a count, a size)
    points: float = 1.0


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


# ---------------------------------------------------------------- drawing


def draw(template: Template, rng: random.Random) -> dict[str, Any]:
    """The variables and derived values of one draw that meets every constraint, else Rejected."""
    env: dict[str, Any] = {v.name: v.draw(rng) for v in template.variables}
    for derived in template.derived:
        try:
            env[derived.name] = derived.expr.value(env)
        except ParseError as exc:
            where = ("derived", derived.name, "value")
            raise Rejected(where, f"{exc.message} (with {_describe(env)})") from None
    for index, constraint in enumerate(template.constraints):
        try:
            holds = constraint.holds(env)
        except ParseError as exc:
            raise Rejected(
                ("constraints", index), f"{exc.message} (with {_describe(env)})"
            ) from None
        if not holds:
            raise Rejected(("constraints", index), f"constraint {constraint.text!r} fails")
    return env


@dataclass
class SampleReport:
    """What validation learnt by drawing: usable draws, work spent, the first failure."""

    draws: int = 0
    accepted: int = 0
    work: int = 0
    failure: Rejected | None = None
    out_of_budget: bool = False
    usable: list[dict[str, Any]] = field(default_factory=list)  # the values of usable draws


def sample(template: Template, budget: int, wanted: int = MIN_ACCEPTED) -> SampleReport:
    """Draw with a fixed seed until `wanted` draws give an exercise or SAMPLE_DRAWS are spent.

    `budget` bounds the work (in expression nodes, a network run counting as its `cost`), so
    that a file full of templates is checked in bounded time.
    """
    rng = random.Random(f"gradeck/template-check/{template.id}")
    report = SampleReport()
    variant_cost = template.parts_cost + (template.network.cost if template.network else 0)
    while report.draws < SAMPLE_DRAWS and report.accepted < wanted:
        draw_cost = template.draw_cost + DRAW_OVERHEAD
        if report.work + draw_cost + variant_cost > budget:
            report.out_of_budget = True
            break
        report.draws += 1
        report.work += draw_cost
        try:
            env = draw(template, rng)
            report.work += variant_cost
            variant = _solve(template, env)
            _exercise(template, 0, 1, variant, tuple(_parts(template, variant)))
        except Rejected as exc:
            report.failure = report.failure or exc
            continue
        report.accepted += 1
        report.usable.append(env)
    return report


def _describe(env: Mapping[str, Any]) -> str:
    shown = ", ".join(f"{k} = {_show(v)}" for k, v in list(env.items())[:6])
    return shown + (", ..." if len(env) > 6 else "")


# ---------------------------------------------------------------- text with placeholders

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
FORMAT_SPEC = re.compile(r"\+?(?:\d{1,2})?(?:\.\d{1,2})?[fgeE%]?")


def split_placeholder(inside: str) -> tuple[str, str]:
    """`expr:spec` into its two parts (expressions never hold a ':')."""
    head, _, spec = inside.partition(":")
    return head, spec.strip()


def fill(text: str, env: Mapping[str, Any], results: Mapping[str, Any] | None = None) -> str:
    """The text with each `{expr}` or `{expr:.2f}` replaced by its value; `{{`/`}}` are braces.

    The template was validated, so every placeholder compiles and its spec is safe.
    """
    names = frozenset(env)

    def replace(match: re.Match[str]) -> str:
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        body, spec = split_placeholder(match.group(1))
        try:
            value: Any = env[body.strip()]
        except KeyError:
            value = compile_expr(body, names).value(env, results)
        return _show(value, spec)

    return _PLACEHOLDER.sub(replace, text)


def _show(value: Any, spec: str = "") -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v, spec) for v in value) + "]"
    if spec:
        return format(value, spec)
    return format_value(float(value))


# ---------------------------------------------------------------- generation


@dataclass
class _Variant:
    env: dict[str, Any]
    results: dict[str, Any]
    steps: list[Step]
    network: tuple[int, ...] = ()
    tables: tuple[Table, ...] = ()


def generate(template: Template, seed: int, difficulty: int = 1) -> Exercise:
    """The exercise of this template for `seed`: the same seed gives the same exercise.

    Draws until the constraints hold and the network (if any) gives finite numbers, so the
    variables follow the distribution the author declared. A listed mistake that coincides with
    its answer in this variant is not diagnosed in it (it is dropped from the part), never a
    reason to draw again: redrawing would skew the variables towards values where mistakes
    differ.
    """
    rng = random.Random(f"gradeck/template/{template.id}/{seed}")
    variants = 0
    failure = ""
    for _ in range(GENERATE_DRAWS):
        try:
            env = draw(template, rng)
            variants += 1
            variant = _solve(template, env)
            parts = _parts(template, variant)
            kept = tuple(_without_collisions(part) for part in parts)
            return _exercise(template, seed, difficulty, variant, kept)
        except Rejected as exc:
            failure = failure or exc.reason
            if variants >= ENGINE_DRAWS:
                break
    raise TemplateError(
        f"template {template.id!r}: no usable variant for seed {seed} ({failure}); "
        "check it with `gradeck validate` and `gradeck preview`"
    )


def _solve(template: Template, env: dict[str, Any]) -> _Variant:
    """Run the network (if any) with these values; Rejected when its numbers are not usable."""
    steps = _derived_steps(template, env)
    if template.network is None:
        return _Variant(env, {}, steps)
    from gradeck.exercises.template_network import solve_network

    solved = solve_network(template.network, env)
    return _Variant(env, solved.results, [*steps, *solved.steps], solved.widths, solved.tables)


def _parts(template: Template, variant: _Variant) -> list[Part]:
    """The answer parts of a variant; Rejected when a value cannot be computed or is not finite."""
    parts: list[Part] = []
    for index, spec in enumerate(template.parts):
        expected = _evaluate(spec.answer, variant, ("parts", index, "answer"))
        mistakes = tuple(
            Mistake(
                m.name,
                _evaluate(m.value, variant, ("parts", index, "mistakes", j, "value")),
                _text(m.feedback, variant, ("parts", index, "mistakes", j, "feedback")),
            )
            for j, m in enumerate(spec.mistakes)
        )
        parts.append(
            Part(
                label=spec.label,
                prompt=_text(spec.prompt, variant, ("parts", index, "prompt")),
                expected=expected,
                kind="count" if spec.exact and _whole(expected) else _kind(expected),
                rel_tol=spec.rel_tol,
                abs_tol=spec.abs_tol,
                mistakes=mistakes,
                carry=_carry(template, index, variant),
                points=spec.points,
            )
        )
    return parts


def _carry(
    template: Template, index: int, variant: _Variant
) -> Callable[[tuple[Value | None, ...]], Value] | None:
    """Error carried forward: part `index` worked out again from the learner's own answers to
    earlier parts that name a value it depends on (say part (a) asks for `z`, and this part's
    answer is computed from z). None when no earlier answer feeds it, or the values come from a
    network, which is not solved again from a learner's numbers."""
    if variant.results:
        return None
    derived = {d.name: d for d in template.derived}
    needed, stack = set(), list(template.parts[index].answer.names)
    while stack:
        name = stack.pop()
        if name not in needed:
            needed.add(name)
            stack.extend(derived[name].expr.names if name in derived else ())
    feeds = {
        j: spec.answer.node.name
        for j, spec in enumerate(template.parts[:index])
        if isinstance(spec.answer.node, Var) and spec.answer.node.name in needed
    }
    if not feeds:
        return None
    answer = template.parts[index].answer

    def carry(earlier: tuple[Value | None, ...]) -> Value:
        env = dict(variant.env)
        given = {
            name: float(earlier[j])
            for j, name in feeds.items()
            if j < len(earlier) and isinstance(earlier[j], float | int)
        }
        env.update(given)
        for d in template.derived:
            if d.name not in given:
                env[d.name] = d.expr.value(env)
        return answer.value(env)

    return carry


def _evaluate(expr: Expr, variant: _Variant, where: tuple[str | int, ...]) -> Value:
    try:
        value = expr.value(variant.env, variant.results)
    except (ParseError, KeyError, IndexError, TypeError) as exc:
        message = exc.message if isinstance(exc, ParseError) else "no such engine result"
        raise Rejected(where, f"{expr.text!r}: {message} (with {_describe(variant.env)})") from None
    if not finite(value):
        raise Rejected(where, f"{expr.text!r} is not a finite number")
    return value


def _text(text: str, variant: _Variant, where: tuple[str | int, ...]) -> str:
    return _fill(text, variant.env, variant.results, where)


def _fill(
    text: str, env: dict[str, Any], results: Mapping[str, Any], where: tuple[str | int, ...]
) -> str:
    """`fill`, with a placeholder that cannot be computed for this draw said as Rejected."""
    try:
        return fill(text, env, results)
    except (ParseError, KeyError, IndexError, TypeError) as exc:
        message = exc.message if isinstance(exc, ParseError) else "no such engine result"
        raise Rejected(where, f"a placeholder: {message} (with {_describe(env)})") from None


def _kind(value: Value) -> str:
    if isinstance(value, tuple):
        return "matrix" if value and isinstance(value[0], tuple) else "vector"
    return "number"


def _whole(value: Value) -> bool:
    return isinstance(value, float | int) and float(value).is_integer()


def _apart(part: Part, value: Value) -> bool:
    """Whether a checker tells `value` from the right answer, with room for rounding."""
    if matches(part, value, part.expected) or matches(part, part.expected, value):
        return False
    return differs(part.expected, value, max(SEPARATION, 3 * part.rel_tol))


def _without_collisions(part: Part) -> Part:
    """A part keeps only the mistakes a checker can tell from its answer."""
    kept = tuple(m for m in part.mistakes if _apart(part, m.value))
    return part if kept == part.mistakes else replace(part, mistakes=kept)


def _derived_steps(template: Template, env: dict[str, Any]) -> list[Step]:
    steps = []
    for d in template.derived:
        where = ("derived", d.name, "step")
        text = _fill(d.step, env, {}, where) if d.step else f"Work out {d.name}."
        formula = f"{d.name} = {d.expr.text}"
        steps.append(Step(text, formula, _working(d.expr, env, env[d.name])))
    return steps


def _working(
    expr: Expr, env: Mapping[str, Any], value: Value, results: Mapping[str, Any] | None = None
) -> str:
    """The expression with its names replaced by their values, then the result."""
    scope = dict(env)
    for i, ref in enumerate(expr.refs):
        scope[f"_r{i}"] = resolve(ref, results or {})
    out, last = [], 0
    names = sorted((n for n in walk_nodes(expr.node) if isinstance(n, Var)), key=lambda n: n.pos)
    for node in names:
        shown = _show(scope[node.name])
        if shown.startswith("-"):
            shown = f"({shown})"
        out += [expr.source[last : node.pos], shown]
        last = node.pos + len(node.name)
    out.append(expr.source[last:])
    filled = "".join(out)
    result = _show(value)
    return f"= {result}" if filled.strip() == result else f"= {filled} = {result}"


def _exercise(
    template: Template, seed: int, difficulty: int, variant: _Variant, parts: tuple[Part, ...]
) -> Exercise:
    steps = list(variant.steps)
    for part, spec in zip(parts, template.parts, strict=True):
        steps.extend(_answer_steps(part, spec, variant))
    solution = _text(template.solution, variant, ("solution",))
    steps.extend(Step(paragraph) for paragraph in _paragraphs(solution))
    return Exercise(
        family="template",
        seed=seed,
        difficulty=difficulty,
        title=template.title,
        prompt=_text(template.prompt, variant, ("prompt",)),
        parts=parts,
        solution=tuple(steps),
        hints=tuple(_text(h, variant, ("hints", i)) for i, h in enumerate(template.hints)),
        tables=variant.tables,
        network=variant.network,
    )


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each on one line, so a front end can wrap it."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _answer_steps(part: Part, spec: PartSpec, variant: _Variant) -> list[Step]:
    """How a part's answer follows: the expression with its numbers put in, unless it is a
    bare number or names a value already worked out above."""
    answer = spec.answer
    heading = f"({part.label}) {part.prompt}"
    if not answer.names and not answer.refs:
        return []
    if isinstance(answer.node, Var):
        return [Step(heading, "", f"{answer.text} = {_show(part.expected)}")]
    return [
        Step(heading, answer.text, _working(answer, variant.env, part.expected, variant.results))
    ]


def make_exercise(
    family: str,
    seed: int,
    difficulty: int = 1,
    params: Mapping[str, Any] | None = None,
    template: Template | None = None,
) -> Exercise:
    """The exercise of a deck's exercise item: its template when it has one, else its family."""
    if template is not None:
        return generate(template, seed, difficulty)
    from gradeck.exercises.registry import generate as generate_family

    try:
        return generate_family(family, seed, difficulty, params)
    except ValueError as exc:  # a deck's params the family does not take
        raise TemplateError(f"{family}: {exc}; check the deck with `gradeck validate`") from None
