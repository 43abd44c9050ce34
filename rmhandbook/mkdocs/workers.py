"""Worker processes of split and multi-organization builds: they die with their parent, and report its logs."""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import threading
import time

#
# A worker must not outlive the process that started it: killed outright (SIGKILL, as the OOM
# killer sends), the parent cannot stop its workers, and each would build on for as long as
# its site takes. On Linux the kernel kills a worker when its parent dies (PR_SET_PDEATHSIG);
# elsewhere, and as a second line, a thread in the worker watches for the parent to change.

_PR_SET_PDEATHSIG = 1
_PARENT_POLL_SECONDS = 0.25


def _kernel_kills_orphan() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not available."""
    import ctypes
    import ctypes.util
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)


def die_with_parent(parent: int, use_kernel: bool = True) -> None:
    """Worker initializer: end this process as soon as process `parent` is gone.

    The parent may have died before the kernel was asked (then the signal never comes), so the
    parent is checked once right after; the watching thread covers systems without prctl.
    """

    if use_kernel:
        _kernel_kills_orphan()
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="rmhandbook-parent-watch", daemon=True).start()


def worker_pool(workers: int, use_kernel: bool | None = None) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of fresh worker processes that end when this process ends, however it ends.

    Spawn, not fork: each build starts from a clean interpreter (MkDocs keeps global state).
    Linux sends the death signal when the *thread* that started a worker ends, so the kernel
    is asked only when the pool is made (and so, here, its workers started) by the main thread.
    """

    if use_kernel is None:
        use_kernel = threading.current_thread() is threading.main_thread()
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent, initargs=(os.getpid(), use_kernel))


class LogCollector(logging.Handler):
    """The warnings and errors of a build in a worker process, to report in the first one."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []  # (logging level, message)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))

    @property
    def lines(self) -> list[str]:
        return [f"{logging.getLevelName(level).lower()}: {message}" for level, message in self.records]
