"""The quantized network: its forward pass against a per-sample reference, its encoding, and the
incremental block landscapes against full re-evaluation."""

import math

import numpy as np
import pytest

from quark.encoding.network import NetworkEncoding, NetworkLandscape, RestrictedUnit
from quark.models import QuantizedMLP, get_model


def ref_scores(model, w, x):
    """Plain Python: layer by layer, unit by unit, from the documented definition."""
    layers = model.layers(len(x))
    h, pos = list(x), 0
    for l, (fan_in, fan_out) in enumerate(layers):
        out = []
        for _ in range(fan_out):
            ws, b = w[pos : pos + fan_in], w[pos + fan_in]
            pos += fan_in + 1
            a = sum(wi * hi for wi, hi in zip(ws, h)) / math.sqrt(fan_in) + b
            if l < len(layers) - 1:
                if model.activation == "sign":
                    a = 1.0 if a >= -1e-9 else -1.0
                else:
                    q = model.clip_levels
                    a = min(max(math.floor(a * q + 0.5 + 1e-9), -q), q) / q
            out.append(a)
        h = out
    return h


@pytest.mark.parametrize("options", [
    {"hidden": 3, "bits": 1},
    {"hidden": (4, 3), "bits": ("ternary", 2, 4), "activation": "clip", "n_outputs": 4},
    {"hidden": (5,), "bits": 4, "bias_bits": 2, "n_outputs": 3},
])
def test_forward_pass_equals_reference(options):
    rng = np.random.default_rng(0)
    model = QuantizedMLP(**options)
    X = rng.normal(size=(7, 3))
    enc = NetworkEncoding(model, 3)
    W = enc.decode(rng.integers(0, 2, size=(2, enc.n_qubits)))
    S = model.scores(W, X)
    for b in range(2):
        for i in range(7):
            np.testing.assert_allclose(S[b, i], ref_scores(model, W[b], X[i]), atol=1e-12)
    if model.outputs() == 1:
        np.testing.assert_allclose(model.decision(W, X), S[..., 0])
    else:
        with pytest.raises(ValueError, match="use scores"):
            model.decision(W, X)
        np.testing.assert_allclose(model.class_scores(W[0], X), S[0])


def test_encoding_levels_and_round_trip():
    model = QuantizedMLP(hidden=2, bits=("ternary", 2), bias_bits=3, n_outputs=3)
    enc = NetworkEncoding(model, 2)
    assert enc.n_qubits == 2 * (2 * 2 + 3) + 3 * (2 * 2 + 3)
    assert enc.n_weights == model.n_weights(2) == 2 * 3 + 3 * 3
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 2, size=(50, enc.n_qubits)).astype(np.uint8)
    W = enc.decode(bits)
    hidden_w = W[:, [0, 1, 3, 4]]
    assert set(np.unique(hidden_w)) <= {-1.0, 0.0, 1.0}
    out_w = W[:, [6, 7, 9, 10, 12, 13]]
    assert np.allclose(np.unique(out_w), [-1, -1 / 3, 1 / 3, 1])
    biases = W[:, [2, 5, 8, 11, 14]]
    assert set(np.round(np.unique(biases) * 7).astype(int)) <= set(range(-7, 8, 2))
    # every weight vector survives the round trip (ternary (1, 1) is the other code of 0)
    np.testing.assert_allclose(enc.decode(enc.encode(W)), W)
    # real values go to their nearest level
    near = enc.nearest(W + rng.uniform(-0.1, 0.1, size=W.shape))
    np.testing.assert_allclose(near, W)


def test_unit_bits_are_contiguous():
    enc = NetworkEncoding(QuantizedMLP(hidden=(3, 2), bits=2, n_outputs=4), 5)
    starts = [u[2] for u in enc.units]
    assert starts == sorted(starts) and enc.units[-1][3] == enc.n_qubits
    for k, (_, _, q0, q1, _) in enumerate(enc.units):
        assert (enc.unit_of_bit[q0:q1] == k).all()


def _all_settings(b):
    return ((np.arange(1 << b)[:, None] >> np.arange(b)) & 1).astype(np.uint8)


@pytest.mark.parametrize("options,loss,n_classes", [
    ({"hidden": 5, "bits": 2}, "hinge", 2),
    ({"hidden": (4, 3), "bits": ("ternary", 1, 4), "activation": "clip"}, "hinge", 4),
    ({"hidden": 6, "bits": 4, "hinge_margin": 0.2}, "zero_one", 3),
    ({"hidden": (3, 2), "bits": 1, "activation": "clip"}, "zero_one", 2),
])
def test_incremental_restriction_equals_full_evaluation(options, loss, n_classes):
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(60, 4)), rng.integers(0, n_classes, 60)
    model = QuantizedMLP(**options).prepare(X, y)
    land = NetworkLandscape(model, X, y, loss, margin=model.training_margin(), sample_weight=rng.random(60))
    base = rng.integers(0, 2, land.n_qubits).astype(np.uint8)
    for unit in land.encoding.units:  # a block in every unit of every layer
        free = rng.choice(np.arange(unit[2], unit[3]), size=min(6, unit[3] - unit[2]), replace=False)
        r = land.restrict(free, base)
        assert isinstance(r, RestrictedUnit)
        sub = _all_settings(free.size)
        full = land.evaluate(r.embed(sub))
        np.testing.assert_allclose(r.table(), full, atol=1e-12)
        np.testing.assert_allclose(r.evaluate(sub[::3]), full[::3], atol=1e-12)
        # the next base differs within this unit: the cached forward pass is updated from it
        base = r.embed(sub[rng.integers(0, sub.shape[0])])
    mixed = land.restrict([0, land.n_qubits - 1], base)
    assert not isinstance(mixed, RestrictedUnit)  # a block across units: the full forward pass
    np.testing.assert_allclose(mixed.table(), land.evaluate(mixed.embed(_all_settings(2))))


@pytest.mark.parametrize("options", [
    {"hidden": 40, "bits": 2},
    {"hidden": (24, 12), "bits": ("ternary", 2, 4), "activation": "clip"},
])
def test_cached_forward_state_equals_a_fresh_pass_to_the_bit(options):
    """Block after block a base changes within one unit, and the cached forward pass recomputes only that
    unit's column of its layer, then the layers above: it must be the fresh forward pass exactly (the
    restricted tables are built on it and checked against fresh evaluations)."""
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(90, 30)), rng.integers(0, 5, 90)
    model = QuantizedMLP(**options).prepare(X, y)
    land = NetworkLandscape(model, X, y, "hinge", margin=model.training_margin())
    enc = land.encoding
    base = rng.integers(0, 2, land.n_qubits).astype(np.uint8)
    land._forward_state(base)
    for unit in rng.permutation(len(enc.units))[:40]:
        q0, q1 = enc.units[unit][2:4]
        base = base.copy()
        base[q0:q1] = rng.integers(0, 2, q1 - q0)
        flat, layers, inputs, S0 = land._forward_state(base)
        fresh = model.forward(enc.decode(base)[None], X)
        np.testing.assert_array_equal(S0, fresh[-1][0])
        for h, h_fresh in zip(inputs[1:], fresh[:-1]):
            np.testing.assert_array_equal(h, h_fresh)


def test_losses_follow_their_definitions():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(30, 2)), rng.integers(0, 3, 30)
    model = QuantizedMLP(hidden=4, n_outputs=3)
    bits = rng.integers(0, 2, size=NetworkEncoding(model, 2).n_qubits)
    hinge = NetworkLandscape(model, X, y, "hinge", margin=0.7)
    zero_one = NetworkLandscape(model, X, y, "zero_one")
    S = model.class_scores(hinge.decode(bits), X)
    own = S[np.arange(30), y]
    other = np.where(np.arange(3)[None, :] == y[:, None], -np.inf, S).max(axis=1)
    assert hinge.evaluate(bits) == pytest.approx(np.maximum(0, 0.7 - (own - other)).mean())
    assert zero_one.evaluate(bits) == pytest.approx((own <= other).mean())
    assert zero_one.error_rate(bits) == pytest.approx((S.argmax(axis=1) != y).mean())


def test_natural_blocks_partition_the_bits():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(10, 3)), rng.integers(0, 2, 10)
    for mode in ("unit", "layer", "random"):
        land = NetworkLandscape(QuantizedMLP(hidden=(3, 2), n_outputs=1), X, y, blocks=mode)
        blocks = land.natural_blocks(5, rng)
        assert all(b.size <= 5 for b in blocks)
        assert np.array_equal(np.sort(np.concatenate(blocks)), np.arange(land.n_qubits))
        if mode == "unit":
            assert all(np.unique(land.encoding.unit_of_bit[b]).size == 1 for b in blocks)


def test_bad_options_are_named():
    with pytest.raises(ValueError, match="'bits'"):
        QuantizedMLP(bits="five").n_weights(3)
    with pytest.raises(ValueError, match="one value per layer"):
        QuantizedMLP(hidden=(3, 2), bits=(1, 2)).n_weights(3)
    with pytest.raises(ValueError, match="'activation'"):
        QuantizedMLP(activation="relu").n_weights(3)
    three = get_model("quantized-mlp", hidden=(8,)).prepare(np.zeros((3, 2)), np.array([0, 1, 2]))
    assert three.n_outputs == 3 and three.training_margin() == 3.0
    assert QuantizedMLP().training_margin() == 0.25 and QuantizedMLP(hinge_margin=1).training_margin() == 1.0
