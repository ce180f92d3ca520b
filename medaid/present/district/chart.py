"""A bar chart of a district report: each district's total, stacked by city and district share (presentation only).

matplotlib is an optional dependency (``pip install 'medaid[charts]'``). Chinese labels need a font with
the characters; medaid uses ``MEDAID_CJK_FONT`` (a font file) if set, else an installed font that has every
character of the labels (Noto Sans CJK, Source Han Sans, WenQuanYi, …). Without one, the chart is labelled
in English and a one-line warning says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from medaid.district.aggregate import DistrictReport
from medaid.errors import N_, InputError

__all__ = ["cjk_font", "font_family", "write_chart", "draw_chart"]

_PREFERRED = (
    "noto sans cjk",
    "notosanscjk",
    "noto sans sc",
    "source han sans",
    "sourcehansans",
    "wenquanyi",
    "wqy",
    "microsoft yahei",
    "msyh",
    "simhei",
    "pingfang",
    "heiti",
    "ar pl",
    "droid sans fallback",
    "droidsansfallback",
    "noto serif cjk",
)
_TEXT = {
    "en": {
        "title": "Medical assistance by district: city and district shares",
        "y": "10k yuan",
        "city": "City share",
        "district": "District share",
        "total": "Total",
        "unit": "(10k yuan)",
        "title_category": "Medical assistance by district and recipient category",
        "title_kind": "Medical assistance by district and kind of care",
    },
    "zh": {
        "title": "各区医疗救助支出及市、区分担",
        "y": "万元",
        "city": "市级承担",
        "district": "区级承担",
        "total": "合计",
        "unit": "万元",
        "title_category": "各区医疗救助支出（按救助对象类别）",
        "title_kind": "各区医疗救助支出（按住院、门急诊）",
    },
}


def _covers(path: str, text: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except Exception:  # an unreadable font is simply not a candidate
        return False
    return all(ord(ch) in charmap for ch in set(text) if not ch.isspace())


def _preference(item: tuple[str, str]) -> tuple[int, bool]:
    """Well-known CJK sans families first, in :data:`_PREFERRED` order, regular weights before bold or light."""
    name = item[0]
    rank = next((i for i, hint in enumerate(_PREFERRED) if hint in name), len(_PREFERRED))
    stem = Path(item[1]).stem.lower()
    return rank, not ("regular" in stem or "-" not in stem)


def cjk_font(text: str, candidates: Iterable[str] | None = None) -> str | None:
    """The path of a font that has every character of ``text``: ``MEDAID_CJK_FONT``, else the first
    installed one (well-known CJK families first); None if there is none."""
    configured = os.environ.get("MEDAID_CJK_FONT")
    if configured and candidates is None:
        if not Path(configured).is_file():
            raise InputError(N_("MEDAID_CJK_FONT names no file: {configured!r}"), configured=configured)
        return configured if _covers(configured, text) else None
    if candidates is None:
        from matplotlib import font_manager

        # matplotlib's cached list, plus the system's font files (a font installed after the cache was built).
        known = [(f.name.lower(), f.fname) for f in font_manager.fontManager.ttflist]
        known += [(Path(p).name.lower(), p) for p in font_manager.findSystemFonts()]
        # Last Resort maps every character to a placeholder box: it "covers" everything and shows nothing.
        known = [(name, p) for name, p in known if "last resort" not in name and "lastresort" not in name]
        known.sort(key=_preference)
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
        return (
            ["DejaVu Sans"],
            "en",
            "no installed font has the Chinese characters (set MEDAID_CJK_FONT to a font file); chart labels are in English",
        )
    font_manager.fontManager.addfont(font)
    return [font_manager.FontProperties(fname=font).get_name(), "DejaVu Sans"], "zh", None


def write_chart(report: DistrictReport, path: Path | str, lang: str, *, font: str | None = None) -> str | None:
    """Write the chart as PNG; returns a warning if Chinese labels had to fall back to English."""
    from medaid.outputs import atomic_path

    figure, warning = draw_chart(report, lang, font=font)
    with atomic_path(path) as temp:  # whole or not at all (medaid.outputs)
        figure.savefig(temp, format="png")
    return warning


def draw_chart(report: DistrictReport, lang: str, *, font: str | None = None):
    """The chart as a matplotlib figure, and the warning of :func:`write_chart`.

    By district: one bar per district, stacked by city and district share. By district and category (or
    kind): one bar per district, stacked by category (or kind), with a legend naming them, so 16 districts
    × 9 categories stay 16 readable bars.
    """
    try:
        import matplotlib
    except ImportError:
        raise InputError(N_("--chart needs matplotlib: pip install 'medaid[charts]'")) from None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # The largest category at the bottom of each bar, the smallest on top.
    weight: dict[str, int] = {}
    for group in report.rows:
        if group.detail is not None:
            weight[group.detail] = weight.get(group.detail, 0) + group.total_fen
    details = sorted(weight, key=lambda detail: (-weight[detail], detail))
    every_label = "".join(
        [group.district.name("zh") for group in report.rows]
        + [_detail_name(report, d, "zh") for d in details]
        + list(_TEXT["zh"].values())
    )
    family, lang, warning = font_family(lang, every_label + "0123456789.,", font)
    labels = _TEXT[lang]
    districts = list(dict.fromkeys(group.district for group in report.rows))
    names = [d.name(lang) for d in districts]
    with matplotlib.rc_context({"font.family": family, "axes.unicode_minus": False}):
        width = max(6.0, 0.62 * len(names) + 2.0) + (2.6 if details else 0.0)
        figure = Figure(figsize=(width, 4.8), dpi=110, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        if details:
            _stack_by_detail(axes, report, districts, details, lang)
            heading = labels["title_" + report.by.split(",")[1]]
        else:
            _stack_by_share(axes, report, labels)
            heading = labels["title"]
        _finish(axes, report, names, labels, heading, lang, legend_outside=bool(details))
    return figure, warning


_WAN = 1_000_000  # fen in 10 000 yuan; floats only to place bars, the labels print exact figures


def _stack_by_share(axes, report: DistrictReport, labels: dict) -> None:
    positions = range(len(report.rows))
    city = [group.city_fen / _WAN for group in report.rows]
    district = [group.district_share_fen / _WAN for group in report.rows]
    axes.bar(positions, city, color="#2f6db5", label=labels["city"])
    axes.bar(positions, district, bottom=city, color="#f0a030", label=labels["district"])


def _stack_by_detail(axes, report: DistrictReport, districts: list, details: list[str], lang: str) -> None:
    import matplotlib

    colours = matplotlib.colormaps["tab10" if len(details) <= 10 else "tab20"].colors
    at = {d.id: i for i, d in enumerate(districts)}
    bottoms = [0.0] * len(districts)
    for index, detail in enumerate(details):
        heights = [0.0] * len(districts)
        for group in report.rows:
            if group.detail == detail:
                heights[at[group.district.id]] = group.total_fen / _WAN
        axes.bar(
            range(len(districts)),
            heights,
            bottom=bottoms,
            color=colours[index % len(colours)],
            label=_detail_name(report, detail, lang),
        )
        bottoms = [b + h for b, h in zip(bottoms, heights)]


def _finish(
    axes, report: DistrictReport, names: list[str], labels: dict, heading: str, lang: str, *, legend_outside: bool
) -> None:
    import matplotlib.ticker

    from medaid.i18n.amounts import format_amount

    totals: dict[str, int] = {}
    order: list[str] = []
    for group in report.rows:
        if group.district.id not in totals:
            order.append(group.district.id)
        totals[group.district.id] = totals.get(group.district.id, 0) + group.total_fen
    for x, district_id in enumerate(order):
        axes.annotate(
            format_amount(totals[district_id], lang, "wan"),
            (x, totals[district_id] / _WAN),
            ha="center",
            va="bottom",
            fontsize=9,
            xytext=(0, 2),
            textcoords="offset points",
        )
    positions = list(range(len(names)))
    axes.set_xticks(positions, names, rotation=30 if len(names) > 6 else 0, ha="right" if len(names) > 6 else "center")
    axes.set_ylabel(labels["y"])
    axes.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    total = format_amount(report.total.total_fen, lang, "wan")
    axes.set_title(f"{heading}\n{labels['total']} {total} {labels['unit']}", fontsize=12)
    if legend_outside:
        # Listed top to bottom as the segments are stacked.
        handles, texts = axes.get_legend_handles_labels()
        axes.legend(handles[::-1], texts[::-1], frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    else:
        axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(y=0.12)


def _detail_name(report: DistrictReport, detail: str, lang: str) -> str:
    """A category (or several joined by |) or a kind, named in ``lang`` by the newest policy that knows it."""
    if report.by.endswith("kind"):
        return {"zh": {"inpatient": "住院", "outpatient": "门急诊"}, "en": {}}[lang].get(detail, detail)
    parts = []
    for part in detail.split("|"):
        for policy in reversed(report.policies):
            category = policy.categories.get(part)
            if category is not None:
                parts.append(category.name_zh if lang == "zh" else category.name_en)
                break
        else:
            parts.append(part)
    return ("、" if lang == "zh" else " | ").join(parts)
