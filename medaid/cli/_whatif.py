"""``medaid compare`` and ``medaid sweep``: a reform, or a range of one parameter, over a caseload."""

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
    report_options,
    report_rows,
    user_errors,
)
from medaid.cli._options import Caseload, CaseloadInput, ExcelOutput, Report, with_groups
from medaid.errors import N_


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

            parts = _on_cluster(cluster, Path(claims), compare_partition, (registry, reformed, baseline, by, lang))
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
                    lang=lang,
                )
        from medaid.present.whatif.compare import group_names, render_comparison, write_comparison_xlsx

        if output_format == "xlsx":
            write_comparison_xlsx(result, output, lang)
        else:
            emit(render_comparison(result, output_format, lang, unit, out_encoding), output, out_encoding)
        if chart is not None:
            from medaid.present.whatif.chart import comparison_chart

            _warn(comparison_chart(result, lambda language: group_names(result, language), chart, lang))
        report_rows(claims, result.rows_in, result.settled, result.rejects, rejects, out_encoding, lang)
    if result.rejected:
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
                _on_cluster(cluster, Path(claims), sweep_partition, (param, points, default_registry(), lang)),
                param,
                points,
            )
        else:
            with input_path(claims) as path:
                result = run_sweep(
                    _source(Path(path)),
                    param,
                    points,
                    registry=default_registry(),
                    read=caseload.read(),
                    lang=lang,
                )
        from medaid.present.whatif.sweep import render_sweep

        emit(render_sweep(result, output_format, lang, unit, out_encoding), output, out_encoding)
        if chart is not None:
            from medaid.present.whatif.chart import sweep_chart

            _warn(sweep_chart(result, chart, lang))
        report_rows(claims, result.rows_in, result.settled, result.rejects, rejects, out_encoding, lang)
    if result.rejected:
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
