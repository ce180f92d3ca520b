"""The ``medaid`` command line: parsing and formatting only; every rule lives in the library.

Sub-commands live one module each and import the library lazily, so ``medaid calc`` starts fast.
"""

from __future__ import annotations

import typer

from medaid.cli import _calc, _claims, _district, _ledger, _policy, _synth, _testing, _whatif

app = typer.Typer(
    name="medaid",
    help="Shanghai medical assistance (医疗救助) and mutual aid (互助帮困), exact to the fen and explained.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("calc")(_calc.calc)
app.add_typer(_policy.app, name="policy")
app.command("test")(_testing.test)
app.command("check")(_testing.check)
app.add_typer(_ledger.app, name="ledger")
app.command("district")(_district.district_report)
app.command("mutual-aid")(_district.mutual_aid)
app.command("transfer")(_district.transfer)
app.command("claims")(_claims.claims)
app.add_typer(_synth.app, name="synth")
app.command("compare")(_whatif.compare)
app.command("sweep")(_whatif.sweep)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the engine version and exit."),
) -> None:
    if version:
        from medaid._version import __version__

        typer.echo(__version__)
        raise typer.Exit()


def main() -> None:
    """Console-script entry point."""
    app()
