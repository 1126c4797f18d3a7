"""Export a deck for Anki: an .apkg package (via genanki) or a CSV file with Anki's headers.

Identities are derived, never random: the Anki deck id comes from a hash of the deck id, the
note-type ids from the note types' names (so every exported deck shares the same few), and each
note's guid from (deck id, card id), also in the CSV's guid column, so exporting again and
re-importing into Anki updates the notes instead of duplicating them. Exercise items become a
chosen number of generated variants, each a note with the prompt on the front and the answers and
worked solution on the back; the variant seeds are derived too, so the same export gives the
same variants.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gradeck.decks.model import Card, Deck, ExerciseItem
from gradeck.errors import GradeckError

if TYPE_CHECKING:
    import genanki

MAX_VARIANTS = 50

CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; }
.note { color: #666; font-size: 16px; margin-top: 1em; }
.options { margin-top: 0.5em; }
pre { font-family: monospace; font-size: 16px; white-space: pre-wrap; }
"""


def stable_id(*parts: str) -> int:
    """An Anki id in genanki's recommended range [2**30, 2**31), the same for the same parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def variant_seed(deck_id: str, item_id: str, index: int) -> int:
    """The seed of an exercise item's `index`-th exported variant."""
    digest = hashlib.sha256(f"{deck_id}\x1f{item_id}\x1f{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 1_000_000


def anki_tags(deck: Deck, tags: tuple[str, ...]) -> list[str]:
    """The deck's tags then the item's, without repeats; Anki tags cannot hold spaces."""
    return [_no_tags("_".join(t.split())) for t in dict.fromkeys(deck.tags + tags) if t.strip()]


def _no_tags(text: str) -> str:
    """Text that Anki shows in places where it may read HTML but cannot take an entity (a deck
    name, a tag): angle brackets become look-alikes, so no tag can open."""
    return text.replace("<", "‹").replace(">", "›")


# ---------------------------------------------------------------- what each note says


@dataclass(frozen=True)
class NoteText:
    """One exported note in plain text: its kind, fields in note-type order, guid parts."""

    kind: str  # basic | reversible | cloze | choice | typed | exercise
    fields: tuple[str, ...]
    guid: tuple[str, ...]
    tags: list[str]


def choice_order(deck: Deck, card: Card) -> list[tuple[str, bool]]:
    """A fixed shuffle of a choice card's options (Anki cannot reshuffle per review)."""
    options = [(o, True) for o in card.correct] + [(o, False) for o in card.wrong]
    random.Random(f"{deck.id}/{card.id}").shuffle(options)
    return options


def card_note(deck: Deck, card: Card) -> NoteText:
    tags = anki_tags(deck, card.tags)
    guid = (deck.id, card.id)
    if card.type in ("basic", "reversible"):
        return NoteText(card.type, (card.front, card.back, card.note), guid, tags)
    if card.type == "cloze":
        return NoteText("cloze", (card.text, card.note), guid, tags)
    if card.type == "choice":
        options = choice_order(deck, card)
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        listed = "\n".join(f"{letters[i % 26]}. {text}" for i, (text, _) in enumerate(options))
        right = "\n".join(
            f"{letters[i % 26]}. {text}" for i, (text, ok) in enumerate(options) if ok
        )
        return NoteText("choice", (card.question, listed, right, card.note), guid, tags)
    also = card.answers[1:]
    note = "\n".join(
        x for x in (f"Also accepted: {', '.join(also)}" if also else "", card.note) if x
    )
    return NoteText("typed", (card.question, card.answers[0], note), guid, tags)


def exercise_notes(deck: Deck, item: ExerciseItem, variants: int) -> Iterator[NoteText]:
    """`variants` generated versions of an exercise item, each a note."""
    from gradeck.exercises.template import make_exercise
    from gradeck.exercises.worksheet import answer_text, prompt_text

    tags = anki_tags(deck, item.tags)
    for index in range(variants):
        seed = variant_seed(deck.id, item.id, index)
        exercise = make_exercise(item.family, seed, item.difficulty, item.params, item.template)
        exercise = replace(exercise, title=item.title or exercise.title)
        yield NoteText(
            "exercise",
            (prompt_text(exercise), answer_text(exercise), f"seed {seed}"),
            (deck.id, item.id, str(seed)),
            tags,
        )


def deck_notes(deck: Deck, variants: int) -> list[NoteText]:
    if not 0 <= variants <= MAX_VARIANTS:
        raise GradeckError(f"--variants must be between 0 and {MAX_VARIANTS}, not {variants}")
    notes = [card_note(deck, card) for card in deck.cards]
    for item in deck.exercises:
        notes.extend(exercise_notes(deck, item, variants))
    return notes


# ---------------------------------------------------------------- Anki package


def _html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _pre(text: str) -> str:
    return f"<pre>{html.escape(text, quote=False)}</pre>" if text else ""


_NOTE = "{{#Note}}<div class=note>{{Note}}</div>{{/Note}}"
_MODELS: dict[str, tuple[str, tuple[str, ...], tuple[tuple[str, str, str], ...]]] = {
    # kind: (name, fields, ((template name, question, answer), ...))
    # Basic and reversible cards share one note type, whose second card Anki makes only when
    # the Reverse field is filled: a card turned reversible keeps its note (and its reviews).
    "basic": (
        "gradeck Basic",
        ("Front", "Back", "Note", "Reverse"),
        (
            ("Card 1", "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}" + _NOTE),
            (
                "Card 2",
                "{{#Reverse}}{{Back}}{{/Reverse}}",
                "{{FrontSide}}<hr id=answer>{{Front}}" + _NOTE,
            ),
        ),
    ),
    "cloze": (
        "gradeck Cloze",
        ("Text", "Note"),
        (("Cloze", "{{cloze:Text}}", "{{cloze:Text}}" + _NOTE),),
    ),
    "choice": (
        "gradeck Choice",
        ("Question", "Options", "Correct", "Note"),
        (
            (
                "Card 1",
                "{{Question}}<div class=options>{{Options}}</div>",
                "{{FrontSide}}<hr id=answer>{{Correct}}" + _NOTE,
            ),
        ),
    ),
    "typed": (
        "gradeck Typed",
        ("Front", "Back", "Note"),
        (("Card 1", "{{Front}}<br>{{type:Back}}", "{{Front}}<hr id=answer>{{type:Back}}" + _NOTE),),
    ),
    "exercise": (
        "gradeck Exercise",
        ("Prompt", "Answer", "Variant"),
        (("Card 1", "{{Prompt}}", "{{FrontSide}}<hr id=answer>{{Answer}}"),),
    ),
}


def anki_models() -> dict[str, genanki.Model]:
    """The note types, one per gradeck card kind (basic and reversible share one), with ids
    derived from their names: every deck exported uses the same few note types in Anki."""
    import genanki

    models = {}
    for kind, (name, fields, templates) in _MODELS.items():
        models[kind] = genanki.Model(
            stable_id("model", name),
            name,
            fields=[{"name": f} for f in fields],
            templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in templates],
            css=CSS,
            model_type=genanki.Model.CLOZE if kind == "cloze" else genanki.Model.FRONT_BACK,
        )
    return models


def _anki_fields(note: NoteText) -> list[str]:
    if note.kind == "exercise":
        return [_pre(note.fields[0]), _pre(note.fields[1]), _html(note.fields[2])]
    fields = [_html(f) for f in note.fields]
    if note.kind in ("basic", "reversible"):
        fields.append("y" if note.kind == "reversible" else "")
    return fields


def write_apkg(deck: Deck, path: Path, variants: int) -> int:
    """Write the package; returns how many notes it holds."""
    import genanki

    models = anki_models()
    # Anki shows the description as HTML on the deck's overview, and the name beside it: every
    # text gradeck writes into the package is escaped, not only the note fields.
    anki_deck = genanki.Deck(
        stable_id("deck", deck.id), _no_tags(deck.title), description=_html(deck.description)
    )
    notes = deck_notes(deck, variants)
    for note in notes:
        anki_deck.add_note(
            genanki.Note(
                model=models["basic" if note.kind == "reversible" else note.kind],
                fields=_anki_fields(note),
                tags=note.tags,
                guid=genanki.guid_for(*note.guid),
            )
        )
    try:
        genanki.Package(anki_deck).write_to_file(str(path))
    except OSError as exc:
        raise GradeckError(f"cannot write {path}: {exc.strerror}") from None
    return len(notes)


# ---------------------------------------------------------------- CSV

# Anki's stock note types, which every collection has, so that the CSV imports as it is.
CSV_NOTE_TYPES = {
    "basic": "Basic",
    "reversible": "Basic (and reversed card)",
    "cloze": "Cloze",
    "choice": "Basic",
    "typed": "Basic (type in the answer)",
    "exercise": "Basic",
}


def _csv_fields(note: NoteText) -> tuple[str, str]:
    """(first field, second field) of the stock note type for this note."""
    if note.kind in ("basic", "reversible"):
        front, back, extra = note.fields
        return front, "\n\n".join(x for x in (back, extra) if x)
    if note.kind == "choice":
        question, options, correct, extra = note.fields
        return f"{question}\n{options}", "\n\n".join(x for x in (correct, extra) if x)
    # cloze: Text and Back Extra; typed: the Back holds only the answer to type;
    # exercise: the prompt, then the answers with the worked solution.
    return note.fields[0], note.fields[1]


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP's CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def no_formula(cell: str) -> str:
    """The cell, with a leading ' when a spreadsheet would run it as a formula (OWASP); the
    gradeck importer takes the quote off again."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def notes_csv(deck: Deck, notes: list[NoteText]) -> str:
    """The notes as CSV with Anki's file headers: separator, html, note type, tags and guid
    columns (the guid the .apkg gives the same note, so an edited card updates in Anki)."""
    import genanki

    out = io.StringIO()
    out.write("#separator:Comma\n#html:false\n")
    out.write(f"#deck:{' '.join(deck.title.split())}\n")
    out.write("#notetype column:1\n#tags column:4\n#guid column:5\n")
    out.write("#columns:Note type,Front,Back,Tags,GUID\n")
    writer = csv.writer(out, lineterminator="\n")
    for note in notes:
        front, back = _csv_fields(note)
        cells = [CSV_NOTE_TYPES[note.kind], front, back, " ".join(note.tags)]
        # The guid is ours, not the deck's, and must match the package's to the character.
        guid = genanki.guid_for(*note.guid)
        writer.writerow([*(no_formula(cell) for cell in cells), guid])
    return out.getvalue()


def write_csv(deck: Deck, path: Path, variants: int) -> int:
    """Write the CSV; returns how many notes it holds."""
    notes = deck_notes(deck, variants)
    try:
        path.write_text(notes_csv(deck, notes), encoding="utf-8")
    except OSError as exc:
        raise GradeckError(f"cannot write {path}: {exc.strerror}") from None
    return len(notes)
