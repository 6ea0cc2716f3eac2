"""A CSV file as its cells: the separator sniffed, a byte-order mark dropped, every value read strictly.

:func:`read_cells` gives the header and the rows (with their line numbers) of a delimited text file;
:func:`parse_numbers` reads one column as numbers with the rules a user expects of a table: decimal
or scientific notation only (Python's ``float`` also takes ``1_000`` and ``infinity``; a table does
not), blanks and ``NaN``/``NA`` as missing, values beyond the float range named as overflow.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Cells", "read_cells", "parse_numbers", "SEPARATORS", "MISSING", "is_number"]

#: The separators a file is sniffed for, in order of preference when several would do.
SEPARATORS = (",", ";", "\t", "|")
#: Cell texts read as a missing value (case-insensitive), besides the empty cell.
MISSING = frozenset({"", "nan", "na", "n/a", "null"})
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# the characters of plain numbers: a column of only these is parsed by NumPy at once (NumPy, like
# float(), would take "1_000" and "inf", which hold other characters and so take the strict path)
_PLAIN = re.compile(r"[0-9.eE+\-]*")
_INFINITE = re.compile(r"[+-]?inf(?:inity)?", re.IGNORECASE)
_SAMPLE_LINES = 200


@dataclass
class Cells:
    """The header, the rows (stripped cells) and each row's line in the file, as read with ``sep``."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    sep: str


def is_number(text: str) -> bool:
    """Whether ``text`` is a number in decimal or scientific notation (``1``, ``-2.5``, ``3e-4``)."""
    return _NUMBER.fullmatch(text) is not None


def _control_character(text: str) -> str | None:
    for ch in text:
        if ch != "\t" and unicodedata.category(ch) == "Cc":
            return ch
    return None


def _sniff(sample: str) -> str:
    """The separator of ``sample``: csv.Sniffer's guess among :data:`SEPARATORS` when it splits every
    sampled line into the same number (more than one) of cells, else the first separator that does,
    else a comma (a one-column file, or a ragged one whose error names the separator)."""
    lines = [ln for ln in io.StringIO(sample, newline="") if ln.strip()][:_SAMPLE_LINES]
    if len(lines) > 2 and not lines[-1].endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end mid-line

    def consistent(sep: str) -> bool:
        widths = {len(r) for r in csv.reader(lines, delimiter=sep, skipinitialspace=True)}
        return len(widths) == 1 and widths.pop() > 1

    try:
        guess = csv.Sniffer().sniff("".join(lines), delimiters="".join(SEPARATORS)).delimiter
    except csv.Error:
        guess = None
    for sep in ([guess] if guess else []) + list(SEPARATORS):
        if consistent(sep):
            return sep
    return ","


def read_cells(path: Path, sep: str | None = None) -> Cells:
    """Read ``path`` (UTF-8, a byte-order mark allowed) into its cells; blank lines are skipped.

    Raises ``ValueError`` naming the line and column of a control character (a NUL byte, an escape),
    a file that is no UTF-8 text, and malformed quoting.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a UTF-8 text file (byte {exc.start}: {exc.reason}); save it as UTF-8 CSV") from None
    if sep is None:
        sep = _sniff(text[: 1 << 16])
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True, strict=True)
    try:
        for row in reader:
            if row and any(c.strip() for c in row):
                rows.append([c.strip() for c in row])
                lines.append(reader.line_num)
    except csv.Error as exc:
        raise ValueError(f"{path} is not a well-formed CSV file (line {reader.line_num}: {exc})") from None
    if not rows:
        raise ValueError(f"{path} is empty (a CSV file needs a header row and at least one row of values)")
    header = rows[0]
    for i, name in enumerate(header):
        bad = _control_character(name)
        if bad is not None:
            raise ValueError(f"{path}: the name of column {i + 1} holds the control character {bad!r} (line {lines[0]})")
        if not name:
            raise ValueError(f"{path}: column {i + 1} of the header (line {lines[0]}) has no name; every column needs one")
    for row, line in zip(rows[1:], lines[1:]):
        for name, cell in zip(header, row):
            bad = _control_character(cell)
            if bad is not None:
                raise ValueError(f"{path}: column {name!r} holds the control character {bad!r} in line {line}; "
                                 "remove it (a NUL byte or an escape is no part of a value)")
    return Cells(header, rows[1:], lines[1:], sep)


def parse_numbers(cells: list[str], lines: list[int], name: str, path: str) -> np.ndarray:
    """The column ``name`` as float64, missing cells as NaN.

    Raises ``ValueError`` naming the line for a value that is infinite or overflows the float range,
    and for text that is no number.
    """
    if all(cells) and _PLAIN.fullmatch("".join(cells)):  # only digits, signs, points, exponents: parse in C
        try:
            out = np.array(cells, dtype=np.float64)
        except ValueError:  # "1.2.3", "e5": the cell-by-cell loop below names it
            pass
        else:
            if np.isfinite(out).all():
                return out
    out = np.empty(len(cells), dtype=np.float64)
    for i, text in enumerate(cells):
        if text.lower() in MISSING:
            out[i] = np.nan
        elif _NUMBER.fullmatch(text):
            value = float(text)
            if not np.isfinite(value):
                raise ValueError(f"column {name!r} of {path} holds {text!r} in line {lines[i]}: it overflows the "
                                 "float range (about ±1.8e308); rescale the column")
            out[i] = value
        elif _INFINITE.fullmatch(text):
            raise ValueError(f"column {name!r} of {path} holds {text!r} in line {lines[i]}: an infinite value "
                             "(replace or drop such rows first)")
        else:
            raise ValueError(f"column {name!r} of {path} holds a non-numeric value {text!r} in line {lines[i]}")
    return out
