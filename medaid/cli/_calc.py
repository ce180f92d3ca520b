"""``medaid calc``: one person-year, explained."""

from __future__ import annotations

import typer

from medaid.cli._common import choice, echo_json, lang_option, parse_date, user_errors
from medaid.cli._options import Lang, TextFormat
from medaid.errors import N_


def calc(
    category: list[str] = typer.Option(
        ...,
        "--category",
        "-c",
        help="Recipient category; repeat (or join with |) for several: the highest ratio applies (就高).",
    ),
    inpatient: str = typer.Option("0", "--inpatient", help="Inpatient (住院) eligible self-pay this year, yuan."),
    outpatient: str = typer.Option("0", "--outpatient", help="Outpatient (门急诊) eligible self-pay this year, yuan."),
    resident_insurance: bool = typer.Option(
        False, "--resident-insurance", help="Member of the resident insurance (城乡居民医保)."
    ),
    date: str = typer.Option(..., "--date", help="Date of service, YYYY-MM-DD: picks the policy version."),
    output_format: TextFormat = "text",
    lang: Lang = None,
    reform: str | None = typer.Option(None, "--reform", help="A reform file: show baseline and reform side by side."),
) -> None:
    """Calculate one person's medical assistance for a year of self-pay, with the rule and source of each step."""
    with user_errors():
        from medaid.money import parse_yuan
        from medaid.policy.registry import default_registry
        from medaid.rules import assess_person_year

        output_format = choice(output_format, ("text", "json"), "--format")
        language = lang_option(lang)
        day = parse_date(date)
        categories = tuple(part.strip() for item in category for part in item.split("|") if part.strip())
        registry = default_registry()
        amounts = {
            "inpatient_fen": parse_yuan(inpatient, what="--inpatient"),
            "outpatient_fen": parse_yuan(outpatient, what="--outpatient"),
            "resident_insurance": resident_insurance,
        }
        if reform:
            _side_by_side(registry, reform, categories, day, amounts, output_format, language)
            return
        assessment = assess_person_year(categories, day, registry.medical_assistance, **amounts)
        if output_format == "json":
            from medaid.present.assessment import assessment_dict

            echo_json(assessment_dict(assessment))
        else:
            from medaid.present.explain import explain

            typer.echo("\n".join(explain(assessment, registry.get, language)))


def _side_by_side(registry, reform_path: str, categories, day, amounts, output_format: str, language: str) -> None:
    from medaid.errors import InputError
    from medaid.money import fen_to_yuan_str
    from medaid.policy.params import diff
    from medaid.whatif.person import LINES, compare_person_year

    reform = registry.resolve(reform_path)
    if reform.extends is None:
        raise InputError(
            N_('--reform needs a reform file (with extends = "<policy id>"), got {reform_path}'),
            reform_path=reform_path,
        )
    from medaid.whatif.caseload import require_medical_assistance

    require_medical_assistance(reform, reform_path)
    comparison = compare_person_year(registry, reform, categories, day, **amounts)
    changes = diff(registry.get(reform.extends), reform)
    if output_format == "json":
        from medaid.present.assessment import assessment_dict

        echo_json(
            {
                "baseline": assessment_dict(comparison.baseline),
                "reform": assessment_dict(comparison.reform),
                "difference": {name: fen_to_yuan_str(comparison.difference(name)) for name, _ in LINES},
                "changed_parameters": [
                    {"key": c.key, "baseline": c.old.value if c.old else None, "reform": c.new.value if c.new else None}
                    for c in changes
                ],
            }
        )
        return
    from medaid.present.compare import side_by_side

    typer.echo("\n".join(side_by_side(comparison, changes, language)))
