"""The drawing helpers behind the screens, checked against hand-worked expectations."""

from __future__ import annotations

from datetime import date

from rich.console import Console

from gradeck.exercises.attempt import Attempt
from gradeck.exercises.check import PartResult, check_part
from gradeck.exercises.model import Mistake, Part
from gradeck.tui.screens.stats import mastery_table
from gradeck.tui.widgets.card_panel import cloze_text, typed_diff, typed_verdict
from gradeck.tui.widgets.charts import bar_chart, heatmap
from gradeck.tui.widgets.exercise_panel import attempt_text, feedback_text
from gradeck.tui.widgets.exercise_view import network_drawing
from gradeck.tui.widgets.rating_bar import rating_line


def _styled(text, style: str) -> list[str]:
    """The pieces of `text` that carry `style`."""
    return [text.plain[s.start : s.end] for s in text.spans if str(s.style) == style]


def test_typed_diff_marks_what_each_side_lacks() -> None:
    diff = typed_diff("Cross  entropy", ["cross-entropy", "log loss"])
    # Case and runs of spaces do not count; the space and the hyphen are what differ.
    assert diff.plain == "yours   cross␣entropy\nanswer  cross-entropy"
    assert _styled(diff, "bold red underline") == ["␣"]
    assert _styled(diff, "bold green underline") == ["-"]


def test_typed_diff_picks_the_nearest_accepted_answer() -> None:
    diff = typed_diff("log los", ["cross-entropy", "log loss"])
    assert diff.plain.endswith("answer  log loss")
    assert _styled(diff, "bold green underline") == ["s"]


def test_typed_verdict() -> None:
    assert typed_verdict("Adam", "Adam", True, ["Adam"]).plain == "✓ right  Adam"
    assert typed_verdict("", "Adam", False, ["Adam"]).plain == "✗ wrong\nno answer; it is Adam"


def test_cloze_marks_only_its_hole() -> None:
    text = "{{c1::η}} scales {{c2::∂L/∂w::which derivative?}}"
    hidden = cloze_text(text, "c2", reveal=False)
    assert hidden.plain == "η scales  which derivative? "
    assert _styled(hidden, "bold reverse") == [" which derivative? "]
    shown = cloze_text(text, "c1", reveal=True)
    assert shown.plain == " η  scales ∂L/∂w"
    assert _styled(shown, "bold reverse") == [" η "]


def test_network_drawing_joins_every_layer_to_the_next() -> None:
    lines = network_drawing((2, 2, 1)).plain.splitlines()
    assert lines == [
        "input       hidden      output",
        "x₁ ─┐     ┌─h₁ ─┐",
        "    ├─────┤     ├───────ŷ",
        "x₂ ─┘     └─h₂ ─┘",
    ]


def test_network_drawing_numbers_several_outputs() -> None:
    plain = network_drawing((1, 3)).plain
    assert [label in plain for label in ("x₁", "ŷ₁", "ŷ₂", "ŷ₃")] == [True] * 4


def test_bar_chart_scales_to_the_tallest_bar() -> None:
    rows = bar_chart([4, 2, 0], height=2, label_every=7).plain.splitlines()
    # 4 fills both rows; 2 fills the lower row only; 0 nothing. Each bar is two columns wide.
    assert rows[0] == "██     4"
    assert rows[1] == "████  "
    assert rows[2] == "0"


def test_heatmap_puts_days_under_their_weekday() -> None:
    # 2026-03-02 is a Monday: with 8 days ending then, the first column starts on Monday 23 Feb.
    counts = [0, 1, 0, 0, 0, 0, 0, 4]
    rows = heatmap(counts, date(2026, 3, 2)).plain.splitlines()
    assert rows[0] == "Mon ■■"  # both Mondays have a count (0 and 4)
    assert rows[1] == "    ■ "  # Tuesday 24 Feb, and no Tuesday yet in the second week
    shades = [s.style for s in heatmap(counts, date(2026, 3, 2)).spans if s.end - s.start == 1]
    assert shades[:2] == ["grey23", "bright_green"]  # Monday: nothing, then the peak


def test_rating_line_boxes_the_suggestion() -> None:
    line = rating_line({1: "1m", 2: "6m", 3: "10m", 4: "8d"}, suggested=2)
    assert "▶ 2 Hard " in line.plain and "Enter = Hard" in line.plain
    assert line.plain.index("1m") < line.plain.index("6m") < line.plain.index("8d")


def test_feedback_names_the_mistake_and_the_answer_when_closed() -> None:
    part = Part("a", "w after the update", -0.945)
    mistake = Mistake("sign", 0.945, "the step went with the gradient, not against it")
    result = PartResult("wrong", mistake.feedback, mistake, 0.945)
    open_text = feedback_text(part, result, final=False, given="0.945").plain
    assert open_text == "✗ wrong (0.945): the step went with the gradient, not against it"
    closed = feedback_text(part, result, final=True, given="0.945").plain
    assert closed.endswith("expected −0.945")  # the minus sign of the formulas
    attempt = Attempt(0, 1, "0.945", "wrong", mistake.feedback, "sign", 0.945, False, result)
    assert attempt_text(part, attempt, tries_left=1).plain.endswith(
        "\n1 more try: answer again, or h a hint, Ctrl+G give up"
    )
    given_up = Attempt(0, 2, "", "given_up", closes=True)
    assert attempt_text(part, given_up, tries_left=0).plain == "– given up\nexpected −0.945"


def test_rating_line_suggests_nothing_for_a_card_the_learner_judges() -> None:
    line = rating_line({1: "1m", 2: "6m", 3: "10m", 4: "8d"}, suggested=None).plain
    assert "▶" not in line and "Enter" not in line and "Space = Good" in line


def test_rating_line_keeps_each_rating_in_its_colour_and_fits_80_columns() -> None:
    """Drawn as plain styled text (no `@click` link, which Textual would recolour), each name
    in its colour; the whole line fits an 80-column terminal beside the bar's padding."""
    for suggested in (None, 1, 4):
        line = rating_line({1: "10m", 2: "1.2h", 3: "12d", 4: "3.4mo"}, suggested=suggested)
        assert line.cell_len <= 80 - 2 - 2  # padding and the scroll bar
        for name, colour in (("Again", "red"), ("Hard", "yellow"), ("Good", "green")):
            at = line.plain.index(name)
            styles = [str(span.style) for span in line.spans if span.start <= at < span.end]
            assert any(colour in style for style in styles), (name, styles)


def _unreadable(answer: str) -> list[str]:
    part = Part("a", "w after the update", 1.0)
    result = check_part(part, answer)
    assert result.verdict == "unreadable"
    return feedback_text(part, result, final=False, given=answer).plain.split("\n")


def test_unreadable_answer_is_shown_once_with_the_caret_under_the_fault() -> None:
    reason, shown, caret = _unreadable("1 +* 2")
    assert reason == "? cannot read this: expected a value before '*'"
    assert shown == "1 +* 2" and caret == " " * shown.index("*") + "^"


def test_a_long_unreadable_answer_is_cut_with_an_ellipsis() -> None:
    answer = "1+" * 3000
    lines = _unreadable(answer)
    assert len(lines) == 3 and lines[0].startswith("? cannot read this: answer too long")
    assert lines[1].startswith("…") and lines[1].endswith("…") and len(lines[1]) < 80
    assert lines[2].strip() == "^" and len(lines[2]) <= len(lines[1])


def test_a_long_wrong_answer_is_shortened_in_its_verdict() -> None:
    part = Part("a", "w after the update", 1.0)
    answer = "+".join(["1"] * 300)  # 300: far from 1, and 599 characters long
    text = feedback_text(part, check_part(part, answer), final=False, given=answer).plain
    assert text.startswith("✗ wrong (" + answer[:29] + "…)") and text.count("1") < 20


def test_mastery_lists_tags_from_the_statistics() -> None:
    decks = {"d": {"title": "Deck", "review": 1, "total": 3, "mean_retrievability": 0.9}}
    row = {"learning": 0, "relearning": 0, "suspended": 0, "due": 0}
    tags = {
        "small": {**row, "total": 1, "new": 1, "review": 0, "mean_retrievability": None},
        "big": {**row, "total": 3, "new": 2, "review": 1, "mean_retrievability": 0.5},
    }
    console = Console(width=60, record=True)
    console.print(mastery_table(decks, tags))
    lines = [line.split() for line in console.export_text().splitlines()]
    body = [line for line in lines if line and line[0] in ("Deck", "#big", "#small")][1:]
    assert body == [["Deck", "1/3", "90%"], ["#big", "1/3", "50%"], ["#small", "0/1", "–"]]


def test_card_text_is_wrapped_as_prose_with_its_styles_kept() -> None:
    from rich.text import Text

    from gradeck.tui.widgets.text import wrapped

    text = Text("The slope of tanh is ")
    text.append("1 − tanh²(z)", style="bold reverse")  # a cloze hole, filled in
    text.append(", less than one away from zero.\nA second line.")
    out = wrapped(text, 24)
    lines = out.plain.split("\n")
    assert lines == [
        "The slope of tanh is",
        "1 − tanh²(z), less than",
        "one away from zero.",
        "A second line.",
    ]
    start = out.plain.index("1 − tanh²(z)")
    assert any(
        span.start == start
        and span.end == start + len("1 − tanh²(z)")
        and span.style == "bold reverse"
        for span in out.spans
    )
