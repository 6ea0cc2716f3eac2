"""The user's files: CSV and .npz tables, named data sets, saved models."""

import numpy as np
import pytest

from quark import QuarkClassifier
from quark.datasets.named import NAMED, load_named
from quark.io import load_model, read_table, save_model


def _csv(tmp_path, text, name="d.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_csv_with_string_labels_and_a_chosen_target(tmp_path):
    p = _csv(tmp_path, "label,a,b\nyes,1,2.5\nno,3,4\n\nyes,5,6\n")
    t = read_table(p, "label")
    assert t.feature_names == ["a", "b"] and t.target == "label"
    assert t.X.tolist() == [[1.0, 2.5], [3.0, 4.0], [5.0, 6.0]]     # blank lines skipped
    assert t.y.tolist() == ["yes", "no", "yes"]
    numeric = read_table(_csv(tmp_path, "a,b,c\n1,2,0\n3,4,1\n", "n.csv"))   # default target: the last column
    assert numeric.y.dtype == np.int64 and numeric.y.tolist() == [0, 1]


@pytest.mark.parametrize("text, target, match", [
    ("a,b\n1,2\n", "c", "no column 'c'"),
    ("a,b,c\n1,x,0\n", "c", "column 'b' .* non-numeric value 'x'"),
    ("a,b,c\n1,2\n", "c", "every row must have 3 values"),
    ("a,a,c\n1,2,0\n", "c", "unique"),
    ("a,b,c\n", "c", "no data rows"),
])
def test_bad_csv_files_say_what_is_wrong(tmp_path, text, target, match):
    with pytest.raises(ValueError, match=match):
        read_table(_csv(tmp_path, text), target)


def test_missing_file_and_prediction_files_without_a_target(tmp_path):
    with pytest.raises(FileNotFoundError, match="no data file"):
        read_table(tmp_path / "absent.csv")
    t = read_table(_csv(tmp_path, "b,a\n2,1\n"), "label", require_target=False, feature_names=["a", "b"])
    assert t.y is None and t.X.tolist() == [[1.0, 2.0]]                      # columns in the model's order
    with pytest.raises(ValueError, match=r"lacks the feature columns \['c'\]"):
        read_table(_csv(tmp_path, "a,b\n1,2\n", "m.csv"), None, require_target=False, feature_names=["a", "c"])


def test_npz_tables(tmp_path):
    p = tmp_path / "d.npz"
    np.savez(p, X=np.arange(6.0).reshape(3, 2), y=np.array([0, 1, 0]))
    t = read_table(p)
    assert t.X.shape == (3, 2) and t.y.tolist() == [0, 1, 0] and t.feature_names == ["x0", "x1"]
    np.savez(tmp_path / "bad.npz", features=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="named 'X'"):
        read_table(tmp_path / "bad.npz")


def test_named_data_sets_and_their_options():
    for name in NAMED:
        if name == "mnist":
            continue
        train, test, desc = load_named(name)
        assert train.X.shape[0] == len(train.y) and train.X.shape[1] == len(train.feature_names) and desc
    train, test, _ = load_named("tiny-mnist", digits=(3, 5), size=4)
    assert train.X.shape[1] == 16 and set(test.y.tolist()) <= {0, 1}
    with pytest.raises(ValueError, match=r"'digits' \(--digits\) does not apply to data set 'iris'"):
        load_named("iris", digits=(1, 2))
    with pytest.raises(ValueError, match="'name' must be one of .*got 'cifar'"):
        load_named("cifar")


def test_saved_models_predict_like_the_original(tmp_path):
    train, _, _ = load_named("iris")
    clf = QuarkClassifier(random_state=0).fit(train.X, train.y)
    path = save_model(clf, tmp_path / "iris.joblib", feature_names=train.feature_names, target="species", source="iris")
    record = load_model(path)
    assert record["feature_names"] == train.feature_names and record["target"] == "species"
    np.testing.assert_array_equal(record["estimator"].predict(train.X), clf.predict(train.X))
    (tmp_path / "junk.joblib").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a saved Quark model"):
        load_model(tmp_path / "junk.joblib")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_model(clf, tmp_path / "no" / "m.joblib", feature_names=[], target=None, source="")
