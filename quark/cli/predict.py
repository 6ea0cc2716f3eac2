"""``quark predict``: labels or probabilities of a file from a saved model."""

from __future__ import annotations

import sys
from pathlib import Path

from quark._atomic import atomic_path
from quark.cli.arguments import UserError
from quark.cli.paths import output_path, writing

__all__ = ["register", "run"]


def register(sub) -> None:
    """Add ``predict`` to the sub-command parsers."""
    pred = sub.add_parser(
        "predict",
        help="predict with a saved model",
        description="Predict the labels (or class probabilities) of a CSV/.npz file with a model saved by 'quark fit "
        "--save'. The file needs the feature columns the model was fitted on. Load only models you trust.",
    )
    pred.add_argument("--model", required=True, metavar="MODEL", help="a model saved by 'quark fit --save'")
    pred.add_argument("--data", required=True, metavar="FILE", help="CSV (header row) or .npz with the features")
    pred.add_argument("--out", metavar="FILE", help="write the predictions here as CSV (default: standard output)")
    pred.add_argument("--proba", action="store_true", help="write class probabilities instead of labels")
    pred.add_argument("--sep", metavar="CHAR", help="the CSV separator of --data (default: sniffed)")
    pred.add_argument("--force", action="store_true", help="replace an existing --out file")
    pred.set_defaults(func=run)



def _labels_to_compare(table, n: int, target: str):
    """The file's labels when they can be compared with ``n`` predictions; ``None`` when it has none."""
    import numpy as np

    if table.y is None:
        return None
    y = np.asarray(table.y)
    if y.ndim != 1 or len(y) != n:
        raise UserError(f"the file's {target!r} labels have shape {y.shape}, its features {n} rows: they cannot be "
                        "compared; fix the file, or drop the labels to predict without an accuracy")
    return y


def run(args) -> int:
    import csv
    import io
    import warnings

    from quark.io import load_model, read_table

    out_path = output_path(args.out, "--out", inputs=(args.data, args.model), force=args.force)
    record = load_model(args.model)
    est, clf = record["estimator"], record["classifier"]
    if Path(args.data).suffix.lower() == ".npz":
        table = read_table(args.data, None, require_target=False, sep=args.sep)
    else:
        table = read_table(args.data, record.get("target"), require_target=False, feature_names=record["feature_names"],
                           sep=args.sep, categorical=record["categorical"] or None, impute=record["impute"])
    if table.X.shape[1] != est.n_features_in_:
        raise UserError(f"{args.data} has {table.X.shape[1]} feature columns; the model was fitted on {est.n_features_in_}")
    target = record.get("target") or "prediction"
    y = _labels_to_compare(table, len(table.X), target)
    if est is not clf:
        from quark.cli.columns import unknown_categories

        for j, values in unknown_categories(est, table.X).items():
            shown = ", ".join(map(repr, values[:5])) + (", ..." if len(values) > 5 else "")
            print(f"note: column {record['feature_names'][j]!r} holds categories the training rows never had "
                  f"({shown}): encoded as none of the known ones", file=sys.stderr)
    with warnings.catch_warnings():  # said above, in one line per column
        warnings.filterwarnings("ignore", message="Found unknown categories")
        labels = est.predict(table.X)
        proba = est.predict_proba(table.X) if args.proba else None
    if args.proba:
        header = [f"P({c})" for c in clf.classes_.tolist()]
        rows = [[f"{p:.6g}" for p in row] for row in proba]
    else:
        header = [target]
        rows = [[str(v)] for v in labels.tolist()]
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    if out_path is None:
        sys.stdout.write(text.getvalue())
    else:
        with writing("--out", out_path), atomic_path(out_path) as tmp:
            tmp.write_text(text.getvalue(), encoding="utf-8", newline="")
        print(f"{len(rows)} predictions written to {out_path}", file=sys.stderr)
    if table.extra.get("empty_target"):
        print(f"the file's {target!r} column is empty: no accuracy", file=sys.stderr)
    if y is not None and not args.proba:
        acc = float((labels.astype(str) == y.astype(str)).mean())
        print(f"accuracy against the file's {target!r} column: {acc:.4f}", file=sys.stderr)
    return 0
