"""A progress file is checked field by field before anything is written: every problem is named
by its JSON path, and a file with any problem leaves the profile exactly as it was."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from gradeck.errors import GradeckError
from gradeck.study import Profile

YEAR_287168_MS = 9_000_000_000_000_000  # 2.85e5 years after 1970


def dump(profile: Profile) -> str:
    return "\n".join(profile.store.conn.iterdump())


@pytest.fixture
def exported(profile: Profile) -> dict[str, Any]:
    """A real export holding one item in review (items[0]) and one answer."""
    session = profile.session()
    session.answer(session.next(), 3)
    data = profile.export_progress()
    answered = next(i for i in data["items"] if i["state"])
    data["items"].remove(answered)
    data["items"].insert(0, answered)
    answered.update(state=2, step=None, stability=3.2, difficulty=5.5)
    answered["last_review"] += 1000  # more recent than the profile's: it would replace it
    assert len(data["reviews"]) == 1
    return data


def _refused(profile: Profile, data: dict[str, Any], *expected: str) -> str:
    before = dump(profile)
    with pytest.raises(GradeckError) as caught:
        profile.import_progress(data)
    message = str(caught.value)
    for text in expected:
        assert text in message
    assert "nothing was imported" in message
    assert dump(profile) == before
    return message


def test_a_sound_file_imports(profile: Profile, exported: dict[str, Any]) -> None:
    counts = profile.import_progress(exported)
    assert counts["items_updated"] == 1


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("stability", None, "for an item in review, not null"),
        ("stability", 0, "a positive number of days"),
        ("stability", -3.0, "a positive number of days"),
        ("stability", 1e308, "a positive number of days"),
        ("stability", "3.2", "a positive number of days"),
        ("difficulty", 11, "a difficulty from 1 to 10"),
        ("difficulty", None, "not null"),
        ("step", 10**9, "a learning step from 0 to 99"),
        ("step", -1, "a learning step"),
        ("step", 1.5, "a learning step"),
        ("due", YEAR_287168_MS, "before the year 3000"),
        ("due", None, "not null"),
        ("last_review", -1, "a time in ms since 1970"),
        ("state", 7, "a state from 0 to 3"),
        ("state", True, "a state from 0 to 3"),
        ("suspended", 1, "true or false"),
        ("deck", "", "a non-empty text"),
        ("item", "x\x1b]0;PWNED\x07", "must not hold control characters"),
        ("sub", "s" * 501, "at most 500 characters"),
    ],
)
def test_a_bad_item_field_is_refused_by_its_path(
    profile: Profile, exported: dict[str, Any], field: str, value: object, why: str
) -> None:
    exported["items"][0][field] = value
    _refused(profile, exported, f"items[0].{field}: ", why)


def test_a_learning_item_needs_its_step(profile: Profile, exported: dict[str, Any]) -> None:
    exported["items"][0].update(state=1, step=None)
    _refused(profile, exported, "items[0].step: must be a learning step from 0 to 99 for an item")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rating", 5),
        ("mode", "exam"),
        ("time", YEAR_287168_MS),
        ("duration_ms", 2**63),
        ("seed", -1),
        ("parts_right", "1x"),
        ("prev_state", 9),
        ("prev_stability", -1.0),
        ("answer", "a" * 100_001),
    ],
)
def test_a_bad_review_field_is_refused_by_its_path(
    profile: Profile, exported: dict[str, Any], field: str, value: object
) -> None:
    exported["reviews"][0][field] = value
    _refused(profile, exported, f"reviews[0].{field}: must be")


def test_a_missing_field_is_named(profile: Profile, exported: dict[str, Any]) -> None:
    del exported["items"][0]["due"]
    _refused(profile, exported, "items[0].due: is missing")


def test_every_problem_is_listed_up_to_twenty(profile: Profile, exported: dict[str, Any]) -> None:
    first = exported["items"][0]
    exported["items"] = [dict(first, item=f"i{n}", stability=0) for n in range(25)]
    exported["reviews"] = []
    message = _refused(profile, exported, "25 problems", "items[19].stability", "and 5 more")
    assert "items[20]" not in message


def test_a_duplicate_item_is_refused(profile: Profile, exported: dict[str, Any]) -> None:
    exported["items"].append(copy.deepcopy(exported["items"][0]))
    last = len(exported["items"]) - 1
    _refused(profile, exported, f"items[{last}]: the same deck, item and sub as items[0]")


def test_a_review_of_an_item_not_in_the_file_is_refused(
    profile: Profile, exported: dict[str, Any]
) -> None:
    exported["reviews"][0]["item"] = "elsewhere"
    _refused(profile, exported, "reviews[0]: names an item that is not in 'items'")


def test_settings_are_checked_like_config_set(profile: Profile, exported: dict[str, Any]) -> None:
    exported["settings"] = {"retention": "2", "anything": "kept"}
    _refused(profile, exported, "settings.retention: retention must be from 0.70 to 0.99")
    exported["settings"] = {"retention": 0.9}
    _refused(profile, exported, "settings.retention: must be a text")
