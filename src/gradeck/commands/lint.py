"""`gradeck validate [--deep [--strict]] PATH...`: the usual checks, then, with --deep, many
variants of each template drawn and what they reveal reported (see `gradeck.decks.lint`)."""

from __future__ import annotations

import argparse

from gradeck.commands.decks import _expand
from gradeck.commands.decks import run_validate as validate_files
from gradeck.decks.loader import load_deck
from gradeck.problems import ProblemsError


def run_validate(args: argparse.Namespace) -> int:
    status = validate_files(args)
    if not args.deep or status != 0:
        return status
    from gradeck.decks.lint import lint_deck

    files, _ = _expand(args.paths) if args.paths else ([], [])
    if not args.paths:
        from gradeck.decks.library import builtin_files

        files = builtin_files()
    findings = []
    for path in files:
        try:
            findings += lint_deck(load_deck(path))
        except ProblemsError:
            continue  # already reported by the checks above
    for finding in findings:
        print(finding)
    if findings:
        fails = " (--strict: they fail validation)" if args.strict else ""
        print(f"{len(findings)} warning(s) from drawing each template's variants{fails}.")
        return 1 if args.strict else 0
    print("Drawing each template's variants found nothing to warn about.")
    return 0
