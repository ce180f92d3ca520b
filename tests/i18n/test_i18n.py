"""Locale choice and babel formatting, pinned exactly."""

from __future__ import annotations

import pytest

from medaid.i18n import default_lang, format_money, format_ratio


@pytest.mark.parametrize(
    "env, lang",
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_default_lang_follows_the_system_locale(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], lang: str
) -> None:
    """zh on a Chinese system locale, else en; LC_ALL wins over LANG."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert lang == default_lang()


def test_money_and_ratio_formats() -> None:
    """Money and ratios as babel formats them for zh_CN and en_US."""
    assert ("¥1,234.50", "CN¥1,234.50", "92.5%", "33.3333%") == (
        format_money(123450, "zh"),
        format_money(123450, "en"),
        format_ratio(925_000, "zh"),
        format_ratio(333_333, "en"),
    )
