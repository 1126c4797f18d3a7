"""`gradeck class report EXPORTS...`: what a class got right and wrong, from students' progress
exports, as a text table, CSV, Markdown or JSON. The figures come from `gradeck.study.classreport`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from gradeck.errors import GradeckError
from gradeck.study.classreport import ClassReport, MistakeCount, class_report
from gradeck.text import printable

MAX_EXPORT_BYTES = 200 * 1024 * 1024
TEMPLATE_HEADER = ("family", "template", "students", "attempts", "first-try right", "facility",
                   "discrimination", "frequent mistakes")  # fmt: skip
STUDENT_HEADER = ("student", "reviews", "retention", "first-try right", "weakest families")


def _read(path: Path) -> object:
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise GradeckError(f"{path}: larger than {MAX_EXPORT_BYTES // 2**20} MB")
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GradeckError(f"cannot read {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GradeckError(f"{path}: not a JSON progress export ({exc})") from None


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def _signed(x: float | None) -> str:
    return "–" if x is None else f"{x:+.2f}"


def _mistakes(mistakes: tuple[MistakeCount, ...]) -> str:
    return "; ".join(f"{m.name} ×{m.count} ({', '.join(m.students)})" for m in mistakes)


def rows(report: ClassReport) -> tuple[list[list[str]], list[list[str]]]:
    """The two tables as text cells: templates, then students."""
    templates = [
        [
            t.family,
            t.template,
            str(t.students),
            str(t.attempts),
            str(t.first_try_right),
            _pct(t.facility),
            _signed(t.discrimination),
            _mistakes(t.mistakes),
        ]
        for t in report.templates
    ]
    students = [
        [
            s.name,
            str(s.reviews),
            _pct(s.retention),
            _pct(s.first_try),
            ", ".join(f"{family} {_pct(share)}" for family, share in s.weakest),
        ]
        for s in report.students
    ]
    return templates, students


def _text_table(header: tuple[str, ...], body: list[list[str]]) -> str:
    cells = [list(header), *[[printable(c) for c in row] for row in body]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _md_table(header: tuple[str, ...], body: list[list[str]]) -> str:
    def line(cells: list[str] | tuple[str, ...]) -> str:
        escaped = (printable(c).replace("\\", "\\\\").replace("|", "\\|") for c in cells)
        return "| " + " | ".join(escaped) + " |"

    return "\n".join([line(header), "|" + "---|" * len(header), *map(line, body)])


def render(report: ClassReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"
    templates, students = rows(report)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([TEMPLATE_HEADER, *templates, [], STUDENT_HEADER, *students])
        return out.getvalue()
    table = _md_table if fmt == "md" else _text_table
    heading = "## " if fmt == "md" else ""
    parts = [
        f"{heading}Exercise templates", "", table(TEMPLATE_HEADER, templates), "",
        f"{heading}Students", "", table(STUDENT_HEADER, students),
    ]  # fmt: skip
    if fmt == "md":
        parts.insert(0, "# Class report\n")
    return "\n".join(parts) + "\n"


def run_class(args: argparse.Namespace) -> int:
    exports = [(_read(Path(name)), name) for name in args.exports]
    report = class_report(exports)
    sys.stdout.write(render(report, args.format))
    if report.skipped:
        print(f"skipped {report.skipped} unreadable review(s)", file=sys.stderr)
    return 0
