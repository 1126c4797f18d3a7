"""The problem collector every deck reader shares: one file's problems, and small typed
accessors that add a located problem when a value is of the wrong kind.

It lives apart from the deck loader so that the template and network readers can use it
without importing the loader (which imports them).
"""

from __future__ import annotations

import re
from typing import Any

from gradeck.decks.source import LocDict, LocList, Pos
from gradeck.problems import Problem
from gradeck.text import did_you_mean

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,79}")
MAX_TEXT = 10_000


class Checker:
    """Collects problems for one file; small typed accessors keep the rules readable."""

    def __init__(self, path: str, deep: bool = False) -> None:
        self.path = path
        self.deep = deep  # also try what needs the exercise families (numpy): `gradeck validate`
        self.problems: list[Problem] = []
        self.sample_work = 0  # expression nodes spent sampling templates (decks.templates)

    def error(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.path, pos[0], pos[1], message))

    def known_keys(self, mapping: LocDict, allowed: tuple[str, ...], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.error(mapping.key_pos[key], f"unknown key {key!r} in {where}{hint}")

    def text(self, mapping: LocDict, key: str, where: str, required: bool = False) -> str:
        if key not in mapping:
            if required:
                self.error(mapping.pos, f"{where} is missing required field {key!r}")
            return ""
        value = mapping[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(mapping.at(key), f"{key!r} must be text, not {kind(value)}")
            return ""
        value = value if isinstance(value, str) else mapping.raw.get(key, str(value))
        if not value.strip():
            self.error(mapping.at(key), f"{key!r} is empty")
        elif len(value) > MAX_TEXT:
            self.error(mapping.at(key), f"{key!r} is longer than {MAX_TEXT:,} characters")
        return value.strip()

    def text_list(
        self, mapping: LocDict, key: str, where: str, required: bool = False, single: bool = False
    ) -> tuple[str, ...]:
        """A list of non-empty strings; with `single`, one string stands for a list of one."""
        if key not in mapping:
            if required:
                self.error(mapping.pos, f"{where} is missing required field {key!r}")
            return ()
        value = mapping[key]
        if single and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value_list, positions = [mapping.raw.get(key, value)], [mapping.at(key)]
        elif isinstance(value, LocList):
            value_list = [raw or item for item, raw in zip(value, value.raw, strict=True)]
            positions = [value.at(i) for i in range(len(value))]
        else:
            self.error(mapping.at(key), f"{key!r} must be a list of text, not {kind(value)}")
            return ()
        out: list[str] = []
        for item, pos in zip(value_list, positions, strict=True):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.error(pos, f"items of {key!r} must be text, not {kind(item)}")
            elif not str(item).strip():
                self.error(pos, f"an item of {key!r} is empty")
            else:
                out.append(str(item).strip())
        return tuple(out)

    def ident(self, mapping: LocDict, where: str) -> str:
        if "id" not in mapping:
            self.error(mapping.pos, f"{where} is missing required field 'id'")
            return ""
        value = mapping["id"]
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.error(mapping.at("id"), f"'id' must be text, not {kind(value)}")
            return ""
        value = str(value)
        if not ID_PATTERN.fullmatch(value):
            self.error(
                mapping.at("id"),
                f"id {value!r} must be 1-80 letters, digits, '-', '_', '.' or '/', "
                "starting with a letter or digit",
            )
            return ""
        return value


def kind(value: Any) -> str:
    """How a message names the kind of a YAML value."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
