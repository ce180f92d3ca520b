"""``medaid ledger settle``: output exactly as ``csv.writer`` writes it, whatever the fields hold; workers equal to one process."""

from __future__ import annotations

import csv
import io
import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medaid.cli import app
from medaid.errors import InputError, InternalError
from medaid.ledger.claims_file import COLUMNS
from medaid.ledger.file_run import OUTPUT_COLUMNS, in_processes
from tests.ledger.helpers import make_claims, settled_amounts, usage_mismatches, write_claims_csv

RUNNER = CliRunner()


def _settle(claims: Path, db: Path | str, out: Path, *more: str):
    result = RUNNER.invoke(app, ["ledger", "settle", str(claims), "--db", str(db), "--output", str(out), *more])
    assert 0 == result.exit_code, result.stderr
    return result


def _rewritten(text: str) -> str:
    """The same rows written again by csv.writer: equal text means the output is what csv.writer writes."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
    return buffer.getvalue()


def test_fields_with_commas_quotes_and_line_breaks_are_quoted(tmp_path: Path, new_db) -> None:
    """A claim_id or person_id holding a comma, a quote or a line break comes back as written, quoted."""
    claims = tmp_path / "claims.csv"
    with claims.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerow(("c,1", 'p"1', "minhang", "2023-03-01", "dibao", "outpatient", "2000", "true"))
        writer.writerow(("c2", "p\n2", "minhang", "2023-02-01", "dibao", "inpatient", "100.5", "false"))
        writer.writerow(("c3", "p3", "minhang", "2023-01-01", "dibao", "outpatient", "10", "false"))
    out = tmp_path / "out.csv"
    _settle(claims, new_db(), out)
    text = out.read_text(encoding="utf-8")
    assert _rewritten(text) == text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [("c,1", 'p"1'), ("c2", "p\n2"), ("c3", "p3")] == [(row["claim_id"], row["person_id"]) for row in rows]
    assert list(COLUMNS + OUTPUT_COLUMNS) == list(rows[0])
    # dibao: outpatient 60 % after the 300 offset (resident insurance), inpatient 90 %.
    assert ["1020.00", "90.45", "6.00"] == [row["assistance"] for row in rows]


def test_output_is_what_csv_writer_writes(tmp_path: Path) -> None:
    """On an ordinary file (no quoting needed), every line is byte for byte what csv.writer writes."""
    claims = write_claims_csv(tmp_path / "claims.csv", make_claims(500, 40, seed=5, years=(2023, 2024)))
    out = tmp_path / "out.csv"
    _settle(claims, tmp_path / "ledger.db", out)
    text = out.read_text(encoding="utf-8")
    assert 501 == len(text.splitlines())
    assert _rewritten(text) == text


def test_two_workers_write_what_one_writes(tmp_path: Path, new_db) -> None:
    """`--workers 2` (each a share of the persons) gives the output, rejects, counts and stored amounts of one
    process, on a first run and on a second run of the same file (every claim a duplicate)."""
    claims = make_claims(3_000, 200, seed=8, years=(2022, 2023, 2024))
    path = write_claims_csv(tmp_path / "claims.csv", claims)
    with path.open("a", encoding="utf-8") as handle:  # two bad rows, which each run rejects
        handle.write(
            "bad1,p0001,minhang,2023-13-01,dibao,outpatient,10,true\nbad2,p0002,minhang,2023-01-01,dibao,outpatient,-1,true\n"
        )
    runs = {}
    for workers in (1, 2):
        db = new_db(f"ledger_{workers}")
        for attempt in (1, 2):
            out, rejects = tmp_path / f"out-{workers}-{attempt}.csv", tmp_path / f"rejects-{workers}-{attempt}.csv"
            result = RUNNER.invoke(
                app,
                [
                    "ledger",
                    "settle",
                    str(path),
                    "--db",
                    db,
                    "--output",
                    str(out),
                    "--rejects",
                    str(rejects),
                    "--workers",
                    str(workers),
                    "--batch-size",
                    "400",
                ],
            )
            assert 2 == result.exit_code, result.stderr
            runs[workers, attempt] = (
                out.read_text(encoding="utf-8"),
                rejects.read_text(encoding="utf-8"),
                result.stderr,
            )
        runs[workers, "stored"] = settled_amounts(db)
        assert [] == usage_mismatches(db)
    assert runs[1, 1] == runs[2, 1] and runs[1, 2] == runs[2, 2]
    assert runs[1, "stored"] == runs[2, "stored"]
    assert "rows in 3002 / settled 3000 / duplicate 0 / rejected 2" in runs[2, 1][2]
    assert "rows in 3002 / settled 0 / duplicate 3000 / rejected 2" in runs[2, 2][2]


def test_bad_workers_count(tmp_path: Path) -> None:
    claims = write_claims_csv(tmp_path / "claims.csv", make_claims(5, 2))
    result = RUNNER.invoke(app, ["ledger", "settle", str(claims), "--db", str(tmp_path / "l.db"), "--workers", "-1"])
    assert 2 == result.exit_code
    assert "--workers must be from 0 (automatic) to 16, got -1" in result.stderr
    assert not (tmp_path / "l.db").exists()


def _fail_in_share(share: list) -> list:
    if share == ["bad"]:
        raise InputError("share refused", where="here")
    if share == ["bug"]:
        raise ZeroDivisionError("a bug")
    if share == ["killed"]:
        os.kill(os.getpid(), signal.SIGKILL)
    return share


def test_worker_results_come_back_in_order_and_their_errors_are_raised() -> None:
    """Each share's result comes back in share order; a child's InputError is raised as one, a child's bug as an
    InternalError with its traceback, a killed child as an InputError saying to settle again; every child is waited for."""
    assert [["a"], ["b"], ["c"]] == in_processes(_fail_in_share, [["a"], ["b"], ["c"]])
    with pytest.raises(InputError, match="^here: share refused$"):
        in_processes(_fail_in_share, [["a"], ["bad"]])
    with pytest.raises(InternalError, match="ZeroDivisionError: a bug"):
        in_processes(_fail_in_share, [["a"], ["bug"]])
    with pytest.raises(InputError, match="ended without a result"):
        in_processes(_fail_in_share, [["a"], ["killed"]])
    with pytest.raises(InputError, match="share refused"):  # this process's own share fails; the child is still reaped
        in_processes(_fail_in_share, [["bad"], ["b"]])
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind
