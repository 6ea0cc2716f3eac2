"""The ``quark`` command line (also ``python -m quark``).

Sub-commands::

    quark fit (--dataset NAME | --data FILE [--target COLUMN]) [options] [--save MODEL] [--plot OUT.png]
    quark predict --model MODEL --data FILE [--out FILE] [--proba]
    quark info MODEL [--target TARGET]   what a saved model was fitted on, its ledger and its resource estimate
    quark estimate --model MODEL [--target TARGET] [--json]
                                         resources its searches would need: Aer, an IBM device, fault-tolerant
    quark backends                       which backends are usable here, and why not
    quark bench [NAME] [-- ARGS...]      list or run the scripts in benchmarks/

User mistakes print one line on stderr (``quark COMMAND: error: ...``) and exit with status 1 (2 for
a malformed command line); so does running out of memory, and Ctrl-C is one line with status 130.
Set ``QUARK_DEBUG=1`` to see the traceback instead. Nothing heavy is
imported before a command runs, so ``quark --help`` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from quark.cli.arguments import Parser, UserError

__all__ = ["main", "build_parser", "COMMANDS"]

#: The sub-commands, one module each (``register`` adds its parser, ``run`` carries it out).
COMMANDS = ("fit", "predict", "info", "estimate", "backends", "bench")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``quark`` (exposed for documentation and tests)."""
    from quark._version import __version__

    parser = Parser(
        prog="quark",
        description="Quark: train quantized classifiers without gradients, by quantum search over their weights.",
        epilog="Run 'quark COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"quark {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    import importlib

    for name in COMMANDS:
        importlib.import_module(f"quark.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``quark`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from quark.exceptions import BackendConfigurationError, BackendError, MissingDependencyError, ProblemTooLargeError

    try:
        return int(args.func(args) or 0)
    except (UserError, ValueError, TypeError, KeyError, MissingDependencyError, ProblemTooLargeError, OSError,
            BackendConfigurationError, BackendError) as exc:
        if os.environ.get("QUARK_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"quark {args.command}: error: {message}", file=sys.stderr)
        return 1
    except MemoryError as exc:
        if os.environ.get("QUARK_DEBUG"):
            raise
        detail = " ".join(str(exc).split())
        print(f"quark {args.command}: error: out of memory{': ' + detail if detail else ''} (try a smaller problem: "
              "fewer qubits, --max-qubits, fewer --shots)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # every file is written beside its target and renamed into place, so nothing is left half-written
        print(f"quark {args.command}: interrupted; no file was changed by the unfinished step", file=sys.stderr)
        return 130
