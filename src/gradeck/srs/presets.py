"""Deck presets: a desired retention and FSRS weights that some decks share, over the profile's
settings (Anki's deck option presets).

A deck on no preset is scheduled with the profile's settings. A preset holds only what it
changes: its retention, its fitted weights, or both; what it leaves unset is the profile's. So
`gradeck optimize` without a deck fits the profile's weights, which every deck without weights
of its own uses, and `gradeck optimize --deck D` fits the weights of D's preset, which only
the decks on that preset use. Kept in the store (schema version 6), read whole: a profile has a
handful of presets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import cast

from gradeck.srs.scheduler import Scheduler, Settings, format_setting, parse_setting
from gradeck.srs.store import Store
from gradeck.text import printable

DEFAULT = "default"  # names no preset: the profile's own settings
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


@dataclass(frozen=True)
class Preset:
    name: str
    retention: float | None = None  # None: the profile's
    parameters: tuple[float, ...] = ()  # (): the profile's

    def apply(self, settings: Settings) -> Settings:
        """`settings` with this preset's retention and weights where it sets them."""
        return replace(
            settings,
            retention=settings.retention if self.retention is None else self.retention,
            parameters=self.parameters or settings.parameters,
        )


@dataclass(frozen=True)
class Presets:
    """The presets of a profile and the deck ids on each."""

    presets: dict[str, Preset] = field(default_factory=dict)
    decks: dict[str, str] = field(default_factory=dict)  # deck id -> preset name

    def of(self, deck_id: str) -> Preset | None:
        name = self.decks.get(deck_id)
        return None if name is None else self.presets.get(name, Preset(name))

    def settings(self, settings: Settings, deck_id: str) -> Settings:
        """The settings that schedule `deck_id`'s items."""
        preset = self.of(deck_id)
        return settings if preset is None else preset.apply(settings)

    def members(self, name: str) -> list[str]:
        """The deck ids on preset `name`, loaded or not, in order."""
        return sorted(deck for deck, preset in self.decks.items() if preset == name)


def check_name(text: str) -> str:
    """A preset name as typed; ValueError saying what a name may be."""
    name = text.strip()
    if name.lower() == DEFAULT:
        return DEFAULT
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"a preset name is 1-40 letters, digits, '.', '_' or '-', starting with a letter or "
            f"digit, got {text!r}"
        )
    return name


def _retention(value: object) -> float | None:
    try:
        return parse_setting("retention", str(value)) if value is not None else None
    except ValueError:
        return None  # a value no gradeck wrote: the profile's is used


def _parameters(text: object) -> tuple[float, ...]:
    try:
        return parse_setting("parameters", str(text)) if text is not None else ()
    except ValueError:
        return ()


def load(store: Store) -> Presets:
    """Every preset and deck assignment; a value out of range reads as unset."""
    with store.reading() as db:
        presets = {
            name: Preset(name, _retention(retention), _parameters(parameters))
            for name, retention, parameters in db.execute(
                "SELECT name, retention, parameters FROM presets"
            )
        }
        decks = dict(db.execute("SELECT deck_id, preset FROM deck_presets"))
    return Presets(presets, decks)


def assign(store: Store, deck_id: str, name: str) -> None:
    """Put `deck_id` on preset `name` (made, unset, when new); DEFAULT puts it back on the
    profile's settings. The preset itself is kept either way."""

    def work() -> None:
        if name == DEFAULT:
            store.conn.execute("DELETE FROM deck_presets WHERE deck_id = ?", (deck_id,))
            return
        store.conn.execute("INSERT OR IGNORE INTO presets (name) VALUES (?)", (name,))
        store.conn.execute(
            "INSERT INTO deck_presets (deck_id, preset) VALUES (?, ?) "
            "ON CONFLICT (deck_id) DO UPDATE SET preset = excluded.preset",
            (deck_id, name),
        )

    store.write(work)


def set_retention(store: Store, name: str, retention: float | None) -> None:
    """Set preset `name`'s desired retention (None: the profile's); the preset is made when
    new."""
    _set(store, name, "retention", retention)


def set_parameters(store: Store, name: str, parameters: tuple[float, ...]) -> None:
    """Set preset `name`'s FSRS weights (() for the profile's); made when new."""
    _set(
        store, name, "parameters", format_setting("parameters", parameters) if parameters else None
    )


def _set(store: Store, name: str, column: str, value: object) -> None:
    def work() -> None:
        store.conn.execute("INSERT OR IGNORE INTO presets (name) VALUES (?)", (name,))
        store.conn.execute(f"UPDATE presets SET {column} = ? WHERE name = ?", (value, name))

    store.write(work)


class Schedulers:
    """The scheduler of each deck: one per distinct settings the decks come to, made when first
    asked for, so a session over many decks on one preset builds one."""

    def __init__(self, settings: Settings, presets: Presets) -> None:
        self.settings = settings
        self.presets = presets
        self._made: dict[Settings, Scheduler] = {}

    def __call__(self, deck_id: str) -> Scheduler:
        settings = self.presets.settings(self.settings, deck_id)
        if settings not in self._made:
            self._made[settings] = Scheduler(settings)
        return self._made[settings]


# -- progress files ---------------------------------------------------------------------------
# A progress export carries the presets as {name: {retention, parameters, decks}}: `retention`
# a number or null, `parameters` the weights as the settings keep them or null, `decks` the deck
# ids on the preset. Importing adds what the profile lacks and never changes what it has, as
# for settings: a preset of the same name keeps its values, a deck on a preset stays there.
MAX_PRESETS = 1000
MAX_DECKS = 10_000


def export(store: Store) -> dict[str, dict[str, object]]:
    loaded = load(store)
    return {
        name: {
            "retention": preset.retention,
            "parameters": format_setting("parameters", preset.parameters)
            if preset.parameters
            else None,
            "decks": loaded.members(name),
        }
        for name, preset in sorted(loaded.presets.items())
    }


def _preset_problems(path: str, preset: object) -> list[str]:
    if not isinstance(preset, dict):
        return [f"{path}: must be an object with retention, parameters and decks"]
    out = []
    for key, value in (
        ("retention", preset.get("retention")),
        ("parameters", preset.get("parameters")),
    ):
        if value is None:
            continue
        if key == "retention" and (isinstance(value, bool) or not isinstance(value, int | float)):
            out.append(f"{path}.retention: must be a number or null")
            continue
        if key == "parameters" and (not isinstance(value, str) or len(value) > 1000):
            out.append(f"{path}.parameters: must be a text of 21 numbers or null")
            continue
        try:
            parse_setting(key, str(value))
        except ValueError as exc:
            out.append(f"{path}.{key}: {exc}")
    decks = preset.get("decks", [])
    if (
        not isinstance(decks, list)
        or len(decks) > MAX_DECKS
        or not all(isinstance(d, str) and 0 < len(d) <= 200 for d in decks)
    ):
        out.append(f"{path}.decks: must be a list of deck ids")
    return out


def problems(data: object) -> list[str]:
    """Every way a progress file's `presets` breaks the format, each as `json.path: why`."""
    if not isinstance(data, dict) or len(data) > MAX_PRESETS:
        return [f"presets: must be an object of at most {MAX_PRESETS} presets by name"]
    out: list[str] = []
    owner: dict[str, str] = {}
    for name, preset in data.items():
        path = f"presets.{printable(str(name)[:40])}"
        try:
            checked = check_name(name)
        except ValueError as exc:
            out.append(f"{path}: {exc}")
            continue
        if checked != name:
            why = "names the profile's settings" if checked == DEFAULT else "has spaces around it"
            out.append(f"{path}: {why}, not a preset")
            continue
        found = _preset_problems(path, preset)
        out += found
        for deck in [] if found else preset.get("decks", []):
            if deck in owner:
                out.append(f"{path}.decks: {printable(deck[:40])} is also on {owner[deck]}")
            owner[deck] = name
    return out


def merge(conn, data: dict[str, dict[str, object]]) -> int:
    """Add a checked file's presets (see `problems`) inside the caller's transaction; returns
    how many presets and deck assignments were added."""
    added = 0
    for name, preset in data.items():
        added += conn.execute(
            "INSERT OR IGNORE INTO presets (name, retention, parameters) VALUES (?, ?, ?)",
            (name, preset.get("retention"), preset.get("parameters")),
        ).rowcount
        for deck in cast(list, preset.get("decks", [])):  # a list of deck ids, once checked
            added += conn.execute(
                "INSERT OR IGNORE INTO deck_presets (deck_id, preset) VALUES (?, ?)", (deck, name)
            ).rowcount
    return added
