"""Checking a choice part: the number of one option, or of every right one.

A part with one right option takes one number (1 to the number of options); the right one is
right, a wrong one is a named mistake when it has feedback, anything else cannot be read and
costs no try. A part where several may be right (its expected value is a tuple) takes every
right option's number, in any order, separated by spaces or commas (brackets allowed); it is
right only with all of them and no other, and says whether some are missing or which chosen
ones are wrong.
"""

from __future__ import annotations

import re

from gradeck.exercises.model import Mistake, Part, Value

# (verdict, message, the mistake named, the options chosen): what check.PartResult is made of,
# kept apart so that this module need not import the checker that calls it.
ChoiceResult = tuple[str, str, Mistake | None, Value | None]

_OPTION = re.compile(r"\s*([0-9]{1,3})\s*[.)]?\s*")
_OPTIONS = re.compile(r"\s*\[?\s*[0-9]{1,3}(?:(?:\s*[,;]\s*|\s+)[0-9]{1,3}){0,99}\s*\]?\s*")
MAX_TEXT = 400  # longer than any list of option numbers: refused before any matching


def named_options(part: Part, text: str) -> frozenset[int]:
    """The options `text` names, as checking reads it: empty unless it can be read (one number
    for a one-answer part, a list of them otherwise, each naming an option)."""
    count = len(part.options)
    if isinstance(part.expected, tuple):
        readable = len(text) <= MAX_TEXT and _OPTIONS.fullmatch(text)
        numbers = {int(n) for n in re.findall(r"[0-9]+", text)} if readable else set()
    else:
        found = _OPTION.fullmatch(text)
        numbers = {int(found.group(1))} if found else set()
    return frozenset(numbers) if all(1 <= n <= count for n in numbers) else frozenset()


def check_choice(part: Part, text: str) -> ChoiceResult:
    """A choice part takes one option's number; a wrong option may be a named mistake. A part
    where several may be right (its expected value is a tuple) takes every right option's
    number, in any order, separated by spaces or commas."""
    if isinstance(part.expected, tuple):
        return _check_choices(part, text)
    named = named_options(part, text)
    if not named:
        count = len(part.options)
        return ("unreadable", f"type the number of one option, 1 to {count}", None, None)
    (choice,) = named
    if choice == part.expected:
        return ("right", "", None, choice)
    for mistake in part.mistakes:
        if mistake.value == choice:
            return ("wrong", mistake.feedback, mistake, choice)
    return ("wrong", "", None, choice)


def _check_choices(part: Part, text: str) -> ChoiceResult:
    named = named_options(part, text)
    if not named:
        return (
            "unreadable",
            f"type the number of every right option (1 to {len(part.options)}), such as 1 3",
            None,
            None,
        )
    chosen = tuple(sorted(named))
    assert isinstance(part.expected, tuple)
    right = set(part.expected)
    if set(chosen) == right:
        return ("right", "", None, chosen)
    for mistake in part.mistakes:
        if mistake.value in chosen:
            return ("wrong", mistake.feedback, mistake, chosen)
    found = len(right & set(chosen))
    extra = len(chosen) - found
    missed = f"{found} of the {len(right)} right options chosen"
    if not extra:
        return ("wrong", f"{missed}: some are missing", None, chosen)
    wrong = "1 chosen option is wrong" if extra == 1 else f"{extra} chosen options are wrong"
    return ("wrong", f"{wrong} ({missed})", None, chosen)
