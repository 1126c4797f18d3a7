"""Lay out an exercise's figures: weight matrices as small tables, a network as a drawing, a
listing as highlighted code."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich import box
from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table as RichTable
from rich.text import Text

from gradeck.exercises.model import Exercise, Table
from gradeck.exercises.render import minus_signs, wrap
from gradeck.tui.widgets.text import plain


def matrix_table(table: Table) -> RenderableType:
    """A titled grid with light rules; row and column labels dim."""
    grid = RichTable(
        box=box.SIMPLE_HEAD, show_header=bool(table.col_labels), show_edge=False, padding=(0, 1)
    )
    if table.row_labels:
        grid.add_column("", style="dim")  # a str header or cell would be read as markup
    width = len(table.rows[0]) if table.rows else 0
    labels = table.col_labels or ("",) * width
    for label in labels:
        grid.add_column(plain(label), justify="right")
    for i, row in enumerate(table.rows):
        cells = ([table.row_labels[i]] if table.row_labels else []) + list(map(minus_signs, row))
        grid.add_row(*map(plain, cells))
    return Group(plain(table.title, "bold"), grid)


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_BOX = {
    "lr": "─", "l": "─", "r": "─", "du": "│", "d": "│", "u": "│",
    "dr": "┌", "dl": "┐", "ru": "└", "lu": "┘",
    "dru": "├", "dlu": "┤", "dlr": "┬", "lru": "┴", "dlru": "┼",
}  # fmt: skip
LABEL, GAP = 3, 9  # columns for a node's label, and for the wiring between two layers


def _node_labels(widths: Sequence[int]) -> list[list[str]]:
    """x₁ x₂ … for the input, h₁ h₂ … for hidden layers, ŷ (or ŷ₁ ŷ₂ …) for the output."""
    out = []
    for layer, n in enumerate(widths):
        stem = "x" if layer == 0 else "ŷ" if layer == len(widths) - 1 else "h"
        out.append([stem if stem == "ŷ" and n == 1 else stem + str(i).translate(_SUB)
                    for i in range(1, n + 1)])  # fmt: skip
    return out


def network_drawing(widths: Sequence[int]) -> Text:
    """Layers as columns of named nodes; each pair of layers joined by a bus, which says that
    every node feeds every node of the next layer without drawing all the crossing lines."""
    names = ["input"] + ["hidden"] * (len(widths) - 2) + ["output"]
    tall = 2 * max(widths, default=1) - 1
    middle = tall // 2
    wide = len(widths) * LABEL + (len(widths) - 1) * GAP
    links: dict[tuple[int, int], set[str]] = {}

    def line(r0: int, c0: int, r1: int, c1: int) -> None:
        """A horizontal or vertical segment from (r0, c0) to (r1, c1), ends included."""
        if r0 == r1:
            for c in range(min(c0, c1), max(c0, c1) + 1):
                ends = {"l"} if c > min(c0, c1) else set()
                links.setdefault((r0, c), set()).update(
                    ends | ({"r"} if c < max(c0, c1) else set())
                )
        else:
            for r in range(min(r0, r1), max(r0, r1) + 1):
                ends = {"u"} if r > min(r0, r1) else set()
                links.setdefault((r, c0), set()).update(
                    ends | ({"d"} if r < max(r0, r1) else set())
                )

    rows = [[max(widths) - n + 2 * i for i in range(n)] for n in widths]
    for layer in range(len(widths) - 1):
        x = layer * (LABEL + GAP) + LABEL
        left, right = x + 1, x + GAP - 2
        for r in rows[layer]:
            line(r, x, r, left)
        for r in rows[layer + 1]:
            line(r, right, r, x + GAP - 1)
        line(min(*rows[layer], middle), left, max(*rows[layer], middle), left)
        line(min(*rows[layer + 1], middle), right, max(*rows[layer + 1], middle), right)
        line(middle, left, middle, right)
    grid = [[" "] * wide for _ in range(tall)]
    for (r, c), dirs in links.items():
        grid[r][c] = _BOX.get("".join(sorted(dirs)), "─")
    text = Text()
    header = "".join(f"{n:<{LABEL + GAP}}" for n in names)
    text.append(header.rstrip() + "\n", style="dim")
    for layer, labels in enumerate(_node_labels(widths)):
        for r, label in zip(rows[layer], labels, strict=True):
            x = layer * (LABEL + GAP)
            grid[r][x : x + LABEL] = list(f"{label:<{LABEL}}")
    for r, cells in enumerate(grid):
        # Only the drawn runs are styled: separate runs keep SVG screenshots aligned.
        for run in re.findall(r" +|[^ ]+", "".join(cells).rstrip()):
            text.append(run, style="" if run.isspace() else "bold cyan")
        if r < tall - 1:
            text.append("\n")
    return text


def exercise_body(exercise: Exercise, width: int | None = None) -> RenderableType:
    """The prompt with its figures, as one renderable for the exercise screen; the prompt
    wrapped to `width` as plain text is (never inside a formula), when it is known."""
    prompt = minus_signs(exercise.prompt) if width is None else wrap(exercise.prompt, width)
    parts: list[RenderableType] = [plain(prompt)]
    if exercise.code:
        parts += [Text(), Syntax(exercise.code, "python", line_numbers=True, theme="ansi_dark")]
    if len(exercise.network) > 1:
        parts += [Text(), network_drawing(exercise.network)]
    if exercise.tables:
        parts.append(Text())
        parts.append(Columns([matrix_table(t) for t in exercise.tables], padding=(1, 3)))
    return Group(*parts)
