"""Settings: desired retention, daily limits, day start hour and theme, saved in the profile.

Values are checked by `gradeck.study` (the same rules as `gradeck config set`); a value it
refuses is not saved and the reason is shown.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, Static

from gradeck.study import SETTING_HELP
from gradeck.tui.widgets.footer import Footer
from gradeck.tui.widgets.text import plain

# The settings offered here; the rest (steps, fuzz ...) stay with `gradeck config`.
FIELDS = {
    "retention": "Desired retention",
    "new_per_day": "New items per day",
    "reviews_per_day": "Reviews per day",
    "day_start_hour": "Day starts at hour",
}


class SettingsScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Ctrl+O (as in nano) saves: Ctrl+S takes a screenshot here as on every screen.
        Binding("ctrl+o", "save", "Save"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-form"):
            for key, label in FIELDS.items():
                with Horizontal(classes="setting"):
                    yield Label(label)
                    yield Input(id=f"set-{key}")
                    yield Static(SETTING_HELP[key], classes="muted setting-help")
            with Horizontal(classes="setting"):
                yield Label("Theme")
                themes = sorted(self.app.available_themes)
                yield Select(
                    [(t, t) for t in themes],
                    value=self.app.theme,
                    allow_blank=False,
                    id="set-theme",
                )
            yield Static(
                "Enter or Ctrl+O saves; the theme applies at once.",
                classes="muted",
                id="set-status",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Settings"
        self._load()

    @work(exclusive=True, group="settings")
    async def _load(self) -> None:
        app = self.app
        profile = await app.load_profile()  # type: ignore[attr-defined]
        settings = await app.call(profile.settings)  # type: ignore[attr-defined]
        strings = settings.as_strings()
        for key in FIELDS:
            self.query_one(f"#set-{key}", Input).value = strings[key]
        self.query_one("#set-retention", Input).focus()

    @on(Select.Changed, "#set-theme")
    def _theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.app.theme:
            self.app.theme = event.value  # the app keeps it in the profile

    @on(Input.Submitted)
    def action_save(self) -> None:
        self._save()

    @work(exclusive=True, group="settings")
    async def _save(self) -> None:
        app = self.app
        profile = await app.load_profile()  # type: ignore[attr-defined]
        problems = []
        for key in FIELDS:
            text = self.query_one(f"#set-{key}", Input).value.strip()
            try:
                await app.call(profile.set_setting, key, text, expected=(ValueError,))  # type: ignore[attr-defined]
            except ValueError as exc:
                problems.append(f"{FIELDS[key]}: {exc}")
        status = self.query_one("#set-status", Static)
        if problems:
            status.update(plain("Not saved: " + "; ".join(problems)))
            status.set_classes("feedback wrong")
        else:
            status.update("Saved.")
            status.set_classes("feedback right")
