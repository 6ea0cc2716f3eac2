"""Files written whole or not at all (quark/_atomic.py): an old file survives a writer that fails."""

import os
import stat

import pytest

from quark._atomic import atomic_path


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, failure):
    target = tmp_path / "model.joblib"
    target.write_bytes(b"the old model")
    with pytest.raises(type(failure)):
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as fh:
                fh.write(b"half of the new")
            raise failure
    assert target.read_bytes() == b"the old model"
    assert os.listdir(tmp_path) == ["model.joblib"]


def test_a_finished_write_replaces_the_file_keeping_its_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.endswith(".csv") and tmp != target
        tmp.write_text("new")
        assert target.read_text() == "old"  # nothing changes before the writer is done
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    new = tmp_path / "fresh.csv"
    with atomic_path(new) as tmp:
        tmp.write_text("x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask  # as an ordinary write would create it


def test_a_link_is_written_through(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with atomic_path(link) as tmp:
        tmp.write_text("new")
    assert link.is_symlink() and real.read_text() == "new"
