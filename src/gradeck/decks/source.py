"""Read an untrusted YAML file into plain values that remember where they came from.

Only safe composition is used (no object construction), with hard limits on size, nesting and
alias expansion, so a hostile file costs little and never runs code. Mappings and sequences come
back as `LocDict` and `LocList`, which carry the 1-based line and column of every key and value so
that validators can point at the exact spot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gradeck.problems import Problem, ProblemsError
from gradeck.text import control_chars

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 100_000  # a 2 MB deck of ordinary cards has about 90 000; aliases expand past it
MAX_DEPTH = 64

Pos = tuple[int, int]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


class LocDict(dict):
    """A mapping with the position of itself, each key and each value."""

    pos: Pos = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.key_pos: dict[Any, Pos] = {}
        self.value_pos: dict[Any, Pos] = {}
        self.raw: dict[Any, str] = {}  # a number's text as written, for fields that want text

    def at(self, key: Any) -> Pos:
        """Where the value of `key` is, else where the mapping starts."""
        return self.value_pos.get(key, self.pos)


class LocList(list):
    """A sequence with the position of itself and of each item."""

    pos: Pos = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.item_pos: list[Pos] = []
        self.raw: list[str | None] = []  # as LocDict.raw, per item

    def at(self, index: int) -> Pos:
        return self.item_pos[index] if 0 <= index < len(self.item_pos) else self.pos


@dataclass
class _Budget:
    text: str  # the source, to place a control character exactly
    nodes: int = 0
    constructor: yaml.SafeLoader = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.constructor = yaml.SafeLoader("")


def _pos(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_text(path: Path) -> str:
    """The file's text, or a ProblemsError saying why it cannot be a deck."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ProblemsError([Problem(name, 1, 1, "no such file")]) from None
    except OSError as exc:
        raise ProblemsError([Problem(name, 1, 1, f"cannot read file: {exc.strerror}")]) from None
    if path.is_dir():
        raise ProblemsError([Problem(name, 1, 1, "is a folder, not a file")])
    if size > MAX_BYTES:
        raise ProblemsError(
            [Problem(name, 1, 1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} (2 MB)")]
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProblemsError([Problem(name, 1, 1, f"cannot read file: {exc.strerror}")]) from None
    return decode(name, data)


def decode(name: str, data: bytes) -> str:
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ProblemsError([Problem(name, line, 1, "binary file (contains NUL bytes), not YAML")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ProblemsError(
            [Problem(name, line, col, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})")]
        ) from None
    if not text.strip():
        raise ProblemsError([Problem(name, 1, 1, "empty file")])
    return text


# libyaml's parser when present: the same safe composition, several times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _indentation_hint(text: str, line: int) -> str:
    """Most YAML syntax errors in a hand-written deck are a line indented unlike its
    neighbours: say so when the line (or the one above, where libyaml often stops only on the
    next line) goes back to a column no line above uses, or goes deeper where nothing opened."""
    lines = text.splitlines()
    for number in (line, line - 1):
        if not 1 <= number <= len(lines) or not lines[number - 1].strip():
            continue
        above = [other for other in lines[: number - 1] if other.strip()]
        if not above:
            continue
        here = _indents(lines[number - 1])[0]
        used = {c for other in above for c in _indents(other)}
        opened = above[-1].rstrip().endswith((":", "|", ">", "-"))
        if here in used or (here > max(_indents(above[-1])) and opened):
            continue
        below = max((c for c in used if c < here), default=None)
        deeper = min((c for c in used if c > here), default=None)
        columns = " or ".join(str(c + 1) for c in (below, deeper) if c is not None)
        return (
            f" (check the indentation of line {number}: it starts at column {here + 1},"
            f" where the lines above start at column {columns})"
        )
    return ""


def _indents(line: str) -> tuple[int, ...]:
    """Where a line starts, and for a list item ("- key: ...") where its keys start too."""
    start = len(line) - len(line.lstrip(" "))
    if line[start : start + 2] == "- ":
        return start, start + 2
    return (start,)


def load_yaml(name: str, text: str) -> Any:
    """Compose `text` safely and convert it to located plain values."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (exc.problem or "invalid YAML") + _indentation_hint(text, line)
        raise ProblemsError([Problem(name, line, col, f"YAML syntax error: {what}")]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        message = _control_message(exc.character) if exc.character < 0x100 else exc.reason
        raise ProblemsError([Problem(name, line, col, message)]) from None
    except yaml.YAMLError as exc:
        raise ProblemsError([Problem(name, 1, 1, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise ProblemsError([Problem(name, 1, 1, "YAML nested too deeply")]) from None
    if node is None:
        raise ProblemsError([Problem(name, 1, 1, "empty file")])
    problems: list[Problem] = []
    value = _convert(name, node, problems, _Budget(text), 0)
    if problems:
        raise ProblemsError(problems)
    return value


def load_file(path: Path) -> Any:
    return load_yaml(str(path), read_text(path))


def _convert(name: str, node: yaml.Node, problems: list[Problem], budget: _Budget, depth: int):
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise ProblemsError(
            [Problem(name, *_pos(node), f"too many YAML nodes (over {MAX_NODES:,}); alias bomb?")]
        )
    if depth > MAX_DEPTH:
        raise ProblemsError([Problem(name, *_pos(node), f"nested deeper than {MAX_DEPTH} levels")])
    if isinstance(node, yaml.ScalarNode):
        if surprise := _surprise(node):
            problems.append(Problem(name, *_pos(node), surprise))
            return None
        if node.tag not in _SCALAR_TAGS:
            problems.append(Problem(name, *_pos(node), f"YAML tag {node.tag!r} is not allowed"))
            return None
        try:
            value = budget.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            problems.append(Problem(name, *_pos(node), f"cannot read value {node.value[:40]!r}"))
            return None
        if isinstance(value, str) and (found := control_chars(value)):
            where = _escape_pos(budget.text, node)
            problems.append(Problem(name, *where, _control_message(ord(value[found[0]]))))
            return None
        return value
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            problems.append(Problem(name, *_pos(node), f"YAML tag {node.tag!r} is not allowed"))
            return None
        seq = LocList()
        seq.pos = _pos(node)
        for item in node.value:
            seq.append(_convert(name, item, problems, budget, depth + 1))
            seq.item_pos.append(_pos(item))
            seq.raw.append(_raw(item))
        return seq
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            problems.append(Problem(name, *_pos(node), f"YAML tag {node.tag!r} is not allowed"))
            return None
        mapping = LocDict()
        mapping.pos = _pos(node)
        for key_node, value_node in node.value:
            key = _convert(name, key_node, problems, budget, depth + 1)
            if isinstance(key, (dict, list)):
                problems.append(Problem(name, *_pos(key_node), "a key must be a plain value"))
                continue
            if key in mapping:
                problems.append(Problem(name, *_pos(key_node), f"duplicate key {key!r}"))
                continue
            mapping[key] = _convert(name, value_node, problems, budget, depth + 1)
            mapping.key_pos[key] = _pos(key_node)
            mapping.value_pos[key] = _pos(value_node)
            if (raw := _raw(value_node)) is not None:
                mapping.raw[key] = raw
        return mapping
    problems.append(Problem(name, *_pos(node), "unsupported YAML node"))
    return None


# Double-quoted YAML escapes that stand for a control character other than tab and newline.
_CONTROL_ESCAPE = re.compile(
    r"\\(?:[0abvfreN]|x(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])"
    r"|u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|U0000(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F]))"
)


def _control_message(code: int) -> str:
    return (
        f"control character U+{code:04X} in the text: terminals act on these (retitle the "
        "window, clear the screen, write the clipboard); remove it"
    )


def _line_col(text: str, index: int) -> Pos:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _escape_pos(text: str, node: yaml.Node) -> Pos:
    """Where, in the file, a scalar's first control character is written: the escape that
    spells it in a double-quoted scalar (after a run of backslashes of odd length), else the
    scalar itself."""
    start, end = node.start_mark.index, node.end_mark.index
    if getattr(node, "style", None) == '"':
        for match in _CONTROL_ESCAPE.finditer(text, start, end):
            backslashes = len(text[start : match.start()]) - len(
                text[start : match.start()].rstrip("\\")
            )
            if backslashes % 2 == 0:
                return _line_col(text, match.start())
    return _pos(node)


# Plain scalars that YAML 1.1 reads as something other than they look: 12:30:45 is 45045
# (base 60), 012345 is 5349 (octal), 0x1F, 0b101 and 1_000 numbers, 2024-05-01 a date.
_SURPRISING_NUMBER = re.compile(
    r"[-+]?(?:\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?|0[0-7_]+|0[xXbB].*|.*_.*)"
)


def _surprise(node: yaml.ScalarNode) -> str:
    """Why a plain scalar would not mean what it looks like ('' when it would)."""
    if node.style:  # quoted or a block: text as written
        return ""
    text = node.value
    if node.tag == "tag:yaml.org,2002:timestamp":
        meant = "a date"
    elif node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and (
        _SURPRISING_NUMBER.fullmatch(text)
    ):
        try:
            meant = f"the number {yaml.safe_load(text)}"
        except (yaml.YAMLError, ValueError, OverflowError):
            meant = "a number"
    else:
        return ""
    shown = text if len(text) <= 40 else text[:40] + "…"
    plainly = "" if meant == "a date" else ", or write the number plainly"
    return (
        f"YAML reads {shown} as {meant}, not as it is written; put it in quotes "
        f'("{shown}") for text{plainly}'
    )


def _raw(node: yaml.Node) -> str | None:
    """The text of a plain number as written (0.10 stays 0.10), None for anything else."""
    numeric = node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    return node.value if isinstance(node, yaml.ScalarNode) and numeric and not node.style else None
