"""Write an output file whole or not at all: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from medaid.errors import InputError

__all__ = ["atomic_path", "write_text"]


@contextlib.contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto ``target`` if the block ends without an error.

    The rename is atomic within a folder, so a reader sees the old file or the whole new one.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("no such folder for the output", where=str(target))
    try:
        # The temporary name keeps the target's extension: Chromium picks its output's format by it.
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.tmp-", suffix=target.suffix, dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror or exc}", where=str(target)) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_text(target: Path | str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
