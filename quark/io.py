"""The user's files: CSV and ``.npz`` tables in, fitted classifiers saved and loaded.

- :func:`read_table` reads a CSV file as a user's table comes (its separator sniffed, a byte-order
  mark dropped, numbers read strictly; empty labels, control characters, strings and gaps refused
  naming the column and line unless asked for) or an ``.npz`` archive (arrays ``X``/``y`` or
  ``data``/``target``).
- :func:`save_model` / :func:`load_model` store a fitted :class:`~quark.QuarkClassifier` (or a
  Pipeline ending in one) with what it was fitted on (feature names, target column, how its columns
  were read, Quark's version) through joblib. A model is written beside its target and renamed into
  place, so an existing file survives a failed save. Loading a model runs Python's unpickler: load
  only files you trust.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import numpy as np

from quark._atomic import atomic_path
from quark._csv import MISSING, is_number, parse_numbers, read_cells
from quark._validation import check_array, check_bool, check_names, check_path
from quark.datasets.table import Table

__all__ = ["read_table", "save_model", "load_model", "MODEL_FORMAT"]

#: Version of the saved-model layout.
MODEL_FORMAT = 1


def _separator(sep: str | None) -> str | None:
    if sep is None:
        return None
    if not isinstance(sep, str):
        raise TypeError(f"'sep' must be a one-character string or None (sniff it); got {sep!r}")
    sep = {"\\t": "\t", "tab": "\t"}.get(sep, sep)
    if len(sep) != 1 or sep in "\"\r\n" or sep.isalnum():
        raise ValueError(f"'sep' must be one character that is no letter, digit, quote or line break "
                         f"(',', ';', '\\t', '|'); got {sep!r}")
    return sep


def _categorical(value) -> str | list[str] | None:
    if value is None or value == "auto":
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(f"'categorical' must be None (refuse string columns), 'auto' (one-hot encode them later) or a "
                     f"list of column names; got {value!r}")


def _feature_column(cells: list[str], lines: list[int], name: str, path: str, categorical, impute):
    """One feature column: float64 numbers, or (categorical) an object array of its strings; missing
    cells as NaN, refused unless ``impute`` is set."""
    if categorical == "auto":
        text = [c for c in cells if c.lower() not in MISSING and not is_number(c)]
        is_cat = bool(text) and not all(_looks_infinite(t) for t in text)
    else:
        is_cat = isinstance(categorical, list) and name in categorical
    if is_cat:
        col = np.array([np.nan if c == "" else c for c in cells], dtype=object)
        missing = np.array([c == "" for c in cells])
    else:
        try:
            col = parse_numbers(cells, lines, name, path)
        except ValueError as exc:
            if "non-numeric" not in str(exc):
                raise
            raise ValueError(f"{exc}: feature columns must be numbers; one-hot encode string columns with "
                             "categorical='auto' (quark fit --categorical auto), or drop the column") from None
        missing = np.isnan(col)
    if missing.any() and impute is None:
        i = int(np.flatnonzero(missing)[0])
        raise ValueError(f"column {name!r} of {path} has a missing value ({cells[i]!r}) in line {lines[i]}: fill the "
                         "gaps with impute='median' (quark fit --impute median), or drop such rows first")
    if missing.all():
        raise ValueError(f"column {name!r} of {path} holds no value at all; drop it")
    return col, bool(is_cat)


def _looks_infinite(text: str) -> bool:
    return text.lower().lstrip("+-") in ("inf", "infinity")


def _labels(cells: list[str], lines: list[int], name: str, path: str) -> np.ndarray:
    for i, text in enumerate(cells):
        if text == "":
            raise ValueError(f"{path}: the label column {name!r} is empty in line {lines[i]}; fill it or drop the row")
    values = [c for c in cells if c.lower() not in MISSING]
    if values and all(is_number(c) for c in values):
        y = parse_numbers(cells, lines, name, path)
        if np.isnan(y).any():
            i = int(np.flatnonzero(np.isnan(y))[0])
            raise ValueError(f"{path}: the label column {name!r} holds the missing value {cells[i]!r} in line "
                             f"{lines[i]}; fill it or drop the row")
        if np.all(y == np.round(y)) and np.abs(y).max() < 2**53:
            return y.astype(np.int64)
        return y
    return np.array(cells, dtype=object)


def read_table(path: str | Path, target: str | None = None, *, require_target: bool = True,
               feature_names: list[str] | None = None, sep: str | None = None,
               categorical: str | list[str] | None = None, impute: str | None = None) -> Table:
    """Read a CSV or ``.npz`` file.

    A CSV file is read as a user's table comes: UTF-8 with or without a byte-order mark, its
    separator sniffed (``,``, ``;``, tab or ``|``) unless ``sep`` names it, numbers in decimal or
    scientific notation only. An empty label, a control character (a NUL byte), a string in a
    feature column or a missing value is refused naming the column and the line, unless asked for:
    ``categorical="auto"`` keeps string feature columns as strings (one-hot encode them, e.g. in a
    scikit-learn ``ColumnTransformer``, see docs/your_data.md), ``impute="median"`` keeps missing
    values as NaN (blank, ``NaN``, ``NA``, ``N/A``, ``null``) for an imputer to fill. Either makes
    ``X`` an object array; ``extra["categorical"]`` lists the string columns.

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
    sep : str, optional
        The CSV separator (``"\\t"`` or ``"tab"`` for a tab); default: sniffed from the file.
    categorical : None, "auto" or list of str
        ``None``: string feature columns are refused; ``"auto"``: kept as strings; a list: these
        columns are kept as strings, whatever they hold (a saved model's categorical columns).
    impute : None or "median"
        ``None``: missing feature values are refused; ``"median"``: kept as NaN (the imputation
        itself belongs to the model, learned on the training rows).

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(f, "w").write("a,b,label\\n1,2,yes\\n3,4,no\\n")
    >>> t = read_table(f, "label")
    >>> t.X.tolist(), t.y.tolist(), t.feature_names
    ([[1.0, 2.0], [3.0, 4.0]], ['yes', 'no'], ['a', 'b'])
    >>> _ = open(f, "w", encoding="utf-8-sig").write("a;b;label\\n1;2;yes\\n3;4;no\\n")
    >>> read_table(f).feature_names   # the byte-order mark dropped, the separator sniffed
    ['a', 'b']
    """
    p = check_path(path)
    if target is not None and not isinstance(target, str):
        raise TypeError(f"'target' must be a column name (str) or None; got {target!r}")
    check_bool(require_target, "require_target")
    feature_names = check_names(feature_names, "feature_names")
    sep = _separator(sep)
    categorical = _categorical(categorical)
    if impute not in (None, "median"):
        raise ValueError(f"'impute' must be None (refuse missing values) or 'median'; got {impute!r}")
    if p.is_dir():
        raise IsADirectoryError(f"'path' must be a data file; {str(p)!r} is a folder")
    if not p.is_file():
        raise FileNotFoundError(f"no data file {str(p)!r}")
    if p.suffix.lower() == ".npz":
        given = [n for n, v in (("sep", sep), ("categorical", categorical), ("impute", impute)) if v is not None]
        if given:
            raise ValueError(f"{given[0]!r} applies to CSV files; {p.name} is an .npz archive of numeric arrays")
        return _read_npz(p, target, require_target, feature_names)
    cells = read_cells(p, sep)
    header, body = cells.header, cells.rows
    if not body:
        raise ValueError(f"{p} has no data rows (a CSV file needs a header row and at least one row of values)")
    for row, line in zip(body, cells.lines):
        if len(row) != len(header):
            raise ValueError(f"{p}: every row must have {len(header)} values like the header (separator "
                             f"{cells.sep!r}); line {line} has {len(row)} (pass the separator with sep=/--sep if it "
                             "was sniffed wrong)")
    if len(set(header)) != len(header):
        raise ValueError(f"{p}: column names must be unique; got {header}")
    columns = {h: [r[i] for r in body] for i, h in enumerate(header)}
    if target is None and require_target and feature_names is None:
        target = header[-1]
    if target is not None and target not in columns:
        if require_target:
            hint = f" (read with separator {cells.sep!r}; pass sep= / --sep)" if len(header) == 1 else ""
            raise ValueError(f"{p} has no column {target!r}; its columns: {header}{hint}")
        target = None
    names = feature_names if feature_names is not None else [h for h in header if h != target]
    missing = [n for n in names if n not in columns]
    if missing:
        raise ValueError(f"{p} lacks the feature columns {missing[:5]} the model was fitted on")
    if not names:
        raise ValueError(f"{p} has no feature column besides the label column {target!r} (read with separator "
                         f"{cells.sep!r}; pass sep= / --sep if that is not the file's)")
    parsed = [_feature_column(columns[n], cells.lines, n, str(p), categorical, impute) for n in names]
    kinds = [c for (_, c) in parsed]
    gaps = any(not c and np.isnan(col).any() for col, c in parsed)
    dtype = object if any(kinds) or gaps else np.float64
    X = np.empty((len(body), len(names)), dtype=dtype)
    for j, (col, _) in enumerate(parsed):
        X[:, j] = col
    extra = {"categorical": [n for n, c in zip(names, kinds) if c], "separator": cells.sep}
    y = None
    if target is not None:
        if not require_target and not any(columns[target]):  # a label column left blank, to be predicted
            extra["empty_target"] = True
        else:
            y = _labels(columns[target], cells.lines, target, str(p))
    return Table(X, y, list(names), target, str(p), extra=extra)


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
    if y is not None and (y.ndim != 1 or len(y) != len(X)):
        raise ValueError(f"the labels {ykey!r} of {p} must be a 1-D array of one label per row of {xkey!r} "
                         f"({len(X)}); got shape {y.shape}")
    names = feature_names or [f"x{j}" for j in range(X.shape[1])]
    if len(names) != X.shape[1]:
        raise ValueError(f"{p} has {X.shape[1]} feature columns; the model was fitted on {len(names)}")
    return Table(X, y, list(names), ykey, str(p))


def _fitted_classifier(estimator):
    """The fitted ``QuarkClassifier`` inside ``estimator`` (itself, or a Pipeline's last step), else ``None``."""
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    from quark.estimators.classifier import QuarkClassifier

    clf = estimator.steps[-1][1] if isinstance(estimator, Pipeline) and estimator.steps else estimator
    if not isinstance(clf, QuarkClassifier):
        return None
    try:
        check_is_fitted(estimator)
        check_is_fitted(clf, ["classes_", "fits_", "result_", "n_features_in_"])
    except NotFittedError:
        return None
    return clf


def save_model(clf, path: str | Path, *, feature_names: list[str], target: str | None, source: str,
               categorical: list[str] | None = None, impute: str | None = None) -> Path:
    """Save a fitted classifier with what it was fitted on (joblib).

    ``clf`` is a fitted :class:`~quark.QuarkClassifier` or a scikit-learn ``Pipeline`` ending in one
    (the column preparation of ``--categorical``/``--impute``); ``categorical`` and ``impute`` say how
    :func:`read_table` must read the files it predicts. The file is written beside its target and
    renamed into place: an existing file survives any failure (a full disk, an interrupt).
    """
    import joblib

    from quark._version import __version__

    p = Path(path)
    if p.parent and not p.parent.exists():
        raise FileNotFoundError(f"cannot save the model: folder {str(p.parent)!r} does not exist")
    if _fitted_classifier(clf) is None:
        raise ValueError(f"'clf' must be a fitted QuarkClassifier (or a Pipeline ending in one); got "
                         f"{type(clf).__name__}{' (not fitted)' if type(clf).__name__ in ('QuarkClassifier', 'Pipeline') else ''}")
    record = {"format": MODEL_FORMAT, "quark_version": __version__, "estimator": clf,
              "feature_names": list(feature_names), "target": target, "source": source,
              "categorical": list(categorical or []), "impute": impute,
              "saved": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    with atomic_path(p) as tmp:
        joblib.dump(record, tmp)
    return p


def load_model(path: str | Path) -> dict[str, Any]:
    """A saved model's record (``estimator``, ``classifier``, ``feature_names``, ``target``, ``source``,
    ``categorical``, ``impute``, ``quark_version``).

    ``estimator`` is what was saved (a classifier or a Pipeline ending in one), ``classifier`` the
    fitted ``QuarkClassifier`` itself. A file that is truncated, foreign or holds no fitted Quark
    classifier raises one ``ValueError`` saying so. Loading runs Python's unpickler: load only files
    you trust.
    """
    import joblib

    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(f"{str(p)!r} is a folder, not a model file")
    if not p.is_file():
        raise FileNotFoundError(f"no model file {str(p)!r}")
    try:
        record = joblib.load(p)
    except Exception as exc:  # noqa: BLE001 - whatever the unpickler says, the file is not a model
        reason = " ".join(str(exc).split())[:200]
        raise ValueError(f"{p} is not a saved Quark model, or is damaged ({type(exc).__name__}: {reason})") from None
    if not isinstance(record, dict) or record.get("format") != MODEL_FORMAT or "estimator" not in record:
        raise ValueError(f"{p} is not a saved Quark model (save one with: quark fit ... --save {p.name})")
    clf = _fitted_classifier(record["estimator"])
    names = record.get("feature_names")
    if clf is None:
        raise ValueError(f"{p} holds no fitted QuarkClassifier (it holds {type(record['estimator']).__name__}); "
                         f"save a fitted one with: quark fit ... --save {p.name}")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{p} is not a saved Quark model: its feature names are missing or not strings")
    return {"categorical": [], "impute": None, **record, "classifier": clf}
