"""The ``quark`` command line (also ``python -m quark``).

Sub-commands::

    quark fit (--dataset NAME | --data FILE [--target COLUMN]) [options] [--save MODEL] [--plot OUT.png]
    quark predict --model MODEL --data FILE [--out FILE] [--proba]
    quark info MODEL
    quark backends                       which backends are usable here, and why not
    quark bench [NAME] [-- ARGS...]      list or run the scripts in benchmarks/

User mistakes print one line on stderr (``quark COMMAND: error: ...``) and exit with status 1 (2 for
a malformed command line); set ``QUARK_DEBUG=1`` to see the traceback instead. Nothing heavy is
imported before a command runs, so ``quark --help`` answers at once.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence

__all__ = ["main", "build_parser", "find_benchmarks", "format_ledger"]

DATASETS = ("edge-detection", "tiny-mnist", "mnist", "digits", "breast-cancer", "iris")
_DEFAULT_MODEL = {"edge-detection": "line-detector"}
_PLOT_FORMATS = (".png", ".pdf", ".svg", ".jpg", ".jpeg")


class UserError(Exception):
    """A mistake in the command: reported as one line, no traceback."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a malformed command is one line on stderr (exit 2), not usage + error."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1); got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1); got {text!r}")
    return value


def _key_value(text: str) -> tuple[str, object]:
    """``key=value`` with the value read as a Python literal (``3``, ``0.5``, ``'cyclic'``, ``True``) or a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE; got {text!r}")
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    return key.strip(), value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``quark`` (exposed for documentation and tests)."""
    from quark._version import __version__

    parser = _Parser(
        prog="quark",
        description="Quark: train quantized classifiers without gradients, by quantum search over their weights.",
        epilog="Run 'quark COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"quark {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    fit = sub.add_parser(
        "fit",
        help="fit a data set (built-in or a CSV/.npz file); print accuracy and the cost ledger; save the model",
        description="Fit QuarkClassifier on a built-in data set or your own file; print accuracy and every cost "
        "counted; optionally save the model and a figure.",
    )
    src = fit.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset", choices=DATASETS, help="a built-in data set")
    src.add_argument("--data", metavar="FILE", help="your data: a CSV file with a header row, or an .npz file (X, y)")
    fit.add_argument("--target", metavar="COLUMN", help="--data: the label column (default: the last column)")
    fit.add_argument("--model", help="model name (default: auto; line-detector for edge-detection)")
    fit.add_argument("--optimizer", default="grover", help="grover (default), quark, anneal, exhaustive, random, block")
    fit.add_argument("--backend", help="where the search runs (see 'quark backends'); default: the optimizer's")
    fit.add_argument("--loss", default="auto", help="auto (default), zero_one, squared or hinge")
    fit.add_argument("--shots", type=_positive_int, help="measurements per circuit (reads for annealing)")
    fit.add_argument("--max-queries", type=_positive_int, help="oracle-query budget of Grover search")
    fit.add_argument("--copies", type=_positive_int, default=1, help="data copies for --optimizer quark (default 1)")
    fit.add_argument("--weight-bits", type=_positive_int, help="bits per weight of k-bit models")
    fit.add_argument("--max-qubits", type=_positive_int, default=24,
                     help="largest register searched whole; larger ones are searched block-wise (default 24)")
    fit.add_argument("--multi-class", default="auto", help="auto (one-vs-one), ovo, ovr or native")
    fit.add_argument("--class-weight", choices=("balanced",), help="weight classes inversely to their frequency")
    fit.add_argument("--n-jobs", type=int, help="fit the two-class problems in parallel (-1: all cores)")
    fit.add_argument("--option", action="append", type=_key_value, default=[], metavar="KEY=VALUE",
                     help="an optimizer option, e.g. --option block_size=12 (repeatable)")
    fit.add_argument("--model-option", action="append", type=_key_value, default=[], metavar="KEY=VALUE",
                     help="a model option, e.g. --model-option grouping=paper (repeatable)")
    fit.add_argument("--size", type=int, help="edge-detection, tiny-mnist, mnist: image side")
    fit.add_argument("--digits", type=int, nargs=2, metavar=("A", "B"), help="tiny-mnist: the two digits (default 6 7)")
    fit.add_argument("--lines", help="edge-detection: rows (default), columns, diagonals or any")
    fit.add_argument("--dedupe", action="store_true",
                     help="tiny-mnist: keep one of each binary pattern with its majority label (the paper's preprocessing)")
    fit.add_argument("--test-size", type=_fraction,
                     help="held-out fraction (default 0.25; 0 trains on all); tiny-mnist and mnist use their own split")
    fit.add_argument("--seed", type=int, default=0, help="random seed of the split and the search (default 0)")
    fit.add_argument("--save", metavar="MODEL", help="save the fitted model here (joblib; reload with 'quark predict')")
    fit.add_argument("--plot", metavar="OUT.png", help="save a figure of the fit (distribution, convergence, weights)")
    fit.add_argument("--verbose", action="store_true", help="show a progress bar of the search (stderr)")
    fit.set_defaults(func=_cmd_fit)

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
    pred.set_defaults(func=_cmd_predict)

    info = sub.add_parser("info", help="describe a saved model: what was fitted, on what, at what cost",
                          description="Describe a model saved by 'quark fit --save'.")
    info.add_argument("model", metavar="MODEL")
    info.set_defaults(func=_cmd_info)

    back = sub.add_parser(
        "backends",
        help="list the backends and whether each is usable here (and why not)",
        description="List every registered backend, whether it can run here, and why not.",
    )
    back.set_defaults(func=_cmd_backends)

    bench = sub.add_parser(
        "bench",
        help="list or run the benchmark scripts in benchmarks/",
        description="Without NAME, list the scripts in benchmarks/; with NAME, run benchmarks/NAME.py "
        "(arguments after NAME, or after '--', go to the script).",
    )
    bench.add_argument("name", nargs="?", help="the benchmark to run (file name without .py)")
    bench.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed on to the script")
    bench.add_argument("--dir", help="the benchmarks folder (default: benchmarks/ of the source checkout or of the "
                       "current directory, or $QUARK_BENCHMARKS)")
    bench.set_defaults(func=_cmd_bench)
    return parser


# -- fit ---------------------------------------------------------------------------------------------
def format_ledger(ledger, indent: str = "  ") -> str:
    """The ledger as aligned ``field  value`` lines (every counted cost and the wall time).

    Examples
    --------
    >>> from quark.optimizers import CostLedger
    >>> led = CostLedger()
    >>> led.update(oracle_queries=12, shots=3)
    >>> print(format_ledger(led).splitlines()[0])
      oracle_queries                  12
    """
    lines = []
    for key, value in ledger.totals().items():
        if key == "wall_time_s":
            text = f"{value:.3f} s"
        elif value is None:
            text = "unknown"
        elif isinstance(value, float):
            text = f"{value:.3f}"
        else:
            text = f"{value:,}"
        lines.append(f"{indent}{key:<20}{text:>14}")
    return "\n".join(lines)


def _plot_path(text: str | None) -> Path | None:
    """Where the figure goes, checked before any fitting (folder exists, a format matplotlib writes)."""
    if text is None:
        return None
    if not text.strip():
        raise UserError("--plot needs a file name, e.g. --plot fit.png")
    path = Path(text)
    if path.suffix.lower() not in _PLOT_FORMATS:
        path = path.with_name(path.name + ".png")  # say the real name, rather than let matplotlib append one
    if not path.parent.exists():
        raise UserError(f"cannot save the plot: folder {str(path.parent)!r} does not exist")
    return path


def _load(args):
    import numpy as np

    from quark.tabular import load_named, read_table

    if args.data is not None:
        for flag in ("size", "digits", "lines"):
            if getattr(args, flag) is not None:
                raise UserError(f"--{flag} applies to a built-in --dataset, not to --data {args.data}")
        if args.dedupe:
            raise UserError("--dedupe applies to --dataset tiny-mnist, not to --data")
        table = read_table(args.data, args.target)
        labels = np.unique(table.y.astype(str))
        shown = ", ".join(labels[:6].tolist()) + (", ..." if len(labels) > 6 else "")
        train, test, desc = table, None, (f"{args.data}: {len(table.X)} rows, {table.X.shape[1]} features, "
                                          f"{len(labels)} classes of {table.target!r} ({shown})")
    else:
        if args.target is not None:
            raise UserError("--target names the label column of --data FILE; built-in data sets have theirs")
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

    from quark.tabular import Table

    stratify = train.y if len(set(train.y.tolist())) > 1 else None
    Xtr, Xte, ytr, yte = train_test_split(train.X, train.y, test_size=test_size, random_state=args.seed, stratify=stratify)
    make = lambda X, y: Table(X, y, train.feature_names, train.target, train.source)  # noqa: E731
    return make(Xtr, ytr), make(Xte, yte), desc + f", split {len(Xtr)} train / {len(Xte)} test (seed {args.seed})"


def _cmd_fit(args) -> int:
    plot = _plot_path(args.plot)
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
        n_jobs=args.n_jobs,
        model_options=dict(args.model_option) or None,
        optimizer_options=dict(args.option) or None,
        random_state=args.seed,
        verbose=args.verbose,
    )
    print(desc)
    clf.fit(train.X, train.y)
    res = clf.result_
    problems = len(clf.results_)
    print(f"model {clf.model_.name!r}, {clf.encoding_.n_qubits} weight qubits"
          + (f" x {problems} two-class problems ({clf.multi_class_})" if problems > 1 else "")
          + f", optimizer {clf._optimizer_name()!r}")
    if problems == 1:
        names = clf.model_.weight_names(clf.n_features_in_)
        shown = ", ".join(f"{n}={w:g}" for n, w in zip(names, clf.weights_.tolist()))
        print("weights  " + (shown if len(names) <= 20 else shown[:200] + ", ..."))
    print(f"train accuracy  {clf.score(train.X, train.y):.4f}   (training loss {res.loss:.4g})")
    if test is not None:
        print(f"test accuracy   {clf.score(test.X, test.y):.4f}")
    print("ledger")
    print(format_ledger(res.ledger))
    if args.save:
        from quark.tabular import save_model

        path = save_model(clf, args.save, feature_names=train.feature_names, target=train.target, source=desc)
        print(f"model saved to {path}")
    if plot is not None:
        from quark.plot import plot_summary

        plot_summary(clf, train.X, train.y, title=desc, feature_names=train.feature_names).savefig(plot, dpi=120)
        print(f"figure saved to {plot}")
    return 0


# -- predict, info -----------------------------------------------------------------------------------
def _cmd_predict(args) -> int:
    import csv

    from quark.tabular import load_model, read_table

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


def _cmd_info(args) -> int:
    from quark.tabular import load_model

    record = load_model(args.model)
    clf = record["estimator"]
    print(f"Quark model, saved {record.get('saved', '?')} by quark {record.get('quark_version', '?')}")
    print(f"fitted on   {record.get('source')}")
    print(f"target      {record.get('target')!r}; classes {clf.classes_.tolist()}")
    print(f"features    {clf.n_features_in_}: {', '.join(record['feature_names'][:8])}"
          + (", ..." if clf.n_features_in_ > 8 else ""))
    problems = len(clf.results_)
    print(f"model       {clf.model_.name!r}, {clf.encoding_.n_qubits} weight qubits"
          + (f", {problems} two-class problems ({clf.multi_class_})" if problems > 1 else ""))
    print(f"optimizer   {clf._optimizer_name()!r}; loss {clf.loss_!r}; training loss {clf.result_.loss:.4g}")
    print("ledger")
    print(format_ledger(clf.result_.ledger))
    return 0


# -- backends ----------------------------------------------------------------------------------------
def _cmd_backends(args) -> int:
    from quark.backends import available_backends

    infos = available_backends()
    rows = [("name", "kind", "usable", "why not / description")]
    for b in infos:
        rows.append((b.name, b.kind, "yes" if b.usable else "no", b.description if b.usable else b.reason))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths)) + "  " + r[3])
    return 0


# -- bench -------------------------------------------------------------------------------------------
def find_benchmarks(folder: str | os.PathLike | None = None) -> Path:
    """The benchmarks folder: ``folder``, ``$QUARK_BENCHMARKS``, the source checkout's, or ``./benchmarks``."""
    if folder is not None:
        path = Path(folder)
        if not path.is_dir():
            raise UserError(f"--dir {str(path)!r} is not a folder")
        return path
    candidates = []
    if os.environ.get("QUARK_BENCHMARKS"):
        candidates.append(Path(os.environ["QUARK_BENCHMARKS"]))
    candidates += [Path(__file__).resolve().parent.parent / "benchmarks", Path.cwd() / "benchmarks"]
    for path in candidates:
        if path.is_dir():
            return path
    raise UserError(
        "no benchmarks/ folder found: the benchmarks ship with the source, not the wheel; run from a source "
        "checkout or pass --dir"
    )


def _benchmark_scripts(folder: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")}


def _summary(path: Path) -> str:
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (SyntaxError, UnicodeDecodeError, OSError):
        return ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _cmd_bench(args) -> int:
    folder = find_benchmarks(args.dir)
    scripts = _benchmark_scripts(folder)
    if args.name is None:
        if not scripts:
            print(f"no benchmark scripts in {folder}")
            return 0
        print(f"benchmarks in {folder}:")
        width = max(map(len, scripts))
        for name, path in scripts.items():
            print(f"  {name:<{width}}  {_summary(path)}")
        print("run one with: quark bench NAME [-- ARGS...]")
        return 0
    name = args.name[:-3] if args.name.endswith(".py") else args.name
    if name not in scripts:
        raise UserError(f"unknown benchmark {args.name!r}; expected one of {sorted(scripts)} (in {folder})")
    extra = list(args.args)
    if extra and extra[0] == "--":
        extra = extra[1:]
    # A child interpreter: the script runs as __main__ with its own argv, exactly as by hand.
    return subprocess.run([sys.executable, str(scripts[name]), *extra], check=False).returncode


# -- entry point -------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``quark`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from quark.exceptions import BackendConfigurationError, MissingDependencyError, ProblemTooLargeError

    try:
        return int(args.func(args) or 0)
    except (UserError, ValueError, TypeError, KeyError, MissingDependencyError, ProblemTooLargeError, OSError,
            BackendConfigurationError) as exc:
        if os.environ.get("QUARK_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"quark {args.command}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("quark: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
