"""Starting the study app: the hook run once the home screen is usable, the garbage collector
held until then by the command, and a footer rebuilt only when its keys change."""

from __future__ import annotations

import argparse
import gc

import pytest
from textual.widgets._footer import FooterKey

from gradeck.commands import app as command
from gradeck.tui.app import GradeckApp
from gradeck.tui.screens.browse import BrowseScreen
from gradeck.tui.screens.home import HomeScreen


def _footer(screen) -> list[tuple[str, str]]:
    return [(key.key, key.description) for key in screen.query(FooterKey)]


def _expected(screen) -> list[tuple[str, str]]:
    """The keys Textual's footer would show: every binding shown, the palette's last."""
    shown = {}
    for _node, binding, _enabled, _tooltip in screen.active_bindings.values():
        if binding.show:
            shown.setdefault(binding.action, (binding.key, binding.description))
    palette = screen.active_bindings.get(screen.app.COMMAND_PALETTE_BINDING)
    tail = [(palette[1].key, palette[1].description)] if palette else []
    return [*shown.values(), *tail]


async def test_when_usable_runs_once_the_decks_are_listed(make_app, keys) -> None:
    seen: list[int] = []

    def usable() -> None:
        seen.append(app.screen.query_one("#decks").row_count)

    app = make_app(when_usable=usable)
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        listed = app.screen.query_one("#decks").row_count
        assert listed > 3 and seen == [listed]  # every deck was listed before it ran
        await keys.press(pilot, "b")
        await keys.press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen) and seen == [listed]  # once only


async def test_footer_shows_the_screens_keys_and_keeps_them_while_unchanged(make_app, keys) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        home = app.screen
        assert _footer(home) == _expected(home)
        assert ("b", "Browse") in _footer(home)
        built = list(home.query(FooterKey))
        home.refresh_bindings()  # the same keys: the footer keeps its widgets
        await keys.settle(pilot)
        assert list(home.query(FooterKey)) == built
        await keys.press(pilot, "b")
        assert isinstance(app.screen, BrowseScreen)
        assert _footer(app.screen) == _expected(app.screen) != _footer(home)
        await keys.press(pilot, "escape")
        assert app.screen is home and _footer(home) == _expected(home)


def _args() -> argparse.Namespace:
    return argparse.Namespace(data_dir=None, deck_args=())


def test_the_command_holds_the_collector_until_the_home_is_usable(monkeypatch) -> None:
    states: list[bool] = []

    def run(self: GradeckApp) -> None:
        states.append(gc.isenabled())
        self._when_usable()  # as the home screen does once it lists the decks
        states.append(gc.isenabled())

    monkeypatch.setattr(GradeckApp, "run", run)
    assert command.run_home(_args()) == 0
    assert states == [False, True] and gc.isenabled()


def test_the_collector_is_back_on_when_the_app_fails(monkeypatch) -> None:
    def run(self: GradeckApp) -> None:
        raise RuntimeError("broken")

    monkeypatch.setattr(GradeckApp, "run", run)
    with pytest.raises(RuntimeError):
        command.run_home(_args())
    assert gc.isenabled()
