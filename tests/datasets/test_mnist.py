"""load_mnist: all ten digits from the bundled file or torchvision's files, at any resolution."""

import numpy as np
import pytest

from quark.datasets import load_mnist
from quark.datasets.tiny_mnist import _bundled_path, downsample


def test_bundled_split_is_stratified_and_disjoint():
    Xtr, ytr = load_mnist(subset="train")
    Xte, yte = load_mnist(subset="test")
    Xall, yall = load_mnist(subset="all")
    assert Xtr.shape == (4000, 784) and Xte.shape == (1000, 784) and len(yall) == 5000
    assert np.bincount(ytr).min() >= 300 and np.bincount(yte).min() >= 75      # every digit in both parts
    assert Xtr.min() == 0.0 and Xtr.max() == 1.0 and Xtr.dtype == np.float64
    train_rows = {r.tobytes() for r in Xtr}
    assert sum(r.tobytes() in train_rows for r in Xte) <= 5                   # (MNIST holds a few duplicates)


def test_smaller_sizes_are_area_averages():
    X28, _ = load_mnist(subset="test")
    X14, y14 = load_mnist(size=14, subset="test")
    assert X14.shape == (1000, 196)
    np.testing.assert_allclose(X14, downsample(X28.reshape(-1, 28, 28), 14).reshape(-1, 196))
    bunch = load_mnist(size=7, subset="test", return_X_y=False)
    assert bunch.images.shape == (1000, 7, 7) and bunch.target.tolist() == y14.tolist()


@pytest.mark.parametrize("kwargs, match", [
    ({"size": 29}, "'size'"),
    ({"size": 14.0}, "'size'"),
    ({"subset": "validation"}, "'subset'"),
    ({"source": "web"}, "'source'"),
])
def test_bad_arguments_name_themselves(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_mnist(**kwargs)


def test_torchvision_source_reads_idx_files(tmp_path, write_idx):
    pytest.importorskip("torchvision", reason="the 'torch' extra is part of the test extra; CI installs it")
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    with np.load(_bundled_path()) as f:
        pick = np.random.default_rng(1).permutation(5000)[:120]
        imgs, labs = f["images"][pick], f["labels"][pick]
    write_idx(raw, "train", imgs[:80], labs[:80])
    write_idx(raw, "t10k", imgs[80:], labs[80:])
    X, y = load_mnist(size=14, source="torchvision", root=tmp_path, subset="train")
    assert y.tolist() == labs[:80].tolist()
    np.testing.assert_allclose(X, downsample(imgs[:80] / 255.0, 14).reshape(-1, 196))
