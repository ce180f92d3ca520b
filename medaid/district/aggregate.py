"""A district's medical-assistance caseload (救助人次与资金): totals over settled claims, and who funds them.

Input: the output of ``medaid claims`` (CSV or Parquet). Only these columns are read: ``person_id``,
``district``, ``kind``, ``self_pay``, ``assistance``, ``deductible_subsidy`` (required) and ``policy_id``,
``date``, ``category_applied`` or ``category`` (optional). Amounts are yuan with at most two decimals and are
parsed exactly into integer fen (no floats).

Per group (district, or district and category, or district and kind):

- ``persons``: distinct persons paid anything (assistance or deductible subsidy > 0) in the group;
- ``person_times`` (人次) by kind: claims with a payment; ``claims``: every settled row;
- ``self_pay``, ``assistance`` by kind, ``deductible_subsidy`` (起付线补助), ``total`` = assistance + subsidy;
- ``city`` and ``district`` shares: the total under each policy version is split by that version's
  ``funding`` (1:1, policy key ``funding``) with :func:`~medaid.district.funding.split_city_district`, so
  city + district == total to the fen. The version of a claim is its ``policy_id`` column, else the
  version in force on its ``date``, else the ``default_policy`` given.

The grand total adds up the rows (its persons are counted distinct over the whole file).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from medaid._deprecation import renamed
from medaid.district.funding import split_city_district
from medaid.districts import District, district
from medaid.errors import N_, InputError, MedaidError
from medaid.policy.model import KINDS, Policy

if TYPE_CHECKING:  # polars is imported only when a file is read
    import polars as pl

__all__ = [
    "GROUPINGS",
    "REQUIRED",
    "GroupTotals",
    "DistrictReport",
    "read_settled",
    "frame_from_results",
    "district_totals",
]

REQUIRED = ("person_id", "district", "kind", "self_pay", "assistance", "deductible_subsidy")
OPTIONAL = ("policy_id", "date", "category_applied", "category")
AMOUNTS = ("self_pay", "assistance", "deductible_subsidy")
#: What a report can be grouped by.
GROUPINGS = {"district": (), "district,category": ("category",), "district,kind": ("kind",)}
_YUAN = r"^\+?\d{1,15}(\.\d{1,2})?$"  # at most 10^15 yuan, so fen fit in int64


@attrs.frozen
class GroupTotals:
    """The totals of one group of settled claims (fen), with the city/district funding split."""

    district: District | None
    detail: str | None
    persons: int
    claims: int
    person_times: Mapping[str, int]
    self_pay_fen: int
    assistance_fen: Mapping[str, int]
    deductible_subsidy_fen: int
    city_fen: int
    district_share_fen: int

    @property
    def total_fen(self) -> int:
        """Assistance (both kinds) plus the deductible subsidy: what the group cost."""
        return sum(self.assistance_fen.values()) + self.deductible_subsidy_fen


@attrs.frozen
class DistrictReport:
    """Totals per group, the grand total, and the policy versions whose funding rule split them."""

    by: str
    rows: tuple[GroupTotals, ...]
    total: GroupTotals
    policies: tuple[Policy, ...] = attrs.field(repr=lambda ps: repr([p.id for p in ps]))
    rows_read: int


def _fail(path: str, frame: pl.DataFrame, mask: pl.Series, column: str, what: str) -> None:
    """Raise for the first row where ``mask`` holds, naming its line (header is line 1) and value."""
    import polars as pl

    hits = frame.select(pl.arg_where(mask)).to_series()
    if len(hits):
        index = hits[0]
        value = frame[column][index]
        # The line number (the header is line 1; a Parquet file's data row N is N + 1), as in every reader.
        lines = frame[_LINE] if _LINE in frame.columns else None
        row = int(lines[index]) if lines is not None else index + 2
        shown = repr(value) if len(repr(value)) <= 42 else repr(value)[:41] + "…"  # a huge value is not echoed whole
        if len(hits) > 1:
            raise InputError(
                N_("column {column} {what}, got {shown} ({count} rows)"),
                file=path,
                line=row,
                column=column,
                what=what,
                shown=shown,
                count=len(hits),
            )
        raise InputError(
            N_("column {column} {what}, got {shown}"), file=path, line=row, column=column, what=what, shown=shown
        )


def read_settled(path: Path | str, *, encoding: str | None = None, sheet: str | None = None) -> pl.DataFrame:
    """Read settled claims (CSV, ``.xlsx``, Parquet, or a dataset folder from ``medaid claims --cluster``) into a frame of the columns :func:`district_totals` needs, amounts in fen.

    The settled file's contract is the claims contract's (:mod:`medaid.contract`) for the columns they share:
    the same encodings (UTF-8 fast; GBK, ``encoding`` or a workbook read row by row), Chinese header names and
    labels (住院, 闵行, 2023/5/1). Errors name the file, the line (the header is line 1) and the bad value; a
    missing column lists what was found.
    """
    import polars as pl

    from medaid.contract.files import is_spreadsheet

    path = Path(path)
    # A folder is a settled dataset from `medaid claims --cluster` (medaid.dist): its part-*.parquet files.
    dataset = path.is_dir() and any(path.glob("part-*.parquet"))
    if not (path.is_file() or dataset):
        raise InputError(
            N_("cannot read {path}: no such file (a folder must hold part-*.parquet)")
            if path.is_dir()
            else N_("cannot read {path}: no such file"),
            path=path,
        )
    parquet = dataset or path.suffix.lower() in (".parquet", ".pq")
    frame = None
    if not parquet and (encoding is not None or sheet is not None or is_spreadsheet(path)):
        frame = _read_rows(path, encoding, sheet)
    elif not parquet:
        try:
            lazy = pl.scan_csv(path, infer_schema=False, encoding="utf8", comment_prefix="#")
            names = lazy.collect_schema().names()
            frame = lazy.select([pl.col(n).alias(_english(n)) for n in names]).collect()
        except Exception:  # not UTF-8, a ragged row, a bad quote: the row reader says which line
            frame = _read_rows(path, encoding, sheet)
    if frame is None:
        try:
            lazy = pl.scan_parquet(path / "part-*.parquet" if dataset else path)
            lazy = lazy.rename({n: _english(n) for n in lazy.collect_schema().names() if _english(n) != n})
            frame = lazy.collect()
        except Exception as exc:  # polars raises many kinds; the file is what is wrong
            raise InputError(N_("cannot read {path}: {reason}"), path=path, reason=str(exc).splitlines()[0]) from None
    names = frame.columns
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise InputError(
            N_("missing column {names}; found {found}"),
            file=path,
            names=", ".join(missing),
            found=", ".join(n for n in names if n != _LINE),
        )
    columns = [*REQUIRED, *(name for name in OPTIONAL if name in names), *([_LINE] if _LINE in names else [])]
    frame = frame.select(columns)
    for name in AMOUNTS:
        dtype = frame.schema[name]
        if dtype.is_float():
            raise InputError(
                N_("column {name} holds floating-point numbers; give amounts as yuan strings or decimals"),
                file=path,
                name=name,
            )
        if not (
            dtype == pl.String or dtype.is_integer() or (isinstance(dtype, pl.Decimal) and (dtype.scale or 0) <= 2)
        ):
            raise InputError(
                N_("column {name} must hold yuan as text or decimals with at most two decimals, got type {dtype}"),
                file=path,
                name=name,
                dtype=dtype,
            )
    # Amounts and dates keep their type (Parquet decimals are converted directly); names become text.
    frame = frame.with_columns(
        pl.col(c).cast(pl.String)
        for c, dtype in frame.schema.items()
        if dtype != pl.String and c not in (*AMOUNTS, "date", _LINE)
    )
    return _normalise(frame, str(path))


#: The line of each row, where it is not row index + 2 (a file read row by row, with blank lines skipped).
_LINE = "__medaid_line"


def _english(name: str) -> str:
    """A column's English name: a Chinese header of the claims contract (结算单号 …) or a trimmed name."""
    from medaid.contract.claims import HEADERS_ZH
    from medaid.contract.values import trim

    return HEADERS_ZH.get(trim(name), trim(name))


def _read_rows(path: Path, encoding: str | None, sheet: str | None) -> pl.DataFrame:
    """The file read row by row (any encoding, or a workbook's sheet) as text columns with their lines."""
    import polars as pl

    from medaid.district._csv import text_table

    _header_line, names, body = text_table(path, REQUIRED, encoding=encoding, sheet=sheet)
    header = [_english(name) for name in names]
    columns: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    for line, texts in body:
        for column, text in zip(columns, texts):
            column.append(text)
        lines.append(line)
    data = {
        name or f"column_{i + 1}": pl.Series(values, dtype=pl.String)
        for i, (name, values) in enumerate(zip(header, columns))
    }
    return pl.DataFrame({**data, _LINE: pl.Series(lines, dtype=pl.Int64)})


def _normalise(frame: pl.DataFrame, path: str) -> pl.DataFrame:
    """Check the columns and convert: district names to ids, amounts to fen. Surrounding spaces are
    stripped only from a column that has them (stripping every column of a big file costs seconds)."""
    import polars as pl

    texts = [name for name in AMOUNTS if frame.schema[name] == pl.String]
    numbers = [name for name in AMOUNTS if name not in texts]
    checked = ("person_id", "district", "kind", *texts)
    spaced = frame.select(pl.col(name).str.contains(r"^\s|\s$").any() for name in checked).row(0)
    frame = frame.with_columns(pl.col(name).str.strip_chars() for name, has in zip(checked, spaced) if has)
    # All checks in one parallel pass; only a failing one is looked at row by row.
    empty = [
        (pl.col(name).is_null() | (pl.col(name) == "")).any().alias(name) for name in ("person_id", "district", "kind")
    ]
    kinds = {value: _kind_id(value) for value in frame["kind"].drop_nulls().unique().to_list()}
    if any(kinds[value] != value for value in kinds if kinds[value]):  # Chinese or other-case labels: ids
        frame = frame.with_columns(pl.col("kind").replace({k: v for k, v in kinds.items() if v}))
    checks = frame.select(
        *empty,
        (~pl.col("kind").is_in(KINDS)).any().alias("bad_kind"),
        *((~pl.col(name).fill_null("").str.contains(_YUAN)).any().alias(f"bad_{name}") for name in texts),
        *(
            (pl.col(name).is_null() | (pl.col(name) < 0) | (pl.col(name) >= 10**15)).any().alias(f"bad_{name}")
            for name in numbers
        ),
    ).row(0, named=True)
    for name in ("person_id", "district", "kind"):
        if checks[name]:
            _fail(path, frame, frame[name].is_null() | (frame[name] == ""), name, "is empty")
    if checks["bad_kind"]:
        _fail(path, frame, ~frame["kind"].is_in(KINDS), "kind", f"must be {' or '.join(KINDS)}")
    for name in texts:
        if checks[f"bad_{name}"]:
            _fail(
                path,
                frame,
                ~frame[name].fill_null("").str.contains(_YUAN),
                name,
                "must be yuan with at most two decimals (e.g. 1234.50)",
            )
    for name in numbers:
        if checks[f"bad_{name}"]:
            _fail(
                path,
                frame,
                frame[name].is_null() | (frame[name] < 0) | (frame[name] >= 10**15),
                name,
                "must be yuan ≥ 0",
            )
    names = {}
    for value in frame["district"].unique().to_list():
        try:
            names[value] = district(value).id
        except InputError:
            _fail(
                path,
                frame,
                frame["district"] == value,
                "district",
                "is not a Shanghai district (an id like minhang or a name like 闵行区)",
            )
    # Every text amount has passed the pattern (digits, at most two decimals), and a decimal column has at
    # most two decimals, so the conversion to fen is exact.
    return frame.with_columns(
        pl.col("district").replace_strict(names, return_dtype=_district_enum()),
        *((pl.col(name).cast(pl.Decimal(38, 2)) * 100).cast(pl.Int64).alias(name) for name in AMOUNTS),
    )


def _kind_id(value: str) -> str | None:
    from medaid.contract.values import kind

    return kind(value)[0]


def frame_from_results(rows: Iterable[tuple[str, object]]) -> pl.DataFrame:
    """A settled-claims frame from ``(district, ClaimResult)`` pairs, for callers that assess in Python."""
    import polars as pl

    records = [
        {
            "person_id": result.claim.person_id,
            "district": district(name).id,
            "kind": result.claim.kind,
            "self_pay": result.claim.self_pay_fen,
            "assistance": result.assistance_fen,
            "deductible_subsidy": result.deductible_subsidy_fen,
            "policy_id": result.policy_id,
            "category_applied": result.category,
            "date": result.claim.date.isoformat(),
        }
        for name, result in rows
    ]
    schema = {
        "person_id": pl.String,
        "district": pl.String,
        "kind": pl.String,
        "self_pay": pl.Int64,
        "assistance": pl.Int64,
        "deductible_subsidy": pl.Int64,
        "policy_id": pl.String,
        "category_applied": pl.String,
        "date": pl.String,
    }
    return pl.DataFrame(records, schema=schema)


def _policy_ids(
    frame: pl.DataFrame, registry, default_policy: Policy | None, path: str
) -> tuple[pl.DataFrame, dict[str, Policy]]:
    import polars as pl

    if "policy_id" in frame.columns:
        frame = frame.with_columns(pl.col("policy_id").fill_null(""))
    else:
        frame = frame.with_columns(policy_id=pl.lit(""))
    missing = frame["policy_id"] == ""
    if missing.any():
        if "date" in frame.columns:
            import datetime as dt

            ids = {}
            for value in frame.filter(missing)["date"].unique().to_list():
                where = missing & (frame["date"].is_null() if value is None else frame["date"] == value)
                try:
                    if isinstance(value, dt.datetime):
                        day = value.date()
                    elif isinstance(value, dt.date):
                        day = value
                    else:
                        from medaid.contract.values import parse_day, trim

                        day = parse_day(trim(str(value or "")))
                        if day is None:
                            raise ValueError(value)
                    ids[value] = registry.medical_assistance(day).id
                except ValueError:
                    _fail(path, frame, where, "date", "must be a date like 2023-05-01")
                except MedaidError as exc:
                    _fail(path, frame, where, "date", f"is outside every policy version ({exc})")
            frame = frame.with_columns(
                pl.when(missing)
                .then(pl.col("date").replace_strict(ids, default="", return_dtype=pl.String))
                .otherwise(pl.col("policy_id"))
                .alias("policy_id")
            )
        elif default_policy is not None:
            frame = frame.with_columns(
                pl.when(missing).then(pl.lit(default_policy.id)).otherwise(pl.col("policy_id")).alias("policy_id")
            )
        else:
            raise InputError(
                N_("no policy_id or date column to choose the funding rule; give the policy (--policy)"), file=path
            )
    policies = {}
    for policy_id in frame["policy_id"].unique().to_list():
        if default_policy is not None and policy_id == default_policy.id:
            policies[policy_id] = default_policy
            continue
        try:
            policy = registry.get(policy_id)
        except MedaidError:
            _fail(
                path,
                frame,
                frame["policy_id"] == policy_id,
                "policy_id",
                "is not a known policy id (see medaid policy list)",
            )
            raise
        if not isinstance(policy, Policy):
            _fail(path, frame, frame["policy_id"] == policy_id, "policy_id", "is not a medical-assistance policy")
        policies[policy_id] = policy
    return frame, policies


def district_totals(
    frame: pl.DataFrame,
    *,
    by: str = "district",
    registry=None,
    default_policy: Policy | None = None,
    path: str = "claims",
) -> DistrictReport:
    """Totals per group of settled claims (see the module docstring), with the funding split of each policy version.

    ``frame`` is what :func:`read_settled` or :func:`frame_from_results` returns; ``by`` is a key of
    :data:`GROUPINGS`; ``registry`` (default: the bundled policies) resolves ``policy_id`` and dates.
    """
    import polars as pl

    if registry is None:
        from medaid.policy.registry import default_registry

        registry = default_registry()
    if by not in GROUPINGS:
        raise InputError(N_("--by must be one of {names}, got {by!r}"), names=", ".join(GROUPINGS), by=by)
    if by == "district,category":
        source = (
            "category_applied"
            if "category_applied" in frame.columns
            else "category"
            if "category" in frame.columns
            else None
        )
        if source is None:
            raise InputError(N_("missing column category (needed for --by district,category)"), file=path)
        frame = frame.with_columns(detail=pl.col(source).fill_null("-"))
    elif by == "district,kind":
        frame = frame.with_columns(detail=pl.col("kind"))
    else:
        frame = frame.with_columns(detail=pl.lit(None, dtype=pl.String))
    frame, policies = _policy_ids(frame, registry, default_policy, path)
    frame = frame.with_columns(pl.col("district").cast(_district_enum()), pl.col("policy_id").cast(pl.Categorical))
    paid = (pl.col("assistance") + pl.col("deductible_subsidy")) > 0
    frame = frame.with_columns(paid=paid)
    keys = ["district", "detail"]
    # Plain sums over precomputed columns: a filter inside each aggregation costs a pass per group.
    sums = [
        pl.len().alias("claims"),
        *((pl.col("paid") & (pl.col("kind") == kind)).sum().alias(f"times_{kind}") for kind in KINDS),
        pl.col("self_pay").sum(),
        *(
            pl.when(pl.col("kind") == kind).then(pl.col("assistance")).otherwise(0).sum().alias(f"assistance_{kind}")
            for kind in KINDS
        ),
        pl.col("deductible_subsidy").sum(),
    ]
    # One pass groups by policy version too (few rows), so each version's total is split by its own rule.
    by_policy = frame.group_by([*keys, "policy_id"]).agg(sums)
    persons = {
        (r["district"], r["detail"]): r["persons"]
        for r in frame.filter(pl.col("paid"))
        .group_by(keys)
        .agg(pl.col("person_id").n_unique().alias("persons"))
        .iter_rows(named=True)
    }
    sum_columns = [c for c in by_policy.columns if c not in (*keys, "policy_id")]
    groups: dict[tuple, dict] = {}
    shares: dict[tuple, list[int]] = {}
    for row in by_policy.iter_rows(named=True):
        key = (row["district"], row["detail"])
        acc = groups.setdefault(
            key, {"district": row["district"], "detail": row["detail"], **dict.fromkeys(sum_columns, 0)}
        )
        for column in sum_columns:
            acc[column] += int(row[column] or 0)
        total = (
            int(row["assistance_inpatient"] or 0)
            + int(row["assistance_outpatient"] or 0)
            + int(row["deductible_subsidy"] or 0)
        )
        split = split_city_district(total, policies[row["policy_id"]].funding)
        part = shares.setdefault(key, [0, 0])
        part[0] += split.city_fen
        part[1] += split.district_fen
    order = {d.id: i for i, d in enumerate(_all_districts())}
    rows = []
    for row in sorted(groups.values(), key=lambda r: (order[r["district"]], r["detail"] or "")):
        key = (row["district"], row["detail"])
        city, district_share = shares[key]
        rows.append(
            GroupTotals(
                district(row["district"]),
                row["detail"],
                persons.get(key, 0),
                row["claims"],
                {kind: int(row[f"times_{kind}"] or 0) for kind in KINDS},
                int(row["self_pay"] or 0),
                {kind: int(row[f"assistance_{kind}"] or 0) for kind in KINDS},
                int(row["deductible_subsidy"] or 0),
                city,
                district_share,
            )
        )
    total = GroupTotals(
        None,
        None,
        frame.filter(pl.col("paid"))["person_id"].n_unique(),
        sum(r.claims for r in rows),
        {kind: sum(r.person_times[kind] for r in rows) for kind in KINDS},
        sum(r.self_pay_fen for r in rows),
        {kind: sum(r.assistance_fen[kind] for r in rows) for kind in KINDS},
        sum(r.deductible_subsidy_fen for r in rows),
        sum(r.city_fen for r in rows),
        sum(r.district_share_fen for r in rows),
    )
    used = tuple(policies[p] for p in sorted(policies, key=lambda p: policies[p].effective_from))
    return DistrictReport(by, tuple(rows), total, used, frame.height)


aggregate = renamed(district_totals, "aggregate")


def _district_enum() -> pl.Enum:
    """District ids as a polars Enum: grouping on it is much faster than on strings."""
    import polars as pl

    return pl.Enum([d.id for d in _all_districts()])


def _all_districts():
    from medaid.districts import DISTRICTS

    return DISTRICTS
