"""``medaid policy``: list, show, diff and validate policy versions; regenerate docs/policy.md."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from medaid.cli._common import EXIT_BAD_INPUT, choice, echo_json, user_errors

app = typer.Typer(help="Policy versions: list, show, diff, validate, docs.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """List the bundled policy versions with their effective dates."""
    with user_errors():
        from medaid.policy.registry import default_registry

        for policy in default_registry():
            end = policy.effective_to.isoformat() if policy.effective_to else "open"
            typer.echo(f"{policy.id:32} {policy.effective_from.isoformat()} → {end:10}  {policy.title_en}")


@app.command("show")
def show(
    policy_id: str = typer.Argument(..., help="Policy id (see `medaid policy list`) or a reform file."),
    output_format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Every parameter of one version: value, source and provisional mark."""
    with user_errors():
        from medaid.policy.params import parameters

        output_format = choice(output_format, ("text", "json"), "--format")
        policy = _resolve(policy_id)
        params = parameters(policy)
        if output_format == "json":
            echo_json({"id": policy.id, "policy_hash": policy.content_hash, "parameters": [
                {"key": p.key, "value": p.value, "source": p.source, "provisional": p.provisional} for p in params
            ]})
            return
        typer.echo(f"{policy.id}: {policy.title_en} / {policy.title_zh}")
        typer.echo(f"policy hash {policy.content_hash}")
        for p in params:
            mark = f"  [provisional {p.provisional}]" if p.provisional else ""
            typer.echo(f"  {p.key:40} {p.value:>12}  {p.source}{mark}")


@app.command("diff")
def diff(old: str = typer.Argument(..., help="Policy id or reform file."), new: str = typer.Argument(..., help="Policy id or reform file.")) -> None:
    """The parameters that differ between two versions."""
    with user_errors():
        from medaid.policy.params import diff as diff_policies

        before, after = _resolve(old), _resolve(new)
        changes = diff_policies(before, after)
        typer.echo(f"{before.id} → {after.id}: {len(changes)} parameter{'s' if len(changes) != 1 else ''} differ")
        for change in changes:
            was = change.old.value if change.old else "(absent)"
            now = change.new.value if change.new else "(absent)"
            source = change.new.source if change.new else ""
            typer.echo(f"  {change.key:40} {was:>12} → {now:<12} {source}")


@app.command("validate")
def validate(files: Optional[List[Path]] = typer.Argument(None, help="Policy or reform files; default: the bundled policies.")) -> None:
    """Validate policy files (and their dates together); every problem with its file and key path."""
    from medaid.errors import MedaidError
    from medaid.policy.registry import PolicyRegistry, default_policy_dir, default_registry

    problems: list[str] = []
    try:
        if not files:
            registry = PolicyRegistry.from_directory(default_policy_dir())
            typer.echo(f"ok: {len(registry)} bundled policy versions, dates without gap or overlap")
            return
        loaded = []
        for path in files:
            try:
                policy = default_registry().resolve(path)
                loaded.append(policy)
                typer.echo(f"ok: {path} ({policy.id})")
            except MedaidError as exc:
                problems += [f"{file}: {key}: {message}" if key else f"{file}: {message}" for file, key, message in getattr(exc, "problems", ()) or [(str(path), "", str(exc))]]
        PolicyRegistry(p for p in loaded if p.extends is None)
    except MedaidError as exc:
        problems.append(str(exc))
    for line in problems:
        typer.echo(f"medaid: {line}", err=True)
    if problems:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("docs")
def docs(output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout (e.g. docs/policy.md).")) -> None:
    """Generate the policy reference (every parameter, its value per version, source, provisional marks)."""
    with user_errors():
        from medaid.policy.docs import render
        from medaid.policy.registry import default_registry
        from medaid.rules.clauses import markdown

        text = render(default_registry(), markdown())
        if output:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {output}")
        else:
            typer.echo(text, nl=False)


def _resolve(ref: str):
    from medaid.policy.registry import default_registry

    return default_registry().resolve(ref)
