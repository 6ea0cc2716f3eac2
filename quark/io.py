"""The user's files: CSV and ``.npz`` tables in, fitted classifiers saved and loaded.

- :func:`read_table` reads a CSV file (a header row; numeric feature columns; the target column may
  hold strings) or an ``.npz`` archive (arrays ``X``/``y`` or ``data``/``target``).
- :func:`save_model` / :func:`load_model` store a fitted :class:`~quark.QuarkClassifier` with what
  it was fitted on (feature names, target column, Quark's version) through joblib. Loading a model
  runs Python's unpickler: load only files you trust.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

import numpy as np

from quark._validation import check_array, check_bool, check_names, check_path
from quark.datasets.table import Table

__all__ = ["read_table", "save_model", "load_model", "MODEL_FORMAT"]

#: Version of the saved-model layout.
MODEL_FORMAT = 1


def _numeric_column(values: list[str], name: str, path: str) -> np.ndarray:
    try:
        col = np.array([float(v) for v in values], dtype=np.float64)
    except ValueError:
        bad = next(v for v in values if not _is_number(v))
        raise ValueError(
            f"column {name!r} of {path} holds a non-numeric value {bad!r}: feature columns must be numbers "
            "(encode categories first, or drop the column)"
        ) from None
    if not np.isfinite(col).all():
        row = int(np.flatnonzero(~np.isfinite(col))[0])
        raise ValueError(
            f"column {name!r} of {path} holds {values[row]!r} in data row {row + 1}: a missing or infinite value "
            "(fill or drop such rows first)"
        )
    return col


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_table(path: str | Path, target: str | None = None, *, require_target: bool = True,
               feature_names: list[str] | None = None) -> Table:
    """Read a CSV or ``.npz`` file.

    Parameters
    ----------
    path : str or Path
    target : str, optional
        The label column of a CSV file (default: its last column). For ``.npz``, the array name (default
        ``y``, else ``target``).
    require_target : bool
        Whether a missing target is an error (``False`` for prediction files, which may lack it).
    feature_names : list of str, optional
        Read these CSV columns as the features, in this order (what a saved model was fitted on).

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(f, "w").write("a,b,label\\n1,2,yes\\n3,4,no\\n")
    >>> t = read_table(f, "label")
    >>> t.X.tolist(), t.y.tolist(), t.feature_names
    ([[1.0, 2.0], [3.0, 4.0]], ['yes', 'no'], ['a', 'b'])
    """
    p = check_path(path)
    if target is not None and not isinstance(target, str):
        raise TypeError(f"'target' must be a column name (str) or None; got {target!r}")
    check_bool(require_target, "require_target")
    feature_names = check_names(feature_names, "feature_names")
    if p.is_dir():
        raise IsADirectoryError(f"'path' must be a data file; {str(p)!r} is a folder")
    if not p.is_file():
        raise FileNotFoundError(f"no data file {str(p)!r}")
    if p.suffix.lower() == ".npz":
        return _read_npz(p, target, require_target, feature_names)
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.reader(fh) if r and any(c.strip() for c in r)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{p} is not a CSV text file (UTF-8, comma-separated): {exc}") from None
    if len(rows) < 2:
        raise ValueError(f"{p} has no data rows (a CSV file needs a header row and at least one row of values)")
    header, body = [h.strip() for h in rows[0]], rows[1:]
    widths = {len(r) for r in body}
    if widths != {len(header)}:
        raise ValueError(f"{p}: every row must have {len(header)} values like the header; found rows of {sorted(widths)}")
    if len(set(header)) != len(header):
        raise ValueError(f"{p}: column names must be unique; got {header}")
    columns = {h: [r[i].strip() for r in body] for i, h in enumerate(header)}
    if target is None and require_target and feature_names is None:
        target = header[-1]
    if target is not None and target not in columns:
        if require_target:
            raise ValueError(f"{p} has no column {target!r}; its columns: {header}")
        target = None
    names = feature_names if feature_names is not None else [h for h in header if h != target]
    missing = [n for n in names if n not in columns]
    if missing:
        raise ValueError(f"{p} lacks the feature columns {missing[:5]} the model was fitted on")
    X = np.stack([_numeric_column(columns[n], n, str(p)) for n in names], axis=1)
    y = None
    if target is not None:
        raw = columns[target]
        y = _numeric_column(raw, target, str(p)) if all(_is_number(v) for v in raw) else np.array(raw, dtype=object)
        if y.dtype != object and np.all(y == np.round(y)):
            y = y.astype(np.int64)
    return Table(X, y, list(names), target, str(p))


def _read_npz(p: Path, target, require_target, feature_names) -> Table:
    import zipfile

    if not zipfile.is_zipfile(p):
        raise ValueError(f"{p} is not an .npz archive (a zip file of named arrays, as numpy.savez writes)")
    try:
        archive = np.load(p, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"{p} is not a NumPy .npz archive ({type(exc).__name__}: {exc})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"{p} holds a single array, not an .npz archive of named arrays (X and y)")
    with archive as f:
        keys = set(f.files)
        xkey = "X" if "X" in keys else "data" if "data" in keys else None
        if xkey is None:
            raise ValueError(f"{p} must hold the features as an array named 'X' (or 'data'); it holds {sorted(keys)}")
        ykey = target or ("y" if "y" in keys else "target" if "target" in keys else None)
        if ykey is not None and ykey not in keys:
            raise ValueError(f"{p} has no array {ykey!r}; it holds {sorted(keys)}")
        try:
            X = check_array(f[xkey], f"{p.name}:{xkey}", allow_nonfinite=False)
            y = None if ykey is None else np.asarray(f[ykey])
        except ValueError as exc:  # an object array in the archive: refused without pickle
            if "allow_pickle" not in str(exc):
                raise
            raise ValueError(f"{p} holds Python objects (a pickled array), which Quark does not load; save plain "
                             "numeric arrays (and string labels as a NumPy string array)") from None
    if y is None and require_target:
        raise ValueError(f"{p} must hold the labels as an array named 'y' (or 'target')")
    if X.ndim != 2:
        raise ValueError(f"the features of {p} must be a 2-D array; got shape {X.shape}")
    names = feature_names or [f"x{j}" for j in range(X.shape[1])]
    if len(names) != X.shape[1]:
        raise ValueError(f"{p} has {X.shape[1]} feature columns; the model was fitted on {len(names)}")
    return Table(X, y, list(names), ykey, str(p))


def save_model(clf, path: str | Path, *, feature_names: list[str], target: str | None, source: str) -> Path:
    """Save a fitted classifier with what it was fitted on (joblib)."""
    import joblib

    from quark._version import __version__

    p = Path(path)
    if p.parent and not p.parent.exists():
        raise FileNotFoundError(f"cannot save the model: folder {str(p.parent)!r} does not exist")
    joblib.dump({"format": MODEL_FORMAT, "quark_version": __version__, "estimator": clf,
                 "feature_names": list(feature_names), "target": target, "source": source,
                 "saved": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}, p)
    return p


def load_model(path: str | Path) -> dict[str, Any]:
    """A saved model's record (``estimator``, ``feature_names``, ``target``, ``source``, ``quark_version``)."""
    import joblib

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no model file {str(p)!r}")
    try:
        record = joblib.load(p)
    except Exception as exc:  # noqa: BLE001 - whatever the unpickler says, the file is not a model
        raise ValueError(f"{p} is not a saved Quark model ({type(exc).__name__}: {exc})") from None
    if not isinstance(record, dict) or record.get("format") != MODEL_FORMAT or "estimator" not in record:
        raise ValueError(f"{p} is not a saved Quark model (save one with: quark fit ... --save {p.name})")
    return record
