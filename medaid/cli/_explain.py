"""``medaid explain``: one settled claim, step by step, from a ledger or a claims file."""

from __future__ import annotations

import typer

from medaid.cli._common import choice, echo_json, lang_option, user_errors
from medaid.cli._options import Lang
from medaid.errors import N_


def explain(
    claim_id: str = typer.Argument(..., metavar="CLAIM_ID", help="The claim_id to explain."),
    db: str | None = typer.Option(
        None, "--db", help="The ledger that settled the claim: a SQLite file or a postgresql:// URL."
    ),
    claims: str | None = typer.Option(
        None, "--claims", help="A claims file (CSV): the claim's person-year is recomputed."
    ),
    output_format: str = typer.Option("text", "--format", help="text or json (the steps of `calc --format json`)."),
    lang: Lang = None,
) -> None:
    """Explain one settled claim: self-pay, offset, category (就高), ratio and rounding, cap before and left, subsidy, sources."""
    with user_errors():
        from medaid.errors import InputError
        from medaid.policy.registry import default_registry
        from medaid.present.claim import from_claims_file, from_ledger

        output_format = choice(output_format, ("text", "json"), "--format")
        language = lang_option(lang)
        if (db is None) == (claims is None):
            raise InputError(N_("give exactly one of --db LEDGER or --claims FILE"))
        registry = default_registry()
        if db is not None:
            from pathlib import Path

            from medaid.ledger import Ledger
            from medaid.ledger.backends import is_postgres

            if not is_postgres(db) and not Path(db).is_file():
                raise InputError(N_("no such ledger file"), where=db)
            with Ledger(db, registry=registry, create=False) as ledger:
                explanation = from_ledger(ledger, claim_id, registry.medical_assistance, where=db)
        else:
            explanation = from_claims_file(claims, claim_id, registry.medical_assistance)
        if output_format == "json":
            from medaid.present.claim_text import claim_dict

            echo_json(claim_dict(explanation))
        else:
            from medaid.present.claim_text import explain_claim

            typer.echo("\n".join(explain_claim(explanation, language)))
