"""Shared fixtures for the instructor commands: a profile folder and a deck of every card type."""

from __future__ import annotations

from pathlib import Path

import pytest

ALL_TYPES = """format: 1
id: all-types
title: All card types
description: One card of each type.
tags: [demo, two words]
cards:
  - {id: bias, front: What does a bias do?, back: It shifts the activation., tags: [neuron]}
  - id: sigmoid
    type: reversible
    front: σ(z) = 1 / (1 + e^(−z))
    back: the sigmoid function
    note: Its derivative is σ(z)(1 − σ(z)).
  - id: update
    type: cloze
    text: "w ← w − {{c1::η}}·{{c2::∂L/∂w::which derivative?}}"
  - id: optimizers
    type: choice
    question: Which of these are optimizers?
    correct: [Adam, RMSprop]
    wrong: [ReLU, Dropout]
  - id: epoch
    type: typed
    question: One pass over the whole training set is called an ...
    answer: [epoch, an epoch]
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("GRADECK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def all_types(tmp_path: Path) -> Path:
    path = tmp_path / "all-types.yaml"
    path.write_text(ALL_TYPES, encoding="utf-8")
    return path
