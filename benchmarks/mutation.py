"""Mutation testing of the ledger-critical code (issue 15), with mutmut 3. Not run by CI.

Mutates the modules that decide what a search pays and what it does next (the Grover search, the
paper's amplification, annealing, the ledger itself, the sampler read-back and the counting
sampler) and runs a fast, targeted selection of tests against every mutant: the exact-ledger
tests and the optimizer tests, without the few statistical tests that take minutes.

The run happens in a scratch copy of the repository (default ``build/mutation/``, which git
ignores): the script copies ``quark/``, ``tests/``, ``datasets/`` and ``pyproject.toml`` there,
adds mutmut's configuration to that copy's ``pyproject.toml``, and runs ``mutmut run`` in it, so
the working tree is never touched. mutmut writes the mutated package to ``<workdir>/mutants/``
and puts it first on ``sys.path``; ``PYTHONPATH`` is cleared so that nothing else shadows it.

Run::

    python benchmarks/mutation.py                       # every mutant of the six modules
    python benchmarks/mutation.py --estimate            # per-mutant worst-case test time only
    python benchmarks/mutation.py "quark.optimizers.ledger.*"   # only these mutants (mutmut globs)
    python benchmarks/mutation.py --resume              # keep the workdir: finish an interrupted run

It prints, per module, how many mutants were killed, survived, timed out or had no covering
test, writes ``<workdir>/summary.json`` and lists every survivor with its diff. Browse the
results afterwards with ``cd build/mutation && mutmut browse``. docs/mutation.md reports a run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The modules mutated: every line that charges a ledger or steers a search on what it measured.
MODULES: tuple[str, ...] = (
    "quark/optimizers/grover.py",
    "quark/optimizers/quark_search.py",
    "quark/optimizers/annealing.py",
    "quark/optimizers/ledger.py",
    "quark/backends/sampler_run.py",
    "quark/baselines/counting.py",
)

#: The fast, targeted test selection run against each mutant (about a minute on two cores).
TESTS: tuple[str, ...] = (
    "tests/optimizers",
    "tests/baselines/test_ledger_exact.py",
    "tests/baselines/test_counting.py",
)

#: Statistical and subprocess tests left out: minutes each, and they pin success rates, not costs.
DESELECT: tuple[str, ...] = (
    "tests/optimizers/test_annealing.py::test_default_settings_reach_the_exhaustive_optimum_in_95_percent_of_seeds",
    "tests/optimizers/test_annealing.py::test_reduced_ground_state_is_the_landscape_minimum[edge3-perceptron]",
    "tests/optimizers/test_problem_and_exhaustive.py::test_polynomial_bit_order_does_not_depend_on_hash_seed",
)

_COPY = ("quark", "tests", "datasets", "pyproject.toml")
_STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
           36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


def _toml_list(items) -> str:
    return "[" + ", ".join(json.dumps(str(i)) for i in items) + "]"


def mutmut_config() -> str:
    """The ``[tool.mutmut]`` table appended to the scratch copy's ``pyproject.toml``."""
    selection = list(TESTS) + [arg for test in DESELECT for arg in ("--deselect", test)]
    return "\n".join([
        "",
        "[tool.mutmut]",
        'source_paths = ["quark"]',
        f"only_mutate = {_toml_list(MODULES)}",
        f"pytest_add_cli_args_test_selection = {_toml_list(selection)}",
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"]',
        'also_copy = ["datasets"]',  # the bundled MNIST file, found next to the (mutated) package
        "use_git_change_detection = false",
        # a fork server: mutants forked from a fresh interpreter, not from the one that ran the
        # whole stats collection (forking that one, with numba's and BLAS's threads alive, got
        # workers killed by SIGTERM within 0.1 s under mutmut 3.8.1 here)
        'process_isolation = "forkserver"',
        "",
    ])


def prepare(workdir: Path) -> None:
    """A fresh scratch copy of what the tests need, with mutmut's configuration."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name in _COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, workdir / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, workdir / name)
    with open(workdir / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write(mutmut_config())


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # the mutated copy must be the only quark on the path
    env.update(MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               NUMBA_NUM_THREADS="1")
    return env


def _mutmut(workdir: Path, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    # the console script, not ``python -m mutmut``: -m would put the unmutated copy on sys.path
    script = Path(sys.executable).with_name("mutmut")
    cmd = [str(script) if script.exists() else "mutmut", *args]
    return subprocess.run(cmd, cwd=workdir, env=_env(), text=True,
                          stdout=subprocess.PIPE if capture else None, stderr=subprocess.STDOUT if capture else None)


def summarize(workdir: Path) -> dict:
    """Per module: mutants by status, and the survivors' names (read from mutmut's ``.meta`` files)."""
    out: dict[str, dict] = {}
    for module in MODULES:
        meta = workdir / "mutants" / (module + ".meta")
        if not meta.exists():
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        status = {name: _STATUS.get(code, "suspicious") for name, code in codes.items()}
        out[module] = {
            "mutants": len(status),
            "counts": dict(Counter(status.values())),
            "survived": sorted(n for n, s in status.items() if s == "survived"),
            "other": sorted(f"{n}: {s}" for n, s in status.items() if s not in ("killed", "survived")),
        }
    return out


def _mangled(mutant: str) -> str:
    return mutant.rsplit("__mutmut_", 1)[0]


def estimate(workdir: Path, max_children: int) -> None:
    """Mutants per function and the worst case (every mutant survives, so all its tests run).

    Read from mutmut's own stats (``mutmut print-time-estimates`` of mutmut 3.8.1 drops them as
    stale when run on its own, so it is not used).
    """
    stats = json.loads((workdir / "mutants" / "mutmut-stats.json").read_text())
    tests, durations = stats["tests_by_mangled_function_name"], stats["duration_by_test"]
    per_function: Counter = Counter()
    for module in MODULES:
        meta = workdir / "mutants" / (module + ".meta")
        if meta.exists():
            per_function.update(_mangled(n) for n in json.loads(meta.read_text())["exit_code_by_key"])
    total = 0.0
    rows = []
    for function, count in per_function.items():
        seconds = sum(durations.get(t, 0.0) for t in tests.get(function, ()))
        total += count * seconds
        rows.append((count * seconds, count, seconds, function))
    print(f"{'worst case (s)':>14s} {'mutants':>8s} {'tests (s)':>9s}  function")
    for worst, count, seconds, function in sorted(rows, reverse=True):
        print(f"{worst:14.1f} {count:8d} {seconds:9.2f}  {function}{'' if seconds else '  (no covering test)'}")
    print(f"\n{sum(per_function.values())} mutants; worst case {total / 60 / max_children:.0f} min on {max_children} "
          "workers (survivors run every covering test; killed mutants stop at the first failure)")


def report(workdir: Path, summary: dict, seconds: float | None, show_diffs: bool = True) -> None:
    print()
    print(f"{'module':38s} {'mutants':>8s} {'killed':>7s} {'survived':>9s} {'other':>6s}")
    total = Counter()
    for module, s in summary.items():
        c = s["counts"]
        other = s["mutants"] - c.get("killed", 0) - c.get("survived", 0)
        total.update(mutants=s["mutants"], killed=c.get("killed", 0), survived=c.get("survived", 0), other=other)
        print(f"{module:38s} {s['mutants']:8d} {c.get('killed', 0):7d} {c.get('survived', 0):9d} {other:6d}")
    print(f"{'total':38s} {total['mutants']:8d} {total['killed']:7d} {total['survived']:9d} {total['other']:6d}")
    if seconds is not None:
        print(f"\nruntime: {seconds / 60:.1f} min")
    for module, s in summary.items():
        for line in s["other"]:
            print("not killed, not survived:", line)
    if show_diffs:
        for module, s in summary.items():
            for name in s["survived"]:
                diff = _mutmut(workdir, "show", name, capture=True).stdout
                body = [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
                print(f"\nSURVIVED {name}\n  " + "\n  ".join(body))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants", nargs="*", help="mutmut mutant names or globs (default: every mutant)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "mutation")
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutants (default 2)")
    parser.add_argument("--resume", action="store_true", help="reuse the workdir and its results")
    parser.add_argument("--estimate", action="store_true", help="only print each mutant's worst-case test time")
    parser.add_argument("--no-diffs", action="store_true", help="do not print the survivors' diffs")
    args = parser.parse_args(argv)
    try:
        import mutmut
    except ImportError:
        print("mutmut is not installed: pip install 'mutmut>=3,<4'", file=sys.stderr)
        return 2
    print(f"mutmut {getattr(mutmut, '__version__', '?')} in {args.workdir}")
    if not (args.resume and (args.workdir / "pyproject.toml").exists()):
        prepare(args.workdir)
    if args.estimate:  # generate the mutants and collect the test coverage, mutating nothing
        if not (args.workdir / "mutants" / "mutmut-stats.json").exists():
            _mutmut(args.workdir, "run", "--max-children", str(args.max_children), "no-such-mutant", capture=True)
        estimate(args.workdir, args.max_children)
        return 0
    start = time.perf_counter()
    rc = _mutmut(args.workdir, "run", "--max-children", str(args.max_children), *args.mutants).returncode
    seconds = time.perf_counter() - start
    summary = summarize(args.workdir)
    (args.workdir / "summary.json").write_text(json.dumps({"seconds": seconds, "modules": summary}, indent=2))
    report(args.workdir, summary, seconds, show_diffs=not args.no_diffs)
    return rc


if __name__ == "__main__":
    sys.exit(main())
