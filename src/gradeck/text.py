"""Small text helpers shared by every layer: none of them knows decks, exercises or storage.

`printable` is the last line of defence for text that reaches a terminal: a deck, an import, a
progress file or a typed answer may carry escape sequences (window title, screen clear, OSC 52
clipboard writes), and no such byte may reach the terminal as a control character.
"""

from __future__ import annotations

import difflib
import re

# C0 controls except tab and newline, DEL, and the C1 range (0x80-0x9f: CSI, OSC, ST...).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control picture: ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}"


def printable(text: str) -> str:
    """`text` with every control character except tab and newline shown as a visible stand-in."""
    return _CONTROL.sub(_picture, text)


def control_chars(text: str) -> list[int]:
    """Offsets of the characters that `printable` would replace (for validation messages)."""
    return [m.start() for m in _CONTROL.finditer(text)]


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """A '; did you mean X?' suffix for an unknown name, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def counted(n: int, noun: str) -> str:
    """`n noun`, the noun in the plural unless n is 1 (the nouns counted here take an s)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
