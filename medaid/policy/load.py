"""Read policy and reform files (TOML) into validated, immutable policy objects.

Policy files are data: they are parsed with the standard library's ``tomllib`` (floats as exact
``Decimal``) and never executed. A reform file has ``extends = "<policy id>"`` and only the keys it
changes; it is merged over its base and validated like any policy (:mod:`medaid.policy._reader`).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from medaid.errors import N_, PolicyError
from medaid.policy._reader import Problems, Reader
from medaid.policy.decisions import check_mark
from medaid.policy.model import (
    CATEGORIES,
    SCOPES,
    CapScope,
    Category,
    CategorySet,
    Citation,
    Funding,
    KindRule,
    MutualAidPolicy,
    MutualAidShares,
    MutualAidStandard,
    Policy,
    Source,
)

__all__ = ["read_toml", "build_policy", "load_policy_file", "load_reform", "apply_changes", "AnyPolicy"]

AnyPolicy = Policy | MutualAidPolicy
#: Reads a table's ``source`` and ``provisional`` into a citation (see :func:`_citer`).
Cite = Callable[[Reader], Citation]
SCHEMES = ("medical_assistance", "mutual_aid")
PARTICIPANT_TYPES = ("town", "street")
#: The built-in source of every value a reform file changes without naming a source of its own.
REFORM_SOURCE = "reform"


def read_toml(path: Path) -> tuple[dict[str, Any], bytes]:
    """Parse one TOML file, exact decimals for floats; a syntax error names the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(N_("cannot read policy file ({strerror})"), strerror=exc.strerror, where=str(path)) from None
    try:
        return tomllib.loads(raw.decode("utf-8"), parse_float=Decimal), raw
    except UnicodeDecodeError:
        raise PolicyError(N_("is not UTF-8 text"), where=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(N_("is not valid TOML: {exc}"), exc=exc, where=str(path)) from None


def load_policy_file(path: Path | str) -> AnyPolicy:
    """Load and validate one policy version file (not a reform)."""
    path = Path(path)
    data, raw = read_toml(path)
    if "extends" in data:
        raise PolicyError(N_("is a reform file (it has 'extends'); load it with its base"), where=str(path))
    return build_policy(data, paths=(str(path),), content_hash=_hash([raw]), blame=lambda key: str(path))


def load_reform(path: Path | str, resolve: Callable[[str], AnyPolicy]) -> AnyPolicy:
    """Load a reform file over the policy it extends (``resolve`` finds a policy by id).

    Every changed table keeps a citation: a value the reform sets without its own ``source`` cites the
    reform file itself, so an explanation never credits a document with a number it did not set.
    """
    path = Path(path)
    reform, raw = read_toml(path)
    base_id = reform.get("extends")
    if not isinstance(base_id, str):
        raise PolicyError(N_('a reform file needs extends = "<policy id>"'), file=path, key="extends")
    changes = {k: v for k, v in reform.items() if k != "extends"}
    base = resolve(base_id)
    if "id" in changes:
        _refuse_taken_id(changes["id"], base_id, resolve, where=str(path))
    changes.setdefault("id", f"{base_id}+{path.stem}")
    return apply_changes(base, changes, where=str(path), title=f"reform file {path.name} (what-if, not law)", raw=raw)


def _refuse_taken_id(new_id: Any, base_id: str, resolve: Callable[[str], AnyPolicy], *, where: str) -> None:
    """A reform's id must be its own: taking a shipped version's id would pass the what-if off as law."""
    if not isinstance(new_id, str):
        return  # the header check names the wrong type
    try:
        resolve(new_id)
    except PolicyError:
        return
    raise PolicyError.from_problems(
        [
            (
                where,
                "id",
                f"a reform may not take the id of an existing policy version, got {new_id!r} "
                f'(remove id, or give a new one such as "{base_id}+my-reform")',
            )
        ]
    )


def apply_changes(base: AnyPolicy, changes: Mapping[str, Any], *, where: str, title: str, raw: bytes) -> AnyPolicy:
    """``base`` with ``changes`` (a reform's tables) merged over it and validated; ``where`` is blamed for
    problems in the changed keys, and ``raw`` (the changes as written) enters the content hash."""
    base_data: dict[str, Any] = {}
    base_raws: list[bytes] = []
    for base_path in base.paths:
        data, base_raw = read_toml(Path(base_path))
        base_raws.append(base_raw)
        base_data = _merge(base_data, {k: v for k, v in data.items() if k != "extends"})
    changes = _copy(changes)
    for key in _FIXED_BY_BASE:
        if key in changes and changes[key] != base_value(base, key):
            raise PolicyError.from_problems(
                [
                    (
                        where,
                        key,
                        f"a reform changes rules, not {key}: it takes its base's ({base.id}: "
                        f"{base_value(base, key)}); got {changes[key]}",
                    )
                ]
            )
    changes.setdefault("id", f"{base.id}+what-if")
    changes.setdefault("sources", {}).setdefault(REFORM_SOURCE, {"title": title})
    _cite_reform(changes)
    merged = _merge(base_data, changes)

    def blame(key: str) -> str:
        return where if _has_path(changes, key) else base.paths[0]

    return build_policy(
        merged,
        paths=(*base.paths, where),
        content_hash=_hash([*base_raws, raw]),
        blame=blame,
        extends=base.id,
    )


#: Header keys a reform may not change: it replaces its base on the base's dates, region and scheme.
_FIXED_BY_BASE = ("effective_from", "effective_to", "region", "scheme")


def base_value(base: AnyPolicy, key: str) -> Any:
    """The base's value of a header key of :data:`_FIXED_BY_BASE` (``none`` for an open end)."""
    value = getattr(base, key)
    return "none" if value is None else value


def _copy(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _copy(v) if isinstance(v, Mapping) else v for k, v in data.items()}


def build_policy(
    data: Mapping[str, Any],
    *,
    paths: tuple[str, ...],
    content_hash: str,
    blame: Callable[[str], str],
    extends: str | None = None,
) -> AnyPolicy:
    """Validate a parsed policy table and build the immutable policy; all problems in one error."""
    problems = Problems(blame)
    top = Reader(dict(data), "", problems)
    scheme = top.text("scheme")
    if scheme is not None and scheme not in SCHEMES:
        problems.add("scheme", N_("must be one of {names}, got {scheme!r}"), names=", ".join(SCHEMES), scheme=scheme)
    header = _header(top)
    sources = _sources(top)
    cite = _citer(sources, problems)
    if scheme == "mutual_aid":
        policy: Any = _mutual_aid(top, header, sources, cite)
    else:
        policy = _medical_assistance(top, header, sources, cite)
    top.finish()
    if problems.items:
        raise PolicyError.from_problems(problems.items)
    built: AnyPolicy = policy(paths=paths, content_hash=content_hash, extends=extends)
    return built


def _header(top: Reader) -> dict[str, Any]:
    header: dict[str, Any] = {
        "id": top.text("id"),
        "region": top.text("region"),
        "effective_from": top.date("effective_from"),
        "effective_to": top.date("effective_to", required=False),
        "title_zh": top.text("title_zh"),
        "title_en": top.text("title_en"),
    }
    start, end = header["effective_from"], header["effective_to"]
    if start and end and end < start:
        top.problems.add(
            "effective_to", N_("must not be before effective_from ({start}), got {end}"), start=start, end=end
        )
    provisional = top.table("provisional", required=False)
    marks = {
        name: provisional.text(name) for name in list(provisional.data) if name in ("effective_from", "effective_to")
    }
    header["header_provisional"] = marks
    for name, mark in marks.items():
        if mark is not None and (problem := check_mark(mark)):
            top.problems.add(provisional.key(name), problem)
    provisional.finish()
    return header


def _sources(top: Reader) -> dict[str, Source]:
    sources = {}
    for key, table in top.tables("sources").items():
        sources[key] = Source(
            key=key,
            title=table.text("title") or key,
            number=table.text("number", required=False),
            url=table.text("url", required=False),
            note=table.text("note", required=False),
        )
        table.finish()
    return sources


def _citer(sources: Mapping[str, Source], problems: Problems) -> Callable[[Reader], Citation]:
    """Return a function reading a table's ``source`` and ``provisional`` into a citation."""
    unknown = Source(key="?", title="(missing source)")

    def cite(table: Reader) -> Citation:
        key = table.text("source")
        provisional = table.text("provisional", required=False)
        if key is not None and key not in sources:
            problems.add(
                table.key("source"),
                N_("names no entry of [sources]: {key_path!r}; known: {names}"),
                key_path=key,
                names=", ".join(sources),
            )
        if provisional is not None and (problem := check_mark(provisional)):
            problems.add(table.key("provisional"), problem)
        return Citation(key=table.path, source=sources.get(key or "", unknown), provisional=provisional)

    return cite


def _medical_assistance(
    top: Reader, header: dict[str, Any], sources: dict[str, Source], cite: Cite
) -> Callable[..., Policy]:
    categories = _categories(top, cite)
    selection_table = top.table("selection")
    rule = selection_table.text("rule")
    if rule is not None and rule != "highest_ratio":
        top.problems.add("selection.rule", N_("must be 'highest_ratio' (就高), got {rule!r}"), rule=rule)
    selection = cite(selection_table)
    selection_table.finish()
    offset = _category_set(top.table("outpatient_offset"), "amount", cite)
    subsidy = _category_set(top.table("deductible_subsidy"), "max", cite)
    funding = _funding(top.table("funding"), cite)
    caps = _caps(top.table("caps", required=False), cite) if top.has("caps") else CapScope()
    if not subsidy.categories <= offset.categories:
        extra = ", ".join(sorted(subsidy.categories - offset.categories))
        top.problems.add(
            "deductible_subsidy.categories",
            N_("must be within outpatient_offset.categories (the subsidy pays the offset band), got also {extra}"),
            extra=extra,
        )

    def make(**rest: Any) -> Policy:
        return Policy(
            **header,
            categories=categories,
            selection=selection,
            outpatient_offset=offset,
            deductible_subsidy=subsidy,
            funding=funding,
            caps=caps,
            sources=sources,
            **rest,
        )

    return make


def _categories(top: Reader, cite: Cite) -> dict[str, Category]:
    tables = top.tables("categories")
    for name in tables:
        if name not in CATEGORIES:
            top.problems.add(f"categories.{name}", N_("unknown category; valid: {names}"), names=", ".join(CATEGORIES))
    for name in CATEGORIES:
        if name not in tables:
            top.problems.add(
                f"categories.{name}", N_("is missing: every category needs a rule (covered = false if none)")
            )
    rules: dict[str, tuple[KindRule, KindRule]] = {}
    aliases: dict[str, tuple[str, Citation]] = {}
    names: dict[str, tuple[str, str]] = {}
    labels: dict[str, tuple[str, ...]] = {}
    for name, table in tables.items():
        names[name] = (table.text("name_zh") or name, table.text("name_en") or name)
        labels[name] = table.strings("aliases") if table.has("aliases") else ()
        if table.has("same_as"):
            aliases[name] = (table.text("same_as") or "", cite(table))
        else:
            rules[name] = (_kind_rule(table.table("inpatient"), cite), _kind_rule(table.table("outpatient"), cite))
        table.finish()
    _check_aliases(top, names, labels)
    categories = {}
    for name in [c for c in CATEGORIES if c in tables]:
        if name in aliases:
            target, _citation = aliases[name]
            if target not in rules:
                top.problems.add(
                    f"categories.{name}.same_as",
                    N_("must name a category with its own rules, got {target!r}"),
                    target=target,
                )
                continue
            inpatient, outpatient = rules[target]
        else:
            inpatient, outpatient = rules[name]
        categories[name] = Category(
            id=name,
            name_zh=names[name][0],
            name_en=names[name][1],
            inpatient=inpatient,
            outpatient=outpatient,
            same_as=aliases.get(name, (None,))[0],
            aliases=labels[name],
        )
    return categories


def _check_aliases(top: Reader, names: dict[str, tuple[str, str]], labels: dict[str, tuple[str, ...]]) -> None:
    """Each category's ``aliases`` (short names in input files, e.g. 低保): non-empty, trimmed, without
    ``|``, and naming one category only (ids and ``name_zh`` included; ASCII compared in any case)."""
    owner: dict[str, str] = {}
    for name in names:
        for label in (name, names[name][0], *labels[name]):
            key = label.lower() if label.isascii() else label
            if not label or label != label.strip() or "|" in label:
                top.problems.add(
                    f"categories.{name}.aliases",
                    N_("must be non-empty names without surrounding spaces or '|', got {label!r}"),
                    label=label,
                )
            elif owner.setdefault(key, name) != name:
                top.problems.add(
                    f"categories.{name}.aliases",
                    N_("{label!r} already names category {owner}"),
                    label=label,
                    owner=owner[key],
                )


def _kind_rule(table: Reader, cite: Cite) -> KindRule:
    covered = table.boolean("covered", default=True)
    if covered:
        ratio, cap = table.ratio("ratio"), table.amount("cap", allow_none=True)
    else:
        ratio, cap = 0, 0
    rule = KindRule(covered=covered, ratio_ppm=ratio, cap_fen=cap, citation=cite(table))
    table.finish()
    return rule


def _category_set(table: Reader, amount_key: str, cite: Cite) -> CategorySet:
    amount = table.amount(amount_key) or 0
    categories = table.strings("categories")
    for index, name in enumerate(categories):
        if name not in CATEGORIES:
            table.problems.add(
                f"{table.key('categories')}[{index}]",
                N_("unknown category {name!r}; valid: {names}"),
                name=name,
                names=", ".join(CATEGORIES),
            )
    result = CategorySet(amount_fen=amount, categories=frozenset(categories), citation=cite(table))
    table.finish()
    return result


def _funding(table: Reader, cite: Cite) -> Funding:
    city, district = table.ratio("city_share"), table.ratio("district_share")
    if city + district != 1_000_000 and table.has("city_share") and table.has("district_share"):
        table.problems.add(
            table.key("district_share"),
            N_("city_share + district_share must be 1, got {city:g} + {district:g}"),
            city=city / 1e6,
            district=district / 1e6,
        )
    funding = Funding(
        city_share_ppm=city,
        district_share_ppm=district,
        audit_city_share_ppm=table.ratio("audit_city_share"),
        citation=cite(table),
    )
    table.finish()
    return funding


def _caps(table: Reader, cite: Cite) -> CapScope:
    """``[caps] scope``: per_kind (D8, the default when the table is absent) or shared (both kinds, one cap)."""
    scope = table.text("scope") or "per_kind"
    if scope not in SCOPES:
        table.problems.add(
            table.key("scope"), N_("must be one of {names}, got {scope!r}"), names=", ".join(SCOPES), scope=scope
        )
    result = CapScope(scope=scope, citation=cite(table))
    table.finish()
    return result


def _mutual_aid(
    top: Reader, header: dict[str, Any], sources: dict[str, Source], cite: Cite
) -> Callable[..., MutualAidPolicy]:
    table = top.table("standard")
    standard = MutualAidStandard(
        medical_fen=table.amount("medical") or 0,
        care_fen=table.amount("care") or 0,
        individual_fen=table.amount("individual") or 0,
        citation=cite(table),
    )
    if standard.individual_fen > standard.medical_fen:
        top.problems.add("standard.individual", N_("must not exceed the medical part it is netted against"))
    table.finish()
    shares_tables = top.tables("shares")
    shares = {kind: _shares(shares_tables[kind], cite) for kind in PARTICIPANT_TYPES if kind in shares_tables}
    for kind in PARTICIPANT_TYPES:
        if kind not in shares_tables:
            top.problems.add(f"shares.{kind}", N_("is missing"))
    for kind in shares_tables:
        if kind not in PARTICIPANT_TYPES:
            top.problems.add(
                f"shares.{kind}", N_("unknown participant type; valid: {names}"), names=", ".join(PARTICIPANT_TYPES)
            )
    district_shares = {}
    from medaid.districts import DISTRICTS

    district_ids = [d.id for d in DISTRICTS]
    for district, district_table in top.tables("districts", required=False).items():
        if district not in district_ids:  # a typo would silently leave the district on the default split
            top.problems.add(
                f"districts.{district}", N_("unknown district; valid: {names}"), names=", ".join(district_ids)
            )
        kinds = {
            kind: _shares(district_table.table(kind), cite) for kind in PARTICIPANT_TYPES if district_table.has(kind)
        }
        district_table.finish()
        district_shares[district] = kinds

    def make(**rest: Any) -> MutualAidPolicy:
        return MutualAidPolicy(
            **header, standard=standard, shares=shares, district_shares=district_shares, sources=sources, **rest
        )

    return make


def _shares(table: Reader, cite: Cite) -> MutualAidShares:
    city, district, town = table.ratio("city"), table.ratio("district"), table.ratio("town")
    if city + district + town != 1_000_000:
        table.problems.add(
            table.path, N_("city + district + town must be 1, got {value:g}"), value=(city + district + town) / 1e6
        )
    shares = MutualAidShares(city_ppm=city, district_ppm=district, town_ppm=town, citation=cite(table))
    table.finish()
    return shares


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _cite_reform(changes: dict[str, Any]) -> None:
    """Point every table the reform changes at the reform itself unless it names its own source."""

    def visit(table: dict[str, Any], path: str) -> None:
        has_value = any(not isinstance(v, dict) for k, v in table.items() if k not in ("source", "provisional"))
        if has_value and path.split(".")[0] not in ("sources", "provisional") and path and "source" not in table:
            table["source"] = REFORM_SOURCE
            table.setdefault("provisional", None)  # the base's decision id does not carry over to a what-if
        for key, value in table.items():
            if isinstance(value, dict):
                visit(value, f"{path}.{key}" if path else key)

    visit(changes, "")


def _has_path(data: Mapping[str, Any], key: str) -> bool:
    node: Any = data
    for part in key.split("[")[0].split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _hash(raws: list[bytes]) -> str:
    digest = hashlib.sha256()
    for raw in raws:
        digest.update(hashlib.sha256(raw).digest())
    return "sha256:" + digest.hexdigest()
