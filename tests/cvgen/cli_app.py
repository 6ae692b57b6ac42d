"""A ``cvchat``-shaped Typer app holding only ``dataset``, as the real CLI registers it."""

from __future__ import annotations

import typer

from cvchat.commands.dataset import dataset

app = typer.Typer()


@app.callback()
def _root() -> None:
    """Mirrors the real ``cvchat`` app, where dataset is one sub-command."""


app.command("dataset")(dataset)
