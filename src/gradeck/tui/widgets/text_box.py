"""A text box that applies a burst of keys in the order they were typed.

Textual types a printable key in the box's own handler, but runs a key's binding (Backspace,
Enter and the arrows of the box, Ctrl+G of the exercise around it) only once the key has
bubbled up through every widget to the app. Typed fast, `12⌫⌫3` then reaches the box as
"1", "2", "3" before the two Backspaces, and the answer checked is "1". Here the bindings run
from the box's own handler too, so every key is applied before the next one is looked at.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.widgets import Input

from gradeck.tui.widgets.text import typed_character


class TextBox(Input):
    """An Input whose keys, letters and bindings alike, are applied in the order they came.

    `HOLDING_KEYS` are the keys after which the app keeps the following keys until the box's
    owner says the key is dealt with (`App.answer_handled`): Enter checks an answer and moves
    the focus, and "22" typed after `11⏎` belongs in the next box, not in this one."""

    HOLDING_KEYS: ClassVar[frozenset[str]] = frozenset({"enter"})

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return super().check_consume_key(key, typed_character(key, character))

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            await super()._on_key(event)
            return
        # The same search of the bindings the app makes when the key bubbles up to it (from
        # the focused box outwards), made now; a key handled here goes no further.
        if await self.app._check_bindings(event.key):
            event.stop()
            event.prevent_default()
