"""Spaced repetition: FSRS scheduling, the SQLite progress store and statistics queries.

Only `gradeck.study` imports this package; the front ends reach progress through it.
"""
