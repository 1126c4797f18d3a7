"""A class report from students' progress exports (`gradeck progress export`).

Read-only and UI-free, and it opens no store: the input is the exported JSON, already parsed
(front ends reach it here, beside the profile that writes those exports); the output is plain data
that `gradeck class report` prints as a table, CSV, Markdown or JSON. Exports from any version
are read: when a review carries `attempts` (every try at every part, with its verdict and the
mistake named), first tries and mistakes come from them; an older review gives its
`parts_right` and its first named `mistake`, and counts as right at the first try when every
part was right and the rating was Good or Easy (gradeck suggests Good only then).

Item statistics follow classical test theory. Each student's first review of an exercise
template scores 1 if it was right at the first try, else 0. Facility is the share of students
scoring 1. Discrimination is facility among the top 27% of the class minus facility among the
bottom 27%, students ranked by the share of their templates they got right first time (at least
one student in each group); it is left out when fewer than two students answered.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gradeck.errors import GradeckError

FORMAT = "gradeck-progress"
GROUP_SHARE = 0.27
TOP_MISTAKES = 3
WEAKEST = 3
RIGHT = ("right", "carried")


@dataclass(frozen=True)
class Review:
    """One answered exercise or card, as the report needs it."""

    deck: str
    item: str
    family: str
    time: int
    rating: int
    mode: str
    reviewing: bool  # the item was in FSRS's Review state: counts towards retention
    first_try_right: bool
    mistakes: tuple[str, ...]  # every named mistake, once per try that made it
    tries: int


@dataclass
class Student:
    name: str
    reviews: list[Review] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class MistakeCount:
    name: str
    count: int
    students: tuple[str, ...]


@dataclass(frozen=True)
class TemplateRow:
    family: str
    template: str  # deck/item
    students: int
    attempts: int
    first_try_right: int
    facility: float | None
    discrimination: float | None
    mistakes: tuple[MistakeCount, ...]


@dataclass(frozen=True)
class StudentRow:
    name: str
    reviews: int
    retention: float | None
    first_try: float | None
    weakest: tuple[tuple[str, float], ...]  # (family, share right at the first try)


@dataclass(frozen=True)
class ClassReport:
    templates: tuple[TemplateRow, ...]
    students: tuple[StudentRow, ...]
    skipped: int  # reviews in the files that could not be read

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- reading exports


def _str(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    return value if isinstance(value, str) else None


def _int(row: Mapping[str, Any], key: str) -> int | None:
    value = row.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _from_attempts(attempts: list[Any]) -> tuple[bool, tuple[str, ...], int] | None:
    """(first try right at every part, mistakes, tries) from a review's attempts."""
    first: dict[str, bool] = {}
    mistakes = []
    tries = 0
    for attempt in attempts:
        if not isinstance(attempt, dict):
            return None
        part, number = attempt.get("part"), _int(attempt, "try")
        verdict = _str(attempt, "verdict")
        if not isinstance(part, str | int) or isinstance(part, bool) or number is None:
            return None
        tries += 1
        if number == 1:
            first[str(part)] = verdict in RIGHT
        name = _str(attempt, "mistake")
        if name:
            mistakes.append(name)
    if not first:
        return None
    return all(first.values()), tuple(mistakes), tries


def _review(row: Any, families: Mapping[tuple[str, str], str]) -> Review | None:
    if not isinstance(row, dict):
        return None
    deck, item, mode = _str(row, "deck"), _str(row, "item"), _str(row, "mode")
    time, rating, prev = _int(row, "time"), _int(row, "rating"), _int(row, "prev_state")
    if deck is None or item is None or time is None or rating is None or not 1 <= rating <= 4:
        return None
    attempts = row.get("attempts")
    read = _from_attempts(attempts) if isinstance(attempts, list) and attempts else None
    if read is None:
        parts = _str(row, "parts_right")
        right = bool(parts) and set(parts or "") <= {"1"} and rating >= 3
        mistake = _str(row, "mistake")
        read = (right, (mistake,) if mistake else (), len(parts or "") or 1)
    return Review(
        deck,
        item,
        families.get((deck, item), ""),
        time,
        rating,
        mode or "scheduled",
        prev == 2 and mode != "practice",
        *read,
    )


def read_export(data: Any, source: str) -> tuple[Student, int]:
    """A student from one parsed export; returns the student and how many reviews were
    unreadable. The name is the export's `student`, else the file's name."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise GradeckError(f"{source}: not a gradeck progress file (made by `gradeck progress "
                           "export`)")  # fmt: skip
    items, reviews = data.get("items"), data.get("reviews")
    if not isinstance(items, list) or not isinstance(reviews, list):
        raise GradeckError(f"{source}: 'items' and 'reviews' should be lists")
    families = {}
    for row in items:
        if isinstance(row, dict):
            deck, item, family = _str(row, "deck"), _str(row, "item"), _str(row, "family")
            if deck and item and family:
                families[(deck, item)] = family
    name = _str(data, "student")
    name = " ".join(name.split()) if name and name.strip() else Path(source).stem
    student = Student(name, source=source)
    skipped = 0
    for row in reviews:
        review = _review(row, families)
        if review is None:
            skipped += 1
        else:
            student.reviews.append(review)
    student.reviews.sort(key=lambda r: r.time)
    return student, skipped


# ---------------------------------------------------------------- the report


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _firsts(student: Student) -> dict[str, bool]:
    """Each exercise template the student answered: was their first review right first time?"""
    firsts: dict[str, bool] = {}
    for review in student.reviews:
        key = f"{review.deck}/{review.item}"
        if review.family and key not in firsts:
            firsts[key] = review.first_try_right
    return firsts


def _groups(students: Sequence[Student]) -> tuple[set[str], set[str]]:
    """The names of the top and bottom 27% by share of templates right at the first try."""
    scored = []
    for s in students:
        firsts = _firsts(s)
        if firsts:
            scored.append((sum(firsts.values()) / len(firsts), s.name))
    if len(scored) < 2:
        return set(), set()
    scored.sort()
    size = max(1, math.floor(GROUP_SHARE * len(scored) + 0.5))
    size = min(size, len(scored) // 2)
    return {n for _, n in scored[-size:]}, {n for _, n in scored[:size]}


def _template_rows(students: Sequence[Student]) -> list[TemplateRow]:
    upper, lower = _groups(students)
    firsts = {s.name: _firsts(s) for s in students}
    grouped: dict[str, list[tuple[str, Review]]] = defaultdict(list)
    for s in students:
        for review in s.reviews:
            if review.family:
                grouped[f"{review.deck}/{review.item}"].append((s.name, review))
    rows = []
    for key, answered in grouped.items():
        counts: Counter[str] = Counter()
        who: dict[str, set[str]] = defaultdict(set)
        for name, review in answered:
            for mistake in review.mistakes:
                counts[mistake] += 1
                who[mistake].add(name)
        scores = {name: f[key] for name, f in firsts.items() if key in f}

        def facility(names: set[str] | None, scores: dict[str, bool] = scores) -> float | None:
            picked = [v for n, v in scores.items() if names is None or n in names]
            return _share(sum(picked), len(picked))

        high, low = facility(upper), facility(lower)
        discrimination = high - low if high is not None and low is not None else None
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_MISTAKES]
        rows.append(
            TemplateRow(
                answered[0][1].family,
                key,
                len(scores),
                len(answered),
                sum(r.first_try_right for _, r in answered),
                facility(None),
                discrimination if len(scores) >= 2 else None,
                tuple(MistakeCount(m, c, tuple(sorted(who[m]))) for m, c in top),
            )
        )
    rows.sort(key=lambda r: (r.family, r.template))
    return rows


def _student_row(student: Student) -> StudentRow:
    reviewing = [r for r in student.reviews if r.reviewing]
    per_family: dict[str, list[bool]] = defaultdict(list)
    for review in student.reviews:
        if review.family:
            per_family[review.family].append(review.first_try_right)
    shares = {f: sum(v) / len(v) for f, v in per_family.items()}
    weakest = sorted(((f, s) for f, s in shares.items() if s < 1), key=lambda fs: (fs[1], fs[0]))
    exercises = [r.first_try_right for r in student.reviews if r.family]
    return StudentRow(
        student.name,
        len(student.reviews),
        _share(sum(r.rating > 1 for r in reviewing), len(reviewing)),
        _share(sum(exercises), len(exercises)),
        tuple(weakest[:WEAKEST]),
    )


def class_report(exports: Sequence[tuple[Any, str]]) -> ClassReport:
    """The report over (parsed export, where it came from) pairs, one per student."""
    students: list[Student] = []
    skipped = 0
    seen: dict[str, str] = {}
    for data, source in exports:
        student, bad = read_export(data, source)
        if student.name in seen:
            raise GradeckError(
                f"{source}: student {student.name!r} is also in {seen[student.name]}; "
                "export with --student NAME or rename the file"
            )
        seen[student.name] = source
        students.append(student)
        skipped += bad
    students.sort(key=lambda s: s.name.casefold())
    return ClassReport(
        tuple(_template_rows(students)), tuple(_student_row(s) for s in students), skipped
    )
