"""Errors a user can act on, and the exit codes the command line maps them to."""

from __future__ import annotations

# Exit codes, as pySHACL documents them: 0 conforms, 1 does not conform, 2 could not run.
EXIT_OK = 0
EXIT_VIOLATIONS = 1  # also: a user error (unknown query or parameter)
EXIT_INPUT = 2


class InnographError(Exception):
    """Base class: the message is one line a user can act on."""

    exit_code = EXIT_INPUT


class InputError(InnographError):
    """Input that cannot be read: a missing folder, a malformed file, an unknown term."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None, column: int | None = None):
        self.path = path
        self.line = line
        self.column = column
        where = ""
        if path is not None:
            where = path
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(f"{where}{message}")


class UsageError(InnographError):
    """A request the user can correct: an unknown query or parameter, a value of the wrong kind."""

    exit_code = EXIT_VIOLATIONS


class EndpointError(InnographError):
    """A remote SPARQL endpoint that cannot be reached, times out or fails."""

    exit_code = EXIT_INPUT
