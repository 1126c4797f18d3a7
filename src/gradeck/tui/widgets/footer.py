"""The footer of every screen: Textual's, rebuilt only when the keys it shows have changed.

Textual's footer throws its keys away and builds them again (a widget per key, each styled
and laid out) every time the screen says its bindings may have changed: when the screen is
shown, when the focus moves, when the screen stack changes. Opening the app says so three
times before the home screen is usable, for the same keys each time, and the two rebuilds
too many were among the largest costs of the start. This one waits until the screen is
drawn, as Textual's does, then rebuilds only if what it would show differs from what it
shows, and once however often it was told meanwhile.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """Textual's `Footer` (the same arguments, look and keys); see the module's docstring."""

    def __init__(self, *children: Widget, **options: Any) -> None:
        super().__init__(*children, **options)
        self._shown: Hashable = None  # what the keys were built from, None before the first
        self._pending = False  # a rebuild is already waiting for the screen to be drawn

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # A key is made compact, then bound to the footer's `compact`, which restyles
                # it twice as it is mounted; given the footer's value first, it is styled once.
                # (The palette's key is not bound: it stays compact.)
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        if not self.is_attached:  # its screen was closed meanwhile
            return
        shown = self._keys_shown()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _keys_shown(self) -> Hashable:
        """Everything `compose` builds the keys from: the screen's bindings that are shown,
        each with whether it is enabled and its tooltip, and the command palette's key."""
        app = self.app
        active = self.screen.active_bindings
        keys = tuple(
            (binding, enabled, tooltip)
            for _node, binding, enabled, tooltip in active.values()
            if binding.show
        )
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            palette = found[1:] if found is not None else None
        return keys, palette
