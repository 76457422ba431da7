"""The HTTP status of each kind of domain refusal (mockcar.errors.Kind): the one table
every host reads before writing the error in its own shape (v2 envelope, v3 `errors[]`,
control API, OAuth, Connect page)."""

from __future__ import annotations

from mockcar.errors import DomainError, Kind

STATUS: dict[Kind, int] = {
    Kind.INVALID: 400,
    Kind.UNAUTHORIZED: 401,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.LIMIT: 429,
}


def status(error: DomainError | Kind) -> int:
    """The status a host answers `error` (or an error of that kind) with."""
    return STATUS[error if isinstance(error, Kind) else error.kind]
