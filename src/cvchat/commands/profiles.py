"""`cvchat profiles [CV_ID]`: the candidate profiles of the index version in service."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cvchat.domain.profiles import CandidateProfile
from cvchat.domain.retrieval import IndexUnavailable
from cvchat.settings import get_settings

console = Console()


def _summary_row(p: CandidateProfile) -> list[str]:
    place = ", ".join(x for x in (p.location.city, p.location.country) if x) if p.location else ""
    languages = " ".join(f"{lang.code}:{lang.level or '?'}" for lang in p.languages)
    years = f"{p.experience.years:.1f}" if p.experience else ""
    skills = ", ".join(s.name for s in p.skills[:8]) + (" …" if len(p.skills) > 8 else "")
    return [p.cv_id, p.display_name, place, languages, years, p.highest_degree or "", skills]


def profiles(
    cv_id: Annotated[
        str | None, typer.Argument(help="One CV's full profile, with evidence.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Print the candidate profiles extracted at index time (every fact with its evidence)."""
    from cvchat.infrastructure.rag.store import IndexStore

    try:
        snapshot = IndexStore(get_settings()).snapshot()
    except IndexUnavailable as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    if cv_id is not None:
        profile = snapshot.profiles.get(cv_id)
        if profile is None:
            console.print(f"[red]no profile for {cv_id!r} in index version {snapshot.version}[/]")
            raise typer.Exit(1)
        typer.echo(json.dumps(profile.model_dump(mode="json"), ensure_ascii=False, indent=1))
        return
    ordered = sorted(snapshot.profiles.values(), key=lambda p: p.cv_id)
    if as_json:
        typer.echo(
            json.dumps([p.model_dump(mode="json") for p in ordered], ensure_ascii=False, indent=1)
        )
        return
    table = Table(title=f"{len(ordered)} profiles, index version {snapshot.version}")
    for column in ("cv_id", "name", "location", "languages", "years", "degree", "skills"):
        table.add_column(column)
    for p in ordered:
        table.add_row(*_summary_row(p))
    console.print(table)
