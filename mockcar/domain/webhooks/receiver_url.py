"""The one rule for a webhook's URL, wherever it is given (scenario file, control API):
an absolute http or https URL naming a host, as a receiver must be to be sent anything
(https://smartcar.com/docs/integrations/webhooks/overview). Plain http is accepted on
purpose: mockcar's receivers are local test servers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mockcar.errors import DomainError, Kind

EXAMPLE = "https://app.example/webhooks"


class WebhookURLError(DomainError, ValueError):
    """A URL no webhook can be sent to; the message says why, with an example."""

    kind = Kind.INVALID


def receiver_url(value: str) -> str:
    """`value` if it can be a webhook receiver's URL, else WebhookURLError."""
    problem = _problem(value)
    if problem is not None:
        raise WebhookURLError(f"must be an absolute http(s) URL like {EXAMPLE}: {problem}; "
                              f"got {value[:200]!r}")
    return value


def _problem(value: str) -> str | None:
    if any(c.isspace() or not c.isprintable() for c in value):
        return "it holds spaces or control characters"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        return "its host or port cannot be read"
    if parts.scheme not in ("http", "https"):
        return "its scheme is not http or https"
    if not parts.hostname:
        return "it names no host"
    return None
