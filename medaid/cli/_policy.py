"""``medaid policy``: list, show, diff and validate policy versions; regenerate docs/policy.md."""

from __future__ import annotations

from pathlib import Path

import typer

from medaid.cli._common import EXIT_BAD_INPUT, choice, echo_json, lang_option, user_errors
from medaid.cli._options import Lang, TextFormat

app = typer.Typer(help="Policy versions: list, show, diff, validate, docs.", no_args_is_help=True)


@app.command("list")
def list_(
    output_format: TextFormat = "text",
    lang: Lang = None,
) -> None:
    """List the bundled policy versions with their effective dates."""
    with user_errors():
        from medaid.i18n.catalog import _
        from medaid.policy.registry import default_registry

        output_format = choice(output_format, ("text", "json"), "--format")
        language = lang_option(lang)
        if output_format == "json":
            from medaid.present.policy import policy_summary

            echo_json([policy_summary(policy) for policy in default_registry()])
            return
        for policy in default_registry():
            end = policy.effective_to.isoformat() if policy.effective_to else _("open", language)
            title = policy.title_zh if language == "zh" else policy.title_en
            typer.echo(f"{policy.id:32} {policy.effective_from.isoformat()} → {_pad(end, 10)}  {title}")


@app.command("show")
def show(
    policy_id: str = typer.Argument(..., help="Policy id (see `medaid policy list`) or a reform file."),
    output_format: TextFormat = "text",
    lang: Lang = None,
) -> None:
    """Every parameter of one version: value, source and provisional mark."""
    with user_errors():
        from medaid.i18n.catalog import _
        from medaid.policy.params import parameters

        output_format = choice(output_format, ("text", "json"), "--format")
        language = lang_option(lang)
        policy = _resolve(policy_id)
        params = parameters(policy)
        if output_format == "json":
            echo_json(
                {
                    "id": policy.id,
                    "policy_hash": policy.content_hash,
                    "parameters": [
                        {"key": p.key, "value": p.value, "source": p.source, "provisional": p.provisional}
                        for p in params
                    ],
                }
            )
            return
        title = (
            f"{policy.id}：{policy.title_zh}"
            if language == "zh"
            else f"{policy.id}: {policy.title_en} / {policy.title_zh}"
        )
        typer.echo(title)
        typer.echo(_("policy hash {hash}", language).format(hash=policy.content_hash))
        for p in params:
            mark = (
                "  " + _("[provisional {decision}]", language).format(decision=p.provisional) if p.provisional else ""
            )
            typer.echo(f"  {p.key:40} {p.value:>12}  {p.source}{mark}")


@app.command("diff")
def diff(
    old: str = typer.Argument(..., help="Policy id or reform file."),
    new: str = typer.Argument(..., help="Policy id or reform file."),
    output_format: TextFormat = "text",
    lang: Lang = None,
) -> None:
    """The parameters that differ between two versions."""
    with user_errors():
        from medaid.i18n.catalog import _, ngettext
        from medaid.policy.params import diff as diff_policies

        output_format = choice(output_format, ("text", "json"), "--format")
        language = lang_option(lang)
        before, after = _resolve(old), _resolve(new)
        changes = diff_policies(before, after)
        if output_format == "json":
            echo_json(
                {
                    "old": before.id,
                    "new": after.id,
                    "old_hash": before.content_hash,
                    "new_hash": after.content_hash,
                    "changes": [
                        {
                            "key": change.key,
                            "old": change.old.value if change.old else None,
                            "new": change.new.value if change.new else None,
                            "source": change.new.source if change.new else None,
                            "provisional": change.new.provisional if change.new else None,
                        }
                        for change in changes
                    ],
                }
            )
            return
        counted = ngettext(
            "{old} → {new}: {n} parameter differs", "{old} → {new}: {n} parameters differ", len(changes), language
        )
        typer.echo(counted.format(old=before.id, new=after.id, n=len(changes)))
        for change in changes:
            was = change.old.value if change.old else _("(absent)", language)
            now = change.new.value if change.new else _("(absent)", language)
            source = change.new.source if change.new else ""
            typer.echo(f"  {change.key:40} {was:>12} → {now:<12} {source}")


@app.command("validate")
def validate(
    files: list[Path] | None = typer.Argument(None, help="Policy or reform files; default: the bundled policies."),
    lang: Lang = None,
) -> None:
    """Validate policy files (and their dates together); every problem with its file and key path."""
    from medaid.errors import MedaidError
    from medaid.i18n.catalog import _
    from medaid.policy.registry import PolicyRegistry, default_policy_dir, default_registry

    with user_errors():
        language = lang_option(lang)
    problems: list[str] = []
    try:
        if not files:
            registry = PolicyRegistry.from_directory(default_policy_dir())
            typer.echo(
                _("ok: {n} bundled policy versions, dates without gap or overlap", language).format(n=len(registry))
            )
            return
        loaded = []
        for path in files:
            try:
                policy = default_registry().resolve(path)
                loaded.append(policy)
                typer.echo(_("ok: {path} ({policy})", language).format(path=path, policy=policy.id))
            except MedaidError as exc:
                problems += [
                    f"{file}: {key}: {shown(message, language)}" if key else f"{file}: {shown(message, language)}"
                    for file, key, message in getattr(exc, "problems", ()) or [(str(path), "", exc.render(language))]
                ]
        PolicyRegistry(p for p in loaded if p.extends is None)
    except MedaidError as exc:
        problems.append(exc.render(language))
    for line in problems:
        typer.echo(f"medaid: {line}", err=True)
    if problems:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("docs")
def docs(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here instead of stdout (e.g. docs/policy.md)."
    ),
    lang: Lang = None,
) -> None:
    """Generate the policy reference (every parameter, its value per version, source, provisional marks)."""
    with user_errors():
        from medaid.i18n.catalog import _
        from medaid.outputs import check_output, is_stdio, write_text
        from medaid.policy.docs import render
        from medaid.policy.registry import default_registry
        from medaid.rules.clauses import markdown

        language = lang_option(lang)
        check_output(output)
        text = render(default_registry(), markdown())
        if output and not is_stdio(output):
            write_text(output, text)
            typer.echo(_("wrote {path}", language).format(path=output))
        else:
            typer.echo(text, nl=False)


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` columns, a Chinese character counting two."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def _resolve(ref: str):
    from medaid.policy.registry import default_registry

    return default_registry().resolve(ref)


def shown(message: str, lang: str) -> str:
    """A validator's problem in ``lang`` (a :class:`medaid.errors.Message` keeps its message id)."""
    from medaid.errors import Message

    return message.render(lang) if isinstance(message, Message) else message
