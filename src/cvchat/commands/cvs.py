"""``cvchat cvs``: the corpus from the command line — list, add and delete CVs.

The same use cases as ``/api/cvs``, as the local administrator; ``add`` indexes before it
returns, and a running server serves the new version at its next query.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from cvchat.commands.database import run_with_database
from cvchat.settings import get_settings

cvs = typer.Typer(help="The CVs of the corpus: list, add (PDF or DOCX) and delete for good.")
T = TypeVar("T")


class _IndexNow:
    """``CorpusIndex`` for one command: indexing is done by the command itself."""

    def __init__(self, store: object) -> None:
        from cvchat.infrastructure.rag.live_index import StoreBuilder
        from cvchat.infrastructure.rag.store import IndexStore

        assert isinstance(store, IndexStore)
        self.store = store
        self.builder = StoreBuilder(store)

    async def request(self) -> None:
        return None

    async def forget(self, cv_id: str) -> bool:
        return await asyncio.to_thread(self.store.forget, cv_id)


def _run(action: Callable[..., Awaitable[T]]) -> T:
    """``action(uow_factory, folder_files, index)`` on the configured database and corpus."""
    from cvchat.infrastructure.rag.corpus_files import FolderFiles
    from cvchat.infrastructure.rag.store import IndexStore

    store = IndexStore(get_settings())
    return run_with_database(lambda f: action(f, FolderFiles(store), _IndexNow(store)))


@cvs.command("list")
def list_cvs() -> None:
    """Every uploaded CV with its status (folder CVs: `cvchat search` and /api/cvs)."""
    from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory

    async def action(uow_factory: SqlUnitOfWorkFactory, *_: object) -> None:
        async with uow_factory(read_only=True) as uow:
            for cv in await uow.cvs.list_all():
                error = f"  ({cv.error})" if cv.error else ""
                typer.echo(f"{cv.cv_id}\t{cv.status}\t{cv.original_name}{error}")

    _run(action)


@cvs.command("add")
def add(
    files: Annotated[list[Path], typer.Argument(help="PDF or DOCX files.", exists=True)],
) -> None:
    """Add CVs and index them now; prints each one's id and status."""
    from cvchat.application.corpus import add_cv, index_queued
    from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
    from cvchat.infrastructure.rag.corpus_files import FolderFiles

    async def action(
        uow_factory: SqlUnitOfWorkFactory, folder: FolderFiles, index: _IndexNow
    ) -> None:
        ids: list[str] = []
        for path in files:
            with path.open("rb") as fh:
                staged = await asyncio.to_thread(folder.stage, fh, path.name)
            added = await add_cv(uow_factory, folder, index, staged)
            if added.duplicate:
                typer.echo(f"{path}: already in the corpus as {added.cv_id}", err=True)
            ids.append(added.cv_id)
        await index_queued(uow_factory, index.builder)
        async with uow_factory(read_only=True) as uow:
            for cv_id in ids:
                cv = await uow.cvs.get(cv_id)
                status, error = (cv.status, cv.error) if cv else ("indexed", None)
                typer.echo(f"{cv_id}\t{status}" + (f"  ({error})" if error else ""))

    _run(action)


@cvs.command("delete")
def delete(cv_id: Annotated[str, typer.Argument(help="The CV's id (as in /api/cvs).")]) -> None:
    """Erase a CV: its file, every index version holding it, its profile."""
    from cvchat.application.corpus import delete_cv

    _run(lambda uow_factory, folder, index: delete_cv(uow_factory, folder, index, cv_id))
    typer.echo(f"CV {cv_id} deleted", err=True)
