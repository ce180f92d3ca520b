"""``medaid claims``: settle a file of claims (理赔结算) with running annual caps; rejects and a summary."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import typer

from medaid.cli._common import (
    EXIT_BAD_INPUT,
    input_path,
    lang_option,
    user_errors,
)
from medaid.cli._options import ClaimsFile, ExcelOutput, Lang, with_groups
from medaid.errors import N_

#: Inputs above this many rows get a progress bar (on a terminal only).
PROGRESS_ROWS = 100_000
#: Rejects listed on stderr when they go to no file (``-o -`` without ``--rejects``).
_SHOWN_REJECTS = 20


@with_groups
def claims(
    source: str = typer.Argument(
        ...,
        metavar="INPUT",
        help="Claims file, .csv, .xlsx or .parquet (columns: see docs/claims.md); - reads standard input; with --cluster also a Parquet folder or glob.",
    ),
    output: str = typer.Option(
        ...,
        "--output",
        "-o",
        help="Settled claims file, .csv or .parquet; - writes CSV to standard output (the summary then goes to stderr); with --cluster a dataset folder.",
    ),
    rejects: str | None = typer.Option(
        None,
        "--rejects",
        help="Where bad rows go, always written (default: OUTPUT's name + .rejects.csv, written only if any, else an earlier run's is removed).",
    ),
    output_format: str | None = typer.Option(
        None, "--format", help="csv or parquet for OUTPUT (default: from its extension)."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Stop at the first bad row with exit 2 instead of rejecting it."
    ),
    reform: str | None = typer.Option(
        None, "--reform", help="Settle under a reform file instead of the version it extends."
    ),
    excel: ExcelOutput = ExcelOutput(),
    read: ClaimsFile = ClaimsFile(),
    cluster: str | None = typer.Option(
        None,
        "--cluster",
        help="Settle on Dask: local:N (N worker processes) or tcp://host:8786; writes a Parquet dataset folder (docs/scale-out.md).",
    ),
    partitions: int | None = typer.Option(
        None,
        "--partitions",
        min=1,
        help="With --cluster: partitions after the shuffle by person (default: 1 per million claims, at least 2 per worker).",
    ),
    lang: Lang = None,
) -> None:
    """Settle every claim of INPUT against the person's running annual caps, exactly as the reference rules."""
    with user_errors():
        language = lang_option(lang)
    if cluster is not None:
        return _claims_on_cluster(source, output, cluster, partitions, reform, rejects, output_format, strict, language)
    with user_errors():
        from medaid.batch.io import table_format
        from medaid.errors import InputError
        from medaid.i18n.catalog import _
        from medaid.outputs import check_output, excel_encoding, is_stdio, remove_stale
        from medaid.present.run_text import claims_summary, count

        to_stdout = is_stdio(output)
        if to_stdout and is_stdio(rejects):
            raise InputError(N_("--output - and --rejects - cannot share standard output; give --rejects a file"))
        echo = functools.partial(typer.echo, err=to_stdout or is_stdio(rejects))
        fmt = table_format("out.csv" if to_stdout and output_format is None else output, output_format)
        out_encoding = excel_encoding(excel.excel, excel.excel_gbk)
        if to_stdout and fmt != "csv":
            raise InputError(N_("-o - writes CSV to standard output; Parquet needs a file"))
        if out_encoding is not None and fmt != "csv":
            raise InputError(N_("--excel applies to CSV output; give a .csv file (or --format csv)"))
        # Every path is checked before any work: a missing folder or an output that is the input fails now.
        check_output(output, inputs=[source], option="--output")
        check_output(rejects, inputs=[source], outputs=[output], option="--rejects")
        default_rejects = None if (rejects or to_stdout) else _default_rejects(Path(output))
        check_output(default_rejects, inputs=[source], outputs=[output], option="--rejects (default)")
        registry = _reform_registry(reform) if reform else None
        from medaid.batch import settle_batch
        from medaid.dist.dataset import is_dataset

        if is_dataset(source):  # a settled dataset folder (from --cluster) settled again in one process
            from medaid.dist.dataset import read_dataset

            source = read_dataset(source)
        progress = _Progress(language)
        with input_path(source) as path:
            try:
                result = settle_batch(
                    path,
                    output=output,
                    registry=registry,
                    strict=strict,
                    output_format=fmt,
                    progress=progress,
                    excel=out_encoding,
                    lang=language,
                    **read.read(),
                )
            finally:
                progress.close()
        summary = result.summary
        target = Path(rejects) if rejects else default_rejects
        if target is not None and (summary.rejected or rejects):
            from medaid.batch.io import write_table

            write_table(result.rejects, target, "csv", excel=out_encoding)
        elif target is not None and remove_stale(target):
            echo(_("removed {path} (an earlier run's rejects; this run has none)", language).format(path=target))
        counts = {
            "rows_in": count(summary.rows_in, language),
            "settled": count(summary.settled, language),
            "rejected": count(summary.rejected, language),
        }
        if summary.blank_rows:
            echo(
                _(
                    "rows in {rows_in} / settled {settled} / rejected {rejected} ({blank} blank rows skipped)", language
                ).format(**counts, blank=count(summary.blank_rows, language))
            )
        else:
            echo(_("rows in {rows_in} / settled {settled} / rejected {rejected}", language).format(**counts))
        if summary.rejected:
            first = result.rejects.row(0, named=True)
            if target is not None:
                echo(
                    _("rejects written to {path} (first: line {line}: {reason})", language).format(
                        path=target, line=first["line"], reason=first["reason"]
                    )
                )
            else:
                for row in result.rejects.head(_SHOWN_REJECTS).iter_rows(named=True):
                    echo(
                        "medaid: " + _("line {line}: {reason}", language).format(line=row["line"], reason=row["reason"])
                    )
                if summary.rejected > _SHOWN_REJECTS:
                    echo(
                        "medaid: "
                        + _("... and {n} more (write them all with --rejects FILE)", language).format(
                            n=count(summary.rejected - _SHOWN_REJECTS, language)
                        )
                    )
        echo(claims_summary(summary, language))
    if summary.rejected:
        # The good rows are settled and written; the exit code still tells a script that some input was bad.
        raise typer.Exit(EXIT_BAD_INPUT)


def _claims_on_cluster(
    source: str,
    output: str,
    cluster: str,
    partitions: int | None,
    reform: str | None,
    rejects: str | None,
    output_format: str | None,
    strict: bool,
    language: str,
) -> None:
    """``--cluster``: the Dask runner (medaid.dist.dask); the same summary and exit code as one process."""
    with user_errors():
        from medaid.errors import InputError
        from medaid.i18n.catalog import _
        from medaid.present.run_text import claims_summary, count

        for given, option in ((rejects, "--rejects"), (output_format, "--format"), (strict or None, "--strict")):
            if given is not None:
                raise InputError(
                    N_(
                        "{option} does not apply with --cluster: OUTPUT is a Parquet dataset folder, its rejects go to OUTPUT/rejects/"
                    ),
                    option=option,
                )
        from medaid.dist.dask import needs_dask

        needs_dask()
        from medaid.dist.dask import cluster_client, settle_on_dask

        registry = _reform_registry(reform) if reform else None
        client = cluster_client(cluster)
        try:
            result = settle_on_dask(
                source,
                output,
                client.client,
                partitions=partitions,
                registry=registry,
                lang=language,
                progress=lambda done, total: typer.echo(
                    "medaid: " + _("{done}/{total} partitions settled", language).format(done=done, total=total),
                    err=True,
                ),
            )
        finally:
            client.close()
        summary = result.summary
        typer.echo(
            _("rows in {rows_in} / settled {settled} / rejected {rejected}", language).format(
                rows_in=count(summary.rows_in, language),
                settled=count(summary.settled, language),
                rejected=count(summary.rejected, language),
            )
        )
        typer.echo(
            _("dataset written to {output} ({n} partitions)", language).format(output=output, n=result.partitions)
        )
        if result.first_reject is not None:
            row, reason, file = result.first_reject
            where = Path(output) / "rejects"
            if file:
                first = _("rejects written to {path} (first: {file}: row {row}: {reason})", language)
            else:
                first = _("rejects written to {path} (first: row {row}: {reason})", language)
            typer.echo(first.format(path=where, file=file, row=row, reason=reason))
        typer.echo(claims_summary(summary, language))
    if summary.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


def _default_rejects(output: Path) -> Path:
    return output.with_name(output.stem + ".rejects.csv")


class _Progress:
    """Stages read → validate → settle → write as a bar on stderr; only on a terminal and for big inputs."""

    STAGES = ("read", "validate", "settle", "write", "done")

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self._bar = None
        self._task = None

    def __call__(self, stage: str, rows: int | None) -> None:
        from medaid.present.run_text import progress_label

        if self._bar is None and rows is not None and rows > PROGRESS_ROWS and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._bar.add_task(progress_label(rows, stage, self.lang), total=len(self.STAGES) - 1)
            self._bar.start()
            self._bar.update(self._task, completed=self.STAGES.index(stage))
        elif self._bar is not None:
            self._bar.update(
                self._task, completed=self.STAGES.index(stage), description=progress_label(rows, stage, self.lang)
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _reform_registry(reform: str):
    from medaid.policy.registry import default_registry
    from medaid.whatif.caseload import reform_registry

    return reform_registry(default_registry(), reform)
