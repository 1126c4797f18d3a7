"""Small decks that tests in several folders share, written once."""

CHOICE_CARD = """format: 1
id: pick
title: Pick
cards:
  - id: optimizers
    type: choice
    question: Which of these are optimizers?
    correct: [Adam, RMSprop]
    wrong: [ReLU, Dropout]
"""
