"""CLI fuzz test: random files and arguments for every command; no traceback, a documented exit code, no row lost.

Hypothesis builds a working folder (claims files mixing good and bad rows, header-only and empty files,
binary junk, a settled file, a transfer table, participants, case files, a ledger) and a command line for
one command, then runs it in-process with typer's CliRunner. Whatever the input, the command must end with
an exit code of docs/cli.md (0, 1 only where a command documents it, 2), never an unexpected exception,
and a command that reads claims must report rows in = settled (+ duplicate) + rejected.

Deterministic in CI (``derandomize``); ``MEDAID_FUZZ_EXAMPLES=2000`` searches longer, with fresh examples.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from medaid.cli import app

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance"]
REFORMS = sorted(str(p) for p in (ROOT / "policies" / "reforms").glob("*.toml"))
CASES = sorted(str(p) for p in (ROOT / "tests" / "cases").glob("*.toml"))[:3]
EXAMPLES = int(os.environ.get("MEDAID_FUZZ_EXAMPLES", "0"))

#: Exit codes each command may give (docs/cli.md): 1 only where a command documents it.
ALLOWED = {"test": {0, 1, 2}, "check": {0, 1, 2}}
DEFAULT_ALLOWED = {0, 2}
COUNTS = re.compile(r"rows in (\d+) / settled (\d+)(?: / duplicate (\d+))? / rejected (\d+)")

# ---- values: mostly good, with the edge values bureau files and users really produce -------------
ids = st.sampled_from(["C1", "C2", "C3", "C1", "P 1", "", " ", "=1+1", "x,y", 'q"uote', "长宁-1", "\u3000"])
persons = st.sampled_from(["P1", "P2", "P1 ", "", "@p", "p3"])
districts = st.sampled_from(["minhang", "pudong", "闵行区", "闵行", "Minhang", "nowhere", "", " xuhui "])
dates = st.sampled_from(
    [
        "2023-05-01",
        "2024-02-29",
        "2018-07-01",
        "2023-02-30",
        "2203-05-01",
        "1999-01-01",
        "20230501",
        "2023/5/1",
        "2023-W18-1",
        "",
        "yesterday",
    ]
)
categories = st.sampled_from(
    [
        "dibao",
        "low_income",
        "dibao|low_income",
        "dibao|",
        "special_relief",
        "extreme_poverty",
        "medical_poverty_2",
        "Dibao",
        "低保",
        "nope",
        "",
    ]
)
kinds = st.sampled_from(["inpatient", "outpatient", "Inpatient", "住院", "x", ""])
amounts = st.sampled_from(
    [
        "0",
        "100",
        "5500.00",
        "0.01",
        "130000",
        "1000000000",
        "1000000000.01",
        "10000000000",
        "1e400",
        "-12.00",
        "12.345",
        "abc",
        "inf",
        "NaN",
        " 5 ",
        "5_000",
        "１２",
        "",
        "99999999999999999999999",
    ]
)
insured = st.sampled_from(["true", "false", "1", "0", "yes", "是", "maybe", ""])
field = st.one_of(ids, persons, districts, dates, categories, kinds, amounts, insured)


GOOD = [
    st.sampled_from(v)
    for v in (
        ["C1", "C2", "C3", "C4"],
        ["P1", "P2"],
        ["minhang", "pudong"],
        ["2023-05-01", "2024-02-29", "2023-12-31"],
        ["dibao", "low_income", "special_relief"],
        ["inpatient", "outpatient"],
        ["100", "5500.00", "0"],
        ["true", "false"],
    )
]
ODD = [ids, persons, districts, dates, categories, kinds, amounts, insured]


@st.composite
def claim_row(draw) -> list[str]:
    """A claim row: good, or with one or two odd values; sometimes too few or too many fields."""
    row = [draw(good) for good in GOOD]
    for index in draw(st.lists(st.integers(0, 7), max_size=2)):
        row[index] = draw(ODD[index])
    shape = draw(st.sampled_from(["ok"] * 8 + ["short", "long"]))
    if shape == "short":
        row = row[: draw(st.integers(1, 7))]
    elif shape == "long":
        row = row + [draw(field)]
    return row


def _csv(rows: list[list[str]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


@st.composite
def claims_file(draw) -> bytes:
    """Random claims file contents: good and bad rows, header-only, empty, blank lines, or binary junk."""
    kind = draw(st.sampled_from(["rows"] * 6 + ["header", "empty", "junk", "no-header"]))
    if kind == "empty":
        return b""
    if kind == "junk":
        return draw(st.binary(min_size=1, max_size=60))
    header = list(HEADER)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if kind == "no-header":
        header = header[:-1]
    rows = [] if kind == "header" else draw(st.lists(claim_row(), min_size=1, max_size=8))
    text = _csv([header, *rows])
    if draw(st.booleans()):
        text = text.replace("\n", "\n\n", 1)  # a blank line
    return text.encode("utf-8")


GOOD_CLAIMS = _csv(
    [
        HEADER,
        ["C1", "P1", "minhang", "2023-05-01", "dibao", "inpatient", "5500.00", "true"],
        ["C2", "P1", "minhang", "2023-06-01", "dibao", "outpatient", "420.00", "true"],
    ]
).encode()
SETTLED = (ROOT / "examples" / "settled-small.csv").read_bytes()
TRANSFER = (ROOT / "examples" / "transfer-2023.csv").read_bytes()
files = st.one_of(
    claims_file(),
    st.just(GOOD_CLAIMS),
    st.just(SETTLED),
    st.just(TRANSFER),
    st.sampled_from(
        [
            b"unit,type,participants\nA,town,10\nB,street,x\n",
            "district,clearing,pre_allocation,audit_overpayment\n黄浦,1e9,,\n".encode(),
        ]
    ),
)

# ---- command lines: {in} is the random input file, {out} an output path, {db} a ledger ----------
# Mostly valid options, so most runs get past the options to the files; a bad one now and then.
outputs = st.sampled_from(
    ["{dir}/out.csv"] * 6 + ["{dir}/out.parquet", "{dir}/nodir/out.csv", "{dir}", "{in}", "-", "{dir}/out.txt"]
)
langs = st.sampled_from(["zh", "en"] * 4 + ["fr"])
flags = st.sampled_from([[]] * 5 + [["--excel"], ["--excel-gbk"]])


def formats(*good: str) -> st.SearchStrategy[str]:
    return st.sampled_from([*good] * 4 + ["xlsx", "text", "bogus"])


def _maybe(option: str, values) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), values.map(lambda v: [option, v]))


def command_lines() -> st.SearchStrategy[list[str]]:
    claims = st.tuples(
        st.just(["claims", "{in}", "-o"]),
        outputs,
        _maybe("--rejects", outputs),
        _maybe("--format", st.sampled_from(["csv", "parquet", "xlsx"])),
        st.lists(st.sampled_from(["--strict"]), max_size=1),
        _maybe("--reform", st.sampled_from(REFORMS)),
        flags,
    )
    compare = st.tuples(
        st.just(["compare", "{in}", "--reform"]),
        st.sampled_from([*REFORMS * 3, "medical-assistance-2023", "nope.toml"]),
        _maybe("--by", st.sampled_from(["district", "kind", "category", "district,kind", "x"])),
        _maybe("--format", formats("table", "csv", "json")),
        _maybe("-o", outputs),
        _maybe("--rejects", outputs),
        _maybe("--unit", st.sampled_from(["wan", "yuan", "fen"])),
        flags,
    )
    sweep = st.tuples(
        st.just(["sweep", "{in}", "--param"]),
        st.sampled_from(
            [
                "categories.dibao.outpatient.ratio",
                "categories.low_income.outpatient.cap",
                "outpatient_offset.categories",
                "effective_from",
                "nope",
                "categories..x",
            ]
        ),
        st.just(["--values"]),
        st.sampled_from(["0.5,0.6", "2800", "dibao|low_income", "inf", "-1", "abc", ",", "1e30"]),
        _maybe("--format", formats("table", "csv", "json")),
        _maybe("-o", outputs),
        _maybe("--rejects", outputs),
        flags,
    )
    district = st.tuples(
        st.just(["district", "{in}"]),
        _maybe("--by", st.sampled_from(["district", "district,kind", "district,category", "kind"])),
        _maybe("--format", formats("table", "csv", "json")),
        _maybe("-o", outputs),
        _maybe("--reform", st.sampled_from(REFORMS)),
        _maybe("--unit", st.sampled_from(["wan", "yuan"])),
        _maybe("--policy", st.sampled_from(["medical-assistance-2023", "mutual-aid-2022", "x"])),
        flags,
    )
    ledger = st.one_of(
        st.tuples(
            st.just(["ledger", "settle", "{in}", "--db", "{db}"]),
            _maybe("-o", outputs),
            _maybe("--rejects", outputs),
            _maybe("--batch-size", st.sampled_from(["1", "0", "-3"])),
            _maybe("--workers", st.sampled_from(["1", "2", "99"])),
            flags,
        ),
        st.tuples(
            st.just(["ledger", "show"]),
            st.sampled_from(["P1", "nobody", ""]),
            st.just(["--db", "{db}"]),
            _maybe("--format", formats("text", "json")),
            _maybe("--year", st.sampled_from(["2023", "0", "-1"])),
        ),
        st.tuples(
            st.just(["ledger", "clear"]),
            st.sampled_from(["P1", "nobody"]),
            st.just(["--year"]),
            st.sampled_from(["2023", "1", "99999"]),
            st.just(["--db", "{db}"]),
            st.lists(st.sampled_from(["--apply"]), max_size=1),
            _maybe("--format", formats("text", "json")),
        ),
        st.tuples(
            st.just(["ledger", "reverse"]),
            st.sampled_from(["C1", "C9", ""]),
            st.just(["--db", "{db}", "--reason", "test"]),
        ),
    )
    calc = st.tuples(
        st.just(["calc"]),
        _maybe("-c", categories),
        _maybe("-c", categories),
        st.just(["--date"]),
        dates,
        _maybe("--inpatient", amounts),
        _maybe("--outpatient", amounts),
        _maybe("--format", formats("text", "json")),
        _maybe("--lang", langs),
        st.lists(st.sampled_from(["--resident-insurance"]), max_size=1),
        _maybe("--reform", st.sampled_from([*REFORMS, "{in}"])),
    )
    policy = st.one_of(
        st.just(["policy", "list"]),
        st.tuples(
            st.just(["policy", "show"]),
            st.sampled_from(["medical-assistance-2023", "mutual-aid-2022", "nope", "{in}", *REFORMS]),
            _maybe("--format", formats("text", "json")),
        ),
        st.tuples(
            st.just(["policy", "diff"]),
            st.sampled_from(["medical-assistance-2023", "nope", *REFORMS]),
            st.sampled_from(["medical-assistance-2024", "{in}"]),
        ),
        st.tuples(
            st.just(["policy", "validate"]),
            st.lists(st.sampled_from(["{in}", *REFORMS, "{dir}/missing.toml"]), max_size=2),
        ),
        st.tuples(st.just(["policy", "docs"]), _maybe("-o", outputs)),
    )
    districts_money = st.one_of(
        st.tuples(
            st.just(["mutual-aid", "--year"]),
            st.sampled_from(["2022", "2023", "1999", "20x3"]),
            st.just(["--district"]),
            districts,
            st.one_of(
                st.just(["--participants", "{in}"]),
                st.just(["--town-participants", "10", "--street-participants", "20"]),
                st.just(["--town-participants", "-1"]),
                st.just([]),
            ),
            _maybe("--format", formats("table", "json")),
            _maybe("--lang", langs),
        ),
        st.tuples(
            st.just(["transfer", "{in}"]),
            _maybe("--format", formats("table", "csv", "json")),
            _maybe("--policy", st.sampled_from(["medical-assistance-2023", "mutual-aid-2022"])),
            _maybe("--lang", langs),
        ),
    )
    testing = st.one_of(
        st.tuples(
            st.just(["test"]),
            st.lists(st.sampled_from(["{in}", *CASES, "{dir}/none.toml"]), min_size=1, max_size=2),
            st.lists(st.sampled_from(["--coverage"]), max_size=1),
        ),
        st.tuples(
            st.just(["check"]),
            st.sampled_from(["{in}", "nope", "mutual-aid-2022"]),
            _maybe("--examples", st.sampled_from(["0", "-1"])),
        ),
    )
    synth = st.tuples(
        st.just(["synth", "claims", "-n"]),
        st.sampled_from(["1", "3", "0", "-5", "999999999999"]),
        _maybe("--seed", st.sampled_from(["0", "-1", str(2**70)])),
        _maybe("--year", st.sampled_from(["2023", "2017", "2024"])),
        st.just(["-o"]),
        outputs,
        _maybe("--format", st.sampled_from(["csv", "parquet", "x"])),
    )
    return st.one_of(claims, compare, sweep, district, ledger, calc, policy, districts_money, testing, synth).map(
        _flatten
    )


def _flatten(parts) -> list[str]:
    out: list[str] = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            out.extend(_flatten(part))
        else:
            out.append(part)
    return out


def _run(args: list[str], data: bytes, seed_ledger: bool):
    with tempfile.TemporaryDirectory(prefix="medaid-fuzz-") as folder:
        source = Path(folder) / (
            "input.toml"
            if args[0] in ("test", "check", "policy") or "--reform" in args and "{in}" in args
            else "input.csv"
        )
        source.write_bytes(data)
        db = Path(folder) / "ledger.db"
        runner = CliRunner()
        if seed_ledger:
            good = Path(folder) / "good.csv"
            good.write_bytes(GOOD_CLAIMS)
            assert (
                0
                == runner.invoke(
                    app, ["ledger", "settle", str(good), "--db", str(db), "-o", str(Path(folder) / "seed.csv")]
                ).exit_code
            )
        argv = [a.format(**{"in": str(source), "dir": folder, "db": str(db)}) for a in args]
        result = runner.invoke(app, argv)
        return argv, result, _rows_in(argv, "--rejects", folder)


def _rows_in(argv: list[str], option: str, folder: str) -> int | None:
    """Data rows of the CSV file ``option`` names, if the run wrote it (None otherwise)."""
    import csv

    if option not in argv or argv.index(option) + 1 >= len(argv):
        return None
    path = Path(argv[argv.index(option) + 1])
    if not path.is_file() or path.suffix != ".csv" or not str(path).startswith(folder) or path.name.startswith("input"):
        return None
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        return max(0, sum(1 for _row in csv.reader(handle)) - 1)


@settings(
    max_examples=EXAMPLES or 130,
    deadline=None,
    derandomize=not EXAMPLES,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(args=command_lines(), data=files, seed_ledger=st.booleans())
def test_no_command_ever_shows_a_traceback_or_loses_a_row(args: list[str], data: bytes, seed_ledger: bool) -> None:
    """Any command, any file: a documented exit code, no unexpected exception, rows in = settled + rejected."""
    argv, result, written_rejects = _run(args, data, seed_ledger)
    shown = f"medaid {' '.join(argv)}\n{result.output}"
    exception = result.exception
    assert exception is None or isinstance(exception, SystemExit), f"{shown}\n{type(exception).__name__}: {exception}"
    assert "Traceback" not in result.output, shown
    assert result.exit_code in ALLOWED.get(argv[0], DEFAULT_ALLOWED), shown
    for match in COUNTS.finditer(result.output):
        rows_in, settled, duplicate, rejected = (int(g or 0) for g in match.groups())
        assert rows_in == settled + duplicate + rejected, shown
        if rejected:
            assert 2 == result.exit_code, shown  # any reject: exit 2 (docs/cli.md)
        if written_rejects is not None:  # every rejected row is in the --rejects file, once
            assert rejected == written_rejects, shown
