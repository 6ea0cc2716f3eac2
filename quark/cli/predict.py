"""``quark predict``: labels or probabilities of a file from a saved model."""

from __future__ import annotations

import sys
from pathlib import Path

from quark.cli.arguments import UserError

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
    pred.set_defaults(func=run)



def run(args) -> int:
    import csv

    from quark.io import load_model, read_table

    record = load_model(args.model)
    clf = record["estimator"]
    table = read_table(args.data, record.get("target"), require_target=False, feature_names=record["feature_names"]) \
        if Path(args.data).suffix.lower() != ".npz" else read_table(args.data, None, require_target=False)
    if table.X.shape[1] != clf.n_features_in_:
        raise UserError(f"{args.data} has {table.X.shape[1]} feature columns; the model was fitted on {clf.n_features_in_}")
    target = record.get("target") or "prediction"
    if args.proba:
        header = [f"P({c})" for c in clf.classes_.tolist()]
        rows = [[f"{p:.6g}" for p in row] for row in clf.predict_proba(table.X)]
    else:
        header = [target]
        rows = [[str(v)] for v in clf.predict(table.X).tolist()]
    out = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout
    try:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    finally:
        if args.out:
            out.close()
    if args.out:
        print(f"{len(rows)} predictions written to {args.out}", file=sys.stderr)
    if table.y is not None and not args.proba:
        acc = float((clf.predict(table.X).astype(str) == table.y.astype(str)).mean())
        print(f"accuracy against the file's {target!r} column: {acc:.4f}", file=sys.stderr)
    return 0
