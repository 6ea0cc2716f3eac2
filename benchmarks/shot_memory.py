"""Peak memory per shot (per annealing read): the figures behind the memory guard's count of measurements.

The guard refuses ``shots`` whose measurements would not fit before a search starts, counting
``Optimizer.shot_bytes`` per shot (40 for Grover-type searches) and ``16 n + 64`` bytes per read for
annealing on ``n`` variables. This script measures the real peaks with ``tracemalloc`` (NumPy's
allocations are traced), dividing the peak of a whole ``minimize`` by the shots of its call, so the
constant parts shrink as shots grow:

- ``GroverAdaptiveSearch`` on a 10-qubit table, exact kernel (closed form and explicit statevector);
- ``QuarkSearch`` on the 3x3 edge-detection line detector (one amplification round);
- ``AnnealingSearch`` with ``neal`` on random BQMs of 5, 20 and 100 variables.

Run::

    python benchmarks/shot_memory.py            # about a minute
    python benchmarks/shot_memory.py --quick    # smaller counts
"""

from __future__ import annotations

import argparse
import tracemalloc
import warnings

import numpy as np


def _peak_per_shot(optimizer, problem, shots: int) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracemalloc.start()
        try:
            optimizer.minimize(problem)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak / shots


def main(argv=None) -> list[tuple[str, int, float]]:
    import dimod

    from quark.datasets import load_edge_detection
    from quark.encoding import LossLandscape
    from quark.optimizers import AnnealingSearch, GroverAdaptiveSearch, QuarkSearch

    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--quick", action="store_true")
    opts = args.parse_args(argv)
    scale = 10 if opts.quick else 1
    rows = []
    table = np.random.default_rng(0).permutation(1024).astype(float)
    for method in ("closed_form", "statevector"):
        for shots in (10**6 // scale, 2 * 10**6 // scale):
            opt = GroverAdaptiveSearch(backend_options={"method": method}, shots=shots, max_queries=3 * shots,
                                       random_state=0)
            rows.append((f"grover ({method})", shots, _peak_per_shot(opt, table, shots)))
    land = LossLandscape("line-detector", None, *load_edge_detection())
    for shots in (10**6 // scale, 2 * 10**6 // scale):
        rows.append(("quark (1 round)", shots, _peak_per_shot(QuarkSearch(shots=shots, iterations=1, random_state=0),
                                                              land, shots)))
    reads = 20000 // scale
    for n in (5, 20, 100):
        bqm = dimod.generators.gnp_random_bqm(n, 0.2, "BINARY", random_state=0)
        opt = AnnealingSearch("neal", shots=reads, random_state=0, sample_options={"num_sweeps": 5})
        rows.append((f"anneal neal, n={n} (guard {16 * n + 64})", reads, _peak_per_shot(opt, bqm, reads)))
    print(f"{'search':40s} {'shots':>9s} {'peak bytes/shot':>16s}")
    for name, shots, per in rows:
        print(f"{name:40s} {shots:9d} {per:16.1f}")
    return rows


if __name__ == "__main__":
    main()
