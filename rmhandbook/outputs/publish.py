"""Publish a site folder atomically: build beside the target, swap in only on success.

A failed or interrupted build leaves the previously published site byte for
byte as it was, and no temporary folder behind.

A build that is killed outright (SIGKILL, power loss) cannot clean up after
itself, so each build first sweeps what killed builds of the same target left
behind (`_sweep_leftovers`). Each temporary folder is locked with `flock` by the
build that made it, for as long as that build needs it; the kernel drops the
lock when the process dies, however it dies. So "the lock is free" means "its
build is gone", and a sweep never touches a folder a live build is using, in
this process or another. The lock is on the folder itself (an open directory
descriptor), not on a file inside it: a file inside would be published with the
site, and removing it before the swap would leave the folder unlocked for a
moment. Linux and macOS have `flock`; on Windows nothing is locked or swept.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from rmhandbook.outputs.targets import Mark, write_mark

try:
    import fcntl
except ImportError:  # Windows: no flock, so no way to tell a killed build from a live one
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

# `.<site>.building-<16 hex>` is a build in progress, `.<site>.old-<16 hex>` holds the previous
# site during the swap; a sweep touches nothing else
_KINDS = ("building", "old")
_SUFFIX_BYTES = 8


def _leftover_pattern(target_name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target_name)}\.({'|'.join(_KINDS)})-[0-9a-f]{{{2 * _SUFFIX_BYTES}}}")


def normalize_permissions(root: Path) -> None:
    """0755 folders and 0644 files: a private temporary folder is 0700, which a web server cannot read."""
    os.chmod(root, 0o755)
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)


# --- locked temporary folders ---------------------------------------------------------------

def _open_folder(path: Path) -> int:
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def _still_at(path: Path, fd: int) -> bool:
    """Is the folder open as `fd` still the one named `path` (not removed or renamed meanwhile)?"""
    try:
        here = os.lstat(path)
    except OSError:
        return False
    there = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the only descriptor drops the flock


def _locked_folder(parent: Path, prefix: str) -> tuple[Path, int | None]:
    """Make `parent/<prefix><16 hex>` (mode 0700) and hold a lock on it; returns it and the lock.

    Between making the folder and locking it, a sweep by another build may find it unlocked
    and remove it; then it is gone before we open it, or the lock lands on a removed folder,
    which `_still_at` notices, and we start again with a new name. The lock is None where `flock` is
    missing or not supported.
    """
    while True:
        path = parent / f"{prefix}{secrets.token_hex(_SUFFIX_BYTES)}"
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        if fcntl is None:
            return path, None
        try:
            fd = _open_folder(path)
        except FileNotFoundError:  # swept already
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks only while a sweep holds it to remove it
        except OSError:  # a file system without flock: unlocked, and sweeps cannot lock it either
            os.close(fd)
            return path, None
        if _still_at(path, fd):
            return path, fd
        os.close(fd)


def _claim_abandoned(path: Path) -> int | None:
    """Lock `path` if it is a folder whose build is gone; None if it is in use or not a folder."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return None
        fd = _open_folder(path)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # held by a live build (or locks are not supported here): leave it alone
        os.close(fd)
        return None
    if not _still_at(path, fd):  # its build published it and finished between listing and locking
        os.close(fd)
        return None
    return fd


def _sweep_leftovers(target: Path) -> None:
    """Remove the temporary folders of `target` whose builds were killed.

    A build killed in the middle of the swap leaves no `target` and the previous site inside
    `.old-*/site`; that site is put back first, so the promise holds: the previous site stays
    until a build succeeds. Folders of live builds, and anything not named exactly like ours,
    are left alone.
    """
    if fcntl is None:
        return
    pattern = _leftover_pattern(target.name)
    try:
        names = sorted(os.listdir(target.parent))
    except OSError:
        return
    previous_sites: list[tuple[int, Path, int]] = []
    for name in names:
        match = pattern.fullmatch(name)
        if not match:
            continue
        path = target.parent / name
        fd = _claim_abandoned(path)
        if fd is None:
            continue
        if match.group(1) == "old" and (path / "site").is_dir() and not os.path.lexists(target):
            previous_sites.append((os.lstat(path / "site").st_ctime_ns, path, fd))
            continue
        log.debug("removing %s, left by a build that was killed", path)
        shutil.rmtree(path, ignore_errors=True)
        os.close(fd)
    # several can only come from a sweep that was itself killed: the newest was moved aside last
    for i, (_, path, fd) in enumerate(sorted(previous_sites, reverse=True)):
        if i == 0 and not os.path.lexists(target):
            log.debug("putting back %s, moved aside by a build that was killed during its swap", target)
            with contextlib.suppress(OSError):
                os.rename(path / "site", target)
        log.debug("removing %s, left by a build that was killed", path)
        shutil.rmtree(path, ignore_errors=True)
        os.close(fd)


# --- the swap ---------------------------------------------------------------------------------

@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back for the few system calls of the swap, so it cannot fall between them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by `staging`; on any failure the previous `target` is put back."""
    old = old_lock = None
    with _interrupts_deferred():
        try:
            if target.exists():
                old, old_lock = _locked_folder(target.parent, f".{target.name}.old-")
                os.rename(target, old / "site")
            os.rename(staging, target)
        except BaseException:
            if old is not None and (old / "site").exists() and not target.exists():
                os.rename(old / "site", target)
            shutil.rmtree(staging, ignore_errors=True)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            _release(old_lock)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        _release(old_lock)


@contextlib.contextmanager
def atomic_directory(target: Path, mark: Mark | None = None, check: Callable[[], None] | None = None
                     ) -> Iterator[Path]:
    """Yield a fresh temporary folder beside `target`; on success it replaces `target`.

    Beside, not in /tmp: a rename is atomic only within one file system. What killed builds
    of the same target left behind is removed first. `mark` is written into the new folder, so
    a later build knows rmhandbook wrote it; `check` (the caller's `targets` guard) runs before
    anything is written and again just before the swap, in case something else appeared there.
    """
    target = Path(target).resolve()
    if check is not None:
        check()
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_leftovers(target)
    staging, lock = _locked_folder(target.parent, f".{target.name}.building-")
    try:
        try:
            yield staging
            if mark is not None:
                write_mark(staging, mark)
            normalize_permissions(staging)
            if check is not None:
                check()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _swap_in(staging, target)  # the lock follows the folder through the rename
    finally:
        _release(lock)


@contextlib.contextmanager
def scratch_folder(target: Path) -> Iterator[Path]:
    """A locked temporary folder beside `target`, removed afterwards (a parallel build's share).

    Named and locked like a staging folder, so a sweep removes it if its build is killed.
    """
    target = Path(target).resolve()
    folder, lock = _locked_folder(target.parent, f".{target.name}.building-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _release(lock)
