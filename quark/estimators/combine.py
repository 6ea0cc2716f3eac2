"""One result for a task of several two-class problems: ledgers summed, weights stacked."""

from __future__ import annotations

import numpy as np

from quark.optimizers import CostLedger, SearchResult

__all__ = ["combined_result"]


def combined_result(fits: list, problems: list) -> SearchResult:
    """One result for a multi-class fit: the ledgers summed, bits and weights stacked, per-problem info."""
    ledger = CostLedger()
    for f in fits:
        ledger.add(f.result.ledger)
    ledger.wall_time_s = sum(f.result.ledger.wall_time_s for f in fits)
    history = [{**h, "problem": i} for i, f in enumerate(fits) for h in f.result.history]
    reached = [f.result.info.get("reached_optimum") for f in fits]
    info = {
        "problems": problems,
        "losses": [f.result.loss for f in fits],
        "reached_optimum": False if False in reached else (True if all(r is True for r in reached) else None),
        # seconds the simulator spent standing in for a device (never a device's cost: that is the ledger)
        "simulation_s": float(sum(f.result.info.get("simulation_s") or 0.0 for f in fits)),
        # rounds the exact kernel knew would miss and ran without their draws (simulation, charged as drawn)
        "unsimulated_rounds": int(sum(f.result.info.get("unsimulated_rounds") or 0 for f in fits)),
    }
    return SearchResult(bits=np.concatenate([f.bits for f in fits]), loss=float(np.mean([f.result.loss for f in fits])),
                        ledger=ledger, history=history, weights=np.stack([f.weights for f in fits]),
                        variables=[], info=info)

