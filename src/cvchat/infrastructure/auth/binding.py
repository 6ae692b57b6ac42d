"""Auth mode ``none`` trusts every caller, so it may only listen where only this machine can."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """Loopback addresses and ``localhost``; any other name counts as reachable by others."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def public_bind_refusal(host: str, auth_mode: str, allow_public: bool) -> str | None:
    """Why serving on ``host`` is refused, or ``None`` when it is allowed."""
    if auth_mode != "none" or allow_public or is_loopback(host):
        return None
    return (
        f"refusing to serve on {host}: auth mode is 'none', so anyone who can reach this "
        "address would act as the local user with access to every thread. Use "
        "CVCHAT_AUTH__MODE=token (see README, 'Running with token mode'), bind 127.0.0.1, "
        "or force it with --allow-public / CVCHAT_ALLOW_PUBLIC_BIND=true."
    )
