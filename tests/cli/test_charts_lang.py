"""Every chart command in Chinese: Chinese labels with a CJK font; without one, English labels and one warning line.

"Without a CJK font" is simulated by pointing medaid at a Latin font (``MEDAID_CJK_FONT`` = DejaVu Sans),
which has none of the characters. Neither case may emit a matplotlib warning (a missing glyph, a font
not found): those would be the 30 lines of noise and the tofu boxes the charts must not have.
"""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import matplotlib
import matplotlib.text
import pytest
from matplotlib.figure import Figure
from typer.testing import CliRunner

from medaid.cli import app
from medaid.synth import synth_claims

ROOT = Path(__file__).resolve().parents[2]
DEJAVU = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
NARROW = str(ROOT / "policies" / "reforms" / "offset-dibao-only.toml")
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("charts")
    claims = folder / "claims.csv"
    synth_claims(3_000, 2023, seed=5).write_csv(claims)
    settled = folder / "settled.csv"
    result = CliRunner().invoke(app, ["claims", str(claims), "--output", str(settled)])
    assert result.exit_code == 0, result.stderr
    return {"claims": claims, "settled": settled}


def _commands(files: dict[str, Path], chart: Path) -> dict[str, list[str]]:
    return {
        "compare": [
            "compare",
            str(files["claims"]),
            "--reform",
            NARROW,
            "--by",
            "district,kind",
            "--chart",
            str(chart),
        ],
        "sweep": [
            "sweep",
            str(files["claims"]),
            "--param",
            "categories.dibao.outpatient.cap",
            "--values",
            "2500,2800",
            "--chart",
            str(chart),
        ],
        "district": ["district", str(files["settled"]), "--by", "district,category", "--chart", str(chart)],
    }


def _run_and_capture(monkeypatch, caplog, args: list[str]) -> tuple[object, list[str], list[warnings.WarningMessage]]:
    """Run a command, keeping the texts of the figure it saves and every warning it raises or logs."""
    drawn: list[str] = []
    save = Figure.savefig

    def spy(figure, *a, **k):
        drawn.extend(t.get_text() for t in figure.findobj(matplotlib.text.Text) if t.get_text() and t.get_visible())
        return save(figure, *a, **k)

    monkeypatch.setattr(Figure, "savefig", spy)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("always")
        result = CliRunner().invoke(app, [*args, "--lang", "zh", "--format", "json"])
    return result, drawn, caught


@pytest.mark.parametrize("command", ["compare", "sweep", "district"])
def test_chinese_labels_with_a_cjk_font(files, tmp_path: Path, monkeypatch, caplog, command: str) -> None:
    """With the CJK font installed (fonts-noto-cjk in CI), the chart is drawn in Chinese, silently."""
    monkeypatch.delenv("MEDAID_CJK_FONT", raising=False)
    chart = tmp_path / "c.png"
    result, drawn, caught = _run_and_capture(monkeypatch, caplog, _commands(files, chart)[command])
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    assert any(CJK.search(text) for text in drawn), drawn
    assert not caught and not caplog.records, [str(w.message) for w in caught] + [
        r.getMessage() for r in caplog.records
    ]
    assert chart.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("command", ["compare", "sweep", "district"])
def test_english_labels_and_one_warning_without_a_cjk_font(
    files, tmp_path: Path, monkeypatch, caplog, command: str
) -> None:
    """Without a CJK font: English labels only (no boxes), exactly one warning line, no matplotlib warning."""
    monkeypatch.setenv("MEDAID_CJK_FONT", DEJAVU)
    chart = tmp_path / "c.png"
    result, drawn, caught = _run_and_capture(monkeypatch, caplog, _commands(files, chart)[command])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("warning") == 1
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        "medaid: warning: no installed font has the Chinese characters (set MEDAID_CJK_FONT to a font file); chart labels are in English"
    ]
    assert drawn and not any(CJK.search(text) for text in drawn), drawn
    assert not caught and not caplog.records, [str(w.message) for w in caught] + [
        r.getMessage() for r in caplog.records
    ]


def test_district_by_category_labels_district_and_category(files, tmp_path: Path, monkeypatch, caplog) -> None:
    """--by district,category: one bar per district, the categories named in the legend, not 100 crowded bars."""
    monkeypatch.delenv("MEDAID_CJK_FONT", raising=False)
    result, drawn, _caught = _run_and_capture(monkeypatch, caplog, _commands(files, tmp_path / "c.png")["district"])
    assert result.exit_code == 0
    assert "闵行区" in drawn and "城乡低保家庭成员" in drawn
    assert drawn.count("闵行区") == 1
