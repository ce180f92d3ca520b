"""Presentation only: what ``medaid claims``, ``ledger`` and ``synth`` print for people, in zh or en.

English keeps the plain yuan (``1234.50``) and counts scripts already read from these lines; Chinese
groups them the zh_CN way (babel, :func:`medaid.i18n.amounts.format_amount`). Columns are padded by
display width, so Chinese labels (two columns a character) stay aligned.
"""

from __future__ import annotations

from medaid.i18n.catalog import N_, _
from medaid.money import fen_to_yuan_str
from medaid.policy.model import KINDS
from medaid.present.table import render_table, width

__all__ = [
    "yuan",
    "count",
    "kind_label",
    "pad",
    "claims_summary",
    "progress_label",
    "usage_lines",
    "clearing_lines",
]

#: The stages of ``medaid claims``'s progress bar.
STAGES = {
    "read": N_("read"),
    "validate": N_("validate"),
    "settle": N_("settle"),
    "write": N_("write"),
    "done": N_("done"),
}
_KINDS = {"inpatient": N_("inpatient"), "outpatient": N_("outpatient")}
_STATUS = {"settled": N_("settled"), "reversed": N_("reversed")}


def yuan(fen: int, lang: str) -> str:
    """An amount of yuan: plain in English (as scripts read it), grouped in Chinese.

    >>> yuan(123456789, "en"), yuan(123456789, "zh"), yuan(-5, "zh")
    ('1234567.89', '1,234,567.89', '-0.05')
    """
    if lang == "en":
        return fen_to_yuan_str(fen)
    from medaid.i18n.amounts import format_amount

    return format_amount(fen, lang)


def count(value: int, lang: str) -> str:
    """A whole number: plain in English, grouped in Chinese.

    >>> count(3600000, "en"), count(3600000, "zh")
    ('3600000', '3,600,000')
    """
    if lang == "en":
        return str(value)
    from medaid.i18n import format_count

    return format_count(value, lang)


def kind_label(kind: str, lang: str) -> str:
    """住院/门急诊 or inpatient/outpatient."""
    return _(_KINDS[kind], lang) if kind in _KINDS else kind


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """``text`` padded to ``columns`` terminal columns (CJK counts two), on the left if ``right``."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def claims_summary(summary, lang: str) -> str:
    """The end-of-run table of ``medaid claims``: claims, persons, assistance by kind, subsidy, caps that bound."""
    rows = [
        [
            "",
            _("claims", lang),
            _("persons", lang),
            _("assistance (yuan)", lang),
            _("cap bound: claims", lang),
            _("cap bound: persons", lang),
        ]
    ]
    for kind in KINDS:
        rows.append(
            [
                kind_label(kind, lang),
                count(summary.claims[kind], lang),
                "",
                yuan(summary.assistance_fen[kind], lang),
                count(summary.cap_bound_claims[kind], lang),
                count(summary.cap_bound_persons[kind], lang),
            ]
        )
    rows.append([_("deductible subsidy", lang), "", "", yuan(summary.deductible_subsidy_fen, lang), "", ""])
    rows.append(
        [
            _("total", lang),
            count(summary.settled, lang),
            count(summary.persons, lang),
            yuan(summary.total_fen, lang),
            "",
            "",
        ]
    )
    lines = render_table(rows)
    lines.append(_("policy versions: {ids}", lang).format(ids=", ".join(summary.policy_ids) or "-"))
    return "\n".join(lines)


def progress_label(rows: int, stage: str, lang: str) -> str:
    """``3,600,000 claims: settle`` for the progress bar."""
    return _("{rows} claims: {stage}", lang).format(rows=f"{rows:,}", stage=_(STAGES.get(stage, stage), lang))


def usage_lines(usage, claims, adjustments, lang: str, category_name=None) -> list[str]:
    """``medaid ledger show`` for one year: paid and remaining per kind, the offset and subsidy, each claim.

    ``category_name(category_id, year)``: the name shown for a category (default: its id).
    """
    name = category_name or (lambda category, _year: category)
    lines = [
        _("{person} {year}: {claims} settled claims, {reversed} reversed", lang).format(
            person=usage.person_id,
            year=usage.year,
            claims=count(usage.claims, lang),
            reversed=count(usage.reversed, lang),
        )
    ]
    for kind in KINDS:
        k = usage.kind(kind)
        cap = (
            _("no cap", lang)
            if k.category and k.cap_fen is None
            else "-"
            if k.cap_fen is None
            else yuan(k.cap_fen, lang)
        )
        remaining = "-" if k.remaining_fen is None else yuan(k.remaining_fen, lang)
        lines.append(
            _("  {kind} paid {paid}  cap {cap} ({category})  remaining {remaining}", lang).format(
                kind=pad(kind_label(kind, lang), 10),
                paid=pad(yuan(k.paid_fen, lang), 12, right=True),
                cap=pad(cap, 12, right=True),
                category=name(k.category, usage.year) if k.category else _("no claim", lang),
                remaining=pad(remaining, 12, right=True),
            )
        )
    lines.append(
        _("  300 offset used {offset}, deductible subsidy paid {subsidy}", lang).format(
            offset=yuan(usage.offset_used_fen, lang), subsidy=yuan(usage.subsidy_paid_fen, lang)
        )
    )
    for s in claims:
        more = adjustments.get(s.claim_id)
        cleared = (
            _(" (clearing {amount})", lang).format(amount=yuan(more[0] + more[1], lang)) if more and any(more) else ""
        )
        lines.append(
            _(
                "  {claim_id} {date} {kind} self-pay {self_pay} assistance {assistance} subsidy {subsidy} {status}{cleared}",
                lang,
            ).format(
                claim_id=pad(s.claim_id, 16),
                date=s.date.isoformat(),
                kind=pad(kind_label(s.kind, lang), 10),
                self_pay=pad(yuan(s.self_pay_fen, lang), 12, right=True),
                assistance=pad(yuan(s.assistance_fen, lang), 12, right=True),
                subsidy=pad(yuan(s.deductible_subsidy_fen, lang), 8, right=True),
                status=_(_STATUS.get(s.status, s.status), lang),
                cleared=cleared,
            )
        )
    return lines


def clearing_lines(c, apply: bool, lang: str) -> list[str]:
    """``medaid ledger clear``: each claim paid vs due, the net 补发/追回, and whether it was recorded."""
    lines = [
        _("{person} {year}: {n} claims recomputed in date order", lang).format(
            person=c.person_id, year=c.year, n=count(len(c.lines), lang)
        )
    ]
    header = [_("claim_id", lang), _("date", lang), _("kind", lang), _("paid", lang), _("due", lang)]
    header.append(_("adjustment", lang))
    widths = (16, 10, 10, 12, 12, 12)
    lines.append(" ".join(pad(cell, w, right=i >= 3) for i, (cell, w) in enumerate(zip(header, widths))))
    for line in c.lines:
        cells = [
            line.claim_id,
            line.date.isoformat(),
            kind_label(line.kind, lang),
            yuan(line.paid_assistance_fen + line.paid_subsidy_fen, lang),
            yuan(line.due_assistance_fen + line.due_subsidy_fen, lang),
            yuan(line.adjustment_fen, lang),
        ]
        lines.append(" ".join(pad(cell, w, right=i >= 3) for i, (cell, w) in enumerate(zip(cells, widths))))
    net = c.adjustment_fen
    label = (
        _("补发 pay the person", lang)
        if net > 0
        else _("追回 recover from the person", lang)
        if net < 0
        else _("nothing to adjust", lang)
    )
    lines.append(
        _("paid {paid}, due {due}, net adjustment {net} ({label})", lang).format(
            paid=yuan(c.paid_fen, lang), due=yuan(c.due_fen, lang), net=yuan(net, lang), label=label
        )
    )
    if apply:
        lines.append(
            _("adjustment recorded; usage set to the recomputed year", lang)
            if c.applied
            else _("nothing recorded: the ledger already pays what is due", lang)
        )
    elif net or any(line.adjustment_fen for line in c.lines):
        lines.append(_("not recorded: run again with --apply to record it", lang))
    return lines
