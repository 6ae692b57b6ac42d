"""CLI commands of each area; `cvchat.cli` registers them on one Typer app."""
