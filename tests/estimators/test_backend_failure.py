"""A backend failing in the middle of a multi-class fit: one BackendError, with every problem's spending."""

from __future__ import annotations

import numpy as np
import pytest

from quark import QuarkClassifier
from quark.backends import get_backend
from quark.exceptions import BackendError
from quark.optimizers import GroverAdaptiveSearch


class Flaky:
    name = "flaky"

    def __init__(self, fail_at: int):
        self.inner, self.fail_at, self.calls = get_backend("statevector"), fail_at, 0

    def __deepcopy__(self, memo):  # one device, however often the classifier clones the optimizer
        return self

    def sample_threshold(self, problem, threshold, iterations, shots, rng):
        if self.calls + 1 == self.fail_at:
            raise ConnectionError("the device went offline")
        self.calls += 1
        return self.inner.sample_threshold(problem, threshold, iterations, shots, rng)


def _fit(backend):
    rng = np.random.default_rng(0)
    X, y = rng.integers(0, 2, size=(45, 4)).astype(float), np.repeat([0, 1, 2], 15)
    clf = QuarkClassifier(model="perceptron", optimizer=GroverAdaptiveSearch(backend=backend, shots=2),
                          multi_class="ovo", random_state=0)
    return clf.fit(X, y)


def test_the_error_of_the_last_problem_carries_the_earlier_problems_spending():
    clean = Flaky(fail_at=0)
    fitted = _fit(clean)
    total = clean.calls
    assert fitted.result_.ledger.shots == 2 * total
    failing = Flaky(fail_at=total)  # the last call of the last problem fails
    with pytest.raises(BackendError, match=r"problem .* \(3 of 3; the ledger adds the 2 fitted before it\): backend 'flaky' failed") as caught:
        _fit(failing)
    err = caught.value
    assert err.ledger.shots == 2 * (total - 1) and isinstance(err.__cause__, ConnectionError)
    assert err.best_bits is not None and err.backend == "flaky"
