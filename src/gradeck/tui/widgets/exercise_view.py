"""Lay out an exercise's numbers: weight matrices as small tables, a network as a drawing."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from gradeck.exercises.model import Exercise, Table


def matrix_table(table: Table) -> RichTable:
    grid = RichTable(title=table.title, title_justify="left", show_header=bool(table.col_labels))
    if table.row_labels:
        grid.add_column("", style="dim")
    width = len(table.rows[0]) if table.rows else 0
    labels = table.col_labels or ("",) * width
    for label in labels:
        grid.add_column(label, justify="right")
    for i, row in enumerate(table.rows):
        cells = ([table.row_labels[i]] if table.row_labels else []) + list(row)
        grid.add_row(*cells)
    return grid


def network_drawing(widths: Sequence[int], names: Sequence[str] = ()) -> Text:
    """Layers as columns of nodes joined by arrows, e.g. (2, 2, 1) as input, hidden and output."""
    names = list(names) or (
        ["input"] + ["hidden"] * (len(widths) - 2) + ["output"] if len(widths) > 1 else ["input"]
    )
    tallest = max(widths, default=0)
    col = 10
    text = Text()
    text.append("".join(f"{n:^{col}}" for n in names).rstrip() + "\n", style="dim")
    for row in range(tallest):
        line = ""
        for layer, width in enumerate(widths):
            pad = (tallest - width) // 2
            node = "◯" if pad <= row < pad + width else " "
            joint = " ──── " if layer < len(widths) - 1 and node != " " else "      "
            line += f"  {node} " + (joint if layer < len(widths) - 1 else "")
        text.append(line.rstrip() + "\n", style="bold cyan")
    return text


def exercise_body(exercise: Exercise) -> RenderableType:
    """The prompt with its figures, as one renderable for the exercise screen."""
    parts: list[RenderableType] = [Text(exercise.prompt)]
    if len(exercise.network) > 1:
        parts.append(network_drawing(exercise.network))
    parts.extend(matrix_table(t) for t in exercise.tables)
    return Group(*parts)
