"""Anki's HTML fields as plain text that keeps their meaning.

Cards are plain text, so markup has to become what it meant: `e<sup>−z</sup>` is `e^(−z)` (and
`x<sup>2</sup>` is `x^2`), `W<sub>1</sub>` is `W_1`, list items become lines starting with `- `
(or `1. `), line breaks, paragraphs and divs become new lines, and code keeps its text as it is.
Other tags are dropped, entities decoded. One pass over the text with `str.find`: no regular
expression that could backtrack on hostile input.
"""

from __future__ import annotations

import html

_BLOCKS = frozenset({"div", "p", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr"})
_SCRIPTS = {"sup": "^", "sub": "_"}
_SKIPPED = frozenset({"script", "style"})
MAX_NESTING = 4  # super/subscripts inside each other; deeper tags are dropped, their text kept


def _tag(raw: str) -> tuple[str, bool]:
    """(lower-case name, closing?) of the text between < and >."""
    body = raw.strip()
    closing = body.startswith("/")
    name = body.lstrip("/").split(None, 1)[0] if body.lstrip("/") else ""
    return name.rstrip("/").lower(), closing


def _script(text: str, mark: str) -> str:
    text = text.strip()
    if len(text) <= 1:
        return f"{mark}{text}" if text else ""
    return f"{mark}({text})"


def html_to_text(source: str) -> str:
    """The text of an HTML field, with the meaning of its markup kept (see the module doc)."""
    out: list[list[str]] = [[]]  # a stack: one buffer per open <sup>/<sub>
    marks: list[str] = []
    lists: list[int] = []  # per open list: 0 for <ul>, else the next number of an <ol>
    skipping = ""
    pos = 0

    def soft_break() -> None:
        """A new line, unless the text already is at the start of one."""
        last = next((piece for piece in reversed(out[-1]) if piece), "")
        if last and not last.endswith("\n"):
            out[-1].append("\n")

    while pos < len(source):
        start = source.find("<", pos)
        end = source.find(">", start + 1) if start >= 0 else -1
        if start < 0 or end < 0:
            if not skipping:
                out[-1].append(html.unescape(source[pos:]))
            break
        if not skipping:
            out[-1].append(html.unescape(source[pos:start]))
        name, closing = _tag(source[start + 1 : end])
        pos = end + 1
        if skipping:
            if closing and name == skipping:
                skipping = ""
            continue
        if name in _SKIPPED and not closing:
            skipping = name
        elif name in _SCRIPTS and (closing or len(marks) < MAX_NESTING):
            if not closing:
                out.append([])
                marks.append(_SCRIPTS[name])
            elif marks:
                inner = "".join(out.pop())
                out[-1].append(_script(inner, marks.pop()))
        elif name in ("ul", "ol"):
            if closing and lists:
                lists.pop()
            elif not closing:
                lists.append(0 if name == "ul" else 1)
            soft_break()
        elif name == "li" and not closing:
            indent = "  " * max(0, len(lists) - 1)
            if lists and lists[-1]:
                bullet = f"{lists[-1]}. "
                lists[-1] += 1
            else:
                bullet = "- "
            soft_break()
            out[-1].append(f"{indent}{bullet}")
        elif name == "br":
            out[-1].append("\n")
        elif name == "li" or name in _BLOCKS:
            soft_break()
    while marks:  # an unclosed <sup>: keep its text
        inner = "".join(out.pop())
        out[-1].append(_script(inner, marks.pop()))
    text = "".join(out[0]).replace("\xa0", " ")
    kept: list[str] = []
    for line in (line.rstrip() for line in text.split("\n")):
        if line or (kept and kept[-1]):  # at most one blank line in a row
            kept.append(line)
    return "\n".join(kept).strip()
