"""medaid.outputs: a file medaid writes appears whole or not at all; output paths are checked before any work."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from medaid.errors import InputError
from medaid.outputs import atomic_open, atomic_path, check_output, excel_cell, remove_stale, write_text


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "medaid-tmp" in p.name)


def test_a_failed_write_leaves_no_file_and_no_temporary(tmp_path: Path) -> None:
    """An error inside the block: nothing under the final name, the temporary file removed, the error goes on."""
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with atomic_open(target) as handle:
            handle.write("claim_id\n" * 1000)
            raise RuntimeError("disk full, say")
    assert not target.exists() and [] == _leftovers(tmp_path)


def test_an_interrupted_write_keeps_the_earlier_file_whole(tmp_path: Path) -> None:
    """Ctrl-C in the middle of a rewrite: the earlier run's file stays exactly as it was."""
    target = tmp_path / "out.csv"
    target.write_text("earlier run\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as temp:
            temp.write_text("half of the new", encoding="utf-8")
            raise KeyboardInterrupt
    assert "earlier run\n" == target.read_text(encoding="utf-8") and [] == _leftovers(tmp_path)


def test_a_complete_write_replaces_the_file_with_the_usual_mode(tmp_path: Path) -> None:
    """The renamed file has the mode a plain open() would give (0666 less the umask), not mkstemp's 0600."""
    target = tmp_path / "report.md"
    old = os.umask(0o022)
    try:
        write_text(target, "# 报告\n")
    finally:
        os.umask(old)
    assert "# 报告\n" == target.read_text(encoding="utf-8")
    assert 0o644 == stat.S_IMODE(target.stat().st_mode) and [] == _leftovers(tmp_path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nodir/x.csv", "no folder 'nodir"),
        (".", "is a folder"),
        ("", "empty path"),
    ],
)
def test_an_unwritable_output_is_refused_before_any_work(tmp_path: Path, monkeypatch, name: str, message: str) -> None:
    """A missing folder, a folder or an empty name: one InputError naming the option and the path."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=message):
        check_output(name, option="--output")


def test_an_output_that_is_the_input_is_refused_by_path_and_by_file(tmp_path: Path) -> None:
    """Same resolved path (./x.csv vs x.csv) or the same file under another name (a hard link): refused."""
    source = tmp_path / "claims.csv"
    source.write_text("x\n", encoding="utf-8")
    os.link(source, tmp_path / "alias.csv")
    (tmp_path / "sub").mkdir()
    with pytest.raises(InputError, match="is the input"):
        check_output(tmp_path / "sub" / ".." / "claims.csv", inputs=[source])
    with pytest.raises(InputError, match="is the input"):
        check_output(tmp_path / "alias.csv", inputs=[source])
    check_output("-", inputs=[source])  # standard output is never an input file
    check_output(tmp_path / "other.csv", inputs=[source, None, "-"])


def test_remove_stale_says_whether_there_was_a_file(tmp_path: Path) -> None:
    """An earlier run's rejects file is removed; no file is not an error."""
    stale = tmp_path / "s.rejects.csv"
    stale.write_text("row,reason\n", encoding="utf-8")
    assert remove_stale(stale) and not stale.exists() and not remove_stale(stale)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("-12.00", "-12.00"),  # a negative amount stays a number Excel can sum
        ("+300", "+300"),
        ("-0.5", "-0.5"),
        ("P-001", "P-001"),
        ("闵行区", "闵行区"),
    ],
)
def test_excel_cell_neutralises_formulas_but_not_numbers(cell: str, safe: str) -> None:
    """Cells starting with = + - @ tab get a leading quote; plain signed numbers are left as numbers."""
    assert safe == excel_cell(cell)


@pytest.fixture(scope="module")
def big_claims(tmp_path_factory) -> Path:
    """A synthetic claims file big enough that writing its settlement takes a while (Parquet: quick to read)."""
    from medaid.synth import synth_claims

    path = tmp_path_factory.mktemp("big") / "claims.parquet"
    synth_claims(600_000, 2023, seed=1).write_parquet(path)
    return path


@pytest.mark.parametrize("output", ["settled.csv", "settled.parquet"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_run_killed_mid_write_leaves_no_file_under_the_final_name(
    big_claims: Path, tmp_path: Path, output: str, signum: int
) -> None:
    """`medaid claims` gets SIGINT/SIGTERM once its output is being written: no output, no temporary file, exit 130/143."""
    target = tmp_path / output
    process = subprocess.Popen(
        [sys.executable, "-m", "medaid", "claims", str(big_claims), "-o", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 240
    while not _leftovers(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert process.poll() is None, "the run ended before its output was begun: use a bigger file"
    process.send_signal(signum)
    stderr = process.communicate(timeout=240)[1]
    assert {signal.SIGINT: 130, signal.SIGTERM: 143}[signum] == process.returncode, stderr
    assert "Traceback" not in stderr and "no output file was left half-written" in stderr
    assert not target.exists() and [] == _leftovers(tmp_path)


def test_ledger_settle_terminated_mid_run_writes_no_output_and_a_rerun_completes(tmp_path: Path) -> None:
    """SIGTERM while `ledger settle -o` settles: exit 143, no output file; the rerun writes it whole, nothing paid twice."""
    from medaid.synth import synth_claims

    source = tmp_path / "claims.csv"
    synth_claims(40_000, 2023, seed=2).write_csv(source)
    out, db = tmp_path / "settled.csv", tmp_path / "ledger.db"
    command = [
        sys.executable,
        "-m",
        "medaid",
        "ledger",
        "settle",
        str(source),
        "--db",
        str(db),
        "-o",
        str(out),
        "--workers",
        "1",
        "--batch-size",
        "2000",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while not (tmp_path / "ledger.db-wal").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the run ended before it began settling: use a bigger file"
    process.send_signal(signal.SIGTERM)
    stderr = process.communicate(timeout=240)[1]
    assert 143 == process.returncode and "Traceback" not in stderr, stderr
    assert not out.exists() and [] == _leftovers(tmp_path)
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert 0 == rerun.returncode, rerun.stderr
    assert 40_001 == len(out.read_text(encoding="utf-8").splitlines())
    assert "rows in 40000 / settled" in rerun.stderr


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    """A settled file the bureau made private (0600) stays private when a run replaces it."""
    target = tmp_path / "settled.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    write_text(target, "new\n")
    assert "new\n" == target.read_text(encoding="utf-8") and 0o600 == stat.S_IMODE(target.stat().st_mode)
