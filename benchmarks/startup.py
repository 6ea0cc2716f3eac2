"""Start-up time of ``import quark`` and the ``quark`` command line, side by side with ``python -c pass``.

    python benchmarks/startup.py [--runs 5]

Each command runs ``--runs`` times, interleaved (so a busy moment hits all of them alike); the
medians are printed as a Markdown table (docs/your_data.md, "Fast start").
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    args = ap.parse_args(argv)
    quark = shutil.which("quark") or ""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import quark"': [sys.executable, "-c", "import quark"],
        "quark --help": [quark, "--help"],
        "quark backends": [quark, "backends"],
    }
    if not quark:
        commands = {k: v for k, v in commands.items() if not k.startswith("quark")}
        print("the 'quark' script is not on PATH: install the package to time it", file=sys.stderr)
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            times[name].append(time.perf_counter() - t0)
    medians = {k: statistics.median(v) for k, v in times.items()}
    print("| command | median wall time |\n| --- | --- |")
    for k, v in medians.items():
        print(f"| `{k}` | {v:.3f} s |")
    return medians


if __name__ == "__main__":
    main()
