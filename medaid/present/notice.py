"""The decision notice (告知书/结算单) of one person-year: the ledger's claims, totals, caps and legal basis.

The notice is rendered from a Jinja2 template (HTML for A4 print, autoescaped) shipped in
``medaid/templates/notice/``; a district passes its own folder. The issuing office and the appeal wording
(复议/诉讼告知) are the template's own variables (``notice.toml`` beside it): medaid writes no legal text.
Every amount is the ledger's, to the fen: each claim as settled plus any clearing (个人清算) adjustment,
a reversed (冲正) claim paying nothing.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from medaid.errors import N_, InputError
from medaid.i18n.amounts import format_amount
from medaid.policy.model import KINDS
from medaid.present.claim import from_ledger
from medaid.present.decisions import decision_text

__all__ = ["TEMPLATE_FILE", "VARIABLES_FILE", "default_template_dir", "mask_person", "notice_context", "render_notice"]

TEMPLATE_FILE = "notice.html.j2"
VARIABLES_FILE = "notice.toml"


def default_template_dir() -> Path:
    """The template shipped with medaid."""
    return Path(__file__).resolve().parent.parent / "templates" / "notice"


def mask_person(person_id: str) -> str:
    """The person id with every character but the last four replaced by ``*``.

    >>> mask_person("310104195001011234"), mask_person("P01")
    ('**************1234', 'P01')
    """
    return "*" * max(0, len(person_id) - 4) + person_id[-4:]


def notice_context(
    ledger, registry, person_id: str, year: int, lang: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Everything the template shows, from the ledger: claims, totals, caps, legal basis, provisional readings, stamp.

    Amounts are strings formatted for ``lang`` (元, two decimals, grouped); ``*_fen`` keys keep the integers.

    Raises:
        InputError: the ledger has no claim of the person in ``year``.
    """
    settlements = ledger.settlements(person_id, year)
    if not settlements:
        raise InputError(
            N_("the ledger has no claim of person {person_id!r} in {year}"), person_id=person_id, year=year
        )
    adjustments = ledger.adjustments(person_id, year)
    usage = ledger.usage(person_id, year)
    money = lambda fen: format_amount(fen, lang)  # noqa: E731
    rows, sources, marks, policies = [], {}, {}, {}
    totals = {"self_pay": 0, "inpatient": 0, "outpatient": 0, "subsidy": 0}
    for s in sorted(settlements, key=lambda s: (s.date, s.seq)):
        explanation = from_ledger(ledger, s.claim_id, registry.medical_assistance)
        result = explanation.result
        for _code, _kind, citation, _field, _values in result.trace:
            sources.setdefault(citation.source.key, citation.source)
        for key, decision in result.provisional_marks:
            marks.setdefault(decision, key)
        policies[result.policy.id] = result.policy
        extra_assistance, extra_subsidy = adjustments.get(s.claim_id, (0, 0))
        reversed_ = s.status == "reversed"
        # What the claim paid (settlement plus clearing); a reversed claim shows it struck through and counts 0.
        assistance = s.assistance_fen + extra_assistance
        subsidy = s.deductible_subsidy_fen + extra_subsidy
        if not reversed_:
            totals["self_pay"] += s.self_pay_fen
            totals[s.kind] += assistance
            totals["subsidy"] += subsidy
        rows.append(
            {
                "claim_id": s.claim_id,
                "date": s.date.isoformat(),
                "kind": s.kind,
                "category": s.category,
                "self_pay": money(s.self_pay_fen),
                "assistance": money(assistance),
                "subsidy": money(subsidy),
                "total": money(assistance + subsidy),
                "reversed": reversed_,
                "adjustment_fen": 0 if reversed_ else extra_assistance + extra_subsidy,
                "adjustment": money(abs(extra_assistance + extra_subsidy)),
                "assistance_fen": 0 if reversed_ else assistance,
                "subsidy_fen": 0 if reversed_ else subsidy,
            }
        )
    caps = []
    for kind in KINDS:
        kind_usage = usage.kind(kind)
        if kind_usage.category is None:
            continue
        caps.append(
            {
                "kind": kind,
                "category": kind_usage.category,
                "cap": None if kind_usage.cap_fen is None else money(kind_usage.cap_fen),
                "used": money(kind_usage.paid_fen),
                "left": None if kind_usage.remaining_fen is None else money(kind_usage.remaining_fen),
            }
        )
    latest = policies[max(policies, key=lambda pid: policies[pid].effective_from)]
    categories = {}
    for policy in policies.values():
        for category in policy.categories.values():
            categories.setdefault(category.id, category.name_zh if lang == "zh" else category.name_en)
    totals["assistance"] = totals["inpatient"] + totals["outpatient"]
    grand = totals["assistance"] + totals["subsidy"]
    return {
        "lang": lang,
        "person_masked": mask_person(person_id),
        "year": year,
        "claims": rows,
        "claim_count": len(rows),
        "reversed_count": sum(1 for row in rows if row["reversed"]),
        "categories": categories,
        "totals": {name: money(fen) for name, fen in totals.items()} | {"paid": money(grand)},
        "totals_fen": totals | {"paid": grand},
        "caps": caps,
        "offset_used": money(usage.offset_used_fen),
        "legal_basis": [
            {"number": source.number or "", "title": source.title}
            for source in sorted(
                sources.values(), key=lambda source: (source.number is None, source.number or source.title)
            )
        ],
        "provisional": [
            {"decision": d, "key": key, "text": decision_text(d, lang)}
            for d, key in sorted(marks.items(), key=lambda item: int(item[0][1:]))
        ],
        "policies": [
            {"id": p.id, "title": p.title_zh if lang == "zh" else p.title_en, "hash": p.content_hash}
            for p in policies.values()
        ],
        "policy_title": latest.title_zh if lang == "zh" else latest.title_en,
        "engine_version": _engine_version(),
        "issued": (today or dt.date.today()).isoformat(),
    }


def render_notice(context: dict[str, Any], template_dir: Path | str | None = None) -> str:
    """The notice as HTML: ``notice.html.j2`` of ``template_dir`` with the context, the labels and the template's variables.

    ``notice.toml`` beside the template gives its own variables per language (``[zh]``, ``[en]``), e.g. the
    issuing office and the appeal wording; they reach the template as ``v``.

    Raises:
        InputError: the folder has no template, or the template or its variables do not load or render
            (file and line named).
    """
    import jinja2

    from medaid.present.notice_labels import labels

    folder = Path(template_dir) if template_dir is not None else default_template_dir()
    if not (folder / TEMPLATE_FILE).is_file():
        raise InputError(N_("no {template} in the template folder"), template=TEMPLATE_FILE, where=str(folder))
    variables = _variables(folder / VARIABLES_FILE, context["lang"])
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    where = str(folder / TEMPLATE_FILE)
    try:
        template = environment.get_template(TEMPLATE_FILE)
        return template.render(**context, t=labels(context["lang"]), v=variables)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            N_("template syntax error: {text}"), text=exc.message, file=exc.filename or where, line=exc.lineno
        ) from None
    except jinja2.UndefinedError as exc:
        raise InputError(N_("template uses an unknown variable: {text}"), text=exc.message, where=where) from None


def _variables(path: Path, lang: str) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(N_("cannot read the template's variables: {exc}"), exc=exc, where=str(path)) from None
    table = data.get(lang, {})
    if not isinstance(table, dict):
        raise InputError(N_("[{lang}] must be a table of variables"), lang=lang, where=str(path))
    return table


def _engine_version() -> str:
    from medaid._version import __version__

    return __version__
