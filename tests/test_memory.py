"""The memory guard: the least of available memory, the cgroup's limit and RLIMIT_AS; never a reading of 0."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

from quark import _memory
from quark._memory import available_memory, check_fits, memory_limits
from quark.exceptions import ProblemTooLargeError

GiB = 1024**3


def _tree(tmp_path, cgroup_line: str, files: dict[str, str], mem_available_kb: int = 16 * 1024**2):
    proc = tmp_path / "proc"
    (proc / "self").mkdir(parents=True)
    (proc / "meminfo").write_text(f"MemTotal: 33554432 kB\nMemAvailable: {mem_available_kb} kB\n")
    (proc / "self" / "cgroup").write_text(cgroup_line + "\n")
    (proc / "self" / "status").write_text("VmSize: 1048576 kB\n")
    root = tmp_path / "cgroup"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return str(proc), str(root)


@pytest.fixture
def fake_kernel(monkeypatch, tmp_path):
    monkeypatch.delenv("QUARK_MAX_MEMORY", raising=False)

    def make(cgroup_line, files, **kw):
        proc, root = _tree(tmp_path, cgroup_line, files, **kw)
        monkeypatch.setattr(_memory, "_PROC", proc)
        monkeypatch.setattr(_memory, "_CGROUP_ROOT", root)

    return make


def test_cgroup_v2_memory_max_bounds_the_guard(fake_kernel):
    fake_kernel("0::/job/step", {
        "job/memory.max": str(4 * GiB), "job/memory.current": str(1 * GiB), "job/memory.stat": "inactive_file 0\n",
        "job/step/memory.max": "max", "job/step/memory.current": str(GiB // 2),
    })
    tightest = memory_limits()[0]
    assert tightest.bytes == 3 * GiB and "job/memory.max" in tightest.source
    check_fits(2 * GiB, "a table")
    with pytest.raises(ProblemTooLargeError, match=r"more than the 2\.7 GiB allowed here \(90% of cgroup limit .*memory\.max"):
        check_fits(3 * GiB, "a table")


def test_cgroup_v2_reclaimable_cache_is_not_counted_as_used(fake_kernel):
    fake_kernel("0::/", {"memory.max": str(4 * GiB), "memory.current": str(3 * GiB),
                         "memory.stat": f"anon 1\ninactive_file {2 * GiB}\n"})
    assert available_memory() == 3 * GiB


def test_cgroup_v1_limit_in_bytes_bounds_the_guard(fake_kernel):
    fake_kernel("4:memory:/docker/abc", {
        "memory/docker/abc/memory.limit_in_bytes": str(2 * GiB),
        "memory/docker/abc/memory.usage_in_bytes": str(GiB // 2),
        "memory/memory.limit_in_bytes": "9223372036854771712",  # the root: no limit
        "memory/memory.usage_in_bytes": str(8 * GiB),
    })
    assert available_memory() == GiB + GiB // 2
    assert "limit_in_bytes" in memory_limits()[0].source


def test_no_cgroup_limit_leaves_available_memory(fake_kernel):
    fake_kernel("0::/", {"memory.max": "max", "memory.current": str(GiB)}, mem_available_kb=5 * 1024**2)
    assert available_memory() == 5 * GiB


def test_a_zero_reading_is_logged_and_ignored_never_a_zero_guard(fake_kernel, caplog):
    # the flaky "0 B allowed" in a joblib worker: a reading of 0 must not become the limit
    fake_kernel("0::/", {}, mem_available_kb=0)
    with caplog.at_level(logging.WARNING, logger="quark"):
        limit = available_memory()
    assert limit > 0
    assert "MemAvailable reads 0 bytes; ignored" in caplog.text
    check_fits(2 * 1024**2, "a small table")


def test_an_unreadable_file_is_logged(fake_kernel, monkeypatch, caplog):
    fake_kernel("0::/", {"memory.max": str(4 * GiB), "memory.current": "0"})
    real_open = open

    def deny(path, *a, **kw):
        if str(path).endswith("memory.max"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **kw)

    monkeypatch.setattr("builtins.open", deny)
    with caplog.at_level(logging.WARNING, logger="quark"):
        assert available_memory() == 16 * GiB
    assert "cannot read" in caplog.text and "PermissionError" in caplog.text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc are Linux's")
def test_rlimit_as_bounds_the_guard_in_a_real_process():
    # a child process under an address-space limit 1 GiB above its current size
    code = textwrap.dedent("""
        import resource
        from quark._memory import available_memory, check_fits, memory_limits
        from quark.exceptions import ProblemTooLargeError
        size = next(int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith('VmSize:'))
        resource.setrlimit(resource.RLIMIT_AS, (size + 2**30, resource.RLIM_INFINITY))
        limit = memory_limits()[0]
        assert 0.8 * 2**30 < limit.bytes <= 2**30, limit
        assert 'RLIMIT_AS' in limit.source, limit
        try:
            check_fits(1.5 * 2**30, 'a loss table')
        except ProblemTooLargeError as exc:
            assert 'RLIMIT_AS' in str(exc), exc
        else:
            raise AssertionError('not refused')
        print('ok')
    """)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


def test_the_error_names_the_cap_that_was_given(monkeypatch):
    monkeypatch.setenv("QUARK_MAX_MEMORY", "1000")
    with pytest.raises(ProblemTooLargeError, match=r"allowed here \(QUARK_MAX_MEMORY\)"):
        check_fits(2000, "a table")
    with pytest.raises(ProblemTooLargeError, match=r"allowed here \(max_memory\)"):
        check_fits(2000, "a table", 1500)
