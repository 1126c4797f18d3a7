"""The Statistics screen's simulator panel: the figures show at once, while the year of study
is still being simulated off the study thread, and the panel then shows `gradeck simulate`'s
table, the cheapest retention marked."""

from __future__ import annotations

import asyncio
import io
import threading

from rich.console import Console
from textual.widgets import Static

from gradeck import study
from gradeck.study import tuning


def _text(app, selector: str) -> str:
    """What a Static shows, as plain lines."""
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


async def test_the_figures_show_while_the_simulation_runs(make_app, keys, monkeypatch) -> None:
    from gradeck.tui.screens.stats import StatsScreen

    release = threading.Event()
    run = tuning.simulate_one

    def held(plan, retention):
        release.wait(30)  # the simulation of the first retention waits for the test
        return run(plan, retention)

    monkeypatch.setattr(tuning, "simulate_one", held)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await keys.settle(pilot)
        await pilot.press("s")
        for _ in range(100):  # the statistics come in (the simulation is still held)
            await pilot.pause(0.05)
            if app.screen.query(".stats-block"):
                break
        assert isinstance(app.screen, StatsScreen)
        assert len(app.screen.query(".stats-block")) > 2
        assert "Simulating a year of study" in _text(app, "#simulation")
        # The study thread is free: the app answers a profile call while the panel waits.
        profile = await app.load_profile()
        settings = await asyncio.wait_for(app.call(profile.settings), timeout=10)
        assert settings.retention == 0.9
        release.set()
        await keys.settle(pilot)
        shown = _text(app, "#simulation")
    with study.Profile.open(app.data_dir) as profile:
        expected = tuning.simulate(profile)
    assert expected["outcomes"] and "Answers/day" in shown
    for row in expected["outcomes"]:
        line = next(
            t for t in shown.splitlines() if t.strip().startswith(f"{row['retention']:.2f}")
        )
        assert f"{row['answers_per_day']:.1f}" in line
        assert ("*" in line) == (row["retention"] == expected["cheapest"])
        assert ("(yours)" in line) == (row["retention"] == 0.9)
