"""`cvchat eval`: retrieval quality (the default) and `cvchat eval answers`: exact answers."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cvchat.settings import get_settings

console = Console()
eval_ = typer.Typer(
    help="Measure retrieval (`cvchat eval`) or set answers (`cvchat eval answers`).",
    invoke_without_command=True,
)


def _quiet() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)


@eval_.callback()
def retrieval(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option(help="JSON report (default: <data_dir>/eval/retrieval.json).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the query sampling.")] = 7,
    max_queries: Annotated[int, typer.Option(help="Cap on the number of queries.")] = 400,
) -> None:
    """Measure recall@1/5/10, MRR and nDCG@10 per method against the replaced service's setup."""
    if ctx.invoked_subcommand is not None:
        return
    from cvchat.infrastructure.rag.evaluation import evaluate_corpus

    _quiet()
    settings = get_settings()
    target = out or settings.data_dir / "eval" / "retrieval.json"
    result = evaluate_corpus(settings, seed=seed, max_queries=max_queries, progress=True)
    table = Table(
        title=f"retrieval on {result['corpus']['cvs']} CVs, {result['queries']['count']} queries"
    )
    metrics = list(result["metric_names"])
    table.add_column("system")
    for name in metrics:
        table.add_column(name, justify="right")
    for system, scores in result["systems"].items():
        table.add_row(system, *(f"{scores[m]:.3f}" for m in metrics))
    console.print(table)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    console.print(f"written to {target}")


@eval_.command("answers")
def answers(
    corpus: Annotated[
        str,
        typer.Option(
            help="demo (the generated corpus in <data_dir>/cvs), independent, heldout, blind, "
            "wild, fresh or formats (the hand-written, labelled CVs of tests/corpora/<name>; "
            "formats: Word files and scans), or all."
        ),
    ] = "all",
    out: Annotated[
        Path | None, typer.Option(help="JSON report (default: <data_dir>/eval/answers.json).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the question sampling.")] = 0,
    per_kind: Annotated[int, typer.Option(help="Questions per kind.")] = 6,
) -> None:
    """Score set questions (who / how many): precision, recall, F1, exact sets, counts."""
    from cvchat.evaluation.run_answers import LABELLED, evaluate_answers

    _quiet()
    every = ("demo", *LABELLED)
    if corpus not in (*every, "all"):
        console.print(f"[red]--corpus must be one of {', '.join(every)} or all[/]")
        raise typer.Exit(2)
    settings = get_settings()
    target = out or settings.data_dir / "eval" / "answers.json"
    names = every if corpus == "all" else (corpus,)
    reports = {
        name: evaluate_answers(settings, name, seed=seed, per_kind=per_kind) for name in names
    }
    for name, report in reports.items():
        console.print(f"[bold]{name}[/]")
        console.print(report.to_markdown())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps({k: r.to_json() for k, r in reports.items()}, indent=1, ensure_ascii=False)
    )
    console.print(f"written to {target}")
