"""The decision notice: its amounts are the ledger's to the fen, its template is the district's, it prints on A4."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medaid.cli import app
from medaid.ledger import Ledger
from medaid.policy.registry import default_registry
from medaid.present.notice import default_template_dir, mask_person, notice_context, render_notice
from medaid.rules import Claim

PERSON = "310104195001011234"


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _year_of_claims(db: Path, n: int = 30) -> Ledger:
    """``n`` claims of one person in 2023 (categories changing, caps binding), one reversed, one year cleared."""
    rng = random.Random(7)
    ledger = Ledger(db)
    for i in range(n):
        kind = "outpatient" if i % 3 else "inpatient"
        fen = rng.randrange(100_00, 3000_00) if kind == "outpatient" else rng.randrange(1000_00, 40000_00)
        categories = ("low_income", "dibao") if i > 10 else ("low_income",)
        ledger.settle(
            Claim(
                dt.date(2023, 1, 1) + dt.timedelta(days=12 * i), kind, fen, categories, True, f"2023-C-{i:04d}", PERSON
            )
        )
    ledger.settle(
        Claim(dt.date(2023, 1, 2), "outpatient", 500_00, ("low_income",), True, "2023-C-LATE", PERSON)
    )  # settled late
    ledger.reverse("2023-C-0004", "重复结算")
    ledger.clear(PERSON, 2023, apply=True)
    return ledger


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("notice") / "ledger.db"
    _year_of_claims(db).close()
    return db


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def test_mask_keeps_the_last_four() -> None:
    """Every character of the person id but the last four is masked."""
    assert mask_person(PERSON) == "*" * 14 + "1234"


def test_totals_are_the_ledgers(ledger_db: Path) -> None:
    """The notice's totals and caps are the ledger's year-to-date usage, reversed claims left out, clearings in."""
    registry = default_registry()
    with Ledger(ledger_db, registry=registry) as ledger:
        context = notice_context(ledger, registry, PERSON, 2023, "en")
        usage = ledger.usage(PERSON, 2023)
        adjustments = ledger.adjustments(PERSON, 2023)
    assert adjustments, "the clearing should have adjusted something"
    totals = context["totals_fen"]
    assert totals["inpatient"] == usage.inpatient.paid_fen
    assert totals["outpatient"] == usage.outpatient.paid_fen
    assert totals["subsidy"] == usage.subsidy_paid_fen
    assert sum(row["assistance_fen"] + row["subsidy_fen"] for row in context["claims"]) == totals["paid"]
    caps = {cap["kind"]: cap for cap in context["caps"]}
    assert caps["inpatient"]["left"] == _yuan(usage.inpatient.remaining_fen)
    assert context["reversed_count"] == 1 and context["claim_count"] == 31
    assert [row["date"] for row in context["claims"]] == sorted(row["date"] for row in context["claims"])


def test_legal_basis_and_provisional_readings(ledger_db: Path) -> None:
    """The notice lists the documents used (number and title) and the provisional readings in plain words."""
    registry = default_registry()
    with Ledger(ledger_db, registry=registry) as ledger:
        html = render_notice(notice_context(ledger, registry, PERSON, 2023, "zh"))
    assert "沪医保规〔2022〕12号 关于调整门急诊医疗救助年度救助限额的通知" in html
    from medaid.policy.decisions import decisions

    assert decisions()["D7"].default_zh in html  # the plain words of policies/decisions.toml
    assert PERSON not in html and "*" * 14 + "1234" in html
    assert "（由出具机关填写）" in html  # no appeal wording of medaid's own


def test_district_template_and_its_variables(ledger_db: Path, tmp_path: Path) -> None:
    """A district's folder: its template renders, its notice.toml gives the office and appeal wording, escaped."""
    folder = tmp_path / "district"
    shutil.copytree(default_template_dir(), folder)
    (folder / "notice.toml").write_text(
        '[zh]\nissuing_office = "某某街道社区事务受理服务中心"\nappeal = "如不服<本决定>，可依法申请复议。"\n',
        encoding="utf-8",
    )
    out = tmp_path / "n.html"
    code, _out, err = run(
        "notice",
        "--db",
        str(ledger_db),
        "--person",
        PERSON,
        "--year",
        "2023",
        "--output",
        str(out),
        "--lang",
        "zh",
        "--template",
        str(folder),
    )
    assert code == 0, err
    assert err.strip() == f"已写入 {out}"  # the command's own line in the language asked for
    html = out.read_text(encoding="utf-8")
    assert "某某街道社区事务受理服务中心" in html
    assert "如不服&lt;本决定&gt;，可依法申请复议。" in html  # autoescape on


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no notice.html.j2 in the template folder"),
        ("{% for x in %}", "template syntax error"),
        ("{{ no_such_thing }}", "template uses an unknown variable"),
    ],
)
def test_bad_template_is_one_line(ledger_db: Path, tmp_path: Path, content: str | None, message: str) -> None:
    """A missing or broken district template is one line naming it, exit 2, and no output file."""
    folder = tmp_path / "t"
    folder.mkdir()
    if content is not None:
        (folder / "notice.html.j2").write_text(content, encoding="utf-8")
    out = tmp_path / "n.html"
    code, _out, err = run(
        "notice",
        "--db",
        str(ledger_db),
        "--person",
        PERSON,
        "--year",
        "2023",
        "--output",
        str(out),
        "--template",
        str(folder),
    )
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == [folder]


def test_unknown_person_year(ledger_db: Path, tmp_path: Path) -> None:
    """A person-year without claims is named."""
    code, _out, err = run(
        "notice", "--db", str(ledger_db), "--person", "nobody", "--year", "2023", "--output", str(tmp_path / "n.html")
    )
    assert code == 2 and "no claim of person 'nobody' in 2023" in err


def test_no_chromium_is_one_line(ledger_db: Path, tmp_path: Path) -> None:
    """--pdf without a Chromium: one line saying how to get one, before anything is written."""
    out = tmp_path / "n.html"
    code, _out, err = run(
        "notice",
        "--db",
        str(ledger_db),
        "--person",
        PERSON,
        "--year",
        "2023",
        "--output",
        str(out),
        "--pdf",
        str(tmp_path / "n.pdf"),
        env={"PATH": str(tmp_path), "MEDAID_CHROMIUM": ""},
    )
    assert code == 2 and "--pdf needs a Chromium" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_printed_in_a_real_browser(ledger_db: Path, tmp_path: Path) -> None:
    """A year of 31 claims prints in Chinese on at most 2 A4 pages with every amount in the PDF's text; the PNG is drawn.

    (English is the same template with other labels; one browser run per format keeps the test short.)
    """
    lang = "zh"
    from medaid.present.browser import screenshot

    html, pdf, png = tmp_path / "n.html", tmp_path / "n.pdf", tmp_path / "n.png"
    code, _out, err = run(
        "notice",
        "--db",
        str(ledger_db),
        "--person",
        PERSON,
        "--year",
        "2023",
        "--output",
        str(html),
        "--pdf",
        str(pdf),
        "--lang",
        lang,
    )
    assert code == 0, err
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 1 <= pages <= 2
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    registry = default_registry()
    with Ledger(ledger_db, registry=registry) as ledger:
        settlements = ledger.settlements(PERSON, 2023)
        adjustments = ledger.adjustments(PERSON, 2023)
        usage = ledger.usage(PERSON, 2023)
    amounts = set()
    for s in settlements:
        extra = adjustments.get(s.claim_id, (0, 0))
        amounts |= {s.self_pay_fen, s.assistance_fen + extra[0], s.deductible_subsidy_fen + extra[1]}
        assert s.claim_id in text
    amounts |= {
        usage.inpatient.paid_fen,
        usage.outpatient.paid_fen,
        usage.inpatient.remaining_fen,
        usage.outpatient.remaining_fen,
        usage.inpatient.paid_fen + usage.outpatient.paid_fen + usage.subsidy_paid_fen,
    }
    missing = [_yuan(fen) for fen in amounts if _yuan(fen) not in text]
    assert not missing
    assert ("医疗救助结算告知书" if lang == "zh" else "Medical assistance settlement notice") in text
    screenshot(html, png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
