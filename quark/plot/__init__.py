"""Figures of searches and learned weights (matplotlib, no pyplot state: safe under Agg).

Every function takes results or fitted classifiers and returns a ``matplotlib.figure.Figure``
(drawn on ``ax`` when one is given), so scripts save them with ``fig.savefig("out.png")``.

- :func:`plot_weight_distribution` — measured weight settings against their training accuracy
  (the paper's picture: amplification biases measurements toward accurate weights).
- :func:`plot_convergence` — best loss so far against a ledger cost (oracle queries by default).
- :func:`plot_weights_as_images` — learned weights drawn on the image grid.
- :func:`plot_measurements_vs_accuracy` — accuracy reached against measurements paid, per method.
- :func:`plot_summary` — the three panels of one fit (used by ``quark fit --plot``).
"""

from quark.plot.measurements import plot_measurements_vs_accuracy
from quark.plot.search import measured_counts, plot_convergence, plot_weight_distribution
from quark.plot.summary import plot_summary
from quark.plot.weights import plot_weights_as_images, weight_images

__all__ = [
    "measured_counts",
    "weight_images",
    "plot_weight_distribution",
    "plot_convergence",
    "plot_weights_as_images",
    "plot_measurements_vs_accuracy",
    "plot_summary",
]
