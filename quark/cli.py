"""The ``quark`` command line (also ``python -m quark``).

Sub-commands::

    quark fit --dataset edge-detection|tiny-mnist [options]   train, print accuracy and the ledger
    quark backends                                             which backends are usable here, and why not
    quark bench [NAME] [-- ARGS...]                            list or run the scripts in benchmarks/

User mistakes print one line on stderr (``quark: error: ...``) and exit with status 1 (2 for a
malformed command line); set ``QUARK_DEBUG=1`` to see the traceback instead.
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

DATASETS = ("edge-detection", "tiny-mnist")
_DEFAULT_MODEL = {"edge-detection": "line-detector", "tiny-mnist": "perceptron"}


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
        help="fit a named data set and print train/test accuracy and the cost ledger",
        description="Fit QuarkClassifier on Edge Detection or Tiny-MNIST; print accuracy and every cost counted.",
    )
    fit.add_argument("--dataset", required=True, choices=DATASETS, help="the data set (required)")
    fit.add_argument("--model", help="model name (default: line-detector for edge-detection, perceptron for tiny-mnist)")
    fit.add_argument("--optimizer", default="grover", help="grover (default), quark, anneal, exhaustive or random")
    fit.add_argument("--backend", help="where the search runs (see 'quark backends'); default: the optimizer's")
    fit.add_argument("--loss", default="zero_one", help="zero_one (default), squared or hinge")
    fit.add_argument("--shots", type=_positive_int, help="measurements per circuit (reads for annealing)")
    fit.add_argument("--max-queries", type=_positive_int, help="oracle-query budget of Grover search")
    fit.add_argument("--copies", type=_positive_int, default=1, help="data copies for --optimizer quark (default 1)")
    fit.add_argument("--size", type=int, default=3, help="image side: 2, 3 (default) or 4")
    fit.add_argument("--digits", type=int, nargs=2, default=(6, 7), metavar=("A", "B"),
                     help="tiny-mnist: the two digits (default 6 7)")
    fit.add_argument("--lines", default="rows", help="edge-detection: rows (default), columns, diagonals or any")
    fit.add_argument("--test-size", type=_fraction, default=0.25,
                     help="edge-detection: held-out fraction of the images (default 0.25; 0 trains on all)")
    fit.add_argument("--seed", type=int, default=0, help="random seed of the split and the search (default 0)")
    fit.add_argument("--plot", metavar="OUT.png", help="save a figure of the fit (distribution, convergence, weights)")
    fit.add_argument("--verbose", action="store_true", help="show a progress bar of the search")
    fit.set_defaults(func=_cmd_fit)

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
        text = f"{value:.3f} s" if key == "wall_time_s" else f"{value:,}"
        lines.append(f"{indent}{key:<20}{text:>14}")
    return "\n".join(lines)


def _load(args) -> tuple:
    from quark.datasets import load_edge_detection, load_tiny_mnist, train_test_split

    if args.dataset == "edge-detection":
        X, y = load_edge_detection(size=args.size, lines=args.lines)
        desc = f"Edge Detection ({args.lines}, {args.size}x{args.size}): all {len(X)} images"
        if args.test_size == 0:
            return X, y, None, None, desc + ", trained and scored on all of them"
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=args.test_size, random_state=args.seed)
        return Xtr, ytr, Xte, yte, desc + f", split {len(Xtr)} train / {len(Xte)} test (seed {args.seed})"
    digits = tuple(args.digits)
    Xtr, ytr = load_tiny_mnist(digits=digits, size=args.size, subset="train", dedupe=True)
    Xte, yte = load_tiny_mnist(digits=digits, size=args.size, subset="test")
    desc = (f"Tiny-MNIST {digits[0]} vs {digits[1]} ({args.size}x{args.size}): {len(Xtr)} unique training "
            f"patterns, {len(Xte)} test images")
    return Xtr, ytr, Xte, yte, desc


def _cmd_fit(args) -> int:
    from quark import QuarkClassifier

    Xtr, ytr, Xte, yte, desc = _load(args)
    clf = QuarkClassifier(
        model=args.model or _DEFAULT_MODEL[args.dataset],
        loss=args.loss,
        optimizer=args.optimizer,
        backend=args.backend,
        shots=args.shots,
        max_queries=args.max_queries,
        copies=args.copies,
        random_state=args.seed,
        verbose=args.verbose,
    )
    print(desc)
    clf.fit(Xtr, ytr)
    res = clf.result_
    print(f"model {clf.model_.name!r}, {clf.encoding_.n_qubits} weight qubits, optimizer {clf._optimizer_name()!r}")
    names = clf.model_.weight_names(clf.n_features_in_)
    print("weights  " + ", ".join(f"{n}={w:g}" for n, w in zip(names, clf.weights_.tolist())))
    print(f"train accuracy  {clf.score(Xtr, ytr):.4f}   (training loss {res.loss:.4g})")
    if Xte is not None:
        print(f"test accuracy   {clf.score(Xte, yte):.4f}")
    print("ledger")
    print(format_ledger(res.ledger))
    if args.plot:
        from quark.plot import plot_summary

        out = Path(args.plot)
        if out.parent and not out.parent.exists():
            raise UserError(f"cannot save the plot: folder {str(out.parent)!r} does not exist")
        plot_summary(clf, Xtr, ytr, title=desc).savefig(out, dpi=120)
        print(f"figure saved to {out}")
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
    from quark.exceptions import MissingDependencyError, ProblemTooLargeError

    try:
        return int(args.func(args) or 0)
    except (UserError, ValueError, TypeError, MissingDependencyError, ProblemTooLargeError, OSError) as exc:
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
