"""Print an HTML file to PDF (or a PNG screenshot) with a headless Chromium (Debian's ``chromium``).

Chromium lays out CSS for print (``@page`` A4, CJK fonts) as well as anything in Python can, and it is a
Debian package rather than a Python dependency; ``$MEDAID_CHROMIUM`` names another binary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from medaid.errors import N_, InputError
from medaid.outputs import atomic_path

__all__ = ["find_chromium", "print_pdf", "screenshot"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: No first-run UI, no network, no background updates, no GPU; --no-sandbox because CI runs as root.
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
_TIMEOUT_S = 120


def find_chromium() -> str:
    """The Chromium to run: ``$MEDAID_CHROMIUM`` or the first of chromium, chromium-browser, google-chrome on PATH.

    Raises:
        InputError: none found (one line saying how to install it).
    """
    given = os.environ.get("MEDAID_CHROMIUM")
    if given:
        found = shutil.which(given)
        if found is None:
            raise InputError(N_("MEDAID_CHROMIUM names {given!r}, which is not an executable"), given=given)
        return found
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise InputError(
        N_(
            "--pdf needs a Chromium to print with, and none was found on PATH (Debian: apt install chromium; or set MEDAID_CHROMIUM)"
        )
    )


def print_pdf(html: Path | str, pdf: Path | str) -> None:
    """Print ``html`` to ``pdf`` (A4 as the page's CSS says, without the browser's header and footer), atomically."""
    with atomic_path(pdf) as temporary:
        _run(html, "--no-pdf-header-footer", f"--print-to-pdf={temporary}")
        if temporary.stat().st_size == 0:
            raise InputError(N_("Chromium wrote no PDF"), where=str(pdf))


def screenshot(html: Path | str, png: Path | str, width: int = 794, height: int = 1123) -> None:
    """A PNG of the page's first ``width`` × ``height`` CSS pixels (default: one A4 page at 96 dpi), atomically."""
    with atomic_path(png) as temporary:
        _run(html, f"--window-size={width},{height}", f"--screenshot={temporary}")


def _run(html: Path | str, *args: str) -> None:
    chromium = find_chromium()
    url = Path(html).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="medaid-chromium-") as profile:
        command = [chromium, *_FLAGS, f"--user-data-dir={profile}", *args, url]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(
                N_("Chromium did not finish within {seconds} s"), seconds=_TIMEOUT_S, where=str(html)
            ) from None
        except OSError as exc:
            raise InputError(
                N_("cannot run Chromium ({chromium}): {reason}"), chromium=chromium, reason=exc.strerror or exc
            ) from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise InputError(
            N_("Chromium failed (exit {returncode}): {last}"), returncode=done.returncode, last=last, where=str(html)
        )
