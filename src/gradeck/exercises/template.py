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

import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gradeck.errors import GradeckError
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table, Value
from gradeck.exercises.parse import CONSTANTS, FUNCTIONS, Node, ParseError, Var, evaluate, parse
from gradeck.exercises.parse import walk as walk_nodes

# Drawing budgets. Validation demands that at least MIN_ACCEPTED of SAMPLE_DRAWS draws meet the
# constraints (1%), so that GENERATE_DRAWS draws fail to find a variant with odds below 1e-20.
SAMPLE_DRAWS = 1000
MIN_ACCEPTED = 10
GENERATE_DRAWS = 5000
# Engine runs per exercise: a variant whose answers are not finite numbers, or whose listed
# mistakes coincide with the answer, is redrawn at most this many times.
ENGINE_DRAWS = 25

DEFAULT_TOLERANCE = 0.01
# A listed mistake must lie at least this far (relative) from the right answer.
SEPARATION = 0.03

ENGINE_ROOTS = ("loss", "losses", "output", "grad", "updated")
COMPARISONS = ("<=", ">=", "!=", "==", "<", ">")
_UNICODE_COMPARISONS = {"≤": "<=", "≥": ">=", "≠": "!="}
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
RESERVED = frozenset({*FUNCTIONS, *CONSTANTS, *ENGINE_ROOTS, "ln", "pi"})

Number = float
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
    r"(?<![\w.])(loss|losses|output|grad|updated)"
    r"((?:\s*\.\s*[A-Za-z_]\w*|\s*\[\s*\d{1,4}\s*\])*)"
)
_REF_STEP = re.compile(r"\.\s*([A-Za-z_]\w*)|\[\s*(\d+)\s*\]")


@dataclass(frozen=True)
class Ref:
    """A reference to an engine result: a root and a path of attribute names and indices."""

    root: str
    path: tuple[str | int, ...]
    text: str


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
        scope = dict(env)
        for i, ref in enumerate(self.refs):
            scope[f"_r{i}"] = resolve(ref, results or {})
        bad = [n for n in self.names if isinstance(scope.get(n), str)]
        if bad:
            raise ParseError(f"{bad[0]!r} is text, not a number", 0)
        return evaluate(self.node, _numbers_only(scope), self.source)


def _numbers_only(scope: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in scope.items() if not isinstance(v, str | tuple)}


def compile_expr(text: str, names: frozenset[str], allow_refs: bool = True) -> Expr:
    """Parse `text` with these names allowed; ExprError (with an offset) when it cannot be."""
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
            continue  # cannot happen: names may not be engine roots; kept for safety
        steps = tuple(
            int(index) if index is not None else attr
            for attr, index in _REF_STEP.findall(match.group(2))
        )
        refs.append(Ref(match.group(1), steps, re.sub(r"\s+", "", match.group(0))))
        pieces += [text[last : match.start()], f"_r{len(refs) - 1}"]
        last = match.end()
    source = "".join([*pieces, text[last:]])
    allowed = names | {f"_r{i}" for i in range(len(refs))}
    try:
        node = parse(source, allowed)
    except ParseError as exc:
        raise ExprError(_friendly(exc, source), exc.offset) from None
    used = frozenset(n.name for n in walk_nodes(node) if isinstance(n, Var)) & names
    return Expr(text, node, used, tuple(refs), source)


def _friendly(exc: ParseError, source: str) -> str:
    """The parser's message, with 'unknown name' said as 'unknown function' before a '('."""
    match = re.match(r"unknown name '([^']*)'", exc.message)
    if match and source[exc.offset + len(match.group(1)) :].lstrip().startswith("("):
        known = ", ".join(sorted(FUNCTIONS))
        return f"unknown function {match.group(1)!r} (functions: {known})"
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


@dataclass(frozen=True)
class Template:
    """A validated template: everything needed to draw variants, nothing left to check."""

    id: str
    title: str
    variables: tuple[Variable, ...]
    derived: tuple[tuple[str, Expr], ...]  # in an order where each uses only earlier names
    constraints: tuple[Constraint, ...]
    prompt: str
    parts: tuple[PartSpec, ...]
    hints: tuple[str, ...] = ()
    solution: str = ""
    # The network in the `gradeck solve` format, with Expr where the author wrote a variable or
    # an expression; None when the template has no network.
    network: Any = field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------- drawing


def draw_values(template: Template, rng: random.Random) -> dict[str, Any] | None:
    """One draw of the variables and derived values, or None when a constraint fails or a
    derived value cannot be computed (say a log of a negative number) for this draw."""
    env: dict[str, Any] = {v.name: v.draw(rng) for v in template.variables}
    try:
        for name, expr in template.derived:
            env[name] = expr.value(env)
        if all(c.holds(env) for c in template.constraints):
            return env
    except ParseError:
        pass
    return None


def sample(template: Template, draws: int = SAMPLE_DRAWS) -> tuple[int, str]:
    """How many of `draws` seeded draws are usable, and the first reason one was not."""
    rng = random.Random(f"gradeck/template-check/{template.id}")
    accepted, reason = 0, ""
    for _ in range(draws):
        env: dict[str, Any] = {v.name: v.draw(rng) for v in template.variables}
        try:
            for name, expr in template.derived:
                env[name] = expr.value(env)
            failed = next((c for c in template.constraints if not c.holds(env)), None)
        except ParseError as exc:
            reason = reason or f"{exc.message} (with {_describe(env)})"
            continue
        if failed is None:
            accepted += 1
        else:
            reason = reason or f"constraint {failed.text!r} fails"
    return accepted, reason


def _describe(env: Mapping[str, Any]) -> str:
    shown = ", ".join(f"{k} = {_show(v)}" for k, v in list(env.items())[:6])
    return shown + (", ..." if len(env) > 6 else "")


# ---------------------------------------------------------------- text with placeholders

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
FORMAT_SPEC = re.compile(r"\+?(?:\d{1,2})?(?:\.\d{1,2})?[fgeE%]?")


@dataclass(frozen=True)
class Placeholder:
    expr: Expr
    spec: str


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
    from gradeck.exercises.render import format_value

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
    """The exercise of this template for `seed`: the same seed gives the same exercise."""
    rng = random.Random(f"gradeck/template/{template.id}/{seed}")
    engine_runs = 0
    for _ in range(GENERATE_DRAWS):
        env = draw_values(template, rng)
        if env is None:
            continue
        engine_runs += 1
        variant = _solve(template, env)
        parts = _parts(template, variant) if variant else None
        if parts is None or variant is None:
            if engine_runs >= ENGINE_DRAWS:
                break
            continue
        last_chance = engine_runs >= ENGINE_DRAWS
        if any(_collides(part) for part in parts) and not last_chance:
            continue
        parts = [_without_collisions(part) for part in parts]
        return _exercise(template, seed, difficulty, variant, tuple(parts))
    raise TemplateError(
        f"template {template.id!r}: no usable variant for seed {seed}; "
        "check it with `gradeck validate` and `gradeck preview`"
    )


def _solve(template: Template, env: dict[str, Any]) -> _Variant | None:
    """Run the network (if any) with these values; None when its numbers are not usable."""
    if template.network is None:
        return _Variant(env, {}, _derived_steps(template, env))
    from gradeck.exercises.template_network import solve_network

    solved = solve_network(template.network, env)
    if solved is None:
        return None
    results, steps, widths, tables = solved
    return _Variant(env, results, [*steps, *_derived_steps(template, env)], widths, tables)


def _parts(template: Template, variant: _Variant) -> list[Part] | None:
    parts: list[Part] = []
    for spec in template.parts:
        try:
            expected = spec.answer.value(variant.env, variant.results)
            mistakes = tuple(
                Mistake(
                    m.name, m.value.value(variant.env, variant.results), _text(m.feedback, variant)
                )
                for m in spec.mistakes
            )
        except (ParseError, KeyError, IndexError, TypeError):
            return None
        if not _finite(expected) or not all(_finite(m.value) for m in mistakes):
            return None
        parts.append(
            Part(
                label=spec.label,
                prompt=_text(spec.prompt, variant),
                expected=expected,
                kind=_kind(expected),
                rel_tol=spec.rel_tol,
                abs_tol=spec.abs_tol,
                mistakes=mistakes,
            )
        )
    return parts


def _text(text: str, variant: _Variant) -> str:
    return fill(text, variant.env, variant.results)


def _kind(value: Value) -> str:
    if isinstance(value, tuple):
        return "matrix" if value and isinstance(value[0], tuple) else "vector"
    return "number"


def _finite(value: Value) -> bool:
    if isinstance(value, tuple):
        return all(_finite(v) for v in value)
    return isinstance(value, float | int) and math.isfinite(value)


def _collides(part: Part) -> bool:
    return any(not _apart(part, m.value) for m in part.mistakes)


def _apart(part: Part, value: Value) -> bool:
    """Whether a checker tells `value` from the right answer, with room for rounding."""
    from gradeck.exercises.check import matches

    if matches(part, value, part.expected) or matches(part, part.expected, value):
        return False
    return _differs(part.expected, value, max(SEPARATION, 3 * part.rel_tol))


def _differs(a: Value, b: Value, rel: float) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        if not (isinstance(a, tuple) and isinstance(b, tuple)) or len(a) != len(b):
            return True
        return any(_differs(x, y, rel) for x, y in zip(a, b, strict=True))
    return abs(a - b) > rel * max(abs(a), abs(b))


def _without_collisions(part: Part) -> Part:
    """A part keeps only the mistakes a checker can tell from its answer."""
    from dataclasses import replace

    kept = tuple(m for m in part.mistakes if _apart(part, m.value))
    return part if kept == part.mistakes else replace(part, mistakes=kept)


def _derived_steps(template: Template, env: Mapping[str, Any]) -> list[Step]:
    return [
        Step(f"Work out {name}.", f"{name} = {expr.text}", _working(expr, env, env[name]))
        for name, expr in template.derived
    ]


def _working(expr: Expr, env: Mapping[str, Any], value: Value, results=None) -> str:
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
        if spec.answer.names or spec.answer.refs:
            working = _working(spec.answer, variant.env, part.expected, variant.results)
            steps.append(Step(f"({part.label}) {part.prompt}", spec.answer.text, working))
    if template.solution:
        steps.append(Step(_text(template.solution, variant)))
    return Exercise(
        family="template",
        seed=seed,
        difficulty=difficulty,
        title=template.title,
        prompt=_text(template.prompt, variant),
        parts=parts,
        solution=tuple(steps),
        hints=tuple(_text(h, variant) for h in template.hints),
        tables=variant.tables,
        network=variant.network,
    )


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

    return generate_family(family, seed, difficulty, params)
