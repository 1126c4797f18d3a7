"""Plain text of exercises, solutions and feedback, shared by every text front end.

`gradeck generate`, `gradeck quiz`, the plain review and worksheets all print through these
functions, so an exercise reads the same everywhere. Each returns a string without a trailing
newline, wrapped to `width` columns.
"""

from __future__ import annotations

import re

from gradeck.exercises.check import PartResult
from gradeck.exercises.model import Exercise, Part, Step, Table, Value

WIDTH = 80
STEP_INDENT = "     "

FEEDBACK_MARKS = {
    "right": "✓",
    "carried": "✓",
    "close": "≈",
    "wrong": "✗",
    "unreadable": "?",
    "blank": "–",
}


# A space beside an arithmetic operator is inside a formula: `1 − tanh²(z)` is never broken
# (a line may still break beside `=` or `←`, between the sides of a long equation).
_IN_FORMULA = re.compile(r" (?=[−+×·÷*/-] )|(?<= [−+×·÷*/-]) ")
# Nor is a short equation such as `z = −2.16` or `α = 0.2,` (one short word each side).
_SHORT_EQUATION = re.compile(r"(?:(?<=\s)|^)\S{1,8}( )=( )\S{1,10}(?=\s|$)")
# A hyphen that is a number's sign (not one inside a word, a range such as 1-3, or an option
# such as --lr): shown as the minus sign the formulas use, so "1.7 − (−0.45)" reads as one.
_SIGN = re.compile(r"(?<![\w)\]\-.])-(?=\.?\d)")
MINUS = "\u2212"


def minus_signs(text: str) -> str:
    """Text as shown to a learner: one minus sign (U+2212) for negative numbers, as in the
    formulas. Answers may be typed with either sign; code listings keep ASCII."""
    return _SIGN.sub(MINUS, text)


def display_value(value: Value) -> str:
    """A value as shown to a learner (format_value, with the minus sign of minus_signs)."""
    return minus_signs(format_value(value))


def wrap(text: str, width: int = WIDTH, indent: str = "", hang: str = "") -> str:
    """Wrap each line on its own, keeping line breaks and a line's own leading spaces; never
    inside a formula (the spaces around an operator: `line_breaks`).

    `indent` goes before every line; `hang` before the continuation lines of a wrapped line.
    Negative numbers get the minus sign of the formulas (minus_signs).
    """
    out = []
    for line in minus_signs(text).splitlines() or [""]:
        lead = indent + line[: len(line) - len(line.lstrip())]
        body = line.strip()
        if not body:
            out.append("")
            continue
        width_here = max(width, len(lead + hang) + 20)
        cuts = line_breaks(body, width_here - len(lead), width_here - len(lead + hang))
        pieces = [body[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
        out.append("\n".join([lead + pieces[0], *(lead + hang + p for p in pieces[1:])]))
    return "\n".join(out)


def line_breaks(line: str, width: int, rest: int | None = None) -> list[int]:
    """Where a line of prose wraps at `width` characters (`rest` for the lines after the
    first, if they differ): the offsets of the spaces it breaks at, never one inside a formula.
    A word longer than the width stands on a line of its own."""
    glued = {m.start() for m in _IN_FORMULA.finditer(line)}
    for m in _SHORT_EQUATION.finditer(line):
        glued.update((m.start(1), m.start(2)))
    spaces = [i for i, c in enumerate(line) if c == " " and i not in glued]
    breaks: list[int] = []
    start, last = 0, None
    for space in [*spaces, len(line)]:
        limit = width if not breaks else (rest or width)
        if space - start > limit and last is not None:
            breaks.append(last)
            start = last + 1
            limit = rest or width
        last = space if space < len(line) else last
        if space - start > limit and space < len(line):  # one word wider than the line
            breaks.append(space)
            start, last = space + 1, None
    return breaks


def format_number(x: float) -> str:
    """Short, as a person writes it: whole numbers exactly, others to six significant figures."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def format_value(value: Value) -> str:
    """A number, a vector [a, b] or a matrix [[a, b], [c, d]] in the answer grammar."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return format_number(value)


def expected_text(part: Part) -> str:
    """A part's answer as the learner should have given it: a choice part's right options by
    number and text, an exact part's value exactly (1/3 rather than 0.333333)."""
    if part.kind == "choice":
        right = part.expected if isinstance(part.expected, tuple) else (part.expected,)
        return "; ".join(f"{int(n)}. {part.options[int(n) - 1]}" for n in right)
    if part.exact is not None:
        from gradeck.exercises.exact import exact_text

        return exact_text(part.exact)
    return format_value(part.expected)


def render_table(table: Table) -> str:
    """A titled grid: row labels to the left, numbers right-aligned in their columns."""
    ncols = max((len(row) for row in table.rows), default=0)
    header = list(table.col_labels) + [""] * (ncols - len(table.col_labels))
    grid = [[minus_signs(c) for c in row] + [""] * (ncols - len(row)) for row in table.rows]
    widths = [max(len(r[c]) for r in [header, *grid]) for c in range(ncols)]
    label_width = max((len(label) for label in table.row_labels), default=0)

    def line(label: str, cells: list[str]) -> str:
        left = f"{label:<{label_width}}  " if label_width else ""
        return (left + "  ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))).rstrip()

    lines = [table.title] if table.title else []
    if table.col_labels:
        lines.append(line("", header))
    for i, cells in enumerate(grid):
        lines.append(line(table.row_labels[i] if i < len(table.row_labels) else "", cells))
    return "\n".join(lines)


def render_network(widths: tuple[int, ...]) -> str:
    """A network's layer widths in one line, e.g. 2 → 2 → 1."""
    return "Network: " + " → ".join(str(w) for w in widths) + " (input → … → output)"


def part_heading(part: Part, exercise: Exercise) -> str:
    """How a part is introduced; a lone part needs no label. A choice part lists its options,
    numbered from 1, one per line; one where several may be right says so."""
    head = part.prompt if len(exercise.parts) == 1 else f"({part.label}) {part.prompt}"
    options = [f"    {n}. {option}" for n, option in enumerate(part.options, 1)]
    several = part.kind == "choice" and isinstance(part.expected, tuple)
    said = [f"    ({choice_instruction(part)})"] if several else []
    return "\n".join([head, *options, *said])


def choice_instruction(part: Part) -> str:
    """What to type for a choice part."""
    if isinstance(part.expected, tuple):
        return "several may be right: give the number of each, such as 1 3"
    return f"the number of one option, 1 to {len(part.options)}"


def filled_in(part: Part) -> str:
    """The line under a part that a faded worked example fills in for the learner."""
    return f"    filled in for you: {display_value(part.expected)}"


def render_code(code: str) -> str:
    """A listing with its line numbers, as code-reading parts refer to them."""
    lines = code.splitlines()
    digits = len(str(len(lines)))
    return "\n".join(f"{n:>{digits}} | {line}".rstrip() for n, line in enumerate(lines, 1))


def render_prompt(exercise: Exercise, width: int = WIDTH) -> str:
    """Title, prompt, network and tables: everything the learner reads before answering."""
    blocks = [exercise.title, wrap(exercise.prompt, width)]
    if exercise.code:
        blocks.append(render_code(exercise.code))
    if len(exercise.network) > 1:
        blocks.append(render_network(exercise.network))
    blocks.extend(render_table(t) for t in exercise.tables)
    return "\n\n".join(b for b in blocks if b)


def render_parts(exercise: Exercise, width: int = WIDTH) -> str:
    return "\n".join(wrap(part_heading(p, exercise), width) for p in exercise.parts)


def render_hint(exercise: Exercise, index: int, width: int = WIDTH) -> str:
    """The hint at `index` (from 0), numbered so the learner knows how many remain."""
    return wrap(f"Hint {index + 1} of {len(exercise.hints)}: {exercise.hints[index]}", width)


def render_step(step: Step, number: int, width: int = WIDTH) -> str:
    """A step's text after its number; its formula and working indented beneath."""
    head = f"{number}. "
    lines = [wrap(head + step.text, width, hang=" " * len(head))]
    lines += [
        wrap(t, width, indent=STEP_INDENT, hang="  ") for t in (step.formula, step.working) if t
    ]
    return "\n".join(lines)


def render_solution(exercise: Exercise, width: int = WIDTH) -> str:
    """The worked solution, one numbered step after another."""
    steps = [render_step(s, i, width) for i, s in enumerate(exercise.solution, 1)]
    return "\n".join(["Worked solution", *steps])


def render_answers(exercise: Exercise, width: int = WIDTH) -> str:
    """The expected answers: on one line for a lone part, else one line per part."""
    if len(exercise.parts) == 1:
        return wrap(f"Answer: {expected_text(exercise.parts[0])}", width, hang="  ")
    lines = ["Answers"]
    for part in exercise.parts:
        line = f"({part.label}) {expected_text(part)}"
        lines.append(wrap(line, width, indent="  ", hang="  "))
    return "\n".join(lines)


def render_exercise(
    exercise: Exercise, *, answers: bool = False, solution: bool = False, width: int = WIDTH
) -> str:
    """The whole exercise as text; with answers and solution for worksheets and `generate`."""
    blocks = [render_prompt(exercise, width), render_parts(exercise, width)]
    if answers:
        blocks.append(render_answers(exercise, width))
    if solution and exercise.solution:
        blocks.append(render_solution(exercise, width))
    return "\n\n".join(blocks)


def render_feedback(part: Part, result: PartResult, width: int = WIDTH) -> str:
    """One line (or, for an unreadable answer, the pointer) saying how an answer fared."""
    mark = FEEDBACK_MARKS[result.verdict]
    if result.verdict == "right":
        return f"{mark} right"
    if result.verdict == "blank":
        return wrap(f"{mark} no answer; the answer is {expected_text(part)}", width)
    if result.verdict == "unreadable" and "\n" in result.message:
        # A pointer under the answer: already laid out, so it is not wrapped.
        return f"{mark} cannot read this answer:\n{result.message}"
    if result.verdict == "wrong":
        return wrap(f"{mark} wrong: {result.message}" if result.message else f"{mark} wrong", width)
    return wrap(f"{mark} {result.message}", width)
