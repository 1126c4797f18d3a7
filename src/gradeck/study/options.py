"""A deck's scheduling options: the preset it is on, and the desired retention and FSRS weights
that schedule it (`gradeck decks options`; srs/presets.py keeps them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gradeck.errors import GradeckError
from gradeck.srs import presets
from gradeck.srs.presets import DEFAULT, Presets
from gradeck.srs.scheduler import Settings, parse_setting

if TYPE_CHECKING:
    from gradeck.study.profile import Profile

EXIT_USAGE = 2


@dataclass(frozen=True)
class DeckOptions:
    deck_id: str
    title: str
    preset: str  # DEFAULT: the profile's settings
    retention: float  # the desired retention in effect
    own_retention: bool  # set by the preset (else the profile's)
    weights: str  # "preset" (fitted for the preset), "profile" (fitted for it) or "default"
    sharing: tuple[str, ...] = ()  # the other decks on the preset, which a change moves too


def _options(deck_id: str, title: str, settings: Settings, loaded: Presets) -> DeckOptions:
    preset = loaded.of(deck_id)
    if preset is not None and preset.parameters:
        weights = "preset"
    else:
        weights = "profile" if settings.parameters else "default"
    return DeckOptions(
        deck_id,
        title,
        DEFAULT if preset is None else preset.name,
        loaded.settings(settings, deck_id).retention,
        preset is not None and preset.retention is not None,
        weights,
        () if preset is None else tuple(d for d in loaded.members(preset.name) if d != deck_id),
    )


def deck_options(profile: Profile) -> list[DeckOptions]:
    """The options of every loaded deck, in the library's order."""
    settings, loaded = profile.settings(), presets.load(profile.store)
    return [_options(d.id, d.title, settings, loaded) for d in profile.library.decks]


def deck_settings(profile: Profile) -> dict[str, Settings]:
    """Per loaded deck, the settings that schedule it."""
    settings, loaded = profile.settings(), presets.load(profile.store)
    return {d.id: loaded.settings(settings, d.id) for d in profile.library.decks}


def set_deck_options(
    profile: Profile,
    deck: str,
    *,
    preset: str | None = None,
    retention: str | None = None,
    parameters: str | None = None,
) -> DeckOptions:
    """Put `deck` on `preset` (made when new; 'default' for the profile's settings), then set
    its preset's `retention` and `parameters` ('default' for the profile's). All is checked
    before anything is saved; GradeckError says what is wrong."""
    found = profile.library.deck(deck)
    try:
        name = None if preset is None else presets.check_name(preset)
        wanted = _value("retention", retention)
        weights = _value("parameters", parameters)
    except ValueError as exc:
        raise GradeckError(str(exc), EXIT_USAGE) from None
    on = name if name is not None else presets.load(profile.store).decks.get(found.id, DEFAULT)
    if on == DEFAULT and (retention is not None or parameters is not None):
        raise GradeckError(
            f"deck {found.id} uses the profile's settings: put it on a preset first "
            f"(`gradeck decks options {found.id} --preset NAME`), or change the profile's "
            "with `gradeck config set retention R`",
            EXIT_USAGE,
        )
    if name is not None:
        presets.assign(profile.store, found.id, name)
    if retention is not None:
        presets.set_retention(profile.store, on, wanted)
    if parameters is not None:
        presets.set_parameters(profile.store, on, weights or ())
    return _options(found.id, found.title, profile.settings(), presets.load(profile.store))


def _value(key: str, text: str | None):
    """A setting's value from text; None for None or 'default' (the profile's)."""
    if text is None or text.strip().lower() == DEFAULT:
        return None
    return parse_setting(key, text)
