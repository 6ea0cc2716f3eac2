"""Block search on a binary quadratic model through dwave-hybrid's decomposition framework.

dwave-hybrid picks the variables (``EnergyImpactDecomposer``), induces the subproblem with the other
variables fixed, and writes answers back (``SplatComposer``); Quark supplies the subproblem solver —
a :class:`~quark.optimizers.BlockSearch`'s inner search (Grover adaptive search by default) — as a
dwave-hybrid ``Runnable``, so every inner search is charged to the block search's ledger.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from quark._optional import require
from quark.optimizers.base import SearchWarning

__all__ = ["hybrid_search", "quark_subproblem_sampler"]


def quark_subproblem_sampler(block_search, ledger, rng, tally: dict):
    """A dwave-hybrid ``SubproblemSampler`` running ``block_search``'s inner search on each subproblem."""
    hybrid = require("hybrid", extra="hybrid", feature="BlockSearch(decomposer='hybrid')", package="dwave-hybrid")
    import dimod

    class QuarkSubproblemSampler(hybrid.traits.SubproblemSampler, hybrid.traits.SISO, hybrid.Runnable):
        """Solve ``state.subproblem`` with a Quark optimizer; its costs go to the block search's ledger."""

        def next(self, state, **runopts):
            sub = state.subproblem
            with warnings.catch_warnings():  # misses are counted in the tally, not shouted per block
                warnings.simplefilter("ignore", SearchWarning)
                res = block_search._inner(int(rng.integers(0, 2**31 - 1))).minimize(sub)
            ledger.add(res.ledger)
            tally["steps"] += 1
            kind = res.info.get("oracle")
            if kind is not None:
                tally["oracles"][kind] = tally["oracles"].get(kind, 0) + 1
            hit = res.info.get("reached_optimum")
            if hit is not None:
                tally["known"] += 1
                tally["reached"] += bool(hit)
            sampleset = dimod.SampleSet.from_samples_bqm(res.sample, sub)
            return state.updated(subsamples=sampleset)

    return QuarkSubproblemSampler()


def hybrid_search(block_search, problem, ledger, rng) -> tuple[np.ndarray, float, dict[str, Any]]:
    """``BlockSearch._search`` for a BQM problem, with dwave-hybrid choosing and recombining the blocks."""
    hybrid = require("hybrid", extra="hybrid", feature="BlockSearch(decomposer='hybrid')", package="dwave-hybrid")

    bqm = problem.to_bqm()  # BINARY over bit positions 0..n-1
    n = problem.n_qubits
    b = min(block_search.block_size, n)
    per_sweep = math.ceil(n / b)
    tally = {"steps": 0, "known": 0, "reached": 0, "oracles": {}}
    best = None
    for restart in range(1 + block_search.restarts):
        bits = block_search._start(problem, rng, restart)
        start_loss = float(block_search._check(problem, bits[None, :], ledger, indices=False)[0])
        ledger.record(start_loss, restart=restart)
        state = hybrid.State.from_sample({i: int(v) for i, v in enumerate(bits)}, bqm)
        branch = (hybrid.EnergyImpactDecomposer(size=b, rolling=True, rolling_history=1.0, traversal="energy")
                  | quark_subproblem_sampler(block_search, ledger, rng, tally)
                  | hybrid.SplatComposer())
        workflow = hybrid.LoopUntilNoImprovement(branch, convergence=per_sweep,
                                                 max_iter=per_sweep * block_search.max_sweeps)
        final = workflow.run(state).result()
        sample = final.samples.first.sample
        bits = np.array([sample[i] for i in range(n)], dtype=np.uint8)
        loss = float(block_search._check(problem, bits[None, :], ledger, indices=False)[0])
        ledger.record(loss, restart=restart)
        if best is None or loss < best[1]:
            best = (bits, loss)
    info = {
        "decomposer": "hybrid",
        "pipeline": "dwave-hybrid EnergyImpactDecomposer + SplatComposer, LoopUntilNoImprovement",
        "block_steps": tally["steps"],
        "oracles": dict(tally["oracles"]),
        "blocks_per_sweep": per_sweep,
        "inner_reached_optimum": tally["reached"] / tally["known"] if tally["known"] else None,
        "reached_optimum": None,
        "converged": tally["steps"] < per_sweep * block_search.max_sweeps * (1 + block_search.restarts),
        "stop_reason": "no improvement in a sweep",
    }
    return best[0], best[1], info
