"""Moved: the gradient baselines live in :mod:`quark.baselines` (they are estimators, not searches over bits).

``quark.optimizers.baselines`` and its submodules still import, with a ``DeprecationWarning``.
"""

from __future__ import annotations

import sys
import warnings

import quark.baselines as _new
from quark.baselines import *  # noqa: F401,F403 - the old names
from quark.baselines import __all__  # noqa: F401
from quark.baselines import circuits, classical, counting, plateau, vqc

warnings.warn("quark.optimizers.baselines moved to quark.baselines; import from there", DeprecationWarning, stacklevel=2)

for _name, _module in {"circuits": circuits, "classical": classical, "counting": counting, "plateau": plateau,
                       "vqc": vqc}.items():
    sys.modules[f"{__name__}.{_name}"] = _module
del _name, _module, _new
