"""Where gradeck finds its built-in decks and keeps a learner's data.

Kept free of heavy imports: every command starts here.
"""

from __future__ import annotations

import os
from pathlib import Path

from gradeck.errors import GradeckError

ENV_HOME = "GRADECK_HOME"


def builtin_dir(name: str) -> Path:
    """The built-in `cards` or `quizzes` folder.

    A wheel carries them as package data (`gradeck/_data/<name>`, beside this file: a wheel is
    installed unzipped, so no importlib.resources, which costs every command's start); an
    editable install or a source checkout finds them at the repository's top level.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "_data" / name
    if packaged.is_dir():
        return packaged
    return here.parents[1] / name


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The profile folder: `--data-dir`, else `$GRADECK_HOME`, else the platform default.

    A path that exists but is not a folder is refused here, so that every command says so
    plainly instead of failing later on something inside it.
    """
    env = os.environ.get(ENV_HOME)
    if explicit:
        home, origin = Path(explicit).expanduser(), "--data-dir"
    elif env:
        home, origin = Path(env).expanduser(), f"${ENV_HOME}"
    else:
        from platformdirs import user_data_path

        home, origin = user_data_path("gradeck", appauthor=False), "the default data folder"
    if home.exists() and not home.is_dir():
        raise GradeckError(f"data folder {home} (from {origin}) is a file, not a folder")
    return home


def user_decks_dir(home: Path) -> Path:
    return home / "decks"


def database_path(home: Path) -> Path:
    return home / "gradeck.db"
