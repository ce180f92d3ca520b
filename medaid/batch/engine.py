"""The columnar rules: a whole file of claims settled at once with numpy, equal to :mod:`medaid.rules` to the fen.

Why numpy (with polars only for reading, validating and writing): the one step that is not a plain
column expression is the running annual cap, ``paid_i = max(0, min(raw_i, cap_i - paid_before_i))``,
whose cap may change inside a person-year (a category change, or a new policy version such as
2018-07-01). With a constant cap the paid cumulative is ``min(cumsum(raw), cap)``; a changing cap splits
the person-year into runs of constant cap, and :func:`capped_running_sum` carries the paid amount from
one run to the next with one vectorised step per run *level* (the n-th run of every group at once), not
per row. numpy's cumsum, fancy indexing and ``np.minimum`` express that directly on int64 arrays; polars
would need the same scan as a user-defined function.

Everything category-dependent (就高 selection, ratio, cap, covered, offset and subsidy membership,
provisional marks) is decided once per distinct (category string, policy version, kind, insurance) by the
reference itself (:func:`build_lookup`), then gathered by index, so the two can never disagree on a rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import attrs
import numpy as np

from medaid.errors import MedaidError
from medaid.money import PPM, ppm_to_str
from medaid.policy.model import Policy
from medaid.rules import Claim, Usage, assess_claim
from medaid.rules.ratio import select_category

__all__ = ["Lookup", "build_lookup", "settle_arrays", "capped_running_sum", "NO_CAP", "EPOCH"]

#: Stands for "no cap" (special relief) inside int64 arithmetic: far above any sum of capped amounts.
NO_CAP = np.int64(1 << 62)
EPOCH = dt.date(1970, 1, 1)


@attrs.frozen
class Lookup:
    """Per (category string, version, kind, resident) the rule the reference chose, as flat arrays.

    Index ``((c * n_versions + v) * 2 + kind) * 2 + resident`` with kind 0 = inpatient, 1 = outpatient.
    ``valid`` is False where a category is unknown to that version; ``error`` then holds the reason.
    """

    valid: np.ndarray
    covered: np.ndarray
    ratio_ppm: np.ndarray
    cap_fen: np.ndarray  # NO_CAP for none
    has_cap: np.ndarray
    in_offset: np.ndarray
    in_subsidy: np.ndarray
    applied: np.ndarray  # index into ``applied_names``
    applied_names: tuple[str, ...]
    provisional: np.ndarray  # index into ``provisional_names``
    provisional_names: tuple[str, ...]
    ratio_text: np.ndarray  # index into ``ratio_names``
    ratio_names: tuple[str, ...]
    errors: dict[int, str]
    offset_fen: np.ndarray  # per version
    subsidy_fen: np.ndarray  # per version


def build_lookup(category_strings: Sequence[str], versions: Sequence[Policy]) -> Lookup:
    """Ask the reference, once per distinct combination, which rule governs it (就高, DESIGN §4.1).

    ``category_strings`` are the distinct values of the ``category`` column ("dibao" or "dibao|low_income").
    The provisional marks come from a zero-amount claim through :func:`medaid.rules.assess_claim`: they
    depend on which rules a claim touches, never on its amount.
    """
    n = len(category_strings) * len(versions) * 4
    valid = np.zeros(n, bool)
    covered = np.zeros(n, bool)
    ratio = np.zeros(n, np.int64)
    cap = np.full(n, NO_CAP, np.int64)
    has_cap = np.zeros(n, bool)
    in_offset = np.zeros(n, bool)
    in_subsidy = np.zeros(n, bool)
    applied = np.zeros(n, np.int32)
    provisional = np.zeros(n, np.int32)
    ratio_text = np.zeros(n, np.int32)
    applied_names: dict[str, int] = {}
    prov_names: dict[str, int] = {"": 0}
    ratio_names: dict[str, int] = {"0": 0}
    errors: dict[int, str] = {}
    for c, text in enumerate(category_strings):
        cats = split_categories(text)
        for v, policy in enumerate(versions):
            for k, kind in enumerate(("inpatient", "outpatient")):
                for r in (0, 1):
                    i = ((c * len(versions) + v) * 2 + k) * 2 + r
                    try:
                        chosen = select_category(policy, cats, kind)
                        probe = assess_claim(policy, Claim(policy.effective_from, kind, 0, cats, bool(r)), Usage(policy.effective_from.year))
                    except MedaidError as exc:
                        errors[i] = f"category {text!r}: {exc.message} (policy {policy.id})"
                        continue
                    rule = chosen.rule(kind)
                    valid[i] = True
                    covered[i] = rule.covered
                    ratio[i] = rule.ratio_ppm if rule.covered else 0
                    if rule.covered and rule.cap_fen is not None:
                        cap[i], has_cap[i] = rule.cap_fen, True
                    in_offset[i] = chosen.id in policy.outpatient_offset.categories
                    in_subsidy[i] = chosen.id in policy.deductible_subsidy.categories
                    applied[i] = applied_names.setdefault(chosen.id, len(applied_names))
                    provisional[i] = prov_names.setdefault(";".join(probe.provisional), len(prov_names))
                    ratio_text[i] = ratio_names.setdefault(ppm_to_str(int(ratio[i])), len(ratio_names))
    return Lookup(
        valid, covered, ratio, cap, has_cap, in_offset, in_subsidy,
        applied, tuple(applied_names), provisional, tuple(prov_names), ratio_text, tuple(ratio_names), errors,
        np.array([p.outpatient_offset.amount_fen for p in versions], np.int64),
        np.array([p.deductible_subsidy.amount_fen for p in versions], np.int64),
    )


def split_categories(text: str) -> tuple[str, ...]:
    """``"dibao|low_income"`` → ``("dibao", "low_income")``; blanks dropped, order kept (ties go to the first)."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


def capped_running_sum(starts: np.ndarray, amount: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Pay each amount against what is left of its group's running cap: ``max(0, min(a_i, cap_i − paid_before_i))``.

    Rows are in settlement order and ``starts`` marks the first row of each group (a person-year-kind).
    Inside a run of constant cap, with ``p0`` paid before the run and ``s`` the run's cumulative amount,
    the paid cumulative is ``max(p0, min(p0 + s, cap))`` (D8: ``min(cumulative, cap) − min(previous,
    cap)``); runs are chained level by level, so a changing cap costs one vector step per run level.

    >>> capped_running_sum(np.array([1, 0, 0]), np.array([200, 200, 200]), np.array([500, 500, 300]))
    array([200, 200,   0])
    """
    n = len(amount)
    if n == 0:
        return np.zeros(0, np.int64)
    amount = amount.astype(np.int64, copy=False)
    starts = starts.astype(bool, copy=True)
    starts[0] = True
    run_start = starts.copy()
    run_start[1:] |= cap[1:] != cap[:-1]
    run_first = np.flatnonzero(run_start)
    run_id = np.cumsum(run_start) - 1
    total = np.cumsum(amount)
    before_run = (total - amount)[run_first]
    within = total - before_run[run_id]
    if len(run_first) == np.count_nonzero(starts):
        # Common case: one run per group (the cap never changes inside a person-year-kind).
        paid_cum = np.minimum(within, cap)
    else:
        group_of_run = (np.cumsum(starts) - 1)[run_first]
        first_run_of_group = np.flatnonzero(np.r_[True, group_of_run[1:] != group_of_run[:-1]])
        level = np.arange(len(run_first)) - np.repeat(first_run_of_group, np.diff(np.r_[first_run_of_group, len(run_first)]))
        run_cap = cap[run_first]
        run_total = np.diff(np.r_[before_run, total[-1]])
        p0 = np.zeros(len(run_first), np.int64)
        p_end = np.zeros(len(run_first), np.int64)
        by_level = np.argsort(level, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(level))]
        for k in range(len(bounds) - 1):
            idx = by_level[bounds[k]:bounds[k + 1]]
            if k:
                p0[idx] = p_end[idx - 1]
            p_end[idx] = np.maximum(p0[idx], np.minimum(p0[idx] + run_total[idx], run_cap[idx]))
        start = p0[run_id]
        paid_cum = np.maximum(start, np.minimum(start + within, cap))
    before = np.empty_like(paid_cum)
    before[0] = 0
    before[1:] = paid_cum[:-1]
    before[starts] = 0
    return paid_cum - before


def settle_arrays(
    person: np.ndarray, day: np.ndarray, kind: np.ndarray, fen: np.ndarray, resident: np.ndarray,
    key: np.ndarray, version: np.ndarray, lookup: Lookup,
) -> dict[str, np.ndarray]:
    """Settle validated claims given as arrays (input order); return result arrays in input order.

    ``person`` int codes, ``day`` days since 1970-01-01, ``kind`` 0/1 (inpatient/outpatient), ``fen``
    self-pay, ``resident`` bool, ``key`` the lookup index without the resident bit (see :class:`Lookup`),
    ``version`` the index of the policy version in force on ``day``.
    Order: person, kind, date, input order — one person-year-kind is then contiguous and in date order.
    """
    n = len(fen)
    order = _settlement_order(person, kind, day)
    # One int64 per row naming its person-year-kind, so the permutation is applied to few arrays.
    year = day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)  # years since 1970
    group = ((person.astype(np.int64) << 1 | kind) << 16) | (year - year.min(initial=0))
    g = group[order]
    del group
    f = fen[order]
    li = (key.astype(np.int64) * 2 + resident)[order]
    v = version[order]
    starts = np.ones(n, bool)
    if n:
        starts[1:] = g[1:] != g[:-1]

    # The 300 offset: first 300 of qualifying outpatient self-pay per person-year (DESIGN §4.2).
    qualifying = (li & 2).astype(bool) & (li & 1).astype(bool) & lookup.in_offset[li]  # outpatient, resident
    offset = np.zeros(n, np.int64)
    q = np.flatnonzero(qualifying)
    if len(q):
        # Qualifying rows of one person-year are contiguous among the qualifying rows (all outpatient).
        gq = g[q]
        q_starts = np.ones(len(q), bool)
        q_starts[1:] = gq[1:] != gq[:-1]
        offset[q] = capped_running_sum(q_starts, f[q], lookup.offset_fen[v[q]])
    subsidy = np.where(lookup.in_subsidy[li], np.minimum(offset, lookup.subsidy_fen[v]), 0)

    covered = lookup.covered[li]
    ratio = lookup.ratio_ppm[li]
    eligible = np.where(covered, f - offset, 0)
    before_cap = (2 * eligible * ratio + PPM) // (2 * PPM)  # round half up once (money.apply_ratio)
    cap = lookup.cap_fen[li]
    assistance = capped_running_sum(starts, before_cap, cap)
    paid_before = np.cumsum(assistance) - assistance
    if n:
        paid_before -= np.repeat(paid_before[starts], np.diff(np.r_[np.flatnonzero(starts), n]))
    del cap

    del g, f, v
    cap_left = np.where(lookup.has_cap[li], np.maximum(0, lookup.cap_fen[li] - paid_before - assistance), 0)
    del paid_before
    out = {
        "offset": offset, "subsidy": subsidy, "eligible": eligible, "before_cap": before_cap,
        "assistance": assistance, "cap_left": cap_left, "cap_bound": covered & (assistance < before_cap),
        "lookup": li.astype(np.int32),
    }
    back = np.empty(n, np.int64)
    back[order] = np.arange(n)
    del order
    for name in list(out):
        out[name] = out.pop(name)[back]  # one array at a time, so only one extra copy is alive
    return out


def _settlement_order(person: np.ndarray, kind: np.ndarray, day: np.ndarray) -> np.ndarray:
    """A stable order by person, kind, date (ties in input order), through one int64 key when it fits."""
    n = len(person)
    if n == 0:
        return np.zeros(0, np.int64)
    span = int(day.max()) - int(day.min()) if n else 0
    p_bits, d_bits, r_bits = int(person.max()).bit_length(), max(1, span.bit_length()), max(1, (n - 1).bit_length())
    if p_bits + 1 + d_bits + r_bits <= 63:
        composite = person.astype(np.int64) << (1 + d_bits + r_bits)
        composite |= kind.astype(np.int64) << (d_bits + r_bits)
        composite |= (day.astype(np.int64) - int(day.min())) << r_bits
        composite |= np.arange(n, dtype=np.int64)
        return np.argsort(composite)
    return np.lexsort((np.arange(n), day, kind, person))
