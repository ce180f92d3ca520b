"""Charts for what-if results: the difference per group (bars) and a parameter sweep (line). Presentation only.

Chinese labels use the same font search as the district chart (``MEDAID_CJK_FONT`` or an installed CJK
font); without one the chart falls back to English and a one-line warning says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from medaid.errors import N_, InputError
from medaid.whatif.caseload import CaseloadComparison, Sweep

__all__ = ["comparison_chart", "sweep_chart"]

_WAN = 1_000_000  # fen in 10 000 yuan
_TEXT = {
    "en": {
        "compare": "Reform {reform} vs {base}: change in assistance",
        "change": "Change (10k yuan)",
        "sweep": "Total assistance as {key} varies",
        "cost": "Total assistance (10k yuan)",
        "value": "{key}",
        "baseline": "shipped policy",
    },
    "zh": {
        "compare": "改革方案 {reform} 与 {base} 相比：救助支出变化",
        "change": "变化（万元）",
        "sweep": "{key} 取不同值时的救助总支出",
        "cost": "救助总支出（万元）",
        "value": "{key}",
        "baseline": "现行政策",
    },
}


def _figure(lang: str, labels: Sequence[str]):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError(N_("--chart needs matplotlib: pip install 'medaid[charts]'")) from None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from medaid.present.district.chart import font_family

    family, lang, warning = font_family(lang, "".join(labels) + "".join(_TEXT["zh"].values()) + "0123456789.,-")
    figure = Figure(figsize=(9, 5), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, family, lang, warning


def _save(figure, path: Path | str) -> None:
    from medaid.outputs import atomic_path

    with atomic_path(path) as temp:  # whole or not at all (medaid.outputs)
        figure.savefig(temp, format="png")


def comparison_chart(
    result: CaseloadComparison, names: Sequence[str] | Callable[[str], Sequence[str]], path: Path | str, lang: str
) -> str | None:
    """Bars of reform − baseline per group (万元), gains and losses in two colours.

    ``names`` are the groups' names, or a function giving them in a language: then a Chinese chart that
    falls back to English (no CJK font) names the groups in English too, instead of drawing boxes.
    """
    import matplotlib

    wanted = names(lang) if callable(names) else names
    figure, family, lang, warning = _figure(lang, wanted)
    text = _TEXT[lang]
    names = names(lang) if callable(names) else wanted
    with matplotlib.rc_context({"font.family": family, "axes.unicode_minus": False}):
        axes = figure.add_subplot()
        values = [g.difference_fen / _WAN for g in result.groups]  # floats only to place bars
        axes.bar(range(len(values)), values, color=["#2f8f4e" if v >= 0 else "#c0392b" for v in values])
        axes.axhline(0, color="#444444", linewidth=0.8)
        axes.set_xticks(
            range(len(names)), names, rotation=30 if len(names) > 6 else 0, ha="right" if len(names) > 6 else "center"
        )
        axes.set_ylabel(text["change"])
        axes.set_title(text["compare"].format(reform=result.reform_id, base=result.baseline_id), fontsize=11)
        axes.spines[["top", "right"]].set_visible(False)
        _save(figure, path)
    return warning


def sweep_chart(result: Sweep, path: Path | str, lang: str) -> str | None:
    """Total cost (万元) against the parameter's value, with the shipped policy's cost as a dashed line."""
    import matplotlib

    figure, family, lang, warning = _figure(lang, [result.key])
    text = _TEXT[lang]
    with matplotlib.rc_context({"font.family": family, "axes.unicode_minus": False}):
        axes = figure.add_subplot()
        xs = [p.value for p in result.points]
        ys = [p.total_fen / _WAN for p in result.points]
        numeric = all(_is_number(x) for x in xs)
        positions = [float(x) for x in xs] if numeric else list(range(len(xs)))
        axes.plot(positions, ys, marker="o", color="#2f6db5")
        for x, y, p in zip(positions, ys, result.points):
            axes.annotate(
                f"{p.total_fen / _WAN:,.0f}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=9
            )
        axes.axhline(
            result.baseline.total_fen / _WAN, color="#999999", linestyle="--", linewidth=1, label=text["baseline"]
        )
        if not numeric:
            axes.set_xticks(positions, xs)
        unit = _unit(result.key, lang)
        axes.set_xlabel(
            text["value"].format(key=result.key) + (f" ({unit})" if lang == "en" else f"（{unit}）")
            if unit
            else text["value"].format(key=result.key)
        )
        axes.set_ylabel(text["cost"])
        axes.set_title(text["sweep"].format(key=result.key), fontsize=11)
        axes.legend(frameon=False)
        axes.spines[["top", "right"]].set_visible(False)
        _save(figure, path)
    return warning


def _unit(key: str, lang: str) -> str | None:
    """The unit of a swept parameter, for the axis label."""
    last = key.rsplit(".", 1)[-1]
    if last in ("cap", "amount", "max", "medical", "care", "individual"):
        return "元" if lang == "zh" else "yuan"
    if last.endswith(("ratio", "share")):
        return "比例" if lang == "zh" else "ratio, 0–1"
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
