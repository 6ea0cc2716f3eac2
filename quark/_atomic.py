"""Files written whole or not at all: a temporary file beside the target, renamed into place.

Every file Quark writes for the user (a saved model, a figure, a predictions CSV) goes through
:func:`atomic_path`: the writer fills a temporary file in the target's folder, and only a write that
finished is moved over the target with :func:`os.replace` (atomic on POSIX and Windows within one
file system). An interrupt, a full disk or a failing writer leaves the old file as it was and no
temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

__all__ = ["atomic_path"]


def _mode_for(target: Path) -> int:
    """The permissions the file would get if written in place: the old file's, else ``0o666 & ~umask``."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on a clean exit, move it over ``path``.

    The temporary name ends with the target's suffix (``.png``, ``.gz``), so writers that read the
    format from the name (matplotlib, joblib's compression) write what the target asks for.

    Examples
    --------
    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("whole")
    >>> open(target).read(), os.listdir(os.path.dirname(target))
    ('whole', ['out.txt'])
    """
    target = Path(path)
    if target.is_symlink():  # write through a link, as an in-place write would, and keep the link
        target = target.resolve()
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=f".partial{target.suffix}")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _mode_for(target))
        with open(tmp, "rb") as fh:  # on disk before the rename, so a crash cannot leave an empty target
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
