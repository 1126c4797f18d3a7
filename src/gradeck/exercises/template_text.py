"""Texts with placeholders: `{expr}` or `{expr:.2f}` replaced by a draw's values.

Prompts, hints, feedback and solutions of a template are filled here; `{{` and `}}` are braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gradeck.exercises.expr import ParseError
from gradeck.exercises.render import format_value
from gradeck.exercises.template_base import Rejected
from gradeck.exercises.template_expr import compile_expr

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
            vectors = {n: len(v) for n, v in env.items() if isinstance(v, tuple)}
            value = compile_expr(body, names, vectors=vectors).value(env, results)
        return show(value, spec)

    return _PLACEHOLDER.sub(replace, text)


def show(value: Any, spec: str = "") -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "[" + ", ".join(show(v, spec) for v in value) + "]"
    if spec:
        return format(value, spec)
    return format_value(float(value))


def describe(env: Mapping[str, Any]) -> str:
    shown = ", ".join(f"{k} = {show(v)}" for k, v in list(env.items())[:6])
    return shown + (", ..." if len(env) > 6 else "")


def fill_at(
    text: str, env: Mapping[str, Any], results: Mapping[str, Any], where: tuple[str | int, ...]
) -> str:
    """`fill`, with a placeholder that cannot be computed for this draw said as Rejected."""
    try:
        return fill(text, env, results)
    except (ParseError, KeyError, IndexError, TypeError) as exc:
        message = exc.message if isinstance(exc, ParseError) else "no such engine result"
        raise Rejected(where, f"a placeholder: {message} (with {describe(env)})") from None
