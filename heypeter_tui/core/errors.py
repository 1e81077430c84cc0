"""Errors that are the user's to fix: shown as one line, exit code 2, never a traceback."""


class UserError(Exception):
    """A mistake in input the user gave: a file, an argument, a name.

    ``str(error)`` is the whole message, ready to print on one line.
    """
