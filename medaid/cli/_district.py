"""``medaid district``, ``medaid mutual-aid`` and ``medaid transfer``: what a district bureau budgets.

Options only: the figures come from :mod:`medaid.district`, their text from :mod:`medaid.present.district`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from medaid.cli._common import (
    EXIT_BAD_INPUT,
    check_outputs,
    choice,
    emit,
    excel_option,
    input_path,
    lang_option,
    report_options,
    report_rows,
    user_errors,
)
from medaid.cli._options import ExcelOutput, InputFile, Lang, Rejects, Report, with_groups
from medaid.errors import N_


@with_groups
def transfer(
    input_csv: str = typer.Argument(
        ...,
        help="CSV or .xlsx with district, clearing, pre_allocation, audit_overpayment (万元), or 区, 清算数, 预分配数, 审计发现多支付资金; - reads standard input.",
    ),
    output_format: str = typer.Option("table", "--format", help="table, csv or json."),
    policy_id: str = typer.Option(
        "medical-assistance-2023",
        "--policy",
        help="Medical-assistance policy id or reform file giving the city's share of the audit.",
    ),
    lang: Lang = None,
    excel: ExcelOutput = ExcelOutput(),
    read: InputFile = InputFile(),
) -> None:
    """The city's transfer to each district (D10): clearing + pre-allocation + city share × audit, rounded to whole 万元."""
    with user_errors():
        from medaid.district.transfer import compute_transfer, read_transfer_csv
        from medaid.errors import InputError
        from medaid.policy.model import Policy
        from medaid.policy.registry import default_registry

        output_format = choice(output_format, ("table", "csv", "json"), "--format")
        out_encoding = excel_option(excel.excel, excel.excel_gbk, output_format)
        lang = lang_option(lang)
        policy = default_registry().resolve(policy_id)
        if not isinstance(policy, Policy):
            raise InputError(
                N_("--policy must be a medical-assistance policy, got {policy_id!r} ({policy_scheme})"),
                policy_id=policy.id,
                policy_scheme=policy.scheme,
            )
        with input_path(input_csv) as path:
            result = compute_transfer(read_transfer_csv(Path(path), encoding=read.encoding, sheet=read.sheet), policy)
        from medaid.present.district.transfer import render_transfer

        emit(render_transfer(result, output_format, lang, out_encoding), None, out_encoding)


@with_groups
def mutual_aid(
    year: str = typer.Option(..., "--year", help="Budget year; the standard in force on 1 January applies."),
    district_name: str = typer.Option(..., "--district", help="District id or name (minhang, 闵行区, Minhang)."),
    town_participants: str | None = typer.Option(
        None, "--town-participants", help="Participants registered in towns (镇)."
    ),
    street_participants: str | None = typer.Option(
        None, "--street-participants", help="Participants registered in streets (街道)."
    ),
    participants_csv: Path | None = typer.Option(
        None,
        "--participants",
        help="CSV or .xlsx with unit, type (town|street|镇|街道), participants (or 单位, 类型, 参加人数).",
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
    lang: Lang = None,
    read: InputFile = InputFile(),
) -> None:
    """Mutual-aid (互助帮困) funding by level — individual, city, district, town — and per participant."""
    with user_errors():
        from medaid.district.mutual_aid import (
            Participants,
            mutual_aid_funding,
            mutual_aid_policy,
            parse_count,
            read_participants_csv,
        )
        from medaid.districts import district
        from medaid.errors import InputError
        from medaid.policy.registry import default_registry

        output_format = choice(output_format, ("table", "json"), "--format")
        lang = lang_option(lang)
        if not year.strip().isdigit() or len(year.strip()) != 4:
            raise InputError(N_("--year must be a year like 2022, got {year!r}"), year=year)
        found = district(district_name)
        counts = [
            (kind, option, value)
            for kind, option, value in (
                ("town", "--town-participants", town_participants),
                ("street", "--street-participants", street_participants),
            )
            if value is not None
        ]
        if participants_csv is not None and counts:
            raise InputError(
                N_("give either --participants FILE or --town-participants/--street-participants, not both")
            )
        if participants_csv is not None:
            units = read_participants_csv(participants_csv, encoding=read.encoding, sheet=read.sheet)
        elif counts:
            units = [Participants(kind + "s", kind, parse_count(value, what=option)) for kind, option, value in counts]
        else:
            raise InputError(N_("give --town-participants N and --street-participants M, or --participants FILE"))
        policy = mutual_aid_policy(default_registry(), int(year))
        result = mutual_aid_funding(policy, found, units, year=int(year))
        from medaid.present.district.mutual_aid import render_mutual_aid

        emit(render_mutual_aid(result, output_format, lang), None)


@with_groups
def district_report(
    settled_claims: str = typer.Argument(
        ...,
        help="Settled claims from `medaid claims` (CSV, .xlsx or Parquet, or the dataset folder of `medaid claims --cluster`); - reads standard input.",
    ),
    by: str = typer.Option("district", "--by", help="district, district,category or district,kind."),
    output_format: str = typer.Option("table", "--format", help="table, csv, json or xlsx (xlsx needs --output)."),
    out: Report = Report(),
    chart: Path | None = typer.Option(None, "--chart", help="Also write a bar chart of the totals by district (PNG)."),
    policy_id: str | None = typer.Option(
        None, "--policy", help="Funding rule for rows without policy_id or date (policy id or file)."
    ),
    reform: str | None = typer.Option(
        None, "--reform", help="Re-settle the claims (their input columns) under a reform file, then total."
    ),
    rejects: Rejects = None,
    excel: ExcelOutput = ExcelOutput(),
    read: InputFile = InputFile(),
) -> None:
    """Per district: persons, person-times (人次), self-pay, assistance, subsidy, total, and the city/district shares."""
    with user_errors():
        from medaid.district.aggregate import GROUPINGS, district_totals, read_settled
        from medaid.errors import InputError
        from medaid.policy.model import Policy
        from medaid.policy.registry import default_registry

        by = choice(by.replace(" ", ""), tuple(GROUPINGS), "--by")
        output = out.output
        output_format, unit, lang = report_options(
            output_format, ("table", "csv", "json", "xlsx"), out.unit, out.lang, output, chart
        )
        out_encoding = excel_option(excel.excel, excel.excel_gbk, output_format)
        if rejects is not None and not reform:
            raise InputError(
                N_(
                    "--rejects needs --reform (a settled file is read whole: a bad row stops the report, naming its line)"
                )
            )
        check_outputs(settled_claims, output=output, chart=chart, rejects=rejects)
        registry = default_registry()
        default_policy = registry.resolve(policy_id) if policy_id else None
        if default_policy is not None and not isinstance(default_policy, Policy):
            raise InputError(N_("--policy must be a medical-assistance policy, got {id!r}"), id=default_policy.id)
        rejected_rows = None
        with input_path(settled_claims) as path:
            if reform:
                from medaid.whatif.caseload import resettled

                registry, frame, summary, rejected_rows = resettled(path, reform, registry, lang)
            else:
                frame = read_settled(path, encoding=read.encoding, sheet=read.sheet)
            report = district_totals(
                frame, by=by, registry=registry, default_policy=default_policy, path=str(settled_claims)
            )
        if output_format == "xlsx":
            from medaid.present.district.xlsx import write_xlsx

            write_xlsx(report, output, lang)
        else:
            from medaid.present.district.report import render_report

            emit(render_report(report, output_format, lang, unit, out_encoding), output, out_encoding)
        if chart is not None:
            from medaid.present.district.chart import write_chart

            warning = write_chart(report, chart, lang)
            if warning:
                typer.echo(f"medaid: warning: {warning}", err=True)
        if reform:
            report_rows(settled_claims, summary.rows_in, summary.settled, rejected_rows, rejects, out_encoding, lang)
        # Without --reform every row of the settled file is totalled (the report says how many), or the
        # run stops at the first bad row, naming its line: no row is dropped either way.
    if rejected_rows is not None and rejected_rows.height:
        raise typer.Exit(EXIT_BAD_INPUT)
