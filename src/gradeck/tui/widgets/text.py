"""Deck text for widgets: always plain text, and cut to fit a column where it must.

Textual and Rich read a `str` handed to a widget as markup, so `[/]` in a deck would crash the
app, `[b]` would vanish and `[@click=app.quit]` would become an action. Every text that comes
from a deck, an import or a typed answer goes into a widget through `plain` instead: a Rich
`Text` is never parsed, and `printable` shows control characters as visible stand-ins.
"""

from __future__ import annotations

from rich.text import Text

from gradeck.text import printable


def plain(text: str, style: str = "") -> Text:
    """`text` as literal text (never markup), with control characters made visible."""
    return Text(printable(text), style=style)


def shorten(text: str, width: int, style: str = "") -> Text:
    """`text` on one line (runs of white space made one space), at most `width` cells wide,
    cut with "…" so that the reader sees it goes on."""
    line = plain(" ".join(text.split()), style)
    line.truncate(width, overflow="ellipsis")
    return line


def typed_character(key: str, character: str | None) -> str | None:
    """The character a key types. The footer asks a text box whether it takes a key by name
    only, and Textual finds no character for "minus": without this, `- Bury` would be shown
    while typing, where `-` is typed."""
    return character or ("-" if key == "minus" else None)


def wrapped(text: Text, width: int) -> Text:
    """`text` broken into lines of at most `width` where prose may break, never inside a
    formula (`render.line_breaks`), its styles kept; Textual would break at any space, and
    `1 − tanh²(z)` could end a line with "1 −"."""
    # Imported here: the home screen shows no formula, and render pulls in the answer checker.
    from gradeck.exercises.render import line_breaks

    lines: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        breaks = line_breaks(line.plain, width)
        pieces = line.divide(sorted({*breaks, *(b + 1 for b in breaks)}))
        lines.extend(pieces[::2])  # every other piece is the space broken at
    for line in lines:
        line.style = ""  # the text's own style stays the whole text's, not each line's
    return Text("\n", style=text.style).join(lines)
