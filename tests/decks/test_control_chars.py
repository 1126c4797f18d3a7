"""Terminal control characters from a deck never reach the terminal (issue 9, item 2).

`validate` refuses them at the line and column where the file spells them; every plain-text
output shows what did not come through the validator (a file name, a typed answer) as visible
stand-ins.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.problems import ProblemsError

ESC, BEL = "\x1b", "\x07"


def _deck(title: str, front: str = "x") -> str:
    return (
        f"format: 1\nid: esc\ntitle: {title}\ncards:\n  - id: a\n    front: {front}\n    back: b\n"
    )


def _problems(path: Path) -> list[tuple[int, int, str]]:
    with pytest.raises(ProblemsError) as caught:
        load_deck(path)
    return [(p.line, p.col, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("title", "col", "code"),
    [
        (r'"T\e]0;PWNED\a"', 10, "U+001B"),  # `title: "T` is 9 characters: the escape is next
        (r'"ok \x9b2J"', 12, "U+009B"),  # a C1 CSI
        (r'"a\\b \u0007"', 14, "U+0007"),  # an escaped backslash first, then the real BEL
        (r'"OSC 52 \e]52;c;cHduZWQ=\a"', 16, "U+001B"),
    ],
)
def test_escaped_control_character_is_refused_at_its_column(
    tmp_path: Path, title: str, col: int, code: str
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(_deck(title), encoding="utf-8")
    [(line, column, message)] = _problems(path)
    assert (line, column) == (3, col)
    assert code in message and "control character" in message


def test_raw_control_byte_is_refused_at_its_column(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(_deck("ok", front=f"x{ESC}[2J"), encoding="utf-8")
    [(line, column, message)] = _problems(path)
    assert (line, column) == (6, 13)  # `    front: x` is 12 characters
    assert "U+001B" in message


def test_tab_and_newline_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(_deck(r'"a\tb"', front=r'"line\nnext"'), encoding="utf-8")
    deck = load_deck(path)
    assert deck.title == "a\tb" and deck.cards[0].front == "line\nnext"


def test_validate_exits_non_zero_and_prints_no_escape(tmp_path: Path, capsys) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(_deck(r'"\e]0;PWNED\a\e[2J"'), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3:9: error: control character U+001B" in out  # `title: "` is 8
    assert ESC not in out


def test_a_file_name_with_escapes_is_shown_harmlessly(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / f"{ESC}]0;PWNED{BEL}.yaml").write_text("format: 2\n", encoding="utf-8")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert ESC not in out and BEL not in out
    assert "␛]0;PWNED␇.yaml" in out


def test_show_of_a_file_prints_it(tmp_path: Path, capsys) -> None:
    """`show FILE.yaml` works as its help says (issue 9, item 9), control characters shown."""
    path = tmp_path / "d.yaml"
    path.write_text(_deck("Mine", front="what?"), encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "home"), "show", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Mine (esc)") and "Q: what?" in out


def test_quiz_echo_of_a_typed_answer_is_neutralised(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{ESC}]0;PWNED{BEL}\nq\n"))
    main(["--data-dir", str(tmp_path), "quiz", "adam", "--count", "1", "--seed", "3"])
    out = capsys.readouterr().out
    assert ESC not in out and BEL not in out
    assert "␛]0;PWNED␇" in out
