"""Text that must fit a column: one line, cut with "…" so that the reader sees it goes on."""

from __future__ import annotations

from rich.text import Text


def shorten(text: str, width: int) -> str:
    """`text` on one line (runs of white space made one space), at most `width` cells wide."""
    line = Text(" ".join(text.split()))
    line.truncate(width, overflow="ellipsis")
    return line.plain
