"""A flashcard being reviewed: its front, then its back; choice and typed cards take an answer.

Flashcards (basic, reversible, cloze) are revealed and rated by the learner. A choice card
numbers its options and a typed card takes a line; both are checked by the session's `Shown`
and marked right or wrong. The panel says when the back is shown; keys and rating are the
screen's job.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from gradeck.decks.cards import normalise, parse_holes
from gradeck.study import OPTION_MARKS, OPTION_WORDS, Shown
from gradeck.text import printable
from gradeck.tui.widgets.text import plain, wrapped
from gradeck.tui.widgets.text_box import TextBox

HOLE_STYLE = "bold reverse"
# How an answered choice card draws each option (study.Shown.marks says which is which).
MARK_STYLE = {"picked": "bold green", "missed": "bold yellow", "wrong": "bold red", "": "dim"}


def cloze_text(text: str, hole: str, reveal: bool) -> Text:
    """The cloze with this hole blanked (its hint, or …) or filled in, marked either way."""
    number = int(hole[1:])
    text = printable(text)
    out = Text()
    pos = 0
    for h in parse_holes(text):
        out.append(text[pos : h.start])
        if h.number != number:
            out.append(h.answer)
        else:
            out.append(f" {h.answer if reveal else h.hint or '…'} ", style=HOLE_STYLE)
        pos = h.end
    out.append(text[pos:])
    return out


def typed_diff(given: str, accepted: Sequence[str]) -> Text:
    """The typed answer above the nearest accepted one, each marking what the other lacks.

    Both are compared as checking compares them (case and spacing ignored). In the first line
    the characters that should not be there are underlined in red; in the second, the ones that
    are missing are underlined in green.
    """
    mine = printable(normalise(given))
    target = max(accepted, key=lambda a: difflib.SequenceMatcher(None, mine, normalise(a)).ratio())
    theirs = printable(normalise(target))
    yours, wanted = Text("yours   "), Text("answer  ")
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, mine, theirs).get_opcodes():
        if op == "equal":
            yours.append(mine[a0:a1])
            wanted.append(theirs[b0:b1])
            continue
        # A space that differs is drawn as ␣, or it could not be seen.
        yours.append(mine[a0:a1].replace(" ", "␣"), style="bold red underline")
        wanted.append(theirs[b0:b1].replace(" ", "␣"), style="bold green underline")
    return Text("\n").join([yours, wanted])


def typed_verdict(given: str, answer: str, right: bool, accepted: Sequence[str]) -> Text:
    """Right, with the answer; or wrong, with what differs from the nearest accepted answer."""
    if right:
        return Text.assemble(("✓ right", "bold green"), "  ", plain(answer, "bold"))
    verdict = Text.assemble(("✗ wrong", "bold red"), "\n")
    if given.strip() and accepted:
        return verdict.append_text(typed_diff(given, accepted))
    return verdict.append_text(Text.assemble("no answer; it is ", plain(answer, "bold")))


class TypedAnswer(TextBox):
    """A typed card's answer box: keys typed after its Enter wait until the card is checked
    (the app holds them), so a rating typed at once rates this card."""


class CardPanel(Vertical):
    """One side of a card, then the other; `revealed` tells whether the back is shown."""

    can_focus = True

    class Revealed(Message):
        """The back is shown; `right` says how a choice or typed answer fared (else None)."""

        def __init__(self, panel: CardPanel, right: bool | None, answer: str) -> None:
            super().__init__()
            self.panel = panel
            self.right = right
            self.answer = answer

    def __init__(self, shown: Shown, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shown = shown
        self.revealed = False
        self.result: tuple[bool | None, str] = (None, "")  # once revealed: right?, answer
        self.picked: set[int] = set()  # a choice card's options chosen so far (from 1)
        self.wanted = sum(ok for _, ok in shown.options)  # how many options are right
        self._verdict: Text | None = None  # a typed card's verdict, once checked

    def compose(self) -> ComposeResult:
        yield Static(self._front(), id="front", classes="card-front")
        if self.shown.kind == "choice":
            yield Static(self._options(), id="options", classes="options")
        if self.shown.kind == "typed":
            yield TypedAnswer(placeholder="type your answer, then Enter", id="typed", compact=True)
        yield Static("", id="back", classes="card-back")

    def on_resize(self) -> None:
        """Wrap the card's text as prose is wrapped: never inside a formula."""
        self._draw()

    def _draw(self) -> None:
        width = max(20, self.content_size.width - 1)
        self.query_one("#front", Static).update(wrapped(self._front(), width))
        if self.revealed:
            back = self._back(self._verdict)
            self.query_one("#back", Static).update(wrapped(back, width))

    def on_mount(self) -> None:
        if self.shown.kind == "typed":
            self.query_one("#typed", Input).focus()
        else:
            self.focus()

    @property
    def waits_for_choice(self) -> bool:
        return self.shown.kind == "choice" and not self.revealed

    def _cloze(self, reveal: bool) -> Text | None:
        card = self.shown.item.card
        if card is None or card.type != "cloze":
            return None
        return cloze_text(card.text, self.shown.item.sub, reveal)

    def _front(self) -> Text:
        front = self._cloze(reveal=False) or plain(self.shown.question)
        if self.shown.kind == "choice" and self.wanted > 1:
            front.append(f"  (choose {self.wanted}, then Enter)", style="not bold dim")
        return front

    def _back(self, verdict: Text | None = None) -> Text:
        shown = self.shown
        back = self._cloze(reveal=True)
        if verdict is not None:
            back = verdict
        elif back is None:
            back = Text()
            if shown.kind != "flashcard":
                back.append("Answer: ", style="dim")
            back.append_text(plain(shown.answer, "bold" if shown.kind != "flashcard" else ""))
        if shown.note:
            back.append_text(plain(f"\n\n{shown.note}", "italic dim"))
        return back

    def _options(self) -> Text:
        """Numbered options, chosen ones highlighted; once answered, the right ones chosen ✓,
        the right ones missed ○ (missed), the wrong ones chosen ✗ (wrong), the rest dim."""
        marks = self.shown.marks(self._answer) if self.revealed else None
        text = Text()
        for i, (option, _correct) in enumerate(self.shown.options, 1):
            if marks is None:
                sign, style = " ", "reverse" if i in self.picked else ""
            else:
                sign, style = OPTION_MARKS[marks[i - 1]], MARK_STYLE[marks[i - 1]]
            text.append(f" {sign} {i}. ", style=style or "bold")
            text.append_text(plain(option, style))
            if marks is not None and OPTION_WORDS[marks[i - 1]]:
                text.append(f"  {OPTION_WORDS[marks[i - 1]]}", style=style)
            text.append("\n")
        return text

    @property
    def _answer(self) -> str:
        return " ".join(str(i) for i in sorted(self.picked))

    def on_click(self) -> None:
        """A click on a flashcard turns it over, as Space does."""
        self.reveal()

    def reveal(self) -> None:
        """Flashcards: show the back (choice and typed cards are answered instead)."""
        if not self.revealed and self.shown.kind == "flashcard":
            self._show_back(None, "")

    def pick(self, number: int) -> None:
        """Choose option `number` (from 1): with one right option this answers the card; with
        several it toggles the option, and Enter answers."""
        if not self.waits_for_choice or not 1 <= number <= len(self.shown.options):
            return
        self.picked ^= {number}
        if self.wanted == 1:
            self.submit_choice()
        else:
            self.query_one("#options", Static).update(self._options())

    def submit_choice(self) -> None:
        """Answer a choice card with the options chosen (nothing happens before a choice)."""
        if not self.waits_for_choice or not self.picked:
            return
        answer = self._answer
        right = self.shown.check(answer)
        self.revealed = True
        self.query_one("#options", Static).update(self._options())
        self._show_back(right, answer)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.revealed:
            self.app.answer_handled()  # type: ignore[attr-defined]
            return
        given = event.value
        right = self.shown.check(given)
        event.input.disabled = True
        self._show_back(
            right, given, typed_verdict(given, self.shown.answer, right, self._accepted)
        )

    @property
    def _accepted(self) -> tuple[str, ...]:
        card = self.shown.item.card
        return card.answers if card is not None else ()

    def _show_back(self, right: bool | None, answer: str, verdict: Text | None = None) -> None:
        self.revealed = True
        self.result = (right, answer)
        self._verdict = verdict
        self._draw()
        self.add_class("revealed")
        self.focus()
        self.post_message(self.Revealed(self, right, answer))
