"""Domain errors, translated to HTTP statuses at the edge (web/errors.py)."""


class DomainError(Exception):
    """Base of every error the use cases raise on purpose."""


class NotFound(DomainError):
    """An id that names nothing (or nothing the caller may see)."""


class Conflict(DomainError):
    """The request clashes with the current state (name taken, run finished, thread busy)."""


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a domain rule."""


class IllegalTransition(DomainError):
    """A run status change the state machine forbids."""


class Unauthenticated(DomainError):
    """No valid credentials where they are required (HTTP 401)."""


class Forbidden(DomainError):
    """Authenticated, but the operation is not offered to callers of the API (HTTP 403)."""


class RateLimited(DomainError):
    """A per-user limit is reached (HTTP 429); ``retry_after_s`` goes into ``Retry-After``."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = max(1, retry_after_s)
