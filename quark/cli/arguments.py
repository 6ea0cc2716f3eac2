"""What every command shares: the one-line error, argparse that says so, and the value types of its flags."""

from __future__ import annotations

import argparse
import ast

from quark._params import Secret, is_secret_key

__all__ = ["UserError", "Parser", "positive_int", "fraction", "key_value"]


class UserError(Exception):
    """A mistake in the command: reported as one line, no traceback."""


class Parser(argparse.ArgumentParser):
    """argparse, but a malformed command is one line on stderr (exit 2), not usage + error."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}")
    return value


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1); got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1); got {text!r}")
    return value


def penalty(text: str) -> str | float:
    """``auto`` or a non-negative number (the classifier's ``alpha``)."""
    if text == "auto":
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a non-negative number; got {text!r}") from None
    if not value >= 0.0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected 'auto' or a non-negative number; got {text!r}")
    return value


def key_value(text: str) -> tuple[str, object]:
    """``key=value`` with the value read as a Python literal (``3``, ``0.5``, ``'cyclic'``, ``True``) or a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE; got {text!r}")
    if is_secret_key(key.strip()):  # a credential stays the string typed (a token of digits too), masked
        return key.strip(), Secret(raw, key.strip())
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    return key.strip(), value
