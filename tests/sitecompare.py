"""Byte-for-byte snapshots of a folder, for "the previous site is unchanged" checks."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """relative path -> (mode, sha256 of the bytes; '' for folders), for everything under root."""
    out: dict[str, tuple[int, str]] = {}
    root = Path(root)
    if not root.exists():
        return out
    out["."] = (stat.S_IMODE(root.stat().st_mode), "")
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            digest = "" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            out[rel] = (stat.S_IMODE(p.stat().st_mode), digest)
    return out


def leftovers(parent: Path, name: str) -> list[str]:
    """Temporary folders that an atomic publish of `parent/name` might have left behind."""
    return sorted(p.name for p in Path(parent).iterdir() if p.name.startswith(f".{name}."))
