"""The files a command will write, checked before any work: never an input, never an existing file
without ``--force``, always in a folder that exists and takes a new file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from quark.cli.arguments import UserError

__all__ = ["output_path", "distinct_outputs", "writing"]


def _same_file(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def output_path(text: str | None, flag: str, *, inputs: tuple = (), force: bool = False) -> Path | None:
    """``text`` as the path ``flag`` writes, or a :class:`UserError` saying why it cannot be written.

    Refused: an empty name, a folder, one of ``inputs`` (the data or the model being read), an existing
    file unless ``force``, a folder that does not exist or takes no new file (read-only, full).
    """
    if text is None:
        return None
    if not text.strip():
        raise UserError(f"{flag} needs a file name")
    path = Path(text)
    if path.is_dir():
        raise UserError(f"{flag} {text}: is a folder; name a file in it")
    for source in inputs:
        if source is not None and _same_file(path, Path(source)):
            raise UserError(f"{flag} {text} is the input file {source}: writing it would destroy it; choose another name")
    if path.exists() and not force:
        raise UserError(f"{flag} {text} exists; pass --force to replace it")
    folder = path.parent
    if not folder.exists():
        raise UserError(f"cannot write {flag} {text}: folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise UserError(f"cannot write {flag} {text}: {str(folder)!r} is not a folder")
    try:  # the real test of a folder (permissions, a read-only mount, quotas): make and drop a file
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".quark-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UserError(f"cannot write {flag} {text}: folder {str(folder)!r} takes no new file "
                        f"({exc.strerror or type(exc).__name__})") from None
    return path


def distinct_outputs(**paths: Path | None) -> None:
    """Refuse two flags that would write the same file."""
    given = [(flag, p) for flag, p in paths.items() if p is not None]
    for i, (fa, a) in enumerate(given):
        for fb, b in given[i + 1:]:
            if _same_file(a, b):
                raise UserError(f"--{fa} and --{fb} name the same file {str(a)!r}; give each its own")


@contextlib.contextmanager
def writing(flag: str, path: Path):
    """Turn a failed write (a full disk, a file-size limit) into one line that says what became of the file.

    The writers use :func:`quark._atomic.atomic_path`, so an existing file is unchanged and no partial
    file is left; the line says so.
    """
    existed = path.exists()
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        kept = f"the existing {path} is unchanged" if existed else "nothing was written"
        raise UserError(f"cannot write {flag} {path}: {reason}; {kept}") from None
