import numpy as np
import pytest

from quark.datasets import load_edge_detection, train_test_split


def test_rows_task_matches_the_paper():
    X, y = load_edge_detection()
    assert X.shape == (512, 9) and X.dtype == np.uint8
    assert int(y.sum()) == 169  # 1 - (7/8)**3 of 512
    assert len({tuple(r) for r in X}) == 512  # every image exactly once


@pytest.mark.parametrize("lines, positives", [("columns", 169), ("diagonals", 112), ("any", 282), (["rows", "columns"], 247)])
def test_line_kinds(lines, positives):
    assert int(load_edge_detection(lines=lines)[1].sum()) == positives


def test_labels_follow_the_definition():
    X, y = load_edge_detection(size=3, lines="any")
    img = X.reshape(-1, 3, 3)
    full = img.all(axis=2).any(axis=1) | img.all(axis=1).any(axis=1)
    full |= np.diagonal(img, axis1=1, axis2=2).all(axis=1) | np.diagonal(img[:, :, ::-1], axis1=1, axis2=2).all(axis=1)
    np.testing.assert_array_equal(y, full.astype(np.uint8))


def test_2x2_and_bunch():
    b = load_edge_detection(size=2, lines="rows", return_X_y=False)
    assert b.data.shape == (16, 4) and b.images.shape == (16, 2, 2)
    assert int(b.target.sum()) == 7  # 16 - 3*3 images with no full row
    assert "positives" in b.DESCR and len(b.feature_names) == 4


def test_bad_arguments():
    with pytest.raises(ValueError, match="'size'"):
        load_edge_detection(size=5)
    with pytest.raises(ValueError, match="'lines'"):
        load_edge_detection(lines="edges")


def test_split_is_seeded_and_stratified():
    X, y = load_edge_detection()
    a = train_test_split(X, y, random_state=3)
    b = train_test_split(X, y, random_state=3)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert abs(a[2].mean() - a[3].mean()) < 0.02
