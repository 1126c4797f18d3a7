"""The `gradeck` command.

The parser is built from plain argparse and each subcommand's handler lives in its own module
under `gradeck.commands`, imported only when that subcommand runs: `gradeck --help` and the deck
commands must start without numpy, sympy or textual.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from gradeck import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _common() -> argparse.ArgumentParser:
    """Options every subcommand takes, before or after its name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="profile folder (default: $GRADECK_HOME, else the platform's user data folder)",
    )
    common.add_argument(
        "--deck",
        dest="deck_args",
        metavar="ID|PATH",
        action="append",
        default=argparse.SUPPRESS,
        help="a deck file to load, or a deck id; review, study and stats keep to the decks "
        "named (repeatable)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="gradeck",
        description="Study neural-network fundamentals in the terminal: flashcards and "
        "generated, auto-checked exercises, scheduled by FSRS. "
        "With no command, opens the study app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"gradeck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name: str, handler: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        p.set_defaults(handler=handler)
        return p

    # Decks
    p = cmd("decks", "courses:run_decks", "list the decks; add a deck or course folder; path; "
            "a deck's scheduling options")  # fmt: skip
    p.add_argument("action", nargs="?", choices=["add", "path", "options"], help="add PATH, print "
                   "the folder user decks live in, or show or set the scheduling options of DECK "
                   "(default: list the decks)")  # fmt: skip
    p.add_argument("target", nargs="?", metavar="PATH|DECK", help="with add: a deck file or "
                   "folder; with options: a deck id")  # fmt: skip
    p.add_argument("--copy", action="store_true", help="with add: copy instead of linking")
    p.add_argument("--preset", metavar="NAME", help="with options: put DECK on this preset "
                   "(made when new; 'default': the profile's settings)")  # fmt: skip
    p.add_argument("--retention", metavar="R", help="with options: desired retention of DECK's "
                   "preset, 0.70-0.99 ('default': the profile's)")  # fmt: skip
    p.add_argument("--parameters", metavar="W", help="with options: FSRS weights of DECK's preset "
                   "('default': the profile's; `gradeck optimize --deck` fits them)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p = cmd("validate", "lint:run_validate", "check deck files and report every problem")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: built-in)")
    p.add_argument("--deep", action="store_true", help="also draw 1000 variants of each template "
                   "and warn about what they show")  # fmt: skip
    p.add_argument("--strict", action="store_true", help="with --deep: warnings fail")
    p = cmd("show", "decks:run_show", "print a deck's cards as plain text")
    p.add_argument("deck_id", metavar="DECK", help="deck id or file")

    # Studying
    p = cmd("study", "app:run_study", "open the study app on a deck (default: everything due)")
    p.add_argument("deck_id", nargs="?", metavar="DECK")
    p = cmd("review", "review:run_review", "review due items line by line (plain text)")
    p.add_argument("--tag", metavar="TAG", help="only items with this tag")
    p.add_argument("--limit", type=int, metavar="N", help="stop after N items")
    p.add_argument("--practice", action="store_true", help="practise without scheduling")
    p.add_argument(
        "--more",
        type=int,
        default=0,
        metavar="N",
        help="study N more new items today than the daily limits allow",
    )
    p = cmd("stats", "stats:run_stats", "show study statistics")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--rescore",
        action="store_true",
        help="work out the health check's scores again from the whole log (seconds on a large "
        "one, which `stats` alone does not spend after new answers)",
    )
    p = cmd("config", "config:run_config", "read or change profile settings")
    p.add_argument("action", choices=["get", "set", "list"])
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    p = cmd("backup", "progress:run_backup", "copy the progress database safely, or restore one")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument(
        "--restore", metavar="FILE", help="bring a backup back (the current one is kept aside)"
    )
    p = cmd("progress", "progress:run_progress", "export or import progress as JSON")
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--force", action="store_true", help="let export overwrite FILE.json")
    p.add_argument(
        "--student", metavar="NAME", help="export: name the learner (read by `gradeck class`)"
    )
    p = cmd("optimize", "tuning:run_optimize", "fit FSRS's weights to your answers")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = cmd("simulate", "tuning:run_simulate", "what each desired retention would cost a day")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = cmd("check", "check:run_check", "check the progress database; --repair mends items")
    p.add_argument(
        "--repair", action="store_true", help="make unschedulable items new, keeping answers"
    )

    # Exercises
    p = cmd("families", "exercises:run_families", "list the exercise families")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = cmd("generate", "exercises:run_generate", "print one generated exercise with its solution")
    p.add_argument("family", metavar="FAMILY")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--difficulty", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = cmd("quiz", "exercises:run_quiz", "answer generated exercises line by line")
    p.add_argument("families", nargs="*", metavar="FAMILY")
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--difficulty", type=int, default=None)
    p = cmd("solve", "solve:run_solve", "work a small network through, step by step")
    p.add_argument("spec", metavar="SPEC.yaml")
    p.add_argument("--json", action="store_true", help="print JSON")

    # Instructors
    p = cmd("class", "classroom:run_class", "a class report from students' progress exports")
    p.add_argument("action", choices=["report"])
    p.add_argument("exports", nargs="+", metavar="EXPORT.json")
    p.add_argument("--format", choices=["table", "csv", "md", "json"], default="table")
    p = cmd("preview", "instructor:run_preview", "show a variant of an exercise template")
    p.add_argument("template", metavar="TEMPLATE")
    p.add_argument("--seed", type=int, default=None)
    p = cmd("import", "instructor:run_import", "turn Markdown or CSV notes into a deck")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", metavar="DECK.yaml")
    p = cmd("export", "instructor:run_export", "export decks to Anki (.apkg), CSV or Moodle XML")
    p.add_argument("deck_ids", nargs="*", metavar="DECK", help="one or more decks (ids or files)")
    p.add_argument("--all", action="store_true", help="every loaded deck")
    p.add_argument("--format", choices=["apkg", "csv", "moodle"], required=True)
    p.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="a file; a folder for several decks"
    )
    p.add_argument("--variants", type=int, default=3, help="generated variants per exercise")
    p = cmd("worksheet", "worksheets:run_worksheet", "write a printable worksheet with answers")
    p.add_argument("items", nargs="+", metavar="TEMPLATE_OR_FAMILY")
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--format", choices=["md", "pdf"], help="default: from the -o file's suffix")
    p.add_argument("--students", metavar="ROSTER.txt", help="one sheet per student (names, one "
                   "a line); -o is then a folder")  # fmt: skip
    p.add_argument("--key", metavar="CODE", help="only the answer key of the sheet with this code")
    p.add_argument("-o", "--output", metavar="FILE|FOLDER", required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    for name, default in (("data_dir", None), ("deck_args", [])):
        if not hasattr(args, name):
            setattr(args, name, default)
    handler = getattr(args, "handler", "app:run_home")
    module_name, func_name = handler.split(":")
    from gradeck.errors import GradeckError
    from gradeck.problems import ProblemsError
    from gradeck.text import printable

    try:
        module = import_module(f"gradeck.commands.{module_name}")
        return int(getattr(module, func_name)(args) or 0)
    except ProblemsError as exc:
        for problem in exc.problems:
            print(printable(str(problem)), file=sys.stderr)
        return EXIT_FAIL
    except GradeckError as exc:
        print(printable(f"gradeck: {exc}"), file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("\ngradeck: interrupted; everything answered so far is saved.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # e.g. `gradeck show deck | head`: the reader left, nothing to say
        return EXIT_OK
    except Exception as exc:  # last resort: a message, never a traceback
        if os.environ.get("GRADECK_DEBUG"):
            raise
        print(
            printable(f"gradeck: internal error: {type(exc).__name__}: {exc}\n")
            + "Please report it; set GRADECK_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
