"""The validator against a corpus of broken decks: each names the exact line, column and fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradeck.cli import main

HEAD = "format: 1\nid: d\ntitle: T\n"

# (name, file text, expected "line:col: error: message" lines, in order)
CORPUS: list[tuple[str, str, list[str]]] = [
    (
        "unknown deck key with suggestion",
        "format: 1\nid: d\ntitel: T\ncards:\n  - {id: a, front: x, back: y}\n",
        [
            "1:1: error: the deck is missing required field 'title'",
            "3:1: error: unknown key 'titel' in the deck; did you mean 'title'?",
        ],
    ),
    (
        "unknown card key with suggestion",
        HEAD + "cards:\n  - id: a\n    fornt: x\n    back: y\n",
        [
            "5:5: error: card 'a' is missing required field 'front'",
            "6:5: error: unknown key 'fornt' in card 'a'; did you mean 'front'?",
        ],
    ),
    (
        "unknown key without a close match",
        HEAD + "cards:\n  - id: a\n    front: x\n    back: y\n    zzz: 1\n",
        ["8:5: error: unknown key 'zzz' in card 'a'"],
    ),
    (
        "missing back points at the card",
        HEAD + "cards:\n  - id: a\n    front: x\n",
        ["5:5: error: card 'a' is missing required field 'back'"],
    ),
    (
        "missing card id",
        HEAD + "cards:\n  - front: x\n    back: y\n",
        ["5:5: error: a card is missing required field 'id'"],
    ),
    (
        "empty front",
        HEAD + "cards:\n  - id: a\n    front: '   '\n    back: y\n",
        ["6:12: error: 'front' is empty"],
    ),
    (
        "front is a list",
        HEAD + "cards:\n  - id: a\n    front: [x]\n    back: y\n",
        ["6:12: error: 'front' must be text, not a list"],
    ),
    (
        "tags as a string",
        HEAD + "cards:\n  - id: a\n    front: x\n    back: y\n    tags: neuron\n",
        ["8:11: error: 'tags' must be a list of text, not text"],
    ),
    (
        "tag that is a mapping",
        HEAD + "cards:\n  - id: a\n    front: x\n    back: y\n    tags: [ok, {a: 1}]\n",
        ["8:16: error: items of 'tags' must be text, not a mapping"],
    ),
    (
        "duplicate id points at the second",
        HEAD + "cards:\n  - {id: a, front: x, back: y}\n  - {id: a, front: z, back: w}\n",
        ["6:10: error: duplicate id 'a' (first used on line 5)"],
    ),
    (
        "duplicate id after a card that failed its own checks",
        HEAD + "cards:\n  - {id: a, type: clozee, text: x}\n  - {id: a, front: z, back: w}\n",
        [
            "5:19: error: unknown card type 'clozee'; did you mean 'cloze'? "
            "(types: basic, reversible, cloze, choice, typed)",
            "6:10: error: duplicate id 'a' (first used on line 5)",
        ],
    ),
    (
        "id with spaces",
        HEAD + "cards:\n  - {id: my card, front: x, back: y}\n",
        [
            "5:10: error: id 'my card' must be 1-80 letters, digits, '-', '_', '.' or '/', "
            "starting with a letter or digit"
        ],
    ),
    (
        "unknown card type with suggestion",
        HEAD + "cards:\n  - {id: a, type: clozee, text: x}\n",
        [
            "5:19: error: unknown card type 'clozee'; did you mean 'cloze'? "
            "(types: basic, reversible, cloze, choice, typed)"
        ],
    ),
    (
        "cloze without holes",
        HEAD + "cards:\n  - id: a\n    type: cloze\n    text: no holes here\n",
        ["7:11: error: a cloze card needs at least one hole, like {{c1::answer}}"],
    ),
    (
        "cloze hole with one colon",
        HEAD + "cards:\n  - id: a\n    type: cloze\n    text: 'a {{c1:b}} c'\n",
        [
            "7:11: error: malformed cloze hole '{{c1:b}} c': write {{c1::answer}} "
            "or {{c1::answer::hint}}"
        ],
    ),
    (
        "cloze hole never closed",
        HEAD + "cards:\n  - id: a\n    type: cloze\n    text: 'a {{c1::b c'\n",
        [
            "7:11: error: malformed cloze hole '{{c1::b c': write {{c1::answer}} "
            "or {{c1::answer::hint}}"
        ],
    ),
    (
        "cloze hole with empty answer",
        HEAD + "cards:\n  - id: a\n    type: cloze\n    text: 'a {{c1::}} c'\n",
        ["7:11: error: cloze hole c1 has no answer"],
    ),
    (
        "cloze hole numbered zero",
        HEAD + "cards:\n  - id: a\n    type: cloze\n    text: 'a {{c0::b}} c'\n",
        ["7:11: error: cloze holes are numbered from c1"],
    ),
    (
        "choice without correct option",
        HEAD + "cards:\n  - id: a\n    type: choice\n    question: q\n    correct: []\n"
        "    wrong: [x, y]\n",
        ["8:14: error: a choice card needs at least one correct option"],
    ),
    (
        "choice option both correct and wrong",
        HEAD + "cards:\n  - id: a\n    type: choice\n    question: q\n    correct: [x]\n"
        "    wrong: [x, y]\n",
        ["9:12: error: option 'x' is both correct and wrong"],
    ),
    (
        "choice with a single option",
        HEAD + "cards:\n  - id: a\n    type: choice\n    question: q\n    correct: [x]\n",
        ["5:5: error: a choice card needs at least two options in all"],
    ),
    (
        "typed without answer",
        HEAD + "cards:\n  - id: a\n    type: typed\n    question: q\n",
        ["5:5: error: card 'a' is missing required field 'answer'"],
    ),
    (
        "field of another card type",
        HEAD + "cards:\n  - id: a\n    front: x\n    back: y\n    text: z\n",
        ["8:5: error: 'text' does not apply to a basic card"],
    ),
    (
        "unsupported format",
        "format: 2\nid: d\ntitle: T\ncards:\n  - {id: a, front: x, back: y}\n",
        ["1:9: error: unsupported format 2: this gradeck reads format 1"],
    ),
    (
        "missing format",
        "id: d\ntitle: T\ncards:\n  - {id: a, front: x, back: y}\n",
        ["1:1: error: the deck is missing required field 'format' (use format: 1)"],
    ),
    (
        "cards is a mapping",
        HEAD + "cards:\n  a: 1\n",
        ["5:3: error: 'cards' must be a list, not a mapping"],
    ),
    (
        "a card that is text",
        HEAD + "cards:\n  - just text\n",
        ["5:5: error: each entry of 'cards' must be a mapping"],
    ),
    (
        "no cards at all",
        HEAD,
        ["1:1: error: the deck has neither 'cards' nor 'exercises'"],
    ),
    (
        "deck is a list",
        "- a\n- b\n",
        ["1:1: error: a deck must be a mapping, not a list"],
    ),
    (
        "YAML syntax error",
        HEAD + "cards:\n  - {id: a, front: x, back: y\n",
        ["6:1: error: YAML syntax error: did not find expected ',' or '}'"],
    ),
    (
        "a line indented unlike its neighbours",
        HEAD + "cards:\n  - id: a\n    front: x\n   back: y\n",
        [
            "7:4: error: YAML syntax error: did not find expected '-' indicator (check the "
            "indentation of line 7: it starts at column 4, where the lines above start at "
            "column 3 or 5)"
        ],
    ),
    (
        "duplicate YAML key",
        HEAD + "cards:\n  - id: a\n    front: x\n    front: y\n    back: z\n",
        ["7:5: error: duplicate key 'front'"],
    ),
    (
        "python tag",
        HEAD + "cards:\n  - id: a\n    front: !!python/object/apply:os.system [ls]\n    back: y\n",
        [
            "6:12: error: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
            "is not allowed",
        ],
    ),
    (
        "unknown exercise family",
        HEAD + "exercises:\n  - id: e\n    family: no-such-family\n",
        ["6:13: error: unknown exercise family 'no-such-family'"],
    ),
    (
        "several problems in one file are all reported",
        HEAD + "cards:\n  - {id: a, front: '', back: y}\n  - {id: b, front: x}\n",
        [
            "5:20: error: 'front' is empty",
            "6:5: error: card 'b' is missing required field 'back'",
        ],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_broken_deck_reports_exact_positions(
    name: str, text: str, expected: list[str], tmp_path: Path, capsys
) -> None:
    deck = tmp_path / "deck.yaml"
    deck.write_text(text, encoding="utf-8")
    assert main(["validate", str(deck)]) == 1
    out = capsys.readouterr().out.splitlines()
    reported = [line.removeprefix(f"{deck}:") for line in out if line.startswith(str(deck))]
    assert reported == expected


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 25


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "1:1: error: empty file"),
        (b"   \n\n", "1:1: error: empty file"),
        (b"format: 1\nid: \xff\xfe\n", "2:5: error: not valid UTF-8 (byte 0xff)"),
        (b"format: 1\n\x00\x01\x02", "2:1: error: binary file (contains NUL bytes), not YAML"),
    ],
)
def test_unreadable_files(content: bytes, message: str, tmp_path: Path, capsys) -> None:
    deck = tmp_path / "deck.yaml"
    deck.write_bytes(content)
    assert main(["validate", str(deck)]) == 1
    assert f"{deck}:{message}" in capsys.readouterr().out


def test_file_over_two_megabytes_is_refused_before_parsing(tmp_path: Path, capsys) -> None:
    deck = tmp_path / "big.yaml"
    # Broken YAML: if it were parsed, the message would be a syntax error instead.
    deck.write_text("[" * (2 * 1024 * 1024 + 1), encoding="utf-8")
    assert main(["validate", str(deck)]) == 1
    out = capsys.readouterr().out
    assert f"{deck}:1:1: error: file is 2,097,153 bytes; the limit is 2,097,152 (2 MB)" in out
    assert "YAML" not in out
