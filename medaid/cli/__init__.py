"""The ``medaid`` command line: parsing and formatting only; every rule lives in the library.

Sub-commands live one module each and import the library lazily, so ``medaid calc`` starts fast.
"""

from __future__ import annotations

import typer

from medaid.cli import _calc, _claims, _district, _explain, _ledger, _notice, _policy, _serve, _synth, _testing, _whatif

app = typer.Typer(
    name="medaid",
    help="Shanghai medical assistance (医疗救助) and mutual aid (互助帮困), exact to the fen and explained.",
    no_args_is_help=True,
    add_completion=True,  # typer's --install-completion / --show-completion; under 1 ms a start (docs/performance.md)
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
app.command("explain")(_explain.explain)
app.command("notice")(_notice.notice)
app.command("serve")(_serve.serve)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", is_eager=True, help="Print the engine version and the hash of the shipped policy files, and exit."),
) -> None:
    if version:
        from medaid.cli._about import version_text

        typer.echo(version_text())
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)


#: polars' allocator (jemalloc) hands pages it no longer needs back lazily ("muzzy" pages, after 1 s,
#: as polars configures it), and until then they count in the process's RSS: 150–350 MB of the peak for
#: 10 M claims, since a settlement frees large buffers stage after stage. The command owns its process,
#: so it asks for them back at once (about 2 % slower). polars appends this to its own settings; it is
#: set only if the user has not set the variable, and the library never touches it.
ALLOCATOR = ("_RJEM_MALLOC_CONF", "muzzy_decay_ms:0")


def main() -> None:
    """Console-script entry point."""
    import os

    os.environ.setdefault(*ALLOCATOR)
    app()
