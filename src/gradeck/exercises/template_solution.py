"""The worked solution of a template's variant: each derived value and answer with its numbers
put in, then the author's own solution text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gradeck.exercises.expr import Var
from gradeck.exercises.expr import walk as walk_nodes
from gradeck.exercises.model import Part, Step, Value
from gradeck.exercises.render import expected_text
from gradeck.exercises.template_expr import Expr
from gradeck.exercises.template_model import PartSpec, Template
from gradeck.exercises.template_text import fill_at, show


def derived_steps(
    template: Template, env: dict[str, Any], results: Mapping[str, Any], late: bool
) -> list[Step]:
    """A step per derived value: those worked out from the draw, or (`late`) those worked out
    from the network's `results`. A value chosen by a word says which case it took."""
    steps = []
    for d in template.derived:
        if d.late != late:
            continue
        where = ("derived", d.name, "step")
        text = fill_at(d.step, env, results, where) if d.step else f"Work out {d.name}."
        expr = d.chosen(env)
        case = f" (as {d.by} is {env[d.by]})" if d.by else ""
        formula = f"{d.name} = {expr.text}{case}"
        steps.append(Step(text, formula, working(expr, env, env[d.name], results)))
    return steps


def working(
    expr: Expr, env: Mapping[str, Any], value: Value, results: Mapping[str, Any] | None = None
) -> str:
    """The expression with its names replaced by their values, then the result."""
    scope = {**env, **expr.lookups(env, results)}
    out, last = [], 0
    names = sorted((n for n in walk_nodes(expr.node) if isinstance(n, Var)), key=lambda n: n.pos)
    for node in names:
        shown = show(scope[node.name])
        if shown.startswith("-"):
            shown = f"({shown})"
        out += [expr.source[last : node.pos], shown]
        last = node.pos + len(node.name)
    out.append(expr.source[last:])
    filled = "".join(out)
    result = show(value)
    return f"= {result}" if filled.strip() == result else f"= {filled} = {result}"


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each on one line, so a front end can wrap it."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def answer_steps(
    part: Part, spec: PartSpec, env: Mapping[str, Any], results: Mapping[str, Any]
) -> list[Step]:
    """How a part's answer follows: the expression with its numbers put in, unless it is a
    bare number or names a value already worked out above. A choice part names its right
    options."""
    answer = spec.answer
    heading = f"({part.label}) {part.prompt}"
    if answer is None:
        return [Step(heading, "", f"right: {expected_text(part)}")]
    if not answer.names and not answer.refs:
        return []
    if isinstance(answer.node, Var):
        return [Step(heading, "", f"{answer.text} = {show(part.expected)}")]
    return [Step(heading, answer.text, working(answer, env, part.expected, results))]
