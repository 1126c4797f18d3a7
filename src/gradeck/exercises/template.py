"""Instructor templates: parametric exercises written in YAML, turned into exercises.

A template declares variables (ranges or choices), constraints between them, derived values,
optionally a network in the `gradeck solve` format whose numbers may be variables, and answer
parts that are expressions over all of these and over the engine's results (`loss`,
`output[0]`, `grad.layers[0].weights[1][0]`, `updated.layers[1].bias[0]`). Every expression
goes through the whitelist parser of `gradeck.exercises.parse`; nothing is ever evaluated by
Python itself. Drawing is bounded: a template whose constraints cannot be met gives a clear
error, never a hang.

The reading and validation of the YAML lives in `gradeck.decks.templates`; the validated objects
in `template_model`; this module draws and generates, so it knows nothing of files.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from gradeck.exercises.check import matches
from gradeck.exercises.expr import ParseError, Var
from gradeck.exercises.families._draw import SEPARATION, differs, finite
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table, Value
from gradeck.exercises.render import format_value
from gradeck.exercises.template_base import Rejected
from gradeck.exercises.template_choice import choice_part
from gradeck.exercises.template_expr import Expr
from gradeck.exercises.template_model import Template, TemplateError
from gradeck.exercises.template_solution import answer_steps, derived_steps, paragraphs
from gradeck.exercises.template_text import describe, fill_at

if TYPE_CHECKING:
    from gradeck.exercises.exact import ExactValue

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


# ---------------------------------------------------------------- drawing


def draw(template: Template, rng: random.Random) -> dict[str, Any]:
    """The variables and derived values of one draw that meets every constraint, else Rejected."""
    env: dict[str, Any] = {v.name: v.draw(rng) for v in template.variables}
    for derived in template.derived:
        if derived.late:
            continue  # worked out once the network is solved (see _solve)
        try:
            env[derived.name] = derived.chosen(env).value(env)
        except ParseError as exc:
            where = ("derived", derived.name, "value")
            raise Rejected(where, f"{exc.message} (with {describe(env)})") from None
    for index, constraint in enumerate(template.constraints):
        try:
            holds = constraint.holds(env)
        except ParseError as exc:
            raise Rejected(
                ("constraints", index), f"{exc.message} (with {describe(env)})"
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
            _exercise(template, 0, 1, variant, tuple(_parts(template, variant, 0)))
        except Rejected as exc:
            report.failure = report.failure or exc
            continue
        report.accepted += 1
        report.usable.append(env)
    return report


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
            parts = _parts(template, variant, seed)
            kept = tuple(p if p.kind == "choice" else _without_collisions(p) for p in parts)
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
    steps = derived_steps(template, env, {}, late=False)
    if template.network is None:
        return _Variant(env, {}, steps)
    from gradeck.exercises.template_network import solve_network

    solved = solve_network(template.network, env)
    for d in template.derived:
        if d.late:
            where = ("derived", d.name, "value")
            value = _evaluate(d.chosen(env), _Variant(env, solved.results, []), where)
            if isinstance(value, tuple):
                raise Rejected(where, f"{d.name!r} must be one number: index the result")
            env[d.name] = value
    steps += [*solved.steps, *derived_steps(template, env, solved.results, late=True)]
    return _Variant(env, solved.results, steps, solved.widths, solved.tables)


def _parts(template: Template, variant: _Variant, seed: int) -> list[Part]:
    """The answer parts of a variant; Rejected when a value cannot be computed or is not finite.

    A choice part's options are ordered from the seed (see `template_choice`)."""
    parts: list[Part] = []
    for index, spec in enumerate(template.parts):
        if spec.answer is None:
            order = f"gradeck/template/{template.id}/{seed}/options/{index}"
            parts.append(choice_part(spec, index, variant.env, variant.results, order))
            continue
        expected = _evaluate(spec.answer, variant, ("parts", index, "answer"))
        mistakes = tuple(
            Mistake(
                m.name,
                _evaluate(m.value, variant, ("parts", index, "mistakes", j, "value")),
                _text(m.feedback, variant, ("parts", index, "mistakes", j, "feedback")),
            )
            for j, m in enumerate(spec.mistakes)
        )
        exact = _exact(template, spec.answer, variant, index) if spec.exact else None
        count = exact is not None and not isinstance(exact, tuple) and exact.denominator == 1
        parts.append(
            Part(
                label=spec.label,
                prompt=_text(spec.prompt, variant, ("parts", index, "prompt")),
                expected=expected,
                kind="count" if count else _kind(expected),
                rel_tol=spec.rel_tol,
                abs_tol=spec.abs_tol,
                mistakes=mistakes,
                carry=_carry(template, index, variant),
                points=spec.points,
                exact=None if count else exact,
            )
        )
    return parts


def _exact(template: Template, answer: Expr, variant: _Variant, index: int) -> ExactValue:
    """An exact part's answer as fractions, from the drawn values as they were declared; a
    whole number from a step that is not rational (exp, an engine result) stays exact as a
    count. Rejected when the answer is neither."""
    from gradeck.exercises.exact import Inexact, exact_value, from_float

    def exact_of(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(exact_of(v) for v in value)
        return from_float(value)

    env: dict[str, Any] = {}
    for variable in template.variables:
        value = variant.env[variable.name]
        if not isinstance(value, str):
            env[variable.name] = exact_of(value)

    def scope(expr: Expr) -> dict[str, Any]:
        """The names of `expr`, with each element of a vector variable it reads."""
        elements = {f"_r{i}": env[r.root][r.path[0]] for i, r in enumerate(expr.refs)
                    if r.root in env}  # fmt: skip
        return {**env, **elements}

    for d in template.derived:
        chosen = d.chosen(variant.env)
        try:
            env[d.name] = exact_value(chosen.node, scope(chosen))
        except Inexact:
            continue  # left out: an answer that uses it is not exact
    try:
        return exact_value(answer.node, scope(answer))
    except Inexact as exc:
        expected = _evaluate(answer, variant, ("parts", index, "answer"))
        if isinstance(expected, float | int) and float(expected).is_integer():
            return Fraction(int(expected))
        raise Rejected(
            ("parts", index, "exact"),
            f"'exact' needs an answer worked out without rounding, but {answer.text!r} is "
            f"{format_value(expected)} and {exc}; give a tolerance instead",
        ) from None


def _carry(
    template: Template, index: int, variant: _Variant
) -> Callable[[tuple[Value | None, ...]], Value] | None:
    """Error carried forward: part `index` worked out again from the learner's own answers to
    earlier parts that name a value it depends on (say part (a) asks for `z`, and this part's
    answer is computed from z). None when no earlier answer feeds it, or the values come from a
    network, which is not solved again from a learner's numbers."""
    answer = template.parts[index].answer
    if variant.results or answer is None:
        return None
    derived = {d.name: d for d in template.derived}
    needed, stack = set(), list(answer.names)
    while stack:
        name = stack.pop()
        if name not in needed:
            needed.add(name)
            stack.extend(derived[name].names if name in derived else ())
    feeds = {
        j: spec.answer.node.name
        for j, spec in enumerate(template.parts[:index])
        if spec.answer is not None
        and isinstance(spec.answer.node, Var)
        and spec.answer.node.name in needed
    }
    if not feeds:
        return None

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
                env[d.name] = d.chosen(env).value(env)
        return answer.value(env)

    return carry


def _evaluate(expr: Expr, variant: _Variant, where: tuple[str | int, ...]) -> Value:
    try:
        value = expr.value(variant.env, variant.results)
    except (ParseError, KeyError, IndexError, TypeError) as exc:
        message = exc.message if isinstance(exc, ParseError) else "no such engine result"
        raise Rejected(where, f"{expr.text!r}: {message} (with {describe(variant.env)})") from None
    if not finite(value):
        raise Rejected(where, f"{expr.text!r} is not a finite number")
    return value


def _text(text: str, variant: _Variant, where: tuple[str | int, ...]) -> str:
    return fill_at(text, variant.env, variant.results, where)


def _kind(value: Value) -> str:
    if isinstance(value, tuple):
        return "matrix" if value and isinstance(value[0], tuple) else "vector"
    return "number"


def _apart(part: Part, value: Value) -> bool:
    """Whether a checker tells `value` from the right answer, with room for rounding."""
    if matches(part, value, part.expected) or matches(part, part.expected, value):
        return False
    return differs(part.expected, value, max(SEPARATION, 3 * part.rel_tol))


def _without_collisions(part: Part) -> Part:
    """A part keeps only the mistakes a checker can tell from its answer."""
    kept = tuple(m for m in part.mistakes if _apart(part, m.value))
    return part if kept == part.mistakes else replace(part, mistakes=kept)


def _exercise(
    template: Template, seed: int, difficulty: int, variant: _Variant, parts: tuple[Part, ...]
) -> Exercise:
    steps = list(variant.steps)
    for part, spec in zip(parts, template.parts, strict=True):
        steps.extend(answer_steps(part, spec, variant.env, variant.results))
    solution = _text(template.solution, variant, ("solution",))
    steps.extend(Step(paragraph) for paragraph in paragraphs(solution))
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
