"""Each failure of issue 11 (outputs and tracebacks) as a named regression test: exit code, the one line, the files."""

from __future__ import annotations

import csv
import io
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medaid.cli import app

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = ROOT / "examples" / "claims-small.csv"
SETTLED = ROOT / "examples" / "settled-small.csv"
REFORM = ROOT / "policies" / "reforms" / "low-income-outpatient-cap-3000.toml"
HEADER = "claim_id,person_id,district,date,category,kind,self_pay,resident_insurance\n"


def run(*args: str, stdin: str | None = None):
    result = CliRunner().invoke(app, [str(a) for a in args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def claims_with_rejects(tmp_path: Path) -> Path:
    """The small example plus two bad rows (an unknown category, a negative amount)."""
    path = tmp_path / "claims.csv"
    path.write_text(
        CLAIMS.read_text(encoding="utf-8") + "X1,P9,minhang,2023-05-01,nope,inpatient,10,true\n"
        "X2,P9,minhang,2023-05-02,dibao,inpatient,-12.00,true\n",
        encoding="utf-8",
    )
    return path


def test_ledger_settle_with_a_huge_amount_rejects_that_row_and_settles_the_other(tmp_path: Path) -> None:
    """A self-pay of 10^20 yuan was an OverflowError rolling back the batch: now that row is rejected, the other settles."""
    source = tmp_path / "huge.csv"
    source.write_text(
        HEADER + "c1,p1,minhang,2023-05-01,dibao,inpatient,100000000000000000000,true\n"
        "c2,p1,minhang,2023-05-01,dibao,inpatient,100,true\n",
        encoding="utf-8",
    )
    result = run("ledger", "settle", source, "--db", tmp_path / "l.db", "-o", tmp_path / "out.csv")
    assert 2 == result.exit_code
    assert "rows in 2 / settled 1 / duplicate 0 / rejected 1" in result.output
    assert ["c2"] == [
        row["claim_id"] for row in csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8")))
    ]


def test_ledger_settle_to_a_missing_folder_fails_before_settling(tmp_path: Path) -> None:
    """`ledger settle -o nodir/x.csv` committed the payments and then crashed: now it stops first, ledger untouched."""
    result = run("ledger", "settle", CLAIMS, "--db", tmp_path / "l.db", "-o", tmp_path / "nodir" / "x.csv")
    assert 2 == result.exit_code and "no folder" in result.output
    assert not (tmp_path / "l.db").exists()


def test_compare_on_a_header_only_file_reports_zero_rows(tmp_path: Path) -> None:
    """A header-only claims file was an IndexError in compare: now an all-zero comparison, exit 0."""
    source = tmp_path / "empty.csv"
    source.write_text(HEADER, encoding="utf-8")
    result = run("compare", source, "--reform", REFORM, "--lang", "en")
    assert 0 == result.exit_code, result.output
    assert "rows in 0 / settled 0 / rejected 0" in result.output


def test_calc_with_a_mutual_aid_reform_is_refused_in_one_line(tmp_path: Path) -> None:
    """`calc --reform` with a mutual-aid reform was an AttributeError: now exit 2 saying which scheme it is."""
    reform = tmp_path / "ma.toml"
    reform.write_text('extends = "mutual-aid-2022"\n[standard]\nindividual = 100\n', encoding="utf-8")
    result = run("calc", "-c", "dibao", "--inpatient", "100", "--date", "2022-05-01", "--reform", reform)
    assert 2 == result.exit_code and "is a mutual_aid policy" in result.output


def test_synth_with_a_negative_seed_is_refused(tmp_path: Path) -> None:
    """`synth claims --seed -1` was a numpy ValueError traceback."""
    result = run("synth", "claims", "-n", "5", "--seed", "-1", "-o", tmp_path / "s.csv")
    assert 2 == result.exit_code and "--seed must be a whole number of 0 or more, got -1" in result.output
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("district", SETTLED, "-o", "{out}"),
        ("compare", CLAIMS, "--reform", REFORM, "-o", "{out}"),
        ("sweep", CLAIMS, "--param", "categories.dibao.outpatient.ratio", "--values", "0.6", "-o", "{out}"),
        ("policy", "docs", "-o", "{out}"),
        ("claims", CLAIMS, "-o", "{out}"),
        ("synth", "claims", "-n", "3", "-o", "{out}"),
        ("district", SETTLED, "--chart", "{out}.png"),
    ],
    ids=["district", "compare", "sweep", "policy-docs", "claims", "synth", "chart"],
)
def test_output_in_a_missing_folder_is_refused_before_any_work(tmp_path: Path, args) -> None:
    """`-o nodir/…` was a FileNotFoundError traceback after all the work: now one line and exit 2, at once."""
    out = tmp_path / "nodir" / "x.csv"
    result = run(*[str(a).format(out=out) for a in args])
    assert 2 == result.exit_code and "no folder" in result.output


def test_claims_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    """`claims x.csv -o x.csv` overwrote the input: now refused, the input intact."""
    source = tmp_path / "x.csv"
    source.write_bytes(CLAIMS.read_bytes())
    result = run("claims", source, "-o", tmp_path / "." / "x.csv")
    assert 2 == result.exit_code and "is the input" in result.output
    assert CLAIMS.read_bytes() == source.read_bytes()


def test_a_clean_rerun_removes_the_earlier_default_rejects_file(tmp_path: Path, claims_with_rejects: Path) -> None:
    """A clean re-run left the previous run's rejects beside the new output: now it is removed, and said so."""
    out = tmp_path / "s.csv"
    assert 2 == run("claims", claims_with_rejects, "-o", out).exit_code
    assert (tmp_path / "s.rejects.csv").exists()
    result = run("claims", CLAIMS, "-o", out)
    assert 0 == result.exit_code and "removed" in result.output
    assert not (tmp_path / "s.rejects.csv").exists()


def test_an_explicit_rejects_file_is_always_written(tmp_path: Path) -> None:
    """--rejects FILE reflects this run even with no reject: a header-only file replaces an earlier one."""
    rejects = tmp_path / "r.csv"
    rejects.write_text("row,reason\n1,stale\n", encoding="utf-8")
    assert 0 == run("claims", CLAIMS, "-o", tmp_path / "s.csv", "--rejects", rejects).exit_code
    assert ["line", "reason"] == rejects.read_text(encoding="utf-8").splitlines()[0].split(",")[:2]
    assert 1 == len(rejects.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(
    "command",
    [
        ("sweep", "--param", "categories.dibao.outpatient.ratio", "--values", "0.6,0.7"),
        ("compare", "--reform", REFORM),
        ("district", "--reform", REFORM),
    ],
)
def test_report_commands_count_reject_and_exit_2(tmp_path: Path, claims_with_rejects: Path, command) -> None:
    """sweep dropped bad rows silently and compare exited 0 with rejects: now rows in = settled + rejected, --rejects, exit 2."""
    rejects = tmp_path / "rejects.csv"
    result = run(command[0], claims_with_rejects, *command[1:], "--rejects", rejects, "--lang", "en")
    assert 2 == result.exit_code
    assert "rows in 36 / settled 34 / rejected 2" in result.output
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert ["X1", "X2"] == [row["claim_id"] for row in rows] and all(row["reason"] for row in rows)


def test_excel_output_has_a_bom_neutralised_cells_and_numbers_kept(tmp_path: Path) -> None:
    """--excel: UTF-8 with BOM; a formula-like id gets a quote; a negative amount stays a number."""
    source = tmp_path / "c.csv"
    source.write_text(
        HEADER + "=HYPERLINK(1),@p,minhang,2023-05-01,dibao,inpatient,100.00,true\n"
        "c2,p2,minhang,2023-05-01,dibao,inpatient,-12.00,true\n",
        encoding="utf-8",
    )
    out, rejects = tmp_path / "s.csv", tmp_path / "r.csv"
    assert 2 == run("claims", source, "-o", out, "--rejects", rejects, "--excel").exit_code
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    row = next(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert ("'=HYPERLINK(1)", "'@p", "90.00") == (row["claim_id"], row["person_id"], row["assistance"])
    reject = next(csv.DictReader(io.StringIO(rejects.read_bytes().decode("utf-8-sig"))))
    assert "-12.00" == reject["self_pay"]


def test_excel_gbk_output_decodes_as_gbk(tmp_path: Path) -> None:
    """--excel-gbk: the district CSV in GBK for older Chinese Excel."""
    out = tmp_path / "d.csv"
    assert 0 == run("district", SETTLED, "--format", "csv", "-o", out, "--excel-gbk").exit_code
    text = out.read_bytes().decode("gbk")
    assert text.startswith("district,") and "total" in text


def test_dash_reads_stdin_and_writes_stdout_with_the_summary_on_stderr() -> None:
    """`claims - -o -`: settled CSV on stdout, the counts on stderr."""
    result = CliRunner().invoke(app, ["claims", "-", "-o", "-"], input=CLAIMS.read_text(encoding="utf-8"))
    assert 0 == result.exit_code, result.output
    assert result.stdout.startswith("claim_id,person_id,") and 35 == len(result.stdout.splitlines())
    assert "rows in 34 / settled 34 / rejected 0" in result.stderr and "rows in" not in result.stdout


def test_an_unexpected_error_is_one_line_and_exit_70(monkeypatch, capsys) -> None:
    """The last safety net in main(): a bug prints one line with the hint, exit 70; MEDAID_DEBUG=1 re-raises."""
    import sys

    import medaid.rules
    from medaid.cli import main

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(medaid.rules, "assess_person_year", broken)
    monkeypatch.setattr(sys, "argv", ["medaid", "calc", "-c", "dibao", "--date", "2023-05-01"])
    monkeypatch.delenv("MEDAID_DEBUG", raising=False)
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:  # main() installs its Ctrl-C/SIGTERM handlers: give pytest its own back afterwards
        with pytest.raises(SystemExit) as stopped:
            main()
        assert 70 == stopped.value.code
        err = capsys.readouterr().err
        assert (
            "medaid: internal error: RuntimeError: a bug" in err and "MEDAID_DEBUG=1" in err and "Traceback" not in err
        )
        monkeypatch.setenv("MEDAID_DEBUG", "1")
        with pytest.raises(RuntimeError):
            main()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def test_ledger_settle_excel_to_stdout_keeps_the_bom_and_summary_on_stderr(tmp_path: Path) -> None:
    """`ledger settle --excel` without -o: the settled CSV on stdout in UTF-8 with BOM; the counts on stderr."""
    result = run("ledger", "settle", CLAIMS, "--db", tmp_path / "l.db", "--excel")
    assert 0 == result.exit_code, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfclaim_id,")
    assert "rows in 34 / settled 34" in result.stderr


def test_parquet_to_stdout_is_refused_before_any_work(tmp_path: Path) -> None:
    """`-o -` is CSV: asking for Parquet on standard output is refused at once."""
    result = run("claims", CLAIMS, "-o", "-", "--format", "parquet")
    assert 2 == result.exit_code and "Parquet needs a file" in result.output
