"""Quantized networks trained by quantum search, side by side with gradient-trained and rounded ones.

Data (60/40 stratified splits, random_state=0; MNIST: its own 4,000/1,000 split): circles (1,000
points, noise 0.1, factor 0.5), moons (1,000, noise 0.3), gaussian quantiles (1,000 points, 2 features,
2 classes), breast cancer, digits (10 classes); with ``--mnist`` the bundled MNIST at 14x14 instead
(``--mnist 28``: at 28x28).

Methods, all in one run on the same splits:

- ``LogisticRegression`` (float, linear), D-Wave's QBoost recipe (``quark.baselines.QBoostClassifier``:
  decision stumps chosen by annealing; one-vs-one with many classes) and a float ``MLPClassifier`` (ReLU,
  the same hidden width);
- **PTQ k-bit**: that float MLP with every layer's weights rounded to k-bit levels over its own range
  (1 bit: the sign times the mean magnitude), biases to 4 bits; activations stay float ReLU;
- **STE k-bit**: Quark's own network form (sign units, k-bit weights, 4-bit biases) trained by
  straight-through estimators in torch (Adam at 0.01, full batch, 1,000 epochs, cross-entropy), then evaluated exactly;
- **Quark** ``QuarkClassifier(model="quantized-mlp", random_state=0)`` at its defaults (2-bit weights),
  from the ridge start and from ``start="random"`` (the search alone), and at 1 and 4 bits (ridge start).

Reported: test accuracy, training error, fit seconds, and for Quark its training loss (hinge), oracle
queries and block steps. The accuracy of Quark's start (before any search) is in the table too: where
the searched network beats it, the search earned the difference.

    python benchmarks/networks.py             # circles, moons, quantiles, breast cancer, digits (~5 min)
    python benchmarks/networks.py --mnist     # MNIST 14x14 alone, Quark from the ridge start (~5 min CPU)
    python benchmarks/networks.py --mnist 28  # the same at 28x28
    python benchmarks/networks.py --ablations # the measurements behind the defaults
    python benchmarks/networks.py --wider     # wider networks on digits-10 (~15 min)
    python benchmarks/networks.py --wider --mnist  # a 128-unit network on MNIST 14x14, 3 sweeps
    python benchmarks/networks.py --linear    # Quark's linear model at its defaults on the same splits
    python benchmarks/networks.py --float-start          # start="float" against the ridge start (~15 min)
    python benchmarks/networks.py --float-start --mnist  # the same on MNIST 14x14
    python benchmarks/networks.py --inputs    # standardized, clipped or pixel-range input (~15 min)
    python benchmarks/networks.py --float-start --mnist --hidden 256 --sweeps 3  # one wider float-start fit
    python benchmarks/networks.py --float-start --hidden 256 --scale range       # the same on pixel-range input
    python benchmarks/networks.py --float-start --hidden 256 --scale range --seed 1  # another random_state
    python benchmarks/networks.py --float-start --mnist --hidden 512,256 --scale range  # two hidden layers
    python benchmarks/networks.py --float-start --mnist --hidden 512 --bits 2,4 --scale range  # a 4-bit output layer
    python benchmarks/networks.py --ceiling   # the float ceiling on the digits-10 split (networks_ceiling.py)
    python benchmarks/networks.py --ceiling --mnist  # the same on MNIST 14x14 (smaller MLP grid)
    python benchmarks/networks.py --ceiling --quark  # Quark's network pushed on digits-10 (~40 min)
    python benchmarks/networks.py --quick     # small subsets (a test)

Writes docs/figures/networks.{json,md} (``--out`` to change).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

BITS = (1, 2, 4)


def _split(X, y):
    from sklearn.model_selection import train_test_split

    return train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)


def datasets(quick: bool, mnist: int | None) -> dict:
    """The benchmark's splits; ``mnist``: only the bundled MNIST at that side (14 or 28) instead."""
    from sklearn.datasets import (load_breast_cancer, load_digits, make_circles, make_gaussian_quantiles,
                                  make_moons)

    if mnist:
        from quark.datasets import load_mnist

        Xtr, ytr = load_mnist(mnist, subset="train")
        Xte, yte = load_mnist(mnist, subset="test")
        return {f"MNIST {mnist}x{mnist}": (Xtr, Xte, ytr, yte)}
    X, y = load_digits(return_X_y=True)
    if quick:
        return {"circles": _split(*make_circles(200, noise=0.1, factor=0.5, random_state=0)),
                "digits, 10 classes": _split(X[:300], y[:300])}
    out = {
        "circles": _split(*make_circles(1000, noise=0.1, factor=0.5, random_state=0)),
        "moons": _split(*make_moons(1000, noise=0.3, random_state=0)),
        "gaussian quantiles": _split(*make_gaussian_quantiles(n_samples=1000, n_features=2, n_classes=2,
                                                              random_state=0)),
        "breast cancer": _split(*load_breast_cancer(return_X_y=True)),
        "digits, 10 classes": _split(X, y),
    }
    return out


# -- baselines -----------------------------------------------------------------------------------
def _scaled(Xtr, Xte):
    from sklearn.preprocessing import StandardScaler

    s = StandardScaler().fit(Xtr)
    return s.transform(Xtr), s.transform(Xte)


def _round_layer(W: np.ndarray, k: int) -> np.ndarray:
    top = float(np.abs(W).max()) or 1.0
    if k == 1:
        return np.sign(W) * np.abs(W).mean()
    step = 2 * top / (2**k - 1)
    return np.clip(np.round((W + top) / step), 0, 2**k - 1) * step - top


def qboost(Xtr, ytr, Xte, yte) -> dict:
    """D-Wave's QBoost recipe (decision stumps selected by annealing; one-vs-one with many classes, its better
    form on digits: docs/real_data.md), on the raw features (stumps do not care for scale)."""
    from quark.baselines import QBoostClassifier

    t = time.perf_counter()
    clf = QBoostClassifier("ovo" if len(np.unique(ytr)) > 2 else "ovr").fit(Xtr, ytr)
    return {"method": "QBoost recipe", "test": clf.score(Xte, yte), "train_error": 1 - clf.score(Xtr, ytr),
            "seconds": time.perf_counter() - t}


def float_mlp_and_ptq(Xtr, ytr, Xte, yte, hidden: int) -> list[dict]:
    from sklearn.neural_network import MLPClassifier

    Xs, Xt = _scaled(Xtr, Xte)
    t = time.perf_counter()
    mlp = MLPClassifier(hidden_layer_sizes=(hidden,), max_iter=2000, random_state=0).fit(Xs, ytr)
    secs = time.perf_counter() - t
    rows = [{"method": "float MLP", "test": mlp.score(Xt, yte), "train_error": 1 - mlp.score(Xs, ytr),
             "seconds": secs}]
    for k in BITS:
        q = [_round_layer(W, k) for W in mlp.coefs_]
        b = [_round_layer(v, 4) for v in mlp.intercepts_]

        def predict(X):
            h = np.maximum(X @ q[0] + b[0], 0)
            s = h @ q[1] + b[1]
            return (s[:, 0] > 0).astype(int) if s.shape[1] == 1 else s.argmax(axis=1)

        rows.append({"method": f"PTQ {k}-bit", "test": float(np.mean(mlp.classes_[predict(Xt)] == yte)),
                     "train_error": float(np.mean(mlp.classes_[predict(Xs)] != ytr)), "seconds": secs})
    return rows


def ste_network(Xtr, ytr, Xte, yte, hidden: int, k: int, epochs: int = 1000) -> dict:
    """Quark's network form trained by straight-through estimators, evaluated with Quark's forward pass."""
    import torch

    from quark.encoding.network import NetworkEncoding
    from quark.models import QuantizedMLP

    torch.manual_seed(0)
    torch.set_num_threads(1)
    Xs, Xt = _scaled(Xtr, Xte)
    classes = np.unique(ytr)
    yi = np.searchsorted(classes, ytr)
    C = len(classes)
    model = QuantizedMLP(hidden=hidden, bits=k, n_outputs=1 if C == 2 else C)
    enc = NetworkEncoding(model, Xs.shape[1])
    sizes = model.layers(Xs.shape[1])
    t0 = time.perf_counter()
    params = [torch.nn.Parameter(torch.empty(o, i + 1).uniform_(-1, 1)) for i, o in sizes]

    def q(w, bits):  # nearest level over [-1, 1], gradient straight through
        top = 2**bits - 1
        wq = torch.round((w.clamp(-1, 1) + 1) * top / 2) * 2 / top - 1
        return w + (wq - w).detach()

    def forward(X):
        h = X
        for l, P in enumerate(params):
            fan_in = P.shape[1] - 1
            a = h @ q(P[:, :fan_in], k).T / fan_in**0.5 + q(P[:, fan_in], 4)
            if l < len(params) - 1:
                soft = a.clamp(-1, 1)
                h = soft + (torch.where(a >= 0, 1.0, -1.0) - soft).detach()
            else:
                h = a
        return h

    X_t, y_t = torch.tensor(Xs, dtype=torch.float32), torch.tensor(yi)
    opt = torch.optim.Adam(params, lr=0.01)
    for _ in range(epochs):
        opt.zero_grad()
        s = forward(X_t)
        loss = (torch.nn.functional.binary_cross_entropy_with_logits(4 * s[:, 0], y_t.float()) if C == 2
                else torch.nn.functional.cross_entropy(4 * s, y_t))
        loss.backward()
        opt.step()
    secs = time.perf_counter() - t0
    flat = np.concatenate([P.detach().numpy().clip(-1, 1).ravel() for P in params]).astype(np.float64)
    W = enc.nearest(flat)  # exactly the levels Quark searches

    def accuracy(X, y):
        S = model.class_scores(W, X)
        pred = (S[:, 0] > 0).astype(int) if C == 2 else S.argmax(axis=1)
        return float(np.mean(classes[pred] == y))

    return {"method": f"STE {k}-bit", "test": accuracy(Xt, yte), "train_error": 1 - accuracy(Xs, ytr), "seconds": secs}


def stopped_after(sweeps: int) -> dict:
    """The classifier's options for the network's own block search (``order="structured"``, its block size)
    stopped after ``sweeps`` sweeps."""
    from quark.estimators.network import NETWORK_BLOCK_SIZE

    return {"optimizer": "block",
            "optimizer_options": {"order": "structured", "block_size": NETWORK_BLOCK_SIZE, "max_sweeps": sweeps}}


def quark_network(Xtr, ytr, Xte, yte, label: str, random_state: int = 0, **params) -> dict:
    from quark import QuarkClassifier

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = QuarkClassifier(model="quantized-mlp", random_state=random_state, **params).fit(Xtr, ytr)
    secs = time.perf_counter() - t
    info, ledger = clf.result_.info, clf.result_.ledger
    return {"method": label, "test": clf.score(Xte, yte), "train_error": info["train_error"], "seconds": secs,
            "loss": clf.result_.loss, "start_loss": info["start_loss"], "start_error": info["start_error"],
            "oracle_queries": int(ledger.oracle_queries), "block_steps": int(info.get("block_steps", 0)),
            "sweeps": len(info.get("sweeps", ())), "stop": info.get("stop_reason"), "n_qubits": int(clf.bits_.size),
            "compile_evaluations": int(ledger.compile_evaluations)}


def run(data: dict, quick: bool) -> dict:
    from sklearn.linear_model import LogisticRegression

    out = {}
    for name, (Xtr, Xte, ytr, yte) in data.items():
        hidden = 32
        rows = []
        Xs, Xt = _scaled(Xtr, Xte)
        t = time.perf_counter()
        lr = LogisticRegression(max_iter=5000).fit(Xs, ytr)
        rows.append({"method": "LogisticRegression", "test": lr.score(Xt, yte), "train_error": 1 - lr.score(Xs, ytr),
                     "seconds": time.perf_counter() - t})
        # 45 one-vs-one stump QUBOs: 15 s even on a digits subset; on MNIST 28x28, 784 stumps a problem
        # (dense QUBOs of 784 variables, simulated annealing per penalty), not done in 20 minutes
        if not (quick and len(np.unique(ytr)) > 2) and name != "MNIST 28x28":
            rows.append(qboost(Xtr, ytr, Xte, yte))
        rows += float_mlp_and_ptq(Xtr, ytr, Xte, yte, hidden)
        for k in BITS:
            rows.append(ste_network(Xtr, ytr, Xte, yte, hidden, k, epochs=30 if quick else 1000))
        opts = {"hidden": hidden}
        rows.append(quark_network(Xtr, ytr, Xte, yte, "Quark 2-bit (ridge start)", model_options=opts))
        if not name.startswith("MNIST"):  # MNIST: the ridge start only (time)
            rows.append(quark_network(Xtr, ytr, Xte, yte, "Quark 2-bit (random start)", model_options=opts,
                                      start="random"))
        if not quick and not name.startswith("MNIST"):
            for k in (1, 4):
                rows.append(quark_network(Xtr, ytr, Xte, yte, f"Quark {k}-bit (ridge start)", model_options=opts,
                                          weight_bits=k))
        for r in rows:
            print(f"{name:20s} {r['method']:28s} test {r['test']:.4f}  train err {r['train_error']:.4f}  "
                  f"{r['seconds']:7.1f} s" + (f"  queries {r['oracle_queries']}  steps {r['block_steps']}"
                                              if "oracle_queries" in r else ""), flush=True)
        out[name] = {"hidden": hidden, "n_train": int(len(ytr)), "rows": rows}
    return out


def block_modes(data: dict, names=("circles", "moons")) -> list[dict]:
    """Blocks within a unit (incremental), within a layer, or anywhere (full forward passes), same budget."""
    rows = []
    for name in names:
        Xtr, Xte, ytr, yte = data[name]
        for mode in ("unit", "layer", "random"):
            r = quark_network(Xtr, ytr, Xte, yte, f"blocks={mode}", model_options={"blocks": mode})
            rows.append({"data": name, **r})
            print(f"{name:20s} blocks={mode:7s} loss {r['loss']:.4f} test {r['test']:.4f} {r['seconds']:.1f} s "
                  f"steps {r['block_steps']}", flush=True)
    return rows


ABLATIONS = ({"hinge_margin": 0.25}, {"hinge_margin": 0.5}, {"hinge_margin": 1.0}, {"activation": "clip"},
             {"hidden": 16}, {"hidden": 64})
DIGIT_MARGINS = (0.5, 1.5)  # 3.0, the default, is the main table's row


def ablations(data: dict) -> list[dict]:
    """The choices behind the defaults: margin, activation and width on circles and moons, both starts;
    the multi-class margin on digits (ridge start)."""
    rows = []
    for name in ("circles", "moons"):
        Xtr, Xte, ytr, yte = data[name]
        for opts in ABLATIONS:
            for start in ("ridge", "random"):
                r = quark_network(Xtr, ytr, Xte, yte, f"{opts} {start}", model_options=opts, start=start)
                rows.append({"data": name, **r})
                print(f"{name:10s} {r['method']:40s} test {r['test']:.4f}  {r['seconds']:.1f} s", flush=True)
    Xtr, Xte, ytr, yte = data["digits, 10 classes"]
    for m in DIGIT_MARGINS:
        r = quark_network(Xtr, ytr, Xte, yte, f"{{'hinge_margin': {m}}} ridge", model_options={"hinge_margin": m})
        rows.append({"data": "digits, 10 classes", **r})
        print(f"digits     {r['method']:40s} test {r['test']:.4f}  {r['seconds']:.1f} s", flush=True)
    return rows


#: ``--wider``: width, activation and margin for ten classes, at ``max_sweeps=3`` (same block search as the
#: default: ``block_size=10``, ``order="structured"``) unless a row says "defaults" (10 sweeps)
WIDER = (("digits, 10 classes", {"hidden": 128}, 3), ("digits, 10 classes", {"hidden": 256}, 3),
         ("digits, 10 classes", {"hidden": 128, "activation": "clip"}, 3),
         ("digits, 10 classes", {"hidden": 128, "hinge_margin": 6.0}, 3),
         ("digits, 10 classes", {"hidden": 128}, None), ("MNIST 14x14", {"hidden": 128}, 3))


def linear(data: dict) -> list[dict]:
    """Quark's linear model at its defaults (4-bit fixed-point, one-vs-one) on every data set."""
    from quark import QuarkClassifier

    rows = []
    for name, (Xtr, Xte, ytr, yte) in data.items():
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = QuarkClassifier(random_state=0).fit(Xtr, ytr)
        rows.append({"data": name, "method": "Quark linear (defaults)", "test": clf.score(Xte, yte),
                     "train_error": 1 - clf.score(Xtr, ytr), "seconds": time.perf_counter() - t})
        print(f"{name:20s} Quark linear test {rows[-1]['test']:.4f}  {rows[-1]['seconds']:.1f} s", flush=True)
    return rows


#: ``--float-start``: ``(label, params, ten classes only)``; ``start="float"`` rounds a float network's hidden
#: layers (post-training quantization) and the search goes on from there; the ridge start beside it
FLOAT_TRIES = (("2-bit, ridge start (the defaults)", {}, False),
               ("2-bit, float start alone (optimizer='none')", {"start": "float", "optimizer": "none"}, False),
               ("2-bit, float start", {"start": "float"}, False),
               ("1-bit, float start", {"start": "float", "weight_bits": 1}, False),
               ("1-bit, ridge start", {"weight_bits": 1}, False),
               ("2-bit, 128 units, float start alone", {"start": "float", "optimizer": "none", "hidden": 128}, True),
               ("2-bit, 128 units, float start, 3 sweeps", {"start": "float", "hidden": 128, "sweeps": 3}, True),
               ("2-bit, 128 units, ridge start, 3 sweeps", {"hidden": 128, "sweeps": 3}, True))


def float_start_at(data: dict, hidden, sweeps: int = 3, scale: str = "auto", seed: int = 0,
                   bits: tuple | None = None) -> list[dict]:
    """One ``start="float"`` fit per data set at ``hidden`` units (an int, or one per hidden layer), ``sweeps``
    sweeps, the classifier's ``scale``, ``random_state=seed`` and the model's ``bits`` per layer (default: 2 bits)."""
    layers = (hidden,) if isinstance(hidden, int) else tuple(hidden)
    width = f"{layers[0]} units" if len(layers) == 1 else " + ".join(map(str, layers)) + " units"
    label = (("2-bit" if bits is None else "bits " + "/".join(map(str, bits))) + f", {width}, float start, "
             f"{sweeps} sweeps" + (f", scale={scale!r}" if scale != "auto" else "")
             + (f", random_state={seed}" if seed else ""))
    options = {"hidden": layers[0] if len(layers) == 1 else layers, **({} if bits is None else {"bits": tuple(bits)})}
    return [{"data": name, **quark_network(Xtr, ytr, Xte, yte, label, random_state=seed, start="float", scale=scale,
                                           model_options=options, **stopped_after(sweeps))}
            for name, (Xtr, Xte, ytr, yte) in data.items()]


def _ints(text: str) -> tuple[int, ...]:
    """``"512,256"`` -> ``(512, 256)`` (an argparse type)."""
    try:
        values = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas; got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive whole numbers; got {text!r}")
    return values


def float_starts(data: dict, quick: bool = False) -> list[dict]:
    """``start="float"`` against the ridge start, and the float network it rounds (tanh, the same width);
    ``quick``: 32 units only."""
    from sklearn.neural_network import MLPClassifier

    rows = []
    for name, (Xtr, Xte, ytr, yte) in data.items():
        ten = len(np.unique(ytr)) > 2 and not quick
        for hidden in (32, 128) if ten else (32,):
            Xs, Xt = _scaled(Xtr, Xte)
            t = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mlp = MLPClassifier(hidden_layer_sizes=(hidden,), activation="tanh", random_state=0).fit(Xs, ytr)
            rows.append({"data": name, "method": f"float tanh MLP, {hidden} units (what the float start rounds)",
                         "test": mlp.score(Xt, yte), "train_error": 1 - mlp.score(Xs, ytr),
                         "seconds": time.perf_counter() - t})
            print(f"{name:20s} {rows[-1]['method']:60s} test {rows[-1]['test']:.4f}", flush=True)
        for label, params, ten_only in FLOAT_TRIES:
            if ten_only and not ten:
                continue
            params = dict(params)
            opts = {"hidden": params.pop("hidden", 32)}
            sweeps = params.pop("sweeps", None)
            if sweeps is not None:
                params.update(stopped_after(sweeps))
            r = quark_network(Xtr, ytr, Xte, yte, label, model_options=opts, **params)
            rows.append({"data": name, **r})
            print(f"{name:20s} {label:60s} test {r['test']:.4f}  {r['seconds']:.1f} s  steps {r['block_steps']}",
                  flush=True)
    return rows


def wider(data: dict) -> list[dict]:
    """Wider hidden layers (and their activation and margin) on ten classes: the accuracy study."""
    rows = []
    for name, opts, sweeps in WIDER:
        if name not in data:
            continue
        Xtr, Xte, ytr, yte = data[name]
        search = {} if sweeps is None else stopped_after(sweeps)
        r = quark_network(Xtr, ytr, Xte, yte, f"{opts}, " + ("defaults" if sweeps is None else f"{sweeps} sweeps"),
                          model_options=opts, **search)
        rows.append({"data": name, **r})
        print(f"{name:20s} {r['method']:55s} test {r['test']:.4f}  {r['seconds']:.1f} s", flush=True)
    return rows


#: ``--inputs``: what the network is given — ``(label, clip)``: standardized features clipped at ``±clip``
#: standard deviations (``None``: not clipped), or ``"range"``: every feature over the training set's
#: largest absolute value (``scale="range"``)
INPUTS = (("standardized (scale='auto')", None), ("standardized, clipped at ±3", 3.0),
          ("standardized, clipped at ±2", 2.0), ("pixel range (scale='range')", "range"))


def _network_input(Xtr, Xte, clip) -> tuple[np.ndarray, np.ndarray, dict]:
    """The training and test features and the classifier's ``scale`` for one row of :data:`INPUTS`."""
    if clip is None or clip == "range":
        return Xtr, Xte, {"scale": "auto" if clip is None else "range"}
    A, B = _scaled(Xtr, Xte)
    return np.clip(A, -clip, clip), np.clip(B, -clip, clip), {"scale": False}


#: ``--inputs``, ``--margins``: the validation splits of each training set (70/30, stratified) that check a
#: test-set difference
VALIDATION_SEEDS = (0, 1)


def validation_splits(Xtr, ytr) -> list[tuple]:
    """``(X_fit, X_val, y_fit, y_val)`` per seed of :data:`VALIDATION_SEEDS`: 70/30 stratified splits of a
    training set."""
    from sklearn.model_selection import train_test_split

    return [train_test_split(Xtr, ytr, test_size=0.3, stratify=ytr, random_state=seed) for seed in VALIDATION_SEEDS]


def input_scalings(data: dict, quick: bool = False) -> list[dict]:
    """The network from the ridge and the float start on each input of :data:`INPUTS`: at the defaults on
    two classes, at 128 units (``quick``: 16) and three sweeps on ten (where the network wants width).

    Each row also fits on 70% of the training set and scores the other 30% (:data:`VALIDATION_SEEDS`), so that a
    difference on the one test split can be told from the spread of a choice made on it."""
    rows = []
    width = 16 if quick else 128
    for name, (Xtr, Xte, ytr, yte) in data.items():
        many = len(np.unique(ytr)) > 2
        size = {"model_options": {"hidden": width}, **stopped_after(3)} if many else {}
        splits = validation_splits(Xtr, ytr)
        for label, clip in INPUTS:
            A, B, scale = _network_input(Xtr, Xte, clip)
            held = [(*_network_input(Xa, Xv, clip)[:2], ya, yv) for Xa, Xv, ya, yv in splits]
            for start in ("ridge", "float"):
                method = f"{label}, {start} start" + (f", {width} units, 3 sweeps" if many else ", defaults")
                r = quark_network(A, ytr, B, yte, method, start=start, **scale, **size)
                r["validation"] = [quark_network(Va, ya, Vv, yv, method, start=start, **scale, **size)["test"]
                                   for Va, Vv, ya, yv in held]
                rows.append({"data": name, **r})
                print(f"{name:20s} {method:70s} test {r['test']:.4f}  validation "
                      f"{' / '.join(f'{v:.4f}' for v in r['validation'])}  {r['seconds']:.1f} s", flush=True)
    return rows


#: ``--margins``: the multi-class hinge margins compared (``hinge_margin="auto"`` is 3.0 with one output per class)
MARGINS = (0.5, 1.0, 2.0, 3.0)


def margin_datasets(quick: bool) -> dict:
    """``--margins``: data with three to ten classes, few features to many (the 60/40 split, ``random_state=0``)."""
    from sklearn.datasets import load_digits, load_iris, load_wine, make_classification, make_gaussian_quantiles

    if quick:
        X, y = load_digits(n_class=3, return_X_y=True)
        return {"digits, 3 classes": _split(X[:240], y[:240])}
    return {
        "gaussian quantiles, 3 classes": _split(*make_gaussian_quantiles(n_samples=1000, n_features=2, n_classes=3,
                                                                         random_state=0)),
        "make_classification, 5 classes": _split(*make_classification(
            n_samples=1000, n_features=10, n_informative=6, n_classes=5, n_clusters_per_class=2, random_state=0)),
        "iris": _split(*load_iris(return_X_y=True)),
        "wine": _split(*load_wine(return_X_y=True)),
        "digits, 5 classes": _split(*load_digits(n_class=5, return_X_y=True)),
        "digits, 10 classes": _split(*load_digits(return_X_y=True)),
    }


def margins(data: dict, values=None) -> list[dict]:
    """The network at its defaults but the hinge margin, on the test split and the validation splits
    (:data:`VALIDATION_SEEDS`), beside a float MLP of the same width."""
    rows = []
    for name, (Xtr, Xte, ytr, yte) in data.items():
        f = next(r for r in float_mlp_and_ptq(Xtr, ytr, Xte, yte, 32) if r["method"].startswith("float"))
        rows.append({"data": name, **f, "method": "float MLP, 32 ReLU units (reference)", "validation": []})
        splits = validation_splits(Xtr, ytr)
        for m in MARGINS if values is None else values:
            method = f"hinge margin {m:g}" + (" (the default)" if m == 3.0 else "")
            opts = {"model_options": {"hinge_margin": m}}
            r = quark_network(Xtr, ytr, Xte, yte, method, **opts)
            r["validation"] = [quark_network(a, c, b, d, method, **opts)["test"] for a, b, c, d in splits]
            rows.append({"data": name, **r})
            print(f"{name:32s} {method:30s} test {r['test']:.4f}  validation "
                  f"{' / '.join(f'{v:.4f}' for v in r['validation'])}  train err {r['train_error']:.4f}  "
                  f"{r['seconds']:.1f} s", flush=True)
    return rows


#: ``--ceiling --quark``: Quark's network on digits-10 at wider layers, clip units, 4 bits and pixel-range
#: input (``scale=False`` on X / max, the preprocessing under which the float models gain most);
#: ``(input, model_options, weight_bits, max_sweeps)``, block search ``order="structured", block_size=10``
QUARK_TRIES = (("pixels / max", {"hidden": 256}, None, 3), ("standardized", {"hidden": 512}, None, 2),
               ("pixels / max", {"hidden": 512}, None, 2),
               ("pixels / max", {"hidden": 512, "activation": "clip"}, None, 1),
               ("pixels / max", {"hidden": 256}, 4, 1))


def quark_tries(data: dict, tries=QUARK_TRIES) -> list[dict]:
    """Quark's network pushed towards the digits target; each row's input, options and sweeps in its label."""
    rows = []
    Xtr, Xte, ytr, yte = data["digits, 10 classes"]
    for inp, opts, bits, sweeps in tries:
        top = float(np.abs(Xtr).max())
        A, B, extra = (Xtr / top, Xte / top, {"scale": False}) if inp == "pixels / max" else (Xtr, Xte, {})
        if bits is not None:
            extra["weight_bits"] = bits
        label = f"{inp}, {opts}" + (f", {bits}-bit" if bits else "") + f", {sweeps} sweep" + ("s" if sweeps > 1 else "")
        r = quark_network(A, ytr, B, yte, label, model_options=opts, **stopped_after(sweeps), **extra)
        rows.append({"data": "digits, 10 classes", **r})
        print(f"{label:70s} test {r['test']:.4f}  {r['seconds']:.1f} s  steps {r['block_steps']}", flush=True)
    return rows


def write_ceiling_markdown(path: Path, result: dict) -> None:
    """networks_ceiling.md beside ``path`` (the .json) from every part in ``result``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import networks_ceiling

    parts = [k for k in ("digits", "mnist", "quark") if k in result]
    lines = ["Produced by " + ", ".join(f"`{result[k]['command']}`" for k in parts)
             + " (each writes its part).", ""]
    lines += networks_ceiling.markdown([r for k in ("digits", "mnist") if k in result for r in result[k]["rows"]],
                                       result.get("quark", {}).get("rows", []))
    path.with_suffix(".md").write_text("\n".join(lines) + "\n")


def ceiling_run(args, data: dict) -> dict:
    """``--ceiling``: one part of docs/figures/networks_ceiling.{json,md} per run; the others are kept."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import networks_ceiling

    key = "quark" if args.quark else ("mnist" if args.mnist else "digits")
    if args.quark:
        rows = quark_tries(data, QUARK_TRIES[:1] if args.quick else QUARK_TRIES)
    else:
        rows = networks_ceiling.ceiling(data, args.quick, args.mnist)
    command = "python benchmarks/networks.py --ceiling" + {"digits": "", "mnist": " --mnist", "quark": " --quark"}[key]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / ("networks_ceiling_quick.json" if args.quick else "networks_ceiling.json")
    result = json.loads(path.read_text()) if path.exists() else {}  # read late: the other parts may run meanwhile
    result[key] = {"command": command + (" --quick" if args.quick else ""), "rows": rows}
    path.write_text(json.dumps(result, indent=1, default=float))
    write_ceiling_markdown(path, result)
    return result


def markdown(result: dict, command: str) -> str:
    lines = [f"Produced by `{command}`.", ""]
    modes = result.pop("_block_modes", None)
    for name, d in result.items():
        if name.startswith("_"):
            continue
        lines += [f"**{name}** ({d['n_train']} training samples, {d['hidden']} hidden units)", "",
                  "| method | test accuracy | training error | fit s | Quark loss (start -> searched) | "
                  "start error | oracle queries | block steps |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in d["rows"]:
            q = "oracle_queries" in r
            lines.append(f"| {r['method']} | {r['test']:.4f} | {r['train_error']:.4f} | {r['seconds']:.1f} | "
                         + (f"{r['start_loss']:.4f} -> {r['loss']:.4f} | {r['start_error']:.4f} | "
                            f"{r['oracle_queries']:,} | {r['block_steps']:,} |" if q else "| | | |"))
        lines.append("")
    if modes:
        lines += ["**Block grouping** (Quark defaults, ridge start; `model_options={'blocks': ...}`)", "",
                  "| data | blocks | training loss | test accuracy | fit s | block steps |", "|---|---|---|---|---|---|"]
        lines += [f"| {r['data']} | {r['method'][7:]} | {r['loss']:.4f} | {r['test']:.4f} | {r['seconds']:.1f} | "
                  f"{r['block_steps']:,} |" for r in modes]
        result["_block_modes"] = modes
    inputs = result.get("_inputs")
    if inputs:
        lines += ["**The network's input** (`--inputs`): validation = the same fit on 70% of the training set, scored "
                  f"on the other 30% (stratified splits, random_state {', '.join(map(str, VALIDATION_SEEDS))})", "",
                  "| data | input, start, size | test accuracy | validation accuracy | training error | fit s | "
                  "oracle queries |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['data']} | {r['method']} | {r['test']:.4f} | {' / '.join(f'{v:.4f}' for v in r['validation'])} "
                  f"| {r['train_error']:.4f} | {r['seconds']:.1f} | {r['oracle_queries']:,} |" for r in inputs]
    margin_rows = result.get("_margins")
    if margin_rows:
        lines += ["**The multi-class hinge margin** (`--margins`): Quark's network at its defaults but the margin; "
                  "validation = the same fit on 70% of the training set, scored on the other 30% (stratified splits, "
                  f"random_state {', '.join(map(str, VALIDATION_SEEDS))})", "",
                  "| data | method | test accuracy | validation accuracy | training error | fit s |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['data']} | {r['method']} | {r['test']:.4f} | "
                  f"{' / '.join(f'{v:.4f}' for v in r['validation']) or '—'} | {r['train_error']:.4f} | "
                  f"{r['seconds']:.1f} |" for r in margin_rows]
    for key, title in (("_wider", "**Wider networks** (`--wider`)"),
                       ("_float", "**The float start** (`--float-start`): float rows are the float network alone")):
        wide = [r for r in result.get(key) or () if "oracle_queries" in r]
        if not wide:
            continue
        floats = [r for r in result.get(key) if "oracle_queries" not in r]
        lines += ["", title, ""]
        if floats:
            lines += ["| data | float network | test accuracy | training error | fit s |", "|---|---|---|---|---|"]
            lines += [f"| {r['data']} | {r['method']} | {r['test']:.4f} | {r['train_error']:.4f} | {r['seconds']:.1f} |"
                      for r in floats]
            lines.append("")
        lines += ["| data | options, sweeps | test accuracy | training error | loss (start -> searched) | start error | "
                  "fit s | oracle queries | block steps |", "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['data']} | {r['method']} | {r['test']:.4f} | {r['train_error']:.4f} | {r['start_loss']:.4f} -> "
                  f"{r['loss']:.4f} | {r['start_error']:.4f} | {r['seconds']:.1f} | {r['oracle_queries']:,} | "
                  f"{r['block_steps']:,} |" for r in wide]
    for key, title, method in (("_linear", "**Quark's linear model** (`--linear`)", "method"),
                               ("_ablations", "**Ablations** (`--ablations`)", "options, start")):
        rows = result.get(key)
        if rows:
            lines += ["", title, "", f"| data | {method} | test accuracy | training error | fit s |", "|---|---|---|---|---|"]
            lines += [f"| {r['data']} | {r['method']} | {r['test']:.4f} | {r['train_error']:.4f} | {r['seconds']:.1f} |"
                      for r in rows]
    return "\n".join(lines)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small subsets, short STE training (a test)")
    ap.add_argument("--mnist", type=int, nargs="?", const=14, choices=(14, 28),
                    help="the bundled MNIST instead, at 14x14 (the default side) or --mnist 28")
    ap.add_argument("--ablations", action="store_true", help="only the ablations behind the defaults (~10 min)")
    ap.add_argument("--out", default="docs/figures", help="folder for networks.{json,md}")
    ap.add_argument("--wider", action="store_true",
                    help="wider networks on ten classes (digits-10; with --mnist, MNIST 14x14 only)")
    ap.add_argument("--linear", action="store_true", help="Quark's linear model at its defaults on the same splits")
    ap.add_argument("--float-start", action="store_true",
                    help="start='float' (a rounded float network) against the ridge start, and the float network")
    ap.add_argument("--hidden", type=_ints,
                    help="with --float-start: only the float start at this width (or widths, one per hidden layer: "
                         "512,256)")
    ap.add_argument("--bits", type=_ints,
                    help="with --float-start --hidden: bits per weight of each layer, hidden layers then the output "
                         "(2,4: 2-bit hidden, 4-bit output; default 2 bits everywhere)")
    ap.add_argument("--sweeps", type=int, default=3, help="with --float-start --hidden: block sweeps (default 3)")
    ap.add_argument("--scale", choices=("auto", "range"), default="auto",
                    help="with --float-start --hidden: the classifier's scale (range: pixels over their maximum)")
    ap.add_argument("--seed", type=int, default=0,
                    help="with --float-start --hidden: the classifier's random_state (default 0)")
    ap.add_argument("--inputs", action="store_true",
                    help="the network on standardized, clipped and pixel-range input, ridge and float start")
    ap.add_argument("--margins", action="store_true",
                    help="the multi-class hinge margin on three- to ten-class data (its own data sets)")
    ap.add_argument("--ceiling", action="store_true",
                    help="the float ceiling on the digits-10 split (--mnist: MNIST 14x14; --quark: Quark's tries)")
    ap.add_argument("--quark", action="store_true", help="with --ceiling: Quark's network pushed on digits-10")
    args = ap.parse_args(argv)
    if args.ceiling and args.mnist == 28:
        ap.error("--ceiling measures MNIST at 14x14 only (--mnist)")
    if args.margins and args.mnist:
        ap.error("--margins runs on its own data sets (three to ten classes), not MNIST")
    if (args.hidden or args.bits) and not (args.float_start and args.hidden):
        ap.error("--hidden and --bits set the one float-start fit: use them with --float-start, --hidden given")
    data = margin_datasets(args.quick) if args.margins else datasets(args.quick, None if args.quark else args.mnist)
    # MNIST's tables and command name its side only at 28 (14 is the historic, unsuffixed one)
    mnist_tag = {None: "", 14: "_mnist", 28: "_mnist28"}[args.mnist]
    mnist_flag = {None: "", 14: " --mnist", 28: " --mnist 28"}[args.mnist]
    if args.ceiling:
        return ceiling_run(args, data)
    if args.wider or args.linear or args.float_start or args.inputs or args.margins:
        if args.margins:
            kind, rows = "margins", margins(data)
        elif args.wider or args.linear:
            kind, rows = ("wider", wider(data)) if args.wider else ("linear", linear(data))
        elif args.inputs:
            kind, rows = "inputs", input_scalings(data, args.quick)
        else:
            kind, rows = "float", (float_start_at(data, args.hidden, args.sweeps, args.scale, args.seed, args.bits)
                                   if args.hidden else float_starts(data, args.quick))
        result = {f"_{kind}": rows}
        spell = lambda values: ",".join(map(str, values))  # noqa: E731
        wide = f" --hidden {spell(args.hidden)} --sweeps {args.sweeps}" if kind == "float" and args.hidden else ""
        wide += f" --bits {spell(args.bits)}" if wide and args.bits else ""
        wide += f" --scale {args.scale}" if wide and args.scale != "auto" else ""
        wide += f" --seed {args.seed}" if wide and args.seed else ""
        stem = f"networks_{kind}" + mnist_tag + wide.replace(" --", "_").replace(" ", "").replace(",", "-")
        flag = "float-start" if kind == "float" else kind
        command = f"python benchmarks/networks.py --{flag}" + mnist_flag + wide
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{stem}.json").write_text(json.dumps(result, indent=1, default=float))
        (out / f"{stem}.md").write_text(markdown(result, command))
        return result
    if args.ablations:
        result = {"_ablations": ablations(data)}
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "networks_ablations.json").write_text(json.dumps(result, indent=1, default=float))
        (out / "networks_ablations.md").write_text(markdown(result, "python benchmarks/networks.py --ablations"))
        return result
    result = run(data, args.quick)
    if not args.quick and not args.mnist:
        result["_block_modes"] = block_modes(data)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = "networks_quick" if args.quick else f"networks{mnist_tag}"
    command = "python benchmarks/networks.py" + (" --quick" if args.quick else "") + mnist_flag
    (out / f"{stem}.json").write_text(json.dumps(result, indent=1, default=float))
    (out / f"{stem}.md").write_text(markdown(result, command))
    return result


if __name__ == "__main__":
    main()
