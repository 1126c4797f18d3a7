"""A template's choice part in one variant: its options filled in, ordered, the right ones known.

An option is right always, never, or when a condition on the draw holds ('z > 0', or
'act == tanh': a word variable can decide which option is right). Options that read the same in
a variant are shown once (a right one is kept before a wrong one that reads the same, as a
listed mistake that coincides with the answer is dropped). The order is shuffled from the
variant's own seed, apart from the draw, so the same seed gives the same order and shuffling
changes no drawn value. The learner types the option's number; a wrong option's feedback is the
mistake it names.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from gradeck.exercises.expr import ParseError
from gradeck.exercises.model import Mistake, Part
from gradeck.exercises.template_base import Rejected
from gradeck.exercises.template_model import Condition, PartSpec
from gradeck.exercises.template_text import describe, fill_at


def choice_part(
    spec: PartSpec,
    index: int,
    env: Mapping[str, Any],
    results: Mapping[str, Any],
    order_seed: str,
) -> Part:
    """The part for this draw; Rejected when it has no right option (or, without `multiple`,
    more than one)."""
    where = ("parts", index, "options")
    shown: list[tuple[int, str, bool]] = []  # (the author's position, text, right)
    for k, option in enumerate(spec.options):
        text = fill_at(option.text, env, results, (*where, k, "text"))
        shown.append((k, text, _right(option.correct, env, results, (*where, k, "correct"))))
    kept: dict[str, tuple[int, str, bool]] = {}
    for k, text, ok in sorted(shown, key=lambda o: not o[2]):  # right ones first
        kept.setdefault(text, (k, text, ok))
    options = sorted(kept.values())
    count = sum(ok for _, _, ok in options)
    if count == 0:
        raise Rejected(where, f"no option is right for this draw (with {describe(env)})")
    if count > 1 and not spec.multiple:
        raise Rejected(
            where,
            f"{count} options are right for this draw (with {describe(env)}); "
            "write 'multiple: true' when several may be right",
        )
    if spec.shuffle:
        random.Random(order_seed).shuffle(options)
    right = tuple(n for n, (_, _, ok) in enumerate(options, 1) if ok)
    mistakes: list[Mistake] = []
    for n, (k, _, ok) in enumerate(options, 1):
        option = spec.options[k]
        if not ok and option.feedback:
            feedback = fill_at(option.feedback, env, results, (*where, k, "feedback"))
            mistakes.append(Mistake(option.name, n, feedback))
    return Part(
        label=spec.label,
        prompt=fill_at(spec.prompt, env, results, ("parts", index, "prompt")),
        expected=right if spec.multiple else right[0],
        kind="choice",
        mistakes=tuple(mistakes),
        options=tuple(text for _, text, _ in options),
        points=spec.points,
    )


def _right(
    correct: bool | Condition, env: Mapping[str, Any], results: Mapping[str, Any], where: tuple
) -> bool:
    if isinstance(correct, bool):
        return correct
    try:
        return correct.holds(env, results)
    except (ParseError, KeyError, IndexError, TypeError) as exc:
        message = exc.message if isinstance(exc, ParseError) else "no such engine result"
        raise Rejected(where, f"{correct.text!r}: {message} (with {describe(env)})") from None
