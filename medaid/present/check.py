"""The words of ``medaid check`` in zh and en: invariant statuses and descriptions.

The descriptions are written in :mod:`medaid.testing.invariants`; their translations are declared here
by invariant name, and a test fails when an invariant has no translated description.
"""

from __future__ import annotations

from medaid.i18n.catalog import N_, gettext

__all__ = ["invariant_counterexample", "invariant_description", "invariant_reason", "invariant_status"]

_STATUS = {"held": N_("HELD"), "broken": N_("BROKEN"), "not applicable": N_("NOT APPLICABLE")}

#: The English descriptions, as in medaid.testing.invariants, marked for the catalogues.
DESCRIPTIONS = {
    "bounds": N_("0 ≤ assistance ≤ eligible self-pay, and assistance + subsidy ≤ self-pay, per claim"),
    "caps": N_("each annual cap is never exceeded in a year of claims"),
    "monotone": N_("more self-pay never pays less (each kind and the subsidy)"),
    "split": N_("splitting a year into claims never pays more than the cap and bites the 300 offset once"),
    "dominance": N_("special_relief ≥ dibao ≥ low_income ≥ medical_poverty_1 ≥ medical_poverty_2, per kind"),
    "batch": N_("the batch engine pays what the reference rules pay, claim by claim, to the fen"),
    "no_loser": N_("a reform that only raises ratios or caps never pays anyone less"),
}


def invariant_status(status: str, lang: str) -> str:
    """``held``, ``broken`` or ``not applicable``, for the check's table."""
    return gettext(_STATUS.get(status, status.upper()), lang)


def invariant_description(result, lang: str) -> str:
    """The invariant's description in ``lang``; the library's own text if it changed since it was translated."""
    return (
        gettext(result.description, lang) if DESCRIPTIONS.get(result.name) == result.description else result.description
    )


def invariant_reason(result, lang: str) -> str | None:
    """Why the invariant broke or does not apply, in ``lang`` (a reason that is not a message as it is)."""
    from medaid.errors import rendered_text

    return rendered_text(result.reason, lang) if result.reason is not None else None


def invariant_counterexample(result, lang: str) -> str | None:
    """The shrunk counterexample in ``lang``."""
    from medaid.testing.invariants import describe

    return describe(result.case, lang) if result.case is not None else result.counterexample
