"""A bar chart of a district report: each district's total, stacked by city and district share (presentation only).

matplotlib is an optional dependency (``pip install 'medaid[charts]'``). Chinese labels need a font with
the characters; medaid uses ``MEDAID_CJK_FONT`` (a font file) if set, else an installed font that has every
character of the labels (Noto Sans CJK, Source Han Sans, WenQuanYi, …). Without one, the chart is labelled
in English and a one-line warning says so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from medaid.district.aggregate import DistrictReport
from medaid.errors import InputError

__all__ = ["cjk_font", "font_family", "write_chart"]

_PREFERRED = ("noto sans cjk", "notosanscjk", "noto sans sc", "source han sans", "sourcehansans", "wenquanyi", "wqy", "microsoft yahei",
              "msyh", "simhei", "pingfang", "heiti", "ar pl", "droid sans fallback", "droidsansfallback", "noto serif cjk")
_TEXT = {
    "en": {"title": "Medical assistance by district: city and district shares", "y": "10k yuan", "city": "City share",
           "district": "District share", "total": "Total", "unit": "(10k yuan)"},
    "zh": {"title": "各区医疗救助支出及市、区分担", "y": "万元", "city": "市级承担", "district": "区级承担", "total": "合计", "unit": "万元"},
}


def _covers(path: str, text: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except Exception:  # an unreadable font is simply not a candidate
        return False
    return all(ord(ch) in charmap for ch in set(text) if not ch.isspace())


def cjk_font(text: str, candidates: Iterable[str] | None = None) -> str | None:
    """The path of a font that has every character of ``text``: ``MEDAID_CJK_FONT``, else the first
    installed one (well-known CJK families first); None if there is none."""
    configured = os.environ.get("MEDAID_CJK_FONT")
    if configured and candidates is None:
        if not Path(configured).is_file():
            raise InputError(f"MEDAID_CJK_FONT names no file: {configured!r}")
        return configured if _covers(configured, text) else None
    if candidates is None:
        from matplotlib import font_manager

        # matplotlib's cached list, plus the system's font files (a font installed after the cache was built).
        known = [(f.name.lower(), f.fname) for f in font_manager.fontManager.ttflist]
        known += [(Path(p).name.lower(), p) for p in font_manager.findSystemFonts()]
        # Last Resort maps every character to a placeholder box: it "covers" everything and shows nothing.
        known = [(name, p) for name, p in known if "last resort" not in name and "lastresort" not in name]
        known.sort(key=lambda item: not any(hint in item[0] for hint in _PREFERRED))
        candidates = list(dict.fromkeys(p for _name, p in known))
    return next((path for path in candidates if _covers(path, text)), None)


def font_family(lang: str, text: str, font: str | None = None) -> tuple[list[str], str, str | None]:
    """The matplotlib font family for labels in ``lang`` containing ``text``, the language the chart can
    really use, and a warning when Chinese had to fall back to English (no font has the characters)."""
    from matplotlib import font_manager

    if lang != "zh":
        return ["DejaVu Sans"], lang, None
    font = font or cjk_font(text)
    if font is None:
        return ["DejaVu Sans"], "en", "no installed font has the Chinese characters (set MEDAID_CJK_FONT to a font file); chart labels are in English"
    font_manager.fontManager.addfont(font)
    return [font_manager.FontProperties(fname=font).get_name(), "DejaVu Sans"], "zh", None


def write_chart(report: DistrictReport, path: Path | str, lang: str, *, font: str | None = None) -> str | None:
    """Write the chart as PNG; returns a warning if Chinese labels had to fall back to English."""
    try:
        import matplotlib
    except ImportError:
        raise InputError("--chart needs matplotlib: pip install 'medaid[charts]'") from None
    import matplotlib.ticker
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = [group.district.name(lang) for group in report.rows]
    family, lang, warning = font_family(lang, "".join(names) + "".join(_TEXT[lang].values()) + "0123456789.,", font)
    labels = _TEXT[lang]
    names = [group.district.name(lang) for group in report.rows]
    # Floats only to place bars; the labels print the exact figures.
    wan = 1_000_000
    city = [group.city_fen / wan for group in report.rows]
    district = [group.district_share_fen / wan for group in report.rows]
    with matplotlib.rc_context({"font.family": family, "axes.unicode_minus": False}):
        figure = Figure(figsize=(max(6.0, 0.62 * len(names) + 2.0), 4.8), dpi=110, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        positions = range(len(names))
        axes.bar(positions, city, color="#2f6db5", label=labels["city"])
        axes.bar(positions, district, bottom=city, color="#f0a030", label=labels["district"])
        from medaid.i18n.amounts import format_amount

        for x, group in zip(positions, report.rows):
            axes.annotate(format_amount(group.total_fen, lang, "wan"), (x, (group.city_fen + group.district_share_fen) / wan),
                          ha="center", va="bottom", fontsize=9, xytext=(0, 2), textcoords="offset points")
        axes.set_xticks(list(positions), names, rotation=30 if len(names) > 6 else 0, ha="right" if len(names) > 6 else "center")
        axes.set_ylabel(labels["y"])
        axes.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        total = format_amount(report.total.total_fen, lang, "wan")
        axes.set_title(f"{labels['title']}\n{labels['total']} {total} {labels['unit']}", fontsize=12)
        axes.legend(frameon=False)
        axes.spines[["top", "right"]].set_visible(False)
        axes.margins(y=0.12)
        from medaid.outputs import atomic_path

        with atomic_path(path) as temp:  # whole or not at all (medaid.outputs)
            figure.savefig(temp, format="png")
    return warning
