"""quark._blas.one_blas_thread: one BLAS thread inside, the previous limits restored after."""

from threadpoolctl import threadpool_info

from quark._blas import one_blas_thread


def _blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_one_blas_thread_inside_and_the_old_limits_after():
    import numpy as np

    np.ones((2, 2)) @ np.ones((2, 2))   # BLAS loaded
    before = _blas_threads()
    for _ in range(2):                    # entered again: the cached controller still limits
        with one_blas_thread():
            assert _blas_threads() and all(n == 1 for n in _blas_threads())
        assert _blas_threads() == before
