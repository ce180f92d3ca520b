"""``medaid district``, ``medaid mutual-aid`` and ``medaid transfer``: what a district bureau budgets.

Parsing and formatting only; the figures come from :mod:`medaid.district`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from medaid.cli._common import (
    EXIT_BAD_INPUT,
    check_outputs,
    choice,
    echo_json,
    emit,
    excel_option,
    excel_rows,
    input_path,
    lang_option,
    report_options,
    report_rows,
    user_errors,
)
from medaid.cli._options import ExcelOutput, InputFile, Lang, Rejects, Report, with_groups
from medaid.errors import N_
from medaid.present.district.text import text


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
        if output_format == "csv":
            emit(_transfer_csv(result, out_encoding), None, out_encoding)
        else:
            {"table": _transfer_table, "json": _transfer_json}[output_format](result, lang)


def _micro_wan(micro_fen: int) -> str:
    """Millionths of a fen as an exact 万元 string."""
    from decimal import Decimal

    from medaid.district.transfer import FEN_PER_WAN, exact_wan_str
    from medaid.money import PPM

    return exact_wan_str(Decimal(micro_fen) / (PPM * FEN_PER_WAN))


def _transfer_cells(result) -> list[tuple[str, ...]]:
    from medaid.district.transfer import exact_wan_str, wan_str

    return [
        (
            row.district.id,
            row.district.name_zh,
            wan_str(row.input.clearing_fen),
            wan_str(row.input.pre_allocation_fen),
            wan_str(row.input.audit_overpayment_fen),
            _micro_wan(row.audit_city_micro_fen),
            exact_wan_str(row.exact_wan),
            str(row.transfer_wan),
        )
        for row in result.rows
    ]


def _transfer_totals(result) -> tuple[str, ...]:
    from medaid.district.transfer import exact_wan_str, wan_str

    return (
        wan_str(result.column_total_fen("clearing_fen")),
        wan_str(result.column_total_fen("pre_allocation_fen")),
        wan_str(result.column_total_fen("audit_overpayment_fen")),
        _micro_wan(sum(row.audit_city_micro_fen for row in result.rows)),
        exact_wan_str(result.exact_total_wan),
        str(result.total_wan),
    )


def _transfer_table(result, lang: str) -> None:
    from decimal import Decimal

    from medaid.districts import district
    from medaid.i18n import format_ratio
    from medaid.i18n.amounts import format_wan
    from medaid.present.table import render_table

    typer.echo(
        text("transfer_title", lang, share=format_ratio(result.audit_city_share_ppm, lang), policy=result.policy_id)
    )
    body = [text("transfer_head", lang)]
    for cells in _transfer_cells(result):
        numbers = [format_wan(Decimal(c), lang, min_decimals=2) for c in cells[2:7]] + [format_wan(int(cells[7]), lang)]
        body.append([district(cells[0]).name(lang), *numbers])
    totals = _transfer_totals(result)
    body.append(
        [
            text("total", lang),
            *(format_wan(Decimal(c), lang, min_decimals=2) for c in totals[:5]),
            format_wan(int(totals[5]), lang),
        ]
    )
    for line in render_table(body):
        typer.echo(line)
    typer.echo(
        text(
            "transfer_note",
            lang,
            total=format_wan(result.total_wan, lang),
            exact=format_wan(result.exact_total_wan, lang),
            once=format_wan(result.rounded_exact_total_wan, lang),
        )
    )


def _transfer_csv(result, excel: str | None = None) -> str:
    import csv
    import io

    from medaid.outputs import excel_cell

    cell = excel_cell if excel else (lambda value: value)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "district",
            "name_zh",
            "clearing",
            "pre_allocation",
            "audit_overpayment",
            "audit_city_part",
            "exact",
            "transfer",
        ]
    )
    writer.writerows([cell(value) for value in row] for row in _transfer_cells(result))
    writer.writerow(["total", "合计", *_transfer_totals(result)])
    return buffer.getvalue()


def _transfer_json(result, lang: str) -> None:
    from medaid.money import ppm_to_str

    keys = (
        "district",
        "name_zh",
        "clearing",
        "pre_allocation",
        "audit_overpayment",
        "audit_city_part",
        "exact",
        "transfer",
    )
    totals = _transfer_totals(result)
    echo_json(
        {
            "policy_id": result.policy_id,
            "audit_city_share": ppm_to_str(result.audit_city_share_ppm),
            "unit": "万元",
            "districts": [dict(zip(keys, cells)) for cells in _transfer_cells(result)],
            "total": str(result.total_wan),
            "total_unrounded": totals[4],
            "total_unrounded_rounded": str(result.rounded_exact_total_wan),
            "column_totals": dict(zip(keys[2:6], totals[:4])),
            "note": text(
                "transfer_note", "en", total=result.total_wan, exact=totals[4], once=result.rounded_exact_total_wan
            ),
        }
    )


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
        (_mutual_aid_json if output_format == "json" else _mutual_aid_table)(result, lang)


def _levels_json(levels) -> dict[str, str]:
    from medaid.money import fen_to_yuan_str

    return {
        "individual": fen_to_yuan_str(levels.individual_fen),
        "city": fen_to_yuan_str(levels.city_fen),
        "district": fen_to_yuan_str(levels.district_fen),
        "town": fen_to_yuan_str(levels.town_fen),
        "total": fen_to_yuan_str(levels.total_fen),
    }


def _mutual_aid_json(result, lang: str) -> None:
    from medaid.money import fen_to_yuan_str

    standard = result.policy.standard
    echo_json(
        {
            "year": result.year,
            "district_id": result.district.id,
            "district_name": result.district.name_zh,
            "policy_id": result.policy.id,
            **_levels_json(result.totals),
            "participants": {
                "town": result.participants("town"),
                "street": result.participants("street"),
                "total": result.participants(),
            },
            "per_person": {kind: _levels_json(levels) for kind, levels in result.per_person.items()},
            "standard": {
                "total": fen_to_yuan_str(standard.total_fen),
                "medical": fen_to_yuan_str(standard.medical_fen),
                "care": fen_to_yuan_str(standard.care_fen),
                "individual": fen_to_yuan_str(standard.individual_fen),
            },
            "units": [
                {
                    "unit": u.participants.unit,
                    "type": u.participants.type,
                    "participants": u.participants.count,
                    **_levels_json(u.levels),
                }
                for u in result.units
            ],
            "default_shares": result.default_shares,
            "provisional": result.provisional,
        }
    )


def _mutual_aid_table(result, lang: str) -> None:
    from medaid.i18n import format_count
    from medaid.i18n.amounts import format_amount
    from medaid.present.table import render_table

    standard = result.policy.standard

    def money(levels) -> list[str]:
        return [
            format_amount(v, lang)
            for v in (levels.individual_fen, levels.city_fen, levels.district_fen, levels.town_fen, levels.total_fen)
        ]

    typer.echo(text("ma_title", lang, district=result.district.name(lang), year=result.year, policy=result.policy.id))
    typer.echo(
        text(
            "ma_standard",
            lang,
            total=format_amount(standard.total_fen, lang),
            medical=format_amount(standard.medical_fen, lang),
            care=format_amount(standard.care_fen, lang),
            individual=format_amount(standard.individual_fen, lang),
        )
    )
    for line in render_table(
        [
            text("ma_head_person", lang),
            *([text(kind, lang), *money(levels)] for kind, levels in result.per_person.items()),
        ]
    ):
        typer.echo(line)
    units = [text("ma_head_units", lang)]
    for unit in result.units:
        name = (
            text(unit.participants.unit, lang)
            if unit.participants.unit in ("towns", "streets")
            else unit.participants.unit
        )
        units.append([name, format_count(unit.participants.count, lang), *money(unit.levels)])
    units.append([text("total", lang), format_count(result.participants(), lang), *money(result.totals)])
    for line in render_table(units):
        typer.echo(line)
    if result.default_shares and result.district.id != "minhang":
        typer.echo(text("default_shares", lang, district=result.district.name(lang), policy=result.policy.id))
    if result.provisional:
        typer.echo(
            text(
                "provisional",
                lang,
                marks=", ".join(f"{key} ({decision})" for key, decision in result.provisional.items()),
            )
        )


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

                registry, frame, summary, rejected_rows = resettled(path, reform, registry)
            else:
                frame = read_settled(path, encoding=read.encoding, sheet=read.sheet)
            report = district_totals(
                frame, by=by, registry=registry, default_policy=default_policy, path=str(settled_claims)
            )
        if output_format == "xlsx":
            from medaid.present.district.xlsx import write_xlsx

            write_xlsx(report, output, lang)
        else:
            rendered = {"table": _district_table, "csv": _district_csv, "json": _district_json}[output_format](
                report, lang, unit, out_encoding
            )
            emit(rendered, output, out_encoding)
        if chart is not None:
            from medaid.present.district.chart import write_chart

            warning = write_chart(report, chart, lang)
            if warning:
                typer.echo(f"medaid: warning: {warning}", err=True)
        if reform:
            report_rows(settled_claims, summary.rows_in, summary.settled, rejected_rows, rejects, out_encoding)
        # Without --reform every row of the settled file is totalled (the report says how many), or the
        # run stops at the first bad row, naming its line: no row is dropped either way.
    if rejected_rows is not None and rejected_rows.height:
        raise typer.Exit(EXIT_BAD_INPUT)


def _district_table(report, lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.i18n import format_count, format_ratio
    from medaid.i18n.amounts import format_amount, unit_label
    from medaid.policy.model import KINDS
    from medaid.present.table import render_table

    shares = sorted(
        {
            f"{format_ratio(p.funding.city_share_ppm, lang)} : {format_ratio(p.funding.district_share_ppm, lang)}"
            for p in report.policies
        }
    )
    lines = [
        text(
            "district_title",
            lang,
            unit=unit_label(unit, lang),
            shares=", ".join(shares),
            policies=", ".join(p.id for p in report.policies),
            rows=format_count(report.rows_read, lang),
        )
    ]
    detail = report.by.split(",")[1:]
    head = list(text("district_head", lang))
    if detail:
        head.insert(1, text(detail[0], lang))
    body = [head]
    for group in (*report.rows, report.total):
        name = group.district.name(lang) if group.district else text("total", lang)
        cells = [name]
        if detail:
            value = group.detail or ""
            cells.append(text(value, lang) if value in KINDS else value)
        cells += [
            format_count(v, lang)
            for v in (group.persons, group.person_times["inpatient"], group.person_times["outpatient"])
        ]
        cells += [
            format_amount(v, lang, unit)
            for v in (
                group.self_pay_fen,
                group.assistance_fen["inpatient"],
                group.assistance_fen["outpatient"],
                group.deductible_subsidy_fen,
                group.total_fen,
                group.city_fen,
                group.district_share_fen,
            )
        ]
        body.append(cells)
    lines += render_table(body, left=1 + len(detail))
    lines.append(text("district_note", lang))
    return "\n".join(lines) + "\n"


def _district_csv(report, lang: str, unit: str, excel: str | None = None) -> str:
    import csv
    import io

    from medaid.present.district.report import columns, report_records

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(report.by), lineterminator="\n")
    writer.writeheader()
    records = report_records(report)
    writer.writerows(excel_rows(records) if excel else records)
    return buffer.getvalue()


def _district_json(report, lang: str, unit: str, excel: str | None = None) -> str:
    import json

    from medaid.present.district.report import report_dict

    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
