"""``medaid synth``: synthetic data for demos, tests and benchmarks (never real persons)."""

from __future__ import annotations

import typer

from medaid.cli._common import lang_option, user_errors
from medaid.cli._options import Lang
from medaid.errors import N_

#: The largest file synth writes (about 10 GB of CSV); beyond it the arrays alone outgrow most machines.
MAX_CLAIMS = 200_000_000

app = typer.Typer(help="Synthetic data: claims files calibrated roughly to Shanghai 2023.", no_args_is_help=True)


@app.command("claims")
def claims(
    count: int = typer.Option(..., "--claims", "-n", help="Number of claims to generate.", min=1),
    year: int = typer.Option(
        2023, "--year", help="Calendar year of the claims (2018 onwards; extreme_poverty appears from 2024)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same file."),
    output: str = typer.Option(
        ..., "--output", "-o", help="File to write, .csv or .parquet; - writes CSV to standard output."
    ),
    output_format: str | None = typer.Option(None, "--format", help="csv or parquet (default: from the extension)."),
    lang: Lang = None,
) -> None:
    """Write a realistic synthetic claims file: 16 districts, the category mix, outpatient ~92 %, heavy-tailed inpatient."""
    with user_errors():
        from medaid.batch.io import table_format, write_table
        from medaid.errors import InputError
        from medaid.i18n.catalog import _
        from medaid.outputs import check_output, is_stdio
        from medaid.present.run_text import count as number
        from medaid.synth import synth_claims

        language = lang_option(lang)

        fmt = table_format("out.csv" if is_stdio(output) and output_format is None else output, output_format)
        if not 2018 <= year <= 2100:
            raise InputError(N_("--year must be between 2018 and 2100, got {year}"), year=year)
        if seed < 0:
            raise InputError(N_("--seed must be a whole number of 0 or more, got {seed}"), seed=seed)
        if count > MAX_CLAIMS:
            raise InputError(N_("--claims must be at most {maximum:,}, got {count:,}"), maximum=MAX_CLAIMS, count=count)
        check_output(output)
        if is_stdio(output) and fmt != "csv":
            raise InputError(N_("-o - writes CSV to standard output; Parquet needs a file"))
        table = synth_claims(count, year, seed)
        write_table(table, output, fmt)
        typer.echo(
            _("wrote {count} claims of {year} (seed {seed}) to {output}", language).format(
                count=number(table.height, language), year=year, seed=seed, output=output
            ),
            err=is_stdio(output),
        )
