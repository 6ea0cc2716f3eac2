"""``quark bench``: list or run the scripts in ``benchmarks/``."""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from pathlib import Path

from quark.cli.arguments import UserError

__all__ = ["register", "run", "find_benchmarks"]


def register(sub) -> None:
    """Add ``bench`` to the sub-command parsers."""
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
    bench.set_defaults(func=run)


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
    candidates += [Path(__file__).resolve().parents[2] / "benchmarks", Path.cwd() / "benchmarks"]
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


def run(args) -> int:
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
