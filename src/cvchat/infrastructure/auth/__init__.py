"""Authenticator adapters: the local user (auth mode ``none``) and personal access tokens."""

from cvchat.infrastructure.auth.local import LocalAuthenticator
from cvchat.infrastructure.auth.tokens import TokenAuthenticator

__all__ = ["LocalAuthenticator", "TokenAuthenticator"]
