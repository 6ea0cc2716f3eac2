"""One BLAS thread for a block of work, without re-scanning the process's libraries each time.

Quark's fits run many small products (a block's quadratic form, a ridge solve per problem); a threaded
BLAS competing for the cores makes them an order of magnitude slower, so fits run with one thread and
take their parallelism from ``n_jobs``. ``threadpoolctl.threadpool_limits`` finds the BLAS libraries by
reading ``/proc/self/maps`` on every entry — about 4 ms, once per problem of a 45-problem fit — so the
controller is built once per process and only its limit is entered per block.
"""

from __future__ import annotations

import threading

__all__ = ["one_blas_thread"]

_CONTROLLER: list = []
_LOCK = threading.Lock()


def one_blas_thread():
    """A context manager: BLAS libraries limited to one thread inside it (threadpoolctl's, cached).

    Examples
    --------
    >>> import numpy as np
    >>> with one_blas_thread():
    ...     float(np.ones((2, 2)) @ np.ones(2) @ np.ones(2))
    4.0
    """
    with _LOCK:
        if not _CONTROLLER:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")
