"""The district chart: Chinese labels need a font with the characters, else English with a warning."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from medaid.district.aggregate import district_totals, read_settled
from medaid.errors import InputError
from medaid.present.district import chart

SMALL = Path(__file__).resolve().parents[2] / "examples" / "settled-small.csv"
DEJAVU = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
LAST_RESORT = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "LastResortHE-Regular.ttf")


def test_a_latin_font_does_not_cover_chinese() -> None:
    """DejaVu Sans has no 闵: not a candidate; it does cover Latin labels."""
    assert chart.cjk_font("闵行区", [DEJAVU]) is None
    assert DEJAVU == chart.cjk_font("Minhang", [DEJAVU])


def test_last_resort_is_never_chosen() -> None:
    """The search skips matplotlib's Last Resort font, whose boxes would 'cover' every character."""
    assert LAST_RESORT != chart.cjk_font("闵行区")


def test_configured_font_must_exist(monkeypatch) -> None:
    """MEDAID_CJK_FONT naming no file is an input error; naming a Latin font finds nothing."""
    monkeypatch.setenv("MEDAID_CJK_FONT", "/no/such/font.ttf")
    with pytest.raises(InputError, match="MEDAID_CJK_FONT names no file"):
        chart.cjk_font("闵")
    monkeypatch.setenv("MEDAID_CJK_FONT", DEJAVU)
    assert chart.cjk_font("闵") is None


def test_zh_without_a_font_falls_back_to_english(tmp_path, monkeypatch) -> None:
    """No CJK font: the chart is still written, in English, with a one-line warning."""
    monkeypatch.setenv("MEDAID_CJK_FONT", DEJAVU)
    target = tmp_path / "c.png"
    warning = chart.write_chart(district_totals(read_settled(SMALL)), target, "zh")
    assert warning is not None and "chart labels are in English" in warning and "\n" not in warning
    assert target.read_bytes().startswith(b"\x89PNG")


def test_english_chart_needs_no_cjk_font(tmp_path) -> None:
    """An English chart never warns."""
    assert chart.write_chart(district_totals(read_settled(SMALL)), tmp_path / "c.png", "en") is None
