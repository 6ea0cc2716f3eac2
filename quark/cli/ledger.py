"""The cost ledger as the command line prints it."""

from __future__ import annotations

__all__ = ["format_ledger"]


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
