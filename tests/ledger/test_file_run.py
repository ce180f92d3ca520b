"""The ledger's file run streams: rows are sorted in bounded runs spilled to disk and merged, and the output is
the same as when everything fits in one run (issue 11: a 2 GB file must not need GBs of memory)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from medaid.ledger import file_run


def claims_file(path: Path) -> Path:
    lines = ["claim_id,person_id,district,date,category,kind,self_pay,resident_insurance"]
    for i in range(300):
        lines.append(
            f"c{i},p{i % 23},minhang,2023-{1 + (i * 7) % 12:02d}-{1 + i % 28:02d},dibao,{'inpatient' if i % 3 else 'outpatient'},{100 + i * 37}.5,true"
        )
    lines.insert(50, "c7,p1,minhang,2023-01-01,dibao,inpatient,5,true")  # a duplicate id, rejected
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_spilled_runs_give_the_same_output(tmp_path: Path, monkeypatch, workers: int) -> None:
    """With runs of 7 rows (dozens of spill files, merged twice) the lines, counts and payments equal one run's."""
    source = claims_file(tmp_path / "claims.csv")
    spill = tmp_path / "tmp"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))  # the spill folder goes here, so the test sees only its own
    whole = file_run.settle_file(str(source), str(tmp_path / "a.db"), workers=workers)
    expected = (list(whole.lines), whole.counts, whole.paid_fen, whole.rows_in, whole.rejected)
    monkeypatch.setattr(file_run, "RUN_ROWS", 7)
    spilled = file_run.settle_file(str(source), str(tmp_path / "b.db"), workers=workers, batch_size=11)
    assert (list(spilled.lines), spilled.counts, spilled.paid_fen, spilled.rows_in, spilled.rejected) == expected
    assert expected[1]["settled"] == 300 and [r.line for r in expected[4]] == [51]
    assert len(list(spill.iterdir())) == 0  # the runs and their folders are removed
