"""What a sitting can serve and why it serves nothing, and how a sitting went: words that both
front ends show the same way.

A learner who finds nothing to study must be told why (the new-item limit is reached, a learning
step comes back in N minutes, or nothing is due) and what can still be done: study some more
new items today, practise the deck, or go home. At the end of a sitting, a summary: what was
answered, what was right at the first try, the time spent, the mistakes made, and what is due
tomorrow.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from gradeck.srs.days import to_ms

if TYPE_CHECKING:
    from gradeck.study.session import Session

DAY_MS = 86_400_000
STUDY_MORE = 10  # how many more new items "study more" offers at most


@dataclass(frozen=True)
class Nothing:
    """Why a session has nothing to serve now.

    `reason` is "learning-later" (a learning step comes back later today: `next_learning`,
    `minutes` from now), "new-limit" (new items wait, held back by today's limits: `more` of
    them can be studied now with `Profile.session(..., extra_new=more)`) or "nothing-due"."""

    reason: str
    more: int = 0
    next_learning: datetime | None = None
    minutes: int = 0

    def sentence(self) -> str:
        """The reason in words, as both front ends say it."""
        if self.reason == "learning-later":
            text = f"The next learning item comes back in {_minutes(self.minutes)}."
        elif self.reason == "new-limit":
            text = "Today's limit of new items is reached."
        else:
            text = "Nothing is due now."
        if self.more and self.reason != "new-limit":
            text += " Today's limit of new items is reached."
        return text

    def offers(self) -> list[str]:
        """What can still be done, one line each."""
        return [words for _action, words in self.choices()]

    def choices(self) -> list[tuple[str, str]]:
        """What can still be done, as (action, words): "more" (study `more` more new items
        today) when new items are held back, and "practise"; each front end gives each
        action its own key or option."""
        out = []
        if self.more:
            items = "1 more new item" if self.more == 1 else f"{self.more} more new items"
            out.append(("more", f"study {items} today"))
        out.append(("practise", "practise these items (nothing is rescheduled)"))
        return out


def _minutes(n: int) -> str:
    if n >= 120:
        return f"{n // 60} h {n % 60:02d} min"
    return "1 minute" if n == 1 else f"{n} minutes"


def nothing(session: Session, more: Session | None) -> Nothing:
    """Why `session` serves nothing now; `more` is the same session with STUDY_MORE extra new
    items allowed (None when new items are not limited, as in practice)."""
    extra = more.counts()[0] - session.counts()[0] if more is not None else 0
    later = session.next_learning_due
    if later is not None:
        now = to_ms(session.profile._now())
        minutes = max(1, -(-(to_ms(later) - now) // 60_000))
        return Nothing("learning-later", extra, later, minutes)
    if extra:
        return Nothing("new-limit", extra)
    return Nothing("nothing-due")


@dataclass(frozen=True)
class Summary:
    """How a sitting went."""

    answered: int  # answers given (an item answered twice counts twice)
    items: int  # distinct items answered
    first_try: int  # items whose first answer in the sitting was right
    seconds: int  # time spent answering
    mistakes: list[tuple[str, int]] = field(default_factory=list)  # named mistakes, most first
    due_tomorrow: int = 0  # learning and review items due by the end of the next study day

    def lines(self) -> list[str]:
        """The summary in words, one fact a line."""
        minutes, seconds = divmod(self.seconds, 60)
        spent = f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
        items = "1 item" if self.items == 1 else f"{self.items} items"
        out = [
            f"{self.answered} answered ({items}) in {spent}",
            f"{self.first_try} of {self.items} right at the first try",
        ]
        if self.mistakes:
            named = ", ".join(m if n == 1 else f"{m} ×{n}" for m, n in self.mistakes)
            out.append(f"mistakes: {named}")
        out.append(f"due tomorrow: {self.due_tomorrow}")
        return out


def summary(session: Session, review_ids: list[int], exercises: set[int]) -> Summary:
    """The summary of the answers `review_ids` of `session` (those not undone). An item's first
    answer is right, for a card, when rated Hard or better (the learner recalled it), and for an
    exercise when every part's first try was right, as the statistics count it, whatever the
    rating (a part given up or shown is not right); `exercises` holds the exercise items' ids."""
    rows = session.store.reviews(review_ids)
    first: dict[int, dict] = {}
    for row in rows:
        first.setdefault(row["item"], row)
    right = sum(
        bool(row["first_try"]) if pk in exercises else row["rating"] >= 2
        for pk, row in first.items()
    )
    # Every named mistake of every attempt (a first-try slip corrected later counts too); an
    # answer logged without attempts has at most its one mistake.
    mistakes = Counter(
        m for r in rows for m in (r["mistakes"] or ([r["mistake"]] if r["mistake"] else []))
    )
    due = 0
    if not session.practice:
        due = session.store.due_count(session._end + DAY_MS)
    return Summary(
        answered=len(rows),
        items=len(first),
        first_try=right,
        seconds=sum(r["duration_ms"] for r in rows) // 1000,
        mistakes=mistakes.most_common(),
        due_tomorrow=due,
    )
