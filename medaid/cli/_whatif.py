"""``medaid compare`` and ``medaid sweep``: a reform, or a range of one parameter, over a caseload."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from medaid.cli._common import (
    EXIT_BAD_INPUT,
    check_outputs,
    choice,
    emit,
    excel_option,
    excel_rows,
    input_path,
    report_options,
    report_rows,
    user_errors,
)
from medaid.cli._options import Caseload, CaseloadInput, ExcelOutput, Report, with_groups
from medaid.errors import N_
from medaid.policy.model import KINDS

_TEXT = {
    "en": {
        "head": (
            "Group",
            "Claims",
            "Persons",
            "Baseline",
            "Reform",
            "Difference",
            "Better off",
            "Worse off",
            "Unchanged",
        ),
        "title": "Reform {reform} vs {base} ({unit}); {rows} claims read, {rejected} rejected",
        "total": "Total",
        "sweep_head": ("Value", "Total", "Difference"),
        "sweep_title": "Sweep of {key} ({unit}); baseline (shipped policy) {baseline}",
    },
    "zh": {
        "head": ("分组", "结算数", "人数", "现行", "改革", "差额", "受益人数", "受损人数", "不变人数"),
        "title": "改革方案 {reform} 与 {base} 对比（单位：{unit}）；读入 {rows} 条结算记录，拒收 {rejected} 条",
        "total": "合计",
        "sweep_head": ("取值", "救助总支出", "与现行相比"),
        "sweep_title": "参数 {key} 取值测算（单位：{unit}）；现行政策 {baseline}",
    },
}
_KINDS = {"zh": dict(zip(KINDS, ("住院", "门急诊"), strict=True)), "en": {kind: kind for kind in KINDS}}


@with_groups
def compare(
    claims: CaseloadInput,
    reform: str = typer.Option(..., "--reform", help="Reform file (extends a version)."),
    base: str | None = typer.Option(
        None, "--base", help="Baseline: a policy id or reform file (default: the version the reform extends)."
    ),
    by: str = typer.Option("district", "--by", help="district, category, kind, district,category or district,kind."),
    output_format: str = typer.Option("table", "--format", help="table, csv, json or xlsx (xlsx needs --output)."),
    out: Report = Report(),
    chart: Path | None = typer.Option(
        None, "--chart", help="Also write a bar chart of the difference per group (PNG)."
    ),
    excel: ExcelOutput = ExcelOutput(),
    caseload: Caseload = Caseload(),
) -> None:
    """Baseline vs reform over a caseload: totals, difference, persons better off / worse off / unchanged."""
    with user_errors():
        from medaid.errors import InputError
        from medaid.policy.registry import default_registry
        from medaid.whatif.caseload import GROUPINGS, compare_caseload

        by = choice(by.replace(" ", ""), tuple(GROUPINGS), "--by")
        output, rejects, cluster = out.output, caseload.rejects, caseload.cluster
        output_format, unit, lang = report_options(
            output_format, ("table", "csv", "json", "xlsx"), out.unit, out.lang, output, chart
        )
        out_encoding = excel_option(excel.excel, excel.excel_gbk, output_format)
        check_outputs(claims, output=output, chart=chart, rejects=rejects)
        registry = default_registry()
        reformed = registry.resolve(reform)
        if reformed.extends is None:
            raise InputError(
                N_('--reform needs a reform file (with extends = "<policy id>"), got {reform}'), reform=reform
            )
        baseline = registry.resolve(base) if base else None
        if cluster:
            from medaid.dist.caseload import compare_partition, merge_comparisons

            parts = _on_cluster(cluster, Path(claims), compare_partition, (registry, reformed, baseline, by))
            result = merge_comparisons(parts, reformed, baseline, by)
        else:
            with input_path(claims) as path:
                result = compare_caseload(
                    _source(Path(path)),
                    reformed,
                    registry=registry,
                    base=baseline,
                    by=by,
                    read=caseload.read(),
                )
        names = [_group_name(g.key, by, lang) for g in result.groups]
        if output_format == "xlsx":
            _write_xlsx(result, names, output, lang)
        else:
            render = {"table": _compare_table, "csv": _compare_csv, "json": _compare_json}[output_format]
            emit(render(result, names, lang, unit, out_encoding), output, out_encoding)
        if chart is not None:
            from medaid.present.whatif.chart import comparison_chart

            _warn(
                comparison_chart(
                    result, lambda language: [_group_name(g.key, by, language) for g in result.groups], chart, lang
                )
            )
        if not cluster:  # the cluster runners do not count rows yet (docs/scale-out.md)
            report_rows(claims, result.rows_in, result.settled, result.rejects, rejects, out_encoding)
    if not cluster and result.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


@with_groups
def sweep(
    claims: CaseloadInput,
    param: str = typer.Option(..., "--param", help="Policy key, e.g. categories.low_income.outpatient.cap."),
    values: str = typer.Option(..., "--values", help="Comma-separated values, e.g. 2500,2800,3000."),
    output_format: str = typer.Option("table", "--format", help="table, csv or json."),
    out: Report = Report(),
    chart: Path | None = typer.Option(None, "--chart", help="Also write a line chart of cost against the value (PNG)."),
    excel: ExcelOutput = ExcelOutput(),
    caseload: Caseload = Caseload(),
) -> None:
    """Total cost (and per district) for each value of one parameter, set in every version the claims use."""
    with user_errors():
        from medaid.policy.registry import default_registry
        from medaid.whatif.caseload import sweep_parameter as run_sweep

        output, rejects, cluster = out.output, caseload.rejects, caseload.cluster
        output_format, unit, lang = report_options(
            output_format, ("table", "csv", "json"), out.unit, out.lang, output, chart
        )
        out_encoding = excel_option(excel.excel, excel.excel_gbk, output_format)
        check_outputs(claims, output=output, chart=chart, rejects=rejects)
        points = [v for v in values.split(",") if v.strip()]
        if cluster:
            from medaid.dist.caseload import merge_sweeps, sweep_partition
            from medaid.errors import InputError

            if not points:
                raise InputError(N_("--values needs at least one value"))
            result = merge_sweeps(
                _on_cluster(cluster, Path(claims), sweep_partition, (param, points, default_registry())), param, points
            )
        else:
            with input_path(claims) as path:
                result = run_sweep(
                    _source(Path(path)),
                    param,
                    points,
                    registry=default_registry(),
                    read=caseload.read(),
                )
        render = {"table": _sweep_table, "csv": _sweep_csv, "json": _sweep_json}[output_format]
        emit(render(result, lang, unit, out_encoding), output, out_encoding)
        if chart is not None:
            from medaid.present.whatif.chart import sweep_chart

            _warn(sweep_chart(result, chart, lang))
        if not cluster:  # the cluster runners do not count rows yet (docs/scale-out.md)
            report_rows(claims, result.rows_in, result.settled, result.rejects, rejects, out_encoding)
    if not cluster and result.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


def _source(claims: Path):
    """The claims as given, or a dataset folder (from ``medaid claims --cluster``) read as one table."""
    from medaid.dist.dataset import is_dataset, read_dataset

    return read_dataset(claims) if is_dataset(claims) else claims


def _on_cluster(cluster: str, claims: Path, function, args: tuple) -> list:
    """``function`` over the claims shuffled by person on a Dask cluster; progress on stderr."""
    from medaid.dist.dask import cluster_client, map_persons, needs_dask

    needs_dask()
    connected = cluster_client(cluster)
    try:
        return map_persons(
            claims,
            connected.client,
            function,
            args,
            progress=lambda done, total: typer.echo(f"medaid: {done}/{total} partitions done", err=True),
        )
    finally:
        connected.close()


def _warn(warning: str | None) -> None:
    if warning:
        typer.echo(f"medaid: warning: {warning}", err=True)


def _group_name(key: tuple[str, ...], by: str, lang: str) -> str:
    from medaid.districts import district

    parts = []
    for field, value in zip(by.split(","), key):
        if field == "district":
            parts.append(district(value).name(lang))
        elif field == "kind":
            parts.append(_KINDS[lang].get(value, value))
        else:
            parts.append(value)
    return " / ".join(parts)


def _records(result, names: list[str]) -> list[dict]:
    from medaid.money import fen_to_yuan_str

    rows = []
    for name, g in [*zip(names, result.groups), ("total", result.total)]:
        rows.append(
            {
                "group": name,
                "claims": g.claims,
                "persons": g.persons,
                "baseline": fen_to_yuan_str(g.baseline_fen),
                "reform": fen_to_yuan_str(g.reform_fen),
                "difference": fen_to_yuan_str(g.difference_fen),
                "better_off": g.better_off,
                "worse_off": g.worse_off,
                "unchanged": g.unchanged,
            }
        )
    return rows


def _compare_table(result, names: list[str], lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.i18n import format_count
    from medaid.i18n.amounts import format_amount, unit_label
    from medaid.present.table import render_table

    text = _TEXT[lang]
    rows = [list(text["head"])]
    for name, g in [*zip(names, result.groups), (text["total"], result.total)]:
        sign = "+" if g.difference_fen > 0 else ""
        rows.append(
            [
                name,
                format_count(g.claims, lang),
                format_count(g.persons, lang),
                format_amount(g.baseline_fen, lang, unit),
                format_amount(g.reform_fen, lang, unit),
                sign + format_amount(g.difference_fen, lang, unit),
                format_count(g.better_off, lang),
                format_count(g.worse_off, lang),
                format_count(g.unchanged, lang),
            ]
        )
    title = text["title"].format(
        reform=result.reform_id,
        base=result.baseline_id,
        unit=unit_label(unit, lang),
        rows=format_count(result.rows_in, lang),
        rejected=format_count(result.rejected, lang),
    )
    note = [f"medaid: note: {result.note}"] if result.note else []
    return "\n".join([title, *render_table(rows), *note]) + "\n"


def _compare_csv(result, names: list[str], lang: str, unit: str, excel: str | None = None) -> str:
    import csv
    import io

    buffer = io.StringIO()
    records = _records(result, names)
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(excel_rows(records) if excel else records)
    return buffer.getvalue()


def _compare_json(result, names: list[str], lang: str, unit: str, excel: str | None = None) -> str:
    records = _records(result, names)
    data = {
        "baseline_id": result.baseline_id,
        "reform_id": result.reform_id,
        "by": result.by,
        "rows_in": result.rows_in,
        "settled": result.settled,
        "rejected": result.rejected,
        "groups": records[:-1],
        "total": records[-1],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _write_xlsx(result, names: list[str], path: Path, lang: str) -> None:
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            _TEXT[lang]["title"].format(
                reform=result.reform_id,
                base=result.baseline_id,
                unit="元" if lang == "zh" else "yuan",
                rows=result.rows_in,
                rejected=result.rejected,
            )
        ]
    )
    sheet.append(list(_TEXT[lang]["head"]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for record in _records(result, names):
        if record["group"] == "total":
            record["group"] = _TEXT[lang]["total"]
        sheet.append(
            [
                record["group"],
                record["claims"],
                record["persons"],
                Decimal(record["baseline"]),
                Decimal(record["reform"]),
                Decimal(record["difference"]),
                record["better_off"],
                record["worse_off"],
                record["unchanged"],
            ]
        )
        for cell in sheet[sheet.max_row][3:6]:
            cell.number_format = "#,##0.00"
    from medaid.outputs import atomic_path

    with atomic_path(path) as temp:  # whole or not at all (medaid.outputs)
        book.save(temp)


def _sweep_table(result, lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.i18n.amounts import format_amount, unit_label
    from medaid.present.table import render_table

    text = _TEXT[lang]
    rows = [list(text["sweep_head"])]
    for point in result.points:
        difference = point.total_fen - result.baseline.total_fen
        rows.append(
            [
                point.value,
                format_amount(point.total_fen, lang, unit),
                ("+" if difference > 0 else "") + format_amount(difference, lang, unit),
            ]
        )
    title = text["sweep_title"].format(
        key=result.key, unit=unit_label(unit, lang), baseline=format_amount(result.baseline.total_fen, lang, unit)
    )
    return "\n".join([title, *render_table(rows)]) + "\n"


def _sweep_rows(result) -> list[dict]:
    from medaid.money import fen_to_yuan_str

    return [
        {
            "value": p.value,
            "total": fen_to_yuan_str(p.total_fen),
            "difference": fen_to_yuan_str(p.total_fen - result.baseline.total_fen),
            "by_district": {d: fen_to_yuan_str(f) for d, f in p.by_district},
        }
        for p in result.points
    ]


def _sweep_csv(result, lang: str, unit: str, excel: str | None = None) -> str:
    import csv
    import io

    from medaid.money import fen_to_yuan_str
    from medaid.outputs import excel_cell

    cell = excel_cell if excel else (lambda value: value)
    districts = [d for d, _ in result.baseline.by_district]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["value", "total", "difference", *districts])
    for p in result.points:
        per = dict(p.by_district)
        writer.writerow(
            [
                cell(p.value),
                fen_to_yuan_str(p.total_fen),
                fen_to_yuan_str(p.total_fen - result.baseline.total_fen),
                *(fen_to_yuan_str(per.get(d, 0)) for d in districts),
            ]
        )
    return buffer.getvalue()


def _sweep_json(result, lang: str, unit: str, excel: str | None = None) -> str:
    from medaid.money import fen_to_yuan_str

    data = {
        "param": result.key,
        "rows_in": result.rows_in,
        "settled": result.settled,
        "rejected": result.rejected,
        "baseline": {"total": fen_to_yuan_str(result.baseline.total_fen)},
        "points": _sweep_rows(result),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
