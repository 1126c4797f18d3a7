"""Redraw the README's screenshots (review.png, exercise.png) at 100x30 in a fresh profile.

    python docs/screenshots/make.py   (needs rsvg-convert for the PNG files)

The SVG is given xml:space="preserve" before conversion: without it rsvg-convert drops the
spaces at the edges of each styled run and misplaces the text around them ("gradeck—  Home").
"""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from gradeck.exercises.render import format_value
from gradeck.tui.app import GradeckApp

HERE = Path(__file__).parent
SIZE = (100, 30)
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


async def _settle(app: GradeckApp, pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def review(home: Path) -> str:
    """A glossary card turned over, with its rating bar."""
    app = GradeckApp(data_dir=home, seed=7, now=lambda: NOW, study_deck="nn-glossary")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        await pilot.press("space")
        await _settle(app, pilot)
        return app.export_screenshot()


async def exercise(home: Path) -> str:
    """Practice of a two-layer network: the output right, then a known mistake diagnosed."""
    app = GradeckApp(data_dir=home, seed=7, now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        app.practise_family("backprop-two-layer")
        await _settle(app, pilot)
        panel = app.screen.query_one("ExercisePanel")
        first, second = panel.exercise.parts[:2]
        mistake = second.mistakes[0].value if second.mistakes else 12345
        for answer in (format_value(first.expected), format_value(mistake)):
            await pilot.press(*answer, "enter")
            await _settle(app, pilot)
        for box in app.screen.query("Input"):
            box.cursor_blink = False
        panel.query_one("#feedback-1").scroll_visible(animate=False)
        await _settle(app, pilot)
        return app.export_screenshot()


def save(name: str, svg: str) -> None:
    svg = svg.replace("<svg ", '<svg xml:space="preserve" ', 1)
    (HERE / f"{name}.svg").write_text(svg, encoding="utf-8")
    subprocess.run(
        ["rsvg-convert", str(HERE / f"{name}.svg"), "-o", str(HERE / f"{name}.png")], check=True
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        save("review", asyncio.run(review(Path(tmp) / "review")))
        save("exercise", asyncio.run(exercise(Path(tmp) / "exercise")))


if __name__ == "__main__":
    main()
