"""Shared set-up for the study app's tests: a temporary profile, small decks, a fixed clock.

Every app here gets a fixed seed and a fixed clock, so that the same exercise variants and the
same dates come up on every run (the snapshot tests depend on it).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from gradeck.tui.app import GradeckApp

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, at noon

TWO_CARDS = """format: 1
id: two
title: Two cards
cards:
  - id: relu
    front: What does ReLU return for a negative input?
    back: Zero.
  - id: epoch
    front: What is an epoch?
    back: One pass over the whole training set.
"""

MIXED = """format: 1
id: mixed
title: Every kind of item
cards:
  - id: sigmoid
    type: cloze
    text: "The {{c1::sigmoid}} squashes any number into (0, 1)."
  - id: optimizer
    type: choice
    question: Which of these is an optimizer?
    correct: [Adam]
    wrong: [ReLU, Dropout]
  - id: loss
    type: typed
    question: Which loss goes with logits for multi-class classification?
    answer: cross-entropy
exercises:
  - id: bias-step
    family: update-rule
    difficulty: 1
    title: One gradient step on a bias
"""

ONE_EXERCISE = """format: 1
id: drill
title: One exercise
exercises:
  - id: bias-step
    family: update-rule
    difficulty: 1
    title: One gradient step on a bias
"""


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (no asyncio plugin is needed for Pilot)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A profile folder with the test decks in its decks/ folder."""
    decks = tmp_path / "profile" / "decks"
    decks.mkdir(parents=True)
    for name, text in (("two", TWO_CARDS), ("mixed", MIXED), ("drill", ONE_EXERCISE)):
        (decks / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "profile"


@pytest.fixture
def make_app(home: Path) -> Callable[..., GradeckApp]:
    def make(**kwargs) -> GradeckApp:
        return GradeckApp(data_dir=home, seed=7, now=lambda: NOW, **kwargs)

    return make


class Keys:
    """Key presses that wait for the app: each key, then its workers, then a repaint.

    Test modules are imported in importlib mode and cannot import each other, so the helpers
    reach them as the `keys` fixture.
    """

    @staticmethod
    async def settle(pilot: Pilot) -> None:
        for _ in range(3):
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        # A screen that is still drawing its item (slow on a loaded machine) is waited for.
        for _ in range(50):
            if not getattr(pilot.app.screen, "busy", False):
                break
            await pilot.pause(0.05)
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    async def press(self, pilot: Pilot, *keys: str) -> None:
        for key in keys:
            await pilot.press(key)
            await self.settle(pilot)

    async def answer(self, pilot: Pilot, text: str) -> None:
        """Type into the focused box and press Enter."""
        await pilot.press(*text)
        await self.press(pilot, "enter")


@pytest.fixture
def keys() -> Keys:
    return Keys()
