"""``quark fit``: fit a built-in data set or the user's file, print accuracy and the ledger, save the model."""

from __future__ import annotations

from pathlib import Path

from quark.cli.arguments import UserError, fraction, key_value, penalty, positive_int
from quark.cli.ledger import format_ledger
from quark.cli.paths import distinct_outputs, output_path, writing
from quark.datasets.named import NAMED

__all__ = ["register", "run"]

_DEFAULT_MODEL = {"edge-detection": "line-detector"}

_PLOT_FORMATS = (".png", ".pdf", ".svg", ".jpg", ".jpeg")


#: ``--scale`` and ``--binarize`` spelled as the classifier's ``scale`` and ``binarize``
_SCALES = {"auto": "auto", "standardize": True, "range": "range", "none": False}
_BINARIZE = {"auto": "auto", "yes": True, "no": False}


def register(sub) -> None:
    """Add ``fit`` to the sub-command parsers."""
    fit = sub.add_parser(
        "fit",
        help="fit a data set (built-in or a CSV/.npz file); print accuracy and the cost ledger; save the model",
        description="Fit QuarkClassifier on a built-in data set or your own file; print accuracy and every cost "
        "counted; optionally save the model and a figure.",
    )
    src = fit.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset", choices=NAMED, help="a built-in data set")
    src.add_argument("--data", metavar="FILE", help="your data: a CSV file with a header row, or an .npz file (X, y)")
    fit.add_argument("--target", metavar="COLUMN", help="--data: the label column (default: the last column)")
    fit.add_argument("--sep", metavar="CHAR", help="--data: the CSV separator (default: sniffed; ',', ';', tab, '|')")
    fit.add_argument("--categorical", choices=("auto",),
                     help="--data: one-hot encode string feature columns (default: refuse them, naming the column)")
    fit.add_argument("--impute", choices=("median",),
                     help="--data: fill missing feature values with the training median (most frequent category "
                     "for string columns); default: refuse them, naming the column and line")
    fit.add_argument("--model", help="model name (default: auto; line-detector for edge-detection)")
    fit.add_argument("--optimizer", default="grover", help="grover (default), quark, anneal, exhaustive, random, block, "
                     "none (the start alone: what the search adds)")
    fit.add_argument("--start", default="ridge",
                     help="where searches begin: ridge (default), hebbian, float (quantized-mlp: a rounded float "
                     "network) or random (checked by the classifier)")
    fit.add_argument("--scale", choices=tuple(_SCALES), default="auto",
                     help="feature scaling: auto (default: standardize real-valued input), standardize, range "
                     "(divide every feature by the training data's largest value: image pixels) or none")
    fit.add_argument("--binarize", choices=tuple(_BINARIZE), default="auto",
                     help="threshold every feature at its training mean: auto (default: for models of 0/1 input), "
                     "yes or no")
    fit.add_argument("--alpha", type=penalty, default="auto",
                     help="ridge penalty on the weights: auto (default) or a non-negative number")
    fit.add_argument("--backend", help="where the search runs (see 'quark backends'); default: the optimizer's")
    fit.add_argument("--loss", default="auto", help="auto (default), zero_one, squared or hinge")
    fit.add_argument("--shots", type=positive_int, help="measurements per circuit (reads for annealing)")
    fit.add_argument("--max-queries", type=positive_int, help="oracle-query budget of Grover search")
    fit.add_argument("--copies", type=positive_int, default=1, help="data copies for --optimizer quark (default 1)")
    fit.add_argument("--weight-bits", type=positive_int, help="bits per weight of k-bit models")
    fit.add_argument("--max-qubits", type=positive_int, default=24,
                     help="largest register searched whole; larger ones are searched block-wise (default 24)")
    fit.add_argument("--multi-class", default="auto", help="auto (one-vs-one), ovo, ovr or native")
    fit.add_argument("--class-weight", choices=("balanced",), help="weight classes inversely to their frequency")
    fit.add_argument("--n-jobs", type=int, help="fit the two-class problems in parallel (-1: all cores)")
    fit.add_argument("--option", action="append", type=key_value, default=[], metavar="KEY=VALUE",
                     help="an optimizer option, e.g. --option block_size=12 (repeatable)")
    fit.add_argument("--model-option", action="append", type=key_value, default=[], metavar="KEY=VALUE",
                     help="a model option, e.g. --model-option grouping=paper (repeatable)")
    fit.add_argument("--size", type=int, help="edge-detection, tiny-mnist, mnist: image side")
    fit.add_argument("--digits", type=int, nargs=2, metavar=("A", "B"), help="tiny-mnist: the two digits (default 6 7)")
    fit.add_argument("--lines", help="edge-detection: rows (default), columns, diagonals or any")
    fit.add_argument("--dedupe", action="store_true",
                     help="tiny-mnist: keep one of each binary pattern with its majority label (the paper's preprocessing)")
    fit.add_argument("--test-size", type=fraction,
                     help="held-out fraction (default 0.25; 0 trains on all); tiny-mnist and mnist use their own split")
    fit.add_argument("--seed", type=int, default=0, help="random seed of the split and the search (default 0)")
    fit.add_argument("--save", metavar="MODEL", help="save the fitted model here (joblib; reload with 'quark predict')")
    fit.add_argument("--plot", metavar="OUT.png", help="save a figure of the fit (distribution, convergence, weights)")
    fit.add_argument("--force", action="store_true", help="replace an existing --save or --plot file")
    fit.add_argument("--verbose", action="store_true", help="show a progress bar of the search (stderr)")
    fit.set_defaults(func=run)



def _outputs(args) -> tuple[Path | None, Path | None]:
    """Where the model and the figure go, checked before any fitting (see :mod:`quark.cli.paths`)."""
    plot = args.plot
    if plot is not None and plot.strip() and Path(plot).suffix.lower() not in _PLOT_FORMATS:
        plot = plot + ".png"  # say the real name, rather than let matplotlib append one
    inputs = (args.data,)
    save = output_path(args.save, "--save", inputs=inputs, force=args.force)
    plot = output_path(plot, "--plot", inputs=inputs, force=args.force)
    distinct_outputs(save=save, plot=plot)
    return save, plot


def _load(args):
    import numpy as np

    from quark.datasets.named import load_named
    from quark.io import read_table

    if args.data is not None:
        for flag in ("size", "digits", "lines"):
            if getattr(args, flag) is not None:
                raise UserError(f"--{flag} applies to a built-in --dataset, not to --data {args.data}")
        if args.dedupe:
            raise UserError("--dedupe applies to --dataset tiny-mnist, not to --data")
        table = read_table(args.data, args.target, sep=args.sep, categorical=args.categorical, impute=args.impute)
        labels = np.unique(table.y.astype(str))
        shown = ", ".join(labels[:6].tolist()) + (", ..." if len(labels) > 6 else "")
        cats = table.extra.get("categorical", [])
        train, test, desc = table, None, (f"{args.data}: {len(table.X)} rows, {table.X.shape[1]} features"
                                          + (f" ({len(cats)} one-hot encoded: {', '.join(cats[:5])})" if cats else "")
                                          + f", {len(labels)} classes of {table.target!r} ({shown})")
    else:
        for flag in ("target", "sep", "categorical", "impute"):
            if getattr(args, flag) is not None:
                raise UserError(f"--{flag} applies to --data FILE; built-in data sets come prepared")
        train, test, desc = load_named(args.dataset, size=args.size, digits=tuple(args.digits) if args.digits else None,
                                       lines=args.lines, dedupe=args.dedupe)
    if test is not None:
        if args.test_size is not None:
            raise UserError(f"--test-size does not apply to {args.dataset}: it has its own train/test split")
        return train, test, desc
    test_size = 0.25 if args.test_size is None else args.test_size
    if test_size == 0:
        return train, None, desc + ", trained and scored on all of them"
    from sklearn.model_selection import train_test_split

    from quark.datasets.table import Table

    stratify = train.y if len(set(train.y.tolist())) > 1 else None
    Xtr, Xte, ytr, yte = train_test_split(train.X, train.y, test_size=test_size, random_state=args.seed, stratify=stratify)
    make = lambda X, y: Table(X, y, train.feature_names, train.target, train.source, train.extra)  # noqa: E731
    return make(Xtr, ytr), make(Xte, yte), desc + f", split {len(Xtr)} train / {len(Xte)} test (seed {args.seed})"


def run(args) -> int:
    save, plot = _outputs(args)
    train, test, desc = _load(args)
    from quark import QuarkClassifier

    model = args.model or _DEFAULT_MODEL.get(args.dataset or "", "auto")
    clf = QuarkClassifier(
        model=model,
        weight_bits=args.weight_bits,
        loss=args.loss,
        optimizer=args.optimizer,
        backend=args.backend,
        shots=args.shots,
        max_queries=args.max_queries,
        copies=args.copies,
        max_qubits=args.max_qubits,
        multi_class=args.multi_class,
        class_weight=args.class_weight,
        start=args.start,
        scale=_SCALES[args.scale],
        binarize=_BINARIZE[args.binarize],
        alpha=args.alpha,
        n_jobs=args.n_jobs,
        model_options=dict(args.model_option) or None,
        optimizer_options=dict(args.option) or None,
        random_state=args.seed,
        verbose=args.verbose,
    )
    categorical = train.extra.get("categorical", [])
    est, names = clf, train.feature_names
    if train.X.dtype == object:  # string columns or gaps, as asked: prepared in front of the classifier
        from quark.cli.columns import column_pipeline

        est = column_pipeline(train.feature_names, categorical, args.impute, clf)
    print(desc)
    est.fit(train.X, train.y)
    Xp = train.X
    if est is not clf:
        from quark.cli.columns import prepared_names

        names, Xp = prepared_names(est, train.feature_names), est[:-1].transform(train.X)
    res = clf.result_
    problems = len(clf.results_)
    print(f"model {clf.model_.name!r}, {clf.encoding_.n_qubits} weight qubits"
          + (f" x {problems} two-class problems ({clf.multi_class_})" if problems > 1 else "")
          + f", optimizer {clf._optimizer_name()!r}")
    if problems == 1:
        wnames = clf.model_.weight_names(clf.n_features_in_)
        shown = ", ".join(f"{n}={w:g}" for n, w in zip(wnames, clf.weights_.tolist()))
        print("weights  " + (shown if len(wnames) <= 20 else shown[:200] + ", ..."))
    print(f"train accuracy  {est.score(train.X, train.y):.4f}   (training loss {res.loss:.4g})")
    if test is not None:
        print(f"test accuracy   {est.score(test.X, test.y):.4f}")
    print("ledger")
    print(format_ledger(res.ledger))
    if save is not None:
        from quark.io import save_model

        with writing("--save", save):
            save_model(est, save, feature_names=train.feature_names, target=train.target, source=desc,
                       categorical=categorical, impute=args.impute)
        print(f"model saved to {save}")
    if plot is not None:
        from quark._atomic import atomic_path
        from quark.plot import plot_summary

        fig = plot_summary(clf, Xp, train.y, title=desc, feature_names=names)
        with writing("--plot", plot), atomic_path(plot) as tmp:
            fig.savefig(tmp, dpi=120, format=plot.suffix[1:].lower())
        print(f"figure saved to {plot}")
    return 0
