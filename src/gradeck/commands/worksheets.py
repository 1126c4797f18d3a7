"""`gradeck worksheet`: printable worksheets in Markdown or PDF, one per student if asked.

Every sheet carries a short code (see `gradeck.exercises.sheetcode`) that, given the same
exercises and `--count`, regenerates its answer key: `gradeck worksheet ITEMS --key CODE`.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from gradeck.commands.instructor import ExerciseSource, resolve
from gradeck.errors import GradeckError
from gradeck.text import control_chars, printable

if TYPE_CHECKING:
    from gradeck.exercises.worksheet import Document, Sheet

MAX_WORKSHEET = 200  # exercises on one worksheet
MAX_STUDENTS = 500
MAX_NAME = 80


def _write(path: Path, data: str | bytes) -> None:
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(printable(data), encoding="utf-8")  # deck text, shown with `cat`
    except OSError as exc:
        raise GradeckError(f"cannot write {path}: {exc.strerror}") from None


def read_roster(path: Path) -> list[str]:
    """Students' names, one a line; blank lines and `#` comments are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GradeckError(f"cannot read the roster {path}: {exc}") from None
    names: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        name = " ".join(raw.split())
        if not name or name.startswith("#"):
            continue
        if control_chars(name) or len(name) > MAX_NAME:
            raise GradeckError(
                f"{path}:{number}: a name must be printable and at most {MAX_NAME} characters"
            )
        if name.casefold() in seen:
            raise GradeckError(
                f"{path}:{number}: {name!r} is already on line {seen[name.casefold()]}; "
                "two students with one name would get the same sheet"
            )
        seen[name.casefold()] = number
        names.append(name)
    if not names:
        raise GradeckError(f"{path}: the roster names no students")
    if len(names) > MAX_STUDENTS:
        raise GradeckError(f"{path}: at most {MAX_STUDENTS} students, not {len(names)}")
    return names


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower() or "student"


def _identity(source: ExerciseSource) -> str:
    """A source named independently of where its deck file is."""
    item = source.item
    if item is None:
        return source.family
    return f"{item.id}/{item.family}/{item.difficulty}"


def _sheets(sources: list[ExerciseSource], seed: int, count: int) -> list[Sheet]:
    from gradeck.exercises.worksheet import Sheet

    seeds = [seed + i for i in range(count)]
    return [Sheet(s.name, n, s.exercise(n)) for s in sources for n in seeds]


def _render(fmt: str, docs: list[Document]) -> str | bytes:
    if fmt == "md":
        from gradeck.exercises.worksheet import worksheet_markdown

        return printable(worksheet_markdown(docs))
    from gradeck.exercises.worksheet_typst import typeset

    return typeset(docs)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    return "pdf" if str(args.output).lower().endswith(".pdf") else "md"


def run_worksheet(args: argparse.Namespace) -> int:
    from gradeck.exercises import sheetcode
    from gradeck.exercises.worksheet import Document

    sources = [source for name in args.items for source in resolve(args, name)]
    total = args.count * len(sources)
    if args.count < 1 or total > MAX_WORKSHEET:
        raise GradeckError(
            f"--count must be at least 1 and give at most {MAX_WORKSHEET} exercises in all "
            f"({len(sources)} exercise source(s) × {args.count})"
        )
    if args.key and args.students:
        raise GradeckError("give --key CODE or --students ROSTER, not both")
    fmt = _format(args)
    made_from = sheetcode.fingerprint([_identity(s) for s in sources], args.count)
    output = Path(args.output)
    if not args.students:
        seed = sheetcode.decode(args.key, made_from) if args.key else args.seed
        code = sheetcode.encode(seed, made_from)
        sheets = _sheets(sources, seed, args.count)
        _write(output, _render(fmt, [Document(sheets, code, questions=not args.key)]))
        what = "the answer key" if args.key else f"{len(sheets)} exercise(s) with an answer key"
        print(printable(f"wrote {what} to {output} (code {code})"), file=sys.stderr)
        return 0
    names = read_roster(Path(args.students))
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GradeckError(f"cannot make the folder {output}: {exc.strerror}") from None
    keys = []
    slugs: set[str] = set()
    for number, name in enumerate(names, 1):
        seed = sheetcode.student_seed(name, args.seed)
        doc = Document(_sheets(sources, seed, args.count), sheetcode.encode(seed, made_from), name)
        slug = _slug(name)
        slug = slug if slug not in slugs and slug != "keys" else f"{slug}-{number}"
        slugs.add(slug)
        _write(output / f"{slug}.{fmt}", _render(fmt, [replace(doc, key=False)]))
        keys.append(replace(doc, questions=False))
    _write(output / f"keys.{fmt}", _render(fmt, keys))
    print(
        f"wrote {len(names)} student sheet(s) of {total} exercise(s), and keys.{fmt}, to {output}",
        file=sys.stderr,
    )
    return 0
