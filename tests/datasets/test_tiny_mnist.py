import numpy as np
import pytest

from quark.datasets import deduplicate, downsample, load_tiny_mnist
from quark.datasets.tiny_mnist import _bundled_path


def test_bundled_file_holds_real_mnist():
    with np.load(_bundled_path()) as f:
        images, labels, train = f["images"], f["labels"], f["train"]
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert set(np.unique(labels)) == set(range(10)) and train.sum() == 4000
    # MNIST statistics: mean intensity ~0.13, the 28x28 border is (almost) always blank
    assert 0.11 < images.mean() / 255 < 0.15
    assert images[:, 0, :].mean() < 1.0


def test_six_vs_seven_default():
    X, y = load_tiny_mnist()
    assert X.shape[1] == 9 and set(np.unique(X)) <= {0, 1} and set(np.unique(y)) == {0, 1}
    with np.load(_bundled_path()) as f:
        labels = f["labels"]
    assert len(y) == int(np.isin(labels, (6, 7)).sum())
    assert y.sum() == int((labels == 7).sum())  # the second digit is class 1


def test_dedupe_majority_and_ties():
    X, y, counts = deduplicate(np.array([[1, 0], [1, 0], [1, 0], [0, 0], [0, 0], [1, 1]]), np.array([1, 1, 0, 1, 0, 0]))
    assert X.tolist() == [[1, 0], [1, 1]] and y.tolist() == [1, 0] and counts.tolist() == [3, 1]
    Xu, yu = load_tiny_mnist(dedupe=True)
    assert len({tuple(r) for r in Xu}) == len(Xu) <= 512


def test_splits_partition_the_pair():
    n_all = len(load_tiny_mnist(subset="all")[1])
    assert len(load_tiny_mnist(subset="train")[1]) + len(load_tiny_mnist(subset="test")[1]) == n_all


@pytest.mark.parametrize("size", [2, 3, 4])
def test_sizes_and_unbinarized(size):
    b = load_tiny_mnist((0, 1), size=size, binarize=False, return_X_y=False)
    assert b.data.shape[1] == size * size and b.images.shape[1:] == (size, size)
    assert 0.0 <= b.data.min() and b.data.max() <= 1.0


def test_downsample_is_area_average():
    rng = np.random.default_rng(0)
    img = rng.random((3, 28, 28))
    small = downsample(img, 4)  # 28 / 4 = 7: exact 7x7 blocks
    np.testing.assert_allclose(small, img.reshape(3, 4, 7, 4, 7).mean(axis=(2, 4)))
    np.testing.assert_allclose(downsample(img, 3).mean(axis=(1, 2)), img.mean(axis=(1, 2)))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(digits=(3, 3)), "two different digits"),
        (dict(size=5), "'size'"),
        (dict(subset="val"), "'subset'"),
        (dict(binarize=False, dedupe=True), "binarize"),
        (dict(source="kaggle"), "'source'"),
        (dict(threshold=2.0), "'threshold'"),
        (dict(source="torchvision"), "root"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_tiny_mnist(**kwargs)


def test_torchvision_source_reads_idx_files(tmp_path, write_idx):
    pytest.importorskip("torchvision", reason="the 'torch' extra is part of the test extra; CI installs it")
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    with np.load(_bundled_path()) as f:
        pick = np.random.default_rng(0).permutation(5000)[:300]  # the file is sorted by digit
        imgs, labs = f["images"][pick], f["labels"][pick]
    write_idx(raw, "train", imgs[:200], labs[:200])
    write_idx(raw, "t10k", imgs[200:], labs[200:])
    X, y = load_tiny_mnist(source="torchvision", root=tmp_path, subset="train")
    keep = np.isin(labs[:200], (6, 7))
    assert len(y) == keep.sum() and y.sum() == (labs[:200] == 7).sum()
    # identical preprocessing whatever the source
    expect = (downsample(imgs[:200][keep] / 255.0, 3).reshape(-1, 9) > 0.1307).astype(np.uint8)
    np.testing.assert_array_equal(X, expect)
    Xa, _ = load_tiny_mnist(source="torchvision", root=tmp_path, subset="all")
    assert len(Xa) == np.isin(labs, (6, 7)).sum()


def test_torchvision_missing_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("torchvision"):
            raise ImportError("no torchvision")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    monkeypatch.delitem(__import__("sys").modules, "torchvision", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'quark-qml\[torch\]'"):
        load_tiny_mnist(source="torchvision", root="/nonexistent")
