"""Course folders: decks in subfolders of `<data dir>/decks/`, `gradeck decks add` and `path`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gradeck.cli import main


def deck(deck_id: str) -> str:
    return (
        f"format: 1\nid: {deck_id}\ntitle: {deck_id.title()}\n"
        "cards:\n  - {id: c1, front: What is an epoch?, back: One pass over the data.}\n"
    )


def listed(capsys) -> dict[str, str]:
    return scan(capsys)[0]


def scan(capsys) -> tuple[dict[str, str], str]:
    """The user decks `gradeck decks` finds (id: path), and what it said on stderr."""
    assert main(["decks", "--json"]) == 0
    out, err = capsys.readouterr()
    return {d["id"]: d["path"] for d in json.loads(out) if not d["builtin"]}, err


def make_course(root: Path) -> Path:
    """A cloned course repository: decks in week folders, CI and docs beside them."""
    (root / "week1").mkdir(parents=True)
    (root / "week2" / "extra").mkdir(parents=True)
    (root / "week1" / "glossary.yaml").write_text(deck("week1-glossary"), encoding="utf-8")
    (root / "week2" / "extra" / "more.yml").write_text(deck("week2-more"), encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config.yaml").write_text(deck("hidden-git"), encoding="utf-8")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text("on: push\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Course\n", encoding="utf-8")
    (root / "week1" / "notes.yaml").write_text("reading: [chapter 1]\n", encoding="utf-8")
    return root


def test_decks_path_prints_the_folder(home: Path, capsys) -> None:
    assert main(["decks", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(home / "decks")


def test_decks_in_course_subfolders_are_found(home: Path, capsys) -> None:
    course = make_course(home / "decks" / "nn-course")
    (home / "decks" / "top.yaml").write_text(deck("top"), encoding="utf-8")
    found, err = scan(capsys)
    assert found == {
        "week1-glossary": str(course / "week1" / "glossary.yaml"),
        "week2-more": str(course / "week2" / "extra" / "more.yml"),
        "top": str(home / "decks" / "top.yaml"),
    }
    assert err == ""  # CI files, docs and notes are not decks
    # A YAML file at the top of decks/ is still a deck, and a broken one is still reported.
    (home / "decks" / "broken.yaml").write_text("reading: [chapter 1]\n", encoding="utf-8")
    assert "broken.yaml" in scan(capsys)[1]


def test_a_link_back_up_the_tree_is_not_a_loop(home: Path, capsys) -> None:
    course = make_course(home / "decks" / "course")
    os.symlink(course, course / "week1" / "again", target_is_directory=True)
    os.symlink(home / "decks", course / "up", target_is_directory=True)
    assert sorted(listed(capsys)) == ["week1-glossary", "week2-more"]


def test_add_links_a_validated_course(home: Path, tmp_path: Path, capsys) -> None:
    course = make_course(tmp_path / "nn-course")
    assert main(["decks", "add", str(course)]) == 0
    link = home / "decks" / "nn-course"
    assert link.is_symlink() and link.resolve() == course.resolve()
    assert "linked 2 deck(s) (week1-glossary, week2-more)" in capsys.readouterr().err
    assert sorted(listed(capsys)) == ["week1-glossary", "week2-more"]
    # An edit in the clone (say `git pull`) is seen at once.
    (course / "week2" / "new.yaml").write_text(deck("week2-new"), encoding="utf-8")
    assert sorted(listed(capsys)) == ["week1-glossary", "week2-more", "week2-new"]
    # Adding it again, or another deck with an id already taken, is refused.
    assert main(["decks", "add", str(course)]) == 1
    assert "already used by" in capsys.readouterr().err
    other = tmp_path / "glossary.yaml"
    other.write_text(deck("week1-glossary"), encoding="utf-8")
    assert main(["decks", "add", str(other), "--copy"]) == 1
    assert not (home / "decks" / "glossary.yaml").exists()


def test_add_copies_a_deck_file_and_refuses_broken_ones(home: Path, tmp_path: Path, capsys) -> None:
    good = tmp_path / "mine.yaml"
    good.write_text(deck("mine"), encoding="utf-8")
    assert main(["decks", "add", str(good), "--copy"]) == 0
    copied = home / "decks" / "mine.yaml"
    assert not copied.is_symlink() and copied.read_text(encoding="utf-8") == deck("mine")
    assert main(["decks", "add", str(good), "--copy"]) == 1
    assert "already" in capsys.readouterr().err

    bad = tmp_path / "bad.yaml"
    bad.write_text(deck("bad").replace("front:", "frnt:"), encoding="utf-8")
    assert main(["decks", "add", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:" in err and "frnt" in err
    assert not (home / "decks" / "bad.yaml").exists()
    for wrong in (tmp_path / "missing.yaml", tmp_path):
        assert main(["decks", "add", str(wrong)]) == 1
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["decks", "add"], ["decks", "stray"]])
def test_decks_usage_errors(argv: list[str], home: Path, capsys) -> None:
    assert main(argv) in (1, 2)
    assert "Traceback" not in capsys.readouterr().err
