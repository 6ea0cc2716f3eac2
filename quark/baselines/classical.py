"""Classical gradient baselines, counting model evaluations the way Quark's ledger does.

``model_evaluations`` counts forward passes x samples (the paper's *model queries*): one epoch of
full-batch training on ``m`` samples costs ``m``. Backward passes are counted apart in
``info["backward_evaluations"]`` (one per forward pass during training). Monitoring the accuracy
after each step is a free referee pass, not counted.

- :class:`TorchClassifierBaseline` -- a full-precision perceptron (``hidden=0``) or a
  one-hidden-layer network, trained by Adam on the logistic loss (extra ``torch``).
- :class:`BinaryNetBaseline` -- the same network with ``sign`` (+-1) weights, trained through the
  straight-through estimator on latent real weights (extra ``torch``).
- :class:`LogisticBaseline` -- scikit-learn's ``LogisticRegression`` (lbfgs).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from quark._optional import require
from quark._random import as_generator
from quark._validation import check_int
from quark.optimizers.ledger import CostLedger
from quark.optimizers.result import SearchResult

__all__ = ["TorchClassifierBaseline", "BinaryNetBaseline", "LogisticBaseline"]


def _check_Xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[0] == 0 or y.shape != (X.shape[0],):
        raise ValueError(f"'X' must be 2-D with one row per label in 'y'; got shapes {X.shape} and {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("'y' must hold 0/1 labels")
    return X, y.astype(np.float32)


def _torch():
    return require("torch", extra="torch", feature="the classical gradient baselines")


class TorchClassifierBaseline:
    """A full-precision perceptron or small network trained by gradient descent (Adam, full batch).

    Parameters
    ----------
    hidden : int
        Hidden units (``0``: a perceptron, ``w . x + b``).
    epochs : int
        Full-batch steps.
    learning_rate : float
    random_state : None, int or Generator
        Seeds the initial weights.

    Attributes
    ----------
    result_ : SearchResult
        ``weights`` (flattened parameters), ``loss``, ``ledger.model_evaluations`` (forward passes x
        samples), ``history`` (per step: costs so far, ``accuracy``), ``info`` (start accuracy,
        backward evaluations).

    Examples
    --------
    Needs the ``torch`` extra (so skipped by the doctest run; tests/ check the same):

    >>> import numpy as np
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y = np.array([0, 1, 1, 1])
    >>> b = TorchClassifierBaseline(hidden=0, epochs=200, learning_rate=0.1, random_state=0).fit(X, y)  # doctest: +SKIP
    >>> b.score(X, y), b.result_.ledger.model_evaluations  # doctest: +SKIP
    (1.0, 800)
    """

    name: ClassVar[str] = "torch-mlp"
    binary: ClassVar[bool] = False

    def __init__(self, hidden: int = 0, *, epochs: int = 200, learning_rate: float = 0.05, random_state=None) -> None:
        self.hidden = hidden
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _make(self, torch, d: int):
        h = self.hidden
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 0:
            raise ValueError(f"'hidden' must be a non-negative integer; got {h!r}")
        if h == 0:
            return torch.nn.Linear(d, 1)
        return torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.Tanh(), torch.nn.Linear(h, 1))

    def _forward(self, torch, net, X):
        return net(X).squeeze(-1)

    def fit(self, X, y, *, monitor: tuple | None = None):
        """Train; ``monitor=(X, y)`` says where the history's accuracy is read (default: training set)."""
        torch = _torch()
        check_int(self.epochs, "epochs")
        X, y = _check_Xy(X, y)
        mX, my = (X, y) if monitor is None else _check_Xy(*monitor)
        rng = as_generator(self.random_state)
        torch.manual_seed(int(rng.integers(2**31 - 1)))
        net = self._make(torch, X.shape[1])
        self.net_ = net
        opt = torch.optim.Adam(net.parameters(), lr=float(self.learning_rate))
        Xt, yt, mXt = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(np.asarray(mX, np.float32))
        ledger = CostLedger()
        ledger.start()
        state = {"best": 0.0}

        def note(loss=np.nan):
            acc = self._accuracy(torch, mXt, my)
            state["best"] = max(state["best"], acc)
            ledger.record(best_loss=1.0 - state["best"], accuracy=acc, loss=float(loss))
            return acc

        start = note()
        backward = 0
        loss_fn = torch.nn.BCEWithLogitsLoss()
        for _ in range(int(self.epochs)):
            opt.zero_grad()
            loss = loss_fn(self._forward(torch, net, Xt), yt)
            loss.backward()
            opt.step()
            ledger.update(model_evaluations=X.shape[0])
            backward += X.shape[0]
            note(loss.item())
        ledger.stop()
        with torch.no_grad():
            final_loss = float(loss_fn(self._forward(torch, net, Xt), yt))
        w = np.concatenate([p.detach().numpy().ravel() for p in net.parameters()])
        self.result_ = SearchResult(
            bits=np.zeros(0, dtype=np.uint8), loss=final_loss, ledger=ledger, history=ledger.history,
            weights=self._effective(w), variables=[],
            info={"start_accuracy": start, "final_accuracy": ledger.history[-1]["accuracy"],
                  "backward_evaluations": backward, "n_train": int(X.shape[0])},
        )
        return self

    def _effective(self, w):
        return w

    def _accuracy(self, torch, Xt, y) -> float:
        with torch.no_grad():
            return float(np.mean((self._forward(torch, self.net_, Xt).numpy() > 0) == (np.asarray(y) > 0.5)))

    def predict(self, X) -> np.ndarray:
        torch = _torch()
        with torch.no_grad():
            out = self._forward(torch, self.net_, torch.from_numpy(np.asarray(X, dtype=np.float32)))
        return (out.numpy() > 0).astype(np.uint8)

    def score(self, X, y) -> float:
        return float(np.mean(self.predict(X) == np.asarray(y)))


class BinaryNetBaseline(TorchClassifierBaseline):
    """The same network with +-1 weights, trained by the straight-through estimator.

    The forward pass uses ``sign(w)`` (``+1`` at 0) for every weight matrix (biases stay real);
    the backward pass treats ``sign`` as the identity clipped to ``|w| <= 1`` (the STE of
    BinaryConnect / BinaryNet), so gradients update latent real weights.

    Examples
    --------
    Needs the ``torch`` extra (skipped by the doctest run):

    >>> import numpy as np
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y = np.array([0, 1, 1, 1])
    >>> b = BinaryNetBaseline(hidden=0, epochs=100, learning_rate=0.05, random_state=0).fit(X, y)  # doctest: +SKIP
    >>> sorted(set(np.abs(b.result_.weights[:2]).tolist())), b.result_.ledger.model_evaluations  # doctest: +SKIP
    ([1.0], 400)
    """

    name: ClassVar[str] = "binary-ste"
    binary: ClassVar[bool] = True

    @staticmethod
    def _sign_ste(torch, w):
        b = torch.where(w >= 0, torch.ones_like(w), -torch.ones_like(w))
        clipped = torch.clamp(w, -1.0, 1.0)
        return clipped + (b - clipped).detach()   # value: sign(w); gradient: d clip(w)/dw

    def _forward(self, torch, net, X):
        layers = [net] if isinstance(net, torch.nn.Linear) else [m for m in net if isinstance(m, torch.nn.Linear)]
        h = X
        for i, lin in enumerate(layers):
            h = torch.nn.functional.linear(h, self._sign_ste(torch, lin.weight), lin.bias)
            if i < len(layers) - 1:
                h = torch.tanh(h)
        return h.squeeze(-1)

    def _effective(self, w):
        # report the binarized weight matrices (what the forward pass uses); biases as they are
        torch = _torch()
        out = []
        for name, p in self.net_.named_parameters():
            v = p.detach().numpy().ravel()
            out.append(np.where(v >= 0, 1.0, -1.0) if name.endswith("weight") else v)
        return np.concatenate(out)


class LogisticBaseline:
    """scikit-learn's ``LogisticRegression`` (lbfgs), its cost in model evaluations.

    scikit-learn exposes iterations (``n_iter_``), not function evaluations, so the ledger holds
    ``n_iter_ * m`` forward passes -- a lower bound (L-BFGS's line search may evaluate more);
    ``info["cost_is_lower_bound"]`` says so.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y = np.array([0, 1, 1, 1])
    >>> b = LogisticBaseline(C=100.0).fit(X, y)
    >>> b.score(X, y), b.result_.ledger.model_evaluations > 0
    (1.0, True)
    """

    name: ClassVar[str] = "logistic"

    def __init__(self, C: float = 1.0, max_iter: int = 200) -> None:
        self.C = C
        self.max_iter = max_iter

    def fit(self, X, y, *, monitor: tuple | None = None):
        from sklearn.linear_model import LogisticRegression

        X, y = _check_Xy(X, y)
        mX, my = (X, y) if monitor is None else _check_Xy(*monitor)
        ledger = CostLedger()
        ledger.start()
        self.model_ = LogisticRegression(C=float(self.C), max_iter=int(self.max_iter)).fit(X, y.astype(int))
        n_iter = int(np.max(self.model_.n_iter_))
        ledger.update(model_evaluations=n_iter * X.shape[0])
        ledger.stop()
        acc = self.score(mX, my)
        ledger.record(best_loss=1.0 - acc, accuracy=acc)
        w = np.concatenate([self.model_.coef_.ravel(), self.model_.intercept_])
        self.result_ = SearchResult(
            bits=np.zeros(0, dtype=np.uint8), loss=float(1.0 - self.score(X, y)), ledger=ledger,
            history=ledger.history, weights=w, variables=[],
            info={"start_accuracy": float(np.mean(my == 0)),  # zero weights: p = 0.5, predicts class 0
                  "final_accuracy": acc, "n_iter": n_iter, "cost_is_lower_bound": True,
                  "n_train": int(X.shape[0])},
        )
        return self

    def predict(self, X) -> np.ndarray:
        return self.model_.predict(np.asarray(X, dtype=np.float32)).astype(np.uint8)

    def score(self, X, y) -> float:
        return float(np.mean(self.predict(X) == np.asarray(y)))
