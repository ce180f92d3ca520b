"""Every file medaid writes appears whole or not at all (输出文件：要么完整，要么没有).

A writer writes into a temporary file in the target's own folder (same file system, so the final
rename is atomic), flushes and fsyncs it, then renames it over the target. An error, Ctrl-C or
SIGTERM before the rename removes the temporary file, so nothing ever stands under the final name
half-written, and a previous run's file under that name stays as it was until the new one is
complete. A process killed with SIGKILL may leave its temporary file (``.STEM.XXXX.medaid-tmp.EXT``,
hidden, beside the target); it never has the final name.

Output paths are checked before any work starts (:func:`check_output`): the folder exists, the
target is not a folder, and it is none of the run's inputs (same resolved path or same file).
``-`` names standard output.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from medaid.errors import N_, InputError

__all__ = [
    "STDIO",
    "EXCEL_ENCODINGS",
    "excel_encoding",
    "excel_cell",
    "excel_frame",
    "check_output",
    "atomic_path",
    "atomic_open",
    "write_text",
    "write_bytes",
    "remove_stale",
    "remove_pending",
    "is_stdio",
]

#: The path that means standard input or output.
STDIO = "-"

#: ``--excel``: CSV that Chinese Excel opens correctly. UTF-8 with a byte-order mark (Excel 2016 and
#: later read it as UTF-8), or GBK for older Excel (written as GB18030, GBK's superset: the same bytes
#: for every GBK character, and a rare character outside GBK is still written, not lost).
EXCEL_ENCODINGS = {"utf-8": "utf-8-sig", "gbk": "gb18030"}
#: A cell Excel would run as a formula starts with one of these (OWASP "CSV injection").
_FORMULA_START = r"^[=+\-@\t\r]"
#: ... unless it is a plain number: Excel reads "-12.00" as the number −12, never as a formula, so
#: signed amounts stay numbers (and sum in Excel). Only the number shape is spared, in any column.
_PLAIN_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?$"


def excel_encoding(excel: bool, gbk: bool) -> str | None:
    """The encoding for ``--excel`` / ``--excel-gbk`` (None: neither, plain UTF-8 without neutralising)."""
    if gbk:
        return EXCEL_ENCODINGS["gbk"]
    return EXCEL_ENCODINGS["utf-8"] if excel else None


def excel_cell(value: object) -> object:
    """A text cell made safe for Excel: ``'`` before a leading =, +, -, @, tab or CR, unless it is a plain
    number. Other values pass unchanged.

    >>> excel_cell("=1+2"), excel_cell("-12.00"), excel_cell("@SUM(A1)"), excel_cell("-2+3+cmd|' /C calc'!A0"), excel_cell("闵行")
    ("'=1+2", '-12.00', "'@SUM(A1)", "'-2+3+cmd|' /C calc'!A0", '闵行')
    """
    import re

    if isinstance(value, str) and re.match(_FORMULA_START, value) and not re.match(_PLAIN_NUMBER, value):
        return "'" + value
    return value


def excel_frame(frame):
    """A polars LazyFrame/DataFrame with :func:`excel_cell` applied to every text column (by expression)."""
    import polars as pl

    columns = []
    for name, dtype in frame.collect_schema().items() if hasattr(frame, "collect_schema") else frame.schema.items():
        if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
            text = pl.col(name).cast(pl.String)
            columns.append(
                pl.when(text.str.contains(_FORMULA_START) & ~text.str.contains(_PLAIN_NUMBER))
                .then(pl.lit("'") + text)
                .otherwise(text)
                .alias(name)
            )
    return frame.with_columns(columns) if columns else frame


def is_stdio(path: Path | str | None) -> bool:
    """True when ``path`` is ``-`` (standard input or output)."""
    return path is not None and str(path) == STDIO


def check_output(
    path: Path | str | None,
    *,
    inputs: Iterable[Path | str | None] = (),
    outputs: Iterable[Path | str | None] = (),
    option: str = "--output",
) -> None:
    """Refuse, before any work, an output that cannot be written or that is one of ``inputs``.

    Raises :class:`InputError` naming ``option`` and the path when the folder is missing, the target is
    a folder, the folder is not writable, or the target is an input or another of the run's ``outputs``
    (same resolved path or same file).
    ``None`` and ``-`` (standard output) pass.
    """
    if path is None or is_stdio(path):
        return
    target = Path(path)
    if str(path) == "":
        raise InputError(N_("an empty path names no file"), file=option)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(
            N_("{option} {path!r}: no folder {folder!r} (create it first)"),
            option=option,
            path=str(path),
            folder=str(folder),
        )
    if target.is_dir():
        raise InputError(N_("{option} {path!r} is a folder; give a file name"), option=option, path=str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            N_("{option} {path!r}: cannot write in the folder {folder!r} (permission denied)"),
            option=option,
            path=str(path),
            folder=str(folder),
        )
    for source in inputs:
        if source is None or is_stdio(source):
            continue
        if _same_file(target, Path(source)):
            raise InputError(
                N_("{option} {path!r} is the input {source!r}; write to another file (the input would be lost)"),
                option=option,
                path=str(path),
                source=str(source),
            )
    for other in outputs:
        if other is not None and not is_stdio(other) and _same_file(target, Path(other)):
            raise InputError(
                N_("{option} {path!r} is also another output of this run ({other!r}); give each its own file"),
                option=option,
                path=str(path),
                other=str(other),
            )


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` when the block ends without error.

    The writer may open, write and close the temporary path as it likes (polars' ``sink_csv``, openpyxl,
    matplotlib). On any exception, including KeyboardInterrupt and medaid's SIGTERM exception, the
    temporary file is removed and the exception goes on. An OSError becomes an :class:`InputError`
    naming the path.
    """
    target = Path(path)
    try:
        # Hidden, marked as medaid's, and ending in the target's extension (writers that check it are content).
        handle, name = tempfile.mkstemp(
            prefix=f".{target.stem}.", suffix=f".medaid-tmp{target.suffix}", dir=target.parent
        )
    except OSError as exc:
        raise InputError(N_("cannot write: {reason}"), file=target, reason=exc.strerror or exc) from None
    os.close(handle)
    temp = Path(name)
    _PENDING.add(temp)
    try:
        try:
            yield temp
            _fsync(temp)
            os.chmod(temp, _mode_for(target))
            os.replace(temp, target)
        except OSError as exc:
            raise InputError(N_("cannot write: {reason}"), file=target, reason=exc.strerror or exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise  # the path stays in _PENDING: a writer's thread may still create it (remove_pending)
    _PENDING.discard(temp)
    _fsync_folder(target.parent)


#: Temporary files of this process not (yet) renamed into place.
_PENDING: set[Path] = set()


def remove_pending() -> None:
    """Remove every temporary output this process made and did not rename, once more, as it exits.

    A writer interrupted by Ctrl-C or SIGTERM has its temporary file removed as the exception unwinds, but a
    native writer (polars' ``sink_parquet``) may still have a thread flushing into that path and create it
    again; removing it right before the process exits (which stops those threads) leaves nothing behind.
    """
    for temp in list(_PENDING):
        with contextlib.suppress(OSError):
            temp.unlink()


@contextlib.contextmanager
def atomic_open(
    path: Path | str,
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = "",
    errors: str | None = None,
) -> Iterator[IO]:
    """An open file (text by default) that replaces ``path`` only when the block completes; ``-`` is stdout."""
    import sys

    if is_stdio(path):
        if "b" in mode or encoding in (None, "utf-8"):
            stream = sys.stdout.buffer if "b" in mode else sys.stdout
            yield stream
            stream.flush()
            return
        import io

        sys.stdout.flush()  # another encoding (--excel): a wrapper over the same stream, left open
        wrapper = io.TextIOWrapper(
            sys.stdout.buffer, encoding=encoding, newline=newline, errors=errors or "strict", write_through=True
        )
        try:
            yield wrapper
            wrapper.flush()
        finally:
            wrapper.detach()
        return
    binary = "b" in mode
    with atomic_path(path) as temp:
        with open(
            temp, mode, **({} if binary else {"encoding": encoding, "newline": newline, "errors": errors})
        ) as handle:
            yield handle


def write_text(path: Path | str, text: str, *, encoding: str = "utf-8", errors: str | None = None) -> None:
    """Write ``text`` to ``path`` atomically (``-``: standard output)."""
    with atomic_open(path, "w", encoding=encoding, newline="", errors=errors) as handle:
        handle.write(text)


def write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (``-``: standard output)."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def remove_stale(path: Path | str) -> bool:
    """Remove a file an earlier run left under ``path`` (e.g. a rejects file this run did not produce)."""
    try:
        Path(path).unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise InputError(
            N_("cannot remove the earlier run's file: {reason}"), file=path, reason=exc.strerror or exc
        ) from None
    return True


def _mode_for(target: Path) -> int:
    """The mode of the file being replaced (a bureau may keep its outputs 0600), else a new file's mode."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return _default_mode()


def _default_mode() -> int:
    """The mode a plainly created file gets (0666 less the umask); mkstemp alone would give 0600.

    Linux reports the umask in /proc (read without changing it, so threads are safe); elsewhere it is
    read by setting and restoring it once per process.
    """
    global _UMASK
    if _UMASK is None:
        try:
            with open("/proc/self/status", encoding="ascii") as status:
                _UMASK = next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))
        except (OSError, StopIteration, ValueError, IndexError):
            _UMASK = os.umask(0o022)
            os.umask(_UMASK)
    return 0o666 & ~_UMASK


_UMASK: int | None = None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); where folders cannot be opened, skip."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
