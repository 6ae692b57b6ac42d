"""``cvchat users``: the administrator's commands for users and personal access tokens.

A token is printed once, alone on stdout (so ``TOKEN=$(cvchat users create alice)`` works);
everything else goes to stderr. Only a hash of the token's secret is stored.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cvchat.application.access import (
    IssuedToken,
    create_user_with_token,
    issue_token,
    list_tokens,
    revoke_token,
    set_admin,
)
from cvchat.commands.database import run_with_database
from cvchat.domain.access import AccessToken, parse_token

users = typer.Typer(help="Users and their personal access tokens (auth mode `token`).")
Name = Annotated[str, typer.Argument(help="The user's name.")]


def _show(issued: IssuedToken) -> None:
    typer.echo(issued.text)
    typer.echo(
        f"token {issued.token.token_id} for {issued.user.name} ({issued.user.user_id}): "
        "copy it now, it is not shown again.",
        err=True,
    )


@users.command("create")
def create(
    name: Name,
    admin: Annotated[bool, typer.Option("--admin", help="May add and delete CVs.")] = False,
) -> None:
    """Create a user and print their first access token."""
    from cvchat.infrastructure.auth.hashing import Argon2SecretHasher

    hasher = Argon2SecretHasher()
    _show(run_with_database(lambda f: create_user_with_token(f, hasher, name, admin=admin)))


@users.command("admin")
def admin(
    name: Name,
    revoke: Annotated[bool, typer.Option("--revoke", help="Take the right away.")] = False,
) -> None:
    """Let a user add and delete CVs (auth mode `token`), or with --revoke no longer."""
    user = run_with_database(lambda f: set_admin(f, name, not revoke))
    state = "is an administrator" if user.is_admin else "is no longer an administrator"
    typer.echo(f"{user.name} {state}", err=True)


@users.command("token")
def token(name: Name) -> None:
    """Issue another access token for an existing user."""
    from cvchat.infrastructure.auth.hashing import Argon2SecretHasher

    _show(run_with_database(lambda f: issue_token(f, Argon2SecretHasher(), name)))


@users.command("tokens")
def tokens(name: Name) -> None:
    """List a user's tokens (ids and dates; the tokens themselves are not stored)."""
    found: list[AccessToken] = run_with_database(lambda f: list_tokens(f, name))
    for t in found:
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        typer.echo(f"{t.token_id}  created {t.created_at:%Y-%m-%d %H:%M}  used {used}  {state}")


@users.command("revoke")
def revoke(
    token_id: Annotated[
        str, typer.Argument(help="The token's id (from `cvchat users tokens`) or the token.")
    ],
) -> None:
    """Revoke a token: requests carrying it fail with 401 from now on, in every process."""
    parts = parse_token(token_id)
    if parts is not None:
        token_id = parts.token_id
    run_with_database(lambda f: revoke_token(f, token_id))
    typer.echo(f"token {token_id} revoked", err=True)
