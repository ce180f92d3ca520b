"""The columnar rules: a whole file of claims settled at once with numpy, equal to :mod:`medaid.rules` to the fen.

Why numpy (with polars for reading, validating and writing): the one step that is not a plain column
expression is the running annual cap, ``paid_i = max(0, min(raw_i, cap_i - paid_before_i))``, whose cap
may change inside a person-year (a category change, or a new policy version such as 2018-07-01). With a
constant cap the paid cumulative is ``min(cumsum(raw), cap)``; a changing cap splits the person-year into
runs of constant cap, and :func:`capped_running_sum` carries the paid amount from one run to the next
with one vectorised step per run *level* (the n-th run of every group at once), not per row. numpy's
cumsum, ``take`` and ``np.minimum`` express that directly on int64 arrays, and its vectorised ``np.sort``
orders a year of claims in a few hundredths of a second; polars would need the same scan as a
user-defined function.

Everything category-dependent (就高 selection, ratio, cap, covered, offset and subsidy membership,
provisional marks) is decided once per distinct (category string, policy version, kind, insurance) by the
reference itself (:func:`build_lookup`), then gathered by index, so the two can never disagree on a rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import attrs
import numpy as np

from medaid.batch import lookup_index
from medaid.errors import N_, MedaidError, Message, PolicyError
from medaid.money import ppm_to_str
from medaid.policy.model import KINDS, Policy
from medaid.rules import Claim, Usage, assess_claim, caps
from medaid.rules.caps import cap_group, cap_left, cap_payment
from medaid.rules.ops import NUMPY
from medaid.rules.outpatient import offset as offset_clause
from medaid.rules.outpatient import subsidy_max, takes_offset
from medaid.rules.ratio import before_cap as before_cap_clause
from medaid.rules.ratio import eligible as eligible_clause
from medaid.rules.ratio import select_category

__all__ = ["Lookup", "Settled", "build_lookup", "settle_arrays", "capped_running_sum", "used_before", "NO_CAP", "EPOCH"]

#: Stands for "no cap" (special relief) inside int64 arithmetic: far above any sum of capped amounts.
NO_CAP = np.int64(caps.NO_CAP)
EPOCH = dt.date(1970, 1, 1)
#: Rows settled together: big enough that numpy's per-call cost vanishes, small enough that a chunk's
#: int64 temporaries (1 MiB each) stay in the CPU's cache (1 << 20 rows took about a fifth more CPU).
CHUNK = 1 << 17


@attrs.frozen
class Lookup:
    """Per lookup index the rule the reference chose, as flat arrays indexed by that index.

    The lookup index of a claim packs its category string, policy version, kind and resident flag
    (:mod:`medaid.batch.lookup_index`). ``valid`` is False
    where a category is unknown to that version; ``errors`` then holds the reason.
    """

    valid: np.ndarray
    covered: np.ndarray
    ratio_ppm: np.ndarray  # 0 where not covered
    cap_fen: np.ndarray  # NO_CAP for none
    has_cap: np.ndarray
    offset_fen: np.ndarray  # the version's 300 offset (its cap per person-year)
    takes_offset: np.ndarray  # resident-insurance outpatient claim of an offset category
    subsidy_fen: np.ndarray  # the version's deductible subsidy where this category gets it, else 0
    version: np.ndarray  # the policy version index
    cap_group: np.ndarray  # 0 where the claim's cap counts both kinds (caps.scope = shared), else its kind
    applied: np.ndarray  # index into ``applied_names``
    applied_names: tuple[str, ...]
    provisional: np.ndarray  # index into ``provisional_names``
    provisional_names: tuple[str, ...]
    ratio_text: np.ndarray  # index into ``ratio_names``
    ratio_names: tuple[str, ...]
    errors: dict[int, Message]


def build_lookup(category_strings: Sequence[str], versions: Sequence[Policy]) -> Lookup:
    """Ask the reference, once per distinct combination, which rule governs it (就高 and the other clauses
    that depend on the category alone, :mod:`medaid.rules.clauses`).

    ``category_strings`` are the distinct values of the ``category`` column ("dibao" or "dibao|low_income").
    The provisional marks come from a zero-amount claim through :func:`medaid.rules.assess_claim`: they
    depend on which rules a claim touches, never on its amount.
    """
    _refuse_mixed_scopes(versions)
    n = lookup_index.size(len(category_strings), len(versions))
    valid, covered, has_cap, takes = (np.zeros(n, bool) for _ in range(4))
    ratio, offset, subsidy = (np.zeros(n, np.int64) for _ in range(3))
    cap = np.full(n, NO_CAP, np.int64)
    version, applied, provisional, ratio_text, group = (np.zeros(n, np.int32) for _ in range(5))
    applied_names: dict[str, int] = {}
    prov_names: dict[str, int] = {"": 0}
    ratio_names: dict[str, int] = {"0": 0}
    errors: dict[int, Message] = {}
    for c, text in enumerate(category_strings):
        cats = split_categories(text)
        for v, policy in enumerate(versions):
            for k, kind in enumerate(KINDS):
                for r in (0, 1):
                    i = lookup_index.pack(c, v, k, r, len(versions))
                    version[i] = v
                    group[i] = 0 if cap_group(policy.caps.scope, kind) == "all" else k
                    try:
                        chosen = select_category(policy, cats, kind)
                        probe = assess_claim(
                            policy,
                            Claim(policy.effective_from, kind, 0, cats, bool(r)),
                            Usage(policy.effective_from.year),
                        )
                    except MedaidError as exc:
                        errors[i] = Message(
                            N_("category {text!r}: {problem} (policy {policy})"),
                            text=text,
                            problem=Message(exc.msgid, **exc.fields),
                            policy=policy.id,
                        )
                        continue
                    rule = chosen.rule(kind)
                    valid[i] = True
                    covered[i] = rule.covered
                    ratio[i] = rule.ratio_ppm if rule.covered else 0
                    if rule.covered and rule.cap_fen is not None:
                        cap[i], has_cap[i] = rule.cap_fen, True
                    # The offset's cap is the version's for every claim (so it changes only with the
                    # version inside a person-year); only claims that take part put their self-pay in.
                    offset[i] = policy.outpatient_offset.amount_fen
                    takes[i] = takes_offset(policy, chosen.id, kind, bool(r))
                    subsidy[i] = subsidy_max(policy, chosen.id)
                    applied[i] = applied_names.setdefault(chosen.id, len(applied_names))
                    provisional[i] = prov_names.setdefault(";".join(probe.provisional), len(prov_names))
                    ratio_text[i] = ratio_names.setdefault(ppm_to_str(int(ratio[i])), len(ratio_names))
    return Lookup(
        valid,
        covered,
        ratio,
        cap,
        has_cap,
        offset,
        takes,
        subsidy,
        version,
        group,
        applied,
        tuple(applied_names),
        provisional,
        tuple(prov_names),
        ratio_text,
        tuple(ratio_names),
        errors,
    )


def _refuse_mixed_scopes(versions: Sequence[Policy]) -> None:
    """The engine scans one running total per cap group, so ``caps.scope`` must not change inside a year."""
    for a, b in zip(versions, versions[1:]):
        if a.caps.scope != b.caps.scope and a.effective_to is not None and a.effective_to.year == b.effective_from.year:
            raise PolicyError(
                N_(
                    "caps.scope changes inside {year} ({a_id}: {scope}, {b_id}: {scope2}); the batch engine needs one scope per calendar year"
                ),
                year=b.effective_from.year,
                a_id=a.id,
                scope=a.caps.scope,
                b_id=b.id,
                scope2=b.caps.scope,
                where=b.id,
            )


def split_categories(text: str) -> tuple[str, ...]:
    """``"dibao|low_income"`` → ``("dibao", "low_income")``; blanks dropped, order kept (ties go to the first)."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


def capped_running_sum(starts: np.ndarray, amount: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Pay each amount against what is left of its group's running cap: ``max(0, min(a_i, cap_i − paid_before_i))``.

    Rows are in settlement order and ``starts`` marks the first row of each group (a person-year-kind).
    The clause is :func:`medaid.rules.caps.within_limit`; this engine only scans the running total.

    >>> capped_running_sum(np.array([1, 0, 0]), np.array([200, 200, 200]), np.array([500, 500, 300]))
    array([200, 200,   0])
    """
    starts, amount, cap = np.asarray(starts, bool), np.asarray(amount, np.int64), np.asarray(cap, np.int64)
    return caps.within_limit(NUMPY, amount, cap, used_before(starts, amount, cap))


def used_before(starts: np.ndarray, amount: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """The running state: per row, what its group had used of its yearly limit before the row.

    This is the one piece of the calculation the engine computes its own way (the accumulators of
    :data:`medaid.rules.clauses.ACCUMULATORS`); what a row then pays is the clause
    (:func:`medaid.rules.caps.within_limit`) applied to it. Where the limit is constant inside a group the
    used total is ``min(cumulative, limit)`` (D8); the few groups whose limit changes (a category change,
    a new version mid-year) are redone by :func:`_used_runs`.
    """
    n = len(amount)
    if n == 0:
        return np.zeros(0, np.int64)
    starts = starts.copy()
    starts[0] = True
    first = np.flatnonzero(starts)
    lengths = np.diff(first, append=n)
    within = np.cumsum(amount)
    within -= np.repeat(within[first] - amount[first], lengths)  # the group's cumulative, this row included
    within -= amount
    np.minimum(within, cap, out=within)
    change = np.empty(n, bool)
    change[0] = False
    np.not_equal(cap[1:], cap[:-1], out=change[1:])
    change &= ~starts
    if change.any():
        changing = np.repeat(np.add.reduceat(change, first) > 0, lengths)
        rows = np.flatnonzero(changing)
        within[rows] = _used_runs(starts[rows], amount[rows], cap[rows])
    return within


def _used_runs(starts: np.ndarray, amount: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """:func:`used_before` for groups whose limit changes: runs of constant limit, chained level by level.

    Inside a run, with ``p0`` used before the run and ``s`` the run's cumulative amount, the used total
    is ``max(p0, min(p0 + s, limit))``; one vector step handles the n-th run of every group.
    """
    n = len(amount)
    run_start = starts.copy()
    run_start[1:] |= cap[1:] != cap[:-1]
    run_first = np.flatnonzero(run_start)
    run_id = np.cumsum(run_start) - 1
    first = np.flatnonzero(starts)
    total = np.cumsum(amount)
    within = total - np.repeat(total[first] - amount[first], np.diff(first, append=n))
    before_run = (within - amount)[run_first]  # the group's cumulative amount before each run
    in_run = within - before_run[run_id]
    group_of_run = (np.cumsum(starts) - 1)[run_first]
    first_run_of_group = np.flatnonzero(np.r_[True, group_of_run[1:] != group_of_run[:-1]])
    level = np.arange(len(run_first)) - np.repeat(
        first_run_of_group, np.diff(np.r_[first_run_of_group, len(run_first)])
    )
    run_cap = cap[run_first]
    run_total = in_run[np.r_[run_first[1:], n] - 1]
    p0 = np.zeros(len(run_first), np.int64)
    p_end = np.zeros(len(run_first), np.int64)
    by_level = np.argsort(level, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(level))]
    for k in range(len(bounds) - 1):
        idx = by_level[bounds[k] : bounds[k + 1]]
        if k:
            p0[idx] = p_end[idx - 1]
        p_end[idx] = np.maximum(p0[idx], np.minimum(p0[idx] + run_total[idx], run_cap[idx]))
    start = p0[run_id]
    used = np.maximum(start, np.minimum(start + in_run, cap))
    before = np.empty_like(used)
    before[0] = 0
    before[1:] = used[:-1]
    before[starts] = 0
    return before


@attrs.frozen
class Settled:
    """The engine's results per claim, in input order (fen); the rest derives from these and the lookup.

    ``offset``: the part of self-pay the 300 offset took; ``assistance``: paid within the cap;
    ``cap_left``: the cap left after this claim (0 where there is no cap).
    """

    offset: np.ndarray
    assistance: np.ndarray
    cap_left: np.ndarray


def settle_arrays(person: np.ndarray, day: np.ndarray, fen: np.ndarray, index: np.ndarray, lookup: Lookup) -> Settled:
    """Settle validated claims given as arrays in input order.

    ``person`` non-negative int codes, ``day`` days since 1970-01-01, ``fen`` self-pay, ``index`` the
    lookup index (see :class:`Lookup`; it carries the kind and the version). Claims are settled in the
    order person, kind, date, input order — one person-year-kind is then contiguous and in date order.
    The sorted rows are settled in chunks of about :data:`CHUNK` rows cut where a person-year-kind
    starts (the groups share nothing), two chunks at a time on two threads (numpy releases the GIL inside
    each step), so the working arrays stay small whatever the file's size.
    """
    n = len(fen)
    order, starts = _settlement_order(person, _cap_group(index, lookup), day)
    offset, assistance, cap_left = (np.empty(n, np.int64) for _ in range(3))

    def chunk(lo: int, hi: int) -> None:
        rows = order[lo:hi]
        off, paid, left = _settle_sorted(starts[lo:hi], np.take(fen, rows), np.take(index, rows), lookup)
        offset[rows], assistance[rows], cap_left[rows] = off, paid, left

    bounds = _chunk_bounds(starts, CHUNK)
    if len(bounds) <= 2:
        chunk(0, n)
    else:
        with ThreadPoolExecutor(2) as pool:
            for future in [pool.submit(chunk, lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:])]:
                future.result()
    return Settled(offset, assistance, cap_left)


def _settle_sorted(
    starts: np.ndarray, fen: np.ndarray, index: np.ndarray, lookup: Lookup
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offset, assistance and cap left of rows in settlement order (the first row starts a group).

    The clauses are those of the reference (:mod:`medaid.rules.clauses`) on int64 arrays; only the two
    running totals (offset used, assistance paid) are scanned here.
    """
    qualifying = np.where(np.take(lookup.takes_offset, index), fen, 0)
    limit = np.take(lookup.offset_fen, index)
    offset = offset_clause(NUMPY, qualifying, limit, used_before(starts, qualifying, limit))
    del qualifying, limit
    eligible = eligible_clause(NUMPY, fen, offset, np.take(lookup.covered, index))
    before_cap = before_cap_clause(NUMPY, eligible, np.take(lookup.ratio_ppm, index))
    del eligible
    cap = np.take(lookup.cap_fen, index)
    paid_before = used_before(starts, before_cap, cap)
    paid = cap_payment(NUMPY, before_cap, cap, paid_before)
    left = cap_left(NUMPY, cap, paid_before, paid)
    left[~np.take(lookup.has_cap, index)] = 0
    return offset, paid, left


def _chunk_bounds(starts: np.ndarray, size: int) -> np.ndarray:
    """Row positions ``0 = b0 < b1 < … = n`` about ``size`` apart, each inner one where a group starts."""
    n = len(starts)
    if n <= size:
        return np.array([0, n])
    group_starts = np.r_[np.flatnonzero(starts), n]  # n: no group starts after the last cut
    cuts = group_starts[np.searchsorted(group_starts, np.arange(size, n, size))]
    return np.unique(np.r_[0, cuts, n])


def _cap_group(index: np.ndarray, lookup: Lookup) -> np.ndarray:
    """Each row's cap group (:func:`medaid.rules.caps.cap_group`): its kind bit, or 0 for both kinds when shared."""
    kind = lookup_index.kind_of(index)
    if np.array_equal(lookup.cap_group, lookup_index.kind_of(np.arange(len(lookup.cap_group)))):
        return kind  # every version counts its caps per kind (D8): the group is the kind
    return np.take(lookup.cap_group, index)


def _settlement_order(person: np.ndarray, group: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows in order person, cap group, date, input order; and where each person-year-group starts in it.

    The cap group is the kind (0 inpatient, 1 outpatient), or 0 for both kinds under ``caps.scope = shared``.

    Packs the four into one int64 when they fit and sorts the keys themselves (numpy's vectorised sort is
    several times faster than an argsort); the row number in the low bits is the permutation.
    """
    n = len(person)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    low = int(day.min())
    span = int(day.max()) - low
    p_bits, d_bits, r_bits = int(person.max()).bit_length(), max(1, span.bit_length()), max(1, (n - 1).bit_length())
    kind = group
    if p_bits + 1 + d_bits + r_bits > 63:
        order = np.lexsort((np.arange(n), day, kind, person))
        key = (np.take(person, order).astype(np.int64) << 1 | np.take(kind, order)) << d_bits
        key |= np.take(day, order) - low
        return order, _group_starts(key, key & ((1 << d_bits) - 1), low, span)
    # Built in place: at 10 M claims each extra int64 array is 80 MB.
    key = person.astype(np.int64)
    key <<= 1
    key |= kind
    key <<= d_bits
    key |= day - low
    key <<= r_bits
    key |= np.arange(n, dtype=np.int64)
    key.sort()
    starts = _group_starts(key >> r_bits, (key >> r_bits) & ((1 << d_bits) - 1), low, span)
    key &= (1 << r_bits) - 1  # the key is now the permutation
    return key, starts


def _group_starts(person_kind_day: np.ndarray, offset_day: np.ndarray, low: int, span: int) -> np.ndarray:
    """Where a new (person, kind, calendar year) begins, given rows sorted by person, kind, day."""
    n = len(offset_day)
    d_bits = max(1, span.bit_length())
    starts = np.empty(n, bool)
    starts[0] = True
    person_kind = person_kind_day >> d_bits
    np.not_equal(person_kind[1:], person_kind[:-1], out=starts[1:])
    del person_kind
    # Calendar year of each day in the span: a small table, so the lookup stays in cache.
    days = np.arange(low, low + span + 1).astype("datetime64[D]")
    year = np.take(days.astype("datetime64[Y]").astype(np.int16), offset_day)
    starts[1:] |= year[1:] != year[:-1]
    return starts
