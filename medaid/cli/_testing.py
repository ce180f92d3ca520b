"""``medaid test`` (case files) and ``medaid check`` (the invariant suite) for policy teams."""

from __future__ import annotations

from pathlib import Path

import typer

from medaid.cli._common import lang_option, user_errors
from medaid.cli._options import Lang
from medaid.errors import N_


def test(
    paths: list[Path] = typer.Argument(..., help="Case files (TOML) or folders of them."),
    coverage: bool = typer.Option(
        False, "--coverage", help="Report which clauses, and which of their branches, the cases exercised."
    ),
    lang: Lang = None,
) -> None:
    """Run case files; print a diff with the explanation for each failure; exit 1 if any fails."""
    with user_errors():
        from medaid.i18n.catalog import _
        from medaid.policy.registry import default_registry
        from medaid.present.explain import explain
        from medaid.testing import load_case, run_case

        language = lang_option(lang)
        registry = default_registry()
        files = _case_files(paths)
        outcomes = [run_case(load_case(path), registry) for path in files]
        failed = 0
        for outcome in outcomes:
            if outcome.passed:
                typer.echo(_("PASS {name}", language).format(name=outcome.case.name))
                continue
            failed += 1
            typer.echo(_("FAIL {name} ({path})", language).format(name=outcome.case.name, path=outcome.case.path))
            for m in outcome.mismatches:
                typer.echo(
                    "  "
                    + _("{field}: expected {expected}, got {got}", language).format(
                        field=m.field, expected=repr(m.expected), got=repr(m.got)
                    )
                )
            for line in explain(outcome.assessment, _policy_lookup(outcome.assessment, registry), language):
                typer.echo(f"    | {line}")
        typer.echo(
            _("{n} cases: {passed} passed, {failed} failed", language).format(
                n=len(outcomes), passed=len(outcomes) - failed, failed=failed
            )
        )
        if coverage:
            _print_coverage(outcomes, registry, language)
    if failed:
        raise typer.Exit(1)


def _policy_lookup(assessment, registry):
    """The policy each claim of ``assessment`` was settled under, falling back to the registry."""
    by_id = {r.policy_id: r.policy for r in assessment.claims}
    return lambda policy_id: by_id.get(policy_id) or registry.get(policy_id)


def _case_files(paths: list[Path]) -> list[Path]:
    from medaid.errors import InputError

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.rglob("*.toml"))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(N_("no such case file or folder: {path}"), path=path)
    if not files:
        raise InputError(N_("no case files (*.toml) under {names}"), names=", ".join(map(str, paths)))
    return files


def _print_coverage(outcomes, registry, language: str) -> None:
    from medaid.i18n.catalog import _, ngettext
    from medaid.testing.coverage import coverage as measure

    policies = [p for p in registry if p.scheme == "medical_assistance"]
    report = measure(policies, [r for o in outcomes for r in o.assessment.claims])
    typer.echo(
        _("coverage: {covered} of {total} policy branches exercised; {keys} policy keys read", language).format(
            covered=len(report.covered), total=report.total, keys=len(report.keys)
        )
    )
    for use in report.clauses:  # one line per clause of the rulebook (medaid.rules.clauses), in its order
        key = f"{use.clause.key}.{use.clause.field}"
        if use.claims:
            line = ngettext(
                "clause {clause} ({key}): acted on {n} claim; {covered} of {total} branches",
                "clause {clause} ({key}): acted on {n} claims; {covered} of {total} branches",
                use.claims,
                language,
            ).format(clause=use.clause.id, key=key, n=use.claims, covered=use.covered, total=use.total)
        else:
            line = _("clause {clause} ({key}): no case exercises it", language).format(clause=use.clause.id, key=key)
        typer.echo("  " + line)
    for branch in report.missed:
        typer.echo("  " + _("never exercised: {branch}", language).format(branch=branch.describe()))


def check(
    policy: str = typer.Argument(..., help="A policy id, a policy file or a reform file."),
    examples: int = typer.Option(200, "--examples", help="Hypothesis examples per invariant."),
    seed: int = typer.Option(0, "--seed", help="Random seed, for a reproducible run."),
    lang: Lang = None,
) -> None:
    """Run the invariant suite against a policy version or reform; exit 1 if any invariant is broken."""
    with user_errors():
        from medaid.errors import InputError
        from medaid.i18n.catalog import _
        from medaid.policy.registry import default_registry
        from medaid.present.check import (
            invariant_counterexample,
            invariant_description,
            invariant_reason,
            invariant_status,
        )

        try:
            from medaid.testing.invariants import check_policy
        except ImportError as exc:  # hypothesis is a dependency; a trimmed install may lack it
            raise InputError(N_("medaid check needs hypothesis ({exc}): pip install hypothesis"), exc=exc) from None

        if examples < 1:
            raise InputError(N_("--examples must be at least 1, got {examples}"), examples=examples)
        registry = default_registry()
        target = registry.resolve(policy)
        if target.scheme != "medical_assistance":
            raise InputError(
                N_(
                    "{target_id} is a {target_scheme} policy; medaid check runs medical-assistance versions and reforms"
                ),
                target_id=target.id,
                target_scheme=target.scheme,
            )
        base = registry.get(target.extends) if target.extends else None
        language = lang_option(lang)
        results = _without_hypothesis_folder(lambda: check_policy(target, base, examples=examples, seed=seed))
        typer.echo(
            _("{policy}: {n} invariants, {examples} examples each, seed {seed}", language).format(
                policy=target.id, n=len(results), examples=examples, seed=seed
            )
        )
        for r in results:
            status = invariant_status(r.status, language)
            typer.echo(f"  {status}{' ' * max(0, 15 - _width(status))} {r.name}: {invariant_description(r, language)}")
            reason = invariant_reason(r, language)
            if r.status == "broken":
                counterexample = invariant_counterexample(r, language)
                typer.echo("      " + _("counterexample: {case}", language).format(case=counterexample))
                typer.echo(f"      {reason}")
            elif reason:
                typer.echo("      " + _("({reason})", language).format(reason=reason))
    if any(r.status == "broken" for r in results):
        raise typer.Exit(1)


def _without_hypothesis_folder(run):
    """``run()`` with hypothesis keeping its files (examples are not saved: ``database=None``; it still
    caches source constants) in a temporary folder, so ``medaid check`` leaves no ``.hypothesis/`` in
    the user's current folder."""
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir

    with tempfile.TemporaryDirectory(prefix="medaid-check-") as folder:
        set_hypothesis_home_dir(folder)
        try:
            return run()
        finally:
            set_hypothesis_home_dir(None)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
