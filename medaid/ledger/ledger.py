"""The casework ledger: settle claims one at a time against year-to-date usage, never twice, never past a cap.

Each settlement applies the reference rules (:func:`medaid.rules.assess_claim`) to the claim with the
person's usage of the claim's calendar year as the ledger holds it, and records the settlement and the new
usage in one transaction; writers of one person-year serialise on the store's lock (SQLite: one lock for
the whole file; PostgreSQL: a row lock per person-year), so two workers settling claims of the same
person at once see each other's usage. ``claim_id`` is the idempotency key: the same claim again
pays nothing more, the same id with different content is refused (:class:`ConflictError`).

Reversal (冲正) gives a claim's amount back to the person's remaining cap; individual clearing (个人清算,
named a priority in the city's 2023 self-evaluation) recomputes a person-year in date order with
:func:`medaid.rules.assess_person` and records the difference (补发/追回) once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import attrs

from medaid._version import __version__
from medaid.errors import N_, InputError
from medaid.ledger.model import (
    CONTENT_FIELDS,
    AlreadyReversedError,
    Clearing,
    ClearingLine,
    ConflictError,
    KindUsage,
    Reversal,
    Settlement,
    UnknownClaimError,
    YearUsage,
    content,
)
from medaid.ledger.sql import now as _now
from medaid.ledger.store import LedgerStore, retrying
from medaid.money import MAX_FEN
from medaid.policy.model import Policy
from medaid.rules import Claim, Usage, assess_claim, assess_person
from medaid.rules.assess import KINDS
from medaid.rules.caps import cap_left, cap_used
from medaid.rules.ops import SCALAR

__all__ = ["Ledger", "content"]

#: Claims per transaction in :meth:`Ledger.settle_many`: large enough to amortise a commit, small enough
#: that a crash loses little work (a batch commits whole or not at all).
BATCH_SIZE = 50_000

#: From this many claims a batch is planned from a snapshot without the write lock, then checked under it;
#: a smaller batch (a single claim) is planned under the lock, in one transaction.
PLAN_UNLOCKED_FROM = 1_000


OnInvalid = Callable[[int, Claim, InputError], None]
T = TypeVar("T")


class Ledger:
    """A durable year-to-date ledger of settled claims: one SQLite file in WAL mode, or a PostgreSQL database.

    Args:
        path: the ledger file; created if missing (unless ``create=False``). Or a PostgreSQL URL,
            ``postgresql://user:password@host:port/dbname`` (also ``postgres://``; libpq's parameters such
            as ``?sslmode=require`` or ``?options=-csearch_path%3Dmedaid`` pass through): the tables are
            created in an empty database unless ``create=False`` (see ``medaid ledger init``).
        registry: the policy versions (default: the bundled ones); each claim is settled under the
            version in force on its date.
        synchronous: ``NORMAL`` (default; a commit survives a crash of the process, the last commits may be
            lost on power loss) or ``FULL`` (survives power loss; an fsync per commit). SQLite only: a
            PostgreSQL commit is as durable as the server's ``synchronous_commit`` makes it.
        store: another :class:`~medaid.ledger.store.LedgerStore` instead of SQLite at ``path``.

    Use one ``Ledger`` per thread or process; several may share one file or database. Close it, or use ``with``.

    >>> import datetime as dt, tempfile, pathlib
    >>> from medaid.rules import Claim
    >>> with Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.db") as ledger:
    ...     first = ledger.settle(Claim(dt.date(2023, 3, 1), "inpatient", 10_000_00, ("dibao",), claim_id="c1", person_id="p1"))
    ...     again = ledger.settle(Claim(dt.date(2023, 3, 1), "inpatient", 10_000_00, ("dibao",), claim_id="c1", person_id="p1"))
    ...     (first.assistance_fen, first.status), (again.assistance_fen, again.status), ledger.usage("p1", 2023).inpatient.paid_fen
    ((900000, 'settled'), (900000, 'duplicate'), 900000)
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        registry=None,
        synchronous: str = "NORMAL",
        create: bool = True,
        store: LedgerStore | None = None,
    ) -> None:
        if store is None:
            if path is None:
                raise InputError(N_("a ledger needs a path (or a store)"))
            from medaid.ledger.backends import open_store

            store = open_store(path, synchronous=synchronous, create=create)
        if registry is None:
            from medaid.policy.registry import default_registry

            registry = default_registry()
        self._store = store
        self._registry = registry
        self._policies: dict[dt.date, Policy] = {}
        self._provisionals: dict[tuple, tuple[str, ...]] = {}
        self._known_categories: set[tuple[str, tuple]] = set()  # (policy id, categories) already checked

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the store; the ledger cannot be used afterwards."""
        self._store.close()

    # -- settle -----------------------------------------------------------------------------------

    def settle(self, claim: Claim) -> Settlement:
        """Settle one claim against the person's year-to-date usage, in one transaction.

        Returns the new settlement (``status == "settled"``), or, if this ``claim_id`` was settled before
        with the same content, the stored one with ``status == "duplicate"`` (or ``"reversed"``): nothing
        more is paid, so a caller may retry after a timeout without paying twice.

        Raises:
            ConflictError: the ``claim_id`` was settled with different content.
            InputError: a bad claim (empty id, negative amount, unknown kind or category, a date no policy
                covers). The ledger is unchanged.
        """
        return self.settle_many([claim])[0]

    def settle_many(
        self, claims: Iterable[Claim], *, batch_size: int = BATCH_SIZE, on_invalid: OnInvalid | None = None
    ) -> list[Settlement]:
        """Settle claims in the order given, ``batch_size`` claims per transaction.

        Each transaction commits whole or not at all, so after a crash a claim is either wholly settled or
        not; settling the same claims again completes the work and pays nothing twice. Give claims in date
        order to get what the batch engine and :func:`medaid.rules.assess_person` give (the ledger settles
        in arrival order; :meth:`clear` recomputes in date order).

        Without ``on_invalid``, any bad claim (or conflict) raises before anything is written. With it,
        each bad claim is passed to ``on_invalid(index, claim, error)`` and skipped; the result then holds
        the settlements of the other claims, in order.
        """
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise InputError(
                N_("batch_size must be a whole number of at least 1, got {batch_size!r}"), batch_size=batch_size
            )
        claims = claims if isinstance(claims, (list, tuple)) else list(claims)
        valid: list[tuple[int, Claim, tuple]] = []
        seen: dict[str, tuple] = {}
        for index, claim in enumerate(claims):
            try:
                self._check(claim)
                fp = content(claim)
                if seen.setdefault(claim.claim_id, fp) != fp:
                    raise ConflictError(
                        N_("claim_id {claim_id!r} appears twice with different content"), claim_id=claim.claim_id
                    )
            except InputError as exc:
                if on_invalid is None:
                    if len(claims) > 1:
                        raise type(exc)(
                            N_("claim {index} ({name}): {error}"), index=index, name=_name(claim), error=exc
                        ) from None
                    raise
                on_invalid(index, claim, exc)
                continue
            valid.append((index, claim, fp))
        if on_invalid is None and len(valid) > batch_size:
            # Several transactions: refuse a conflict with the ledger before writing anything. (One
            # transaction rolls back whole on a conflict anyway; the check inside each write transaction
            # still catches a conflict a concurrent writer creates meanwhile.)
            stored = self._read(lambda store: store.settlements_by_id(list(seen)))
            for _index, claim, fp in valid:
                if claim.claim_id in stored and stored[claim.claim_id].content != fp:
                    self._conflict(claim, stored[claim.claim_id])
        out: list[Settlement] = []
        for start in range(0, len(valid), batch_size):
            out.extend(self._settle_batch(valid[start : start + batch_size], on_invalid))
        return out

    def _settle_batch(self, batch: list[tuple[int, Claim, tuple]], on_invalid: OnInvalid | None) -> list[Settlement]:
        # Settling is idempotent by claim_id, so a transaction the database rolled back (or may have
        # committed, when the connection was lost at COMMIT) is simply run again.
        plan = self._retrying(lambda: self._settle_batch_once(batch, on_invalid), idempotent=True)
        for index, claim, error in plan.refused:
            on_invalid(index, claim, error)
        out, new = [], plan.new
        for item in plan.out:
            if type(item) is int:
                item = new[item] if item >= 0 else new[-1 - item]._with_status("duplicate")
            out.append(item)
        return out

    def _settle_batch_once(self, batch: list[tuple[int, Claim, tuple]], on_invalid: OnInvalid | None) -> _Plan:
        store = self._store
        ids = [claim.claim_id for _index, claim, _fp in batch]
        # Sorted: writers lock person-years in one order, so two batches never wait for each other in a circle.
        keys = sorted({(claim.person_id, claim.date.year) for _index, claim, _fp in batch})
        plan = None
        if len(batch) >= PLAN_UNLOCKED_FROM:
            # Plan from a snapshot, without the write lock, so that other writers (e.g. the other worker of
            # `medaid ledger settle`) are not held up meanwhile; one query each for the claims already
            # settled and the usage of the persons in this batch.
            with store.read():
                stored, usages, seq = store.settlements_by_id(ids), store.usages(keys), store.next_seq()
            plan = self._plan(batch, stored, usages, seq, on_invalid)
        if plan is None or plan.new:
            numbers: Sequence[int] = ()
            with store.write(keys):
                now_stored, now_usages, seq = store.settlements_by_id(ids), store.usages(keys), store.next_seq()
                # A plan stands only if what it read is what the ledger holds now, under the lock; if another
                # writer settled one of these claims or changed one of these persons' usage meanwhile, plan again.
                if plan is None or now_stored != stored or now_usages != usages:
                    plan = self._plan(
                        batch, now_stored, now_usages, seq, on_invalid
                    )  # a conflict raises: nothing is written
                if plan.new:
                    # Numbered from seq: the next number now, which another writer may have taken since the plan.
                    numbers = store.add_settlements(plan.new, seq)
                    store.put_usage((person, usage) for (person, _year), usage in plan.updated.items())
            if plan.new and (numbers[0] != plan.new[0].seq or numbers[-1] - numbers[0] != len(numbers) - 1):
                plan.new[:] = [s._with_seq(number) for number, s in zip(numbers, plan.new)]
        return plan

    def _retrying(self, transaction: Callable[[], T], *, idempotent: bool) -> T:
        """``transaction()`` in the store's retry loop (:func:`medaid.ledger.store.retrying`)."""
        return retrying(transaction, idempotent=idempotent)

    def _read(self, read: Callable[[LedgerStore], T]) -> T:
        """``read(store)`` in one read transaction (run again if the store asks to: a read is idempotent)."""
        store = self._store

        def transaction() -> T:
            with store.read():
                return read(store)

        return self._retrying(transaction, idempotent=True)

    def _plan(
        self,
        batch: list[tuple[int, Claim, tuple]],
        stored: dict[str, Settlement],
        usages: dict[tuple[str, int], Usage],
        seq: int,
        on_invalid: OnInvalid | None,
    ) -> _Plan:
        """What settling ``batch`` on a ledger holding ``stored`` and ``usages`` writes and returns; writes nothing.

        New settlements are numbered from ``seq``.

        Raises:
            ConflictError: a claim_id held with other content, unless ``on_invalid`` is given (then it is in ``refused``).
        """
        plan = _Plan()
        out, new, refused, updated = plan.out, plan.new, plan.refused, plan.updated
        planned: dict[str, int] = {}  # claim_id -> index in new
        settled_at = _now()
        # Locals: this loop runs once per claim of a file.
        find_stored, policy_for, provisional = stored.get, self._policy, self._provisional

        def refuse(index: int, claim: Claim, error: ConflictError) -> None:
            if on_invalid is None:
                raise error
            refused.append((index, claim, error))

        for index, claim, fp in batch:
            claim_id = claim.claim_id
            if claim_id in planned:  # the same claim twice in one batch: the second is a duplicate
                first = new[planned[claim_id]]
                if first.content != fp:
                    refuse(index, claim, self._conflict_error(claim, first))
                    continue
                out.append(-1 - planned[claim_id])
                continue
            prior = find_stored(claim_id)
            if prior is not None:
                if prior.content != fp:
                    refuse(index, claim, self._conflict_error(claim, prior))
                    continue
                out.append(prior._with_status("duplicate") if prior.status == "settled" else prior)
                continue
            year = claim.date.year
            key = (claim.person_id, year)
            usage = updated.get(key) or usages.get(key) or Usage(year)
            r = assess_claim(policy_for(claim.date), claim, usage)
            updated[key] = r.usage
            planned[claim_id] = len(new)
            out.append(len(new))
            new.append(
                Settlement.of_result(
                    r, engine_version=__version__, provisional=provisional(r), seq=seq, settled_at=settled_at
                )
            )
            seq += 1
        return plan

    def _check(self, claim: Claim) -> None:
        if not (
            isinstance(claim, Claim)
            and type(claim.claim_id) is str
            and type(claim.person_id) is str
            and type(claim.date) is dt.date
            and claim.kind in KINDS
            and type(claim.self_pay_fen) is int
            and 0 <= claim.self_pay_fen < MAX_FEN
            and type(claim.resident_insurance) is bool
            and type(claim.categories) is tuple
            and claim.categories
            and claim.claim_id.strip()
            and claim.person_id.strip()
        ):
            self._explain(claim)
        policy = self._policy(claim.date)
        known = (policy.id, claim.categories)
        try:
            if known in self._known_categories:  # a file repeats a handful of category sets
                return
        except TypeError:  # an unhashable element is not a category id: the loop below says so
            pass
        for category in claim.categories:
            if type(category) is not str:
                raise InputError(N_("categories must be category ids, got {categories!r}"), categories=claim.categories)
            policy.category(category)
        self._known_categories.add(known)

    def _explain(self, claim: Claim) -> None:
        if not isinstance(claim, Claim):
            raise InputError(N_("expected a medaid.rules.Claim, got {type_name}"), type_name=type(claim).__name__)
        for field in ("claim_id", "person_id"):
            value = getattr(claim, field)
            if not isinstance(value, str) or not value.strip():
                raise InputError(N_("{field} must be a non-empty string, got {value!r}"), field=field, value=value)
        if not isinstance(claim.date, dt.date) or isinstance(claim.date, dt.datetime):
            raise InputError(N_("date must be a datetime.date, got {date!r}"), date=claim.date)
        if claim.kind not in KINDS:
            raise InputError(N_("kind must be inpatient or outpatient, got {kind!r}"), kind=claim.kind)
        amount = claim.self_pay_fen
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise InputError(
                N_("self_pay_fen must be a non-negative whole number of fen, got {amount!r}"), amount=amount
            )
        if amount >= MAX_FEN:  # beyond it, year totals could overflow the store's 64-bit integers
            raise InputError(
                N_("self_pay_fen must be below {maximum} (1000000000.00 yuan, as a claims file), got {amount}"),
                maximum=MAX_FEN,
                amount=amount,
            )
        if not isinstance(claim.resident_insurance, bool):
            raise InputError(
                N_("resident_insurance must be True or False, got {resident_insurance!r}"),
                resident_insurance=claim.resident_insurance,
            )
        if not isinstance(claim.categories, tuple) or not claim.categories:
            raise InputError(
                N_("categories must be a non-empty tuple of category ids, got {categories!r}"),
                categories=claim.categories,
            )
        # Otherwise only subclasses (of date, int, str) failed the fast test above: they are accepted.

    def _conflict(self, claim: Claim, stored: Settlement) -> None:
        raise self._conflict_error(claim, stored)

    @staticmethod
    def _conflict_error(claim: Claim, stored: Settlement) -> ConflictError:
        differences = []
        for field in CONTENT_FIELDS:
            was, now = getattr(stored, field), getattr(claim, field)
            if was != now:
                differences.append(f"{field} was {_show(was)}, now {_show(now)}")
        detail = "; ".join(differences) or "different content"
        return ConflictError(
            N_("claim_id {claim_id!r} is already settled with different content ({detail}); use a new claim_id"),
            claim_id=claim.claim_id,
            detail=detail,
        )

    def _provisional(self, result) -> tuple[str, ...]:
        # The provisional keys follow from the citations the claim's steps used; the same steps under the
        # same (cached, so alive) policy give the same keys.
        key = (id(result.policy), *[id(entry[2]) for entry in result.trace])
        found = self._provisionals.get(key)
        if found is None:
            found = self._provisionals[key] = result.provisional
        return found

    def _policy(self, day: dt.date) -> Policy:
        policy = self._policies.get(day)
        if policy is None:
            policy = self._policies[day] = self._registry.medical_assistance(day)
        return policy

    # -- reverse ----------------------------------------------------------------------------------

    def reverse(self, claim_id: str, reason: str) -> Reversal:
        """Reverse (冲正) a settled claim: what it paid goes back to the person's remaining cap.

        The claim's assistance (with any clearing adjustment), its deductible subsidy and the part of the
        300 offset it used are taken off the person's year-to-date usage. Later claims keep what they were
        paid; :meth:`clear` recomputes the year if they should now be paid more.

        Raises:
            UnknownClaimError: no such claim. AlreadyReversedError: reversed before.
            InputError: an empty reason. The ledger is unchanged on every error.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(N_("a reversal needs a reason, got {reason!r}"), reason=reason)
        if not isinstance(claim_id, str) or not claim_id:
            raise InputError(N_("claim_id must be a non-empty string, got {claim_id!r}"), claim_id=claim_id)
        found = self._read(lambda store: store.settlement(claim_id))
        if found is None:
            raise UnknownClaimError(N_("no settled claim with claim_id {claim_id!r}"), claim_id=claim_id)
        # A claim's person and date never change: lock its person-year, then read it again under the lock.
        key = (found.person_id, found.date.year)
        return self._retrying(lambda: self._reverse_once(claim_id, reason, key), idempotent=False)

    def _reverse_once(self, claim_id: str, reason: str, key: tuple[str, int]) -> Reversal:
        store = self._store
        with store.write([key]):
            settlement = store.settlement(claim_id)
            if settlement is None:
                raise UnknownClaimError(N_("no settled claim with claim_id {claim_id!r}"), claim_id=claim_id)
            if settlement.status == "reversed":
                earlier = store.reversal(claim_id)
                when = f" on {earlier.reversed_at} ({earlier.reason})" if earlier else ""
                raise AlreadyReversedError(
                    N_("claim {claim_id!r} is already reversed{when}"), claim_id=claim_id, when=when
                )
            year = settlement.date.year
            extra = store.adjustments(settlement.person_id, year).get(claim_id, (0, 0, 0))
            reversal = Reversal(
                claim_id,
                settlement.person_id,
                year,
                settlement.kind,
                reason.strip(),
                settlement.assistance_fen + extra[0],
                settlement.deductible_subsidy_fen + extra[1],
                settlement.offset_fen + extra[2],
                _now(),
            )
            usage = (store.usage(settlement.person_id, year) or Usage(year)).add(
                settlement.kind,
                -reversal.assistance_fen,
                -reversal.offset_fen,
                -reversal.deductible_subsidy_fen,
            )
            store.add_reversal(reversal)
            store.put_usage([(settlement.person_id, usage)])
        return reversal

    # -- clear ------------------------------------------------------------------------------------

    def clear(self, person_id: str, year: int, apply: bool = False) -> Clearing:
        """Individual clearing (个人清算): recompute the person-year from its non-reversed claims in date order.

        Each claim is assessed again with :func:`medaid.rules.assess_person` (claims of one date in the
        order they were settled) under the policy in force on its date, and compared with what it has been
        paid (settlement plus earlier adjustments). With ``apply=True`` the differences are recorded as one
        adjustment and the usage is set to the recomputed year; applying again records nothing, because
        nothing is then left to adjust.

        Raises:
            InputError: a bad person id or year. The ledger is unchanged.
        """
        self._person_year(person_id, year)
        return self._retrying(lambda: self._clear_once(person_id, year, apply), idempotent=False)

    def _clear_once(self, person_id: str, year: int, apply: bool) -> Clearing:
        store = self._store
        with store.write([(person_id, year)]) if apply else store.read():
            settlements = [s for s in store.year_settlements(person_id, year) if s.status == "settled"]
            extra = store.adjustments(person_id, year)
            claims = [s.claim for s in settlements]
            assessment = assess_person(claims, self._policy)
            by_id = {s.claim_id: s for s in settlements}
            lines, deltas = [], []
            for result in assessment.claims:
                s = by_id[result.claim.claim_id]
                more = extra.get(s.claim_id, (0, 0, 0))
                paid = (s.assistance_fen + more[0], s.deductible_subsidy_fen + more[1], s.offset_fen + more[2])
                due = (result.assistance_fen, result.deductible_subsidy_fen, result.offset_fen)
                lines.append(ClearingLine(s.claim_id, s.date, s.kind, paid[0], paid[1], due[0], due[1]))
                delta = (due[0] - paid[0], due[1] - paid[1], due[2] - paid[2])
                if any(delta):
                    deltas.append((s.claim_id, *delta))
            applied = False
            if apply and deltas:
                # The state (each claim's paid and due) keys the adjustment, so the same clearing is recorded
                # once even if two callers apply it at once; after it, paid equals due and nothing is left.
                state = "\n".join(
                    f"{line.claim_id}:{line.paid_assistance_fen}:{line.paid_subsidy_fen}:{line.due_assistance_fen}:{line.due_subsidy_fen}"
                    for line in lines
                )
                state_fp = hashlib.sha256(f"{person_id}\x1f{year}\n{state}".encode()).hexdigest()[:32]
                applied = store.add_adjustment(person_id, year, state_fp, deltas, _now())
                if applied:
                    final = assessment.claims[-1].usage if assessment.claims else Usage(year)
                    store.put_usage([(person_id, final)])
        return Clearing(person_id, year, tuple(lines), applied, assessment.policy_ids, __version__)

    # -- usage and history ------------------------------------------------------------------------

    def usage(self, person_id: str, year: int) -> YearUsage:
        """A person's year-to-date usage: per kind paid and what is left of the cap.

        Paid counts every settlement of the year not reversed, with clearing adjustments. The cap, and
        so ``remaining_fen``, is that of the category of the person's most recent settled claim of the kind
        (latest date, then latest settled; a reversed one if all are reversed), under the policy in force on
        that claim's date: a person's
        category can change during a year, and the next claim's own category decides its cap.
        """
        self._person_year(person_id, year)
        usage, settlements = self._read(
            lambda store: (store.usage(person_id, year) or Usage(year), store.year_settlements(person_id, year))
        )
        active = [s for s in settlements if s.status == "settled"]
        kinds = {}
        for kind in KINDS:
            paid = usage.paid(kind)
            latest = max((s for s in active if s.kind == kind), key=lambda s: (s.date, s.seq), default=None)
            if latest is None:  # every claim of the kind reversed: its category still says which cap is left
                latest = max((s for s in settlements if s.kind == kind), key=lambda s: (s.date, s.seq), default=None)
            if latest is None:
                kinds[kind] = KindUsage(paid, None, None, None)
                continue
            policy = self._policy(latest.date)
            cap = policy.category(latest.category).rule(kind).cap_fen
            used = cap_used(usage, kind, policy.caps.scope)
            kinds[kind] = KindUsage(paid, latest.category, cap, None if cap is None else cap_left(SCALAR, cap, used, 0))
        return YearUsage(
            person_id,
            year,
            kinds["inpatient"],
            kinds["outpatient"],
            usage.offset_used_fen,
            usage.subsidy_paid_fen,
            len(active),
            len(settlements) - len(active),
        )

    def settlements(self, person_id: str, year: int) -> list[Settlement]:
        """Every settlement of the person-year (reversed ones too), in the order they were settled."""
        self._person_year(person_id, year)
        return self._read(lambda store: store.year_settlements(person_id, year))

    def adjustments(self, person_id: str, year: int) -> dict[str, tuple[int, int]]:
        """Per claim of the person-year, the clearing adjustments recorded so far: (assistance, subsidy) fen."""
        self._person_year(person_id, year)
        found = self._read(lambda store: store.adjustments(person_id, year))
        return {claim_id: (assistance, subsidy) for claim_id, (assistance, subsidy, _offset) in found.items()}

    def years(self, person_id: str) -> list[int]:
        """The years in which the person has a settled claim."""
        self._person_year(person_id, 2000)
        return self._read(lambda store: store.person_years(person_id))

    def settlement(self, claim_id: str) -> Settlement:
        """The stored settlement of ``claim_id``; :class:`UnknownClaimError` if there is none."""
        found = self._read(lambda store: store.settlement(claim_id))
        if found is None:
            raise UnknownClaimError(N_("no settled claim with claim_id {claim_id!r}"), claim_id=claim_id)
        return found

    def reversal(self, claim_id: str) -> Reversal | None:
        """The reversal (冲正) of ``claim_id`` (when, why, what went back), or ``None`` if it was not reversed."""
        with self._store.read():
            return self._store.reversal(claim_id)

    @staticmethod
    def _person_year(person_id: str, year: int) -> None:
        if not isinstance(person_id, str) or not person_id.strip():
            raise InputError(N_("person_id must be a non-empty string, got {person_id!r}"), person_id=person_id)
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
            raise InputError(N_("year must be a year like 2023, got {year!r}"), year=year)


@attrs.frozen
class _Plan:
    """A batch planned from a snapshot of the ledger: what to return, write and refuse.

    ``out`` holds, per claim in order, the stored settlement (a duplicate), ``i`` for the i-th new settlement
    or ``-1 - i`` for a repeat of it in the same batch (a duplicate); ``new`` the new settlements, numbered
    as planned; ``updated`` the usage after them.
    """

    out: list = attrs.field(factory=list)
    new: list[Settlement] = attrs.field(factory=list)
    updated: dict[tuple[str, int], Usage] = attrs.field(factory=dict)
    refused: list[tuple[int, Claim, ConflictError]] = attrs.field(factory=list)


def _name(claim: object) -> str:
    claim_id = getattr(claim, "claim_id", None)
    return f"claim_id {claim_id!r}" if claim_id else "no claim_id"


def _show(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "|".join(value)
    return repr(value) if isinstance(value, str) else str(value)
