"""Test-wide settings: a non-interactive matplotlib and a bounded hypothesis budget."""

import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("quark", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("quark")
