"""`cvchat index` and `cvchat search`: the retrieval layer from the shell.

Register with ``app.command("index")(index)`` and ``app.command("search")(search)``.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cvchat.domain.errors import InvalidInput
from cvchat.domain.retrieval import IndexUnavailable
from cvchat.settings import get_settings

console = Console()


def index(
    full: Annotated[
        bool, typer.Option("--full", help="Re-embed every CV instead of reusing unchanged ones.")
    ] = False,
) -> None:
    """Index the CV PDFs of the corpus folder into a new index version and switch to it."""
    from cvchat.infrastructure.rag.build import BuildError
    from cvchat.infrastructure.rag.store import IndexStore

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build at DEBUG
    settings = get_settings()
    store = IndexStore(settings)
    console.print(f"indexing [bold]{settings.cvs_dir}[/] with {settings.rag.embedding_model}")
    try:
        report = store.build(progress=True, full=full)
    except BuildError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    except IndexUnavailable as exc:  # the embedding model cannot be loaded
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    table = Table(title=f"index version {report.version}")
    columns = ("files", "pages", "chunks", "embedded", "reused", "profiled", "skipped", "seconds")
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(
        str(report.files),
        str(report.pages),
        str(report.chunks),
        str(report.embedded_documents),
        str(report.reused_documents),
        str(report.profiles_extracted),
        str(len(report.skipped)),
        f"{report.seconds:.1f}",
    )
    console.print(table)
    for skipped in report.skipped:
        console.print(f"[yellow]skipped[/] {skipped.file}: {skipped.reason}")


def search(
    query: Annotated[str, typer.Argument(help="The question, in any of the corpus languages.")],
    k: Annotated[int, typer.Option("-k", "--k", help="How many CVs (1-50).")] = 5,
    method: Annotated[
        str | None, typer.Option("--method", "-m", help="bm25, dense or hybrid.")
    ] = None,
) -> None:
    """Rank the indexed CVs for a question and show their best passages."""
    from cvchat.infrastructure.rag import IndexRetriever, IndexStore

    retriever = IndexRetriever(IndexStore(get_settings()))
    try:
        hits = retriever.search(query, k, method)
    except (InvalidInput, IndexUnavailable) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    table = Table(title=f"{query!r}", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("CV")
    table.add_column("score", justify="right")
    table.add_column("pages")
    table.add_column("best passage")
    for rank, hit in enumerate(hits, start=1):
        pages = ", ".join(str(p) for p in sorted({p.page for p in hit.passages}))
        best = hit.passages[0] if hit.passages else None
        snippet = "" if best is None else f"[dim]{best.section}[/] " + " ".join(best.text.split())
        table.add_row(
            str(rank),
            f"[bold]{hit.name}[/]\n{hit.headline}\n[dim]{hit.cv_id}[/]",
            f"{hit.score:.4f}",
            pages,
            snippet[:300],
        )
    console.print(table)
