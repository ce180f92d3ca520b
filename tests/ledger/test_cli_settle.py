"""``medaid ledger settle``'s output file: exactly what ``csv.writer`` writes, in file order, whatever the fields hold."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from medaid.cli import app
from medaid.cli._ledger import OUTPUT_COLUMNS
from medaid.ledger.claims_file import COLUMNS
from tests.ledger.helpers import make_claims, write_claims_csv

RUNNER = CliRunner()


def _settle(claims: Path, db: Path, out: Path, *more: str):
    result = RUNNER.invoke(app, ["ledger", "settle", str(claims), "--db", str(db), "--output", str(out), *more])
    assert 0 == result.exit_code, result.stderr
    return result


def _rewritten(text: str) -> str:
    """The same rows written again by csv.writer: equal text means the output is what csv.writer writes."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
    return buffer.getvalue()


def test_fields_with_commas_quotes_and_line_breaks_are_quoted(tmp_path: Path) -> None:
    """A claim_id or person_id holding a comma, a quote or a line break comes back as written, quoted."""
    claims = tmp_path / "claims.csv"
    with claims.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerow(('c,1', 'p"1', "minhang", "2023-03-01", "dibao", "outpatient", "2000", "true"))
        writer.writerow(("c2", "p\n2", "minhang", "2023-02-01", "dibao", "inpatient", "100.5", "false"))
        writer.writerow(("c3", "p3", "minhang", "2023-01-01", "dibao", "outpatient", "10", "false"))
    out = tmp_path / "out.csv"
    _settle(claims, tmp_path / "ledger.db", out)
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
