"""Errors that end a command with a clear message and an exit code, never a traceback."""

from __future__ import annotations


class GradeckError(Exception):
    """A failure the user can act on: printed as `gradeck: <message>`, exits with `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code
