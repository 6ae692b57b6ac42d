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
