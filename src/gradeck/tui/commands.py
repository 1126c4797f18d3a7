"""The command palette (Ctrl+P): every screen, deck and family, and this screen's own keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from gradeck.exercises.registry import FAMILIES
from gradeck.text import printable
from gradeck.tui.widgets.text import plain

Command = tuple[str, str, Callable[[], object]]

SCREENS = (
    ("Home", "Decks and today's counts", "home"),
    ("Study everything due", "Review all due items", "study_all"),
    ("Practice", "Exercises without end; nothing is scheduled", "practice"),
    ("Statistics", "Forecast, heatmap, retention, weak spots", "stats"),
    ("Browse", "Search cards and templates; suspend; preview", "browse"),
    ("Settings", "Retention, daily limits, day start, theme", "settings"),
    ("Keys", "Every key of every screen", "help"),
)


class GradeckCommands(Provider):
    """What the app can do from anywhere, then what the keys of the current screen do.

    The palette reads a `str` name as markup, so names (deck titles among them) go to it as
    Rich `Text`, highlighted here rather than by the matcher; deck ids (the help line) cannot
    hold brackets."""

    def _commands(self) -> Iterator[Command]:
        app = self.app
        for name, help_text, action in SCREENS:
            yield name, help_text, partial(app.run_action, action)
        for deck_id, title in getattr(app, "deck_titles", {}).items():
            study = partial(app.open_study, (deck_id,))
            yield f"Study {printable(title)}", f"deck {deck_id}", study
        for family in sorted(FAMILIES):
            yield (
                f"Practise {family}",
                FAMILIES[family].description,
                partial(app.practise_family, family),
            )
        seen = set()
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if enabled and binding.description and binding.action not in seen:
                seen.add(binding.action)
                action = partial(node.run_action, binding.action)
                yield binding.description, f"key {binding.key} here", action

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(plain(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score, offsets = matcher.fuzzy_search.match(matcher.query, name)
            if score > 0:
                shown = plain(name)
                for offset in offsets:
                    shown.stylize("bold underline", offset, offset + 1)
                yield Hit(score, shown, callback, text=name, help=help_text)
