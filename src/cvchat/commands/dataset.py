"""``cvchat dataset``: generate the synthetic CV corpus (JSON → HTML → PDF).

Options are checked before anything touches the disk, so a bad option writes nothing.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from pathlib import Path
from typing import Annotated, get_args

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from cvchat.cvgen.schema import LANGUAGES, CvDocument, GeneratorName, LanguageCode
from cvchat.domain.llm import LlmError, LlmProvider
from cvchat.settings import LlmRoleSettings, get_settings

_MIN_CORPUS_TOKENS = 4096  # a CV as JSON needs more output than a chat answer


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/red] {message}")
    return typer.Exit(code=2)


def _parse_languages(value: str) -> list[LanguageCode]:
    codes = [code.strip().lower() for code in value.split(",") if code.strip()]
    unknown = [code for code in codes if code not in LANGUAGES]
    if not codes or unknown:
        raise _fail(
            f"unknown language {', '.join(unknown) or repr(value)}; "
            f"choose from {','.join(LANGUAGES)}"
        )
    return list(dict.fromkeys(codes))  # type: ignore[arg-type]


def _progress(console: Console) -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _provider(role: LlmRoleSettings) -> LlmProvider:
    """The corpus model's adapter, from ``CVCHAT_CORPUS_LLM__*`` settings."""
    from cvchat.infrastructure.llm.factory import build_provider

    roomy = role.model_copy(update={"max_tokens": max(role.max_tokens, _MIN_CORPUS_TOKENS)})
    try:
        provider = build_provider(roomy)
    except LlmError as exc:
        raise _fail(f"--generator llm: {exc}") from exc
    if provider is None:
        raise _fail(
            "--generator llm needs a model: set CVCHAT_CORPUS_LLM__PROVIDER to anthropic, "
            "google, openai or local (with CVCHAT_CORPUS_LLM__MODEL and, for a vendor, "
            "CVCHAT_CORPUS_LLM__API_KEY)"
        )
    return provider


def _summary(documents: list[CvDocument]) -> Table:
    table = Table(title=f"{len(documents)} CVs", show_lines=False)
    table.add_column("by")
    table.add_column("counts")
    for label, key in (
        ("language", "language"),
        ("seniority", "seniority"),
        ("role family", "role_family"),
        ("template", "template"),
    ):
        counts = Counter(getattr(d.meta, key) for d in documents)
        table.add_row(label, "  ".join(f"{name} {n}" for name, n in sorted(counts.items())))
    return table


def dataset(
    count: Annotated[int, typer.Option(help="How many CVs (1-10000).")] = 30,
    seed: Annotated[int, typer.Option(help="Same seed, same corpus.")] = 42,
    generator: Annotated[str, typer.Option(help="offline (default, no network) or llm.")] = (
        "offline"
    ),
    languages: Annotated[
        str, typer.Option(help="Comma-separated CV languages: en,es,fr,de.")
    ] = ",".join(LANGUAGES),
    force: Annotated[bool, typer.Option("--force", help="Render every CV again.")] = False,
    out: Annotated[Path | None, typer.Option(help="Output folder (default data/cvs).")] = None,
    workers: Annotated[int, typer.Option(help="Render processes (default: one per core).")] = 0,
) -> None:
    """Generate the synthetic CV corpus: cv.json, cv.html and cv.pdf per CV, and a manifest."""
    if not 1 <= count <= 10_000:
        raise _fail(f"--count must be between 1 and 10000, got {count}")
    if generator not in get_args(GeneratorName):
        raise _fail(f"unknown generator {generator!r}; choose offline or llm")
    codes = _parse_languages(languages)
    settings = get_settings()
    target = out if out is not None else settings.cvs_dir
    if target.exists() and not target.is_dir():
        raise _fail(f"--out {target} exists and is not a folder")
    provider = _provider(settings.corpus_llm) if generator == "llm" else None

    from cvchat.cvgen.corpus import build_corpus
    from cvchat.cvgen.plan import plan_corpus

    console = Console()
    plan = plan_corpus(count, seed, codes, generator)  # type: ignore[arg-type]
    rejected: list[str] = []
    if provider is None:
        from cvchat.cvgen.offline import generate_offline

        documents = [generate_offline(meta) for meta in plan]
    else:
        from cvchat.cvgen.llm import LlmCvGenerator

        llm = LlmCvGenerator(provider, attempts=settings.corpus_llm.max_retries)
        with _progress(console) as bar:
            task = bar.add_task("writing CVs (LLM)", total=len(plan))
            outcome = asyncio.run(llm.generate_all(plan, on_done=lambda _: bar.advance(task)))
        documents = outcome.documents
        for failure in outcome.rejected:
            console.print(f"[yellow]skipped {failure.cv_id}[/yellow]: {failure.errors}")
            rejected.append(failure.cv_id)

    with _progress(console) as bar:
        task = bar.add_task("rendering PDFs", total=None)
        report = build_corpus(
            target,
            documents,
            force=force,
            workers=workers or os.cpu_count() or 1,
            on_start=lambda total: bar.update(task, total=total),
            on_rendered=lambda _: bar.advance(task),
        )
    console.print(_summary(documents))
    console.print(
        f"{target}: {len(report.rendered)} rendered, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} stale removed, {len(rejected)} rejected"
    )
    if rejected and not documents:
        raise typer.Exit(code=1)
