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
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        help="Print the engine version and the hash of the shipped policy files, and exit.",
    ),
    lang: str | None = typer.Option(
        None, "--lang", hidden=True, help="zh or en, for --help and every command (default: the locale's)."
    ),
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


#: Exit codes beyond 0/1/2 (docs/cli.md): a bug caught by the last safety net (EX_SOFTWARE), and a run
#: stopped by Ctrl-C or SIGTERM (128 + the signal, as shells report it).
EXIT_BUG, EXIT_INTERRUPTED, EXIT_TERMINATED = 70, 130, 143


class Stopped(BaseException):
    """Ctrl-C or SIGTERM: unwinds like KeyboardInterrupt (temporary outputs are removed on the way out),
    but is not caught by click (which would call Ctrl-C "Aborted!" with exit 1) nor by ``except Exception``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


def main() -> None:
    """Console-script entry point: the commands, Ctrl-C and SIGTERM as a clean stop, and a last safety net
    that turns an unexpected exception (a bug) into one line and exit 70."""
    import os
    import signal
    import sys

    os.environ.setdefault(*ALLOCATOR)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop)
    from medaid.cli._usage import install, language_of

    lang = language_of(sys.argv[1:])
    install(lang)
    try:
        if lang == "zh":  # --help in Chinese: typer's help has no gettext hook (medaid.cli._help)
            from typer.main import get_command

            from medaid.cli import _help

            _help.install(lang)
            _help.translate(get_command(app), lang)()
        else:
            app()
    except Stopped as stop:
        from medaid.outputs import remove_pending

        remove_pending()
        interrupted = stop.signum == signal.SIGINT
        from medaid.i18n import default_lang
        from medaid.i18n.catalog import _

        message = (
            _("interrupted; no output file was left half-written", default_lang())
            if interrupted
            else _("terminated; no output file was left half-written", default_lang())
        )
        sys.stderr.write(f"\nmedaid: {message}\n")
        sys.exit(EXIT_INTERRUPTED if interrupted else EXIT_TERMINATED)
    except Exception as exc:  # the last safety net: every known failure is a MedaidError with exit 2
        if os.environ.get("MEDAID_DEBUG", "") not in ("", "0"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        sys.stderr.write(
            f"medaid: internal error: {type(exc).__name__}{': ' + first if first else ''}\n"
            "medaid: this is a bug; please report it with the command you ran (run again with MEDAID_DEBUG=1 to see the traceback)\n"
        )
        sys.exit(EXIT_BUG)
