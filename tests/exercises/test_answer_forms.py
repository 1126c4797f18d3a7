"""Answer forms read as they are meant (the corpus in corpus/answer_forms.yaml), and which
elements of a wrong vector are wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gradeck.exercises.check import check_part
from gradeck.exercises.model import Part

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "answer_forms.yaml").read_text())


def _value(raw):
    return tuple(float(x) for x in raw) if isinstance(raw, list) else raw


def _part(kind: str, expected) -> Part:
    value = _value(expected)
    if kind != "count":
        value = value if isinstance(value, tuple) else float(value)
    return Part("a", "the answer", value, kind=kind)


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: f"{c['kind']}:{c['typed']}")
def test_answer_form(case: dict) -> None:
    result = check_part(_part(case["kind"], case["expected"]), case["typed"])
    assert result.verdict == case["verdict"], result
    assert case.get("message", "") in result.message


def test_a_wrong_vector_names_its_wrong_elements() -> None:
    part = Part("a", "w", (0.25, -0.5, 1.0, 2.0), kind="vector")
    result = check_part(part, "0.25 -0.4 1 2.5")
    assert result.verdict == "wrong"
    assert result.wrong_elements == (1, 3)
    assert "elements 2 and 4 of 4 are wrong" in result.message
    one = check_part(part, "[0.25, -0.5, 1.3, 2]")
    assert one.wrong_elements == (2,)
    assert "element 3 of 4 is wrong" in one.message
    every = check_part(part, "9 9 9 9")
    assert every.wrong_elements == (0, 1, 2, 3)
    assert "every element" in every.message


def test_wrong_elements_are_judged_on_the_change_of_an_updated_vector() -> None:
    # w = [1, 2] after a step of [-0.01, 0.02]: 1.01 is right, 2.0 (no change) is wrong.
    part = Part("a", "w", (1.01, 1.98), kind="vector", start=(1.0, 2.0))
    result = check_part(part, "1.01 2.0")
    assert result.verdict == "wrong" and result.wrong_elements == (1,)


def test_right_and_named_vectors_list_no_elements() -> None:
    part = Part("a", "w", (0.25, -0.5), kind="vector")
    assert check_part(part, "0.25 -0.5").wrong_elements == ()
    assert check_part(part, "-0.25 0.5").mistake.name == "sign"
    assert check_part(part, "-0.25 0.5").wrong_elements == ()
