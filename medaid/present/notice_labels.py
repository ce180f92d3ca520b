"""The decision notice's labels in zh and en: headings and column names only, never legal text.

A district's template may use these (``t.title`` ...) or write its own words.
"""

from __future__ import annotations

from medaid.i18n.catalog import N_, translated

__all__ = ["labels"]

_LABELS = {
    "title": N_("Medical assistance settlement notice"),
    "subtitle": N_("Year {year}"),
    "person": N_("Person"),
    "year": N_("Year"),
    "issued": N_("Issued"),
    "policy": N_("Policy"),
    "claims": N_("Claims"),
    "claims_note": N_("{n} claims ({r} reversed: struck-through amounts are not counted); amounts in yuan"),
    "date": N_("Date"),
    "claim_id": N_("Claim"),
    "kind": N_("Kind"),
    "category": N_("Category"),
    "self_pay": N_("Eligible self-pay"),
    "assistance": N_("Assistance"),
    "subsidy": N_("Deductible subsidy"),
    "total": N_("Total"),
    "note": N_("Note"),
    "reversed": N_("reversed"),
    "adjusted_more": N_("clearing paid {amount} more"),
    "adjusted_less": N_("clearing recovered {amount}"),
    "kinds": {"inpatient": N_("inpatient"), "outpatient": N_("outpatient")},
    "totals": N_("Totals of the year"),
    "paid": N_("Paid this year"),
    "caps": N_("Annual caps"),
    "cap": N_("Cap"),
    "used": N_("Used"),
    "left": N_("Left"),
    "no_cap": N_("no cap"),
    "offset_used": N_("Outpatient deductible offset taken: {amount} yuan."),
    "basis": N_("Legal basis"),
    "provisional": N_("Provisional readings"),
    "provisional_intro": N_("The documents do not state the following; this settlement applies these readings:"),
    "office": N_("Issuing office (seal)"),
    "appeal": N_("Notice of rights"),
    "appeal_blank": N_("(to be filled in by the issuing office)"),
    "stamp": N_("Engine medaid {version}; policy file hash"),
}


def labels(lang: str) -> dict:
    """The notice's labels for ``lang`` (zh or en)."""
    return translated(_LABELS, lang)
